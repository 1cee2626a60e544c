/*
 * check_proxyproto: PROXY protocol v1 and v2 headers accepted with the
 * right addresses, refused with the right reason, and decided as early
 * as their bytes allow; every beginning of a good header is "more", and
 * bytes after it are never counted. Then the v2 builder (read back by
 * the parser). The ProxyFrom networks are check_proxynet.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "popgate/addr.h"
#include "popgate/proxyproto.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* A byte string and its length (NULs inside count). */
#define B(s)		s, sizeof(s) - 1
#define SIG		"\r\n\r\n\0\r\nQUIT\n"
/* 10.0.0.1:12345 -> 192.0.2.1:22 and 2001:db8::7:54321 -> 2001:db8::1:22 */
#define V4_ADDRS	"\x0a\x00\x00\x01" "\xc0\x00\x02\x01" \
			"\x30\x39" "\x00\x16"
#define V6_ADDRS	"\x20\x01\x0d\xb8" "\0\0\0\0\0\0\0\0\0\0\0\x07" \
			"\x20\x01\x0d\xb8" "\0\0\0\0\0\0\0\0\0\0\0\x01" \
			"\xd4\x31" "\x00\x16"
#define TRAILER		"SSH-2.0-OpenSSH_9.2p1\r\n"

struct good_case {
	const char	*in;
	size_t		 len;
	unsigned	 version;
	bool		 local;
	bool		 health;
	const char	*src;		/* NULL when local */
	const char	*dst;
};

static const struct good_case good_cases[] = {
	{ B("PROXY TCP4 192.0.2.7 198.51.100.1 56324 22\r\n"), 1, false, false,
	    "192.0.2.7:56324", "198.51.100.1:22" },
	{ B("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), 1, false,
	    false, "0.0.0.0:0", "255.255.255.255:65535" },
	{ B("PROXY TCP6 2001:db8::7 2001:db8::1 65535 0\r\n"), 1, false, false,
	    "[2001:db8::7]:65535", "[2001:db8::1]:0" },
	{ B("PROXY TCP6 ::ffff:192.0.2.7 ::1 1 2\r\n"), 1, false, false,
	    "[::ffff:192.0.2.7]:1", "[::1]:2" },
	{ B("PROXY TCP6 FFFF:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), 1,
	    false, false, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
	{ B("PROXY UNKNOWN\r\n"), 1, true, false, NULL, NULL },
	{ B("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), 1, true, false, NULL,
	    NULL },
	{ B("PROXY UNKNOWN \r\n"), 1, true, false, NULL, NULL },
	/* 107 bytes: the longest line there may be. */
	{ B("PROXY UNKNOWN 0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890\r\n"), 1,
	    true, false, NULL, NULL },
	{ B(SIG "\x21\x11\x00\x0c" V4_ADDRS), 2, false, false,
	    "10.0.0.1:12345", "192.0.2.1:22" },
	{ B(SIG "\x21\x21\x00\x24" V6_ADDRS), 2, false, false,
	    "[2001:db8::7]:54321", "[2001:db8::1]:22" },
	/* TLVs: NOOP of 3, ALPN "h2", an empty one; all skipped. */
	{ B(SIG "\x21\x11\x00\x1a" V4_ADDRS "\x04\x00\x03\0\0\0"
	    "\x01\x00\x02h2" "\xee\x00\x00"), 2, false, false,
	    "10.0.0.1:12345", "192.0.2.1:22" },
	{ B(SIG "\x21\x21\x00\x28" V6_ADDRS "\x04\x00\x01\0"), 2, false,
	    false, "[2001:db8::7]:54321", "[2001:db8::1]:22" },
	/* LOCAL: the balancer's health check, whatever the block holds. */
	{ B(SIG "\x20\x00\x00\x00"), 2, true, true, NULL, NULL },
	{ B(SIG "\x20\x11\x00\x0c" V4_ADDRS), 2, true, true, NULL, NULL },
	{ B(SIG "\x20\x21\x00\x03" "abc"), 2, true, true, NULL, NULL },
	/* PROXY without a TCP client address: keep the socket's. */
	{ B(SIG "\x21\x00\x00\x00"), 2, true, false, NULL, NULL },
	{ B(SIG "\x21\x00\x00\x05" "\x01\x02\x03\x04\x05"), 2, true, false,
	    NULL, NULL },
	{ B(SIG "\x21\x12\x00\x0c" V4_ADDRS), 2, true, false, NULL, NULL },
	{ B(SIG "\x21\x22\x00\x24" V6_ADDRS), 2, true, false, NULL, NULL },
};

struct bad_case {
	const char	*in;
	size_t		 len;
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	{ B("SSH-2.0-OpenSSH_9.2p1\r\n"),
	    "not a PROXY protocol header (first byte 0x53)" },
	{ B("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"),
	    "not a PROXY protocol header (first byte 0x70)" },
	{ B("\0"), "not a PROXY protocol header (first byte 0x00)" },
	{ B("PROXY\r\n"), "not a PROXY protocol header (a v1 line starts "
	    "with \"PROXY \")" },
	{ B("PROXY\tTCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "not a PROXY protocol "
	    "header (a v1 line starts with \"PROXY \")" },
	{ B("PROXX"), "not a PROXY protocol header (a v1 line starts with "
	    "\"PROXY \")" },
	{ B("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"),
	    "v1: unknown protocol \"TCP5\" (expected TCP4, TCP6 or UNKNOWN)" },
	{ B("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n"),
	    "v1: unknown protocol \"tcp4\" (expected TCP4, TCP6 or UNKNOWN)" },
	{ B("PROXY UNKNOWNX\r\n"),
	    "v1: unknown protocol \"UNKNOWNX\" (expected TCP4, TCP6 or "
	    "UNKNOWN)" },
	{ B("PROXY TCP4\r\n"), "v1: 2 fields, expected \"PROXY TCP4|TCP6 "
	    "SRC DST SPORT DPORT\"" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), "v1: 5 fields, expected "
	    "\"PROXY TCP4|TCP6 SRC DST SPORT DPORT\"" },
	{ B("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "v1: empty field 2 "
	    "(fields are separated by exactly one space)" },
	{ B("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n"), "v1: empty field 4 "
	    "(fields are separated by exactly one space)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"),
	    "v1: text after the destination port" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"),
	    "v1: text after the destination port" },
	{ B("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"),
	    "v1: bad source address \"01.2.3.4\" for TCP4" },
	{ B("PROXY TCP4 1.2.3.4 256.0.0.1 1 2\r\n"),
	    "v1: bad destination address \"256.0.0.1\" for TCP4" },
	{ B("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"),
	    "v1: bad source address \"1.2.3\" for TCP4" },
	{ B("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n"),
	    "v1: bad source address \"1.2.3.4.5\" for TCP4" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8.9.10.11.12 1 2\r\n"),
	    "v1: bad destination address \"5.6.7.8.9.10.11.\" for TCP4" },
	{ B("PROXY TCP4 ::1 ::1 1 2\r\n"),
	    "v1: bad source address \"::1\" for TCP4" },
	{ B("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"),
	    "v1: bad source address \"1.2.3.4\" for TCP6" },
	{ B("PROXY TCP6 ::1 1.2.3.4 1 2\r\n"),
	    "v1: bad destination address \"1.2.3.4\" for TCP6" },
	{ B("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"),
	    "v1: bad source address \"fe80::1%eth0\" for TCP6" },
	{ B("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n"),
	    "v1: bad source address \"1:2:3:4:5:6:7:8:9\" for TCP6" },
	{ B("PROXY TCP6 ::1::2 ::1 1 2\r\n"),
	    "v1: bad source address \"::1::2\" for TCP6" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"),
	    "v1: bad source port \"65536\" (expected 0 to 65535, no heading "
	    "zero)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 022 2\r\n"),
	    "v1: bad source port \"022\" (expected 0 to 65535, no heading "
	    "zero)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 -2\r\n"),
	    "v1: bad destination port \"-2\" (expected 0 to 65535, no heading "
	    "zero)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 100000\r\n"),
	    "v1: bad destination port \"100000\" (expected 0 to 65535, no "
	    "heading zero)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"),
	    "v1: byte 0x0a at offset 30 (only printable ASCII and the final "
	    "CRLF)" },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX"),
	    "v1: CR without LF at offset 30" },
	{ B("PROXY UNKNOWN \x80\r\n"),
	    "v1: byte 0x80 at offset 14 (only printable ASCII and the final "
	    "CRLF)" },
	{ B("PROXY UNKNOWN \0\r\n"),
	    "v1: byte 0x00 at offset 14 (only printable ASCII and the final "
	    "CRLF)" },
	/* 108 bytes. */
	{ B("PROXY UNKNOWN 0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901\r\n"),
	    "v1: no CRLF in the first 107 bytes" },
	{ B("\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c" V4_ADDRS),
	    "not a PROXY protocol header (bad v2 signature)" },
	{ B("\r\nSSH-2.0-x\r\n"),
	    "not a PROXY protocol header (bad v2 signature)" },
	{ B(SIG "\x11\x11\x00\x0c" V4_ADDRS),
	    "v2: version 1 (only 2 is defined)" },
	{ B(SIG "\x31\x11\x00\x0c" V4_ADDRS),
	    "v2: version 3 (only 2 is defined)" },
	{ B(SIG "\x22\x11\x00\x0c" V4_ADDRS),
	    "v2: unknown command 2 (LOCAL is 0, PROXY 1)" },
	{ B(SIG "\x2f\x11\x00\x0c" V4_ADDRS),
	    "v2: unknown command 15 (LOCAL is 0, PROXY 1)" },
	{ B(SIG "\x21\x41\x00\x0c" V4_ADDRS),
	    "v2: unknown address family and protocol 0x41" },
	{ B(SIG "\x21\x13\x00\x0c" V4_ADDRS),
	    "v2: unknown address family and protocol 0x13" },
	{ B(SIG "\x21\x10\x00\x0c" V4_ADDRS),
	    "v2: unknown address family and protocol 0x10" },
	{ B(SIG "\x21\x01\x00\x00"),
	    "v2: unknown address family and protocol 0x01" },
	{ B(SIG "\x20\x01\x00\x00"),
	    "v2: unknown address family and protocol 0x01" },
	{ B(SIG "\x21\x11\x00\x0b" "\x0a\x00\x00\x01\xc0\x00\x02\x01\x30\x39"
	    "\x00"), "v2: 11 address bytes, family and protocol 0x11 need 12" },
	{ B(SIG "\x21\x21\x00\x0c" V4_ADDRS),
	    "v2: 12 address bytes, family and protocol 0x21 need 36" },
	{ B(SIG "\x21\x31\x00\x10"),
	    "v2: 16 address bytes, family and protocol 0x31 need 216" },
	{ B(SIG "\x21\x11\x02\x09"), "v2: header of 537 bytes (at most 536)" },
	{ B(SIG "\x20\x00\xff\xff"),
	    "v2: header of 65551 bytes (at most 536)" },
	{ B(SIG "\x21\x11\x00\x0e" V4_ADDRS "\x04\x00"),
	    "v2: truncated TLV at offset 28" },
	{ B(SIG "\x21\x11\x00\x11" V4_ADDRS "\x01\x00\x05" "h2"),
	    "v2: TLV type 0x01 of 5 bytes runs past the header" },
	{ B(SIG "\x21\x11\x00\x12" V4_ADDRS "\x01\x00\x02" "h2" "\x01"),
	    "v2: truncated TLV at offset 33" },
};

/* "ip:port" of a parsed address, or "" when it has none. */
static const char *
fmt(const struct sockaddr_storage *ss, socklen_t len, char *buf,
    size_t size)
{
	if (len == 0) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	return addr_format_sa((const struct sockaddr *)ss, buf, size);
}

static void
assert_good(const struct good_case *c, const struct proxyproto_hdr *hdr)
{
	char	buf[ADDR_STRLEN];

	ck_assert_uint_eq(hdr->len, c->len);
	ck_assert_uint_eq(hdr->version, c->version);
	ck_assert(hdr->local == c->local);
	ck_assert(hdr->health == c->health);
	ck_assert_str_eq(fmt(&hdr->src, hdr->srclen, buf, sizeof(buf)),
	    c->src != NULL ? c->src : "");
	ck_assert_str_eq(fmt(&hdr->dst, hdr->dstlen, buf, sizeof(buf)),
	    c->dst != NULL ? c->dst : "");
}

START_TEST(test_proxyproto_parses_good)
{
	const struct good_case	*c = &good_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";

	ck_assert_msg(proxyproto_parse(c->in, c->len, &hdr, err,
	    sizeof(err)) == PROXYPROTO_DONE, "case %d: %s", _i, err);
	assert_good(c, &hdr);
}
END_TEST

/* The client's bytes after the header are not the header's. */
START_TEST(test_proxyproto_stops_at_header_end)
{
	const struct good_case	*c = &good_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";
	char			*buf = xmalloc(c->len + sizeof(TRAILER));

	memcpy(buf, c->in, c->len);
	memcpy(buf + c->len, TRAILER, sizeof(TRAILER));
	ck_assert_msg(proxyproto_parse(buf, c->len + sizeof(TRAILER) - 1,
	    &hdr, err, sizeof(err)) == PROXYPROTO_DONE, "%s", err);
	assert_good(c, &hdr);
	/* A second header right behind is the client's business too. */
	memcpy(buf + c->len, c->in, c->len < sizeof(TRAILER) ? c->len :
	    sizeof(TRAILER));
	ck_assert_int_eq(proxyproto_parse(buf, c->len + (c->len <
	    sizeof(TRAILER) ? c->len : sizeof(TRAILER)), &hdr, err,
	    sizeof(err)), PROXYPROTO_DONE);
	ck_assert_uint_eq(hdr.len, c->len);
	free(buf);
}
END_TEST

/* Every beginning of a good header asks for more, hdr left clear. */
START_TEST(test_proxyproto_prefix_wants_more)
{
	const struct good_case	*c = &good_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";
	size_t			 k;

	for (k = 0; k < c->len; k++) {
		ck_assert_msg(proxyproto_parse(c->in, k, &hdr, err,
		    sizeof(err)) == PROXYPROTO_MORE, "case %d, %zu bytes: %s",
		    _i, k, err);
		ck_assert_uint_eq(hdr.len, 0);
		ck_assert_uint_eq(hdr.srclen, 0);
	}
}
END_TEST

START_TEST(test_proxyproto_refuses_bad)
{
	const struct bad_case	*c = &bad_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";

	ck_assert_msg(proxyproto_parse(c->in, c->len, &hdr, err,
	    sizeof(err)) == PROXYPROTO_BAD, "case %d accepted", _i);
	ck_assert_str_eq(err, c->err);
	ck_assert_uint_eq(hdr.len, 0);
	ck_assert_uint_eq(hdr.srclen, 0);
}
END_TEST

struct early_case {
	const char	*in;
	size_t		 len;
};

/* Refused on the bytes that make it bad, without waiting for the rest. */
static const struct early_case early_cases[] = {
	{ B("S") },
	{ B("PROXY TCP4 1.2.3.4x") },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 ") },
	{ B("PROXY TCP4 1.2.3.4 5.6.7.8 01") },
	{ B("PROXY TCP4 1234567890123456") },
	{ B("PROXY TCP6 ::1 ::g") },
	{ B("PROXY TCPX") },
	{ B("PROXY  ") },
	{ B("PROXY UNKNOWN\x01") },
	{ B("PROXY UNKNOWN 01234567890123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901") },
	{ B("\r\n\r\n\0\r\nX") },
	{ B(SIG "\x12") },
	{ B(SIG "\x21\x33") },
	{ B(SIG "\x21\x21\x00\x23") },
	{ B(SIG "\x21\x11\xff\xff") },
};

START_TEST(test_proxyproto_refuses_early)
{
	const struct early_case	*c = &early_cases[_i];
	struct proxyproto_hdr	 hdr;
	char			 err[256] = "";

	ck_assert_msg(proxyproto_parse(c->in, c->len, &hdr, err,
	    sizeof(err)) == PROXYPROTO_BAD, "case %d not refused", _i);
	ck_assert_str_ne(err, "");
}
END_TEST

/* v2 at its size limit, a whole UNIX block, and one byte over. */
START_TEST(test_proxyproto_v2_limits)
{
	unsigned char		buf[PROXYPROTO_V2_MAX + 1];
	struct proxyproto_hdr	hdr;
	char			err[256] = "";
	size_t			vlen = PROXYPROTO_V2_MAX - 16 - 12 - 3;

	memcpy(buf, SIG "\x21\x11\x02\x08" V4_ADDRS, 28);
	buf[28] = 0x04;
	buf[29] = (unsigned char)(vlen >> 8);
	buf[30] = (unsigned char)vlen;
	memset(buf + 31, 'x', vlen);
	ck_assert_int_eq(proxyproto_parse(buf, PROXYPROTO_V2_MAX, &hdr, err,
	    sizeof(err)), PROXYPROTO_DONE);
	ck_assert_uint_eq(hdr.len, PROXYPROTO_V2_MAX);
	ck_assert(!hdr.local);
	ck_assert_int_eq(proxyproto_parse(buf, PROXYPROTO_V2_MAX - 1, &hdr,
	    err, sizeof(err)), PROXYPROTO_MORE);

	memcpy(buf, SIG "\x21\x31\x00\xd8", 16);
	memset(buf + 16, 0, 216);
	snprintf((char *)buf + 16, 108, "/run/client.sock");
	ck_assert_int_eq(proxyproto_parse(buf, 16 + 216, &hdr, err,
	    sizeof(err)), PROXYPROTO_DONE);
	ck_assert(hdr.local);
	ck_assert(!hdr.health);
	ck_assert_uint_eq(hdr.len, 232);
	ck_assert_uint_eq(hdr.srclen, 0);
	ck_assert_int_eq(proxyproto_parse(buf, 16 + 215, &hdr, err,
	    sizeof(err)), PROXYPROTO_MORE);
}
END_TEST

START_TEST(test_proxyproto_builds_v4_exactly)
{
	static const char	 want[] = SIG "\x21\x11\x00\x0c" V4_ADDRS;
	struct sockaddr_storage	 src, dst;
	unsigned char		 buf[PROXYPROTO_V2_BUILD_MAX];

	testutil_sockaddr("10.0.0.1", 12345, &src);
	testutil_sockaddr("192.0.2.1", 22, &dst);
	ck_assert_uint_eq(proxyproto_build_v2((struct sockaddr *)&src,
	    (struct sockaddr *)&dst, buf), 28);
	ck_assert_int_eq(memcmp(buf, want, 28), 0);
}
END_TEST

struct build_case {
	const char	*src;
	uint16_t	 sport;
	const char	*dst;
	uint16_t	 dport;
	size_t		 len;
	const char	*psrc;		/* as parsed back */
	const char	*pdst;
};

static const struct build_case build_cases[] = {
	{ "203.0.113.9", 40000, "127.0.0.1", 2222, 28, "203.0.113.9:40000",
	    "127.0.0.1:2222" },
	{ "2001:db8::9", 1, "::1", 65535, 52, "[2001:db8::9]:1",
	    "[::1]:65535" },
	/* IPv4-mapped on either side: still IPv4 on the wire. */
	{ "::ffff:203.0.113.9", 0, "127.0.0.1", 22, 28, "203.0.113.9:0",
	    "127.0.0.1:22" },
	{ "::ffff:203.0.113.9", 5, "::ffff:127.0.0.1", 6, 28,
	    "203.0.113.9:5", "127.0.0.1:6" },
	/* Mixed: IPv6, the IPv4 side mapped. */
	{ "203.0.113.9", 7, "::1", 8, 52, "[::ffff:203.0.113.9]:7",
	    "[::1]:8" },
	{ "2001:db8::9", 7, "127.0.0.1", 8, 52, "[2001:db8::9]:7",
	    "[::ffff:127.0.0.1]:8" },
};

START_TEST(test_proxyproto_build_reads_back)
{
	const struct build_case	*c = &build_cases[_i];
	struct sockaddr_storage	 src, dst;
	struct proxyproto_hdr	 hdr;
	unsigned char		 buf[PROXYPROTO_V2_BUILD_MAX];
	char			 err[256] = "";
	char			 text[ADDR_STRLEN];
	size_t			 n;

	testutil_sockaddr(c->src, c->sport, &src);
	testutil_sockaddr(c->dst, c->dport, &dst);
	n = proxyproto_build_v2((struct sockaddr *)&src,
	    (struct sockaddr *)&dst, buf);
	ck_assert_uint_eq(n, c->len);
	ck_assert_int_eq(proxyproto_parse(buf, n, &hdr, err, sizeof(err)),
	    PROXYPROTO_DONE);
	ck_assert_uint_eq(hdr.len, n);
	ck_assert_uint_eq(hdr.version, 2);
	ck_assert(!hdr.local);
	ck_assert_str_eq(fmt(&hdr.src, hdr.srclen, text, sizeof(text)),
	    c->psrc);
	ck_assert_str_eq(fmt(&hdr.dst, hdr.dstlen, text, sizeof(text)),
	    c->pdst);
}
END_TEST

/* No TCP address to tell: a LOCAL header, the backend keeps its own. */
START_TEST(test_proxyproto_build_local)
{
	struct sockaddr_storage	 dst;
	struct sockaddr_un	 sun;
	struct proxyproto_hdr	 hdr;
	unsigned char		 buf[PROXYPROTO_V2_BUILD_MAX];
	char			 err[256] = "";

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	testutil_sockaddr("127.0.0.1", 22, &dst);
	ck_assert_uint_eq(proxyproto_build_v2((struct sockaddr *)&sun,
	    (struct sockaddr *)&dst, buf), 16);
	ck_assert_int_eq(memcmp(buf, SIG "\x20\x00\x00\x00", 16), 0);
	ck_assert_uint_eq(proxyproto_build_v2(NULL, (struct sockaddr *)&dst,
	    buf), 16);
	ck_assert_uint_eq(proxyproto_build_v2((struct sockaddr *)&dst, NULL,
	    buf), 16);
	ck_assert_int_eq(proxyproto_parse(buf, 16, &hdr, err, sizeof(err)),
	    PROXYPROTO_DONE);
	ck_assert(hdr.local);
	ck_assert(hdr.health);
}
END_TEST

Suite *
proxyproto_suite(void)
{
	Suite	*s = suite_create("proxyproto");
	TCase	*tc = tcase_create("parse");
	TCase	*bc = tcase_create("build");

	tcase_add_loop_test(tc, test_proxyproto_parses_good, 0,
	    NELEM(good_cases));
	tcase_add_loop_test(tc, test_proxyproto_stops_at_header_end, 0,
	    NELEM(good_cases));
	tcase_add_loop_test(tc, test_proxyproto_prefix_wants_more, 0,
	    NELEM(good_cases));
	tcase_add_loop_test(tc, test_proxyproto_refuses_bad, 0,
	    NELEM(bad_cases));
	tcase_add_loop_test(tc, test_proxyproto_refuses_early, 0,
	    NELEM(early_cases));
	tcase_add_test(tc, test_proxyproto_v2_limits);
	suite_add_tcase(s, tc);
	tcase_add_test(bc, test_proxyproto_builds_v4_exactly);
	tcase_add_loop_test(bc, test_proxyproto_build_reads_back, 0,
	    NELEM(build_cases));
	tcase_add_test(bc, test_proxyproto_build_local);
	suite_add_tcase(s, bc);
	return s;
}
