/*
 * scoreboard: what the gateway parent knows about each session process
 * without ever reading from the network. One MAP_SHARED anonymous table,
 * made by the parent before it forks anything, one page per slot.
 *
 * Ownership and the race-free scheme:
 * - The parent alone claims and releases slots: it claims one before
 *   fork(), and releases it only after waitpid() reaped the child, so a
 *   slot never has two writers, not even across reuse.
 * - The child, right after fork(), unmaps every page but its own slot
 *   (scoreboard_child): it cannot read other sessions (users, addresses)
 *   nor write anything but its own entry, whatever happens in it later.
 * - The child publishes whole entries under a sequence counter (a
 *   seqlock: odd while writing); the parent copies an entry and retries
 *   while the counter was odd or moved, so every copy it uses is one the
 *   child published. The parent never blocks on a child.
 * - Decisions that must not race (MaxSessionsPerUser) are not taken in
 *   shared memory: the child asks the parent over its control socket and
 *   the parent, single-threaded, answers from its own records, so two
 *   logins can never both see room for one.
 * - The parent trusts an entry's counters only about that child itself
 *   (auth failures for its penalties, bytes for status); the peer address
 *   it charges is its own copy from accept(), never the child's word,
 *   except on a proxy listener, where accept() names the balancer: there
 *   it is the client the child's PROXY header named, taken once, as the
 *   child's first message, before it parsed a byte of SSH (children.h).
 */
#ifndef POPGATE_SCOREBOARD_H
#define POPGATE_SCOREBOARD_H

#include <stddef.h>
#include <stdint.h>

#define SCOREBOARD_USER_LEN	65	/* str_valid_user's 64 + NUL */

enum scoreboard_state {
	SCOREBOARD_FREE = 0,
	SCOREBOARD_PREAUTH,		/* key exchange, authentication */
	SCOREBOARD_AUTHED,		/* logged in (admission asked) */
	SCOREBOARD_DRAINING		/* shutting down: no new tunnels */
};

/* Why the session ended, set just before the child exits. */
enum scoreboard_end {
	SCOREBOARD_END_NONE = 0,	/* running, or died without a word */
	SCOREBOARD_END_CLOSED,		/* the client left */
	SCOREBOARD_END_AUTH_EXHAUSTED,	/* MaxAuthTries */
	SCOREBOARD_END_GRACE,		/* LoginGraceTime (kex included) */
	SCOREBOARD_END_KEX_FAILED,	/* no common algorithm, bad packet */
	SCOREBOARD_END_REFUSED,		/* MaxSessionsPerUser */
	SCOREBOARD_END_UNUSED,		/* UnusedConnectionTimeout */
	SCOREBOARD_END_SHUTDOWN,	/* the gateway stopped */
	SCOREBOARD_END_ERROR
};

/* One session as it publishes itself. */
struct scoreboard_entry {
	uint32_t	state;		/* enum scoreboard_state */
	uint32_t	end;		/* enum scoreboard_end */
	uint32_t	auth_attempts;	/* attempts other than "none" */
	uint32_t	auth_failures;
	uint32_t	tunnels;	/* open now */
	uint32_t	tunnels_total;	/* opened since login */
	uint64_t	bytes_up;	/* MUA -> backend, closed tunnels too */
	uint64_t	bytes_down;	/* backend -> MUA */
	uint64_t	last_active_ms;	/* CLOCK_MONOTONIC: bytes or login */
	char		user[SCOREBOARD_USER_LEN];	/* "" before login */
};

struct scoreboard;
struct scoreboard_slot;

/* Parent, before forking: nslots free slots. NULL (errno) on failure. */
struct scoreboard	*scoreboard_new(size_t nslots);
/* NULL is fine. */
void			 scoreboard_free(struct scoreboard *sb);
size_t			 scoreboard_slots(const struct scoreboard *sb);
size_t			 scoreboard_used(const struct scoreboard *sb);

/* Parent: the lowest free slot, cleared and in use; -1 when full. */
int			 scoreboard_claim(struct scoreboard *sb);
/* Parent, after reaping the slot's child: free again. */
void			 scoreboard_release(struct scoreboard *sb, int slot);
/*
 * Parent: a copy of slot's entry as its child last published it (all
 * zero before the first publish). 0, or -1 when the child was in the
 * middle of writing at every try (it died there): *out is then zero.
 */
int			 scoreboard_read(const struct scoreboard *sb, int slot,
			    struct scoreboard_entry *out);

/*
 * Child, right after fork(): unmaps every other slot, frees sb (the
 * parent's bookkeeping) and returns the handle of its own slot; NULL
 * when slot is not valid (then nothing is published).
 */
struct scoreboard_slot	*scoreboard_child(struct scoreboard *sb, int slot);
/* Child: makes e the slot's entry. NULL s is fine (no-op). */
void			 scoreboard_publish(struct scoreboard_slot *s,
			    const struct scoreboard_entry *e);

#endif
