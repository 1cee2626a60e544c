/*
 * hfake: a fake POP3 backend for the one fault a real Dovecot will not
 * produce on demand: a connection reset in the middle of a message. It
 * is a forked copy of the test process (hproc_fork), registered and
 * stopped like every other process; it listens on a free 127.0.0.1 port
 * the parent bound, so the port is known before it runs.
 */
#include <sys/socket.h>

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
serve(int fd, size_t partial)
{
	char	line[512];

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
		serve(fd, f->partial);
	}
}

uint16_t
hfake_reset_start(struct harness *h, size_t partial)
{
	struct fake	 f;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;

	f.partial = partial;
	f.lfd = hnet_listen(&port);
	ck_assert_msg(f.lfd >= 0, "cannot listen on 127.0.0.1");
	/* The child gets its own copy of f at fork time. */
	p = hproc_fork(h, "fake-backend", fake_main, &f);
	close(f.lfd);
	ck_assert_msg(p != NULL, "cannot fork the fake backend");
	return port;
}
