/*
 * pop3: the little of POP3 (RFC 1939, RFC 2449, RFC 3206) the tunnel ends
 * need: formatting an -ERR line a mail client will show its user.
 * No I/O, no logging.
 */
#ifndef POPGATE_POP3_H
#define POPGATE_POP3_H

#include <stddef.h>
#include <stdint.h>

#define POP3_PORT	110
#define POP3_LINE_MAX	512	/* RFC 2449 §4: responses up to 512 octets */

/*
 * Writes "-ERR [code] prog: reason\r\n" into buf (code may be NULL: no
 * brackets). CR, LF and other control bytes in reason are replaced by
 * spaces; the line is cut to POP3_LINE_MAX. Returns the length written.
 */
size_t	pop3_format_err(char *buf, size_t len, const char *code,
	    const char *prog, const char *reason);

#endif
