/*
 * children: the gateway parent's table of session processes. For each:
 * pid, its end of the control socket pair (until it was admitted or
 * left: then it no longer counts against MaxStartups), its scoreboard
 * slot, its source (the one penalties are charged to), and who logged
 * in. It answers what the parent asks before a fork
 * (PerSourceMaxStartups) and after a login (MaxSessionsPerUser), and
 * makes the status rows. The parent's loop owns it; nothing here blocks.
 *
 * The source: on a plain listener, the address from accept() (ours,
 * never the child's word). On a proxy listener accept() only names the
 * balancer, which is no source at all (penalising it would lock out
 * everyone behind it): the child reads the PROXY header and reports the
 * client's address as its first message, before key exchange; the
 * parent takes that one report (children_source_claim) and, once it
 * allowed it (children_source_answer), charges and counts that address.
 * Until then, and for a LOCAL header (the balancer's health check), the
 * child has no source: it is charged nothing and counts for nobody.
 */
#ifndef POPGATE_CHILDREN_H
#define POPGATE_CHILDREN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "popgate/addr.h"
#include "popgate/penalty.h"
#include "popgate/scoreboard.h"

struct status_session;

struct child {
	pid_t			pid;
	int			ctl;		/* -1 once admitted or gone */
	int			slot;		/* scoreboard */
	bool			has_src;
	struct penalty_source	src;		/* charged on its exit */
	char			peer[ADDR_STRLEN];	/* the client */
	bool			proxied;	/* on a proxy listener */
	char			via[ADDR_STRLEN];	/* ...the balancer */
	bool			claimed;	/* its source message came */
	bool			refused;	/* by us: charge nothing */
	int64_t			since;		/* wall clock */
	uint64_t		started;	/* monotonic */
	bool			admitted;
	bool			signalled;	/* by us: no crash penalty */
	char			user[SCOREBOARD_USER_LEN];
};

struct children {
	struct child	*v;
	size_t		 n;
	unsigned	 startups;	/* with ctl still open */
};

/* What a proxied child reported (see above). */
struct children_claim {
	bool			local;		/* LOCAL: no client */
	bool			has_src;
	struct penalty_source	src;
	char			peer[ADDR_STRLEN];
};

/*
 * A new child, counted as a startup; takes ctl. ss is the peer from
 * accept(); src its source (NULL: none). proxied: on a proxy listener,
 * so ss is the balancer and src must be NULL. Returns it.
 */
struct child	*children_add(struct children *ch, pid_t pid, int ctl,
		    int slot, const struct sockaddr_storage *ss,
		    const struct penalty_source *src, bool proxied);
/* Its index, or ch->n. */
size_t		 children_find(const struct children *ch, pid_t pid);
/* Gone (reaped): closes its socket, frees its slot. */
void		 children_forget(struct children *ch, size_t i,
		    struct scoreboard *sb);
/* In a forked child: closes every socket and frees the table. */
void		 children_drop(struct children *ch);

/* Startups from src right now (children whose source is known). */
unsigned	 children_startups_from(const struct children *ch,
		    const struct penalty_source *src);
/*
 * Child i's control socket is readable: 'a' asks to be admitted (the
 * user comes from its slot; refused with 'n' when max sessions of that
 * user are admitted already, max 0: no limit), EOF means it left. Either
 * way it is no longer a startup. Logs a refusal.
 *
 * A proxied child's first message may be its source instead: true then,
 * with what it said in *claim, and the caller decides and answers with
 * children_source_answer. A source message from any other child, a
 * second one or a malformed one is a protocol error: the child is
 * refused ('n', logged) and no longer a startup. false otherwise.
 */
bool		 children_readable(struct children *ch, size_t i,
		    const struct scoreboard *sb, unsigned max,
		    struct children_claim *claim);
/*
 * The caller's verdict on child i's claim: ok, the claim becomes its
 * source (peer, penalties, PerSourceMaxStartups, status); not ok, the
 * child is told 'n', will be charged nothing and is no longer a startup.
 */
void		 children_source_answer(struct children *ch, size_t i,
		    const struct children_claim *claim, bool ok);
/* sig to every child, each marked as signalled by us. */
void		 children_signal(struct children *ch, int sig);
/*
 * Child i's status row at now_ms (monotonic); adds its auth failures to
 * *failures.
 */
void		 children_status(const struct children *ch, size_t i,
		    const struct scoreboard *sb, uint64_t now_ms,
		    struct status_session *row, uint64_t *failures);
/* The offence child i committed, from its slot and wait status; -1. */
int		 children_offence(const struct children *ch, size_t i,
		    const struct scoreboard_entry *e, int status);

#endif
