/*
 * ctlstatus: the ControlSocket of the gateway parent, opened by path and
 * answered with a snapshot. The snapshot is taken whole in one turn of
 * the parent's loop: the scoreboard is read, never locked, and nothing
 * here waits on a child.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "popgate/clock.h"
#include "popgate/ctlstatus.h"
#include "popgate/log.h"
#include "popgate/status.h"
#include "popgate/xmem.h"

void
ctlstatus_open(struct control **ctl, const struct servconf *sc)
{
	char	err[512], q[LOG_TEXT_MAX];

	if (*ctl != NULL && sc->control_socket != NULL &&
	    strcmp(control_path(*ctl), sc->control_socket) == 0) {
		return;
	}
	control_free(*ctl);
	*ctl = NULL;
	if (sc->control_socket == NULL) {
		return;
	}
	*ctl = control_open(sc->control_socket, err, sizeof(err));
	if (*ctl == NULL) {
		/* Status is for admins; mail keeps flowing without it. */
		log_error("event=control-socket-failed error=%s "
		    "status=unavailable", log_quote(q, sizeof(q), err));
		return;
	}
	log_verbose("event=control-socket path=%s",
	    log_quote(q, sizeof(q), sc->control_socket));
}

/* The ControlSocket's one request: a snapshot, as text or JSON. */
char *
ctlstatus_answer(const struct ctlstatus_view *v, const char *request)
{
	struct status	 st;
	uint64_t	 now = clock_ms();
	char		*out = NULL;
	size_t		 i;
	bool		 json = strcmp(request, "status json") == 0;

	if (!json && strcmp(request, "status") != 0) {
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	st.pid = (long)getpid();
	st.version = POPGATE_VERSION;
	st.stopping = v->stopping;
	st.now = (int64_t)time(NULL);
	st.started = v->started;
	st.auth_failures = v->auth_failures;
	st.penalised = penalty_refused_count(v->pen, now);
	st.sessions = xcalloc(v->ch->n + 1, sizeof(*st.sessions));
	for (i = 0; i < v->ch->n; i++) {
		children_status(v->ch, i, v->sb, now, &st.sessions[i],
		    &st.auth_failures);
	}
	st.nsessions = v->ch->n;
	out = json ? status_json(&st) : status_text(&st);
	free(st.sessions);
	return out;
}
