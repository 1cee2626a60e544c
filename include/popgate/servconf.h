/*
 * servconf: popgated's configuration. One keyword table drives parsing,
 * defaults and -T printing. Order (as sshd): servconf_init() (all unset)
 * -> file lines -> -o lines (same parser; a keyword given with -o replaces
 * the file's values for it) -> defaults -> validate (paths, backends
 * resolved) -> print. Errors are "FILE:LINE: message" ("-o:N:" for the
 * N-th -o option).
 *
 * Keywords: ListenAddress, ProxyFrom, HostKey, AuthorizedKeysFile,
 * PasswordFile, Forward, MaxAuthTries, LoginGraceTime, MaxStartups,
 * ChannelsPerSession, BackendConnectTimeout, LogLevel, LogTarget,
 * SyslogFacility, KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms, User,
 * StrictModes, PerSourcePenalties, PerSourceMaxStartups,
 * MaxSessionsPerUser, IdleTimeout, UnusedConnectionTimeout, ShutdownGrace,
 * ControlSocket, PasswordBackend, BackendPlaintextAuth, AuthCacheSeconds,
 * BackendCAFile, BindMailbox, MailboxMap.
 */
#ifndef POPGATE_SERVCONF_H
#define POPGATE_SERVCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "popgate/addr.h"
#include "popgate/log.h"
#include "popgate/penalty.h"
#include "popgate/policy.h"
#include "popgate/proxynet.h"

#define SERVCONF_DEFAULT_PATH	POPGATE_SYSCONFDIR "/popgated.conf"
#define SERVCONF_DEFAULT_USER	"popgate"
#define SERVCONF_DEFAULT_CONTROL	"/run/popgated/popgated.sock"

enum servconf_pwbackend {
	SERVCONF_PASSWORD_FILE,		/* PasswordFile (yescrypt) */
	SERVCONF_PASSWORD_POP3		/* a login at the POP3 backend */
};

struct servconf_maxstartups {
	unsigned	start;		/* begin dropping at this many */
	unsigned	rate;		/* percent dropped at start */
	unsigned	full;		/* drop everything from here */
};

enum servconf_logtarget {
	SERVCONF_LOG_STDERR,
	SERVCONF_LOG_SYSLOG
};

struct servconf {
	char		*path;		/* the file read (absolute or as given) */
	char		*dir;		/* its folder: relative paths start here */

	struct addr	*listen;	/* ListenAddress, in order */
	bool		*listen_proxy;	/* ...each one's "proxy" word: PROXY
					   header first (nlisten of them) */
	size_t		 nlisten;
	struct proxynet	*proxy_from;	/* ProxyFrom: who may send it;
					   needed by any proxy listener */
	size_t		 nproxy_from;
	char		**host_keys;	/* HostKey paths, resolved */
	size_t		 nhost_keys;
	char		*authorized_keys_file;	/* with %u; NULL: no publickey */
	char		*password_file;	/* NULL: no password auth */
	struct policy	*forwards;	/* Forward entries, backends resolved */
	unsigned	 max_auth_tries;
	unsigned	 login_grace_time;	/* seconds */
	struct servconf_maxstartups max_startups;
	unsigned	 channels_per_session;
	unsigned	 backend_connect_timeout;	/* seconds */
	enum log_level	 log_level;
	enum servconf_logtarget log_target;
	int		 syslog_facility[2];	/* logins and all else, tunnels */
	char		*kex_algorithms;	/* comma lists, see algos.h */
	char		*ciphers;
	char		*macs;
	char		*hostkey_algorithms;
	char		*user;		/* sessions run as this account */
	bool		 strict_modes;	/* refuse files others may change */
	enum servconf_pwbackend password_backend;
	bool		 backend_plaintext_auth;	/* USER/PASS in clear */
	unsigned	 auth_cache_seconds;	/* only 0: see README */
	char		*backend_ca_file;	/* NULL: the system's CAs */
	bool		 bind_mailbox;
	char		*mailbox_map;		/* NULL: mailbox = user */

	/* Limits, shutdown and the control socket (0 / NULL: none). */
	struct penalty_conf penalties;		/* PerSourcePenalties */
	unsigned	 per_source_max_startups;
	unsigned	 max_sessions_per_user;
	unsigned	 idle_timeout;		/* seconds */
	unsigned	 unused_connection_timeout;	/* seconds */
	unsigned	 shutdown_grace;	/* seconds */
	char		*control_socket;	/* unix socket path */

	unsigned char	 set[64];	/* per keyword: 0 unset, 1 file, 2 -o */
};

/* All unset, nothing allocated beyond the empty Forward table. */
void	servconf_init(struct servconf *sc);
void	servconf_free(struct servconf *sc);	/* leaves it unset */

/*
 * The whole pipeline: init, read path, apply the -o options (each
 * "Keyword=value" or "Keyword value"), fill defaults, validate. With
 * resolve set, Forward backends are resolved (getaddrinfo) and an
 * unresolvable one is an error at its line. 0, or -1 with the message
 * in err (sc is then freed).
 */
int	servconf_load(struct servconf *sc, const char *path,
	    char *const *opts, size_t nopts, bool resolve, char *err,
	    size_t errlen);

/* Prints the effective configuration, one "Keyword value" a line. */
void	servconf_print(const struct servconf *sc, FILE *fp);

#endif
