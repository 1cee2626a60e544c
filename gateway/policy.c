/*
 * policy: the Forward table, checked before any socket is opened or any
 * channel accepted (default deny: no entry, no tunnel). A plain array: a
 * handful of entries, searched once per direct-tcpip request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "popgate/policy.h"
#include "popgate/xmem.h"

struct policy {
	struct policy_entry	*v;
	size_t			 n;
};

struct policy *
policy_new(void)
{
	return xcalloc(1, sizeof(struct policy));
}

void
policy_free(struct policy *pol)
{
	if (pol == NULL) {
		return;
	}
	free(pol->v);
	free(pol);
}

static const struct {
	const char	*prefix;
	enum policy_tls	 tls;
} schemes[] = {
	{ "pop3s://", POLICY_TLS_IMPLICIT },
	{ "imaps://", POLICY_TLS_IMPLICIT },
	{ "submissions://", POLICY_TLS_IMPLICIT },
	{ "starttls://", POLICY_TLS_STARTTLS },
};

/* From the target's name first ("pop3", "submission"), then its port. */
static enum policy_proto
proto_of(const struct addr *target)
{
	return (enum policy_proto)mailproto_infer(target->host, target->port);
}

static int
backend_parse(const char *word, struct policy_backend *b, char *err,
    size_t errlen)
{
	const char	*rest = word;
	char		 why[256];
	size_t		 i, n;

	memset(b, 0, sizeof(*b));
	b->tls = POLICY_TLS_NONE;
	if (strstr(word, "://") != NULL) {
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			n = strlen(schemes[i].prefix);
			if (strncasecmp(word, schemes[i].prefix, n) == 0) {
				b->tls = schemes[i].tls;
				snprintf(b->scheme, sizeof(b->scheme), "%.*s",
				    (int)(n - 3), schemes[i].prefix);
				rest = word + n;
				break;
			}
		}
		if (rest == word) {
			snprintf(err, errlen, "bad backend \"%s\": unknown "
			    "scheme (expected HOST:PORT, pop3s://, imaps://, "
			    "submissions:// or starttls://)", word);
			return -1;
		}
	}
	if (addr_parse(rest, 0, false, &b->addr, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "bad backend \"%s\": %s (expected "
		    "HOST:PORT)", word, why);
		return -1;
	}
	return 0;
}

int
policy_add(struct policy *pol, char *const *words, size_t nwords,
    char *err, size_t errlen)
{
	struct policy_entry	e;
	char			why[256];
	char			buf[ADDR_STRLEN];
	size_t			i;

	memset(&e, 0, sizeof(e));
	if (nwords >= 2 && strcasecmp(words[nwords - 1], "proxy") == 0) {
		e.proxy = true;
		nwords--;
	}
	if (nwords < 2) {
		snprintf(err, errlen, "expected NAME:PORT BACKEND [BACKEND "
		    "...] [proxy]");
		return -1;
	}
	if (addr_parse(words[0], 0, false, &e.target, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "bad target \"%s\": %s (expected "
		    "NAME:PORT)", words[0], why);
		return -1;
	}
	if (nwords - 1 > POLICY_BACKENDS_MAX) {
		snprintf(err, errlen, "too many backends (%zu; at most %d)",
		    nwords - 1, POLICY_BACKENDS_MAX);
		return -1;
	}
	for (i = 1; i < nwords; i++) {
		if (backend_parse(words[i], &e.backends[e.nbackends], err,
		    errlen) != 0) {
			return -1;
		}
		e.nbackends++;
	}
	if (policy_match(pol, e.target.host, e.target.port) != NULL) {
		snprintf(err, errlen, "duplicate target %s",
		    addr_format(e.target.host, e.target.port, buf,
		    sizeof(buf)));
		return -1;
	}
	e.proto = proto_of(&e.target);
	pol->v = xreallocarray(pol->v, pol->n + 1, sizeof(*pol->v));
	pol->v[pol->n++] = e;
	return 0;
}

const char *
policy_backend_format(const struct policy_backend *b, char *buf, size_t len)
{
	char	a[ADDR_STRLEN];

	addr_format(b->addr.host, b->addr.port, a, sizeof(a));
	if (b->scheme[0] != '\0') {
		snprintf(buf, len, "%s://%s", b->scheme, a);
	} else {
		snprintf(buf, len, "%s", a);
	}
	return buf;
}

const char *
policy_proto_name(enum policy_proto proto)
{
	return mailproto_name((enum mailproto)proto);
}

const struct policy_entry *
policy_match(const struct policy *pol, const char *host, unsigned port)
{
	size_t	i;

	for (i = 0; i < pol->n; i++) {
		if (pol->v[i].target.port == port &&
		    strcasecmp(pol->v[i].target.host, host) == 0) {
			return &pol->v[i];
		}
	}
	return NULL;
}

size_t
policy_count(const struct policy *pol)
{
	return pol->n;
}

struct policy_entry *
policy_entry(struct policy *pol, size_t i)
{
	return i < pol->n ? &pol->v[i] : NULL;
}

const struct policy_entry *
policy_entry_const(const struct policy *pol, size_t i)
{
	return i < pol->n ? &pol->v[i] : NULL;
}

char *
policy_describe(const struct policy *pol)
{
	char	*s = xstrdup("");
	char	*t = NULL;
	char	 buf[ADDR_STRLEN];
	size_t	 i;

	for (i = 0; i < pol->n; i++) {
		addr_format(pol->v[i].target.host, pol->v[i].target.port, buf,
		    sizeof(buf));
		t = xasprintf("%s%s%s", s, i == 0 ? "" : ", ", buf);
		free(s);
		s = t;
	}
	return s;
}
