/*
 * proxyproto: PROXY protocol headers (HAProxy's proxy-protocol.txt), read
 * and built; whom to believe them from is proxynet's concern. The first
 * byte decides: 'P' starts a v1 line, CR the v2 signature, anything else
 * is refused at once, so a client that talks SSH straight to a proxy
 * listener is turned away on its first byte. Every check that can be
 * made on a beginning is made as soon as its bytes are in, so a bad
 * header never waits for a deadline, and PROXYPROTO_MORE always means
 * "a beginning of a valid header".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/proxyproto.h"

#define V1_PREFIX	"PROXY "
#define V1_FIELDS	6	/* PROXY, protocol, 2 addresses, 2 ports */
#define V1_ADDR4_MAX	15	/* 255.255.255.255 */
#define V1_ADDR6_MAX	45	/* INET6_ADDRSTRLEN - 1 */
#define V2_FIXED	16
#define V2_CMD_LOCAL	0x0
#define V2_CMD_PROXY	0x1
#define V2_TLV_HEAD	3	/* type, 16-bit length */

static const unsigned char v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

enum v1_proto {
	V1_NONE,	/* protocol field not read yet */
	V1_TCP4,
	V1_TCP6,
	V1_UNKNOWN
};

static const char *const v1_protos[] = { "TCP4", "TCP6", "UNKNOWN" };

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* How many of the n bytes at s, from the first, are in chars. */
static size_t
span(const char *s, size_t n, const char *chars)
{
	size_t	i;

	for (i = 0; i < n && s[i] != '\0' && strchr(chars, s[i]) != NULL;
	    i++) {
		continue;
	}
	return i;
}

/* v1 protocol field: whole, or (!whole) the beginning of one. */
static int
v1_proto_check(const char *s, size_t n, bool whole, enum v1_proto *proto,
    char *err, size_t errlen)
{
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (whole && n == strlen(v1_protos[i]) &&
		    memcmp(s, v1_protos[i], n) == 0) {
			*proto = (enum v1_proto)(V1_TCP4 + i);
			return 0;
		}
		if (!whole && n <= strlen(v1_protos[i]) &&
		    memcmp(s, v1_protos[i], n) == 0) {
			return 0;
		}
	}
	snprintf(err, errlen, "v1: unknown protocol \"%.*s\" (expected TCP4, "
	    "TCP6 or UNKNOWN)", (int)n, s);
	return -1;
}

/* v1 address field into sa; a beginning is checked by characters. */
static int
v1_addr_check(const char *s, size_t n, bool whole, enum v1_proto proto,
    struct sockaddr_storage *ss, socklen_t *sslen, const char *what,
    char *err, size_t errlen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)(void *)ss;
	const char		*chars = proto == V1_TCP4 ? "0123456789." :
	    "0123456789abcdefABCDEF:.";
	char			 text[V1_ADDR6_MAX + 1];
	size_t			 max = proto == V1_TCP4 ? V1_ADDR4_MAX :
	    V1_ADDR6_MAX;
	int			 ok = 0;

	if (n <= max && span(s, n, chars) == n) {
		if (!whole) {
			return 0;
		}
		memcpy(text, s, n);
		text[n] = '\0';
		/* glibc's inet_pton refuses heading zeroes in IPv4 parts. */
		if (proto == V1_TCP4) {
			sin->sin_family = AF_INET;
			ok = inet_pton(AF_INET, text, &sin->sin_addr);
			*sslen = sizeof(*sin);
		} else {
			sin6->sin6_family = AF_INET6;
			ok = inet_pton(AF_INET6, text, &sin6->sin6_addr);
			*sslen = sizeof(*sin6);
		}
	}
	if (ok != 1) {
		snprintf(err, errlen, "v1: bad %s address \"%.*s\" for %s",
		    what, (int)min_size(n, max + 1), s,
		    v1_protos[proto - V1_TCP4]);
		return -1;
	}
	return 0;
}

/* v1 port field: 0 to 65535, no heading zero. */
static int
v1_port_check(const char *s, size_t n, bool whole,
    struct sockaddr_storage *ss, const char *what, char *err, size_t errlen)
{
	unsigned long	v = 0;
	size_t		i;
	bool		ok = n <= 5 && !(n > 1 && s[0] == '0') &&
	    (n > 0 || !whole);

	for (i = 0; ok && i < n; i++) {
		ok = s[i] >= '0' && s[i] <= '9';
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (!ok || (whole && v > 65535)) {
		snprintf(err, errlen, "v1: bad %s port \"%.*s\" (expected 0 to "
		    "65535, no heading zero)", what, (int)min_size(n, 6), s);
		return -1;
	}
	if (ss->ss_family == AF_INET) {
		((struct sockaddr_in *)(void *)ss)->sin_port =
		    htons((uint16_t)v);
	} else {
		((struct sockaddr_in6 *)(void *)ss)->sin6_port =
		    htons((uint16_t)v);
	}
	return 0;
}

/* Field i (1..5) of a v1 line; whole: a space or the CRLF follows. */
static int
v1_field(size_t i, const char *s, size_t n, bool whole,
    enum v1_proto *proto, struct proxyproto_hdr *hdr, char *err,
    size_t errlen)
{
	switch (i) {
	case 1:
		return v1_proto_check(s, n, whole, proto, err, errlen);
	case 2:
		return v1_addr_check(s, n, whole, *proto, &hdr->src,
		    &hdr->srclen, "source", err, errlen);
	case 3:
		return v1_addr_check(s, n, whole, *proto, &hdr->dst,
		    &hdr->dstlen, "destination", err, errlen);
	case 4:
		return v1_port_check(s, n, whole, &hdr->src, "source", err,
		    errlen);
	default:
		return v1_port_check(s, n, whole, &hdr->dst, "destination",
		    err, errlen);
	}
}

/*
 * The fields of a v1 line of n bytes (CRLF not included; complete: the
 * CRLF follows, else more may come). Field 0 is "PROXY", checked by the
 * caller. UNKNOWN ends the checks: the specification has the receiver
 * ignore whatever follows it up to the CRLF.
 */
static int
v1_fields(const char *line, size_t n, bool complete,
    struct proxyproto_hdr *hdr, char *err, size_t errlen)
{
	enum v1_proto	proto = V1_NONE;
	size_t		nf = 0, start = 0, i;
	bool		whole;

	for (i = 0; i <= n; i++) {
		if (i < n && line[i] != ' ') {
			continue;
		}
		whole = i < n || complete;
		if (proto == V1_UNKNOWN) {
			hdr->local = true;
			return 0;
		}
		if (nf == V1_FIELDS) {
			snprintf(err, errlen, "v1: text after the destination "
			    "port");
			return -1;
		}
		if (whole && i == start) {
			snprintf(err, errlen, "v1: empty field %zu (fields are "
			    "separated by exactly one space)", nf + 1);
			return -1;
		}
		if (nf > 0 && v1_field(nf, line + start, i - start, whole,
		    &proto, hdr, err, errlen) != 0) {
			return -1;
		}
		nf++;
		start = i + 1;
	}
	if (complete && nf < V1_FIELDS && proto != V1_UNKNOWN) {
		snprintf(err, errlen, "v1: %zu fields, expected \"PROXY "
		    "TCP4|TCP6 SRC DST SPORT DPORT\"", nf);
		return -1;
	}
	hdr->local = proto == V1_UNKNOWN;
	return 0;
}

/* "PROXY ...\r\n": at most PROXYPROTO_V1_MAX bytes, printable ASCII. */
static enum proxyproto_status
parse_v1(const unsigned char *b, size_t len, struct proxyproto_hdr *hdr,
    char *err, size_t errlen)
{
	size_t	i;

	if (memcmp(b, V1_PREFIX, min_size(len, strlen(V1_PREFIX))) != 0) {
		snprintf(err, errlen, "not a PROXY protocol header (a v1 line "
		    "starts with \"PROXY \")");
		return PROXYPROTO_BAD;
	}
	for (i = 0; i < len && i < PROXYPROTO_V1_MAX && b[i] != '\r'; i++) {
		if (b[i] < 0x20 || b[i] > 0x7e) {
			snprintf(err, errlen, "v1: byte 0x%02x at offset %zu "
			    "(only printable ASCII and the final CRLF)",
			    (unsigned)b[i], i);
			return PROXYPROTO_BAD;
		}
	}
	/* Without a CR by offset 105, the CRLF cannot end by byte 107. */
	if (i + 2 > PROXYPROTO_V1_MAX) {
		snprintf(err, errlen, "v1: no CRLF in the first %d bytes",
		    PROXYPROTO_V1_MAX);
		return PROXYPROTO_BAD;
	}
	if (i + 1 < len && b[i + 1] != '\n') {
		snprintf(err, errlen, "v1: CR without LF at offset %zu", i);
		return PROXYPROTO_BAD;
	}
	if (v1_fields((const char *)b, i, i < len, hdr, err, errlen) != 0) {
		return PROXYPROTO_BAD;
	}
	if (i + 2 > len) {
		return PROXYPROTO_MORE;
	}
	hdr->version = 1;
	hdr->len = i + 2;
	return PROXYPROTO_DONE;
}

/* Address block bytes of a v2 family/protocol byte; -1: not defined. */
static int
v2_block_len(unsigned char fam)
{
	switch (fam) {
	case 0x00:		/* UNSPEC */
		return 0;
	case 0x11:		/* INET STREAM, INET DGRAM */
	case 0x12:
		return 12;
	case 0x21:		/* INET6 */
	case 0x22:
		return 36;
	case 0x31:		/* UNIX: two 108-byte paths */
	case 0x32:
		return 216;
	default:
		return -1;
	}
}

/* The 16 fixed bytes, as far as they are in: -1 with err when bad. */
static int
v2_fixed_check(const unsigned char *b, size_t len, char *err,
    size_t errlen)
{
	if (memcmp(b, v2_sig, min_size(len, sizeof(v2_sig))) != 0) {
		snprintf(err, errlen, "not a PROXY protocol header (bad v2 "
		    "signature)");
		return -1;
	}
	if (len > 12 && (b[12] >> 4) != 2) {
		snprintf(err, errlen, "v2: version %u (only 2 is defined)",
		    (unsigned)(b[12] >> 4));
		return -1;
	}
	if (len > 12 && (b[12] & 0x0f) > V2_CMD_PROXY) {
		snprintf(err, errlen, "v2: unknown command %u (LOCAL is 0, "
		    "PROXY 1)", (unsigned)(b[12] & 0x0f));
		return -1;
	}
	if (len > 13 && v2_block_len(b[13]) < 0) {
		snprintf(err, errlen, "v2: unknown address family and "
		    "protocol 0x%02x", (unsigned)b[13]);
		return -1;
	}
	return 0;
}

/* The n bytes of TLVs at header offset base: each inside the block. */
static int
v2_tlvs_check(const unsigned char *p, size_t n, size_t base, char *err,
    size_t errlen)
{
	size_t	off = 0, vlen;

	while (off < n) {
		if (n - off < V2_TLV_HEAD) {
			snprintf(err, errlen, "v2: truncated TLV at offset %zu",
			    base + off);
			return -1;
		}
		vlen = (size_t)p[off + 1] << 8 | p[off + 2];
		if (n - off - V2_TLV_HEAD < vlen) {
			snprintf(err, errlen, "v2: TLV type 0x%02x of %zu "
			    "bytes runs past the header", (unsigned)p[off],
			    vlen);
			return -1;
		}
		off += V2_TLV_HEAD + vlen;
	}
	return 0;
}

/* INET or INET6 addresses of a whole v2 PROXY header into hdr. */
static void
v2_addrs(const unsigned char *a, unsigned char fam,
    struct proxyproto_hdr *hdr)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)(void *)&hdr->src;
	struct sockaddr_in	*d4 = (struct sockaddr_in *)(void *)&hdr->dst;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)(void *)&hdr->src;
	struct sockaddr_in6	*d6 = (struct sockaddr_in6 *)(void *)&hdr->dst;

	/* Ports are in network order on the wire and in sockaddrs. */
	if (fam == 0x11) {
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a, 4);
		memcpy(&d4->sin_addr, a + 4, 4);
		memcpy(&s4->sin_port, a + 8, 2);
		memcpy(&d4->sin_port, a + 10, 2);
		hdr->srclen = hdr->dstlen = sizeof(*s4);
		return;
	}
	s6->sin6_family = d6->sin6_family = AF_INET6;
	memcpy(&s6->sin6_addr, a, 16);
	memcpy(&d6->sin6_addr, a + 16, 16);
	memcpy(&s6->sin6_port, a + 32, 2);
	memcpy(&d6->sin6_port, a + 34, 2);
	hdr->srclen = hdr->dstlen = sizeof(*s6);
}

static enum proxyproto_status
parse_v2(const unsigned char *b, size_t len, struct proxyproto_hdr *hdr,
    char *err, size_t errlen)
{
	size_t	plen, total, block;

	if (v2_fixed_check(b, len, err, errlen) != 0) {
		return PROXYPROTO_BAD;
	}
	if (len < V2_FIXED) {
		return PROXYPROTO_MORE;
	}
	plen = (size_t)b[14] << 8 | b[15];
	total = V2_FIXED + plen;
	block = (size_t)v2_block_len(b[13]);
	if (total > PROXYPROTO_V2_MAX) {
		snprintf(err, errlen, "v2: header of %zu bytes (at most %d)",
		    total, PROXYPROTO_V2_MAX);
		return PROXYPROTO_BAD;
	}
	/* LOCAL: the specification has the receiver ignore the block. */
	if ((b[12] & 0x0f) == V2_CMD_PROXY && plen < block) {
		snprintf(err, errlen, "v2: %zu address bytes, family and "
		    "protocol 0x%02x need %zu", plen, (unsigned)b[13], block);
		return PROXYPROTO_BAD;
	}
	if (len < total) {
		return PROXYPROTO_MORE;
	}
	if ((b[12] & 0x0f) == V2_CMD_PROXY && b[13] != 0x00 &&
	    v2_tlvs_check(b + V2_FIXED + block, plen - block,
	    V2_FIXED + block, err, errlen) != 0) {
		return PROXYPROTO_BAD;
	}
	hdr->version = 2;
	hdr->len = total;
	hdr->health = (b[12] & 0x0f) == V2_CMD_LOCAL;
	hdr->local = hdr->health || (b[13] != 0x11 && b[13] != 0x21);
	if (!hdr->local) {
		v2_addrs(b + V2_FIXED, b[13], hdr);
	}
	return PROXYPROTO_DONE;
}

enum proxyproto_status
proxyproto_parse(const void *buf, size_t len, struct proxyproto_hdr *hdr,
    char *err, size_t errlen)
{
	const unsigned char	*b = buf;
	enum proxyproto_status	 st;

	memset(hdr, 0, sizeof(*hdr));
	if (len == 0) {
		return PROXYPROTO_MORE;
	}
	if (b[0] == V1_PREFIX[0]) {
		st = parse_v1(b, len, hdr, err, errlen);
	} else if (b[0] == v2_sig[0]) {
		st = parse_v2(b, len, hdr, err, errlen);
	} else {
		snprintf(err, errlen, "not a PROXY protocol header (first byte "
		    "0x%02x)", (unsigned)b[0]);
		st = PROXYPROTO_BAD;
	}
	if (st != PROXYPROTO_DONE) {
		memset(hdr, 0, sizeof(*hdr));
	}
	return st;
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)(v & 0xff);
}

size_t
proxyproto_build_v2(const struct sockaddr *src, const struct sockaddr *dst,
    unsigned char buf[PROXYPROTO_V2_BUILD_MAX])
{
	unsigned char	s[16], d[16];
	uint16_t	sp, dp;
	size_t		alen = 0;

	memcpy(buf, v2_sig, sizeof(v2_sig));
	buf[12] = 0x20 | V2_CMD_PROXY;
	if (src != NULL && dst != NULL && addr_sa_v4(src, s, &sp) &&
	    addr_sa_v4(dst, d, &dp)) {
		buf[13] = 0x11;
		alen = 4;
	} else if (src != NULL && dst != NULL && addr_sa_v6(src, s, &sp) &&
	    addr_sa_v6(dst, d, &dp)) {
		buf[13] = 0x21;
		alen = 16;
	} else {
		buf[12] = 0x20 | V2_CMD_LOCAL;
		buf[13] = 0x00;
		put16(buf + 14, 0);
		return V2_FIXED;
	}
	put16(buf + 14, (uint16_t)(2 * alen + 4));
	memcpy(buf + V2_FIXED, s, alen);
	memcpy(buf + V2_FIXED + alen, d, alen);
	put16(buf + V2_FIXED + 2 * alen, sp);
	put16(buf + V2_FIXED + 2 * alen + 2, dp);
	return V2_FIXED + 2 * alen + 4;
}
