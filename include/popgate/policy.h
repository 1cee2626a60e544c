/*
 * policy: the Forward table. A direct-tcpip request for (host, port) is
 * allowed only when it equals one entry's NAME:PORT (host compared
 * case-insensitively); everything else is refused. No I/O, no logging:
 * backends are resolved by servconf, which stores the result in the entry.
 */
#ifndef POPGATE_POLICY_H
#define POPGATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "popgate/addr.h"

struct policy_entry {
	struct addr		 target;	/* what clients ask for */
	struct addr		 backend;	/* where it goes, as written */
	struct sockaddr_storage	 backend_sa;	/* resolved at config load */
	socklen_t		 backend_salen;	/* 0 until resolved */
};

struct policy;

struct policy	*policy_new(void);
void		 policy_free(struct policy *pol);	/* NULL is fine */

/*
 * Adds "NAME:PORT BACKEND:PORT" from its two words. -1 with the reason in
 * err for a bad address or a NAME:PORT already in the table.
 */
int		 policy_add(struct policy *pol, const char *target,
		    const char *backend, char *err, size_t errlen);

/* The entry for (host, port), or NULL: refuse. */
const struct policy_entry *policy_match(const struct policy *pol,
		    const char *host, unsigned port);

size_t		 policy_count(const struct policy *pol);
/* Entry i (0 <= i < policy_count), for printing and resolving. */
struct policy_entry *policy_entry(struct policy *pol, size_t i);
const struct policy_entry *policy_entry_const(const struct policy *pol,
		    size_t i);

/* "pop3:110, imap:143": the targets, for refusal messages. New string. */
char		*policy_describe(const struct policy *pol);

#endif
