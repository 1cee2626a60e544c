/*
 * hnet: loopback sockets for the tests. 127.0.0.1 only; ports come from
 * the kernel (bind to port 0), never from a fixed list. Every wait has a
 * deadline.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define RETRY_MS	20

static struct sockaddr_in
loopback(uint16_t port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

uint16_t
hnet_free_port(void)
{
	struct sockaddr_in	sin = loopback(0);
	socklen_t		len = sizeof(sin);
	int			fd;
	uint16_t		port = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return 0;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
		port = ntohs(sin.sin_port);
	}
	close(fd);
	return port;
}

int
hnet_connect(uint16_t port, int timeout_ms, struct hproc *watch)
{
	struct sockaddr_in	sin = loopback(port);
	long			deadline = harness_now_ms() + timeout_ms;
	int			fd;

	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			return fd;
		}
		close(fd);
		if ((watch != NULL && !hproc_running(watch)) ||
		    harness_now_ms() >= deadline) {
			return -1;
		}
		harness_sleep_ms(RETRY_MS);
	}
}

/* Waits until fd is readable; false at the deadline. */
static bool
readable(int fd, long deadline)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	long		left = deadline - harness_now_ms();
	int		n;

	if (left < 0) {
		return false;
	}
	n = poll(&pfd, 1, (int)left);
	return n > 0;
}

ssize_t
hnet_read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	long	deadline = harness_now_ms() + timeout_ms;
	size_t	n = 0;
	ssize_t	r;

	while (n + 1 < len) {
		if (!readable(fd, deadline)) {
			return -1;
		}
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			break;
		}
		if (buf[n++] == '\n') {
			break;
		}
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

int
hnet_read_eof(int fd, int timeout_ms, size_t *got)
{
	int	rc = hnet_read_end(fd, timeout_ms, got);

	/* Here a reset counts as an end too. */
	return rc == 0 || rc == ECONNRESET ? 0 : -1;
}

bool
hnet_pop3_ready(uint16_t port, int timeout_ms, struct hproc *watch)
{
	long	deadline = harness_now_ms() + timeout_ms;
	char	line[512];
	int	fd;
	ssize_t	n;

	while (harness_now_ms() < deadline) {
		fd = hnet_connect(port, (int)(deadline - harness_now_ms()),
		    watch);
		if (fd < 0) {
			return false;
		}
		n = hnet_read_line(fd, line, sizeof(line),
		    (int)(deadline - harness_now_ms()));
		close(fd);
		if (n > 0) {
			return strncmp(line, "+OK", 3) == 0;
		}
		harness_sleep_ms(RETRY_MS);	/* closed before greeting */
	}
	return false;
}

int
hnet_listen(uint16_t *port)
{
	struct sockaddr_in	sin = loopback(0);
	socklen_t		len = sizeof(sin);
	int			fd;

	*port = 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

int
hnet_write_str(int fd, const char *s)
{
	size_t	len = strlen(s), off = 0;
	ssize_t	w;

	while (off < len) {
		w = write(fd, s + off, len - off);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int
hnet_read_end(int fd, int timeout_ms, size_t *got)
{
	long	deadline = harness_now_ms() + timeout_ms;
	char	buf[16384];
	ssize_t	r;

	*got = 0;
	for (;;) {
		if (!readable(fd, deadline)) {
			return -1;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r == 0) {
			return 0;
		}
		if (r < 0) {
			return errno == ECONNRESET ? ECONNRESET : -1;
		}
		*got += (size_t)r;
	}
}

/*
 * Looks through one /proc/net/tcp* table for listeners (state 0A) on
 * port: bit 0 set for 127.0.0.1, bit 1 for any other local address.
 */
static int
listeners_in(const char *table, uint16_t port)
{
	char		 line[512], addr[64], lo[16];
	unsigned	 lport, state;
	int		 found = 0;
	FILE		*fp = fopen(table, "re");

	if (fp == NULL) {
		return 0;
	}
	/* The kernel prints the address as one native-endian word. */
	snprintf(lo, sizeof(lo), "%08X", (unsigned)htonl(INADDR_LOOPBACK));
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
		    addr, &lport, &state) != 3 || lport != port ||
		    state != 0x0A) {
			continue;
		}
		found |= strcmp(addr, lo) == 0 ? 1 : 2;
	}
	fclose(fp);
	return found;
}

int
hnet_loopback_only(uint16_t port)
{
	int	found = listeners_in("/proc/net/tcp", port) |
	    listeners_in("/proc/net/tcp6", port);

	if (found == 0) {
		return -1;
	}
	return found == 1 ? 1 : 0;
}
