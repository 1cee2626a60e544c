/*
 * mailsasl: judging SASL responses and narrowing capability listings for
 * BindMailbox. Decoded responses may hold a password: they live on the
 * stack only and are wiped before returning.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "popgate/mailbind.h"
#include "popgate/mailsasl.h"
#include "popgate/pop3.h"

enum mailsasl_mech
mailsasl_mech(const char *name)
{
	if (strcasecmp(name, "PLAIN") == 0) {
		return MAILSASL_PLAIN;
	}
	return strcasecmp(name, "LOGIN") == 0 ? MAILSASL_LOGIN :
	    MAILSASL_NONE;
}

/* PLAIN's three NUL-separated fields in raw (n octets, NUL-terminated). */
static bool
plain_names(const char *mailbox, const char *raw, size_t n, char *who,
    size_t wholen)
{
	const char	*authzid = raw, *authcid = NULL, *nul = NULL;

	nul = memchr(raw, '\0', n);
	authcid = nul != NULL ? nul + 1 : NULL;
	nul = authcid != NULL ? memchr(authcid, '\0',
	    n - (size_t)(authcid - authzid)) : NULL;
	if (nul == NULL) {
		return false;
	}
	snprintf(who, wholen, "%.40s", authcid);
	return memchr(nul + 1, '\0', n - (size_t)(nul + 1 - authzid)) == NULL &&
	    strcmp(authcid, mailbox) == 0 &&
	    (*authzid == '\0' || strcmp(authzid, mailbox) == 0);
}

bool
mailsasl_names(const char *mailbox, enum mailsasl_mech mech,
    const char *b64, size_t len, char *who, size_t wholen)
{
	unsigned char	raw[MAILBIND_IN_MAX];
	ssize_t		n;
	bool		ok = false;

	snprintf(who, wholen, "?");
	n = pop3_b64_decode(b64, len, raw, sizeof(raw) - 1);
	if (n < 0) {
		return false;
	}
	raw[n] = '\0';
	if (mech == MAILSASL_LOGIN) {
		snprintf(who, wholen, "%.40s", (char *)raw);
		ok = strlen((char *)raw) == (size_t)n &&
		    strcmp((char *)raw, mailbox) == 0;
	} else if (mech == MAILSASL_PLAIN) {
		ok = plain_names(mailbox, (const char *)raw, (size_t)n, who,
		    wholen);
	}
	explicit_bzero(raw, sizeof(raw));
	return ok;
}

bool
mailsasl_is_response(const char *b64, size_t len)
{
	unsigned char	raw[MAILBIND_IN_MAX];
	ssize_t		n;

	n = pop3_b64_decode(b64, len, raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
	return n >= 0;
}

/* Is the line body (w, n) word, case-insensitively? */
static bool
is_word(const char *w, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(w, word, n) == 0;
}

/* "SASL m1 m2 ..." narrowed to PLAIN and LOGIN; 0 when none is left. */
static size_t
narrow_sasl(const char *line, size_t body, const char *eol, char *out)
{
	const char	*w = line + 4, *end = line + body;
	size_t		 o = 4, wl;

	memcpy(out, "SASL", 4);
	while (w < end) {
		while (w < end && *w == ' ') {
			w++;
		}
		for (wl = 0; w + wl < end && w[wl] != ' '; wl++) {
			continue;
		}
		if (wl > 0 && (is_word(w, wl, "PLAIN") ||
		    is_word(w, wl, "LOGIN"))) {
			out[o++] = ' ';
			memcpy(out + o, w, wl);
			o += wl;
		}
		w += wl;
	}
	if (o == 4) {
		return 0;
	}
	memcpy(out + o, eol, strlen(eol));
	return o + strlen(eol);
}

size_t
mailsasl_filter_line(enum mailsasl_list list, const char *line, size_t n,
    char out[static POP3_LINE_MAX + 2])
{
	size_t		 body;
	const char	*eol = NULL;

	if (n == 0 || line[n - 1] != '\n' || n > POP3_LINE_MAX + 2) {
		return 0;	/* cannot be: mailbind passes whole lines */
	}
	body = n - 1 - (n >= 2 && line[n - 2] == '\r');
	eol = line[body] == '\r' ? "\r\n" : "\n";
	if (list == MAILSASL_LIST_CAPA && is_word(line, body, "STLS")) {
		return 0;
	}
	if (list == MAILSASL_LIST_CAPA && body >= 4 &&
	    is_word(line, 4, "SASL") && (body == 4 || line[4] == ' ')) {
		return narrow_sasl(line, body, eol, out);
	}
	if (list == MAILSASL_LIST_MECHS && !is_word(line, body, "PLAIN") &&
	    !is_word(line, body, "LOGIN")) {
		return 0;
	}
	memcpy(out, line, n);
	return n;
}
