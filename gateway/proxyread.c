/*
 * proxyread: the header off the socket. Each round peeks at what has
 * arrived (MSG_PEEK, so nothing past the header is taken) and asks
 * proxyproto_parse: a whole header is then received to its exact length;
 * an undecided beginning is all header by the parser's promise, so it is
 * received too, which empties the socket and lets poll() sleep until
 * the next bytes instead of spinning on data it has already seen.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "popgate/clock.h"
#include "popgate/proxyread.h"

/* Waits for fd to be readable: 0, or -1 at the deadline or on error. */
static int
wait_readable(int fd, uint64_t deadline_ms, size_t have, char *err,
    size_t errlen)
{
	struct pollfd	pfd;
	uint64_t	now;
	int		n;

	for (;;) {
		now = clock_ms();
		if (now >= deadline_ms) {
			snprintf(err, errlen, "no complete PROXY header in "
			    "time (%zu bytes of it received)", have);
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline_ms - now > 60000 ? 60000 :
		    (int)(deadline_ms - now));
		if (n > 0) {
			return 0;
		}
		if (n < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

/*
 * recv() of exactly len bytes known to be queued (just peeked), or of
 * the peek itself with MSG_PEEK. Bytes, 0 at EOF, -1 with err.
 */
static ssize_t
recv_some(int fd, unsigned char *buf, size_t len, int flags, size_t have,
    char *err, size_t errlen)
{
	ssize_t	n;

	do {
		n = recv(fd, buf, len, flags | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		snprintf(err, errlen, "reading the PROXY header: %s",
		    strerror(errno));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "connection closed after %zu bytes of "
		    "the PROXY header", have);
		return -1;
	}
	return n < 0 ? 0 : n;
}

/* Takes len queued bytes for good, into buf. 0 or -1 with err. */
static int
consume(int fd, unsigned char *buf, size_t len, size_t have, char *err,
    size_t errlen)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = recv_some(fd, buf + got, len - got, 0, have + got, err,
		    errlen);
		if (n <= 0) {
			if (n == 0) {
				snprintf(err, errlen, "PROXY header bytes "
				    "vanished from the socket");
			}
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
proxyread_header(int fd, uint64_t deadline_ms, struct proxyproto_hdr *hdr,
    char *err, size_t errlen)
{
	unsigned char		buf[PROXYPROTO_HDR_MAX];
	enum proxyproto_status	st;
	size_t			have = 0;
	ssize_t			n;

	memset(hdr, 0, sizeof(*hdr));
	for (;;) {
		if (wait_readable(fd, deadline_ms, have, err, errlen) != 0) {
			return -1;
		}
		n = recv_some(fd, buf + have, sizeof(buf) - have, MSG_PEEK,
		    have, err, errlen);
		if (n < 0) {
			return -1;
		}
		st = proxyproto_parse(buf, have + (size_t)n, hdr, err, errlen);
		if (st == PROXYPROTO_BAD) {
			return -1;
		}
		if (st == PROXYPROTO_DONE) {
			return consume(fd, buf + have, hdr->len - have, have,
			    err, errlen);
		}
		/* MORE: every byte so far is header; the parser refuses
		 * before the buffer can fill. */
		if (consume(fd, buf + have, (size_t)n, have, err,
		    errlen) != 0) {
			return -1;
		}
		have += (size_t)n;
	}
}
