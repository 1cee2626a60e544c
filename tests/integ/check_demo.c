/*
 * demo: scripts/demo.sh (what `make demo` runs) with DEMO_ONCE=1 goes
 * through the whole chain, prints the fetched messages, exits 0 and
 * leaves neither a process nor its temporary folder behind.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define DEMO_MS		180000

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

START_TEST(test_demo_once_fetches_and_cleans_up)
{
	static const char *const subjects[] = {
		"Subject: Welcome to popgate", "Subject: Your tunnel works",
		"Subject: One more thing"
	};
	char		 bin[HARNESS_PATH + 16], folder[HARNESS_PATH];
	const char	*env[] = { "DEMO_ONCE=1", bin, NULL };
	struct hargv	 a;
	struct hproc	*p = NULL;
	struct stat	 st;
	size_t		 i;
	int		 rc;

	snprintf(bin, sizeof(bin), "POPGATE_BIN=%s", harness_bin(""));
	hargv_init(&a);
	hargv_add(&a, "sh");
	hargv_add(&a, "%s", harness_src("scripts/demo.sh"));
	rc = hproc_run(H, "demo", a.argv, env, NULL, DEMO_MS, &p);
	ck_assert_msg(rc == 0, "demo.sh exited %d; see %s and %s", rc, p->out,
	    p->err);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(hfile_has(p->out, subjects[i]),
		    "demo printed no \"%s\"; see %s", subjects[i], p->out);
	}
	ck_assert_msg(hfile_has(p->out, "SHA256:"),
	    "demo printed no fingerprint; see %s", p->out);
	demo_folder(p->out, folder, sizeof(folder));
	ck_assert_msg(stat(folder, &st) != 0, "demo left %s behind", folder);
	/* Anything it left running was re-parented to us (subreaper). */
	ck_assert_msg(horphan_count() == 0, "demo left processes behind");
}
END_TEST

Suite *
demo_suite(void)
{
	Suite	*s = suite_create("demo");
	TCase	*tc = harness_tcase("once", demo_setup, demo_teardown,
	    DEMO_MS / 1000 + 30);

	tcase_add_test(tc, test_demo_once_fetches_and_cleans_up);
	suite_add_tcase(s, tc);
	return s;
}
