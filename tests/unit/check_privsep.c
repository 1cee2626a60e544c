/*
 * check_privsep: the drop in a forked test process. As root (CI) it must
 * end with every id nobody's, no way back to uid 0 and no_new_privs set;
 * as anyone else, with the ids untouched and no_new_privs set. Each test
 * runs in its own process (CK_FORK), so dropping is safe here; the TCase
 * is tagged "fork" so a CK_FORK=no run (make valgrind) can leave it out
 * (CK_EXCLUDE_TAGS=fork) and run it apart in fork mode.
 */
#define _GNU_SOURCE		/* getresuid, getresgid */

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "popgate/log.h"
#include "popgate/privsep.h"
#include "suites.h"

#define NOBODY		"nobody"
#define NOBODY_ID	65534u

START_TEST(test_privsep_drops_for_good)
{
	char	 err[512] = "";
	char	*logged = NULL;
	uid_t	 ru, eu, su, before = getuid();
	gid_t	 rg, eg, sg, groups[4];

	testutil_stderr_begin();
	ck_assert_msg(privsep_init(NOBODY, err, sizeof(err)) == 0, "%s", err);
	logged = testutil_stderr_end();
	ck_assert_int_eq(privsep_enabled(), before == 0);
	ck_assert_msg(strstr(logged, before == 0 ?
	    "event=privsep mode=on user=nobody uid=65534 gid=" :
	    "event=privsep mode=off uid=") != NULL,
	    "log: %s", logged);
	free(logged);
	ck_assert_int_eq(privsep_drop(), 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	ck_assert_int_eq(getresuid(&ru, &eu, &su), 0);
	ck_assert_int_eq(getresgid(&rg, &eg, &sg), 0);
	if (before != 0) {
		ck_assert_uint_eq(ru, before);
		ck_assert_uint_eq(eu, before);
		return;
	}
	ck_assert_uint_eq(ru, NOBODY_ID);
	ck_assert_uint_eq(eu, NOBODY_ID);
	ck_assert_uint_eq(su, NOBODY_ID);
	ck_assert_uint_eq(rg, eg);
	ck_assert_uint_eq(sg, eg);
	ck_assert_uint_ne(eg, 0);
	ck_assert_int_eq(getgroups(4, groups), 1);
	ck_assert_uint_eq(groups[0], eg);
	/* No way back. */
	ck_assert_int_eq(setuid(0), -1);
	ck_assert_int_eq(seteuid(0), -1);
	ck_assert_int_eq(setgid(0), -1);
	ck_assert_uint_eq(geteuid(), NOBODY_ID);
}
END_TEST

START_TEST(test_privsep_missing_user_says_how_to_add_it)
{
	char	 err[512] = "";
	char	*logged = NULL;
	int	 rc;

	testutil_stderr_begin();
	rc = privsep_init("popgate-no-such-user", err, sizeof(err));
	logged = testutil_stderr_end();
	if (getuid() != 0) {
		/* Not root: User is not used, so a missing one is fine. */
		ck_assert_int_eq(rc, 0);
		ck_assert_ptr_nonnull(strstr(logged, "event=privsep mode=off"));
		free(logged);
		return;
	}
	free(logged);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "User popgate-no-such-user: no such user; "
	    "create the account the sessions run as with: useradd --system "
	    "--no-create-home --shell /usr/sbin/nologin popgate-no-such-user")
	    != NULL, "%s", err);
}
END_TEST

START_TEST(test_privsep_root_user_warns)
{
	char	 err[512] = "";
	char	*logged = NULL;

	testutil_stderr_begin();
	ck_assert_int_eq(privsep_init("root", err, sizeof(err)), 0);
	logged = testutil_stderr_end();
	if (getuid() == 0) {
		ck_assert_msg(strstr(logged, "level=warning event=privsep "
		    "mode=root user=root hint=\"User has uid 0: sessions run as "
		    "root, without privilege separation\"") != NULL, "log: %s",
		    logged);
	}
	free(logged);
	ck_assert_int_eq(privsep_drop(), 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
}
END_TEST

Suite *
privsep_suite(void)
{
	Suite	*s = suite_create("privsep");
	TCase	*tc = tcase_create("drop");

	tcase_set_tags(tc, "fork");
	tcase_add_test(tc, test_privsep_drops_for_good);
	tcase_add_test(tc, test_privsep_missing_user_says_how_to_add_it);
	tcase_add_test(tc, test_privsep_root_user_warns);
	suite_add_tcase(s, tc);
	return s;
}
