/*
 * check: one honest round trip per forward, for people and scripts: the
 * channel opens, and the service behind it greets as its protocol says
 * a ready server does (POP3 "+OK", IMAP "* OK", SMTP "220": mailproto).
 */
#include <stdio.h>
#include <string.h>

#include <libssh/libssh.h>

#include "popgate/addr.h"
#include "popgate/check.h"
#include "popgate/clock.h"
#include "popgate/log.h"
#include "popgate/mailproto.h"

#define CHECK_TIMEOUT_MS	5000
#define CHECK_POLL_MS		100

/* Opens a channel to target on the (non-blocking) session; NULL + why. */
static ssh_channel
open_channel(ssh_session s, ssh_event ev, const struct addr *target,
    const char **why)
{
	ssh_channel	chan = ssh_channel_new(s);
	uint64_t	deadline = clock_ms() + CHECK_TIMEOUT_MS;
	int		rc = SSH_AGAIN;

	*why = "cannot create a channel";
	while (chan != NULL && clock_ms() < deadline) {
		rc = ssh_channel_open_forward(chan, target->host, target->port,
		    "127.0.0.1", 0);
		if (rc != SSH_AGAIN) {
			break;
		}
		ssh_event_dopoll(ev, CHECK_POLL_MS);
	}
	if (rc == SSH_OK) {
		return chan;
	}
	*why = rc == SSH_AGAIN ? "the gateway did not answer in time" :
	    "the gateway refused this forward";
	ssh_channel_free(chan);
	return NULL;
}

/* Reads the first line the service sends (CRLF removed). */
static int
read_greeting(ssh_channel chan, ssh_event ev, char *line, size_t len)
{
	uint64_t	deadline = clock_ms() + CHECK_TIMEOUT_MS;
	size_t		got = 0;
	int		n;

	line[0] = '\0';
	while (got + 1 < len && clock_ms() < deadline) {
		n = ssh_channel_read_nonblocking(chan, line + got,
		    (uint32_t)(len - 1 - got), 0);
		if (n < 0 || (n == 0 && ssh_channel_is_eof(chan))) {
			break;
		}
		got += (size_t)n;
		line[got] = '\0';
		if (strchr(line, '\n') != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			return 0;
		}
		if (n == 0) {
			ssh_event_dopoll(ev, CHECK_POLL_MS);
		}
	}
	line[strcspn(line, "\r\n")] = '\0';
	return got > 0 ? 0 : -1;
}

static bool
check_one(struct conn *c, ssh_event ev, const struct fwdspec *fw,
    FILE *out)
{
	char		target[ADDR_STRLEN], line[MAILPROTO_LINE_MAX + 1];
	const char	*why = NULL;
	ssh_channel	chan = NULL;
	bool		ok = false;

	addr_format(fw->target.host, fw->target.port, target, sizeof(target));
	chan = open_channel(conn_session(c), ev, &fw->target, &why);
	if (chan != NULL) {
		if (read_greeting(chan, ev, line, sizeof(line)) != 0) {
			why = "no greeting from the service";
		} else if (!mailproto_greeting_ok(mailproto_infer(
		    fw->target.host, fw->target.port), line)) {
			why = line;
		} else {
			ok = true;
		}
	}
	if (ok) {
		fprintf(out, "ok %s %s\n", target, line);
	} else {
		fprintf(out, "failed %s: %s\n", target, why);
	}
	if (chan != NULL) {
		ssh_channel_close(chan);
		ssh_channel_free(chan);
	}
	return ok;
}

enum conn_status
check_run(struct conn *c, const struct opts *o, FILE *out)
{
	ssh_event	ev = conn_event(c);
	size_t		i;
	bool		all = true;

	for (i = 0; i < o->nforwards; i++) {
		if (!check_one(c, ev, &o->forwards[i], out)) {
			all = false;
		}
	}
	fflush(out);
	return all ? CONN_OK : CONN_FORWARD;
}
