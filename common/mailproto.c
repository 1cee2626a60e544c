/*
 * mailproto: which protocol a target speaks, and how to say "no" in it
 * before the client has heard a greeting. Every one of the three allows
 * the server to open with a refusal and close: POP3 an -ERR (RFC 3206
 * SYS/TEMP: try again later), IMAP an untagged BYE as the greeting
 * (RFC 3501 §7.1.5, with RFC 5530's UNAVAILABLE code), SMTP a 421 reply
 * (RFC 5321 §3.1 and §4.2.3, RFC 3463 4.3.2: system not accepting
 * network messages).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "popgate/mailproto.h"

static const struct {
	const char	*name;
	enum mailproto	 proto;
	unsigned	 ports[3];	/* 0 ends the list */
} protos[] = {
	{ "pop3", MAILPROTO_POP3, { 110, 995, 0 } },
	{ "imap", MAILPROTO_IMAP, { 143, 993, 0 } },
	{ "smtp", MAILPROTO_SMTP, { 25, 465, 587 } },
	{ "submission", MAILPROTO_SMTP, { 0, 0, 0 } },
};

#define NPROTOS	(sizeof(protos) / sizeof(protos[0]))

enum mailproto
mailproto_infer(const char *name, unsigned port)
{
	size_t	i, j;

	for (i = 0; i < NPROTOS; i++) {
		if (strcasecmp(name, protos[i].name) == 0) {
			return protos[i].proto;
		}
	}
	for (i = 0; i < NPROTOS; i++) {
		for (j = 0; j < 3 && protos[i].ports[j] != 0; j++) {
			if (port == protos[i].ports[j]) {
				return protos[i].proto;
			}
		}
	}
	return MAILPROTO_RAW;
}

const char *
mailproto_name(enum mailproto proto)
{
	switch (proto) {
	case MAILPROTO_POP3:
		return "pop3";
	case MAILPROTO_IMAP:
		return "imap";
	case MAILPROTO_SMTP:
		return "smtp";
	case MAILPROTO_RAW:
	default:
		return "raw";
	}
}

/* line starts with word, then a space or its end. */
static bool
starts_word(const char *line, const char *word)
{
	size_t	n = strlen(word);

	return strncasecmp(line, word, n) == 0 &&
	    (line[n] == ' ' || line[n] == '\0');
}

bool
mailproto_greeting_ok(enum mailproto proto, const char *line)
{
	switch (proto) {
	case MAILPROTO_POP3:
		return starts_word(line, "+OK");	/* RFC 1939 §4 */
	case MAILPROTO_IMAP:				/* RFC 3501 §7.1 */
		return starts_word(line, "* OK") ||
		    starts_word(line, "* PREAUTH");
	case MAILPROTO_SMTP:				/* RFC 5321 §4.2 */
		return strncmp(line, "220", 3) == 0 &&
		    (line[3] == ' ' || line[3] == '-' || line[3] == '\0');
	case MAILPROTO_RAW:
	default:
		return true;
	}
}

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
mailproto_format_line(char *buf, size_t len, const char *const *parts,
    size_t nparts)
{
	size_t	max, i, o = 0;

	if (len < 3) {		/* no room for CRLF and the NUL */
		if (len > 0) {
			buf[0] = '\0';
		}
		return 0;
	}
	max = len - 1 < MAILPROTO_LINE_MAX ? len - 1 : MAILPROTO_LINE_MAX;
	max -= 2;		/* keep room for CRLF */
	for (i = 0; i < nparts; i++) {
		if (parts[i] != NULL) {
			append_clean(buf, &o, max, parts[i]);
		}
	}
	buf[o++] = '\r';
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}

size_t
mailproto_format_unavailable(char *buf, size_t len, enum mailproto proto,
    const char *prog, const char *reason)
{
	const char	*code = NULL;

	switch (proto) {
	case MAILPROTO_POP3:
		code = "-ERR [SYS/TEMP] ";
		break;
	case MAILPROTO_IMAP:
		code = "* BYE [UNAVAILABLE] ";
		break;
	case MAILPROTO_SMTP:
		code = "421 4.3.2 ";
		break;
	case MAILPROTO_RAW:
	default:
		break;
	}
	if (code == NULL) {
		if (len > 0) {
			buf[0] = '\0';
		}
		return 0;
	}
	return mailproto_format_line(buf, len, (const char *const[]){
	    code, prog, ": ", reason }, 4);
}
