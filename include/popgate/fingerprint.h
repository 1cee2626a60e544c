/*
 * fingerprint: SHA256 fingerprints of SSH keys, printed as OpenSSH prints
 * them ("SHA256:" + unpadded base64), so admins can publish them and users
 * compare them letter for letter.
 */
#ifndef POPGATE_FINGERPRINT_H
#define POPGATE_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

#include <libssh/libssh.h>

/* "SHA256:..." of key. New string (free()), or NULL on error. */
char	*fingerprint_sha256(const ssh_key key);

/* Key size in bits as ssh-keygen reports it (256 for ed25519). 0 if unknown. */
unsigned fingerprint_bits(const ssh_key key);

/* "ED25519", "ECDSA", "RSA": the type as ssh-keygen -l prints it. */
const char *fingerprint_type_label(const ssh_key key);

/*
 * The line ssh-keygen -lf prints: "256 SHA256:... COMMENT (ED25519)",
 * with "no comment" when comment is NULL or empty. 0, or -1 on error.
 */
int	fingerprint_line(const ssh_key key, const char *comment, char *buf,
	    size_t len);

/* Does want ("SHA256:...", as printed) name key? Exact, case-sensitive. */
bool	fingerprint_matches(const ssh_key key, const char *want);

#endif
