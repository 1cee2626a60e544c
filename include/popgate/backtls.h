/*
 * backtls: TLS from the gateway to its backends (OpenSSL 3). One client
 * SSL_CTX per process, made by backtls_init() before serving and
 * inherited by every per-connection child: TLS 1.2 or newer, the peer's
 * certificate verified against BackendCAFile (or the system's CA store
 * when unset), and the name as written in the Forward checked against
 * the certificate (DNS names, and IP addresses against IP SANs; SNI is
 * sent for names). A certificate that fails verification fails the
 * handshake; backtls_why() says why.
 */
#ifndef POPGATE_BACKTLS_H
#define POPGATE_BACKTLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "popgate/policy.h"

struct servconf;

/* Does any Forward backend use TLS (pop3s://, starttls://, ...)? */
bool	backtls_needed(const struct servconf *sc);

/*
 * Makes the context from ca_file (NULL: the system store). 0, or -1 with
 * "BackendCAFile PATH: reason" in err. Again after success: replaces it.
 */
int	backtls_init(const char *ca_file, char *err, size_t errlen);
void	backtls_fini(void);

/*
 * A client SSL for fd (stays the caller's) checking host. NULL with the
 * reason in err (no context: backtls_init was not called).
 */
SSL	*backtls_new(int fd, const char *host, char *err, size_t errlen);

/*
 * Why the TLS call that returned ret failed, one line: "certificate
 * verify failed: unable to get local issuer certificate", "...: hostname
 * mismatch", "connection closed during the handshake", OpenSSL's reason.
 * Takes OpenSSL's error queue.
 */
void	backtls_why(SSL *ssl, int ret, char *buf, size_t len);

/* SSL_free after a best-effort close_notify (non-blocking). NULL ok. */
void	backtls_free(SSL *ssl);

#endif
