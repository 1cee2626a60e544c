/*
 * proxynet: the ProxyFrom networks, parsed, printed and matched. Kept
 * apart from proxyproto (the header itself): this is about whom to
 * believe, not what they sent. A network is stored masked and, when it
 * is IPv4-mapped IPv6, as its IPv4 form, so matching compares one form.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/proxynet.h"
#include "popgate/xmem.h"

/* "0".."max", no sign, no heading zero. */
static bool
prefix_parse(const char *s, unsigned max, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 3 || (i > 0 &&
		    s[0] == '0')) {
			return false;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v > max) {
		return false;
	}
	*out = v;
	return true;
}

/* Clears the bits of a after the first prefix ones. */
static void
mask_bits(unsigned char *a, size_t size, unsigned prefix)
{
	size_t	i;

	for (i = 0; i < size; i++) {
		if (prefix >= 8 * (i + 1)) {
			continue;
		}
		a[i] = prefix <= 8 * i ? 0 :
		    (unsigned char)(a[i] & (0xff << (8 - prefix % 8)));
	}
}

/* ::ffff:a.b.c.d/96+n is a.b.c.d/n: one form to match against. */
static void
unmap_v4(struct proxynet *net)
{
	struct in6_addr	a;

	memcpy(&a, net->addr, 16);
	if (net->family != AF_INET6 || net->prefix < 96 ||
	    !IN6_IS_ADDR_V4MAPPED(&a)) {
		return;
	}
	net->family = AF_INET;
	memmove(net->addr, net->addr + 12, 4);
	memset(net->addr + 4, 0, 12);
	net->prefix -= 96;
}

int
proxynet_parse(const char *s, struct proxynet *out, char *err, size_t errlen)
{
	struct proxynet	 masked;
	const char	*slash = strchr(s, '/');
	char		 text[INET6_ADDRSTRLEN];
	char		 net[PROXYNET_STRLEN];
	size_t		 alen = slash != NULL ? (size_t)(slash - s) :
	    strlen(s);
	unsigned	 max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(text)) {
		snprintf(err, errlen, "expected ADDR[/PREFIX], got \"%.64s\"",
		    s);
		return -1;
	}
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (inet_pton(AF_INET, text, out->addr) == 1) {
		out->family = AF_INET;
	} else if (inet_pton(AF_INET6, text, out->addr) == 1) {
		out->family = AF_INET6;
	} else {
		snprintf(err, errlen, "\"%s\" is not an IPv4 or IPv6 address "
		    "(names are not accepted here)", text);
		return -1;
	}
	max = out->family == AF_INET ? 32 : 128;
	out->prefix = max;
	if (slash != NULL && !prefix_parse(slash + 1, max, &out->prefix)) {
		snprintf(err, errlen, "bad prefix \"/%.8s\" in \"%.64s\" "
		    "(expected 0 to %u)", slash + 1, s, max);
		return -1;
	}
	masked = *out;
	mask_bits(masked.addr, sizeof(masked.addr), masked.prefix);
	if (memcmp(masked.addr, out->addr, sizeof(out->addr)) != 0) {
		snprintf(err, errlen, "\"%s\" has bits set after the prefix "
		    "(the network is %s)", s, proxynet_format(&masked, net,
		    sizeof(net)));
		return -1;
	}
	unmap_v4(out);
	return 0;
}

int
proxynet_parse_list(const char *list, struct proxynet **nets, size_t *n,
    char *err, size_t errlen)
{
	struct proxynet	*add = NULL;
	char		*copy = xstrdup(list);
	char		*cursor = copy;
	char		*item = NULL;
	size_t		 nadd = 0;
	int		 rc = -1;

	add = xreallocarray(NULL, strlen(list) / 2 + 1, sizeof(*add));
	while ((item = strsep(&cursor, ",")) != NULL) {
		if (*item == '\0') {
			snprintf(err, errlen, "empty entry in \"%.200s\"",
			    list);
			goto out;
		}
		if (proxynet_parse(item, &add[nadd], err, errlen) != 0) {
			goto out;
		}
		nadd++;
	}
	*nets = xreallocarray(*nets, *n + nadd, sizeof(**nets));
	memcpy(*nets + *n, add, nadd * sizeof(*add));
	*n += nadd;
	rc = 0;
out:
	free(add);
	free(copy);
	return rc;
}

/* Are the first net->prefix bits of a the network's? */
static bool
contains(const struct proxynet *net, const unsigned char *a)
{
	unsigned	full = net->prefix / 8;
	unsigned	rest = net->prefix % 8;
	unsigned char	mask;

	if (memcmp(net->addr, a, full) != 0) {
		return false;
	}
	if (rest == 0) {
		return true;
	}
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (a[full] & mask);
}

bool
proxynet_match(const struct proxynet *nets, size_t n,
    const struct sockaddr *sa)
{
	unsigned char	a4[4], a6[16];
	bool		has4, has6;
	size_t		i;

	if (sa == NULL) {
		return false;
	}
	has4 = addr_sa_v4(sa, a4, NULL);
	has6 = addr_sa_v6(sa, a6, NULL);
	for (i = 0; i < n; i++) {
		if ((nets[i].family == AF_INET && has4 &&
		    contains(&nets[i], a4)) || (nets[i].family == AF_INET6 &&
		    has6 && contains(&nets[i], a6))) {
			return true;
		}
	}
	return false;
}

char *
proxynet_format(const struct proxynet *net, char *buf, size_t len)
{
	char	text[INET6_ADDRSTRLEN];

	if (inet_ntop(net->family, net->addr, text, sizeof(text)) == NULL) {
		snprintf(buf, len, "(family %d)", net->family);
		return buf;
	}
	snprintf(buf, len, "%s/%u", text, net->prefix);
	return buf;
}
