/*
 * policy: the Forward table. A direct-tcpip request for (host, port) is
 * allowed only when it equals one entry's NAME:PORT (host compared
 * case-insensitively); everything else is refused. No I/O, no logging:
 * backends are resolved by servconf, which stores the result in the entry.
 *
 * One line: "NAME:PORT BACKEND [BACKEND ...] [proxy]". Backends are tried
 * in order on connect failure. A BACKEND is HOST:PORT (plain TCP),
 * pop3s://HOST:PORT or imaps://HOST:PORT or submissions://HOST:PORT
 * (implicit TLS, RFC 8314), or starttls://HOST:PORT (the protocol's own
 * STLS/STARTTLS upgrade, RFC 2595). "proxy" sends a PROXY v2 header to
 * the backend first. The protocol (for error replies, TLS upgrades and
 * mailbox binding) comes from NAME (pop3, imap, submission, smtp) or,
 * failing that, from PORT (110/995, 143/993, 25/465/587).
 */
#ifndef POPGATE_POLICY_H
#define POPGATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "popgate/addr.h"
#include "popgate/mailproto.h"

#define POLICY_BACKENDS_MAX	8

/* The same values as enum mailproto, which infers them. */
enum policy_proto {
	POLICY_PROTO_RAW = MAILPROTO_RAW,	/* no protocol replies */
	POLICY_PROTO_POP3 = MAILPROTO_POP3,
	POLICY_PROTO_IMAP = MAILPROTO_IMAP,
	POLICY_PROTO_SMTP = MAILPROTO_SMTP
};

enum policy_tls {
	POLICY_TLS_NONE,
	POLICY_TLS_IMPLICIT,		/* pop3s:// imaps:// submissions:// */
	POLICY_TLS_STARTTLS		/* starttls:// */
};

struct policy_backend {
	struct addr		 addr;		/* as written */
	enum policy_tls		 tls;
	char			 scheme[16];	/* "pop3s"; "" for plain */
	struct sockaddr_storage	 sa;		/* resolved at config load */
	socklen_t		 salen;		/* 0 until resolved */
};

struct policy_entry {
	struct addr		 target;	/* what clients ask for */
	enum policy_proto	 proto;
	bool			 proxy;		/* PROXY v2 header first */
	struct policy_backend	 backends[POLICY_BACKENDS_MAX];
	size_t			 nbackends;	/* >= 1 */
};

struct policy;

struct policy	*policy_new(void);
void		 policy_free(struct policy *pol);	/* NULL is fine */

/*
 * Adds one Forward line from its words (NAME:PORT, then backends, then
 * an optional "proxy"). -1 with the reason in err for a bad address, an
 * unknown scheme, too many backends or a NAME:PORT already in the table.
 */
int		 policy_add(struct policy *pol, char *const *words,
		    size_t nwords, char *err, size_t errlen);

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

/* One backend as written in the config ("pop3s://mail:995"). */
const char	*policy_backend_format(const struct policy_backend *b,
		    char *buf, size_t len);
/* "pop3", "imap", "smtp" or "raw". */
const char	*policy_proto_name(enum policy_proto proto);

#endif
