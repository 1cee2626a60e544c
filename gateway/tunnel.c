/*
 * tunnel: an accepted direct-tcpip channel (RFC 4254 §7.2) and its
 * backend. States:
 *
 *	connecting --(connected)--> greeting --(first byte)--> relaying
 *	     |  (refused, timed out)     | (closed, silent)      ^    |
 *	     +-------> next backend <----+                       |   done
 *	               (none left: -ERR, done)    <--(failed)--+ |
 *	                                                      bridging
 *
 * greeting is skipped for raw targets (the client may speak first).
 * bridging (TLS to the backend, BindMailbox: see bridge.h) follows the
 * greeting, or replaces it for TLS backends (the bridge reads the STLS
 * greeting itself; implicit TLS has none before the handshake); it gets
 * BackendConnectTimeout too, and a backend whose certificate or STLS
 * fails is passed over like one that refuses. The relay then works on
 * the bridge's end of a socketpair.
 * Until relaying, nothing has gone to the user but what the relay keeps
 * for the backend (data the client sends early waits in the relay, inside
 * the window libssh granted), so trying another backend loses nothing.
 * From relaying on the relay does the work; its end is the tunnel's.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/addr.h"
#include "popgate/bridge.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/mailproto.h"
#include "popgate/net.h"
#include "popgate/policy.h"
#include "popgate/proxyproto.h"
#include "popgate/relay.h"
#include "popgate/servconf.h"
#include "popgate/tunnel.h"
#include "popgate/xmem.h"

enum tunnel_state {
	TUNNEL_CONNECTING,
	TUNNEL_GREETING,
	TUNNEL_BRIDGING,
	TUNNEL_RELAYING,
	TUNNEL_DONE
};

struct tunnel {
	enum tunnel_state	 state;
	ssh_event		 ev;
	ssh_channel		 chan;
	int			 fd;		/* until relaying */
	bool			 ready;		/* fd event since last look */
	struct relay		*relay;
	struct bridge		*bridge;	/* TLS, BindMailbox */
	char			*mailbox;	/* BindMailbox: the only one */
	struct policy_entry	 pe;
	size_t			 backend;	/* the one tried or used */
	uint64_t		 step_ms;	/* BackendConnectTimeout */
	uint64_t		 idle_ms;	/* IdleTimeout, 0: none */
	char			*user, *peer;
	const char		*reason;
	uint64_t		 started, deadline;
	uint64_t		 last_active, seen;	/* idle tracking */
	uint64_t		 err_bytes;	/* our -ERR line */
	unsigned char		 proxyhdr[PROXYPROTO_V2_BUILD_MAX];
	size_t			 proxylen;	/* 0: send none */
};

static int
fd_cb(socket_t fd, int revents, void *arg)
{
	struct tunnel	*t = arg;

	(void)fd;
	(void)revents;
	t->ready = true;
	return 0;
}

static const char *
backend_name(const struct tunnel *t, char *buf, size_t len)
{
	size_t	i = t->backend < t->pe.nbackends ? t->backend :
	    t->pe.nbackends - 1;

	return policy_backend_format(&t->pe.backends[i], buf, len);
}

/* Server-first protocols greet before the client says anything. */
static bool
greets(const struct tunnel *t)
{
	return t->pe.proto == POLICY_PROTO_POP3 ||
	    t->pe.proto == POLICY_PROTO_IMAP ||
	    t->pe.proto == POLICY_PROTO_SMTP;
}

static void
drop_fd(struct tunnel *t)
{
	if (t->fd != -1) {
		ssh_event_remove_fd(t->ev, t->fd);
		net_close(&t->fd);
	}
	t->ready = false;
}

/* No backend left: tell a mail client in its own words. */
static void
fail(struct tunnel *t)
{
	char	line[MAILPROTO_LINE_MAX + 1];
	size_t	n;

	n = mailproto_format_unavailable(line, sizeof(line),
	    (enum mailproto)t->pe.proto, "popgated", "mail server unavailable");
	if (n > 0) {
		if (ssh_channel_write(t->chan, line, (uint32_t)n) > 0) {
			t->err_bytes += n;
		}
		ssh_channel_send_eof(t->chan);
	}
	ssh_channel_close(t->chan);
	t->reason = "backend-unavailable";
	t->state = TUNNEL_DONE;
}

/* Backend t->backend will not do: one line, naming the next if any. */
static void
log_unreachable(const struct tunnel *t, const char *why)
{
	char	where[ADDR_STRLEN + 16], next[ADDR_STRLEN + 16];
	char	qu[LOG_VALUE_MAX], qr[LOG_TEXT_MAX];

	next[0] = '\0';
	if (t->backend + 1 < t->pe.nbackends) {
		snprintf(next, sizeof(next), " next=");
		policy_backend_format(&t->pe.backends[t->backend + 1],
		    next + 6, sizeof(next) - 6);
	}
	log_mail(LOG_LEVEL_ERROR, "event=backend-unreachable user=%s from=%s "
	    "backend=%s error=%s%s", log_quote(qu, sizeof(qu), t->user),
	    t->peer, backend_name(t, where, sizeof(where)),
	    log_quote(qr, sizeof(qr), why), next);
}

/* Starts the connect to backend t->backend or a later one. */
static void
try_backends(struct tunnel *t, uint64_t now)
{
	const struct policy_backend	*b = NULL;
	int				 err;

	for (; t->backend < t->pe.nbackends; t->backend++) {
		b = &t->pe.backends[t->backend];
		t->fd = net_connect_start((const struct sockaddr *)&b->sa,
		    b->salen);
		err = errno;
		if (t->fd != -1 && ssh_event_add_fd(t->ev, t->fd, POLLOUT,
		    fd_cb, t) == SSH_OK) {
			t->state = TUNNEL_CONNECTING;
			t->ready = false;
			t->deadline = now + t->step_ms;
			return;
		}
		if (t->fd != -1) {
			net_close(&t->fd);
			err = ENOMEM;
		}
		log_unreachable(t, strerror(err));
	}
	fail(t);
}

/* This backend will not do: log why, go on with the next. */
static void
next_backend(struct tunnel *t, const char *why, uint64_t now)
{
	drop_fd(t);
	log_unreachable(t, why);
	t->backend++;
	try_backends(t, now);
}

/* The relay takes over on fd (taken): the backend's or the bridge's. */
static void
attach_relay(struct tunnel *t, int fd, uint64_t now)
{
	char	qu[LOG_VALUE_MAX];

	if (t->relay == NULL || relay_attach(t->relay, fd, fd) != 0) {
		if (t->relay == NULL) {
			close(fd);
		}
		log_mail(LOG_LEVEL_ERROR, "event=tunnel-error user=%s from=%s "
		    "error=%s", log_quote(qu, sizeof(qu), t->user), t->peer,
		    "\"out of resources\"");
		fail(t);
		return;
	}
	relay_set_reset_on_abort(t->relay, true);
	t->state = TUNNEL_RELAYING;
	t->last_active = now;
	relay_pump(t->relay);
}

/*
 * Forward ... proxy: the PROXY v2 header goes first, before anything the
 * backend could answer. A fresh socket's send buffer takes its 52 bytes
 * at most whole; anything less is a broken connection.
 */
static const char *
send_proxy(struct tunnel *t)
{
	ssize_t	n;

	if (t->proxylen == 0) {
		return NULL;
	}
	do {
		n = send(t->fd, t->proxyhdr, t->proxylen, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return strerror(errno);
	}
	return n == (ssize_t)t->proxylen ? NULL : "PROXY header cut short";
}

/* Does this backend need the bridge (see bridge.h)? */
static bool
bridged(const struct tunnel *t)
{
	return t->pe.backends[t->backend].tls != POLICY_TLS_NONE ||
	    t->mailbox != NULL;
}

/* Until the bridge is ready; one that fails passes the backend over. */
static void
pump_bridge(struct tunnel *t, uint64_t now)
{
	const char	*why = NULL;
	char		 saved[300];

	if (ssh_channel_is_closed(t->chan)) {
		/* The user left before the backend was ready. */
		t->reason = relay_end_name(RELAY_CHANNEL_CLOSED);
		t->state = TUNNEL_DONE;
		return;
	}
	bridge_pump(t->bridge);
	if (bridge_failed(t->bridge, &why)) {
		snprintf(saved, sizeof(saved), "%s", why);
		bridge_free(t->bridge, true);
		t->bridge = NULL;
		next_backend(t, saved, now);
	} else if (bridge_ready(t->bridge)) {
		attach_relay(t, bridge_take_fd(t->bridge), now);
	} else if (now >= t->deadline) {
		bridge_free(t->bridge, true);
		t->bridge = NULL;
		next_backend(t, "TLS set-up not finished within "
		    "BackendConnectTimeout", now);
	}
}

/*
 * The bridge takes the backend socket; the relay waits for its end. A
 * bridge may be ready at once (a plain backend, only bound), and nothing
 * else would wake the loop for it: pumped here, not on the next event.
 */
static void
start_bridge(struct tunnel *t, uint64_t now)
{
	char	who[256], err[300], qu[LOG_VALUE_MAX];
	int	fd = t->fd;

	ssh_event_remove_fd(t->ev, fd);
	t->fd = -1;
	t->ready = false;
	snprintf(who, sizeof(who), "user=%s from=%s", log_quote(qu,
	    sizeof(qu), t->user), t->peer);
	t->bridge = bridge_new(t->ev, fd, &t->pe.backends[t->backend],
	    t->mailbox, who, err, sizeof(err));
	if (t->bridge == NULL) {
		next_backend(t, err, now);
		return;
	}
	t->state = TUNNEL_BRIDGING;
	t->deadline = now + t->step_ms;
	pump_bridge(t, now);
}

/* Connected and (when it greets) heard from: the relay takes over. */
static void
start_relay(struct tunnel *t, uint64_t now)
{
	int	fd = t->fd;

	if (bridged(t)) {
		start_bridge(t, now);
		return;
	}
	ssh_event_remove_fd(t->ev, fd);
	t->fd = -1;
	t->ready = false;
	attach_relay(t, fd, now);
}

static void
connected(struct tunnel *t, uint64_t now)
{
	const char	*why = NULL;
	int		 err = net_connect_result(t->fd);

	if (err != 0) {
		next_backend(t, strerror(err), now);
		return;
	}
	net_set_nodelay(t->fd);
	why = send_proxy(t);
	if (why != NULL) {
		next_backend(t, why, now);
		return;
	}
	if (!greets(t) || t->pe.backends[t->backend].tls != POLICY_TLS_NONE) {
		start_relay(t, now);
		return;
	}
	/* The same bound again for the greeting, watched for reading. */
	ssh_event_remove_fd(t->ev, t->fd);
	t->ready = false;
	if (ssh_event_add_fd(t->ev, t->fd, POLLIN, fd_cb, t) != SSH_OK) {
		next_backend(t, "out of resources", now);
		return;
	}
	t->state = TUNNEL_GREETING;
	t->deadline = now + t->step_ms;
}

/* Readable while greeting: a byte (peeked, it stays), EOF or an error. */
static void
greeted(struct tunnel *t, uint64_t now)
{
	char	c;
	ssize_t	n;

	t->ready = false;
	n = recv(t->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 1) {
		start_relay(t, now);
	} else if (n == 0) {
		next_backend(t, "closed before its greeting", now);
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		next_backend(t, strerror(errno), now);
	}
}

struct tunnel *
tunnel_open(ssh_event ev, ssh_message msg, const struct policy_entry *pe,
    const struct servconf *sc, const char *user, const char *peer)
{
	struct tunnel	*t = NULL;
	ssh_channel	 chan = NULL;

	chan = ssh_message_channel_request_open_reply_accept(msg);
	if (chan == NULL) {
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->ev = ev;
	t->chan = chan;
	t->fd = -1;
	/* Callbacks now: an EOF or exit-signal may beat the backend connect. */
	t->relay = relay_new(ev, chan);
	t->pe = *pe;
	t->user = xstrdup(user);
	t->peer = xstrdup(peer);
	t->step_ms = (uint64_t)sc->backend_connect_timeout * 1000;
	t->idle_ms = (uint64_t)sc->idle_timeout * 1000;
	t->started = clock_ms();
	try_backends(t, t->started);
	return t;
}

void
tunnel_set_proxy(struct tunnel *t, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	t->proxylen = proxyproto_build_v2(src, dst, t->proxyhdr);
}

void
tunnel_bind_mailbox(struct tunnel *t, const char *mailbox)
{
	free(t->mailbox);
	t->mailbox = xstrdup(mailbox);
}

/* Relaying: note traffic, close the tunnel after IdleTimeout without. */
static void
watch_idle(struct tunnel *t, uint64_t now)
{
	uint64_t	moved = relay_bytes_to_socket(t->relay) +
	    relay_bytes_to_channel(t->relay);

	if (moved != t->seen) {
		t->seen = moved;
		t->last_active = now;
	} else if (t->idle_ms != 0 && now - t->last_active >= t->idle_ms) {
		relay_abort(t->relay);
		t->reason = "idle-timeout";
		t->state = TUNNEL_DONE;
	}
}

void
tunnel_pump(struct tunnel *t, uint64_t now_ms)
{
	const char	*why = NULL;
	char		 qu[LOG_VALUE_MAX], qr[LOG_TEXT_MAX];

	if (t->state == TUNNEL_CONNECTING || t->state == TUNNEL_GREETING) {
		if (ssh_channel_is_closed(t->chan)) {
			/* The user left before the backend was there. */
			drop_fd(t);
			t->reason = relay_end_name(RELAY_CHANNEL_CLOSED);
			t->state = TUNNEL_DONE;
		} else if (t->ready) {
			if (t->state == TUNNEL_CONNECTING) {
				connected(t, now_ms);
			} else {
				greeted(t, now_ms);
			}
		} else if (now_ms >= t->deadline) {
			next_backend(t, t->state == TUNNEL_CONNECTING ?
			    "connect timed out" : "no greeting in time",
			    now_ms);
		}
		return;
	}
	if (t->state == TUNNEL_BRIDGING) {
		pump_bridge(t, now_ms);
		return;
	}
	if (t->state == TUNNEL_RELAYING) {
		relay_pump(t->relay);
		bridge_pump(t->bridge);
		if (t->bridge != NULL && bridge_failed(t->bridge, &why) &&
		    !relay_done(t->relay)) {
			log_mail(LOG_LEVEL_ERROR, "event=tunnel-error user=%s "
			    "from=%s error=%s", log_quote(qu, sizeof(qu),
			    t->user), t->peer, log_quote(qr, sizeof(qr), why));
			relay_abort(t->relay);
			t->reason = "backend-error";
		}
		if (relay_done(t->relay)) {
			t->reason = t->reason != NULL ? t->reason :
			    relay_end_name(relay_end(t->relay));
			t->state = TUNNEL_DONE;
			if (relay_error(t->relay)[0] != '\0') {
				log_mail(LOG_LEVEL_ERROR, "event=tunnel-error "
				    "user=%s from=%s error=%s", log_quote(qu,
				    sizeof(qu), t->user), t->peer, log_quote(qr,
				    sizeof(qr), relay_error(t->relay)));
			}
			return;
		}
		watch_idle(t, now_ms);
	}
}

int
tunnel_timeout(const struct tunnel *t, uint64_t now_ms)
{
	uint64_t	at;

	if (t->state == TUNNEL_CONNECTING || t->state == TUNNEL_GREETING) {
		if (t->ready) {
			return 0;
		}
		at = t->deadline;
	} else if (t->state == TUNNEL_BRIDGING) {
		at = t->deadline;
	} else if (t->state == TUNNEL_RELAYING && t->idle_ms != 0) {
		at = t->last_active + t->idle_ms;
	} else {
		return -1;
	}
	return now_ms >= at ? 0 : (int)(at - now_ms);
}

bool
tunnel_done(const struct tunnel *t)
{
	return t->state == TUNNEL_DONE;
}

void
tunnel_counts(const struct tunnel *t, uint64_t *up, uint64_t *down)
{
	*up = t->relay != NULL ? relay_bytes_to_socket(t->relay) : 0;
	*down = t->err_bytes +
	    (t->relay != NULL ? relay_bytes_to_channel(t->relay) : 0);
}

void
tunnel_abort(struct tunnel *t, const char *reason)
{
	if (t->state == TUNNEL_DONE) {
		return;
	}
	drop_fd(t);
	if (t->relay != NULL) {
		relay_abort(t->relay);
	}
	t->reason = reason;
	t->state = TUNNEL_DONE;
}

void
tunnel_free(struct tunnel *t)
{
	char		target[ADDR_STRLEN], backend[ADDR_STRLEN + 16];
	char		qu[LOG_VALUE_MAX];
	uint64_t	up, down;
	double		secs;
	bool		reset;

	if (t == NULL) {
		return;
	}
	tunnel_counts(t, &up, &down);
	if (t->relay != NULL && relay_bytes_after_eof(t->relay) > 0) {
		log_mail(LOG_LEVEL_INFO, "event=data-after-eof user=%s "
		    "from=%s bytes=%llu dropped=yes", log_quote(qu,
		    sizeof(qu), t->user), t->peer, (unsigned long long)
		    relay_bytes_after_eof(t->relay));
	}
	secs = (double)(clock_ms() - t->started) / 1000.0;
	log_mail(LOG_LEVEL_INFO, "event=tunnel-closed user=%s from=%s "
	    "target=%s backend=%s up=%llu down=%llu secs=%.2f reason=%s",
	    log_quote(qu, sizeof(qu), t->user), t->peer,
	    addr_format(t->pe.target.host, t->pe.target.port, target,
	    sizeof(target)), backend_name(t, backend, sizeof(backend)),
	    (unsigned long long)up, (unsigned long long)down, secs,
	    t->reason != NULL ? t->reason : "unknown");
	reset = t->relay == NULL || relay_end(t->relay) != RELAY_EOF;
	relay_free(t->relay);
	bridge_free(t->bridge, reset);
	free(t->mailbox);
	drop_fd(t);
	ssh_channel_free(t->chan);
	free(t->user);
	free(t->peer);
	free(t);
}
