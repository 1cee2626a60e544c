/*
 * backtls: the client side of TLS to the backends. The context is made
 * once, before any fork, so the CA file is read with the parent's rights
 * and every child verifies against the same store.
 *
 * SSL_OP_IGNORE_UNEXPECTED_EOF: many POP3 servers close after QUIT
 * without a close_notify; POP3 frames its own data ("." ends every
 * multi-line reply), so an EOF is an EOF, as on the plain hop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "popgate/backtls.h"
#include "popgate/servconf.h"

static SSL_CTX	*backtls_ctx;

bool
backtls_needed(const struct servconf *sc)
{
	const struct policy_entry	*e = NULL;
	size_t				 i, j;

	for (i = 0; i < policy_count(sc->forwards); i++) {
		e = policy_entry_const(sc->forwards, i);
		for (j = 0; j < e->nbackends; j++) {
			if (e->backends[j].tls != POLICY_TLS_NONE) {
				return true;
			}
		}
	}
	return false;
}

/* OpenSSL's first queued reason, or fallback; clears the queue. */
static void
ssl_reason(char *buf, size_t len, const char *fallback)
{
	unsigned long	e = ERR_get_error();

	if (e == 0) {
		snprintf(buf, len, "%s", fallback);
	} else {
		ERR_error_string_n(e, buf, len);
	}
	ERR_clear_error();
}

int
backtls_init(const char *ca_file, char *err, size_t errlen)
{
	SSL_CTX	*ctx = NULL;
	char	 why[256];

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx,
	    TLS1_2_VERSION) != 1) {
		ssl_reason(why, sizeof(why), "out of memory");
		snprintf(err, errlen, "cannot make a TLS context: %s", why);
		SSL_CTX_free(ctx);
		return -1;
	}
	if (ca_file != NULL ? SSL_CTX_load_verify_locations(ctx, ca_file,
	    NULL) != 1 : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		ssl_reason(why, sizeof(why), "no certificates in it");
		snprintf(err, errlen, "BackendCAFile %s: cannot load: %s",
		    ca_file != NULL ? ca_file : "(system store)", why);
		SSL_CTX_free(ctx);
		return -1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_free(backtls_ctx);
	backtls_ctx = ctx;
	return 0;
}

void
backtls_fini(void)
{
	SSL_CTX_free(backtls_ctx);
	backtls_ctx = NULL;
}

static bool
is_ip(const char *host)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

SSL *
backtls_new(int fd, const char *host, char *err, size_t errlen)
{
	SSL	*ssl = NULL;
	char	 why[256];

	if (backtls_ctx == NULL) {
		snprintf(err, errlen, "no TLS context (backtls_init)");
		return NULL;
	}
	ERR_clear_error();
	ssl = SSL_new(backtls_ctx);
	/* RFC 6066 §3: SNI carries names, never address literals. */
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_set1_host(ssl, host) != 1 ||
	    (!is_ip(host) && SSL_set_tlsext_host_name(ssl, host) != 1)) {
		ssl_reason(why, sizeof(why), "out of memory");
		snprintf(err, errlen, "cannot set up TLS for %s: %s", host,
		    why);
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_connect_state(ssl);
	return ssl;
}

void
backtls_why(SSL *ssl, int ret, char *buf, size_t len)
{
	long	vr = SSL_get_verify_result(ssl);
	int	e = SSL_get_error(ssl, ret);

	if (vr != X509_V_OK) {
		snprintf(buf, len, "certificate verify failed: %s",
		    X509_verify_cert_error_string(vr));
		ERR_clear_error();
		return;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		snprintf(buf, len, "%s", ret == 0 || errno == 0 ?
		    "connection closed during the handshake" : strerror(errno));
		return;
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		snprintf(buf, len, "the server closed the TLS connection");
		return;
	}
	ssl_reason(buf, len, "TLS error");
}

void
backtls_free(SSL *ssl)
{
	if (ssl == NULL) {
		return;
	}
	/* One try: a full send buffer is no reason to wait. */
	if (SSL_is_init_finished(ssl)) {
		(void)SSL_shutdown(ssl);
	}
	ERR_clear_error();
	SSL_free(ssl);
}
