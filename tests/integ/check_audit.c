/*
 * audit: what popgated offers on the wire. ssh-audit finds no "fail" or
 * "warn" (an ed25519 and a 3072-bit RSA host key), an RSA key under 2048
 * bits keeps popgated from starting, the NIST curves are not offered, and
 * strict key exchange (Terrapin, CVE-2023-48795) is really used: OpenSSH
 * says so, and a client that offers it talks on only if it also resets
 * its sequence numbers at NEWKEYS (hostile.py strict-kex).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 * ssh-audit 2.5.0 (Debian 12) predates strict kex: it reports the marker
 * popgated must offer as an unknown algorithm. These two lines, and only
 * they, are expected.
 */
#define STRICT_S	"kex-strict-s-v00@openssh.com"
#define UNKNOWN_STRICT	"(kex) " STRICT_S
#define UNKNOWN_NOTE	"!!! WARNING: unknown algorithm(s) found!: " \
	STRICT_S "."

static struct {
	struct harness	*h;
	struct hgate	 gate;
} F;

static void
audit_setup(void)
{
	memset(&F, 0, sizeof(F));
	F.h = harness_new("audit");
	ck_assert_msg(F.h != NULL, "cannot make a work folder");
}

static void
audit_teardown(void)
{
	if (F.h == NULL) {
		return;
	}
	harness_stop_all(F.h);
	hgate_check_exit(&F.gate);
	harness_free(F.h);
	F.h = NULL;
}

/* ssh-keygen -t rsa -b bits at dir/name, before popgated keygen runs. */
static void
rsa_key(const char *name, unsigned bits)
{
	struct hpath	path = harness_path(F.h, "%s", name);
	struct hargv	a;
	int		st;

	hargv_init(&a);
	hargv_add(&a, "ssh-keygen");
	hargv_add(&a, "-q");
	hargv_add(&a, "-t");
	hargv_add(&a, "rsa");
	hargv_add(&a, "-b");
	hargv_add(&a, "%u", bits);
	hargv_add(&a, "-N");
	hargv_add(&a, "%s", "");
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", path.s);
	st = hproc_run(F.h, "ssh-keygen", a.argv, NULL, NULL, HARNESS_EXIT_MS,
	    NULL);
	ck_assert_msg(st == 0, "ssh-keygen -t rsa -b %u exited %d", bits, st);
}

/* Is line one that fails the audit? */
static bool
audit_flags(const char *line)
{
	if (strncmp(line, UNKNOWN_STRICT " ", strlen(UNKNOWN_STRICT) + 1) ==
	    0 && strstr(line, "[warn] unknown algorithm") != NULL) {
		return false;
	}
	if (strncmp(line, UNKNOWN_NOTE, strlen(UNKNOWN_NOTE)) == 0) {
		return false;
	}
	return strstr(line, "[fail]") != NULL ||
	    strstr(line, "[warn]") != NULL || strncmp(line, "(cve)", 5) == 0 ||
	    strstr(line, "WARNING") != NULL;
}

START_TEST(test_audit_ssh_audit_is_clean)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	char		*text = NULL, *line = NULL, *save = NULL;
	char		 bad[2048] = "";
	size_t		 used = 0;
	int		 st;

	rsa_key("ssh_host_rsa_key", 3072);
	hgate_prepare(F.h, &F.gate, hnet_free_port(), false,
	    "HostKey ssh_host_rsa_key\n");
	hgate_start(F.h, &F.gate);
	hargv_init(&a);
	hargv_add(&a, "ssh-audit");
	hargv_add(&a, "-n");		/* no colours */
	hargv_add(&a, "-t");
	hargv_add(&a, "30");
	hargv_add(&a, "-p");
	hargv_add(&a, "%u", (unsigned)F.gate.port);
	hargv_add(&a, "127.0.0.1");
	st = hproc_run(F.h, "ssh-audit", a.argv, NULL, NULL,
	    HARNESS_EXIT_MS * 2, &p);
	ck_assert_msg(p != NULL, "cannot run ssh-audit (scripts/deps.sh "
	    "installs it)");
	/* 0 clean, 2 warnings (the unknown marker), 3 failures, 1 no
	 * connection. */
	ck_assert_msg(st == 0 || st == 2, "ssh-audit exited %d; see %s and %s",
	    st, p->out, p->err);
	text = hfile_slurp(p->out, NULL);
	ck_assert(text != NULL);
	ck_assert_msg(strstr(text, "(key) ssh-ed25519") != NULL &&
	    strstr(text, "(key) rsa-sha2-512") != NULL, "ssh-audit did not "
	    "see both host keys; see %s", p->out);
	ck_assert_msg(strstr(text, UNKNOWN_STRICT) != NULL, "no %s offered; "
	    "see %s", STRICT_S, p->out);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (audit_flags(line) && used < sizeof(bad)) {
			used += (size_t)snprintf(bad + used, sizeof(bad) - used,
			    "  %s\n", line);
		}
	}
	free(text);
	ck_assert_msg(bad[0] == '\0', "ssh-audit flags:\n%s(see %s)", bad,
	    p->out);
}
END_TEST

START_TEST(test_audit_weak_rsa_host_key_refused)
{
	const char	*args[] = { "-t", "-f", NULL, NULL };
	struct hproc	*p = NULL;
	int		 st;

	rsa_key("ssh_host_rsa_key", 1024);
	hgate_prepare(F.h, &F.gate, hnet_free_port(), false,
	    "HostKey ssh_host_rsa_key\n");
	args[2] = F.gate.conf;
	st = hgate_run(F.h, "popgated-t", args, NULL, &p);
	ck_assert_int_eq(st, 1);
	ck_assert_msg(hfile_has(p->err, "ssh_host_rsa_key: RSA host key of "
	    "1024 bits is too weak (at least 2048)"), "no clear refusal in %s",
	    p->err);
}
END_TEST

/* ssh with extra options as alice, running "true" (refused: exit 1). */
static struct hproc *
ssh_run(const char *opt1, const char *opt2)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hargv		 a;
	struct hproc		*p = NULL;

	hclient_ssh_argv(&a, "ssh", &F.gate, &c);
	hargv_add(&a, "%s", opt1);
	if (opt2 != NULL) {
		hargv_add(&a, "%s", opt2);
	}
	hargv_add(&a, "alice@127.0.0.1");
	hargv_add(&a, "true");
	p = hclient_ssh_spawn(F.h, "ssh", &a, &c);
	ck_assert(p != NULL);
	ck_assert_msg(hproc_wait(p, HARNESS_EXIT_MS) >= 0, "ssh hangs");
	return p;
}

START_TEST(test_audit_openssh_uses_strict_kex)
{
	struct hproc	*p = NULL;

	hgate_prepare(F.h, &F.gate, hnet_free_port(), false, NULL);
	hgate_start(F.h, &F.gate);
	p = ssh_run("-vvv", NULL);
	ck_assert_msg(p->status == 1, "ssh exited %d; see %s", p->status,
	    p->err);
	ck_assert_msg(hfile_has(p->err, "will use strict KEX ordering"),
	    "OpenSSH did not negotiate strict kex; see %s", p->err);
}
END_TEST

START_TEST(test_audit_nist_curves_not_offered)
{
	struct hproc	*p = NULL;

	hgate_prepare(F.h, &F.gate, hnet_free_port(), false, NULL);
	hgate_start(F.h, &F.gate);
	p = ssh_run("-oKexAlgorithms=ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
	    "ecdh-sha2-nistp521", NULL);
	ck_assert_int_eq(p->status, 255);
	ck_assert_msg(hfile_has(p->err, "no matching key exchange method"),
	    "see %s", p->err);
}
END_TEST

START_TEST(test_audit_strict_kex_resets_sequence_numbers)
{
	hgate_prepare(F.h, &F.gate, hnet_free_port(), false, NULL);
	hgate_start(F.h, &F.gate);
	hclient_hostile(F.h, &F.gate, "strict-kex", NULL);
	ck_assert(hproc_running(F.gate.proc));
}
END_TEST

Suite *
audit_suite(void)
{
	Suite	*s = suite_create("audit");
	TCase	*tc = harness_tcase("wire", audit_setup, audit_teardown, 180);

	tcase_add_test(tc, test_audit_ssh_audit_is_clean);
	tcase_add_test(tc, test_audit_weak_rsa_host_key_refused);
	tcase_add_test(tc, test_audit_openssh_uses_strict_kex);
	tcase_add_test(tc, test_audit_nist_curves_not_offered);
	tcase_add_test(tc, test_audit_strict_kex_resets_sequence_numbers);
	suite_add_tcase(s, tc);
	return s;
}
