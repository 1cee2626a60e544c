/*
 * bridge: phases GREETING -> CAPA -> STLS (starttls:// only) ->
 * HANDSHAKE (any TLS) -> RELAY, or straight to RELAY for a plain backend
 * that is only bound (BindMailbox).
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
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "popgate/backtls.h"
#include "popgate/bridge.h"
#include "popgate/log.h"
#include "popgate/mailbind.h"
#include "popgate/net.h"
#include "popgate/pop3.h"
#include "popgate/xmem.h"

enum phase {
	PH_GREETING,		/* STLS: the greeting, kept */
	PH_CAPA,		/* STLS: CAPA sent, reading its list */
	PH_STLS,		/* STLS sent, waiting for +OK */
	PH_HANDSHAKE,
	PH_RELAY,
	PH_FAILED
};

struct dir {
	char	buf[BRIDGE_BUFSZ];
	size_t	off, len;	/* raw: read, not yet passed on */
	bool	eof;		/* its source ended */
	bool	shut;		/* ... and the EOF was passed on */
};

struct bridge {
	ssh_event	 ev;
	enum phase	 phase;
	int		 fd;		/* backend */
	int		 inner;		/* ours of the socketpair */
	int		 outer;		/* the relay's, until taken */
	short		 fdreg, innerreg;
	bool		 kick;		/* an fd fired since the last pump */
	SSL		*ssl;
	short		 rd_want, wr_want;	/* what TLS waits for */
	char		 host[ADDR_HOSTLEN];
	struct mailbind	*mb;
	char		*mailbox;
	char		*who;
	bool		 logged_in;
	char		 line[POP3_LINE_MAX];	/* STLS phases: lines read */
	size_t		 linelen;
	char		 greeting[POP3_LINE_MAX];
	size_t		 greetlen;
	char		 cmd[16];		/* STLS phases: to send */
	size_t		 cmdlen;
	struct pop3_capa capa;
	bool		 capa_listed;		/* its +OK came */
	struct dir	 up, down;
	char		 why[300];
};

static int
fd_cb(socket_t fd, int revents, void *arg)
{
	struct bridge	*br = arg;

	(void)fd;
	(void)revents;
	br->kick = true;
	return 0;
}

/* (Re-)registers fd for want; *reg tracks what is on the event. */
static void
watch(struct bridge *br, int fd, short want, short *reg)
{
	if (want == *reg) {
		return;
	}
	if (*reg != 0) {
		ssh_event_remove_fd(br->ev, fd);
	}
	*reg = 0;
	if (want != 0 && fd >= 0 &&
	    ssh_event_add_fd(br->ev, fd, want, fd_cb, br) == SSH_OK) {
		*reg = want;
	}
}

/* Fails with "what" or "what: detail". */
static void
fail(struct bridge *br, const char *what, const char *detail)
{
	if (br->phase == PH_FAILED) {
		return;
	}
	snprintf(br->why, sizeof(br->why), "%s%s%s", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	br->phase = PH_FAILED;
}

/* What waits to go out in a direction, from mailbind or raw. */
static const char *
pending(const struct bridge *br, struct dir *d, size_t *n)
{
	if (br->mb != NULL) {
		return mailbind_pending(br->mb, d == &br->up ?
		    MAILBIND_TO_SERVER : MAILBIND_TO_CLIENT, n);
	}
	*n = d->len;
	return d->buf + d->off;
}

static void
update_events(struct bridge *br)
{
	short	in = 0, back = 0;
	size_t	n;

	if (br->phase == PH_FAILED) {
		watch(br, br->inner, 0, &br->innerreg);
		watch(br, br->fd, 0, &br->fdreg);
		return;
	}
	if (br->phase == PH_HANDSHAKE) {
		back = br->rd_want;
	} else if (br->phase != PH_RELAY) {
		back = POLLIN | (br->cmdlen > 0 ? POLLOUT : 0);
	} else {
		in = br->up.len == 0 && !br->up.eof ? POLLIN : 0;
		(void)pending(br, &br->down, &n);
		in |= n > 0 ? POLLOUT : 0;
		if (br->down.len == 0 && !br->down.eof) {
			back |= br->ssl != NULL && br->rd_want == POLLOUT ?
			    POLLOUT : POLLIN;
		}
		(void)pending(br, &br->up, &n);
		if (n > 0) {
			back |= br->ssl != NULL && br->wr_want == POLLIN ?
			    POLLIN : POLLOUT;
		}
	}
	watch(br, br->inner, in, &br->innerreg);
	watch(br, br->fd, back, &br->fdreg);
}

/* The backend, plain or TLS: > 0 octets, 0 EOF, -1 later, -2 failed. */
static ssize_t
back_read(struct bridge *br, char *p, size_t n)
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
		fail(br, "backend", strerror(errno));
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
	fail(br, "backend TLS", why);
	return -2;
}

/* Octets written (0: later), or -1 when it failed. */
static ssize_t
back_write(struct bridge *br, const char *p, size_t n)
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
		fail(br, "backend", strerror(errno));
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
	fail(br, "backend TLS", why);
	return -1;
}

/* The mail client's side: same contract as back_read / back_write. */
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
	fail(br, "tunnel side", strerror(errno));
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
	fail(br, "tunnel side", strerror(errno));
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
		fail(br, "BindMailbox", why);
	} else if (mailbind_done(br->mb)) {
		mailbind_free(br->mb);	/* plain copying from here */
		br->mb = NULL;
	}
}

/* Sends what waits in d's direction. true when something moved. */
static bool
flush(struct bridge *br, struct dir *d)
{
	const char	*p = NULL;
	size_t		 n;
	ssize_t		 w;

	p = pending(br, d, &n);
	if (n == 0) {
		return false;
	}
	w = d == &br->up ? back_write(br, p, n) : inner_write(br, p, n);
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
feed(struct bridge *br, struct dir *d)
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
fill(struct bridge *br, struct dir *d)
{
	ssize_t	r;

	if (d->len > 0 || d->eof || br->phase == PH_FAILED) {
		return false;
	}
	d->off = 0;
	r = d == &br->up ? inner_read(br, d->buf, sizeof(d->buf)) :
	    back_read(br, d->buf, sizeof(d->buf));
	if (r < 0) {
		return false;
	}
	d->eof = r == 0;
	d->len = (size_t)r;
	return true;
}

/* Passes d's EOF on once everything before it went out. */
static void
pass_eof(struct bridge *br, struct dir *d)
{
	size_t	n;

	(void)pending(br, d, &n);
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

static void
relay_both(struct bridge *br)
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
	} while (moved && br->phase == PH_RELAY);
	if (br->phase == PH_RELAY) {
		pass_eof(br, &br->up);
		pass_eof(br, &br->down);
	}
}

/* STLS phases: one command, sent whole (it fits any socket buffer). */
static void
send_cmd(struct bridge *br, const char *cmd, enum phase next)
{
	snprintf(br->cmd, sizeof(br->cmd), "%s", cmd);
	br->cmdlen = strlen(br->cmd);
	br->phase = next;
}

static void
flush_cmd(struct bridge *br)
{
	ssize_t	w;

	if (br->cmdlen == 0) {
		return;
	}
	w = back_write(br, br->cmd, br->cmdlen);
	if (w > 0) {
		memmove(br->cmd, br->cmd + w, br->cmdlen - (size_t)w);
		br->cmdlen -= (size_t)w;
	}
}

static void
start_handshake(struct bridge *br)
{
	char	err[300];

	br->ssl = backtls_new(br->fd, br->host, err, sizeof(err));
	if (br->ssl == NULL) {
		fail(br, err, NULL);
		return;
	}
	br->rd_want = POLLOUT;	/* the ClientHello goes first */
	br->phase = PH_HANDSHAKE;
}

/* The greeting, the CAPA list and the answer to STLS. */
static void
stls_line(struct bridge *br, const char *line, size_t n)
{
	struct pop3_resp	r;
	char			err[128];
	int			rc;

	if (br->phase == PH_CAPA && br->capa_listed) {
		rc = pop3_capa_line(&br->capa, line, n, err, sizeof(err));
		if (rc < 0) {
			fail(br, "backend CAPA", err);
		} else if (rc == 1 && !br->capa.stls) {
			fail(br, "backend does not offer STLS (not in its CAPA "
			    "list)", NULL);
		} else if (rc == 1) {
			send_cmd(br, "STLS\r\n", PH_STLS);
		}
		return;
	}
	if (pop3_parse_response(line, n, &r, err, sizeof(err)) != 0) {
		fail(br, "backend before TLS", err);
		return;
	}
	if (br->phase == PH_GREETING && r.status == POP3_OK) {
		memcpy(br->greeting, line, n);
		br->greetlen = n;
		send_cmd(br, "CAPA\r\n", PH_CAPA);
	} else if (br->phase == PH_CAPA && r.status == POP3_OK) {
		br->capa_listed = true;
	} else if (br->phase == PH_CAPA) {
		send_cmd(br, "STLS\r\n", PH_STLS);	/* no CAPA: just ask */
	} else if (br->phase == PH_STLS && r.status == POP3_OK) {
		start_handshake(br);
	} else {
		snprintf(err, sizeof(err), "%.100s", r.text);
		fail(br, br->phase == PH_STLS ? "backend refused STLS" :
		    "backend greeting", err);
	}
}

static void
stls_phase(struct bridge *br)
{
	ssize_t	r, n = 0;

	flush_cmd(br);
	while (br->phase <= PH_STLS && br->linelen < sizeof(br->line)) {
		r = back_read(br, br->line + br->linelen,
		    sizeof(br->line) - br->linelen);
		if (r == 0) {
			fail(br, "backend closed the connection before TLS",
			    NULL);
		}
		if (r <= 0) {
			break;
		}
		br->linelen += (size_t)r;
		while (br->phase <= PH_STLS && (n = pop3_line_len(br->line,
		    br->linelen, sizeof(br->line))) > 0) {
			stls_line(br, br->line, (size_t)n);
			memmove(br->line, br->line + n,
			    br->linelen - (size_t)n);
			br->linelen -= (size_t)n;
		}
		if (n < 0) {
			fail(br, "backend line before TLS longer than 512 "
			    "octets", NULL);
		}
	}
	/* Nothing may follow the +OK to STLS in clear (CVE-2011-0411). */
	if (br->phase == PH_HANDSHAKE && br->linelen > 0) {
		fail(br, "backend sent data after its +OK to STLS", NULL);
	}
	flush_cmd(br);
}

static void
handshake(struct bridge *br)
{
	int	r, e;
	char	why[256];

	ERR_clear_error();
	r = SSL_do_handshake(br->ssl);
	if (r == 1) {
		br->rd_want = br->wr_want = 0;
		br->phase = PH_RELAY;
		/* STLS: the greeting the client has not seen yet. */
		memcpy(br->down.buf, br->greeting, br->greetlen);
		br->down.len = br->greetlen;
		return;
	}
	e = SSL_get_error(br->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		br->rd_want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return;
	}
	backtls_why(br->ssl, r, why, sizeof(why));
	fail(br, "TLS", why);
}

void
bridge_pump(struct bridge *br)
{
	if (br == NULL || br->phase == PH_FAILED) {
		return;
	}
	/* Relaying, only its descriptors' events can move anything. */
	if (br->phase == PH_RELAY && !br->kick) {
		return;
	}
	br->kick = false;
	if (br->phase <= PH_STLS) {
		stls_phase(br);
	}
	if (br->phase == PH_HANDSHAKE) {
		handshake(br);
	}
	if (br->phase == PH_RELAY) {
		relay_both(br);
	}
	update_events(br);
}

struct bridge *
bridge_new(ssh_event ev, int fd, const struct policy_backend *b,
    const char *mailbox, const char *who, char *err, size_t errlen)
{
	struct bridge	*br = NULL;
	int		 sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sp) == -1) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	br = xcalloc(1, sizeof(*br));
	br->ev = ev;
	br->fd = fd;
	br->inner = sp[0];
	br->outer = sp[1];
	br->who = xstrdup(who);
	snprintf(br->host, sizeof(br->host), "%s", b->addr.host);
	if (mailbox != NULL) {
		br->mailbox = xstrdup(mailbox);
		br->mb = mailbind_new(mailbox);
	}
	if (mailbox != NULL && br->mb == NULL) {
		snprintf(err, errlen, "unusable mailbox name \"%.100s\"",
		    mailbox);
		bridge_free(br, false);
		return NULL;
	}
	br->phase = b->tls == POLICY_TLS_STARTTLS ? PH_GREETING : PH_RELAY;
	if (b->tls == POLICY_TLS_IMPLICIT) {
		start_handshake(br);
	}
	br->kick = true;
	bridge_pump(br);
	return br;
}

void
bridge_free(struct bridge *br, bool reset)
{
	struct linger	lg = { 1, 0 };

	if (br == NULL) {
		return;
	}
	watch(br, br->inner, 0, &br->innerreg);
	watch(br, br->fd, 0, &br->fdreg);
	if (reset) {
		setsockopt(br->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		SSL_free(br->ssl);
	} else {
		backtls_free(br->ssl);
	}
	net_close(&br->fd);
	net_close(&br->inner);
	net_close(&br->outer);
	mailbind_free(br->mb);
	free(br->mailbox);
	free(br->who);
	/* Greeting and lines held nothing secret, but the buffers might. */
	freezero(br, sizeof(*br));
}

int
bridge_take_fd(struct bridge *br)
{
	int	fd = -1;

	if (br->phase == PH_RELAY) {
		fd = br->outer;
		br->outer = -1;
	}
	return fd;
}

bool
bridge_ready(const struct bridge *br)
{
	return br->phase == PH_RELAY;
}

bool
bridge_failed(const struct bridge *br, const char **why)
{
	*why = br->why;
	return br->phase == PH_FAILED;
}
