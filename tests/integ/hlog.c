/*
 * hlog: waiting on log files. Every wait polls with a deadline and stops
 * early when the process writing the log has exited; none sleeps and
 * hopes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define POLL_MS		20

static bool
line_has_all(const char *line, const char *const match[])
{
	size_t	i;

	for (i = 0; match[i] != NULL; i++) {
		if (strstr(line, match[i]) == NULL) {
			return false;
		}
	}
	return true;
}

/*
 * Counts the lines of path holding every string of match; the n-th one
 * (n > 0) is copied into line when line is not NULL.
 */
static size_t
count_lines(const char *path, const char *const match[], size_t n,
    char *line, size_t len)
{
	char	*text = hfile_slurp(path, NULL);
	char	*p = NULL, *nl = NULL;
	size_t	 count = 0;

	for (p = text; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			break;		/* a line still being written */
		}
		*nl = '\0';
		if (line_has_all(p, match) && ++count == n && line != NULL) {
			snprintf(line, len, "%s", p);
		}
	}
	free(text);
	return count;
}

/* Polls pred until true, the deadline, or watch exiting (one more look
 * then: its last lines are in). */
static bool
poll_until(bool (*pred)(void *), void *arg, struct hproc *watch,
    int timeout_ms)
{
	long	deadline = harness_now_ms() + timeout_ms;
	bool	alive = true;

	for (;;) {
		if (pred(arg)) {
			return true;
		}
		if (!alive || harness_now_ms() >= deadline) {
			return false;
		}
		alive = watch == NULL || hproc_running(watch);
		if (alive) {
			harness_sleep_ms(POLL_MS);
		}
	}
}

struct log_query {
	const char		*path;
	const char *const	*match;
	size_t			 n;
	char			*line;
	size_t			 len;
	const char		*key;
	unsigned long		 min;
};

static bool
enough_lines(void *arg)
{
	struct log_query	*q = arg;

	return count_lines(q->path, q->match, q->n, q->line, q->len) >= q->n;
}

bool
hlog_wait(const char *path, size_t n, struct hproc *watch,
    int timeout_ms, const char *const match[], char *line, size_t len)
{
	struct log_query	q = { path, match, n, line, len, NULL, 0 };

	return poll_until(enough_lines, &q, watch, timeout_ms);
}

/* Does a matching line have key (" down=") followed by a number >= min? */
static bool
value_reached(void *arg)
{
	struct log_query	*q = arg;
	char			*text = hfile_slurp(q->path, NULL);
	char			*line = NULL, *save = NULL, *v = NULL;
	bool			 found = false;

	for (line = text != NULL ? strtok_r(text, "\n", &save) : NULL;
	    line != NULL && !found; line = strtok_r(NULL, "\n", &save)) {
		v = line_has_all(line, q->match) ? strstr(line, q->key) : NULL;
		found = v != NULL &&
		    strtoul(v + strlen(q->key), NULL, 10) >= q->min;
	}
	free(text);
	return found;
}

bool
hlog_wait_value(const char *path, const char *const match[],
    const char *key, unsigned long min, struct hproc *watch, int timeout_ms)
{
	struct log_query	q = { path, match, 0, NULL, 0, key, min };

	return poll_until(value_reached, &q, watch, timeout_ms);
}

size_t
hlog_count(const char *path, const char *const match[])
{
	return count_lines(path, match, 0, NULL, 0);
}

