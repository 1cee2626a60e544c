/*
 * admit: the listener's admission decisions, all before a fork (plain
 * listener) or before key exchange (a proxied child's claim), and the
 * charge a child's offences cost its source when it ends.
 *
 * On a proxy listener the address accept() gives is the balancer's:
 * only ProxyFrom and the global limits are checked at accept.
 * PerSourcePenalties and PerSourceMaxStartups are decided on the
 * client's address the child reports (refused: it closes at once and is
 * charged nothing), and it is that address, never the balancer's, that
 * is charged when the child ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/admit.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/proxynet.h"

#define ADMIT_DROPLOG_MS	1000	/* at most one drop line per second */
#define ADMIT_EXPIRE_MS		10000	/* penalty records swept */

void
admit_init(struct admit *a, const struct penalty_conf *c)
{
	memset(a, 0, sizeof(*a));
	a->pen = penalty_new(c);
}

void
admit_reconf(struct admit *a, const struct penalty_conf *c)
{
	penalty_set_conf(a->pen, c);
}

void
admit_expire(struct admit *a, uint64_t now)
{
	if (now >= a->expire_at) {
		penalty_expire(a->pen, now);
		a->expire_at = now + ADMIT_EXPIRE_MS;
	}
}

void
admit_fini(struct admit *a)
{
	penalty_free(a->pen);
	a->pen = NULL;
}

bool
admit_should_drop(unsigned startups, const struct servconf_maxstartups *ms,
    unsigned rnd)
{
	unsigned	p;

	if (startups < ms->start) {
		return false;
	}
	if (startups >= ms->full) {
		return true;
	}
	/* Linear from rate% at start to 100% at full (sshd's formula). */
	p = 100 - ms->rate;
	p = p * (startups - ms->start) / (ms->full - ms->start);
	p += ms->rate;
	return rnd < p;
}

/*
 * Drops (MaxStartups, PerSourceMaxStartups, full table) come in floods:
 * one line a second at most, with the count of the ones not logged
 * since the last (unlogged=N). why is "key=value ..." for the line.
 */
static void
log_drop(struct admit *a, const char *peer, const char *why)
{
	uint64_t	now = clock_ms();

	if (now < a->droplog_at) {
		a->droplog_skipped++;
		return;
	}
	log_info("event=connection-dropped from=%s %s unlogged=%u", peer, why,
	    a->droplog_skipped);
	a->droplog_skipped = 0;
	a->droplog_at = now + ADMIT_DROPLOG_MS;
}

void
admit_charge(struct admit *a, const struct child *c, int kind)
{
	char		src[PENALTY_SOURCE_STRLEN];
	uint64_t	left = 0;

	if (kind < 0 || !c->has_src ||
	    penalty_charge(a->pen, &c->src, (enum penalty_kind)kind,
	    clock_ms(), &left) != PENALTY_STARTED) {
		return;
	}
	/* Once per penalty: extensions are not logged again. */
	log_info("event=penalty source=%s reason=%s refused=%llus "
	    "penalties=%u",
	    penalty_source_format(&c->src, src, sizeof(src)),
	    penalty_kind_name((enum penalty_kind)kind),
	    (unsigned long long)(left + 999) / 1000,
	    penalty_served(a->pen, &c->src, clock_ms()));
}

/*
 * A penalised source or one with PerSourceMaxStartups startups already:
 * before a fork (plain listener) or after the child read the PROXY
 * header (proxy listener). peer is the client's address as logged.
 */
static bool
source_refused(struct admit *a, const struct servconf *sc,
    const struct children *ch, const char *peer, const char *via,
    const struct penalty_source *src)
{
	char		why[ADDR_STRLEN + 128];
	char		viakv[ADDR_STRLEN + 8] = "";
	uint64_t	left;
	unsigned	n;

	if (via != NULL) {
		snprintf(viakv, sizeof(viakv), "via=%s ", via);
	}
	if (penalty_refuses(a->pen, src, clock_ms(), &left)) {
		/* The penalty itself was logged once, when it began. */
		log_verbose("event=connection-refused from=%s %sreason=penalty "
		    "left=%llus", peer, viakv,
		    (unsigned long long)(left + 999) / 1000);
		return true;
	}
	if (sc->per_source_max_startups != 0 &&
	    (n = children_startups_from(ch, src)) >=
	    sc->per_source_max_startups) {
		snprintf(why, sizeof(why), "%sreason=per-source-max-startups "
		    "source-startups=%u persourcemaxstartups=%u", viakv, n,
		    sc->per_source_max_startups);
		log_drop(a, peer, why);
		return true;
	}
	return false;
}

/* Floods and a full table, for every listener, before any fork. */
static bool
flood_refused(struct admit *a, const struct servconf *sc,
    const struct children *ch, const struct scoreboard *sb,
    const char *peer)
{
	char	why[160];

	if (admit_should_drop(ch->startups, &sc->max_startups,
	    arc4random_uniform(100))) {
		snprintf(why, sizeof(why), "reason=max-startups startups=%u "
		    "maxstartups=%u:%u:%u", ch->startups,
		    sc->max_startups.start, sc->max_startups.rate,
		    sc->max_startups.full);
		log_drop(a, peer, why);
		return true;
	}
	if (scoreboard_used(sb) >= scoreboard_slots(sb)) {
		snprintf(why, sizeof(why), "reason=sessions-max sessions=%zu",
		    scoreboard_used(sb));
		log_drop(a, peer, why);
		return true;
	}
	return false;
}

/*
 * Turned away at accept, before any fork. On a proxy listener the peer
 * is a balancer: it must be in ProxyFrom, and is no source of its own.
 */
bool
admit_turned_away(struct admit *a, const struct servconf *sc,
    const struct children *ch, const struct scoreboard *sb,
    const struct sockaddr_storage *ss, const struct penalty_source *src,
    bool proxied)
{
	char	peer[ADDR_STRLEN];

	addr_format_sa((const struct sockaddr *)ss, peer, sizeof(peer));
	if (proxied && !proxynet_match(sc->proxy_from, sc->nproxy_from,
	    (const struct sockaddr *)ss)) {
		log_drop(a, peer, "reason=not-in-proxyfrom");
		return true;
	}
	if (src != NULL && source_refused(a, sc, ch, peer, NULL, src)) {
		return true;
	}
	return flood_refused(a, sc, ch, sb, peer);
}

/* A proxied child named its client: go on, or close it uncharged. */
void
admit_claim(struct admit *a, const struct servconf *sc, struct children *ch,
    size_t i, const struct children_claim *claim, bool stopping)
{
	const struct child	*c = &ch->v[i];
	bool			 ok;

	ok = !stopping && (!claim->has_src || !source_refused(a, sc, ch,
	    claim->peer, c->via, &claim->src));
	children_source_answer(ch, i, claim, ok);
}
