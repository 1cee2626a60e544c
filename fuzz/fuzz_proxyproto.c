/*
 * fuzz_proxyproto: the first bytes of a connection on a proxy listener
 * (proxyproto_parse), and the same bytes as a ProxyFrom list (proxynet).
 * Beyond no crash, leak or undefined behaviour, what must hold for every
 * input:
 * - a whole header is no longer than the input and the limits, and
 *   every shorter beginning of it asks for more (so a reader consuming
 *   on "more" never takes a byte past the header);
 * - bytes after a header never change it;
 * - a refusal is final: no further bytes turn it into a header;
 * - "more" is only said below the size limits, with hdr left clear;
 * - addresses survive proxyproto_build_v2 and a second parse;
 * - a network list that parses prints as networks that parse the same.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/proxynet.h"
#include "popgate/proxyproto.h"

#define NETS_MAX	1024	/* bytes of input tried as a ProxyFrom list */

/* libFuzzer's entry point (fuzz.h declares it once it exists). */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_proxyproto: %s\n", what);
		abort();
	}
}

static bool
hdr_clear(const struct proxyproto_hdr *hdr)
{
	static const struct proxyproto_hdr	zero;

	return memcmp(hdr, &zero, sizeof(zero)) == 0;
}

/* The address bytes and port of sa, IPv4-mapped ones as IPv4. */
static size_t
sa_key(const struct sockaddr_storage *ss, unsigned char key[18])
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		memcpy(key, &sin->sin_addr, 4);
		memcpy(key + 4, &sin->sin_port, 2);
		return 6;
	}
	require(ss->ss_family == AF_INET6, "address of another family");
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(key, sin6->sin6_addr.s6_addr + 12, 4);
		memcpy(key + 4, &sin6->sin6_port, 2);
		return 6;
	}
	memcpy(key, &sin6->sin6_addr, 16);
	memcpy(key + 16, &sin6->sin6_port, 2);
	return 18;
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	unsigned char	ka[18], kb[18];
	size_t		na = sa_key(a, ka), nb = sa_key(b, kb);

	return na == nb && memcmp(ka, kb, na) == 0;
}

static void
check_done(const uint8_t *data, size_t size,
    const struct proxyproto_hdr *hdr)
{
	struct proxyproto_hdr	again, back;
	unsigned char		buf[PROXYPROTO_V2_BUILD_MAX];
	char			err[256];
	size_t			k, n;

	require(hdr->len > 0 && hdr->len <= size, "length outside input");
	require(hdr->len <= (hdr->version == 1 ? PROXYPROTO_V1_MAX :
	    PROXYPROTO_V2_MAX), "length over the limit");
	require(hdr->version == 1 || hdr->version == 2, "version");
	require(hdr->local == (hdr->srclen == 0) &&
	    hdr->local == (hdr->dstlen == 0), "local without addresses");
	require(!hdr->health || (hdr->local && hdr->version == 2),
	    "health check not local v2");
	for (k = 0; k < hdr->len; k++) {
		require(proxyproto_parse(data, k, &again, err, sizeof(err)) ==
		    PROXYPROTO_MORE && hdr_clear(&again),
		    "a beginning of a header is not \"more\"");
	}
	require(proxyproto_parse(data, hdr->len, &again, err, sizeof(err)) ==
	    PROXYPROTO_DONE && memcmp(&again, hdr, sizeof(again)) == 0,
	    "bytes after the header changed it");
	if (hdr->local) {
		return;
	}
	n = proxyproto_build_v2((const struct sockaddr *)&hdr->src,
	    (const struct sockaddr *)&hdr->dst, buf);
	require(proxyproto_parse(buf, n, &back, err, sizeof(err)) ==
	    PROXYPROTO_DONE && back.len == n && !back.local,
	    "built header does not parse");
	require(same_addr(&hdr->src, &back.src) &&
	    same_addr(&hdr->dst, &back.dst), "addresses lost in the builder");
}

/* A refusal stays one whatever follows. */
static void
check_bad(const uint8_t *data, size_t size)
{
	static const struct {
		const char	*s;
		size_t		 n;
	} tails[] = { { "\r\n", 2 }, { "\n", 1 }, { "\0", 1 },
	    { " 1 2\r\n", 6 } };
	struct proxyproto_hdr	 hdr;
	char			 err[256];
	uint8_t			*more = malloc(size + 8);
	size_t			 i;

	require(more != NULL, "out of memory");
	memcpy(more, data, size);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		memcpy(more + size, tails[i].s, tails[i].n);
		require(proxyproto_parse(more, size + tails[i].n, &hdr, err,
		    sizeof(err)) == PROXYPROTO_BAD,
		    "a refused beginning became a header");
	}
	free(more);
}

/* The bytes as "ADDR[/PREFIX][,...]": what parses prints and reparses. */
static void
check_nets(const uint8_t *data, size_t size,
    const struct proxyproto_hdr *hdr)
{
	struct proxynet	*nets = NULL, *again = NULL;
	char		 text[NETS_MAX + 1];
	char		 buf[PROXYNET_STRLEN];
	char		 err[256];
	size_t		 n = 0, m = 0, i;

	if (size > NETS_MAX || memchr(data, '\0', size) != NULL) {
		return;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if (proxynet_parse_list(text, &nets, &n, err, sizeof(err)) != 0) {
		require(n == 0 && nets == NULL, "a bad list added networks");
		return;
	}
	for (i = 0; i < n; i++) {
		proxynet_format(&nets[i], buf, sizeof(buf));
		require(proxynet_parse_list(buf, &again, &m, err,
		    sizeof(err)) == 0 && m == i + 1 &&
		    memcmp(&again[i], &nets[i], sizeof(nets[i])) == 0,
		    "a printed network reads back differently");
	}
	if (!hdr->local && hdr->srclen > 0) {
		(void)proxynet_match(nets, n,
		    (const struct sockaddr *)&hdr->src);
	}
	free(again);
	free(nets);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxyproto_hdr	hdr;
	char			err[256] = "";

	switch (proxyproto_parse(data, size, &hdr, err, sizeof(err))) {
	case PROXYPROTO_DONE:
		check_done(data, size, &hdr);
		break;
	case PROXYPROTO_MORE:
		require(size < PROXYPROTO_V2_MAX && hdr_clear(&hdr),
		    "\"more\" past the limit");
		break;
	case PROXYPROTO_BAD:
		require(err[0] != '\0' && hdr_clear(&hdr), "refused silently");
		check_bad(data, size);
		break;
	default:
		require(false, "unknown status");
	}
	check_nets(data, size, &hdr);
	return 0;
}
