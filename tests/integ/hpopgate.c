/*
 * hpopgate: the real bin/popgate of a test. It runs with HOME set to the
 * work folder, so neither the ~/.ssh keys, the known_hosts nor the
 * profiles of whoever runs the tests can make a test pass (or fail), and
 * it is ready once it printed one "listening 127.0.0.1:PORT -> TARGET"
 * line per forward on stdout: the ports come from there (tests ask for
 * port 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpopgate.h"

#define READY_PREFIX	"listening "

void
hpopgate_argv(struct hargv *a, uint16_t port, const char *key,
    const char *known_hosts)
{
	hargv_init(a);
	hargv_add(a, "%s", harness_bin("popgate"));
	hargv_add(a, "-v");
	hargv_add(a, "-p");
	hargv_add(a, "%u", (unsigned)port);
	if (key != NULL) {
		hargv_add(a, "-i");
		hargv_add(a, "%s", key);
	}
	if (known_hosts != NULL) {
		hargv_add(a, "--known-hosts");
		hargv_add(a, "%s", known_hosts);
	}
}

void
hpopgate_argv_gate(struct hargv *a, const struct hgate *g)
{
	hpopgate_argv(a, g->port, g->userkey, g->known_hosts);
}

/*
 * Spawns a as name with HOME=the work folder, and the profile file in
 * it too (XDG_CONFIG_HOME=folder/.config), whatever the runner has.
 */
static struct hproc *
spawn(struct harness *h, const char *name, struct hargv *a)
{
	char		 home[HARNESS_PATH], xdg[HARNESS_PATH + 32];
	const char	*env[] = { home, xdg, NULL };

	ck_assert_msg(!a->overflow, "popgate argv too long");
	snprintf(home, sizeof(home), "HOME=%s", h->dir);
	snprintf(xdg, sizeof(xdg), "XDG_CONFIG_HOME=%s/.config", h->dir);
	return hproc_spawn(h, name, a->argv, env, NULL);
}

/* The PORT of "listening HOST:PORT -> TARGET" (HOST may be [v6]). */
static uint16_t
ready_port(const char *line)
{
	const char	*arrow = strstr(line, " -> ");
	const char	*colon = NULL, *p = NULL;

	if (strncmp(line, READY_PREFIX, strlen(READY_PREFIX)) != 0 ||
	    arrow == NULL) {
		return 0;
	}
	for (p = line; p < arrow; p++) {
		if (*p == ':') {
			colon = p;
		}
	}
	return (uint16_t)(colon != NULL ? strtoul(colon + 1, NULL, 10) : 0);
}

struct hproc *
hpopgate_start(struct harness *h, struct hargv *a, size_t n,
    uint16_t *ports)
{
	struct hproc	*p = NULL;
	char		 line[512];
	size_t		 i;

	ck_assert(n > 0 && n <= HPOPGATE_MAX);
	p = spawn(h, "popgate", a);
	ck_assert_msg(p != NULL, "cannot start %s", a->argv[0]);
	for (i = 0; i < n; i++) {
		ck_assert_msg(hlog_wait(p->out, i + 1, p, HARNESS_START_MS,
		    HLINE(READY_PREFIX), line, sizeof(line)), "popgate printed "
		    "%zu of %zu ready lines (exit %d); see %s and %s", i, n,
		    p->status, p->out, p->err);
		ports[i] = ready_port(line);
		ck_assert_msg(ports[i] != 0, "no port in popgate's ready "
		    "line \"%s\"", line);
	}
	return p;
}

uint16_t
hpopgate_tunnel(struct harness *h, const struct hgate *g,
    const char *target, struct hproc **out)
{
	struct hargv	a;
	uint16_t	port = 0;

	hpopgate_argv_gate(&a, g);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:%s", target);
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	*out = hpopgate_start(h, &a, 1, &port);
	return port;
}

int
hpopgate_run(struct harness *h, struct hargv *a, struct hproc **out)
{
	struct hproc	*p = NULL;
	int		 st;

	*out = NULL;
	p = spawn(h, "popgate-run", a);
	ck_assert_msg(p != NULL, "cannot start %s", a->argv[0]);
	*out = p;
	st = hproc_wait(p, HARNESS_EXIT_MS);
	if (st < 0) {
		fprintf(stderr, "hpopgate: popgate did not finish in %d ms\n",
		    HARNESS_EXIT_MS);
		hproc_stop(p);
	}
	return st;
}

void
hpopgate_check_exits(const struct harness *h)
{
	const struct hproc	*p = NULL;
	size_t			 i;

	for (i = 0; i < h->nprocs; i++) {
		p = &h->procs[i];
		if (strcmp(p->name, "popgate") != 0) {
			continue;
		}
		ck_assert_msg(p->status == 0, "popgate exited %d after "
		    "SIGTERM (want 0); see %s", p->status, p->err);
		ck_assert_msg(!hfile_has(p->err, "Sanitizer") &&
		    !hfile_has(p->err, "runtime error:"),
		    "sanitizer report in %s", p->err);
	}
}

void
hpopgate_fix_down(struct hfix *f)
{
	if (f->h != NULL) {
		harness_stop_all(f->h);
		hpopgate_check_exits(f->h);
	}
	hfix_down(f);
}
