/*
 * tunnel: an accepted direct-tcpip channel (RFC 4254 §7.2) and its
 * backend. States: connecting (non-blocking connect on the event loop,
 * bounded by BackendConnectTimeout) -> bridging (TLS to the backend or
 * BindMailbox: the bridge gets the socket; TLS set-up bounded by
 * BackendConnectTimeout again) -> relaying (relay does the work, on the
 * socket or the bridge's end of a socketpair) -> done. Data the client
 * sends before the relay starts waits in libssh's channel buffer, inside
 * the window it granted.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "popgate/relay.h"
#include "popgate/tunnel.h"
#include "popgate/xmem.h"

enum tunnel_state {
	TUNNEL_CONNECTING,
	TUNNEL_BRIDGING,
	TUNNEL_RELAYING,
	TUNNEL_DONE
};

struct tunnel {
	enum tunnel_state	 state;
	ssh_event		 ev;
	ssh_channel		 chan;
	int			 fd;		/* while connecting */
	bool			 writable;	/* connect finished */
	int			 connect_errno;	/* when it failed at once */
	struct relay		*relay;
	struct bridge		*bridge;	/* TLS, BindMailbox */
	char			*mailbox;	/* BindMailbox: the only one */
	struct policy_entry	 pe;
	char			*user, *peer;
	const char		*reason;
	uint64_t		 started, deadline, timeout_ms;
	uint64_t		 up, down;
};

static int
connect_cb(socket_t fd, int revents, void *arg)
{
	struct tunnel	*t = arg;

	(void)fd;
	(void)revents;
	t->writable = true;
	return 0;
}

struct tunnel *
tunnel_open(ssh_event ev, ssh_message msg, const struct policy_entry *pe,
    const char *user, const char *peer, unsigned connect_timeout)
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
	/* Callbacks now: an EOF or exit-signal may beat the backend connect. */
	t->relay = relay_new(ev, chan);
	t->pe = *pe;
	t->user = xstrdup(user);
	t->peer = xstrdup(peer);
	t->started = clock_ms();
	t->timeout_ms = (uint64_t)connect_timeout * 1000;
	t->deadline = t->started + t->timeout_ms;
	t->state = TUNNEL_CONNECTING;
	t->fd = net_connect_start(
	    (const struct sockaddr *)&pe->backends[0].sa,
	    pe->backends[0].salen);
	if (t->fd == -1) {
		t->connect_errno = errno;	/* tunnel_pump reports it */
		t->writable = true;
	} else if (ssh_event_add_fd(ev, t->fd, POLLOUT, connect_cb, t) !=
	    SSH_OK) {
		net_close(&t->fd);
		t->connect_errno = ENOMEM;
		t->writable = true;
	}
	return t;
}

/* The backend cannot be reached: tell a mail client in its own words. */
static void
fail(struct tunnel *t, const char *reason)
{
	char	line[MAILPROTO_LINE_MAX + 1];
	size_t	n;
	char	where[ADDR_STRLEN + 16];
	char	qu[LOG_VALUE_MAX], qr[LOG_TEXT_MAX];

	policy_backend_format(&t->pe.backends[0], where, sizeof(where));
	log_mail(LOG_LEVEL_ERROR, "event=backend-unreachable user=%s from=%s "
	    "backend=%s error=%s", log_quote(qu, sizeof(qu), t->user),
	    t->peer, where, log_quote(qr, sizeof(qr), reason));
	n = mailproto_format_unavailable(line, sizeof(line),
	    (enum mailproto)t->pe.proto, "popgated", "mail server unavailable");
	if (n > 0) {
		if (ssh_channel_write(t->chan, line, (uint32_t)n) > 0) {
			t->down += n;
		}
		ssh_channel_send_eof(t->chan);
	}
	ssh_channel_close(t->chan);
	t->reason = "backend-unavailable";
	t->state = TUNNEL_DONE;
}

void
tunnel_bind_mailbox(struct tunnel *t, const char *mailbox)
{
	free(t->mailbox);
	t->mailbox = xstrdup(mailbox);
}

/* Starts relaying on fd (taken). */
static void
start_relay(struct tunnel *t, int fd)
{
	if (t->relay == NULL || relay_attach(t->relay, fd, fd) != 0) {
		if (t->relay == NULL) {
			close(fd);
		}
		fail(t, "out of resources");
		return;
	}
	relay_set_reset_on_abort(t->relay, true);
	t->state = TUNNEL_RELAYING;
	relay_pump(t->relay);
}

/* TLS or a bound mailbox: the bridge takes the socket (see bridge.h). */
static void
start_bridge(struct tunnel *t, int fd)
{
	char	who[256], err[300], qu[LOG_VALUE_MAX];

	snprintf(who, sizeof(who), "user=%s from=%s", log_quote(qu,
	    sizeof(qu), t->user), t->peer);
	t->bridge = bridge_new(t->ev, fd, &t->pe.backends[0], t->mailbox,
	    who, err, sizeof(err));
	if (t->bridge == NULL) {
		fail(t, err);
		return;
	}
	t->deadline = clock_ms() + t->timeout_ms;
	t->state = TUNNEL_BRIDGING;
}

/* Until the bridge is ready, then as a plain tunnel on its end. */
static void
pump_bridge(struct tunnel *t, uint64_t now_ms)
{
	const char	*why = NULL;

	bridge_pump(t->bridge);
	if (bridge_failed(t->bridge, &why)) {
		fail(t, why);
	} else if (bridge_ready(t->bridge)) {
		start_relay(t, bridge_take_fd(t->bridge));
	} else if (now_ms >= t->deadline) {
		fail(t, "TLS set-up not finished within BackendConnectTimeout");
	}
}

static void
finish_connect(struct tunnel *t)
{
	int	err;
	int	fd;

	if (t->fd != -1) {
		ssh_event_remove_fd(t->ev, t->fd);
	}
	err = t->fd == -1 ? t->connect_errno : net_connect_result(t->fd);
	if (err != 0) {
		net_close(&t->fd);
		fail(t, strerror(err));
		return;
	}
	net_set_nodelay(t->fd);
	fd = t->fd;
	t->fd = -1;
	if (t->pe.backends[0].tls != POLICY_TLS_NONE || t->mailbox != NULL) {
		start_bridge(t, fd);
	} else {
		start_relay(t, fd);
	}
}

void
tunnel_pump(struct tunnel *t, uint64_t now_ms)
{
	const char	*why = NULL;
	char		 qu[LOG_VALUE_MAX], qr[LOG_TEXT_MAX];

	if (t->state == TUNNEL_CONNECTING) {
		if (t->writable) {
			finish_connect(t);
		} else if (now_ms >= t->deadline) {
			ssh_event_remove_fd(t->ev, t->fd);
			net_close(&t->fd);
			fail(t, "connect timed out");
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
		}
	}
}

int
tunnel_timeout(const struct tunnel *t, uint64_t now_ms)
{
	if (t->state != TUNNEL_BRIDGING && (t->state != TUNNEL_CONNECTING ||
	    t->writable)) {
		return -1;
	}
	return now_ms >= t->deadline ? 0 : (int)(t->deadline - now_ms);
}

bool
tunnel_done(const struct tunnel *t)
{
	return t->state == TUNNEL_DONE;
}

void
tunnel_abort(struct tunnel *t, const char *reason)
{
	if (t->state == TUNNEL_DONE) {
		return;
	}
	if (t->state == TUNNEL_CONNECTING && t->fd != -1) {
		ssh_event_remove_fd(t->ev, t->fd);
		net_close(&t->fd);
	}
	if (t->relay != NULL) {
		relay_abort(t->relay);
	}
	t->reason = reason;
	t->state = TUNNEL_DONE;
}

void
tunnel_free(struct tunnel *t)
{
	char	target[ADDR_STRLEN], backend[ADDR_STRLEN + 16];
	char	qu[LOG_VALUE_MAX];
	double	secs;
	bool	reset;

	if (t == NULL) {
		return;
	}
	if (t->relay != NULL) {
		t->up = relay_bytes_to_socket(t->relay);
		t->down += relay_bytes_to_channel(t->relay);
		if (relay_bytes_after_eof(t->relay) > 0) {
			log_mail(LOG_LEVEL_INFO, "event=data-after-eof user=%s "
			    "from=%s bytes=%llu dropped=yes", log_quote(qu,
			    sizeof(qu), t->user), t->peer, (unsigned long long)
			    relay_bytes_after_eof(t->relay));
		}
	}
	secs = (double)(clock_ms() - t->started) / 1000.0;
	log_mail(LOG_LEVEL_INFO, "event=tunnel-closed user=%s from=%s "
	    "target=%s backend=%s up=%llu down=%llu secs=%.2f reason=%s",
	    log_quote(qu, sizeof(qu), t->user), t->peer,
	    addr_format(t->pe.target.host, t->pe.target.port, target,
	    sizeof(target)), policy_backend_format(&t->pe.backends[0],
	    backend, sizeof(backend)),
	    (unsigned long long)t->up, (unsigned long long)t->down, secs,
	    t->reason != NULL ? t->reason : "unknown");
	reset = t->relay == NULL || relay_end(t->relay) != RELAY_EOF;
	relay_free(t->relay);
	bridge_free(t->bridge, reset);
	free(t->mailbox);
	if (t->fd != -1) {
		ssh_event_remove_fd(t->ev, t->fd);
		net_close(&t->fd);
	}
	ssh_channel_free(t->chan);
	free(t->user);
	free(t->peer);
	free(t);
}
