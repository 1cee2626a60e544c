/*
 * bridgeio: the octets of a bridge. Reads and writes on the backend,
 * plain or TLS (every phase uses them), and on the tunnel side (the mail
 * client's end of the socketpair); and the RELAY phase's steps.
 *
 * RELAY moves two directions, up (mail client -> backend) and down. Each
 * has a raw buffer of what was read and not yet passed on. With a
 * mailbind, raw bytes go into it and what it queues goes out; without
 * (or once it is done after the login) raw bytes go out as they are. A
 * side is read only while its raw buffer is empty, so memory stays at two
 * buffers. EOF travels as a shutdown(SHUT_WR) (and a close_notify to a TLS
 * backend), after everything read before it.
 *
 * Non-blocking TLS: SSL_read may need the socket writable and SSL_write
 * readable (a key update); what each last waited for is kept in rd_want
 * and wr_want and decides the backend's poll events. Each pump loops
 * until nothing moves, which also drains records OpenSSL buffered.
 *
 * bridge.c runs the phases before RELAY and the bridge's life;
 * bridgeio.h holds the struct both work on.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "popgate/backtls.h"
#include "popgate/bridge.h"
#include "popgate/bridgeio.h"
#include "popgate/log.h"
#include "popgate/mailbind.h"

/* What waits to go out in a direction, from mailbind or raw. */
const char *
bridgeio_pending(const struct bridge *br, struct bridge_dir *d, size_t *n)
{
	if (br->mb != NULL) {
		return mailbind_pending(br->mb, d == &br->up ?
		    MAILBIND_TO_SERVER : MAILBIND_TO_CLIENT, n);
	}
	*n = d->len;
	return d->buf + d->off;
}

/* The backend, plain or TLS: > 0 octets, 0 EOF, -1 later, -2 failed. */
ssize_t
bridgeio_back_read(struct bridge *br, char *p, size_t n)
{
	char	why[256];
	ssize_t	r;
	int	e;

	if (br->ssl == NULL) {
		r = read(br->fd, p, n);
		if (r >= 0) {
			return r;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			return -1;
		}
		bridge_fail(br, "backend", strerror(errno));
		return -2;
	}
	ERR_clear_error();
	r = SSL_read(br->ssl, p, (int)(n > INT32_MAX ? INT32_MAX : n));
	if (r > 0) {
		return r;
	}
	e = SSL_get_error(br->ssl, (int)r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		br->rd_want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		return 0;
	}
	backtls_why(br->ssl, (int)r, why, sizeof(why));
	bridge_fail(br, "backend TLS", why);
	return -2;
}

/* Octets written (0: later), or -1 when it failed. */
ssize_t
bridgeio_back_write(struct bridge *br, const char *p, size_t n)
{
	char	why[256];
	ssize_t	w;
	int	e;

	if (br->ssl == NULL) {
		w = send(br->fd, p, n, MSG_NOSIGNAL);
		if (w >= 0) {
			return w;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			return 0;
		}
		bridge_fail(br, "backend", strerror(errno));
		return -1;
	}
	ERR_clear_error();
	w = SSL_write(br->ssl, p, (int)(n > INT32_MAX ? INT32_MAX : n));
	if (w > 0) {
		return w;
	}
	e = SSL_get_error(br->ssl, (int)w);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		br->wr_want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	backtls_why(br->ssl, (int)w, why, sizeof(why));
	bridge_fail(br, "backend TLS", why);
	return -1;
}

/* The mail client's side: same contract as bridgeio_back_read / _write. */
static ssize_t
inner_read(struct bridge *br, char *p, size_t n)
{
	ssize_t	r = read(br->inner, p, n);

	if (r >= 0) {
		return r;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return -1;
	}
	bridge_fail(br, "tunnel side", strerror(errno));
	return -2;
}

static ssize_t
inner_write(struct bridge *br, const char *p, size_t n)
{
	ssize_t	w = send(br->inner, p, n, MSG_NOSIGNAL);

	if (w >= 0) {
		return w;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return 0;
	}
	bridge_fail(br, "tunnel side", strerror(errno));
	return -1;
}

/* Logs what the mailbind refused and the login, once each. */
static void
mailbind_events(struct bridge *br)
{
	char		 what[128], qm[LOG_VALUE_MAX], qc[LOG_VALUE_MAX];
	const char	*why = NULL;

	while (mailbind_take_refusal(br->mb, what, sizeof(what))) {
		log_mail(LOG_LEVEL_INFO, "event=mailbox-refused %s mailbox=%s "
		    "command=%s", br->who, log_quote(qm, sizeof(qm),
		    br->mailbox), log_quote(qc, sizeof(qc), what));
	}
	if (!br->logged_in && mailbind_login(br->mb) != NULL) {
		br->logged_in = true;
		log_mail(LOG_LEVEL_VERBOSE, "event=mailbox-login %s mailbox=%s "
		    "method=%s", br->who, log_quote(qm, sizeof(qm),
		    br->mailbox), log_quote(qc, sizeof(qc),
		    mailbind_login(br->mb)));
	}
	if (mailbind_failed(br->mb, &why)) {
		bridge_fail(br, "BindMailbox", why);
	} else if (mailbind_done(br->mb)) {
		mailbind_free(br->mb);	/* plain copying from here */
		br->mb = NULL;
	}
}

/* Sends what waits in d's direction. true when something moved. */
static bool
flush(struct bridge *br, struct bridge_dir *d)
{
	const char	*p = NULL;
	size_t		 n;
	ssize_t		 w;

	p = bridgeio_pending(br, d, &n);
	if (n == 0) {
		return false;
	}
	w = d == &br->up ? bridgeio_back_write(br, p, n) :
	    inner_write(br, p, n);
	if (w <= 0) {
		return false;
	}
	if (br->mb != NULL) {
		mailbind_advance(br->mb, d == &br->up ? MAILBIND_TO_SERVER :
		    MAILBIND_TO_CLIENT, (size_t)w);
		mailbind_events(br);
	} else {
		d->off += (size_t)w;
		d->len -= (size_t)w;
	}
	return true;
}

/* Raw octets into the mailbind. true when it took some. */
static bool
feed(struct bridge *br, struct bridge_dir *d)
{
	size_t	took;

	if (br->mb == NULL || d->len == 0) {
		return false;
	}
	took = d == &br->up ?
	    mailbind_from_client(br->mb, d->buf + d->off, d->len) :
	    mailbind_from_server(br->mb, d->buf + d->off, d->len);
	d->off += took;
	d->len -= took;
	mailbind_events(br);
	return took > 0;
}

/* Reads d's source while its raw buffer is empty. true when it did. */
static bool
fill(struct bridge *br, struct bridge_dir *d)
{
	ssize_t	r;

	if (d->len > 0 || d->eof || br->phase == BRIDGE_PH_FAILED) {
		return false;
	}
	d->off = 0;
	r = d == &br->up ? inner_read(br, d->buf, sizeof(d->buf)) :
	    bridgeio_back_read(br, d->buf, sizeof(d->buf));
	if (r < 0) {
		return false;
	}
	d->eof = r == 0;
	d->len = (size_t)r;
	return true;
}

/* Passes d's EOF on once everything before it went out. */
static void
pass_eof(struct bridge *br, struct bridge_dir *d)
{
	size_t	n;

	(void)bridgeio_pending(br, d, &n);
	if (!d->eof || d->shut || d->len > 0 || n > 0) {
		return;
	}
	d->shut = true;
	if (d == &br->down) {
		shutdown(br->inner, SHUT_WR);
		return;
	}
	if (br->ssl != NULL) {
		(void)SSL_shutdown(br->ssl);	/* close_notify, no wait */
		ERR_clear_error();
	}
	shutdown(br->fd, SHUT_WR);
}

void
bridgeio_relay(struct bridge *br)
{
	bool	moved;

	do {
		/* Every step each turn, whatever the one before did. */
		moved = flush(br, &br->up);
		moved = flush(br, &br->down) || moved;
		moved = feed(br, &br->up) || moved;
		moved = feed(br, &br->down) || moved;
		moved = fill(br, &br->up) || moved;
		moved = fill(br, &br->down) || moved;
	} while (moved && br->phase == BRIDGE_PH_RELAY);
	if (br->phase == BRIDGE_PH_RELAY) {
		pass_eof(br, &br->up);
		pass_eof(br, &br->down);
	}
}
