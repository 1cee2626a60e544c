/*
 * listener: the gateway parent. Binds every ListenAddress, polls them,
 * applies MaxStartups, forks one child per connection (session_serve) and
 * reaps children. Never reads a byte from the network itself.
 */
#ifndef POPGATE_LISTENER_H
#define POPGATE_LISTENER_H

#include <stdbool.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/servconf.h"

struct pwfile;

/*
 * sshd's MaxStartups decision: with `startups` unauthenticated connections
 * already open, drop a new one? Never below start, always from full, in
 * between with a probability rising linearly from rate% to 100%.
 * rnd is a uniform random number in [0, 100). Pure.
 */
bool	listener_should_drop(unsigned startups,
	    const struct servconf_maxstartups *ms, unsigned rnd);

/*
 * Binds, then serves until SIGTERM/SIGINT. Takes ownership of pw (may be
 * NULL); reloads it when the file changes on disk. Fatal when a
 * listener cannot be bound. Returns the exit status.
 */
int	listener_run(const struct servconf *sc, struct pwfile *pw,
	    ssh_bind bind);

#endif
