/*
 * kwtype: the plain kinds of keyword value (numbers, times, limits,
 * yes/no, names, algorithm lists, log settings, MaxStartups,
 * PerSourcePenalties, PasswordBackend, AuthCacheSeconds) and the helpers
 * every kind shares. Each kind parses one line's words into struct
 * servconf and prints them back as a file would say them, so a -T output
 * loads into the same configuration.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "popgate/algos.h"
#include "popgate/kwtype.h"
#include "popgate/log.h"
#include "popgate/penalty.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

const char *
kwtype_where(int level, unsigned line, char *buf, size_t len)
{
	snprintf(buf, len, level == KWTYPE_LEVEL_OPT ? "-o:%u" : "line %u",
	    line);
	return buf;
}

/* Quoted when it holds blanks: str_next_word's rule, so it reads back. */
void
kwtype_print_word(FILE *fp, const char *name, const char *w)
{
	if (*w == '\0' || strpbrk(w, " \t") != NULL) {
		fprintf(fp, "%s \"%s\"\n", name, w);
	} else {
		fprintf(fp, "%s %s\n", name, w);
	}
}

bool
kwtype_is_none(const struct keyword *kw, const char *word)
{
	return (kw->flags & KWTYPE_NONE) != 0 &&
	    strcasecmp(word, "none") == 0;
}

void
kwtype_clear_string(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld)
{
	(void)ld;
	free(*KWTYPE_FIELD(sc, kw, char *));
	*KWTYPE_FIELD(sc, kw, char *) = NULL;
}

/* Numbers and times: an unsigned in [min, max]. */
static int
uint_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_to_uint(argv[0], kw->min, kw->max, KWTYPE_FIELD(sc, kw,
	    unsigned))) {
		snprintf(err, errlen, "expected a number from %u to %u, got "
		    "\"%s\"", kw->min, kw->max, argv[0]);
		return -1;
	}
	return 0;
}

static int
seconds_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_to_seconds(argv[0], kw->min, kw->max, KWTYPE_FIELD(sc, kw,
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
	fprintf(fp, "%s %u\n", kw->name, *KWTYPE_CFIELD(sc, kw, unsigned));
}

/* A number or time, or "none" (0) when the keyword allows it. */
static int
limit_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	if (kwtype_is_none(kw, argv[0])) {
		*KWTYPE_FIELD(sc, kw, unsigned) = 0;
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
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	if (kwtype_is_none(kw, argv[0])) {
		*KWTYPE_FIELD(sc, kw, unsigned) = 0;
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
limit_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	unsigned	v = *KWTYPE_CFIELD(sc, kw, unsigned);

	if (v == 0) {
		fprintf(fp, "%s none\n", kw->name);
	} else {
		fprintf(fp, "%s %u\n", kw->name, v);
	}
}

/* StrictModes and the other switches: yes or no. */
static int
yesno_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (strcasecmp(argv[0], "yes") == 0) {
		*KWTYPE_FIELD(sc, kw, bool) = true;
	} else if (strcasecmp(argv[0], "no") == 0) {
		*KWTYPE_FIELD(sc, kw, bool) = false;
	} else {
		snprintf(err, errlen, "expected yes or no, got \"%s\"",
		    argv[0]);
		return -1;
	}
	return 0;
}

static void
yesno_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name,
	    *KWTYPE_CFIELD(sc, kw, bool) ? "yes" : "no");
}

/* User: a system account name for the session processes. */
static int
user_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!str_valid_user(argv[0])) {
		snprintf(err, errlen, "expected a user name (A-Z a-z 0-9 . _ "
		    "-, 1 to 64, not starting with . or -), got \"%s\"",
		    argv[0]);
		return -1;
	}
	free(*KWTYPE_FIELD(sc, kw, char *));
	*KWTYPE_FIELD(sc, kw, char *) = xstrdup(argv[0]);
	return 0;
}

/* KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms: checked lists. */
static int
algos_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (!algos_valid((enum algos_kind)kw->min, argv[0], err, errlen)) {
		return -1;
	}
	free(*KWTYPE_FIELD(sc, kw, char *));
	*KWTYPE_FIELD(sc, kw, char *) = xstrdup(argv[0]);
	return 0;
}

static void
string_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	fprintf(fp, "%s %s\n", kw->name, *KWTYPE_CFIELD(sc, kw, char *));
}

static int
loglevel_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	if (log_level_parse(argv[0], KWTYPE_FIELD(sc, kw,
	    enum log_level)) != 0) {
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
	    log_level_name(*KWTYPE_CFIELD(sc, kw, enum log_level)));
}

/* LogTarget: stderr or syslog. */
static int
logtarget_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	enum servconf_logtarget	*t = KWTYPE_FIELD(sc, kw,
	    enum servconf_logtarget);

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
	enum servconf_logtarget	t = *KWTYPE_CFIELD(sc, kw,
	    enum servconf_logtarget);

	fprintf(fp, "%s %s\n", kw->name,
	    t == SERVCONF_LOG_SYSLOG ? "syslog" : "stderr");
}

/* SyslogFacility LOGINS [TUNNELS]: one facility, or one per category. */
static int
facility_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	int	*f = KWTYPE_FIELD(sc, kw, int);
	int	 v[2];
	size_t	 i;

	(void)ld;
	for (i = 0; i < 2; i++) {
		if (i == 1 && argv[1] == NULL) {
			v[1] = v[0];
		} else if (log_facility_parse(argv[i], &v[i]) != 0) {
			snprintf(err, errlen, "expected AUTH, AUTHPRIV, "
			    "DAEMON, MAIL, USER or LOCAL0 to LOCAL7, got "
			    "\"%s\"", argv[i]);
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
	const int	*f = KWTYPE_CFIELD(sc, kw, int);

	if (f[0] == f[1]) {
		fprintf(fp, "%s %s\n", kw->name, log_facility_name(f[0]));
	} else {
		fprintf(fp, "%s %s %s\n", kw->name, log_facility_name(f[0]),
		    log_facility_name(f[1]));
	}
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
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
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
	*KWTYPE_FIELD(sc, kw, struct servconf_maxstartups) = ms;
	return 0;
}

static void
maxstartups_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	const struct servconf_maxstartups *ms =
	    KWTYPE_CFIELD(sc, kw, struct servconf_maxstartups);

	fprintf(fp, "%s %u:%u:%u\n", kw->name, ms->start, ms->rate, ms->full);
}

/* PerSourcePenalties: "no", "yes" or KEY:VALUE words (penalty.h). */
static int
penalties_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	size_t	n;

	(void)ld;
	for (n = 0; argv[n] != NULL; n++) {
		continue;
	}
	return penalty_conf_parse(KWTYPE_FIELD(sc, kw, struct penalty_conf),
	    argv, n, err, errlen);
}

static void
penalties_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	char	buf[PENALTY_CONF_STRLEN];

	fprintf(fp, "%s %s\n", kw->name, penalty_conf_format(
	    KWTYPE_CFIELD(sc, kw, struct penalty_conf), buf, sizeof(buf)));
}

static const char *const pwbackend_names[] = { "file", "pop3" };

static int
pwbackend_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	size_t	i;

	(void)ld;
	for (i = 0; i < sizeof(pwbackend_names) / sizeof(pwbackend_names[0]);
	    i++) {
		if (strcasecmp(argv[0], pwbackend_names[i]) == 0) {
			*KWTYPE_FIELD(sc, kw, enum servconf_pwbackend) =
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
	    pwbackend_names[*KWTYPE_CFIELD(sc, kw, enum servconf_pwbackend)]);
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
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
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
	*KWTYPE_FIELD(sc, kw, unsigned) = secs;
	return 0;
}

const struct kwtype kwtype_uint = {
	uint_parse, NULL, uint_print, 1, 0, "NUMBER"
};
const struct kwtype kwtype_seconds = {
	seconds_parse, NULL, uint_print, 1, 0, "SECONDS"
};
const struct kwtype kwtype_limit = {
	limit_parse, NULL, limit_print, 1, 0, "NUMBER|none"
};
const struct kwtype kwtype_timeout = {
	timeout_parse, NULL, limit_print, 1, 0, "SECONDS|none"
};
const struct kwtype kwtype_yesno = {
	yesno_parse, NULL, yesno_print, 1, 0, "yes|no"
};
const struct kwtype kwtype_user = {
	user_parse, kwtype_clear_string, string_print, 1, 0, "NAME"
};
const struct kwtype kwtype_algos = {
	algos_parse, kwtype_clear_string, string_print, 1, 0,
	"NAME[,NAME]..."
};
const struct kwtype kwtype_loglevel = {
	loglevel_parse, NULL, loglevel_print, 1, 0, "LEVEL"
};
const struct kwtype kwtype_logtarget = {
	logtarget_parse, NULL, logtarget_print, 1, 0, "stderr|syslog"
};
const struct kwtype kwtype_facility = {
	facility_parse, NULL, facility_print, 1, 2,
	"FACILITY [TUNNEL-FACILITY]"
};
const struct kwtype kwtype_maxstartups = {
	maxstartups_parse, NULL, maxstartups_print, 1, 0,
	"START:RATE:FULL"
};
const struct kwtype kwtype_penalties = {
	penalties_parse, NULL, penalties_print, 1, 7,
	"no|yes|KEY:VALUE [KEY:VALUE ...]"
};
const struct kwtype kwtype_pwbackend = {
	pwbackend_parse, NULL, pwbackend_print, 1, 0, "file|pop3"
};
const struct kwtype kwtype_authcache = {
	authcache_parse, NULL, uint_print, 1, 0, "SECONDS"
};
