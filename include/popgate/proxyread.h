/*
 * proxyread: takes the PROXY protocol header off a freshly accepted
 * connection, and not one byte more: what follows (the client's SSH
 * banner) stays in the socket for whoever serves it next. For the
 * forked child of a proxy listener, before key exchange; it waits with
 * poll() on the one socket, bounded by a deadline, and works on
 * blocking and non-blocking sockets alike. Logs nothing: the reason of
 * a failure goes into err for the caller's one log line.
 */
#ifndef POPGATE_PROXYREAD_H
#define POPGATE_PROXYREAD_H

#include <stddef.h>
#include <stdint.h>

#include "popgate/proxyproto.h"

/*
 * Reads the header from fd until it is whole, refused or the deadline
 * (clock_ms() time) has passed. 0 with hdr filled (see proxyproto.h:
 * hdr->local means keep the socket's own addresses), or -1 with the
 * reason in err (bad header, closed, timed out, socket error): close
 * the connection then. fd stays the caller's.
 */
int	proxyread_header(int fd, uint64_t deadline_ms,
	    struct proxyproto_hdr *hdr, char *err, size_t errlen);

#endif
