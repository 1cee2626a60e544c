/*
 * log: peer-chosen strings must never forge a log line, and level names
 * read as sshd's.
 */
#include <check.h>
#include <string.h>

#include "popgate/log.h"
#include "suites.h"

static const struct {
	const char	*in;
	const char	*out;
} escape_cases[] = {
	{ "alice", "alice" },
	{ "a\nb", "a\\x0ab" },
	{ "a\r\npopgated[1]: auth ok", "a\\x0d\\x0apopgated[1]: auth ok" },
	{ "tab\there", "tab\\x09here" },
	{ "back\\slash", "back\\\\slash" },
	{ "\x1b[31mred", "\\x1b[31mred" },
	{ "caf\xc3\xa9", "caf\\xc3\\xa9" },
	{ "", "" },
};

START_TEST(test_log_escape_table)
{
	char	out[128];

	log_escape(out, sizeof(out), escape_cases[_i].in);
	ck_assert_str_eq(out, escape_cases[_i].out);
}
END_TEST

START_TEST(test_log_escape_never_overflows)
{
	char	out[8];

	log_escape(out, sizeof(out), "\n\n\n\n\n\n");
	ck_assert_uint_lt(strlen(out), sizeof(out));
	ck_assert_str_eq(out, "\\x0a");	/* whole escapes only */
	log_escape(out, sizeof(out), "abcdefghijk");
	ck_assert_str_eq(out, "abcdefg");
}
END_TEST

START_TEST(test_log_level_names)
{
	enum log_level	l;

	ck_assert_int_eq(log_level_parse("info", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_INFO);
	ck_assert_int_eq(log_level_parse("DEBUG", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_DEBUG1);
	ck_assert_int_eq(log_level_parse("Debug3", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_DEBUG3);
	ck_assert_int_eq(log_level_parse("loud", &l), -1);
	ck_assert_int_eq(log_level_parse("", &l), -1);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_VERBOSE), "VERBOSE");
	ck_assert_str_eq(log_level_name(LOG_LEVEL_QUIET), "QUIET");
}
END_TEST

Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("escape");

	tcase_add_loop_test(tc, test_log_escape_table, 0,
	    sizeof(escape_cases) / sizeof(escape_cases[0]));
	tcase_add_test(tc, test_log_escape_never_overflows);
	tcase_add_test(tc, test_log_level_names);
	suite_add_tcase(s, tc);
	return s;
}
