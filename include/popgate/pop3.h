/*
 * pop3: the little of POP3 (RFC 1939, RFC 2449, RFC 3206, RFC 5034) the
 * tunnel ends need: formatting an -ERR line a mail client will show its
 * user, splitting a byte stream into lines, parsing a client's command
 * line and a server's response line (status, [CODE], the greeting's APOP
 * timestamp), reading a CAPA list, the APOP digest (MD5 through OpenSSL's
 * EVP) and the base64 of SASL exchanges. No I/O, no logging: errors go
 * into err.
 */
#ifndef POPGATE_POP3_H
#define POPGATE_POP3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POP3_PORT	110
#define POP3_LINE_MAX	512	/* RFC 2449 §4: responses up to 512 octets */
#define POP3_CMD_MAX	255	/* RFC 2449 §4: commands up to 255 octets */
#define POP3_VERB_MAX	4	/* RFC 1939 §3: keywords of 3 or 4 octets */
#define POP3_ARGS_MAX	8	/* words kept in struct pop3_cmd */
#define POP3_TIMESTAMP_MAX	250	/* a greeting's "<...>", brackets too */
#define POP3_APOP_HEXLEN	32	/* MD5 in lower-case hex */

/*
 * Writes "-ERR [code] prog: reason\r\n" into buf (code may be NULL: no
 * brackets). CR, LF and other control bytes in reason are replaced by
 * spaces; the line is cut to POP3_LINE_MAX. Returns the length written.
 */
size_t	pop3_format_err(char *buf, size_t len, const char *code,
	    const char *prog, const char *reason);

/*
 * The length of the first line in buf[0..len), LF included: > 0 when a
 * whole line of at most max octets is there, 0 when more must be read
 * (no LF yet and fewer than max octets), -1 when no LF comes within max
 * octets (the line is too long).
 */
ssize_t	pop3_line_len(const char *buf, size_t len, size_t max);

/*
 * One command line from a client: "VERB[ ARGS]" ended by CRLF (a bare LF
 * is taken too, as servers do). verb is upper-cased (its letters: a
 * keyword is any 3 or 4 printable ASCII characters, as "UTF8"). rest is
 * everything after the single space that follows the verb, as sent (""
 * without).
 * When rest is one to POP3_ARGS_MAX words of non-blank, non-control
 * octets separated by single spaces, words says so and nargs/pop3_cmd_arg
 * give them; otherwise (two spaces, a trailing space, too many words)
 * words is false and nargs 0: a PASS may hold anything, but whoever
 * checks a USER, APOP or AUTH needs exact words.
 */
struct pop3_cmd {
	char		verb[POP3_VERB_MAX + 1];
	char		rest[POP3_CMD_MAX];
	size_t		restlen;
	bool		words;
	size_t		nargs;
	char		split[POP3_CMD_MAX];	/* rest with NULs between */
	uint8_t		argoff[POP3_ARGS_MAX];
};

/*
 * Parses the line in line[0..len) (as pop3_line_len found it, LF
 * included). -1 with the reason in err: longer than POP3_CMD_MAX, no LF
 * at the end, a CR not right before it, a NUL or another control octet,
 * a verb that is not 3 or 4 printable characters, or no space after it.
 */
int	pop3_parse_command(const char *line, size_t len,
	    struct pop3_cmd *cmd, char *err, size_t errlen);
/* Word i (0-based, i < nargs) of a parsed command. */
const char *pop3_cmd_arg(const struct pop3_cmd *cmd, size_t i);

enum pop3_status {
	POP3_OK,		/* "+OK" */
	POP3_ERR,		/* "-ERR" */
	POP3_CONT		/* "+ " : a SASL challenge, RFC 5034 §4 */
};

/*
 * One response line from a server. text is what follows the status and
 * its space ("" when none); code the RFC 2449 §8 response code between
 * "[" and "]" at the start of text ("" when none, also "" for a
 * continuation); timestamp the first "<...@...>" in text (RFC 1939 §7:
 * an APOP greeting) with its brackets, "" when there is none.
 */
struct pop3_resp {
	enum pop3_status	status;
	char			text[POP3_LINE_MAX];
	char			code[64];
	char			timestamp[POP3_TIMESTAMP_MAX + 1];
};

/*
 * Parses a response line (LF included, CRLF or bare LF). -1 with the
 * reason: longer than POP3_LINE_MAX, no LF at the end, a stray CR, a NUL,
 * or a status that is none of "+OK", "-ERR", "+ " / "+" alone.
 */
int	pop3_parse_response(const char *line, size_t len,
	    struct pop3_resp *resp, char *err, size_t errlen);

/*
 * A CAPA reply (RFC 2449 §5), fed one line at a time after its +OK.
 * pop3_capa_line returns 1 at the terminating ".", 0 for a capability
 * (or a line it does not know), -1 for a line that is not one (control
 * octets, too long, no LF).
 */
struct pop3_capa {
	bool	stls;		/* RFC 2595 */
	bool	user;		/* USER/PASS offered */
	bool	sasl_plain;
	bool	sasl_login;
	bool	pipelining;
	size_t	lines;		/* capability lines seen */
	bool	done;
};

void	pop3_capa_init(struct pop3_capa *capa);
int	pop3_capa_line(struct pop3_capa *capa, const char *line, size_t len,
	    char *err, size_t errlen);

/*
 * The APOP digest (RFC 1939 §7): lower-case hex MD5 of timestamp (with
 * its brackets) followed by the secret, through OpenSSL's EVP. hex gets
 * POP3_APOP_HEXLEN characters and a NUL. 0, or -1 when OpenSSL fails
 * (MD5 unavailable, e.g. a FIPS-only provider).
 */
int	pop3_apop_digest(const char *timestamp, const char *secret,
	    char hex[POP3_APOP_HEXLEN + 1]);

/*
 * Strict base64 (RFC 4648 §4, padding required, no blanks) of in[0..len)
 * into out (room for outlen octets). Returns the decoded length, or -1
 * for bad base64 or too little room. An empty input decodes to 0 octets.
 */
ssize_t	pop3_b64_decode(const char *in, size_t len, unsigned char *out,
	    size_t outlen);
/* Base64 of in[0..len) into out with a NUL; -1 when outlen is short. */
ssize_t	pop3_b64_encode(const unsigned char *in, size_t len, char *out,
	    size_t outlen);

#endif
