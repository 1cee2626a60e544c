/*
 * sesslogin: a session up to its login (gateway child). The banner and
 * key exchange run blocking, bounded by LoginGraceTime; the
 * authentication callbacks let auth.h decide, publish every attempt to
 * the parent and, at login, ask it whether the session may go on
 * (MaxSessionsPerUser, sesslink.h), inside the callback, so that no
 * channel request can arrive before the answer. LoginGraceTime and
 * MaxAuthTries after key exchange are sessloop's to enforce.
 */
#ifndef POPGATE_SESSLOGIN_H
#define POPGATE_SESSLOGIN_H

#include <libssh/libssh.h>
#include <libssh/server.h>

struct session;

/*
 * Accepts the connection fd (taken, closed on failure) on bind, installs
 * the authentication callbacks and sessreq's message callback, and runs
 * key exchange; then makes the session non-blocking on a new ssh_event
 * with its drain and its signal watch (SIGINT, SIGTERM, SIGUSR1).
 * 0: ready for sessloop_run; -1: failed (logged); -2: key exchange
 * failed and LoginGraceTime is over (logged).
 */
int	sesslogin_start(struct session *s, ssh_bind bind, int fd);
/* Authentication attempts and failures so far, to the parent. */
void	sesslogin_publish_auth(struct session *s);

#endif
