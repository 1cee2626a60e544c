/*
 * fault: popgated when things go wrong around it, through the real
 * chain (OpenSSH ssh -L, curl or a raw MUA socket, popgated, Dovecot or
 * a fake backend): backends that refuse, stay silent, or reset in the
 * middle of a 20 MiB message; failover to the next backend; reloads
 * (SIGHUP) while 20 transfers run, and what a reload changes; shutdown
 * (SIGTERM) with transfers running and with a tunnel that never ends; and
 * a mail client reading slowly while the backend sends 100 MiB.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "hresil.h"

#define BIG_MSG		6		/* HMAIL_BIG, with big mail */
#define TRANSFERS	20
#define HUPS		6
#define ENDING_MS	2000		/* the gateway's timeouts in tests */
#define FIREHOSE	(100ULL * 1024 * 1024)
#define SLOW_CHUNK	65536
#define RSS_BOUND_KIB	(4UL * 1024)

static struct harness	*H;
static struct hdovecot	 D;
static struct hgate	 G;

static void
fault_setup(void)
{
	memset(&D, 0, sizeof(D));
	memset(&G, 0, sizeof(G));
	H = harness_new("fault");
	ck_assert_msg(H != NULL, "cannot make a work folder");
}

static void
fault_teardown(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	hgate_check_exit(&G);
	harness_free(H);
	H = NULL;
}

static const struct hcred *
alice(void)
{
	static struct hcred	c;

	c.user = HARNESS_USER;
	c.key = G.userkey;
	c.password = NULL;
	return &c;
}

static uint16_t
tunnel(const char *target, struct hproc **ssh)
{
	uint16_t	port = hclient_tunnel(H, &G, alice(), target, ssh);

	ck_assert_msg(port != 0, "ssh -L %s did not come up; see %s and %s",
	    target, (*ssh)->err, G.log);
	return port;
}

static void
curl_ok(uint16_t port, size_t msg)
{
	struct hproc	*curl = hclient_curl_spawn(H, port, msg);
	char		 why[1024];

	ck_assert_msg(hclient_curl_verify(curl, &D.mail, msg, why,
	    sizeof(why)) == 0, "%s", why);
}

static void
sighup(void)
{
	ck_assert_int_eq(kill(G.proc->pid, SIGHUP), 0);
}

/* Waits for the n-th line of the log holding match. */
static void
log_wait(size_t n, const char *const match[], const char *what)
{
	ck_assert_msg(hlog_wait(G.log, n, G.proc, HARNESS_LOG_MS, match, NULL,
	    0), "no %s in %s", what, G.log);
}

/*
 * Three backends for one target: nothing listens on the first, the
 * second accepts and never says a word, the third is Dovecot. The mail
 * comes through the third, after the second's greeting timeout; a target
 * with only the silent backend gets the POP3 error within the timeout.
 */
START_TEST(test_fault_failover_past_refusing_and_silent)
{
	struct hproc	*ssh = NULL, *ssh2 = NULL;
	char		 extra[256], line[512], want[160];
	uint16_t	 closed = hnet_free_port(), silent, port, port2;
	long		 t0, took;
	size_t		 rest;
	int		 lfd, fd;

	lfd = hnet_listen(&silent);
	ck_assert(lfd >= 0 && closed != 0);
	hdovecot_start(H, &D, false);
	snprintf(extra, sizeof(extra), "Forward mail:110 127.0.0.1:%u "
	    "127.0.0.1:%u 127.0.0.1:%u\nForward hung:110 127.0.0.1:%u\n",
	    (unsigned)closed, (unsigned)silent, (unsigned)D.port,
	    (unsigned)silent);
	hgate_prepare(H, &G, D.port, false, extra);
	hfault_conf_set(&G, "BackendConnectTimeout", "2");
	hgate_start(H, &G);
	port = tunnel("mail:110", &ssh);
	t0 = harness_now_ms();
	curl_ok(port, 2);
	took = harness_now_ms() - t0;
	ck_assert_msg(took >= ENDING_MS - 100, "mail in %ld ms: the silent "
	    "backend was not waited for", took);
	snprintf(want, sizeof(want), "backend=127.0.0.1:%u error=\"Connection "
	    "refused\" next=127.0.0.1:%u", (unsigned)closed,
	    (unsigned)silent);
	log_wait(1, HLINE("event=backend-unreachable user=alice ", want),
	    "failover past the refusing backend");
	snprintf(want, sizeof(want), "backend=127.0.0.1:%u error=\"no "
	    "greeting in time\" next=127.0.0.1:%u", (unsigned)silent,
	    (unsigned)D.port);
	log_wait(1, HLINE("event=backend-unreachable user=alice ", want),
	    "failover past the silent backend");
	snprintf(want, sizeof(want), "backend=127.0.0.1:%u ", (unsigned)D.port);
	log_wait(1, HLINE("event=tunnel-closed user=alice", "target=mail:110",
	    want, "reason=eof"), "tunnel through the third backend");

	/* Only the silent one: an error within the timeout, then the end. */
	port2 = tunnel("hung:110", &ssh2);
	fd = hnet_connect(port2, HARNESS_START_MS, ssh2);
	ck_assert(fd >= 0);
	t0 = harness_now_ms();
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    ENDING_MS + HARNESS_LOG_MS) > 0, "no answer from a silent "
	    "backend's tunnel");
	took = harness_now_ms() - t0;
	ck_assert_str_eq(line,
	    "-ERR [SYS/TEMP] popgated: mail server unavailable\r\n");
	ck_assert_msg(took >= ENDING_MS - 100 && took < ENDING_MS + 10000,
	    "-ERR after %ld ms, want about %d", took, ENDING_MS);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &rest) == 0 &&
	    rest == 0, "tunnel not closed after the -ERR line");
	close(fd);
	close(lfd);
	ck_assert_msg(hproc_running(ssh) && hproc_running(ssh2),
	    "an ssh session ended; see %s", G.log);
}
END_TEST

/*
 * RETR msg as alice on a fresh MUA connection to port, by hand: the
 * octets after the "+OK" line, and whether the ".\r\n" line ended them
 * (rather than the connection ending first).
 */
static void
retr_raw(uint16_t port, struct hproc *ssh, size_t msg, size_t *got,
    bool *whole)
{
	static char	buf[65536];
	struct pollfd	pfd;
	char		line[512], tail[5] = "", cmd[64];
	size_t		i, keep;
	ssize_t		n;
	int		fd = hnet_connect(port, HARNESS_START_MS, ssh);

	ck_assert(fd >= 0);
	snprintf(cmd, sizeof(cmd), "USER %s\r\nPASS %s\r\nRETR %zu\r\n",
	    HARNESS_USER, HARNESS_POP3_PASS, msg);
	ck_assert(hnet_write_str(fd, cmd) == 0);
	for (i = 0; i < 4; i++) {
		ck_assert(hnet_read_line(fd, line, sizeof(line),
		    HARNESS_LOG_MS) > 0);
		ck_assert_msg(strncmp(line, "+OK", 3) == 0, "POP3 said %s",
		    line);
	}
	*got = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		ck_assert_msg(poll(&pfd, 1, HARNESS_LOG_MS) == 1, "the MUA "
		    "connection hangs after %zu octets", *got);
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			break;
		}
		*got += (size_t)n;
		keep = (size_t)n < sizeof(tail) ? (size_t)n : sizeof(tail);
		memmove(tail, tail + keep, sizeof(tail) - keep);
		memcpy(tail + sizeof(tail) - keep, buf + n - keep, keep);
		if (*got >= D.mail.size[msg - 1] &&
		    memcmp(tail, "\r\n.\r\n", 5) == 0) {
			break;
		}
	}
	*whole = memcmp(tail, "\r\n.\r\n", 5) == 0;
	close(fd);
}

/*
 * The backend breaks 5 MiB into the 20 MiB message: the mail client
 * sees its connection end before the message did (never a short message
 * that looks whole), the session and the gateway go on, and the next
 * RETR is intact.
 */
START_TEST(test_fault_backend_reset_mid_retr)
{
	struct hproc	*ssh = NULL;
	char		 extra[128];
	uint16_t	 proxy, port;
	size_t		 got = 0;
	bool		 whole = true;

	hdovecot_start(H, &D, true);
	proxy = hfault_proxy_start(H, D.port, 5u * 1024 * 1024);
	snprintf(extra, sizeof(extra), "Forward mail:110 127.0.0.1:%u\n",
	    (unsigned)proxy);
	hgate_prepare(H, &G, D.port, false, extra);
	hgate_start(H, &G);
	port = tunnel("mail:110", &ssh);
	retr_raw(port, ssh, BIG_MSG, &got, &whole);
	ck_assert_msg(!whole && got < D.mail.size[BIG_MSG - 1], "the MUA got "
	    "%zu octets%s from a backend that broke after 5 MiB", got,
	    whole ? " and the end-of-message line" : "");
	log_wait(1, HLINE("event=tunnel-closed user=alice", "target=mail:110",
	    "reason=reset"), "\"reason=reset\" tunnel line");
	ck_assert_msg(hproc_running(ssh), "ssh left; see %s", ssh->err);
	retr_raw(port, ssh, BIG_MSG, &got, &whole);
	ck_assert_msg(whole, "the next RETR was cut too (%zu octets)", got);
	curl_ok(port, BIG_MSG);
	hclient_assert_serves(H, &G, &D.mail);
}
END_TEST

/* config with keyword set to value, then SIGHUP and its log line. */
static void
reload_with(const char *keyword, const char *value, size_t nth,
    bool good)
{
	hfault_conf_set(&G, keyword, value);
	sighup();
	if (good) {
		log_wait(nth, HLINE("event=reloaded file=", "popgated.conf"),
		    "\"event=reloaded\" line");
	} else {
		log_wait(nth, HLINE("level=error event=reload-failed "
		    "kept=previous cause=config-failed error=",
		    "popgated.conf:"), "\"event=reload-failed\" line");
	}
}

/* SIGHUP, good and broken, again and again while 20 RETRs of 20 MiB run. */
START_TEST(test_fault_sighup_during_transfers)
{
	struct hproc	*ssh = NULL, *p[TRANSFERS];
	char		 why[1024];
	uint16_t	 port;
	size_t		 i, running;

	hdovecot_start(H, &D, true);
	hgate_prepare(H, &G, D.port, false, NULL);
	hgate_start(H, &G);
	port = tunnel("pop3:110", &ssh);
	for (i = 0; i < TRANSFERS; i++) {
		p[i] = hclient_curl_spawn(H, port, BIG_MSG);
	}
	log_wait(1 + TRANSFERS, HLINE("event=tunnel-opened user=alice"),
	    "tunnel for every transfer");
	for (i = 0; i < HUPS; i++) {
		reload_with("MaxAuthTries", i % 2 == 0 ? "4" : "3", i + 1,
		    true);
		if (i == 2) {
			reload_with("Bogus", "yes", 1, false);
			hfault_conf_set(&G, "Bogus", NULL);
		}
	}
	for (i = 0, running = 0; i < TRANSFERS; i++) {
		running += hproc_running(p[i]);
	}
	ck_assert_msg(running > 0, "every transfer had ended before the "
	    "reloads: nothing was tested");
	for (i = 0; i < TRANSFERS; i++) {
		ck_assert_msg(hclient_curl_verify(p[i], &D.mail, BIG_MSG, why,
		    sizeof(why)) == 0, "transfer %zu of %d: %s", i + 1,
		    TRANSFERS, why);
	}
	ck_assert_msg(hproc_running(ssh), "ssh left; see %s", ssh->err);
	ck_assert_uint_eq(hlog_count(G.log, HLINE("event=reloaded ")), HUPS);
	hclient_assert_serves(H, &G, &D.mail);
}
END_TEST

/* A TCP connection to addr:port (one try), or -1. */
static int
connect_to(const char *addr, uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	ck_assert(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A MUA connection to port: the greeting line, or "" when refused. */
static void
greeting(uint16_t port, struct hproc *ssh, char *line, size_t len)
{
	size_t	got;
	int	fd = hnet_connect(port, HARNESS_START_MS, ssh);

	ck_assert(fd >= 0);
	line[0] = '\0';
	if (hnet_read_line(fd, line, len, HARNESS_LOG_MS) <= 0) {
		line[0] = '\0';
	}
	hnet_read_end(fd, 100, &got);
	close(fd);
}

/*
 * What a reload changes is for new sessions only: a forward added is
 * refused to a session opened before and served to one opened after; a
 * new host key is what new clients see; a ListenAddress added is bound;
 * a broken file changes nothing and says where it is broken.
 */
START_TEST(test_fault_reload_is_for_new_sessions)
{
	struct hproc	*old = NULL, *fresh = NULL, *bad = NULL;
	struct hargv	 a;
	char		 line[512], fwd[160], pub[HARNESS_PATH + 8];
	struct hpath	 key = harness_path(H, "rotated_host_key");
	struct hpath	 kh = harness_path(H, "known_hosts.rotated");
	uint16_t	 p_old, p_new, port2;
	int		 fd;

	hdovecot_start(H, &D, false);
	hgate_prepare(H, &G, D.port, false, NULL);
	hgate_start(H, &G);
	p_old = tunnel("extra:110", &old);
	greeting(p_old, old, line, sizeof(line));
	ck_assert_msg(line[0] == '\0', "extra:110 served before it was "
	    "configured: \"%s\"", line);

	/* The file's pop3:110 line and the new one. */
	snprintf(fwd, sizeof(fwd), "pop3:110 127.0.0.1:%u\nForward extra:110 "
	    "127.0.0.1:%u", (unsigned)D.port, (unsigned)D.port);
	reload_with("Forward", fwd, 1, true);
	greeting(p_old, old, line, sizeof(line));
	ck_assert_msg(line[0] == '\0', "a session opened before the reload "
	    "got the new forward: \"%s\"", line);
	p_new = tunnel("extra:110", &fresh);
	curl_ok(p_new, 1);

	/* A broken file: the line is named, the old configuration serves. */
	reload_with("Forward", "extra:110", 1, false);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=reload-failed", "popgated.conf:", ": Forward: "
	    "missing argument"), NULL, 0), "no FILE:LINE in the failure; "
	    "see %s", G.log);
	curl_ok(p_new, 2);

	/* Host key rotation, and a second listener. */
	hgate_keygen(H, key.s, "rotated@integ");
	hfault_conf_set(&G, "Forward", fwd);
	hfault_conf_set(&G, "HostKey", key.s);
	reload_with("ListenAddress", "127.0.0.1:0\nListenAddress 127.0.0.2:0",
	    2, true);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=listening addr=127.0.0.2:"), line, sizeof(line)),
	    "no second listener; see %s", G.log);
	port2 = (uint16_t)strtoul(strrchr(line, ':') + 1, NULL, 10);
	ck_assert_uint_eq(hlog_count(G.log,
	    HLINE("event=listening addr=127.0.0.1:")),
	    1);
	hclient_ssh_argv(&a, "ssh", &G, alice());
	hargv_add(&a, "-N");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	bad = hclient_ssh_spawn(H, "ssh-old-key", &a, alice());
	ck_assert_int_eq(hproc_wait(bad, HARNESS_EXIT_MS), 255);
	ck_assert_msg(hfile_has(bad->err, "Host key verification failed") ||
	    hfile_has(bad->err, "HOST IDENTIFICATION HAS CHANGED"),
	    "ssh did not see the new host key; see %s", bad->err);
	snprintf(pub, sizeof(pub), "%s.pub", key.s);
	hgate_known_hosts(kh.s, pub, G.port);
	snprintf(G.known_hosts, sizeof(G.known_hosts), "%s", kh.s);
	hclient_assert_serves(H, &G, &D.mail);
	fd = connect_to("127.0.0.2", port2);
	ck_assert_msg(fd >= 0, "nothing on 127.0.0.2:%u", (unsigned)port2);
	close(fd);
	/* The sessions from before still work. */
	curl_ok(p_new, 1);
	ck_assert(hproc_running(old) && hproc_running(fresh));
}
END_TEST

/*
 * SIGTERM while five 20 MiB transfers run: no new connection is taken,
 * the transfers finish intact, popgated exits 0 as soon as they are done.
 */
START_TEST(test_fault_sigterm_lets_transfers_finish)
{
	struct hproc	*ssh = NULL, *p[5];
	char		 why[1024];
	uint16_t	 port;
	size_t		 i;
	long		 t0;
	int		 fd, st;

	hdovecot_start(H, &D, true);
	hgate_prepare(H, &G, D.port, false, NULL);
	hgate_start(H, &G);
	port = tunnel("pop3:110", &ssh);
	for (i = 0; i < 5; i++) {
		p[i] = hclient_curl_spawn(H, port, BIG_MSG);
	}
	log_wait(1 + 5, HLINE("event=tunnel-opened user=alice"), "tunnels");
	t0 = harness_now_ms();
	ck_assert_int_eq(kill(G.proc->pid, SIGTERM), 0);
	log_wait(1, HLINE("event=shutting-down sessions=1 grace=30s"),
	    "\"shutting down\" line");
	fd = hnet_connect(G.port, 0, NULL);
	ck_assert_msg(fd < 0, "popgated still accepts after SIGTERM");
	for (i = 0; i < 5; i++) {
		ck_assert_msg(hclient_curl_verify(p[i], &D.mail, BIG_MSG, why,
		    sizeof(why)) == 0, "transfer %zu: %s", i + 1, why);
	}
	st = hproc_wait(G.proc, 30000 + HARNESS_LOG_MS);
	ck_assert_msg(st == 0, "popgated exited %d after SIGTERM; see %s", st,
	    G.log);
	ck_assert_msg(harness_now_ms() - t0 < 30000, "shutdown took the whole "
	    "ShutdownGrace though the tunnels had ended");
	log_wait(1, HLINE("event=session-closed user=alice", "reason=shutdown"),
	    "session ended by the shutdown");
}
END_TEST

/* A tunnel that never ends is closed at ShutdownGrace, and popgated exits 0. */
START_TEST(test_fault_sigterm_grace_closes_stuck_tunnels)
{
	struct hproc	*ssh = NULL;
	char		 line[512];
	uint16_t	 port;
	size_t		 got;
	long		 t0, took;
	int		 fd, st;

	hdovecot_start(H, &D, false);
	hgate_prepare(H, &G, D.port, false, NULL);
	hfault_conf_set(&G, "ShutdownGrace", "2");
	hgate_start(H, &G);
	port = tunnel("pop3:110", &ssh);
	fd = hnet_connect(port, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0);
	t0 = harness_now_ms();
	ck_assert_int_eq(kill(G.proc->pid, SIGTERM), 0);
	ck_assert_msg(hnet_read_end(fd, ENDING_MS + HARNESS_LOG_MS, &got) !=
	    -1, "the idle tunnel outlived ShutdownGrace");
	took = harness_now_ms() - t0;
	close(fd);
	ck_assert_msg(took >= ENDING_MS - 100, "tunnel closed after %ld ms, "
	    "before ShutdownGrace (%d ms)", took, ENDING_MS);
	st = hproc_wait(G.proc, HARNESS_EXIT_MS);
	ck_assert_msg(st == 0, "popgated exited %d; see %s", st, G.log);
	log_wait(1, HLINE("event=shutdown-grace-over sessions=1"),
	    "grace line");
	log_wait(1, HLINE("event=tunnel-closed user=alice", "reason=shutdown"),
	    "tunnel closed at shutdown");
}
END_TEST

/*
 * The backend sends 100 MiB as fast as it can; the mail client takes
 * 64 KiB every few milliseconds. The session process must not buffer the
 * difference: its RSS stays within RSS_BOUND_KIB of where it started.
 */
START_TEST(test_fault_slow_reader_memory_bounded)
{
	static char	 buf[SLOW_CHUNK];
	struct hproc	*ssh = NULL;
	char		 extra[128], line[512], asan[512];
	const char	*env[2] = { NULL, NULL };
	const char	*old = getenv("ASAN_OPTIONS");
	unsigned long	 base, rss, peak = 0;
	uint64_t	 total = 0, want;
	uint16_t	 fire, port;
	pid_t		 child;
	ssize_t		 n;
	int		 fd, reads = 0;

	fire = hfault_firehose_start(H, FIREHOSE);
	snprintf(extra, sizeof(extra), "Forward mail:110 127.0.0.1:%u\n",
	    (unsigned)fire);
	hgate_prepare(H, &G, fire, false, extra);
	/* Under ASan, freed memory is held back (quarantine): not ours. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%squarantine_size_mb=1",
	    old != NULL ? old : "", old != NULL ? ":" : "");
	env[0] = asan;
	hgate_start_env(H, &G, env);
	port = tunnel("mail:110", &ssh);
	fd = hnet_connect(port, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0);
	child = hfault_session_pid(&G, 2,
	    HLINE("event=tunnel-opened user=alice"));
	base = hfault_rss_kib(child);
	ck_assert(base > 0);
	ck_assert(hnet_write_str(fd, "RETR 1\r\n") == 0);
	want = strlen("+OK firehose\r\n") + FIREHOSE + 5;
	while (total < want) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		ck_assert_msg(n > 0, "stream ended after %llu of %llu bytes",
		    (unsigned long long)total, (unsigned long long)want);
		total += (uint64_t)n;
		if (++reads % 64 == 0) {
			rss = hfault_rss_kib(child);
			peak = rss > peak ? rss : peak;
		}
		harness_sleep_ms(1);
	}
	close(fd);
	ck_assert_msg(peak > 0, "could not read the session's RSS");
	ck_assert_msg(peak < base + RSS_BOUND_KIB, "session process grew from "
	    "%lu KiB to %lu KiB while a slow reader took 100 MiB", base, peak);
	fprintf(stderr, "fault: slow reader: session RSS %lu KiB -> peak %lu "
	    "KiB over %llu bytes\n", base, peak, (unsigned long long)total);
}
END_TEST

Suite *
fault_suite(void)
{
	Suite	*s = suite_create("fault");
	TCase	*tc = NULL;

	tc = harness_tcase("backends", fault_setup, fault_teardown, 120);
	tcase_add_test(tc, test_fault_failover_past_refusing_and_silent);
	tcase_add_test(tc, test_fault_backend_reset_mid_retr);
	suite_add_tcase(s, tc);
	tc = harness_tcase("reload", fault_setup, fault_teardown, 240);
	tcase_add_test(tc, test_fault_sighup_during_transfers);
	tcase_add_test(tc, test_fault_reload_is_for_new_sessions);
	suite_add_tcase(s, tc);
	tc = harness_tcase("shutdown", fault_setup, fault_teardown, 180);
	tcase_add_test(tc, test_fault_sigterm_lets_transfers_finish);
	tcase_add_test(tc, test_fault_sigterm_grace_closes_stuck_tunnels);
	suite_add_tcase(s, tc);
	tc = harness_tcase("memory", fault_setup, fault_teardown, 180);
	tcase_add_test(tc, test_fault_slow_reader_memory_bounded);
	suite_add_tcase(s, tc);
	return s;
}
