/*
 * check_policy: the Forward table refuses everything not listed.
 */
#include <stdlib.h>
#include <string.h>

#include "popgate/policy.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct policy	*pol;

static void
policy_setup(void)
{
	char	err[256] = "";

	pol = policy_new();
	ck_assert_int_eq(policy_add(pol, "pop3:110", "mail.internal:110", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(policy_add(pol, "pop3s:995", "[2001:db8::1]:995",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(policy_add(pol, "Other:110", "10.0.0.2:1110", err,
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
	ck_assert_str_eq(e->backend.host, c->backend);
	ck_assert_uint_eq(e->backend.port, c->backend_port);
	ck_assert_uint_eq(e->backend_salen, 0);
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
};

START_TEST(test_policy_add_rejects_table)
{
	const struct add_case	*c = &reject_cases[_i];
	char			 err[256] = "";

	ck_assert_int_eq(policy_add(pol, c->target, c->backend, err,
	    sizeof(err)), -1);
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
	suite_add_tcase(s, tc);
	return s;
}
