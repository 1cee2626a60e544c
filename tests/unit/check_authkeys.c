/*
 * check_authkeys: authorized_keys lines with keys made at test time (no
 * key is ever committed). Unusable lines must be skipped, never loaded
 * with fewer restrictions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "popgate/authkeys.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum { K_ED25519, K_ECDSA, K_RSA, K_OTHER, NKEYS };

static ssh_key	keys[NKEYS];
static char	*lines[NKEYS];	/* "type base64" of each key */

static char *
key_line(ssh_key key)
{
	char	*b64 = NULL;
	char	*line = NULL;

	ck_assert_int_eq(ssh_pki_export_pubkey_base64(key, &b64), SSH_OK);
	line = xasprintf("%s %s", ssh_key_type_to_char(ssh_key_type(key)),
	    b64);
	ssh_string_free_char(b64);
	return line;
}

static void
keys_setup(void)
{
	ck_assert_int_eq(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0,
	    &keys[K_ED25519]), SSH_OK);
	ck_assert_int_eq(ssh_pki_generate(SSH_KEYTYPE_ECDSA_P256, 256,
	    &keys[K_ECDSA]), SSH_OK);
	ck_assert_int_eq(ssh_pki_generate(SSH_KEYTYPE_RSA, 2048,
	    &keys[K_RSA]), SSH_OK);
	ck_assert_int_eq(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0,
	    &keys[K_OTHER]), SSH_OK);
	for (int i = 0; i < NKEYS; i++) {
		lines[i] = key_line(keys[i]);
	}
}

static void
keys_teardown(void)
{
	for (int i = 0; i < NKEYS; i++) {
		ssh_key_free(keys[i]);
		keys[i] = NULL;
		free(lines[i]);
		lines[i] = NULL;
	}
}

/* authkeys_read over text; stderr (the warnings) into *warnings. */
static struct authkeys *
read_text(const char *text, char **warnings)
{
	struct authkeys	*ak = authkeys_new();
	char		*copy = xstrdup(text);
	FILE		*fp = NULL;
	char		 err[256] = "";
	char		*w = NULL;

	fp = fmemopen(copy, strlen(copy), "r");
	ck_assert_ptr_nonnull(fp);
	testutil_stderr_begin();
	ck_assert_int_eq(authkeys_read(ak, fp, "keys", err, sizeof(err)), 0);
	w = testutil_stderr_end();
	fclose(fp);
	free(copy);
	if (warnings != NULL) {
		*warnings = w;
	} else {
		free(w);
	}
	return ak;
}

START_TEST(test_authkeys_reads_key_types_comments_blanks)
{
	char		*text = NULL;
	char		*warn = NULL;
	struct authkeys	*ak = NULL;

	text = xasprintf("# authorized keys\n\n   \n\t# indented comment\n"
	    "%s alice@laptop\n  %s\t  ecdsa key with spaces  \n%s\r\n",
	    lines[K_ED25519], lines[K_ECDSA], lines[K_RSA]);
	ak = read_text(text, &warn);
	ck_assert_str_eq(warn, "");
	ck_assert_uint_eq(authkeys_count(ak), 3);
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_ED25519]));
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_ECDSA]));
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_RSA]));
	ck_assert_ptr_null(authkeys_find(ak, keys[K_OTHER]));
	ck_assert_ptr_ne(authkeys_find(ak, keys[K_ED25519]),
	    authkeys_find(ak, keys[K_RSA]));
	authkeys_free(ak);
	free(warn);
	free(text);
}
END_TEST

static const char *const good_options[] = {
	"no-pty",
	"NO-PTY,no-agent-forwarding,no-X11-forwarding,no-user-rc",
	"restrict,port-forwarding",
	"no-x11-forwarding",
	"permitopen=\"pop3:110\"",
	"restrict,permitopen=\"pop3:110\",port-forwarding",
	"PermitOpen=\"[::1]:*\"",
};

START_TEST(test_authkeys_understood_options_table)
{
	char		*text = xasprintf("%s %s c\n", good_options[_i],
			    lines[K_ED25519]);
	char		*warn = NULL;
	struct authkeys	*ak = read_text(text, &warn);

	ck_assert_msg(authkeys_count(ak) == 1, "\"%s\" skipped: %s",
	    good_options[_i], warn);
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_ED25519]));
	ck_assert_str_eq(warn, "");
	authkeys_free(ak);
	free(warn);
	free(text);
}
END_TEST

struct bad_case {
	const char	*options;
	const char	*why;
};

static const struct bad_case bad_options[] = {
	{ "command=\"/bin/true\"", "unsupported option \"command\"" },
	{ "no-port-forwarding", "unsupported option" },
	{ "from=\"10.0.0.0/8\"", "unsupported option \"from\"" },
	{ "environment=\"A=B\"", "unsupported option" },
	{ "permitlisten=\"110\"", "unsupported option" },
	{ "cert-authority", "unsupported option" },
	{ "tunnel=\"0\"", "unsupported option" },
	{ "no-pty=yes", "unsupported option \"no-pty\"" },
	{ "restrict,no-pty,command=\"x y\"", "unsupported option" },
	{ "restrict,,no-pty", "empty option" },
	{ "restrict", "\"restrict\" without \"port-forwarding\"" },
	{ "restrict,no-pty,permitopen=\"pop3:110\"", "allows no forwarding" },
	{ "no-pty,", "empty option" },
	{ "permitopen", "unsupported option \"permitopen\"" },
	{ "permitopen=pop3:110", "permitopen needs a quoted" },
	{ "permitopen=\"pop3\"", "bad permitopen" },
	{ "permitopen=\"pop3:0\"", "bad permitopen" },
	{ "permitopen=\"pop3:*x\"", "bad permitopen" },
	{ "permitopen=\"*:110\"", "bad permitopen" },
	{ "permitopen=\"\"", "bad permitopen" },
	{ "command=\"unclosed", "unclosed quote" },
};

START_TEST(test_authkeys_unknown_option_skips_line)
{
	const struct bad_case	*c = &bad_options[_i];
	char			*text = NULL;
	char			*warn = NULL;
	char			*why = NULL, *p = NULL;
	struct authkeys		*ak = NULL;

	/* The good line after it proves reading went on. */
	text = xasprintf("# first\n%s %s\n%s\n", c->options,
	    lines[K_ED25519], lines[K_ECDSA]);
	ak = read_text(text, &warn);
	ck_assert_uint_eq(authkeys_count(ak), 1);
	ck_assert_ptr_null(authkeys_find(ak, keys[K_ED25519]));
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_ECDSA]));
	ck_assert_msg(strstr(warn, "event=authorized-keys-line-skipped ") !=
	    NULL && strstr(warn, "keys line=2 ") != NULL, "warning: %s", warn);
	/* Quoted in the log, the reason's double quotes become single. */
	why = xstrdup(c->why);
	for (p = why; (p = strchr(p, '"')) != NULL; p++) {
		*p = '\'';
	}
	ck_assert_msg(strstr(warn, why) != NULL, "\"%s\" lacks \"%s\"",
	    warn, why);
	free(why);
	authkeys_free(ak);
	free(warn);
	free(text);
}
END_TEST

START_TEST(test_authkeys_permitopen_narrows)
{
	char				*text = NULL;
	struct authkeys			*ak = NULL;
	const struct authkeys_entry	*e = NULL;

	text = xasprintf("permitopen=\"pop3:110\",permitopen=\"[::1]:*\" %s\n"
	    "%s\n", lines[K_ED25519], lines[K_ECDSA]);
	ak = read_text(text, NULL);
	e = authkeys_find(ak, keys[K_ED25519]);
	ck_assert_ptr_nonnull(e);
	ck_assert(authkeys_entry_permits(e, "pop3", 110));
	ck_assert(authkeys_entry_permits(e, "POP3", 110));
	ck_assert(!authkeys_entry_permits(e, "pop3", 995));
	ck_assert(!authkeys_entry_permits(e, "imap", 110));
	ck_assert(authkeys_entry_permits(e, "::1", 1));
	ck_assert(authkeys_entry_permits(e, "::1", 65535));
	ck_assert(!authkeys_entry_permits(e, "127.0.0.1", 110));
	/* No permitopen: every Forward the policy allows. */
	e = authkeys_find(ak, keys[K_ECDSA]);
	ck_assert_ptr_nonnull(e);
	ck_assert(authkeys_entry_permits(e, "anything", 1));
	authkeys_free(ak);
	free(text);
}
END_TEST

START_TEST(test_authkeys_garbage_key_lines_skipped)
{
	char		*text = NULL;
	char		*warn = NULL;
	struct authkeys	*ak = NULL;
	char		*b64 = strchr(lines[K_ED25519], ' ') + 1;

	text = xasprintf("ssh-ed25519 AAAA!!notbase64 x\n"
	    "ssh-ed25519\n"
	    "ssh-foo %s\n"
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==\n"
	    "ssh-ed25519-cert-v01@openssh.com %s\n"
	    "%s\n", b64, b64, lines[K_RSA]);
	ak = read_text(text, &warn);
	ck_assert_uint_eq(authkeys_count(ak), 1);
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_RSA]));
	ck_assert_ptr_null(authkeys_find(ak, keys[K_ED25519]));
	ck_assert_ptr_nonnull(strstr(warn, "line=1 reason=\"bad ssh-ed25519 "
	    "key"));
	ck_assert_ptr_nonnull(strstr(warn, "line=2 reason=\"missing key"));
	ck_assert_ptr_nonnull(strstr(warn, "line=3 reason=\"unknown key type "
	    "'ssh-foo'\""));
	ck_assert_ptr_nonnull(strstr(warn, "line=4 reason=\"bad ssh-ed25519 "
	    "key"));
	ck_assert_ptr_nonnull(strstr(warn, "line=5 reason=\"certificates"));
	ck_assert_ptr_null(strstr(warn, "line=6 "));
	authkeys_free(ak);
	free(warn);
	free(text);
}
END_TEST

START_TEST(test_authkeys_type_name_must_fit_key)
{
	char		*text = NULL;
	struct authkeys	*ak = NULL;

	/* An ed25519 blob labelled ssh-rsa must never match the key. */
	text = xasprintf("ssh-rsa %s\n", strchr(lines[K_ED25519], ' ') + 1);
	ak = read_text(text, NULL);
	ck_assert_ptr_null(authkeys_find(ak, keys[K_ED25519]));
	authkeys_free(ak);
	free(text);
}
END_TEST

START_TEST(test_authkeys_nul_byte_skips_line)
{
	char		 text[] = "ssh-ed25519 AAAA\0junk\nx";
	FILE		*fp = fmemopen(text, sizeof(text) - 1, "r");
	struct authkeys	*ak = authkeys_new();
	char		 err[128];
	char		*warn = NULL;

	ck_assert_ptr_nonnull(fp);
	testutil_stderr_begin();
	ck_assert_int_eq(authkeys_read(ak, fp, "nul", err, sizeof(err)), 0);
	warn = testutil_stderr_end();
	ck_assert_ptr_nonnull(strstr(warn, "file=nul line=1 reason=nul-byte"));
	ck_assert_ptr_nonnull(strstr(warn, "file=nul line=2 reason=\"unknown "
	    "key type"));
	ck_assert_uint_eq(authkeys_count(ak), 0);
	fclose(fp);
	free(warn);
	authkeys_free(ak);
}
END_TEST

START_TEST(test_authkeys_load_missing_file_is_empty)
{
	struct authkeys	*ak = NULL;
	char		 err[256] = "";

	ck_assert_int_eq(authkeys_load("/nonexistent/authorized_keys", &ak,
	    err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(ak);
	ck_assert_uint_eq(authkeys_count(ak), 0);
	ck_assert_ptr_null(authkeys_find(ak, keys[K_ED25519]));
	authkeys_free(ak);
	authkeys_free(NULL);
}
END_TEST

START_TEST(test_authkeys_load_file_and_errors)
{
	char		*dir = testutil_mkdtemp();
	char		*text = xasprintf("%s\n", lines[K_ECDSA]);
	char		*path = testutil_write(dir, "authorized_keys", text);
	struct authkeys	*ak = NULL;
	char		 err[512] = "";

	ck_assert_int_eq(authkeys_load(path, &ak, err, sizeof(err)), 0);
	ck_assert_uint_eq(authkeys_count(ak), 1);
	ck_assert_ptr_nonnull(authkeys_find(ak, keys[K_ECDSA]));
	authkeys_free(ak);
	ak = NULL;
	/* A folder opens but cannot be read: an error, not an empty set. */
	ck_assert_int_eq(authkeys_load(dir, &ak, err, sizeof(err)), -1);
	ck_assert_ptr_null(ak);
	ck_assert_int_eq(strncmp(err, dir, strlen(dir)), 0);
	free(path);
	free(text);
	testutil_rmdir(dir);
}
END_TEST

Suite *
authkeys_suite(void)
{
	Suite	*s = suite_create("authkeys");
	TCase	*tc = tcase_create("authkeys");

	/* Keys are made once, in the parent, before the tests fork. */
	tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_authkeys_reads_key_types_comments_blanks);
	tcase_add_loop_test(tc, test_authkeys_understood_options_table, 0,
	    NELEM(good_options));
	tcase_add_loop_test(tc, test_authkeys_unknown_option_skips_line, 0,
	    NELEM(bad_options));
	tcase_add_test(tc, test_authkeys_permitopen_narrows);
	tcase_add_test(tc, test_authkeys_garbage_key_lines_skipped);
	tcase_add_test(tc, test_authkeys_type_name_must_fit_key);
	tcase_add_test(tc, test_authkeys_nul_byte_skips_line);
	tcase_add_test(tc, test_authkeys_load_missing_file_is_empty);
	tcase_add_test(tc, test_authkeys_load_file_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
