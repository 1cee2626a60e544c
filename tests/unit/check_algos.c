/*
 * algos: only modern algorithms can be configured, and lists are exact.
 */
#include <check.h>
#include <string.h>

#include "popgate/algos.h"
#include "suites.h"

static const struct {
	enum algos_kind	 kind;
	const char	*list;
	const char	*err;	/* NULL: valid; else a part of the message */
} cases[] = {
	{ ALGOS_CIPHERS, "chacha20-poly1305@openssh.com", NULL },
	{ ALGOS_CIPHERS, "aes128-gcm@openssh.com,aes256-ctr", NULL },
	{ ALGOS_CIPHERS, "aes128-cbc", "unsupported cipher \"aes128-cbc\"" },
	{ ALGOS_CIPHERS, "3des-cbc", "unsupported cipher" },
	{ ALGOS_CIPHERS, "", "empty or overlong" },
	{ ALGOS_CIPHERS, "aes256-ctr,", "empty or overlong" },
	{ ALGOS_CIPHERS, ",aes256-ctr", "empty or overlong" },
	{ ALGOS_CIPHERS, "aes256-ctr,aes128-ctr,aes256-ctr", "listed twice" },
	{ ALGOS_CIPHERS, "aes256-ctr aes128-ctr", "unsupported cipher" },
	{ ALGOS_KEX, "curve25519-sha256", NULL },
	{ ALGOS_KEX, "diffie-hellman-group14-sha256", NULL },
	{ ALGOS_KEX, "diffie-hellman-group1-sha1", "unsupported key exchange" },
	{ ALGOS_KEX, "diffie-hellman-group14-sha1", "unsupported key exchange" },
	{ ALGOS_MACS, "hmac-sha2-256-etm@openssh.com,hmac-sha2-512", NULL },
	{ ALGOS_MACS, "hmac-sha1", "unsupported MAC" },
	{ ALGOS_MACS, "hmac-md5", "unsupported MAC" },
	{ ALGOS_HOSTKEY, "ssh-ed25519,rsa-sha2-256", NULL },
	{ ALGOS_HOSTKEY, "ssh-rsa", "unsupported host key algorithm" },
	{ ALGOS_HOSTKEY, "ssh-dss", "unsupported host key algorithm" },
};

START_TEST(test_algos_table)
{
	char	err[512] = "";
	bool	ok = algos_valid(cases[_i].kind, cases[_i].list, err,
		    sizeof(err));

	if (cases[_i].err == NULL) {
		ck_assert_msg(ok, "\"%s\" refused: %s", cases[_i].list, err);
	} else {
		ck_assert_msg(!ok, "\"%s\" accepted", cases[_i].list);
		ck_assert_msg(strstr(err, cases[_i].err) != NULL,
		    "\"%s\": \"%s\" lacks \"%s\"", cases[_i].list, err,
		    cases[_i].err);
	}
}
END_TEST

START_TEST(test_algos_defaults_are_valid)
{
	char	err[512] = "";
	int	k;

	for (k = ALGOS_KEX; k <= ALGOS_HOSTKEY; k++) {
		ck_assert_msg(algos_valid((enum algos_kind)k,
		    algos_default((enum algos_kind)k), err, sizeof(err)),
		    "default %d: %s", k, err);
	}
	ck_assert_str_eq(algos_default(ALGOS_CIPHERS), ALGOS_DEFAULT_CIPHERS);
	/* No SHA-1 anywhere in what is offered by default. */
	ck_assert_ptr_null(strstr(ALGOS_DEFAULT_KEX, "sha1"));
	ck_assert_ptr_null(strstr(ALGOS_DEFAULT_MACS, "sha1"));
	/* Nor the NIST curves ssh-audit fails, nor non-ETM MACs. */
	ck_assert_ptr_null(strstr(ALGOS_DEFAULT_KEX, "nistp"));
	ck_assert_ptr_null(strstr(ALGOS_DEFAULT_MACS, "hmac-sha2-256,"));
	ck_assert_ptr_nonnull(strstr(ALGOS_DEFAULT_KEX, "curve25519-sha256"));
}
END_TEST

Suite *
algos_suite(void)
{
	Suite	*s = suite_create("algos");
	TCase	*tc = tcase_create("lists");

	tcase_add_loop_test(tc, test_algos_table, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_algos_defaults_are_valid);
	suite_add_tcase(s, tc);
	return s;
}
