/*
 * bridgeio: what bridge.c and bridgeio.c share, and nothing else
 * includes: struct bridge, its phases and directions, and the helpers
 * that cross between the two files. bridge.h is the module's contract.
 * bridge.c runs the phases up to RELAY (events, STLS, handshake, life);
 * bridgeio.c moves the octets: the backend's and the tunnel side's reads
 * and writes, and the RELAY phase. Gateway child, on the tunnel's
 * ssh_event.
 */
#ifndef POPGATE_BRIDGEIO_H
#define POPGATE_BRIDGEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <libssh/libssh.h>
#include <openssl/ssl.h>

#include "popgate/addr.h"
#include "popgate/bridge.h"
#include "popgate/pop3.h"

struct mailbind;

enum bridge_phase {
	BRIDGE_PH_GREETING,		/* STLS: the greeting, kept */
	BRIDGE_PH_CAPA,		/* STLS: CAPA sent, reading its list */
	BRIDGE_PH_STLS,		/* STLS sent, waiting for +OK */
	BRIDGE_PH_HANDSHAKE,
	BRIDGE_PH_RELAY,
	BRIDGE_PH_FAILED
};

struct bridge_dir {
	char	buf[BRIDGE_BUFSZ];
	size_t	off, len;	/* raw: read, not yet passed on */
	bool	eof;		/* its source ended */
	bool	shut;		/* ... and the EOF was passed on */
};

struct bridge {
	ssh_event	 ev;
	enum bridge_phase	 phase;
	int		 fd;		/* backend */
	int		 inner;		/* ours of the socketpair */
	int		 outer;		/* the relay's, until taken */
	short		 fdreg, innerreg;
	bool		 kick;		/* an fd fired since the last pump */
	SSL		*ssl;
	short		 rd_want, wr_want;	/* what TLS waits for */
	char		 host[ADDR_HOSTLEN];
	struct mailbind	*mb;
	char		*mailbox;
	char		*who;
	bool		 logged_in;
	char		 line[POP3_LINE_MAX];	/* STLS phases: lines read */
	size_t		 linelen;
	char		 greeting[POP3_LINE_MAX];
	size_t		 greetlen;
	char		 cmd[16];		/* STLS phases: to send */
	size_t		 cmdlen;
	struct pop3_capa capa;
	bool		 capa_listed;		/* its +OK came */
	struct bridge_dir	 up, down;
	char		 why[300];
};

/* The helpers that cross; only bridge.c and bridgeio.c see them. */
/* bridge.c: fails the bridge with "what" or "what: detail", once. */
void		 bridge_fail(struct bridge *br, const char *what,
		    const char *detail);

/* bridgeio.c: what waits to go out in d's direction, n octets. */
const char	*bridgeio_pending(const struct bridge *br, struct bridge_dir *d,
		    size_t *n);
/* The backend, plain or TLS: > 0 octets, 0 EOF, -1 later, -2 failed. */
ssize_t		 bridgeio_back_read(struct bridge *br, char *p, size_t n);
/* Octets written to the backend (0: later), or -1 when it failed. */
ssize_t		 bridgeio_back_write(struct bridge *br, const char *p,
		    size_t n);
/* RELAY: moves both directions until nothing moves, then their EOFs. */
void		 bridgeio_relay(struct bridge *br);

#endif
