/*
 * demo: scripts/demo.sh (what `make demo` runs) with DEMO_ONCE=1 goes
 * through the whole chain, popgate as the tunnel's client end, prints the
 * fetched messages, exits 0 and leaves neither a process nor its
 * temporary folder behind. Without DEMO_ONCE it keeps the tunnel up, says
 * how to point a mail client at it (which then works) and cleans up the
 * same way on Ctrl-C (SIGINT).
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define DEMO_MS		180000
#define DEMO_SUBJECTS	3

static struct harness	*H;

static void
demo_setup(void)
{
	H = harness_new("demo");
	ck_assert(H != NULL);
}

static void
demo_teardown(void)
{
	harness_free(H);
	H = NULL;
}

/* The folder named on demo.sh's "work folder: PATH" line. */
static void
demo_folder(const char *out, char *buf, size_t len)
{
	char	*text = hfile_slurp(out, NULL);
	char	*p = NULL;

	ck_assert(text != NULL);
	p = strstr(text, "work folder: ");
	ck_assert_msg(p != NULL, "demo.sh names no work folder; see %s", out);
	p += strlen("work folder: ");
	p[strcspn(p, "\n")] = '\0';
	snprintf(buf, len, "%s", p);
	free(text);
}

static const char *const subjects[DEMO_SUBJECTS] = {
	"Subject: Welcome to popgate", "Subject: Your tunnel works",
	"Subject: One more thing"
};

/* sh scripts/demo.sh with POPGATE_BIN and once; not waited for. */
static struct hproc *
demo_spawn(bool once)
{
	static char	 bin[HARNESS_PATH + 16];
	const char	*env[] = { bin, once ? "DEMO_ONCE=1" : NULL, NULL };
	struct hargv	 a;
	struct hproc	*p = NULL;

	snprintf(bin, sizeof(bin), "POPGATE_BIN=%s", harness_bin(""));
	hargv_init(&a);
	hargv_add(&a, "sh");
	hargv_add(&a, "%s", harness_src("scripts/demo.sh"));
	p = hproc_spawn(H, "demo", a.argv, env, NULL);
	ck_assert_msg(p != NULL, "cannot start demo.sh");
	return p;
}

/* After the demo exited: its folder and processes are gone. */
static void
assert_cleaned_up(const struct hproc *p)
{
	char		folder[HARNESS_PATH];
	struct stat	st;

	demo_folder(p->out, folder, sizeof(folder));
	ck_assert_msg(stat(folder, &st) != 0, "demo left %s behind", folder);
	/* Anything it left running was re-parented to us (subreaper). */
	ck_assert_msg(horphan_count() == 0, "demo left processes behind");
}

START_TEST(test_demo_once_fetches_and_cleans_up)
{
	struct hproc	*p = demo_spawn(true);
	size_t		 i;
	int		 rc;

	rc = hproc_wait(p, DEMO_MS);
	ck_assert_msg(rc == 0, "demo.sh exited %d; see %s and %s", rc, p->out,
	    p->err);
	for (i = 0; i < DEMO_SUBJECTS; i++) {
		ck_assert_msg(hfile_has(p->out, subjects[i]),
		    "demo printed no \"%s\"; see %s", subjects[i], p->out);
	}
	ck_assert_msg(hfile_has(p->out, "SHA256:"),
	    "demo printed no fingerprint; see %s", p->out);
	/* popgate is the tunnel: its ready line, its pinned host key. */
	ck_assert_msg(hlog_count(p->out, HLINE("popgate ", "listening "
	    "127.0.0.1:", " -> pop3:110", "--fingerprint SHA256:")) == 1,
	    "demo shows no popgate ready line; see %s", p->out);
	ck_assert_msg(!hfile_has(p->out, "Press Ctrl-C"), "DEMO_ONCE=1 "
	    "still waits for Ctrl-C; see %s", p->out);
	assert_cleaned_up(p);
}
END_TEST

/* The "  port      N" line of the MUA settings. */
static uint16_t
demo_port(const char *out)
{
	char	line[256];

	ck_assert(hlog_wait(out, 1, NULL, 0, HLINE("  port "), line,
	    sizeof(line)));
	return (uint16_t)strtoul(line + strlen("  port "), NULL, 10);
}

START_TEST(test_demo_serves_until_ctrl_c)
{
	struct hproc	*p = demo_spawn(false), *curl = NULL;
	struct hargv	 a;
	uint16_t	 port;

	ck_assert_msg(hlog_wait(p->out, 1, p, DEMO_MS,
	    HLINE("Press Ctrl-C"), NULL, 0), "demo.sh did not get to "
	    "\"Press Ctrl-C\" (exit %d); see %s and %s", p->status, p->out,
	    p->err);
	ck_assert_msg(hfile_has(p->out, "  server    127.0.0.1") &&
	    hfile_has(p->out, "  user      demo"), "no MUA settings; see %s",
	    p->out);
	port = demo_port(p->out);
	ck_assert_msg(port != 0, "no port in the MUA settings; see %s",
	    p->out);
	/* A mail client of our own, as the settings say. */
	hargv_init(&a);
	hargv_add(&a, "curl");
	hargv_add(&a, "-sS");
	hargv_add(&a, "--max-time");
	hargv_add(&a, "60");
	hargv_add(&a, "pop3://demo:demo@127.0.0.1:%u/2", (unsigned)port);
	ck_assert_int_eq(hproc_run(H, "curl", a.argv, NULL, NULL,
	    HARNESS_EXIT_MS, &curl), 0);
	ck_assert_msg(hfile_has(curl->out, subjects[1]), "curl through the "
	    "demo's tunnel got no \"%s\"; see %s", subjects[1], curl->out);
	ck_assert(kill(p->pid, SIGINT) == 0);
	ck_assert_int_eq(hproc_wait(p, HARNESS_LOG_MS), 128 + SIGINT);
	assert_cleaned_up(p);
}
END_TEST

Suite *
demo_suite(void)
{
	Suite	*s = suite_create("demo");
	TCase	*tc = harness_tcase("once", demo_setup, demo_teardown,
	    DEMO_MS / 1000 + 30);

	tcase_add_test(tc, test_demo_once_fetches_and_cleans_up);
	tcase_add_test(tc, test_demo_serves_until_ctrl_c);
	suite_add_tcase(s, tc);
	return s;
}
