/*
 * check_policy: the Forward table refuses everything not listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/policy.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct policy	*pol;

/* policy_add from one line's words ("pop3:110 a:1 b:2 proxy"). */
static int
add_line(struct policy *p, const char *line, char *err, size_t errlen)
{
	char	 buf[512];
	char	*words[16];
	char	*save = NULL;
	char	*w = NULL;
	size_t	 n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w != NULL && n < NELEM(words);
	    w = strtok_r(NULL, " ", &save)) {
		words[n++] = w;
	}
	return policy_add(p, words, n, err, errlen);
}

static void
policy_setup(void)
{
	char	err[256] = "";

	pol = policy_new();
	ck_assert_int_eq(add_line(pol, "pop3:110 mail.internal:110", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(add_line(pol, "pop3s:995 [2001:db8::1]:995",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(add_line(pol, "Other:110 10.0.0.2:1110", err,
	    sizeof(err)), 0);
}

static void
policy_teardown(void)
{
	policy_free(pol);
	pol = NULL;
}

struct match_case {
	const char	*host;
	unsigned	 port;
	const char	*backend;	/* NULL: refused */
	unsigned	 backend_port;
};

static const struct match_case match_cases[] = {
	{ "pop3", 110, "mail.internal", 110 },
	{ "POP3", 110, "mail.internal", 110 },
	{ "pop3s", 995, "2001:db8::1", 995 },
	{ "other", 110, "10.0.0.2", 1110 },
	{ "pop3", 111, NULL, 0 },
	{ "pop3", 995, NULL, 0 },
	{ "pop3s", 110, NULL, 0 },
	{ "pop", 110, NULL, 0 },
	{ "pop3x", 110, NULL, 0 },
	{ "", 110, NULL, 0 },
	{ "mail.internal", 110, NULL, 0 },
	{ "pop3", 0, NULL, 0 },
	{ "pop3", 65536 + 110, NULL, 0 },
};

START_TEST(test_policy_match_table)
{
	const struct match_case		*c = &match_cases[_i];
	const struct policy_entry	*e = NULL;

	e = policy_match(pol, c->host, c->port);
	if (c->backend == NULL) {
		ck_assert_ptr_null(e);
		return;
	}
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->backends[0].addr.host, c->backend);
	ck_assert_uint_eq(e->backends[0].addr.port, c->backend_port);
	ck_assert_uint_eq(e->backends[0].salen, 0);
}
END_TEST

START_TEST(test_policy_refuses_unlisted_port)
{
	ck_assert_ptr_null(policy_match(pol, "pop3", 111));
}
END_TEST

struct add_case {
	const char	*target;
	const char	*backend;
	const char	*err_part;
};

static const struct add_case reject_cases[] = {
	{ "pop3", "mail:110", "bad target \"pop3\": missing port" },
	{ "pop3:0", "mail:110", "bad target" },
	{ "pop3:110", "mail", "bad backend \"mail\": missing port" },
	{ "pop3:110", "mail:0", "bad backend" },
	{ "pop3:110", "mail:70000", "bad backend" },
	{ "a b:1", "mail:110", "bad target" },
	{ "PoP3:110", "elsewhere:110", "duplicate target PoP3:110" },
	{ "pop3s:995", "elsewhere:110", "duplicate target pop3s:995" },
	{ "imap:143", "ftp://mail:143", "unknown scheme" },
	{ "imap:143", "pop3s://mail", "missing port" },
	{ "imap:143", "proxy", "expected NAME:PORT BACKEND" },
	{ "imap:143", "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9",
	    "too many backends (9; at most 8)" },
};

START_TEST(test_policy_add_rejects_table)
{
	const struct add_case	*c = &reject_cases[_i];
	char			 err[256] = "";
	char			 line[256];

	snprintf(line, sizeof(line), "%s %s", c->target, c->backend);
	ck_assert_int_eq(add_line(pol, line, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, c->err_part) != NULL, "\"%s\" lacks \"%s\"",
	    err, c->err_part);
	ck_assert_uint_eq(policy_count(pol), 3);
}
END_TEST

START_TEST(test_policy_entries_in_order)
{
	ck_assert_uint_eq(policy_count(pol), 3);
	ck_assert_str_eq(policy_entry(pol, 0)->target.host, "pop3");
	ck_assert_str_eq(policy_entry_const(pol, 1)->target.host, "pop3s");
	ck_assert_str_eq(policy_entry(pol, 2)->target.host, "Other");
	ck_assert_ptr_null(policy_entry(pol, 3));
	ck_assert_ptr_null(policy_entry_const(pol, 3));
}
END_TEST

START_TEST(test_policy_describe_lists_targets)
{
	struct policy	*empty = policy_new();
	char		*s = policy_describe(pol);

	ck_assert_str_eq(s, "pop3:110, pop3s:995, Other:110");
	free(s);
	s = policy_describe(empty);
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_uint_eq(policy_count(empty), 0);
	ck_assert_ptr_null(policy_match(empty, "pop3", 110));
	policy_free(empty);
	policy_free(NULL);
}
END_TEST

START_TEST(test_policy_backends_schemes_proxy)
{
	const struct policy_entry	*e = NULL;
	char				 err[256] = "";
	char				 buf[128];

	ck_assert_msg(add_line(pol, "imap:143 starttls://m1:143 "
	    "IMAPS://[::1]:993 m3:143 proxy", err, sizeof(err)) == 0, "%s",
	    err);
	e = policy_match(pol, "imap", 143);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->proto, POLICY_PROTO_IMAP);
	ck_assert(e->proxy);
	ck_assert_uint_eq(e->nbackends, 3);
	ck_assert_int_eq(e->backends[0].tls, POLICY_TLS_STARTTLS);
	ck_assert_int_eq(e->backends[1].tls, POLICY_TLS_IMPLICIT);
	ck_assert_int_eq(e->backends[2].tls, POLICY_TLS_NONE);
	ck_assert_str_eq(policy_backend_format(&e->backends[0], buf,
	    sizeof(buf)), "starttls://m1:143");
	ck_assert_str_eq(policy_backend_format(&e->backends[1], buf,
	    sizeof(buf)), "imaps://[::1]:993");
	ck_assert_str_eq(policy_backend_format(&e->backends[2], buf,
	    sizeof(buf)), "m3:143");
	e = policy_match(pol, "pop3", 110);
	ck_assert_int_eq(e->proto, POLICY_PROTO_POP3);
	ck_assert(!e->proxy);
	ck_assert_uint_eq(e->nbackends, 1);
	/* The port names the protocol when the name does not. */
	ck_assert_int_eq(policy_match(pol, "other", 110)->proto,
	    POLICY_PROTO_POP3);
	ck_assert_msg(add_line(pol, "submission:2587 127.0.0.1:587", err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(policy_match(pol, "submission", 2587)->proto,
	    POLICY_PROTO_SMTP);
	ck_assert_msg(add_line(pol, "db:5432 127.0.0.1:5432", err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(policy_match(pol, "db", 5432)->proto,
	    POLICY_PROTO_RAW);
	ck_assert_str_eq(policy_proto_name(POLICY_PROTO_SMTP), "smtp");
}
END_TEST

Suite *
policy_suite(void)
{
	Suite	*s = suite_create("policy");
	TCase	*tc = tcase_create("match");

	tcase_add_checked_fixture(tc, policy_setup, policy_teardown);
	tcase_add_loop_test(tc, test_policy_match_table, 0,
	    NELEM(match_cases));
	tcase_add_test(tc, test_policy_refuses_unlisted_port);
	tcase_add_loop_test(tc, test_policy_add_rejects_table, 0,
	    NELEM(reject_cases));
	tcase_add_test(tc, test_policy_entries_in_order);
	tcase_add_test(tc, test_policy_describe_lists_targets);
	tcase_add_test(tc, test_policy_backends_schemes_proxy);
	suite_add_tcase(s, tc);
	return s;
}
