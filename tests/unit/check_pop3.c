/*
 * check_pop3: the -ERR line a mail client shows, line splitting, the
 * command and response parsers, CAPA, the APOP digest and base64.
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


struct line_case {
	const char	*in;
	size_t		 max;
	ssize_t		 want;
};

static const struct line_case line_cases[] = {
	{ "USER a\r\nPASS b\r\n", 255, 8 },
	{ "USER a\nPASS", 255, 7 },
	{ "USER a", 255, 0 },
	{ "", 255, 0 },
	{ "\n", 255, 1 },
	{ "abcd", 4, -1 },
	{ "abc\n", 4, 4 },
	{ "abcd\n", 4, -1 },
	{ "abcde", 4, -1 },
};

START_TEST(test_pop3_line_len_table)
{
	const struct line_case	*c = &line_cases[_i];

	ck_assert_int_eq(pop3_line_len(c->in, strlen(c->in), c->max),
	    c->want);
}
END_TEST

struct cmd_case {
	const char	*line;
	const char	*verb;		/* NULL: must fail */
	const char	*rest;
	int		 nargs;		/* -1: words false */
	const char	*args[3];
	const char	*why;		/* part of the error */
};

static const struct cmd_case cmd_cases[] = {
	{ "USER alice\r\n", "USER", "alice", 1, { "alice" }, NULL },
	{ "user alice\n", "USER", "alice", 1, { "alice" }, NULL },
	{ "uSeR Alice\r\n", "USER", "Alice", 1, { "Alice" }, NULL },
	{ "CAPA\r\n", "CAPA", "", 0, { NULL }, NULL },
	{ "TOP\r\n", "TOP", "", 0, { NULL }, NULL },
	{ "TOP 1 10\r\n", "TOP", "1 10", 2, { "1", "10" }, NULL },
	{ "APOP bob 0123456789abcdef0123456789abcdef\r\n", "APOP",
	    "bob 0123456789abcdef0123456789abcdef", 2,
	    { "bob", "0123456789abcdef0123456789abcdef" }, NULL },
	{ "AUTH PLAIN AGFsaWNlAHB3\r\n", "AUTH", "PLAIN AGFsaWNlAHB3", 2,
	    { "PLAIN", "AGFsaWNlAHB3" }, NULL },
	{ "PASS two  spaces\r\n", "PASS", "two  spaces", -1, { NULL }, NULL },
	{ "PASS trailing \r\n", "PASS", "trailing ", -1, { NULL }, NULL },
	{ "PASS  lead\r\n", "PASS", " lead", -1, { NULL }, NULL },
	{ "PASS caf\xc3\xa9\r\n", "PASS", "caf\xc3\xa9", 1,
	    { "caf\xc3\xa9" }, NULL },
	{ "USER \r\n", "USER", "", -1, { NULL }, NULL },
	{ "X a b c d e f g h\r\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "NOOP a b c d e f g h\r\n", "NOOP", "a b c d e f g h", 8,
	    { "a", "b", "c" }, NULL },
	{ "NOOP a b c d e f g h i\r\n", "NOOP", "a b c d e f g h i", -1,
	    { NULL }, NULL },
	{ "US\r\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "USERS a\r\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "US3R a\r\n", "US3R", "a", 1, { "a" }, NULL },
	{ "utf8\r\n", "UTF8", "", 0, { NULL }, NULL },
	{ "x-y? a\r\n", "X-Y?", "a", 1, { "a" }, NULL },
	{ "USER\ta\r\n", NULL, NULL, 0, { NULL }, "control" },
	{ " USER a\r\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "\r\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "\n", NULL, NULL, 0, { NULL }, "keyword" },
	{ "USER a\r", NULL, NULL, 0, { NULL }, "CRLF" },
	{ "USER a", NULL, NULL, 0, { NULL }, "CRLF" },
	{ "USER a\rb\r\n", NULL, NULL, 0, { NULL }, "CR" },
	{ "USER a\r\r\n", NULL, NULL, 0, { NULL }, "CR" },
	{ "USER a\x7f\r\n", NULL, NULL, 0, { NULL }, "control" },
	{ "USER a\x1b[0m\r\n", NULL, NULL, 0, { NULL }, "control" },
	{ "\xc3\xa9TAT\r\n", NULL, NULL, 0, { NULL }, "keyword" },
};

START_TEST(test_pop3_parse_command_table)
{
	const struct cmd_case	*c = &cmd_cases[_i];
	struct pop3_cmd		 cmd;
	char			 err[128] = "";
	int			 rc, i;

	rc = pop3_parse_command(c->line, strlen(c->line), &cmd, err,
	    sizeof(err));
	if (c->verb == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(err, c->why) != NULL, "\"%s\": %s",
		    c->line, err);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", c->line, err);
	ck_assert_str_eq(cmd.verb, c->verb);
	ck_assert_str_eq(cmd.rest, c->rest);
	ck_assert_uint_eq(cmd.restlen, strlen(c->rest));
	if (c->nargs < 0) {
		ck_assert(!cmd.words);
		ck_assert_uint_eq(cmd.nargs, 0);
		ck_assert_str_eq(pop3_cmd_arg(&cmd, 0), "");
		return;
	}
	ck_assert(cmd.words);
	ck_assert_uint_eq(cmd.nargs, (size_t)c->nargs);
	for (i = 0; i < 3 && c->args[i] != NULL; i++) {
		ck_assert_str_eq(pop3_cmd_arg(&cmd, (size_t)i), c->args[i]);
	}
	ck_assert_str_eq(pop3_cmd_arg(&cmd, cmd.nargs), "");
}
END_TEST

/* A NUL inside the line (strlen-based tables cannot hold it). */
START_TEST(test_pop3_parse_command_nul)
{
	static const char	line[] = "USER a\0b\r\n";
	struct pop3_cmd		cmd;
	char			err[128];

	ck_assert_int_eq(pop3_parse_command(line, sizeof(line) - 1, &cmd,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
}
END_TEST

/* 255 octets with the CRLF pass; 256 do not (RFC 2449 §4). */
START_TEST(test_pop3_parse_command_length_limit)
{
	char		line[300];
	struct pop3_cmd	cmd;
	char		err[128];

	memset(line, 'a', sizeof(line));
	memcpy(line, "PASS ", 5);
	memcpy(line + 253, "\r\n", 2);
	ck_assert_int_eq(pop3_parse_command(line, 255, &cmd, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(cmd.restlen, 248);
	ck_assert_uint_eq(strlen(cmd.rest), 248);
	ck_assert(cmd.words);
	ck_assert_uint_eq(cmd.nargs, 1);
	memcpy(line + 253, "a\r\n", 3);
	ck_assert_int_eq(pop3_parse_command(line, 256, &cmd, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 255"));
	ck_assert_int_eq(pop3_parse_command(line, 0, &cmd, err,
	    sizeof(err)), -1);
}
END_TEST

struct resp_case {
	const char	*line;
	int		 status;	/* -1: must fail */
	const char	*text;
	const char	*code;
	const char	*timestamp;
};

static const struct resp_case resp_cases[] = {
	{ "+OK\r\n", POP3_OK, "", "", "" },
	{ "+OK\n", POP3_OK, "", "", "" },
	{ "+OK Dovecot ready.\r\n", POP3_OK, "Dovecot ready.", "", "" },
	{ "+OK Dovecot ready. <1896.697170952@dbc.mtview.ca.us>\r\n",
	    POP3_OK, "Dovecot ready. <1896.697170952@dbc.mtview.ca.us>", "",
	    "<1896.697170952@dbc.mtview.ca.us>" },
	{ "+OK <a@b> <c@d>\r\n", POP3_OK, "<a@b> <c@d>", "", "<a@b>" },
	{ "+OK <no-at> <x@y>\r\n", POP3_OK, "<no-at> <x@y>", "", "<x@y>" },
	{ "+OK <a b@c> <<d@e>\r\n", POP3_OK, "<a b@c> <<d@e>", "", "<d@e>" },
	{ "+OK <@>\r\n", POP3_OK, "<@>", "", "" },
	{ "+OK <unclosed@x\r\n", POP3_OK, "<unclosed@x", "", "" },
	{ "+OK [IN-USE] busy <a@b>\r\n", POP3_OK, "[IN-USE] busy <a@b>",
	    "IN-USE", "<a@b>" },
	{ "-ERR\r\n", POP3_ERR, "", "", "" },
	{ "-ERR [AUTH] Authentication failed.\r\n", POP3_ERR,
	    "[AUTH] Authentication failed.", "AUTH", "" },
	{ "-ERR [SYS/TEMP] later\r\n", POP3_ERR, "[SYS/TEMP] later",
	    "SYS/TEMP", "" },
	{ "-ERR [not a code] x\r\n", POP3_ERR, "[not a code] x", "", "" },
	{ "-ERR [] x\r\n", POP3_ERR, "[] x", "", "" },
	{ "-ERR <a@b>\r\n", POP3_ERR, "<a@b>", "", "" },
	{ "+ \r\n", POP3_CONT, "", "", "" },
	{ "+\r\n", POP3_CONT, "", "", "" },
	{ "+ VXNlcm5hbWU6\r\n", POP3_CONT, "VXNlcm5hbWU6", "", "" },
	{ "+OKAY\r\n", -1, NULL, NULL, NULL },
	{ "-ERROR\r\n", -1, NULL, NULL, NULL },
	{ "OK\r\n", -1, NULL, NULL, NULL },
	{ "+ok\r\n", -1, NULL, NULL, NULL },
	{ "\r\n", -1, NULL, NULL, NULL },
	{ "+OK", -1, NULL, NULL, NULL },
	{ "+OK a\rb\r\n", -1, NULL, NULL, NULL },
};

START_TEST(test_pop3_parse_response_table)
{
	const struct resp_case	*c = &resp_cases[_i];
	struct pop3_resp	 r;
	char			 err[128] = "";
	int			 rc;

	rc = pop3_parse_response(c->line, strlen(c->line), &r, err,
	    sizeof(err));
	if (c->status < 0) {
		ck_assert_msg(rc == -1, "\"%s\" parsed", c->line);
		ck_assert(err[0] != '\0');
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", c->line, err);
	ck_assert_int_eq(r.status, c->status);
	ck_assert_str_eq(r.text, c->text);
	ck_assert_str_eq(r.code, c->code);
	ck_assert_str_eq(r.timestamp, c->timestamp);
}
END_TEST

START_TEST(test_pop3_parse_response_limits)
{
	char			line[600];
	struct pop3_resp	r;
	char			err[128];

	memset(line, 'x', sizeof(line));
	memcpy(line, "+OK ", 4);
	memcpy(line + 510, "\r\n", 2);
	ck_assert_int_eq(pop3_parse_response(line, 512, &r, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(strlen(r.text), 506);
	memcpy(line + 510, "x\r\n", 3);
	ck_assert_int_eq(pop3_parse_response(line, 513, &r, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 512"));
	/* A timestamp too long to be one is not taken. */
	memset(line, 'a', sizeof(line));
	memcpy(line, "+OK <", 5);
	line[300] = '@';
	memcpy(line + 400, ">\r\n", 3);
	ck_assert_int_eq(pop3_parse_response(line, 403, &r, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(r.timestamp, "");
	memcpy(line + 100, ">\r\n", 3);
	line[50] = '@';
	ck_assert_int_eq(pop3_parse_response(line, 103, &r, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(strlen(r.timestamp), 97);
	/* NUL inside. */
	ck_assert_int_eq(pop3_parse_response("+OK \0x\r\n", 8, &r, err,
	    sizeof(err)), -1);
}
END_TEST

static const char *const capa_dovecot[] = {
	"CAPA\r\n", "TOP\r\n", "UIDL\r\n", "RESP-CODES\r\n",
	"PIPELINING\r\n", "AUTH-RESP-CODE\r\n", "STLS\r\n", "USER\r\n",
	"SASL PLAIN LOGIN\r\n", ".\r\n", NULL
};

START_TEST(test_pop3_capa_dovecot)
{
	struct pop3_capa	capa;
	char			err[128];
	size_t			i;
	int			rc = 0;

	pop3_capa_init(&capa);
	for (i = 0; capa_dovecot[i] != NULL; i++) {
		rc = pop3_capa_line(&capa, capa_dovecot[i],
		    strlen(capa_dovecot[i]), err, sizeof(err));
		ck_assert_int_eq(rc, capa_dovecot[i + 1] == NULL ? 1 : 0);
	}
	ck_assert(capa.done && capa.stls && capa.user && capa.pipelining &&
	    capa.sasl_plain && capa.sasl_login);
	ck_assert_uint_eq(capa.lines, 9);
	ck_assert_int_eq(pop3_capa_line(&capa, "TOP\r\n", 5, err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(test_pop3_capa_variants)
{
	struct pop3_capa	capa;
	char			err[128];

	pop3_capa_init(&capa);
	ck_assert_int_eq(pop3_capa_line(&capa, "stls\n", 5, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pop3_capa_line(&capa, "STLSX\r\n", 7, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pop3_capa_line(&capa, "sasl  cram-md5 plain\r\n", 22,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(pop3_capa_line(&capa, "X-LOGIN LOGIN\r\n", 15, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pop3_capa_line(&capa, "..\r\n", 4, err,
	    sizeof(err)), 0);
	ck_assert(capa.stls && capa.sasl_plain && !capa.sasl_login &&
	    !capa.user && !capa.done);
	ck_assert_int_eq(pop3_capa_line(&capa, "USER\x01\r\n", 7, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(pop3_capa_line(&capa, "USER", 4, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(pop3_capa_line(&capa, ".\n", 2, err,
	    sizeof(err)), 1);
	ck_assert(capa.done);
}
END_TEST

/* RFC 1939 §7's example. */
START_TEST(test_pop3_apop_rfc1939)
{
	char	hex[POP3_APOP_HEXLEN + 1];

	ck_assert_int_eq(pop3_apop_digest("<1896.697170952@dbc.mtview.ca.us>",
	    "tanstaaf", hex), 0);
	ck_assert_str_eq(hex, "c4c9334bac560ecc979e58001b3e22fb");
	ck_assert_int_eq(pop3_apop_digest("", "", hex), 0);
	ck_assert_str_eq(hex, "d41d8cd98f00b204e9800998ecf8427e");
}
END_TEST

struct b64_case {
	const char	*in;
	ssize_t		 want;
	const char	*out;
};

static const struct b64_case b64_cases[] = {
	{ "", 0, "" },
	{ "YQ==", 1, "a" },
	{ "YWI=", 2, "ab" },
	{ "YWJj", 3, "abc" },
	{ "AGFsaWNlAHB3", 9, "\0alice\0pw" },
	{ "YWxpY2U=", 5, "alice" },
	{ "YQ=", -1, NULL },
	{ "Y===", -1, NULL },
	{ "=YWJ", -1, NULL },
	{ "YW=j", -1, NULL },
	{ "YW J", -1, NULL },
	{ "YWJj\r\n", -1, NULL },
	{ "YW-j", -1, NULL },
	{ "*", -1, NULL },
	/* Found by fuzz_pop3_response: leftover bits must be zero. */
	{ "VPIPELINING=", -1, NULL },
	{ "YR==", -1, NULL },
	{ "YWJ=", -1, NULL },
	{ "YWI=", 2, "ab" },
};

START_TEST(test_pop3_b64_decode_table)
{
	const struct b64_case	*c = &b64_cases[_i];
	unsigned char		 out[64];
	ssize_t			 n;

	n = pop3_b64_decode(c->in, strlen(c->in), out, sizeof(out));
	ck_assert_int_eq(n, c->want);
	if (n > 0) {
		ck_assert_int_eq(memcmp(out, c->out, (size_t)n), 0);
	}
}
END_TEST

START_TEST(test_pop3_b64_round_trip)
{
	unsigned char	in[256], back[258];
	char		enc[400];
	size_t		len;
	ssize_t		n;

	for (len = 0; len < sizeof(in); len++) {
		in[len] = (unsigned char)(len * 7 + 3);
	}
	for (len = 0; len <= sizeof(in); len += 1) {
		n = pop3_b64_encode(in, len, enc, sizeof(enc));
		ck_assert_int_eq(n, (ssize_t)((len + 2) / 3 * 4));
		ck_assert_int_eq(pop3_b64_decode(enc, (size_t)n, back,
		    sizeof(back)), (ssize_t)len);
		ck_assert_int_eq(memcmp(in, back, len), 0);
	}
	/* Too little room either way. */
	ck_assert_int_eq(pop3_b64_encode(in, 3, enc, 4), -1);
	ck_assert_int_eq(pop3_b64_encode(in, 3, enc, 5), 4);
	ck_assert_int_eq(pop3_b64_decode("YWJj", 4, back, 2), -1);
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
	tcase_add_loop_test(tc, test_pop3_line_len_table, 0,
	    NELEM(line_cases));
	tcase_add_loop_test(tc, test_pop3_parse_command_table, 0,
	    NELEM(cmd_cases));
	tcase_add_test(tc, test_pop3_parse_command_nul);
	tcase_add_test(tc, test_pop3_parse_command_length_limit);
	tcase_add_loop_test(tc, test_pop3_parse_response_table, 0,
	    NELEM(resp_cases));
	tcase_add_test(tc, test_pop3_parse_response_limits);
	tcase_add_test(tc, test_pop3_capa_dovecot);
	tcase_add_test(tc, test_pop3_capa_variants);
	tcase_add_test(tc, test_pop3_apop_rfc1939);
	tcase_add_loop_test(tc, test_pop3_b64_decode_table, 0,
	    NELEM(b64_cases));
	tcase_add_test(tc, test_pop3_b64_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
