/*
 * children: a plain array; a reaped child's place is taken by the last
 * one. Admission is decided here, one request at a time on the parent's
 * single thread, so two logins can never both see room for one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "popgate/children.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/net.h"
#include "popgate/sesslink.h"
#include "popgate/status.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

struct child *
children_add(struct children *ch, pid_t pid, int ctl, int slot,
    const struct sockaddr_storage *ss, const struct penalty_source *src,
    bool proxied)
{
	struct child	*c = NULL;

	ch->v = xreallocarray(ch->v, ch->n + 1, sizeof(*ch->v));
	c = &ch->v[ch->n++];
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->ctl = ctl;
	c->slot = slot;
	c->has_src = src != NULL;
	if (src != NULL) {
		c->src = *src;
	}
	addr_format_sa((const struct sockaddr *)ss, c->peer, sizeof(c->peer));
	c->proxied = proxied;
	if (proxied) {
		/* The balancer, until the child says who is behind it. */
		c->has_src = false;
		snprintf(c->via, sizeof(c->via), "%s", c->peer);
	}
	c->since = (int64_t)time(NULL);
	c->started = clock_ms();
	ch->startups++;
	return c;
}

size_t
children_find(const struct children *ch, pid_t pid)
{
	size_t	i;

	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].pid == pid) {
			return i;
		}
	}
	return ch->n;
}

void
children_forget(struct children *ch, size_t i, struct scoreboard *sb)
{
	if (ch->v[i].ctl >= 0) {
		net_close(&ch->v[i].ctl);
		ch->startups--;
	}
	scoreboard_release(sb, ch->v[i].slot);
	ch->v[i] = ch->v[--ch->n];
}

void
children_drop(struct children *ch)
{
	size_t	i;

	for (i = 0; i < ch->n; i++) {
		net_close(&ch->v[i].ctl);
	}
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}

unsigned
children_startups_from(const struct children *ch,
    const struct penalty_source *src)
{
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < ch->n; i++) {
		n += ch->v[i].ctl >= 0 && ch->v[i].has_src &&
		    penalty_source_equal(&ch->v[i].src, src);
	}
	return n;
}

static unsigned
user_sessions(const struct children *ch, const char *user)
{
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < ch->n; i++) {
		n += ch->v[i].admitted && strcmp(ch->v[i].user, user) == 0;
	}
	return n;
}

/* The child logged someone in and asks to go on: 'y' or 'n'. */
static void
admit(struct children *ch, struct child *c, const struct scoreboard *sb,
    unsigned max)
{
	struct scoreboard_entry	e;
	unsigned		n;
	char			answer = 'y', q[LOG_VALUE_MAX];

	scoreboard_read(sb, c->slot, &e);
	if (e.state != SCOREBOARD_AUTHED || !str_valid_user(e.user)) {
		answer = 'n';
		log_error("event=admission-refused pid=%ld from=%s "
		    "reason=no-valid-user", (long)c->pid, c->peer);
	} else if (max != 0 && (n = user_sessions(ch, e.user)) >= max) {
		answer = 'n';
		log_info("event=refused user=%s from=%s request=session "
		    "reason=MaxSessionsPerUser sessions=%u",
		    log_quote(q, sizeof(q), e.user), c->peer, n);
	}
	if (send(c->ctl, &answer, 1, MSG_NOSIGNAL) != 1) {
		log_debug("event=admission-answer-failed pid=%ld error=%s",
		    (long)c->pid, log_quote(q, sizeof(q), strerror(errno)));
	}
	if (answer == 'y') {
		c->admitted = true;
		snprintf(c->user, sizeof(c->user), "%s", e.user);
	}
}

/* Child i is no longer a startup: its control socket is closed. */
static void
done_asking(struct children *ch, struct child *c)
{
	net_close(&c->ctl);
	ch->startups--;
}

static void
reply(const struct child *c, char b)
{
	char	q[LOG_VALUE_MAX];

	if (send(c->ctl, &b, 1, MSG_NOSIGNAL) != 1) {
		log_debug("event=answer-failed pid=%ld error=%s",
		    (long)c->pid, log_quote(q, sizeof(q), strerror(errno)));
	}
}

/*
 * A source message: taken from a proxied child once, as its first word
 * (see children.h), and only when it is well formed. false: refused.
 */
static bool
parse_claim(const struct child *c, const struct sesslink_source *m,
    size_t n, struct children_claim *claim)
{
	const struct sockaddr	*sa = (const struct sockaddr *)&m->sa;

	memset(claim, 0, sizeof(*claim));
	if (!c->proxied || c->claimed || n != sizeof(*m) ||
	    (m->local != 0 && m->local != 1)) {
		return false;
	}
	claim->local = m->local == 1;
	if (claim->local) {
		snprintf(claim->peer, sizeof(claim->peer), "%s", c->via);
		return true;
	}
	if (!penalty_source_from_sa(sa, &claim->src)) {
		return false;
	}
	claim->has_src = true;
	addr_format_sa(sa, claim->peer, sizeof(claim->peer));
	return true;
}

bool
children_readable(struct children *ch, size_t i, const struct scoreboard *sb,
    unsigned max, struct children_claim *claim)
{
	struct child		*c = &ch->v[i];
	struct sesslink_source	 m;
	ssize_t			 n;

	memset(&m, 0, sizeof(m));
	/* SOCK_SEQPACKET: one message per read, a longer one truncated. */
	n = recv(c->ctl, &m, sizeof(m), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return false;
	}
	if (n > 0 && m.type == SESSLINK_SOURCE) {
		if (parse_claim(c, &m, (size_t)n, claim)) {
			c->claimed = true;
			return true;
		}
		log_error("event=source-refused pid=%ld from=%s "
		    "reason=protocol-error", (long)c->pid, c->peer);
		c->refused = true;
		reply(c, 'n');
	} else if (n == 1 && m.type == SESSLINK_ADMIT) {
		admit(ch, c, sb, max);
	}
	done_asking(ch, c);
	return false;
}

void
children_source_answer(struct children *ch, size_t i,
    const struct children_claim *claim, bool ok)
{
	struct child	*c = &ch->v[i];

	if (c->ctl < 0) {
		return;
	}
	reply(c, ok ? 'y' : 'n');
	if (!ok) {
		c->refused = true;
		done_asking(ch, c);
		return;
	}
	c->has_src = claim->has_src;
	if (claim->has_src) {
		c->src = claim->src;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", claim->peer);
}

void
children_signal(struct children *ch, int sig)
{
	size_t	i;

	for (i = 0; i < ch->n; i++) {
		/* Even SIGUSR1 ends a child still in its key exchange. */
		ch->v[i].signalled = true;
		kill(ch->v[i].pid, sig);
	}
}

void
children_status(const struct children *ch, size_t i,
    const struct scoreboard *sb, uint64_t now_ms, struct status_session *row,
    uint64_t *failures)
{
	const struct child	*c = &ch->v[i];
	struct scoreboard_entry	 e;
	uint64_t		 last;

	scoreboard_read(sb, c->slot, &e);
	memset(row, 0, sizeof(*row));
	row->pid = (long)c->pid;
	row->authenticated = c->admitted;
	snprintf(row->user, sizeof(row->user), "%s",
	    c->admitted ? c->user : "");
	snprintf(row->source, sizeof(row->source), "%s", c->peer);
	snprintf(row->via, sizeof(row->via), "%s", c->proxied ? c->via : "");
	row->since = c->since;
	row->tunnels = e.tunnels;
	row->up = e.bytes_up;
	row->down = e.bytes_down;
	last = e.last_active_ms != 0 ? e.last_active_ms : c->started;
	row->idle_secs = now_ms > last ? (now_ms - last) / 1000 : 0;
	*failures += e.auth_failures;
}

int
children_offence(const struct children *ch, size_t i,
    const struct scoreboard_entry *e, int status)
{
	struct penalty_outcome	o;

	memset(&o, 0, sizeof(o));
	o.crashed = WIFSIGNALED(status) && !ch->v[i].signalled;
	o.started = e->state != SCOREBOARD_FREE;
	o.logged_in = e->state != SCOREBOARD_FREE &&
	    e->state != SCOREBOARD_PREAUTH;
	o.grace_exceeded = e->end == SCOREBOARD_END_GRACE;
	o.left = e->end == SCOREBOARD_END_CLOSED ||
	    e->end == SCOREBOARD_END_KEX_FAILED;
	o.attempts = e->auth_attempts;
	o.failures = e->auth_failures;
	return penalty_offence(&o);
}
