/*
 * fingerprint: the printed forms must be exactly OpenSSH's, since users
 * compare them letter for letter with what ssh-keygen and ssh show.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "popgate/fingerprint.h"
#include "suites.h"

static ssh_key
make_key(enum ssh_keytypes_e type, int bits)
{
	ssh_key	key = NULL;

	ck_assert_int_eq(ssh_pki_generate(type, bits, &key), SSH_OK);
	return key;
}

START_TEST(test_fingerprint_sha256_form)
{
	ssh_key	 key = make_key(SSH_KEYTYPE_ED25519, 0);
	char	*fp = fingerprint_sha256(key);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(strncmp(fp, "SHA256:", 7), 0);
	/* 32 bytes in unpadded base64: 43 characters, no '='. */
	ck_assert_uint_eq(strlen(fp), 7 + 43);
	ck_assert_ptr_null(strchr(fp, '='));
	ck_assert(fingerprint_matches(key, fp));
	ssh_string_free_char(fp);
	ssh_key_free(key);
}
END_TEST

START_TEST(test_fingerprint_matches_only_its_key)
{
	ssh_key	 a = make_key(SSH_KEYTYPE_ED25519, 0);
	ssh_key	 b = make_key(SSH_KEYTYPE_ED25519, 0);
	char	*fa = fingerprint_sha256(a);

	ck_assert(fingerprint_matches(a, fa));
	ck_assert(!fingerprint_matches(b, fa));
	ck_assert(!fingerprint_matches(a, fa + 7));	/* no prefix */
	ck_assert(!fingerprint_matches(a, ""));
	fa[10] = fa[10] == 'A' ? 'B' : 'A';
	ck_assert(!fingerprint_matches(a, fa));
	ssh_string_free_char(fa);
	ssh_key_free(a);
	ssh_key_free(b);
}
END_TEST

static const struct {
	enum ssh_keytypes_e	 type;
	int			 bits;
	unsigned		 want_bits;
	const char		*label;
} key_cases[] = {
	{ SSH_KEYTYPE_ED25519, 0, 256, "ED25519" },
	{ SSH_KEYTYPE_ECDSA_P256, 256, 256, "ECDSA" },
	{ SSH_KEYTYPE_ECDSA_P384, 384, 384, "ECDSA" },
	{ SSH_KEYTYPE_ECDSA_P521, 521, 521, "ECDSA" },
	{ SSH_KEYTYPE_RSA, 2048, 2048, "RSA" },
	{ SSH_KEYTYPE_RSA, 3072, 3072, "RSA" },
};

START_TEST(test_fingerprint_bits_and_labels)
{
	ssh_key	key = make_key(key_cases[_i].type, key_cases[_i].bits);

	ck_assert_uint_eq(fingerprint_bits(key), key_cases[_i].want_bits);
	ck_assert_str_eq(fingerprint_type_label(key), key_cases[_i].label);
	ssh_key_free(key);
}
END_TEST

START_TEST(test_fingerprint_line_as_ssh_keygen)
{
	ssh_key	 key = make_key(SSH_KEYTYPE_ED25519, 0);
	char	*fp = fingerprint_sha256(key);
	char	 line[512], want[512];

	ck_assert_int_eq(fingerprint_line(key, "root@gw", line,
	    sizeof(line)), 0);
	snprintf(want, sizeof(want), "256 %s root@gw (ED25519)", fp);
	ck_assert_str_eq(line, want);
	ck_assert_int_eq(fingerprint_line(key, NULL, line, sizeof(line)), 0);
	snprintf(want, sizeof(want), "256 %s no comment (ED25519)", fp);
	ck_assert_str_eq(line, want);
	/* Too small a buffer is an error, not a cut line. */
	ck_assert_int_eq(fingerprint_line(key, "x", line, 20), -1);
	ssh_string_free_char(fp);
	ssh_key_free(key);
}
END_TEST

Suite *
fingerprint_suite(void)
{
	Suite	*s = suite_create("fingerprint");
	TCase	*tc = tcase_create("forms");

	tcase_set_timeout(tc, 60);	/* RSA key generation */
	tcase_add_test(tc, test_fingerprint_sha256_form);
	tcase_add_test(tc, test_fingerprint_matches_only_its_key);
	tcase_add_loop_test(tc, test_fingerprint_bits_and_labels, 0,
	    sizeof(key_cases) / sizeof(key_cases[0]));
	tcase_add_test(tc, test_fingerprint_line_as_ssh_keygen);
	suite_add_tcase(s, tc);
	return s;
}
