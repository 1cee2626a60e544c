/*
 * refuse: everything but a forward to pop3:110 is refused, as the client
 * sees it and in popgated's log, and each refusal leaves the gateway
 * serving: a fresh tunnel and a RETR follow every one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ONLY_FORWARDS	"this gateway only forwards pop3:110"

static struct hfix	F;

static void
refuse_setup(void)
{
	hfix_up(&F, "refuse", false, false);
}

static void
refuse_teardown(void)
{
	hfix_down(&F);
}

/* Runs a (ssh or sftp as alice) to its end; asserts it failed. */
static struct hproc *
run_refused(struct hargv *a, const char *what)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*p = NULL;
	int			 st;

	p = hclient_ssh_spawn(F.h, "ssh-refused", a, &c);
	ck_assert(p != NULL);
	st = hproc_wait(p, HARNESS_EXIT_MS);
	ck_assert_msg(st != -1, "%s still running; see %s", what, p->err);
	ck_assert_msg(st != 0, "%s exited 0; see %s", what, p->err);
	return p;
}

static void
assert_refusal_logged(const char *request, const char *target)
{
	char	req[64];

	snprintf(req, sizeof(req), "request=%s", request);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc,
	    HARNESS_LOG_MS, HLINE("event=refused user=alice from=127.0.0.1:", req,
	    target != NULL ? target : req), NULL, 0),
	    "no \"refused ... %s %s\" line in %s", req,
	    target != NULL ? target : "", F.gate.log);
}

static void
alice_argv(struct hargv *a, const char *prog)
{
	const struct hcred	c = { HARNESS_USER, F.gate.userkey, NULL };

	hclient_ssh_argv(a, prog, &F.gate, &c);
}

START_TEST(test_refuse_shell)
{
	struct hargv	 a;
	struct hproc	*p = NULL;

	alice_argv(&a, "ssh");
	hargv_add(&a, "-oRequestTTY=no");
	hargv_add(&a, "alice@127.0.0.1");
	p = run_refused(&a, "ssh (shell)");
	ck_assert_msg(hfile_has(p->err, ONLY_FORWARDS),
	    "ssh's stderr lacks \"%s\"; see %s", ONLY_FORWARDS, p->err);
	assert_refusal_logged("shell", NULL);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

START_TEST(test_refuse_pty)
{
	struct hargv	 a;
	struct hproc	*p = NULL;

	alice_argv(&a, "ssh");
	hargv_add(&a, "-tt");
	hargv_add(&a, "alice@127.0.0.1");
	p = run_refused(&a, "ssh -tt");
	/* With -tt a refused pty is fatal to ssh itself, before the shell. */
	ck_assert_msg(hfile_has(p->err, "PTY allocation request failed"),
	    "ssh's stderr lacks the pty refusal; see %s", p->err);
	assert_refusal_logged("pty-req", NULL);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

START_TEST(test_refuse_exec)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	char		*out = NULL;

	alice_argv(&a, "ssh");
	hargv_add(&a, "alice@127.0.0.1");
	hargv_add(&a, "cat");
	hargv_add(&a, "/etc/passwd");
	p = run_refused(&a, "ssh (exec)");
	ck_assert_msg(hfile_has(p->err, ONLY_FORWARDS),
	    "ssh's stderr lacks \"%s\"; see %s", ONLY_FORWARDS, p->err);
	out = hfile_slurp(p->out, NULL);
	ck_assert_msg(out != NULL && out[0] == '\0', "exec printed: %s", out);
	free(out);
	assert_refusal_logged("exec", NULL);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

START_TEST(test_refuse_sftp)
{
	struct hargv	a;

	alice_argv(&a, "sftp");
	hargv_add(&a, "-b");
	hargv_add(&a, "-");
	hargv_add(&a, "alice@127.0.0.1");
	run_refused(&a, "sftp");
	assert_refusal_logged("subsystem", NULL);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

/* NULL: Dovecot's own address, reachable but not a Forward NAME:PORT. */
static const char *const bad_targets[] = {
	"127.0.0.1:22", "pop3:111", "imap:143", "pop3.example.org:110", NULL
};

START_TEST(test_refuse_local_forward)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	const char		*target = bad_targets[_i];
	struct hproc		*ssh = NULL;
	char			 want[128], backend[64];
	uint16_t		 lport;
	size_t			 got;
	int			 fd;

	if (target == NULL) {
		snprintf(backend, sizeof(backend), "127.0.0.1:%u",
		    (unsigned)F.dove.port);
		target = backend;
	}
	lport = hclient_tunnel(F.h, &F.gate, &c, target, &ssh);
	ck_assert_msg(lport != 0, "ssh -L %s did not come up; see %s", target,
	    ssh->err);
	fd = hnet_connect(lport, HARNESS_START_MS, ssh);
	ck_assert(fd >= 0);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &got) == 0,
	    "forward to %s neither refused nor closed", target);
	close(fd);
	ck_assert_msg(got == 0, "forward to %s gave %zu bytes", target, got);
	snprintf(want, sizeof(want), "target=%s", target);
	assert_refusal_logged("direct-tcpip", want);
	ck_assert_msg(hlog_count(F.gate.log,
	    HLINE("event=tunnel-closed", want)) == 0, "a tunnel to %s was opened; "
	    "see %s", target, F.gate.log);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

START_TEST(test_refuse_remote_forward)
{
	struct hargv	 a;
	struct hproc	*p = NULL;

	alice_argv(&a, "ssh");
	hargv_add(&a, "-N");
	hargv_add(&a, "-oExitOnForwardFailure=yes");
	hargv_add(&a, "-R");
	hargv_add(&a, "127.0.0.1:%u:127.0.0.1:%u", (unsigned)hnet_free_port(),
	    (unsigned)F.dove.port);
	hargv_add(&a, "alice@127.0.0.1");
	p = run_refused(&a, "ssh -R");
	ck_assert_int_eq(p->status, 255);
	assert_refusal_logged("tcpip-forward", NULL);
	hclient_assert_serves(F.h, &F.gate, &F.dove.mail);
}
END_TEST

Suite *
refuse_suite(void)
{
	Suite	*s = suite_create("refuse");
	TCase	*tc = NULL;

	tc = harness_tcase("session", refuse_setup, refuse_teardown, 120);
	tcase_add_test(tc, test_refuse_shell);
	tcase_add_test(tc, test_refuse_pty);
	tcase_add_test(tc, test_refuse_exec);
	tcase_add_test(tc, test_refuse_sftp);
	suite_add_tcase(s, tc);
	tc = harness_tcase("forward", refuse_setup, refuse_teardown, 120);
	tcase_add_loop_test(tc, test_refuse_local_forward, 0,
	    (int)(sizeof(bad_targets) / sizeof(bad_targets[0])));
	tcase_add_test(tc, test_refuse_remote_forward);
	suite_add_tcase(s, tc);
	return s;
}
