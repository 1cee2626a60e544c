/*
 * popgate: one SSH session to a popgated gateway, local ports for any mail
 * client. Exit codes are chosen here and nowhere else:
 * 0 ok, 2 usage or config, 3 host key verification failed,
 * 4 authentication failed, 5 forward refused or backend unreachable,
 * 6 network error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "popgate/check.h"
#include "popgate/clock.h"
#include "popgate/conn.h"
#include "popgate/drain.h"
#include "popgate/forward.h"
#include "popgate/log.h"
#include "popgate/opts.h"
#include "popgate/relay.h"
#include "popgate/sigwatch.h"

#define MAIN_MAX_WAIT_MS	30000
#define MAIN_MAX_POLL_ERRORS	100
#define MAIN_DRAIN_POLLS	64	/* ready events taken before pumping */

struct client {
	struct opts	 o;
	ssh_event	 ev;
	struct drain	*drain;		/* reads before relays run */
	struct conn	*conn;
	struct forward	*fw[OPTS_MAX_FORWARDS];
	size_t		 nfw;
	struct sigwatch	*sig;		/* SIGINT/SIGTERM: clean exit 0 */
};

static int
exit_code(enum conn_status st)
{
	static const int	codes[] = {
		[CONN_OK] = 0, [CONN_CONFIG] = 2, [CONN_HOSTKEY] = 3,
		[CONN_AUTH] = 4, [CONN_FORWARD] = 5, [CONN_NETWORK] = 6
	};

	return (size_t)st < sizeof(codes) / sizeof(codes[0]) ? codes[st] : 6;
}

static void
set_log_level(const struct opts *o)
{
	enum log_level	level = LOG_LEVEL_INFO;

	if (o->quiet) {
		level = LOG_LEVEL_ERROR;
	} else if (o->verbose > 0) {
		level = (enum log_level)(LOG_LEVEL_INFO + o->verbose);
		if (level > LOG_LEVEL_DEBUG3) {
			level = LOG_LEVEL_DEBUG3;
		}
	}
	log_set_level(level);
	log_route_libssh();
}

/* Binds every listener; a port in use is a usage error, at once. */
static int
open_forwards(struct client *cl)
{
	char	err[512], q[LOG_TEXT_MAX];
	size_t	i;

	if (cl->o.stdio) {
		cl->fw[cl->nfw++] = forward_new_stdio(cl->ev,
		    &cl->o.stdio_target);
		return 0;
	}
	for (i = 0; i < cl->o.nforwards; i++) {
		cl->fw[cl->nfw] = forward_new(cl->ev, &cl->o.forwards[i], err,
		    sizeof(err));
		if (cl->fw[cl->nfw] == NULL) {
			log_error("event=listen-failed error=%s",
			    log_quote(q, sizeof(q), err));
			return -1;
		}
		cl->nfw++;
	}
	return 0;
}

static void
print_ready(const struct client *cl)
{
	char	line[2 * ADDR_STRLEN + 32];
	size_t	i;

	for (i = 0; i < cl->nfw; i++) {
		forward_ready_line(cl->fw[i], line, sizeof(line));
		printf("%s\n", line);
	}
	fflush(stdout);
}

static int
next_timeout(const struct client *cl, uint64_t now)
{
	int	ms = MAIN_MAX_WAIT_MS, t;
	size_t	i;

	t = conn_timeout(cl->conn, now);
	if (t >= 0 && t < ms) {
		ms = t;
	}
	for (i = 0; i < cl->nfw; i++) {
		if (forward_pending(cl->fw[i])) {
			return 0;	/* work waiting: do not sleep first */
		}
		t = forward_timeout(cl->fw[i], now);
		if (t >= 0 && t < ms) {
			ms = t;
		}
	}
	return ms;
}

/* The session died: its clients end, the listeners stay. */
static void
lost(struct client *cl)
{
	const char	*why = conn_why_dead(cl->conn);
	size_t		 i;

	for (i = 0; i < cl->nfw; i++) {
		forward_abort_all(cl->fw[i], "gateway connection lost");
	}
	conn_drop(cl->conn, why);
	if (!cl->o.stdio) {
		log_info("event=disconnected reconnect=on-demand");
	}
}

/* A client is waiting and the session is down: try again (backoff). */
static void
reconnect(struct client *cl, uint64_t now)
{
	unsigned	wait_s;
	size_t		i;
	bool		pending = false;
	char		q[LOG_VALUE_MAX];

	for (i = 0; i < cl->nfw; i++) {
		pending = pending || forward_pending(cl->fw[i]);
	}
	if (pending && !conn_is_up(cl->conn) &&
	    conn_may_retry(cl->conn, now, &wait_s)) {
		if (conn_establish(cl->conn) == CONN_OK) {
			log_info("event=reconnected gateway=%s",
			    log_quote(q, sizeof(q), cl->o.gateway));
		}
	}
}

static int
run(struct client *cl)
{
	unsigned	errors = 0;
	uint64_t	now;
	bool		failed = false, dirty = false;
	size_t		i;

	while (sigwatch_caught(cl->sig) == 0) {
		now = clock_ms();
		if (ssh_event_dopoll(cl->ev, dirty ? 0 : next_timeout(cl, now)) ==
		    SSH_ERROR) {
			if (++errors >= MAIN_MAX_POLL_ERRORS) {
				log_error("event=loop-failed errors=%u",
				    errors);
				return exit_code(CONN_NETWORK);
			}
		} else {
			errors = 0;
			if (conn_is_up(cl->conn)) {
				drain_session(cl->drain, cl->ev,
				    conn_session(cl->conn), MAIN_DRAIN_POLLS);
			}
		}
		now = clock_ms();
		if (!conn_tick(cl->conn, now) && conn_is_up(cl->conn)) {
			lost(cl);
		}
		reconnect(cl, now);
		relay_take_dirty();
		for (i = 0; i < cl->nfw; i++) {
			if (forward_pending(cl->fw[i])) {
				forward_accept(cl->fw[i], cl->conn, now);
			}
			forward_pump(cl->fw[i], now);
		}
		dirty = relay_take_dirty();
		if (cl->o.stdio && forward_stdio_done(cl->fw[0], &failed)) {
			return failed ? exit_code(conn_is_up(cl->conn) ?
			    CONN_FORWARD : CONN_NETWORK) : 0;
		}
	}
	return 0;
}

static void
cleanup(struct client *cl)
{
	size_t	i;

	for (i = 0; i < cl->nfw; i++) {
		forward_free(cl->fw[i]);
	}
	conn_free(cl->conn);
	sigwatch_free(cl->sig);
	if (cl->ev != NULL) {
		ssh_event_free(cl->ev);
	}
	drain_free(cl->drain);
	ssh_finalize();
}

static int
parse(struct client *cl, int argc, char **argv)
{
	char	err[512];

	if (opts_parse(argc, argv, &cl->o, err, sizeof(err)) != 0) {
		fprintf(stderr, "popgate: %s\n(popgate --help lists the "
		    "options)\n", err);
		return 2;
	}
	if (cl->o.help) {
		fputs(opts_usage(), stdout);
		return 0;
	}
	if (cl->o.version) {
		printf("popgate %s (%s)\n", POPGATE_VERSION, ssh_version(0));
		return 0;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct client		cl;
	enum conn_status	st;
	int			status;

	memset(&cl, 0, sizeof(cl));
	log_init("popgate", LOG_LEVEL_INFO);
	log_show_pid(false);
	status = parse(&cl, argc, argv);
	if (status >= 0) {
		return status;
	}
	set_log_level(&cl.o);
	signal(SIGPIPE, SIG_IGN);
	ssh_init();
	cl.ev = ssh_event_new();
	cl.drain = drain_new();
	if (cl.ev == NULL || cl.drain == NULL || open_forwards(&cl) != 0) {
		cleanup(&cl);
		return exit_code(CONN_CONFIG);
	}
	cl.conn = conn_new(&cl.o, cl.ev);
	st = conn_establish(cl.conn);
	if (st == CONN_OK && cl.o.check) {
		st = check_run(cl.conn, &cl.o, stdout);
		status = exit_code(st);
	} else if (st == CONN_OK) {
		if (!cl.o.stdio) {
			print_ready(&cl);
		}
		/* Until here the default action (exit) is right for a signal. */
		cl.sig = sigwatch_new(cl.ev);
		status = cl.sig != NULL ? run(&cl) : exit_code(CONN_CONFIG);
	} else {
		status = exit_code(st);
	}
	cleanup(&cl);
	return status;
}
