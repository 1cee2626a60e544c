/*
 * fuzz_pop3_response: what a POP3 server sends: a greeting (response
 * parser, APOP timestamp and digest), then CAPA lines until ".", then
 * more responses and SASL challenges (base64 decoded and re-encoded).
 * Oracles: a timestamp is "<...@...>", a base64 round trip is exact.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "popgate/pop3.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_timestamp(const char *ts)
{
	size_t		 n = strlen(ts);
	char		 hex[POP3_APOP_HEXLEN + 1];

	if (n == 0) {
		return;
	}
	if (n < 3 || ts[0] != '<' || ts[n - 1] != '>' ||
	    strchr(ts, '@') == NULL || strchr(ts + 1, '<') != NULL ||
	    strchr(ts, '>') != ts + n - 1) {
		abort();
	}
	if (pop3_apop_digest(ts, "secret", hex) != 0 ||
	    strlen(hex) != POP3_APOP_HEXLEN) {
		abort();
	}
}

static void
check_b64(const char *text)
{
	unsigned char	raw[POP3_LINE_MAX];
	char		again[POP3_LINE_MAX * 2];
	ssize_t		n, m;

	n = pop3_b64_decode(text, strlen(text), raw, sizeof(raw));
	if (n < 0) {
		return;
	}
	m = pop3_b64_encode(raw, (size_t)n, again, sizeof(again));
	if (m < 0 || strcmp(again, text) != 0) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*p = (const char *)data;
	struct pop3_resp	 r;
	struct pop3_capa	 capa;
	char			 err[256];
	ssize_t			 n;
	bool			 in_capa = false;

	pop3_capa_init(&capa);
	while (size > 0) {
		n = pop3_line_len(p, size, POP3_LINE_MAX);
		if (n <= 0) {
			n = (ssize_t)(size < POP3_LINE_MAX + 1 ? size :
			    POP3_LINE_MAX + 1);
		}
		if (in_capa) {
			in_capa = pop3_capa_line(&capa, p, (size_t)n, err,
			    sizeof(err)) == 0;
		} else if (pop3_parse_response(p, (size_t)n, &r, err,
		    sizeof(err)) == 0) {
			check_timestamp(r.timestamp);
			if (r.status == POP3_CONT) {
				check_b64(r.text);
			}
			in_capa = r.status == POP3_OK && !capa.done;
		}
		p += n;
		size -= (size_t)n;
	}
	return 0;
}
