/*
 * client: the real bin/popgate as the tunnel's client end, MUA -> popgate
 * -> popgated -> Dovecot, with curl, Python's poplib and fetchmail as the
 * MUAs: every message arrives byte for byte (SHA-256 against what was
 * delivered), the 20 MiB one included, also with 50 MUAs at once and
 * with fetchmail starting popgate itself (-W, its "plugin"). Plus what a
 * script sees: --check, the ready line, exit codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define MUAS		50
#define POPLIB_EVERY	5	/* every 5th MUA is poplib, the rest curl */
#define STALL_ROUNDS	8
#define STALL_MS	(10000 * harness_slow())	/* a round: < 1 s */

static struct hfix	F;

static void
big_setup(void)
{
	hfix_up(&F, "client-big", true, false);
}

static void
small_setup(void)
{
	hfix_up(&F, "client", false, false);
}

static void
client_teardown(void)
{
	hpopgate_fix_down(&F);
}


/* popgate for F with -L 0:pop3:110; its port. */
static uint16_t
tunnel(struct hproc **pg)
{
	return hpopgate_tunnel(F.h, &F.gate, "pop3:110", pg);
}

START_TEST(test_client_poplib_retrieves_all)
{
	struct hproc	*pg = NULL, *pop = NULL;
	char		 why[1024];
	uint16_t	 port = tunnel(&pg);

	pop = hclient_poplib_top_spawn(F.h, port);
	ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hlog_count(pop->out, HLINE(" top=")) == F.dove.mail.n,
	    "poplib checked TOP on fewer than %zu messages; see %s",
	    F.dove.mail.n, pop->out);
	ck_assert_msg(hlog_wait_value(F.gate.log,
	    HLINE("event=tunnel-closed user=alice ", "target=pop3:110"), " down=",
	    hmail_total(&F.dove.mail), F.gate.proc, HARNESS_LOG_MS),
	    "no \"tunnel closed\" line with down >= %zu in %s",
	    hmail_total(&F.dove.mail), F.gate.log);
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
}
END_TEST

START_TEST(test_client_curl_retrieves_each)
{
	struct hproc	*pg = NULL, *curl = NULL;
	char		 why[1024];
	uint16_t	 port = tunnel(&pg);
	size_t		 n;

	for (n = 1; n <= F.dove.mail.n; n++) {
		curl = hclient_curl_spawn(F.h, port, n);
		ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, n, why,
		    sizeof(why)) == 0, "%s", why);
	}
	/* One SSH session carried them all. */
	ck_assert_msg(hlog_count(F.gate.log, HLINE("result=accepted")) == 1,
	    "popgate logged in more than once; see %s", F.gate.log);
}
END_TEST

/*
 * Intact is not enough: popgate's loop sleeps up to 30 s (its longest
 * poll, the keepalive) when it misses a wake-up, and a tunnel that needs
 * such a nudge to move the mailbox is broken for its user. The miss
 * depends on timing (RETR then TOP on one connection hit it most), hence
 * several rounds, each well within STALL_MS.
 */
START_TEST(test_client_mailbox_does_not_stall)
{
	struct hproc	*pg = NULL, *pop = NULL;
	char		 why[1024];
	uint16_t	 port = tunnel(&pg);
	size_t		 i;
	long		 t0;

	for (i = 0; i < STALL_ROUNDS; i++) {
		t0 = harness_now_ms();
		pop = hclient_poplib_top_spawn(F.h, port);
		ck_assert_msg(hproc_wait(pop, STALL_MS) >= 0, "round %zu: "
		    "poplib not done with the %zu messages after %d ms: the "
		    "tunnel stalled; see %s and %s", i + 1, F.dove.mail.n,
		    STALL_MS, pop->out, pg->err);
		ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
		    sizeof(why)) == 0, "round %zu: %s", i + 1, why);
		ck_assert(harness_now_ms() - t0 < STALL_MS);
	}
}
END_TEST

START_TEST(test_client_fetchmail_keeps_all)
{
	struct hproc	*pg = NULL, *fm = NULL;
	struct hpath	 dir;
	char		 server[64], why[1024];
	uint16_t	 port = tunnel(&pg);

	snprintf(server, sizeof(server), "127.0.0.1 service %u",
	    (unsigned)port);
	fm = hfetchmail_spawn(F.h, server, &dir);
	ck_assert_msg(hfetchmail_verify(fm, dir.s, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
}
END_TEST

/* fetchmail runs popgate -W itself: no local port at all. */
START_TEST(test_client_fetchmail_plugin_reads_all)
{
	struct hproc	*fm = NULL;
	struct hpath	 dir;
	char		 fp[128], server[HARNESS_PATH * 2], why[1024];

	hgate_fingerprint(F.h, &F.gate, fp, sizeof(fp));
	snprintf(server, sizeof(server), "127.0.0.1 plugin \"%s -q -p %u "
	    "-i %s --fingerprint %s -W pop3:110 %s@127.0.0.1\"",
	    harness_bin("popgate"), (unsigned)F.gate.port, F.gate.userkey, fp,
	    HARNESS_USER);
	fm = hfetchmail_spawn(F.h, server, &dir);
	ck_assert_msg(hfetchmail_verify(fm, dir.s, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(!hfile_has(fm->err, "Sanitizer") &&
	    !hfile_has(fm->err, "runtime error:"), "sanitizer report from "
	    "popgate -W in %s", fm->err);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice ", "target=pop3:110"), NULL, 0),
	    "no \"tunnel closed\" line in %s", F.gate.log);
}
END_TEST

START_TEST(test_client_fifty_muas_at_once)
{
	struct hproc	*pg = NULL, *p[MUAS];
	char		 why[1024];
	uint16_t	 port = tunnel(&pg);
	size_t		 i, msg;

	for (i = 0; i < MUAS; i++) {
		msg = i % F.dove.mail.n + 1;
		p[i] = i % POPLIB_EVERY == 0 ?
		    hclient_poplib_spawn(F.h, port) :
		    hclient_curl_spawn(F.h, port, msg);
	}
	for (i = 0; i < MUAS; i++) {
		msg = i % F.dove.mail.n + 1;
		ck_assert_msg((i % POPLIB_EVERY == 0 ?
		    hclient_poplib_verify(p[i], &F.dove.mail, why,
		    sizeof(why)) : hclient_curl_verify(p[i], &F.dove.mail, msg,
		    why, sizeof(why))) == 0, "MUA %zu of %d: %s", i + 1, MUAS,
		    why);
	}
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
	ck_assert_msg(hlog_wait(F.gate.log, MUAS, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice "), NULL, 0),
	    "want %d \"tunnel closed\" lines in %s", MUAS, F.gate.log);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("result=accepted")) == 1,
	    "popgate logged in more than once; see %s", F.gate.log);
}
END_TEST

START_TEST(test_client_check_prints_ok)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	int		 st;

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "--check");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	st = hpopgate_run(F.h, &a, &p);
	ck_assert_msg(st == 0, "popgate --check exited %d; see %s", st,
	    p->err);
	ck_assert_msg(hlog_count(p->out, HLINE("ok pop3:110 +OK")) == 1,
	    "no \"ok pop3:110 +OK ...\" line; see %s", p->out);
	ck_assert_msg(hlog_count(p->out, HLINE("listening ")) == 0,
	    "--check printed a ready line; see %s", p->out);
}
END_TEST

/* No BIND in -L: only 127.0.0.1 listens, not 0.0.0.0 nor [::]. */
START_TEST(test_client_listens_on_loopback_only)
{
	struct hproc	*pg = NULL, *curl = NULL;
	char		 line[256], want[64], why[1024];
	uint16_t	 port = tunnel(&pg);

	ck_assert(hlog_wait(pg->out, 1, pg, HARNESS_LOG_MS,
	    HLINE("listening "), line, sizeof(line)));
	snprintf(want, sizeof(want), "listening 127.0.0.1:%u -> pop3:110",
	    (unsigned)port);
	ck_assert_str_eq(line, want);
	ck_assert_msg(hnet_loopback_only(port) == 1, "port %u: want a "
	    "listener on 127.0.0.1 only (/proc/net/tcp*): %d", (unsigned)port,
	    hnet_loopback_only(port));
	/* Judged on the bound address: no warning for loopback. */
	ck_assert_msg(hlog_count(pg->err,
	    HLINE("listening-beyond-loopback")) == 0, "warned; see %s",
	    pg->err);
	curl = hclient_curl_spawn(F.h, port, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
}
END_TEST

START_TEST(test_client_port_in_use_exits_2)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;
	long		 t0;
	int		 fd = hnet_listen(&port), st;

	ck_assert(fd >= 0);
	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-L");
	hargv_add(&a, "%u:pop3:110", (unsigned)port);
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	t0 = harness_now_ms();
	st = hpopgate_run(F.h, &a, &p);
	close(fd);
	ck_assert_msg(st == 2, "popgate on a port in use exited %d (want 2); "
	    "see %s", st, p->err);
	ck_assert_msg(harness_now_ms() - t0 < 5000, "exit 2 took %ld ms",
	    harness_now_ms() - t0);
	ck_assert_msg(hfile_has(p->err, "Address already in use"),
	    "no \"Address already in use\" in %s", p->err);
	/* At once: it never even connected to the gateway. */
	ck_assert_msg(hlog_count(F.gate.log, HLINE("event=connection from=")) == 0,
	    "popgate connected first; see %s", F.gate.log);
}
END_TEST

START_TEST(test_client_sigterm_exits_0)
{
	struct hproc	*pg = NULL;
	char		 line[512];
	uint16_t	 port = tunnel(&pg);
	size_t		 got;
	int		 fd;

	/* A MUA still connected must not keep popgate from leaving. */
	fd = hnet_connect(port, HARNESS_START_MS, pg);
	ck_assert(fd >= 0);
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0 && strncmp(line, "+OK", 3) == 0,
	    "no greeting through popgate: \"%s\"", line);
	ck_assert_int_eq(hproc_stop(pg), 0);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &got) == 0,
	    "the MUA's connection outlived popgate");
	close(fd);
	ck_assert_msg(!hfile_has(pg->err, "Sanitizer"), "sanitizer report "
	    "in %s", pg->err);
}
END_TEST

Suite *
client_suite(void)
{
	Suite	*s = suite_create("client");
	TCase	*tc = NULL;

	tc = harness_tcase("fetch", big_setup, client_teardown, 240);
	tcase_add_test(tc, test_client_poplib_retrieves_all);
	tcase_add_test(tc, test_client_curl_retrieves_each);
	tcase_add_test(tc, test_client_mailbox_does_not_stall);
	tcase_add_test(tc, test_client_fetchmail_keeps_all);
	tcase_add_test(tc, test_client_fetchmail_plugin_reads_all);
	suite_add_tcase(s, tc);
	tc = harness_tcase("concurrent", small_setup, client_teardown, 240);
	tcase_add_test(tc, test_client_fifty_muas_at_once);
	suite_add_tcase(s, tc);
	tc = harness_tcase("basics", small_setup, client_teardown, 120);
	tcase_add_test(tc, test_client_check_prints_ok);
	tcase_add_test(tc, test_client_listens_on_loopback_only);
	tcase_add_test(tc, test_client_port_in_use_exits_2);
	tcase_add_test(tc, test_client_sigterm_exits_0);
	suite_add_tcase(s, tc);
	return s;
}
