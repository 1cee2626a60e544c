/*
 * privsep: who the processes run as, read from /proc/PID/status of a live
 * session process (its pid from its own log line) and of the listening
 * parent. Started as root (CI), the session is User's (popgate: made here
 * with useradd when missing) with no way back and no_new_privs, while the
 * parent stays root; started as anyone else, both are that user and the
 * session still has no_new_privs.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define SESSION_USER	"popgate"	/* User's default */
#define MISSING_USER	"popgate-no-such-user"

static struct {
	struct harness	*h;
	struct hgate	 gate;
	struct hpath	 rec_log;
	struct hpath	 rec_data;
	uint16_t	 rec_port;
} F;

static void
privsep_setup(void)
{
	memset(&F, 0, sizeof(F));
	F.h = harness_new("privsep");
	ck_assert_msg(F.h != NULL, "cannot make a work folder");
	F.rec_log = harness_path(F.h, "recorder.txt");
	F.rec_data = harness_path(F.h, "recorder.data");
	F.rec_port = hfake_record_start(F.h, F.rec_log.s, F.rec_data.s);
}

static void
privsep_teardown(void)
{
	if (F.h == NULL) {
		return;
	}
	harness_stop_all(F.h);
	hgate_check_exit(&F.gate);
	harness_free(F.h);
	F.h = NULL;
}

/* User popgate's ids; as root the account is made when missing, as
 * scripts/deps.sh does. */
static void
session_ids(unsigned *uid, unsigned *gid)
{
	struct passwd	*pw = getpwnam(SESSION_USER);
	struct hargv	 a;

	if (pw == NULL && geteuid() == 0) {
		hargv_init(&a);
		hargv_add(&a, "useradd");
		hargv_add(&a, "--system");
		hargv_add(&a, "--no-create-home");
		hargv_add(&a, "--shell");
		hargv_add(&a, "/usr/sbin/nologin");
		hargv_add(&a, SESSION_USER);
		ck_assert_int_eq(hproc_run(F.h, "useradd", a.argv, NULL, NULL,
		    HARNESS_EXIT_MS, NULL), 0);
		pw = getpwnam(SESSION_USER);
	}
	ck_assert_msg(pw != NULL, "no user %s", SESSION_USER);
	*uid = (unsigned)pw->pw_uid;
	*gid = (unsigned)pw->pw_gid;
}

/* The value after "key:" in /proc/pid/status, blanks squeezed to one
 * space ("0 0 0 0"). */
static void
proc_status(pid_t pid, const char *key, char *buf, size_t len)
{
	char	 path[64], *text = NULL, *p = NULL;
	size_t	 o = 0, klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	text = hfile_slurp(path, NULL);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (p = text; p != NULL && strncmp(p, key, klen) != 0;
	    p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
		continue;
	}
	ck_assert_msg(p != NULL, "no %s in %s", key, path);
	for (p += klen; *p != '\n' && *p != '\0' && o + 1 < len; p++) {
		if (*p != ' ' && *p != '\t') {
			buf[o++] = *p;
		} else if (o > 0 && buf[o - 1] != ' ') {
			buf[o++] = ' ';
		}
	}
	while (o > 0 && buf[o - 1] == ' ') {
		o--;
	}
	buf[o] = '\0';
	free(text);
}

static void
assert_status(pid_t pid, const char *key, const char *want)
{
	char	got[256];

	proc_status(pid, key, got, sizeof(got));
	ck_assert_msg(strcmp(got, want) == 0, "pid %ld %s \"%s\", want \"%s\"",
	    (long)pid, key, got, want);
}

/* alice's tunnel up and reading the backend's greeting; returns the pid
 * of her session process (from its log line). ssh stays connected. */
static pid_t
session_pid(void)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*ssh = NULL;
	char			 line[512];
	uint16_t		 lport;
	pid_t			 pid;
	int			 fd;

	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "no tunnel; see %s and %s", ssh->err,
	    F.gate.log);
	fd = hnet_connect(lport, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0 && strncmp(line, "+OK", 3) == 0,
	    "no greeting through the tunnel; see %s", F.gate.log);
	close(fd);
	ck_assert(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice", "result=accepted"), line,
	    sizeof(line)));
	pid = hproc_log_pid(line, "popgated");
	ck_assert_msg(pid > 0 && pid != F.gate.proc->pid, "no session pid in "
	    "\"%s\"", line);
	return pid;
}

START_TEST(test_privsep_session_runs_as_user)
{
	char		want[128];
	unsigned	uid = (unsigned)getuid(), gid = (unsigned)getgid();
	pid_t		pid;

	if (geteuid() == 0) {
		session_ids(&uid, &gid);
	}
	hgate_prepare(F.h, &F.gate, F.rec_port, false, NULL);
	hgate_start(F.h, &F.gate);
	if (geteuid() == 0) {
		snprintf(want, sizeof(want), "event=privsep mode=on user=%s "
		    "uid=%u gid=%u", SESSION_USER, uid, gid);
	} else {
		snprintf(want, sizeof(want), "event=privsep mode=off uid=%u",
		    uid);
	}
	ck_assert_msg(hfile_has(F.gate.log, want), "no \"%s\" in %s", want,
	    F.gate.log);
	pid = session_pid();
	snprintf(want, sizeof(want), "%u %u %u %u", uid, uid, uid, uid);
	assert_status(pid, "Uid:", want);
	snprintf(want, sizeof(want), "%u %u %u %u", gid, gid, gid, gid);
	assert_status(pid, "Gid:", want);
	assert_status(pid, "NoNewPrivs:", "1");
	assert_status(pid, "CapEff:", "0000000000000000");
	if (geteuid() == 0) {
		snprintf(want, sizeof(want), "%u", gid);
		assert_status(pid, "Groups:", want);
		/* The parent keeps root: it accepts, and reads PasswordFile. */
		assert_status(F.gate.proc->pid, "Uid:", "0 0 0 0");
	}
}
END_TEST

START_TEST(test_privsep_missing_user_is_fatal)
{
	const char	*serve[] = { "-f", NULL, "-o", "User=" MISSING_USER,
	    NULL };
	const char	*test[] = { "-t", "-f", NULL, "-o",
	    "User=" MISSING_USER, NULL };
	struct hproc	*p = NULL;
	int		 st;

	ck_assert_ptr_null(getpwnam(MISSING_USER));
	hgate_prepare(F.h, &F.gate, F.rec_port, false, NULL);
	if (geteuid() != 0) {
		/* Not root: User is not used, a missing one is no error. */
		test[2] = F.gate.conf;
		ck_assert_int_eq(hgate_run(F.h, "popgated-t", test, NULL, &p),
		    0);
		ck_assert(hfile_has(p->err, "event=privsep mode=off"));
		return;
	}
	serve[1] = F.gate.conf;
	st = hgate_run(F.h, "popgated-nouser", serve, NULL, &p);
	ck_assert_msg(st == 1, "popgated exited %d; see %s", st, p->err);
	ck_assert_msg(hfile_has(p->err, "level=fatal event=user-failed "
	    "error=\"User " MISSING_USER ": no such user; create the account "
	    "the sessions run as with: useradd --system --no-create-home "
	    "--shell /usr/sbin/nologin " MISSING_USER), "no clear message in "
	    "%s", p->err);
	ck_assert(!hfile_has(p->err, "event=listening"));
}
END_TEST

START_TEST(test_privsep_user_root_warns)
{
	pid_t	pid;

	hgate_prepare(F.h, &F.gate, F.rec_port, false, "User root\n");
	hgate_start(F.h, &F.gate);
	ck_assert_msg(hfile_has(F.gate.log, geteuid() == 0 ?
	    "level=warning event=privsep mode=root user=root hint=\"User has "
	    "uid 0: sessions run as root, without privilege separation\"" :
	    "event=privsep mode=off"), "see %s", F.gate.log);
	pid = session_pid();
	assert_status(pid, "NoNewPrivs:", "1");
}
END_TEST

Suite *
privsep_suite(void)
{
	Suite	*s = suite_create("privsep");
	TCase	*tc = harness_tcase("user", privsep_setup, privsep_teardown,
	    120);

	tcase_add_test(tc, test_privsep_session_runs_as_user);
	tcase_add_test(tc, test_privsep_missing_user_is_fatal);
	tcase_add_test(tc, test_privsep_user_root_warns);
	suite_add_tcase(s, tc);
	return s;
}
