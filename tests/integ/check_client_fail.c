/*
 * client-fail: what a MUA and a script see when something between them
 * and the mail breaks, and that popgate recovers without a restart: a
 * forward the gateway refuses, no gateway at all, the mail server
 * stopped and started again, popgated killed and started again, and a
 * backend resetting in the middle of a message (a fake backend: Dovecot
 * cannot be made to do that).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define ERR_MS		(5000 * harness_slow())	/* a MUA hears -ERR */
#define RECOVER_MS	(20000 * harness_slow())	/* backoff 1-8 s */
#define RETRY_MS	500
#define RESET_PARTIAL	(256u * 1024u)
#define POPGATE_ERR	"-ERR [SYS/TEMP] popgate: "
#define POPGATED_ERR	"-ERR [SYS/TEMP] popgated: mail server unavailable\r\n"

static struct hfix	F;

static void
small_setup(void)
{
	hfix_up(&F, "client-fail", false, false);
}

/* popgated forwarding pop3:110 to the fake backend; no Dovecot. */
static void
reset_setup(void)
{
	uint16_t	fake;

	memset(&F, 0, sizeof(F));
	F.h = harness_new("client-reset");
	ck_assert(F.h != NULL);
	fake = hfake_reset_start(F.h, RESET_PARTIAL);
	hgate_prepare(F.h, &F.gate, fake, false, NULL);
	hgate_start(F.h, &F.gate);
}

static void
fail_teardown(void)
{
	hpopgate_fix_down(&F);
}

/*
 * A MUA connects to port and reads one line into line, then must see the
 * connection closed. Returns how long the line took, in ms.
 */
static long
mua_first_line(uint16_t port, struct hproc *pg, char *line, size_t len)
{
	long	t0 = harness_now_ms(), took;
	size_t	rest;
	int	fd;

	fd = hnet_connect(port, HARNESS_START_MS, pg);
	ck_assert_msg(fd >= 0, "popgate stopped listening; see %s", pg->err);
	ck_assert_msg(hnet_read_line(fd, line, len, HARNESS_LOG_MS) > 0,
	    "the MUA read nothing within %d ms; see %s", HARNESS_LOG_MS,
	    pg->err);
	took = harness_now_ms() - t0;
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &rest) == 0 &&
	    rest == 0, "not closed after \"%s\"", line);
	close(fd);
	return took;
}

static void
assert_popgate_err(uint16_t port, struct hproc *pg)
{
	char	line[600];
	long	took = mua_first_line(port, pg, line, sizeof(line));

	ck_assert_msg(strncmp(line, POPGATE_ERR, strlen(POPGATE_ERR)) == 0,
	    "the MUA read \"%s\", want \"%s...\"", line, POPGATE_ERR);
	ck_assert_msg(took <= ERR_MS, "-ERR took %ld ms", took);
}

START_TEST(test_client_check_refused_forward_exits_5)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	int		 st;

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "--check");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:imap:143");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	st = hpopgate_run(F.h, &a, &p);
	ck_assert_msg(st == 5, "popgate --check exited %d, want 5; see %s",
	    st, p->err);
	ck_assert_msg(hlog_count(p->out, HLINE("ok pop3:110 +OK")) == 1 &&
	    hlog_count(p->out, HLINE("failed imap:143: ")) == 1,
	    "want an ok and a failed line; see %s", p->out);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=refused user=alice ", "request=direct-tcpip",
	    "target=imap:143"), NULL, 0), "no refusal in %s", F.gate.log);
}
END_TEST

/* The gateway knows pop3:110, not other:110: that one is refused. */
START_TEST(test_client_refused_forward_tells_mua)
{
	struct hargv	 a;
	struct hproc	*pg = NULL, *curl = NULL;
	uint16_t	 ports[2];
	char		 why[1024];

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:other:110");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	pg = hpopgate_start(F.h, &a, 2, ports);
	assert_popgate_err(ports[0], pg);
	/* The session is still good for what the gateway allows. */
	curl = hclient_curl_spawn(F.h, ports[1], 2);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 2, why,
	    sizeof(why)) == 0, "%s", why);
}
END_TEST

START_TEST(test_client_no_gateway_exits_6)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	uint16_t	 port = hnet_free_port();
	char		 want[64];
	int		 st;

	ck_assert(port != 0);
	hpopgate_argv(&a, port, F.gate.userkey, F.gate.known_hosts);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	st = hpopgate_run(F.h, &a, &p);
	ck_assert_msg(st == 6, "popgate with nothing on port %u exited %d, "
	    "want 6; see %s", (unsigned)port, st, p->err);
	snprintf(want, sizeof(want), "event=connect-failed gateway=127.0.0.1 "
	    "port=%u ", (unsigned)port);
	ck_assert_msg(hfile_has(p->err, want), "no \"%s\" in %s", want,
	    p->err);
	ck_assert_msg(hlog_count(p->out, HLINE("listening ")) == 0,
	    "popgate said it was ready; see %s", p->out);
}
END_TEST

START_TEST(test_client_backend_restart_recovers)
{
	struct hproc	*pg = NULL, *curl = NULL;
	char		 line[600], why[1024];
	uint16_t	 port = hpopgate_tunnel(F.h, &F.gate, "pop3:110", &pg);
	long		 took;

	hproc_stop(F.dove.proc);
	took = mua_first_line(port, pg, line, sizeof(line));
	ck_assert_str_eq(line, POPGATED_ERR);
	ck_assert_msg(took <= ERR_MS, "-ERR took %ld ms", took);
	hdovecot_restart(F.h, &F.dove);
	curl = hclient_curl_spawn(F.h, port, 2);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 2, why,
	    sizeof(why)) == 0, "after Dovecot came back: %s", why);
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("result=accepted")) == 1,
	    "popgate logged in again; see %s", F.gate.log);
}
END_TEST

/* SIGKILLs popgated's session child for alice, then popgated itself. */
static void
kill_gateway(void)
{
	char	line[512];
	pid_t	child;

	ck_assert(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice ", "result=accepted"), line,
	    sizeof(line)));
	child = hproc_log_pid(line, "popgated");
	ck_assert_msg(child > 0 && child != F.gate.proc->pid, "no session "
	    "child pid in \"%s\"", line);
	ck_assert_msg(hproc_kill_child(F.gate.proc->pid, child),
	    "pid %d is not popgated's child", (int)child);
	ck_assert_int_eq(hproc_kill(F.gate.proc), 128 + 9);
}

/*
 * A MUA retries (curl RETR 2) until one gets through or RECOVER_MS
 * passed: popgate reconnects on demand, but after a failed attempt it
 * waits 1 s (then 2, 4, 8) and meanwhile tells MUAs "-ERR ... retrying".
 */
static void
assert_recovers(uint16_t port, struct hproc *pg)
{
	long		 deadline = harness_now_ms() + RECOVER_MS;
	struct hproc	*curl = NULL;
	char		 why[1024];
	int		 tries = 0, rc = -1;

	while (rc != 0 && harness_now_ms() < deadline) {
		if (tries++ > 0) {
			harness_sleep_ms(RETRY_MS);
		}
		curl = hclient_curl_spawn(F.h, port, 2);
		rc = hclient_curl_verify(curl, &F.dove.mail, 2, why,
		    sizeof(why));
	}
	ck_assert_msg(rc == 0, "no MUA got through within %d ms (%d tries): "
	    "%s; see %s", RECOVER_MS, tries, why, pg->err);
}

START_TEST(test_client_gateway_restart_recovers)
{
	struct hproc	*pg = NULL, *curl = NULL;
	char		 why[1024];
	uint16_t	 port = hpopgate_tunnel(F.h, &F.gate, "pop3:110", &pg);

	curl = hclient_curl_spawn(F.h, port, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
	kill_gateway();
	ck_assert_msg(hlog_wait(pg->err, 1, pg, HARNESS_LOG_MS,
	    HLINE("event=connection-closed gateway=127.0.0.1 "), NULL, 0),
	    "popgate did not notice; see %s", pg->err);
	/* Gateway down: the MUA is told, the listener stays. */
	assert_popgate_err(port, pg);
	hgate_restart(F.h, &F.gate);
	assert_recovers(port, pg);
	ck_assert_msg(hfile_has(pg->err, "event=reconnected gateway=127.0.0.1"),
	    "no \"reconnected\" line in %s", pg->err);
}
END_TEST

/* Reads one line from fd and checks it starts with want. */
static void
expect(int fd, const char *want)
{
	char	line[600];

	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0, "no answer, want \"%s\"", want);
	ck_assert_msg(strncmp(line, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s\"", line, want);
}

START_TEST(test_client_backend_reset_resets_mua)
{
	struct hproc	*pg = NULL;
	uint16_t	 port = hpopgate_tunnel(F.h, &F.gate, "pop3:110", &pg);
	size_t		 got;
	int		 fd, rc;

	fd = hnet_connect(port, HARNESS_START_MS, pg);
	ck_assert(fd >= 0);
	expect(fd, "+OK fake");
	ck_assert(hnet_write_str(fd, "USER alice\r\n") == 0);
	expect(fd, "+OK");
	ck_assert(hnet_write_str(fd, "PASS pop-secret\r\n") == 0);
	expect(fd, "+OK");
	ck_assert(hnet_write_str(fd, "RETR 1\r\n") == 0);
	expect(fd, "+OK 1048576 octets");
	rc = hnet_read_end(fd, HARNESS_LOG_MS, &got);
	close(fd);
	ck_assert_msg(rc == ECONNRESET, "after %zu octets of the message the "
	    "MUA saw %s, not a reset: a truncated message passes for whole",
	    got, rc == 0 ? "a clean close" : "nothing (timeout)");
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice ", "reason=reset"), NULL, 0),
	    "no \"tunnel closed ... reason=reset\" in %s", F.gate.log);
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
}
END_TEST

Suite *
client_fail_suite(void)
{
	Suite	*s = suite_create("client-fail");
	TCase	*tc = NULL;

	tc = harness_tcase("refused", small_setup, fail_teardown, 120);
	tcase_add_test(tc, test_client_check_refused_forward_exits_5);
	tcase_add_test(tc, test_client_refused_forward_tells_mua);
	tcase_add_test(tc, test_client_no_gateway_exits_6);
	suite_add_tcase(s, tc);
	tc = harness_tcase("recover", small_setup, fail_teardown, 120);
	tcase_add_test(tc, test_client_backend_restart_recovers);
	tcase_add_test(tc, test_client_gateway_restart_recovers);
	suite_add_tcase(s, tc);
	tc = harness_tcase("reset", reset_setup, fail_teardown, 120);
	tcase_add_test(tc, test_client_backend_reset_resets_mua);
	suite_add_tcase(s, tc);
	return s;
}
