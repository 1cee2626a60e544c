/*
 * auth: who gets in. Wrong passwords, keys nobody authorised and unknown
 * users are all turned away, the way ssh sees it (exit 255) and the way
 * the log records it, and an unknown user cannot be told from a wrong
 * password on the client's side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct hfix	F;

static void
auth_setup(void)
{
	hfix_up(&F, "auth", false, true);
}

static void
auth_teardown(void)
{
	hfix_down(&F);
}

/* ssh -N -L ... as c, with extra options; waits for it to give up. */
static struct hproc *
login(const struct hcred *c, const char *extra)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	int		 st;

	hclient_ssh_argv(&a, "ssh", &F.gate, c);
	if (extra != NULL) {
		hargv_add(&a, "%s", extra);
	}
	hargv_add(&a, "-N");
	hargv_add(&a, "-oExitOnForwardFailure=yes");
	hargv_add(&a, "-L");
	hargv_add(&a, "127.0.0.1:%u:pop3:110", (unsigned)hnet_free_port());
	hargv_add(&a, "%s@127.0.0.1", c->user);
	p = hclient_ssh_spawn(F.h, "ssh-login", &a, c);
	ck_assert(p != NULL);
	st = hproc_wait(p, HARNESS_EXIT_MS);
	ck_assert_msg(st >= 0, "ssh as %s still running: logged in? see %s "
	    "and %s", c->user, p->err, F.gate.log);
	return p;
}

static void
assert_no_login(void)
{
	ck_assert_msg(hlog_count(F.gate.log,
	    HLINE("result=accepted")) == 0, "an auth was accepted; see %s",
	    F.gate.log);
}

/* ssh's stderr with "USER@" for the user name, for comparing. */
static char *
stderr_of(const struct hproc *p, const char *user)
{
	char	*text = hfile_slurp(p->err, NULL);
	char	*at = NULL;
	size_t	 ulen = strlen(user);

	ck_assert(text != NULL && ulen >= 4);
	for (at = strstr(text, user); at != NULL; at = strstr(at, user)) {
		if (at[ulen] != '@') {
			at += ulen;
			continue;
		}
		memmove(at + 4, at + ulen, strlen(at + ulen) + 1);
		memcpy(at, "USER", 4);
		at += 4;
	}
	return text;
}

START_TEST(test_auth_wrong_password_fails)
{
	const struct hcred	 c = { HARNESS_USER, NULL, "not-the-one" };
	struct hproc		*p = login(&c, NULL);

	ck_assert_int_eq(p->status, 255);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=auth user=alice from=127.0.0.1:",
	    "method=password result=failed"), NULL, 0),
	    "no failed password auth line in %s", F.gate.log);
	assert_no_login();
}
END_TEST

START_TEST(test_auth_unknown_key_fails)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.otherkey, NULL };
	struct hproc		*p = login(&c, NULL);

	ck_assert_int_eq(p->status, 255);
	ck_assert_msg(hfile_has(p->err, "Permission denied"),
	    "no \"Permission denied\" from ssh; see %s", p->err);
	assert_no_login();
}
END_TEST

START_TEST(test_auth_unknown_user_key_fails)
{
	const struct hcred	 c = { "mallory", F.gate.userkey, NULL };
	struct hproc		*p = login(&c, NULL);

	ck_assert_int_eq(p->status, 255);
	assert_no_login();
}
END_TEST

START_TEST(test_auth_unknown_user_looks_like_wrong_password)
{
	const struct hcred	 wrong = { HARNESS_USER, NULL, "not-it" };
	const struct hcred	 unknown = { "mallory", NULL,
	    HARNESS_SSH_PASS };	/* alice's: still no */
	struct hproc		*pw = login(&wrong, NULL);
	struct hproc		*pu = login(&unknown, NULL);
	char			*ew = stderr_of(pw, HARNESS_USER);
	char			*eu = stderr_of(pu, "mallory");

	ck_assert_int_eq(pw->status, 255);
	ck_assert_int_eq(pu->status, pw->status);
	ck_assert_msg(strcmp(ew, eu) == 0, "ssh tells them apart:\n"
	    "wrong password:\n%s\nunknown user:\n%s", ew, eu);
	free(ew);
	free(eu);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=auth user=mallory from=127.0.0.1:",
	    "result=failed"), NULL, 0), "no failed auth line for mallory in "
	    "%s", F.gate.log);
	assert_no_login();
}
END_TEST

START_TEST(test_auth_max_auth_tries_ends_session)
{
	const struct hcred	 c = { HARNESS_USER, NULL, "not-the-one" };
	struct hproc		*p = login(&c, "-oNumberOfPasswordPrompts=6");
	size_t			 n;

	ck_assert_int_eq(p->status, 255);
	/* MaxAuthTries 3: the server ends it, not ssh's sixth prompt. */
	ck_assert_msg(hlog_wait(F.gate.log, 3, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("method=password result=failed"), NULL, 0),
	    "fewer than 3 failed password lines in %s", F.gate.log);
	n = hlog_count(F.gate.log,
	    HLINE("method=password result=failed"));
	ck_assert_msg(n == 3, "%zu password attempts on one connection with "
	    "MaxAuthTries 3; see %s", n, F.gate.log);
	assert_no_login();
}
END_TEST

Suite *
auth_suite(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = harness_tcase("refused", auth_setup, auth_teardown, 120);

	tcase_add_test(tc, test_auth_wrong_password_fails);
	tcase_add_test(tc, test_auth_unknown_key_fails);
	tcase_add_test(tc, test_auth_unknown_user_key_fails);
	tcase_add_test(tc, test_auth_unknown_user_looks_like_wrong_password);
	tcase_add_test(tc, test_auth_max_auth_tries_ends_session);
	suite_add_tcase(s, tc);
	return s;
}
