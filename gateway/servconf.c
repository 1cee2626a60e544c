/*
 * servconf: popgated.conf and -o options through one keyword table. A
 * keyword's type knows how to parse one line into struct servconf, clear
 * its values (-o replaces rather than adds) and print them; defaults are
 * text run through the same parser, so -T prints what a file would have
 * to say to give the same configuration.
 */
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "popgate/algos.h"
#include "popgate/cfgfile.h"
#include "popgate/proxyproto.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define SC_OFF(f)	offsetof(struct servconf, f)
#define KW_REPEAT	0x01	/* each line adds a value */
#define KW_USER		0x02	/* a path that may hold %u */
#define KW_NONE		0x04	/* "none" for 0 / NULL: no limit, off */
#define KW_ARGS_MAX	(POLICY_BACKENDS_MAX + 2)
#define KW_MAX		64	/* == sizeof(servconf.set) */
#define WHY_MAX		512
#define LEVEL_FILE	1	/* servconf.set values */
#define LEVEL_OPT	2

/* The value of keyword kw inside sc, and the count of a list. */
#define FIELD(sc, kw, type) \
	((type *)(void *)((char *)(sc) + (kw)->off))
#define CFIELD(sc, kw, type) \
	((type const *)(const void *)((const char *)(sc) + (kw)->off))
#define COUNT(sc, kw) \
	((size_t *)(void *)((char *)(sc) + (kw)->cnt))
#define CCOUNT(sc, kw) \
	(*(const size_t *)(const void *)((const char *)(sc) + (kw)->cnt))

struct keyword;

/* State of one servconf_load(), not kept in struct servconf. */
struct load {
	int		 level;		/* LEVEL_FILE or LEVEL_OPT */
	unsigned	 first[KW_MAX];	/* line of first use at this level */
	unsigned	*fwd_line;	/* line of each Forward entry */
	int		 fwd_level;	/* ...all from this level */
	size_t		 nfwd;
	unsigned	 proxy_line;	/* first "ListenAddress ... proxy" */
	int		 proxy_level;	/* ...at this level */
	unsigned	 line;		/* the line being parsed, 0: default */
};

struct kwtype {
	int		(*parse)(struct servconf *, const struct keyword *,
			    struct load *, char **, char *, size_t);
	void		(*clear)(struct servconf *, const struct keyword *,
			    struct load *);	/* NULL: overwritten anyway */
	void		(*print)(const struct servconf *,
			    const struct keyword *, FILE *);
	size_t		  nargs;
	size_t		  maxargs;	/* 0: exactly nargs */
	const char	 *usage;
};

struct keyword {
	const char		*name;
	const struct kwtype	*type;
	size_t			 off;		/* the value */
	size_t			 cnt;		/* its count, for lists */
	int			 flags;
	unsigned		 min;
	unsigned		 max;
	const char		*dflt[2];	/* applied when unset */
};

/* "line 3" or "-o:3", for "given twice" messages. */
static const char *
where(int level, unsigned line, char *buf, size_t len)
{
	snprintf(buf, len, level == LEVEL_OPT ? "-o:%u" : "line %u", line);
	return buf;
}

/* Prints one value, quoted when it holds blanks (str_next_word's rule). */
static void
print_word(FILE *fp, const char *name, const char *w)
{
	if (*w == '\0' || strpbrk(w, " \t") != NULL) {
		fprintf(fp, "%s \"%s\"\n", name, w);
	} else {
		fprintf(fp, "%s %s\n", name, w);
	}
}

/*
 * ListenAddress: host[:port] (default port 22, 0 picks a free one), then
 * "proxy" for a listener behind a balancer (sc->listen_proxy, parallel).
 */
static int
listen_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	struct addr	**v = FIELD(sc, kw, struct addr *);
	size_t		 *n = COUNT(sc, kw);
	struct addr	  a;
	char		  why[WHY_MAX];

	if (addr_parse(argv[0], 22, true, &a, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "expected HOST[:PORT], got \"%s\": %s",
		    argv[0], why);
		return -1;
	}
	if (argv[1] != NULL && strcasecmp(argv[1], "proxy") != 0) {
		snprintf(err, errlen, "expected \"proxy\" after the address, "
		    "got \"%s\"", argv[1]);
		return -1;
	}
	if (argv[1] != NULL && ld->proxy_line == 0) {
		ld->proxy_line = ld->line;
		ld->proxy_level = ld->level;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	sc->listen_proxy = xreallocarray(sc->listen_proxy, *n + 1,
	    sizeof(*sc->listen_proxy));
	sc->listen_proxy[*n] = argv[1] != NULL;
	(*v)[(*n)++] = a;
	return 0;
}

static void
listen_clear(struct servconf *sc, const struct keyword *kw, struct load *ld)
{
	if (ld != NULL) {
		ld->proxy_line = 0;
	}
	free(*FIELD(sc, kw, struct addr *));
	*FIELD(sc, kw, struct addr *) = NULL;
	free(sc->listen_proxy);
	sc->listen_proxy = NULL;
	*COUNT(sc, kw) = 0;
}

static void
listen_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const struct addr	*v = *CFIELD(sc, kw, struct addr *);
	char			 buf[ADDR_STRLEN];
	size_t			 i;

	for (i = 0; i < CCOUNT(sc, kw); i++) {
		fprintf(fp, "%s %s%s\n", kw->name,
		    addr_format(v[i].host, v[i].port, buf, sizeof(buf)),
		    sc->listen_proxy[i] ? " proxy" : "");
	}
}

/* ProxyFrom: ADDR[/PREFIX][,...]; each line adds, one printed a line. */
static int
nets_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	(void)ld;
	return proxyproto_nets_parse(argv[0],
	    FIELD(sc, kw, struct proxyproto_net *), COUNT(sc, kw), err,
	    errlen);
}

static void
nets_clear(struct servconf *sc, const struct keyword *kw, struct load *ld)
{
	(void)ld;
	free(*FIELD(sc, kw, struct proxyproto_net *));
	*FIELD(sc, kw, struct proxyproto_net *) = NULL;
	*COUNT(sc, kw) = 0;
}

static void
nets_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const struct proxyproto_net *v =
	    *CFIELD(sc, kw, struct proxyproto_net *);
	char			 buf[PROXYPROTO_NET_STRLEN];
	size_t			 i;

	for (i = 0; i < CCOUNT(sc, kw); i++) {
		fprintf(fp, "%s %s\n", kw->name,
		    proxyproto_net_format(&v[i], buf, sizeof(buf)));
	}
}

/* dir with '%' doubled, so it survives %u expansion unchanged. */
static char *
escape_pct(const char *dir)
{
	char	*res = xmalloc(strlen(dir) * 2 + 1);
	size_t	 o = 0;

	for (; *dir != '\0'; dir++) {
		if (*dir == '%') {
			res[o++] = '%';
		}
		res[o++] = *dir;
	}
	res[o] = '\0';
	return res;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			return true;
		}
	}
	return false;
}

/* A path word resolved against the config folder; NULL with err. */
static char *
resolve_path(const struct servconf *sc, const struct keyword *kw,
    const char *word, char *err, size_t errlen)
{
	char	*dir = NULL;
	char	*path = NULL;
	char	*test = NULL;
	char	 why[WHY_MAX];

	if (*word == '\0') {
		snprintf(err, errlen, "expected a path, got \"\"");
		return NULL;
	}
	/*
	 * A CR or another control character in a path cannot be printed
	 * back (-T) as one word (found by fuzz_servconf), and is never meant.
	 */
	if (has_control(word)) {
		snprintf(err, errlen, "control character in path");
		return NULL;
	}
	if ((kw->flags & KW_USER) == 0) {
		return str_path_join(sc->dir, word);
	}
	test = str_expand_user(word, "user", why, sizeof(why));
	if (test == NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	free(test);
	dir = escape_pct(sc->dir);
	path = str_path_join(dir, word);
	free(dir);
	return path;
}

/* HostKey: a list of paths. */
static int
paths_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	char	***v = FIELD(sc, kw, char **);
	size_t	  *n = COUNT(sc, kw);
	char	  *path = NULL;

	(void)ld;
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = path;
	return 0;
}

static void
paths_clear(struct servconf *sc, const struct keyword *kw, struct load *ld)
{
	char	**v = *FIELD(sc, kw, char **);
	size_t	  i;

	(void)ld;
	for (i = 0; i < *COUNT(sc, kw); i++) {
		free(v[i]);
	}
	free(v);
	*FIELD(sc, kw, char **) = NULL;
	*COUNT(sc, kw) = 0;
}

static void
paths_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	char *const	*v = *CFIELD(sc, kw, char **);
	size_t		 i;

	for (i = 0; i < CCOUNT(sc, kw); i++) {
		print_word(fp, kw->name, v[i]);
	}
}

/* AuthorizedKeysFile, PasswordFile: one path, or unset. */
static int
path_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	char	*path = NULL;

	(void)ld;
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	free(*FIELD(sc, kw, char *));
	*FIELD(sc, kw, char *) = path;
	return 0;
}

static void
path_clear(struct servconf *sc, const struct keyword *kw, struct load *ld)
{
	(void)ld;
	free(*FIELD(sc, kw, char *));
	*FIELD(sc, kw, char *) = NULL;
}

static void
path_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const char	*path = *CFIELD(sc, kw, char *);

	if (path != NULL) {
		print_word(fp, kw->name, path);
	}
}

/* Forward NAME:PORT BACKEND [BACKEND ...] [proxy]; lines kept for errors. */
static int
forward_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	struct policy		*pol = *FIELD(sc, kw, struct policy *);
	const struct policy_entry *dup = NULL;
	struct addr		 t;
	char			 why[WHY_MAX];
	char			 buf[32];
	size_t			 i;

	if (addr_parse(argv[0], 0, false, &t, why, sizeof(why)) == 0) {
		dup = policy_match(pol, t.host, t.port);
	}
	for (i = 0; dup != NULL && i < ld->nfwd; i++) {
		if (policy_entry_const(pol, i) == dup) {
			snprintf(err, errlen, "%s given twice (first at %s)",
			    argv[0], where(ld->fwd_level, ld->fwd_line[i],
			    buf, sizeof(buf)));
			return -1;
		}
	}
	for (i = 0; argv[i] != NULL; i++) {
		continue;
	}
	if (policy_add(pol, argv, i, err, errlen) != 0) {
		return -1;
	}
	ld->fwd_line = xreallocarray(ld->fwd_line, ld->nfwd + 1,
	    sizeof(*ld->fwd_line));
	ld->fwd_line[ld->nfwd++] = ld->line;
	ld->fwd_level = ld->level;
	return 0;
}

static void
forward_clear(struct servconf *sc, const struct keyword *kw,
    struct load *ld)
{
	policy_free(*FIELD(sc, kw, struct policy *));
	*FIELD(sc, kw, struct policy *) = policy_new();
	if (ld != NULL) {
		ld->nfwd = 0;
	}
}

static void
forward_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	const struct policy		*pol = *CFIELD(sc, kw, struct policy *);
	const struct policy_entry	*e = NULL;
	char				 t[ADDR_STRLEN];
	char				 b[ADDR_STRLEN + 16];
	size_t				 i, j;

	for (i = 0; i < policy_count(pol); i++) {
		e = policy_entry_const(pol, i);
		fprintf(fp, "%s %s", kw->name,
		    addr_format(e->target.host, e->target.port, t, sizeof(t)));
		for (j = 0; j < e->nbackends; j++) {
			fprintf(fp, " %s", policy_backend_format(&e->backends[j],
			    b, sizeof(b)));
		}
		fprintf(fp, "%s\n", e->proxy ? " proxy" : "");
	}
}

/* Numbers and times: an unsigned in [min, max]. */
static int
uint_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_to_uint(argv[0], kw->min, kw->max, FIELD(sc, kw,
	    unsigned))) {
		snprintf(err, errlen, "expected a number from %u to %u, got "
		    "\"%s\"", kw->min, kw->max, argv[0]);
		return -1;
	}
	return 0;
}

static int
seconds_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_to_seconds(argv[0], kw->min, kw->max, FIELD(sc, kw,
	    unsigned))) {
		snprintf(err, errlen, "expected a time from %u to %u seconds "
		    "(30, 30s, 5m, 1h), got \"%s\"", kw->min, kw->max,
		    argv[0]);
		return -1;
	}
	return 0;
}

static void
uint_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	fprintf(fp, "%s %u\n", kw->name, *CFIELD(sc, kw, unsigned));
}

/* "start:rate:full" or "N" (sshd's N:100:N) into ms. */
static bool
split_maxstartups(const char *s, unsigned max,
    struct servconf_maxstartups *ms)
{
	char	 buf[64];
	char	*f[3];
	char	*cursor = buf;
	size_t	 n = 0;

	if (strlen(s) >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, strlen(s) + 1);
	while (cursor != NULL && n < 3) {
		f[n++] = strsep(&cursor, ":");
	}
	if (cursor != NULL || n == 2) {
		return false;
	}
	if (n == 1) {
		ms->rate = 100;
		return str_to_uint(f[0], 1, max, &ms->start) &&
		    str_to_uint(f[0], 1, max, &ms->full);
	}
	return str_to_uint(f[0], 1, max, &ms->start) &&
	    str_to_uint(f[1], 1, 100, &ms->rate) &&
	    str_to_uint(f[2], 1, max, &ms->full);
}

static int
maxstartups_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	struct servconf_maxstartups	ms;

	(void)ld;
	if (!split_maxstartups(argv[0], kw->max, &ms)) {
		snprintf(err, errlen, "expected START:RATE:FULL (numbers "
		    "up to %u, RATE 1 to 100) or N, got \"%s\"", kw->max,
		    argv[0]);
		return -1;
	}
	if (ms.start > ms.full) {
		snprintf(err, errlen, "start %u is above full %u in \"%s\"",
		    ms.start, ms.full, argv[0]);
		return -1;
	}
	*FIELD(sc, kw, struct servconf_maxstartups) = ms;
	return 0;
}

static void
maxstartups_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	const struct servconf_maxstartups *ms =
	    CFIELD(sc, kw, struct servconf_maxstartups);

	fprintf(fp, "%s %u:%u:%u\n", kw->name, ms->start, ms->rate, ms->full);
}

static int
loglevel_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (log_level_parse(argv[0], FIELD(sc, kw, enum log_level)) != 0) {
		snprintf(err, errlen, "expected QUIET, FATAL, ERROR, INFO, "
		    "VERBOSE, DEBUG, DEBUG1, DEBUG2 or DEBUG3, got \"%s\"",
		    argv[0]);
		return -1;
	}
	return 0;
}

static void
loglevel_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name,
	    log_level_name(*CFIELD(sc, kw, enum log_level)));
}

/* LogTarget: stderr or syslog. */
static int
logtarget_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	enum servconf_logtarget	*t = FIELD(sc, kw, enum servconf_logtarget);

	(void)ld;
	if (strcasecmp(argv[0], "stderr") == 0) {
		*t = SERVCONF_LOG_STDERR;
	} else if (strcasecmp(argv[0], "syslog") == 0) {
		*t = SERVCONF_LOG_SYSLOG;
	} else {
		snprintf(err, errlen, "expected stderr or syslog, got \"%s\"",
		    argv[0]);
		return -1;
	}
	return 0;
}

static void
logtarget_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name,
	    *CFIELD(sc, kw, enum servconf_logtarget) == SERVCONF_LOG_SYSLOG ?
	    "syslog" : "stderr");
}

/* SyslogFacility LOGINS [TUNNELS]: one facility, or one per category. */
static int
facility_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	int	*f = FIELD(sc, kw, int);
	int	 v[2];
	size_t	 i;

	(void)ld;
	for (i = 0; i < 2; i++) {
		if (i == 1 && argv[1] == NULL) {
			v[1] = v[0];
		} else if (log_facility_parse(argv[i], &v[i]) != 0) {
			snprintf(err, errlen, "expected AUTH, AUTHPRIV, DAEMON, "
			    "MAIL, USER or LOCAL0 to LOCAL7, got \"%s\"",
			    argv[i]);
			return -1;
		}
	}
	f[0] = v[0];
	f[1] = v[1];
	return 0;
}

static void
facility_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	const int	*f = CFIELD(sc, kw, int);

	if (f[0] == f[1]) {
		fprintf(fp, "%s %s\n", kw->name, log_facility_name(f[0]));
	} else {
		fprintf(fp, "%s %s %s\n", kw->name, log_facility_name(f[0]),
		    log_facility_name(f[1]));
	}
}

/* KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms: checked lists. */
static int
algos_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!algos_valid((enum algos_kind)kw->min, argv[0], err, errlen)) {
		return -1;
	}
	free(*FIELD(sc, kw, char *));
	*FIELD(sc, kw, char *) = xstrdup(argv[0]);
	return 0;
}

static void
string_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name, *CFIELD(sc, kw, char *));
}

/* User: a system account name for the session processes. */
static int
user_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_valid_user(argv[0])) {
		snprintf(err, errlen, "expected a user name (A-Z a-z 0-9 . _ "
		    "-, 1 to 64, not starting with . or -), got \"%s\"",
		    argv[0]);
		return -1;
	}
	free(*FIELD(sc, kw, char *));
	*FIELD(sc, kw, char *) = xstrdup(argv[0]);
	return 0;
}

/* StrictModes: yes or no. */
static int
yesno_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (strcasecmp(argv[0], "yes") == 0) {
		*FIELD(sc, kw, bool) = true;
	} else if (strcasecmp(argv[0], "no") == 0) {
		*FIELD(sc, kw, bool) = false;
	} else {
		snprintf(err, errlen, "expected yes or no, got \"%s\"",
		    argv[0]);
		return -1;
	}
	return 0;
}

/* A number or time, or "none" (0) when the keyword allows it. */
static bool
is_none(const struct keyword *kw, const char *word)
{
	return (kw->flags & KW_NONE) != 0 && strcasecmp(word, "none") == 0;
}

static int
limit_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	if (is_none(kw, argv[0])) {
		*FIELD(sc, kw, unsigned) = 0;
		return 0;
	}
	if (uint_parse(sc, kw, ld, argv, err, errlen) != 0) {
		snprintf(err, errlen, "expected a number from %u to %u or "
		    "\"none\", got \"%s\"", kw->min, kw->max, argv[0]);
		return -1;
	}
	return 0;
}

static int
timeout_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	if (is_none(kw, argv[0])) {
		*FIELD(sc, kw, unsigned) = 0;
		return 0;
	}
	if (seconds_parse(sc, kw, ld, argv, err, errlen) != 0) {
		snprintf(err, errlen, "expected a time from %u to %u seconds "
		    "(30, 30s, 5m, 1h) or \"none\", got \"%s\"", kw->min,
		    kw->max, argv[0]);
		return -1;
	}
	return 0;
}

static void
yesno_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name, *CFIELD(sc, kw, bool) ? "yes" : "no");
}

static void
limit_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	unsigned	v = *CFIELD(sc, kw, unsigned);

	if (v == 0) {
		fprintf(fp, "%s none\n", kw->name);
	} else {
		fprintf(fp, "%s %u\n", kw->name, v);
	}
}

/* PerSourcePenalties: "no", "yes" or KEY:VALUE words (penalty.h). */
static int
penalties_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	size_t	n;

	(void)ld;
	for (n = 0; argv[n] != NULL; n++) {
		continue;
	}
	return penalty_conf_parse(FIELD(sc, kw, struct penalty_conf), argv, n,
	    err, errlen);
}

static void
penalties_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	char	buf[PENALTY_CONF_STRLEN];

	fprintf(fp, "%s %s\n", kw->name, penalty_conf_format(CFIELD(sc, kw,
	    struct penalty_conf), buf, sizeof(buf)));
}

/* ControlSocket: a path that fits a sockaddr_un, or "none". */
static int
socket_parse(struct servconf *sc, const struct keyword *kw, struct load *ld,
    char **argv, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	char			*path = NULL;

	(void)ld;
	if (is_none(kw, argv[0])) {
		path_clear(sc, kw, ld);
		return 0;
	}
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "\"%s\" is longer than the %zu bytes a "
		    "socket path may have", path, sizeof(sun.sun_path) - 1);
		free(path);
		return -1;
	}
	free(*FIELD(sc, kw, char *));
	*FIELD(sc, kw, char *) = path;
	return 0;
}

static void
socket_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const char	*path = *CFIELD(sc, kw, char *);

	print_word(fp, kw->name, path != NULL ? path : "none");
}

static const char *const pwbackend_names[] = { "file", "pop3" };

static int
pwbackend_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	size_t	i;

	(void)ld;
	for (i = 0; i < sizeof(pwbackend_names) / sizeof(pwbackend_names[0]);
	    i++) {
		if (strcasecmp(argv[0], pwbackend_names[i]) == 0) {
			*FIELD(sc, kw, enum servconf_pwbackend) =
			    (enum servconf_pwbackend)i;
			return 0;
		}
	}
	snprintf(err, errlen, "expected file or pop3, got \"%s\"", argv[0]);
	return -1;
}

static void
pwbackend_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name,
	    pwbackend_names[*CFIELD(sc, kw, enum servconf_pwbackend)]);
}

/*
 * AuthCacheSeconds: a time, but only 0. Every SSH connection is its own
 * process, so a result could only be reused across connections through
 * state those processes write, and then one broken connection process
 * could plant a password for any user. The keyword says so when asked
 * for more rather than accept a value it would not honour.
 */
static int
authcache_parse(struct servconf *sc, const struct keyword *kw,
    struct load *ld, char **argv, char *err, size_t errlen)
{
	unsigned	secs;

	(void)ld;
	if (!str_to_seconds(argv[0], 0, 86400, &secs)) {
		snprintf(err, errlen, "expected a time in seconds (0, 30s, "
		    "5m), got \"%s\"", argv[0]);
		return -1;
	}
	if (secs != 0) {
		snprintf(err, errlen, "only 0 is supported: popgated checks "
		    "each SSH login at the backend and shares no result "
		    "between connections (see README, \"The hop behind the "
		    "gateway\")");
		return -1;
	}
	*FIELD(sc, kw, unsigned) = secs;
	return 0;
}

static const struct kwtype kw_user = {
	user_parse, path_clear, string_print, 1, 0, "NAME"
};
static const struct kwtype kw_yesno = {
	yesno_parse, NULL, yesno_print, 1, 0, "yes|no"
};

static const struct kwtype kw_algos = {
	algos_parse, path_clear, string_print, 1, 0, "NAME[,NAME]..."
};
static const struct kwtype kw_listen = {
	listen_parse, listen_clear, listen_print, 1, 2, "HOST[:PORT] [proxy]"
};
static const struct kwtype kw_nets = {
	nets_parse, nets_clear, nets_print, 1, 0, "ADDR[/PREFIX][,...]"
};
static const struct kwtype kw_paths = {
	paths_parse, paths_clear, paths_print, 1, 0, "PATH"
};
static const struct kwtype kw_path = {
	path_parse, path_clear, path_print, 1, 0, "PATH"
};
static const struct kwtype kw_forward = {
	forward_parse, forward_clear, forward_print, 2, KW_ARGS_MAX,
	"NAME:PORT BACKEND [BACKEND ...] [proxy]"
};
static const struct kwtype kw_uint = {
	uint_parse, NULL, uint_print, 1, 0, "NUMBER"
};
static const struct kwtype kw_seconds = {
	seconds_parse, NULL, uint_print, 1, 0, "SECONDS"
};
static const struct kwtype kw_maxstartups = {
	maxstartups_parse, NULL, maxstartups_print, 1, 0,
	"START:RATE:FULL"
};
static const struct kwtype kw_loglevel = {
	loglevel_parse, NULL, loglevel_print, 1, 0, "LEVEL"
};
static const struct kwtype kw_limit = {
	limit_parse, NULL, limit_print, 1, 0, "NUMBER|none"
};
static const struct kwtype kw_timeout = {
	timeout_parse, NULL, limit_print, 1, 0, "SECONDS|none"
};
static const struct kwtype kw_penalties = {
	penalties_parse, NULL, penalties_print, 1, 7,
	"no|yes|KEY:VALUE [KEY:VALUE ...]"
};
static const struct kwtype kw_socket = {
	socket_parse, path_clear, socket_print, 1, 0, "PATH|none"
};
static const struct kwtype kw_logtarget = {
	logtarget_parse, NULL, logtarget_print, 1, 0, "stderr|syslog"
};
static const struct kwtype kw_facility = {
	facility_parse, NULL, facility_print, 1, 2,
	"FACILITY [TUNNEL-FACILITY]"
};
static const struct kwtype kw_pwbackend = {
	pwbackend_parse, NULL, pwbackend_print, 1, 0, "file|pop3"
};
static const struct kwtype kw_authcache = {
	authcache_parse, NULL, uint_print, 1, 0, "SECONDS"
};

/* Parsing, defaults and -T order all come from here. */
static const struct keyword keywords[] = {
	{ "ListenAddress", &kw_listen, SC_OFF(listen), SC_OFF(nlisten),
	    KW_REPEAT, 0, 0, { "0.0.0.0:22", "[::]:22" } },
	{ "ProxyFrom", &kw_nets, SC_OFF(proxy_from), SC_OFF(nproxy_from),
	    KW_REPEAT, 0, 0, { NULL, NULL } },
	{ "HostKey", &kw_paths, SC_OFF(host_keys), SC_OFF(nhost_keys),
	    KW_REPEAT, 0, 0, { "ssh_host_ed25519_key", NULL } },
	{ "AuthorizedKeysFile", &kw_path, SC_OFF(authorized_keys_file), 0,
	    KW_USER, 0, 0, { NULL, NULL } },
	{ "PasswordFile", &kw_path, SC_OFF(password_file), 0,
	    0, 0, 0, { NULL, NULL } },
	{ "Forward", &kw_forward, SC_OFF(forwards), 0,
	    KW_REPEAT, 0, 0, { NULL, NULL } },
	{ "MaxAuthTries", &kw_uint, SC_OFF(max_auth_tries), 0,
	    0, 1, 100, { "3", NULL } },
	{ "LoginGraceTime", &kw_seconds, SC_OFF(login_grace_time), 0,
	    0, 1, 3600, { "30", NULL } },
	{ "MaxStartups", &kw_maxstartups, SC_OFF(max_startups), 0,
	    0, 1, 65535, { "10:30:100", NULL } },
	{ "ChannelsPerSession", &kw_uint, SC_OFF(channels_per_session), 0,
	    0, 1, 1024, { "64", NULL } },
	{ "BackendConnectTimeout", &kw_seconds,
	    SC_OFF(backend_connect_timeout), 0, 0, 1, 300, { "5", NULL } },
	{ "LogLevel", &kw_loglevel, SC_OFF(log_level), 0,
	    0, 0, 0, { "INFO", NULL } },
	{ "LogTarget", &kw_logtarget, SC_OFF(log_target), 0,
	    0, 0, 0, { "stderr", NULL } },
	/* Logins (and the rest) to AUTH, tunnels to MAIL. */
	{ "SyslogFacility", &kw_facility, SC_OFF(syslog_facility), 0,
	    0, 0, 0, { "AUTH MAIL", NULL } },
	/* min carries the enum algos_kind. */
	{ "KexAlgorithms", &kw_algos, SC_OFF(kex_algorithms), 0,
	    0, ALGOS_KEX, 0, { ALGOS_DEFAULT_KEX, NULL } },
	{ "Ciphers", &kw_algos, SC_OFF(ciphers), 0,
	    0, ALGOS_CIPHERS, 0, { ALGOS_DEFAULT_CIPHERS, NULL } },
	{ "MACs", &kw_algos, SC_OFF(macs), 0,
	    0, ALGOS_MACS, 0, { ALGOS_DEFAULT_MACS, NULL } },
	{ "HostKeyAlgorithms", &kw_algos, SC_OFF(hostkey_algorithms), 0,
	    0, ALGOS_HOSTKEY, 0, { ALGOS_DEFAULT_HOSTKEY, NULL } },
	{ "User", &kw_user, SC_OFF(user), 0,
	    0, 0, 0, { SERVCONF_DEFAULT_USER, NULL } },
	{ "StrictModes", &kw_yesno, SC_OFF(strict_modes), 0,
	    0, 0, 0, { "yes", NULL } },
	/* Limits, shutdown, control socket (README "Resilience"). */
	{ "PerSourcePenalties", &kw_penalties, SC_OFF(penalties), 0,
	    0, 0, 0, { "yes", NULL } },
	{ "PerSourceMaxStartups", &kw_limit, SC_OFF(per_source_max_startups),
	    0, KW_NONE, 1, 65535, { "8", NULL } },
	{ "MaxSessionsPerUser", &kw_limit, SC_OFF(max_sessions_per_user), 0,
	    KW_NONE, 1, 65535, { "10", NULL } },
	{ "IdleTimeout", &kw_timeout, SC_OFF(idle_timeout), 0,
	    KW_NONE, 1, 604800, { "1h", NULL } },
	{ "UnusedConnectionTimeout", &kw_timeout,
	    SC_OFF(unused_connection_timeout), 0, KW_NONE, 1, 604800,
	    { "1h", NULL } },
	{ "ShutdownGrace", &kw_seconds, SC_OFF(shutdown_grace), 0,
	    0, 0, 3600, { "30", NULL } },
	{ "ControlSocket", &kw_socket, SC_OFF(control_socket), 0,
	    KW_NONE, 0, 0, { SERVCONF_DEFAULT_CONTROL, NULL } },
	/* The hop behind the gateway: README, backtls.h, pop3auth.h. */
	{ "PasswordBackend", &kw_pwbackend, SC_OFF(password_backend), 0,
	    0, 0, 0, { "file", NULL } },
	{ "BackendPlaintextAuth", &kw_yesno, SC_OFF(backend_plaintext_auth), 0,
	    0, 0, 0, { "no", NULL } },
	{ "AuthCacheSeconds", &kw_authcache, SC_OFF(auth_cache_seconds), 0,
	    0, 0, 0, { "0", NULL } },
	{ "BackendCAFile", &kw_path, SC_OFF(backend_ca_file), 0,
	    0, 0, 0, { NULL, NULL } },
	{ "BindMailbox", &kw_yesno, SC_OFF(bind_mailbox), 0,
	    0, 0, 0, { "no", NULL } },
	{ "MailboxMap", &kw_path, SC_OFF(mailbox_map), 0,
	    0, 0, 0, { NULL, NULL } },
};

#define NKW	(sizeof(keywords) / sizeof(keywords[0]))

_Static_assert(NKW <= KW_MAX, "one load.first slot per keyword");
_Static_assert(KW_MAX == sizeof(((struct servconf *)NULL)->set),
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
apply_line(struct servconf *sc, struct load *ld, const struct cfgfile *cf,
    const char *keyword, char *args, char *err, size_t errlen)
{
	const struct keyword	*kw = find_keyword(keyword);
	char			*argv[KW_ARGS_MAX + 1];
	char			 why[WHY_MAX];
	char			 buf[32];
	size_t			 i;

	if (kw == NULL) {
		cfgfile_error(cf, err, errlen, "unknown keyword \"%s\"",
		    keyword);
		return -1;
	}
	i = (size_t)(kw - keywords);
	if ((kw->flags & KW_REPEAT) == 0 && ld->first[i] != 0) {
		cfgfile_error(cf, err, errlen, "%s given twice (first at %s)",
		    kw->name, where(ld->level, ld->first[i], buf, sizeof(buf)));
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
read_lines(struct servconf *sc, struct load *ld, struct cfgfile *cf,
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
read_opts(struct servconf *sc, struct load *ld, char *const *opts,
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
	if (read_lines(sc, ld, cf, LEVEL_OPT, err, errlen) != 0) {
		goto out;
	}
	rc = 0;
out:
	cfgfile_free(cf);
	free(text);
	return rc;
}

static int
apply_defaults(struct servconf *sc, struct load *ld, char *err,
    size_t errlen)
{
	const struct keyword	*kw = NULL;
	char			*argv[KW_ARGS_MAX + 1];
	char			*text = NULL;
	char			 why[WHY_MAX];
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
forward_error(const struct servconf *sc, const struct load *ld, size_t i,
    const char *why, char *err, size_t errlen)
{
	if (ld->fwd_level == LEVEL_OPT) {
		snprintf(err, errlen, "-o:%u: Forward: %s", ld->fwd_line[i],
		    why);
	} else {
		snprintf(err, errlen, "%s:%u: Forward: %s", sc->path,
		    ld->fwd_line[i], why);
	}
}

static int
resolve_all(struct servconf *sc, const struct load *ld, char *err,
    size_t errlen)
{
	struct policy_entry	*e = NULL;
	char			 why[WHY_MAX];
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
check_forwards(const struct servconf *sc, const struct load *ld, char *err,
    size_t errlen)
{
	const struct policy_entry	*e = NULL;
	char				 why[WHY_MAX], t[ADDR_STRLEN];
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
check_proxy(const struct servconf *sc, const struct load *ld, char *err,
    size_t errlen)
{
	const char	*msg = "ListenAddress: a proxy listener needs "
	    "\"ProxyFrom ADDR[/PREFIX]\" naming the balancers that may "
	    "send PROXY headers";

	if (ld->proxy_line == 0 || sc->nproxy_from > 0) {
		return 0;
	}
	if (ld->proxy_level == LEVEL_OPT) {
		snprintf(err, errlen, "-o:%u: %s", ld->proxy_line, msg);
	} else {
		snprintf(err, errlen, "%s:%u: %s", sc->path, ld->proxy_line,
		    msg);
	}
	return -1;
}

static int
validate(struct servconf *sc, const struct load *ld, bool resolve,
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
	struct load	 ld;
	struct cfgfile	*cf = NULL;
	int		 rc = -1;

	servconf_init(sc);
	memset(&ld, 0, sizeof(ld));
	sc->path = xstrdup(path);
	sc->dir = config_dir(path);
	cf = cfgfile_open(path, err, errlen);
	if (cf == NULL ||
	    read_lines(sc, &ld, cf, LEVEL_FILE, err, errlen) != 0 ||
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
