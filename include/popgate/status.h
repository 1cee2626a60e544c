/*
 * status: what `popgated status` prints, made from a snapshot the gateway
 * parent takes of its sessions (scoreboard) and penalties. A table for
 * people or JSON for scripts. Pure: no I/O, no logging, the clock comes
 * in the snapshot.
 */
#ifndef POPGATE_STATUS_H
#define POPGATE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "popgate/addr.h"
#include "popgate/scoreboard.h"

struct status_session {
	long		 pid;
	bool		 authenticated;
	char		 user[SCOREBOARD_USER_LEN];	/* "" before login */
	char		 source[ADDR_STRLEN];	/* the client */
	int64_t		 since;		/* unix time of the connection */
	unsigned	 tunnels;	/* open now */
	uint64_t	 up, down;	/* bytes, all its tunnels */
	uint64_t	 idle_secs;	/* since bytes last moved */
	char		 via[ADDR_STRLEN];	/* source's balancer, or "" */
};

struct status {
	long			 pid;
	const char		*version;
	bool			 stopping;	/* shutting down */
	int64_t			 now;		/* unix time */
	int64_t			 started;
	struct status_session	*sessions;
	size_t			 nsessions;
	uint64_t		 auth_failures;	/* since start */
	size_t			 penalised;	/* sources refused now */
};

/* The table and a totals line. New string. */
char	*status_text(const struct status *st);
/* One JSON object (see README "Live status"), newline-terminated. */
char	*status_json(const struct status *st);

/* "999", "1.2K", "20.0M", "3.1G": bytes for people. Returns buf. */
char	*status_bytes(uint64_t n, char *buf, size_t len);
/* "45s", "12m", "3h", "2d": a duration for people. Returns buf. */
char	*status_duration(uint64_t secs, char *buf, size_t len);

#endif
