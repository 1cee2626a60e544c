/*
 * mailsasl: the SASL and capability side of BindMailbox (see mailbind.h).
 * Pure functions, no state: does a SASL response name the mailbox, is a
 * line a SASL response at all, and how the server's CAPA and AUTH
 * listings look once narrowed to what BindMailbox lets through (PLAIN and
 * LOGIN, no STLS).
 */
#ifndef POPGATE_MAILSASL_H
#define POPGATE_MAILSASL_H

#include <stdbool.h>
#include <stddef.h>

#include "popgate/pop3.h"

enum mailsasl_mech {
	MAILSASL_NONE,		/* any mechanism BindMailbox refuses */
	MAILSASL_PLAIN,		/* RFC 4616 */
	MAILSASL_LOGIN
};

enum mailsasl_list {
	MAILSASL_LIST_NONE,	/* copied unchanged */
	MAILSASL_LIST_CAPA,	/* CAPA: no STLS, SASL narrowed */
	MAILSASL_LIST_MECHS	/* bare AUTH: one mechanism a line */
};

/* The mechanism of an AUTH command's first word (any case). */
enum mailsasl_mech mailsasl_mech(const char *name);

/*
 * Does the base64 response (len octets, no line end) name mailbox? PLAIN:
 * authzid NUL authcid NUL password, authcid the mailbox and authzid empty
 * or the mailbox; LOGIN: the user name alone. who gets the name it gave
 * (at most 40 octets, "?" when unreadable: never the password).
 */
bool		 mailsasl_names(const char *mailbox, enum mailsasl_mech mech,
		    const char *b64, size_t len, char *who, size_t wholen);

/* Is it a SASL response (RFC 5034 §4: canonical base64, empty too)? */
bool		 mailsasl_is_response(const char *b64, size_t len);

/*
 * One body line of a multi-line CAPA or AUTH reply (n octets ending in
 * LF, not the final ".") as the client should see it: written to out,
 * its length returned; 0 drops the line (and anything not a line).
 */
size_t		 mailsasl_filter_line(enum mailsasl_list list,
		    const char *line, size_t n,
		    char out[static POP3_LINE_MAX + 2]);

#endif
