/*
 * check_str: words, numbers, times, user names, %u patterns, paths.
 */
#include <stdlib.h>
#include <string.h>

#include "popgate/str.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct words_case {
	const char	*in;
	const char	*words[4];	/* expected, NULL-terminated */
	bool		 unclosed;
};

static const struct words_case words_cases[] = {
	{ "", { NULL }, false },
	{ "   \t ", { NULL }, false },
	{ "one", { "one", NULL }, false },
	{ "  one  two\tthree ", { "one", "two", "three", NULL }, false },
	{ "\"a b\" c", { "a b", "c", NULL }, false },
	{ "x \"\" y", { "x", "", "y", NULL }, false },
	{ "\"/p with space/f\"", { "/p with space/f", NULL }, false },
	{ "a \"unclosed", { "a", NULL }, true },
	{ "\"", { NULL }, true },
};

START_TEST(test_str_next_word_splits)
{
	const struct words_case	*c = &words_cases[_i];
	char			*buf = strdup(c->in);
	char			*cursor = buf;
	char			*w = NULL;
	size_t			 n = 0;

	while ((w = str_next_word(&cursor)) != NULL) {
		ck_assert_ptr_nonnull(c->words[n]);
		ck_assert_str_eq(w, c->words[n]);
		n++;
	}
	ck_assert_ptr_null(c->words[n]);
	ck_assert_int_eq(str_word_error(&cursor), c->unclosed);
	ck_assert_int_eq(cursor == NULL, c->unclosed);
	/* At the end it stays at the end. */
	ck_assert_ptr_null(str_next_word(&cursor));
	free(buf);
}
END_TEST

START_TEST(test_str_trim_strips_both_ends)
{
	char	a[] = " \t value with  inner \r\n";
	char	b[] = "\r\n\t ";
	char	c[] = "x";

	ck_assert_str_eq(str_trim(a), "value with  inner");
	ck_assert_str_eq(str_trim(b), "");
	ck_assert_str_eq(str_trim(c), "x");
}
END_TEST

struct uint_case {
	const char	*in;
	unsigned	 min, max;
	bool		 ok;
	unsigned	 want;
};

static const struct uint_case uint_cases[] = {
	{ "0", 0, 10, true, 0 },
	{ "10", 0, 10, true, 10 },
	{ "007", 0, 10, true, 7 },
	{ "4294967295", 0, 4294967295u, true, 4294967295u },
	{ "11", 0, 10, false, 0 },
	{ "0", 1, 10, false, 0 },
	{ "", 0, 10, false, 0 },
	{ "-1", 0, 10, false, 0 },
	{ "+1", 0, 10, false, 0 },
	{ " 1", 0, 10, false, 0 },
	{ "1 ", 0, 10, false, 0 },
	{ "1x", 0, 10, false, 0 },
	{ "0x10", 0, 100, false, 0 },
	{ "4294967296", 0, 4294967295u, false, 0 },
	{ "99999999999999999999999", 0, 4294967295u, false, 0 },
};

START_TEST(test_str_to_uint_table)
{
	const struct uint_case	*c = &uint_cases[_i];
	unsigned		 v = 12345;

	ck_assert_int_eq(str_to_uint(c->in, c->min, c->max, &v), c->ok);
	ck_assert_uint_eq(v, c->ok ? c->want : 12345);
}
END_TEST

static const struct uint_case seconds_cases[] = {
	{ "30", 1, 3600, true, 30 },
	{ "30s", 1, 3600, true, 30 },
	{ "30S", 1, 3600, true, 30 },
	{ "5m", 1, 3600, true, 300 },
	{ "1h", 1, 3600, true, 3600 },
	{ "2h", 1, 3600, false, 0 },
	{ "0", 1, 3600, false, 0 },
	{ "0s", 0, 3600, true, 0 },
	{ "", 1, 3600, false, 0 },
	{ "m", 1, 3600, false, 0 },
	{ "5ms", 1, 3600, false, 0 },
	{ "1m30s", 1, 3600, false, 0 },
	{ "5d", 1, 1000000, false, 0 },
	{ "-5", 1, 3600, false, 0 },
	{ "5 m", 1, 3600, false, 0 },
	{ "99999999h", 0, 4294967295u, false, 0 },
};

START_TEST(test_str_to_seconds_table)
{
	const struct uint_case	*c = &seconds_cases[_i];
	unsigned		 v = 12345;

	ck_assert_int_eq(str_to_seconds(c->in, c->min, c->max, &v), c->ok);
	ck_assert_uint_eq(v, c->ok ? c->want : 12345);
}
END_TEST

struct user_case {
	const char	*in;
	bool		 ok;
};

static const struct user_case user_cases[] = {
	{ "alice", true },
	{ "a", true },
	{ "Bob_2.x-y", true },
	{ "0day", true },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234",
	    true },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345",
	    false },
	{ "", false },
	{ ".hidden", false },
	{ "..", false },
	{ "-rf", false },
	{ "a/b", false },
	{ "a b", false },
	{ "a:b", false },
	{ "a%u", false },
	{ "caf\xc3\xa9", false },
	{ "a\n", false },
};

START_TEST(test_str_valid_user_table)
{
	ck_assert_int_eq(str_valid_user(user_cases[_i].in), user_cases[_i].ok);
}
END_TEST

struct expand_case {
	const char	*pattern;
	const char	*user;
	const char	*want;		/* NULL: error */
	const char	*err_part;
};

static const struct expand_case expand_cases[] = {
	{ "/etc/popgate/keys/%u", "alice", "/etc/popgate/keys/alice", NULL },
	{ "%u/%u", "bob", "bob/bob", NULL },
	{ "100%%/%u", "c", "100%/c", NULL },
	{ "plain", "alice", "plain", NULL },
	{ "", "alice", "", NULL },
	{ "%h/.ssh", "alice", NULL, "\"%h\"" },
	{ "keys/%", "alice", NULL, "at end" },
	{ "%U", "alice", NULL, "\"%U\"" },
};

START_TEST(test_str_expand_user_table)
{
	const struct expand_case	*c = &expand_cases[_i];
	char				 err[256] = "";
	char				*s = NULL;

	s = str_expand_user(c->pattern, c->user, err, sizeof(err));
	if (c->want == NULL) {
		ck_assert_ptr_null(s);
		ck_assert_ptr_nonnull(strstr(err, c->err_part));
	} else {
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, c->want);
	}
	free(s);
}
END_TEST

struct path_case {
	const char	*a;
	const char	*b;
	const char	*want;
};

static const struct path_case join_cases[] = {
	{ "/etc/popgate", "hostkey", "/etc/popgate/hostkey" },
	{ "/etc/popgate/", "hostkey", "/etc/popgate/hostkey" },
	{ "/etc/popgate", "/abs/key", "/abs/key" },
	{ NULL, "rel/key", "rel/key" },
	{ ".", "key", "./key" },
	{ "/", "key", "/key" },
	{ "", "key", "key" },
};

START_TEST(test_str_path_join_table)
{
	const struct path_case	*c = &join_cases[_i];
	char			*s = str_path_join(c->a, c->b);

	ck_assert_str_eq(s, c->want);
	free(s);
}
END_TEST

static const struct path_case dirname_cases[] = {
	{ "/etc/popgate/popgated.conf", NULL, "/etc/popgate" },
	{ "popgated.conf", NULL, "." },
	{ "conf/popgated.conf", NULL, "conf" },
	{ "/popgated.conf", NULL, "/" },
	{ "/", NULL, "/" },
	{ "a//b", NULL, "a" },
	{ "a/b/", NULL, "a" },
	{ "", NULL, "." },
};

START_TEST(test_str_dirname_table)
{
	const struct path_case	*c = &dirname_cases[_i];
	char			*s = str_dirname(c->a);

	ck_assert_str_eq(s, c->want);
	free(s);
}
END_TEST

Suite *
str_suite(void)
{
	Suite	*s = suite_create("str");
	TCase	*tc = tcase_create("str");

	tcase_add_loop_test(tc, test_str_next_word_splits, 0,
	    NELEM(words_cases));
	tcase_add_test(tc, test_str_trim_strips_both_ends);
	tcase_add_loop_test(tc, test_str_to_uint_table, 0, NELEM(uint_cases));
	tcase_add_loop_test(tc, test_str_to_seconds_table, 0,
	    NELEM(seconds_cases));
	tcase_add_loop_test(tc, test_str_valid_user_table, 0,
	    NELEM(user_cases));
	tcase_add_loop_test(tc, test_str_expand_user_table, 0,
	    NELEM(expand_cases));
	tcase_add_loop_test(tc, test_str_path_join_table, 0,
	    NELEM(join_cases));
	tcase_add_loop_test(tc, test_str_dirname_table, 0,
	    NELEM(dirname_cases));
	suite_add_tcase(s, tc);
	return s;
}
