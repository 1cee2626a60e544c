/*
 * strictmodes: files others could change (or read, for private keys) are
 * refused with a message naming the file and the fix: a host key or
 * PasswordFile keeps popgated from starting, an authorized_keys file (or
 * its folder) only costs its user the publickey login, and a changed
 * PasswordFile with bad modes is not reloaded. StrictModes no lets all of
 * it through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hpopgate.h"

static struct {
	struct harness	*h;
	struct hgate	 gate;
	struct hpath	 rec_log;
	struct hpath	 rec_data;
	struct hpath	 passwd;
	struct hpath	 keys;		/* the folder */
	struct hpath	 alice_keys;	/* keys/alice */
} F;

static void
sm_setup(void)
{
	uint16_t	port;

	memset(&F, 0, sizeof(F));
	F.h = harness_new("strictmodes");
	ck_assert_msg(F.h != NULL, "cannot make a work folder");
	F.rec_log = harness_path(F.h, "recorder.txt");
	F.rec_data = harness_path(F.h, "recorder.data");
	F.passwd = harness_path(F.h, "passwd");
	F.keys = harness_path(F.h, "keys");
	F.alice_keys = harness_path(F.h, "keys/%s", HARNESS_USER);
	port = hfake_record_start(F.h, F.rec_log.s, F.rec_data.s);
	hgate_prepare(F.h, &F.gate, port, true, NULL);
}

static void
sm_teardown(void)
{
	if (F.h == NULL) {
		return;
	}
	harness_stop_all(F.h);
	hgate_check_exit(&F.gate);
	harness_free(F.h);
	F.h = NULL;
}

/* popgated -f CONF to its end: it must refuse to start with want. */
static void
assert_refuses_to_start(const char *want)
{
	const char	*args[] = { "-f", F.gate.conf, NULL };
	struct hproc	*p = NULL;
	int		 st;

	st = hgate_run(F.h, "popgated-refused", args, NULL, &p);
	ck_assert_msg(st == 1, "popgated exited %d; see %s", st, p->err);
	ck_assert_msg(hfile_has(p->err, want), "no \"%s\" in %s", want,
	    p->err);
	ck_assert(!hfile_has(p->err, "event=listening"));
}

static void
conf_add(const char *line)
{
	char	*text = hfile_slurp(F.gate.conf, NULL);

	ck_assert(text != NULL);
	ck_assert(hfile_write(F.gate.conf, 0644, "%s%s", text, line) == 0);
	free(text);
}

/* ssh as c running "true": 1 when logged in (the command is refused),
 * 255 when not. */
static int
login(const struct hcred *c)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	int		 st;

	hclient_ssh_argv(&a, "ssh", &F.gate, c);
	hargv_add(&a, "%s@127.0.0.1", c->user);
	hargv_add(&a, "true");
	p = hclient_ssh_spawn(F.h, "ssh", &a, c);
	ck_assert(p != NULL);
	st = hproc_wait(p, HARNESS_EXIT_MS);
	ck_assert_msg(st == 1 || st == 255, "ssh exited %d; see %s", st,
	    p->err);
	return st;
}

START_TEST(test_strictmodes_host_key_refused)
{
	char	want[HARNESS_PATH * 6];

	ck_assert_int_eq(chmod(F.gate.hostkey, 0640), 0);
	snprintf(want, sizeof(want), "level=fatal event=hostkey-refused "
	    "check=StrictModes error=\"%s: private key with mode 0640, open to "
	    "group or others; fix: chmod 600 %s\"", F.gate.hostkey,
	    F.gate.hostkey);
	assert_refuses_to_start(want);
	/* The admin's call: StrictModes no serves with it. */
	conf_add("StrictModes no\n");
	hgate_start(F.h, &F.gate);
	ck_assert_int_eq(login(&(struct hcred){ HARNESS_USER,
	    F.gate.userkey, NULL }), 1);
}
END_TEST

START_TEST(test_strictmodes_password_file_refused)
{
	char	want[HARNESS_PATH * 6];

	ck_assert_int_eq(chmod(F.passwd.s, 0644), 0);
	snprintf(want, sizeof(want), "level=fatal event=passwords-refused "
	    "check=StrictModes error=\"%s: password hashes with mode 0644, "
	    "open to others; fix: chmod 600 %s\"", F.passwd.s, F.passwd.s);
	assert_refuses_to_start(want);
}
END_TEST

START_TEST(test_strictmodes_authorized_keys_ignored)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	char			 want[HARNESS_PATH * 6];

	hgate_start(F.h, &F.gate);
	ck_assert_int_eq(login(&c), 1);
	/* Read at each attempt: a change needs no restart. */
	ck_assert_int_eq(chmod(F.alice_keys.s, 0666), 0);
	ck_assert_int_eq(login(&c), 255);
	snprintf(want, sizeof(want), "level=error "
	    "event=authorized-keys-refused check=StrictModes user=alice "
	    "error=\"%s: mode 0666, writable by group or others; fix: chmod "
	    "go-w %s\"", F.alice_keys.s, F.alice_keys.s);
	ck_assert_msg(hfile_has(F.gate.log, want), "no \"%s\" in %s", want,
	    F.gate.log);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("event=auth user=alice",
	    "method=publickey", "reason=key-not-authorized")) >= 1,
	    "see %s", F.gate.log);
	ck_assert_int_eq(chmod(F.alice_keys.s, 0644), 0);
	ck_assert_int_eq(login(&c), 1);
	/* The folder counts too: anyone could put another file there. */
	ck_assert_int_eq(chmod(F.keys.s, 0777), 0);
	ck_assert_int_eq(login(&c), 255);
	snprintf(want, sizeof(want), "%s: its folder %s has mode 0777, "
	    "writable by group or others, who could replace the file; fix: "
	    "chmod go-w %s", F.alice_keys.s, F.keys.s, F.keys.s);
	ck_assert_msg(hfile_has(F.gate.log, want), "no \"%s\" in %s", want,
	    F.gate.log);
	/* Sticky, as /tmp: nobody can swap another's file. */
	ck_assert_int_eq(chmod(F.keys.s, 01777), 0);
	ck_assert_int_eq(login(&c), 1);
	ck_assert_int_eq(chmod(F.keys.s, 0755), 0);
}
END_TEST

START_TEST(test_strictmodes_password_reload_refused)
{
	const struct hcred	 alice = { HARNESS_USER, NULL,
	    HARNESS_SSH_PASS };
	const struct hcred	 bob = { "bob", NULL, "bob-secret" };
	char			 want[HARNESS_PATH * 6];

	hgate_start(F.h, &F.gate);
	ck_assert_int_eq(chmod(F.passwd.s, 0660), 0);
	/* popgated passwd keeps the file's mode: still 0660 after it. */
	ck_assert_int_eq(hgate_passwd(F.h, &F.gate, "bob", "bob-secret"), 0);
	ck_assert_int_eq(login(&bob), 255);
	snprintf(want, sizeof(want), "level=error "
	    "event=passwords-reload-failed error=\"%s: password hashes with "
	    "mode 0660, writable by group; fix: chmod 600 %s\" kept=previous",
	    F.passwd.s, F.passwd.s);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE(want), NULL, 0), "no \"%s\" in %s", want, F.gate.log);
	ck_assert_int_eq(login(&alice), 1);
	/* Fixed: reloaded at the next connection, bob gets in. */
	ck_assert_int_eq(chmod(F.passwd.s, 0600), 0);
	ck_assert_int_eq(hgate_passwd(F.h, &F.gate, "bob", "bob-secret"), 0);
	ck_assert_int_eq(login(&bob), 1);
}
END_TEST

Suite *
strictmodes_suite(void)
{
	Suite	*s = suite_create("strictmodes");
	TCase	*tc = harness_tcase("files", sm_setup, sm_teardown, 180);

	tcase_add_test(tc, test_strictmodes_host_key_refused);
	tcase_add_test(tc, test_strictmodes_password_file_refused);
	tcase_add_test(tc, test_strictmodes_authorized_keys_ignored);
	tcase_add_test(tc, test_strictmodes_password_reload_refused);
	suite_add_tcase(s, tc);
	return s;
}
