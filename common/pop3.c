/*
 * pop3: the -ERR line the gateway or the client sends in place of a
 * greeting when a tunnel cannot be made, so the mail client shows the
 * reason instead of a bare disconnect. RFC 1939 §3: a status indicator
 * and text, ended by CRLF; RFC 2449 §4: at most 512 octets with the CRLF;
 * RFC 2449 §8 / RFC 3206: an optional "[CODE]" response code first.
 */
#include <stdio.h>
#include <string.h>

#include "popgate/pop3.h"

/* Appends s to buf[*o..max), control bytes as spaces. */
static void
append_clean(char *buf, size_t *o, size_t max, const char *s)
{
	unsigned char	c;

	for (; *s != '\0' && *o < max; s++) {
		c = (unsigned char)*s;
		buf[(*o)++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
}

size_t
pop3_format_err(char *buf, size_t len, const char *code, const char *prog,
    const char *reason)
{
	size_t	max;
	size_t	o = 0;

	if (len < 3) {		/* not even room for CRLF and the NUL */
		if (len > 0) {
			buf[0] = '\0';
		}
		return 0;
	}
	max = len - 1 < POP3_LINE_MAX ? len - 1 : POP3_LINE_MAX;
	max -= 2;		/* keep room for CRLF */
	append_clean(buf, &o, max, "-ERR ");
	if (code != NULL) {
		append_clean(buf, &o, max, "[");
		append_clean(buf, &o, max, code);
		append_clean(buf, &o, max, "] ");
	}
	if (prog != NULL) {
		append_clean(buf, &o, max, prog);
		append_clean(buf, &o, max, ": ");
	}
	append_clean(buf, &o, max, reason);
	buf[o++] = '\r';
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}
