/*
 * forward: one -L listener and the mail client connections it accepted,
 * each on its own channel of the one SSH session (relay does the bytes).
 * When a channel cannot be opened, a client of a POP3, IMAP or SMTP
 * forward (by HOST's name or HOSTPORT, as mailproto_infer) reads
 * "-ERR [SYS/TEMP] popgate: <reason>", "* BYE [UNAVAILABLE] popgate:
 * <reason>" or "421 4.3.2 popgate: <reason>" and is closed, within
 * FORWARD_OPEN_TIMEOUT_S. A channel the gateway reports broken
 * resets the client's socket, so a truncated message never looks whole.
 */
#ifndef POPGATE_FORWARD_H
#define POPGATE_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libssh/libssh.h>

#include "popgate/fwdspec.h"

#define FORWARD_OPEN_TIMEOUT_S	5
#define FORWARD_MAX_CLIENTS	256	/* per listener; more wait in backlog */

struct conn;
struct forward;

/* Binds the listener (spec is copied). NULL with the reason in err. */
struct forward	*forward_new(ssh_event ev, const struct fwdspec *spec,
		    char *err, size_t errlen);
/*
 * A forward whose one client is this process's stdin/stdout (-W). Its
 * channel is opened by forward_accept() like any other client's.
 */
struct forward	*forward_new_stdio(ssh_event ev, const struct addr *target);
void		 forward_free(struct forward *f);	/* NULL is fine */

/* "listening 127.0.0.1:1110 -> pop3:110" (the real port). */
void		 forward_ready_line(const struct forward *f, char *buf,
		    size_t len);

/* Is a client waiting to be accepted? */
bool		 forward_pending(const struct forward *f);

/*
 * Accepts waiting clients and starts opening their channels on c's
 * session; when c is down they get the -ERR line with why.
 */
void		 forward_accept(struct forward *f, struct conn *c,
		    uint64_t now_ms);

/* After each ssh_event_dopoll(). */
void		 forward_pump(struct forward *f, uint64_t now_ms);
int		 forward_timeout(const struct forward *f, uint64_t now_ms);

/* The session died: every client connection ends (reset). */
void		 forward_abort_all(struct forward *f, const char *why);

/* Client connections open now. */
size_t		 forward_active(const struct forward *f);
/* For -W: the one client has finished (and how). */
bool		 forward_stdio_done(const struct forward *f, bool *failed);

#endif
