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

/*
 * Serves the connection on fd (takes ownership) until it ends. notify_fd
 * (taken too; -1 for none) gets one byte when the user is authenticated,
 * so the parent stops counting the connection against MaxStartups.
 * Returns the child's exit status.
 */
int	session_serve(const struct servconf *sc, const struct pwfile *pw,
	    ssh_bind bind, int fd, int notify_fd);

#endif
