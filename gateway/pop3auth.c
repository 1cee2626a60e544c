/*
 * pop3auth: one short POP3 client session per password check. Every wait
 * is a poll(2) on the one socket against a single deadline, TLS included
 * (a non-blocking socket, OpenSSL's WANT_READ/WANT_WRITE turned into the
 * poll events), so a backend that stops answering costs at most
 * BackendConnectTimeout.
 *
 * What is sent is built from a mailbox name mailbind_valid_mailbox()
 * accepted (printable, no blanks) and a password without CR, LF or NUL,
 * so no line can be split into two commands. The PASS line and the APOP
 * digest are wiped after use.
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

#include "popgate/addr.h"
#include "popgate/backtls.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/mailbind.h"
#include "popgate/net.h"
#include "popgate/policy.h"
#include "popgate/pop3.h"
#include "popgate/pop3auth.h"
#include "popgate/servconf.h"

#define POP3AUTH_PASS_MAX	(POP3_CMD_MAX - 7)	/* "PASS " + CRLF */
#define POP3AUTH_QUIT_MS	1000	/* bound on waiting for QUIT's +OK */

struct conn {
	int		 fd;
	SSL		*ssl;
	uint64_t	 deadline;
	char		 buf[POP3_LINE_MAX];	/* read, not yet a line */
	size_t		 len;
	char		 why[300];
};

/* Waits for events on the socket until the deadline. 0, or -1 (why). */
static int
wait_for(struct conn *c, short events)
{
	struct pollfd	pfd;
	uint64_t	now;
	int		r;

	for (;;) {
		now = clock_ms();
		if (now >= c->deadline) {
			snprintf(c->why, sizeof(c->why), "no answer within "
			    "BackendConnectTimeout");
			return -1;
		}
		pfd.fd = c->fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)(c->deadline - now));
		if (r > 0) {
			return 0;
		}
		if (r < 0 && errno != EINTR) {
			snprintf(c->why, sizeof(c->why), "poll: %s",
			    strerror(errno));
			return -1;
		}
	}
}

/* A TLS call's result: 1 done, 0 wait and retry, -1 failed (why). */
static int
tls_step(struct conn *c, int r)
{
	int	e = SSL_get_error(c->ssl, r);
	char	why[256];

	if (r > 0) {
		return 1;
	}
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		return wait_for(c, e == SSL_ERROR_WANT_READ ? POLLIN :
		    POLLOUT) == 0 ? 0 : -1;
	}
	backtls_why(c->ssl, r, why, sizeof(why));
	snprintf(c->why, sizeof(c->why), "TLS: %s", why);
	return -1;
}

static int
conn_write(struct conn *c, const char *p, size_t n)
{
	ssize_t	w;
	int	st;

	while (n > 0) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			w = SSL_write(c->ssl, p, (int)n);
			st = tls_step(c, (int)w);
			if (st < 0) {
				return -1;
			}
			w = st == 0 ? 0 : w;
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN && errno != EINTR) {
				snprintf(c->why, sizeof(c->why), "%s",
				    strerror(errno));
				return -1;
			}
			if (w < 0 && wait_for(c, POLLOUT) != 0) {
				return -1;
			}
			w = w < 0 ? 0 : w;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A plain read's result as tls_step gives it. */
static int
plain_step(struct conn *c, ssize_t r)
{
	if (r > 0) {
		return 1;
	}
	if (r == 0) {
		return -1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return wait_for(c, POLLIN) == 0 ? 0 : -1;
	}
	snprintf(c->why, sizeof(c->why), "%s", strerror(errno));
	return -1;
}

/* Some octets into c->buf. 0, or -1 at EOF or failure (why). */
static int
conn_fill(struct conn *c)
{
	ssize_t	r;
	int	st;

	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			r = SSL_read(c->ssl, c->buf + c->len,
			    (int)(sizeof(c->buf) - c->len));
			st = r == 0 ? -1 : tls_step(c, (int)r);
		} else {
			r = read(c->fd, c->buf + c->len, sizeof(c->buf) -
			    c->len);
			st = plain_step(c, r);
		}
		if (st > 0) {
			c->len += (size_t)r;
			return 0;
		}
		if (st < 0) {
			if (c->why[0] == '\0') {
				snprintf(c->why, sizeof(c->why), "the backend "
				    "closed the connection");
			}
			return -1;
		}
	}
}

/* The next response line, parsed. 0, or -1 (why). */
static int
read_resp(struct conn *c, struct pop3_resp *r)
{
	ssize_t	n;
	char	err[128];

	while ((n = pop3_line_len(c->buf, c->len, sizeof(c->buf))) == 0) {
		if (conn_fill(c) != 0) {
			return -1;
		}
	}
	if (n < 0 || pop3_parse_response(c->buf, (size_t)n, r, err,
	    sizeof(err)) != 0) {
		snprintf(c->why, sizeof(c->why), "bad response: %s",
		    n < 0 ? "longer than 512 octets" : err);
		return -1;
	}
	memmove(c->buf, c->buf + n, c->len - (size_t)n);
	c->len -= (size_t)n;
	return 0;
}

/* Sends line, reads the answer. 0, or -1 (why). */
static int
command(struct conn *c, const char *line, struct pop3_resp *r)
{
	if (conn_write(c, line, strlen(line)) != 0) {
		return -1;
	}
	return read_resp(c, r);
}

static int
start_tls(struct conn *c, const char *host)
{
	char	err[300];
	int	st;

	c->ssl = backtls_new(c->fd, host, err, sizeof(err));
	if (c->ssl == NULL) {
		snprintf(c->why, sizeof(c->why), "%s", err);
		return -1;
	}
	do {
		ERR_clear_error();
		st = tls_step(c, SSL_do_handshake(c->ssl));
	} while (st == 0);
	return st > 0 ? 0 : -1;
}

static int
connect_to(struct conn *c, const struct policy_backend *b)
{
	int	err;

	c->fd = net_connect_start((const struct sockaddr *)&b->sa, b->salen);
	if (c->fd == -1) {
		snprintf(c->why, sizeof(c->why), "%s", strerror(errno));
		return -1;
	}
	if (wait_for(c, POLLOUT) != 0) {
		return -1;
	}
	err = net_connect_result(c->fd);
	if (err != 0) {
		snprintf(c->why, sizeof(c->why), "%s", strerror(err));
		return -1;
	}
	return 0;
}

/* STLS on the plain connection, then TLS (RFC 2595 §4). */
static int
upgrade(struct conn *c, const char *host)
{
	struct pop3_resp	r;

	if (command(c, "STLS\r\n", &r) != 0) {
		return -1;
	}
	if (r.status != POP3_OK) {
		snprintf(c->why, sizeof(c->why), "backend refused STLS: "
		    "%.100s", r.text);
		return -1;
	}
	if (c->len > 0) {	/* CVE-2011-0411: nothing after +OK */
		snprintf(c->why, sizeof(c->why), "backend sent data after "
		    "its +OK to STLS");
		return -1;
	}
	return start_tls(c, host);
}

/* APOP, or USER/PASS. The answer to the login in *r. */
static int
login(struct conn *c, const char *timestamp, const char *mailbox,
    const char *password, struct pop3_resp *r)
{
	char	line[POP3_CMD_MAX + 1], hex[POP3_APOP_HEXLEN + 1];
	int	rc;

	if (timestamp[0] != '\0') {
		if (pop3_apop_digest(timestamp, password, hex) != 0) {
			snprintf(c->why, sizeof(c->why), "MD5 unavailable "
			    "for APOP");
			return -1;
		}
		snprintf(line, sizeof(line), "APOP %s %s\r\n", mailbox, hex);
		rc = command(c, line, r);
		explicit_bzero(hex, sizeof(hex));
		explicit_bzero(line, sizeof(line));
		return rc;
	}
	snprintf(line, sizeof(line), "USER %s\r\n", mailbox);
	if (command(c, line, r) != 0) {
		return -1;
	}
	if (r->status != POP3_OK) {
		return 0;
	}
	snprintf(line, sizeof(line), "PASS %s\r\n", password);
	rc = command(c, line, r);
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* Can this password be sent in a PASS line, or be APOP's secret? */
static bool
sendable(const char *password)
{
	return strlen(password) <= POP3AUTH_PASS_MAX &&
	    strpbrk(password, "\r\n") == NULL;
}

struct attempt {
	const struct servconf		*sc;
	const struct policy_backend	*b;
	const char			*user, *mailbox, *password;
	const char			*reason;
};

/* One session with backend b. The result; c->why for FAILED. */
static enum pop3auth_result
session(struct conn *c, struct attempt *a)
{
	struct pop3_resp	greet, r;
	bool			tls = a->b->tls != POLICY_TLS_NONE;

	if ((a->b->tls == POLICY_TLS_IMPLICIT &&
	    start_tls(c, a->b->addr.host) != 0) || read_resp(c, &greet) != 0) {
		return POP3AUTH_FAILED;
	}
	if (greet.status != POP3_OK) {
		snprintf(c->why, sizeof(c->why), "greeting: %.100s",
		    greet.text);
		return POP3AUTH_FAILED;
	}
	if (a->b->tls == POLICY_TLS_STARTTLS && upgrade(c,
	    a->b->addr.host) != 0) {
		return POP3AUTH_FAILED;
	}
	if (!tls && greet.timestamp[0] == '\0' &&
	    !a->sc->backend_plaintext_auth) {
		snprintf(c->why, sizeof(c->why), "the backend offers neither "
		    "APOP (no timestamp in its greeting) nor TLS, and "
		    "BackendPlaintextAuth is no: set BackendPlaintextAuth yes "
		    "to send passwords to it in clear, or use pop3s:// or "
		    "starttls://");
		a->reason = "plaintext-refused";
		return POP3AUTH_FAILED;
	}
	if (login(c, greet.timestamp, a->mailbox, a->password, &r) != 0) {
		return POP3AUTH_FAILED;
	}
	/* QUIT either way: politeness, bounded, its answer unneeded. */
	c->deadline = clock_ms() + POP3AUTH_QUIT_MS < c->deadline ?
	    clock_ms() + POP3AUTH_QUIT_MS : c->deadline;
	(void)command(c, "QUIT\r\n", &greet);
	return r.status == POP3_OK ? POP3AUTH_OK : POP3AUTH_REJECTED;
}

static void
conn_close(struct conn *c)
{
	backtls_free(c->ssl);
	c->ssl = NULL;
	net_close(&c->fd);
	explicit_bzero(c->buf, sizeof(c->buf));
	c->len = 0;
}

/* The first Forward entry that is POP3 (servconf made sure of one). */
static const struct policy_entry *
pop3_entry(const struct servconf *sc)
{
	const struct policy_entry	*e = NULL;
	size_t				 i;

	for (i = 0; i < policy_count(sc->forwards); i++) {
		e = policy_entry_const(sc->forwards, i);
		if (e->proto == POLICY_PROTO_POP3) {
			return e;
		}
	}
	return NULL;
}

enum pop3auth_result
pop3auth_check(const struct servconf *sc, const char *user,
    const char *mailbox, const char *password, const char **reason)
{
	const struct policy_entry	*e = pop3_entry(sc);
	struct attempt			 a = { sc, NULL, user, mailbox,
					    password, "backend-unavailable" };
	struct conn			 c;
	enum pop3auth_result		 res = POP3AUTH_FAILED;
	char				 where[ADDR_STRLEN + 16];
	char				 qu[LOG_VALUE_MAX], qe[LOG_TEXT_MAX];
	size_t				 i;

	if (!sendable(password) || !mailbind_valid_mailbox(mailbox)) {
		*reason = "unsendable-credentials";
		return POP3AUTH_UNUSABLE;
	}
	if (e == NULL) {
		log_error("event=password-backend-failed error=\"no POP3 "
		    "Forward to log in at\"");
		*reason = "no-pop3-forward";
		return POP3AUTH_FAILED;
	}
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.deadline = clock_ms() + (uint64_t)sc->backend_connect_timeout * 1000;
	for (i = 0; e != NULL && i < e->nbackends; i++) {
		a.b = &e->backends[i];
		c.why[0] = '\0';
		if (connect_to(&c, a.b) == 0) {
			res = session(&c, &a);
			break;		/* connected: no other backend */
		}
		conn_close(&c);
	}
	conn_close(&c);
	if (res == POP3AUTH_FAILED) {
		policy_backend_format(a.b, where, sizeof(where));
		log_error("event=password-backend-failed user=%s backend=%s "
		    "error=%s", log_quote(qu, sizeof(qu), user), where,
		    log_quote(qe, sizeof(qe), c.why));
	}
	*reason = res == POP3AUTH_OK ? NULL : res == POP3AUTH_REJECTED ?
	    "backend-rejected" : a.reason;
	return res;
}
