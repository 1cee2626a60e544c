/*
 * check_pwfile: crypt(3) checks, file syntax with line numbers, and the
 * atomic rewrite that keeps every other line byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "popgate/pwfile.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	*secret_hash;	/* yescrypt of "secret", made once */
static char	*dir;

static void
hash_setup(void)
{
	secret_hash = pwfile_hash("secret");
	ck_assert_ptr_nonnull(secret_hash);
}

static void
hash_teardown(void)
{
	free(secret_hash);
	secret_hash = NULL;
}

static void
dir_setup(void)
{
	dir = testutil_mkdtemp();
}

static void
dir_teardown(void)
{
	testutil_rmdir(dir);
	dir = NULL;
}

/* pwfile_read over text: the return code, and the object on success. */
static int
read_text(const char *text, struct pwfile **out, char *err, size_t errlen)
{
	struct pwfile	*pw = pwfile_new();
	char		*copy = xstrdup(text);
	FILE		*fp = fmemopen(copy, strlen(copy), "r");
	int		 rc;

	ck_assert_ptr_nonnull(fp);
	rc = pwfile_read(pw, fp, "pw", err, errlen);
	fclose(fp);
	free(copy);
	if (rc == 0 && out != NULL) {
		*out = pw;
	} else {
		pwfile_free(pw);
	}
	return rc;
}

START_TEST(test_pwfile_check_users)
{
	struct pwfile	*pw = NULL;
	char		*text = NULL;
	char		 err[256] = "";

	text = xasprintf("# users\n\nalice:%s\nbob:*\ncarol:!%s\n"
	    "  dave:%s  \n", secret_hash, secret_hash, secret_hash);
	ck_assert_msg(read_text(text, &pw, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(pwfile_count(pw), 4);
	ck_assert(pwfile_has_user(pw, "alice"));
	ck_assert(pwfile_has_user(pw, "bob"));
	ck_assert(!pwfile_has_user(pw, "eve"));
	ck_assert(!pwfile_has_user(pw, "Alice"));
	ck_assert(pwfile_check(pw, "alice", "secret"));
	ck_assert(pwfile_check(pw, "dave", "secret"));
	ck_assert(!pwfile_check(pw, "alice", "Secret"));
	ck_assert(!pwfile_check(pw, "alice", "secret "));
	ck_assert(!pwfile_check(pw, "alice", ""));
	ck_assert(!pwfile_check(pw, "eve", "secret"));
	ck_assert(!pwfile_check(pw, "", "secret"));
	ck_assert(!pwfile_check(pw, "bob", "*"));
	ck_assert(!pwfile_check(pw, "bob", "secret"));
	ck_assert(!pwfile_check(pw, "carol", "secret"));
	pwfile_free(pw);
	free(text);
}
END_TEST

struct bad_case {
	const char	*text;
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	{ "alice\n", "pw:1: missing ':' (expected user:hash)" },
	{ "# c\n\nalice:$y$x\nbob\n",
	    "pw:4: missing ':' (expected user:hash)" },
	{ "alice:\n", "pw:1: empty hash for \"alice\"" },
	{ ":$y$x\n", "pw:1: bad user name \"\"" },
	{ ".alice:$y$x\n", "pw:1: bad user name \".alice\"" },
	{ "-x:$y$x\n", "pw:1: bad user name \"-x\"" },
	{ "a b:$y$x\n", "pw:1: bad user name \"a b\"" },
	{ "alice:$y$x:extra\n",
	    "pw:1: bad hash for \"alice\" (':' or blank in it)" },
	{ "alice:$y$ x\n",
	    "pw:1: bad hash for \"alice\" (':' or blank in it)" },
	{ "alice:h1\nbob:h2\nalice:h3\n",
	    "pw:3: duplicate user \"alice\" (first at line 1)" },
};

START_TEST(test_pwfile_bad_lines_table)
{
	const struct bad_case	*c = &bad_cases[_i];
	char			 err[256] = "";

	ck_assert_int_eq(read_text(c->text, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, c->err);
}
END_TEST

START_TEST(test_pwfile_nul_byte_is_error)
{
	char		 text[] = "alice:h\nbob:x\0y\n";
	FILE		*fp = fmemopen(text, sizeof(text) - 1, "r");
	struct pwfile	*pw = pwfile_new();
	char		 err[128] = "";

	ck_assert_int_eq(pwfile_read(pw, fp, "pw", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "pw:2: NUL byte in line");
	fclose(fp);
	pwfile_free(pw);
	pwfile_free(NULL);
}
END_TEST

START_TEST(test_pwfile_hash_is_yescrypt)
{
	char		*h1 = pwfile_hash("pw one");
	char		*h2 = pwfile_hash("pw one");
	struct pwfile	*pw = NULL;
	char		*text = NULL;
	char		 err[256];

	ck_assert_ptr_nonnull(h1);
	ck_assert_ptr_nonnull(h2);
	ck_assert_int_eq(strncmp(h1, "$y$", 3), 0);
	ck_assert_str_ne(h1, h2);	/* a fresh salt each time */
	text = xasprintf("u:%s\n", h2);
	ck_assert_int_eq(read_text(text, &pw, err, sizeof(err)), 0);
	ck_assert(pwfile_check(pw, "u", "pw one"));
	ck_assert(!pwfile_check(pw, "u", "pw two"));
	pwfile_free(pw);
	free(text);
	free(h1);
	free(h2);
}
END_TEST

START_TEST(test_pwfile_load_errors)
{
	struct pwfile	*pw = NULL;
	char		*path = NULL;
	char		 err[512] = "";

	ck_assert_int_eq(pwfile_load("/nonexistent/passwd", &pw, err,
	    sizeof(err)), -1);
	ck_assert_ptr_null(pw);
	ck_assert_str_eq(err, "/nonexistent/passwd: No such file or "
	    "directory");
	path = testutil_write(dir, "passwd", "ok:h\nbroken\n");
	ck_assert_int_eq(pwfile_load(path, &pw, err, sizeof(err)), -1);
	ck_assert_ptr_null(pw);
	ck_assert_ptr_nonnull(strstr(err, "/passwd:2: missing ':'"));
	free(path);
}
END_TEST

static mode_t
file_mode(const char *path)
{
	struct stat	st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Names in dir other than "." and "..". */
static size_t
dir_entries(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*de = NULL;
	size_t		 n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	}
	closedir(d);
	return n;
}

START_TEST(test_pwfile_set_new_file_mode_0600)
{
	char		*path = xasprintf("%s/passwd", dir);
	char		*text = NULL;
	struct pwfile	*pw = NULL;
	char		 err[512] = "";

	ck_assert_msg(pwfile_set(path, "alice", "pa55", err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(file_mode(path), 0600);
	ck_assert_uint_eq(dir_entries(), 1);
	text = testutil_read(path);
	ck_assert_int_eq(strncmp(text, "alice:$y$", 9), 0);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	ck_assert_int_eq(pwfile_load(path, &pw, err, sizeof(err)), 0);
	ck_assert(pwfile_check(pw, "alice", "pa55"));
	pwfile_free(pw);
	free(text);
	free(path);
}
END_TEST

static const char keep_head[] = "# popgate users\n\n"
    "bob:$y$j9T$bob$hash\n"
    "  # indented: alice:not-this-line\n"
    "alicex:$y$j9T$other$user\n";
static const char keep_tail[] = "\t\n# trailing comment\n"
    "carol:$y$j9T$carol$hash";	/* no final newline */

START_TEST(test_pwfile_set_keeps_other_lines)
{
	char		*old = xasprintf("%salice:OLDHASH\n%s", keep_head,
			    keep_tail);
	char		*path = testutil_write(dir, "passwd", old);
	char		*text = NULL;
	char		*nl = NULL;
	struct pwfile	*pw = NULL;
	char		 err[512] = "";

	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(pwfile_set(path, "alice", "new pw", err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(file_mode(path), 0640);
	text = testutil_read(path);
	ck_assert_int_eq(strncmp(text, keep_head, strlen(keep_head)), 0);
	ck_assert_int_eq(strncmp(text + strlen(keep_head), "alice:$y$", 9), 0);
	nl = strchr(text + strlen(keep_head), '\n');
	ck_assert_str_eq(nl + 1, keep_tail);
	free(text);
	/* A new user is appended, after a newline the old file lacked. */
	ck_assert_int_eq(pwfile_set(path, "dave", "d", err, sizeof(err)), 0);
	text = testutil_read(path);
	nl = strstr(text, keep_tail);
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_eq(strncmp(nl + strlen(keep_tail), "\ndave:$y$", 9), 0);
	ck_assert_uint_eq(dir_entries(), 1);
	ck_assert_int_eq(pwfile_load(path, &pw, err, sizeof(err)), 0);
	ck_assert_uint_eq(pwfile_count(pw), 5);
	ck_assert(pwfile_check(pw, "alice", "new pw"));
	ck_assert(pwfile_check(pw, "dave", "d"));
	pwfile_free(pw);
	free(text);
	free(path);
	free(old);
}
END_TEST

START_TEST(test_pwfile_set_refuses_bad_input)
{
	char	*path = testutil_write(dir, "passwd", "a:h\nbroken line\n");
	char	*text = NULL;
	char	 err[512] = "";

	ck_assert_int_eq(pwfile_set(path, "a", "x", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "passwd:2: missing ':'"));
	text = testutil_read(path);
	ck_assert_str_eq(text, "a:h\nbroken line\n");
	ck_assert_int_eq(pwfile_set(path, "../root", "x", err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "bad user name \"../root\""));
	ck_assert_uint_eq(dir_entries(), 1);
	free(text);
	free(path);
	path = xasprintf("%s/missing/passwd", dir);
	ck_assert_int_eq(pwfile_set(path, "a", "x", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing/passwd."));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	free(path);
}
END_TEST

Suite *
pwfile_suite(void)
{
	Suite	*s = suite_create("pwfile");
	TCase	*tc = tcase_create("pwfile");

	tcase_add_unchecked_fixture(tc, hash_setup, hash_teardown);
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_set_timeout(tc, 120);	/* yescrypt under valgrind */
	tcase_add_test(tc, test_pwfile_check_users);
	tcase_add_loop_test(tc, test_pwfile_bad_lines_table, 0,
	    NELEM(bad_cases));
	tcase_add_test(tc, test_pwfile_nul_byte_is_error);
	tcase_add_test(tc, test_pwfile_hash_is_yescrypt);
	tcase_add_test(tc, test_pwfile_load_errors);
	tcase_add_test(tc, test_pwfile_set_new_file_mode_0600);
	tcase_add_test(tc, test_pwfile_set_keeps_other_lines);
	tcase_add_test(tc, test_pwfile_set_refuses_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
