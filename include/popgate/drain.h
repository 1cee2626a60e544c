/*
 * drain: takes every ready read of an SSH session before the caller's
 * relays run, polling the session's socket alone.
 *
 * libssh 0.10 reads its socket 4 KiB per poll callback. Polling the whole
 * event for each of those reads costs a poll(2) over every mail client's
 * socket too (100 clients: 100 fds scanned per 4 KiB). drain moves the
 * session into a private event holding only its socket, polls that with
 * no wait while it yields work, and moves the session back.
 */
#ifndef POPGATE_DRAIN_H
#define POPGATE_DRAIN_H

#include <libssh/libssh.h>

struct drain;

struct drain	*drain_new(void);		/* NULL: out of memory */
void		 drain_free(struct drain *d);	/* NULL is fine */

/*
 * Up to max polls of session s alone, stopping at the first one with
 * nothing to do. s must be in main (else nothing happens); it is there
 * again on return. Returns the polls that did work.
 */
int		 drain_session(struct drain *d, ssh_event main,
		    ssh_session s, int max);

#endif
