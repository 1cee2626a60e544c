/*
 * check_mailbind: the BindMailbox state machine, driven by scripts of
 * client and server lines. Each step feeds one side and checks what came
 * out on both: what reached the server, what the client heard, and the
 * refusal to log. The same scripts also run byte by byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/mailbind.h"
#include "popgate/pop3.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DENY	"-ERR [AUTH] popgate: this SSH login may only open mailbox " \
		"alice\r\n"
#define GREET	"+OK Dovecot ready. <1.2@host>\r\n"

/* base64 of "\0alice\0pw", "\0bob\0pw", "alice\0alice\0pw",
 * "bob\0alice\0pw", "alice", "bob" */
#define PLAIN_ALICE	"AGFsaWNlAHB3"
#define PLAIN_BOB	"AGJvYgBwdw=="
#define PLAIN_ZALICE	"YWxpY2UAYWxpY2UAcHc="
#define PLAIN_ZBOB	"Ym9iAGFsaWNlAHB3"
#define LOGIN_ALICE	"YWxpY2U="
#define LOGIN_BOB	"Ym9i"

enum who { C, S };		/* client speaks, server speaks */

struct step {
	enum who	 who;
	const char	*in;
	const char	*to_server;	/* what must come out, "" none */
	const char	*to_client;
	const char	*refusal;	/* NULL: none */
};

struct script {
	const char	*name;
	struct step	 steps[12];
	const char	*login;		/* at the end; NULL: not logged in */
};

static const struct script scripts[] = {
	{ "user-pass", {
	    { S, GREET, "", GREET, NULL },
	    { C, "USER alice\r\n", "USER alice\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL },
	    { C, "PASS pop-secret\r\n", "PASS pop-secret\r\n", "", NULL },
	    { S, "+OK Logged in.\r\n", "", "+OK Logged in.\r\n", NULL },
	    { C, "STLS\r\nXTND\r\n", "STLS\r\nXTND\r\n", "", NULL },
	    { S, "anything\n", "", "anything\n", NULL } }, "USER" },
	{ "user-other", {
	    { S, GREET, "", GREET, NULL },
	    { C, "USER bob\r\n", "", DENY, "USER bob" },
	    { C, "USER Alice\r\n", "", DENY, "USER Alice" },
	    { C, "USER alice x\r\n", "", DENY, "USER alice x" },
	    { C, "USER alice \r\n", "", DENY, "USER alice " },
	    { C, "USER  alice\r\n", "", DENY, "USER  alice" },
	    { C, "USER\r\n", "", DENY, "USER " },
	    { C, "user alice\n", "user alice\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL } }, NULL },
	{ "pass-fails-then-works", {
	    { S, GREET, "", GREET, NULL },
	    { C, "USER alice\r\n", "USER alice\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL },
	    { C, "PASS wrong\r\n", "PASS wrong\r\n", "", NULL },
	    { S, "-ERR [AUTH] Authentication failed.\r\n", "",
		"-ERR [AUTH] Authentication failed.\r\n", NULL },
	    { C, "RETR 1\r\n", "", DENY, "RETR" },
	    { C, "PASS right\r\n", "PASS right\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL } }, "USER" },
	{ "apop", {
	    { S, GREET, "", GREET, NULL },
	    { C, "APOP bob 0123456789abcdef0123456789abcdef\r\n", "", DENY,
		"APOP bob" },
	    { C, "APOP alice\r\n", "", DENY, "APOP alice" },
	    { C, "APOP alice 0123456789abcdef0123456789abcdef\r\n",
		"APOP alice 0123456789abcdef0123456789abcdef\r\n", "", NULL },
	    { S, "+OK Logged in.\r\n", "", "+OK Logged in.\r\n", NULL } },
	    "APOP" },
	{ "apop-fails", {
	    { S, GREET, "", GREET, NULL },
	    { C, "APOP alice 0123456789abcdef0123456789abcdef\r\n",
		"APOP alice 0123456789abcdef0123456789abcdef\r\n", "", NULL },
	    { S, "-ERR [AUTH] no\r\n", "", "-ERR [AUTH] no\r\n", NULL },
	    { C, "STAT\r\n", "", DENY, "STAT" } }, NULL },
	{ "auth-plain-ir", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH PLAIN " PLAIN_BOB "\r\n", "", DENY, "AUTH PLAIN bob" },
	    { C, "AUTH PLAIN " PLAIN_ZBOB "\r\n", "", DENY,
		"AUTH PLAIN alice" },
	    { C, "AUTH PLAIN =\r\n", "", DENY, "AUTH PLAIN ?" },
	    { C, "AUTH PLAIN AGFsaWNlAHB3AA==\r\n", "", DENY,
		"AUTH PLAIN alice" },
	    { C, "AUTH PLAIN " PLAIN_ZALICE "\r\n",
		"AUTH PLAIN " PLAIN_ZALICE "\r\n", "", NULL },
	    { S, "-ERR [AUTH] no\r\n", "", "-ERR [AUTH] no\r\n", NULL },
	    { C, "auth plain " PLAIN_ALICE "\r\n",
		"auth plain " PLAIN_ALICE "\r\n", "", NULL },
	    { S, "+OK Logged in.\r\n", "", "+OK Logged in.\r\n", NULL } },
	    "AUTH PLAIN" },
	{ "auth-plain-challenge", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH PLAIN\r\n", "AUTH PLAIN\r\n", "", NULL },
	    { S, "+ \r\n", "", "+ \r\n", NULL },
	    { C, PLAIN_BOB "\r\n", "*\r\n", DENY, "AUTH PLAIN bob" },
	    { S, "-ERR Authentication aborted\r\n", "", "", NULL },
	    { C, "AUTH PLAIN\r\n", "AUTH PLAIN\r\n", "", NULL },
	    { S, "+\r\n", "", "+\r\n", NULL },
	    { C, "*\r\n", "*\r\n", "", NULL },
	    { S, "-ERR aborted\r\n", "", "-ERR aborted\r\n", NULL },
	    { C, "AUTH PLAIN\r\n", "AUTH PLAIN\r\n", "", NULL },
	    { S, "+ \r\n", "", "+ \r\n", NULL },
	    { C, PLAIN_ALICE "\r\n", PLAIN_ALICE "\r\n", "", NULL } }, NULL },
	{ "auth-login", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH LOGIN\r\n", "AUTH LOGIN\r\n", "", NULL },
	    { S, "+ VXNlcm5hbWU6\r\n", "", "+ VXNlcm5hbWU6\r\n", NULL },
	    { C, LOGIN_ALICE "\r\n", LOGIN_ALICE "\r\n", "", NULL },
	    { S, "+ UGFzc3dvcmQ6\r\n", "", "+ UGFzc3dvcmQ6\r\n", NULL },
	    { C, "cHc=\r\n", "cHc=\r\n", "", NULL },
	    { S, "+OK Logged in.\r\n", "", "+OK Logged in.\r\n", NULL } },
	    "AUTH LOGIN" },
	{ "auth-login-other", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH LOGIN " LOGIN_BOB "\r\n", "", DENY, "AUTH LOGIN bob" },
	    { C, "AUTH LOGIN\r\n", "AUTH LOGIN\r\n", "", NULL },
	    { S, "+ VXNlcm5hbWU6\r\n", "", "+ VXNlcm5hbWU6\r\n", NULL },
	    { C, LOGIN_BOB "\r\n", "*\r\n", DENY, "AUTH LOGIN bob" },
	    { S, "-ERR aborted\r\n", "", "", NULL },
	    { C, "AUTH LOGIN " LOGIN_ALICE "\r\n",
		"AUTH LOGIN " LOGIN_ALICE "\r\n", "", NULL },
	    { S, "+ UGFzc3dvcmQ6\r\n", "", "+ UGFzc3dvcmQ6\r\n", NULL },
	    { C, "cHc=\r\n", "cHc=\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL } }, "AUTH LOGIN" },
	/* LOGIN's password must be base64 too: no command rides along. */
	{ "auth-login-password-not-base64", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH LOGIN " LOGIN_ALICE "\r\n",
		"AUTH LOGIN " LOGIN_ALICE "\r\n", "", NULL },
	    { S, "+ UGFzc3dvcmQ6\r\n", "", "+ UGFzc3dvcmQ6\r\n", NULL },
	    { C, "cHc=\r\nAPOP bob 0123\r\n", "cHc=\r\n", "", NULL },
	    { S, "+ UGFzc3dvcmQ6\r\n", "*\r\n", "+ UGFzc3dvcmQ6\r\n" DENY,
		"AUTH LOGIN (response not base64)" },
	    { S, "-ERR aborted\r\n", "", "", NULL },
	    { C, "AUTH LOGIN\r\n", "AUTH LOGIN\r\n", "", NULL },
	    { S, "+ VXNlcm5hbWU6\r\n", "", "+ VXNlcm5hbWU6\r\n", NULL },
	    { C, LOGIN_ALICE "\r\n", LOGIN_ALICE "\r\n", "", NULL },
	    { S, "+ UGFzc3dvcmQ6\r\n", "", "+ UGFzc3dvcmQ6\r\n", NULL },
	    { C, "pw\r\n", "*\r\n", DENY,
		"AUTH LOGIN (response not base64)" } }, NULL },
	{ "auth-plain-response-not-base64", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH PLAIN\r\n", "AUTH PLAIN\r\n", "", NULL },
	    { S, "+ \r\n", "", "+ \r\n", NULL },
	    { C, "USER bob\r\n", "*\r\n", DENY,
		"AUTH PLAIN (response not base64)" } }, NULL },
	{ "auth-other-mechs", {
	    { S, GREET, "", GREET, NULL },
	    { C, "AUTH CRAM-MD5\r\n", "", DENY, "AUTH CRAM-MD5" },
	    { C, "AUTH XOAUTH2 dXNlcj1ib2I=\r\n", "", DENY, "AUTH XOAUTH2" },
	    { C, "AUTH EXTERNAL =\r\n", "", DENY, "AUTH EXTERNAL" },
	    { C, "AUTH PLAIN " PLAIN_ALICE " x\r\n", "", DENY, "AUTH PLAIN" },
	    { C, "AUTH  PLAIN\r\n", "", DENY, "AUTH " },
	    { C, "AUTH\r\n", "AUTH\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL },
	    { S, "PLAIN\r\nCRAM-MD5\r\nlogin\r\nSCRAM-SHA-1\r\n", "",
		"PLAIN\r\nlogin\r\n", NULL },
	    { S, ".\r\n", "", ".\r\n", NULL },
	    { C, "NOOP\r\n", "NOOP\r\n", "", NULL } }, NULL },
	{ "capa-filtered", {
	    { S, GREET, "", GREET, NULL },
	    { C, "CAPA\r\n", "CAPA\r\n", "", NULL },
	    { S, "+OK\r\nCAPA\r\nTOP\r\nSTLS\r\nstls\r\n"
		"SASL CRAM-MD5 PLAIN SCRAM-SHA-1 LOGIN\r\nUSER\r\n"
		"SASL GSSAPI\r\nSASLX\r\n.\r\n", "",
		"+OK\r\nCAPA\r\nTOP\r\nSASL PLAIN LOGIN\r\nUSER\r\n"
		"SASLX\r\n.\r\n", NULL },
	    { C, "STLS\r\n", "", DENY, "STLS" },
	    { C, "CAPA\n", "CAPA\n", "", NULL },
	    { S, "-ERR no\r\n", "", "-ERR no\r\n", NULL },
	    { C, "QUIT\r\n", "QUIT\r\n", "", NULL },
	    { S, "+OK bye\r\n", "", "+OK bye\r\n", NULL } }, NULL },
	{ "others-refused", {
	    { S, GREET, "", GREET, NULL },
	    { C, "STAT\r\n", "", DENY, "STAT" },
	    { C, "XCLIENT ADDR=1.2.3.4\r\n", "", DENY, "unreadable command" },
	    { C, "retr 1\r\n", "", DENY, "RETR" },
	    { C, "\r\n", "", DENY, "unreadable command" },
	    { C, "US\x01R a\r\n", "", DENY, "unreadable command" },
	    { C, "RSET\r\n", "RSET\r\n", "", NULL },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL },
	    { C, "LANG\r\n", "LANG\r\n", "", NULL },
	    { S, "+OK\r\nen English\r\n.\r\n", "",
		"+OK\r\nen English\r\n.\r\n", NULL },
	    { C, "UTF8\r\n", "UTF8\r\n", "", NULL },
	    { S, "-ERR\r\n", "", "-ERR\r\n", NULL } }, NULL },
	{ "lockstep", {
	    { C, "CAPA\r\nUSER alice\r\nPASS x\r\nSTAT\r\n", "", "", NULL },
	    { S, GREET, "CAPA\r\n", GREET, NULL },
	    { S, "+OK\r\nUSER\r\n", "", "+OK\r\nUSER\r\n", NULL },
	    { S, ".\r\n", "USER alice\r\n", ".\r\n", NULL },
	    { S, "+OK\r\n", "PASS x\r\n", "+OK\r\n", NULL },
	    { S, "+OK in\r\n", "STAT\r\n", "+OK in\r\n", NULL },
	    { S, "+OK 2 320\r\n", "", "+OK 2 320\r\n", NULL } }, "USER" },
	/* One refusal at a time: the next line waits until it is taken. */
	{ "refusals-in-a-row", {
	    { S, GREET, "", GREET, NULL },
	    { C, "STAT\r\nLIST\r\nUSER alice\r\n", "", DENY DENY,
		"STAT" },
	    { S, "", "USER alice\r\n", "", "LIST" },
	    { S, "+OK\r\n", "", "+OK\r\n", NULL } }, NULL },
};

struct run {
	struct mailbind	*mb;
	char		 server[4096];
	char		 client[4096];
	char		 refusal[128];
};

/* Moves everything queued into r's two strings. */
static void
drain(struct run *r)
{
	const char	*p = NULL;
	size_t		 n;

	p = mailbind_pending(r->mb, MAILBIND_TO_SERVER, &n);
	strncat(r->server, p, n);
	mailbind_advance(r->mb, MAILBIND_TO_SERVER, n);
	p = mailbind_pending(r->mb, MAILBIND_TO_CLIENT, &n);
	strncat(r->client, p, n);
	mailbind_advance(r->mb, MAILBIND_TO_CLIENT, n);
}

/* Feeds in, chunk octets at a time (0: all at once); all must go in. */
static void
feed(struct run *r, enum who who, const char *in, size_t chunk)
{
	size_t	len = strlen(in), off = 0, n, took;

	while (off < len) {
		n = chunk == 0 || len - off < chunk ? len - off : chunk;
		took = who == C ? mailbind_from_client(r->mb, in + off, n) :
		    mailbind_from_server(r->mb, in + off, n);
		ck_assert_msg(took > 0, "stuck after %zu of %zu octets", off,
		    len);
		off += took;
	}
}

static void
run_script(const struct script *sc, size_t chunk)
{
	struct run		 r;
	const struct step	*st = NULL;
	const char		*why = NULL;
	size_t			 i;
	bool			 got;

	memset(&r, 0, sizeof(r));
	r.mb = mailbind_new("alice");
	ck_assert_ptr_nonnull(r.mb);
	for (i = 0; i < NELEM(sc->steps) && sc->steps[i].in != NULL; i++) {
		st = &sc->steps[i];
		r.server[0] = r.client[0] = r.refusal[0] = '\0';
		feed(&r, st->who, st->in, chunk);
		drain(&r);
		got = mailbind_take_refusal(r.mb, r.refusal,
		    sizeof(r.refusal));
		drain(&r);
		ck_assert_msg(strcmp(r.server, st->to_server) == 0,
		    "%s step %zu chunk %zu: to server \"%s\", want \"%s\"",
		    sc->name, i, chunk, r.server, st->to_server);
		ck_assert_msg(strcmp(r.client, st->to_client) == 0,
		    "%s step %zu chunk %zu: to client \"%s\", want \"%s\"",
		    sc->name, i, chunk, r.client, st->to_client);
		ck_assert_msg(got == (st->refusal != NULL), "%s step %zu: "
		    "refusal %d \"%s\"", sc->name, i, got, r.refusal);
		if (got) {
			ck_assert_str_eq(r.refusal, st->refusal);
		}
		ck_assert(!mailbind_failed(r.mb, &why));
	}
	if (sc->login == NULL) {
		ck_assert_ptr_null(mailbind_login(r.mb));
		ck_assert(!mailbind_done(r.mb));
	} else {
		ck_assert_str_eq(mailbind_login(r.mb), sc->login);
		ck_assert(mailbind_done(r.mb));
	}
	mailbind_free(r.mb);
}

START_TEST(test_mailbind_scripts)
{
	run_script(&scripts[_i], 0);
}
END_TEST

START_TEST(test_mailbind_scripts_byte_by_byte)
{
	run_script(&scripts[_i], 1);
	run_script(&scripts[_i], 3);
}
END_TEST

START_TEST(test_mailbind_valid_mailbox)
{
	char	long_name[MAILBIND_MAILBOX_MAX + 2];

	ck_assert(mailbind_valid_mailbox("alice"));
	ck_assert(mailbind_valid_mailbox("alice@example.com"));
	ck_assert(!mailbind_valid_mailbox(""));
	ck_assert(!mailbind_valid_mailbox("al ice"));
	ck_assert(!mailbind_valid_mailbox("alice\r\n"));
	ck_assert(!mailbind_valid_mailbox("caf\xc3\xa9"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[MAILBIND_MAILBOX_MAX] = '\0';
	ck_assert(mailbind_valid_mailbox(long_name));
	long_name[MAILBIND_MAILBOX_MAX] = 'a';
	long_name[MAILBIND_MAILBOX_MAX + 1] = '\0';
	ck_assert(!mailbind_valid_mailbox(long_name));
	ck_assert_ptr_null(mailbind_new("two words"));
	mailbind_free(NULL);
}
END_TEST

/* Steps through a greeting, returns the run ready for the client. */
static void
greeted(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->mb = mailbind_new("alice");
	feed(r, S, GREET, 0);
	drain(r);
	r->client[0] = '\0';
}

START_TEST(test_mailbind_overlong_lines)
{
	struct run	r;
	char		line[MAILBIND_IN_MAX * 2];
	size_t		took;

	greeted(&r);
	/* 300 octets: a line, but longer than RFC 2449 lets a command be. */
	memset(line, 'a', 300);
	memcpy(line, "USER ", 5);
	memcpy(line + 298, "\r\n", 3);
	feed(&r, C, line, 0);
	drain(&r);
	ck_assert_str_eq(r.client, DENY);
	ck_assert(mailbind_take_refusal(r.mb, r.refusal, sizeof(r.refusal)));
	ck_assert_str_eq(r.refusal, "unreadable command");
	/* Longer than the buffer: taken in parts, refused once at its LF. */
	r.client[0] = '\0';
	memset(line, 'b', sizeof(line));
	took = mailbind_from_client(r.mb, line, sizeof(line));
	ck_assert_uint_eq(took, MAILBIND_IN_MAX);
	drain(&r);
	ck_assert_str_eq(r.client, "");
	ck_assert_uint_eq(mailbind_from_client(r.mb, line, 100), 100);
	feed(&r, C, "bbb\r\nNOOP\r\n", 0);
	drain(&r);
	ck_assert_str_eq(r.client, DENY);
	ck_assert_str_eq(r.server, "");
	ck_assert(mailbind_take_refusal(r.mb, r.refusal, sizeof(r.refusal)));
	ck_assert_str_eq(r.refusal, "over-long command");
	drain(&r);
	ck_assert_str_eq(r.server, "NOOP\r\n");
	mailbind_free(r.mb);
}
END_TEST

START_TEST(test_mailbind_overlong_sasl_line_cancels)
{
	struct run	r;
	char		line[MAILBIND_IN_MAX + 10];

	greeted(&r);
	feed(&r, C, "AUTH PLAIN\r\n", 0);
	feed(&r, S, "+ \r\n", 0);
	drain(&r);
	r.server[0] = r.client[0] = '\0';
	memset(line, 'A', sizeof(line) - 3);
	memcpy(line + sizeof(line) - 3, "\r\n", 3);
	feed(&r, C, line, 0);
	drain(&r);
	ck_assert_str_eq(r.server, "*\r\n");
	ck_assert_str_eq(r.client, DENY);
	ck_assert(mailbind_take_refusal(r.mb, r.refusal, sizeof(r.refusal)));
	ck_assert_str_eq(r.refusal, "over-long SASL line");
	mailbind_free(r.mb);
}
END_TEST

/* A client that floods refused commands is held, never buffered. */
START_TEST(test_mailbind_flood_is_bounded)
{
	struct run	r;
	char		refusal[128];
	size_t		i, took = 0, denials = 0;
	const char	*p = NULL;
	size_t		n;

	greeted(&r);
	for (i = 0; i < 10000; i++) {
		took += mailbind_from_client(r.mb, "STAT\r\n", 6);
		while (mailbind_take_refusal(r.mb, refusal, sizeof(refusal))) {
			denials++;
		}
	}
	ck_assert_uint_lt(took, 60000);
	p = mailbind_pending(r.mb, MAILBIND_TO_CLIENT, &n);
	ck_assert_uint_le(n, MAILBIND_OUT_MAX);
	ck_assert_uint_eq(n % strlen(DENY), 0);
	ck_assert_int_eq(strncmp(p, DENY, strlen(DENY)), 0);
	ck_assert_uint_eq(denials, n / strlen(DENY));
	mailbind_free(r.mb);
}
END_TEST

struct fail_case {
	const char	*client;
	const char	*server;
	const char	*why;
};

static const struct fail_case fail_cases[] = {
	{ "PASS x\r\n", "garbage\r\n", "unreadable" },
	{ "APOP alice 0123456789abcdef0123456789abcdef\r\n", "\x01\r\n",
	    "unreadable" },
	{ "AUTH PLAIN\r\n", "OK\r\n", "unreadable" },
};

START_TEST(test_mailbind_fails_closed)
{
	const struct fail_case	*c = &fail_cases[_i];
	struct run		 r;
	const char		*why = NULL;

	greeted(&r);
	feed(&r, C, c->client, 0);
	drain(&r);
	feed(&r, S, c->server, 0);
	ck_assert(mailbind_failed(r.mb, &why));
	ck_assert_msg(strstr(why, c->why) != NULL, "%s", why);
	ck_assert_ptr_null(mailbind_login(r.mb));
	ck_assert(!mailbind_done(r.mb));
	mailbind_free(r.mb);
}
END_TEST

/* A server that logs in after its AUTH was cancelled: close. */
START_TEST(test_mailbind_cancelled_auth_accepted)
{
	struct run	 r;
	const char	*why = NULL;

	greeted(&r);
	feed(&r, C, "AUTH PLAIN\r\n", 0);
	feed(&r, S, "+ \r\n", 0);
	feed(&r, C, PLAIN_BOB "\r\n", 0);
	drain(&r);
	ck_assert_str_eq(r.server, "AUTH PLAIN\r\n*\r\n");
	feed(&r, S, "+OK Logged in.\r\n", 0);
	ck_assert(mailbind_failed(r.mb, &why));
	ck_assert_ptr_nonnull(strstr(why, "cancelled"));
	ck_assert_ptr_null(mailbind_login(r.mb));
	drain(&r);
	ck_assert_ptr_null(strstr(r.client, "Logged in"));
	mailbind_free(r.mb);
}
END_TEST

START_TEST(test_mailbind_server_line_too_long)
{
	struct run	r;
	char		line[POP3_LINE_MAX + 10];
	const char	*why = NULL;

	memset(&r, 0, sizeof(r));
	r.mb = mailbind_new("alice");
	memset(line, 'x', sizeof(line));
	memcpy(line, "+OK ", 4);
	(void)mailbind_from_server(r.mb, line, sizeof(line));
	ck_assert(mailbind_failed(r.mb, &why));
	ck_assert_ptr_nonnull(strstr(why, "longer than 512"));
	mailbind_free(r.mb);
}
END_TEST

/* After the login, bytes pass unchanged and unbuffered beyond a queue. */
START_TEST(test_mailbind_after_login_copies)
{
	struct run	r;
	char		big[MAILBIND_OUT_MAX * 2];
	size_t		took;

	greeted(&r);
	feed(&r, C, "USER alice\r\nPASS pw\r\nRETR 1\r\n", 0);
	feed(&r, S, "+OK\r\n", 0);
	drain(&r);
	ck_assert(!mailbind_done(r.mb));
	feed(&r, S, "+OK Logged in.\r\n", 0);
	ck_assert_str_eq(mailbind_login(r.mb), "USER");
	drain(&r);
	ck_assert_str_eq(r.server, "USER alice\r\nPASS pw\r\nRETR 1\r\n");
	ck_assert(mailbind_done(r.mb));
	memset(big, '.', sizeof(big));
	took = mailbind_from_server(r.mb, big, sizeof(big));
	ck_assert_uint_eq(took, MAILBIND_OUT_MAX);
	ck_assert(!mailbind_done(r.mb));
	took = mailbind_from_client(r.mb, big, sizeof(big));
	ck_assert_uint_eq(took, MAILBIND_OUT_MAX);
	mailbind_advance(r.mb, MAILBIND_TO_CLIENT, MAILBIND_OUT_MAX);
	mailbind_advance(r.mb, MAILBIND_TO_SERVER, MAILBIND_OUT_MAX);
	ck_assert(mailbind_done(r.mb));
	mailbind_free(r.mb);
}
END_TEST

Suite *
mailbind_suite(void)
{
	Suite	*s = suite_create("mailbind");
	TCase	*tc = tcase_create("mailbind");

	tcase_add_loop_test(tc, test_mailbind_scripts, 0, NELEM(scripts));
	tcase_add_loop_test(tc, test_mailbind_scripts_byte_by_byte, 0,
	    NELEM(scripts));
	tcase_add_test(tc, test_mailbind_valid_mailbox);
	tcase_add_test(tc, test_mailbind_overlong_lines);
	tcase_add_test(tc, test_mailbind_overlong_sasl_line_cancels);
	tcase_add_test(tc, test_mailbind_flood_is_bounded);
	tcase_add_loop_test(tc, test_mailbind_fails_closed, 0,
	    NELEM(fail_cases));
	tcase_add_test(tc, test_mailbind_cancelled_auth_accepted);
	tcase_add_test(tc, test_mailbind_server_line_too_long);
	tcase_add_test(tc, test_mailbind_after_login_copies);
	suite_add_tcase(s, tc);
	return s;
}
