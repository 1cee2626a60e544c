/*
 * hfault: fake backends and helpers for the gateway's fault tests. The
 * fakes are forked copies of the test process (hproc_fork), listening on
 * a port the parent bound first, so the port is known before they run.
 * They never block on one peer for long: every wait has a deadline.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hresil.h"

#define FAULT_PAIRS	32
#define FAULT_CHUNK	65536
#define FAULT_IDLE_MS	60000	/* a fake gives up on a silent peer */

struct pair {
	int	c, b;		/* client (the gateway) and backend */
	size_t	down;		/* bytes backend -> client so far */
};

struct proxy {
	int		lfd;
	uint16_t	backend;
	size_t		reset_after;
	bool		reset_done;
	struct pair	pairs[FAULT_PAIRS];
	size_t		npairs;
};

/* Closes fd with a RST instead of a FIN (SO_LINGER with 0 s). */
static void
reset_close(int fd)
{
	struct linger	lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
pair_drop(struct proxy *px, size_t i, bool reset)
{
	if (reset) {
		reset_close(px->pairs[i].c);
		reset_close(px->pairs[i].b);
	} else {
		close(px->pairs[i].c);
		close(px->pairs[i].b);
	}
	px->pairs[i] = px->pairs[--px->npairs];
}

static void
proxy_accept(struct proxy *px)
{
	int	c, b;

	c = accept(px->lfd, NULL, NULL);
	if (c < 0) {
		return;
	}
	b = px->npairs < FAULT_PAIRS ? hnet_connect(px->backend, 5000,
	    NULL) : -1;
	if (b < 0) {
		close(c);
		return;
	}
	px->pairs[px->npairs].c = c;
	px->pairs[px->npairs].b = b;
	px->pairs[px->npairs].down = 0;
	px->npairs++;
}

/* One read on from, all of it to the other side. false: pair over. */
static bool
proxy_move(struct proxy *px, struct pair *p, bool down)
{
	char	buf[FAULT_CHUNK];
	ssize_t	n = read(down ? p->b : p->c, buf, sizeof(buf));
	size_t	cut;

	if (n <= 0) {
		return false;
	}
	if (down && !px->reset_done && p->down + (size_t)n >= px->reset_after) {
		cut = px->reset_after - p->down;
		send_all(p->c, buf, cut);
		px->reset_done = true;
		p->down = SIZE_MAX;	/* marks it for the reset */
		return false;
	}
	if (down) {
		p->down += (size_t)n;
	}
	return send_all(down ? p->c : p->b, buf, (size_t)n) == 0;
}

static int
proxy_main(void *arg)
{
	struct proxy	*px = arg;
	struct pollfd	 pfds[1 + 2 * FAULT_PAIRS];
	size_t		 i, n;

	for (;;) {
		pfds[0].fd = px->lfd;
		pfds[0].events = POLLIN;
		for (i = 0; i < px->npairs; i++) {
			pfds[1 + 2 * i].fd = px->pairs[i].c;
			pfds[2 + 2 * i].fd = px->pairs[i].b;
			pfds[1 + 2 * i].events = pfds[2 + 2 * i].events =
			    POLLIN;
		}
		n = 1 + 2 * px->npairs;
		if (poll(pfds, n, FAULT_IDLE_MS) <= 0) {
			continue;
		}
		/* Backwards: dropping pair i moves the last one into it. */
		for (i = px->npairs; i > 0; i--) {
			struct pair	*p = &px->pairs[i - 1];
			bool		 ok = true;

			if (pfds[2 * i].revents != 0) {
				ok = proxy_move(px, p, true);
			}
			if (ok && pfds[2 * i - 1].revents != 0) {
				ok = proxy_move(px, p, false);
			}
			if (!ok) {
				pair_drop(px, i - 1, p->down == SIZE_MAX);
			}
		}
		if (pfds[0].revents & POLLIN) {
			proxy_accept(px);
		}
	}
	return 0;
}

uint16_t
hfault_proxy_start(struct harness *h, uint16_t backend, size_t reset_after)
{
	struct proxy	*px = calloc(1, sizeof(*px));
	struct hproc	*p = NULL;
	uint16_t	 port = 0;

	ck_assert(px != NULL);
	px->backend = backend;
	px->reset_after = reset_after;
	px->lfd = hnet_listen(&port);
	ck_assert_msg(px->lfd >= 0, "cannot listen on 127.0.0.1");
	p = hproc_fork(h, "fault-proxy", proxy_main, px);
	close(px->lfd);
	free(px);
	ck_assert_msg(p != NULL, "cannot fork the proxy");
	return port;
}

struct firehose {
	int		lfd;
	uint64_t	bytes;
};

/* "+OK", bytes octets of 78-octet lines, the terminator. */
static int
stream(int fd, uint64_t bytes)
{
	char		buf[FAULT_CHUNK];
	uint64_t	sent = 0;
	size_t		i, n;

	for (i = 0; i + 78 <= sizeof(buf); i += 78) {
		memset(buf + i, 'a' + (int)(i / 78 % 26), 76);
		memcpy(buf + i + 76, "\r\n", 2);
	}
	n = i;
	if (hnet_write_str(fd, "+OK firehose\r\n") != 0) {
		return -1;
	}
	while (sent < bytes) {
		i = bytes - sent < n ? (size_t)(bytes - sent) : n;
		if (send_all(fd, buf, i) != 0) {
			return -1;
		}
		sent += i;
	}
	return send_all(fd, "\r\n.\r\n", 5);
}

static void
firehose_serve(int fd, uint64_t bytes)
{
	char	line[512];

	if (hnet_write_str(fd, "+OK fake POP3 firehose\r\n") != 0) {
		close(fd);
		return;
	}
	while (hnet_read_line(fd, line, sizeof(line), FAULT_IDLE_MS) > 0) {
		if (strncasecmp(line, "RETR", 4) == 0) {
			if (stream(fd, bytes) != 0) {
				break;
			}
			continue;
		}
		if (send_all(fd, "+OK\r\n", 5) != 0 ||
		    strncasecmp(line, "QUIT", 4) == 0) {
			break;
		}
	}
	close(fd);
}

static int
firehose_main(void *arg)
{
	const struct firehose	*f = arg;
	int			 fd;

	for (;;) {
		fd = accept(f->lfd, NULL, NULL);
		if (fd < 0) {
			return 1;
		}
		firehose_serve(fd, f->bytes);
	}
}

uint16_t
hfault_firehose_start(struct harness *h, uint64_t bytes)
{
	struct firehose	 f;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;

	f.bytes = bytes;
	f.lfd = hnet_listen(&port);
	ck_assert_msg(f.lfd >= 0, "cannot listen on 127.0.0.1");
	p = hproc_fork(h, "firehose", firehose_main, &f);
	close(f.lfd);
	ck_assert_msg(p != NULL, "cannot fork the firehose");
	return port;
}

static void
ssh_from(struct hargv *a, const struct hgate *g, const struct hcred *c,
    const char *src)
{
	hclient_ssh_argv(a, "ssh", g, c);
	hargv_add(a, "-N");
	hargv_add(a, "-b");
	hargv_add(a, "%s", src);
}

uint16_t
hfault_tunnel(struct harness *h, const struct hgate *g,
    const struct hcred *c, const char *target, const char *src,
    struct hproc **out)
{
	struct hargv	a;
	uint16_t	lport = hnet_free_port();
	int		fd;

	ck_assert(lport != 0);
	ssh_from(&a, g, c, src);
	hargv_add(&a, "-oExitOnForwardFailure=yes");
	hargv_add(&a, "-L");
	hargv_add(&a, "127.0.0.1:%u:%s", (unsigned)lport, target);
	hargv_add(&a, "%s@127.0.0.1", c->user);
	*out = hclient_ssh_spawn(h, "ssh-tunnel", &a, c);
	ck_assert_msg(*out != NULL, "cannot start ssh");
	fd = hnet_connect(lport, HARNESS_START_MS, *out);
	if (fd < 0) {
		return 0;
	}
	close(fd);
	return lport;
}

struct hproc *
hfault_session(struct harness *h, const struct hgate *g,
    const struct hcred *c, const char *src)
{
	struct hargv	 a;
	struct hproc	*p = NULL;

	ssh_from(&a, g, c, src);
	hargv_add(&a, "%s@127.0.0.1", c->user);
	p = hclient_ssh_spawn(h, "ssh-session", &a, c);
	ck_assert_msg(p != NULL, "cannot start ssh");
	return p;
}

pid_t
hfault_session_pid(const struct hgate *g, size_t n, const char *const match[])
{
	char	line[1024];
	pid_t	pid;

	ck_assert_msg(hlog_wait(g->log, n, g->proc, HARNESS_LOG_MS, match,
	    line, sizeof(line)), "no log line %zu with \"%s\" in %s", n,
	    match[0], g->log);
	pid = hproc_log_pid(line, "popgated");
	ck_assert_msg(pid > 0, "no pid in \"%s\"", line);
	return pid;
}

unsigned long
hfault_rss_kib(pid_t pid)
{
	char		 path[64], *text = NULL, *p = NULL;
	unsigned long	 kib = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	text = hfile_slurp(path, NULL);
	p = text != NULL ? strstr(text, "\nVmRSS:") : NULL;
	if (p != NULL) {
		kib = strtoul(p + 7, NULL, 10);
	}
	free(text);
	return kib;
}

int
hfault_status(struct harness *h, const struct hgate *g, bool json,
    struct hproc **out)
{
	const char	*args[] = { "status", "-f", g->conf, NULL, NULL };

	if (json) {
		args[3] = "--json";
	}
	return hgate_run(h, "popgated-status", args, NULL, out);
}

void
hfault_conf_set(const struct hgate *g, const char *keyword, const char *value)
{
	char	*text = hfile_slurp(g->conf, NULL), *line = NULL, *save = NULL;
	char	*out = NULL;
	size_t	 size = 0, n = strlen(keyword);
	FILE	*mem = open_memstream(&out, &size);

	ck_assert_msg(text != NULL && mem != NULL, "cannot read %s", g->conf);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncasecmp(line, keyword, n) == 0 &&
		    (line[n] == ' ' || line[n] == '=')) {
			continue;
		}
		fprintf(mem, "%s\n", line);
	}
	if (value != NULL) {
		fprintf(mem, "%s %s\n", keyword, value);
	}
	fclose(mem);
	ck_assert(hfile_write(g->conf, 0644, "%s", out) == 0);
	free(out);
	free(text);
}
