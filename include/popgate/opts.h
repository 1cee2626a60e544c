/*
 * opts: popgate's command line. Pure: no I/O, no logging; errors go into
 * err and mean exit code 2 (usage).
 *
 *   popgate [options] [USER@]GATEWAY | [USER@]PROFILE
 *   -p PORT  -l USER  -L [BIND:]PORT:HOST:HOSTPORT (repeatable)
 *   -i FILE  -W HOST:PORT  -F FILE  -f  -v  -q
 *   --known-hosts FILE  --accept-new  --fingerprint SHA256:... (repeatable)
 *   --password-file FILE  --keepalive SECS  --persist  --background
 *   --pid-file FILE  --check  --version  --help
 *
 * Options come in layers: a profile's (see profile.h), then the command
 * line's. A later layer's value replaces an earlier one's; for the
 * repeatable -L and --fingerprint the later layer's list replaces the
 * earlier list as a whole. opts_parse() is the one-layer case.
 *
 * What each option does is optdef.h's table; -L specs are fwdspec.h's,
 * the --help text usage.h's.
 */
#ifndef POPGATE_OPTS_H
#define POPGATE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "popgate/addr.h"
#include "popgate/fwdspec.h"

#define OPTS_MAX_FORWARDS	32
#define OPTS_MAX_FINGERPRINTS	8
#define OPTS_DEFAULT_FORWARD	"127.0.0.1:1110:pop3:110"
#define OPTS_DEFAULT_KEEPALIVE	30

struct opts {
	const char		*gateway;	/* host, without USER@ */
	char			 user[65];	/* -l or USER@; "" = login name */
	uint16_t		 port;		/* -p, 22 */
	struct fwdspec		 forwards[OPTS_MAX_FORWARDS];
	size_t			 nforwards;	/* default one when none given */
	const char		*identity;	/* -i, NULL = agent + defaults */
	const char		*known_hosts;	/* NULL = ~/.ssh/known_hosts */
	bool			 accept_new;
	const char		*fingerprints[OPTS_MAX_FINGERPRINTS];
	size_t			 nfingerprints;
	const char		*password_file;
	unsigned		 keepalive;	/* seconds, 0 = off */
	bool			 persist;	/* keep the session up */
	bool			 background;	/* -f: fork once ready */
	const char		*pid_file;
	const char		*config;	/* -F: the profile file */
	/*
	 * The [USER@]GATEWAY (or [USER@]PROFILE) argument as given, NULL
	 * when none; opts_finish() takes the gateway and user from it. The
	 * caller may point it elsewhere between opts_scan and opts_finish.
	 */
	const char		*dest;
	bool			 check;
	bool			 stdio;		/* -W given */
	struct addr		 stdio_target;
	int			 verbose;	/* -v count */
	bool			 quiet;
	bool			 help;
	bool			 version;
	/*
	 * Storage behind gateway: the host part of [USER@]GATEWAY with the
	 * brackets of "[::1]" stripped. gateway points here, so a struct
	 * opts copied by value still points into the original.
	 */
	char			 gateway_buf[ADDR_HOSTLEN];
	unsigned		 layer;		/* opts_scan calls so far */
	unsigned		 forwards_layer; /* layer of forwards[] */
	unsigned		 fingerprints_layer;
	unsigned		 stdio_layer;
	unsigned		 user_layer;	/* of -l */
	unsigned		 dest_layer;
};

/*
 * Parses argv (argv[0] is the program). 0 on success; -1 with the reason
 * in err (usage error: exit code 2). --help / --version set their flag
 * and stop parsing successfully.
 */
int	opts_parse(int argc, char *const *argv, struct opts *o, char *err,
	    size_t errlen);

/* Layer by layer: opts_init, opts_scan per layer, then opts_finish. */
void	opts_init(struct opts *o);
/*
 * One layer: argv[0 .. argc-1] are options and at most one
 * [USER@]GATEWAY (no program name). Stops early, successfully, at --help
 * or --version. 0, or -1 with the reason in err.
 */
int	opts_scan(struct opts *o, int argc, char *const *argv, char *err,
	    size_t errlen);
/* The gateway from o->dest, checks across options, the default -L. */
int	opts_finish(struct opts *o, char *err, size_t errlen);

/*
 * One option by its spelling ("-p", "--keepalive"), arg NULL for one
 * that takes none: the command line's parser, for profile keywords. The
 * error starts with opt as spelled here. 0, or -1 with the reason in err.
 */
int	opts_set(struct opts *o, const char *opt, const char *arg, char *err,
	    size_t errlen);
/*
 * A GATEWAY host (no USER@, no port) as the argument would be checked;
 * the error starts with "gateway". 0, or -1 with the reason in err.
 */
int	opts_check_gateway(const char *host, char *err, size_t errlen);

#endif
