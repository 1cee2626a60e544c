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

#include <libssh/libssh.h>
#include <libssh/server.h>

struct servconf;
struct pwfile;
struct scoreboard_slot;

/*
 * Serves the connection on fd (takes ownership) until it ends.
 *
 * ctl_fd (taken too; -1 for none) is the parent's end of a socket pair:
 * once a user is authenticated the session publishes the user on slot,
 * writes 'a' and waits (bounded) for the parent's 'y' (go on) or 'n'
 * (MaxSessionsPerUser reached: the client is told and disconnected). From
 * then on the parent no longer counts it against MaxStartups.
 *
 * slot (may be NULL) gets the session's scoreboard entry whenever it
 * changes: state, auth counts, tunnels, bytes, last activity, and why it
 * ended. SIGUSR1 means the gateway is shutting down: an authenticated
 * session opens no new tunnel and ends with its last one (a session not
 * yet logged in ends at once); SIGTERM/SIGINT end it now.
 *
 * Tunnels without traffic for IdleTimeout are closed, and a logged-in
 * session without a tunnel for UnusedConnectionTimeout.
 * Returns the child's exit status.
 */
int	session_serve(const struct servconf *sc, const struct pwfile *pw,
	    ssh_bind bind, int fd, int ctl_fd, struct scoreboard_slot *slot);

#endif
