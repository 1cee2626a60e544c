/*
 * net: non-blocking sockets. Listeners, outgoing connects that finish on
 * the event loop, and the socket options both programs want. Errors go
 * into err; nothing here logs.
 */
#ifndef POPGATE_NET_H
#define POPGATE_NET_H

#include <stddef.h>
#include <sys/socket.h>

#include "popgate/addr.h"

/*
 * A listening TCP socket on a (numeric or resolvable) address: non-
 * blocking, close-on-exec, SO_REUSEADDR, IPV6_V6ONLY for IPv6. The bound
 * port (useful when port 0 was asked) goes to *bound when not NULL.
 * Returns the fd, or -1 with "host:port: reason" in err.
 */
int	net_listen(const struct addr *a, unsigned short *bound, char *err,
	    size_t errlen);

/*
 * Starts a non-blocking connect to sa. Returns the fd (connect may still
 * be in progress: wait for POLLOUT, then net_connect_result), or -1 with
 * errno set.
 */
int	net_connect_start(const struct sockaddr *sa, socklen_t salen);

/* 0 when the pending connect on fd succeeded, else the errno value. */
int	net_connect_result(int fd);

/*
 * Accepts one connection on the non-blocking listener lfd (close-on-exec,
 * peer address in *ss). -1 with errno EAGAIN when there is nothing to
 * take now (transient errors included), any other errno is worth a log.
 */
int	net_accept(int lfd, struct sockaddr_storage *ss);

int	net_set_nonblock(int fd);
int	net_set_nodelay(int fd);	/* TCP_NODELAY: no Nagle delay */

/* Closes *fd when it is >= 0 and stores -1. */
void	net_close(int *fd);

#endif
