/*
 * algos: the SSH algorithms popgated may offer (RFC 4253 §7.1), per kind,
 * and the modern defaults: curve25519 key exchange, chacha20-poly1305 and
 * AES-GCM/CTR ciphers, encrypt-then-MAC SHA-2 MACs, ed25519/ecdsa/rsa-sha2
 * host keys. Nothing older (no SHA-1, no CBC, no DSA) can be configured.
 * Pure: no I/O, no logging.
 */
#ifndef POPGATE_ALGOS_H
#define POPGATE_ALGOS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The NIST curves (ecdh-sha2-nistp*) stay allowed for old clients but are
 * off by default: ssh-audit fails them ("using weak elliptic curves").
 */
#define ALGOS_DEFAULT_KEX	"curve25519-sha256,curve25519-sha256@libssh.org," \
	"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512"
#define ALGOS_DEFAULT_CIPHERS	"chacha20-poly1305@openssh.com," \
	"aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr," \
	"aes192-ctr,aes128-ctr"
#define ALGOS_DEFAULT_MACS	"hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-512-etm@openssh.com"
#define ALGOS_DEFAULT_HOSTKEY	"ssh-ed25519,ecdsa-sha2-nistp256," \
	"ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"

enum algos_kind {
	ALGOS_KEX,
	ALGOS_CIPHERS,
	ALGOS_MACS,
	ALGOS_HOSTKEY
};

/*
 * Is list ("a,b,c": no blanks, no empty names, no repeats) made only of
 * names popgated allows for kind? false with the reason in err.
 */
bool		 algos_valid(enum algos_kind kind, const char *list, char *err,
		    size_t errlen);

/* The default list for kind. */
const char	*algos_default(enum algos_kind kind);

#endif
