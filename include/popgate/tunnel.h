/*
 * tunnel: one allowed direct-tcpip channel and its backend connection
 * (gateway child). The channel is accepted only after policy allowed it;
 * the backend connect is non-blocking and bounded by
 * BackendConnectTimeout. A POP3, IMAP or SMTP target whose backend
 * cannot be reached gets its protocol's "popgated: mail server
 * unavailable" line (-ERR [SYS/TEMP], * BYE [UNAVAILABLE], 421 4.3.2).
 * Logs one "tunnel closed" line when freed.
 */
#ifndef POPGATE_TUNNEL_H
#define POPGATE_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

struct policy_entry;
struct tunnel;

/*
 * Accepts the channel of msg and starts connecting to pe's backend.
 * pe, user and peer are copied. NULL when the channel could not be
 * accepted (then the caller replies to msg).
 */
struct tunnel	*tunnel_open(ssh_event ev, ssh_message msg,
		    const struct policy_entry *pe, const char *user,
		    const char *peer, unsigned connect_timeout);

/* Advances the tunnel; now_ms is CLOCK_MONOTONIC in milliseconds. */
void		 tunnel_pump(struct tunnel *t, uint64_t now_ms);
/* Milliseconds until the tunnel's next deadline, or -1 for none. */
int		 tunnel_timeout(const struct tunnel *t, uint64_t now_ms);
bool		 tunnel_done(const struct tunnel *t);
/* Ends it now (session going away); reason goes to the log line. */
void		 tunnel_abort(struct tunnel *t, const char *reason);
/* Logs "tunnel closed ...", frees the channel too. NULL is fine. */
void		 tunnel_free(struct tunnel *t);

#endif
