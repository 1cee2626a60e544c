/*
 * interop: popgate speaks plain SSH. Against an OpenSSH sshd (started by
 * the test, its own host key and config, local forwarding only, to the
 * one PermitOpen target: Dovecot) it retrieves every message intact, and
 * a target sshd does not permit fails --check with exit 5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpopgate.h"

static struct harness	*H;
static struct hdovecot	 D;
static struct hsshd	 S;

static void
interop_setup(void)
{
	char	permit[32];

	H = harness_new("interop");
	ck_assert(H != NULL);
	hdovecot_start(H, &D, false);
	snprintf(permit, sizeof(permit), "127.0.0.1:%u", (unsigned)D.port);
	hsshd_start(H, &S, permit);
}

static void
interop_teardown(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	hpopgate_check_exits(H);
	harness_free(H);
	H = NULL;
}

/* popgate for sshd S as S.user; the test adds -L etc. */
static void
sshd_argv(struct hargv *a)
{
	hpopgate_argv(a, S.port, S.userkey, S.known_hosts);
}

START_TEST(test_interop_sshd_poplib_retrieves_all)
{
	struct hargv	 a;
	struct hproc	*pg = NULL, *pop = NULL;
	char		 why[1024];
	uint16_t	 port = 0;

	sshd_argv(&a);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:127.0.0.1:%u", (unsigned)D.port);
	hargv_add(&a, "%s@127.0.0.1", S.user);
	pg = hpopgate_start(H, &a, 1, &port);
	pop = hclient_poplib_top_spawn(H, port);
	ck_assert_msg(hclient_poplib_verify(pop, &D.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hproc_running(pg), "popgate left; see %s", pg->err);
	ck_assert_msg(hfile_has(S.log, "Accepted publickey for "),
	    "sshd logged no publickey login; see %s", S.log);
}
END_TEST

START_TEST(test_interop_sshd_unpermitted_check_exits_5)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	char		 ok[64], failed[64];
	uint16_t	 other = hnet_free_port();
	int		 st;

	ck_assert(other != 0 && other != D.port);
	sshd_argv(&a);
	hargv_add(&a, "--check");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:127.0.0.1:%u", (unsigned)D.port);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:127.0.0.1:%u", (unsigned)other);
	hargv_add(&a, "%s@127.0.0.1", S.user);
	st = hpopgate_run(H, &a, &p);
	ck_assert_msg(st == 5, "popgate --check exited %d, want 5; see %s",
	    st, p->err);
	snprintf(ok, sizeof(ok), "ok 127.0.0.1:%u +OK", (unsigned)D.port);
	snprintf(failed, sizeof(failed), "failed 127.0.0.1:%u: ",
	    (unsigned)other);
	ck_assert_msg(hlog_count(p->out, HLINE(ok)) == 1 &&
	    hlog_count(p->out, HLINE(failed)) == 1, "want \"%s\" and "
	    "\"%s...\"; see %s", ok, failed, p->out);
	/* sshd's own word that it was PermitOpen, not a closed port. */
	ck_assert_msg(hlog_wait(S.log, 1, S.proc, HARNESS_LOG_MS,
	    HLINE("to connect to host 127.0.0.1 port", "request was denied"),
	    NULL, 0), "sshd did not deny the forward; see %s", S.log);
}
END_TEST

Suite *
interop_suite(void)
{
	Suite	*s = suite_create("interop");
	TCase	*tc = harness_tcase("sshd", interop_setup, interop_teardown,
	    120);

	tcase_add_test(tc, test_interop_sshd_poplib_retrieves_all);
	tcase_add_test(tc, test_interop_sshd_unpermitted_check_exits_5);
	suite_add_tcase(s, tc);
	return s;
}
