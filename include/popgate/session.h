/*
 * session: one SSH connection, served in its own child process (a crash or
 * leak in one user's session cannot touch the others). Key exchange is
 * bounded by LoginGraceTime, authentication by LoginGraceTime and
 * MaxAuthTries; then up to ChannelsPerSession tunnels run on the child's
 * one ssh_event. Nothing but authentication is served before
 * authentication succeeds; every other request is refused and logged.
 */
#ifndef POPGATE_SESSION_H
#define POPGATE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/addr.h"
#include "popgate/log.h"

struct auth;
struct drain;
struct pwfile;
struct scoreboard_slot;
struct servconf;
struct sesschan;
struct sesslink;
struct sigwatch;
struct tunnel;

/* One accepted connection, as the parent hands it to its child. */
struct session_conn {
	int			 fd;		/* the client's socket */
	int			 ctl_fd;	/* the parent's socket pair end,
						   -1 for none */
	struct scoreboard_slot	*slot;		/* may be NULL */
	struct sockaddr_storage	 peer;		/* from accept() */
	bool			 proxied;	/* on a proxy listener */
};

/*
 * Serves the connection c->fd (takes ownership) until it ends.
 *
 * c->ctl_fd (taken too) is the parent's end of a socket pair: once a
 * user is authenticated the session publishes the user on slot, sends
 * 'a' and waits (bounded) for the parent's 'y' (go on) or 'n'
 * (MaxSessionsPerUser reached: the client is told and disconnected). From
 * then on the parent no longer counts it against MaxStartups.
 *
 * c->slot gets the session's scoreboard entry whenever it changes:
 * state, auth counts, tunnels, bytes, last activity, and why it ended.
 * SIGUSR1 means the gateway is shutting down: an authenticated session
 * opens no new tunnel and ends with its last one (a session not yet
 * logged in ends at once); SIGTERM/SIGINT end it now.
 *
 * Tunnels without traffic for IdleTimeout are closed, and a logged-in
 * session without a tunnel for UnusedConnectionTimeout.
 *
 * c->proxied: the PROXY header is taken off first and the client it
 * names is the session's peer (proxyconn.h); c->peer is the balancer.
 * Returns the child's exit status.
 */
int	session_serve(const struct servconf *sc, const struct pwfile *pw,
	    ssh_bind bind, const struct session_conn *c);

/*
 * The rest is for the modules that serve a session, all in its child
 * process: sesslogin (key exchange, authentication callbacks), sessreq
 * (the message callback: what opens, what is refused), sesschan (session
 * channels, where nothing runs) and sessloop (the event loop after key
 * exchange). session_serve owns the one struct session, on its stack.
 */
struct session {
	const struct servconf	*sc;
	ssh_session		 ssh;
	ssh_event		 ev;
	struct drain		*drain;		/* reads before tunnels run */
	struct auth		*auth;
	struct ssh_server_callbacks_struct cb;
	char			 peer[ADDR_STRLEN];
	struct sockaddr_storage	 client;	/* peer: the real client */
	struct sockaddr_storage	 local;		/* where it reached us */
	bool			 quiet;		/* the balancer's own check */
	char			*targets;	/* "pop3:110" for messages */
	uint64_t		 grace_deadline;
	struct tunnel		**tunnels;
	size_t			 ntunnels;
	struct sesschan		*chans;
	size_t			 nchans;
	struct sigwatch		*sig;		/* SIGTERM, SIGUSR1 (drain) */
	bool			 closing;	/* in teardown: refuse all */
	const char		*hangup;	/* set: end with this reason */

	/* What the parent sees of it and what it decided. */
	struct sesslink		*link;
	bool			 admitted;	/* asked the parent already */
	bool			 refused;	/* MaxSessionsPerUser */
	bool			 draining;	/* gateway shutting down */
	uint64_t		 closed_up;	/* bytes of freed tunnels */
	uint64_t		 closed_down;
	uint64_t		 unused_since;	/* no tunnel open since */
};

/*
 * The user as a log value, in q: "-" before login (a name may hold
 * anything the peer sent). Returns q.
 */
const char	*session_quser(const struct session *s,
		    char q[LOG_VALUE_MAX]);
/* The connection is up and neither side has closed it. */
bool		 session_alive(const struct session *s);

#endif
