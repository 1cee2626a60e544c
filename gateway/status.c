/*
 * status: the snapshot as a table (columns as wide as their longest
 * value, local time) or as one JSON object (unix times, exact bytes).
 * Strings are escaped for JSON even though users and sources are checked
 * elsewhere: this module makes no assumption about them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "popgate/status.h"
#include "popgate/xmem.h"

char *
status_bytes(uint64_t n, char *buf, size_t len)
{
	static const char	units[] = "KMGTPE";
	double			v = (double)n;
	size_t			u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64, n);
		return buf;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) - 1) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

char *
status_duration(uint64_t secs, char *buf, size_t len)
{
	if (secs < 60) {
		snprintf(buf, len, "%" PRIu64 "s", secs);
	} else if (secs < 3600) {
		snprintf(buf, len, "%" PRIu64 "m", secs / 60);
	} else if (secs < 86400) {
		snprintf(buf, len, "%" PRIu64 "h", secs / 3600);
	} else {
		snprintf(buf, len, "%" PRIu64 "d", secs / 86400);
	}
	return buf;
}

static void
totals(const struct status *st, size_t *authed, size_t *pre,
    uint64_t *tunnels)
{
	size_t	i;

	*authed = *pre = 0;
	*tunnels = 0;
	for (i = 0; i < st->nsessions; i++) {
		if (st->sessions[i].authenticated) {
			(*authed)++;
		} else {
			(*pre)++;
		}
		*tunnels += st->sessions[i].tunnels;
	}
}

static const char *
local_time(int64_t t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "%" PRId64, t);
	}
	return buf;
}

static void
text_row(FILE *mem, const struct status_session *s, int uw, int sw)
{
	char	since[32], up[16], down[16], idle[16];

	fprintf(mem, "%-*s  %-*s  %s  %7u  %8s  %8s  %5s\n", uw,
	    s->authenticated ? s->user : "-", sw, s->source,
	    local_time(s->since, since, sizeof(since)), s->tunnels,
	    status_bytes(s->up, up, sizeof(up)),
	    status_bytes(s->down, down, sizeof(down)),
	    status_duration(s->idle_secs, idle, sizeof(idle)));
}

char *
status_text(const struct status *st)
{
	char		*out = NULL, upfor[16];
	size_t		 size = 0, i, authed, pre;
	uint64_t	 tunnels;
	int		 uw = 4, sw = 6;
	FILE		*mem = open_memstream(&out, &size);

	if (mem == NULL) {
		return xstrdup("error: out of memory\n");
	}
	for (i = 0; i < st->nsessions; i++) {
		if (st->sessions[i].authenticated &&
		    (int)strlen(st->sessions[i].user) > uw) {
			uw = (int)strlen(st->sessions[i].user);
		}
		if ((int)strlen(st->sessions[i].source) > sw) {
			sw = (int)strlen(st->sessions[i].source);
		}
	}
	fprintf(mem, "popgated %s, pid %ld, up %s, %s\n", st->version,
	    st->pid, status_duration(st->now > st->started ?
	    (uint64_t)(st->now - st->started) : 0, upfor, sizeof(upfor)),
	    st->stopping ? "shutting down" : "running");
	fprintf(mem, "%-*s  %-*s  %-19s  %7s  %8s  %8s  %5s\n", uw, "USER",
	    sw, "SOURCE", "SINCE", "TUNNELS", "UP", "DOWN", "IDLE");
	for (i = 0; i < st->nsessions; i++) {
		text_row(mem, &st->sessions[i], uw, sw);
	}
	totals(st, &authed, &pre, &tunnels);
	fprintf(mem, "sessions %zu, unauthenticated %zu, tunnels %" PRIu64
	    ", auth failures %" PRIu64 ", penalised sources %zu\n", authed,
	    pre, tunnels, st->auth_failures, st->penalised);
	fclose(mem);
	return out;
}

/* s as a JSON string, quotes included. */
static void
json_string(FILE *mem, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	fputc('"', mem);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			fprintf(mem, "\\%c", *p);
		} else if (*p < 0x20 || *p >= 0x7f) {
			fprintf(mem, "\\u%04x", *p);
		} else {
			fputc(*p, mem);
		}
	}
	fputc('"', mem);
}

static void
json_session(FILE *mem, const struct status_session *s)
{
	fprintf(mem, "{\"pid\":%ld,\"user\":", s->pid);
	if (s->authenticated) {
		json_string(mem, s->user);
	} else {
		fputs("null", mem);
	}
	fprintf(mem, ",\"authenticated\":%s,\"source\":",
	    s->authenticated ? "true" : "false");
	json_string(mem, s->source);
	fputs(",\"via\":", mem);
	if (s->via[0] != '\0') {
		json_string(mem, s->via);
	} else {
		fputs("null", mem);
	}
	fprintf(mem, ",\"since\":%" PRId64 ",\"tunnels\":%u,\"bytes_up\":%"
	    PRIu64 ",\"bytes_down\":%" PRIu64 ",\"idle_seconds\":%" PRIu64
	    "}", s->since, s->tunnels, s->up, s->down, s->idle_secs);
}

char *
status_json(const struct status *st)
{
	char		*out = NULL;
	size_t		 size = 0, i, authed, pre;
	uint64_t	 tunnels;
	FILE		*mem = open_memstream(&out, &size);

	if (mem == NULL) {
		return xstrdup("error: out of memory\n");
	}
	fprintf(mem, "{\"pid\":%ld,\"version\":", st->pid);
	json_string(mem, st->version);
	fprintf(mem, ",\"state\":\"%s\",\"started\":%" PRId64 ",\"now\":%"
	    PRId64 ",\"sessions\":[", st->stopping ? "stopping" : "running",
	    st->started, st->now);
	for (i = 0; i < st->nsessions; i++) {
		if (i > 0) {
			fputc(',', mem);
		}
		json_session(mem, &st->sessions[i]);
	}
	totals(st, &authed, &pre, &tunnels);
	fprintf(mem, "],\"totals\":{\"sessions\":%zu,\"unauthenticated\":%zu,"
	    "\"tunnels\":%" PRIu64 ",\"auth_failures\":%" PRIu64
	    ",\"penalised_sources\":%zu}}\n", authed, pre, tunnels,
	    st->auth_failures, st->penalised);
	fclose(mem);
	return out;
}
