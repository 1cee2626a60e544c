/*
 * client-persist: popgate as a service. --persist keeps the session up
 * by itself (the gateway killed and restarted, or hung), a MUA in the
 * middle of a message when the gateway dies sees its connection end;
 * -f goes to the background with a pid file; profiles from -F and the
 * default file, and their errors.
 */
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define KEEPALIVE_S	2	/* --keepalive in the hung gateway test */
#define DETECT_SLACK_MS	(4000 * harness_slow())	/* on top of 3 x that */
#define RECOVER_MS	(30000 * harness_slow())	/* jittered backoff */
#define MID_BYTES	(1024u * 1024u)	/* read of the big RETR, then kill */

static struct hfix	F;

static void
small_setup(void)
{
	hfix_up(&F, "client-persist", false, false);
}

static void
big_setup(void)
{
	hfix_up(&F, "client-persist-big", true, false);
}

/* Only a work folder: for what fails before any connection. */
static void
bare_setup(void)
{
	memset(&F, 0, sizeof(F));
	F.h = harness_new("client-profile-bad");
	ck_assert(F.h != NULL);
}

static void
persist_teardown(void)
{
	hpopgate_fix_down(&F);
}

/* popgate --persist for the gateway with -L 0:pop3:110 (plus extra). */
static struct hproc *
persist_start(uint16_t *port, const char *extra, const char *value)
{
	struct hargv	a;

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "--persist");
	if (extra != NULL) {
		hargv_add(&a, "%s", extra);
		hargv_add(&a, "%s", value);
	}
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	return hpopgate_start(F.h, &a, 1, port);
}

/* The pid of popgated's session child for the n-th login in its log. */
static pid_t
session_child(size_t n)
{
	char	line[512];
	pid_t	child;

	ck_assert_msg(hlog_wait(F.gate.log, n, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice ", "result=accepted"), line,
	    sizeof(line)), "no login %zu in %s", n, F.gate.log);
	child = hproc_log_pid(line, "popgated");
	ck_assert_msg(child > 0 && child != F.gate.proc->pid, "no session "
	    "child pid in \"%s\"", line);
	return child;
}

/* SIGKILL to popgated's session child and to popgated: a crash. */
static void
kill_gateway(void)
{
	pid_t	child = session_child(1);

	ck_assert_msg(hproc_kill_child(F.gate.proc->pid, child),
	    "pid %d is not popgated's child", (int)child);
	ck_assert_int_eq(hproc_kill(F.gate.proc), 128 + SIGKILL);
}

/* popgate logged the n-th "reconnected" by itself. */
static void
assert_reconnects(struct hproc *pg, size_t n)
{
	ck_assert_msg(hlog_wait(pg->err, n, pg, RECOVER_MS,
	    HLINE("event=reconnected gateway=127.0.0.1"), NULL, 0), "popgate did not "
	    "reconnect by itself within %d ms; see %s", RECOVER_MS, pg->err);
	session_child(1);	/* ...and the (new) gateway took it */
}

static void
assert_poplib_intact(uint16_t port)
{
	struct hproc	*py = hclient_poplib_spawn(F.h, port);
	char		 why[1024];

	ck_assert_msg(hclient_poplib_verify(py, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
}

START_TEST(test_persist_reconnects_by_itself)
{
	struct hproc	*pg = NULL;
	uint16_t	 port = 0;

	pg = persist_start(&port, NULL, NULL);
	/* Connected at start, before any mail client. */
	session_child(1);
	assert_poplib_intact(port);
	kill_gateway();
	ck_assert_msg(hlog_wait(pg->err, 1, pg, HARNESS_LOG_MS,
	    HLINE("event=connection-closed gateway=127.0.0.1 "), NULL, 0),
	    "popgate did not notice; see %s", pg->err);
	/* The next line, maybe not written yet on a slow machine. */
	ck_assert_msg(hlog_wait(pg->err, 1, pg, HARNESS_LOG_MS,
	    HLINE("event=disconnected reconnect=persist"), NULL, 0),
	    "see %s", pg->err);
	/* It tries while the gateway is down, and backs off. */
	ck_assert_msg(hlog_wait(pg->err, 1, pg, RECOVER_MS,
	    HLINE("event=reconnect-scheduled in="), NULL, 0), "no attempt while the "
	    "gateway was down; see %s", pg->err);
	ck_assert(hfile_has(pg->err, "event=connect-failed gateway=127.0.0.1 "));
	hgate_restart(F.h, &F.gate);
	/* No mail client connects until popgate is back on its own. */
	assert_reconnects(pg, 1);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("tunnel")) == 0,
	    "a tunnel before any MUA; see %s", F.gate.log);
	assert_poplib_intact(port);
}
END_TEST

/* The gateway stops answering (SIGSTOP) but its host still ACKs. */
START_TEST(test_persist_detects_hung_gateway)
{
	struct hproc	*pg = NULL;
	uint16_t	 port = 0;
	pid_t		 child;
	long		 t0, took, limit = 3 * KEEPALIVE_S * 1000 +
			    DETECT_SLACK_MS;
	char		 value[16];

	snprintf(value, sizeof(value), "%d", KEEPALIVE_S);
	pg = persist_start(&port, "--keepalive", value);
	child = session_child(1);
	ck_assert(horphan_parent(child) == F.gate.proc->pid);
	t0 = harness_now_ms();
	ck_assert_int_eq(kill(child, SIGSTOP), 0);
	ck_assert_msg(hlog_wait(pg->err, 1, pg, limit * 2,
	    HLINE("event=connection-closed ", "no answer to keepalives"), NULL, 0),
	    "popgate did not notice a hung gateway; see %s", pg->err);
	took = harness_now_ms() - t0;
	ck_assert_msg(took <= limit, "noticed after %ld ms, want at most 3 x "
	    "%d s (+ %d ms slack)", took, KEEPALIVE_S, DETECT_SLACK_MS);
	/* popgated's parent still serves: a new session, by itself. */
	ck_assert_msg(hlog_wait(pg->err, 1, pg, RECOVER_MS,
	    HLINE("event=reconnected gateway=127.0.0.1"), NULL, 0), "no reconnect; see "
	    "%s", pg->err);
	session_child(2);
	ck_assert(hproc_kill_child(F.gate.proc->pid, child));
	assert_poplib_intact(port);
}
END_TEST

/* Reads from fd until n bytes (or an end) came; the count. */
static size_t
read_some(int fd, size_t n)
{
	char		buf[65536];
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	long		deadline = harness_now_ms() + HARNESS_LOG_MS;
	size_t		got = 0;
	ssize_t		r;

	while (got < n && harness_now_ms() < deadline) {
		if (poll(&pfd, 1, 100) <= 0) {
			continue;
		}
		r = read(fd, buf, sizeof(buf) < n - got ? sizeof(buf) :
		    n - got);
		if (r <= 0) {
			break;
		}
		got += (size_t)r;
	}
	return got;
}

static void
expect(int fd, const char *want)
{
	char	line[512];

	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0, "no answer, want \"%s\"", want);
	ck_assert_msg(strncmp(line, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s\"", line, want);
}

/* The 1-based POP3 number of the big message. */
static size_t
big_message(void)
{
	size_t	i;

	for (i = 0; i < F.dove.mail.n; i++) {
		if (F.dove.mail.size[i] == HMAIL_BIG) {
			return i + 1;
		}
	}
	ck_abort_msg("no big message delivered");
	return 0;
}

START_TEST(test_persist_gateway_killed_mid_transfer)
{
	struct hproc	*pg = NULL, *curl = NULL;
	uint16_t	 port = 0;
	size_t		 n = big_message(), got, rest = 0;
	char		 cmd[32], why[1024];
	long		 t0;
	int		 fd, rc;

	pg = persist_start(&port, NULL, NULL);
	fd = hnet_connect(port, HARNESS_START_MS, pg);
	ck_assert(fd >= 0);
	expect(fd, "+OK");
	ck_assert(hnet_write_str(fd, "USER " HARNESS_USER "\r\n") == 0);
	expect(fd, "+OK");
	ck_assert(hnet_write_str(fd, "PASS " HARNESS_POP3_PASS "\r\n") == 0);
	expect(fd, "+OK");
	snprintf(cmd, sizeof(cmd), "RETR %zu\r\n", n);
	ck_assert(hnet_write_str(fd, cmd) == 0);
	expect(fd, "+OK");
	got = read_some(fd, MID_BYTES);
	ck_assert_msg(got == MID_BYTES, "read %zu of the message, want %u",
	    got, MID_BYTES);
	/* The MUA stops reading: the rest waits in buffers, mid-message. */
	kill_gateway();
	t0 = harness_now_ms();
	rc = hnet_read_end(fd, HARNESS_LOG_MS, &rest);
	close(fd);
	ck_assert_msg(rc == 0 || rc == ECONNRESET, "the MUA's connection "
	    "did not end within %d ms of the gateway's death (a hang); see "
	    "%s", HARNESS_LOG_MS, pg->err);
	ck_assert_msg(got + rest < HMAIL_BIG, "the MUA got all %zu octets "
	    "from a dead gateway", got + rest);
	ck_assert_msg(harness_now_ms() - t0 < HARNESS_LOG_MS, "slow end");
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
	hgate_restart(F.h, &F.gate);
	assert_reconnects(pg, 1);
	curl = hclient_curl_spawn(F.h, port, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "after the gateway came back: %s", why);
}
END_TEST

/* -f and --pid-file. */

/* popgate -f --pid-file PIDFILE -L 0:pop3:110: runs the parent to its
 * end; its status, the port from its ready line. */
static int
background_run(const char *pidfile, uint16_t *port, struct hproc **out)
{
	struct hargv	 a;
	char		 line[512];
	const char	*colon = NULL;
	int		 st;

	*port = 0;
	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-f");
	hargv_add(&a, "--pid-file");
	hargv_add(&a, "%s", pidfile);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	st = hpopgate_run(F.h, &a, out);
	if (st == 0 && hlog_wait((*out)->out, 1, NULL, 0,
	    HLINE("listening 127.0.0.1:"), line, sizeof(line))) {
		colon = strchr(line + strlen("listening 127.0.0.1"), ':');
		*port = (uint16_t)strtoul(colon + 1, NULL, 10);
	}
	return st;
}

/* The pid in pidfile, checked to be a popgate of ours (re-parented to
 * this test process, a subreaper, when its parent exited). */
static pid_t
pidfile_pid(const char *pidfile)
{
	char	*text = hfile_slurp(pidfile, NULL);
	char	 comm[64], path[64];
	FILE	*fp = NULL;
	long	 pid;

	ck_assert_msg(text != NULL, "no pid file %s", pidfile);
	pid = strtol(text, NULL, 10);
	free(text);
	ck_assert_msg(pid > 1 && horphan_parent((pid_t)pid) == getpid(),
	    "pid %ld of %s is not a popgate of this test", pid, pidfile);
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	fp = fopen(path, "re");
	ck_assert(fp != NULL);
	ck_assert(fgets(comm, sizeof(comm), fp) != NULL);
	fclose(fp);
	ck_assert_str_eq(comm, "popgate\n");
	return (pid_t)pid;
}

/* SIGTERM to our background popgate; its exit status. */
static int
stop_background(pid_t pid)
{
	long	deadline = harness_now_ms() + HARNESS_STOP_MS * 2;
	int	st;

	ck_assert(horphan_parent(pid) == getpid());
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (harness_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			ck_abort_msg("background popgate ignored SIGTERM");
		}
		harness_sleep_ms(20);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Where fd n of pid points. */
static void
fd_target(pid_t pid, int n, char *buf, size_t len)
{
	char	path[64];
	ssize_t	r;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, n);
	r = readlink(path, buf, len - 1);
	buf[r > 0 ? r : 0] = '\0';
}

START_TEST(test_background_pid_file)
{
	struct hpath	 pidfile = harness_path(F.h, "popgate.pid");
	struct hproc	*p = NULL, *curl = NULL;
	uint16_t	 port = 0;
	char		 why[1024], target[256];
	pid_t		 pid;
	int		 st, n;

	st = background_run(pidfile.s, &port, &p);
	ck_assert_msg(st == 0, "popgate -f exited %d; see %s", st, p->err);
	ck_assert_msg(port != 0, "no ready line before the parent exited; "
	    "see %s", p->out);
	/* The parent exits once the child wrote the pid file. */
	pid = pidfile_pid(pidfile.s);
	ck_assert(pid != p->pid);
	for (n = 0; n <= 2; n++) {
		fd_target(pid, n, target, sizeof(target));
		ck_assert_msg(strcmp(target, "/dev/null") == 0, "fd %d of the "
		    "background popgate is \"%s\"", n, target);
	}
	curl = hclient_curl_spawn(F.h, port, 2);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 2, why,
	    sizeof(why)) == 0, "%s", why);
	st = stop_background(pid);
	ck_assert_msg(st == 0, "background popgate exited %d after SIGTERM",
	    st);
	ck_assert_msg(access(pidfile.s, F_OK) != 0 && errno == ENOENT,
	    "pid file %s left behind", pidfile.s);
}
END_TEST

START_TEST(test_background_stale_and_live_pid_file)
{
	struct hpath	 pidfile = harness_path(F.h, "popgate.pid");
	struct hproc	*p = NULL, *p2 = NULL, *curl = NULL;
	uint16_t	 port = 0, port2 = 0;
	char		 why[1024], want[128];
	pid_t		 pid;
	int		 st;

	/* Stale: a live process, but not a popgate (Dovecot). */
	ck_assert(hfile_write(pidfile.s, 0644, "%d\n",
	    (int)F.dove.proc->pid) == 0);
	st = background_run(pidfile.s, &port, &p);
	ck_assert_msg(st == 0, "popgate -f with a stale pid file exited %d; "
	    "see %s", st, p->err);
	pid = pidfile_pid(pidfile.s);
	/* Live: refused with 2 before connecting, the file untouched. */
	st = background_run(pidfile.s, &port2, &p2);
	ck_assert_msg(st == 2, "second popgate -f exited %d, want 2; see %s",
	    st, p2->err);
	snprintf(want, sizeof(want), "popgate is already running as pid %d",
	    (int)pid);
	ck_assert_msg(hfile_has(p2->err, want), "no \"%s\" in %s", want,
	    p2->err);
	ck_assert_msg(hlog_count(p2->out, HLINE("listening")) == 0,
	    "the refused popgate said it was ready; see %s", p2->out);
	ck_assert_int_eq(pidfile_pid(pidfile.s), pid);
	ck_assert_int_eq(hlog_count(F.gate.log, HLINE("result=accepted")),
	    1);
	curl = hclient_curl_spawn(F.h, port, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(stop_background(pid), 0);
	ck_assert(access(pidfile.s, F_OK) != 0);
}
END_TEST

/* Profiles. */

/* Writes the profile file for F.gate at path, mode 0600. */
static void
profile_write(const char *path, const char *name)
{
	char	fp[128];

	hgate_fingerprint(F.h, &F.gate, fp, sizeof(fp));
	ck_assert(hfile_write(path, 0600,
	    "# popgate profiles\n"
	    "Host other\n"
	    "    Gateway 192.0.2.1\n"
	    "\n"
	    "Host %s\n"
	    "    Gateway 127.0.0.1\n"
	    "    Port %u\n"
	    "    User %s\n"
	    "    IdentityFile %s\n"
	    "    KnownHostsFile /nonexistent/known_hosts\n"
	    "    Fingerprint %s\n"
	    "    Forward 0:pop3:110\n"
	    "    Forward 127.0.0.1:0:pop3:110\n"
	    "    Keepalive 5\n"
	    "    Persist yes\n",
	    name, (unsigned)F.gate.port, HARNESS_USER, F.gate.userkey,
	    fp) == 0);
}

START_TEST(test_profile_from_file)
{
	struct hpath	 path = harness_path(F.h, "profiles");
	struct hargv	 a;
	struct hproc	*pg = NULL, *curl = NULL;
	uint16_t	 ports[2];
	char		 why[1024];

	profile_write(path.s, "work");
	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgate"));
	hargv_add(&a, "-v");
	hargv_add(&a, "-F");
	hargv_add(&a, "%s", path.s);
	hargv_add(&a, "work");
	pg = hpopgate_start(F.h, &a, 2, ports);
	/* Logged after the ready lines: maybe not yet on a slow machine. */
	ck_assert_msg(hlog_wait(pg->err, 1, pg, HARNESS_LOG_MS,
	    HLINE("event=persist gateway=127.0.0.1"), NULL, 0),
	    "Persist yes not applied; see %s", pg->err);
	ck_assert_msg(hfile_has(pg->err, "event=hostkey-pinned "),
	    "not the profile's Fingerprint; see %s", pg->err);
	curl = hclient_curl_spawn(F.h, ports[0], 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
	curl = hclient_curl_spawn(F.h, ports[1], 2);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 2, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_int_eq(hproc_stop(pg), 0);
}
END_TEST

/* The default file; a -L given replaces the profile's two. */
START_TEST(test_profile_default_file_and_override)
{
	struct hpath	 dir = harness_path(F.h, ".config/popgate");
	struct hpath	 path = harness_path(F.h, ".config/popgate/config");
	struct hargv	 a;
	struct hproc	*pg = NULL, *curl = NULL;
	uint16_t	 port = 0;
	char		 why[1024];

	ck_assert(mkdir(harness_path(F.h, ".config").s, 0700) == 0);
	ck_assert(mkdir(dir.s, 0700) == 0);
	profile_write(path.s, "home");
	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgate"));
	hargv_add(&a, "-v");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "home");
	pg = hpopgate_start(F.h, &a, 1, &port);
	harness_sleep_ms(200);
	ck_assert_msg(hlog_count(pg->out, HLINE("listening ")) == 1,
	    "-L did not replace the profile's forwards; see %s", pg->out);
	curl = hclient_curl_spawn(F.h, port, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
}
END_TEST

/* Runs popgate with args (NULL-terminated) to its end; the status. */
static int
popgate_args(const char *const *args, struct hproc **out)
{
	struct hargv	a;

	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgate"));
	for (; *args != NULL; args++) {
		hargv_add(&a, "%s", *args);
	}
	return hpopgate_run(F.h, &a, out);
}

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_profile_errors_exit_2)
{
	struct hpath	 path = harness_path(F.h, "profiles");
	struct hproc	*p = NULL;
	char		 want[HARNESS_PATH + 64];
	int		 st;

	ck_assert(hfile_write(path.s, 0600, "Host work\n  Gateway gw\n"
	    "  Port nope\nHost home\n") == 0);
	st = popgate_args(ARGS("-F", path.s, "work"), &p);
	ck_assert_msg(st == 2, "bad profile: exit %d, want 2", st);
	snprintf(want, sizeof(want), "popgate: %s:3: Port \"nope\": bad port",
	    path.s);
	ck_assert_msg(hfile_has(p->err, want), "no \"%s\" in %s", want,
	    p->err);
	ck_assert(hfile_write(path.s, 0600, "Host work\nHost home\n") == 0);
	st = popgate_args(ARGS("-F", path.s, "wrok"), &p);
	ck_assert_int_eq(st, 2);
	ck_assert_msg(hfile_has(p->err, "no profile \"wrok\"") &&
	    hfile_has(p->err, "(profiles: work, home)"), "see %s", p->err);
	ck_assert(chmod(path.s, 0620) == 0);
	st = popgate_args(ARGS("-F", path.s, "work"), &p);
	ck_assert_int_eq(st, 2);
	ck_assert_msg(hfile_has(p->err, "writable by others"), "see %s",
	    p->err);
	st = popgate_args(ARGS("-F", harness_path(F.h, "none").s, "work"),
	    &p);
	ck_assert_int_eq(st, 2);
	ck_assert_msg(hfile_has(p->err, "No such file"), "see %s", p->err);
}
END_TEST

Suite *
client_persist_suite(void)
{
	Suite	*s = suite_create("client-persist");
	TCase	*tc = NULL;

	tc = harness_tcase("persist", small_setup, persist_teardown, 120);
	tcase_add_test(tc, test_persist_reconnects_by_itself);
	tcase_add_test(tc, test_persist_detects_hung_gateway);
	suite_add_tcase(s, tc);
	tc = harness_tcase("midway", big_setup, persist_teardown, 120);
	tcase_add_test(tc, test_persist_gateway_killed_mid_transfer);
	suite_add_tcase(s, tc);
	tc = harness_tcase("background", small_setup, persist_teardown, 120);
	tcase_add_test(tc, test_background_pid_file);
	tcase_add_test(tc, test_background_stale_and_live_pid_file);
	suite_add_tcase(s, tc);
	tc = harness_tcase("profile", small_setup, persist_teardown, 120);
	tcase_add_test(tc, test_profile_from_file);
	tcase_add_test(tc, test_profile_default_file_and_override);
	suite_add_tcase(s, tc);
	tc = harness_tcase("profile-bad", bare_setup, persist_teardown, 60);
	tcase_add_test(tc, test_profile_errors_exit_2);
	suite_add_tcase(s, tc);
	return s;
}
