/*
 * addr: "host:port" text, both ways. Bracketed IPv6 ("[::1]:110") carries
 * a port; a bare literal with two or more colons ("::1") never does, since
 * "::1:110" could be read either way.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"

static bool
host_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' ||
	    c == '_' || c == ':' || c == '%';
}

/* Copies host (n bytes) into out->host after checking its characters. */
static int
set_host(const char *host, size_t n, struct addr *out, char *err,
    size_t errlen)
{
	size_t	i;

	if (n == 0) {
		snprintf(err, errlen, "missing host");
		return -1;
	}
	if (n >= sizeof(out->host)) {
		snprintf(err, errlen, "host name too long (max %zu bytes)",
		    sizeof(out->host) - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!host_char_ok(host[i])) {
			snprintf(err, errlen, "bad character in host \"%.*s\"",
			    (int)n, host);
			return -1;
		}
	}
	memcpy(out->host, host, n);
	out->host[n] = '\0';
	return 0;
}

bool
addr_port_parse(const char *s, bool allow_zero, uint16_t *out)
{
	unsigned long	v = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5) {
			return false;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || v > 65535 || (v == 0 && !allow_zero)) {
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

/* The port text after the host (NULL: none), checked into out->port. */
static int
set_port(const char *port, uint16_t default_port, bool allow_zero,
    struct addr *out, char *err, size_t errlen)
{
	if (port == NULL) {
		if (default_port == 0) {
			snprintf(err, errlen, "missing port");
			return -1;
		}
		out->port = default_port;
		return 0;
	}
	if (!addr_port_parse(port, allow_zero, &out->port)) {
		snprintf(err, errlen, "bad port \"%s\" (expected %s to 65535)",
		    port, allow_zero ? "0" : "1");
		return -1;
	}
	return 0;
}

static int
parse_bracketed(const char *s, uint16_t default_port, bool allow_zero,
    struct addr *out, char *err, size_t errlen)
{
	const char	*close = strchr(s, ']');
	const char	*port = NULL;

	if (close == NULL) {
		snprintf(err, errlen, "missing ']' in \"%s\"", s);
		return -1;
	}
	if (memchr(s + 1, ':', (size_t)(close - s - 1)) == NULL) {
		snprintf(err, errlen, "brackets are for IPv6 addresses: \"%s\"",
		    s);
		return -1;
	}
	if (close[1] == ':') {
		port = close + 2;
	} else if (close[1] != '\0') {
		snprintf(err, errlen, "expected ':' after ']' in \"%s\"", s);
		return -1;
	}
	if (set_host(s + 1, (size_t)(close - s - 1), out, err, errlen) != 0) {
		return -1;
	}
	return set_port(port, default_port, allow_zero, out, err, errlen);
}

int
addr_parse(const char *s, uint16_t default_port, bool allow_zero,
    struct addr *out, char *err, size_t errlen)
{
	const char	*colon = NULL;
	const char	*port = NULL;
	size_t		 hostlen = strlen(s);

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		return parse_bracketed(s, default_port, allow_zero, out, err,
		    errlen);
	}
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		hostlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (set_host(s, hostlen, out, err, errlen) != 0) {
		return -1;
	}
	return set_port(port, default_port, allow_zero, out, err, errlen);
}

char *
addr_format(const char *host, uint16_t port, char *buf, size_t len)
{
	if (strchr(host, ':') != NULL) {
		snprintf(buf, len, "[%s]:%u", host, (unsigned)port);
	} else {
		snprintf(buf, len, "%s:%u", host, (unsigned)port);
	}
	return buf;
}

char *
addr_format_sa(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = NULL;
	const struct sockaddr_in6	*sin6 = NULL;
	char				 host[INET6_ADDRSTRLEN];

	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		return addr_format(host, ntohs(sin->sin_port), buf, len);
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		return addr_format(host, ntohs(sin6->sin6_port), buf, len);
	default:
		snprintf(buf, len, "(family %d)", (int)sa->sa_family);
		return buf;
	}
}

bool
addr_sa_v4(const struct sockaddr *sa, unsigned char a[4], uint16_t *port)
{
	const struct sockaddr_in	*sin = NULL;
	const struct sockaddr_in6	*sin6 = NULL;
	uint16_t			 p;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		memcpy(a, &sin->sin_addr, 4);
		p = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			return false;
		}
		memcpy(a, sin6->sin6_addr.s6_addr + 12, 4);
		p = ntohs(sin6->sin6_port);
	} else {
		return false;
	}
	if (port != NULL) {
		*port = p;
	}
	return true;
}

bool
addr_sa_v6(const struct sockaddr *sa, unsigned char a[16], uint16_t *port)
{
	const struct sockaddr_in6	*sin6 = NULL;

	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(a, &sin6->sin6_addr, 16);
		if (port != NULL) {
			*port = ntohs(sin6->sin6_port);
		}
		return true;
	}
	if (!addr_sa_v4(sa, a + 12, port)) {
		return false;
	}
	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	return true;
}

bool
addr_sa_is_loopback(const struct sockaddr *sa)
{
	static const unsigned char	one[16] = { [15] = 1 };
	unsigned char			a[16];

	if (addr_sa_v4(sa, a, NULL)) {
		return a[0] == 127;
	}
	return addr_sa_v6(sa, a, NULL) && memcmp(a, one, sizeof(one)) == 0;
}
