/*
 * algos: allow-lists, newest first. Strict key exchange (the Terrapin fix,
 * CVE-2023-48795: kex-strict-s-v00@openssh.com) is not in these lists:
 * libssh 0.10.6 always advertises it and uses it whenever the client offers
 * it (tests/integ/check_algos.c shows both).
 */
#include <stdio.h>
#include <string.h>

#include "popgate/algos.h"

#define ALGOS_NAME_MAX	64

static const char *const kex[] = {
	"curve25519-sha256", "curve25519-sha256@libssh.org",
	"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
	"diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
	"diffie-hellman-group14-sha256", NULL
};
static const char *const ciphers[] = {
	"chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com",
	"aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr",
	NULL
};
static const char *const macs[] = {
	"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
	"hmac-sha2-256", "hmac-sha2-512", NULL
};
static const char *const hostkey[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", NULL
};

static const struct {
	const char *const	*names;
	const char		*dflt;
	const char		*what;
} table[] = {
	[ALGOS_KEX] = { kex, ALGOS_DEFAULT_KEX, "key exchange" },
	[ALGOS_CIPHERS] = { ciphers, ALGOS_DEFAULT_CIPHERS, "cipher" },
	[ALGOS_MACS] = { macs, ALGOS_DEFAULT_MACS, "MAC" },
	[ALGOS_HOSTKEY] = { hostkey, ALGOS_DEFAULT_HOSTKEY,
	    "host key algorithm" },
};

static bool
known(const char *const *names, const char *name)
{
	for (; *names != NULL; names++) {
		if (strcmp(*names, name) == 0) {
			return true;
		}
	}
	return false;
}

/* Is name among the names before offset at of list? */
static bool
repeated(const char *list, size_t at, const char *name)
{
	const char	*p = list;
	size_t		 len, n = strlen(name);

	while ((size_t)(p - list) < at) {
		len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0) {
			return true;
		}
		p += len + 1;
	}
	return false;
}

/* "a, b, c": every allowed name of a kind, for error messages. */
static const char *
join(const char *const *names, char *buf, size_t len)
{
	size_t	o = 0;

	buf[0] = '\0';
	for (; *names != NULL && o < len; names++) {
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    o > 0 ? ", " : "", *names);
	}
	return buf;
}

bool
algos_valid(enum algos_kind kind, const char *list, char *err,
    size_t errlen)
{
	char		name[ALGOS_NAME_MAX + 1], all[512];
	const char	*p = list;
	size_t		len;

	do {
		len = strcspn(p, ",");
		if (len == 0 || len > ALGOS_NAME_MAX) {
			snprintf(err, errlen, "bad %s list \"%.200s\": empty or "
			    "overlong name", table[kind].what, list);
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (!known(table[kind].names, name)) {
			snprintf(err, errlen, "unsupported %s \"%s\" (allowed: "
			    "%s)", table[kind].what, name,
			    join(table[kind].names, all, sizeof(all)));
			return false;
		}
		if (repeated(list, (size_t)(p - list), name)) {
			snprintf(err, errlen, "%s \"%s\" listed twice",
			    table[kind].what, name);
			return false;
		}
		p += len;
	} while (*p++ == ',');
	return true;
}

const char *
algos_default(enum algos_kind kind)
{
	return table[kind].dflt;
}
