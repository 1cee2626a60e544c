/*
 * mailbind: BindMailbox through the real chain, ssh -L -> popgated ->
 * Dovecot (with TLS, so it offers STLS, and APOP, so its greeting has a
 * timestamp; accounts alice and bob). alice's SSH login opens her own
 * mailbox with poplib (USER/PASS), curl (SASL), APOP and AUTH PLAIN, and
 * nothing else: bob's mailbox and STLS get popgate's -ERR and a log line,
 * and after the login the relay copies a RETR intact. MailboxMap points
 * her elsewhere; without BindMailbox bob's password would have worked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"
#include "popgate/pop3.h"

#define DENY	"-ERR [AUTH] popgate: this SSH login may only open mailbox "

static struct harness	*H;
static struct htls	 T;
static struct hdovecot	 D;
static struct hgate	 G;

static void
bind_setup(void)
{
	struct hdovecot_opts	opts = { false, true, false, NULL, NULL, false,
	    NULL, NULL };

	memset(&G, 0, sizeof(G));
	H = harness_new("mailbind");
	ck_assert_msg(H != NULL, "cannot make a work folder");
	htls_make(H, &T);
	opts.cert = T.cert;
	opts.key = T.key;
	hdovecot_start_opts(H, &D, &opts);
}

static void
bind_teardown(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	hgate_check_exit(&G);
	harness_free(H);
	H = NULL;
}

/* popgated to Dovecot's plain port with extra; an ssh -L as alice. */
static uint16_t
gate(const char *extra, struct hproc **ssh)
{
	const struct hcred	c = { HARNESS_USER, NULL, NULL };
	struct hcred		k = c;
	uint16_t		lport;

	hgate_prepare(H, &G, D.port, false, extra);
	hgate_start(H, &G);
	k.key = G.userkey;
	lport = hclient_tunnel(H, &G, &k, "pop3:110", ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    (*ssh)->err, G.log);
	return lport;
}

/* A POP3 conversation on one tunnel connection. */
struct dlg {
	int	fd;
	char	greeting[600];
	char	line[1024];
};

static void
dlg_open(struct dlg *d, uint16_t lport)
{
	d->fd = hnet_connect(lport, HARNESS_START_MS, NULL);
	ck_assert_msg(d->fd >= 0, "cannot connect to the tunnel");
	ck_assert_msg(hnet_read_line(d->fd, d->greeting, sizeof(d->greeting),
	    HARNESS_EXIT_MS) > 0, "no greeting; see %s", G.log);
	ck_assert_msg(strncmp(d->greeting, "+OK", 3) == 0, "greeting \"%s\"",
	    d->greeting);
}

/* Sends cmd with CRLF; the answer's first line. */
static const char *
dlg_cmd(struct dlg *d, const char *cmd)
{
	char	buf[1024];

	snprintf(buf, sizeof(buf), "%s\r\n", cmd);
	ck_assert(hnet_write_str(d->fd, buf) == 0);
	ck_assert_msg(hnet_read_line(d->fd, d->line, sizeof(d->line),
	    HARNESS_EXIT_MS) > 0, "no answer to \"%s\"; see %s", cmd, G.log);
	return d->line;
}

/* The rest of a multi-line answer, dot-stuffing undone. New string. */
static char *
dlg_body(struct dlg *d, size_t *len)
{
	char	*out = NULL, *grown = NULL, line[8192];
	size_t	 n = 0, cap = 0, l;
	ssize_t	 r;

	for (;;) {
		r = hnet_read_line(d->fd, line, sizeof(line), HARNESS_EXIT_MS);
		ck_assert_msg(r > 0, "multi-line answer cut; see %s", G.log);
		if (strcmp(line, ".\r\n") == 0) {
			break;
		}
		l = (size_t)r - (line[0] == '.');
		if (n + l + 1 > cap) {
			cap = (n + l + 1) * 2;
			grown = realloc(out, cap);
			ck_assert(grown != NULL);
			out = grown;
		}
		memcpy(out + n, line + (line[0] == '.'), l);
		n += l;
	}
	if (out == NULL) {
		out = calloc(1, 1);
		ck_assert(out != NULL);
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static void
dlg_close(struct dlg *d)
{
	/* Dovecot: "+OK Logging out." after a login, no '.' before. */
	ck_assert_msg(strncmp(dlg_cmd(d, "QUIT"), "+OK Logging out", 15) == 0,
	    "QUIT: %s", d->line);
	close(d->fd);
}

/* RETR 1 arrives intact after the login. */
static void
assert_retr(struct dlg *d)
{
	char	*body = NULL, sha[65];
	size_t	 len;

	ck_assert_msg(strncmp(dlg_cmd(d, "RETR 1"), "+OK", 3) == 0, "%s",
	    d->line);
	body = dlg_body(d, &len);
	ck_assert(hmail_sha256_mem(body, len, sha) == 0);
	ck_assert_msg(len == D.mail.size[0] && strcmp(sha, D.mail.sha[0]) ==
	    0, "RETR 1: %zu octets sha256 %s; delivered %zu octets %s", len,
	    sha, D.mail.size[0], D.mail.sha[0]);
	free(body);
}

/* " " + base64 of "\0user\0password" into out. */
static void
plain_creds(const char *user, const char *password, char *out, size_t len)
{
	unsigned char	raw[256];
	size_t		n = 0;

	raw[n++] = '\0';
	memcpy(raw + n, user, strlen(user));
	n += strlen(user);
	raw[n++] = '\0';
	memcpy(raw + n, password, strlen(password));
	n += strlen(password);
	ck_assert(pop3_b64_encode(raw, n, out, len) > 0);
}

static void
assert_refused(const char *what)
{
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=mailbox-refused user=alice from=127.0.0.1:",
	    "mailbox=alice", what), NULL, 0),
	    "no \"mailbox refused ... %s\" line in %s", what, G.log);
}

START_TEST(test_mailbind_poplib_and_curl_own_mailbox)
{
	struct hproc	*ssh = NULL, *pop = NULL, *curl = NULL;
	char		 why[1024];
	uint16_t	 lport = gate("BindMailbox yes\n", &ssh);

	pop = hclient_poplib_spawn(H, lport);
	ck_assert_msg(hclient_poplib_verify(pop, &D.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=mailbox-login user=alice",
	    "mailbox=alice method=USER"),
	    NULL, 0), "no USER login line in %s", G.log);
	curl = hclient_curl_spawn(H, lport, 2);
	ck_assert_msg(hclient_curl_verify(curl, &D.mail, 2, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=mailbox-login user=alice",
	    "mailbox=alice method=\"AUTH "),
	    NULL, 0), "no SASL login line for curl in %s", G.log);
	ck_assert_int_eq(hlog_count(G.log, HLINE("event=mailbox-refused")),
	    0);
}
END_TEST

/* CAPA without STLS; STLS, USER bob, APOP bob, AUTH PLAIN bob refused;
 * then APOP alice, and a RETR intact. */
START_TEST(test_mailbind_refuses_others_then_apop)
{
	struct hproc	*ssh = NULL;
	struct dlg	 d;
	char		*capa = NULL, ts[POP3_TIMESTAMP_MAX + 1], cmd[300];
	char		 hex[POP3_APOP_HEXLEN + 1], b64[200];
	const char	*lt = NULL, *gt = NULL;
	size_t		 len;
	uint16_t	 lport = gate("BindMailbox yes\n", &ssh);

	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "CAPA"), "+OK\r\n");
	capa = dlg_body(&d, &len);
	ck_assert_msg(strstr(capa, "STLS") == NULL && strstr(capa,
	    "\r\nUSER\r\n") != NULL, "CAPA through a bound tunnel:\n%s", capa);
	free(capa);
	ck_assert_str_eq(dlg_cmd(&d, "STLS"), DENY "alice\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER2), DENY "alice\r\n");
	lt = strchr(d.greeting, '<');
	ck_assert_msg(lt != NULL, "no timestamp in \"%s\"", d.greeting);
	gt = strchr(lt, '>');
	ck_assert_msg(gt != NULL, "no timestamp in \"%s\"", d.greeting);
	snprintf(ts, sizeof(ts), "%.*s", (int)(gt - lt + 1), lt);
	ck_assert(pop3_apop_digest(ts, HARNESS_POP3_PASS2, hex) == 0);
	snprintf(cmd, sizeof(cmd), "APOP %s %s", HARNESS_USER2, hex);
	ck_assert_str_eq(dlg_cmd(&d, cmd), DENY "alice\r\n");
	plain_creds(HARNESS_USER2, HARNESS_POP3_PASS2, b64, sizeof(b64));
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s", b64);
	ck_assert_str_eq(dlg_cmd(&d, cmd), DENY "alice\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "STAT"), DENY "alice\r\n");
	ck_assert(pop3_apop_digest(ts, HARNESS_POP3_PASS, hex) == 0);
	snprintf(cmd, sizeof(cmd), "APOP %s %s", HARNESS_USER, hex);
	ck_assert_msg(strncmp(dlg_cmd(&d, cmd), "+OK", 3) == 0, "APOP alice: "
	    "%s", d.line);
	assert_retr(&d);
	dlg_close(&d);
	assert_refused("command=STLS");
	assert_refused("command=\"USER bob\"");
	assert_refused("command=\"APOP bob\"");
	assert_refused("command=\"AUTH PLAIN bob\"");
	ck_assert(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=mailbox-login user=alice", "method=APOP"), NULL,
	    0));
	/* Dovecot never saw bob. */
	ck_assert_int_eq(hlog_count(D.log, HLINE("user=<bob>")), 0);
}
END_TEST

/* AUTH PLAIN with a challenge: bob is cancelled at Dovecot, alice gets
 * in; pipelined commands after PASS reach Dovecot after the login. */
START_TEST(test_mailbind_auth_plain_exchange)
{
	struct hproc	*ssh = NULL;
	struct dlg	 d;
	char		 b64[200], cmd[300];
	uint16_t	 lport = gate("BindMailbox yes\n", &ssh);

	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "AUTH PLAIN"), "+ \r\n");
	plain_creds(HARNESS_USER2, HARNESS_POP3_PASS2, b64, sizeof(b64));
	ck_assert_str_eq(dlg_cmd(&d, b64), DENY "alice\r\n");
	plain_creds(HARNESS_USER, HARNESS_POP3_PASS, b64, sizeof(b64));
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s", b64);
	ck_assert_msg(strncmp(dlg_cmd(&d, cmd), "+OK", 3) == 0, "AUTH PLAIN "
	    "alice: %s", d.line);
	assert_retr(&d);
	dlg_close(&d);
	assert_refused("command=\"AUTH PLAIN bob\"");
	/* USER/PASS sent in one write: PASS waits for USER's +OK. */
	dlg_open(&d, lport);
	ck_assert(hnet_write_str(d.fd, "USER " HARNESS_USER "\r\nPASS "
	    HARNESS_POP3_PASS "\r\nSTAT\r\n") == 0);
	ck_assert(hnet_read_line(d.fd, d.line, sizeof(d.line),
	    HARNESS_EXIT_MS) > 0 && strncmp(d.line, "+OK", 3) == 0);
	ck_assert(hnet_read_line(d.fd, d.line, sizeof(d.line),
	    HARNESS_EXIT_MS) > 0 && strncmp(d.line, "+OK", 3) == 0);
	ck_assert(hnet_read_line(d.fd, d.line, sizeof(d.line),
	    HARNESS_EXIT_MS) > 0);
	ck_assert_msg(strncmp(d.line, "+OK 3 ", 6) == 0 ||
	    strncmp(d.line, "+OK ", 4) == 0, "STAT: %s", d.line);
	dlg_close(&d);
}
END_TEST

/* MailboxMap: alice's SSH login opens the mailbox bob, and only that. */
START_TEST(test_mailbind_mailbox_map)
{
	struct hproc	*ssh = NULL;
	struct dlg	 d;
	struct hpath	 map = harness_path(H, "mailboxes");
	char		 extra[HARNESS_PATH + 64];
	uint16_t	 lport;

	ck_assert(hfile_write(map.s, 0644, "# ssh user, mailbox\n%s %s\n",
	    HARNESS_USER, HARNESS_USER2) == 0);
	snprintf(extra, sizeof(extra), "BindMailbox yes\nMailboxMap %s\n",
	    map.s);
	lport = gate(extra, &ssh);
	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER), DENY "bob\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER2), "+OK\r\n");
	ck_assert_msg(strncmp(dlg_cmd(&d, "PASS " HARNESS_POP3_PASS2), "+OK",
	    3) == 0, "PASS: %s", d.line);
	assert_retr(&d);
	dlg_close(&d);
	ck_assert(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=mailbox-refused user=alice", "mailbox=bob",
	    "command=\"USER alice\""), NULL, 0));
}
END_TEST

/* The control: unbound, alice's tunnel could open bob's mailbox. */
START_TEST(test_mailbind_unbound_opens_any)
{
	struct hproc	*ssh = NULL;
	struct dlg	 d;
	uint16_t	 lport = gate(NULL, &ssh);

	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER2), "+OK\r\n");
	ck_assert_msg(strncmp(dlg_cmd(&d, "PASS " HARNESS_POP3_PASS2), "+OK",
	    3) == 0, "PASS: %s", d.line);
	dlg_close(&d);
	ck_assert_int_eq(hlog_count(G.log, HLINE("event=mailbox-")), 0);
}
END_TEST

/* Both hops' features at once: bound, over STLS to the backend. */
START_TEST(test_mailbind_over_starttls)
{
	const struct hcred	 c = { HARNESS_USER, NULL, NULL };
	struct hcred		 k = c;
	struct hproc		*ssh = NULL, *pop = NULL;
	struct dlg		 d;
	char			 fwd[64], extra[HARNESS_PATH + 64], why[1024];
	uint16_t		 lport;

	snprintf(fwd, sizeof(fwd), "Forward pop3:110 starttls://127.0.0.1:%u",
	    (unsigned)D.port);
	snprintf(extra, sizeof(extra), "BindMailbox yes\nBackendCAFile %s\n",
	    T.ca);
	hgate_prepare_fwd(H, &G, fwd, false, extra);
	hgate_start(H, &G);
	k.key = G.userkey;
	lport = hclient_tunnel(H, &G, &k, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s", G.log);
	dlg_open(&d, lport);
	ck_assert_msg(strchr(d.greeting, '<') != NULL, "the kept greeting "
	    "lost its timestamp: %s", d.greeting);
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER2), DENY "alice\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "STLS"), DENY "alice\r\n");
	dlg_close(&d);
	pop = hclient_poplib_spawn(H, lport);
	ck_assert_msg(hclient_poplib_verify(pop, &D.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", ", TLS"), NULL, 0),
	    "no TLS login of alice in %s", D.log);
	ck_assert_int_eq(hlog_count(D.log, HLINE("user=<bob>")), 0);
}
END_TEST

/*
 * A bound tunnel whose backend resets in the middle of a RETR: the mail
 * client sees the stream end before its ".", the log says why, and the
 * gateway goes on serving.
 */
START_TEST(test_mailbind_backend_reset_after_login)
{
	const struct hcred	 c = { HARNESS_USER, NULL, NULL };
	struct hcred		 k = c;
	struct hproc		*ssh = NULL;
	struct dlg		 d;
	size_t			 got = 0;
	uint16_t		 fake, lport;

	fake = hfake_reset_start(H, 64 * 1024);
	hgate_prepare(H, &G, fake, false, "BindMailbox yes\n");
	hgate_start(H, &G);
	k.key = G.userkey;
	lport = hclient_tunnel(H, &G, &k, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s", G.log);
	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER), "+OK\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "PASS x"), "+OK\r\n");
	/* What came before the reset may or may not arrive: never all. */
	ck_assert(hnet_write_str(d.fd, "RETR 1\r\n") == 0);
	ck_assert_msg(hnet_read_eof(d.fd, HARNESS_EXIT_MS, &got) == 0,
	    "the stream did not end; see %s", G.log);
	ck_assert_uint_lt(got, 1048576);
	close(d.fd);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice", "reason=backend-error"),
	    NULL,
	    0), "no backend-error tunnel line in %s", G.log);
	ck_assert(hlog_count(G.log, HLINE("event=mailbox-login user=alice",
	    "method=USER")) == 1);
	/* Still serving: a new tunnel, a new login. */
	dlg_open(&d, lport);
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER2), DENY
	    "alice\r\n");
	close(d.fd);
}
END_TEST

/*
 * A mail client that leaves while the backend has not greeted yet (the
 * ssh -L probe in hclient_tunnel does just that). The bridge for a plain
 * bound backend is ready at once and no later event would wake the loop
 * for it: the EOF must still reach this one-client-at-a-time backend at
 * once, or the next client waits for nothing until "no greeting in time".
 */
START_TEST(test_mailbind_client_gone_before_greeting)
{
	const struct hcred	 c = { HARNESS_USER, NULL, NULL };
	struct hcred		 k = c;
	struct hproc		*ssh = NULL;
	struct dlg		 d;
	uint16_t		 fake, lport;

	fake = hfake_slow_start(H, 0, 400);
	hgate_prepare(H, &G, fake, false, "BindMailbox yes\n");
	hgate_start(H, &G);
	k.key = G.userkey;
	lport = hclient_tunnel(H, &G, &k, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s", G.log);
	/* Stuck, it would end at BackendConnectTimeout (5 s) instead. */
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, 3500,
	    HLINE("event=tunnel-closed user=alice", "reason=eof"), NULL, 0),
	    "the tunnel the client left did not end within 3.5 s; see %s",
	    G.log);
	dlg_open(&d, lport);
	ck_assert_str_eq(d.greeting, "+OK fake POP3 server ready\r\n");
	ck_assert_str_eq(dlg_cmd(&d, "USER " HARNESS_USER), "+OK\r\n");
	close(d.fd);
}
END_TEST

Suite *
mailbind_suite(void)
{
	Suite	*s = suite_create("mailbind");
	TCase	*tc = harness_tcase("bind", bind_setup, bind_teardown, 180);

	tcase_add_test(tc, test_mailbind_poplib_and_curl_own_mailbox);
	tcase_add_test(tc, test_mailbind_refuses_others_then_apop);
	tcase_add_test(tc, test_mailbind_auth_plain_exchange);
	tcase_add_test(tc, test_mailbind_mailbox_map);
	tcase_add_test(tc, test_mailbind_unbound_opens_any);
	tcase_add_test(tc, test_mailbind_backend_reset_after_login);
	tcase_add_test(tc, test_mailbind_client_gone_before_greeting);
	tcase_add_test(tc, test_mailbind_over_starttls);
	suite_add_tcase(s, tc);
	return s;
}
