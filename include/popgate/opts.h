/*
 * opts: popgate's command line. Pure: no I/O, no logging; errors go into
 * err and mean exit code 2 (usage).
 *
 *   popgate [options] [USER@]GATEWAY
 *   -p PORT  -l USER  -L [BIND:]PORT:HOST:HOSTPORT (repeatable)
 *   -i FILE  -W HOST:PORT  -v  -q
 *   --known-hosts FILE  --accept-new  --fingerprint SHA256:... (repeatable)
 *   --password-file FILE  --keepalive SECS  --check  --version  --help
 */
#ifndef POPGATE_OPTS_H
#define POPGATE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "popgate/addr.h"

#define OPTS_MAX_FORWARDS	32
#define OPTS_MAX_FINGERPRINTS	8
#define OPTS_DEFAULT_FORWARD	"127.0.0.1:1110:pop3:110"
#define OPTS_DEFAULT_KEEPALIVE	30

struct opts_forward {
	struct addr	bind;	/* local side; host "127.0.0.1" unless given */
	struct addr	target;	/* what the gateway is asked for */
};

struct opts {
	const char		*gateway;	/* host, without USER@ */
	char			 user[65];	/* -l or USER@; "" = login name */
	uint16_t		 port;		/* -p, 22 */
	struct opts_forward	 forwards[OPTS_MAX_FORWARDS];
	size_t			 nforwards;	/* default one when none given */
	const char		*identity;	/* -i, NULL = agent + defaults */
	const char		*known_hosts;	/* NULL = ~/.ssh/known_hosts */
	bool			 accept_new;
	const char		*fingerprints[OPTS_MAX_FINGERPRINTS];
	size_t			 nfingerprints;
	const char		*password_file;
	unsigned		 keepalive;	/* seconds, 0 = off */
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
};

/*
 * Parses argv (argv[0] is the program). 0 on success; -1 with the reason
 * in err (usage error: exit code 2). --help / --version set their flag
 * and stop parsing successfully.
 */
int	opts_parse(int argc, char *const *argv, struct opts *o, char *err,
	    size_t errlen);

/*
 * One -L spec: [BIND:]PORT:HOST:HOSTPORT, BIND and HOST may be [v6]
 * bracketed; BIND "*" means all addresses (0.0.0.0); PORT 0 picks a free
 * port. 0, or -1 with the reason in err.
 */
int	opts_parse_forward(const char *spec, struct opts_forward *out,
	    char *err, size_t errlen);

/* Is this bind host a loopback address (127.0.0.0/8, ::1, localhost)? */
bool	opts_is_loopback(const char *host);

/* The usage text, for --help and errors. */
const char *opts_usage(void);

#endif
