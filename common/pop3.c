/*
 * pop3: lines of POP3 as the gateway sees them on its way through.
 *
 * The -ERR line the gateway or the client sends in place of a greeting
 * when a tunnel cannot be made, so the mail client shows the reason
 * instead of a bare disconnect. RFC 1939 §3: a status indicator and text,
 * ended by CRLF; RFC 2449 §4: at most 512 octets with the CRLF; RFC 2449
 * §8 / RFC 3206: an optional "[CODE]" response code first.
 *
 * The parsers are strict where a wrong guess would matter (the words of a
 * command that names a mailbox, the status of a response) and say why
 * they refuse; they never read past len and never need a NUL.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "popgate/mailproto.h"
#include "popgate/pop3.h"

size_t
pop3_format_err(char *buf, size_t len, const char *code, const char *prog,
    const char *reason)
{
	return mailproto_format_line(buf, len, (const char *const[]){
	    "-ERR ", code != NULL ? "[" : NULL, code, code != NULL ? "] " :
	    NULL, prog, prog != NULL ? ": " : NULL, reason }, 7);
}

ssize_t
pop3_line_len(const char *buf, size_t len, size_t max)
{
	const char	*lf = NULL;

	lf = memchr(buf, '\n', len < max ? len : max);
	if (lf != NULL) {
		return (ssize_t)(lf - buf) + 1;
	}
	return len >= max ? -1 : 0;
}

/*
 * The body of a line: its length without the LF and a CR right before
 * it. -1 with the reason when the line is longer than max, has no LF at
 * its end, or holds a CR elsewhere or a NUL.
 */
static ssize_t
line_body(const char *line, size_t len, size_t max, const char *what,
    char *err, size_t errlen)
{
	size_t	n;

	if (len > max) {
		snprintf(err, errlen, "%s longer than %zu octets", what, max);
		return -1;
	}
	if (len == 0 || line[len - 1] != '\n') {
		snprintf(err, errlen, "%s not ended by CRLF", what);
		return -1;
	}
	n = len - 1;
	if (n > 0 && line[n - 1] == '\r') {
		n--;
	}
	if (memchr(line, '\0', n) != NULL) {
		snprintf(err, errlen, "NUL octet in %s", what);
		return -1;
	}
	if (memchr(line, '\r', n) != NULL || memchr(line, '\n', n) != NULL) {
		snprintf(err, errlen, "CR or LF inside %s", what);
		return -1;
	}
	return (ssize_t)n;
}

static bool
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* ASCII only: the locale must not decide what a keyword is. */
static bool
is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Splits cmd->rest into words; leaves words false when it cannot. */
static void
split_words(struct pop3_cmd *cmd)
{
	size_t	i, start = 0, n = 0;

	cmd->words = false;
	cmd->nargs = 0;
	if (cmd->restlen == 0) {
		cmd->words = true;
		return;
	}
	memcpy(cmd->split, cmd->rest, cmd->restlen + 1);
	for (i = 0; i <= cmd->restlen; i++) {
		if (i < cmd->restlen && cmd->split[i] != ' ') {
			continue;
		}
		if (i == start || n == POP3_ARGS_MAX) {
			return;		/* empty word, or too many */
		}
		cmd->split[i] = '\0';
		cmd->argoff[n++] = (uint8_t)start;
		start = i + 1;
	}
	cmd->nargs = n;
	cmd->words = true;
}

int
pop3_parse_command(const char *line, size_t len, struct pop3_cmd *cmd,
    char *err, size_t errlen)
{
	ssize_t	body;
	size_t	i, v;

	memset(cmd, 0, sizeof(*cmd));
	body = line_body(line, len, POP3_CMD_MAX, "command", err, errlen);
	if (body < 0) {
		return -1;
	}
	for (i = 0; i < (size_t)body; i++) {
		if (is_ctl((unsigned char)line[i])) {
			snprintf(err, errlen, "control octet 0x%02x in command",
			    (unsigned)(unsigned char)line[i]);
			return -1;
		}
	}
	for (v = 0; v < (size_t)body && line[v] != ' '; v++) {
		/* RFC 1939 §3: printable ASCII (UTF8 has a digit). */
		if (v == POP3_VERB_MAX || line[v] <= 0x20 || line[v] >= 0x7f) {
			break;
		}
		cmd->verb[v] = (char)(is_letter(line[v]) ? line[v] & ~0x20 :
		    line[v]);
	}
	if (v < 3 || (v < (size_t)body && line[v] != ' ')) {
		snprintf(err, errlen, "expected a keyword of 3 or 4 "
		    "characters");
		memset(cmd->verb, 0, sizeof(cmd->verb));
		return -1;
	}
	if (v < (size_t)body) {
		cmd->restlen = (size_t)body - v - 1;
		memcpy(cmd->rest, line + v + 1, cmd->restlen);
		cmd->rest[cmd->restlen] = '\0';
	}
	if (v < (size_t)body && cmd->restlen == 0) {
		return 0;	/* "VERB ": a rest of "", but no words */
	}
	split_words(cmd);
	return 0;
}

const char *
pop3_cmd_arg(const struct pop3_cmd *cmd, size_t i)
{
	return i < cmd->nargs ? cmd->split + cmd->argoff[i] : "";
}

/* The first "<local@domain>" in text, brackets included, or "". */
static void
find_timestamp(const char *text, char *out, size_t outlen)
{
	const char	*lt = text, *gt = NULL, *p = NULL;
	bool		 at;

	out[0] = '\0';
	while ((lt = strchr(lt, '<')) != NULL) {
		at = false;
		for (p = lt + 1; *p != '\0' && *p != '>'; p++) {
			if (*p == '<' || *p == ' ' ||
			    is_ctl((unsigned char)*p)) {
				break;
			}
			at = at || *p == '@';
		}
		gt = *p == '>' ? p : NULL;
		if (gt != NULL && at && gt > lt + 2 &&
		    (size_t)(gt - lt + 1) < outlen) {
			memcpy(out, lt, (size_t)(gt - lt + 1));
			out[gt - lt + 1] = '\0';
			return;
		}
		lt = *p == '<' ? p : lt + 1;
	}
}

/* The "[CODE]" at the start of text, or "". */
static void
find_code(const char *text, char *out, size_t outlen)
{
	const char	*rb = NULL;

	out[0] = '\0';
	if (text[0] != '[') {
		return;
	}
	rb = strchr(text, ']');
	if (rb == NULL || rb == text + 1 || (size_t)(rb - text) > outlen) {
		return;
	}
	if (memchr(text, ' ', (size_t)(rb - text)) != NULL) {
		return;
	}
	memcpy(out, text + 1, (size_t)(rb - text - 1));
	out[rb - text - 1] = '\0';
}

int
pop3_parse_response(const char *line, size_t len, struct pop3_resp *resp,
    char *err, size_t errlen)
{
	ssize_t	body;
	size_t	skip;

	memset(resp, 0, sizeof(*resp));
	body = line_body(line, len, POP3_LINE_MAX, "response", err, errlen);
	if (body < 0) {
		return -1;
	}
	if (body >= 3 && memcmp(line, "+OK", 3) == 0 &&
	    (body == 3 || line[3] == ' ')) {
		resp->status = POP3_OK;
		skip = 3;
	} else if (body >= 4 && memcmp(line, "-ERR", 4) == 0 &&
	    (body == 4 || line[4] == ' ')) {
		resp->status = POP3_ERR;
		skip = 4;
	} else if (body >= 1 && line[0] == '+' &&
	    (body == 1 || line[1] == ' ')) {
		resp->status = POP3_CONT;
		skip = 1;
	} else {
		snprintf(err, errlen, "response is neither +OK nor -ERR");
		return -1;
	}
	if ((size_t)body > skip) {
		skip++;		/* the space */
	}
	memcpy(resp->text, line + skip, (size_t)body - skip);
	resp->text[(size_t)body - skip] = '\0';
	if (resp->status != POP3_CONT) {
		find_code(resp->text, resp->code, sizeof(resp->code));
	}
	if (resp->status == POP3_OK) {
		find_timestamp(resp->text, resp->timestamp,
		    sizeof(resp->timestamp));
	}
	return 0;
}

void
pop3_capa_init(struct pop3_capa *capa)
{
	memset(capa, 0, sizeof(*capa));
}

/* Is the word at w (n octets) name, case-insensitively? */
static bool
word_is(const char *w, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(w, name, n) == 0;
}

/* SASL mechanism words after "SASL". */
static void
capa_sasl(struct pop3_capa *capa, const char *p, const char *end)
{
	const char	*w = NULL;

	while (p < end) {
		while (p < end && *p == ' ') {
			p++;
		}
		w = p;
		while (p < end && *p != ' ') {
			p++;
		}
		if (word_is(w, (size_t)(p - w), "PLAIN")) {
			capa->sasl_plain = true;
		} else if (word_is(w, (size_t)(p - w), "LOGIN")) {
			capa->sasl_login = true;
		}
	}
}

int
pop3_capa_line(struct pop3_capa *capa, const char *line, size_t len,
    char *err, size_t errlen)
{
	const char	*p = line, *end = NULL, *w = NULL;
	ssize_t		 body;
	size_t		 i;

	if (capa->done) {
		snprintf(err, errlen, "line after the end of the CAPA list");
		return -1;
	}
	body = line_body(line, len, POP3_LINE_MAX, "capability", err,
	    errlen);
	if (body < 0) {
		return -1;
	}
	for (i = 0; i < (size_t)body; i++) {
		if (is_ctl((unsigned char)line[i]) && line[i] != '\t') {
			snprintf(err, errlen, "control octet in capability");
			return -1;
		}
	}
	end = line + body;
	if (body == 1 && line[0] == '.') {
		capa->done = true;
		return 1;
	}
	if (body > 0 && line[0] == '.') {
		p++;		/* dot-stuffed (RFC 1939 §3) */
	}
	capa->lines++;
	w = p;
	while (p < end && *p != ' ') {
		p++;
	}
	if (word_is(w, (size_t)(p - w), "STLS")) {
		capa->stls = true;
	} else if (word_is(w, (size_t)(p - w), "USER")) {
		capa->user = true;
	} else if (word_is(w, (size_t)(p - w), "PIPELINING")) {
		capa->pipelining = true;
	} else if (word_is(w, (size_t)(p - w), "SASL")) {
		capa_sasl(capa, p, end);
	}
	return 0;
}

int
pop3_apop_digest(const char *timestamp, const char *secret,
    char hex[POP3_APOP_HEXLEN + 1])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	EVP_MD_CTX		*ctx = NULL;
	int			 rc = -1;

	hex[0] = '\0';
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) != 1 ||
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 ||
	    mdlen * 2 != POP3_APOP_HEXLEN) {
		goto out;
	}
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[POP3_APOP_HEXLEN] = '\0';
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

/* The 6-bit value of a base64 character, -1 for any other. */
static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

ssize_t
pop3_b64_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen)
{
	size_t	i, pad = 0;
	int	n;

	if (len % 4 != 0 || len > 65536 || len / 4 * 3 > outlen) {
		return -1;
	}
	if (len == 0) {
		return 0;
	}
	if (in[len - 1] == '=') {
		pad = in[len - 2] == '=' ? 2 : 1;
	}
	for (i = 0; i < len - pad; i++) {
		if (b64_value(in[i]) < 0) {
			return -1;
		}
	}
	/*
	 * Canonical only (RFC 4648 §3.5): the bits the padding leaves over
	 * must be zero, so one octet string has one spelling and the
	 * gateway and the server cannot read different things in it.
	 */
	if (pad > 0 && (b64_value(in[len - pad - 1]) &
	    (pad == 1 ? 0x03 : 0x0f)) != 0) {
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as zero octets. */
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3) {
		return -1;
	}
	return (ssize_t)((size_t)n - pad);
}

ssize_t
pop3_b64_encode(const unsigned char *in, size_t len, char *out,
    size_t outlen)
{
	int	n;

	if (len > 49152 || (len + 2) / 3 * 4 + 1 > outlen) {
		return -1;
	}
	n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return n < 0 ? -1 : (ssize_t)n;
}
