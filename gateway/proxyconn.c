/*
 * proxyconn: the header is read with proxyread (exactly the header: the
 * client's SSH banner stays in the socket for libssh), then the parent is
 * asked. The parent, not the child, decides whether the client may go
 * on: it alone knows the penalties and the other sessions.
 */
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/proxyconn.h"
#include "popgate/proxyproto.h"
#include "popgate/proxyread.h"
#include "popgate/sesslink.h"

/* sa's IP as 16 bytes, IPv4 (plain or mapped) as ::ffff:a.b.c.d. */
static bool
ip16(const struct sockaddr *sa, unsigned char out[16])
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 =
	    (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &sin->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &sin6->sin6_addr, 16);
		return true;
	}
	return false;
}

static bool
same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	unsigned char	x[16], y[16];

	return ip16(a, x) && ip16(b, y) && memcmp(x, y, 16) == 0;
}

/* The header's word on who the client is: the balancer itself? */
static bool
balancer_itself(const struct proxyproto_hdr *hdr,
    const struct sockaddr *balancer)
{
	if (hdr->local) {
		return true;
	}
	return hdr->version == 1 &&
	    same_ip((const struct sockaddr *)&hdr->src, balancer);
}

static void
fill(struct proxyconn *pc, const struct proxyproto_hdr *hdr,
    const struct sockaddr *balancer)
{
	socklen_t	len = balancer->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	pc->version = hdr->version;
	pc->quiet = balancer_itself(hdr, balancer);
	if (hdr->local) {
		memcpy(&pc->client, balancer, len);
	} else {
		pc->client = hdr->src;
	}
	addr_format_sa((const struct sockaddr *)&pc->client, pc->peer,
	    sizeof(pc->peer));
}

int
proxyconn_take(int fd, const struct sockaddr *balancer, uint64_t deadline_ms,
    struct sesslink *link, struct proxyconn *pc)
{
	struct proxyproto_hdr	hdr;
	uint64_t		until = clock_ms() + PROXYCONN_HEADER_MS;
	char			err[256], q[LOG_TEXT_MAX];

	memset(pc, 0, sizeof(*pc));
	addr_format_sa(balancer, pc->via, sizeof(pc->via));
	if (deadline_ms < until) {
		until = deadline_ms;
	}
	if (proxyread_header(fd, until, &hdr, err, sizeof(err)) != 0) {
		log_info("event=proxy-header-refused from=%s error=%s",
		    pc->via, log_quote(q, sizeof(q), err));
		return -1;
	}
	fill(pc, &hdr, balancer);
	if (!sesslink_source(link, pc->quiet ? NULL :
	    (const struct sockaddr *)&pc->client)) {
		log_debug("event=source-refused from=%s via=%s", pc->peer,
		    pc->via);
		return -1;
	}
	if (pc->quiet) {
		log_verbose("event=connection from=%s proxy=balancer",
		    pc->peer);
	} else {
		log_verbose("event=connection from=%s via=%s proxy=v%u",
		    pc->peer, pc->via, pc->version);
	}
	return 0;
}
