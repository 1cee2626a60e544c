/*
 * sessreq: a session's message callback (gateway child; libssh calls it
 * while it handles the session's packets). Default deny: every message not
 * explicitly allowed here gets libssh's default refusal, and nothing but
 * the user authentication service is allowed before authentication
 * succeeds. Allowed after login, within ChannelsPerSession and unless
 * MaxSessionsPerUser or a shutdown said no: direct-tcpip channels that the
 * Forward table and the user's permits allow (tunnel.h; BindMailbox reads
 * MailboxMap here) and session channels (sesschan.h). Refused with an
 * event=refused line: x11, auth-agent and any other channel type; pty-req,
 * x11-req, env, window-change and unknown channel requests; shell, exec and
 * subsystem, which are told why (sesschan.h); tcpip-forward (-R),
 * cancel-tcpip-forward and other global requests; any service but
 * ssh-userauth, by hanging up. Refused silently: channel requests before
 * login, and everything but a service request during teardown. An
 * authentication method libssh has no callback for counts as an attempt
 * (auth.h).
 */
#ifndef POPGATE_SESSREQ_H
#define POPGATE_SESSREQ_H

#include <libssh/libssh.h>
#include <libssh/server.h>

/*
 * For ssh_set_message_callback; arg is the struct session (session.h).
 * Returns 1 for libssh's default refusal, 0 when answered here.
 */
int	sessreq_message_cb(ssh_session ssh, ssh_message msg, void *arg);

#endif
