/*
 * popgate: one SSH session to a popgated gateway, local ports for any mail
 * client. Exit codes are chosen here and nowhere else:
 * 0 ok, 2 usage or config, 3 host key verification failed,
 * 4 authentication failed, 5 forward refused or backend unreachable,
 * 6 network error. With -f the parent exits with the background
 * process's status once that one serves (0) or gave up before (2).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "popgate/check.h"
#include "popgate/clock.h"
#include "popgate/conn.h"
#include "popgate/detach.h"
#include "popgate/drain.h"
#include "popgate/forward.h"
#include "popgate/log.h"
#include "popgate/opts.h"
#include "popgate/pidfile.h"
#include "popgate/profile.h"
#include "popgate/relay.h"
#include "popgate/sigwatch.h"
#include "popgate/usage.h"

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
	struct profile	*profile;	/* owns the strings o points to */
	char		 dest[PROFILE_DEST_MAX];
	bool		 pid_written;
	int		 report_fd;	/* -f: to the waiting parent */
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
	if (cl->o.persist) {
		log_info("event=disconnected reconnect=persist");
	} else if (!cl->o.stdio) {
		log_info("event=disconnected reconnect=on-demand");
	}
}

/*
 * The session is down and a client is waiting, or --persist's wait is
 * over: try again. Failures back off (conn_may_retry, conn_persist_due).
 */
static void
reconnect(struct client *cl, uint64_t now)
{
	unsigned	wait_s;
	size_t		i;
	bool		pending = false;
	char		q[LOG_VALUE_MAX];

	if (conn_is_up(cl->conn)) {
		return;
	}
	for (i = 0; i < cl->nfw; i++) {
		pending = pending || forward_pending(cl->fw[i]);
	}
	if (!(pending && conn_may_retry(cl->conn, now, &wait_s)) &&
	    !conn_persist_due(cl->conn, now)) {
		return;
	}
	if (conn_establish(cl->conn) == CONN_OK) {
		log_info("event=reconnected gateway=%s",
		    log_quote(q, sizeof(q), cl->o.gateway));
	} else if (cl->o.persist) {
		conn_may_retry(cl->conn, clock_ms(), &wait_s);
		log_info("event=reconnect-scheduled in=%u", wait_s);
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
	if (cl->pid_written) {
		pidfile_remove(cl->o.pid_file);
	}
	profile_free(cl->profile);
}

/*
 * The profile file to look in: -F, else $XDG_CONFIG_HOME/popgate/config
 * (an absolute XDG_CONFIG_HOME only, as its spec says), else
 * ~/.config/popgate/config. NULL when there is none to look in.
 */
static const char *
profile_path(const struct opts *o, char *buf, size_t len)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	int		 n;

	if (o->config != NULL) {
		return o->config;
	}
	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(buf, len, "%s/popgate/config", xdg);
	} else if (home != NULL && home[0] != '\0') {
		n = snprintf(buf, len, "%s/.config/popgate/config", home);
	} else {
		return NULL;
	}
	if (n < 0 || (size_t)n >= len ||
	    (access(buf, F_OK) != 0 && errno == ENOENT)) {
		return NULL;
	}
	return buf;
}

/*
 * It names the key, the known hosts and the password file: a profile
 * file others may write is refused, as OpenSSH refuses ~/.ssh/config.
 */
static int
profile_safe(const char *path, char *err, size_t errlen)
{
	struct stat	st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%.512s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		return 0;	/* /dev/null and the like */
	}
	if ((st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%.200s: writable by others (mode %03o); "
		    "refusing it: chmod go-w %.200s", path,
		    (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	if (st.st_uid != getuid() && st.st_uid != 0) {
		snprintf(err, errlen, "%.512s: owned by uid %u, not by you; "
		    "refusing it", path, (unsigned)st.st_uid);
		return -1;
	}
	return 0;
}

/*
 * popgate [USER@]NAME with a Host NAME block: the options again, the
 * block's first and the command line's over them.
 */
static int
use_profile(struct client *cl, int argc, char **argv, char *err,
    size_t errlen)
{
	const struct profile_host	*h = NULL;
	const char			*path = NULL;
	char				 buf[PATH_MAX];
	char *const			*pargv = NULL;
	int				 pargc;

	path = cl->o.dest != NULL ? profile_path(&cl->o, buf, sizeof(buf)) :
	    NULL;
	if (path == NULL) {
		return 0;
	}
	if (profile_safe(path, err, errlen) != 0) {
		return -1;
	}
	cl->profile = profile_load(path, getenv("HOME"), err, errlen);
	if (cl->profile == NULL || profile_resolve(cl->profile, cl->o.dest,
	    cl->o.config != NULL, &h, err, errlen) != 0) {
		return -1;
	}
	if (h == NULL) {
		return 0;	/* a gateway, not a profile */
	}
	profile_host_dest(h, cl->o.dest, cl->dest, sizeof(cl->dest));
	pargv = profile_host_argv(h, &pargc);
	opts_init(&cl->o);
	if (opts_scan(&cl->o, pargc, pargv, err, errlen) != 0 ||
	    opts_scan(&cl->o, argc - 1, argv + 1, err, errlen) != 0) {
		return -1;
	}
	cl->o.dest = cl->dest;
	return 0;
}

static int
parse(struct client *cl, int argc, char **argv)
{
	char	err[1024];

	opts_init(&cl->o);
	if (opts_scan(&cl->o, argc - 1, argv + 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "popgate: %s\n(popgate --help lists the "
		    "options)\n", err);
		return 2;
	}
	if (cl->o.help) {
		fputs(usage_text(), stdout);
		return 0;
	}
	if (cl->o.version) {
		printf("popgate %s (%s)\n", POPGATE_VERSION, ssh_version(0));
		return 0;
	}
	if (use_profile(cl, argc, argv, err, sizeof(err)) != 0) {
		fprintf(stderr, "popgate: %s\n", err);
		return 2;
	}
	if (opts_finish(&cl->o, err, sizeof(err)) != 0) {
		fprintf(stderr, "popgate: %s\n(popgate --help lists the "
		    "options)\n", err);
		return 2;
	}
	return -1;
}

/*
 * Ready: the lines for scripts, then (-f) the background, the pid file,
 * the signal watch; with -f the parent is told only now.
 */
static int
serve(struct client *cl)
{
	char	err[512], q[LOG_TEXT_MAX];
	int	status;

	if (!cl->o.stdio) {
		print_ready(cl);
	}
	if (cl->o.background) {
		switch (detach_fork(&cl->report_fd, &status)) {
		case DETACH_PARENT:
			_exit(status);	/* the session is the child's now */
		case DETACH_FAILED:
			return exit_code(CONN_CONFIG);
		case DETACH_CHILD:
			break;
		}
	}
	if (cl->o.pid_file != NULL) {
		if (pidfile_write(cl->o.pid_file, err, sizeof(err)) != 0) {
			log_error("event=pid-file-failed error=%s",
			    log_quote(q, sizeof(q), err));
			return exit_code(CONN_CONFIG);
		}
		cl->pid_written = true;
	}
	/* Until here the default action (exit) is right for a signal. */
	cl->sig = sigwatch_new(cl->ev);
	if (cl->sig == NULL) {
		return exit_code(CONN_CONFIG);
	}
	if (cl->o.background) {
		log_use_syslog(LOG_MAIL);
		detach_stdio();
		detach_report(&cl->report_fd, 0);
	}
	if (cl->o.persist) {
		log_verbose("event=persist gateway=%s",
		    log_quote(q, sizeof(q), cl->o.gateway));
	}
	return run(cl);
}

int
main(int argc, char **argv)
{
	struct client		cl;
	enum conn_status	st;
	char			err[512], q[LOG_TEXT_MAX];
	int			status;

	memset(&cl, 0, sizeof(cl));
	cl.report_fd = -1;
	log_init("popgate", LOG_LEVEL_INFO);
	log_show_pid(false);
	status = parse(&cl, argc, argv);
	if (status >= 0) {
		profile_free(cl.profile);
		return status;
	}
	set_log_level(&cl.o);
	/* A running popgate on the pid file: say so before connecting. */
	if (cl.o.pid_file != NULL && pidfile_check(cl.o.pid_file, err,
	    sizeof(err)) != 0) {
		log_error("event=pid-file-failed error=%s",
		    log_quote(q, sizeof(q), err));
		profile_free(cl.profile);
		return exit_code(CONN_CONFIG);
	}
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
		status = serve(&cl);
	} else {
		status = exit_code(st);
	}
	/* -f and failed before it was ready: the parent exits with this. */
	detach_report(&cl.report_fd, status);
	cleanup(&cl);
	return status;
}
