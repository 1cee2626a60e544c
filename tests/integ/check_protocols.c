/*
 * protocols: IMAP and submission through the same gateway as POP3. curl
 * reads a message over IMAP from Dovecot through popgate and through
 * OpenSSH's ssh -L, and sends one with AUTH PLAIN through popgate to an
 * SMTP sink that checks it arrived intact. When the mail server is down
 * the gateway refuses in each protocol's words, and so does popgate when
 * the gateway refuses the forward; a forward of no known protocol is
 * just closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define SMTP_PASS	"smtp-secret"
#define IMAP_DOWN	"* BYE [UNAVAILABLE] popgated: mail server unavailable\r\n"
#define SMTP_DOWN	"421 4.3.2 popgated: mail server unavailable\r\n"
#define IMAP_REFUSED	"* BYE [UNAVAILABLE] popgate: the gateway refused " \
			"this forward\r\n"
#define SMTP_REFUSED	"421 4.3.2 popgate: the gateway refused this " \
			"forward\r\n"

static struct hfix	F;
static struct hsmtp	S;

/* Dovecot (POP3 + IMAP), the SMTP sink, popgated forwarding to both. */
static void
up_setup(void)
{
	char	extra[256];

	memset(&F, 0, sizeof(F));
	F.h = harness_new("protocols");
	ck_assert(F.h != NULL);
	hdovecot_start(F.h, &F.dove, false);
	hsmtp_start(F.h, &S, HARNESS_USER, SMTP_PASS);
	snprintf(extra, sizeof(extra), "Forward imap:143 127.0.0.1:%u\n"
	    "Forward submission:587 127.0.0.1:%u\n",
	    (unsigned)F.dove.imap_port, (unsigned)S.port);
	hgate_prepare(F.h, &F.gate, F.dove.port, false, extra);
	hgate_start(F.h, &F.gate);
}

/* popgated whose IMAP and submission backends are closed ports. */
static void
down_setup(void)
{
	char	extra[256];

	memset(&F, 0, sizeof(F));
	F.h = harness_new("protocols-down");
	ck_assert(F.h != NULL);
	snprintf(extra, sizeof(extra), "Forward imap:143 127.0.0.1:%u\n"
	    "Forward submission:587 127.0.0.1:%u\n",
	    (unsigned)hnet_free_port(), (unsigned)hnet_free_port());
	hgate_prepare(F.h, &F.gate, hnet_free_port(), false, extra);
	hgate_start(F.h, &F.gate);
}

static void
protocols_teardown(void)
{
	hpopgate_fix_down(&F);
}

/* curl -v with the account in a config file (not on the command line),
 * then the URL and extra arguments. */
static struct hproc *
curl_spawn(const char *password, const char *url, const char *const extra[])
{
	struct hpath	 cfg = harness_path(F.h, "curl-%s.cfg", password);
	struct hargv	 a;
	struct hproc	*p = NULL;
	size_t		 i;

	ck_assert(hfile_write(cfg.s, 0600, "user = \"%s:%s\"\n",
	    HARNESS_USER, password) == 0);
	hargv_init(&a);
	hargv_add(&a, "curl");
	hargv_add(&a, "-sSv");
	hargv_add(&a, "--max-time");
	hargv_add(&a, "120");
	hargv_add(&a, "-K");
	hargv_add(&a, "%s", cfg.s);
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		hargv_add(&a, "%s", extra[i]);
	}
	hargv_add(&a, "%s", url);
	ck_assert(!a.overflow);
	p = hproc_spawn(F.h, "curl", a.argv, NULL, NULL);
	ck_assert_msg(p != NULL, "cannot start curl");
	return p;
}

/* curl fetches message n over IMAP on port; its bytes are message n. */
static void
assert_imap_fetch(uint16_t port, size_t n)
{
	struct hproc	*curl = NULL;
	char		 url[128], sha[65];
	size_t		 size;
	int		 st;

	snprintf(url, sizeof(url), "imap://127.0.0.1:%u/INBOX;MAILINDEX=%zu",
	    (unsigned)port, n);
	curl = curl_spawn(HARNESS_POP3_PASS, url, NULL);
	st = hproc_wait(curl, HARNESS_EXIT_MS * 2);
	ck_assert_msg(st == 0, "curl %s exited %d; see %s", url, st,
	    curl->err);
	ck_assert(hmail_sha256_file(curl->out, sha, &size) == 0);
	ck_assert_msg(size == F.dove.mail.size[n - 1] &&
	    strcmp(sha, F.dove.mail.sha[n - 1]) == 0, "IMAP message %zu: "
	    "%zu octets sha256 %s, delivered %zu octets sha256 %s (see %s)",
	    n, size, sha, F.dove.mail.size[n - 1], F.dove.mail.sha[n - 1],
	    curl->out);
	ck_assert_msg(hfile_has(curl->err, "* OK"), "curl did not see "
	    "Dovecot's IMAP greeting; see %s", curl->err);
}

START_TEST(test_protocols_imap_through_popgate)
{
	struct hproc	*pg = NULL;
	uint16_t	 port;

	port = hpopgate_tunnel(F.h, &F.gate, "imap:143", &pg);
	assert_imap_fetch(port, 1);
	assert_imap_fetch(port, 3);
	ck_assert_msg(hlog_wait(F.gate.log, 2, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice ", "target=imap:143"), NULL, 0),
	    "no two IMAP tunnels closed in %s", F.gate.log);
}
END_TEST

START_TEST(test_protocols_imap_through_ssh)
{
	const struct hcred	 c = { HARNESS_USER, F.gate.userkey, NULL };
	struct hproc		*ssh = NULL;
	uint16_t		 port;

	port = hclient_tunnel(F.h, &F.gate, &c, "imap:143", &ssh);
	ck_assert_msg(port != 0, "ssh -L imap:143 did not come up; see %s",
	    ssh->err);
	assert_imap_fetch(port, 2);
}
END_TEST

/* A message with the lines dot-stuffing must get right, CRLF ends. */
static const char	submit_text[] =
    "From: alice@example.org\r\n"
    "To: bob@example.org\r\n"
    "Subject: submission through popgate\r\n"
    "\r\n"
    "first line\r\n"
    ".\r\n"
    "..two dots\r\n"
    ".leading dot\r\n"
    " . not a terminator\r\n"
    "last line\r\n";

START_TEST(test_protocols_submission_through_popgate)
{
	struct hpath	 msg = harness_path(F.h, "submit.eml");
	struct hpath	 got = harness_path(F.h, "smtp-sink/msg-1.eml");
	const char	*extra[] = { "--mail-from", "alice@example.org",
	    "--mail-rcpt", "bob@example.org", "--upload-file", msg.s, NULL };
	struct hproc	*pg = NULL, *curl = NULL;
	char		 url[64], *text = NULL;
	uint16_t	 port;
	int		 st;

	ck_assert(hfile_write(msg.s, 0644, "%s", submit_text) == 0);
	port = hpopgate_tunnel(F.h, &F.gate, "submission:587", &pg);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", (unsigned)port);
	curl = curl_spawn(SMTP_PASS, url, extra);
	st = hproc_wait(curl, HARNESS_EXIT_MS);
	ck_assert_msg(st == 0, "curl %s exited %d; see %s", url, st,
	    curl->err);
	ck_assert_msg(hfile_has(curl->err, "AUTH PLAIN") &&
	    hfile_has(curl->err, "235 "), "curl did not log in with AUTH "
	    "PLAIN; see %s", curl->err);
	ck_assert_msg(hlog_wait(S.proc->out, 1, S.proc, HARNESS_LOG_MS,
	    HLINE("stored msg-1.eml"), NULL, 0), "the sink stored nothing; "
	    "see %s", S.proc->out);
	text = hfile_slurp(got.s, NULL);
	ck_assert_msg(text != NULL && strcmp(text, submit_text) == 0,
	    "the sink got a different message:\n%s", text);
	free(text);
	ck_assert_msg(hlog_wait(F.gate.log, 1, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice ", "target=submission:587"), NULL,
	    0), "no submission tunnel closed in %s", F.gate.log);
}
END_TEST

/* A wrong SMTP password is the sink's business: curl fails, nothing is
 * stored, and the tunnel carried it both ways. */
START_TEST(test_protocols_submission_bad_password)
{
	struct hpath	 msg = harness_path(F.h, "submit.eml");
	const char	*extra[] = { "--mail-from", "alice@example.org",
	    "--mail-rcpt", "bob@example.org", "--upload-file", msg.s, NULL };
	struct hproc	*pg = NULL, *curl = NULL;
	char		 url[64];
	uint16_t	 port;
	int		 st;

	ck_assert(hfile_write(msg.s, 0644, "%s", submit_text) == 0);
	port = hpopgate_tunnel(F.h, &F.gate, "submission:587", &pg);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", (unsigned)port);
	curl = curl_spawn("wrong-secret", url, extra);
	st = hproc_wait(curl, HARNESS_EXIT_MS);
	ck_assert_msg(st != 0 && st != -1, "curl exited %d; see %s", st,
	    curl->err);
	ck_assert_msg(hfile_has(curl->err, "535 5.7.8"), "curl did not see "
	    "the sink's 535; see %s", curl->err);
	ck_assert_msg(hlog_count(S.proc->out, HLINE("stored ")) == 0,
	    "the sink stored a message; see %s", S.proc->out);
}
END_TEST

/* popgate --check on IMAP and submission; its exit status, stdout in
 * *out. */
static int
check_run(struct hproc **out)
{
	struct hargv	a;

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "--check");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:imap:143");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:submission:587");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	return hpopgate_run(F.h, &a, out);
}

/* --check knows each protocol's "ready" greeting. */
START_TEST(test_protocols_check_greetings)
{
	struct hproc	*p = NULL;
	int		 st;

	st = check_run(&p);
	ck_assert_msg(st == 0, "popgate --check exited %d; see %s and %s", st,
	    p->out, p->err);
	ck_assert_msg(hlog_count(p->out, HLINE("ok imap:143 * OK ")) == 1 &&
	    hlog_count(p->out, HLINE("ok submission:587 220 ")) == 1,
	    "want an ok line for each; see %s", p->out);
}
END_TEST

/* A MUA on port reads exactly want, then the connection closes. */
static void
assert_first_line(uint16_t port, struct hproc *pg, const char *want)
{
	char	line[600];
	size_t	rest;
	int	fd;

	fd = hnet_connect(port, HARNESS_START_MS, pg);
	ck_assert_msg(fd >= 0, "popgate is not listening; see %s", pg->err);
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS) > 0, "the MUA read nothing; see %s", pg->err);
	ck_assert_str_eq(line, want);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &rest) == 0 &&
	    rest == 0, "not closed after \"%s\"", line);
	close(fd);
}

START_TEST(test_protocols_backend_down_replies)
{
	struct hargv	 a;
	struct hproc	*pg = NULL, *curl = NULL;
	uint16_t	 ports[2];
	char		 url[64];

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:imap:143");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:submission:587");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	pg = hpopgate_start(F.h, &a, 2, ports);
	assert_first_line(ports[0], pg, IMAP_DOWN);
	assert_first_line(ports[1], pg, SMTP_DOWN);
	/* What curl makes of them: a failure, the line in its trace. */
	snprintf(url, sizeof(url), "imap://127.0.0.1:%u/INBOX;MAILINDEX=1",
	    (unsigned)ports[0]);
	curl = curl_spawn(HARNESS_POP3_PASS, url, NULL);
	ck_assert_int_gt(hproc_wait(curl, HARNESS_EXIT_MS), 0);
	ck_assert_msg(hfile_has(curl->err, "* BYE [UNAVAILABLE] popgated: "),
	    "curl did not see the BYE; see %s", curl->err);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", (unsigned)ports[1]);
	curl = curl_spawn(HARNESS_POP3_PASS, url, NULL);
	ck_assert_int_gt(hproc_wait(curl, HARNESS_EXIT_MS), 0);
	ck_assert_msg(hfile_has(curl->err, "421 4.3.2 popgated: "),
	    "curl did not see the 421; see %s", curl->err);
	ck_assert_int_eq(hlog_count(F.gate.log, HLINE("reason="
	    "backend-unavailable", "target=imap:143")), 2);
}
END_TEST

/* The gateway's refusals are greetings --check does not take. */
START_TEST(test_protocols_check_backend_down)
{
	struct hproc	*p = NULL;
	int		 st;

	st = check_run(&p);
	ck_assert_msg(st == 5, "popgate --check exited %d, want 5; see %s", st,
	    p->out);
	ck_assert_msg(hlog_count(p->out, HLINE("failed imap:143: * BYE "
	    "[UNAVAILABLE] popgated: ")) == 1 && hlog_count(p->out,
	    HLINE("failed submission:587: 421 4.3.2 popgated: ")) == 1,
	    "want a failed line for each; see %s", p->out);
}
END_TEST

/* Forwards the gateway has no Forward line for: popgate answers. */
START_TEST(test_protocols_refused_forward_replies)
{
	struct hargv	 a;
	struct hproc	*pg = NULL;
	uint16_t	 ports[3];
	size_t		 got;
	int		 fd;

	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:imap:993");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:submission:2587");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:db:5432");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	pg = hpopgate_start(F.h, &a, 3, ports);
	assert_first_line(ports[0], pg, IMAP_REFUSED);
	assert_first_line(ports[1], pg, SMTP_REFUSED);
	/* No protocol known: no words, just the end. */
	fd = hnet_connect(ports[2], HARNESS_START_MS, pg);
	ck_assert(fd >= 0);
	ck_assert_msg(hnet_read_eof(fd, HARNESS_LOG_MS, &got) == 0 &&
	    got == 0, "db:5432 got %zu bytes or stayed open", got);
	close(fd);
}
END_TEST

Suite *
protocols_suite(void)
{
	Suite	*s = suite_create("protocols");
	TCase	*tc = NULL;

	tc = harness_tcase("up", up_setup, protocols_teardown, 180);
	tcase_add_test(tc, test_protocols_imap_through_popgate);
	tcase_add_test(tc, test_protocols_imap_through_ssh);
	tcase_add_test(tc, test_protocols_submission_through_popgate);
	tcase_add_test(tc, test_protocols_submission_bad_password);
	tcase_add_test(tc, test_protocols_check_greetings);
	suite_add_tcase(s, tc);
	tc = harness_tcase("down", down_setup, protocols_teardown, 120);
	tcase_add_test(tc, test_protocols_backend_down_replies);
	tcase_add_test(tc, test_protocols_refused_forward_replies);
	tcase_add_test(tc, test_protocols_check_backend_down);
	suite_add_tcase(s, tc);
	return s;
}
