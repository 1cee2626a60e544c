/*
 * gateway: mail goes through the whole chain, MUA -> ssh -L -> popgated
 * -> Dovecot, and arrives byte for byte (SHA-256 of what was delivered
 * against what the POP3 client retrieved).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CONCURRENT	20
#define ABANDON_ROUNDS	6

static struct hfix	F;

static void
big_setup(void)
{
	hfix_up(&F, "publickey", true, false);
}

static void
small_setup(void)
{
	hfix_up(&F, "gateway", false, false);
}

static void
password_setup(void)
{
	hfix_up(&F, "password", false, true);
}

static void
fix_teardown(void)
{
	hfix_down(&F);
}


START_TEST(test_gateway_pubkey_poplib_retrieves_all)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*ssh = NULL, *pop = NULL;
	char			 why[1024], backend[64];
	uint16_t		 lport;

	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    ssh->err, F.gate.log);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=auth user=alice from=127.0.0.1:",
	    "method=publickey result=accepted"), NULL, 0),
	    "no accepted publickey auth line in %s", F.gate.log);
	pop = hclient_poplib_spawn(F.h, lport);
	ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	/* The fetch's tunnel is logged with every octet counted. */
	snprintf(backend, sizeof(backend), "backend=127.0.0.1:%u",
	    (unsigned)F.dove.port);
	ck_assert_msg(hlog_wait_value(F.gate.log,
	    HLINE("event=tunnel-closed user=alice from=127.0.0.1:",
	    "target=pop3:110", backend, " up=", " secs=", " reason="),
	    " down=", hmail_total(&F.dove.mail), F.gate.proc, HARNESS_LOG_MS),
	    "no \"tunnel closed ... %s ... down=N\" line with N >= %zu "
	    "(octets retrieved) in %s", backend, hmail_total(&F.dove.mail),
	    F.gate.log);
}
END_TEST

START_TEST(test_gateway_password_curl_retrieves_each)
{
	const struct hcred	 c = { HARNESS_USER, NULL, HARNESS_SSH_PASS };
	struct hproc		*ssh = NULL, *curl = NULL;
	char			 why[1024];
	uint16_t		 lport;
	size_t			 n;

	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L with a password did not come up; "
	    "see %s and %s", ssh->err, F.gate.log);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=auth user=alice ",
	    "method=password result=accepted"), NULL, 0),
	    "no accepted password auth line in %s", F.gate.log);
	for (n = 1; n <= F.dove.mail.n; n++) {
		curl = hclient_curl_spawn(F.h, lport, n);
		ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, n, why,
		    sizeof(why)) == 0, "%s", why);
	}
}
END_TEST

START_TEST(test_gateway_twenty_fetches_one_session)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*ssh = NULL, *p[CONCURRENT];
	char			 why[1024];
	uint16_t		 lport;
	size_t			 i, msg;

	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    ssh->err, F.gate.log);
	/* Half poplib (every message), half curl (one message each). */
	for (i = 0; i < CONCURRENT; i++) {
		msg = i / 2 % F.dove.mail.n + 1;
		p[i] = i % 2 == 0 ? hclient_poplib_spawn(F.h, lport) :
		    hclient_curl_spawn(F.h, lport, msg);
	}
	for (i = 0; i < CONCURRENT; i++) {
		msg = i / 2 % F.dove.mail.n + 1;
		ck_assert_msg((i % 2 == 0 ? hclient_poplib_verify(p[i],
		    &F.dove.mail, why, sizeof(why)) : hclient_curl_verify(p[i],
		    &F.dove.mail, msg, why, sizeof(why))) == 0,
		    "fetch %zu of %d: %s", i + 1, CONCURRENT, why);
	}
	ck_assert_msg(hproc_running(ssh), "ssh left; see %s", ssh->err);
	/* The 20 fetches (the probe's tunnel is test_..._abandoned's). */
	ck_assert_msg(hlog_wait(F.gate.log, CONCURRENT, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=tunnel-closed user=alice "), NULL, 0),
	    "want %d \"tunnel closed\" lines in %s", CONCURRENT, F.gate.log);
}
END_TEST

static void
hang_up(uint16_t port, struct hproc *ssh)
{
	int	fd = hnet_connect(port, HARNESS_START_MS, ssh);

	ck_assert_msg(fd >= 0, "ssh -L stopped accepting; see %s", ssh->err);
	close(fd);
}

/*
 * Clients that connect and hang up at once (as MUAs probing a port do),
 * while big fetches run on the same session: every tunnel must close and
 * be logged then, not linger until the session ends.
 */
START_TEST(test_gateway_abandoned_tunnels_close)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*ssh = NULL, *pop = NULL;
	char			 why[1024];
	uint16_t		 lport;
	size_t			 i, closed, want = 1 + 3 * ABANDON_ROUNDS;

	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    ssh->err, F.gate.log);
	/* A hang-up as a fetch starts, and another right after it ends. */
	for (i = 0; i < ABANDON_ROUNDS; i++) {
		pop = hclient_poplib_spawn(F.h, lport);
		hang_up(lport, ssh);
		ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
		    sizeof(why)) == 0, "%s", why);
		hang_up(lport, ssh);
	}
	hlog_wait(F.gate.log, want, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice "), NULL, 0);
	closed = hlog_count(F.gate.log,
	    HLINE("event=tunnel-closed user=alice "));
	ck_assert_msg(closed == want, "%zu of %zu tunnels logged \"tunnel "
	    "closed\" within %d ms of their clients leaving (ssh still "
	    "connected); see %s", closed, want, HARNESS_LOG_MS, F.gate.log);
}
END_TEST

static struct harness	*down_h;
static struct hgate	 down_gate;

/* popgated whose backend is a port nothing listens on. */
static void
down_setup(void)
{
	uint16_t	closed = hnet_free_port();

	down_h = harness_new("backend-down");
	ck_assert(down_h != NULL && closed != 0);
	hgate_prepare(down_h, &down_gate, closed, false, NULL);
	hgate_start(down_h, &down_gate);
}

static void
down_teardown(void)
{
	harness_stop_all(down_h);
	hgate_check_exit(&down_gate);
	harness_free(down_h);
	down_h = NULL;
}

START_TEST(test_gateway_backend_down_answers_err)
{
	static const char	 want[] =
	    "-ERR [SYS/TEMP] popgated: mail server unavailable\r\n";
	const struct hcred	 c = { HARNESS_USER, down_gate.userkey, NULL };
	struct hproc		*ssh = NULL;
	char			 line[600];
	uint16_t		 lport;
	size_t			 rest;
	int			 fd;

	lport = hclient_tunnel(down_h, &down_gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    ssh->err, down_gate.log);
	fd = hnet_connect(lport, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0, "no answer through the tunnel");
	ck_assert_str_eq(line, want);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &rest) == 0 &&
	    rest == 0, "tunnel not closed after the -ERR line");
	close(fd);
	ck_assert_msg(hproc_running(ssh), "ssh left; see %s", ssh->err);
}
END_TEST

Suite *
gateway_suite(void)
{
	Suite	*s = suite_create("gateway");
	TCase	*tc = NULL;

	tc = harness_tcase("publickey", big_setup, fix_teardown, 240);
	tcase_add_test(tc, test_gateway_pubkey_poplib_retrieves_all);
	tcase_add_test(tc, test_gateway_abandoned_tunnels_close);
	suite_add_tcase(s, tc);
	tc = harness_tcase("password", password_setup, fix_teardown, 120);
	tcase_add_test(tc, test_gateway_password_curl_retrieves_each);
	suite_add_tcase(s, tc);
	tc = harness_tcase("concurrent", small_setup, fix_teardown, 240);
	tcase_add_test(tc, test_gateway_twenty_fetches_one_session);
	suite_add_tcase(s, tc);
	tc = harness_tcase("backend-down", down_setup, down_teardown, 120);
	tcase_add_test(tc, test_gateway_backend_down_answers_err);
	suite_add_tcase(s, tc);
	return s;
}
