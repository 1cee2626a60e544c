/*
 * check_kwtype: the keyword value kinds through their contract, on rows
 * made here rather than servconf's table (whose keywords, files and -o
 * options check_servconf covers): a kind takes its bounds and flags from
 * the row, prints what it parsed in a form it parses back to the same,
 * and leaves the value as it was when it refuses a word. Then the
 * helpers every kind shares, and the shape of every kind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/algos.h"
#include "popgate/kwnet.h"
#include "popgate/kwpath.h"
#include "popgate/kwtype.h"
#include "popgate/servconf.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SC_OFF(f)	offsetof(struct servconf, f)

struct kind_case {
	const struct kwtype	*type;
	size_t			 off;	/* a servconf field of its type */
	int			 flags;
	unsigned		 min;
	unsigned		 max;
	const char		*seed;	/* parsed first, must be accepted */
	const char		*words;	/* blank-separated */
	const char		*want;	/* printed after "X ", NULL: refused */
	const char		*err;	/* the reason starts so when refused */
};

static const struct kind_case kind_cases[] = {
	/* Bounds come from the row, not from the kind. */
	{ &kwtype_uint, SC_OFF(max_auth_tries), 0, 5, 7, "6", "5", "5",
	    NULL },
	{ &kwtype_uint, SC_OFF(max_auth_tries), 0, 5, 7, "6", "7", "7",
	    NULL },
	{ &kwtype_uint, SC_OFF(max_auth_tries), 0, 5, 7, "6", "4", NULL,
	    "expected a number from 5 to 7, got \"4\"" },
	{ &kwtype_uint, SC_OFF(max_auth_tries), 0, 5, 7, "6", "8", NULL,
	    "expected a number from 5 to 7, got \"8\"" },
	{ &kwtype_seconds, SC_OFF(login_grace_time), 0, 60, 120, "90",
	    "1m", "60", NULL },
	{ &kwtype_seconds, SC_OFF(login_grace_time), 0, 60, 120, "90",
	    "2M", "120", NULL },
	{ &kwtype_seconds, SC_OFF(login_grace_time), 0, 60, 120, "90",
	    "59s", NULL, "expected a time from 60 to 120 seconds (30, 30s, "
	    "5m, 1h), got \"59s\"" },
	{ &kwtype_limit, SC_OFF(max_sessions_per_user), KWTYPE_NONE, 2, 4,
	    "3", "none", "none", NULL },
	{ &kwtype_limit, SC_OFF(max_sessions_per_user), KWTYPE_NONE, 2, 4,
	    "none", "4", "4", NULL },
	{ &kwtype_limit, SC_OFF(max_sessions_per_user), KWTYPE_NONE, 2, 4,
	    "3", "1", NULL, "expected a number from 2 to 4 or \"none\", got "
	    "\"1\"" },
	{ &kwtype_timeout, SC_OFF(idle_timeout), KWTYPE_NONE, 1, 60, "5",
	    "NONE", "none", NULL },
	{ &kwtype_timeout, SC_OFF(idle_timeout), KWTYPE_NONE, 1, 60, "5",
	    "1m", "60", NULL },
	{ &kwtype_timeout, SC_OFF(idle_timeout), KWTYPE_NONE, 1, 60, "5",
	    "61", NULL, "expected a time from 1 to 60 seconds (30, 30s, 5m, "
	    "1h) or \"none\", got \"61\"" },
	{ &kwtype_yesno, SC_OFF(strict_modes), 0, 0, 0, "no", "YES", "yes",
	    NULL },
	{ &kwtype_yesno, SC_OFF(strict_modes), 0, 0, 0, "yes", "No", "no",
	    NULL },
	{ &kwtype_yesno, SC_OFF(strict_modes), 0, 0, 0, "yes", "on", NULL,
	    "expected yes or no, got \"on\"" },
	{ &kwtype_user, SC_OFF(user), 0, 0, 0, "popgate", "mail", "mail",
	    NULL },
	{ &kwtype_user, SC_OFF(user), 0, 0, 0, "popgate", ".mail", NULL,
	    "expected a user name" },
	/* The row's min names the algorithm kind. */
	{ &kwtype_algos, SC_OFF(macs), 0, ALGOS_MACS, 0, "hmac-sha2-256",
	    "hmac-sha2-512,hmac-sha2-256", "hmac-sha2-512,hmac-sha2-256",
	    NULL },
	{ &kwtype_algos, SC_OFF(macs), 0, ALGOS_KEX, 0, "curve25519-sha256",
	    "hmac-sha2-512", NULL, "unsupported key exchange" },
	{ &kwtype_loglevel, SC_OFF(log_level), 0, 0, 0, "INFO", "debug",
	    "DEBUG1", NULL },
	{ &kwtype_loglevel, SC_OFF(log_level), 0, 0, 0, "INFO", "LOUD", NULL,
	    "expected QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1, "
	    "DEBUG2 or DEBUG3, got \"LOUD\"" },
	{ &kwtype_logtarget, SC_OFF(log_target), 0, 0, 0, "stderr",
	    "Syslog", "syslog", NULL },
	{ &kwtype_logtarget, SC_OFF(log_target), 0, 0, 0, "syslog",
	    "journal", NULL, "expected stderr or syslog, got \"journal\"" },
	{ &kwtype_facility, SC_OFF(syslog_facility), 0, 0, 0, "AUTH MAIL",
	    "local1", "LOCAL1", NULL },
	{ &kwtype_facility, SC_OFF(syslog_facility), 0, 0, 0, "AUTH",
	    "mail user", "MAIL USER", NULL },
	{ &kwtype_facility, SC_OFF(syslog_facility), 0, 0, 0, "AUTH MAIL",
	    "daemon Daemon", "DAEMON", NULL },
	/* A good first word is not kept when the second is refused. */
	{ &kwtype_facility, SC_OFF(syslog_facility), 0, 0, 0, "AUTH MAIL",
	    "USER KERN", NULL, "expected AUTH, AUTHPRIV, DAEMON, MAIL, USER "
	    "or LOCAL0 to LOCAL7, got \"KERN\"" },
	{ &kwtype_maxstartups, SC_OFF(max_startups), 0, 0, 50, "1:1:1",
	    "5:30:10", "5:30:10", NULL },
	{ &kwtype_maxstartups, SC_OFF(max_startups), 0, 0, 50, "1:1:1",
	    "7", "7:100:7", NULL },
	{ &kwtype_maxstartups, SC_OFF(max_startups), 0, 0, 50, "1:1:1",
	    "5:30:51", NULL, "expected START:RATE:FULL (numbers up to 50, "
	    "RATE 1 to 100) or N, got \"5:30:51\"" },
	{ &kwtype_maxstartups, SC_OFF(max_startups), 0, 0, 50, "1:1:1",
	    "9:30:5", NULL, "start 9 is above full 5 in \"9:30:5\"" },
	{ &kwtype_penalties, SC_OFF(penalties), 0, 0, 0, "yes", "no", "no",
	    NULL },
	{ &kwtype_penalties, SC_OFF(penalties), 0, 0, 0, "no",
	    "crash:1m noauth:2", "authfail:5 grace-exceeded:10 noauth:2 "
	    "crash:60 min:15 max:600 max-sources:65536", NULL },
	{ &kwtype_penalties, SC_OFF(penalties), 0, 0, 0, "no", "min:1h",
	    NULL, "min 3600s is above max 600s" },
	{ &kwtype_pwbackend, SC_OFF(password_backend), 0, 0, 0, "file",
	    "POP3", "pop3", NULL },
	{ &kwtype_pwbackend, SC_OFF(password_backend), 0, 0, 0, "pop3",
	    "ldap", NULL, "expected file or pop3, got \"ldap\"" },
	{ &kwtype_authcache, SC_OFF(auth_cache_seconds), 0, 0, 0, "0",
	    "0s", "0", NULL },
	{ &kwtype_authcache, SC_OFF(auth_cache_seconds), 0, 0, 0, "0",
	    "1", NULL, "only 0 is supported" },
};

/* A row named X for case c. */
static struct keyword
row(const struct kind_case *c)
{
	struct keyword	kw;

	memset(&kw, 0, sizeof(kw));
	kw.name = "X";
	kw.type = c->type;
	kw.off = c->off;
	kw.flags = c->flags;
	kw.min = c->min;
	kw.max = c->max;
	return kw;
}

/* Splits words at single blanks and parses them as one line's. */
static int
parse_words(struct servconf *sc, const struct keyword *kw,
    const char *words, char *err, size_t errlen)
{
	struct kwtype_load	 ld;
	char			*copy = xstrdup(words);
	char			*argv[KWTYPE_ARGS_MAX + 1];
	char			*cursor = copy;
	size_t			 n = 0;
	int			 rc;

	memset(&ld, 0, sizeof(ld));
	while ((argv[n] = strsep(&cursor, " ")) != NULL) {
		n++;
		ck_assert_uint_le(n, KWTYPE_ARGS_MAX);
	}
	rc = kw->type->parse(sc, kw, &ld, argv, err, errlen);
	free(copy);
	return rc;
}

/* What the kind prints for kw. New string. */
static char *
print_row(const struct servconf *sc, const struct keyword *kw)
{
	char	*out = NULL;
	size_t	 size = 0;
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	kw->type->print(sc, kw, mem);
	fclose(mem);
	return out;
}

START_TEST(test_kwtype_kind_parses_prints_refuses)
{
	const struct kind_case	*c = &kind_cases[_i];
	struct keyword		 kw = row(c);
	struct servconf		 sc, again;
	char			 err[KWTYPE_WHY_MAX] = "";
	char			*before = NULL, *after = NULL, *want = NULL;
	char			*round = NULL;

	servconf_init(&sc);
	servconf_init(&again);
	ck_assert_int_eq(parse_words(&sc, &kw, c->seed, err, sizeof(err)),
	    0);
	before = print_row(&sc, &kw);
	if (c->want == NULL) {
		ck_assert_int_eq(parse_words(&sc, &kw, c->words, err,
		    sizeof(err)), -1);
		ck_assert_msg(strncmp(err, c->err, strlen(c->err)) == 0,
		    "\"%s\": got \"%s\"", c->words, err);
		after = print_row(&sc, &kw);
		ck_assert_str_eq(after, before);
	} else {
		ck_assert_int_eq(parse_words(&sc, &kw, c->words, err,
		    sizeof(err)), 0);
		want = xasprintf("X %s\n", c->want);
		after = print_row(&sc, &kw);
		ck_assert_str_eq(after, want);
		/* What it printed reads back to the same value. */
		ck_assert_int_eq(parse_words(&again, &kw, c->want, err,
		    sizeof(err)), 0);
		round = print_row(&again, &kw);
		ck_assert_str_eq(round, want);
	}
	free(before);
	free(after);
	free(want);
	free(round);
	servconf_free(&sc);
	servconf_free(&again);
}
END_TEST

START_TEST(test_kwtype_where)
{
	char	buf[32];

	ck_assert_str_eq(kwtype_where(KWTYPE_LEVEL_FILE, 3, buf,
	    sizeof(buf)), "line 3");
	ck_assert_str_eq(kwtype_where(KWTYPE_LEVEL_OPT, 12, buf,
	    sizeof(buf)), "-o:12");
	ck_assert_ptr_eq(kwtype_where(KWTYPE_LEVEL_FILE, 1, buf,
	    sizeof(buf)), buf);
}
END_TEST

static const struct {
	const char	*word;
	const char	*want;
} word_cases[] = {
	{ "/etc/popgate/key", "Name /etc/popgate/key\n" },
	{ "/my keys/key", "Name \"/my keys/key\"\n" },
	{ "a\tb", "Name \"a\tb\"\n" },
	{ "", "Name \"\"\n" },
	{ "100%", "Name 100%\n" },
};

START_TEST(test_kwtype_print_word_quotes_blanks)
{
	char	*out = NULL;
	size_t	 size = 0;
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	kwtype_print_word(mem, "Name", word_cases[_i].word);
	fclose(mem);
	ck_assert_str_eq(out, word_cases[_i].want);
	free(out);
}
END_TEST

START_TEST(test_kwtype_none_only_with_flag)
{
	struct keyword	kw;

	memset(&kw, 0, sizeof(kw));
	kw.name = "X";
	kw.flags = KWTYPE_NONE;
	ck_assert(kwtype_is_none(&kw, "none"));
	ck_assert(kwtype_is_none(&kw, "NoNe"));
	ck_assert(!kwtype_is_none(&kw, "no"));
	ck_assert(!kwtype_is_none(&kw, "nones"));
	ck_assert(!kwtype_is_none(&kw, ""));
	kw.flags = KWTYPE_REPEAT | KWTYPE_USER;
	ck_assert(!kwtype_is_none(&kw, "none"));
}
END_TEST

START_TEST(test_kwtype_clear_string)
{
	struct servconf	sc;
	struct keyword	kw;

	servconf_init(&sc);
	memset(&kw, 0, sizeof(kw));
	kw.name = "X";
	kw.off = SC_OFF(backend_ca_file);
	sc.backend_ca_file = xstrdup("/etc/ssl/ca.pem");
	kwtype_clear_string(&sc, &kw, NULL);
	ck_assert_ptr_null(sc.backend_ca_file);
	kwtype_clear_string(&sc, &kw, NULL);	/* twice is harmless */
	ck_assert_ptr_null(sc.backend_ca_file);
	servconf_free(&sc);
}
END_TEST

/* Every kind, and whether its value lives on the heap. */
static const struct {
	const char		*name;
	const struct kwtype	*type;
	bool			 owns;	/* needs clear: -o and free */
} kinds[] = {
	{ "uint", &kwtype_uint, false },
	{ "seconds", &kwtype_seconds, false },
	{ "limit", &kwtype_limit, false },
	{ "timeout", &kwtype_timeout, false },
	{ "yesno", &kwtype_yesno, false },
	{ "user", &kwtype_user, true },
	{ "algos", &kwtype_algos, true },
	{ "maxstartups", &kwtype_maxstartups, false },
	{ "loglevel", &kwtype_loglevel, false },
	{ "logtarget", &kwtype_logtarget, false },
	{ "facility", &kwtype_facility, false },
	{ "penalties", &kwtype_penalties, false },
	{ "pwbackend", &kwtype_pwbackend, false },
	{ "authcache", &kwtype_authcache, false },
	{ "paths", &kwpath_paths, true },
	{ "path", &kwpath_path, true },
	{ "socket", &kwpath_socket, true },
	{ "listen", &kwnet_listen, true },
	{ "nets", &kwnet_nets, true },
	{ "forward", &kwnet_forward, true },
};

START_TEST(test_kwtype_every_kind_complete)
{
	const struct kwtype	*t = kinds[_i].type;

	ck_assert_msg(t->parse != NULL && t->print != NULL, "%s",
	    kinds[_i].name);
	ck_assert_msg((t->clear != NULL) == kinds[_i].owns, "%s: clear",
	    kinds[_i].name);
	ck_assert_uint_ge(t->nargs, 1);
	ck_assert_msg(t->maxargs == 0 || (t->maxargs > t->nargs &&
	    t->maxargs <= KWTYPE_ARGS_MAX), "%s: maxargs %zu",
	    kinds[_i].name, t->maxargs);
	ck_assert_msg(t->usage != NULL && *t->usage != '\0' &&
	    strchr(t->usage, '\n') == NULL, "%s: usage", kinds[_i].name);
}
END_TEST

Suite *
kwtype_suite(void)
{
	Suite	*s = suite_create("kwtype");
	TCase	*tc = tcase_create("kinds");
	TCase	*th = tcase_create("helpers");

	tcase_add_loop_test(tc, test_kwtype_kind_parses_prints_refuses, 0,
	    NELEM(kind_cases));
	tcase_add_loop_test(tc, test_kwtype_every_kind_complete, 0,
	    NELEM(kinds));
	suite_add_tcase(s, tc);
	tcase_add_test(th, test_kwtype_where);
	tcase_add_loop_test(th, test_kwtype_print_word_quotes_blanks, 0,
	    NELEM(word_cases));
	tcase_add_test(th, test_kwtype_none_only_with_flag);
	tcase_add_test(th, test_kwtype_clear_string);
	suite_add_tcase(s, th);
	return s;
}
