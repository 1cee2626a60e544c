/*
 * bridge: the hop behind the gateway when copying alone is not enough:
 * TLS to the backend (pop3s://, imaps://, submissions://: implicit TLS,
 * RFC 8314; starttls://: POP3 STLS, RFC 2595) and BindMailbox
 * (mailbind.h). It owns the backend socket, its SSL and a socketpair
 * whose other end the relay gets once the backend is ready, so the relay
 * stays a plain descriptor <-> channel pump. Runs non-blocking on the
 * tunnel's ssh_event (gateway child); memory is bounded by two
 * BRIDGE_BUFSZ buffers, plus mailbind's when the tunnel is bound.
 *
 * STLS: the bridge reads the backend's greeting and keeps it, asks CAPA
 * (STLS must be listed; a server without CAPA is asked STLS anyway),
 * sends STLS, does the handshake, and only then gives the mail client the
 * greeting it kept. The client sees an ordinary POP3 greeting - with the
 * APOP timestamp the server keeps for the session - and never learns of
 * the upgrade. Bytes after the server's +OK to STLS, before the
 * handshake, fail the tunnel (plaintext injection, as CVE-2011-0411).
 *
 * Logs the BindMailbox refusals and logins itself (event=mailbox-refused,
 * event=mailbox-login); failures are the caller's to log (bridge_failed).
 */
#ifndef POPGATE_BRIDGE_H
#define POPGATE_BRIDGE_H

#include <stdbool.h>

#include <libssh/libssh.h>

#include "popgate/policy.h"

#define BRIDGE_BUFSZ	(16 * 1024)	/* one TLS record */

struct bridge;

/*
 * Starts the hop on the connected backend socket fd (taken, even on
 * failure). b is the backend connected to; mailbox, when not NULL, binds
 * the tunnel's POP3 logins to it; who ("user=alice from=...", values
 * quoted as log_quote does) labels the log lines. All copied. NULL
 * with the reason in err.
 */
struct bridge	*bridge_new(ssh_event ev, int fd,
		    const struct policy_backend *b, const char *mailbox,
		    const char *who, char *err, size_t errlen);
/*
 * Closes everything; with reset, the backend gets a TCP reset (the mail
 * client's side broke) instead of a close_notify and FIN. NULL is fine.
 */
void		 bridge_free(struct bridge *br, bool reset);

/* Moves what can move; call after every ssh_event_dopoll(). */
void		 bridge_pump(struct bridge *br);

/* The backend is ready: the relay's end of the socketpair, once (the
 * caller owns it), then -1. -1 before too. */
int		 bridge_take_fd(struct bridge *br);
bool		 bridge_ready(const struct bridge *br);

/*
 * Failed, *why says how ("TLS: certificate verify failed: ...",
 * "backend does not offer STLS", "mailbind: ..."). Before ready the
 * channel has seen nothing; after, the stream is broken.
 */
bool		 bridge_failed(const struct bridge *br, const char **why);

#endif
