/*
 * systemd: popgated under a service manager. The sd_notify(3) protocol
 * for real: the test owns the datagram socket NOTIFY_SOCKET names and
 * checks READY=1 comes once every listener accepts, STOPPING=1 on
 * SIGTERM. And both unit files in conf/ pass `systemd-analyze verify`
 * with nothing to say (it exits 0 even on unknown keys, so its output is
 * the verdict).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define NOTIFY_MAX	4096

static struct harness	*H;
static struct hgate	 G;

static void
systemd_setup(void)
{
	H = harness_new("systemd");
	ck_assert(H != NULL);
	/* No backend is ever dialled here: any free port will do. */
	hgate_prepare(H, &G, hnet_free_port(), false, NULL);
}

static void
units_setup(void)
{
	H = harness_new("units");
	ck_assert(H != NULL);
}

static void
systemd_teardown(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	harness_free(H);
	H = NULL;
}

/* A datagram socket bound at path, as systemd's notify socket. */
static int
notify_listen(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_msg(strlen(path) < sizeof(sun.sun_path), "path too long: "
	    "%s", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind %s: %s", path, strerror(errno));
	return fd;
}

/* The next datagram within timeout_ms into buf (NUL-terminated); its
 * length, or -1 at the deadline. */
static ssize_t
notify_next(int fd, int timeout_ms, char *buf, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		n;

	if (poll(&pfd, 1, timeout_ms) != 1) {
		return -1;
	}
	n = recv(fd, buf, len - 1, MSG_DONTWAIT);
	if (n < 0) {
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/* Does the datagram hold line as one of its "\n"-separated lines? */
static bool
has_state(const char *msg, const char *line)
{
	const char	*p = msg;
	size_t		 len = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == msg || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0')) {
			return true;
		}
		p += len;
	}
	return false;
}

static struct hproc *
spawn_gate(const char *notify_socket)
{
	struct hargv	 a;
	char		 var[HARNESS_PATH + 16];
	const char	*env[] = { var, NULL };
	struct hproc	*p = NULL;

	snprintf(var, sizeof(var), "NOTIFY_SOCKET=%s", notify_socket);
	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgated"));
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", G.conf);
	p = hproc_spawn(H, "popgated", a.argv, env, NULL);
	ck_assert(p != NULL);
	return p;
}

/* One connect, no retry: the port must accept already. The banner
 * proves it is popgated serving. */
static void
assert_accepts_now(uint16_t port)
{
	struct sockaddr_in	sin;
	char			line[256];
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0,
	    "READY=1 came, but port %u refuses: %s", (unsigned)port,
	    strerror(errno));
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0 && strncmp(line, "SSH-2.0-", 8) == 0,
	    "no SSH banner on port %u", (unsigned)port);
	close(fd);
}

/* The port of the "event=listening addr=127.0.0.1:PORT" line already in log. */
static uint16_t
logged_port(const char *log)
{
	char		 line[512];
	const char	*p = NULL;

	ck_assert_msg(hlog_wait(log, 1, NULL, 0,
	    HLINE("event=listening addr=127.0.0.1:"), line, sizeof(line)),
	    "READY=1 came before the \"event=listening\" line; see %s", log);
	p = strrchr(line, ':');
	return (uint16_t)(p != NULL ? strtoul(p + 1, NULL, 10) : 0);
}

START_TEST(test_systemd_notify_ready_stopping)
{
	struct hpath	 sock = harness_path(H, "notify");
	struct hproc	*p = NULL;
	char		 msg[NOTIFY_MAX];
	uint16_t	 port;
	int		 fd;

	fd = notify_listen(sock.s);
	p = spawn_gate(sock.s);
	ck_assert_msg(notify_next(fd, HARNESS_START_MS, msg, sizeof(msg)) > 0,
	    "no notification from popgated; see %s", p->err);
	ck_assert_msg(has_state(msg, "READY=1"), "first notification is "
	    "\"%s\", want READY=1", msg);
	port = logged_port(p->err);
	ck_assert(port != 0);
	assert_accepts_now(port);
	ck_assert_msg(notify_next(fd, 0, msg, sizeof(msg)) < 0,
	    "a second notification while serving: \"%s\"", msg);
	ck_assert_int_eq(hproc_stop(p), 0);
	ck_assert_msg(notify_next(fd, HARNESS_LOG_MS, msg, sizeof(msg)) > 0,
	    "no notification after SIGTERM; see %s", p->err);
	ck_assert_msg(has_state(msg, "STOPPING=1"), "after SIGTERM: \"%s\", "
	    "want STOPPING=1", msg);
	close(fd);
}
END_TEST

/* A notify socket nobody listens on must not keep popgated from serving
 * (sd_notify fails; the gateway does not care). */
START_TEST(test_systemd_notify_socket_gone)
{
	struct hpath	 sock = harness_path(H, "no-such-socket");
	struct hproc	*p = NULL;
	uint16_t	 port;

	p = spawn_gate(sock.s);
	ck_assert_msg(hlog_wait(p->err, 1, p, HARNESS_START_MS,
	    HLINE("event=listening addr=127.0.0.1:"), NULL, 0),
	    "popgated did not start; see %s", p->err);
	port = logged_port(p->err);
	assert_accepts_now(port);
	ck_assert_int_eq(hproc_stop(p), 0);
}
END_TEST

/* conf/NAME with the installed paths replaced by the programs under test,
 * written to out. */
static void
unit_copy(const char *name, const char *out)
{
	static const char *const from[] = {
		"/usr/local/sbin/popgated", "/usr/local/bin/popgate"
	};
	static const char *const prog[] = { "popgated", "popgate" };
	char		 rel[64];
	char		*text = NULL, *p = NULL;
	size_t		 i;
	FILE		*fp = NULL;

	snprintf(rel, sizeof(rel), "conf/%s", name);
	text = hfile_slurp(harness_src(rel), NULL);
	ck_assert_msg(text != NULL, "cannot read %s", harness_src(rel));
	fp = fopen(out, "w");
	ck_assert(fp != NULL);
	for (p = text; *p != '\0'; ) {
		for (i = 0; i < 2; i++) {
			if (strncmp(p, from[i], strlen(from[i])) == 0) {
				break;
			}
		}
		if (i < 2) {
			fputs(harness_bin(prog[i]), fp);
			p += strlen(from[i]);
		} else {
			fputc(*p++, fp);
		}
	}
	ck_assert(fclose(fp) == 0);
	free(text);
}

/* systemd-analyze verify [--user] path: its exit status; its output in
 * *out (the stderr file). */
static int
verify(const char *path, bool user, struct hproc **out)
{
	struct hpath	 xdg = harness_path(H, "xdg");
	char		 var[HARNESS_PATH + 32];
	const char	*env[] = { var, NULL };
	struct hargv	 a;

	/* A user manager wants a runtime folder of its own. */
	if (mkdir(xdg.s, 0700) != 0) {
		ck_assert_int_eq(errno, EEXIST);
	}
	snprintf(var, sizeof(var), "XDG_RUNTIME_DIR=%s", xdg.s);
	hargv_init(&a);
	hargv_add(&a, "systemd-analyze");
	hargv_add(&a, "verify");
	hargv_add(&a, "--man=no");
	if (user) {
		hargv_add(&a, "--user");
	}
	hargv_add(&a, "%s", path);
	return hproc_run(H, "systemd-analyze", a.argv, env, NULL,
	    HARNESS_EXIT_MS, out);
}

static void
assert_verifies(const char *path, bool user)
{
	struct hproc	*p = NULL;
	char		*err = NULL;
	int		 st;

	st = verify(path, user, &p);
	ck_assert_msg(st != 127, "systemd-analyze is missing: install the "
	    "systemd package (scripts/deps.sh does)");
	err = hfile_slurp(p->err, NULL);
	ck_assert_msg(st == 0 && err != NULL && err[0] == '\0',
	    "systemd-analyze verify %s exited %d:\n%s", path, st,
	    err != NULL ? err : "");
	free(err);
}

START_TEST(test_systemd_units_verify)
{
	struct hpath	 sys = harness_path(H, "popgated.service");
	struct hpath	 usr = harness_path(H, "popgate@work.service");
	struct hpath	 bad = harness_path(H, "bad.service");
	struct hproc	*p = NULL;
	char		*text = NULL;

	unit_copy("popgated.service", sys.s);
	assert_verifies(sys.s, false);
	/* The template, as the instance `systemctl --user start` makes. */
	unit_copy("popgate@.service", usr.s);
	assert_verifies(usr.s, true);
	/* The check itself bites: one misspelt key is reported. */
	text = hfile_slurp(sys.s, NULL);
	ck_assert(text != NULL);
	ck_assert(hfile_write(bad.s, 0644, "%s[Service]\nProtectSytem=yes\n",
	    text) == 0);
	free(text);
	verify(bad.s, false, &p);
	ck_assert_msg(hfile_has(p->err, "ProtectSytem"), "systemd-analyze "
	    "did not report a misspelt key; see %s", p->err);
}
END_TEST

Suite *
systemd_suite(void)
{
	Suite	*s = suite_create("systemd");
	TCase	*tc = NULL;

	tc = harness_tcase("notify", systemd_setup, systemd_teardown, 120);
	tcase_add_test(tc, test_systemd_notify_ready_stopping);
	tcase_add_test(tc, test_systemd_notify_socket_gone);
	suite_add_tcase(s, tc);
	tc = harness_tcase("units", units_setup, systemd_teardown, 120);
	tcase_add_test(tc, test_systemd_units_verify);
	suite_add_tcase(s, tc);
	return s;
}
