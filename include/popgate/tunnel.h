/*
 * tunnel: one allowed direct-tcpip channel and its backend connection
 * (gateway child). The channel is accepted only after policy allowed it.
 * The entry's backends are tried in order: each gets BackendConnectTimeout
 * to accept the connection and, for protocols where the server speaks
 * first (POP3, IMAP, SMTP), as long again to send its first byte; a
 * backend that refuses, times out, or closes before that first byte is
 * passed over for the next. Once a byte may have reached the user the
 * tunnel is committed: a backend that breaks later ends the channel
 * (reset, see relay.h), never a retry. When no backend can be reached a
 * POP3, IMAP or SMTP client gets its protocol's "popgated: mail server
 * unavailable" line (-ERR [SYS/TEMP], * BYE [UNAVAILABLE], 421 4.3.2);
 * a TLS backend whose certificate or STLS fails counts as unreachable
 * (bridge.h). A
 * tunnel without traffic either way for IdleTimeout is closed. Logs one
 * "event=tunnel-closed" line when freed.
 */
#ifndef POPGATE_TUNNEL_H
#define POPGATE_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

struct policy_entry;
struct servconf;
struct tunnel;

/*
 * Accepts the channel of msg and starts connecting to pe's first
 * backend; the timeouts come from sc. pe, user and peer are copied, sc is
 * borrowed for the tunnel's life. NULL when the channel could not be
 * accepted (then the caller replies to msg).
 */
struct tunnel	*tunnel_open(ssh_event ev, ssh_message msg,
		    const struct policy_entry *pe, const struct servconf *sc,
		    const char *user, const char *peer);

/*
 * Forward ... proxy: every backend connection of t starts with a PROXY
 * v2 header saying src (the SSH client) connected to dst (the gateway),
 * sent as soon as the TCP connect succeeds, before anything else. Call
 * right after tunnel_open (the connect completes on a later pump).
 */
void		 tunnel_set_proxy(struct tunnel *t, const struct sockaddr *src,
		    const struct sockaddr *dst);
/*
 * BindMailbox: only POP3 logins to mailbox pass (see mailbind.h). Call
 * right after tunnel_open; copied.
 */
void		 tunnel_bind_mailbox(struct tunnel *t, const char *mailbox);

/* Advances the tunnel; now_ms is CLOCK_MONOTONIC in milliseconds. */
void		 tunnel_pump(struct tunnel *t, uint64_t now_ms);
/* Milliseconds until the tunnel's next deadline, or -1 for none. */
int		 tunnel_timeout(const struct tunnel *t, uint64_t now_ms);
bool		 tunnel_done(const struct tunnel *t);
/* Bytes so far: user -> backend (up), backend -> user (down). */
void		 tunnel_counts(const struct tunnel *t, uint64_t *up,
		    uint64_t *down);
/* Ends it now (session going away); reason goes to the log line. */
void		 tunnel_abort(struct tunnel *t, const char *reason);
/* Logs "tunnel closed ...", frees the channel too. NULL is fine. */
void		 tunnel_free(struct tunnel *t);

#endif
