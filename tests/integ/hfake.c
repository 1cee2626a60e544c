/*
 * hfake: fake POP3 backends for what a real Dovecot will not do or tell:
 * a connection reset in the middle of a message, and a record of every
 * connection and byte that reached it (for the tests that must show that
 * nothing did). Each is a forked copy of the test process (hproc_fork),
 * registered and stopped like every other process; it listens on a free
 * 127.0.0.1 port the parent bound, so the port is known before it runs.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hpopgate.h"

#define FAKE_LINE_MS	30000
#define FAKE_SIZE	(1024u * 1024u)	/* what the +OK line promises */

struct fake {
	int	lfd;
	size_t	partial;
	int	greet_ms;	/* before the greeting */
};

/* "+OK", then partial octets of a message that would be FAKE_SIZE. */
static int
send_partial(int fd, size_t partial)
{
	char	line[80];
	size_t	sent = 0;

	snprintf(line, sizeof(line), "+OK %u octets\r\n", FAKE_SIZE);
	if (hnet_write_str(fd, line) != 0) {
		return -1;
	}
	memset(line, 'x', 76);
	memcpy(line + 76, "\r\n", 3);
	while (sent < partial) {
		if (hnet_write_str(fd, line) != 0) {
			return -1;
		}
		sent += 78;
	}
	return 0;
}

/* Closes fd with a RST instead of a FIN (SO_LINGER with 0 s). */
static void
reset(int fd)
{
	struct linger	lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* One client: "+OK" to everything, until RETR (reset) or QUIT. */
static void
serve(int fd, size_t partial, int greet_ms)
{
	char	line[512];

	if (greet_ms > 0) {
		(void)poll(NULL, 0, greet_ms);
	}
	if (hnet_write_str(fd, "+OK fake POP3 server ready\r\n") != 0) {
		close(fd);
		return;
	}
	while (hnet_read_line(fd, line, sizeof(line), FAKE_LINE_MS) > 0) {
		if (strncasecmp(line, "RETR", 4) == 0) {
			send_partial(fd, partial);
			reset(fd);
			return;
		}
		if (hnet_write_str(fd, strncasecmp(line, "QUIT", 4) == 0 ?
		    "+OK bye\r\n" : "+OK\r\n") != 0 ||
		    strncasecmp(line, "QUIT", 4) == 0) {
			break;
		}
	}
	close(fd);
}

static int
fake_main(void *arg)
{
	const struct fake	*f = arg;
	int			 fd;

	for (;;) {
		fd = accept(f->lfd, NULL, NULL);
		if (fd < 0) {
			return 1;
		}
		serve(fd, f->partial, f->greet_ms);
	}
}

uint16_t
hfake_slow_start(struct harness *h, size_t partial, int greet_ms)
{
	struct fake	 f;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;

	f.partial = partial;
	f.greet_ms = greet_ms;
	f.lfd = hnet_listen(&port);
	ck_assert_msg(f.lfd >= 0, "cannot listen on 127.0.0.1");
	/* The child gets its own copy of f at fork time. */
	p = hproc_fork(h, "fake-backend", fake_main, &f);
	close(f.lfd);
	ck_assert_msg(p != NULL, "cannot fork the fake backend");
	return port;
}

uint16_t
hfake_reset_start(struct harness *h, size_t partial)
{
	return hfake_slow_start(h, partial, 0);
}

/* The recorder: many clients at once, one poll loop. */

#define REC_MAX		64
#define REC_GREETING	"+OK recorder ready\r\n"

struct recorder {
	int		 lfd;
	const char	*log;
	const char	*data;
};

static void
rec_append(const char *path, const void *buf, size_t len)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644);

	if (fd >= 0) {
		if (write(fd, buf, len) != (ssize_t)len) {
			perror(path);
		}
		close(fd);
	}
}

/* A new client: logged before anything else, then greeted. */
static void
rec_accept(const struct recorder *r, struct pollfd *pfds, nfds_t *n)
{
	int	fd = accept(r->lfd, NULL, NULL);

	if (fd < 0) {
		return;
	}
	rec_append(r->log, "accept\n", 7);
	if (*n == REC_MAX || hnet_write_str(fd, REC_GREETING) != 0) {
		close(fd);
		return;
	}
	pfds[*n].fd = fd;
	pfds[*n].events = POLLIN;
	(*n)++;
}

static int
rec_main(void *arg)
{
	const struct recorder	*r = arg;
	struct pollfd		 pfds[REC_MAX];
	char			 buf[4096];
	nfds_t			 n = 1, i;
	ssize_t			 got;

	pfds[0].fd = r->lfd;
	pfds[0].events = POLLIN;
	for (;;) {
		if (poll(pfds, n, -1) < 0) {
			return 1;
		}
		for (i = n; i > 1; i--) {
			if (pfds[i - 1].revents == 0) {
				continue;
			}
			got = read(pfds[i - 1].fd, buf, sizeof(buf));
			if (got > 0) {
				rec_append(r->data, buf, (size_t)got);
				continue;
			}
			/* Half-closed by the client: stay open, as a server
			 * still answering would, but stop reading. */
			rec_append(r->log, "eof\n", 4);
			pfds[i - 1].fd = -pfds[i - 1].fd - 1;
		}
		if (pfds[0].revents & POLLIN) {
			rec_accept(r, pfds, &n);
		}
	}
}

uint16_t
hfake_record_start(struct harness *h, const char *log, const char *data)
{
	struct recorder	 r;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;

	r.log = log;
	r.data = data;
	ck_assert(hfile_write(log, 0644, "%s", "") == 0);
	ck_assert(hfile_write(data, 0644, "%s", "") == 0);
	r.lfd = hnet_listen(&port);
	ck_assert_msg(r.lfd >= 0, "cannot listen on 127.0.0.1");
	p = hproc_fork(h, "fake-recorder", rec_main, &r);
	close(r.lfd);
	ck_assert_msg(p != NULL, "cannot fork the fake recorder");
	return port;
}
