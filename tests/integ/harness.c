/*
 * harness: the run's root folder and each test's work folder with its
 * process registry. See harness.h for who stops what, and when.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define DUMP_LINES	40

static char		 root_dir[128];
static char		 bin_dir[HARNESS_PATH / 2];
static char		 src_dir[HARNESS_PATH / 2];
static struct harness	*live;		/* the test's, for atexit */
static int		 slow = 1;	/* HARNESS_SLOW */

void
harness_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

long
harness_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
path_set(char *dst, const char *what, const char *value)
{
	if (value == NULL || value[0] == '\0') {
		fprintf(stderr, "check_integ: %s is not set (run it through "
		    "make check)\n", what);
		return -1;
	}
	if (strlen(value) >= sizeof(bin_dir) || strchr(value, '\'') != NULL) {
		fprintf(stderr, "check_integ: unusable %s: %s\n", what, value);
		return -1;
	}
	strcpy(dst, value);
	return 0;
}

static int
src_dir_set(void)
{
	char	cwd[HARNESS_PATH];

	if (getenv("POPGATE_SRCDIR") != NULL) {
		return path_set(src_dir, "POPGATE_SRCDIR",
		    getenv("POPGATE_SRCDIR"));
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "check_integ: getcwd: %s\n", strerror(errno));
		return -1;
	}
	return path_set(src_dir, "POPGATE_SRCDIR", cwd);
}

/* HARNESS_SLOW: a whole number from 1 to 100, or unset (1). */
static int
slow_set(void)
{
	const char	*v = getenv("HARNESS_SLOW");
	char		*end = NULL;
	long		 n;

	if (v == NULL || v[0] == '\0') {
		return 0;
	}
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > 100) {
		fprintf(stderr, "check_integ: HARNESS_SLOW=%s: want a whole "
		    "number from 1 to 100\n", v);
		return -1;
	}
	slow = (int)n;
	return 0;
}

int
harness_slow(void)
{
	return slow;
}

int
harness_root_init(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (path_set(bin_dir, "POPGATE_BIN", getenv("POPGATE_BIN")) != 0 ||
	    src_dir_set() != 0 || slow_set() != 0) {
		return -1;
	}
	if (access(harness_src("scripts/pop3fetch.py"), R_OK) != 0) {
		fprintf(stderr, "check_integ: %s missing: run from the source "
		    "tree or set POPGATE_SRCDIR\n",
		    harness_src("scripts/pop3fetch.py"));
		return -1;
	}
	/* Short: Dovecot's UNIX sockets live below it (sun_path is 108). */
	snprintf(root_dir, sizeof(root_dir), "%.24s/popgate-integ.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) <= 24 ? tmp : "/tmp");
	if (mkdtemp(root_dir) == NULL) {
		fprintf(stderr, "check_integ: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	/* As root, Dovecot's mail user must get through to the Maildirs. */
	if (geteuid() == 0) {
		chmod(root_dir, 0711);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

const char *
harness_bin(const char *prog)
{
	static char	buf[HARNESS_PATH];

	snprintf(buf, sizeof(buf), "%s/%.200s", bin_dir, prog);
	return buf;
}

const char *
harness_src(const char *rel)
{
	static char	buf[HARNESS_PATH];

	snprintf(buf, sizeof(buf), "%s/%.200s", src_dir, rel);
	return buf;
}

TCase *
harness_tcase(const char *name, void (*setup)(void), void (*teardown)(void),
    double timeout)
{
	TCase	*tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_unchecked_fixture(tc, NULL, horphan_reap);
	tcase_set_timeout(tc, timeout * slow);
	return tc;
}

/* Prints the last DUMP_LINES lines of a log file. */
static void
dump_tail(const char *path)
{
	char	*text = hfile_slurp(path, NULL);
	char	*p = NULL;
	int	 lines = 0;

	if (text == NULL || text[0] == '\0') {
		free(text);
		return;
	}
	p = text + strlen(text);
	while (p > text && lines <= DUMP_LINES) {
		p--;
		if (*p == '\n') {
			lines++;
		}
	}
	printf("---- %s%s\n%s%s", path, p > text ? " (tail)" : "",
	    p > text ? p + 1 : p, text[strlen(text) - 1] == '\n' ? "" : "\n");
	free(text);
}

static int
dump_cb(const char *path, const struct stat *st, void *arg)
{
	size_t	len = strlen(path);

	(void)arg;
	if (S_ISREG(st->st_mode) && st->st_size > 0 && len > 4 &&
	    (strcmp(path + len - 4, ".err") == 0 ||
	    strcmp(path + len - 4, ".log") == 0)) {
		dump_tail(path);
	}
	return 0;
}

void
harness_root_fini(bool failed)
{
	horphan_reap();
	if (!failed && getenv("POPGATE_KEEP") == NULL) {
		hfile_remove(root_dir);
		return;
	}
	if (!failed) {
		printf("==== work folders kept in %s (POPGATE_KEEP)\n",
		    root_dir);
		return;
	}
	printf("==== logs of the failed tests (kept in %s)\n", root_dir);
	hfile_walk(root_dir, dump_cb, NULL);
	fflush(stdout);
}

static void
atexit_cb(void)
{
	if (live != NULL) {
		harness_stop_all(live);
	}
}

struct harness *
harness_new(const char *label)
{
	static bool	 registered;
	struct harness	*h = NULL;

	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		return NULL;
	}
	snprintf(h->dir, sizeof(h->dir), "%s/%.40s.XXXXXX", root_dir, label);
	if (mkdtemp(h->dir) == NULL) {
		free(h);
		return NULL;
	}
	if (geteuid() == 0) {
		chmod(h->dir, 0711);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!registered) {
		atexit(atexit_cb);
		registered = true;
	}
	live = h;
	return h;
}

void
harness_stop_all(struct harness *h)
{
	size_t	i;

	for (i = h->nprocs; i > 0; i--) {
		hproc_stop(&h->procs[i - 1]);
	}
	horphan_reap();
}

void
harness_free(struct harness *h)
{
	if (h == NULL) {
		return;
	}
	harness_stop_all(h);
	if (getenv("POPGATE_KEEP") == NULL) {
		hfile_remove(h->dir);
	}
	if (live == h) {
		live = NULL;
	}
	free(h);
}

struct hpath
harness_path(const struct harness *h, const char *fmt, ...)
{
	struct hpath	p;
	va_list		ap;
	int		n;

	n = snprintf(p.s, sizeof(p.s), "%s/", h->dir);
	va_start(ap, fmt);
	vsnprintf(p.s + n, sizeof(p.s) - (size_t)n, fmt, ap);
	va_end(ap);
	return p;
}

