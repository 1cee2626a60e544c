/*
 * fwdspec: -L specs. The spec is split at the colons outside brackets
 * into three or four fields, then each field is checked on its own, left
 * to right, so the error names the first field at fault.
 */
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/fwdspec.h"

#define DEFAULT_BIND	"127.0.0.1"
#define ANY_BIND	"0.0.0.0"
#define HOST_ONLY_PORT	22	/* see field_host */
#define FWD_FIELDS	4	/* BIND, PORT, HOST, HOSTPORT */

/* One field of a -L spec: a slice of the spec, brackets included. */
struct field {
	const char	*s;
	size_t		 len;
};

/* Where the field at p ends (at its ':' or the NUL); NULL: bad bracket. */
static const char *
field_end(const char *p, char *why, size_t len)
{
	const char	*rb = NULL;

	if (*p != '[') {
		return p + strcspn(p, ":");
	}
	rb = strchr(p, ']');
	if (rb == NULL) {
		snprintf(why, len, "unclosed '[' (expected [IPv6 address])");
		return NULL;
	}
	if (rb[1] != ':' && rb[1] != '\0') {
		snprintf(why, len, "expected ':' after ']'");
		return NULL;
	}
	return rb + 1;
}

/* Splits spec at the colons outside brackets into 3 or 4 fields. */
static int
split_fields(const char *spec, struct field *f, size_t *n, char *why,
    size_t len)
{
	const char	*p = spec;
	const char	*end = NULL;

	*n = 0;
	for (;;) {
		end = field_end(p, why, len);
		if (end == NULL) {
			return -1;
		}
		if (*n == FWD_FIELDS) {
			snprintf(why, len, "expected [BIND:]PORT:HOST:HOSTPORT "
			    "(IPv6 addresses go in brackets)");
			return -1;
		}
		f[*n].s = p;
		f[*n].len = (size_t)(end - p);
		(*n)++;
		if (*end == '\0') {
			break;
		}
		p = end + 1;
	}
	if (*n < FWD_FIELDS - 1) {
		snprintf(why, len, "expected [BIND:]PORT:HOST:HOSTPORT");
		return -1;
	}
	return 0;
}

static bool
field_port(const struct field *f, bool allow_zero, uint16_t *out)
{
	char	buf[8];

	if (f->len >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, f->s, f->len);
	buf[f->len] = '\0';
	return addr_port_parse(buf, allow_zero, out);
}

/*
 * A host field ("name", "192.0.2.1" or "[v6]") checked by addr_parse,
 * into host (ADDR_HOSTLEN bytes). addr_parse wants a default port for a
 * bare host; only the host is kept.
 */
static int
field_host(const struct field *f, const char *what, char *host, char *why,
    size_t len)
{
	char		buf[ADDR_HOSTLEN + 2];	/* room for the brackets */
	char		reason[ADDR_HOSTLEN + 32];	/* < ADDR_ERRLEN */
	struct addr	a;

	if (f->len == 0) {
		snprintf(why, len, "empty %s", what);
		return -1;
	}
	if (f->len >= sizeof(buf)) {
		snprintf(why, len, "%s too long (max %d bytes)", what,
		    ADDR_HOSTLEN - 1);
		return -1;
	}
	memcpy(buf, f->s, f->len);
	buf[f->len] = '\0';
	if (addr_parse(buf, HOST_ONLY_PORT, false, &a, reason,
	    sizeof(reason)) != 0) {
		snprintf(why, len, "%s: %s", what, reason);
		return -1;
	}
	memcpy(host, a.host, sizeof(a.host));
	return 0;
}

static int
bind_host(const struct field *f, char *host, char *why, size_t len)
{
	if (f->len == 1 && f->s[0] == '*') {
		memcpy(host, ANY_BIND, sizeof(ANY_BIND));
		return 0;
	}
	if (f->len == 0) {
		snprintf(why, len, "empty bind address (give one, * for all "
		    "IPv4 addresses, or leave out BIND: for " DEFAULT_BIND ")");
		return -1;
	}
	return field_host(f, "bind address", host, why, len);
}

/* The fields, left to right; f has n (3 or 4) entries. */
static int
forward_fields(const struct field *f, size_t n, struct fwdspec *out,
    char *why, size_t len)
{
	const struct field	*p = f + (n - (FWD_FIELDS - 1));

	if (n == FWD_FIELDS) {
		if (bind_host(&f[0], out->bind.host, why, len) != 0) {
			return -1;
		}
	} else {
		memcpy(out->bind.host, DEFAULT_BIND, sizeof(DEFAULT_BIND));
	}
	if (!field_port(&p[0], true, &out->bind.port)) {
		snprintf(why, len, "bad local port \"%.*s\" (expected 0 to "
		    "65535)", (int)p[0].len, p[0].s);
		return -1;
	}
	if (field_host(&p[1], "target host", out->target.host, why,
	    len) != 0) {
		return -1;
	}
	if (!field_port(&p[2], false, &out->target.port)) {
		snprintf(why, len, "bad target port \"%.*s\" (expected 1 to "
		    "65535)", (int)p[2].len, p[2].s);
		return -1;
	}
	return 0;
}

int
fwdspec_parse(const char *spec, struct fwdspec *out, char *err,
    size_t errlen)
{
	struct field	f[FWD_FIELDS];
	size_t		n = 0;
	char		why[ADDR_ERRLEN];

	memset(out, 0, sizeof(*out));
	if (split_fields(spec, f, &n, why, sizeof(why)) != 0 ||
	    forward_fields(f, n, out, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "-L \"%s\": %s", spec, why);
		return -1;
	}
	return 0;
}
