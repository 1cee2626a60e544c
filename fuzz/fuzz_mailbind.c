/*
 * fuzz_mailbind: the BindMailbox state machine under any interleaving of
 * client and server bytes. The input is a list of records: one control
 * octet (bit 0: client or server; bit 1: drain the client's queue too;
 * bits 2-7: length) and that many octets. Oracles: the queues never
 * exceed MAILBIND_OUT_MAX, and every USER, APOP or AUTH PLAIN with an
 * initial response that reached the server before the login names
 * "alice". To know which bytes were sent before the login, the server's
 * queue is emptied after every call and server bytes go in one at a time:
 * the call that logs in then queues only what the client sent after.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "popgate/mailbind.h"
#include "popgate/pop3.h"

struct seen {
	char	line[MAILBIND_IN_MAX + 1];	/* server-bound, partial */
	size_t	len;
	bool	logged_in;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* A whole line that went to the server before the login. */
static void
check_line(const char *line, size_t len)
{
	struct pop3_cmd	 cmd;
	unsigned char	 raw[MAILBIND_IN_MAX];
	char		 err[128];
	const char	*ir = NULL;
	ssize_t		 n;

	if (pop3_parse_command(line, len, &cmd, err, sizeof(err)) != 0) {
		return;		/* a SASL line: judged with its AUTH */
	}
	/* A bare "USER" may be a SASL response (base64): it names no one. */
	if ((strcmp(cmd.verb, "USER") == 0 || strcmp(cmd.verb, "APOP") == 0) &&
	    cmd.nargs > 0) {
		if (strcmp(pop3_cmd_arg(&cmd, 0), "alice") != 0) {
			abort();
		}
	}
	if (strcmp(cmd.verb, "AUTH") == 0 && cmd.nargs == 2 &&
	    strcmp(pop3_cmd_arg(&cmd, 0), "PLAIN") == 0) {
		ir = pop3_cmd_arg(&cmd, 1);
		n = pop3_b64_decode(ir, strlen(ir), raw, sizeof(raw) - 1);
		if (n < 0) {
			abort();
		}
		raw[n] = '\0';
		if (memchr(raw, '\0', (size_t)n) == NULL ||
		    strcmp((char *)memchr(raw, '\0', (size_t)n) + 1,
		    "alice") != 0) {
			abort();
		}
	}
}

static void
watch(struct seen *s, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && !s->logged_in; i++) {
		if (s->len < sizeof(s->line) - 1) {
			s->line[s->len++] = p[i];
		}
		if (p[i] == '\n') {
			check_line(s->line, s->len);
			s->len = 0;
		}
	}
}

/* Sends what waits for the server (checked), and for the client too. */
static void
drain(struct mailbind *mb, struct seen *s, bool client)
{
	const char	*p = NULL;
	size_t		 n;
	char		 refusal[128];

	while (mailbind_take_refusal(mb, refusal, sizeof(refusal))) {
		continue;
	}
	s->logged_in = mailbind_login(mb) != NULL;
	p = mailbind_pending(mb, MAILBIND_TO_SERVER, &n);
	if (n > MAILBIND_OUT_MAX) {
		abort();
	}
	watch(s, p, n);
	mailbind_advance(mb, MAILBIND_TO_SERVER, n);
	p = mailbind_pending(mb, MAILBIND_TO_CLIENT, &n);
	if (n > MAILBIND_OUT_MAX) {
		abort();
	}
	if (client) {
		mailbind_advance(mb, MAILBIND_TO_CLIENT, n);
	}
}

/* Feeds one record; server octets one at a time. */
static void
feed(struct mailbind *mb, struct seen *s, bool server, const char *p,
    size_t n)
{
	size_t	i, took;

	if (!server) {
		if (mailbind_from_client(mb, p, n) > n) {
			abort();
		}
		drain(mb, s, false);
		return;
	}
	for (i = 0; i < n; i++) {
		took = mailbind_from_server(mb, p + i, 1);
		drain(mb, s, false);
		if (took == 0) {
			return;		/* the client's queue is full */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailbind	*mb = mailbind_new("alice");
	struct seen	 s;
	const char	*why = NULL;
	size_t		 off = 0, n;
	uint8_t		 ctl;

	memset(&s, 0, sizeof(s));
	while (off < size && !mailbind_failed(mb, &why)) {
		ctl = data[off++];
		n = (size_t)(ctl >> 2);
		n = n < size - off ? n : size - off;
		if (ctl & 0x02) {
			drain(mb, &s, true);
		}
		feed(mb, &s, (ctl & 0x01) != 0, (const char *)data + off, n);
		off += n;
	}
	drain(mb, &s, true);
	mailbind_free(mb);
	return 0;
}
