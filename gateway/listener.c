/*
 * listener: the gateway parent. It binds, accepts and forks, and keeps the
 * count MaxStartups needs: a child is a "startup" from accept until it
 * writes one byte on its notify pipe (authenticated) or exits. Beyond the
 * MaxStartups hard limit the TCP connection is closed before the child is
 * forked, so a flood costs no key exchange (as sshd).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "popgate/addr.h"
#include "popgate/clock.h"
#include "popgate/listener.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/notify.h"
#include "popgate/privsep.h"
#include "popgate/pwfile.h"
#include "popgate/session.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

#define LISTENER_POLL_MS	1000	/* bound on one wait: flags are seen */
#define LISTENER_ACCEPTS	16	/* per listener per wake-up */
#define LISTENER_STOP_MS	5000	/* children get this long on SIGTERM */
#define LISTENER_PAUSE_MS	1000	/* no accept after EMFILE for this */

struct child {
	pid_t	pid;
	int	notify_fd;	/* -1 once authenticated */
};

struct listener {
	const struct servconf	*sc;
	ssh_bind		 bind;
	struct pwfile		*pw;
	struct stat		 pw_stat;
	int			*fds;
	size_t			 nfds;
	struct child		*children;
	size_t			 nchildren;
	unsigned		 startups;
	uint64_t		 paused_until;	/* out of descriptors */
	struct pollfd		*pfds;		/* serve()'s poll set */
	size_t			*owner;		/* pfds index -> child index */
};

static volatile sig_atomic_t	listener_stop;

static void
stop_handler(int sig)
{
	(void)sig;
	listener_stop = 1;
}

static void
chld_handler(int sig)
{
	(void)sig;	/* only to interrupt poll(2) */
}

bool
listener_should_drop(unsigned startups, const struct servconf_maxstartups *ms,
    unsigned rnd)
{
	unsigned	p;

	if (startups < ms->start) {
		return false;
	}
	if (startups >= ms->full) {
		return true;
	}
	/* Linear from rate% at start to 100% at full (sshd's formula). */
	p = 100 - ms->rate;
	p = p * (startups - ms->start) / (ms->full - ms->start);
	p += ms->rate;
	return rnd < p;
}

static void
set_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = stop_handler;	/* no SA_RESTART: poll wakes */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = chld_handler;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

static void
open_listeners(struct listener *l)
{
	char		err[512], where[ADDR_STRLEN], q[LOG_TEXT_MAX];
	unsigned short	port = 0;
	size_t		i;
	int		fd;

	l->fds = xcalloc(l->sc->nlisten, sizeof(*l->fds));
	for (i = 0; i < l->sc->nlisten; i++) {
		fd = net_listen(&l->sc->listen[i], &port, err, sizeof(err));
		if (fd == -1) {
			fatal("event=listen-failed error=%s",
			    log_quote(q, sizeof(q), err));
		}
		l->fds[l->nfds++] = fd;
		log_info("event=listening addr=%s",
		    addr_format(l->sc->listen[i].host, port, where,
		    sizeof(where)));
	}
}

/* PasswordFile changed on disk (popgated passwd)? Load it for new users. */
static void
reload_passwords(struct listener *l)
{
	struct pwfile	*pw = NULL;
	struct stat	 st;
	char		 err[1024], q[LOG_TEXT_MAX];

	if (l->sc->password_file == NULL ||
	    stat(l->sc->password_file, &st) != 0 ||
	    (st.st_mtim.tv_sec == l->pw_stat.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == l->pw_stat.st_mtim.tv_nsec &&
	    st.st_ino == l->pw_stat.st_ino && st.st_size == l->pw_stat.st_size)) {
		return;
	}
	l->pw_stat = st;
	if ((l->sc->strict_modes && strictmodes_check(l->sc->password_file,
	    STRICTMODES_PASSWORDS, err, sizeof(err)) != 0) ||
	    pwfile_load(l->sc->password_file, &pw, err, sizeof(err)) != 0) {
		log_error("event=passwords-reload-failed error=%s kept=previous",
		    log_quote(q, sizeof(q), err));
		return;
	}
	pwfile_free(l->pw);
	l->pw = pw;
	log_info("event=passwords-reloaded file=%s",
	    log_quote(q, sizeof(q), l->sc->password_file));
}

static void
forget_child(struct listener *l, size_t i)
{
	if (l->children[i].notify_fd >= 0) {
		net_close(&l->children[i].notify_fd);
		l->startups--;
	}
	l->children[i] = l->children[--l->nchildren];
}

static void
reap(struct listener *l)
{
	pid_t	pid;
	size_t	i;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < l->nchildren; i++) {
			if (l->children[i].pid == pid) {
				forget_child(l, i);
				break;
			}
		}
		if (WIFSIGNALED(status)) {
			log_error("event=session-killed pid=%ld signal=%d",
			    (long)pid, WTERMSIG(status));
		}
	}
}

static void
child_main(struct listener *l, int fd, int notify_fd)
{
	size_t	i;

	for (i = 0; i < l->nfds; i++) {
		close(l->fds[i]);
	}
	for (i = 0; i < l->nchildren; i++) {
		net_close(&l->children[i].notify_fd);
	}
	/* The parent's bookkeeping is not the session's to keep. */
	free(l->children);
	l->children = NULL;
	l->nchildren = 0;
	free(l->fds);
	l->fds = NULL;
	l->nfds = 0;
	free(l->pfds);
	free(l->owner);
	l->pfds = NULL;
	l->owner = NULL;
	/* Until the session watches them itself, a signal just ends it. */
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	/* Before the first byte from the network: see privsep.h. */
	if (privsep_drop() != 0) {
		exit(1);
	}
	exit(session_serve(l->sc, l->pw, l->bind, fd, notify_fd));
}

static void
spawn(struct listener *l, int fd)
{
	char	q[LOG_VALUE_MAX];
	int	pfd[2];
	pid_t	pid;

	if (pipe(pfd) == -1) {
		log_error("event=pipe-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		close(fd);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		log_error("event=fork-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		close(pfd[0]);
		close(pfd[1]);
		close(fd);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_main(l, fd, pfd[1]);
	}
	close(pfd[1]);
	close(fd);
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	l->children = xreallocarray(l->children, l->nchildren + 1,
	    sizeof(*l->children));
	l->children[l->nchildren].pid = pid;
	l->children[l->nchildren].notify_fd = pfd[0];
	l->nchildren++;
	l->startups++;
}

static void
accept_on(struct listener *l, int lfd)
{
	struct sockaddr_storage	ss;
	char			peer[ADDR_STRLEN], q[LOG_VALUE_MAX];
	int			i, fd;

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
		if (listener_should_drop(l->startups, &l->sc->max_startups,
		    arc4random_uniform(100))) {
			log_info("event=connection-dropped from=%s startups=%u "
			    "maxstartups=%u:%u:%u",
			    addr_format_sa((struct sockaddr *)&ss, peer,
			    sizeof(peer)), l->startups,
			    l->sc->max_startups.start, l->sc->max_startups.rate,
			    l->sc->max_startups.full);
			close(fd);
			continue;
		}
		reload_passwords(l);
		spawn(l, fd);
	}
}

/* A child wrote its byte (or died): it no longer counts as a startup. */
static void
child_notified(struct listener *l, size_t i)
{
	char	c;

	if (read(l->children[i].notify_fd, &c, 1) < 0 && errno == EINTR) {
		return;
	}
	net_close(&l->children[i].notify_fd);
	l->startups--;
}

static void
serve(struct listener *l)
{
	struct pollfd	*pfds = NULL;
	size_t		*owner = NULL;
	size_t		 i, n;

	while (!listener_stop) {
		l->pfds = xreallocarray(l->pfds, l->nfds + l->nchildren,
		    sizeof(*l->pfds));
		l->owner = xreallocarray(l->owner, l->nfds + l->nchildren,
		    sizeof(*l->owner));
		pfds = l->pfds;
		owner = l->owner;
		n = 0;
		for (i = 0; i < l->nfds; i++) {
			pfds[n].fd = l->fds[i];
			/* A negative fd is skipped by poll(2): paused. */
			if (clock_ms() < l->paused_until) {
				pfds[n].fd = -1;
			}
			pfds[n++].events = POLLIN;
		}
		for (i = 0; i < l->nchildren; i++) {
			if (l->children[i].notify_fd >= 0) {
				owner[n] = i;
				pfds[n].fd = l->children[i].notify_fd;
				pfds[n++].events = POLLIN;
			}
		}
		if (poll(pfds, n, LISTENER_POLL_MS) > 0) {
			for (i = l->nfds; i < n; i++) {
				if (pfds[i].revents != 0) {
					child_notified(l, owner[i]);
				}
			}
			for (i = 0; i < l->nfds; i++) {
				if (pfds[i].revents & POLLIN) {
					accept_on(l, l->fds[i]);
				}
			}
		}
		reap(l);
	}
	free(l->pfds);
	free(l->owner);
	l->pfds = NULL;
	l->owner = NULL;
}

/* SIGTERM: children log their tunnels and exit; bounded, then SIGKILL. */
static void
stop_children(struct listener *l)
{
	struct timespec	ts = { 0, 50 * 1000000 };
	size_t		i;
	int		waited;

	for (i = 0; i < l->nchildren; i++) {
		kill(l->children[i].pid, SIGTERM);
	}
	for (waited = 0; l->nchildren > 0 && waited < LISTENER_STOP_MS;
	    waited += 50) {
		nanosleep(&ts, NULL);
		reap(l);
	}
	for (i = 0; i < l->nchildren; i++) {
		kill(l->children[i].pid, SIGKILL);
	}
	while (l->nchildren > 0 && waitpid(l->children[0].pid, NULL, 0) != -1) {
		forget_child(l, 0);
	}
}

int
listener_run(const struct servconf *sc, struct pwfile *pw, ssh_bind bind)
{
	struct listener	l;
	size_t		i;

	memset(&l, 0, sizeof(l));
	l.sc = sc;
	l.bind = bind;
	l.pw = pw;
	if (sc->password_file != NULL) {
		stat(sc->password_file, &l.pw_stat);
	}
	set_signals();
	open_listeners(&l);
	notify_ready();
	serve(&l);
	notify_stopping();
	log_info("event=shutting-down");
	for (i = 0; i < l.nfds; i++) {
		close(l.fds[i]);
	}
	free(l.fds);
	stop_children(&l);
	free(l.children);
	pwfile_free(l.pw);
	return 0;
}
