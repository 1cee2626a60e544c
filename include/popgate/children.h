/*
 * children: the gateway parent's table of session processes. For each:
 * pid, its end of the control socket pair (until it was admitted or
 * left: then it no longer counts against MaxStartups), its scoreboard
 * slot, the source address from accept() (the one penalties are charged
 * to: ours, never the child's word), and who logged in. It answers what
 * the parent asks before a fork (PerSourceMaxStartups) and after a login
 * (MaxSessionsPerUser), and makes the status rows. The parent's loop
 * owns it; nothing here blocks.
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
	struct penalty_source	src;		/* from accept() */
	char			peer[ADDR_STRLEN];
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

/* A new child, counted as a startup; takes ctl. Returns it. */
struct child	*children_add(struct children *ch, pid_t pid, int ctl,
		    int slot, const struct sockaddr_storage *ss,
		    const struct penalty_source *src);
/* Its index, or ch->n. */
size_t		 children_find(const struct children *ch, pid_t pid);
/* Gone (reaped): closes its socket, frees its slot. */
void		 children_forget(struct children *ch, size_t i,
		    struct scoreboard *sb);
/* In a forked child: closes every socket and frees the table. */
void		 children_drop(struct children *ch);

/* Startups from src right now. */
unsigned	 children_startups_from(const struct children *ch,
		    const struct penalty_source *src);
/*
 * Child i's control socket is readable: 'a' asks to be admitted (the
 * user comes from its slot; refused with 'n' when max sessions of that
 * user are admitted already, max 0: no limit), EOF means it left. Either
 * way it is no longer a startup. Logs a refusal.
 */
void		 children_readable(struct children *ch, size_t i,
		    const struct scoreboard *sb, unsigned max);
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
