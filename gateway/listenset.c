/*
 * listenset: sockets matched to addresses by their text as configured
 * (host and port, so "127.0.0.1:0" stays the socket it was, whatever
 * port it got). A new set is built beside the old one and swapped in
 * only when every address is bound.
 */
#include <stdlib.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/listenset.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/servconf.h"
#include "popgate/xmem.h"

struct lsock {
	int		fd;
	struct addr	addr;		/* as configured (port 0 kept) */
	bool		proxy;		/* PROXY header first */
};

struct listenset {
	struct lsock	*socks;
	size_t		 n;
};

struct listenset *
listenset_new(void)
{
	return xcalloc(1, sizeof(struct listenset));
}

void
listenset_close(struct listenset *ls)
{
	size_t	i;

	for (i = 0; i < ls->n; i++) {
		net_close(&ls->socks[i].fd);
	}
	free(ls->socks);
	ls->socks = NULL;
	ls->n = 0;
}

void
listenset_free(struct listenset *ls)
{
	if (ls == NULL) {
		return;
	}
	listenset_close(ls);
	free(ls);
}

size_t
listenset_count(const struct listenset *ls)
{
	return ls->n;
}

int
listenset_fd(const struct listenset *ls, size_t i)
{
	return ls->socks[i].fd;
}

bool
listenset_proxy(const struct listenset *ls, size_t i)
{
	return ls->socks[i].proxy;
}

static bool
same_addr(const struct addr *a, const struct addr *b)
{
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}

static int
bind_one(const struct addr *a, bool proxy, char *err, size_t errlen)
{
	char		where[ADDR_STRLEN];
	unsigned short	port = 0;
	int		fd;

	fd = net_listen(a, &port, err, errlen);
	if (fd != -1) {
		log_info("event=listening addr=%s%s", addr_format(a->host, port,
		    where, sizeof(where)), proxy ? " proxy=yes" : "");
	}
	return fd;
}

/* Takes the old socket for a, if there is one; -1 otherwise. */
static int
take_old(struct listenset *ls, const struct addr *a)
{
	size_t	i;
	int	fd;

	for (i = 0; i < ls->n; i++) {
		if (ls->socks[i].fd >= 0 && same_addr(&ls->socks[i].addr, a)) {
			fd = ls->socks[i].fd;
			ls->socks[i].fd = -1;
			return fd;
		}
	}
	return -1;
}

/* A failed apply: kept sockets go back, new ones are closed. */
static void
undo(struct listenset *ls, struct lsock *socks, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ls->n && socks[i].fd >= 0; j++) {
			if (ls->socks[j].fd == -1 &&
			    same_addr(&ls->socks[j].addr, &socks[i].addr)) {
				ls->socks[j].fd = socks[i].fd;
				socks[i].fd = -1;
			}
		}
		net_close(&socks[i].fd);
	}
	free(socks);
}

int
listenset_apply(struct listenset *ls, const struct servconf *sc, char *err,
    size_t errlen)
{
	struct lsock	*socks = xcalloc(sc->nlisten + 1, sizeof(*socks));
	char		 where[ADDR_STRLEN];
	size_t		 i;

	for (i = 0; i < sc->nlisten; i++) {
		socks[i].addr = sc->listen[i];
		/* A kept socket takes the new generation's word too. */
		socks[i].proxy = sc->listen_proxy[i];
		socks[i].fd = take_old(ls, &sc->listen[i]);
		if (socks[i].fd == -1) {
			socks[i].fd = bind_one(&sc->listen[i],
			    socks[i].proxy, err, errlen);
		}
		if (socks[i].fd == -1) {
			undo(ls, socks, i);
			return -1;
		}
	}
	for (i = 0; i < ls->n; i++) {
		if (ls->socks[i].fd >= 0) {
			log_info("event=listening-stopped addr=%s", addr_format(
			    ls->socks[i].addr.host, ls->socks[i].addr.port,
			    where, sizeof(where)));
		}
	}
	listenset_close(ls);
	ls->socks = socks;
	ls->n = sc->nlisten;
	return 0;
}
