/*
 * check_integ: every integration suite, in fork mode (the harness relies
 * on it: each test's processes live in the test's own process group).
 * Needs POPGATE_BIN (make check sets it); exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "harness.h"

int
main(void)
{
	SRunner	*sr = NULL;
	int	 failed;

	if (harness_root_init() != 0) {
		return 1;
	}
	sr = srunner_create(cli_suite());
	srunner_add_suite(sr, gateway_suite());
	srunner_add_suite(sr, auth_suite());
	srunner_add_suite(sr, refuse_suite());
	srunner_add_suite(sr, hostile_suite());
	srunner_add_suite(sr, audit_suite());
	srunner_add_suite(sr, privsep_suite());
	srunner_add_suite(sr, strictmodes_suite());
	srunner_add_suite(sr, client_suite());
	srunner_add_suite(sr, client_trust_suite());
	srunner_add_suite(sr, client_fail_suite());
	srunner_add_suite(sr, client_persist_suite());
	srunner_add_suite(sr, interop_suite());
	srunner_add_suite(sr, fault_suite());
	srunner_add_suite(sr, limits_suite());
	srunner_add_suite(sr, proxy_suite());
	srunner_add_suite(sr, scale_suite());
	srunner_add_suite(sr, systemd_suite());
	srunner_add_suite(sr, protocols_suite());
	srunner_add_suite(sr, logging_suite());
	srunner_add_suite(sr, docs_suite());
	srunner_add_suite(sr, backend_tls_suite());
	srunner_add_suite(sr, mailbind_suite());
	srunner_add_suite(sr, demo_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, getenv("CK_VERBOSITY") != NULL ? CK_ENV :
	    CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	harness_root_fini(failed != 0);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
