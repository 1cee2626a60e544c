/*
 * forward: listener -> accepted mail client -> channel open (non-blocking,
 * FORWARD_OPEN_TIMEOUT_S) -> relay. A client whose channel cannot be had
 * is told why in its protocol's words (POP3, IMAP, SMTP: mailproto), and
 * never left hanging.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "popgate/addr.h"
#include "popgate/conn.h"
#include "popgate/forward.h"
#include "popgate/log.h"
#include "popgate/mailproto.h"
#include "popgate/net.h"
#include "popgate/relay.h"
#include "popgate/xmem.h"

enum mua_state {
	MUA_WAITING,		/* stdio: not started yet */
	MUA_OPENING,
	MUA_RELAYING,
	MUA_ABANDONED,		/* client told; the late open still pending */
	MUA_DONE
};

#define FORWARD_ABANDON_S	60	/* then the channel is just freed */
#define FORWARD_PAUSE_MS	1000	/* no accept after EMFILE for this */

struct mua {
	enum mua_state	 state;
	int		 rfd, wfd;	/* equal for a socket */
	ssh_channel	 chan;
	struct relay	*relay;
	uint64_t	 deadline;
	char		 origin[ADDR_HOSTLEN];
	uint16_t	 origin_port;
	bool		 failed;
};

struct forward {
	ssh_event		 ev;
	struct fwdspec		 spec;
	int			 lfd;
	uint16_t		 port;		/* bound */
	bool			 watching;	/* lfd on ev */
	bool			 pending;
	bool			 stdio;
	struct mua		**muas;
	size_t			 nmuas;
	uint64_t		 paused_until;	/* out of descriptors */
};

static int
listen_cb(socket_t fd, int revents, void *arg)
{
	struct forward	*f = arg;

	(void)fd;
	(void)revents;
	f->pending = true;
	return 0;
}

static void
watch(struct forward *f, bool on)
{
	if (f->lfd < 0 || on == f->watching) {
		return;
	}
	if (on) {
		f->watching = ssh_event_add_fd(f->ev, f->lfd, POLLIN,
		    listen_cb, f) == SSH_OK;
	} else {
		ssh_event_remove_fd(f->ev, f->lfd);
		f->watching = false;
	}
}

/*
 * Bound beyond loopback (only when asked: the default binds loopback)?
 * Judged on the address the socket got, whatever the name resolved to.
 */
static void
warn_beyond_loopback(int fd, const struct fwdspec *spec)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			q[LOG_VALUE_MAX], sa[ADDR_STRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    addr_sa_is_loopback((struct sockaddr *)&ss)) {
		return;
	}
	log_warn("event=listening-beyond-loopback bind=%s listen=%s "
	    "warning=\"POP3 between mail clients and popgate crosses this "
	    "network in clear\"", log_quote(q, sizeof(q), spec->bind.host),
	    addr_format_sa((struct sockaddr *)&ss, sa, sizeof(sa)));
}

struct forward *
forward_new(ssh_event ev, const struct fwdspec *spec, char *err,
    size_t errlen)
{
	struct forward	*f = NULL;
	unsigned short	 port = 0;
	int		 fd;

	fd = net_listen(&spec->bind, &port, err, errlen);
	if (fd == -1) {
		return NULL;
	}
	warn_beyond_loopback(fd, spec);
	f = xcalloc(1, sizeof(*f));
	f->ev = ev;
	f->spec = *spec;
	f->lfd = fd;
	f->port = port;
	watch(f, true);
	return f;
}

static struct mua *
mua_new(int rfd, int wfd)
{
	struct mua	*m = xcalloc(1, sizeof(*m));

	m->rfd = rfd;
	m->wfd = wfd;
	snprintf(m->origin, sizeof(m->origin), "127.0.0.1");
	return m;
}

static void
add_mua(struct forward *f, struct mua *m)
{
	f->muas = xreallocarray(f->muas, f->nmuas + 1, sizeof(*f->muas));
	f->muas[f->nmuas++] = m;
}

struct forward *
forward_new_stdio(ssh_event ev, const struct addr *target)
{
	struct forward	*f = xcalloc(1, sizeof(*f));

	f->ev = ev;
	f->lfd = -1;
	f->stdio = true;
	f->spec.target = *target;
	add_mua(f, mua_new(STDIN_FILENO, STDOUT_FILENO));
	return f;
}

static void
mua_free(struct mua *m)
{
	relay_free(m->relay);	/* closes the descriptors once attached */
	if (m->wfd != m->rfd) {
		net_close(&m->wfd);
	}
	net_close(&m->rfd);
	if (m->chan != NULL) {
		ssh_channel_free(m->chan);
	}
	free(m);
}

void
forward_free(struct forward *f)
{
	size_t	i;

	if (f == NULL) {
		return;
	}
	for (i = 0; i < f->nmuas; i++) {
		mua_free(f->muas[i]);
	}
	free(f->muas);
	watch(f, false);
	net_close(&f->lfd);
	free(f);
}

void
forward_ready_line(const struct forward *f, char *buf, size_t len)
{
	char	bind[ADDR_STRLEN], target[ADDR_STRLEN];

	snprintf(buf, len, "listening %s -> %s",
	    addr_format(f->spec.bind.host, f->port, bind, sizeof(bind)),
	    addr_format(f->spec.target.host, f->spec.target.port, target,
	    sizeof(target)));
}

bool
forward_pending(const struct forward *f)
{
	return f->pending || (f->stdio && f->nmuas == 1 &&
	    f->muas[0]->state == MUA_WAITING);
}

/* No channel for this client: say why (mail protocols), then close it. */
static void
tell_client(struct forward *f, struct mua *m, const char *reason)
{
	char	line[MAILPROTO_LINE_MAX + 1], target[ADDR_STRLEN];
	char	qt[LOG_TEXT_MAX], q[LOG_TEXT_MAX];
	size_t	n;

	log_info("event=forward-failed target=%s error=%s",
	    log_quote(qt, sizeof(qt), addr_format(f->spec.target.host,
	    f->spec.target.port, target, sizeof(target))),
	    log_quote(q, sizeof(q), reason));
	/* The same inference as the gateway's Forward table. */
	n = mailproto_format_unavailable(line, sizeof(line),
	    mailproto_infer(f->spec.target.host, f->spec.target.port),
	    "popgate", reason);
	if (n > 0 && m->wfd >= 0) {
		/* A fresh socket takes one short line; nothing to wait for. */
		if (write(m->wfd, line, n) < 0) {
			log_debug("event=client-write-failed error=%s",
			    log_quote(q, sizeof(q), strerror(errno)));
		}
	}
	if (m->wfd != m->rfd) {
		net_close(&m->wfd);
	}
	net_close(&m->rfd);
	m->failed = true;
}

static void
fail(struct forward *f, struct mua *m, const char *reason)
{
	tell_client(f, m, reason);
	relay_free(m->relay);
	m->relay = NULL;
	if (m->chan != NULL) {
		ssh_channel_free(m->chan);
		m->chan = NULL;
	}
	m->state = MUA_DONE;
}

static void
start_open(struct forward *f, struct mua *m, struct conn *c, uint64_t now)
{
	unsigned	wait_s = 0;
	char		why[320];

	if (!conn_is_up(c)) {
		if (conn_may_retry(c, now, &wait_s)) {
			snprintf(why, sizeof(why), "%s", conn_last_error(c));
		} else {
			snprintf(why, sizeof(why), "%s (retrying in %u s)",
			    conn_last_error(c), wait_s);
		}
		fail(f, m, why);
		return;
	}
	m->chan = ssh_channel_new(conn_session(c));
	/* Callbacks before the open: the reply may come with data and EOF. */
	m->relay = m->chan != NULL ? relay_new(f->ev, m->chan) : NULL;
	if (m->relay == NULL) {
		fail(f, m, "cannot open a channel");
		return;
	}
	m->deadline = now + FORWARD_OPEN_TIMEOUT_S * 1000;
	m->state = MUA_OPENING;
}

/* The MUA's own address names the channel's origin (RFC 4254 §7.2). */
static void
set_origin(struct mua *m, const struct sockaddr_storage *ss)
{
	char	buf[ADDR_STRLEN];

	addr_format_sa((const struct sockaddr *)ss, buf, sizeof(buf));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		m->origin_port = ntohs(in->sin_port);
		snprintf(m->origin, sizeof(m->origin), "%.*s",
		    (int)strcspn(buf, ":"), buf);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		m->origin_port = ntohs(in6->sin6_port);
		snprintf(m->origin, sizeof(m->origin), "%.*s",
		    (int)strcspn(buf + 1, "]"), buf + 1);
	}
}

static void
accept_clients(struct forward *f, struct conn *c, uint64_t now)
{
	struct sockaddr_storage	 ss;
	struct mua		*m = NULL;
	char			 q[LOG_VALUE_MAX];
	int			 fd;

	f->pending = false;
	while (f->nmuas < FORWARD_MAX_CLIENTS) {
		fd = net_accept(f->lfd, &ss);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Level-triggered: pause, or spin on it. */
				f->paused_until = now + FORWARD_PAUSE_MS;
				watch(f, false);
			}
			if (errno != EAGAIN) {
				log_error("event=accept-failed error=%s",
				    log_quote(q, sizeof(q), strerror(errno)));
			}
			return;
		}
		net_set_nonblock(fd);
		/* Without it each new POP3 connection waits on delayed ACKs. */
		net_set_nodelay(fd);
		m = mua_new(fd, fd);
		set_origin(m, &ss);
		add_mua(f, m);
		start_open(f, m, c, now);
	}
}

void
forward_accept(struct forward *f, struct conn *c, uint64_t now_ms)
{
	if (f->stdio) {
		if (f->nmuas == 1 && f->muas[0]->state == MUA_WAITING) {
			start_open(f, f->muas[0], c, now_ms);
		}
		return;
	}
	accept_clients(f, c, now_ms);
}

/*
 * The client is told after FORWARD_OPEN_TIMEOUT_S, but the channel stays
 * until the gateway answers: freeing an opening channel would leave the
 * gateway's end (and its backend connection) open for the whole session.
 */
static void
pump_abandoned(struct forward *f, struct mua *m, uint64_t now)
{
	int	rc;

	rc = ssh_channel_open_forward(m->chan, f->spec.target.host,
	    f->spec.target.port, m->origin, m->origin_port);
	if (rc == SSH_AGAIN && now < m->deadline) {
		return;
	}
	if (rc == SSH_OK) {
		ssh_channel_close(m->chan);
	}
	m->state = MUA_DONE;
}

static void
pump_opening(struct forward *f, struct mua *m, uint64_t now)
{
	int	rc;

	rc = ssh_channel_open_forward(m->chan, f->spec.target.host,
	    f->spec.target.port, m->origin, m->origin_port);
	if (rc == SSH_AGAIN) {
		if (now >= m->deadline) {
			tell_client(f, m, "the gateway did not answer in time");
			m->deadline = now + FORWARD_ABANDON_S * 1000;
			m->state = MUA_ABANDONED;
		}
		return;
	}
	/* Opened and closed again already: what it sent is still owed. */
	if (rc != SSH_OK && !relay_peer_spoke(m->relay)) {
		fail(f, m, "the gateway refused this forward");
		return;
	}
	rc = relay_attach(m->relay, m->rfd, m->wfd);
	m->rfd = m->wfd = -1;	/* the relay's now, even on failure */
	if (rc != 0) {
		fail(f, m, "out of resources");
		return;
	}
	relay_set_reset_on_abort(m->relay, true);
	m->state = MUA_RELAYING;
	relay_pump(m->relay);
}

static void
pump_one(struct forward *f, struct mua *m, uint64_t now)
{
	enum relay_end	end;
	char		q[LOG_TEXT_MAX];

	if (m->state == MUA_ABANDONED) {
		pump_abandoned(f, m, now);
	}
	if (m->state == MUA_OPENING) {
		pump_opening(f, m, now);
	}
	if (m->state != MUA_RELAYING) {
		return;
	}
	relay_pump(m->relay);
	if (!relay_done(m->relay)) {
		return;
	}
	end = relay_end(m->relay);
	m->failed = end != RELAY_EOF && end != RELAY_CHANNEL_CLOSED;
	if (relay_error(m->relay)[0] != '\0') {
		log_error("event=client-error error=%s",
		    log_quote(q, sizeof(q), relay_error(m->relay)));
	}
	log_verbose("event=client-closed reason=%s up=%llu down=%llu",
	    relay_end_name(end),
	    (unsigned long long)relay_bytes_to_channel(m->relay),
	    (unsigned long long)relay_bytes_to_socket(m->relay));
	m->state = MUA_DONE;
}

void
forward_pump(struct forward *f, uint64_t now_ms)
{
	size_t	i = 0;

	while (i < f->nmuas) {
		pump_one(f, f->muas[i], now_ms);
		/* stdio keeps its one client: forward_stdio_done() reads it. */
		if (f->muas[i]->state == MUA_DONE && !f->stdio) {
			mua_free(f->muas[i]);
			f->muas[i] = f->muas[--f->nmuas];
			continue;
		}
		i++;
	}
	watch(f, f->nmuas < FORWARD_MAX_CLIENTS && now_ms >= f->paused_until);
}

int
forward_timeout(const struct forward *f, uint64_t now_ms)
{
	int	ms = -1, t;
	size_t	i;

	if (now_ms < f->paused_until) {
		ms = (int)(f->paused_until - now_ms);
	}
	for (i = 0; i < f->nmuas; i++) {
		if (f->muas[i]->state != MUA_OPENING &&
		    f->muas[i]->state != MUA_ABANDONED) {
			continue;
		}
		t = now_ms >= f->muas[i]->deadline ? 0 :
		    (int)(f->muas[i]->deadline - now_ms);
		ms = ms < 0 || t < ms ? t : ms;
	}
	return ms;
}

void
forward_abort_all(struct forward *f, const char *why)
{
	size_t	i;

	for (i = 0; i < f->nmuas; i++) {
		struct mua	*m = f->muas[i];

		if (m->state == MUA_OPENING) {
			fail(f, m, why);
		} else if (m->state == MUA_ABANDONED) {
			m->state = MUA_DONE;
		} else if (m->state == MUA_RELAYING) {
			relay_abort(m->relay);
			m->failed = true;
			m->state = MUA_DONE;
		}
		/* Channels die with the session: do not touch them later. */
		if (m->relay != NULL) {
			relay_free(m->relay);
			m->relay = NULL;
		}
		if (m->chan != NULL) {
			ssh_channel_free(m->chan);
			m->chan = NULL;
		}
	}
	forward_pump(f, 0);
}

size_t
forward_active(const struct forward *f)
{
	return f->nmuas;
}

bool
forward_stdio_done(const struct forward *f, bool *failed)
{
	*failed = f->nmuas == 1 && f->muas[0]->failed;
	return f->stdio && f->nmuas == 1 && f->muas[0]->state == MUA_DONE;
}
