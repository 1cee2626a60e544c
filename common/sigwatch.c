/*
 * sigwatch: a signalfd on the event loop. Only the watched signals are
 * blocked, and only while the watch exists.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "popgate/net.h"
#include "popgate/sigwatch.h"
#include "popgate/xmem.h"

struct sigwatch {
	ssh_event	ev;
	int		fd;
	sigset_t	set, old;
	int		caught;
	uint64_t	seen;		/* bit per signal number */
};

static int
read_cb(socket_t fd, int revents, void *arg)
{
	struct sigwatch			*w = arg;
	struct signalfd_siginfo		 si;

	(void)revents;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (w->caught == 0) {
			w->caught = (int)si.ssi_signo;
		}
		if (si.ssi_signo < 64) {
			w->seen |= UINT64_C(1) << si.ssi_signo;
		}
	}
	return 0;
}

struct sigwatch *
sigwatch_new(ssh_event ev)
{
	static const int	sigs[] = { SIGINT, SIGTERM };

	return sigwatch_new_set(ev, sigs, sizeof(sigs) / sizeof(sigs[0]));
}

struct sigwatch *
sigwatch_new_set(ssh_event ev, const int *sigs, size_t n)
{
	struct sigwatch	*w = xcalloc(1, sizeof(*w));
	size_t		 i;

	w->ev = ev;
	sigemptyset(&w->set);
	for (i = 0; i < n; i++) {
		sigaddset(&w->set, sigs[i]);
	}
	if (sigprocmask(SIG_BLOCK, &w->set, &w->old) != 0) {
		free(w);
		return NULL;
	}
	w->fd = signalfd(-1, &w->set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (w->fd == -1 ||
	    ssh_event_add_fd(ev, w->fd, POLLIN, read_cb, w) != SSH_OK) {
		net_close(&w->fd);
		sigprocmask(SIG_SETMASK, &w->old, NULL);
		free(w);
		return NULL;
	}
	return w;
}

void
sigwatch_free(struct sigwatch *w)
{
	if (w == NULL) {
		return;
	}
	ssh_event_remove_fd(w->ev, w->fd);
	net_close(&w->fd);
	sigprocmask(SIG_SETMASK, &w->old, NULL);
	free(w);
}

int
sigwatch_caught(const struct sigwatch *w)
{
	return w != NULL ? w->caught : 0;
}

bool
sigwatch_seen(const struct sigwatch *w, int sig)
{
	return w != NULL && sig > 0 && sig < 64 &&
	    (w->seen & (UINT64_C(1) << sig)) != 0;
}
