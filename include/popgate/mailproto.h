/*
 * mailproto: the mail protocols a tunnel may carry, told apart by the
 * target a client asks for, and the one line a client of each reads in
 * place of a greeting when no tunnel can be had: POP3 "-ERR [SYS/TEMP]"
 * (RFC 3206), IMAP "* BYE [UNAVAILABLE]" (RFC 3501 §7.1.5, RFC 5530),
 * SMTP "421 4.3.2" (RFC 5321 §3.1, RFC 3463). Both ends use it: the
 * gateway for a backend it cannot reach, the client for a channel it
 * cannot open. No I/O, no logging.
 */
#ifndef POPGATE_MAILPROTO_H
#define POPGATE_MAILPROTO_H

#include <stdbool.h>
#include <stddef.h>

#define MAILPROTO_LINE_MAX	512	/* with CRLF: RFC 2449 §4, 5321 §4.5.3 */

enum mailproto {
	MAILPROTO_RAW,		/* unknown: no protocol replies */
	MAILPROTO_POP3,
	MAILPROTO_IMAP,
	MAILPROTO_SMTP		/* submission too */
};

/*
 * The protocol of target name:port: from the name first (pop3, imap,
 * smtp, submission; any case), else from the port (110 995, 143 993,
 * 25 465 587), else MAILPROTO_RAW.
 */
enum mailproto	 mailproto_infer(const char *name, unsigned port);

/* "pop3", "imap", "smtp" or "raw". */
const char	*mailproto_name(enum mailproto proto);

/*
 * Is line (without its CRLF) a greeting that says "ready"? POP3 "+OK",
 * IMAP "* OK" or "* PREAUTH", SMTP "220"; anything for MAILPROTO_RAW.
 */
bool		 mailproto_greeting_ok(enum mailproto proto,
		    const char *line);

/*
 * The parts (NULL ones skipped) as one line in buf, CRLF-ended: control
 * bytes become spaces, cut to MAILPROTO_LINE_MAX with the CRLF. Returns
 * its length; 0 (and "" when len > 0) when len < 3.
 */
size_t		 mailproto_format_line(char *buf, size_t len,
		    const char *const *parts, size_t nparts);

/*
 * Writes proto's "service unavailable, closing" line into buf: the
 * code, then "prog: reason", CRLF. Control bytes in prog and reason
 * become spaces; the line is cut to MAILPROTO_LINE_MAX. Returns its
 * length; 0 (and "") for MAILPROTO_RAW, which has no words for it.
 */
size_t		 mailproto_format_unavailable(char *buf, size_t len,
		    enum mailproto proto, const char *prog,
		    const char *reason);

#endif
