/*
 * proxyconn: a session's first step on a proxy listener (ListenAddress
 * ... proxy), in the child, after privsep_drop() and before key
 * exchange. It takes the PROXY header off the accepted socket (within
 * PROXYCONN_HEADER_MS, or the caller's deadline when that comes first),
 * tells the gateway parent the client's address over the session's
 * link, and lets the session go on only when the parent agrees (the
 * address is not penalised, nor over PerSourceMaxStartups). From then on
 * the client's address is the session's peer everywhere: log lines,
 * tunnels, the PROXY header sent on to backends.
 *
 * A header that names no client (v2 LOCAL: HAProxy's health check), or
 * a v1 header naming the balancer's own address (v1 has no LOCAL, so
 * HAProxy's v1 checks look like that), is the balancer speaking for
 * itself: the session keeps the socket's addresses, is charged nothing,
 * and logs at verbose level at most (quiet).
 *
 * Runtime code: logs its refusals once, with the balancer as from= and
 * the reason; the parent logs its own.
 */
#ifndef POPGATE_PROXYCONN_H
#define POPGATE_PROXYCONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "popgate/addr.h"

#define PROXYCONN_HEADER_MS	5000	/* HAProxy sends it at once */

struct sesslink;

struct proxyconn {
	struct sockaddr_storage	client;		/* who the session serves */
	char			peer[ADDR_STRLEN];	/* ...as logged */
	char			via[ADDR_STRLEN];	/* the balancer */
	unsigned		version;	/* of the header, 1 or 2 */
	bool			quiet;		/* the balancer itself */
};

/*
 * fd is the accepted socket (stays the caller's), balancer its peer
 * address. 0 with pc filled: go on. -1: close the connection (a bad,
 * missing or late header, logged; or the parent refused the client,
 * logged by the parent).
 */
int	proxyconn_take(int fd, const struct sockaddr *balancer,
	    uint64_t deadline_ms, struct sesslink *link,
	    struct proxyconn *pc);

#endif
