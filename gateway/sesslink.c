/*
 * sesslink: the entry is kept here and copied whole to the slot
 * (scoreboard_publish) after each change; the admission wait is the one
 * blocking call of a session, a poll on a socket the parent answers from
 * its loop in microseconds, bounded all the same.
 */
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "popgate/clock.h"
#include "popgate/net.h"
#include "popgate/sesslink.h"
#include "popgate/xmem.h"

struct sesslink {
	int			 ctl_fd;
	struct scoreboard_slot	*slot;
	struct scoreboard_entry	 entry;
};

static void
publish(struct sesslink *l)
{
	scoreboard_publish(l->slot, &l->entry);
}

struct sesslink *
sesslink_new(int ctl_fd, struct scoreboard_slot *slot, uint64_t now_ms)
{
	struct sesslink	*l = xcalloc(1, sizeof(*l));

	l->ctl_fd = ctl_fd;
	l->slot = slot;
	l->entry.state = SCOREBOARD_PREAUTH;
	l->entry.last_active_ms = now_ms;
	publish(l);
	return l;
}

void
sesslink_free(struct sesslink *l)
{
	if (l == NULL) {
		return;
	}
	net_close(&l->ctl_fd);
	free(l);
}

void
sesslink_auth(struct sesslink *l, unsigned attempts, unsigned failures)
{
	if (l->entry.auth_attempts == attempts &&
	    l->entry.auth_failures == failures) {
		return;
	}
	l->entry.auth_attempts = attempts;
	l->entry.auth_failures = failures;
	publish(l);
}

/* msg to the parent, then its answer within SESSLINK_ADMIT_MS. */
static bool
ask(int fd, const void *msg, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint64_t	deadline = clock_ms() + SESSLINK_ADMIT_MS, now;
	char		b = 0;
	ssize_t		n = -1;

	if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		return false;
	}
	while ((now = clock_ms()) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 &&
		    errno != EINTR) {
			return false;
		}
		n = read(fd, &b, 1);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
			break;
		}
	}
	return n == 1 && b == 'y';
}

bool
sesslink_admit(struct sesslink *l, const char *user, uint64_t now_ms)
{
	bool	ok = true;

	/* The parent reads the user from the slot: publish first. */
	snprintf(l->entry.user, sizeof(l->entry.user), "%s", user);
	l->entry.state = SCOREBOARD_AUTHED;
	l->entry.last_active_ms = now_ms;
	publish(l);
	if (l->ctl_fd >= 0) {
		ok = ask(l->ctl_fd, "a", 1);
		net_close(&l->ctl_fd);
	}
	return ok;
}

bool
sesslink_source(struct sesslink *l, const struct sockaddr *sa)
{
	struct sesslink_source	m;
	socklen_t		len = 0;

	if (l->ctl_fd < 0) {
		return true;
	}
	memset(&m, 0, sizeof(m));
	m.type = SESSLINK_SOURCE;
	m.local = sa == NULL;
	if (sa != NULL) {
		len = sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		memcpy(&m.sa, sa, len);
	}
	/* A refusal is final: the control socket has no further use. */
	if (!ask(l->ctl_fd, &m, sizeof(m))) {
		net_close(&l->ctl_fd);
		return false;
	}
	return true;
}

void
sesslink_state(struct sesslink *l, enum scoreboard_state st)
{
	if (l->entry.state != (uint32_t)st) {
		l->entry.state = (uint32_t)st;
		publish(l);
	}
}

void
sesslink_traffic(struct sesslink *l, unsigned tunnels, uint64_t up,
    uint64_t down, uint64_t now_ms)
{
	struct scoreboard_entry	*e = &l->entry;

	if (e->tunnels == tunnels && e->bytes_up == up &&
	    e->bytes_down == down) {
		return;
	}
	if (tunnels > e->tunnels) {
		e->tunnels_total += tunnels - e->tunnels;
	}
	e->tunnels = tunnels;
	e->bytes_up = up;
	e->bytes_down = down;
	e->last_active_ms = now_ms;
	publish(l);
}

void
sesslink_end(struct sesslink *l, enum scoreboard_end end)
{
	l->entry.end = (uint32_t)end;
	publish(l);
}
