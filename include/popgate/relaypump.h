/*
 * relaypump: what relay.c and relaypump.c share, and nothing else
 * includes: struct relay and the down buffer's size. relay.h is the
 * module's contract; relay.c explains how the two directions work.
 * Runs on the relay owner's ssh_event.
 */
#ifndef POPGATE_RELAYPUMP_H
#define POPGATE_RELAYPUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "popgate/relay.h"

/*
 * libssh grows its window to 1,280,000 whenever window + buffered drops
 * below 640,000, so it may hold up to about 1,920,000 bytes: the down
 * buffer must take all of it at once (see pull_backlog, relaypump.c).
 */
#define RELAY_DOWN_MAX		(2048 * 1024)

struct relay {
	ssh_event		 ev;
	ssh_channel		 chan;
	int			 rfd, wfd;	/* equal for a socket */
	short			 rreg, wreg;	/* events on ev, 0: none */
	short			 revents;	/* seen since the last pump */
	struct ssh_channel_callbacks_struct cb;

	char			*down;		/* channel -> socket */
	size_t			 doff, dlen;
	char			*up;		/* socket -> channel, unsent */
	size_t			 uoff, ulen;

	bool			 kick;		/* callback since last pump */
	bool			 in_read;	/* pulling the backlog */
	bool			 backlog;	/* libssh may hold more */
	bool			 spoke;		/* any data/EOF/CLOSE seen */
	bool			 sock_eof;	/* socket read gave 0 */
	bool			 eof_sent;	/* ... and EOF went out */
	bool			 chan_eof;	/* peer sent EOF */
	bool			 sock_shut;	/* ... and we shut our write */
	bool			 chan_closed;	/* peer sent CLOSE */
	bool			 peer_reset;	/* peer's far side broke */
	bool			 reset_on_abort;
	enum relay_end		 end;
	char			 why[160];	/* libssh's error, if any */

	size_t			 held;		/* in libssh's buffer */
	size_t			 pre_eof;	/* ... of it, before the EOF */
	uint64_t		 to_chan, to_sock;
	uint64_t		 after_eof;	/* dropped: sent after EOF */
};

#endif
