/*
 * control: the ControlSocket. Who may ask is decided by the kernel twice:
 * the socket file is 0600 (made under umask 0177, so there is no moment
 * it is open to others) and each connection's SO_PEERCRED uid must be
 * root's or ours. Every client has one deadline for its whole exchange.
 */
/* struct ucred (SO_PEERCRED) is a GNU extension of <sys/socket.h>. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "popgate/clock.h"
#include "popgate/control.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define CONTROL_ANSWER_MAX	(64u * 1024u * 1024u)	/* client side */

struct cclient {
	int		 fd;		/* -1: free */
	uint64_t	 deadline;
	char		 req[CONTROL_REQUEST_MAX + 1];
	size_t		 rlen;
	char		*out;		/* the answer, once made */
	size_t		 olen, ooff;
	bool		 denied;	/* a stranger: told so, nothing else */
};

struct control {
	char		*path;
	int		 fd;
	dev_t		 dev;		/* our socket file, to remove only it */
	ino_t		 ino;
	struct cclient	 clients[CONTROL_CLIENTS];
};

static int
sun_for(const char *path, struct sockaddr_un *sun, char *err, size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* An existing file at path: stale socket (removed), or an error. */
static int
clear_stale(const char *path, const struct sockaddr_un *sun, char *err,
    size_t errlen)
{
	struct stat	st;
	int		fd, rc;

	if (lstat(path, &st) != 0) {
		return 0;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0 || errno != ECONNREFUSED) {
		snprintf(err, errlen, "%s: another process answers on it "
		    "(another popgated?)", path);
		return -1;
	}
	if (unlink(path) != 0) {
		snprintf(err, errlen, "%s: cannot remove the stale socket: %s",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The socket's folder, made (0750) when it is missing but its parent is
 * there: /run/popgated without systemd's RuntimeDirectory. Nothing more.
 */
static int
make_dir(const char *path, char *err, size_t errlen)
{
	char		*dir = str_dirname(path);
	struct stat	 st;
	int		 rc = 0;

	if (stat(dir, &st) != 0 && errno == ENOENT &&
	    mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot make its folder: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

struct control *
control_open(const char *path, char *err, size_t errlen)
{
	struct control		*c = NULL;
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd, rc;
	size_t			 i;

	if (sun_for(path, &sun, err, errlen) != 0 ||
	    make_dir(path, err, errlen) != 0 ||
	    clear_stale(path, &sun, err, errlen) != 0) {
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	old = umask(0177);
	rc = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 ||
	    listen(fd, CONTROL_CLIENTS) != 0 || stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (rc == 0) {
			unlink(path);
		}
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->fd = fd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	for (i = 0; i < CONTROL_CLIENTS; i++) {
		c->clients[i].fd = -1;
	}
	return c;
}

static void
drop(struct cclient *cl)
{
	net_close(&cl->fd);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

void
control_forget(struct control *c)
{
	size_t	i;

	if (c == NULL) {
		return;
	}
	for (i = 0; i < CONTROL_CLIENTS; i++) {
		drop(&c->clients[i]);
	}
	net_close(&c->fd);
	free(c->path);
	free(c);
}

void
control_free(struct control *c)
{
	struct stat	st;

	if (c == NULL) {
		return;
	}
	/* Only the file we made: a successor may have replaced it. */
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino) {
		unlink(c->path);
	}
	control_forget(c);
}

const char *
control_path(const struct control *c)
{
	return c->path;
}

static size_t
nclients(const struct control *c)
{
	size_t	i, n = 0;

	for (i = 0; i < CONTROL_CLIENTS; i++) {
		n += c->clients[i].fd >= 0;
	}
	return n;
}

size_t
control_pollfds(const struct control *c, struct pollfd *pfds, size_t max)
{
	const struct cclient	*cl = NULL;
	size_t			 i, n = 0;

	if (max == 0) {
		return 0;
	}
	/* Full: new clients wait in the backlog (or are refused there). */
	pfds[n].fd = nclients(c) < CONTROL_CLIENTS ? c->fd : -1;
	pfds[n].events = POLLIN;
	pfds[n++].revents = 0;
	for (i = 0; i < CONTROL_CLIENTS && n < max; i++) {
		cl = &c->clients[i];
		if (cl->fd < 0) {
			continue;
		}
		pfds[n].fd = cl->fd;
		pfds[n].events = cl->out != NULL ? POLLOUT : POLLIN;
		pfds[n++].revents = 0;
	}
	return n;
}

/* Root or the gateway's own user, as the kernel says. */
static bool
allowed(int fd, uid_t *uid)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		*uid = (uid_t)-1;
		return false;
	}
	*uid = cred.uid;
	return cred.uid == 0 || cred.uid == geteuid();
}

/*
 * A stranger still gets a client slot: its request is read before the
 * refusal is sent, since closing a local socket with unread data resets
 * it, and the refusal would be lost.
 */
static void
take_clients(struct control *c, uint64_t now)
{
	struct cclient		*cl = NULL;
	struct sockaddr_storage	 ss;
	uid_t			 uid;
	size_t			 i;
	int			 fd;

	for (i = 0; i < CONTROL_CLIENTS; i++) {
		cl = &c->clients[i];
		if (cl->fd >= 0) {
			continue;
		}
		fd = net_accept(c->fd, &ss);
		if (fd == -1 || net_set_nonblock(fd) != 0) {
			if (fd != -1) {
				close(fd);
			}
			return;
		}
		cl->fd = fd;
		cl->deadline = now + CONTROL_TIMEOUT_MS;
		cl->denied = !allowed(fd, &uid);
		if (cl->denied) {
			log_info("event=control-refused uid=%ld",
			    (long)(int)uid);
		}
	}
}

/* Writes what the client takes now; drops it when done or broken. */
static void
flush(struct cclient *cl)
{
	ssize_t	n;

	while (cl->ooff < cl->olen) {
		n = send(cl->fd, cl->out + cl->ooff, cl->olen - cl->ooff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		}
		if (n <= 0) {
			break;
		}
		cl->ooff += (size_t)n;
	}
	drop(cl);
}

static void
answer(struct cclient *cl, control_answer_fn fn, void *arg)
{
	char	*nl = memchr(cl->req, '\n', cl->rlen);

	if (cl->denied) {
		cl->out = xasprintf("error: permission denied (root or the "
		    "gateway's user only)\n");
	} else if (nl == NULL) {
		cl->out = xasprintf("error: request too long\n");
	} else {
		*nl = '\0';
		if (nl > cl->req && nl[-1] == '\r') {
			nl[-1] = '\0';
		}
		cl->out = fn(arg, cl->req);
		if (cl->out == NULL) {
			cl->out = xasprintf("error: unknown request \"%.*s\" "
			    "(try \"status\" or \"status json\")\n",
			    CONTROL_REQUEST_MAX, cl->req);
		}
	}
	cl->olen = strlen(cl->out);
	flush(cl);
}

static void
readable(struct cclient *cl, control_answer_fn fn, void *arg)
{
	ssize_t	n;

	n = read(cl->fd, cl->req + cl->rlen, CONTROL_REQUEST_MAX - cl->rlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n <= 0) {
		drop(cl);	/* left, or broke, before asking */
		return;
	}
	cl->rlen += (size_t)n;
	cl->req[cl->rlen] = '\0';
	if (memchr(cl->req, '\n', cl->rlen) != NULL ||
	    cl->rlen == CONTROL_REQUEST_MAX) {
		answer(cl, fn, arg);
	}
}

static struct cclient *
client_of(struct control *c, int fd)
{
	size_t	i;

	for (i = 0; i < CONTROL_CLIENTS; i++) {
		if (c->clients[i].fd == fd && fd >= 0) {
			return &c->clients[i];
		}
	}
	return NULL;
}

void
control_handle(struct control *c, const struct pollfd *pfds, size_t n,
    uint64_t now_ms, control_answer_fn fn, void *arg)
{
	struct cclient	*cl = NULL;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (pfds[i].revents == 0 || pfds[i].fd < 0) {
			continue;
		}
		if (pfds[i].fd == c->fd) {
			take_clients(c, now_ms);
			continue;
		}
		cl = client_of(c, pfds[i].fd);
		if (cl == NULL) {
			continue;
		}
		if (cl->out != NULL) {
			flush(cl);
		} else {
			readable(cl, fn, arg);
		}
	}
	for (i = 0; i < CONTROL_CLIENTS; i++) {
		cl = &c->clients[i];
		if (cl->fd >= 0 && now_ms >= cl->deadline) {
			log_debug("event=control-timeout");
			drop(cl);
		}
	}
}

int
control_timeout(const struct control *c, uint64_t now_ms)
{
	int	ms = -1;
	size_t	i;

	for (i = 0; i < CONTROL_CLIENTS; i++) {
		if (c->clients[i].fd < 0) {
			continue;
		}
		if (now_ms >= c->clients[i].deadline) {
			return 0;
		}
		if (ms < 0 || c->clients[i].deadline - now_ms < (uint64_t)ms) {
			ms = (int)(c->clients[i].deadline - now_ms);
		}
	}
	return ms;
}

/* Reads until EOF into a new buffer; -1 with errno on error/timeout. */
static char *
read_all(int fd, uint64_t deadline, size_t *len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		*buf = xmalloc(65536);
	size_t		 cap = 65536, n = 0;
	ssize_t		 r;
	uint64_t	 now;

	for (;;) {
		now = clock_ms();
		if (now >= deadline ||
		    poll(&pfd, 1, (int)(deadline - now)) == 0) {
			free(buf);
			errno = ETIMEDOUT;
			return NULL;
		}
		if (n + 1 >= cap) {
			if (cap >= CONTROL_ANSWER_MAX) {
				free(buf);
				errno = EMSGSIZE;
				return NULL;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (r < 0 && errno == ECONNRESET && n > 0) {
			break;	/* the answer came, then the end */
		}
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
control_ask(const char *path, const char *request, int timeout_ms,
    FILE *out, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	uint64_t		 deadline = clock_ms() + (uint64_t)timeout_ms;
	char			*line = NULL, *text = NULL;
	size_t			 len = 0;
	ssize_t			 sent;
	int			 fd = -1, rc = -1, saved;

	if (sun_for(path, &sun, err, errlen) != 0) {
		return -1;
	}
	/* Non-blocking: a full backlog must not hang the command. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    connect(fd, (const struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, saved == EAGAIN ?
		    "the gateway is busy, try again" : strerror(saved));
		goto out;
	}
	line = xasprintf("%s\n", request);
	/* A refusal may close before the request is sent: read it anyway. */
	sent = send(fd, line, strlen(line), MSG_NOSIGNAL);
	saved = errno;
	text = read_all(fd, deadline, &len);
	if (text != NULL && len == 0 && sent != (ssize_t)strlen(line)) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		goto out;
	}
	if (text == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, saved == ETIMEDOUT ?
		    "no answer in time" : strerror(saved));
		goto out;
	}
	if (strncmp(text, "error: ", 7) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(err, errlen, "%s: %s", path, text + 7);
		saved = strstr(text, "permission denied") != NULL ?
		    EACCES : EPROTO;
		goto out;
	}
	if (len == 0) {
		snprintf(err, errlen, "%s: closed without an answer", path);
		saved = EPROTO;
		goto out;
	}
	fwrite(text, 1, len, out);
	rc = 0;
	saved = 0;
out:
	if (fd >= 0) {
		close(fd);
	}
	free(line);
	free(text);
	errno = saved;
	return rc;
}
