/*
 * client-trust: whom popgate trusts. The gateway's host key is checked
 * before anything is authenticated (unknown, changed, pinned with
 * --fingerprint, trusted on first use with --accept-new), and a login
 * that fails says so with its own exit code: 3 for the host key, 4 for
 * authentication, 2 for a password file others may read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define WRONG_FP	"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static struct hfix	F;

static void
key_setup(void)
{
	hfix_up(&F, "client-hostkey", false, false);
}

static void
password_setup(void)
{
	hfix_up(&F, "client-password", false, true);
}

static void
trust_teardown(void)
{
	hpopgate_fix_down(&F);
}

/*
 * popgate --check for F's gateway with known_hosts kh (NULL: none),
 * alice's key (or key), extra options; runs it to its end.
 */
static int
check_run(const char *kh, const char *key, const char *const extra[],
    struct hproc **out)
{
	struct hargv	a;
	size_t		i;

	hpopgate_argv(&a, F.gate.port, key, kh);
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		hargv_add(&a, "%s", extra[i]);
	}
	hargv_add(&a, "--check");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	return hpopgate_run(F.h, &a, out);
}

static void
assert_exit(int st, int want, const struct hproc *p)
{
	ck_assert_msg(st == want, "popgate exited %d, want %d; see %s", st,
	    want, p->err);
}

/* The host key is checked first: once the gateway closed these sessions,
 * no password or key ever went out. */
static void
assert_not_authenticated(size_t sessions)
{
	ck_assert_msg(hlog_wait(F.gate.log, sessions, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=session-closed "), NULL, 0),
	    "fewer than %zu \"session closed\" lines in %s", sessions,
	    F.gate.log);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("event=auth user=")) == 0,
	    "popgate tried to authenticate; see %s", F.gate.log);
}

START_TEST(test_client_unknown_host_key_exits_3)
{
	struct hpath	 kh = harness_path(F.h, "empty_known_hosts");
	struct hproc	*p = NULL;
	char		 fp[128], want[160];

	hgate_fingerprint(F.h, &F.gate, fp, sizeof(fp));
	assert_exit(check_run(kh.s, F.gate.userkey, NULL, &p), 3, p);
	snprintf(want, sizeof(want), "--fingerprint %s", fp);
	ck_assert_msg(hfile_has(p->err, "event=hostkey-unknown gateway="
	    "127.0.0.1 ") && hfile_has(p->err, want) &&
	    hfile_has(p->err, "--accept-new"),
	    "stderr lacks the failure, \"%s\" or \"--accept-new\"; see %s",
	    want, p->err);
	ck_assert_msg(access(kh.s, F_OK) != 0, "%s was written", kh.s);
	assert_not_authenticated(1);
}
END_TEST

START_TEST(test_client_changed_host_key_exits_3)
{
	const char	*accept[] = { "--accept-new", NULL };
	struct hpath	 kh = harness_path(F.h, "changed_known_hosts");
	char		 pub[HARNESS_PATH + 8];
	struct hproc	*p = NULL;

	/* Another key on record for [127.0.0.1]:PORT. */
	snprintf(pub, sizeof(pub), "%s.pub", F.gate.otherkey);
	hgate_known_hosts(kh.s, pub, F.gate.port);
	assert_exit(check_run(kh.s, F.gate.userkey, NULL, &p), 3, p);
	ck_assert_msg(hfile_has(p->err, "event=hostkey-changed ") &&
	    hfile_has(p->err, "HAS CHANGED"), "no \"HAS CHANGED\" "
	    "warning; see %s", p->err);
	/* Trust on first use is not trust on change. */
	assert_exit(check_run(kh.s, F.gate.userkey, accept, &p), 3, p);
	assert_not_authenticated(2);
}
END_TEST

START_TEST(test_client_fingerprint_pins_the_key)
{
	const char	*wrong[] = { "--fingerprint", WRONG_FP, NULL };
	const char	*right[] = { "--fingerprint", NULL, NULL };
	struct hpath	 kh = harness_path(F.h, "unused_known_hosts");
	struct hproc	*p = NULL;
	char		 fp[128];

	assert_exit(check_run(kh.s, F.gate.userkey, wrong, &p), 3, p);
	ck_assert_msg(hfile_has(p->err, "event=hostkey-mismatch ") &&
	    hfile_has(p->err, "not a --fingerprint you gave"),
	    "no mismatch message; see %s", p->err);
	assert_not_authenticated(1);
	/* The published one is enough, with nothing in known_hosts. */
	hgate_fingerprint(F.h, &F.gate, fp, sizeof(fp));
	right[1] = fp;
	assert_exit(check_run(kh.s, F.gate.userkey, right, &p), 0, p);
	ck_assert_msg(access(kh.s, F_OK) != 0, "%s was written", kh.s);
}
END_TEST

START_TEST(test_client_accept_new_remembers_key)
{
	const char	*accept[] = { "--accept-new", NULL };
	struct hpath	 kh = harness_path(F.h, "tofu_known_hosts");
	struct hproc	*p = NULL;
	char		*entry = NULL;

	assert_exit(check_run(kh.s, F.gate.userkey, accept, &p), 0, p);
	ck_assert_msg(hfile_has(p->err, "added"), "no \"added\" line; see %s",
	    p->err);
	/* The harness wrote F's known_hosts from the .pub: same entry. */
	entry = hfile_slurp(F.gate.known_hosts, NULL);
	ck_assert(entry != NULL);
	entry[strcspn(entry, "\n")] = '\0';
	ck_assert_msg(hfile_has(kh.s, entry), "%s lacks \"%s\"", kh.s, entry);
	free(entry);
	/* Remembered: no flag needed any more. */
	assert_exit(check_run(kh.s, F.gate.userkey, NULL, &p), 0, p);
	ck_assert_msg(!hfile_has(p->err, "added"), "added again; see %s",
	    p->err);
}
END_TEST

START_TEST(test_client_unknown_key_exits_4)
{
	struct hproc	*p = NULL;

	assert_exit(check_run(F.gate.known_hosts, F.gate.otherkey, NULL, &p),
	    4, p);
	ck_assert_msg(hfile_has(p->err, "event=auth-failed gateway=127.0.0.1 "),
	    "no authentication failure message; see %s", p->err);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("result=accepted")) == 0,
	    "an auth was accepted; see %s", F.gate.log);
}
END_TEST

/* --password-file with password, mode 0600 (or mode); its path. */
static struct hpath
password_file(const char *password, int mode)
{
	struct hpath	path = harness_path(F.h, "ssh-password-%u",
	    ++F.h->files);

	ck_assert(hfile_write(path.s, mode, "%s\n", password) == 0);
	return path;
}

static int
password_run(const struct hpath *pw, struct hproc **out)
{
	const char	*opts[] = { "--password-file", pw->s, NULL };

	return check_run(F.gate.known_hosts, NULL, opts, out);
}

START_TEST(test_client_password_file_logs_in)
{
	struct hpath	 pw = password_file(HARNESS_SSH_PASS, 0600);
	struct hproc	*p = NULL;

	assert_exit(password_run(&pw, &p), 0, p);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice ", "method=password result=accepted"),
	    NULL, 0), "no accepted password login in %s", F.gate.log);
}
END_TEST

START_TEST(test_client_wrong_password_exits_4)
{
	struct hpath	 pw = password_file("not-the-one", 0600);
	struct hproc	*p = NULL;

	assert_exit(password_run(&pw, &p), 4, p);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice ", "method=password result=failed"),
	    NULL, 0), "no failed password line in %s", F.gate.log);
	ck_assert_msg(hlog_count(F.gate.log, HLINE("result=accepted")) == 0,
	    "an auth was accepted; see %s", F.gate.log);
}
END_TEST

START_TEST(test_client_readable_password_file_exits_2)
{
	struct hpath	 pw = password_file(HARNESS_SSH_PASS, 0644);
	struct hproc	*p = NULL;

	assert_exit(password_run(&pw, &p), 2, p);
	ck_assert_msg(hfile_has(p->err, pw.s) && hfile_has(p->err, "chmod"),
	    "stderr does not name %s and the fix; see %s", pw.s, p->err);
	/* The password never went out. */
	ck_assert_msg(hlog_count(F.gate.log, HLINE("method=password")) == 0,
	    "a password was tried; see %s", F.gate.log);
}
END_TEST

Suite *
client_trust_suite(void)
{
	Suite	*s = suite_create("client-trust");
	TCase	*tc = NULL;

	tc = harness_tcase("hostkey", key_setup, trust_teardown, 120);
	tcase_add_test(tc, test_client_unknown_host_key_exits_3);
	tcase_add_test(tc, test_client_changed_host_key_exits_3);
	tcase_add_test(tc, test_client_fingerprint_pins_the_key);
	tcase_add_test(tc, test_client_accept_new_remembers_key);
	tcase_add_test(tc, test_client_unknown_key_exits_4);
	suite_add_tcase(s, tc);
	tc = harness_tcase("password", password_setup, trust_teardown, 120);
	tcase_add_test(tc, test_client_password_file_logs_in);
	tcase_add_test(tc, test_client_wrong_password_exits_4);
	tcase_add_test(tc, test_client_readable_password_file_exits_2);
	suite_add_tcase(s, tc);
	return s;
}
