/*
 * check_pop3: the -ERR line a mail client shows.
 */
#include <string.h>

#include "popgate/pop3.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct err_case {
	const char	*code;
	const char	*prog;
	const char	*reason;
	const char	*want;
};

static const struct err_case err_cases[] = {
	{ "SYS/TEMP", "popgated", "backend down",
	    "-ERR [SYS/TEMP] popgated: backend down\r\n" },
	{ NULL, "popgate", "no tunnel", "-ERR popgate: no tunnel\r\n" },
	{ "AUTH", "p", "", "-ERR [AUTH] p: \r\n" },
	{ NULL, "p", "two\r\nlines", "-ERR p: two  lines\r\n" },
	{ NULL, "p", "tab\there\x7f\x01", "-ERR p: tab here  \r\n" },
	{ NULL, "p", "caf\xc3\xa9", "-ERR p: caf\xc3\xa9\r\n" },
	{ "SYS\n/PERM", "p\r", "x", "-ERR [SYS /PERM] p : x\r\n" },
};

START_TEST(test_pop3_format_err_table)
{
	const struct err_case	*c = &err_cases[_i];
	char			 buf[POP3_LINE_MAX + 1];
	size_t			 n;

	n = pop3_format_err(buf, sizeof(buf), c->code, c->prog, c->reason);
	ck_assert_str_eq(buf, c->want);
	ck_assert_uint_eq(n, strlen(c->want));
}
END_TEST

START_TEST(test_pop3_format_err_caps_at_512)
{
	char	reason[2000];
	char	buf[1024];
	size_t	n;

	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	n = pop3_format_err(buf, sizeof(buf), "SYS/TEMP", "popgated", reason);
	ck_assert_uint_eq(n, POP3_LINE_MAX);
	ck_assert_uint_eq(strlen(buf), POP3_LINE_MAX);
	ck_assert_int_eq(strncmp(buf, "-ERR [SYS/TEMP] popgated: rrr", 29), 0);
	ck_assert_str_eq(buf + POP3_LINE_MAX - 3, "r\r\n");
	ck_assert_ptr_null(memchr(buf, '\n', n - 1));
}
END_TEST

START_TEST(test_pop3_format_err_small_buffer)
{
	char	buf[12];
	size_t	n;

	n = pop3_format_err(buf, sizeof(buf), NULL, "popgated", "reason");
	ck_assert_uint_eq(n, 11);
	ck_assert_str_eq(buf, "-ERR popg\r\n");
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(pop3_format_err(buf, 3, NULL, "p", "r"), 2);
	ck_assert_str_eq(buf, "\r\n");
	buf[0] = 'x';
	ck_assert_uint_eq(pop3_format_err(buf, 2, NULL, "p", "r"), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(pop3_format_err(buf, 0, NULL, "p", "r"), 0);
}
END_TEST

Suite *
pop3_suite(void)
{
	Suite	*s = suite_create("pop3");
	TCase	*tc = tcase_create("pop3");

	tcase_add_loop_test(tc, test_pop3_format_err_table, 0,
	    NELEM(err_cases));
	tcase_add_test(tc, test_pop3_format_err_caps_at_512);
	tcase_add_test(tc, test_pop3_format_err_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
