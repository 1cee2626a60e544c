/*
 * docs: the manual pages in man/ are clean mdoc (mandoc -Tlint) and in
 * step with the programs: every keyword `popgated -T` prints or
 * servconf.c's table holds has an entry in popgated.conf(5) with its
 * default and an example, and no entry names a keyword that is gone;
 * every option and command `popgated -h` shows is in popgated(8); every
 * option and exit code `popgate --help` shows, and every profile keyword
 * of profile.c's table, is in popgate(1), and nothing there is gone from
 * the program.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define WORDS_MAX	128
#define WORD_LEN	64

static struct harness	*H;

static void
docs_setup(void)
{
	H = harness_new("docs");
	ck_assert(H != NULL);
}

static void
docs_teardown(void)
{
	harness_free(H);
	H = NULL;
}

struct words {
	char	w[WORDS_MAX][WORD_LEN];
	size_t	n;
};

static void
words_add(struct words *ws, const char *s, size_t len)
{
	size_t	i;

	ck_assert_msg(len > 0 && len < WORD_LEN, "odd word \"%.*s\"",
	    (int)len, s);
	for (i = 0; i < ws->n; i++) {
		if (strlen(ws->w[i]) == len && strncmp(ws->w[i], s, len) == 0) {
			return;
		}
	}
	ck_assert(ws->n < WORDS_MAX);
	memcpy(ws->w[ws->n], s, len);
	ws->w[ws->n++][len] = '\0';
}

static bool
words_has(const struct words *ws, const char *s)
{
	size_t	i;

	for (i = 0; i < ws->n; i++) {
		if (strcmp(ws->w[i], s) == 0) {
			return true;
		}
	}
	return false;
}

static char *
page(const char *name)
{
	char	 rel[64];
	char	*text = NULL;

	snprintf(rel, sizeof(rel), "man/%s", name);
	text = hfile_slurp(harness_src(rel), NULL);
	ck_assert_msg(text != NULL, "cannot read %s", harness_src(rel));
	return text;
}

/* The line after the one p is in, or NULL. */
static const char *
next_line(const char *p)
{
	p = strchr(p, '\n');
	return p != NULL ? p + 1 : NULL;
}

/* Every flag an ".It" line names (".It Fl f , Fl -background"): "f",
 * "-background". */
static void
item_flags(const char *text, struct words *ws)
{
	const char	*p = text, *f = NULL, *end = NULL;

	memset(ws, 0, sizeof(*ws));
	for (; p != NULL && *p != '\0'; p = next_line(p)) {
		if (strncmp(p, ".It ", 4) != 0) {
			continue;
		}
		end = p + strcspn(p, "\n");
		for (f = strstr(p, " Fl "); f != NULL && f < end;
		    f = strstr(f + 1, " Fl ")) {
			words_add(ws, f + 4, strcspn(f + 4, " \n"));
		}
	}
}

/* The first word after macro on every line that starts with it
 * (".It Cm "). */
static void
page_items(const char *text, const char *macro, struct words *ws)
{
	const char	*p = text;
	size_t		 mlen = strlen(macro), len;

	memset(ws, 0, sizeof(*ws));
	for (; p != NULL && *p != '\0'; p = next_line(p)) {
		if (strncmp(p, macro, mlen) != 0) {
			continue;
		}
		len = strcspn(p + mlen, " \n");
		words_add(ws, p + mlen, len);
	}
}

/* The text of the entry ".It Cm kw" up to the next ".It Cm". */
static char *
entry(const char *text, const char *kw)
{
	char		 head[WORD_LEN + 16];
	const char	*p = NULL, *end = NULL;

	snprintf(head, sizeof(head), "\n.It Cm %s", kw);
	for (p = strstr(text, head); p != NULL; p = strstr(p + 1, head)) {
		if (p[strlen(head)] == ' ' || p[strlen(head)] == '\n') {
			break;
		}
	}
	if (p == NULL) {
		return NULL;
	}
	end = strstr(p + 1, "\n.It Cm ");
	if (end == NULL) {
		end = p + strlen(p);
	}
	return strndup(p, (size_t)(end - p));
}

/* Runs argv (NULL-terminated words) to its end; its stdout. */
static char *
run_out(const char *name, const char *const args[], int want)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	char		*text = NULL;
	size_t		 i;
	int		 st;

	hargv_init(&a);
	for (i = 0; args[i] != NULL; i++) {
		hargv_add(&a, "%s", args[i]);
	}
	st = hproc_run(H, name, a.argv, NULL, NULL, HARNESS_EXIT_MS, &p);
	ck_assert_msg(st == want, "%s exited %d, want %d; see %s", args[0],
	    st, want, p->err);
	text = hfile_slurp(p->out, NULL);
	ck_assert(text != NULL);
	return text;
}

/* Every line of mandoc's output (a file) is one we can live with. */
static void
assert_lint_clean(const char *path, const char *rel)
{
	char	*text = hfile_slurp(path, NULL);
	char	*line = NULL, *save = NULL;

	ck_assert(text != NULL);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		/* Ours are checked by test_docs_cross_references. */
		if (strstr(line, "referenced manual not found") != NULL) {
			continue;
		}
		ck_assert_msg(strstr(line, "outdated mandoc.db") != NULL,
		    "mandoc -Tlint %s: %s", rel, line);
	}
	free(text);
}

static const char *const pages[] = {
	"popgated.8", "popgated.conf.5", "popgate.1"
};

/* mandoc's own report, less what depends on the manuals this machine
 * has installed (a reference to sshd(8) is fine without its page). */
START_TEST(test_docs_mandoc_lint)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	char		 rel[64];
	int		 st;

	snprintf(rel, sizeof(rel), "man/%s", pages[_i]);
	hargv_init(&a);
	hargv_add(&a, "mandoc");
	hargv_add(&a, "-Tlint");
	hargv_add(&a, "%s", harness_src(rel));
	st = hproc_run(H, "mandoc", a.argv, NULL, NULL, HARNESS_EXIT_MS, &p);
	ck_assert_msg(st != 127, "mandoc is missing: install the mandoc "
	    "package (scripts/deps.sh does)");
	ck_assert_msg(st >= 0 && st <= 2, "mandoc -Tlint %s exited %d; see "
	    "%s", rel, st, p->err);
	assert_lint_clean(p->out, rel);
	assert_lint_clean(p->err, rel);
}
END_TEST

/* Our own cross references name our own pages. */
START_TEST(test_docs_cross_references)
{
	static const char *const ours[] = {
		"popgate 1", "popgated 8", "popgated.conf 5"
	};
	char		*text = NULL;
	const char	*p = NULL;
	size_t		 i, j;
	bool		 ok;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		text = page(pages[i]);
		for (p = strstr(text, ".Xr popgate"); p != NULL;
		    p = strstr(p + 1, ".Xr popgate")) {
			for (ok = false, j = 0; j < 3 && !ok; j++) {
				ok = strncmp(p + 4, ours[j],
				    strlen(ours[j])) == 0;
			}
			ck_assert_msg(ok, "%s: %.30s", pages[i], p);
		}
		free(text);
	}
}
END_TEST

START_TEST(test_docs_config_keywords)
{
	struct hgate	 g;
	struct words	 kws, doc;
	const char	*args[] = { NULL, "-T", "-f", g.conf, NULL };
	char		*out = NULL, *src = NULL, *text = NULL, *e = NULL;
	const char	*p = NULL;
	size_t		 i, len;

	hgate_prepare(H, &g, hnet_free_port(), true, NULL);
	args[0] = harness_bin("popgated");
	out = run_out("popgated-T", args, 0);
	memset(&kws, 0, sizeof(kws));
	for (p = out; p != NULL && *p != '\0'; p = next_line(p)) {
		words_add(&kws, p, strcspn(p, " \n"));
	}
	/* Keywords -T prints nothing for when unset are in the table. */
	src = hfile_slurp(harness_src("gateway/servconf.c"), NULL);
	ck_assert(src != NULL);
	for (p = strstr(src, "\t{ \""); p != NULL; p = strstr(p, "\t{ \"")) {
		p += 4;
		len = strcspn(p, "\"");
		if (strncmp(p + len, "\", &kw", 6) == 0) {
			words_add(&kws, p, len);
		}
	}
	ck_assert_msg(kws.n >= 17, "only %zu keywords found", kws.n);
	text = page("popgated.conf.5");
	for (i = 0; i < kws.n; i++) {
		e = entry(text, kws.w[i]);
		ck_assert_msg(e != NULL, "popgated.conf.5 has no \".It Cm %s\"",
		    kws.w[i]);
		ck_assert_msg(strstr(e, "Default") != NULL, "popgated.conf.5: "
		    "%s without its default", kws.w[i]);
		ck_assert_msg(strstr(e, "\n.Dl ") != NULL ||
		    strstr(e, "\n.Bd -literal") != NULL, "popgated.conf.5: %s "
		    "without an example", kws.w[i]);
		free(e);
	}
	page_items(text, ".It Cm ", &doc);
	for (i = 0; i < doc.n; i++) {
		ck_assert_msg(words_has(&kws, doc.w[i]), "popgated.conf.5 "
		    "documents %s, which popgated does not know", doc.w[i]);
	}
	free(text);
	free(src);
	free(out);
}
END_TEST

START_TEST(test_docs_gateway_options)
{
	const char	*args[] = { NULL, "-h", NULL };
	struct words	 opts, cmds, doc;
	char		*out = NULL, *text = NULL;
	const char	*p = NULL, *w = NULL;
	char		 item[WORD_LEN + 8];
	size_t		 i;

	args[0] = harness_bin("popgated");
	out = run_out("popgated-h", args, 0);
	memset(&opts, 0, sizeof(opts));
	memset(&cmds, 0, sizeof(cmds));
	/* "usage: popgated [-dtT] [-f FILE] ...", "popgated keygen ..." */
	for (p = out; (p = strstr(p, "popgated ")) != NULL; ) {
		p += 9;
		if (islower((unsigned char)*p)) {
			words_add(&cmds, p, strcspn(p, " \n"));
		}
		for (w = p; *w != '\n' && *w != '\0'; w++) {
			if (w[0] != '-' || (w[-1] != '[' && w[-1] != ' ')) {
				continue;
			}
			for (w++; isalpha((unsigned char)*w); w++) {
				words_add(&opts, w, 1);
			}
		}
	}
	ck_assert_msg(opts.n >= 6 && cmds.n >= 3, "popgated -h: %zu options, "
	    "%zu commands:\n%s", opts.n, cmds.n, out);
	text = page("popgated.8");
	item_flags(text, &doc);
	for (i = 0; i < opts.n; i++) {
		ck_assert_msg(words_has(&doc, opts.w[i]), "popgated.8 has no "
		    "\".It Fl %s\"", opts.w[i]);
	}
	for (i = 0; i < cmds.n; i++) {
		snprintf(item, sizeof(item), "\n.It Cm %s", cmds.w[i]);
		ck_assert_msg(strstr(text, item) != NULL, "popgated.8 lacks "
		    "\".It Cm %s\"", cmds.w[i]);
	}
	for (i = 0; i < doc.n; i++) {
		ck_assert_msg(words_has(&opts, doc.w[i]), "popgated.8 "
		    "documents -%s, which popgated -h does not show",
		    doc.w[i]);
	}
	free(text);
	free(out);
}
END_TEST

START_TEST(test_docs_client_options)
{
	const char	*args[] = { NULL, "--help", NULL };
	struct words	 opts, doc;
	char		*out = NULL, *text = NULL;
	const char	*p = NULL, *w = NULL, *codes = NULL, *sec = NULL;
	char		 item[WORD_LEN + 16];
	size_t		 i, len;
	unsigned	 n = 0, code;

	args[0] = harness_bin("popgate");
	out = run_out("popgate-help", args, 0);
	memset(&opts, 0, sizeof(opts));
	/* Option lines: two blanks, then "-x", "--name" or "-x, --name". */
	for (p = out; p != NULL && *p != '\0'; p = next_line(p)) {
		for (w = p + 2; strncmp(p, "  -", 3) == 0 && *w == '-';
		    w += len + 3) {
			len = strcspn(w + 1, " =\n,");
			words_add(&opts, w + 1, len);
			if (strncmp(w + 1 + len, ", -", 3) != 0) {
				break;
			}
		}
	}
	ck_assert_msg(opts.n >= 15, "popgate --help: %zu options:\n%s",
	    opts.n, out);
	text = page("popgate.1");
	item_flags(text, &doc);
	for (i = 0; i < opts.n; i++) {
		ck_assert_msg(words_has(&doc, opts.w[i]), "popgate.1 has no "
		    "\".It Fl %s\"", opts.w[i]);
	}
	for (i = 0; i < doc.n; i++) {
		ck_assert_msg(words_has(&opts, doc.w[i]), "popgate.1 documents "
		    "-%s, which popgate --help does not show", doc.w[i]);
	}
	/* "Exit codes: 0 ok, 2 usage ..., 6 network error." */
	codes = strstr(out, "Exit codes:");
	sec = strstr(text, "\n.Sh EXIT STATUS");
	ck_assert(codes != NULL && sec != NULL);
	for (p = codes; *p != '\0' && *p != '.'; p++) {
		if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[-1])
		    && p[1] == ' ') {
			code = (unsigned)(*p - '0');
			snprintf(item, sizeof(item), "\n.It %u\n", code);
			ck_assert_msg(strstr(sec, item) != NULL, "popgate.1's "
			    "EXIT STATUS lacks %u", code);
			n++;
		}
	}
	ck_assert_uint_ge(n, 6);
	free(text);
	free(out);
}
END_TEST

/* The profile keywords of client/profile.c's table, in PROFILES. */
START_TEST(test_docs_profile_keywords)
{
	struct words	 kws, doc;
	char		*src = NULL, *text = NULL, *sec = NULL, *end = NULL;
	const char	*p = NULL;
	size_t		 i, len;

	src = hfile_slurp(harness_src("client/profile.c"), NULL);
	ck_assert(src != NULL);
	memset(&kws, 0, sizeof(kws));
	for (p = strstr(src, "\t{ \""); p != NULL; p = strstr(p, "\t{ \"")) {
		p += 4;
		len = strcspn(p, "\"");
		if (strncmp(p + len, "\",\t", 3) == 0) {
			words_add(&kws, p, len);
		}
	}
	ck_assert_msg(kws.n >= 10, "only %zu profile keywords found", kws.n);
	text = page("popgate.1");
	sec = strstr(text, "\n.Sh PROFILES\n");
	ck_assert_msg(sec != NULL, "popgate.1 has no PROFILES section");
	end = strstr(sec + 1, "\n.Sh ");
	if (end != NULL) {
		*end = '\0';
	}
	page_items(sec, ".It Cm ", &doc);
	for (i = 0; i < kws.n; i++) {
		ck_assert_msg(words_has(&doc, kws.w[i]), "popgate.1's PROFILES "
		    "lacks \".It Cm %s\"", kws.w[i]);
	}
	for (i = 0; i < doc.n; i++) {
		ck_assert_msg(words_has(&kws, doc.w[i]), "popgate.1 documents "
		    "profile keyword %s, which popgate does not know", doc.w[i]);
	}
	free(text);
	free(src);
}
END_TEST

Suite *
docs_suite(void)
{
	Suite	*s = suite_create("docs");
	TCase	*tc = NULL;

	tc = harness_tcase("man", docs_setup, docs_teardown, 120);
	tcase_add_loop_test(tc, test_docs_mandoc_lint, 0,
	    (int)(sizeof(pages) / sizeof(pages[0])));
	tcase_add_test(tc, test_docs_cross_references);
	tcase_add_test(tc, test_docs_config_keywords);
	tcase_add_test(tc, test_docs_gateway_options);
	tcase_add_test(tc, test_docs_client_options);
	tcase_add_test(tc, test_docs_profile_keywords);
	suite_add_tcase(s, tc);
	return s;
}
