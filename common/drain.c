/*
 * drain: a private ssh_event holding one session's socket. Moving a
 * session between events is bookkeeping inside libssh (no system call);
 * each poll here scans one fd instead of every fd of the main loop.
 */
#include <stdlib.h>

#include "popgate/drain.h"

struct drain {
	ssh_event	ev;
};

struct drain *
drain_new(void)
{
	struct drain	*d = calloc(1, sizeof(*d));

	if (d == NULL) {
		return NULL;
	}
	d->ev = ssh_event_new();
	if (d->ev == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
drain_free(struct drain *d)
{
	if (d == NULL) {
		return;
	}
	ssh_event_free(d->ev);
	free(d);
}

int
drain_session(struct drain *d, ssh_event main, ssh_session s, int max)
{
	int	n = 0;

	if (ssh_event_remove_session(main, s) != SSH_OK) {
		return 0;
	}
	if (ssh_event_add_session(d->ev, s) == SSH_OK) {
		while (n < max && ssh_event_dopoll(d->ev, 0) == SSH_OK) {
			n++;
		}
		ssh_event_remove_session(d->ev, s);
	}
	ssh_event_add_session(main, s);
	return n;
}
