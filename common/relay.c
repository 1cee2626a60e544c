/*
 * relay: one TCP socket <-> one SSH channel.
 *
 * channel -> socket: the data callback copies into a bounded buffer and
 * returns how much it took; what it leaves stays in libssh's channel
 * buffer, and libssh does not grow the window for it (RFC 4254 §5.2), so
 * the sender stops. relay_pump() drains the buffer into the socket and
 * pulls the backlog with ssh_channel_read_nonblocking(), which re-opens
 * the window.
 *
 * socket -> channel: read only while the channel's window is open, never
 * more than the window, so ssh_channel_write() never has to wait and
 * nothing is queued beyond what the peer agreed to take.
 *
 * Callbacks only record; every state change happens in relay_pump(),
 * after ssh_event_dopoll() has returned.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/net.h"
#include "popgate/relay.h"
#include "popgate/xmem.h"

#define RELAY_READS_PER_PUMP	4	/* fairness between tunnels */

struct relay {
	ssh_event		 ev;
	ssh_channel		 chan;
	int			 rfd, wfd;	/* equal for a socket */
	short			 rreg, wreg;	/* events on ev, 0: none */
	short			 revents;	/* seen since the last pump */
	struct ssh_channel_callbacks_struct cb;

	char			*buf;		/* channel -> socket */
	size_t			 off, len;

	bool			 in_read;	/* pulling the backlog */
	bool			 backlog;	/* libssh holds unread data */
	bool			 sock_eof;	/* socket read gave 0 */
	bool			 eof_sent;	/* ... and EOF went out */
	bool			 chan_eof;	/* peer sent EOF */
	bool			 sock_shut;	/* ... and we shut our write */
	bool			 chan_closed;	/* peer sent CLOSE */
	bool			 peer_reset;	/* peer's far side broke */
	bool			 reset_on_abort;
	enum relay_end		 end;

	uint64_t		 to_chan, to_sock;
};

/* One process, one loop: a shared scratch buffer for socket reads. */
static char	scratch[RELAY_BUFSZ];

static int
fd_cb(socket_t fd, int revents, void *arg)
{
	struct relay	*r = arg;

	/* A hang-up on the write side of a pipe pair is a write error. */
	if (fd != r->rfd && (revents & (POLLHUP | POLLERR))) {
		revents |= POLLOUT;
	}
	r->revents |= (short)revents;
	return 0;
}

static int
data_cb(ssh_session s, ssh_channel c, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	struct relay	*r = arg;
	size_t		 room, take;

	(void)s;
	(void)c;
	if (is_stderr) {
		return (int)len;	/* no stderr on a forward */
	}
	if (r->in_read || r->end != RELAY_OPEN) {
		r->backlog = true;
		return 0;
	}
	if (r->off > 0 && r->off + r->len == RELAY_BUFSZ) {
		memmove(r->buf, r->buf + r->off, r->len);
		r->off = 0;
	}
	room = RELAY_BUFSZ - r->off - r->len;
	take = len < room ? len : room;
	memcpy(r->buf + r->off + r->len, data, take);
	r->len += take;
	if (take < len) {
		r->backlog = true;
	}
	return (int)take;
}

static void
eof_cb(ssh_session s, ssh_channel c, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	r->chan_eof = true;
}

/*
 * libssh 0.10's ssh_channel_close() always sends EOF first, so "closed
 * without EOF" cannot carry the news that a stream broke. Both popgate
 * ends therefore send an exit-signal request (RFC 4254 §6.10) before the
 * close; OpenSSH ignores it on a forward, popgate resets its socket.
 */
static void
signal_cb(ssh_session s, ssh_channel c, const char *signal, int core,
    const char *errmsg, const char *lang, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	(void)signal;
	(void)core;
	(void)errmsg;
	(void)lang;
	r->peer_reset = true;
}

static void
close_cb(ssh_session s, ssh_channel c, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	r->chan_closed = true;
}

struct relay *
relay_new(ssh_event ev, ssh_channel chan)
{
	struct relay	*r = NULL;

	r = xcalloc(1, sizeof(*r));
	r->ev = ev;
	r->rfd = r->wfd = -1;
	r->chan = chan;
	r->buf = xmalloc(RELAY_BUFSZ);
	r->cb.userdata = r;
	r->cb.channel_data_function = data_cb;
	r->cb.channel_eof_function = eof_cb;
	r->cb.channel_close_function = close_cb;
	r->cb.channel_exit_signal_function = signal_cb;
	ssh_callbacks_init(&r->cb);
	if (ssh_set_channel_callbacks(chan, &r->cb) != SSH_OK) {
		relay_free(r);
		return NULL;
	}
	return r;
}

int
relay_attach(struct relay *r, int rfd, int wfd)
{
	if (net_set_nonblock(rfd) == -1 || net_set_nonblock(wfd) == -1) {
		close(rfd);
		if (wfd != rfd) {
			close(wfd);
		}
		return -1;
	}
	r->rfd = rfd;
	r->wfd = wfd;
	/* Data may have reached libssh before the callbacks: pull it too. */
	r->backlog = true;
	return 0;
}

/* (Re-)registers fd for want on the event; *reg tracks what is there. */
static void
watch(struct relay *r, int fd, short want, short *reg)
{
	if (want == *reg) {
		return;
	}
	if (*reg != 0) {
		ssh_event_remove_fd(r->ev, fd);
	}
	*reg = 0;
	if (want != 0 && fd >= 0 &&
	    ssh_event_add_fd(r->ev, fd, want, fd_cb, r) == SSH_OK) {
		*reg = want;
	}
}

static void
set_events(struct relay *r, short want)
{
	if (r->rfd == r->wfd) {
		watch(r, r->rfd, want, &r->rreg);
		return;
	}
	watch(r, r->rfd, want & POLLIN, &r->rreg);
	watch(r, r->wfd, want & POLLOUT, &r->wreg);
}

/* Closes both descriptors (once when they are the same). */
static void
close_fds(struct relay *r)
{
	if (r->wfd != r->rfd) {
		net_close(&r->wfd);
	}
	r->wfd = -1;
	net_close(&r->rfd);
}

void
relay_free(struct relay *r)
{
	if (r == NULL) {
		return;
	}
	set_events(r, 0);
	if (r->chan != NULL) {
		ssh_remove_channel_callbacks(r->chan, &r->cb);
	}
	close_fds(r);
	free(r->buf);
	free(r);
}

/* Closes the socket: with a RST when the stream ended abnormally. */
static void
close_socket(struct relay *r, bool reset)
{
	struct linger	lg = { 1, 0 };

	if (r->rfd < 0) {
		return;
	}
	set_events(r, 0);
	if (reset && r->rfd == r->wfd) {
		setsockopt(r->rfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close_fds(r);
}

static void
finish(struct relay *r, enum relay_end end)
{
	bool	abnormal = r->peer_reset ||
	    (end != RELAY_EOF && !r->chan_eof);

	if (r->end != RELAY_OPEN) {
		return;
	}
	r->end = end;
	if (!r->chan_closed && ssh_channel_is_open(r->chan)) {
		if (end == RELAY_SOCKET_ERROR || end == RELAY_ABORTED) {
			ssh_channel_request_send_exit_signal(r->chan, "PIPE",
			    0, "connection reset", "");
		}
		ssh_channel_close(r->chan);
	}
	close_socket(r, abnormal && r->reset_on_abort);
}

/* 0 when the buffer went out or the socket is full, -1 on error. */
static int
flush_socket(struct relay *r)
{
	ssize_t	n;

	while (r->len > 0) {
		n = r->rfd == r->wfd ? send(r->wfd, r->buf + r->off, r->len,
		    MSG_NOSIGNAL) : write(r->wfd, r->buf + r->off, r->len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		r->off += (size_t)n;
		r->len -= (size_t)n;
		r->to_sock += (uint64_t)n;
	}
	r->off = 0;
	return 0;
}

/* Pulls data libssh kept back into the free tail of the buffer. */
static int
pull_backlog(struct relay *r)
{
	size_t	room;
	int	n;

	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, r->len);
		r->off = 0;
	}
	room = RELAY_BUFSZ - r->len;
	if (room == 0) {
		return 0;
	}
	r->in_read = true;
	n = ssh_channel_read_nonblocking(r->chan, r->buf + r->len,
	    (uint32_t)room, 0);
	r->in_read = false;
	if (n == SSH_ERROR) {
		return -1;
	}
	if (n == SSH_EOF || n == SSH_AGAIN || n < 0 || (size_t)n < room) {
		r->backlog = n > 0 && (size_t)n == room;
	}
	if (n > 0) {
		r->len += (size_t)n;
	}
	return 0;
}

static int
channel_to_socket(struct relay *r)
{
	if (flush_socket(r) == -1) {
		return -1;
	}
	/*
	 * Also after the peer's CLOSE: libssh delays the close while data is
	 * buffered (RFC 4254 §5.3 lets the peer close right after its EOF),
	 * and that data is the end of the stream.
	 */
	if (r->backlog) {
		if (pull_backlog(r) == -1) {
			if (r->chan_closed) {
				r->backlog = false;	/* nothing left */
				return 0;
			}
			finish(r, RELAY_CHANNEL_ERROR);
			return 0;
		}
		if (flush_socket(r) == -1) {
			return -1;
		}
	}
	/*
	 * An EOF (or CLOSE) that came before the relay's callbacks were on the
	 * channel (the gateway's backend was still connecting) is only in
	 * libssh's state: ask once everything before it has gone out.
	 */
	if (r->len == 0 && !r->backlog) {
		r->chan_eof = r->chan_eof || ssh_channel_is_eof(r->chan);
		r->chan_closed = r->chan_closed || ssh_channel_is_closed(r->chan);
	}
	/* A broken stream must not end in a clean FIN (see signal_cb). */
	if (r->chan_eof && r->len == 0 && !r->backlog && !r->sock_shut &&
	    !r->peer_reset) {
		if (r->rfd == r->wfd) {
			shutdown(r->wfd, SHUT_WR);
		} else {
			set_events(r, 0);	/* re-registered below */
			net_close(&r->wfd);
		}
		r->sock_shut = true;
	}
	return 0;
}

static int
socket_to_channel(struct relay *r)
{
	uint32_t	window;
	ssize_t		n;
	int		i, w;

	for (i = 0; i < RELAY_READS_PER_PUMP && !r->sock_eof; i++) {
		window = ssh_channel_window_size(r->chan);
		if (window == 0) {
			return 0;
		}
		n = read(r->rfd, scratch, window < RELAY_BUFSZ ? window :
		    RELAY_BUFSZ);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		if (n == 0) {
			r->sock_eof = true;
			r->eof_sent = ssh_channel_send_eof(r->chan) == SSH_OK;
			return r->eof_sent ? 0 : -2;
		}
		w = ssh_channel_write(r->chan, scratch, (uint32_t)n);
		if (w != n) {
			return -2;	/* cannot happen within the window */
		}
		r->to_chan += (uint64_t)n;
	}
	return 0;
}

void
relay_pump(struct relay *r)
{
	short	want = 0;
	int	rc;

	if (r == NULL || r->end != RELAY_OPEN || r->rfd < 0) {
		return;
	}
	if (channel_to_socket(r) == -1) {
		finish(r, RELAY_SOCKET_ERROR);
		return;
	}
	if (r->end != RELAY_OPEN) {
		return;
	}
	if ((r->revents & (POLLIN | POLLHUP | POLLERR)) && !r->sock_eof &&
	    !r->chan_closed) {
		rc = socket_to_channel(r);
		if (rc != 0) {
			finish(r, rc == -1 ? RELAY_SOCKET_ERROR :
			    RELAY_CHANNEL_ERROR);
			return;
		}
	}
	r->revents = 0;
	if (r->peer_reset) {
		/* Nothing more is worth delivering: the stream is broken. */
		finish(r, RELAY_PEER_RESET);
		return;
	}
	if (r->chan_closed) {
		/* The peer is gone: deliver what it sent before closing. */
		if (r->len > 0 || r->backlog) {
			set_events(r, POLLOUT);
			return;
		}
		finish(r, r->eof_sent && r->sock_shut ? RELAY_EOF :
		    RELAY_CHANNEL_CLOSED);
		return;
	}
	if (r->eof_sent && r->sock_shut) {
		finish(r, RELAY_EOF);
		return;
	}
	if (!r->sock_eof && ssh_channel_window_size(r->chan) > 0) {
		want |= POLLIN;
	}
	if (r->len > 0) {
		want |= POLLOUT;
	}
	set_events(r, want);
}

void
relay_abort(struct relay *r)
{
	if (r != NULL) {
		finish(r, RELAY_ABORTED);
	}
}

void
relay_set_reset_on_abort(struct relay *r, bool on)
{
	r->reset_on_abort = on;
}

bool
relay_done(const struct relay *r)
{
	return r->end != RELAY_OPEN;
}

enum relay_end
relay_end(const struct relay *r)
{
	return r->end;
}

const char *
relay_end_name(enum relay_end end)
{
	static const char *const names[] = {
		"open", "eof", "reset", "closed", "channel-error", "aborted",
		"peer-reset"
	};

	return (size_t)end < sizeof(names) / sizeof(names[0]) ?
	    names[end] : "unknown";
}

uint64_t
relay_bytes_to_channel(const struct relay *r)
{
	return r->to_chan;
}

uint64_t
relay_bytes_to_socket(const struct relay *r)
{
	return r->to_sock;
}
