/*
 * conn: popgate's SSH session to the gateway and its lifetime. Connecting,
 * host key verification and authentication run blocking but bounded (the
 * client has nothing else to serve until they succeed); afterwards the
 * session is non-blocking on the client's one ssh_event. Keepalive
 * (keepalive@openssh.com) plus TCP_USER_TIMEOUT detect a dead gateway
 * within 3 keepalive intervals. Reconnecting is on demand (a mail client
 * connects) with a capped backoff after failures; with --persist also
 * in the background, with a capped and jittered exponential backoff.
 */
#ifndef POPGATE_CONN_H
#define POPGATE_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <libssh/libssh.h>

#include "popgate/opts.h"

enum conn_status {
	CONN_OK = 0,
	CONN_CONFIG,		/* bad file or option found late */
	CONN_HOSTKEY,		/* host key unknown, changed or not pinned */
	CONN_AUTH,		/* authentication failed */
	CONN_FORWARD,		/* forward refused or backend unreachable */
	CONN_NETWORK		/* cannot reach or lost the gateway */
};

#define CONN_TIMEOUT_S		15	/* connect + kex + auth */
#define CONN_RECONNECT_TIMEOUT_S 4	/* the same while clients wait */
#define CONN_BACKOFF_MAX_S	8
/* --persist: the first attempt after a loss comes within this (random,
 * so a gateway restart is not met by all its clients at once)... */
#define CONN_PERSIST_FIRST_MS	1000
/* ...then a random wait in [d/2, d], d = 1, 2, 4 ... this many s. */
#define CONN_PERSIST_BACKOFF_MAX_S 30

struct conn;

/* o and ev stay the caller's and must outlive the conn. */
struct conn	*conn_new(const struct opts *o, ssh_event ev);
void		 conn_free(struct conn *c);	/* NULL is fine */

/*
 * Connects, verifies the host key (nothing is sent to an unverified
 * gateway), authenticates and puts the session on the event. Logs why it
 * failed; the status tells the class.
 */
enum conn_status conn_establish(struct conn *c);

bool		 conn_is_up(const struct conn *c);
ssh_session	 conn_session(const struct conn *c);
ssh_event	 conn_event(const struct conn *c);

/*
 * After each ssh_event_dopoll(): sends keepalives when due. Returns false
 * when the session is down or dead; a dead one is still up: the caller
 * ends the channels on it (forward_abort_all), then calls conn_drop().
 */
bool		 conn_tick(struct conn *c, uint64_t now_ms);
/* Why the session died, for the log. */
const char	*conn_why_dead(const struct conn *c);
/* Milliseconds until the next keepalive (or, down with --persist,
 * until the next attempt is due), or -1. */
int		 conn_timeout(const struct conn *c, uint64_t now_ms);

/* Takes the session off the event and closes it (and its channels). */
void		 conn_drop(struct conn *c, const char *why);

/*
 * May conn_establish be tried now? After failures it waits 1, 2, 4 ...
 * CONN_BACKOFF_MAX_S seconds; *wait_s says how long is left.
 */
bool		 conn_may_retry(const struct conn *c, uint64_t now_ms,
		    unsigned *wait_s);

/*
 * --persist: is a background attempt due? Not before the jittered wait
 * after a loss or a failure (right after a loss a waiting mail client
 * may try at once: conn_may_retry).
 */
bool		 conn_persist_due(const struct conn *c, uint64_t now_ms);

/* Why the last attempt failed, for the -ERR line a mail client shows. */
const char	*conn_last_error(const struct conn *c);

#endif
