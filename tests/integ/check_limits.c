/*
 * limits: popgated against abuse, and what it tells its admin. A flood
 * of 200 half-open connections from one address while a user logs in
 * from another (MaxStartups, PerSourceMaxStartups, LoginGraceTime, and
 * the penalty the timeouts earn); a password brute force from one
 * address (penalised before key exchange; another address logs in at
 * once); IdleTimeout, UnusedConnectionTimeout and MaxSessionsPerUser at
 * work; `popgated status` as text, as JSON, to a stranger and on a
 * stopped gateway. 127.0.0.0/8 is all loopback: sources differ by
 * address (ssh -b).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "popgate/control.h"
#include "hresil.h"

#define FLOOD		200
#define GRACE_S		5
#define TIMEOUT_S	2
#define NOBODY		65534

static struct harness	*H;
static struct hdovecot	 D;
static struct hgate	 G;

static void
limits_setup(void)
{
	memset(&D, 0, sizeof(D));
	memset(&G, 0, sizeof(G));
	H = harness_new("limits");
	ck_assert_msg(H != NULL, "cannot make a work folder");
}

static void
limits_teardown(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	hgate_check_exit(&G);
	harness_free(H);
	H = NULL;
}

/* Dovecot and popgated; keyword/value pairs (NULL-terminated) set first. */
static void
up(bool passwords, const char *const *set)
{
	size_t	i;

	hdovecot_start(H, &D, false);
	hgate_prepare(H, &G, D.port, passwords, NULL);
	for (i = 0; set != NULL && set[i] != NULL; i += 2) {
		hfault_conf_set(&G, set[i], set[i + 1]);
	}
	hgate_start(H, &G);
}

static struct hcred
key_cred(void)
{
	struct hcred	c = { HARNESS_USER, G.userkey, NULL };

	return c;
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
log_wait(size_t n, const char *const match[], int ms, const char *what)
{
	ck_assert_msg(hlog_wait(G.log, n, G.proc, ms, match, NULL, 0),
	    "no %s in %s", what, G.log);
}

/* Polls `popgated status --json` until its answer holds needle. */
static void
status_wait(const char *needle)
{
	struct hproc	*st = NULL;
	long		 deadline = harness_now_ms() + HARNESS_LOG_MS;

	for (;;) {
		if (hfault_status(H, &G, true, &st) == 0 &&
		    hfile_has(st->out, needle)) {
			return;
		}
		ck_assert_msg(harness_now_ms() < deadline, "status never "
		    "showed %s; last: %s", needle, st->out);
		harness_sleep_ms(100);
	}
}

/* A connection from 127.0.0.1: the SSH banner, or refused at once. */
static bool
banner(void)
{
	char	line[256];
	int	fd = hnet_connect(G.port, HARNESS_START_MS, G.proc);
	bool	got;

	ck_assert(fd >= 0);
	got = hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0 &&
	    strncmp(line, "SSH-2.0-", 8) == 0;
	close(fd);
	return got;
}

static int
half_open(void)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(G.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		ck_assert_msg(errno == EINPROGRESS, "connect: %s",
		    strerror(errno));
	}
	return fd;
}

/*
 * 200 connections from 127.0.0.1 that never send a banner: eight get a
 * session process (PerSourceMaxStartups), the rest are closed at once,
 * and a user from 127.0.0.2 logs in and fetches mail meanwhile. When
 * LoginGraceTime ends the eight, their timeouts earn 127.0.0.1 a penalty
 * that 127.0.0.2 does not share.
 */
START_TEST(test_limits_half_open_flood_spares_others)
{
	static const char *const set[] = { "LoginGraceTime", "5", NULL };
	const struct hcred	 c = key_cred();
	struct hproc		*ssh = NULL;
	int			 fds[FLOOD];
	uint16_t		 port;
	size_t			 i;

	up(false, set);
	for (i = 0; i < FLOOD; i++) {
		fds[i] = half_open();
	}
	log_wait(8, HLINE(" event=connection from=127.0.0.1:"), HARNESS_LOG_MS,
	    "8 session processes for the flood");
	log_wait(1, HLINE("event=connection-dropped from=127.0.0.1:",
	    "reason=per-source-max-startups", "persourcemaxstartups=8"),
	    HARNESS_LOG_MS, "per-source drop");
	status_wait("\"unauthenticated\":8,");
	port = hfault_tunnel(H, &G, &c, "pop3:110", "127.0.0.2", &ssh);
	ck_assert_msg(port != 0, "the user from 127.0.0.2 could not log in "
	    "during the flood; see %s and %s", ssh->err, G.log);
	log_wait(1, HLINE("event=auth user=alice from=127.0.0.2:",
	    "result=accepted"), HARNESS_LOG_MS, "login from 127.0.0.2");
	curl_ok(port, 2);
	ck_assert_uint_eq(hlog_count(G.log,
	    HLINE(" event=connection from=127.0.0.1:")), 8);
	/* LoginGraceTime ends the eight: grace-exceeded, 8 x 10 s. */
	log_wait(8, HLINE("event=session-closed user=- from=127.0.0.1:",
	    "reason=login-grace-time"),
	    GRACE_S * 1000 + HARNESS_LOG_MS, "LoginGraceTime for the flood");
	log_wait(1, HLINE("event=penalty source=127.0.0.1/32 "
	    "reason=grace-exceeded"), HARNESS_LOG_MS,
	    "penalty for the flooding address");
	ck_assert_msg(!banner(), "127.0.0.1 still gets a banner while "
	    "penalised");
	for (i = 0; i < FLOOD; i++) {
		close(fds[i]);
	}
	curl_ok(port, 1);
	hproc_stop(ssh);
	port = hfault_tunnel(H, &G, &c, "pop3:110", "127.0.0.2", &ssh);
	ck_assert_msg(port != 0, "127.0.0.2 refused after 127.0.0.1's penalty");
	curl_ok(port, 3);
}
END_TEST

/*
 * Connections from 127.0.0.1 try three wrong passwords each. Each adds
 * 5 s (authfail) to the address's account, which drains as time passes;
 * the fourth at the latest takes it past 15 s (min), and 127.0.0.1 is
 * refused before any key exchange, even with the right password.
 * 127.0.0.3 logs in at once, as the same user.
 */
START_TEST(test_limits_brute_force_penalised)
{
	const struct hcred	 bad = { HARNESS_USER, NULL, "guess-again" };
	const struct hcred	 good = { HARNESS_USER, NULL,
				    HARNESS_SSH_PASS };
	struct hproc		*p = NULL, *ssh = NULL;
	struct hargv		 a;
	uint16_t		 port;
	size_t			 i, conns;
	long			 t0;

	up(true, NULL);
	for (i = 0; i < 4 && !hfile_has(G.log, "event=penalty source="); i++) {
		p = hfault_session(H, &G, &bad, "127.0.0.1");
		ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 255);
		log_wait(i + 1, HLINE("event=session-closed user=- "
		    "from=127.0.0.1:", "reason=max-auth-tries"), HARNESS_LOG_MS,
		    "end of a guessing session");
		harness_sleep_ms(100);	/* reaped and charged */
	}
	ck_assert_uint_eq(hlog_count(G.log, HLINE("event=auth user=alice "
	    "from=127.0.0.1:", "reason=wrong-password")), 3 * i);
	log_wait(1, HLINE("event=penalty source=127.0.0.1/32 reason=authfail "
	    "refused=", "s penalties=1"), HARNESS_LOG_MS,
	    "brute force penalty");
	conns = hlog_count(G.log, HLINE(" event=connection from=127.0.0.1:"));
	ck_assert_uint_eq(conns, i);
	/* The right password does not help 127.0.0.1 now. */
	hclient_ssh_argv(&a, "ssh", &G, &good);
	hargv_add(&a, "-N");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	p = hclient_ssh_spawn(H, "ssh-penalised", &a, &good);
	ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 255);
	ck_assert_msg(!hfile_has(p->err, "Permission denied"),
	    "127.0.0.1 got as far as authentication; see %s", p->err);
	ck_assert_uint_eq(hlog_count(G.log,
	    HLINE(" event=connection from=127.0.0.1:")), conns);
	/* Another address at once, same user. */
	t0 = harness_now_ms();
	port = hfault_tunnel(H, &G, &good, "pop3:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "127.0.0.3 could not log in; see %s and %s",
	    ssh->err, G.log);
	ck_assert_msg(harness_now_ms() - t0 < 10000, "127.0.0.3 waited %ld "
	    "ms", harness_now_ms() - t0);
	curl_ok(port, 1);
	/* Logged once per penalty. */
	ck_assert_uint_eq(hlog_count(G.log, HLINE("event=penalty source=")), 1);
}
END_TEST

/* A silent tunnel is closed after IdleTimeout; a talking one is not. */
START_TEST(test_limits_idle_timeout)
{
	static const char *const set[] = { "IdleTimeout", "2", NULL };
	const struct hcred	 c = key_cred();
	struct hproc		*ssh = NULL;
	char			 line[512];
	uint16_t		 port;
	size_t			 got;
	long			 t0, took;
	int			 quiet, busy, i;

	up(false, set);
	port = hclient_tunnel(H, &G, &c, "pop3:110", &ssh);
	ck_assert(port != 0);
	quiet = hnet_connect(port, HARNESS_START_MS, ssh);
	busy = hnet_connect(port, HARNESS_START_MS, ssh);
	ck_assert(quiet >= 0 && busy >= 0);
	ck_assert(hnet_read_line(quiet, line, sizeof(line), HARNESS_LOG_MS) >
	    0);
	ck_assert(hnet_read_line(busy, line, sizeof(line), HARNESS_LOG_MS) >
	    0);
	t0 = harness_now_ms();
	/* A command every 500 ms for twice the timeout. */
	for (i = 0; i < 4 * TIMEOUT_S; i++) {
		harness_sleep_ms(500);
		ck_assert_msg(hnet_write_str(busy, "USER alice\r\n") == 0 &&
		    hnet_read_line(busy, line, sizeof(line),
		    HARNESS_LOG_MS) > 0 && strncmp(line, "+OK", 3) == 0,
		    "a busy tunnel was closed after %ld ms",
		    harness_now_ms() - t0);
	}
	ck_assert_msg(hnet_read_end(quiet, HARNESS_LOG_MS, &got) != -1,
	    "the idle tunnel was not closed");
	took = harness_now_ms() - t0;
	ck_assert_msg(took >= TIMEOUT_S * 1000 - 100, "closed after %ld ms",
	    took);
	log_wait(1, HLINE("event=tunnel-closed user=alice",
	    "reason=idle-timeout"), HARNESS_LOG_MS, "idle-timeout tunnel line");
	ck_assert_uint_eq(hlog_count(G.log, HLINE("reason=idle-timeout")), 1);
	close(quiet);
	close(busy);
}
END_TEST

/* A session with no tunnel ends after UnusedConnectionTimeout. */
START_TEST(test_limits_unused_connection_timeout)
{
	static const char *const set[] = { "UnusedConnectionTimeout", "2",
	    NULL };
	const struct hcred	 c = key_cred();
	struct hproc		*bare = NULL, *ssh = NULL;
	char			 line[512];
	uint16_t		 port;
	long			 t0;
	int			 fd;

	up(false, set);
	t0 = harness_now_ms();
	bare = hfault_session(H, &G, &c, "127.0.0.1");
	ck_assert_int_eq(hproc_wait(bare, HARNESS_EXIT_MS), 255);
	ck_assert_msg(harness_now_ms() - t0 >= TIMEOUT_S * 1000 - 100,
	    "ended before the timeout");
	ck_assert_msg(hfile_has(bare->err, "UnusedConnectionTimeout"),
	    "ssh was not told why; see %s", bare->err);
	log_wait(1, HLINE("event=session-closed user=alice",
	    "reason=unused-connection-timeout"), HARNESS_LOG_MS,
	    "unused-connection-timeout line");
	/* With a tunnel open it stays, however long. */
	port = hclient_tunnel(H, &G, &c, "pop3:110", &ssh);
	ck_assert(port != 0);
	fd = hnet_connect(port, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0);
	harness_sleep_ms(3 * TIMEOUT_S * 1000);
	ck_assert_msg(hproc_running(ssh), "a session with a tunnel was "
	    "closed; see %s", ssh->err);
	close(fd);
	ck_assert_int_eq(hproc_wait(ssh, TIMEOUT_S * 1000 + HARNESS_LOG_MS),
	    255);
	ck_assert_uint_eq(hlog_count(G.log,
	    HLINE("reason=unused-connection-timeout")), 2);
}
END_TEST

/* Two sessions for alice; the third is told and refused; then room. */
START_TEST(test_limits_max_sessions_per_user)
{
	static const char *const set[] = { "MaxSessionsPerUser", "2", NULL };
	const struct hcred	 c = key_cred();
	struct hproc		*s1 = NULL, *s2 = NULL, *s3 = NULL, *ssh = NULL;
	uint16_t		 port;

	up(false, set);
	s1 = hfault_session(H, &G, &c, "127.0.0.1");
	s2 = hfault_session(H, &G, &c, "127.0.0.2");
	log_wait(2, HLINE("event=auth user=alice", "result=accepted"),
	    HARNESS_LOG_MS, "two logins");
	s3 = hfault_session(H, &G, &c, "127.0.0.3");
	ck_assert_int_eq(hproc_wait(s3, HARNESS_EXIT_MS), 255);
	ck_assert_msg(hfile_has(s3->err, "too many sessions for alice "
	    "(MaxSessionsPerUser 2)"), "ssh was not told why; see %s",
	    s3->err);
	log_wait(1, HLINE("event=refused user=alice from=127.0.0.3:",
	    "reason=MaxSessionsPerUser sessions=2"), HARNESS_LOG_MS,
	    "MaxSessionsPerUser refusal");
	ck_assert(hproc_running(s1) && hproc_running(s2));
	hproc_stop(s1);
	status_wait("\"totals\":{\"sessions\":1,");
	port = hfault_tunnel(H, &G, &c, "pop3:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "no room after a session ended; see %s",
	    G.log);
	curl_ok(port, 1);
}
END_TEST

struct stranger {
	const char	*dir;
	bool		 open_file;	/* socket file made 0666 by the test */
};

/* As uid nobody, asks the gateway; exit 2: refused as expected. */
static int
stranger_main(void *arg)
{
	const struct stranger	*s = arg;
	char			 err[512];

	if (chdir(s->dir) != 0 || setgroups(0, NULL) != 0 ||
	    setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
		fprintf(stderr, "stranger: cannot become nobody\n");
		return 1;
	}
	if (control_ask("ctl.sock", "status", 5000, stdout, err,
	    sizeof(err)) == 0) {
		fprintf(stderr, "stranger: got an answer\n");
		return 1;
	}
	fprintf(stderr, "stranger: %s\n", err);
	if (errno != EACCES) {
		return 1;
	}
	/* Only the gateway's own check says who may ask. */
	return s->open_file == (strstr(err, "root or the gateway's user") !=
	    NULL) ? 2 : 1;
}

/*
 * popgated status: a table and JSON (checked by Python's json) with the
 * session, its tunnel and bytes, and the totals; nobody gets refused by
 * the socket's mode and, past it, by the gateway; a stopped gateway says
 * so and exits 1.
 */
START_TEST(test_limits_status)
{
	const struct hcred	 c = key_cred();
	const struct hcred	 stranger_key = { HARNESS_USER, G.otherkey,
				    NULL };
	struct stranger		 s = { H->dir, false };
	struct hproc		*ssh = NULL, *st = NULL, *p = NULL;
	struct hpath		 sock;
	struct hargv		 a;
	char			 line[512];
	uint16_t		 port;
	int			 fd;

	up(false, NULL);
	sock = harness_path(H, "ctl.sock");
	port = hclient_tunnel(H, &G, &c, "pop3:110", &ssh);
	ck_assert(port != 0);
	fd = hnet_connect(port, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0);
	/* An auth failure from elsewhere, for the totals. */
	p = hfault_session(H, &G, &stranger_key, "127.0.0.3");
	ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 255);
	status_wait("\"unauthenticated\":0,\"tunnels\":1,"
	    "\"auth_failures\":1,");

	ck_assert_int_eq(hfault_status(H, &G, false, &st), 0);
	ck_assert_msg(hfile_has(st->out, "USER   SOURCE") &&
	    hfile_has(st->out, "\nalice  127.0.0.1:") &&
	    hfile_has(st->out, "sessions 1, unauthenticated 0, tunnels 1, "
	    "auth failures 1, penalised sources 0\n"), "unexpected status; "
	    "see %s", st->out);
	ck_assert_int_eq(hfault_status(H, &G, true, &st), 0);
	hargv_init(&a);
	hargv_add(&a, "python3");
	hargv_add(&a, "-c");
	hargv_add(&a, "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "s = d['sessions']\n"
	    "assert d['state'] == 'running', d\n"
	    "assert len(s) == 1 and s[0]['user'] == 'alice', s\n"
	    "assert s[0]['tunnels'] == 1 and s[0]['bytes_down'] > 0, s\n"
	    "assert s[0]['source'].startswith('127.0.0.1:'), s\n"
	    "t = d['totals']\n"
	    "assert t == {'sessions': 1, 'unauthenticated': 0, 'tunnels': 1,"
	    " 'auth_failures': 1, 'penalised_sources': 0}, t\n");
	hargv_add(&a, "%s", st->out);
	ck_assert_msg(hproc_run(H, "json-check", a.argv, NULL, NULL,
	    HARNESS_EXIT_MS, &p) == 0, "status --json fails the check; see "
	    "%s and %s", p->err, st->out);
	close(fd);

	/* Strangers: the file's mode stops them, then the gateway does. */
	p = hproc_fork(H, "stranger", stranger_main, &s);
	ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 2);
	ck_assert(chmod(sock.s, 0666) == 0);
	s.open_file = true;
	p = hproc_fork(H, "stranger-past-mode", stranger_main, &s);
	ck_assert_msg(hproc_wait(p, HARNESS_EXIT_MS) == 2, "see %s", p->err);
	log_wait(1, HLINE("event=control-refused uid=65534"),
	    HARNESS_LOG_MS, "refusal line");

	/* Stopped: says so, exits 1, leaves no socket behind. */
	ck_assert_int_eq(hproc_stop(G.proc), 0);
	ck_assert_int_eq(hfault_status(H, &G, false, &st), 1);
	ck_assert_msg(hfile_has(st->err, "popgated: not running (nothing "
	    "answers on "), "see %s", st->err);
	ck_assert_msg(access(sock.s, F_OK) != 0, "socket left behind");
}
END_TEST

Suite *
limits_suite(void)
{
	Suite	*s = suite_create("limits");
	TCase	*tc = NULL;

	tc = harness_tcase("abuse", limits_setup, limits_teardown, 120);
	tcase_add_test(tc, test_limits_half_open_flood_spares_others);
	tcase_add_test(tc, test_limits_brute_force_penalised);
	suite_add_tcase(s, tc);
	tc = harness_tcase("timeouts", limits_setup, limits_teardown, 120);
	tcase_add_test(tc, test_limits_idle_timeout);
	tcase_add_test(tc, test_limits_unused_connection_timeout);
	tcase_add_test(tc, test_limits_max_sessions_per_user);
	suite_add_tcase(s, tc);
	tc = harness_tcase("status", limits_setup, limits_teardown, 120);
	tcase_add_test(tc, test_limits_status);
	suite_add_tcase(s, tc);
	return s;
}
