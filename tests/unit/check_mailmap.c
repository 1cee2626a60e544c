/*
 * check_mailmap: the MailboxMap file, read from a temporary folder:
 * lines accepted, each kind of bad line refused at its FILE:LINE, and
 * users the map does not list keep their own name.
 */
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "popgate/mailmap.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	*dir;

static void
map_setup(void)
{
	dir = testutil_mkdtemp();
}

static void
map_teardown(void)
{
	testutil_rmdir(dir);
	dir = NULL;
}

START_TEST(test_mailmap_lookup)
{
	struct mailmap	*mm = NULL;
	char		*path = testutil_write(dir, "map",
			    "# ssh user mailbox\n\nalice alice@example.com\n"
			    "  bob\tmbox-7 \ncarol=carol.smith\n");
	char		 err[512] = "";

	ck_assert_msg(mailmap_load(path, &mm, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_str_eq(mailmap_lookup(mm, "alice"), "alice@example.com");
	ck_assert_str_eq(mailmap_lookup(mm, "bob"), "mbox-7");
	ck_assert_str_eq(mailmap_lookup(mm, "carol"), "carol.smith");
	ck_assert_str_eq(mailmap_lookup(mm, "dave"), "dave");
	ck_assert_str_eq(mailmap_lookup(NULL, "dave"), "dave");
	mailmap_free(mm);
	mailmap_free(NULL);
	free(path);
}
END_TEST

struct bad_case {
	const char	*text;
	const char	*err;		/* after "PATH:" */
};

static const struct bad_case bad_cases[] = {
	{ "alice\n", "1: expected \"SSHUSER MAILBOX\"" },
	{ "alice a b\n", "1: expected \"SSHUSER MAILBOX\"" },
	{ "# c\n.alice a\n", "2: bad SSH user name \".alice\"" },
	{ "al/ice a\n", "1: bad SSH user name \"al/ice\"" },
	{ "alice \"a b\"\n", "1: bad mailbox name \"a b\" (1 to 128 printable "
	    "characters, no blanks)" },
	{ "alice caf\xc3\xa9\n", "1: bad mailbox name \"caf\xc3\xa9\" (1 to "
	    "128 printable characters, no blanks)" },
	{ "alice a\nbob b\nalice c\n", "3: alice listed twice" },
	{ "alice \"a\n", "1: expected \"SSHUSER MAILBOX\"" },
};

START_TEST(test_mailmap_rejects)
{
	const struct bad_case	*c = &bad_cases[_i];
	struct mailmap		*mm = NULL;
	char			*path = testutil_write(dir, "map", c->text);
	char			*want = xasprintf("%s:%s", path, c->err);
	char			 err[512] = "";

	ck_assert_int_eq(mailmap_load(path, &mm, err, sizeof(err)), -1);
	ck_assert_ptr_null(mm);
	ck_assert_str_eq(err, want);
	free(want);
	free(path);
}
END_TEST

START_TEST(test_mailmap_resolve)
{
	char	*path = testutil_write(dir, "map", "alice box\n");
	char	*missing = xasprintf("%s/none", dir);
	char	 buf[8], err[512] = "";

	ck_assert_int_eq(mailmap_resolve(path, false, "alice", buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "box");
	ck_assert_int_eq(mailmap_resolve(NULL, false, "bob", buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "bob");
	ck_assert_int_eq(mailmap_resolve(NULL, false, "bobbybobby", buf, sizeof(buf),
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	ck_assert_int_eq(mailmap_resolve(missing, false, "alice", buf, sizeof(buf),
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	free(missing);
	free(path);
}
END_TEST

/* With StrictModes, a map others could change is not read. */
START_TEST(test_mailmap_resolve_strict)
{
	char	*path = testutil_write(dir, "map", "alice box\n");
	char	 buf[16], err[512] = "";

	strictmodes_trust(getuid());
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(mailmap_resolve(path, true, "alice", buf,
	    sizeof(buf), err, sizeof(err)), 0);
	ck_assert_str_eq(buf, "box");
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(mailmap_resolve(path, true, "alice", buf,
	    sizeof(buf), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err, "fix") != NULL,
	    "%s", err);
	ck_assert_int_eq(mailmap_resolve(path, false, "alice", buf,
	    sizeof(buf), err, sizeof(err)), 0);
	free(path);
}
END_TEST

Suite *
mailmap_suite(void)
{
	Suite	*s = suite_create("mailmap");
	TCase	*tc = tcase_create("mailmap");

	tcase_add_checked_fixture(tc, map_setup, map_teardown);
	tcase_add_test(tc, test_mailmap_lookup);
	tcase_add_loop_test(tc, test_mailmap_rejects, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_mailmap_resolve);
	tcase_add_test(tc, test_mailmap_resolve_strict);
	suite_add_tcase(s, tc);
	return s;
}
