/*
 * sesschan: a session's session channels, in which nothing runs (gateway
 * child, on the session's ssh_event). One is accepted only so that a
 * shell, exec or subsystem request can tell the user why: a failure
 * reply makes OpenSSH exit before it prints the channel's stderr, so the
 * request is answered like a forced command that prints one line and
 * exits 1. Data sent into one is dropped, never buffered. They live in
 * the session's chans array (session.h), each until the peer closed it.
 */
#ifndef POPGATE_SESSCHAN_H
#define POPGATE_SESSCHAN_H

#include <libssh/libssh.h>
#include <libssh/server.h>

struct session;

/*
 * Accepts the session channel open msg. 0: accepted; 1: it could not
 * be (the caller leaves msg to libssh's default refusal).
 */
int	sesschan_open(struct session *s, ssh_message msg);
/*
 * A shell, exec or subsystem request msg on chan, already logged as
 * refused: writes "popgated: this gateway only forwards ..." to its
 * stderr and answers success, once per channel; sesschan_reap sends
 * exit-status 1, EOF and close. 0: answered; 1: not one of ours, or
 * answered already (libssh's default refusal).
 */
int	sesschan_refuse_run(struct session *s, ssh_message msg,
	    ssh_channel chan);
/*
 * After each poll: closes the channels answered by sesschan_refuse_run
 * and frees the ones the peer closed.
 */
void	sesschan_reap(struct session *s);
/* At teardown: frees every channel and the array. */
void	sesschan_free_all(struct session *s);

#endif
