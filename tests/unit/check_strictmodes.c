/*
 * check_strictmodes: modes of files and of the folders above them, made
 * at test time in a temporary folder, per kind of file; symbolic links;
 * owners (chown as root, or trusting nobody but root otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "popgate/strictmodes.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NOBODY	65534

static char	*base;		/* realpath of a mkdtemp folder (0700) */
static char	*sub;		/* base/d, made by a test */
static char	*file;		/* sub/f or base/f */
static char	*link_path;	/* base/l, when a test makes it */

static void
sm_setup(void)
{
	char	*tmp = testutil_mkdtemp();

	base = realpath(tmp, NULL);
	ck_assert_ptr_nonnull(base);
	free(tmp);
	sub = xasprintf("%s/d", base);
	link_path = xasprintf("%s/l", base);
	strictmodes_trust(getuid());
}

static void
sm_teardown(void)
{
	char	*inner = xasprintf("%s/f", sub);

	unlink(link_path);
	unlink(inner);
	rmdir(sub);
	free(inner);
	free(sub);
	free(link_path);
	free(file);
	sub = link_path = file = NULL;
	testutil_rmdir(base);
	base = NULL;
}

/* A file with mode in base (dmode 0: directly) or in base/d with dmode. */
static const char *
make_file(mode_t mode, mode_t dmode)
{
	free(file);
	if (dmode != 0) {
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		ck_assert_int_eq(chmod(sub, dmode), 0);
		file = xasprintf("%s/f", sub);
	} else {
		file = xasprintf("%s/f", base);
	}
	free(testutil_write(dmode != 0 ? sub : base, "f", "data\n"));
	ck_assert_int_eq(chmod(file, mode), 0);
	return file;
}

struct mode_case {
	enum strictmodes_kind	 kind;
	mode_t			 mode;
	mode_t			 dmode;		/* 0: the file is in base */
	const char		*err;		/* NULL: accepted */
};

static const struct mode_case mode_cases[] = {
	{ STRICTMODES_HOSTKEY, 0600, 0, NULL },
	{ STRICTMODES_HOSTKEY, 0400, 0, NULL },
	{ STRICTMODES_HOSTKEY, 0640, 0,
	    "private key with mode 0640, open to group or others; fix: "
	    "chmod 600 @F" },
	{ STRICTMODES_HOSTKEY, 0604, 0, "mode 0604" },
	{ STRICTMODES_HOSTKEY, 0610, 0, "mode 0610" },
	{ STRICTMODES_HOSTKEY, 0666, 0, "fix: chmod 600 @F" },
	{ STRICTMODES_PASSWORDS, 0600, 0, NULL },
	{ STRICTMODES_PASSWORDS, 0640, 0, NULL },
	{ STRICTMODES_PASSWORDS, 0660, 0,
	    "password hashes with mode 0660, writable by group; fix: "
	    "chmod 600 @F" },
	{ STRICTMODES_PASSWORDS, 0644, 0,
	    "password hashes with mode 0644, open to others; fix: "
	    "chmod 600 @F" },
	{ STRICTMODES_PASSWORDS, 0602, 0, "open to others" },
	{ STRICTMODES_AUTHKEYS, 0644, 0, NULL },
	{ STRICTMODES_AUTHKEYS, 0600, 0, NULL },
	{ STRICTMODES_AUTHKEYS, 0444, 0, NULL },
	{ STRICTMODES_AUTHKEYS, 0664, 0,
	    "mode 0664, writable by group or others; fix: chmod go-w @F" },
	{ STRICTMODES_AUTHKEYS, 0646, 0, "fix: chmod go-w @F" },
	{ STRICTMODES_AUTHKEYS, 0644, 0755, NULL },
	{ STRICTMODES_AUTHKEYS, 0644, 0711, NULL },
	{ STRICTMODES_AUTHKEYS, 0644, 01777, NULL },	/* sticky, as /tmp */
	{ STRICTMODES_AUTHKEYS, 0644, 0777,
	    "@F: its folder @D has mode 0777, writable by group or others, "
	    "who could replace the file; fix: chmod go-w @D" },
	{ STRICTMODES_AUTHKEYS, 0644, 0775, "its folder @D has mode 0775" },
	{ STRICTMODES_HOSTKEY, 0600, 0757, "its folder @D has mode 0757" },
	{ STRICTMODES_PASSWORDS, 0600, 0770, "its folder @D has mode 0770" },
	{ STRICTMODES_HOSTKEY, 0600, 0700, NULL },
};

/* text with @F the file and @D its folder. New string. */
static char *
expand(const char *text)
{
	char	*out = NULL;
	size_t	 size = 0;
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_ptr_nonnull(mem);
	for (; *text != '\0'; text++) {
		if (text[0] == '@' && text[1] == 'F') {
			fputs(file, mem);
			text++;
		} else if (text[0] == '@' && text[1] == 'D') {
			fputs(sub, mem);
			text++;
		} else {
			fputc(*text, mem);
		}
	}
	fclose(mem);
	return out;
}

START_TEST(test_strictmodes_modes)
{
	const struct mode_case	*c = &mode_cases[_i];
	char			 err[1024] = "";
	char			*want = NULL;
	int			 rc;

	make_file(c->mode, c->dmode);
	rc = strictmodes_check(file, c->kind, err, sizeof(err));
	if (c->err == NULL) {
		ck_assert_msg(rc == 0, "case %d refused: %s", _i, err);
		return;
	}
	ck_assert_msg(rc == -1, "case %d (mode %04o, folder %04o) accepted",
	    _i, (unsigned)c->mode, (unsigned)c->dmode);
	want = expand(c->err);
	ck_assert_msg(strstr(err, want) != NULL, "case %d: \"%s\" lacks "
	    "\"%s\"", _i, err, want);
	ck_assert_msg(strncmp(err, file, strlen(file)) == 0, "\"%s\" does "
	    "not start with the file's name", err);
	free(want);
}
END_TEST

START_TEST(test_strictmodes_missing_file_passes)
{
	char	 err[256] = "";
	char	*path = xasprintf("%s/none", base);

	ck_assert_int_eq(strictmodes_check(path, STRICTMODES_HOSTKEY, err,
	    sizeof(err)), 0);
	free(path);
}
END_TEST

START_TEST(test_strictmodes_refuses_folder_as_file)
{
	char	err[256] = "";

	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(strictmodes_check(sub, STRICTMODES_AUTHKEYS, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
}
END_TEST

/* A link in a safe folder to a file in an unsafe one: refused. */
START_TEST(test_strictmodes_follows_links)
{
	char	err[1024] = "";

	make_file(0600, 0777);
	ck_assert_int_eq(symlink(file, link_path), 0);
	ck_assert_int_eq(strictmodes_check(link_path, STRICTMODES_HOSTKEY, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "its folder") != NULL &&
	    strstr(err, sub) != NULL, "%s", err);
	ck_assert_msg(strncmp(err, link_path, strlen(link_path)) == 0,
	    "\"%s\" does not name the configured path", err);
}
END_TEST

/* A link in an unsafe folder to a file in a safe one: refused too. */
START_TEST(test_strictmodes_checks_link_folder)
{
	char	 err[1024] = "";
	char	*in_sub = NULL;

	make_file(0600, 0);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	ck_assert_int_eq(chmod(sub, 0777), 0);
	in_sub = xasprintf("%s/f", sub);
	ck_assert_int_eq(symlink(file, in_sub), 0);
	ck_assert_int_eq(strictmodes_check(in_sub, STRICTMODES_HOSTKEY, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "mode 0777") != NULL, "%s", err);
	unlink(in_sub);
	free(in_sub);
}
END_TEST

/*
 * A file owned by someone not trusted. As root: chowned to nobody. As
 * anyone else: our own file, with only root trusted.
 */
START_TEST(test_strictmodes_refuses_foreign_owner)
{
	char		err[1024] = "";
	char		want[64];
	unsigned	owner = (unsigned)getuid();

	make_file(0600, 0);
	if (getuid() == 0) {
		ck_assert_int_eq(chown(file, NOBODY, (gid_t)-1), 0);
		owner = NOBODY;
	} else {
		strictmodes_trust(0);
	}
	ck_assert_int_eq(strictmodes_check(file, STRICTMODES_AUTHKEYS, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "owned by uid %u, not by root;", owner);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "fix: chown root ") != NULL, "%s", err);
}
END_TEST

/* The trusted account's files pass; the message names it otherwise. */
START_TEST(test_strictmodes_trusts_given_uid)
{
	char	err[1024] = "";

	make_file(0600, 0);
	strictmodes_trust(getuid());
	ck_assert_msg(strictmodes_check(file, STRICTMODES_HOSTKEY, err,
	    sizeof(err)) == 0, "%s", err);
	if (getuid() == 0) {
		ck_assert_int_eq(chown(file, NOBODY, (gid_t)-1), 0);
		strictmodes_trust(4321);
		ck_assert_int_eq(strictmodes_check(file, STRICTMODES_HOSTKEY,
		    err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "not by root or uid 4321;") != NULL,
		    "%s", err);
	}
}
END_TEST

Suite *
strictmodes_suite(void)
{
	Suite	*s = suite_create("strictmodes");
	TCase	*tc = tcase_create("check");

	tcase_add_checked_fixture(tc, sm_setup, sm_teardown);
	tcase_add_loop_test(tc, test_strictmodes_modes, 0,
	    (int)(sizeof(mode_cases) / sizeof(mode_cases[0])));
	tcase_add_test(tc, test_strictmodes_missing_file_passes);
	tcase_add_test(tc, test_strictmodes_refuses_folder_as_file);
	tcase_add_test(tc, test_strictmodes_follows_links);
	tcase_add_test(tc, test_strictmodes_checks_link_folder);
	tcase_add_test(tc, test_strictmodes_refuses_foreign_owner);
	tcase_add_test(tc, test_strictmodes_trusts_given_uid);
	suite_add_tcase(s, tc);
	return s;
}
