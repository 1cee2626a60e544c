/*
 * check_mailsasl: which SASL responses name the mailbox (PLAIN's three
 * fields, LOGIN's name), which lines are SASL responses at all, and the
 * CAPA and AUTH listings as BindMailbox narrows them.
 */
#include <string.h>

#include "popgate/mailsasl.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct names_case {
	enum mailsasl_mech	 mech;
	const char		*b64;
	bool			 ok;
	const char		*who;	/* what a log line may show */
};

static const struct names_case names_cases[] = {
	{ MAILSASL_PLAIN, "AGFsaWNlAHB3", true, "alice" },	/* \0alice\0pw */
	{ MAILSASL_PLAIN, "YWxpY2UAYWxpY2UAcHc=", true, "alice" },
	{ MAILSASL_PLAIN, "Ym9iAGFsaWNlAHB3", false, "alice" },	/* authzid bob */
	{ MAILSASL_PLAIN, "YWxpY2UAYm9iAHB3", false, "bob" },
	{ MAILSASL_PLAIN, "AEFMSUNFAHB3", false, "ALICE" },	/* exact case */
	{ MAILSASL_PLAIN, "YWxpY2UAYWxpY2UAcHcAeA==", false, "alice" },
	{ MAILSASL_PLAIN, "AGFsaWNl", false, "?" },		/* no password */
	{ MAILSASL_PLAIN, "YWxpY2UAeA==", false, "?" },
	{ MAILSASL_PLAIN, "", false, "?" },
	{ MAILSASL_PLAIN, "AGFsaWNlAHB3=", false, "?" },	/* not base64 */
	{ MAILSASL_LOGIN, "YWxpY2U=", true, "alice" },
	{ MAILSASL_LOGIN, "YWxp", false, "ali" },
	{ MAILSASL_LOGIN, "YWxpAGNl", false, "ali" },		/* ali\0ce */
	{ MAILSASL_LOGIN, "YWxpY2V=", false, "?" },		/* non-canonical */
	{ MAILSASL_LOGIN, "alice", false, "?" },
	{ MAILSASL_NONE, "YWxpY2U=", false, "?" },
};

START_TEST(test_mailsasl_names)
{
	const struct names_case	*c = &names_cases[_i];
	char			 who[64];
	bool			 ok;

	ok = mailsasl_names("alice", c->mech, c->b64, strlen(c->b64), who,
	    sizeof(who));
	ck_assert_msg(ok == c->ok, "case %d \"%s\": %d", _i, c->b64, ok);
	if (c->mech != MAILSASL_NONE) {
		ck_assert_str_eq(who, c->who);
	}
}
END_TEST

START_TEST(test_mailsasl_mech)
{
	ck_assert_int_eq(mailsasl_mech("PLAIN"), MAILSASL_PLAIN);
	ck_assert_int_eq(mailsasl_mech("plain"), MAILSASL_PLAIN);
	ck_assert_int_eq(mailsasl_mech("Login"), MAILSASL_LOGIN);
	ck_assert_int_eq(mailsasl_mech("CRAM-MD5"), MAILSASL_NONE);
	ck_assert_int_eq(mailsasl_mech("PLAINX"), MAILSASL_NONE);
	ck_assert_int_eq(mailsasl_mech(""), MAILSASL_NONE);
}
END_TEST

START_TEST(test_mailsasl_is_response)
{
	static const char	*yes[] = { "", "cHc=", "cHcx", "USER" };
	static const char	*no[] = { "pw", "cHc", "cHd=", "APOP bob 0123",
				    "cHc=\r", "*", "c Hc=" };
	size_t			 i;

	for (i = 0; i < NELEM(yes); i++) {
		ck_assert_msg(mailsasl_is_response(yes[i], strlen(yes[i])),
		    "\"%s\"", yes[i]);
	}
	for (i = 0; i < NELEM(no); i++) {
		ck_assert_msg(!mailsasl_is_response(no[i], strlen(no[i])),
		    "\"%s\"", no[i]);
	}
}
END_TEST

struct filter_case {
	enum mailsasl_list	 list;
	const char		*in;
	const char		*out;	/* "": dropped */
};

static const struct filter_case filter_cases[] = {
	{ MAILSASL_LIST_CAPA, "TOP\r\n", "TOP\r\n" },
	{ MAILSASL_LIST_CAPA, "STLS\r\n", "" },
	{ MAILSASL_LIST_CAPA, "stls\n", "" },
	{ MAILSASL_LIST_CAPA, "STLSX\r\n", "STLSX\r\n" },
	{ MAILSASL_LIST_CAPA, "SASL CRAM-MD5 PLAIN SCRAM-SHA-1 LOGIN\r\n",
	    "SASL PLAIN LOGIN\r\n" },
	{ MAILSASL_LIST_CAPA, "sasl  login   GSSAPI\n", "SASL login\n" },
	{ MAILSASL_LIST_CAPA, "SASL CRAM-MD5 XOAUTH2\r\n", "" },
	{ MAILSASL_LIST_CAPA, "SASL\r\n", "" },
	{ MAILSASL_LIST_CAPA, "SASLX PLAIN\r\n", "SASLX PLAIN\r\n" },
	{ MAILSASL_LIST_CAPA, "SASL PLAINX LOGIN\r\n", "SASL LOGIN\r\n" },
	{ MAILSASL_LIST_MECHS, "PLAIN\r\n", "PLAIN\r\n" },
	{ MAILSASL_LIST_MECHS, "login\n", "login\n" },
	{ MAILSASL_LIST_MECHS, "CRAM-MD5\r\n", "" },
	{ MAILSASL_LIST_MECHS, "PLAIN LOGIN\r\n", "" },
	{ MAILSASL_LIST_NONE, "STLS\r\n", "STLS\r\n" },
	{ MAILSASL_LIST_NONE, "SASL CRAM-MD5\r\n", "SASL CRAM-MD5\r\n" },
	{ MAILSASL_LIST_NONE, "", "" },			/* not a line */
	{ MAILSASL_LIST_CAPA, "SASL PLAIN", "" },
};

START_TEST(test_mailsasl_filter_line)
{
	const struct filter_case	*c = &filter_cases[_i];
	char				 out[POP3_LINE_MAX + 2];
	size_t				 n;

	memset(out, 'x', sizeof(out));
	n = mailsasl_filter_line(c->list, c->in, strlen(c->in), out);
	ck_assert_msg(n == strlen(c->out) && memcmp(out, c->out, n) == 0,
	    "case %d \"%s\": \"%.*s\"", _i, c->in, (int)n, out);
}
END_TEST

Suite *
mailsasl_suite(void)
{
	Suite	*s = suite_create("mailsasl");
	TCase	*tc = tcase_create("mailsasl");

	tcase_add_loop_test(tc, test_mailsasl_names, 0, NELEM(names_cases));
	tcase_add_test(tc, test_mailsasl_mech);
	tcase_add_test(tc, test_mailsasl_is_response);
	tcase_add_loop_test(tc, test_mailsasl_filter_line, 0,
	    NELEM(filter_cases));
	suite_add_tcase(s, tc);
	return s;
}
