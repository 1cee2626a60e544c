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
#include <sys/socket.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

struct servconf;
struct pwfile;
struct scoreboard_slot;

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

#endif
