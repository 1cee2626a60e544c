/*
 * admit: the gateway parent's door. Who gets a child, decided before any
 * key exchange: a proxy listener's peer must be in ProxyFrom; a
 * penalised source (PerSourcePenalties) and one with
 * PerSourceMaxStartups startups already are refused; then MaxStartups
 * (sshd's random early drop) and a full scoreboard. On a proxy listener
 * the source is only known once the child read the PROXY header, so its
 * claim is decided here too. And what a child is charged when it ends
 * (the penalty that refuses its source next time). Login admission
 * (MaxSessionsPerUser) is children_readable's.
 *
 * Runs on the listener's poll loop; never blocks. Refusals are logged:
 * penalties once when they begin, drops at most one line a second with
 * the count of the ones not logged (unlogged=N).
 */
#ifndef POPGATE_ADMIT_H
#define POPGATE_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "popgate/children.h"
#include "popgate/penalty.h"
#include "popgate/scoreboard.h"
#include "popgate/servconf.h"

/* The listener's; pen may be read (popgated status), never replaced. */
struct admit {
	struct penalty	*pen;		/* PerSourcePenalties */
	uint64_t	 expire_at;	/* next sweep of pen */
	uint64_t	 droplog_at;	/* no drop line before this */
	unsigned	 droplog_skipped;	/* drops since the last line */
};

/* Sets a up with PerSourcePenalties c. */
void	admit_init(struct admit *a, const struct penalty_conf *c);
/* A reload: new settings, the penalties already given kept. */
void	admit_reconf(struct admit *a, const struct penalty_conf *c);
/* Call often: forgets penalties that ran out (a sweep every 10 s). */
void	admit_expire(struct admit *a, uint64_t now);
/* Frees what a holds (also in a forked child, which has no use for it). */
void	admit_fini(struct admit *a);

/*
 * sshd's MaxStartups decision: with `startups` unauthenticated connections
 * already open, drop a new one? Never below start, always from full, in
 * between with a probability rising linearly from rate% to 100%.
 * rnd is a uniform random number in [0, 100). Pure.
 */
bool	admit_should_drop(unsigned startups,
	    const struct servconf_maxstartups *ms, unsigned rnd);

/*
 * A connection accept() gave, peer ss, on a proxy listener or not: true
 * when it is turned away (logged; the caller closes it, nothing forked).
 * src is its source, NULL for none (always on a proxy listener, where
 * ss is the balancer).
 */
bool	admit_turned_away(struct admit *a, const struct servconf *sc,
	    const struct children *ch, const struct scoreboard *sb,
	    const struct sockaddr_storage *ss,
	    const struct penalty_source *src, bool proxied);
/*
 * Proxied child i named its client (children_readable): go on, or
 * closed uncharged (refused, or stopping). Answers it.
 */
void	admit_claim(struct admit *a, const struct servconf *sc,
	    struct children *ch, size_t i,
	    const struct children_claim *claim, bool stopping);
/*
 * Child c ended having committed offence kind (children_offence, -1 for
 * none): charged to its source, if it has one; a penalty it started is
 * logged.
 */
void	admit_charge(struct admit *a, const struct child *c, int kind);

#endif
