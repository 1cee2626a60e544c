/*
 * addr: host:port text. "host:port", "[v6]:port", "host", "[v6]" and a
 * bare IPv6 literal. No I/O (no resolving), no logging.
 */
#ifndef POPGATE_ADDR_H
#define POPGATE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_HOSTLEN	256

struct addr {
	char		host[ADDR_HOSTLEN];	/* no brackets */
	uint16_t	port;
};

/*
 * Parses s into out. When s has no port, default_port is used; a
 * default_port of 0 makes the port required. Ports are 1..65535 unless
 * allow_zero is set (then 0 is accepted, "pick a free port").
 * 0, or -1 with the reason in err.
 */
int	addr_parse(const char *s, uint16_t default_port, bool allow_zero,
	    struct addr *out, char *err, size_t errlen);

/* "1..65535" (or 0 when allow_zero) into *out. */
bool	addr_port_parse(const char *s, bool allow_zero, uint16_t *out);

/* "host:port", or "[host]:port" when host contains ':'. Returns buf. */
char	*addr_format(const char *host, uint16_t port, char *buf, size_t len);

/* Numeric "ip:port" / "[ip6]:port" of a socket address. Returns buf. */
char	*addr_format_sa(const struct sockaddr *sa, char *buf, size_t len);
/*
 * The IPv4 address of sa in a (network order), also out of an
 * IPv4-mapped IPv6 one, and its port in *port (may be NULL). false when
 * sa holds no IPv4 address.
 */
bool	addr_sa_v4(const struct sockaddr *sa, unsigned char a[4],
	    uint16_t *port);
/* The IPv6 address of sa in a, an IPv4 one mapped (::ffff:a.b.c.d); the
 * port as above. false for any other family. */
bool	addr_sa_v6(const struct sockaddr *sa, unsigned char a[16],
	    uint16_t *port);
/* Is sa in 127.0.0.0/8 (also IPv4-mapped) or ::1? */
bool	addr_sa_is_loopback(const struct sockaddr *sa);

#define ADDR_STRLEN	(ADDR_HOSTLEN + 8)
/* Room for any reason addr_parse gives, with a host quoted in it. */
#define ADDR_ERRLEN	(ADDR_HOSTLEN + 64)

#endif
