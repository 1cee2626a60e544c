/*
 * hhaproxy.h: a real HAProxy (Debian's haproxy) in TCP mode in front of
 * servers a test started (popgated, or a test's own), sending each a
 * PROXY header (send-proxy-v2, or send-proxy for v1) and health-checking
 * them with one (check-send-proxy). Same rules as harness.h: the process
 * runs in the foreground (-db), is registered in the test's struct
 * harness and stopped by pid; loopback and free ports only, every wait
 * bounded.
 *
 * What a test can see: HAProxy's log (its stdout, one line per
 * connection as soon as a server is chosen: "CLIENT:PORT [...] fe
 * be/gwN ...", option logasap) and its stats (the admin socket on a free
 * 127.0.0.1 port): each server's state and session count. Servers are
 * named gw1, gw2, ... in the order given.
 */
#ifndef POPGATE_INTEG_HHAPROXY_H
#define POPGATE_INTEG_HHAPROXY_H

#include "harness.h"

#define HHAPROXY_SERVERS_MAX	4

struct hhaproxy {
	uint16_t	 port;		/* the frontend, 127.0.0.1 */
	uint16_t	 stats_port;	/* admin socket, 127.0.0.1 */
	struct hproc	*proc;
	unsigned	 version;	/* PROXY protocol version sent */
	size_t		 nservers;
	uint16_t	 servers[HHAPROXY_SERVERS_MAX];	/* gw1 first */
	char		 conf[HARNESS_PATH];
	char		 log[HARNESS_PATH];	/* its stdout */
};

struct hhaproxy_stat {
	char		status[32];		/* "UP", "DOWN", "UP 1/2"... */
	char		check_status[32];	/* "L4OK", "L4CON"... */
	unsigned long	sessions;		/* stot: sessions served */
};

/*
 * Writes haproxy.cfg (frontend on a free port, round robin over the n
 * servers on 127.0.0.1, PROXY header version 1 or 2 to each, health
 * checks every 500 ms carrying the header too, 2 failures: DOWN), starts
 * haproxy -db and waits until every server is UP after a passed check.
 * Asserts.
 */
void		 hhaproxy_start(struct harness *h, struct hhaproxy *hp,
		    const uint16_t *servers, size_t n, unsigned version);
/* Server i's line of `show stat`. false when HAProxy does not answer. */
bool		 hhaproxy_stat(const struct hhaproxy *hp, size_t i,
		    struct hhaproxy_stat *st);
/* Polls until server i's status starts with status ("UP", "DOWN");
 * false at the deadline or when HAProxy exits. */
bool		 hhaproxy_wait_status(struct hhaproxy *hp, size_t i,
		    const char *status, int timeout_ms);
/* Log lines of connections HAProxy sent to server i. */
size_t		 hhaproxy_served(const struct hhaproxy *hp, size_t i);
/*
 * Connects to 127.0.0.1:port from the loopback address src (e.g.
 * "127.0.0.2": a client HAProxy's own 127.0.0.1 cannot be mistaken
 * for), retrying until the deadline. fd or -1.
 */
int		 hhaproxy_connect_from(const char *src, uint16_t port,
		    int timeout_ms);

#endif
