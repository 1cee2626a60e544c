/*
 * fingerprint: OpenSSH-compatible key fingerprints. libssh prints the
 * SHA256 form itself; the bit count for RSA is read from the public key
 * blob (RFC 4253 §6.6: string "ssh-rsa", mpint e, mpint n).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "popgate/fingerprint.h"

char *
fingerprint_sha256(const ssh_key key)
{
	unsigned char	*hash = NULL;
	size_t		 hlen = 0;
	char		*fp = NULL;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != SSH_OK) {
		return NULL;
	}
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	return fp;
}

/* Reads a big-endian uint32 length-prefixed field; -1 past the end. */
static long
blob_field(const unsigned char *b, size_t len, size_t *pos)
{
	unsigned long	n;

	if (*pos + 4 > len) {
		return -1;
	}
	n = ((unsigned long)b[*pos] << 24) | ((unsigned long)b[*pos + 1] << 16) |
	    ((unsigned long)b[*pos + 2] << 8) | b[*pos + 3];
	*pos += 4;
	if (n > len - *pos) {
		return -1;
	}
	*pos += n;
	return (long)n;
}

static unsigned
rsa_bits(const ssh_key key)
{
	char		*b64 = NULL;
	unsigned char	*blob = NULL;
	size_t		 len, pos = 0, start;
	long		 n;
	int		 dec;
	unsigned	 bits = 0;

	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		return 0;
	}
	len = strlen(b64);
	blob = malloc(len);
	dec = blob == NULL ? -1 : EVP_DecodeBlock(blob, (unsigned char *)b64,
	    (int)len);
	if (dec > 0 && blob_field(blob, (size_t)dec, &pos) >= 0 &&
	    blob_field(blob, (size_t)dec, &pos) >= 0) {
		start = pos + 4;
		n = blob_field(blob, (size_t)dec, &pos);
		while (n > 0 && blob[start] == 0) {	/* mpint sign byte */
			start++;
			n--;
		}
		if (n > 0) {
			bits = (unsigned)n * 8;
			for (unsigned char top = blob[start]; !(top & 0x80);
			    top <<= 1) {
				bits--;
			}
		}
	}
	free(blob);
	ssh_string_free_char(b64);
	return bits;
}

unsigned
fingerprint_bits(const ssh_key key)
{
	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_ED25519:
	case SSH_KEYTYPE_SK_ED25519:
		return 256;
	case SSH_KEYTYPE_RSA:
		return rsa_bits(key);
	case SSH_KEYTYPE_ECDSA_P256:
	case SSH_KEYTYPE_SK_ECDSA:
		return 256;
	case SSH_KEYTYPE_ECDSA_P384:
		return 384;
	case SSH_KEYTYPE_ECDSA_P521:
		return 521;
	default:
		return 0;
	}
}

const char *
fingerprint_type_label(const ssh_key key)
{
	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_ED25519:
		return "ED25519";
	case SSH_KEYTYPE_SK_ED25519:
		return "ED25519-SK";
	case SSH_KEYTYPE_RSA:
		return "RSA";
	case SSH_KEYTYPE_ECDSA_P256:
	case SSH_KEYTYPE_ECDSA_P384:
	case SSH_KEYTYPE_ECDSA_P521:
		return "ECDSA";
	case SSH_KEYTYPE_SK_ECDSA:
		return "ECDSA-SK";
	default:
		return "UNKNOWN";
	}
}

int
fingerprint_line(const ssh_key key, const char *comment, char *buf,
    size_t len)
{
	char	*fp = NULL;
	int	 n;

	fp = fingerprint_sha256(key);
	if (fp == NULL) {
		return -1;
	}
	n = snprintf(buf, len, "%u %s %s (%s)", fingerprint_bits(key), fp,
	    comment != NULL && *comment != '\0' ? comment : "no comment",
	    fingerprint_type_label(key));
	ssh_string_free_char(fp);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

bool
fingerprint_matches(const ssh_key key, const char *want)
{
	char	*fp = NULL;
	bool	 ok;

	fp = fingerprint_sha256(key);
	if (fp == NULL) {
		return false;
	}
	ok = strcmp(fp, want) == 0;
	ssh_string_free_char(fp);
	return ok;
}
