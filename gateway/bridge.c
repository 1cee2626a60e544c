/*
 * bridge: phases GREETING -> CAPA -> STLS (starttls:// only) ->
 * HANDSHAKE (any TLS) -> RELAY, or straight to RELAY for a plain backend
 * that is only bound (BindMailbox).
 *
 * This file holds the phases up to RELAY and the bridge's life: the
 * backend's poll events, failing, the STLS negotiation (greeting, CAPA,
 * STLS), the TLS handshake, the pump that runs each phase in turn, and
 * new / free / the queries. bridgeio.c moves the octets (the backend's
 * and the tunnel side's reads and writes, and the RELAY phase);
 * bridgeio.h holds the struct both work on.
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
#include "popgate/bridgeio.h"
#include "popgate/mailbind.h"
#include "popgate/net.h"
#include "popgate/pop3.h"
#include "popgate/xmem.h"

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
void
bridge_fail(struct bridge *br, const char *what, const char *detail)
{
	if (br->phase == BRIDGE_PH_FAILED) {
		return;
	}
	snprintf(br->why, sizeof(br->why), "%s%s%s", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	br->phase = BRIDGE_PH_FAILED;
}

static void
update_events(struct bridge *br)
{
	short	in = 0, back = 0;
	size_t	n;

	if (br->phase == BRIDGE_PH_FAILED) {
		watch(br, br->inner, 0, &br->innerreg);
		watch(br, br->fd, 0, &br->fdreg);
		return;
	}
	if (br->phase == BRIDGE_PH_HANDSHAKE) {
		back = br->rd_want;
	} else if (br->phase != BRIDGE_PH_RELAY) {
		back = POLLIN | (br->cmdlen > 0 ? POLLOUT : 0);
	} else {
		in = br->up.len == 0 && !br->up.eof ? POLLIN : 0;
		(void)bridgeio_pending(br, &br->down, &n);
		in |= n > 0 ? POLLOUT : 0;
		if (br->down.len == 0 && !br->down.eof) {
			back |= br->ssl != NULL && br->rd_want == POLLOUT ?
			    POLLOUT : POLLIN;
		}
		(void)bridgeio_pending(br, &br->up, &n);
		if (n > 0) {
			back |= br->ssl != NULL && br->wr_want == POLLIN ?
			    POLLIN : POLLOUT;
		}
	}
	watch(br, br->inner, in, &br->innerreg);
	watch(br, br->fd, back, &br->fdreg);
}

/* STLS phases: one command, sent whole (it fits any socket buffer). */
static void
send_cmd(struct bridge *br, const char *cmd, enum bridge_phase next)
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
	w = bridgeio_back_write(br, br->cmd, br->cmdlen);
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
		bridge_fail(br, err, NULL);
		return;
	}
	br->rd_want = POLLOUT;	/* the ClientHello goes first */
	br->phase = BRIDGE_PH_HANDSHAKE;
}

/* The greeting, the CAPA list and the answer to STLS. */
static void
stls_line(struct bridge *br, const char *line, size_t n)
{
	struct pop3_resp	r;
	char			err[128];
	int			rc;

	if (br->phase == BRIDGE_PH_CAPA && br->capa_listed) {
		rc = pop3_capa_line(&br->capa, line, n, err, sizeof(err));
		if (rc < 0) {
			bridge_fail(br, "backend CAPA", err);
		} else if (rc == 1 && !br->capa.stls) {
			bridge_fail(br, "backend does not offer STLS (not in "
			    "its CAPA list)", NULL);
		} else if (rc == 1) {
			send_cmd(br, "STLS\r\n", BRIDGE_PH_STLS);
		}
		return;
	}
	if (pop3_parse_response(line, n, &r, err, sizeof(err)) != 0) {
		bridge_fail(br, "backend before TLS", err);
		return;
	}
	if (br->phase == BRIDGE_PH_GREETING && r.status == POP3_OK) {
		memcpy(br->greeting, line, n);
		br->greetlen = n;
		send_cmd(br, "CAPA\r\n", BRIDGE_PH_CAPA);
	} else if (br->phase == BRIDGE_PH_CAPA && r.status == POP3_OK) {
		br->capa_listed = true;
	} else if (br->phase == BRIDGE_PH_CAPA) {
		/* No CAPA: just ask. */
		send_cmd(br, "STLS\r\n", BRIDGE_PH_STLS);
	} else if (br->phase == BRIDGE_PH_STLS && r.status == POP3_OK) {
		start_handshake(br);
	} else {
		snprintf(err, sizeof(err), "%.100s", r.text);
		bridge_fail(br, br->phase == BRIDGE_PH_STLS ?
		    "backend refused STLS" : "backend greeting", err);
	}
}

static void
stls_phase(struct bridge *br)
{
	ssize_t	r, n = 0;

	flush_cmd(br);
	while (br->phase <= BRIDGE_PH_STLS && br->linelen < sizeof(br->line)) {
		r = bridgeio_back_read(br, br->line + br->linelen,
		    sizeof(br->line) - br->linelen);
		if (r == 0) {
			bridge_fail(br, "backend closed the connection before "
			    "TLS", NULL);
		}
		if (r <= 0) {
			break;
		}
		br->linelen += (size_t)r;
		while (br->phase <= BRIDGE_PH_STLS &&
		    (n = pop3_line_len(br->line, br->linelen,
		    sizeof(br->line))) > 0) {
			stls_line(br, br->line, (size_t)n);
			memmove(br->line, br->line + n,
			    br->linelen - (size_t)n);
			br->linelen -= (size_t)n;
		}
		if (n < 0) {
			bridge_fail(br, "backend line before TLS longer than "
			    "512 octets", NULL);
		}
	}
	/* Nothing may follow the +OK to STLS in clear (CVE-2011-0411). */
	if (br->phase == BRIDGE_PH_HANDSHAKE && br->linelen > 0) {
		bridge_fail(br, "backend sent data after its +OK to STLS",
		    NULL);
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
		br->phase = BRIDGE_PH_RELAY;
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
	bridge_fail(br, "TLS", why);
}

void
bridge_pump(struct bridge *br)
{
	if (br == NULL || br->phase == BRIDGE_PH_FAILED) {
		return;
	}
	/* Relaying, only its descriptors' events can move anything. */
	if (br->phase == BRIDGE_PH_RELAY && !br->kick) {
		return;
	}
	br->kick = false;
	if (br->phase <= BRIDGE_PH_STLS) {
		stls_phase(br);
	}
	if (br->phase == BRIDGE_PH_HANDSHAKE) {
		handshake(br);
	}
	if (br->phase == BRIDGE_PH_RELAY) {
		bridgeio_relay(br);
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
	br->phase = b->tls == POLICY_TLS_STARTTLS ? BRIDGE_PH_GREETING :
	    BRIDGE_PH_RELAY;
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

	if (br->phase == BRIDGE_PH_RELAY) {
		fd = br->outer;
		br->outer = -1;
	}
	return fd;
}

bool
bridge_ready(const struct bridge *br)
{
	return br->phase == BRIDGE_PH_RELAY;
}

bool
bridge_failed(const struct bridge *br, const char **why)
{
	*why = br->why;
	return br->phase == BRIDGE_PH_FAILED;
}
