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

int
policy_add(struct policy *pol, const char *target, const char *backend,
    char *err, size_t errlen)
{
	struct policy_entry	e;
	char			why[256];
	char			buf[ADDR_STRLEN];

	memset(&e, 0, sizeof(e));
	if (addr_parse(target, 0, false, &e.target, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "bad target \"%s\": %s (expected "
		    "NAME:PORT)", target, why);
		return -1;
	}
	if (addr_parse(backend, 0, false, &e.backend, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "bad backend \"%s\": %s (expected "
		    "HOST:PORT)", backend, why);
		return -1;
	}
	if (policy_match(pol, e.target.host, e.target.port) != NULL) {
		snprintf(err, errlen, "duplicate target %s",
		    addr_format(e.target.host, e.target.port, buf,
		    sizeof(buf)));
		return -1;
	}
	pol->v = xreallocarray(pol->v, pol->n + 1, sizeof(*pol->v));
	pol->v[pol->n++] = e;
	return 0;
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
