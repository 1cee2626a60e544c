/*
 * proxyproto: the PROXY protocol a TCP load balancer (HAProxy) puts in
 * front of a connection to tell the real client's address: version 1
 * (one text line) and version 2 (binary), both parsed strictly; a
 * version 2 builder for sending the client's address on to a backend.
 * No I/O, no logging: reasons go into err. The socket side is
 * proxyread.h; who may send such a header (ProxyFrom) is proxynet.h.
 *
 * What is accepted (HAProxy's proxy-protocol.txt, sections 2.1 to 2.2):
 * - v1: "PROXY TCP4 SRC DST SPORT DPORT\r\n" (TCP6 alike), fields
 *   separated by exactly one space, addresses in the family's numeric
 *   form without heading zeroes, ports 0 to 65535 without heading
 *   zeroes, at most PROXYPROTO_V1_MAX bytes with the CRLF, printable
 *   ASCII only (a lone CR or LF is refused). "PROXY UNKNOWN" followed by
 *   anything printable up to the CRLF: no address (local).
 * - v2: the 12-byte signature, version 2, command LOCAL or PROXY, one of
 *   the seven defined family/protocol bytes, a length that covers the
 *   family's address block, PROXYPROTO_V2_MAX bytes at most in all.
 *   PROXY with INET or INET6 over STREAM gives the addresses; the TLVs
 *   after them must be well formed (each type, length, value inside the
 *   block) and are otherwise skipped. LOCAL (the balancer's own health
 *   check) and the combinations that carry no usable TCP client address
 *   (UNSPEC, UNIX, DGRAM) are accepted as local, as the specification
 *   asks of a receiver that does not implement them: the connection
 *   keeps the socket's own addresses. A UNIX source has no IP address
 *   to log or penalise, so treating it as the balancer itself is the
 *   only meaningful choice short of refusing the connection outright.
 */
#ifndef POPGATE_PROXYPROTO_H
#define POPGATE_PROXYPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PROXYPROTO_V1_MAX	107	/* the longest v1 line, CRLF included */
/*
 * The longest v2 header accepted: 16 fixed bytes plus 520 of addresses
 * (216 for the largest, UNIX) and TLVs. HAProxy's send-proxy-v2 sends
 * 28 or 52 bytes (a few more with its optional TLVs); 536 keeps one
 * header inside the smallest TCP segment every host must accept.
 */
#define PROXYPROTO_V2_MAX	536
#define PROXYPROTO_HDR_MAX	PROXYPROTO_V2_MAX	/* a reader's buffer */
#define PROXYPROTO_V2_BUILD_MAX	52	/* what proxyproto_build_v2 writes */

enum proxyproto_status {
	PROXYPROTO_BAD = -1,	/* not a valid header: close the socket */
	PROXYPROTO_MORE = 0,	/* a valid beginning: every byte so far is
				   header, none after it; read more */
	PROXYPROTO_DONE = 1	/* a whole header, hdr filled */
};

struct proxyproto_hdr {
	size_t			 len;		/* header bytes to consume */
	unsigned		 version;	/* 1 or 2 */
	bool			 local;		/* no client address in it:
						   keep the socket's own */
	bool			 health;	/* v2 LOCAL: the balancer's
						   health check (local too) */
	struct sockaddr_storage	 src;		/* the client, unless local */
	socklen_t		 srclen;	/* 0 when local */
	struct sockaddr_storage	 dst;		/* what it connected to */
	socklen_t		 dstlen;	/* 0 when local */
};

/*
 * Looks at the first len bytes a connection sent. PROXYPROTO_DONE: a
 * whole header of hdr->len bytes (<= len; the bytes after it are the
 * client's); PROXYPROTO_MORE: not yet decided, and all len bytes belong
 * to the header, so a reader may consume them; PROXYPROTO_BAD: the
 * reason in err. hdr is cleared on entry.
 */
enum proxyproto_status proxyproto_parse(const void *buf, size_t len,
		    struct proxyproto_hdr *hdr, char *err, size_t errlen);

/*
 * A v2 header (PROXY, STREAM) telling a backend that src connected to
 * dst: INET when both are IPv4 (or IPv4-mapped IPv6), else INET6 with
 * any IPv4 address mapped. When either is not AF_INET or AF_INET6 (or
 * NULL), a LOCAL header: the backend then uses the connection's own
 * addresses. Writes into buf, returns the length (16, 28 or 52).
 */
size_t		 proxyproto_build_v2(const struct sockaddr *src,
		    const struct sockaddr *dst,
		    unsigned char buf[PROXYPROTO_V2_BUILD_MAX]);

#endif
