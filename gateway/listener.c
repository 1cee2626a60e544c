/*
 * listener: the gateway parent. It binds, accepts and forks, and keeps the
 * count MaxStartups needs: a child is a "startup" from accept until it
 * asks to be admitted on its control socket pair (authenticated) or
 * exits. Who is let in, and what a child's end costs its source, is
 * admit's: penalised sources and connections beyond MaxStartups or
 * PerSourceMaxStartups are closed before the child is forked, so a flood
 * costs no key exchange (as sshd); a proxied child's client is decided
 * when the child reports it, before key exchange.
 *
 * One poll loop: a signalfd (SIGHUP, SIGTERM, SIGINT, SIGCHLD), the
 * listeners, the children's control sockets and the ControlSocket (what
 * it answers is ctlstatus's). The parent never waits on a child: each
 * question is one message, one byte back; the scoreboard is read, not
 * locked.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "popgate/admit.h"
#include "popgate/children.h"
#include "popgate/clock.h"
#include "popgate/control.h"
#include "popgate/ctlstatus.h"
#include "popgate/gwconf.h"
#include "popgate/listener.h"
#include "popgate/listenset.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/notify.h"
#include "popgate/penalty.h"
#include "popgate/privsep.h"
#include "popgate/scoreboard.h"
#include "popgate/session.h"
#include "popgate/xmem.h"

#define LISTENER_POLL_MS	1000	/* bound on one wait */
#define LISTENER_ACCEPTS	16	/* per listener per wake-up */
#define LISTENER_STOP_MS	5000	/* after SIGTERM, before SIGKILL */
#define LISTENER_PAUSE_MS	1000	/* no accept after EMFILE for this */

struct listener {
	struct gwconf			*g;	/* what new sessions get */
	const struct listener_opts	*o;
	struct listenset		*ls;
	struct children			 ch;
	uint64_t			 paused_until;	/* out of fds */
	struct scoreboard		*sb;
	struct admit			 adm;
	struct control			*ctl;
	int				 sigfd;
	sigset_t			 oldmask;
	bool				 hup;
	int				 stop;		/* signals seen */
	bool				 stopping;
	bool				 terminated;	/* SIGTERM sent */
	uint64_t			 grace_end, kill_at;
	uint64_t			 auth_failures;	/* reaped sessions' */
	int64_t				 started;
	struct pollfd			*pfds;
	size_t				*owner;		/* pfds -> child */
};

static const struct servconf *
conf(const struct listener *l)
{
	return &l->g->sc;
}

/* Signals as readable bytes on the loop; the child gets the old mask. */
static void
watch_signals(struct listener *l)
{
	sigset_t	set;
	char		q[LOG_VALUE_MAX];

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &l->oldmask) != 0) {
		fatal("event=sigprocmask-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
	}
	l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd == -1) {
		fatal("event=signalfd-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
	}
}

static void
read_signals(struct listener *l)
{
	struct signalfd_siginfo	si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			l->hup = true;
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			l->stop++;
		}
		/* SIGCHLD only wakes the loop: reap() runs every turn. */
	}
}

/* LogLevel, LogTarget, SyslogFacility of a reload; -d keeps stderr. */
static void
apply_logging(const struct listener *l, const struct servconf *sc)
{
	if (l->o->fixed_level) {
		return;
	}
	log_set_level(sc->log_level);
	if (sc->log_target == SERVCONF_LOG_SYSLOG) {
		log_use_syslog(sc->syslog_facility[0]);
		log_use_syslog_mail(sc->syslog_facility[1]);
	} else {
		log_use_syslog(-1);
	}
}

/* SIGHUP: a new generation for new sessions, or the old one stays. */
static void
reload(struct listener *l)
{
	struct gwconf	*g = NULL;
	const char	*what = NULL;
	char		 err[1024], q[LOG_TEXT_MAX], qf[LOG_TEXT_MAX];

	l->hup = false;
	if (l->stopping) {
		log_info("event=reload-ignored reason=shutting-down");
		return;
	}
	notify_reloading();
	g = gwconf_load(l->o->path, l->o->opts, l->o->nopts, &what, err,
	    sizeof(err));
	if (g != NULL && listenset_apply(l->ls, &g->sc, err,
	    sizeof(err)) != 0) {
		what = "listen-failed";
		gwconf_free(g);
		g = NULL;
	}
	if (g == NULL) {
		/* One line: where it broke, and that nothing changed. */
		log_error("event=reload-failed kept=previous cause=%s error=%s",
		    what, log_quote(q, sizeof(q), err));
		notify_ready();
		return;
	}
	ctlstatus_open(&l->ctl, &g->sc);
	admit_reconf(&l->adm, &g->sc.penalties);
	apply_logging(l, &g->sc);
	gwconf_free(l->g);
	l->g = g;
	log_info("event=reloaded file=%s sessions-kept=%zu",
	    log_quote(qf, sizeof(qf), l->o->path), l->ch.n);
	notify_ready();
}

static void
reap(struct listener *l)
{
	struct scoreboard_entry	 e;
	struct child		*c = NULL;
	pid_t			 pid;
	size_t			 i;
	int			 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		i = children_find(&l->ch, pid);
		if (i == l->ch.n) {
			continue;
		}
		c = &l->ch.v[i];
		scoreboard_read(l->sb, c->slot, &e);
		l->auth_failures += e.auth_failures;
		if (WIFSIGNALED(status) && !c->signalled) {
			log_error("event=session-killed pid=%ld from=%s "
			    "signal=%d", (long)pid, c->peer, WTERMSIG(status));
		}
		if (!l->stopping && !c->refused) {
			admit_charge(&l->adm, c,
			    children_offence(&l->ch, i, &e, status));
		}
		children_forget(&l->ch, i, l->sb);
	}
}

/* In the forked child: drop every parent resource, then serve. */
static void
child_main(struct listener *l, struct session_conn *c, int slot)
{
	const struct gwconf	*g = l->g;
	int			 status;

	listenset_free(l->ls);
	l->ls = NULL;
	children_drop(&l->ch);
	free(l->pfds);
	free(l->owner);
	l->pfds = NULL;
	l->owner = NULL;
	control_forget(l->ctl);
	l->ctl = NULL;
	admit_fini(&l->adm);
	net_close(&l->sigfd);
	c->slot = scoreboard_child(l->sb, slot);
	l->sb = NULL;
	/* A reload of the gateway is no business of an open session. */
	signal(SIGHUP, SIG_IGN);
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	/* Before the first byte from the network: see privsep.h. */
	if (privsep_drop() != 0) {
		exit(1);
	}
	/* session_serve ignores SIGUSR1 from its teardown on. */
	status = session_serve(&g->sc, g->pw, g->bind, c);
	exit(status);
}

static void
spawn(struct listener *l, int fd, const struct sockaddr_storage *ss,
    const struct penalty_source *src, bool proxied)
{
	struct session_conn	c;
	char			q[LOG_VALUE_MAX];
	int			sv[2], slot;
	pid_t			pid;

	slot = scoreboard_claim(l->sb);
	if (slot < 0) {
		close(fd);
		return;
	}
	/* Records, not a stream: each question arrives whole or not at all. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_error("event=socketpair-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		scoreboard_release(l->sb, slot);
		close(fd);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		log_error("event=fork-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		scoreboard_release(l->sb, slot);
		close(sv[0]);
		close(sv[1]);
		close(fd);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		memset(&c, 0, sizeof(c));
		c.fd = fd;
		c.ctl_fd = sv[1];
		c.peer = *ss;
		c.proxied = proxied;
		child_main(l, &c, slot);
	}
	close(sv[1]);
	close(fd);
	net_set_nonblock(sv[0]);
	children_add(&l->ch, pid, sv[0], slot, ss, src, proxied);
}

/* PasswordFile changed on disk (popgated passwd)? For new sessions. */
static void
refresh_passwords(struct listener *l)
{
	char	err[1024], q[LOG_TEXT_MAX];

	switch (gwconf_refresh_passwords(l->g, err, sizeof(err))) {
	case 1:
		log_info("event=passwords-reloaded file=%s",
		    log_quote(q, sizeof(q), conf(l)->password_file));
		break;
	case -1:
		log_error("event=passwords-reload-failed error=%s "
		    "kept=previous", log_quote(q, sizeof(q), err));
		break;
	default:
		break;
	}
}

static void
accept_on(struct listener *l, size_t which)
{
	struct sockaddr_storage	ss;
	struct penalty_source	src;
	char			q[LOG_VALUE_MAX];
	bool			has_src, proxied;
	int			i, fd, lfd;

	lfd = listenset_fd(l->ls, which);
	proxied = listenset_proxy(l->ls, which);
	for (i = 0; i < LISTENER_ACCEPTS; i++) {
		fd = net_accept(lfd, &ss);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* poll is level-triggered: pause, or spin. */
				l->paused_until = clock_ms() +
				    LISTENER_PAUSE_MS;
			}
			if (errno != EAGAIN) {
				log_error("event=accept-failed error=%s",
				    log_quote(q, sizeof(q), strerror(errno)));
			}
			return;
		}
		has_src = !proxied && penalty_source_from_sa(
		    (struct sockaddr *)&ss, &src);
		if (admit_turned_away(&l->adm, conf(l), &l->ch, l->sb, &ss,
		    has_src ? &src : NULL, proxied)) {
			close(fd);
			continue;
		}
		refresh_passwords(l);
		spawn(l, fd, &ss, has_src ? &src : NULL, proxied);
	}
}

/* The ControlSocket's one request (ctlstatus.h). */
static char *
answer_cb(void *arg, const char *request)
{
	const struct listener	*l = arg;
	struct ctlstatus_view	 v;

	v.stopping = l->stopping;
	v.started = l->started;
	v.auth_failures = l->auth_failures;
	v.pen = l->adm.pen;
	v.ch = &l->ch;
	v.sb = l->sb;
	return ctlstatus_answer(&v, request);
}

/*
 * SIGTERM/SIGINT: no new connections; sessions stop opening tunnels and
 * end when their last one does (SIGUSR1), for up to ShutdownGrace. A
 * second signal cuts the grace short.
 */
static void
stop_step(struct listener *l)
{
	uint64_t	now = clock_ms();

	if (l->stop > 0 && !l->stopping) {
		l->stopping = true;
		listenset_close(l->ls);
		notify_stopping();
		log_info("event=shutting-down sessions=%zu grace=%us",
		    l->ch.n, conf(l)->shutdown_grace);
		children_signal(&l->ch, SIGUSR1);
		l->grace_end = now + (uint64_t)conf(l)->shutdown_grace * 1000;
	}
	if (!l->stopping) {
		return;
	}
	if (l->stop > 1 && l->grace_end > now) {
		l->grace_end = now;
	}
	if (!l->terminated && now >= l->grace_end && l->ch.n > 0) {
		log_info("event=shutdown-grace-over sessions=%zu", l->ch.n);
		children_signal(&l->ch, SIGTERM);
		l->terminated = true;
		l->kill_at = now + LISTENER_STOP_MS;
	}
	if (l->terminated && now >= l->kill_at && l->ch.n > 0) {
		children_signal(&l->ch, SIGKILL);
		l->kill_at = now + LISTENER_STOP_MS;
	}
}

static int
wait_ms(const struct listener *l, uint64_t now)
{
	uint64_t	until = now + LISTENER_POLL_MS;
	int		t;

	if (l->stopping && !l->terminated && l->grace_end < until) {
		until = l->grace_end;
	}
	if (l->stopping && l->terminated && l->kill_at < until) {
		until = l->kill_at;
	}
	if (now < l->paused_until && l->paused_until < until) {
		until = l->paused_until;
	}
	t = l->ctl != NULL ? control_timeout(l->ctl, now) : -1;
	if (t >= 0 && now + (uint64_t)t < until) {
		until = now + (uint64_t)t;
	}
	return until > now ? (int)(until - now) : 0;
}

/* The poll set: signals, listeners, children's sockets, ControlSocket. */
static size_t
fill_pollfds(struct listener *l, size_t *nctl_at, uint64_t now)
{
	size_t	i, n = 0, max = 1 + listenset_count(l->ls) + l->ch.n +
	    1 + CONTROL_CLIENTS;

	l->pfds = xreallocarray(l->pfds, max, sizeof(*l->pfds));
	l->owner = xreallocarray(l->owner, max, sizeof(*l->owner));
	l->pfds[n].fd = l->sigfd;
	l->pfds[n++].events = POLLIN;
	for (i = 0; i < listenset_count(l->ls); i++) {
		/* A negative fd is skipped by poll(2): paused. */
		l->pfds[n].fd = now < l->paused_until ? -1 :
		    listenset_fd(l->ls, i);
		l->pfds[n++].events = POLLIN;
	}
	for (i = 0; i < l->ch.n; i++) {
		if (l->ch.v[i].ctl >= 0) {
			l->owner[n] = i;
			l->pfds[n].fd = l->ch.v[i].ctl;
			l->pfds[n++].events = POLLIN;
		}
	}
	*nctl_at = n;
	if (l->ctl != NULL) {
		n += control_pollfds(l->ctl, l->pfds + n, max - n);
	}
	return n;
}

/* Child i's control socket is readable. */
static void
child_says(struct listener *l, size_t i)
{
	struct children_claim	claim;

	if (children_readable(&l->ch, i, l->sb,
	    conf(l)->max_sessions_per_user, &claim)) {
		admit_claim(&l->adm, conf(l), &l->ch, i, &claim,
		    l->stopping);
	}
}

static void
serve(struct listener *l)
{
	struct pollfd	*pfds = NULL;
	uint64_t	 now;
	size_t		 i, n, nctl_at, nsocks;

	while (!(l->stopping && l->ch.n == 0)) {
		now = clock_ms();
		nsocks = listenset_count(l->ls);
		n = fill_pollfds(l, &nctl_at, now);
		pfds = l->pfds;
		for (i = 0; i < n; i++) {
			pfds[i].revents = 0;
		}
		if (poll(pfds, n, wait_ms(l, now)) > 0) {
			if (pfds[0].revents != 0) {
				read_signals(l);
			}
			for (i = 1 + nsocks; i < nctl_at; i++) {
				if (pfds[i].revents != 0) {
					child_says(l, l->owner[i]);
				}
			}
			for (i = 0; i < nsocks; i++) {
				if (pfds[1 + i].revents & POLLIN) {
					accept_on(l, i);
				}
			}
		}
		now = clock_ms();
		if (l->ctl != NULL) {
			control_handle(l->ctl, pfds + nctl_at, n - nctl_at, now,
			    answer_cb, l);
		}
		reap(l);
		if (l->hup) {
			reload(l);
		}
		stop_step(l);
		admit_expire(&l->adm, now);
	}
}

int
listener_run(struct gwconf *g, const struct listener_opts *o)
{
	struct listener	l;
	char		err[512], q[LOG_TEXT_MAX];

	memset(&l, 0, sizeof(l));
	l.g = g;
	l.o = o;
	l.sigfd = -1;
	l.started = (int64_t)time(NULL);
	l.sb = scoreboard_new(LISTENER_SESSIONS_MAX);
	if (l.sb == NULL) {
		fatal("event=scoreboard-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
	}
	admit_init(&l.adm, &g->sc.penalties);
	watch_signals(&l);
	l.ls = listenset_new();
	if (listenset_apply(l.ls, &g->sc, err, sizeof(err)) != 0) {
		fatal("event=listen-failed error=%s",
		    log_quote(q, sizeof(q), err));
	}
	ctlstatus_open(&l.ctl, &g->sc);
	notify_ready();
	serve(&l);
	log_info("event=stopped");
	listenset_free(l.ls);
	control_free(l.ctl);
	children_drop(&l.ch);
	free(l.pfds);
	free(l.owner);
	admit_fini(&l.adm);
	scoreboard_free(l.sb);
	net_close(&l.sigfd);
	sigprocmask(SIG_SETMASK, &l.oldmask, NULL);
	gwconf_free(l.g);
	return 0;
}
