/*
 * hsmtp: a small SMTP submission server (RFC 5321, RFC 6409) as the
 * backend of submission tests: it greets, offers AUTH PLAIN (RFC 4954)
 * and checks one account, and stores each message it accepts, with the
 * dot-stuffing undone (RFC 5321 §4.5.2), as dir/msg-N.eml, logging one
 * "stored msg-N.eml" line on stdout. A forked copy of the test process
 * (hproc_fork), one client at a time, on a port the parent bound.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"

#define SMTP_LINE_MS	30000
#define SMTP_LINE_MAX	2048	/* RFC 5321 §4.5.3.1.6: 1000 with CRLF */

struct sink {
	int		 lfd;
	const char	*dir;
	const char	*user;
	const char	*password;
	unsigned	 stored;
};

static bool
reply(int fd, const char *line)
{
	return hnet_write_str(fd, line) == 0;
}

/* Does the base64 of "\0user\0password" name our account? */
static bool
plain_ok(const struct sink *s, const char *b64)
{
	unsigned char	 buf[SMTP_LINE_MAX];
	char		 want[256];
	size_t		 len = strcspn(b64, "\r\n"), wlen;
	int		 n;

	if (len == 0 || len % 4 != 0 || len * 3 / 4 > sizeof(buf)) {
		return false;
	}
	n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len);
	if (n < 0) {
		return false;
	}
	/* DecodeBlock counts the padding as zero bytes: drop them. */
	n -= (int)(b64[len - 1] == '=') + (int)(b64[len - 2] == '=');
	wlen = (size_t)snprintf(want, sizeof(want), "%c%s%c%s", '\0',
	    s->user, '\0', s->password);
	return (size_t)n == wlen && memcmp(buf, want, wlen) == 0;
}

/* AUTH PLAIN [initial-response]: true when the client is now in. */
static bool
auth(int fd, const struct sink *s, const char *line)
{
	char		 resp[SMTP_LINE_MAX];
	const char	*arg = line + 10;

	if (strncasecmp(line, "AUTH PLAIN", 10) != 0) {
		reply(fd, "504 5.5.4 only PLAIN\r\n");
		return false;
	}
	if (*arg == ' ') {
		arg++;
	} else {
		/* No initial response: ask for it (RFC 4954 §4). */
		if (!reply(fd, "334 \r\n") || hnet_read_line(fd, resp,
		    sizeof(resp), SMTP_LINE_MS) <= 0) {
			return false;
		}
		arg = resp;
	}
	if (!plain_ok(s, arg)) {
		reply(fd, "535 5.7.8 authentication failed\r\n");
		return false;
	}
	return reply(fd, "235 2.7.0 authenticated\r\n");
}

/* DATA: lines up to ".", unstuffed, into the next msg-N.eml. */
static bool
data(int fd, struct sink *s)
{
	char	 line[SMTP_LINE_MAX], path[HARNESS_PATH + 32];
	FILE	*fp = NULL;
	ssize_t	 n;
	size_t	 bytes = 0;

	snprintf(path, sizeof(path), "%s/msg-%u.eml", s->dir, s->stored + 1);
	fp = fopen(path, "w");
	if (fp == NULL || !reply(fd, "354 end with <CRLF>.<CRLF>\r\n")) {
		if (fp != NULL) {
			fclose(fp);
		}
		return false;
	}
	while ((n = hnet_read_line(fd, line, sizeof(line),
	    SMTP_LINE_MS)) > 0) {
		if (strcmp(line, ".\r\n") == 0) {
			break;
		}
		bytes += fwrite(line + (line[0] == '.'), 1,
		    (size_t)n - (line[0] == '.'), fp);
	}
	if (fclose(fp) != 0 || n <= 0) {
		return false;
	}
	s->stored++;
	printf("stored msg-%u.eml bytes=%zu\n", s->stored, bytes);
	fflush(stdout);
	return reply(fd, "250 2.0.0 queued\r\n");
}

/* One command of an authenticated or not yet authenticated client. */
static bool
command(int fd, struct sink *s, const char *line, bool *authed)
{
	if (strncasecmp(line, "EHLO", 4) == 0) {
		return reply(fd, "250-sink.test\r\n250-AUTH PLAIN\r\n"
		    "250 8BITMIME\r\n");
	}
	if (strncasecmp(line, "AUTH", 4) == 0) {
		*authed = !*authed && auth(fd, s, line);
		return true;
	}
	if (strncasecmp(line, "QUIT", 4) == 0) {
		reply(fd, "221 2.0.0 bye\r\n");
		return false;
	}
	if (strncasecmp(line, "MAIL", 4) == 0 ||
	    strncasecmp(line, "RCPT", 4) == 0) {
		/* Submission needs a login first (RFC 6409 §4.3). */
		return reply(fd, *authed ? "250 2.1.0 ok\r\n" :
		    "530 5.7.0 authentication required\r\n");
	}
	if (strncasecmp(line, "DATA", 4) == 0) {
		return *authed ? data(fd, s) :
		    reply(fd, "530 5.7.0 authentication required\r\n");
	}
	if (strncasecmp(line, "RSET", 4) == 0 ||
	    strncasecmp(line, "NOOP", 4) == 0) {
		return reply(fd, "250 2.0.0 ok\r\n");
	}
	return reply(fd, "500 5.5.2 unknown command\r\n");
}

static void
serve(int fd, struct sink *s)
{
	char	line[SMTP_LINE_MAX];
	bool	authed = false;

	if (reply(fd, "220 sink.test ESMTP popgate test sink\r\n")) {
		while (hnet_read_line(fd, line, sizeof(line),
		    SMTP_LINE_MS) > 0 && command(fd, s, line, &authed)) {
			continue;
		}
	}
	close(fd);
}

static int
sink_main(void *arg)
{
	struct sink	*s = arg;
	int		 fd;

	for (;;) {
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0) {
			return 1;
		}
		serve(fd, s);
	}
}

void
hsmtp_start(struct harness *h, struct hsmtp *m, const char *user,
    const char *password)
{
	struct sink	 s;

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "%s/smtp-sink", h->dir);
	ck_assert(mkdir(m->dir, 0700) == 0);
	memset(&s, 0, sizeof(s));
	s.dir = m->dir;
	s.user = user;
	s.password = password;
	s.lfd = hnet_listen(&m->port);
	ck_assert_msg(s.lfd >= 0, "cannot listen on 127.0.0.1");
	/* The child gets its own copy of s at fork time. */
	m->proc = hproc_fork(h, "smtp-sink", sink_main, &s);
	close(s.lfd);
	ck_assert_msg(m->proc != NULL, "cannot fork the SMTP sink");
}
