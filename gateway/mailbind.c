/*
 * mailbind: the POP3 AUTHORIZATION state (RFC 1939 §4) seen from the
 * middle. Client lines are held in cin and handled one at a time, only
 * while no command waits for its response (lockstep: see mailbind.h).
 * Server lines are collected whole in sline (at most POP3_LINE_MAX: before
 * the login no POP3 line is longer) and copied to the client's queue,
 * filtered inside a CAPA or AUTH listing (mailsasl.c judges SASL
 * responses and narrows those listings).
 *
 * What lets a login through: USER and APOP whose name is the mailbox,
 * AUTH PLAIN whose authentication identity is the mailbox (and whose
 * authorisation identity is empty or the mailbox), AUTH LOGIN whose user
 * name is. PASS always goes through: the only user the server can hold
 * is one this machine let through. A SASL exchange with a wrong name is
 * cancelled at the server with "*" (RFC 5034 §4) and the server's -ERR
 * to that is swallowed, so the client sees one answer: ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/mailbind.h"
#include "popgate/mailsasl.h"
#include "popgate/pop3.h"
#include "popgate/xmem.h"

enum wait {
	WAIT_NONE,		/* the client's turn */
	WAIT_GREETING,
	WAIT_SIMPLE,		/* one line */
	WAIT_MULTI,		/* +OK opens a list ending in "." */
	WAIT_LOGIN,		/* PASS, APOP: +OK logs in */
	WAIT_AUTH,		/* AUTH: "+ " asks, +OK logs in */
	WAIT_CANCEL		/* our "*": the answer is swallowed */
};

struct mailbind {
	char		 mailbox[MAILBIND_MAILBOX_MAX + 1];
	enum wait	 wait;
	bool		 in_body;	/* inside a multi-line reply */
	enum mailsasl_list filter;	/* of the listing being read */
	enum mailsasl_mech sasl;
	bool		 sasl_turn;	/* "+ " seen: a client line is due */
	bool		 sasl_named;	/* LOGIN's user name already checked */
	const char	*method;	/* of the command waiting to log in */
	const char	*login;		/* once logged in */
	bool		 discard;	/* dropping an over-long client line */
	const char	*failed;
	bool		 has_refusal;
	char		 refusal[96];
	char		 cin[MAILBIND_IN_MAX];
	size_t		 cinlen;
	char		 sline[POP3_LINE_MAX];
	size_t		 slen;
	char		 out[2][MAILBIND_OUT_MAX];
	size_t		 ooff[2], olen[2];
};

static void	process_client(struct mailbind *mb);

bool
mailbind_valid_mailbox(const char *name)
{
	size_t	n = strlen(name), i;

	if (n == 0 || n > MAILBIND_MAILBOX_MAX) {
		return false;
	}
	for (i = 0; i < n; i++) {
		if (name[i] <= 0x20 || name[i] >= 0x7f) {
			return false;
		}
	}
	return true;
}

struct mailbind *
mailbind_new(const char *mailbox)
{
	struct mailbind	*mb = NULL;

	if (!mailbind_valid_mailbox(mailbox)) {
		return NULL;
	}
	mb = xcalloc(1, sizeof(*mb));
	snprintf(mb->mailbox, sizeof(mb->mailbox), "%s", mailbox);
	mb->wait = WAIT_GREETING;
	return mb;
}

void
mailbind_free(struct mailbind *mb)
{
	/* cin may hold a password (PASS, a SASL line). */
	freezero(mb, mb != NULL ? sizeof(*mb) : 0);
}

static size_t
room(const struct mailbind *mb, enum mailbind_dir dir)
{
	return MAILBIND_OUT_MAX - mb->olen[dir];
}

/* Queues n octets towards dir; the callers checked room() first. */
static void
put(struct mailbind *mb, enum mailbind_dir dir, const char *p, size_t n)
{
	if (n > room(mb, dir)) {
		mb->failed = "internal queue overflow";
		return;
	}
	if (mb->ooff[dir] + mb->olen[dir] + n > MAILBIND_OUT_MAX) {
		memmove(mb->out[dir], mb->out[dir] + mb->ooff[dir],
		    mb->olen[dir]);
		mb->ooff[dir] = 0;
	}
	memcpy(mb->out[dir] + mb->ooff[dir] + mb->olen[dir], p, n);
	mb->olen[dir] += n;
}

const char *
mailbind_pending(const struct mailbind *mb, enum mailbind_dir dir,
    size_t *len)
{
	*len = mb->olen[dir];
	return mb->out[dir] + mb->ooff[dir];
}

void
mailbind_advance(struct mailbind *mb, enum mailbind_dir dir, size_t n)
{
	n = n < mb->olen[dir] ? n : mb->olen[dir];
	mb->ooff[dir] += n;
	mb->olen[dir] -= n;
	if (mb->olen[dir] == 0) {
		mb->ooff[dir] = 0;
	}
	process_client(mb);	/* room for a reply may have been missing */
}

/* Our -ERR for anything that is not a login to the mailbox. */
static void
refuse(struct mailbind *mb, const char *what, size_t whatlen)
{
	char	line[POP3_LINE_MAX + 1];
	char	reason[MAILBIND_MAILBOX_MAX + 64];
	size_t	n;

	snprintf(reason, sizeof(reason), "this SSH login may only open "
	    "mailbox %s", mb->mailbox);
	n = pop3_format_err(line, sizeof(line), "AUTH", "popgate", reason);
	put(mb, MAILBIND_TO_CLIENT, line, n);
	snprintf(mb->refusal, sizeof(mb->refusal), "%.*s",
	    (int)(whatlen < 80 ? whatlen : 80), what);
	mb->has_refusal = true;
}

static void
refuse_str(struct mailbind *mb, const char *what)
{
	refuse(mb, what, strlen(what));
}

/* The SASL exchange at the server is cancelled; the client hears us. */
static void
cancel(struct mailbind *mb, const char *what, size_t whatlen)
{
	put(mb, MAILBIND_TO_SERVER, "*\r\n", 3);
	mb->wait = WAIT_CANCEL;
	mb->sasl = MAILSASL_NONE;
	refuse(mb, what, whatlen);
}

static void
forward(struct mailbind *mb, const char *line, size_t n, enum wait w)
{
	put(mb, MAILBIND_TO_SERVER, line, n);
	mb->wait = w;
}

/* AUTH [MECH [INITIAL-RESPONSE]] */
static void
cmd_auth(struct mailbind *mb, const struct pop3_cmd *cmd, const char *line,
    size_t n)
{
	const char	*mech = pop3_cmd_arg(cmd, 0);
	char		 who[64], what[96];
	enum mailsasl_mech s;

	if (cmd->words && cmd->nargs == 0) {
		mb->filter = MAILSASL_LIST_MECHS;
		forward(mb, line, n, WAIT_MULTI);
		return;
	}
	s = mailsasl_mech(mech);
	if (!cmd->words || cmd->nargs > 2 || s == MAILSASL_NONE) {
		snprintf(what, sizeof(what), "AUTH %.40s", mech);
		refuse_str(mb, what);
		return;
	}
	if (cmd->nargs == 2 && !mailsasl_names(mb->mailbox, s,
	    pop3_cmd_arg(cmd, 1), strlen(pop3_cmd_arg(cmd, 1)), who,
	    sizeof(who))) {
		snprintf(what, sizeof(what), "AUTH %s %s",
		    s == MAILSASL_PLAIN ? "PLAIN" : "LOGIN", who);
		refuse_str(mb, what);
		return;
	}
	mb->sasl = s;
	mb->sasl_named = cmd->nargs == 2;
	mb->method = s == MAILSASL_PLAIN ? "AUTH PLAIN" : "AUTH LOGIN";
	forward(mb, line, n, WAIT_AUTH);
}

/* USER and APOP: the first word must be the mailbox. */
static void
cmd_named(struct mailbind *mb, const struct pop3_cmd *cmd, const char *line,
    size_t n)
{
	bool	apop = strcmp(cmd->verb, "APOP") == 0;
	char	what[96];

	if (cmd->words && cmd->nargs == (apop ? 2u : 1u) &&
	    strcmp(pop3_cmd_arg(cmd, 0), mb->mailbox) == 0) {
		mb->method = apop ? "APOP" : "USER";
		forward(mb, line, n, apop ? WAIT_LOGIN : WAIT_SIMPLE);
		return;
	}
	snprintf(what, sizeof(what), "%s %.60s", cmd->verb, apop ?
	    pop3_cmd_arg(cmd, 0) : cmd->rest);
	refuse_str(mb, what);
}

static void
command_line(struct mailbind *mb, const char *line, size_t n)
{
	struct pop3_cmd	cmd;
	char		err[128];

	if (pop3_parse_command(line, n, &cmd, err, sizeof(err)) != 0) {
		refuse_str(mb, "unreadable command");
	} else if (strcmp(cmd.verb, "USER") == 0 ||
	    strcmp(cmd.verb, "APOP") == 0) {
		cmd_named(mb, &cmd, line, n);
	} else if (strcmp(cmd.verb, "PASS") == 0) {
		mb->method = "USER";
		forward(mb, line, n, WAIT_LOGIN);
	} else if (strcmp(cmd.verb, "AUTH") == 0) {
		cmd_auth(mb, &cmd, line, n);
	} else if (strcmp(cmd.verb, "CAPA") == 0) {
		mb->filter = MAILSASL_LIST_CAPA;
		forward(mb, line, n, WAIT_MULTI);
	} else if (strcmp(cmd.verb, "LANG") == 0) {
		mb->filter = MAILSASL_LIST_NONE;
		forward(mb, line, n, cmd.restlen == 0 ? WAIT_MULTI :
		    WAIT_SIMPLE);
	} else if (strcmp(cmd.verb, "QUIT") == 0 ||
	    strcmp(cmd.verb, "NOOP") == 0 || strcmp(cmd.verb, "RSET") == 0 ||
	    strcmp(cmd.verb, "UTF8") == 0) {
		forward(mb, line, n, WAIT_SIMPLE);
	} else {
		refuse_str(mb, cmd.verb);	/* STLS too */
	}
	explicit_bzero(&cmd, sizeof(cmd));
}

/* A client line answering the server's "+ " challenge. */
static void
sasl_line(struct mailbind *mb, const char *line, size_t n)
{
	size_t	body = n - 1 - (n >= 2 && line[n - 2] == '\r');
	char	who[64], what[96];

	mb->sasl_turn = false;
	if (body == 1 && line[0] == '*') {
		put(mb, MAILBIND_TO_SERVER, line, n);	/* client cancels */
		return;
	}
	/* Base64 only (RFC 5034 §4): no command rides along as a password. */
	if (!mailsasl_is_response(line, body)) {
		snprintf(what, sizeof(what), "%s (response not base64)",
		    mb->method);
		cancel(mb, what, strlen(what));
		return;
	}
	if ((mb->sasl == MAILSASL_PLAIN || !mb->sasl_named) &&
	    !mailsasl_names(mb->mailbox, mb->sasl, line, body, who,
	    sizeof(who))) {
		snprintf(what, sizeof(what), "%s %s", mb->method, who);
		cancel(mb, what, strlen(what));
		return;
	}
	mb->sasl_named = true;
	put(mb, MAILBIND_TO_SERVER, line, n);
}

/* Drops n octets from the front of cin. */
static void
cin_drop(struct mailbind *mb, size_t n)
{
	memmove(mb->cin, mb->cin + n, mb->cinlen - n);
	mb->cinlen -= n;
}

/* An over-long line was dropped up to its LF: refuse it once. */
static void
too_long(struct mailbind *mb)
{
	mb->discard = false;
	if (mb->wait == WAIT_AUTH && mb->sasl_turn) {
		mb->sasl_turn = false;
		cancel(mb, "over-long SASL line", 19);
	} else {
		refuse_str(mb, "over-long command");
	}
}

/* Is it the client's turn, with room for what handling a line makes? */
static bool
client_turn(const struct mailbind *mb)
{
	if (mb->failed != NULL || mb->has_refusal || mb->login != NULL) {
		return false;
	}
	if (mb->wait != WAIT_NONE && !(mb->wait == WAIT_AUTH &&
	    mb->sasl_turn)) {
		return false;
	}
	return room(mb, MAILBIND_TO_CLIENT) >= POP3_LINE_MAX + 2 &&
	    room(mb, MAILBIND_TO_SERVER) >= MAILBIND_IN_MAX + 3;
}

static void
process_client(struct mailbind *mb)
{
	ssize_t	n;

	while (client_turn(mb) && mb->cinlen > 0) {
		n = pop3_line_len(mb->cin, mb->cinlen, MAILBIND_IN_MAX);
		if (n == 0 && !mb->discard) {
			return;
		}
		if (n <= 0) {		/* too long, or still too long */
			mb->discard = true;
			cin_drop(mb, mb->cinlen);
			return;
		}
		if (mb->discard) {
			cin_drop(mb, (size_t)n);
			too_long(mb);
			continue;
		}
		if (mb->wait == WAIT_AUTH) {
			sasl_line(mb, mb->cin, (size_t)n);
		} else {
			command_line(mb, mb->cin, (size_t)n);
		}
		explicit_bzero(mb->cin, (size_t)n);
		cin_drop(mb, (size_t)n);
	}
}

size_t
mailbind_from_client(struct mailbind *mb, const char *data, size_t len)
{
	size_t	take;

	if (mb->login != NULL) {
		take = len < room(mb, MAILBIND_TO_SERVER) ? len :
		    room(mb, MAILBIND_TO_SERVER);
		put(mb, MAILBIND_TO_SERVER, data, take);
		return take;
	}
	take = MAILBIND_IN_MAX - mb->cinlen;
	take = len < take ? len : take;
	memcpy(mb->cin + mb->cinlen, data, take);
	mb->cinlen += take;
	process_client(mb);
	return take;
}

/* Logged in: what the client sent after the login goes on unread. */
static void
logged_in(struct mailbind *mb)
{
	mb->login = mb->method;
	mb->wait = WAIT_NONE;
	mb->discard = false;
	put(mb, MAILBIND_TO_SERVER, mb->cin, mb->cinlen);
	explicit_bzero(mb->cin, mb->cinlen);
	mb->cinlen = 0;
}

/* One line of a multi-line reply (not the "."). */
static void
body_line(struct mailbind *mb, const char *line, size_t n)
{
	char	out[POP3_LINE_MAX + 2];
	size_t	len;

	len = mailsasl_filter_line(mb->filter, line, n, out);
	put(mb, MAILBIND_TO_CLIENT, out, len);
}

/* A status line, matched to the command that waits for it. */
static void
status_line(struct mailbind *mb, const struct pop3_resp *r,
    const char *line, size_t n)
{
	if (mb->wait != WAIT_CANCEL) {
		put(mb, MAILBIND_TO_CLIENT, line, n);
	}
	switch (mb->wait) {
	case WAIT_MULTI:
		mb->in_body = r->status == POP3_OK;
		mb->wait = mb->in_body ? WAIT_MULTI : WAIT_NONE;
		return;
	case WAIT_LOGIN:
	case WAIT_AUTH:
		if (r->status == POP3_OK) {
			logged_in(mb);
		} else if (r->status == POP3_CONT && mb->wait == WAIT_AUTH) {
			mb->sasl_turn = true;
		} else {
			mb->wait = WAIT_NONE;
		}
		return;
	case WAIT_CANCEL:
		if (r->status != POP3_ERR) {
			mb->failed = "the server went on with a cancelled AUTH";
		}
		mb->wait = WAIT_NONE;
		return;
	default:
		mb->wait = WAIT_NONE;
		return;
	}
}

static void
server_line(struct mailbind *mb, const char *line, size_t n)
{
	struct pop3_resp	r;
	char			err[128];

	if (mb->in_body) {
		if ((n == 2 && memcmp(line, ".\n", 2) == 0) ||
		    (n == 3 && memcmp(line, ".\r\n", 3) == 0)) {
			put(mb, MAILBIND_TO_CLIENT, line, n);
			mb->in_body = false;
			mb->wait = WAIT_NONE;
		} else {
			body_line(mb, line, n);
		}
		return;
	}
	if (pop3_parse_response(line, n, &r, err, sizeof(err)) == 0) {
		status_line(mb, &r, line, n);
		return;
	}
	if (mb->wait == WAIT_LOGIN || mb->wait == WAIT_AUTH ||
	    mb->wait == WAIT_CANCEL) {
		mb->failed = "unreadable server reply during a login";
		return;
	}
	put(mb, MAILBIND_TO_CLIENT, line, n);	/* the client may judge */
	mb->wait = WAIT_NONE;
}

size_t
mailbind_from_server(struct mailbind *mb, const char *data, size_t len)
{
	const char	*lf = NULL;
	size_t		 taken = 0, max, n;

	while (taken < len && mb->failed == NULL) {
		if (mb->login != NULL && mb->slen == 0) {
			n = len - taken < room(mb, MAILBIND_TO_CLIENT) ?
			    len - taken : room(mb, MAILBIND_TO_CLIENT);
			put(mb, MAILBIND_TO_CLIENT, data + taken, n);
			taken += n;
			break;
		}
		if (room(mb, MAILBIND_TO_CLIENT) < POP3_LINE_MAX + 2) {
			break;
		}
		max = POP3_LINE_MAX - mb->slen;
		n = len - taken < max ? len - taken : max;
		lf = memchr(data + taken, '\n', n);
		if (lf == NULL && n == max) {
			mb->failed = "server line longer than 512 octets";
			break;
		}
		n = lf != NULL ? (size_t)(lf - (data + taken)) + 1 : n;
		memcpy(mb->sline + mb->slen, data + taken, n);
		mb->slen += n;
		taken += n;
		if (lf != NULL) {
			server_line(mb, mb->sline, mb->slen);
			mb->slen = 0;
		}
	}
	process_client(mb);
	return taken;
}

bool
mailbind_take_refusal(struct mailbind *mb, char *buf, size_t len)
{
	if (!mb->has_refusal) {
		return false;
	}
	snprintf(buf, len, "%s", mb->refusal);
	mb->has_refusal = false;
	process_client(mb);
	return true;
}

const char *
mailbind_login(const struct mailbind *mb)
{
	return mb->login;
}

bool
mailbind_done(const struct mailbind *mb)
{
	return mb->login != NULL && mb->slen == 0 && mb->cinlen == 0 &&
	    mb->olen[MAILBIND_TO_SERVER] == 0 &&
	    mb->olen[MAILBIND_TO_CLIENT] == 0 && mb->failed == NULL;
}

bool
mailbind_failed(const struct mailbind *mb, const char **why)
{
	*why = mb->failed != NULL ? mb->failed : "";
	return mb->failed != NULL;
}
