/*
 * listenset: the gateway parent's listening sockets, one per
 * ListenAddress, kept across reloads. An address still configured keeps
 * its socket (and the port the kernel gave a ":0"), new addresses are
 * bound, dropped ones closed; all or nothing. Logs "listening on" and
 * "stopped listening on".
 */
#ifndef POPGATE_LISTENSET_H
#define POPGATE_LISTENSET_H

#include <stdbool.h>
#include <stddef.h>

struct servconf;
struct listenset;

struct listenset	*listenset_new(void);
/* Closes every socket. NULL is fine. */
void			 listenset_free(struct listenset *ls);

/*
 * Makes the set sc's ListenAddress list. 0, or -1 with "HOST:PORT:
 * reason" in err when an address cannot be bound (the set is then as
 * it was).
 */
int			 listenset_apply(struct listenset *ls,
			    const struct servconf *sc, char *err,
			    size_t errlen);
/* Closes every socket (shutdown, or in a forked child); the set is empty. */
void			 listenset_close(struct listenset *ls);

size_t			 listenset_count(const struct listenset *ls);
/* Socket i (0 <= i < count), in ListenAddress order. */
int			 listenset_fd(const struct listenset *ls, size_t i);
/* Is socket i a proxy listener (ListenAddress ... proxy)? */
bool			 listenset_proxy(const struct listenset *ls, size_t i);

#endif
