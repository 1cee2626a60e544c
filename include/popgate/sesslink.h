/*
 * sesslink: a session process's link to the gateway parent (child side;
 * the parent's side is children.c, with admit.c deciding a claimed
 * source). Its scoreboard slot is what the parent sees of it: state,
 * authentication counts, tunnels, bytes, last activity and, at the end,
 * why it ended. Its end of the control socket pair (SOCK_SEQPACKET: one
 * message per record) is how it asks the parent: to go on after a login
 * (MaxSessionsPerUser), and, on a proxy listener, to go on with the
 * client address its PROXY header named (PerSourcePenalties,
 * PerSourceMaxStartups): one message, one byte back, the wait bounded by
 * SESSLINK_ADMIT_MS. Everything is published only when it changed.
 */
#ifndef POPGATE_SESSLINK_H
#define POPGATE_SESSLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "popgate/scoreboard.h"

#define SESSLINK_ADMIT_MS	10000	/* the parent answers within this */

/*
 * What a session sends on its control socket; the parent answers 'y' or
 * 'n'. The parent takes a source only from a child of a proxy listener,
 * only once, and only as its first message (the header is read before
 * key exchange, so no SSH byte has been parsed by then).
 */
#define SESSLINK_ADMIT		'a'	/* one byte: a user logged in */
#define SESSLINK_SOURCE		's'	/* a struct sesslink_source */

struct sesslink_source {
	char			type;		/* SESSLINK_SOURCE */
	char			local;		/* 1: no client address (a
						   LOCAL header: the balancer
						   itself), sa unused */
	struct sockaddr_storage	sa;		/* the client (AF_INET or
						   AF_INET6) */
};

struct sesslink;

/* Takes ctl_fd (-1: no parent to ask) and slot (NULL: nobody looks). */
struct sesslink	*sesslink_new(int ctl_fd, struct scoreboard_slot *slot,
		    uint64_t now_ms);
void		 sesslink_free(struct sesslink *l);	/* NULL is fine */

/* Authentication attempts (not "none") and failures so far. */
void		 sesslink_auth(struct sesslink *l, unsigned attempts,
		    unsigned failures);
/*
 * The PROXY header named the client sa (NULL: a LOCAL header, no
 * client). true: go on; false: the parent refused the source (penalised,
 * too many startups), did not answer in time, or is gone. true without
 * asking when there is no parent.
 */
bool		 sesslink_source(struct sesslink *l,
		    const struct sockaddr *sa);
/*
 * user logged in: published, then the parent asked. true: go on; false:
 * the parent said no (or did not answer in time, or is gone).
 */
bool		 sesslink_admit(struct sesslink *l, const char *user,
		    uint64_t now_ms);
void		 sesslink_state(struct sesslink *l, enum scoreboard_state st);
/*
 * Tunnels open now and bytes up/down over all tunnels so far (closed
 * ones too); a change makes now_ms the last activity.
 */
void		 sesslink_traffic(struct sesslink *l, unsigned tunnels,
		    uint64_t up, uint64_t down, uint64_t now_ms);
/* Why the session ends, just before it does. */
void		 sesslink_end(struct sesslink *l, enum scoreboard_end end);

#endif
