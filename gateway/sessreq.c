/*
 * sessreq: what a session answers to each request libssh hands its
 * message callback, and the one place a tunnel is let in: a
 * direct-tcpip channel passes the Forward table, the user's permits and
 * BindMailbox's map before its channel is accepted or any socket opened
 * (tunnel_open).
 */
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/addr.h"
#include "popgate/auth.h"
#include "popgate/log.h"
#include "popgate/mailbind.h"
#include "popgate/mailmap.h"
#include "popgate/policy.h"
#include "popgate/servconf.h"
#include "popgate/sesschan.h"
#include "popgate/session.h"
#include "popgate/sessreq.h"
#include "popgate/tunnel.h"
#include "popgate/xmem.h"

static void
log_refused(const struct session *s, const char *request, const char *target)
{
	char	q[LOG_VALUE_MAX], qt[LOG_TEXT_MAX];

	log_info("event=refused user=%s from=%s request=%s%s%s",
	    session_quser(s, q), s->peer, request,
	    target != NULL ? " target=" : "",
	    target != NULL ? log_quote(qt, sizeof(qt), target) : "");
}

static size_t
channel_count(const struct session *s)
{
	return s->ntunnels + s->nchans;
}

/*
 * BindMailbox: the mailbox this user's POP3 tunnels are bound to, read
 * from MailboxMap now ("" when not bound). -1 (logged): refuse the
 * channel, since a map that cannot be read binds nobody safely.
 */
static int
bound_mailbox(const struct session *s, const struct policy_entry *pe,
    char *buf, size_t len)
{
	char	err[512], qe[LOG_TEXT_MAX], qu[LOG_VALUE_MAX];

	buf[0] = '\0';
	if (!s->sc->bind_mailbox || pe->proto != POLICY_PROTO_POP3) {
		return 0;
	}
	if (mailmap_resolve(s->sc->mailbox_map, s->sc->strict_modes,
	    auth_user(s->auth), buf, len, err, sizeof(err)) != 0) {
		log_error("event=mailbox-map-failed user=%s from=%s error=%s "
		    "action=refuse-tunnel", log_quote(qu, sizeof(qu),
		    auth_user(s->auth)), s->peer, log_quote(qe, sizeof(qe),
		    err));
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

static int
open_direct_tcpip(struct session *s, ssh_message msg)
{
	const struct policy_entry	*pe = NULL;
	struct tunnel			*t = NULL;
	const char			*host;
	int				 port;
	char				 target[ADDR_STRLEN];
	char				 q[LOG_TEXT_MAX], qu[LOG_VALUE_MAX];
	char				 mailbox[MAILBIND_MAILBOX_MAX + 1];

	host = ssh_message_channel_request_open_destination(msg);
	port = ssh_message_channel_request_open_destination_port(msg);
	if (host == NULL) {
		host = "";
	}
	addr_format(host, (uint16_t)(port < 0 || port > 65535 ? 0 : port),
	    target, sizeof(target));
	pe = policy_match(s->sc->forwards, host, (unsigned)port);
	if (pe == NULL || !auth_permits(s->auth, host, (unsigned)port)) {
		log_refused(s, "direct-tcpip", target);
		return 1;
	}
	if (bound_mailbox(s, pe, mailbox, sizeof(mailbox)) != 0) {
		return 1;
	}
	t = tunnel_open(s->ev, msg, pe, s->sc, auth_user(s->auth), s->peer);
	if (t == NULL) {
		log_error("event=channel-accept-failed from=%s error=%s",
		    s->peer, log_quote(q, sizeof(q), ssh_get_error(s->ssh)));
		return 1;
	}
	if (mailbox[0] != '\0') {
		tunnel_bind_mailbox(t, mailbox);
	}
	if (pe->proxy) {
		tunnel_set_proxy(t, (struct sockaddr *)&s->client,
		    (struct sockaddr *)&s->local);
	}
	s->tunnels = xreallocarray(s->tunnels, s->ntunnels + 1,
	    sizeof(*s->tunnels));
	s->tunnels[s->ntunnels++] = t;
	log_mail(LOG_LEVEL_VERBOSE, "event=tunnel-opened user=%s from=%s "
	    "target=%s", session_quser(s, qu), s->peer,
	    log_quote(q, sizeof(q), target));
	return 0;
}

static int
channel_open(struct session *s, ssh_message msg)
{
	int	type = ssh_message_subtype(msg);

	if (!auth_succeeded(s->auth)) {
		log_refused(s, "channel-before-auth", NULL);
		return 1;
	}
	if (s->refused || s->draining) {
		log_refused(s, "channel", s->refused ? "MaxSessionsPerUser" :
		    "shutting-down");
		return 1;
	}
	if (channel_count(s) >= s->sc->channels_per_session) {
		log_refused(s, "channel", "ChannelsPerSession-reached");
		return 1;
	}
	switch (type) {
	case SSH_CHANNEL_DIRECT_TCPIP:
		return open_direct_tcpip(s, msg);
	case SSH_CHANNEL_SESSION:
		return sesschan_open(s, msg);
	case SSH_CHANNEL_X11:
		log_refused(s, "x11", NULL);
		return 1;
	case SSH_CHANNEL_AUTH_AGENT:
		log_refused(s, "auth-agent", NULL);
		return 1;
	default:
		log_refused(s, "channel-open", NULL);
		return 1;
	}
}

static int
channel_request(struct session *s, ssh_message msg)
{
	ssh_channel	chan = ssh_message_channel_request_channel(msg);
	char		q[LOG_VALUE_MAX];

	switch (ssh_message_subtype(msg)) {
	case SSH_CHANNEL_REQUEST_SHELL:
		log_refused(s, "shell", NULL);
		return sesschan_refuse_run(s, msg, chan);
	case SSH_CHANNEL_REQUEST_EXEC:
		log_refused(s, "exec", NULL);
		return sesschan_refuse_run(s, msg, chan);
	case SSH_CHANNEL_REQUEST_SUBSYSTEM:
		log_refused(s, "subsystem", NULL);
		return sesschan_refuse_run(s, msg, chan);
	case SSH_CHANNEL_REQUEST_PTY:
		log_refused(s, "pty-req", NULL);
		break;
	case SSH_CHANNEL_REQUEST_X11:
		log_refused(s, "x11-req", NULL);
		break;
	case SSH_CHANNEL_REQUEST_ENV:
		log_debug("event=refused user=%s from=%s request=env",
		    session_quser(s, q), s->peer);
		break;
	case SSH_CHANNEL_REQUEST_WINDOW_CHANGE:
		log_verbose("event=refused user=%s from=%s "
		    "request=window-change", session_quser(s, q), s->peer);
		break;
	default:
		/* libssh 0.10 does not tell which. */
		log_verbose("event=refused user=%s from=%s "
		    "request=channel-request", session_quser(s, q), s->peer);
		break;
	}
	return 1;
}

static int
global_request(struct session *s, ssh_message msg)
{
	char	target[ADDR_STRLEN], q[LOG_VALUE_MAX];
	int	port = ssh_message_global_request_port(msg);
	const char *addr = ssh_message_global_request_address(msg);

	addr_format(addr != NULL ? addr : "", (uint16_t)(port < 0 ||
	    port > 65535 ? 0 : port), target, sizeof(target));
	switch (ssh_message_subtype(msg)) {
	case SSH_GLOBAL_REQUEST_TCPIP_FORWARD:
		log_refused(s, "tcpip-forward", target);
		break;
	case SSH_GLOBAL_REQUEST_CANCEL_TCPIP_FORWARD:
		log_refused(s, "cancel-tcpip-forward", target);
		break;
	default:
		log_verbose("event=refused user=%s from=%s "
		    "request=global-request", session_quser(s, q), s->peer);
		break;
	}
	return 1;
}

static const char *
method_name(int subtype)
{
	switch (subtype) {
	case SSH_AUTH_METHOD_NONE:
		return "none";
	case SSH_AUTH_METHOD_PASSWORD:
		return "password";
	case SSH_AUTH_METHOD_PUBLICKEY:
		return "publickey";
	case SSH_AUTH_METHOD_HOSTBASED:
		return "hostbased";
	case SSH_AUTH_METHOD_INTERACTIVE:
		return "keyboard-interactive";
	case SSH_AUTH_METHOD_GSSAPI_MIC:
		return "gssapi-with-mic";
	default:
		return "unknown";
	}
}

/*
 * Only ssh-userauth is served. Any other service is refused by hanging up
 * (RFC 4253 §10): libssh's default reply would accept it.
 */
static int
service_request(struct session *s, ssh_message msg)
{
	const char	*svc = ssh_message_service_service(msg);

	if (svc != NULL && strcmp(svc, "ssh-userauth") == 0 && !s->closing) {
		ssh_message_service_reply_success(msg);
		return 0;
	}
	log_refused(s, "service", svc != NULL ? svc : "");
	s->hangup = "service-refused";
	return 0;
}

/* Returns 1 for libssh's default refusal, 0 when answered here. */
int
sessreq_message_cb(ssh_session ssh, ssh_message msg, void *arg)
{
	struct session	*s = arg;

	(void)ssh;
	if (ssh_message_type(msg) == SSH_REQUEST_SERVICE) {
		return service_request(s, msg);
	}
	if (s->closing) {
		return 1;
	}
	switch (ssh_message_type(msg)) {
	case SSH_REQUEST_AUTH:
		auth_other(s->auth, ssh_message_auth_user(msg) != NULL ?
		    ssh_message_auth_user(msg) : "",
		    method_name(ssh_message_subtype(msg)));
		return 1;
	case SSH_REQUEST_CHANNEL_OPEN:
		return channel_open(s, msg);
	case SSH_REQUEST_CHANNEL:
		if (!auth_succeeded(s->auth)) {
			return 1;
		}
		return channel_request(s, msg);
	case SSH_REQUEST_GLOBAL:
		return global_request(s, msg);
	default:
		return 1;
	}
}
