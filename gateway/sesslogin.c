/*
 * sesslogin: key exchange and the authentication callbacks. Only
 * password, publickey and none have callbacks; sessreq counts the other
 * methods. A publickey probe is answered without logging in.
 */
#include <signal.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/auth.h"
#include "popgate/clock.h"
#include "popgate/drain.h"
#include "popgate/log.h"
#include "popgate/servconf.h"
#include "popgate/session.h"
#include "popgate/sesslink.h"
#include "popgate/sesslogin.h"
#include "popgate/sessreq.h"
#include "popgate/sigwatch.h"

void
sesslogin_publish_auth(struct session *s)
{
	sesslink_auth(s->link, auth_attempts(s->auth), auth_failures(s->auth));
}

/*
 * A user just logged in: the parent decides whether the session may go
 * on (MaxSessionsPerUser). Asked inside the auth callback, so no
 * channel request can arrive before the answer.
 */
static void
admit(struct session *s)
{
	s->admitted = true;
	s->unused_since = clock_ms();
	sesslogin_publish_auth(s);
	s->refused = !sesslink_admit(s->link, auth_user(s->auth),
	    s->unused_since);
}

static int
password_cb(ssh_session ssh, const char *user, const char *password,
    void *arg)
{
	struct session	*s = arg;
	int		 rc;

	(void)ssh;
	rc = auth_password(s->auth, user, password);
	if (rc == SSH_AUTH_SUCCESS) {
		admit(s);
	}
	sesslogin_publish_auth(s);
	return rc;
}

static int
pubkey_cb(ssh_session ssh, const char *user, struct ssh_key_struct *key,
    char state, void *arg)
{
	struct session	*s = arg;
	int		 rc;

	(void)ssh;
	rc = auth_pubkey(s->auth, user, key, state);
	/* SUCCESS to a probe only says "this key would do". */
	if (rc == SSH_AUTH_SUCCESS && auth_succeeded(s->auth) &&
	    !s->admitted) {
		admit(s);
	}
	sesslogin_publish_auth(s);
	return rc;
}

static int
none_cb(ssh_session ssh, const char *user, void *arg)
{
	struct session	*s = arg;

	(void)ssh;
	auth_other(s->auth, user, "none");
	return SSH_AUTH_DENIED;
}

static void
install_callbacks(struct session *s)
{
	s->cb.userdata = s;
	s->cb.auth_password_function = password_cb;
	s->cb.auth_pubkey_function = pubkey_cb;
	s->cb.auth_none_function = none_cb;
	ssh_callbacks_init(&s->cb);
	ssh_set_server_callbacks(s->ssh, &s->cb);
	ssh_set_message_callback(s->ssh, sessreq_message_cb, s);
	ssh_set_auth_methods(s->ssh, auth_methods(s->auth));
}

static const int	session_signals[] = { SIGINT, SIGTERM, SIGUSR1 };

static void
log_kex_failed(const struct session *s, const char *why)
{
	char	q[LOG_TEXT_MAX];

	/* A balancer's health check connects and leaves: not news. */
	if (s->quiet) {
		log_verbose("event=kex-failed from=%s error=%s", s->peer,
		    log_quote(q, sizeof(q), why));
	} else {
		log_info("event=kex-failed from=%s error=%s", s->peer,
		    log_quote(q, sizeof(q), why));
	}
}

/* Banner and key exchange, blocking but bounded by LoginGraceTime. */
int
sesslogin_start(struct session *s, ssh_bind bind, int fd)
{
	long		 grace = (long)s->sc->login_grace_time;
	const char	*why = NULL;
	char		 q[LOG_TEXT_MAX];

	s->ssh = ssh_new();
	if (s->ssh == NULL) {
		close(fd);
		return -1;
	}
	if (ssh_bind_accept_fd(bind, s->ssh, fd) != SSH_OK) {
		log_error("event=session-start-failed from=%s error=%s",
		    s->peer, log_quote(q, sizeof(q), ssh_get_error(bind)));
		close(fd);
		return -1;
	}
	ssh_options_set(s->ssh, SSH_OPTIONS_TIMEOUT, &grace);
	install_callbacks(s);
	if (ssh_handle_key_exchange(s->ssh) != SSH_OK) {
		why = ssh_get_error(s->ssh);
		if (*why == '\0') {
			why = clock_ms() >= s->grace_deadline ? "not finished "
			    "within LoginGraceTime" : "broken off or bad data";
		}
		log_kex_failed(s, why);
		/* A silent client (no banner) costs a whole LoginGraceTime. */
		return clock_ms() >= s->grace_deadline ? -2 : -1;
	}
	ssh_set_blocking(s->ssh, 0);
	s->ev = ssh_event_new();
	s->drain = drain_new();
	if (s->ev == NULL || s->drain == NULL ||
	    ssh_event_add_session(s->ev, s->ssh) != SSH_OK ||
	    (s->sig = sigwatch_new_set(s->ev, session_signals,
	    sizeof(session_signals) / sizeof(session_signals[0]))) == NULL) {
		log_error("event=session-setup-failed from=%s", s->peer);
		return -1;
	}
	return 0;
}
