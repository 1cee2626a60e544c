/*
 * sessloop: a session's event loop after key exchange (gateway child):
 * one ssh_event holds the session, its tunnels and its signal watch.
 * Each turn polls, waiting no longer than the nearest deadline
 * (LoginGraceTime before login, a tunnel's timeouts,
 * UnusedConnectionTimeout, 30 seconds at most) and not at all while a
 * relay still has work; drains the session's ready reads before the
 * tunnels run (drain.h); then pumps the tunnels, frees finished ones and
 * closed session channels, and publishes tunnels and bytes to the
 * parent (sesslink.h).
 */
#ifndef POPGATE_SESSLOOP_H
#define POPGATE_SESSLOOP_H

#include <stdint.h>

struct session;

/*
 * Runs until the session ends: a signal (SIGTERM, SIGINT; SIGUSR1 once
 * the last tunnel is gone), a hangup or refusal decided in a callback,
 * MaxAuthTries, LoginGraceTime, the connection's end,
 * UnusedConnectionTimeout or repeated poll errors. Returns why, a static
 * string: event=session-closed's reason.
 */
const char	*sessloop_run(struct session *s);
/*
 * Publishes the session's tunnels and bytes (freed tunnels too) to the
 * parent; a tunnel or session channel open now restarts
 * UnusedConnectionTimeout.
 */
void		 sessloop_account(struct session *s, uint64_t now);

#endif
