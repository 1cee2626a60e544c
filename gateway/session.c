/*
 * session: a session process's life, from the accepted socket to its
 * exit status: who the peer is (on a proxy listener, the PROXY header
 * says), then sesslogin (key exchange, authentication) and sessloop (the
 * event loop), then why it ended: the event=session-closed line, the
 * scoreboard's word, the client's disconnect message, and the teardown.
 * Also the helpers the session's modules share.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/addr.h"
#include "popgate/auth.h"
#include "popgate/clock.h"
#include "popgate/drain.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/policy.h"
#include "popgate/proxyconn.h"
#include "popgate/scoreboard.h"
#include "popgate/servconf.h"
#include "popgate/sesschan.h"
#include "popgate/session.h"
#include "popgate/sesslink.h"
#include "popgate/sesslogin.h"
#include "popgate/sessloop.h"
#include "popgate/sigwatch.h"
#include "popgate/tunnel.h"
#include "popgate/xmem.h"

static const char *
user_or_dash(const struct session *s)
{
	return auth_succeeded(s->auth) ? auth_user(s->auth) : "-";
}

const char *
session_quser(const struct session *s, char q[LOG_VALUE_MAX])
{
	return log_quote(q, LOG_VALUE_MAX, user_or_dash(s));
}

bool
session_alive(const struct session *s)
{
	int	st = ssh_get_status(s->ssh);

	return ssh_is_connected(s->ssh) &&
	    (st & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0;
}

static void
teardown(struct session *s, const char *why)
{
	size_t	i;

	/* Whatever libssh delivers while this runs is refused (sessreq). */
	s->closing = true;
	for (i = 0; i < s->ntunnels; i++) {
		tunnel_abort(s->tunnels[i], why);
		tunnel_free(s->tunnels[i]);
	}
	free(s->tunnels);
	s->tunnels = NULL;
	s->ntunnels = 0;
	sesschan_free_all(s);
	/*
	 * Unblocking restores the mask: the gateway's stop request (SIGUSR1,
	 * "end with your last tunnel") has nothing left to drain and must not
	 * kill the rest of this, or the exit (OpenSSL's atexit cleanup).
	 */
	signal(SIGUSR1, SIG_IGN);
	sigwatch_free(s->sig);
	drain_free(s->drain);
	if (s->ev != NULL) {
		ssh_event_remove_session(s->ev, s->ssh);
		ssh_event_free(s->ev);
	}
	if (s->ssh != NULL) {
		ssh_disconnect(s->ssh);
		ssh_free(s->ssh);
	}
	auth_free(s->auth);
	free(s->targets);
	sesslink_free(s->link);
}

/* The scoreboard's word for why a session ended (sessloop_run's reasons). */
static enum scoreboard_end
end_of(const char *why)
{
	static const struct {
		const char		*why;
		enum scoreboard_end	 end;
	} ends[] = {
		{ "client-closed", SCOREBOARD_END_CLOSED },
		{ "max-auth-tries", SCOREBOARD_END_AUTH_EXHAUSTED },
		{ "login-grace-time", SCOREBOARD_END_GRACE },
		{ "kex-failed", SCOREBOARD_END_KEX_FAILED },
		{ "max-sessions-per-user", SCOREBOARD_END_REFUSED },
		{ "unused-connection-timeout", SCOREBOARD_END_UNUSED },
		{ "shutdown", SCOREBOARD_END_SHUTDOWN },
	};
	size_t	i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		if (strcmp(ends[i].why, why) == 0) {
			return ends[i].end;
		}
	}
	return SCOREBOARD_END_ERROR;
}

/* What the client reads when the gateway, not the client, hangs up. */
static void
say_why(struct session *s, const char *why)
{
	char	*msg = NULL;

	if (s->ssh == NULL || !session_alive(s)) {
		return;
	}
	if (strcmp(why, "max-sessions-per-user") == 0) {
		msg = xasprintf("popgated: too many sessions for %s "
		    "(MaxSessionsPerUser %u)", auth_user(s->auth),
		    s->sc->max_sessions_per_user);
	} else if (strcmp(why, "unused-connection-timeout") == 0) {
		msg = xasprintf("popgated: no tunnel for %us "
		    "(UnusedConnectionTimeout)",
		    s->sc->unused_connection_timeout);
	} else if (strcmp(why, "shutdown") == 0) {
		msg = xasprintf("popgated: shutting down");
	}
	if (msg != NULL) {
		ssh_session_set_disconnect_message(s->ssh, msg);
		free(msg);
	}
}

/*
 * Who the connection is from (accept()'s word: a balancer's health check
 * may be gone before we could ask the socket) and where it reached us;
 * on a proxy listener the PROXY header says who. -1: close it (logged).
 */
static int
addresses(struct session *s, const struct session_conn *c)
{
	struct proxyconn	pc;
	socklen_t		len = sizeof(s->local);

	s->client = c->peer;
	if (getsockname(c->fd, (struct sockaddr *)&s->local, &len) != 0) {
		memset(&s->local, 0, sizeof(s->local));
	}
	addr_format_sa((const struct sockaddr *)&s->client, s->peer,
	    sizeof(s->peer));
	if (!c->proxied) {
		log_verbose("event=connection from=%s", s->peer);
		return 0;
	}
	if (proxyconn_take(c->fd, (const struct sockaddr *)&c->peer,
	    s->grace_deadline, s->link, &pc) != 0) {
		return -1;
	}
	s->client = pc.client;
	s->quiet = pc.quiet;
	snprintf(s->peer, sizeof(s->peer), "%s", pc.peer);
	return 0;
}

int
session_serve(const struct servconf *sc, const struct pwfile *pw,
    ssh_bind bind, const struct session_conn *c)
{
	struct session		 s;
	const char		*why = "kex-failed";
	char			 q[LOG_VALUE_MAX];
	int			 rc, fd = c->fd;

	memset(&s, 0, sizeof(s));
	s.sc = sc;
	s.link = sesslink_new(c->ctl_fd, c->slot, clock_ms());
	/* The PROXY header's wait counts against LoginGraceTime too. */
	s.grace_deadline = clock_ms() +
	    (uint64_t)sc->login_grace_time * 1000;
	if (addresses(&s, c) != 0) {
		close(fd);
		sesslink_end(s.link, SCOREBOARD_END_CLOSED);
		sesslink_free(s.link);
		return 0;
	}
	/*
	 * Small POP3 commands must not wait for Nagle (RFC 896) on either
	 * hop.
	 */
	net_set_nodelay(fd);
	/* A client that stops reading must never block the whole session. */
	net_set_nonblock(fd);
	s.targets = policy_describe(sc->forwards);
	s.auth = auth_new(sc, pw, s.peer);
	rc = sesslogin_start(&s, bind, fd);
	if (rc == 0) {
		why = sessloop_run(&s);
	} else if (rc == -2) {
		why = "login-grace-time";
	}
	log_verbose("event=session-closed user=%s from=%s reason=%s",
	    session_quser(&s, q), s.peer, why);
	sessloop_account(&s, clock_ms());
	sesslogin_publish_auth(&s);
	sesslink_end(s.link, end_of(why));
	say_why(&s, why);
	teardown(&s, why);
	return 0;
}
