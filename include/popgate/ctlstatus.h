/*
 * ctlstatus: the gateway parent's ControlSocket, its side of `popgated
 * status`. The socket is opened at start and again when a reload names
 * another path (a failure is logged and leaves none: status is for
 * admins, mail keeps flowing without it), and its one request is
 * answered with a snapshot of the parent's sessions (children,
 * scoreboard) and penalties, as text or JSON (status.h). Runs on the
 * listener's poll loop, which polls the socket (control.h).
 */
#ifndef POPGATE_CTLSTATUS_H
#define POPGATE_CTLSTATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "popgate/children.h"
#include "popgate/control.h"
#include "popgate/penalty.h"
#include "popgate/scoreboard.h"
#include "popgate/servconf.h"

/* What a snapshot is taken from: the listener's, borrowed. */
struct ctlstatus_view {
	bool			 stopping;	/* shutting down */
	int64_t			 started;	/* unix time */
	uint64_t		 auth_failures;	/* reaped sessions' */
	const struct penalty	*pen;
	const struct children	*ch;
	const struct scoreboard	*sb;
};

/*
 * *ctl (NULL or open) becomes the ControlSocket sc names: kept when the
 * path is the same, else closed and, when sc names one, opened (NULL
 * when that failed; logged).
 */
void	 ctlstatus_open(struct control **ctl, const struct servconf *sc);
/*
 * The answer to request ("status" or "status json") from v: a new
 * string, or NULL for any other request (control_answer_fn).
 */
char	*ctlstatus_answer(const struct ctlstatus_view *v,
	    const char *request);

#endif
