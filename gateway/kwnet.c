/*
 * kwnet: keyword values that are network things: ListenAddress (with its
 * "proxy" word), ProxyFrom networks and Forward entries (policy.h checks
 * those). A repeated Forward target is refused at its line, naming the
 * line of the first; the line of each entry is kept so that resolving
 * and checking the backends later can still point at it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "popgate/addr.h"
#include "popgate/kwnet.h"
#include "popgate/kwtype.h"
#include "popgate/policy.h"
#include "popgate/proxynet.h"
#include "popgate/servconf.h"
#include "popgate/xmem.h"

/*
 * ListenAddress: host[:port] (default port 22, 0 picks a free one), then
 * "proxy" for a listener behind a balancer (sc->listen_proxy, parallel).
 */
static int
listen_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	struct addr	**v = KWTYPE_FIELD(sc, kw, struct addr *);
	size_t		 *n = KWTYPE_COUNT(sc, kw);
	struct addr	  a;
	char		  why[KWTYPE_WHY_MAX];

	if (addr_parse(argv[0], 22, true, &a, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "expected HOST[:PORT], got \"%s\": %s",
		    argv[0], why);
		return -1;
	}
	if (argv[1] != NULL && strcasecmp(argv[1], "proxy") != 0) {
		snprintf(err, errlen, "expected \"proxy\" after the address, "
		    "got \"%s\"", argv[1]);
		return -1;
	}
	if (argv[1] != NULL && ld->proxy_line == 0) {
		ld->proxy_line = ld->line;
		ld->proxy_level = ld->level;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	sc->listen_proxy = xreallocarray(sc->listen_proxy, *n + 1,
	    sizeof(*sc->listen_proxy));
	sc->listen_proxy[*n] = argv[1] != NULL;
	(*v)[(*n)++] = a;
	return 0;
}

static void
listen_clear(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld)
{
	if (ld != NULL) {
		ld->proxy_line = 0;
	}
	free(*KWTYPE_FIELD(sc, kw, struct addr *));
	*KWTYPE_FIELD(sc, kw, struct addr *) = NULL;
	free(sc->listen_proxy);
	sc->listen_proxy = NULL;
	*KWTYPE_COUNT(sc, kw) = 0;
}

static void
listen_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const struct addr	*v = *KWTYPE_CFIELD(sc, kw, struct addr *);
	char			 buf[ADDR_STRLEN];
	size_t			 i;

	for (i = 0; i < KWTYPE_CCOUNT(sc, kw); i++) {
		fprintf(fp, "%s %s%s\n", kw->name,
		    addr_format(v[i].host, v[i].port, buf, sizeof(buf)),
		    sc->listen_proxy[i] ? " proxy" : "");
	}
}

/* ProxyFrom: ADDR[/PREFIX][,...]; each line adds, one printed a line. */
static int
nets_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	(void)ld;
	return proxynet_parse_list(argv[0],
	    KWTYPE_FIELD(sc, kw, struct proxynet *),
	    KWTYPE_COUNT(sc, kw), err, errlen);
}

static void
nets_clear(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld)
{
	(void)ld;
	free(*KWTYPE_FIELD(sc, kw, struct proxynet *));
	*KWTYPE_FIELD(sc, kw, struct proxynet *) = NULL;
	*KWTYPE_COUNT(sc, kw) = 0;
}

static void
nets_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const struct proxynet	*v = *KWTYPE_CFIELD(sc, kw, struct proxynet *);
	char			 buf[PROXYNET_STRLEN];
	size_t			 i;

	for (i = 0; i < KWTYPE_CCOUNT(sc, kw); i++) {
		fprintf(fp, "%s %s\n", kw->name,
		    proxynet_format(&v[i], buf, sizeof(buf)));
	}
}

/* Forward NAME:PORT BACKEND [BACKEND ...] [proxy]; lines kept for errors. */
static int
forward_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	struct policy		*pol = *KWTYPE_FIELD(sc, kw, struct policy *);
	const struct policy_entry *dup = NULL;
	struct addr		 t;
	char			 why[KWTYPE_WHY_MAX];
	char			 buf[32];
	size_t			 i;

	if (addr_parse(argv[0], 0, false, &t, why, sizeof(why)) == 0) {
		dup = policy_match(pol, t.host, t.port);
	}
	for (i = 0; dup != NULL && i < ld->nfwd; i++) {
		if (policy_entry_const(pol, i) == dup) {
			snprintf(err, errlen, "%s given twice (first at %s)",
			    argv[0], kwtype_where(ld->fwd_level,
			    ld->fwd_line[i], buf, sizeof(buf)));
			return -1;
		}
	}
	for (i = 0; argv[i] != NULL; i++) {
		continue;
	}
	if (policy_add(pol, argv, i, err, errlen) != 0) {
		return -1;
	}
	ld->fwd_line = xreallocarray(ld->fwd_line, ld->nfwd + 1,
	    sizeof(*ld->fwd_line));
	ld->fwd_line[ld->nfwd++] = ld->line;
	ld->fwd_level = ld->level;
	return 0;
}

static void
forward_clear(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld)
{
	policy_free(*KWTYPE_FIELD(sc, kw, struct policy *));
	*KWTYPE_FIELD(sc, kw, struct policy *) = policy_new();
	if (ld != NULL) {
		ld->nfwd = 0;
	}
}

static void
forward_print(const struct servconf *sc, const struct keyword *kw,
    FILE *fp)
{
	const struct policy		*pol = NULL;
	const struct policy_entry	*e = NULL;
	char				 t[ADDR_STRLEN];
	char				 b[ADDR_STRLEN + 16];
	size_t				 i, j;

	pol = *KWTYPE_CFIELD(sc, kw, struct policy *);
	for (i = 0; i < policy_count(pol); i++) {
		e = policy_entry_const(pol, i);
		fprintf(fp, "%s %s", kw->name,
		    addr_format(e->target.host, e->target.port, t, sizeof(t)));
		for (j = 0; j < e->nbackends; j++) {
			fprintf(fp, " %s", policy_backend_format(
			    &e->backends[j], b, sizeof(b)));
		}
		fprintf(fp, "%s\n", e->proxy ? " proxy" : "");
	}
}

const struct kwtype kwnet_listen = {
	listen_parse, listen_clear, listen_print, 1, 2, "HOST[:PORT] [proxy]"
};
const struct kwtype kwnet_nets = {
	nets_parse, nets_clear, nets_print, 1, 0, "ADDR[/PREFIX][,...]"
};
const struct kwtype kwnet_forward = {
	forward_parse, forward_clear, forward_print, 2, KWTYPE_ARGS_MAX,
	"NAME:PORT BACKEND [BACKEND ...] [proxy]"
};
