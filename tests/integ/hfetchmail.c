/*
 * hfetchmail: fetchmail as a real MUA, in keep mode, handing each message
 * to an MDA (`cat` into a new file). What fetchmail does to a message on
 * the way, and how the tests undo it:
 *
 * - it undoes POP3's dot-stuffing (RFC 1939 §3): what we want;
 * - it turns CRLF into LF for an MDA unless told "no stripcr": told so,
 *   the original CRLF octets arrive as they were delivered;
 * - "no rewrite" keeps it from touching the addresses in the header;
 * - it always prepends its own trace field, "Received: from ... by ...
 *   with POP3 (fetchmail-V) for <...>; DATE", folded over a few lines.
 *
 * So a delivered file is that one header field followed by exactly the
 * octets Dovecot had: the check drops the first field (its first line
 * must start with "Received: ", continuation lines start with a blank)
 * and compares size and SHA-256 of the rest with the messages delivered
 * into the Maildir, each to be found once.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpopgate.h"

static void
write_rc(const char *rc, const char *server, const char *dir)
{
	/* The dir is ours (mkdtemp): no blanks or quotes to escape. */
	ck_assert(hfile_write(rc, 0600,
	    "# written by popgate's integration tests\n"
	    "set no bouncemail\n"
	    "set no syslog\n"
	    "poll %s protocol pop3 timeout 60\n"
	    "  user \"%s\" password \"%s\" sslproto \"\"\n"
	    "  keep fetchall no rewrite no stripcr\n"
	    "  mda \"cat >$(mktemp %s/msg.XXXXXX)\"\n",
	    server, HARNESS_USER, HARNESS_POP3_PASS, dir) == 0);
}

struct hproc *
hfetchmail_spawn(struct harness *h, const char *server, struct hpath *dir)
{
	unsigned	 n = ++h->files;
	struct hpath	 rc = harness_path(h, "fetchmailrc-%u", n);
	struct hpath	 ids = harness_path(h, "fetchids-%u", n);
	struct hpath	 pid = harness_path(h, "fetchmail-%u.pid", n);
	char		 home[HARNESS_PATH + 16], fhome[HARNESS_PATH + 16];
	const char	*env[] = { home, fhome, NULL };
	struct hargv	 a;
	struct hproc	*p = NULL;

	*dir = harness_path(h, "fetched-%u", n);
	ck_assert(mkdir(dir->s, 0700) == 0);
	write_rc(rc.s, server, dir->s);
	/* Its lock and id files stay in the work folder (as root its lock
	 * would otherwise be /var/run/fetchmail.pid, shared by every run). */
	snprintf(home, sizeof(home), "HOME=%s", h->dir);
	snprintf(fhome, sizeof(fhome), "FETCHMAILHOME=%s", h->dir);
	hargv_init(&a);
	hargv_add(&a, "fetchmail");
	hargv_add(&a, "-v");
	hargv_add(&a, "--nodetach");
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", rc.s);
	hargv_add(&a, "-i");
	hargv_add(&a, "%s", ids.s);
	hargv_add(&a, "--pidfile");
	hargv_add(&a, "%s", pid.s);
	ck_assert(!a.overflow);
	p = hproc_spawn(h, "fetchmail", a.argv, env, NULL);
	ck_assert_msg(p != NULL, "cannot start fetchmail");
	return p;
}

struct fetched {
	const struct hmail	*m;
	bool			 seen[HMAIL_MAX];
	size_t			 files;
	char			*why;
	size_t			 whylen;
};

/* Where the message starts: after fetchmail's Received: field. */
static const char *
after_received(const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *nl = NULL;

	if (strncmp(text, "Received: ", 10) != 0) {
		return NULL;
	}
	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			return NULL;
		}
		p = nl + 1;
	} while (p < end && (*p == ' ' || *p == '\t'));
	return p;
}

static int
fetched_cb(const char *path, const struct stat *st, void *arg)
{
	struct fetched	*f = arg;
	const char	*msg = NULL;
	char		*text = NULL, sha[65];
	size_t		 len = 0, size = 0;
	int		 rc = 0;

	if (!S_ISREG(st->st_mode)) {
		return 0;
	}
	f->files++;
	text = hfile_slurp(path, &len);
	msg = text != NULL ? after_received(text, len) : NULL;
	if (msg != NULL) {
		size = len - (size_t)(msg - text);
	}
	if (msg == NULL || hmail_sha256_mem(msg, size, sha) != 0) {
		snprintf(f->why, f->whylen, "%s: no fetchmail Received: "
		    "field on top", path);
		rc = -1;
	} else if (hmail_find(f->m, size, sha, f->seen) < 0) {
		snprintf(f->why, f->whylen, "%s: %zu octets sha256 %s after "
		    "the Received: field: no such message delivered (or "
		    "fetched twice)", path, size, sha);
		rc = -1;
	}
	free(text);
	return rc;
}

int
hfetchmail_verify(struct hproc *p, const char *dir, const struct hmail *m,
    char *why, size_t whylen)
{
	struct fetched	f;
	int		st;

	memset(&f, 0, sizeof(f));
	f.m = m;
	f.why = why;
	f.whylen = whylen;
	st = hproc_wait(p, HARNESS_EXIT_MS * 2);
	if (st != 0) {
		snprintf(why, whylen, "fetchmail exited %d; see %s", st, p->err);
		return -1;
	}
	why[0] = '\0';
	if (hfile_walk(dir, fetched_cb, &f) != 0) {
		if (why[0] == '\0') {
			snprintf(why, whylen, "cannot read %s", dir);
		}
		return -1;
	}
	if (f.files != m->n) {
		snprintf(why, whylen, "fetchmail delivered %zu messages, "
		    "Dovecot had %zu; see %s and %s", f.files, m->n, dir,
		    p->err);
		return -1;
	}
	return 0;
}
