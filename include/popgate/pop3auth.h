/*
 * pop3auth: PasswordBackend pop3. An SSH password is checked by logging
 * in with it at the backend of the first Forward whose target is POP3
 * (its backends in order, the next one only when a connect fails), as the
 * user's mailbox (MailboxMap, else the SSH user name):
 *
 *   - over TLS when the backend is pop3s:// (implicit) or starttls://
 *     (STLS), verified as for tunnels (backtls.h);
 *   - with APOP when the greeting carries a timestamp (RFC 1939 §7): the
 *     password itself never crosses the inside network;
 *   - otherwise USER/PASS, inside TLS, or in clear only with
 *     BackendPlaintextAuth yes; without it the check fails closed and the
 *     log says which setting would allow it.
 *
 * Then QUIT. Blocking: it runs in the connection's own process inside
 * libssh's password callback, where nothing else of that connection can
 * happen yet, and the whole check is bounded by BackendConnectTimeout.
 * Results are not cached (AuthCacheSeconds is 0). Every failure looks
 * the same to the SSH client; only the log tells them apart.
 */
#ifndef POPGATE_POP3AUTH_H
#define POPGATE_POP3AUTH_H

#include <stddef.h>

struct servconf;

enum pop3auth_result {
	POP3AUTH_OK,
	POP3AUTH_REJECTED,	/* the backend said -ERR: wrong password */
	POP3AUTH_UNUSABLE,	/* password or name cannot be sent */
	POP3AUTH_FAILED		/* backend unreachable, TLS, protocol: logged */
};

/*
 * Logs in at the backend as mailbox with password. *reason gets a short
 * word for the auth log line ("backend-rejected", "backend-unavailable",
 * "plaintext-refused", ...); details of a FAILED check are logged here.
 */
enum pop3auth_result pop3auth_check(const struct servconf *sc,
		    const char *user, const char *mailbox,
		    const char *password, const char **reason);

#endif
