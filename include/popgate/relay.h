/*
 * relay: moves bytes between one TCP socket and one SSH channel and counts
 * both directions. Runs on the caller's ssh_event: it registers the socket
 * there and installs the channel's callbacks. Backpressure both ways: the
 * socket is read only while the channel's window is open, and channel data
 * is taken only while the socket takes it (memory per relay is bounded by
 * RELAY_BUFSZ, a down buffer of 2 MiB touched only by slow readers, and
 * the channel window libssh grants). Half-close is
 * honoured in both directions. During a key re-exchange a channel takes
 * no data: what was read waits, nothing is dropped.
 *
 * Callbacks only record what happened; the owner calls relay_pump() after
 * every ssh_event_dopoll() (it does nothing before relay_attach()) and
 * frees the relay once relay_done().
 */
#ifndef POPGATE_RELAY_H
#define POPGATE_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include <libssh/libssh.h>

#define RELAY_BUFSZ	(256 * 1024)	/* largest socket read */

enum relay_end {
	RELAY_OPEN = 0,		/* still moving data */
	RELAY_EOF,		/* both sides ended cleanly */
	RELAY_SOCKET_ERROR,	/* socket reset / failed: channel closed w/o EOF */
	RELAY_CHANNEL_CLOSED,	/* the SSH peer closed the channel first */
	RELAY_CHANNEL_ERROR,	/* libssh failed on the channel */
	RELAY_ABORTED,		/* relay_abort() */
	RELAY_PEER_RESET	/* the peer signalled its side broke */
};

struct relay;

/*
 * Installs the relay's callbacks on chan (which stays the caller's), so
 * nothing the peer sends is missed, not even before the socket exists.
 * NULL on failure.
 */
struct relay	*relay_new(ssh_event ev, ssh_channel chan);
/*
 * Starts moving bytes: reads rfd, writes wfd (the same fd for a socket;
 * stdin/stdout for ssh -W style use, then the end of the channel's data
 * closes wfd). Takes ownership of both, even on failure (-1). The caller
 * ignores SIGPIPE (a pipe's reader may go away).
 */
int		 relay_attach(struct relay *r, int rfd, int wfd);
/* Unregisters and closes the descriptors; does not free chan. NULL ok. */
void		 relay_free(struct relay *r);

/* Moves what can be moved now; call after every ssh_event_dopoll(). */
void		 relay_pump(struct relay *r);

/* Closes both sides now (channel without EOF). */
void		 relay_abort(struct relay *r);

/*
 * When the channel ends abnormally (closed without EOF, or the peer sent
 * an exit-signal because its side broke), reset the socket (RST) rather
 * than a clean FIN, so the far end can tell a truncated stream from a
 * complete one. Off by default.
 */
void		 relay_set_reset_on_abort(struct relay *r, bool on);

bool		 relay_done(const struct relay *r);
/*
 * Has the peer sent anything (data, EOF, CLOSE) on the channel? Then it
 * was opened, even if it is closed again already.
 */
bool		 relay_peer_spoke(const struct relay *r);

/*
 * Did any relay's callback fire since the last call? The owner calls it
 * before pumping (to reset) and after: true then means a callback fired
 * inside another relay's pump, so poll again without sleeping.
 */
bool		 relay_take_dirty(void);
enum relay_end	 relay_end(const struct relay *r);
/* libssh's words for a RELAY_CHANNEL_ERROR; "" otherwise. */
const char	*relay_error(const struct relay *r);
const char	*relay_end_name(enum relay_end end);

/* Bytes delivered socket -> channel and channel -> socket. */
uint64_t	 relay_bytes_to_channel(const struct relay *r);
uint64_t	 relay_bytes_to_socket(const struct relay *r);
/* Bytes the peer sent after its EOF, dropped (RFC 4254 §5.3). */
uint64_t	 relay_bytes_after_eof(const struct relay *r);

#endif
