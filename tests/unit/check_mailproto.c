/*
 * check_mailproto: which protocol a target speaks, its "ready" greeting,
 * and the refusal line each protocol's client reads.
 */
#include <string.h>

#include "popgate/mailproto.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	unsigned	 port;
	enum mailproto	 want;
} infer_cases[] = {
	{ "pop3", 110, MAILPROTO_POP3 },
	{ "POP3", 9110, MAILPROTO_POP3 },	/* the name wins */
	{ "imap", 143, MAILPROTO_IMAP },
	{ "Imap", 1, MAILPROTO_IMAP },
	{ "submission", 587, MAILPROTO_SMTP },
	{ "SUBMISSION", 2587, MAILPROTO_SMTP },
	{ "smtp", 25, MAILPROTO_SMTP },
	{ "imap", 110, MAILPROTO_IMAP },	/* name before port */
	{ "mail.example.org", 110, MAILPROTO_POP3 },
	{ "mail.example.org", 995, MAILPROTO_POP3 },
	{ "mail.example.org", 143, MAILPROTO_IMAP },
	{ "mail.example.org", 993, MAILPROTO_IMAP },
	{ "mail.example.org", 25, MAILPROTO_SMTP },
	{ "mail.example.org", 465, MAILPROTO_SMTP },
	{ "mail.example.org", 587, MAILPROTO_SMTP },
	{ "127.0.0.1", 5432, MAILPROTO_RAW },
	{ "pop", 111, MAILPROTO_RAW },
	{ "", 0, MAILPROTO_RAW },
	{ "pop3s", 4995, MAILPROTO_RAW },	/* only the listed names */
};

START_TEST(test_mailproto_infer_table)
{
	ck_assert_int_eq(mailproto_infer(infer_cases[_i].name,
	    infer_cases[_i].port), infer_cases[_i].want);
}
END_TEST

START_TEST(test_mailproto_names)
{
	ck_assert_str_eq(mailproto_name(MAILPROTO_POP3), "pop3");
	ck_assert_str_eq(mailproto_name(MAILPROTO_IMAP), "imap");
	ck_assert_str_eq(mailproto_name(MAILPROTO_SMTP), "smtp");
	ck_assert_str_eq(mailproto_name(MAILPROTO_RAW), "raw");
	ck_assert_str_eq(mailproto_name((enum mailproto)42), "raw");
}
END_TEST

static const struct {
	enum mailproto	 proto;
	const char	*line;
	bool		 ok;
} greeting_cases[] = {
	{ MAILPROTO_POP3, "+OK Dovecot ready.", true },
	{ MAILPROTO_POP3, "+OK", true },
	{ MAILPROTO_POP3, "-ERR [SYS/TEMP] popgated: mail server unavailable",
	    false },
	{ MAILPROTO_POP3, "+OKAY", false },
	{ MAILPROTO_POP3, "", false },
	{ MAILPROTO_IMAP, "* OK [CAPABILITY IMAP4rev1] Dovecot ready.", true },
	{ MAILPROTO_IMAP, "* ok ready", true },
	{ MAILPROTO_IMAP, "* PREAUTH welcome", true },
	{ MAILPROTO_IMAP, "* BYE [UNAVAILABLE] popgated: mail server "
	    "unavailable", false },
	{ MAILPROTO_IMAP, "+OK", false },
	{ MAILPROTO_SMTP, "220 mx.example.org ESMTP", true },
	{ MAILPROTO_SMTP, "220-mx.example.org first line", true },
	{ MAILPROTO_SMTP, "220", true },
	{ MAILPROTO_SMTP, "421 4.3.2 popgated: mail server unavailable",
	    false },
	{ MAILPROTO_SMTP, "554 no service", false },
	{ MAILPROTO_SMTP, "2200 odd", false },
	{ MAILPROTO_RAW, "anything at all", true },
	{ MAILPROTO_RAW, "", true },
};

START_TEST(test_mailproto_greeting_table)
{
	ck_assert_msg(mailproto_greeting_ok(greeting_cases[_i].proto,
	    greeting_cases[_i].line) == greeting_cases[_i].ok,
	    "\"%s\" as %s", greeting_cases[_i].line,
	    mailproto_name(greeting_cases[_i].proto));
}
END_TEST

static const struct {
	enum mailproto	 proto;
	const char	*prog;
	const char	*reason;
	const char	*want;
} refusal_cases[] = {
	{ MAILPROTO_POP3, "popgated", "mail server unavailable",
	    "-ERR [SYS/TEMP] popgated: mail server unavailable\r\n" },
	{ MAILPROTO_IMAP, "popgated", "mail server unavailable",
	    "* BYE [UNAVAILABLE] popgated: mail server unavailable\r\n" },
	{ MAILPROTO_SMTP, "popgated", "mail server unavailable",
	    "421 4.3.2 popgated: mail server unavailable\r\n" },
	{ MAILPROTO_IMAP, "popgate", "the gateway refused this forward",
	    "* BYE [UNAVAILABLE] popgate: the gateway refused this forward"
	    "\r\n" },
	/* A reason from the network never makes a second line. */
	{ MAILPROTO_SMTP, "p", "two\r\n250 lines\x7f",
	    "421 4.3.2 p: two  250 lines \r\n" },
	{ MAILPROTO_IMAP, "p\n", "tab\there", "* BYE [UNAVAILABLE] p : "
	    "tab here\r\n" },
	{ MAILPROTO_POP3, "p", "caf\xc3\xa9", "-ERR [SYS/TEMP] p: "
	    "caf\xc3\xa9\r\n" },
	{ MAILPROTO_RAW, "popgated", "mail server unavailable", "" },
};

START_TEST(test_mailproto_refusal_table)
{
	char	buf[MAILPROTO_LINE_MAX + 1];
	size_t	n;

	n = mailproto_format_unavailable(buf, sizeof(buf),
	    refusal_cases[_i].proto, refusal_cases[_i].prog,
	    refusal_cases[_i].reason);
	ck_assert_str_eq(buf, refusal_cases[_i].want);
	ck_assert_uint_eq(n, strlen(refusal_cases[_i].want));
}
END_TEST

/* RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with CRLF. */
START_TEST(test_mailproto_refusal_caps_at_512)
{
	static const enum mailproto	protos[] = {
		MAILPROTO_POP3, MAILPROTO_IMAP, MAILPROTO_SMTP
	};
	char	reason[2000];
	char	buf[1024];
	size_t	i, n;

	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	for (i = 0; i < NELEM(protos); i++) {
		n = mailproto_format_unavailable(buf, sizeof(buf), protos[i],
		    "popgate", reason);
		ck_assert_uint_eq(n, MAILPROTO_LINE_MAX);
		ck_assert_uint_eq(strlen(buf), MAILPROTO_LINE_MAX);
		ck_assert_str_eq(buf + MAILPROTO_LINE_MAX - 3, "r\r\n");
		ck_assert_ptr_null(memchr(buf, '\n', n - 1));
	}
}
END_TEST

START_TEST(test_mailproto_refusal_small_buffer)
{
	char	buf[16];

	ck_assert_uint_eq(mailproto_format_unavailable(buf, sizeof(buf),
	    MAILPROTO_SMTP, "popgated", "x"), 15);
	ck_assert_str_eq(buf, "421 4.3.2 pop\r\n");
	ck_assert_uint_eq(mailproto_format_unavailable(buf, 3,
	    MAILPROTO_IMAP, "p", "r"), 2);
	ck_assert_str_eq(buf, "\r\n");
	buf[0] = 'x';
	ck_assert_uint_eq(mailproto_format_unavailable(buf, 2,
	    MAILPROTO_IMAP, "p", "r"), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(mailproto_format_unavailable(buf, 0,
	    MAILPROTO_POP3, "p", "r"), 0);
}
END_TEST

Suite *
mailproto_suite(void)
{
	Suite	*s = suite_create("mailproto");
	TCase	*tc = tcase_create("mailproto");

	tcase_add_loop_test(tc, test_mailproto_infer_table, 0,
	    NELEM(infer_cases));
	tcase_add_test(tc, test_mailproto_names);
	tcase_add_loop_test(tc, test_mailproto_greeting_table, 0,
	    NELEM(greeting_cases));
	tcase_add_loop_test(tc, test_mailproto_refusal_table, 0,
	    NELEM(refusal_cases));
	tcase_add_test(tc, test_mailproto_refusal_caps_at_512);
	tcase_add_test(tc, test_mailproto_refusal_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
