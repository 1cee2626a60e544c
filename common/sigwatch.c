/*
 * sigwatch: a signalfd on the event loop. Only the watched signals are
 * blocked, and only while the watch exists.
 */
#include <poll.h>
#include <signal.h>
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
};

static int
read_cb(socket_t fd, int revents, void *arg)
{
	struct sigwatch			*w = arg;
	struct signalfd_siginfo		 si;

	(void)revents;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
	    w->caught == 0) {
		w->caught = (int)si.ssi_signo;
	}
	return 0;
}

struct sigwatch *
sigwatch_new(ssh_event ev)
{
	struct sigwatch	*w = xcalloc(1, sizeof(*w));

	w->ev = ev;
	sigemptyset(&w->set);
	sigaddset(&w->set, SIGINT);
	sigaddset(&w->set, SIGTERM);
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
