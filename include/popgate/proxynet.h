/*
 * proxynet: lists of IPv4 and IPv6 networks, the ProxyFrom setting (who
 * may put a PROXY protocol header in front of a connection, see
 * proxyproto.h). Parsed strictly from numeric text, printed back in the
 * same form, and matched against a socket address with IPv4 and
 * IPv4-mapped IPv6 treated as one. No I/O, no logging: reasons go into
 * err. Config load parses; the listener matches in the parent's loop.
 */
#ifndef POPGATE_PROXYNET_H
#define POPGATE_PROXYNET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* One network: an address and how many of its first bits count. */
struct proxynet {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];	/* network order, 4 used for AF_INET */
	unsigned	prefix;		/* 0..32 or 0..128 */
};

#define PROXYNET_STRLEN	(46 + 4)	/* "ADDR/PREFIX" */

/*
 * "ADDR" or "ADDR/PREFIX", numeric only: an IPv4 address (a /32 without
 * a prefix) or an IPv6 one (/128). Bits set after the prefix are an
 * error (a typo must not widen the trust); an IPv4-mapped IPv6 network
 * (::ffff:a.b.c.d/96 or longer) is stored as the IPv4 one. 0, or -1
 * with the reason in err.
 */
int		 proxynet_parse(const char *s, struct proxynet *out,
		    char *err, size_t errlen);

/*
 * A comma-separated list of the above, appended to *nets (grown with
 * xreallocarray, the caller frees) and *n. On error nothing is added.
 */
int		 proxynet_parse_list(const char *list, struct proxynet **nets,
		    size_t *n, char *err, size_t errlen);

/*
 * Is sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as
 * its IPv4 one and the other way round) inside one of the n networks?
 * false for any other family, and for a NULL sa.
 */
bool		 proxynet_match(const struct proxynet *nets, size_t n,
		    const struct sockaddr *sa);

/* "10.0.0.0/8", "2001:db8::/32". Returns buf. */
char		*proxynet_format(const struct proxynet *net, char *buf,
		    size_t len);

#endif
