/*
 * check_optdef: the option table row by row: which spellings exist, the
 * flags each row sets, each setter's effect on struct opts and its
 * error, word for word, as popgate prints it.
 */
#include <stdio.h>
#include <string.h>

#include "popgate/optdef.h"
#include "popgate/opts.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define SHORTS		"plLiWFfvq"
#define SHORTS_ARG	"plLiWF"
#define FP_A	"SHA256:ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs"
#define FP_B	"SHA256:PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0"
#define B64_42	"ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSL"

/* Every byte: a row exactly for the letters of SHORTS. */
START_TEST(test_optdef_find_short)
{
	const struct optdef	*d = NULL;
	int			 c;

	for (c = 1; c < 256; c++) {
		d = optdef_find_short((char)c);
		if (strchr(SHORTS, c) == NULL) {
			ck_assert_msg(d == NULL, "-%c has a row", c);
			continue;
		}
		ck_assert_msg(d != NULL, "-%c has no row", c);
		ck_assert_int_eq(d->letter, c);
		ck_assert_int_eq(d->takes_arg, strchr(SHORTS_ARG, c) != NULL);
	}
	ck_assert_ptr_null(optdef_find_short('\0'));
}
END_TEST

struct long_case {
	const char	*name;
	size_t		 len;		/* bytes of name to look at */
	bool		 found;
	bool		 takes_arg;
};

static const struct long_case long_cases[] = {
	{ "known-hosts", 11, true, true },
	{ "accept-new", 10, true, false },
	{ "fingerprint", 11, true, true },
	{ "password-file", 13, true, true },
	{ "keepalive", 9, true, true },
	{ "persist", 7, true, false },
	{ "background", 10, true, false },
	{ "pid-file", 8, true, true },
	{ "check", 5, true, false },
	{ "version", 7, true, false },
	{ "help", 4, true, false },
	{ "keepalive=5", 9, true, true },	/* name ends at len */
	{ "keepalive=5", 11, false, false },
	{ "keep", 4, false, false },		/* no abbreviations */
	{ "keepalive", 4, false, false },
	{ "keepalives", 10, false, false },
	{ "f", 1, false, false },
	{ "HELP", 4, false, false },
	{ "", 0, false, false },
	{ "port", 4, false, false },
	{ "p", 1, false, false },
	{ "verbose", 7, false, false },
	{ "-help", 5, false, false },
};

START_TEST(test_optdef_find_long)
{
	const struct long_case	*c = &long_cases[_i];
	const struct optdef	*d = optdef_find_long(c->name, c->len);

	if (!c->found) {
		ck_assert_msg(d == NULL, "\"%.*s\" has a row", (int)c->len,
		    c->name);
		return;
	}
	ck_assert_msg(d != NULL, "\"%.*s\" has no row", (int)c->len,
	    c->name);
	ck_assert_int_eq(strlen(d->name), c->len);
	ck_assert_int_eq(strncmp(d->name, c->name, c->len), 0);
	ck_assert_int_eq(d->takes_arg, c->takes_arg);
}
END_TEST

/* -f and --background are one row. */
START_TEST(test_optdef_short_and_long)
{
	ck_assert_ptr_eq(optdef_find_short('f'),
	    optdef_find_long("background", 10));
	ck_assert_str_eq(optdef_find_short('f')->name, "background");
}
END_TEST

static const struct optdef *
row(const char *opt)
{
	const struct optdef	*d = NULL;

	if (opt[1] == '-') {
		d = optdef_find_long(opt + 2, strlen(opt + 2));
	} else {
		d = optdef_find_short(opt[1]);
	}
	ck_assert_msg(d != NULL, "%s has no row", opt);
	return d;
}

/* A row without an argument sets its one bool and nothing else. */
START_TEST(test_optdef_flags)
{
	struct opts	o, want;
	char		err[512] = "";

	opts_init(&want);
	want.background = true;
	opts_init(&o);
	ck_assert_int_eq(optdef_apply(row("-f"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(memcmp(&o, &want, sizeof(o)), 0);
	opts_init(&want);
	want.quiet = true;
	opts_init(&o);
	ck_assert_int_eq(optdef_apply(row("-q"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(memcmp(&o, &want, sizeof(o)), 0);
	opts_init(&o);
	ck_assert_int_eq(optdef_apply(row("--accept-new"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--persist"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--check"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--version"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--help"), &o, NULL, err,
	    sizeof(err)), 0);
	opts_init(&want);
	want.accept_new = want.persist = want.check = true;
	want.version = want.help = true;
	ck_assert_int_eq(memcmp(&o, &want, sizeof(o)), 0);
}
END_TEST

/* Setters: the value stored, the layer noted, -v counted. */
START_TEST(test_optdef_setters_store)
{
	struct opts	o;
	char		err[512] = "";

	opts_init(&o);
	o.layer = 3;
	ck_assert_int_eq(optdef_apply(row("-p"), &o, "2222", err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(o.port, 2222);
	ck_assert_int_eq(optdef_apply(row("-l"), &o, "bob", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(o.user, "bob");
	ck_assert_uint_eq(o.user_layer, 3);
	ck_assert_int_eq(optdef_apply(row("-W"), &o, "pop3:110", err,
	    sizeof(err)), 0);
	ck_assert(o.stdio);
	ck_assert_str_eq(o.stdio_target.host, "pop3");
	ck_assert_uint_eq(o.stdio_target.port, 110);
	ck_assert_uint_eq(o.stdio_layer, 3);
	ck_assert_int_eq(optdef_apply(row("--keepalive"), &o, "0", err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(o.keepalive, 0);
	ck_assert_int_eq(optdef_apply(row("-v"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("-v"), &o, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(o.verbose, 2);
	ck_assert_int_eq(optdef_apply(row("-i"), &o, "/id", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--known-hosts"), &o, "/kh", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--password-file"), &o, "/pw",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--pid-file"), &o, "/pid", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("-F"), &o, "/conf", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(o.identity, "/id");
	ck_assert_str_eq(o.known_hosts, "/kh");
	ck_assert_str_eq(o.password_file, "/pw");
	ck_assert_str_eq(o.pid_file, "/pid");
	ck_assert_str_eq(o.config, "/conf");
}
END_TEST

/* -L and --fingerprint: a list per layer; the same key once. */
START_TEST(test_optdef_lists_per_layer)
{
	struct opts	o;
	char		err[512] = "";

	opts_init(&o);
	o.layer = 1;
	ck_assert_int_eq(optdef_apply(row("-L"), &o, "1:a:1", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("-L"), &o, "2:b:2", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--fingerprint"), &o, FP_A, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--fingerprint"), &o, FP_A, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(o.nforwards, 2);
	ck_assert_uint_eq(o.nfingerprints, 1);
	o.layer = 2;
	ck_assert_int_eq(optdef_apply(row("-L"), &o, "3:c:3", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(optdef_apply(row("--fingerprint"), &o, FP_B, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(o.nforwards, 1);
	ck_assert_uint_eq(o.forwards[0].bind.port, 3);
	ck_assert_uint_eq(o.forwards_layer, 2);
	ck_assert_uint_eq(o.nfingerprints, 1);
	ck_assert_str_eq(o.fingerprints[0], FP_B);
	ck_assert_uint_eq(o.fingerprints_layer, 2);
}
END_TEST

struct err_case {
	const char	*opt;
	const char	*arg;
	const char	*err;		/* the whole message */
};

static const struct err_case err_cases[] = {
	{ "-p", "x", "-p \"x\": bad port (expected 1 to 65535)" },
	{ "-p", "0", "-p \"0\": bad port (expected 1 to 65535)" },
	{ "-l", "a b", "-l \"a b\": bad user name (letters, digits, '.', "
	    "'_', '-', at most 64)" },
	{ "-L", "1110:pop3", "-L \"1110:pop3\": expected "
	    "[BIND:]PORT:HOST:HOSTPORT" },
	{ "-i", "", "-i: empty file name" },
	{ "--known-hosts", "", "--known-hosts: empty file name" },
	{ "--password-file", "", "--password-file: empty file name" },
	{ "--pid-file", "", "--pid-file: empty file name" },
	{ "-F", "", "-F: empty file name" },
	{ "-W", "pop3", "-W \"pop3\": missing port (expected HOST:PORT)" },
	{ "-W", "pop3:0", "-W \"pop3:0\": bad port \"0\" (expected 1 to "
	    "65535)" },
	{ "--fingerprint", "MD5:aa", "--fingerprint \"MD5:aa\": expected "
	    "\"SHA256:\" and 43 base64 characters, as ssh-keygen -l prints "
	    "them" },
	{ "--fingerprint", "SHA256:" B64_42 "=", "--fingerprint \"SHA256:"
	    B64_42 "=\": bad character '=' (base64 without '=' padding)" },
	{ "--fingerprint", "SHA256:" B64_42, "--fingerprint \"SHA256:"
	    B64_42 "\": 42 base64 characters after \"SHA256:\", expected "
	    "43" },
	{ "--keepalive", "86401", "--keepalive \"86401\": expected seconds "
	    "from 0 (off) to 86400" },
};

START_TEST(test_optdef_errors)
{
	const struct err_case	*c = &err_cases[_i];
	struct opts		 o;
	char			 err[512] = "";

	opts_init(&o);
	ck_assert_int_eq(optdef_apply(row(c->opt), &o, c->arg, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, c->err);
}
END_TEST

/* The lists' limits, in the words of the option at fault. */
START_TEST(test_optdef_limits)
{
	char		specs[OPTS_MAX_FORWARDS + 1][32];
	char		fps[OPTS_MAX_FINGERPRINTS + 1][64];
	char		want[256];
	struct opts	o;
	char		err[512] = "";
	int		i;

	opts_init(&o);
	for (i = 0; i <= OPTS_MAX_FORWARDS; i++) {
		snprintf(specs[i], sizeof(specs[i]), "%d:pop3:110", 2000 + i);
		ck_assert_int_eq(optdef_apply(row("-L"), &o, specs[i], err,
		    sizeof(err)), i < OPTS_MAX_FORWARDS ? 0 : -1);
	}
	snprintf(want, sizeof(want), "-L \"%s\": too many -L (at most %d)",
	    specs[OPTS_MAX_FORWARDS], OPTS_MAX_FORWARDS);
	ck_assert_str_eq(err, want);
	for (i = 0; i <= OPTS_MAX_FINGERPRINTS; i++) {
		snprintf(fps[i], sizeof(fps[i]), "SHA256:%c%s", 'A' + i,
		    B64_42);
		ck_assert_int_eq(optdef_apply(row("--fingerprint"), &o, fps[i],
		    err, sizeof(err)), i < OPTS_MAX_FINGERPRINTS ? 0 : -1);
	}
	snprintf(want, sizeof(want), "--fingerprint \"%s\": too many "
	    "--fingerprint (at most %d)", fps[OPTS_MAX_FINGERPRINTS],
	    OPTS_MAX_FINGERPRINTS);
	ck_assert_str_eq(err, want);
}
END_TEST

Suite *
optdef_suite(void)
{
	Suite	*s = suite_create("optdef");
	TCase	*tc = tcase_create("find");

	tcase_add_test(tc, test_optdef_find_short);
	tcase_add_loop_test(tc, test_optdef_find_long, 0, NELEM(long_cases));
	tcase_add_test(tc, test_optdef_short_and_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, test_optdef_flags);
	tcase_add_test(tc, test_optdef_setters_store);
	tcase_add_test(tc, test_optdef_lists_per_layer);
	tcase_add_loop_test(tc, test_optdef_errors, 0, NELEM(err_cases));
	tcase_add_test(tc, test_optdef_limits);
	suite_add_tcase(s, tc);
	return s;
}
