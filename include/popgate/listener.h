/*
 * listener: the gateway parent. Binds every ListenAddress, polls them,
 * refuses penalised sources (PerSourcePenalties) and floods (MaxStartups,
 * PerSourceMaxStartups) before any key exchange (the decisions are
 * admit.h's), forks one child per connection (session_serve) with a
 * scoreboard slot and a control socket pair, admits logins
 * (MaxSessionsPerUser), reaps children and charges their offences.
 * Signals arrive through a signalfd on its poll loop: SIGHUP reloads
 * (gwconf) for new connections, SIGTERM/SIGINT stop accepting and let
 * open tunnels finish for up to ShutdownGrace. It answers `popgated
 * status` on the ControlSocket (ctlstatus.h). Never reads a byte from
 * the network itself.
 */
#ifndef POPGATE_LISTENER_H
#define POPGATE_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

struct gwconf;

/* At most this many connections (sessions and startups) at once. */
#define LISTENER_SESSIONS_MAX	4096

/* What a reload needs to load the configuration the same way again. */
struct listener_opts {
	const char	*path;		/* -f FILE */
	char *const	*opts;		/* -o options, again on every reload */
	size_t		 nopts;
	bool		 fixed_level;	/* -d given: reloads keep the level */
};

/*
 * Binds, then serves until SIGTERM/SIGINT and the end of the shutdown.
 * Takes ownership of g. Fatal when a listener cannot be bound at start.
 * Returns the exit status (0).
 */
int	listener_run(struct gwconf *g, const struct listener_opts *o);

#endif
