/*
 * sigwatch: SIGINT and SIGTERM as events on an ssh_event. libssh's poll
 * restarts itself after a signal (EINTR), so a flag set by a handler would
 * be seen only at the next timeout. Instead the signals are blocked and
 * read from a signalfd registered on the loop: no handler at all.
 */
#ifndef POPGATE_SIGWATCH_H
#define POPGATE_SIGWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <libssh/libssh.h>

struct sigwatch;

/* Blocks SIGINT and SIGTERM and watches them on ev. NULL on failure. */
struct sigwatch	*sigwatch_new(ssh_event ev);
/* The same for the n signals of sigs (each below 64). */
struct sigwatch	*sigwatch_new_set(ssh_event ev, const int *sigs, size_t n);
/* Unregisters, closes and unblocks. NULL is fine. */
void		 sigwatch_free(struct sigwatch *w);

/* The first signal caught (SIGINT or SIGTERM), or 0. */
int		 sigwatch_caught(const struct sigwatch *w);
/* Was sig caught at least once? */
bool		 sigwatch_seen(const struct sigwatch *w, int sig);

#endif
