/*
 * check_unit: every unit suite in one runner. CK_FORK stays on, so a
 * crash fails one test, not the run. Exit status: 0 only if all passed.
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner	*sr = NULL;
	int	 failed;

	sr = srunner_create(str_suite());
	srunner_add_suite(sr, addr_suite());
	srunner_add_suite(sr, cfgfile_suite());
	srunner_add_suite(sr, pop3_suite());
	srunner_add_suite(sr, policy_suite());
	srunner_add_suite(sr, authkeys_suite());
	srunner_add_suite(sr, pwfile_suite());
	srunner_add_suite(sr, servconf_suite());
	srunner_add_suite(sr, kwtype_suite());
	srunner_add_suite(sr, opts_suite());
	srunner_add_suite(sr, optdef_suite());
	srunner_add_suite(sr, fwdspec_suite());
	srunner_add_suite(sr, usage_suite());
	srunner_add_suite(sr, profile_suite());
	srunner_add_suite(sr, fingerprint_suite());
	srunner_add_suite(sr, admit_suite());
	srunner_add_suite(sr, log_suite());
	srunner_add_suite(sr, algos_suite());
	srunner_add_suite(sr, penalty_suite());
	srunner_add_suite(sr, scoreboard_suite());
	srunner_add_suite(sr, status_suite());
	srunner_add_suite(sr, proxyproto_suite());
	srunner_add_suite(sr, proxynet_suite());
	srunner_add_suite(sr, proxyread_suite());
	srunner_add_suite(sr, mailproto_suite());
	srunner_add_suite(sr, strictmodes_suite());
	srunner_add_suite(sr, privsep_suite());
	srunner_add_suite(sr, mailbind_suite());
	srunner_add_suite(sr, mailsasl_suite());
	srunner_add_suite(sr, mailmap_suite());
	srunner_add_suite(sr, children_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
