/*
 * relaypump: the socket's side of a relay and the pump that moves bytes
 * both ways: registering the descriptors on the event, draining the down
 * buffer and libssh's backlog into the socket, reading the socket into
 * the channel, half-close, and how a relay ends (finish). Why it pulls
 * the backlog only whole and drops data after the peer's EOF is at the
 * top of relay.c; relaypump.h holds the struct both files work on.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/net.h"
#include "popgate/relay.h"
#include "popgate/relaypump.h"

#define RELAY_READS_PER_PUMP	4		/* fairness between relays */

static int
fd_cb(socket_t fd, int revents, void *arg)
{
	struct relay	*r = arg;

	/* A hang-up on the write side of a pipe pair is a write error. */
	if (fd != r->rfd && (revents & (POLLHUP | POLLERR))) {
		revents |= POLLOUT;
	}
	r->revents |= (short)revents;
	r->kick = true;
	return 0;
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
	r->kick = true;
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
	free(r->down);
	free(r->up);
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
	if (end == RELAY_CHANNEL_ERROR) {
		snprintf(r->why, sizeof(r->why), "%s",
		    ssh_get_error(ssh_channel_get_session(r->chan)));
	}
	if (!r->chan_closed && ssh_channel_is_open(r->chan)) {
		if (end != RELAY_EOF && end != RELAY_CHANNEL_CLOSED &&
		    end != RELAY_PEER_RESET) {
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

	while (r->dlen > 0) {
		n = r->rfd == r->wfd ? send(r->wfd, r->down + r->doff, r->dlen,
		    MSG_NOSIGNAL) : write(r->wfd, r->down + r->doff, r->dlen);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		r->doff += (size_t)n;
		r->dlen -= (size_t)n;
		r->to_sock += (uint64_t)n;
	}
	r->doff = 0;
	return 0;
}

/* Reads and drops what libssh holds beyond the peer's EOF. */
static void
drop_after_eof(struct relay *r, int avail)
{
	char	scratch[4096];
	int	n;

	while (avail > 0) {
		n = ssh_channel_read_nonblocking(r->chan, scratch,
		    (uint32_t)(avail < (int)sizeof(scratch) ? avail :
		    (int)sizeof(scratch)), 0);
		if (n <= 0) {
			break;
		}
		r->after_eof += (uint64_t)n;
		avail -= n;
	}
}

/*
 * Takes everything libssh holds for the channel, if it fits (see the top
 * of relay.c for why never a part), and nothing from after the EOF.
 * in_read keeps data_cb from copying into the same bytes while libssh
 * processes packets inside the calls.
 */
static int
pull_backlog(struct relay *r)
{
	int	avail, want, n = 0;

	if (r->doff > 0) {
		memmove(r->down, r->down + r->doff, r->dlen);
		r->doff = 0;
	}
	r->in_read = true;
	avail = ssh_channel_poll(r->chan, 0);
	want = avail;
	if (r->chan_eof && want > 0 && (size_t)want > r->pre_eof) {
		want = (int)r->pre_eof;
	}
	/* Only a peer that overran its window can hold more than fits. */
	if (want > 0 && ((size_t)want <= RELAY_DOWN_MAX - r->dlen ||
	    r->dlen == 0)) {
		n = ssh_channel_read_nonblocking(r->chan, r->down + r->dlen,
		    (uint32_t)((size_t)want < RELAY_DOWN_MAX - r->dlen ?
		    (size_t)want : RELAY_DOWN_MAX - r->dlen), 0);
	}
	if (r->chan_eof && avail > 0 && n >= 0) {
		r->pre_eof -= (size_t)n;
		if (r->pre_eof == 0 && avail > n) {
			drop_after_eof(r, avail - n);
			avail = n;
		}
	}
	r->in_read = false;
	if (avail == SSH_ERROR || n == SSH_ERROR) {
		if (!r->chan_closed) {
			return -1;
		}
		avail = n = 0;	/* closed: libssh has nothing left */
	}
	if (n > 0) {
		r->dlen += (size_t)n;
	}
	/* Still more than fits: wait until the socket took some. */
	r->backlog = avail > 0 && n < avail;
	r->held = r->backlog ? (size_t)(avail - n) : 0;
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
			finish(r, RELAY_CHANNEL_ERROR);
			return 0;
		}
		if (flush_socket(r) == -1) {
			return -1;
		}
	}
	/*
	 * An EOF (or CLOSE) that came before the relay's callbacks were on the
	 * channel is only in libssh's state: ask once everything before it
	 * has gone out.
	 */
	if (r->dlen == 0 && !r->backlog) {
		if (!r->chan_eof && ssh_channel_is_eof(r->chan)) {
			r->chan_eof = true;
			r->pre_eof = 0;	/* nothing is held */
		}
		r->chan_closed = r->chan_closed ||
		    ssh_channel_is_closed(r->chan);
	}
	/* A broken stream must not end in a clean FIN (see signal_cb). */
	if (r->chan_eof && r->dlen == 0 && !r->backlog && !r->sock_shut &&
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

/* Sends the up buffer: 0 when empty now, 1 when some must wait, -1. */
static int
send_up(struct relay *r)
{
	int	w;

	if (r->ulen == 0) {
		return 0;
	}
	w = ssh_channel_write(r->chan, r->up + r->uoff, (uint32_t)r->ulen);
	if (w < 0) {
		return -1;
	}
	r->uoff += (size_t)w;
	r->ulen -= (size_t)w;
	r->to_chan += (uint64_t)w;
	return r->ulen > 0 ? 1 : 0;
}

/* 0, -1 for a socket error, -2 for a channel error. */
static int
socket_to_channel(struct relay *r)
{
	uint32_t	window;
	ssize_t		n;
	int		i, rc;

	for (i = 0; i < RELAY_READS_PER_PUMP; i++) {
		rc = send_up(r);
		if (rc != 0) {
			return rc < 0 ? -2 : 0;
		}
		window = ssh_channel_window_size(r->chan);
		if (r->sock_eof || window == 0) {
			break;
		}
		n = read(r->rfd, r->up, window < RELAY_BUFSZ ? window :
		    RELAY_BUFSZ);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		r->sock_eof = n == 0;
		r->uoff = 0;
		r->ulen = (size_t)n;
	}
	if (r->sock_eof && r->ulen == 0 && !r->eof_sent) {
		if (ssh_channel_send_eof(r->chan) != SSH_OK) {
			return -2;
		}
		r->eof_sent = true;
	}
	return 0;
}

static void
update_events(struct relay *r)
{
	short	want = 0;

	if (!r->sock_eof && r->ulen == 0 && !r->chan_closed &&
	    ssh_channel_window_size(r->chan) > 0) {
		want |= POLLIN;
	}
	if (r->dlen > 0) {
		want |= POLLOUT;
	}
	set_events(r, want);
}

/*
 * Nothing happened to this relay since its last pump: no callback, no
 * socket event, nothing waiting to be sent, and no window that opened
 * while the socket was not being read (window adjusts have no callback).
 * With a hundred tunnels this keeps each loop turn proportional to what
 * moved, not to what is open.
 */
static bool
idle(const struct relay *r)
{
	return !r->kick && r->ulen == 0 && ((r->rreg & POLLIN) ||
	    r->sock_eof || r->chan_closed ||
	    ssh_channel_window_size(r->chan) == 0);
}

void
relay_pump(struct relay *r)
{
	int	rc;

	if (r == NULL || r->end != RELAY_OPEN || r->rfd < 0 || idle(r)) {
		return;
	}
	r->kick = false;
	if (channel_to_socket(r) == -1) {
		finish(r, RELAY_SOCKET_ERROR);
		return;
	}
	if (r->end != RELAY_OPEN) {
		return;
	}
	if (!r->chan_closed && (r->ulen > 0 ||
	    (r->revents & (POLLIN | POLLHUP | POLLERR)) || r->sock_eof)) {
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
	if (r->chan_closed && r->dlen == 0 && !r->backlog) {
		finish(r, r->eof_sent && r->sock_shut ? RELAY_EOF :
		    RELAY_CHANNEL_CLOSED);
		return;
	}
	if (r->eof_sent && r->sock_shut) {
		finish(r, RELAY_EOF);
		return;
	}
	update_events(r);
}

void
relay_abort(struct relay *r)
{
	if (r != NULL) {
		finish(r, RELAY_ABORTED);
	}
}
