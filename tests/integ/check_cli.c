/*
 * cli: popgated's command line without serving: -t and -T on good and
 * bad configs, and the keygen, fingerprint and passwd sub-commands,
 * checked against OpenSSH's ssh-keygen.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct harness	*H;
static struct hgate	 G;

static void
cli_setup(void)
{
	H = harness_new("cli");
	ck_assert(H != NULL);
	hgate_prepare(H, &G, hnet_free_port(), true, NULL);
}

static void
cli_teardown(void)
{
	harness_free(H);
	H = NULL;
}

/* Does text hold line as a whole line? */
static bool
has_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 len = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0')) {
			return true;
		}
		p += len;
	}
	return false;
}

static void
assert_line(const char *path, const char *line)
{
	char	*text = hfile_slurp(path, NULL);

	ck_assert_msg(text != NULL && has_line(text, line),
	    "no line \"%s\" in %s:\n%s", line, path, text);
	free(text);
}

START_TEST(test_cli_check_good_config)
{
	const char	*args[] = { "-t", "-f", G.conf, NULL };
	struct hproc	*p = NULL;

	ck_assert_int_eq(hgate_run(H, "popgated-t", args, NULL, &p), 0);
}
END_TEST

static const struct {
	const char	*text;
	unsigned	 line;
} bad_confs[] = {
	{ "ListenAddress 127.0.0.1:0\nNoSuchKeyword yes\n", 2 },
	{ "ListenAddress 127.0.0.1:0\n\nMaxAuthTries\n", 3 },
	{ "MaxAuthTries 3\n# again\nMaxAuthTries 4\n", 3 },
	{ "# comment\nLoginGraceTime soon\n", 2 },
	{ "ListenAddress 127.0.0.1:0\nForward pop3:99999 127.0.0.1:110\n", 2 },
	{ "LogLevel LOUD\n", 1 },
};

START_TEST(test_cli_check_bad_config)
{
	struct hpath	 conf = harness_path(H, "bad.conf");
	const char	*args[] = { "-t", "-f", conf.s, NULL };
	char		 want[HARNESS_PATH + 16];
	struct hproc	*p = NULL;

	ck_assert(hfile_write(conf.s, 0644, "%s", bad_confs[_i].text) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", args, NULL, &p), 1);
	snprintf(want, sizeof(want), "%s:%u: ", conf.s, bad_confs[_i].line);
	ck_assert_msg(hfile_has(p->err, want),
	    "stderr lacks \"%s\"; see %s", want, p->err);
}
END_TEST

START_TEST(test_cli_dump_config)
{
	const char	*args[] = { "-T", "-f", G.conf, NULL };
	struct hproc	*p = NULL;
	char		 line[HARNESS_PATH + 32];

	ck_assert_int_eq(hgate_run(H, "popgated-T", args, NULL, &p), 0);
	assert_line(p->out, "MaxAuthTries 3");
	assert_line(p->out, "LoginGraceTime 30");
	assert_line(p->out, "BackendConnectTimeout 5");
	assert_line(p->out, "LogLevel VERBOSE");
	assert_line(p->out, "ListenAddress 127.0.0.1:0");
	/* Relative paths come out resolved against the config's folder. */
	snprintf(line, sizeof(line), "HostKey %s", G.hostkey);
	assert_line(p->out, line);
	snprintf(line, sizeof(line), "PasswordFile %s/passwd", H->dir);
	assert_line(p->out, line);
}
END_TEST

START_TEST(test_cli_dump_applies_o)
{
	const char	*args[] = { "-o", "ChannelsPerSession=7", "-T", "-f",
	    G.conf, NULL };
	const char	*bad[] = { "-o", "NoSuchKeyword=1", "-t", "-f", G.conf,
	    NULL };
	struct hproc	*p = NULL;

	ck_assert_int_eq(hgate_run(H, "popgated-T", args, NULL, &p), 0);
	assert_line(p->out, "ChannelsPerSession 7");
	ck_assert_int_eq(hgate_run(H, "popgated-t", bad, NULL, &p), 1);
}
END_TEST

/* The first two words ("type base64") of a file's first line. */
static void
key_words(const char *path, char *buf, size_t len)
{
	char	*text = hfile_slurp(path, NULL);
	char	*sp = NULL;

	ck_assert_msg(text != NULL, "cannot read %s", path);
	sp = strchr(text, ' ');
	sp = sp != NULL ? strpbrk(sp + 1, " \r\n") : NULL;
	if (sp != NULL) {
		*sp = '\0';
	}
	snprintf(buf, len, "%s", text);
	free(text);
}

/* ssh-keygen args... on path; its stdout file through *out. */
static int
ssh_keygen(const char *flag, const char *path, struct hproc **out)
{
	struct hargv	a;

	hargv_init(&a);
	hargv_add(&a, "ssh-keygen");
	hargv_add(&a, "%s", flag);
	hargv_add(&a, "%s", path);
	return hproc_run(H, "ssh-keygen", a.argv, NULL, NULL, HARNESS_EXIT_MS,
	    out);
}

START_TEST(test_cli_keygen_creates_key)
{
	const char	*args[] = { "keygen", "-f", G.conf, NULL };
	char		 pub[HARNESS_PATH + 8], want[HARNESS_PATH + 16];
	char		 words[1024], derived[1024];
	struct hproc	*p = NULL;
	struct stat	 st;

	snprintf(pub, sizeof(pub), "%s.pub", G.hostkey);
	ck_assert(unlink(G.hostkey) == 0 && unlink(pub) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-keygen", args, NULL, &p), 0);
	snprintf(want, sizeof(want), "generated %s", G.hostkey);
	ck_assert_msg(hfile_has(p->out, want) ||
	    hfile_has(p->err, want), "no \"%s\"; see %s", want, p->out);
	ck_assert_int_eq(stat(G.hostkey, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "host key mode %o",
	    (unsigned)(st.st_mode & 07777));
	ck_assert_msg(stat(pub, &st) == 0, "no %s", pub);
	/* The .pub is the private key's public half, as OpenSSH reads it. */
	ck_assert_int_eq(ssh_keygen("-yf", G.hostkey, &p), 0);
	key_words(p->out, derived, sizeof(derived));
	key_words(pub, words, sizeof(words));
	ck_assert_str_eq(derived, words);
	ck_assert_msg(strncmp(words, "ssh-ed25519 ", 12) == 0, "not ed25519: "
	    "%s", words);
}
END_TEST

START_TEST(test_cli_keygen_keeps_existing_key)
{
	const char	*args[] = { "keygen", "-f", G.conf, NULL };
	char		 before[65], after[65];
	size_t		 size;
	struct hproc	*p = NULL;

	ck_assert(hmail_sha256_file(G.hostkey, before, &size) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-keygen", args, NULL, &p), 0);
	ck_assert(hmail_sha256_file(G.hostkey, after, &size) == 0);
	ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(test_cli_fingerprint_matches_ssh_keygen)
{
	const char	*args[] = { "fingerprint", "-f", G.conf, NULL };
	char		 pub[HARNESS_PATH + 8];
	char		*ours = NULL, *theirs = NULL;
	struct hproc	*p = NULL, *k = NULL;

	ck_assert_int_eq(hgate_run(H, "popgated-fingerprint", args, NULL, &p),
	    0);
	snprintf(pub, sizeof(pub), "%s.pub", G.hostkey);
	ck_assert_int_eq(ssh_keygen("-lf", pub, &k), 0);
	ours = hfile_slurp(p->out, NULL);
	theirs = hfile_slurp(k->out, NULL);
	ck_assert(ours != NULL && theirs != NULL);
	ck_assert_msg(strncmp(theirs, "256 SHA256:", 11) == 0, "ssh-keygen: "
	    "%s", theirs);
	ck_assert_str_eq(ours, theirs);
	free(ours);
	free(theirs);
}
END_TEST

START_TEST(test_cli_passwd_stores_hashes)
{
	struct hpath	 pwfile = harness_path(H, "passwd");
	char		*before = NULL, *after = NULL, *nl = NULL;

	before = hfile_slurp(pwfile.s, NULL);
	ck_assert_msg(before != NULL && strncmp(before, "alice:$", 7) == 0,
	    "%s: %s", pwfile.s, before);
	ck_assert_msg(strstr(before, HARNESS_SSH_PASS) == NULL,
	    "the password is stored in clear in %s", pwfile.s);
	ck_assert_int_eq(hgate_passwd(H, &G, "bob", "bobs-password"), 0);
	after = hfile_slurp(pwfile.s, NULL);
	ck_assert(after != NULL);
	nl = strchr(before, '\n');
	ck_assert(nl != NULL);
	nl[1] = '\0';
	ck_assert_msg(strstr(after, before) != NULL, "alice's line changed");
	ck_assert_msg(strstr(after, "\nbob:$") != NULL, "no bob in %s", after);
	free(before);
	free(after);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite	*s = suite_create("cli");
	TCase	*tc = harness_tcase("cli", cli_setup, cli_teardown, 60);

	tcase_add_test(tc, test_cli_check_good_config);
	tcase_add_loop_test(tc, test_cli_check_bad_config, 0,
	    (int)(sizeof(bad_confs) / sizeof(bad_confs[0])));
	tcase_add_test(tc, test_cli_dump_config);
	tcase_add_test(tc, test_cli_dump_applies_o);
	tcase_add_test(tc, test_cli_keygen_creates_key);
	tcase_add_test(tc, test_cli_keygen_keeps_existing_key);
	tcase_add_test(tc, test_cli_fingerprint_matches_ssh_keygen);
	tcase_add_test(tc, test_cli_passwd_stores_hashes);
	suite_add_tcase(s, tc);
	return s;
}
