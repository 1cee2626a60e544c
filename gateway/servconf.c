/*
 * servconf: popgated.conf and -o options through one keyword table. This
 * file is the table and the pipeline: read the file's lines, then the -o
 * options (a keyword given there replaces the file's values), fill the
 * defaults, validate, resolve the backends; and print (-T). A keyword's
 * kind (kwtype.h, kwpath.h, kwnet.h) knows how to parse one line into
 * struct servconf, clear its values and print them; defaults are text
 * run through the same parser, so -T prints what a file would have to
 * say to give the same configuration.
 */
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "popgate/algos.h"
#include "popgate/cfgfile.h"
#include "popgate/kwnet.h"
#include "popgate/kwpath.h"
#include "popgate/kwtype.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define SC_OFF(f)	offsetof(struct servconf, f)

/* Parsing, defaults and -T order all come from here. */
static const struct keyword keywords[] = {
	{ "ListenAddress", &kwnet_listen, SC_OFF(listen), SC_OFF(nlisten),
	    KWTYPE_REPEAT, 0, 0, { "0.0.0.0:22", "[::]:22" } },
	{ "ProxyFrom", &kwnet_nets, SC_OFF(proxy_from), SC_OFF(nproxy_from),
	    KWTYPE_REPEAT, 0, 0, { NULL, NULL } },
	{ "HostKey", &kwpath_paths, SC_OFF(host_keys), SC_OFF(nhost_keys),
	    KWTYPE_REPEAT, 0, 0, { "ssh_host_ed25519_key", NULL } },
	{ "AuthorizedKeysFile", &kwpath_path, SC_OFF(authorized_keys_file), 0,
	    KWTYPE_USER, 0, 0, { NULL, NULL } },
	{ "PasswordFile", &kwpath_path, SC_OFF(password_file), 0,
	    0, 0, 0, { NULL, NULL } },
	{ "Forward", &kwnet_forward, SC_OFF(forwards), 0,
	    KWTYPE_REPEAT, 0, 0, { NULL, NULL } },
	{ "MaxAuthTries", &kwtype_uint, SC_OFF(max_auth_tries), 0,
	    0, 1, 100, { "3", NULL } },
	{ "LoginGraceTime", &kwtype_seconds, SC_OFF(login_grace_time), 0,
	    0, 1, 3600, { "30", NULL } },
	{ "MaxStartups", &kwtype_maxstartups, SC_OFF(max_startups), 0,
	    0, 1, 65535, { "10:30:100", NULL } },
	{ "ChannelsPerSession", &kwtype_uint, SC_OFF(channels_per_session), 0,
	    0, 1, 1024, { "64", NULL } },
	{ "BackendConnectTimeout", &kwtype_seconds,
	    SC_OFF(backend_connect_timeout), 0, 0, 1, 300, { "5", NULL } },
	{ "LogLevel", &kwtype_loglevel, SC_OFF(log_level), 0,
	    0, 0, 0, { "INFO", NULL } },
	{ "LogTarget", &kwtype_logtarget, SC_OFF(log_target), 0,
	    0, 0, 0, { "stderr", NULL } },
	/* Logins (and the rest) to AUTH, tunnels to MAIL. */
	{ "SyslogFacility", &kwtype_facility, SC_OFF(syslog_facility), 0,
	    0, 0, 0, { "AUTH MAIL", NULL } },
	/* min carries the enum algos_kind. */
	{ "KexAlgorithms", &kwtype_algos, SC_OFF(kex_algorithms), 0,
	    0, ALGOS_KEX, 0, { ALGOS_DEFAULT_KEX, NULL } },
	{ "Ciphers", &kwtype_algos, SC_OFF(ciphers), 0,
	    0, ALGOS_CIPHERS, 0, { ALGOS_DEFAULT_CIPHERS, NULL } },
	{ "MACs", &kwtype_algos, SC_OFF(macs), 0,
	    0, ALGOS_MACS, 0, { ALGOS_DEFAULT_MACS, NULL } },
	{ "HostKeyAlgorithms", &kwtype_algos, SC_OFF(hostkey_algorithms), 0,
	    0, ALGOS_HOSTKEY, 0, { ALGOS_DEFAULT_HOSTKEY, NULL } },
	{ "User", &kwtype_user, SC_OFF(user), 0,
	    0, 0, 0, { SERVCONF_DEFAULT_USER, NULL } },
	{ "StrictModes", &kwtype_yesno, SC_OFF(strict_modes), 0,
	    0, 0, 0, { "yes", NULL } },
	/* Limits, shutdown, control socket (README "Resilience"). */
	{ "PerSourcePenalties", &kwtype_penalties, SC_OFF(penalties), 0,
	    0, 0, 0, { "yes", NULL } },
	{ "PerSourceMaxStartups", &kwtype_limit,
	    SC_OFF(per_source_max_startups), 0, KWTYPE_NONE, 1, 65535,
	    { "8", NULL } },
	{ "MaxSessionsPerUser", &kwtype_limit, SC_OFF(max_sessions_per_user), 0,
	    KWTYPE_NONE, 1, 65535, { "10", NULL } },
	{ "IdleTimeout", &kwtype_timeout, SC_OFF(idle_timeout), 0,
	    KWTYPE_NONE, 1, 604800, { "1h", NULL } },
	{ "UnusedConnectionTimeout", &kwtype_timeout,
	    SC_OFF(unused_connection_timeout), 0, KWTYPE_NONE, 1, 604800,
	    { "1h", NULL } },
	{ "ShutdownGrace", &kwtype_seconds, SC_OFF(shutdown_grace), 0,
	    0, 0, 3600, { "30", NULL } },
	{ "ControlSocket", &kwpath_socket, SC_OFF(control_socket), 0,
	    KWTYPE_NONE, 0, 0, { SERVCONF_DEFAULT_CONTROL, NULL } },
	/* The hop behind the gateway: README, backtls.h, pop3auth.h. */
	{ "PasswordBackend", &kwtype_pwbackend, SC_OFF(password_backend), 0,
	    0, 0, 0, { "file", NULL } },
	{ "BackendPlaintextAuth", &kwtype_yesno,
	    SC_OFF(backend_plaintext_auth), 0, 0, 0, 0, { "no", NULL } },
	{ "AuthCacheSeconds", &kwtype_authcache, SC_OFF(auth_cache_seconds), 0,
	    0, 0, 0, { "0", NULL } },
	{ "BackendCAFile", &kwpath_path, SC_OFF(backend_ca_file), 0,
	    0, 0, 0, { NULL, NULL } },
	{ "BindMailbox", &kwtype_yesno, SC_OFF(bind_mailbox), 0,
	    0, 0, 0, { "no", NULL } },
	{ "MailboxMap", &kwpath_path, SC_OFF(mailbox_map), 0,
	    0, 0, 0, { NULL, NULL } },
};

#define NKW	(sizeof(keywords) / sizeof(keywords[0]))

_Static_assert(NKW <= KWTYPE_MAX, "one load.first slot per keyword");
_Static_assert(KWTYPE_MAX == sizeof(((struct servconf *)NULL)->set),
    "one servconf.set slot per keyword");

static const struct keyword *
find_keyword(const char *name)
{
	size_t	i;

	for (i = 0; i < NKW; i++) {
		if (strcasecmp(keywords[i].name, name) == 0) {
			return &keywords[i];
		}
	}
	return NULL;
}

/* Exactly kw's number of words from args into argv. */
static int
split_args(const struct keyword *kw, char *args, char **argv, char *err,
    size_t errlen)
{
	char	*cursor = args;
	char	*w = NULL;
	size_t	 n = 0;
	size_t	 max = kw->type->maxargs != 0 ? kw->type->maxargs :
	    kw->type->nargs;

	while ((w = str_next_word(&cursor)) != NULL) {
		if (n == max) {
			snprintf(err, errlen, "too many arguments (usage: "
			    "%s %s)", kw->name, kw->type->usage);
			return -1;
		}
		argv[n++] = w;
	}
	argv[n] = NULL;
	if (str_word_error(&cursor)) {
		snprintf(err, errlen, "unclosed quote");
		return -1;
	}
	if (n < kw->type->nargs) {
		snprintf(err, errlen, "missing argument (usage: %s %s)",
		    kw->name, kw->type->usage);
		return -1;
	}
	return 0;
}

/* One "Keyword args" line from cf, at ld->level. */
static int
apply_line(struct servconf *sc, struct kwtype_load *ld,
    const struct cfgfile *cf, const char *keyword, char *args, char *err,
    size_t errlen)
{
	const struct keyword	*kw = find_keyword(keyword);
	char			*argv[KWTYPE_ARGS_MAX + 1];
	char			 why[KWTYPE_WHY_MAX];
	char			 buf[32];
	size_t			 i;

	if (kw == NULL) {
		cfgfile_error(cf, err, errlen, "unknown keyword \"%s\"",
		    keyword);
		return -1;
	}
	i = (size_t)(kw - keywords);
	if ((kw->flags & KWTYPE_REPEAT) == 0 && ld->first[i] != 0) {
		cfgfile_error(cf, err, errlen, "%s given twice (first at %s)",
		    kw->name, kwtype_where(ld->level, ld->first[i], buf,
		    sizeof(buf)));
		return -1;
	}
	ld->line = cfgfile_line(cf);
	if (split_args(kw, args, argv, why, sizeof(why)) != 0) {
		cfgfile_error(cf, err, errlen, "%s: %s", kw->name, why);
		return -1;
	}
	if (sc->set[i] != 0 && sc->set[i] != ld->level &&
	    kw->type->clear != NULL) {
		kw->type->clear(sc, kw, ld);	/* -o replaces the file's */
	}
	if (kw->type->parse(sc, kw, ld, argv, why, sizeof(why)) != 0) {
		cfgfile_error(cf, err, errlen, "%s: %s", kw->name, why);
		return -1;
	}
	sc->set[i] = (unsigned char)ld->level;
	if (ld->first[i] == 0) {
		ld->first[i] = ld->line;
	}
	return 0;
}

/* Every line of cf at the given level. */
static int
read_lines(struct servconf *sc, struct kwtype_load *ld, struct cfgfile *cf,
    int level, char *err, size_t errlen)
{
	char	*keyword = NULL;
	char	*args = NULL;
	int	 rc;

	ld->level = level;
	memset(ld->first, 0, sizeof(ld->first));
	while ((rc = cfgfile_next(cf, &keyword, &args, err, errlen)) > 0) {
		if (apply_line(sc, ld, cf, keyword, args, err, errlen) != 0) {
			return -1;
		}
	}
	return rc;
}

/*
 * The -o options as one text, option N on line N, so cfgfile labels
 * errors "-o:N". An option that is empty or spans lines would break that.
 */
static int
read_opts(struct servconf *sc, struct kwtype_load *ld, char *const *opts,
    size_t nopts, char *err, size_t errlen)
{
	struct cfgfile	*cf = NULL;
	char		*text = xstrdup("");
	char		*t = NULL;
	const char	*s = NULL;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < nopts; i++) {
		s = opts[i] + strspn(opts[i], " \t\r");
		if (*s == '\0' || *s == '#' || strchr(s, '\n') != NULL) {
			snprintf(err, errlen, "-o:%zu: expected "
			    "\"Keyword=value\" on one line", i + 1);
			goto out;
		}
		t = xasprintf("%s%s\n", text, opts[i]);
		free(text);
		text = t;
	}
	cf = cfgfile_from_string("-o", text);
	if (read_lines(sc, ld, cf, KWTYPE_LEVEL_OPT, err, errlen) != 0) {
		goto out;
	}
	rc = 0;
out:
	cfgfile_free(cf);
	free(text);
	return rc;
}

static int
apply_defaults(struct servconf *sc, struct kwtype_load *ld, char *err,
    size_t errlen)
{
	const struct keyword	*kw = NULL;
	char			*argv[KWTYPE_ARGS_MAX + 1];
	char			*text = NULL;
	char			 why[KWTYPE_WHY_MAX];
	size_t			 i;
	size_t			 j;

	ld->line = 0;
	for (i = 0; i < NKW; i++) {
		kw = &keywords[i];
		for (j = 0; sc->set[i] == 0 && j < 2 && kw->dflt[j] != NULL;
		    j++) {
			/* Split as a file line would be ("AUTH MAIL"). */
			text = xstrdup(kw->dflt[j]);
			if (split_args(kw, text, argv, why, sizeof(why)) != 0 ||
			    kw->type->parse(sc, kw, ld, argv, why,
			    sizeof(why)) != 0) {
				snprintf(err, errlen, "%s: default %s: %s",
				    sc->path, kw->name, why);
				free(text);
				return -1;
			}
			free(text);
		}
	}
	return 0;
}

/* getaddrinfo for one backend (no AI_ADDRCONFIG: ::1 works offline). */
static int
resolve_backend(struct policy_backend *e, char *why, size_t whylen)
{
	struct addrinfo	 hints;
	struct addrinfo	*res = NULL;
	char		 port[8];
	int		 gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)e->addr.port);
	gai = getaddrinfo(e->addr.host, port, &hints, &res);
	if (gai != 0) {
		snprintf(why, whylen, "cannot resolve backend \"%s\": %s",
		    e->addr.host, gai_strerror(gai));
		return -1;
	}
	if (res->ai_addrlen > sizeof(e->sa)) {
		snprintf(why, whylen, "backend \"%s\": address too long",
		    e->addr.host);
		freeaddrinfo(res);
		return -1;
	}
	memcpy(&e->sa, res->ai_addr, res->ai_addrlen);
	e->salen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* "FILE:LINE: Forward: why" for Forward entry i. */
static void
forward_error(const struct servconf *sc, const struct kwtype_load *ld, size_t i,
    const char *why, char *err, size_t errlen)
{
	if (ld->fwd_level == KWTYPE_LEVEL_OPT) {
		snprintf(err, errlen, "-o:%u: Forward: %s", ld->fwd_line[i],
		    why);
	} else {
		snprintf(err, errlen, "%s:%u: Forward: %s", sc->path,
		    ld->fwd_line[i], why);
	}
}

static int
resolve_all(struct servconf *sc, const struct kwtype_load *ld, char *err,
    size_t errlen)
{
	struct policy_entry	*e = NULL;
	char			 why[KWTYPE_WHY_MAX];
	size_t			 i, j;

	for (i = 0; i < policy_count(sc->forwards); i++) {
		e = policy_entry(sc->forwards, i);
		for (j = 0; j < e->nbackends; j++) {
			if (resolve_backend(&e->backends[j], why,
			    sizeof(why)) != 0) {
				forward_error(sc, ld, i, why, err, errlen);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * What the hop behind the gateway can do with each Forward: STLS is
 * POP3's upgrade (RFC 2595), and BindMailbox reads POP3 logins only.
 */
static int
check_forwards(const struct servconf *sc, const struct kwtype_load *ld,
    char *err, size_t errlen)
{
	const struct policy_entry	*e = NULL;
	char				 why[KWTYPE_WHY_MAX], t[ADDR_STRLEN];
	size_t				 i, j;

	for (i = 0; i < policy_count(sc->forwards); i++) {
		e = policy_entry_const(sc->forwards, i);
		addr_format(e->target.host, e->target.port, t, sizeof(t));
		for (j = 0; j < e->nbackends; j++) {
			if (e->proto != POLICY_PROTO_POP3 &&
			    e->backends[j].tls == POLICY_TLS_STARTTLS) {
				snprintf(why, sizeof(why), "starttls:// is "
				    "implemented for POP3 targets only (STLS), "
				    "and %s is %s: use imaps:// or "
				    "submissions://", t,
				    policy_proto_name(e->proto));
				forward_error(sc, ld, i, why, err, errlen);
				return -1;
			}
		}
		if (sc->bind_mailbox && e->proto != POLICY_PROTO_POP3) {
			snprintf(why, sizeof(why), "BindMailbox yes binds POP3 "
			    "logins only, and %s is %s", t,
			    policy_proto_name(e->proto));
			forward_error(sc, ld, i, why, err, errlen);
			return -1;
		}
	}
	return 0;
}

/* PasswordBackend pop3 logs in at the first POP3 Forward's backend. */
static int
check_password_backend(const struct servconf *sc, char *err, size_t errlen)
{
	size_t	i;

	if (sc->password_backend != SERVCONF_PASSWORD_POP3) {
		return 0;
	}
	if (sc->password_file != NULL) {
		snprintf(err, errlen, "%s: PasswordFile and PasswordBackend "
		    "pop3 exclude each other: passwords are checked either "
		    "in the file or at the POP3 backend", sc->path);
		return -1;
	}
	for (i = 0; i < policy_count(sc->forwards); i++) {
		if (policy_entry_const(sc->forwards, i)->proto ==
		    POLICY_PROTO_POP3) {
			return 0;
		}
	}
	snprintf(err, errlen, "%s: PasswordBackend pop3 needs a Forward to a "
	    "POP3 target (such as \"Forward pop3:110 BACKEND\") to log in "
	    "at", sc->path);
	return -1;
}

/*
 * A proxy listener trusts the PROXY header for the client's address:
 * without ProxyFrom naming the balancers, anyone could claim any address
 * in the logs and escape (or cause) per-source penalties.
 */
static int
check_proxy(const struct servconf *sc, const struct kwtype_load *ld, char *err,
    size_t errlen)
{
	const char	*msg = "ListenAddress: a proxy listener needs "
	    "\"ProxyFrom ADDR[/PREFIX]\" naming the balancers that may "
	    "send PROXY headers";

	if (ld->proxy_line == 0 || sc->nproxy_from > 0) {
		return 0;
	}
	if (ld->proxy_level == KWTYPE_LEVEL_OPT) {
		snprintf(err, errlen, "-o:%u: %s", ld->proxy_line, msg);
	} else {
		snprintf(err, errlen, "%s:%u: %s", sc->path, ld->proxy_line,
		    msg);
	}
	return -1;
}

static int
validate(struct servconf *sc, const struct kwtype_load *ld, bool resolve,
    char *err, size_t errlen)
{
	if (check_proxy(sc, ld, err, errlen) != 0) {
		return -1;
	}
	if (policy_count(sc->forwards) == 0) {
		snprintf(err, errlen, "%s: no Forward configured: add a line "
		    "\"Forward NAME:PORT BACKEND:PORT\"", sc->path);
		return -1;
	}
	if (sc->authorized_keys_file == NULL && sc->password_file == NULL &&
	    sc->password_backend != SERVCONF_PASSWORD_POP3) {
		snprintf(err, errlen, "%s: no authentication method: set "
		    "AuthorizedKeysFile, PasswordFile or PasswordBackend pop3",
		    sc->path);
		return -1;
	}
	if (check_password_backend(sc, err, errlen) != 0 ||
	    check_forwards(sc, ld, err, errlen) != 0) {
		return -1;
	}
	if (resolve && resolve_all(sc, ld, err, errlen) != 0) {
		return -1;
	}
	return 0;
}

/* The config file's folder, absolute when it exists, so -T is too. */
static char *
config_dir(const char *path)
{
	char	*dir = str_dirname(path);
	char	*abs = realpath(dir, NULL);

	if (abs == NULL) {
		return dir;
	}
	free(dir);
	return abs;
}

void
servconf_init(struct servconf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->forwards = policy_new();
}

void
servconf_free(struct servconf *sc)
{
	size_t	i;

	for (i = 0; i < NKW; i++) {
		if (keywords[i].type->clear != NULL) {
			keywords[i].type->clear(sc, &keywords[i], NULL);
		}
	}
	policy_free(sc->forwards);
	free(sc->path);
	free(sc->dir);
	memset(sc, 0, sizeof(*sc));
}

int
servconf_load(struct servconf *sc, const char *path, char *const *opts,
    size_t nopts, bool resolve, char *err, size_t errlen)
{
	struct kwtype_load	 ld;
	struct cfgfile	*cf = NULL;
	int		 rc = -1;

	servconf_init(sc);
	memset(&ld, 0, sizeof(ld));
	sc->path = xstrdup(path);
	sc->dir = config_dir(path);
	cf = cfgfile_open(path, err, errlen);
	if (cf == NULL ||
	    read_lines(sc, &ld, cf, KWTYPE_LEVEL_FILE, err, errlen) != 0 ||
	    read_opts(sc, &ld, opts, nopts, err, errlen) != 0 ||
	    apply_defaults(sc, &ld, err, errlen) != 0 ||
	    validate(sc, &ld, resolve, err, errlen) != 0) {
		goto out;
	}
	rc = 0;
out:
	cfgfile_free(cf);
	free(ld.fwd_line);
	if (rc != 0) {
		servconf_free(sc);
	}
	return rc;
}

void
servconf_print(const struct servconf *sc, FILE *fp)
{
	size_t	i;

	for (i = 0; i < NKW; i++) {
		keywords[i].type->print(sc, &keywords[i], fp);
	}
}
