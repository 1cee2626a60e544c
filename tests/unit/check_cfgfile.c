/*
 * check_cfgfile: line splitting, comments, "=", FILE:LINE errors.
 */
#include <stdlib.h>
#include <string.h>

#include "popgate/cfgfile.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct line_case {
	const char	*text;
	const char	*keyword;	/* NULL: no line at all */
	const char	*args;
	unsigned	 line;
};

static const struct line_case line_cases[] = {
	{ "Port 22", "Port", "22", 1 },
	{ "Port 22\n", "Port", "22", 1 },
	{ "  Port \t 22  \r\n", "Port", "22", 1 },
	{ "Port=22", "Port", "22", 1 },
	{ "Port = 22", "Port", "22", 1 },
	{ "Port\t=\t22", "Port", "22", 1 },
	{ "HostKey \"/a b/c\"", "HostKey", "\"/a b/c\"", 1 },
	{ "Forward a:1 b:2", "Forward", "a:1 b:2", 1 },
	{ "Opt a=b", "Opt", "a=b", 1 },
	{ "Bare", "Bare", "", 1 },
	{ "Bare=", "Bare", "", 1 },
	{ "# comment\n\n   \n\t# indented\nKey v", "Key", "v", 5 },
	{ "mixedCase Value", "mixedCase", "Value", 1 },
	{ "", NULL, NULL, 0 },
	{ "\n\n# only comments\n", NULL, NULL, 3 },
};

START_TEST(test_cfgfile_next_table)
{
	const struct line_case	*c = &line_cases[_i];
	struct cfgfile		*cf = cfgfile_from_string("t.conf", c->text);
	char			*kw = NULL;
	char			*args = NULL;
	char			 err[256] = "";
	int			 rc;

	rc = cfgfile_next(cf, &kw, &args, err, sizeof(err));
	if (c->keyword == NULL) {
		ck_assert_int_eq(rc, 0);
	} else {
		ck_assert_int_eq(rc, 1);
		ck_assert_str_eq(kw, c->keyword);
		ck_assert_str_eq(args, c->args);
		ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err,
		    sizeof(err)), 0);
	}
	ck_assert_uint_eq(cfgfile_line(cf), c->line);
	cfgfile_free(cf);
}
END_TEST

START_TEST(test_cfgfile_counts_lines)
{
	struct cfgfile	*cf = NULL;
	char		*kw = NULL;
	char		*args = NULL;
	char		 err[256];

	cf = cfgfile_from_string("x", "A 1\n# c\n\nB 2\nC\n");
	ck_assert_str_eq(cfgfile_name(cf), "x");
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	ck_assert_str_eq(kw, "A");
	ck_assert_uint_eq(cfgfile_line(cf), 1);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	ck_assert_str_eq(kw, "B");
	ck_assert_str_eq(args, "2");
	ck_assert_uint_eq(cfgfile_line(cf), 4);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	ck_assert_str_eq(kw, "C");
	ck_assert_uint_eq(cfgfile_line(cf), 5);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 0);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 0);
	cfgfile_free(cf);
}
END_TEST

START_TEST(test_cfgfile_rejects_missing_keyword)
{
	struct cfgfile	*cf = cfgfile_from_string("f", "\n= value\n");
	char		*kw = NULL;
	char		*args = NULL;
	char		 err[256] = "";

	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "f:2: missing keyword before '='");
	cfgfile_free(cf);
}
END_TEST

static void
long_line_case(size_t n, int want)
{
	char		*text = xmalloc(n + 16);
	struct cfgfile	*cf = NULL;
	char		*kw = NULL;
	char		*args = NULL;
	char		 err[256] = "";

	memcpy(text, "K ", 2);
	memset(text + 2, 'v', n - 2);
	memcpy(text + n, "\nX 1\n", 6);
	cf = cfgfile_from_string("long.conf", text);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), want);
	if (want == -1) {
		ck_assert_str_eq(err, "long.conf:1: line too long (max 4096 "
		    "bytes)");
	} else {
		ck_assert_uint_eq(strlen(args), n - 2);
	}
	cfgfile_free(cf);
	free(text);
}

START_TEST(test_cfgfile_line_length_limit)
{
	long_line_case(CFGFILE_LINE_MAX, 1);
	long_line_case(CFGFILE_LINE_MAX + 1, -1);
}
END_TEST

START_TEST(test_cfgfile_reads_file_and_rejects_nul)
{
	char		*dir = testutil_mkdtemp();
	char		*path = xasprintf("%s/nul.conf", dir);
	FILE		*fp = fopen(path, "we");
	struct cfgfile	*cf = NULL;
	char		*kw = NULL;
	char		*args = NULL;
	char		 err[512] = "";

	ck_assert_ptr_nonnull(fp);
	fwrite("A 1\nB x\0y\n", 1, 10, fp);
	fclose(fp);
	cf = cfgfile_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(cf);
	ck_assert_str_eq(cfgfile_name(cf), path);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	ck_assert_str_eq(args, "1");
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: NUL byte in line"));
	ck_assert_int_eq(strncmp(err, path, strlen(path)), 0);
	cfgfile_free(cf);
	free(path);
	testutil_rmdir(dir);
}
END_TEST

START_TEST(test_cfgfile_open_missing_file)
{
	char	err[256] = "";

	ck_assert_ptr_null(cfgfile_open("/nonexistent/popgate.conf", err,
	    sizeof(err)));
	ck_assert_str_eq(err,
	    "/nonexistent/popgate.conf: No such file or directory");
}
END_TEST

START_TEST(test_cfgfile_error_prefixes_file_line)
{
	struct cfgfile	*cf = cfgfile_from_string("-o", "A 1\nB 2\n");
	char		*kw = NULL;
	char		*args = NULL;
	char		 err[64];
	char		 tiny[6];

	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	ck_assert_int_eq(cfgfile_next(cf, &kw, &args, err, sizeof(err)), 1);
	cfgfile_error(cf, err, sizeof(err), "bad %s %d", "thing", 7);
	ck_assert_str_eq(err, "-o:2: bad thing 7");
	cfgfile_error(cf, tiny, sizeof(tiny), "long message");
	ck_assert_str_eq(tiny, "-o:2:");
	cfgfile_free(cf);
	cfgfile_free(NULL);
}
END_TEST

Suite *
cfgfile_suite(void)
{
	Suite	*s = suite_create("cfgfile");
	TCase	*tc = tcase_create("cfgfile");

	tcase_add_loop_test(tc, test_cfgfile_next_table, 0, NELEM(line_cases));
	tcase_add_test(tc, test_cfgfile_counts_lines);
	tcase_add_test(tc, test_cfgfile_rejects_missing_keyword);
	tcase_add_test(tc, test_cfgfile_line_length_limit);
	tcase_add_test(tc, test_cfgfile_reads_file_and_rejects_nul);
	tcase_add_test(tc, test_cfgfile_open_missing_file);
	tcase_add_test(tc, test_cfgfile_error_prefixes_file_line);
	suite_add_tcase(s, tc);
	return s;
}
