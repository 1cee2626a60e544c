/*
 * sessloop: the loop itself, its timeouts and what it checks each turn.
 * Why a session ends is decided here, in this order: repeated poll
 * errors, SIGTERM/SIGINT, a callback's hangup or refusal, MaxAuthTries
 * and LoginGraceTime before login; then, once the tunnels ran, the
 * connection's end, draining (SIGUSR1) and UnusedConnectionTimeout.
 */
#include <signal.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/auth.h"
#include "popgate/clock.h"
#include "popgate/drain.h"
#include "popgate/log.h"
#include "popgate/relay.h"
#include "popgate/scoreboard.h"
#include "popgate/servconf.h"
#include "popgate/sesschan.h"
#include "popgate/session.h"
#include "popgate/sesslink.h"
#include "popgate/sessloop.h"
#include "popgate/sigwatch.h"
#include "popgate/tunnel.h"

#define SESSLOOP_MAX_WAIT_MS		30000	/* bound on one idle poll */
#define SESSLOOP_MAX_POLL_ERRORS	100
/* Ready events taken before pumping. */
#define SESSLOOP_DRAIN_POLLS		64

static void
pump_tunnels(struct session *s, uint64_t now)
{
	uint64_t	up, down;
	size_t		i = 0;

	while (i < s->ntunnels) {
		tunnel_pump(s->tunnels[i], now);
		if (tunnel_done(s->tunnels[i])) {
			tunnel_counts(s->tunnels[i], &up, &down);
			s->closed_up += up;
			s->closed_down += down;
			tunnel_free(s->tunnels[i]);
			s->tunnels[i] = s->tunnels[--s->ntunnels];
			continue;
		}
		i++;
	}
}

/* Milliseconds until UnusedConnectionTimeout closes it, -1 for never. */
static int
unused_left(const struct session *s, uint64_t now)
{
	uint64_t	limit = (uint64_t)s->sc->unused_connection_timeout *
	    1000;

	if (limit == 0 || !auth_succeeded(s->auth) || s->ntunnels > 0 ||
	    s->nchans > 0) {
		return -1;
	}
	if (now >= s->unused_since + limit) {
		return 0;
	}
	return (int)(s->unused_since + limit - now);
}

static int
next_timeout(const struct session *s, uint64_t now)
{
	int	ms = SESSLOOP_MAX_WAIT_MS, t;
	size_t	i;

	if (!auth_succeeded(s->auth)) {
		t = now >= s->grace_deadline ? 0 :
		    (int)(s->grace_deadline - now);
		ms = t < ms ? t : ms;
	}
	for (i = 0; i < s->ntunnels; i++) {
		t = tunnel_timeout(s->tunnels[i], now);
		if (t >= 0 && t < ms) {
			ms = t;
		}
	}
	t = unused_left(s, now);
	return t >= 0 && t < ms ? t : ms;
}

/*
 * Tunnels, bytes and the last time any moved, for the scoreboard:
 * published only when something changed, so an idle session writes
 * nothing.
 */
void
sessloop_account(struct session *s, uint64_t now)
{
	uint64_t	up, down, tup = s->closed_up, tdown = s->closed_down;
	size_t		i;

	for (i = 0; i < s->ntunnels; i++) {
		tunnel_counts(s->tunnels[i], &up, &down);
		tup += up;
		tdown += down;
	}
	if (s->ntunnels > 0 || s->nchans > 0) {
		s->unused_since = now;
	}
	sesslink_traffic(s->link, (unsigned)s->ntunnels, tup, tdown, now);
}

/* The gateway is stopping (SIGUSR1): no new tunnels, end with the last. */
static bool
drained(struct session *s)
{
	char	q[LOG_VALUE_MAX];

	if (!sigwatch_seen(s->sig, SIGUSR1)) {
		return false;
	}
	if (!auth_succeeded(s->auth)) {
		return true;
	}
	if (!s->draining) {
		s->draining = true;
		sesslink_state(s->link, SCOREBOARD_DRAINING);
		log_verbose("event=session-draining user=%s from=%s "
		    "tunnels=%zu", session_quser(s, q), s->peer, s->ntunnels);
	}
	return s->ntunnels == 0;
}

/*
 * Why the connection is gone. libssh ends it itself on a message out of
 * place (its packet filter: a client's USERAUTH_SUCCESS, a channel before
 * authentication, CVE-2018-10933), an oversized packet or a bad MAC; its
 * error then says which, while a client that left leaves a disconnect or
 * socket error.
 */
static const char *
end_reason(const struct session *s)
{
	const char	*e = ssh_get_error(s->ssh);
	char		 q[LOG_TEXT_MAX];

	/* libssh spells a peer's goodbye "... SSH_MSG_DISCONNECT ...". */
	if (*e == '\0' || strstr(e, "disconnect") != NULL ||
	    strstr(e, "DISCONNECT") != NULL ||
	    strncmp(e, "Socket error", 12) == 0) {
		return "client-closed";
	}
	log_info("event=connection-error from=%s error=%s", s->peer,
	    log_quote(q, sizeof(q), e));
	return "protocol-error";
}

/* The event loop after key exchange. Returns why it ended. */
const char *
sessloop_run(struct session *s)
{
	unsigned	errors = 0;
	uint64_t	now;
	bool		dirty = false;

	for (;;) {
		now = clock_ms();
		if (ssh_event_dopoll(s->ev, dirty ? 0 : next_timeout(s, now)) ==
		    SSH_ERROR) {
			if (++errors >= SESSLOOP_MAX_POLL_ERRORS) {
				return "poll-error";
			}
		} else {
			errors = 0;
			drain_session(s->drain, s->ev, s->ssh,
			    SESSLOOP_DRAIN_POLLS);
		}
		now = clock_ms();
		if (sigwatch_seen(s->sig, SIGTERM) ||
		    sigwatch_seen(s->sig, SIGINT)) {
			return "shutdown";
		}
		if (s->hangup != NULL) {
			return s->hangup;
		}
		if (s->refused) {
			return "max-sessions-per-user";
		}
		if (auth_succeeded(s->auth)) {
			/* Logged in: the parent was asked in the callback. */
		} else if (auth_exhausted(s->auth)) {
			log_info("event=auth-exhausted from=%s", s->peer);
			return "max-auth-tries";
		} else if (now >= s->grace_deadline) {
			log_info("event=login-grace-exceeded from=%s", s->peer);
			return "login-grace-time";
		}
		relay_take_dirty();
		pump_tunnels(s, now);
		sesschan_reap(s);
		dirty = relay_take_dirty();
		sessloop_account(s, now);
		if (!session_alive(s)) {
			return end_reason(s);
		}
		if (drained(s)) {
			return "shutdown";
		}
		if (unused_left(s, now) == 0) {
			return "unused-connection-timeout";
		}
	}
}
