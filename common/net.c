/*
 * net: socket set-up shared by the gateway (listeners, backend connects)
 * and the client (MUA listeners). Everything is non-blocking and
 * close-on-exec: the gateway forks a child per connection, which must not
 * inherit its siblings' sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "popgate/net.h"

int
net_set_nonblock(int fd)
{
	int	flags;

	flags = fcntl(fd, F_GETFL);
	if (flags == -1) {
		return -1;
	}
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		return -1;
	}
	return 0;
}

int
net_set_nodelay(int fd)
{
	int	on = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

void
net_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static int
bind_one(const struct addrinfo *ai, unsigned short *bound)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 fd, on = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		int	saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (bound != NULL) {
		*bound = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	}
	return fd;
}

int
net_listen(const struct addr *a, unsigned short *bound, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	char		 port[8], where[ADDR_STRLEN];
	int		 fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", a->port);
	addr_format(a->host, a->port, where, sizeof(where));
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", where, gai_strerror(rc));
		return -1;
	}
	/* The first address is the one asked for; no silent fallbacks. */
	fd = bind_one(res, bound);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", where, strerror(errno));
	}
	freeaddrinfo(res);
	return fd;
}

int
net_connect_start(const struct sockaddr *sa, socklen_t salen)
{
	int	fd;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		return -1;
	}
	if (connect(fd, sa, salen) == -1 && errno != EINPROGRESS) {
		int	saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
net_connect_result(int fd)
{
	int		soerr = 0;
	socklen_t	len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
		return errno;
	}
	return soerr;
}

int
net_accept(int lfd, struct sockaddr_storage *ss)
{
	socklen_t	sslen = sizeof(*ss);
	int		fd;

	fd = accept(lfd, (struct sockaddr *)ss, &sslen);
	if (fd == -1) {
		if (errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED) {
			errno = EAGAIN;	/* nothing (more) to take now */
		}
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}
