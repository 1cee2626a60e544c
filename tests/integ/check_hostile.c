/*
 * hostile: clients that break the rules on purpose (tests/integ/py/
 * hostile.py, paramiko's transport with raw messages, or raw bytes before
 * key exchange). Its one Forward, pop3:110, leads to a fake backend that
 * records every connection and byte, so each test can show what reached
 * it: nothing but the legitimate user's tunnels. After every test popgated
 * is still running, a legitimate user still gets through (the probe's
 * last step), each refusal has its log line, and popgated exits 0 on
 * SIGTERM (teardown).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpopgate.h"

#define CHANNELS	4	/* ChannelsPerSession */

static struct {
	struct harness	*h;
	struct hgate	 gate;
	struct hpath	 rec_log;	/* one "accept" line per connection */
	struct hpath	 rec_data;	/* every byte that reached it */
	uint16_t	 rec_port;
} F;

static void
hostile_setup(void)
{
	char	extra[128];

	memset(&F, 0, sizeof(F));
	F.h = harness_new("hostile");
	ck_assert_msg(F.h != NULL, "cannot make a work folder");
	F.rec_log = harness_path(F.h, "recorder.txt");
	F.rec_data = harness_path(F.h, "recorder.data");
	F.rec_port = hfake_record_start(F.h, F.rec_log.s, F.rec_data.s);
	/* One address hammers on purpose: penalties have their own suite. */
	snprintf(extra, sizeof(extra), "ChannelsPerSession %d\n"
	    "PerSourcePenalties no\n", CHANNELS);
	hgate_prepare(F.h, &F.gate, F.rec_port, true, extra);
	hgate_start(F.h, &F.gate);
}

static void
hostile_teardown(void)
{
	if (F.h == NULL) {
		return;
	}
	harness_stop_all(F.h);
	hgate_check_exit(&F.gate);
	harness_free(F.h);
	F.h = NULL;
}

/* hostile.py PROBE ARGS... against the gateway; asserts it passed. */
static void
probe(const char *name, const char *const args[])
{
	hclient_hostile(F.h, &F.gate, name, args);
}

/* popgated is up and exactly n connections reached the backend. */
static void
assert_gate_ok(size_t n)
{
	size_t	got;

	ck_assert_msg(hproc_running(F.gate.proc), "popgated is gone; see %s",
	    F.gate.log);
	got = hlog_count(F.rec_log.s, HLINE("accept"));
	ck_assert_msg(got == n, "%zu connections reached the backend, want "
	    "%zu; see %s and %s", got, n, F.rec_log.s, F.gate.log);
}

/* At least n lines of popgated's log hold all of match. */
static void
assert_logged(size_t n, const char *const match[])
{
	ck_assert_msg(hlog_wait(F.gate.log, n, F.gate.proc, HARNESS_LOG_MS,
	    match, NULL, 0), "fewer than %zu lines with \"%s\"%s%s%s in %s",
	    n, match[0], match[1] != NULL ? " and \"" : "",
	    match[1] != NULL ? match[1] : "", match[1] != NULL ? "\"" : "",
	    F.gate.log);
}

START_TEST(test_hostile_forward_targets)
{
	char		 rec[5][48];
	const char	*args[] = {
		"127.0.0.1:22", "pop3:111", "pop3:0", "pop3:65535",
		"pop3:65647", "pop3:4294967295", "pop3.:110", "pop3 :110",
		":110", "pop3.example.org:110", "imap:143", "localhost:110",
		"127.0.0.1:110", "::1:110", "[::1]:110", "::ffff:127.0.0.1:110",
		"@long:110", rec[0], rec[1], rec[2], rec[3], rec[4],
		"pop3:65646", "POP3:110", NULL
	};
	size_t		 refused = 22, i;

	/* The backend's own address in every spelling. */
	snprintf(rec[0], sizeof(rec[0]), "127.0.0.1:%u", F.rec_port);
	snprintf(rec[1], sizeof(rec[1]), "localhost:%u", F.rec_port);
	snprintf(rec[2], sizeof(rec[2]), "0.0.0.0:%u", F.rec_port);
	snprintf(rec[3], sizeof(rec[3]), "2130706433:%u", F.rec_port);
	snprintf(rec[4], sizeof(rec[4]), "::ffff:127.0.0.1:%u", F.rec_port);
	for (i = 0; args[i] != NULL; i++) {
		continue;
	}
	ck_assert_uint_eq(i, refused + 2);
	probe("forward-targets", args);
	assert_logged(refused, HLINE("event=refused user=alice from=127.0.0.1:",
	    "request=direct-tcpip target="));
	/* pop3:65646 reaches popgated as pop3:110 (libssh keeps 16 bits),
	 * POP3 is pop3: both opened to the backend, then the legit one. */
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("event=tunnel-opened user=alice")), 3);
	assert_gate_ok(3);
}
END_TEST

START_TEST(test_hostile_session_requests)
{
	static const char *const refused[] = {
		"request=pty-req", "request=x11-req", "request=window-change",
		"request=channel-request", "request=shell", "request=exec",
		"request=subsystem", "request=tcpip-forward target=127.0.0.1:0",
		"request=cancel-tcpip-forward", "request=x11",
		"request=auth-agent", "request=channel-open"
	};
	size_t	i;

	probe("session-requests", NULL);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_logged(1, HLINE("event=refused user=alice", refused[i]));
	}
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("event=tunnel-opened")), 1);
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_auth)
{
	char	line[1024];

	probe("auth", NULL);
	assert_logged(1, HLINE("event=auth user=alice", "method=none "
	    "result=asked"));
	/* Empty password, 64 KiB password. */
	assert_logged(2, HLINE("event=auth user=alice",
	    "reason=wrong-password"));
	/* 64 KiB name, CR LF in the name: logged capped and escaped. */
	ck_assert(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=uuuu", "reason=bad-user-name"), line,
	    sizeof(line)));
	ck_assert_msg(strlen(line) < 400, "64 KiB user name logged whole");
	assert_logged(1, HLINE("event=auth user=alice\\x0d\\x0aroot",
	    "reason=bad-user-name"));
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("method=password result=accepted")), 0);
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_after_max_auth_tries)
{
	const char	*args[] = { "3", NULL };

	/* MaxAuthTries 3 (hgate's config), then the right password. */
	probe("maxauth", args);
	assert_logged(1, HLINE("event=auth-exhausted from=127.0.0.1:"));
	assert_logged(1, HLINE("reason=max-auth-tries"));
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("method=password result=failed")), 3);
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("method=password result=accepted")), 0);
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_channels_before_auth)
{
	probe("preauth", NULL);
	/* libssh's packet filter drops the client's USERAUTH_SUCCESS (52)
	 * and channel opens (90) before authentication, with the session. */
	/* (As kex-failed when popgated was still finishing the exchange.) */
	assert_logged(2, HLINE("from=127.0.0.1:", "error=\"Packet filter: "
	    "rejected packet (type 52)\""));
	assert_logged(2, HLINE("from=127.0.0.1:", "error=\"Packet filter: "
	    "rejected packet (type 90)\""));
	assert_logged(1, HLINE("event=refused user=- from=127.0.0.1:",
	    "request=service target=ssh-connection"));
	assert_logged(1, HLINE("reason=service-refused"));
	ck_assert_uint_eq(hlog_count(F.gate.log,
	    HLINE("event=tunnel-opened")), 1);
	ck_assert_uint_eq(hlog_count(F.gate.log, HLINE("result=accepted")), 1);
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_banners)
{
	probe("banners", NULL);
	assert_logged(3, HLINE("event=kex-failed from=127.0.0.1:",
	    "too large banner"));
	assert_logged(6, HLINE("event=kex-failed from=127.0.0.1:"));
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_oversized_packets)
{
	probe("oversized", NULL);
	assert_logged(3, HLINE("event=kex-failed from=127.0.0.1:",
	    "Packet len too high"));
	/*
	 * Right after key exchange (popgated may still be finishing it:
	 * kex-failed or connection-error) and after login: the session
	 * ends, logged.
	 */
	assert_logged(5, HLINE("from=127.0.0.1:", "Packet len too high"));
	assert_logged(1, HLINE("event=connection-error from=127.0.0.1:",
	    "Packet len too high"));
	assert_logged(1, HLINE("event=session-closed user=alice",
	    "reason=protocol-error"));
	assert_gate_ok(1);
}
END_TEST

START_TEST(test_hostile_data_after_eof)
{
	probe("data-after-eof", NULL);
	/* 17: "NOOP before-eof\r\n"; the 4 lines after EOF are 55 bytes. */
	assert_logged(1, HLINE("event=tunnel-closed user=alice", " up=17 "));
	assert_logged(1, HLINE("event=data-after-eof user=alice",
	    "bytes=55 dropped=yes"));
	ck_assert_msg(hfile_has(F.rec_data.s, "NOOP before-eof"),
	    "the data before EOF did not reach the backend; see %s",
	    F.rec_data.s);
	ck_assert_msg(!hfile_has(F.rec_data.s, "AFTER-EOF"),
	    "data sent after EOF reached the backend; see %s", F.rec_data.s);
	assert_gate_ok(2);
}
END_TEST

START_TEST(test_hostile_channel_flood)
{
	const char	*args[] = { "4", "20", NULL };

	_Static_assert(CHANNELS == 4, "the probe is told the limit");
	probe("channel-flood", args);
	/* 16 at once; the probe's wait for a free slot may add some. */
	ck_assert_uint_ge(hlog_count(F.gate.log,
	    HLINE("event=refused user=alice", "ChannelsPerSession-reached")),
	    16);
	/* The 4 allowed, one more once they closed, the legitimate one. */
	assert_gate_ok(CHANNELS + 2);
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite	*s = suite_create("hostile");
	TCase	*tc = NULL;

	tc = harness_tcase("session", hostile_setup, hostile_teardown, 180);
	tcase_add_test(tc, test_hostile_forward_targets);
	tcase_add_test(tc, test_hostile_session_requests);
	tcase_add_test(tc, test_hostile_data_after_eof);
	tcase_add_test(tc, test_hostile_channel_flood);
	suite_add_tcase(s, tc);
	tc = harness_tcase("auth", hostile_setup, hostile_teardown, 180);
	tcase_add_test(tc, test_hostile_auth);
	tcase_add_test(tc, test_hostile_after_max_auth_tries);
	tcase_add_test(tc, test_hostile_channels_before_auth);
	suite_add_tcase(s, tc);
	tc = harness_tcase("transport", hostile_setup, hostile_teardown, 180);
	tcase_add_test(tc, test_hostile_banners);
	tcase_add_test(tc, test_hostile_oversized_packets);
	suite_add_tcase(s, tc);
	return s;
}
