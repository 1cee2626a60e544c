/*
 * log: peer-chosen strings must never forge a log line, and level names
 * read as sshd's.
 */
#include <check.h>
#include <string.h>
#include <syslog.h>

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

static const struct {
	const char	*in;
	size_t		 len;
	const char	*out;
} quote_cases[] = {
	{ "alice", 64, "alice" },
	{ "127.0.0.1:2222", 64, "127.0.0.1:2222" },
	{ "", 64, "\"\"" },
	{ "two words", 64, "\"two words\"" },
	{ "alice result=accepted", 64, "\"alice result=accepted\"" },
	{ "say \"hi\"", 64, "\"say 'hi'\"" },
	{ "\"", 64, "\"'\"" },
	{ "tab\there", 64, "\"tab\there\"" },
	{ "a\nb", 64, "a\nb" },	/* log_escape makes it \x0a */
	{ "abcdefgh", 5, "abcd" },
	{ "ab cdefgh", 6, "\"ab \"" },	/* cut, the quote kept */
	{ "a b", 3, "\"\"" },
	{ "x", 1, "" },
};

START_TEST(test_log_quote_table)
{
	char	out[64];

	memset(out, 'z', sizeof(out));
	log_quote(out, quote_cases[_i].len, quote_cases[_i].in);
	ck_assert_str_eq(out, quote_cases[_i].out);
	ck_assert_uint_lt(strlen(out), quote_cases[_i].len);
}
END_TEST

START_TEST(test_log_facilities)
{
	int	f = -1;

	ck_assert_int_eq(log_facility_parse("auth", &f), 0);
	ck_assert_int_eq(f, LOG_AUTH);
	ck_assert_int_eq(log_facility_parse("MAIL", &f), 0);
	ck_assert_int_eq(f, LOG_MAIL);
	ck_assert_int_eq(log_facility_parse("Local7", &f), 0);
	ck_assert_int_eq(f, LOG_LOCAL7);
	ck_assert_int_eq(log_facility_parse("AUTHPRIV", &f), 0);
	ck_assert_int_eq(f, LOG_AUTHPRIV);
	ck_assert_int_eq(log_facility_parse("kern", &f), -1);
	ck_assert_int_eq(log_facility_parse("LOCAL8", &f), -1);
	ck_assert_int_eq(log_facility_parse("", &f), -1);
	ck_assert_str_eq(log_facility_name(LOG_DAEMON), "DAEMON");
	ck_assert_str_eq(log_facility_name(LOG_LOCAL0), "LOCAL0");
	ck_assert_str_eq(log_facility_name(LOG_KERN), "?");
}
END_TEST

/* What syslog(3) is handed: the category's facility, the level's
 * severity (RFC 5424 §6.2.1). */
START_TEST(test_log_syslog_priority)
{
	ck_assert_int_eq(log_syslog_priority(LOG_AUTH, LOG_LEVEL_INFO),
	    LOG_AUTH | LOG_INFO);
	ck_assert_int_eq(log_syslog_priority(LOG_AUTH, LOG_LEVEL_INFO), 38);
	ck_assert_int_eq(log_syslog_priority(LOG_MAIL, LOG_LEVEL_VERBOSE),
	    22);
	ck_assert_int_eq(log_syslog_priority(LOG_MAIL, LOG_LEVEL_ERROR),
	    LOG_MAIL | LOG_ERR);
	ck_assert_int_eq(log_syslog_priority(LOG_LOCAL3, LOG_LEVEL_FATAL),
	    LOG_LOCAL3 | LOG_CRIT);
	ck_assert_int_eq(log_syslog_priority(LOG_DAEMON, LOG_LEVEL_DEBUG3),
	    LOG_DAEMON | LOG_DEBUG);
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
	tcase_add_loop_test(tc, test_log_quote_table, 0,
	    sizeof(quote_cases) / sizeof(quote_cases[0]));
	tcase_add_test(tc, test_log_facilities);
	tcase_add_test(tc, test_log_syslog_priority);
	suite_add_tcase(s, tc);
	return s;
}
