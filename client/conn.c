/*
 * conn: the one SSH session popgate keeps to its gateway. Everything up to
 * authentication is blocking with a deadline (SSH_OPTIONS_TIMEOUT); the
 * session then turns non-blocking and joins the event loop.
 *
 * libssh's ssh_send_keepalive() discards its result, so a dead gateway is
 * found by the kernel instead: TCP_USER_TIMEOUT (3 x keepalive) fails the
 * socket when the keepalives go unacknowledged, and the next poll sees it;
 * TCP_INFO's last receive catches a gateway whose host still ACKs.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libssh/libssh.h>
#include <libssh/server.h>	/* ssh_send_keepalive */

#include "popgate/clock.h"
#include "popgate/conn.h"
#include "popgate/knownhosts.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/userauth.h"
#include "popgate/xmem.h"

struct conn {
	const struct opts	*o;
	ssh_event		 ev;
	ssh_session		 ssh;
	bool			 up;
	uint64_t		 next_keepalive;
	unsigned		 failures;	/* in a row, for backoff */
	uint64_t		 retry_at;
	char			 error[256];
	char			 dead[128];	/* why conn_tick gave up */
	struct userauth_cache	 secrets;	/* for reconnects */
	bool			 was_up;	/* prompts only before that */
};

struct conn *
conn_new(const struct opts *o, ssh_event ev)
{
	struct conn	*c = xcalloc(1, sizeof(*c));

	c->o = o;
	c->ev = ev;
	return c;
}

void
conn_free(struct conn *c)
{
	if (c == NULL) {
		return;
	}
	conn_drop(c, NULL);
	userauth_cache_clear(&c->secrets);
	free(c);
}

static int
set_options(struct conn *c)
{
	const struct opts	*o = c->o;
	/* Mail clients wait during a reconnect: keep it within their 5 s. */
	long			 timeout = c->was_up ? CONN_RECONNECT_TIMEOUT_S :
				    CONN_TIMEOUT_S;
	unsigned int		 port = o->port;
	int			 no = 0, yes = 1, rc = 0;

	rc |= ssh_options_set(c->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
	rc |= ssh_options_set(c->ssh, SSH_OPTIONS_HOST, o->gateway);
	rc |= ssh_options_set(c->ssh, SSH_OPTIONS_PORT, &port);
	rc |= ssh_options_set(c->ssh, SSH_OPTIONS_TIMEOUT, &timeout);
	rc |= ssh_options_set(c->ssh, SSH_OPTIONS_NODELAY, &yes);
	if (o->user[0] != '\0') {
		rc |= ssh_options_set(c->ssh, SSH_OPTIONS_USER, o->user);
	}
	if (o->known_hosts != NULL) {
		rc |= ssh_options_set(c->ssh, SSH_OPTIONS_KNOWNHOSTS,
		    o->known_hosts);
		/* The file named is the whole truth: no system-wide file. */
		rc |= ssh_options_set(c->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
		    "/dev/null");
	}
	return rc == 0 ? 0 : -1;
}

/* 1, 2, 4 ... seconds after the n-th failure in a row, at most max. */
static unsigned
backoff_s(unsigned failures, unsigned max)
{
	unsigned	s;

	s = failures >= 16 ? max : 1U << (failures - 1);
	return s > max ? max : s;
}

/*
 * Milliseconds to wait after this failure. On demand a mail client
 * waits: 1, 2, 4, 8 s. In the background (--persist) the wait grows to
 * CONN_PERSIST_BACKOFF_MAX_S and is drawn from [d/2, d] ("equal
 * jitter"), so clients of a restarted gateway spread out.
 */
static uint64_t
backoff_ms(const struct conn *c)
{
	uint32_t	d;

	if (!c->o->persist) {
		return (uint64_t)backoff_s(c->failures, CONN_BACKOFF_MAX_S) *
		    1000;
	}
	d = backoff_s(c->failures, CONN_PERSIST_BACKOFF_MAX_S) * 1000;
	return d / 2 + arc4random_uniform(d / 2 + 1);
}

/* Records why (prefix: detail) and when the next attempt may be made. */
static void
fail(struct conn *c, const char *prefix, const char *detail)
{
	snprintf(c->error, sizeof(c->error), "%s%s%s", prefix,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	c->failures++;
	c->retry_at = clock_ms() + backoff_ms(c);
	if (c->ssh != NULL) {
		ssh_disconnect(c->ssh);
		ssh_free(c->ssh);
		c->ssh = NULL;
	}
}

/* After authentication: non-blocking, on the loop, dead-peer detection. */
static enum conn_status
go_live(struct conn *c)
{
	unsigned int	ut = c->o->keepalive * 3 * 1000;
	int		fd;

	ssh_set_blocking(c->ssh, 0);
	fd = ssh_get_fd(c->ssh);
	/* A gateway that stops reading must not block the whole loop. */
	net_set_nonblock(fd);
	if (c->o->keepalive > 0 && fd >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
	}
	if (ssh_event_add_session(c->ev, c->ssh) != SSH_OK) {
		fail(c, "cannot add the session to the event loop", NULL);
		return CONN_NETWORK;
	}
	c->up = true;
	c->was_up = true;
	c->failures = 0;
	c->error[0] = '\0';
	c->dead[0] = '\0';
	c->next_keepalive = clock_ms() + (uint64_t)c->o->keepalive * 1000;
	return CONN_OK;
}

enum conn_status
conn_establish(struct conn *c)
{
	enum knownhosts_result	kh;
	char			qg[LOG_VALUE_MAX], q[LOG_TEXT_MAX];
	int			rc;

	if (c->up) {
		return CONN_OK;
	}
	c->ssh = ssh_new();
	if (c->ssh == NULL || set_options(c) != 0) {
		fail(c, "cannot set up the SSH session", NULL);
		return CONN_CONFIG;
	}
	log_quote(qg, sizeof(qg), c->o->gateway);
	log_verbose("event=connecting gateway=%s port=%u", qg, c->o->port);
	if (ssh_connect(c->ssh) != SSH_OK) {
		log_error("event=connect-failed gateway=%s port=%u error=%s", qg,
		    c->o->port, log_quote(q, sizeof(q), ssh_get_error(c->ssh)));
		fail(c, "gateway unreachable", ssh_get_error(c->ssh));
		return CONN_NETWORK;
	}
	kh = knownhosts_verify(c->ssh, c->o);
	if (!knownhosts_accepted(kh)) {
		fail(c, "gateway host key verification failed", NULL);
		return kh == KNOWNHOSTS_ERROR ? CONN_CONFIG : CONN_HOSTKEY;
	}
	rc = userauth_run(c->ssh, c->o, &c->secrets, !c->was_up);
	if (rc != USERAUTH_OK) {
		fail(c, rc == USERAUTH_DENIED ? "authentication failed" :
		    "authentication did not complete", NULL);
		return rc == USERAUTH_DENIED ? CONN_AUTH : rc ==
		    USERAUTH_CONFIG ? CONN_CONFIG : CONN_NETWORK;
	}
	log_verbose("event=authenticated gateway=%s", qg);
	return go_live(c);
}

bool
conn_is_up(const struct conn *c)
{
	return c->up;
}

ssh_session
conn_session(const struct conn *c)
{
	return c->up ? c->ssh : NULL;
}

ssh_event
conn_event(const struct conn *c)
{
	return c->ev;
}

void
conn_drop(struct conn *c, const char *why)
{
	char	qg[LOG_VALUE_MAX], q[LOG_TEXT_MAX];

	if (c->ssh == NULL) {
		return;
	}
	if (why != NULL) {
		log_info("event=connection-closed gateway=%s reason=%s",
		    log_quote(qg, sizeof(qg), c->o->gateway),
		    log_quote(q, sizeof(q), why));
		snprintf(c->error, sizeof(c->error), "gateway connection lost");
		c->retry_at = clock_ms() +
		    arc4random_uniform(CONN_PERSIST_FIRST_MS + 1);
	}
	if (c->up) {
		ssh_event_remove_session(c->ev, c->ssh);
	}
	ssh_disconnect(c->ssh);
	ssh_free(c->ssh);
	c->ssh = NULL;
	c->up = false;
}

/*
 * Every keepalive is answered (success or failure) by a live gateway, so
 * the kernel's "last data received" shows whether anybody still answers:
 * this also catches a gateway that hangs while its host still ACKs. It
 * is looked at once per interval, so silence of 2 intervals means dead:
 * found at most 3 intervals after the last answer.
 */
static bool
answering(struct conn *c)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(ti);
	unsigned	limit = c->o->keepalive * 2 * 1000;

	if (getsockopt(ssh_get_fd(c->ssh), IPPROTO_TCP, TCP_INFO, &ti,
	    &len) != 0 || ti.tcpi_last_data_recv <= limit) {
		return true;
	}
	snprintf(c->dead, sizeof(c->dead), "no answer to keepalives for %u s",
	    ti.tcpi_last_data_recv / 1000);
	return false;
}

bool
conn_tick(struct conn *c, uint64_t now_ms)
{
	int	st;

	if (!c->up) {
		return false;
	}
	st = ssh_get_status(c->ssh);
	if (!ssh_is_connected(c->ssh) || ssh_get_fd(c->ssh) < 0 ||
	    (st & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
		return false;
	}
	if (c->o->keepalive > 0 && now_ms >= c->next_keepalive) {
		if (!answering(c)) {
			return false;
		}
		ssh_send_keepalive(c->ssh);
		c->next_keepalive = now_ms + (uint64_t)c->o->keepalive * 1000;
	}
	return true;
}

const char *
conn_why_dead(const struct conn *c)
{
	const char	*e = c->ssh != NULL ? ssh_get_error(c->ssh) : "";

	if (c->dead[0] != '\0') {
		return c->dead;
	}
	return e[0] != '\0' ? e : "closed by the gateway";
}

int
conn_timeout(const struct conn *c, uint64_t now_ms)
{
	if (!c->up && c->o->persist) {
		return now_ms >= c->retry_at ? 0 :
		    (int)(c->retry_at - now_ms);
	}
	if (!c->up || c->o->keepalive == 0) {
		return -1;
	}
	return now_ms >= c->next_keepalive ? 0 :
	    (int)(c->next_keepalive - now_ms);
}

bool
conn_may_retry(const struct conn *c, uint64_t now_ms, unsigned *wait_s)
{
	*wait_s = 0;
	if (c->failures == 0 || now_ms >= c->retry_at) {
		return true;
	}
	*wait_s = (unsigned)((c->retry_at - now_ms + 999) / 1000);
	return false;
}

bool
conn_persist_due(const struct conn *c, uint64_t now_ms)
{
	return c->o->persist && !c->up && now_ms >= c->retry_at;
}

const char *
conn_last_error(const struct conn *c)
{
	return c->error[0] != '\0' ? c->error : "gateway unreachable";
}
