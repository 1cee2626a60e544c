/*
 * backend_tls: the hop behind the gateway. popgated reaches a real Dovecot
 * over TLS (pop3s://, and starttls:// with POP3 STLS) against a CA made
 * at test time; a certificate from another CA, for another name, or the
 * system store that does not know the test CA fails the channel with
 * "-ERR [SYS/TEMP]" and a log line naming why. Then PasswordBackend pop3:
 * an SSH password checked by a login at Dovecot, with APOP when the
 * greeting offers a timestamp, USER/PASS inside TLS, and in clear only
 * with BackendPlaintextAuth yes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <strings.h>

#include "harness.h"

#define ERR_LINE	"-ERR [SYS/TEMP] popgated: mail server unavailable\r\n"

static struct harness	*H;
static struct htls	 T;
static struct hdovecot	 D;
static struct hgate	 G;

/*
 * Dovecot without its auth penalty: every check comes from the gateway's
 * one address, so each failure would make the next check slower for
 * everyone (2, 4, 8, 15 s; see README), beyond BackendConnectTimeout.
 */
static void
up(const char *label, bool tls, bool sni, bool apop)
{
	struct hdovecot_opts	opts = { false, apop, true, NULL, NULL, false,
	    NULL, NULL };

	memset(&G, 0, sizeof(G));
	H = harness_new(label);
	ck_assert_msg(H != NULL, "cannot make a work folder");
	memset(&T, 0, sizeof(T));
	if (tls) {
		htls_make(H, &T);
		opts.cert = T.cert;
		opts.key = T.key;
	}
	if (sni) {	/* binds pop3s on ::1 too: only where it is wanted */
		opts.sni_cert = T.named_cert;
		opts.sni_key = T.named_key;
	}
	hdovecot_start_opts(H, &D, &opts);
}

static void
tls_setup(void)
{
	up("backend-tls", true, false, false);
}

static void
sni_setup(void)
{
	up("backend-sni", true, true, false);
}

static void
plain_setup(void)
{
	up("backend-plain", false, false, false);
}

static void
apop_setup(void)
{
	up("backend-apop", false, false, true);
}

static void
down(void)
{
	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	hgate_check_exit(&G);
	harness_free(H);
	H = NULL;
}

/* popgated forwarding pop3:110 to backend (as written), plus extra. */
static void
gate(const char *backend, bool passwords, const char *extra)
{
	char	fwd[256];

	snprintf(fwd, sizeof(fwd), "Forward pop3:110 %s", backend);
	hgate_prepare_fwd(H, &G, fwd, passwords, extra);
	hgate_start(H, &G);
}

/* ssh -L with alice's key; the local port. */
static uint16_t
tunnel(struct hproc **ssh)
{
	const struct hcred	c = { HARNESS_USER, G.userkey, NULL };
	uint16_t		lport;

	lport = hclient_tunnel(H, &G, &c, "pop3:110", ssh);
	ck_assert_msg(lport != 0, "ssh -L did not come up; see %s and %s",
	    (*ssh)->err, G.log);
	return lport;
}

/* The first line a mail client gets through the tunnel. */
static void
first_line(uint16_t lport, char *buf, size_t len)
{
	int	fd = hnet_connect(lport, HARNESS_START_MS, NULL);

	ck_assert_msg(fd >= 0, "cannot connect to the tunnel");
	ck_assert_msg(hnet_read_line(fd, buf, len, HARNESS_EXIT_MS) > 0,
	    "nothing came through the tunnel; see %s", G.log);
	close(fd);
}

/* poplib fetches everything through a fresh tunnel, byte for byte. */
static void
assert_fetch(void)
{
	struct hproc	*ssh = NULL, *pop = NULL;
	char		 why[1024];
	uint16_t	 lport = tunnel(&ssh);

	pop = hclient_poplib_spawn(H, lport);
	ck_assert_msg(hclient_poplib_verify(pop, &D.mail, why,
	    sizeof(why)) == 0, "%s (popgated log %s)", why, G.log);
	hproc_stop(ssh);
}

/* Dovecot logged alice's login over TLS (", TLS," in its login line). */
static void
assert_dovecot_tls_login(void)
{
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", ", TLS"), NULL, 0),
	    "no TLS login of alice in %s", D.log);
}

/* poplib through pop3s://HOST:PORT (HOST as written) to Dovecot. */
static void
assert_pop3s_fetch(const char *host)
{
	char	backend[64], extra[HARNESS_PATH + 32], want[80];

	snprintf(backend, sizeof(backend), "pop3s://%s:%u", host,
	    (unsigned)D.pop3s_port);
	snprintf(extra, sizeof(extra), "BackendCAFile %s\n", T.ca);
	gate(backend, false, extra);
	assert_fetch();
	assert_dovecot_tls_login();
	snprintf(want, sizeof(want), "backend=%s", backend);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice", want, "reason=eof"), NULL,
	    0), "no clean tunnel closed line for %s in %s", backend, G.log);
}

START_TEST(test_backend_tls_pop3s_retrieves)
{
	assert_pop3s_fetch("127.0.0.1");
}
END_TEST

/*
 * By name: pop3s://localhost. Dovecot shows its DNS:localhost certificate
 * only to a client that asks for "localhost" by SNI, and otherwise its
 * 127.0.0.1 one, which fails the name check: a fetch that works shows
 * that popgated sent SNI and verified the name it was given.
 */
START_TEST(test_backend_tls_by_name_with_sni)
{
	assert_pop3s_fetch("localhost");
}
END_TEST

/*
 * STLS: the mail client gets Dovecot's own greeting, after popgated has
 * done CAPA, STLS and the handshake; then everything as usual.
 */
START_TEST(test_backend_tls_starttls_retrieves)
{
	char		 backend[64], extra[HARNESS_PATH + 32], line[600];
	struct hproc	*ssh = NULL;
	uint16_t	 lport;

	snprintf(backend, sizeof(backend), "starttls://127.0.0.1:%u",
	    (unsigned)D.port);
	snprintf(extra, sizeof(extra), "BackendCAFile %s\n", T.ca);
	gate(backend, false, extra);
	lport = tunnel(&ssh);
	first_line(lport, line, sizeof(line));
	ck_assert_msg(strncmp(line, "+OK ", 4) == 0 && strstr(line,
	    "Dovecot") != NULL && strstr(line, "ready.") != NULL,
	    "greeting through a starttls:// tunnel: \"%s\"", line);
	hproc_stop(ssh);
	assert_fetch();
	assert_dovecot_tls_login();
	/* Dovecot saw STLS: no login of alice without TLS. */
	ck_assert_int_eq(hlog_count(D.log, HLINE("Login: user=<alice>")),
	    hlog_count(D.log, HLINE("Login: user=<alice>", ", TLS")));
}
END_TEST

/* backend as written, trusted CA file (NULL: the system store), what
 * the log line must say. */
static void
assert_refused(const char *backend, const char *ca, const char *why)
{
	char		 extra[HARNESS_PATH + 32], line[600];
	struct hproc	*ssh = NULL;
	uint16_t	 lport;

	extra[0] = '\0';
	if (ca != NULL) {
		snprintf(extra, sizeof(extra), "BackendCAFile %s\n", ca);
	}
	gate(backend, false, extra);
	lport = tunnel(&ssh);
	first_line(lport, line, sizeof(line));
	ck_assert_str_eq(line, ERR_LINE);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=backend-unreachable user=alice", "error=\"TLS: ",
	    why),
	    NULL, 0), "no log line naming \"%s\" in %s", why, G.log);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed user=alice",
	    "reason=backend-unavailable"),
	    NULL, 0), "no tunnel closed line in %s", G.log);
	hproc_stop(ssh);
}

START_TEST(test_backend_tls_wrong_ca_pop3s)
{
	char	backend[64];

	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u",
	    (unsigned)D.pop3s_port);
	assert_refused(backend, T.other_ca, "certificate verify failed: "
	    "unable to get local issuer certificate");
	ck_assert_int_eq(hlog_count(D.log, HLINE("Login: user=<alice>")), 0);
}
END_TEST

START_TEST(test_backend_tls_wrong_ca_starttls)
{
	char	backend[64];

	snprintf(backend, sizeof(backend), "starttls://127.0.0.1:%u",
	    (unsigned)D.port);
	assert_refused(backend, T.other_ca, "certificate verify failed: "
	    "unable to get local issuer certificate");
}
END_TEST

/* Without BackendCAFile the system store decides: it knows no test CA. */
START_TEST(test_backend_tls_system_store)
{
	char	backend[64];

	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u",
	    (unsigned)D.pop3s_port);
	assert_refused(backend, NULL, "certificate verify failed: "
	    "unable to get local issuer certificate");
}
END_TEST

/* The right CA, but a certificate for mail.example, not 127.0.0.1. */
START_TEST(test_backend_tls_wrong_name)
{
	struct hproc	*srv = NULL;
	char		 backend[64];
	uint16_t	 port;

	port = htls_server(H, T.wrong_cert, T.wrong_key, &srv);
	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u",
	    (unsigned)port);
	assert_refused(backend, T.ca, "certificate verify failed: "
	    "IP address mismatch");
}
END_TEST

/*
 * Failover: a backend whose certificate fails is passed over like one
 * that refuses, and the next one serves, nothing lost.
 */
START_TEST(test_backend_tls_failover_past_bad_cert)
{
	struct hproc	*srv = NULL;
	char		 backend[128], extra[HARNESS_PATH + 32];
	uint16_t	 port;

	port = htls_server(H, T.wrong_cert, T.wrong_key, &srv);
	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u "
	    "pop3s://127.0.0.1:%u", (unsigned)port, (unsigned)D.pop3s_port);
	snprintf(extra, sizeof(extra), "BackendCAFile %s\n", T.ca);
	gate(backend, false, extra);
	assert_fetch();
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=backend-unreachable user=alice", "IP address "
	    "mismatch", " next=pop3s://127.0.0.1:"), NULL, 0),
	    "no failover line in %s", G.log);
	assert_dovecot_tls_login();
}
END_TEST

/* starttls:// to a server without TLS: refused before any login. */
START_TEST(test_backend_tls_stls_not_offered)
{
	char		 backend[64], line[600];
	struct hproc	*ssh = NULL;
	uint16_t	 lport;

	snprintf(backend, sizeof(backend), "starttls://127.0.0.1:%u",
	    (unsigned)D.port);
	gate(backend, false, NULL);
	lport = tunnel(&ssh);
	first_line(lport, line, sizeof(line));
	ck_assert_str_eq(line, ERR_LINE);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=backend-unreachable user=alice",
	    "error=\"backend does not offer STLS"),
	    NULL, 0), "no STLS log line in %s", G.log);
	hproc_stop(ssh);
}
END_TEST

/* A fake POP3 server offering STLS, for answers Dovecot never gives. */
struct fake_stls {
	int		 lfd;
	const char	*answer;	/* to STLS */
};

static int
fake_stls_main(void *arg)
{
	const struct fake_stls	*f = arg;
	char			 line[512];
	int			 fd;

	while ((fd = accept(f->lfd, NULL, NULL)) >= 0) {
		hnet_write_str(fd, "+OK fake ready\r\n");
		while (hnet_read_line(fd, line, sizeof(line),
		    HARNESS_EXIT_MS) > 0) {
			if (strncasecmp(line, "CAPA", 4) == 0) {
				hnet_write_str(fd, "+OK\r\nUSER\r\nSTLS\r\n"
				    ".\r\n");
			} else if (strncasecmp(line, "STLS", 4) == 0) {
				hnet_write_str(fd, f->answer);
			} else {
				hnet_write_str(fd, "-ERR no\r\n");
			}
		}
		close(fd);
	}
	return 0;
}

/* starttls:// to the fake with answer to STLS: refused, log says why. */
static void
assert_fake_stls(const char *answer, const char *why)
{
	struct fake_stls	 f = { -1, answer };
	struct hproc		*ssh = NULL, *p = NULL;
	char			 backend[64], line[600];
	uint16_t		 port = 0, lport;

	f.lfd = hnet_listen(&port);
	ck_assert(f.lfd >= 0);
	p = hproc_fork(H, "fake-stls", fake_stls_main, &f);
	close(f.lfd);
	ck_assert(p != NULL);
	snprintf(backend, sizeof(backend), "starttls://127.0.0.1:%u",
	    (unsigned)port);
	gate(backend, false, NULL);
	lport = tunnel(&ssh);
	first_line(lport, line, sizeof(line));
	ck_assert_str_eq(line, ERR_LINE);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=backend-unreachable user=alice", why), NULL,
	    0),
	    "no \"%s\" line in %s", why, G.log);
	hproc_stop(ssh);
}

/* Plaintext after the +OK to STLS would be read as if from inside TLS
 * (CVE-2011-0411): the tunnel fails instead. */
START_TEST(test_backend_tls_stls_injection)
{
	assert_fake_stls("+OK Begin TLS negotiation\r\n-ERR smuggled\r\n",
	    "backend sent data after its +OK to STLS");
}
END_TEST

START_TEST(test_backend_tls_stls_refused)
{
	assert_fake_stls("-ERR not today\r\n",
	    "backend refused STLS: not today");
}
END_TEST

/* What the configuration checks say, and what -T prints. */
START_TEST(test_backend_tls_config)
{
	const char	*test[] = { "-t", "-f", G.conf, NULL };
	const char	*print[] = { "-T", "-f", G.conf, NULL };
	struct hproc	*p = NULL;
	char		 backend[64];

	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u",
	    (unsigned)D.pop3s_port);
	hgate_prepare_fwd(H, &G, "Forward pop3:110 127.0.0.1:1", false, NULL);
	ck_assert(hfile_write(G.conf, 0644, "HostKey ssh_host_ed25519_key\n"
	    "AuthorizedKeysFile keys/%%u\nForward pop3:110 %s\n\n"
	    "Forward imap:143 starttls://127.0.0.1:143\n", backend) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", test, NULL, &p), 1);
	ck_assert_msg(hfile_has(p->err, "popgated.conf:5: Forward: starttls:"
	    "// is implemented for POP3 targets only"), "see %s", p->err);
	ck_assert(hfile_write(G.conf, 0644, "HostKey ssh_host_ed25519_key\n"
	    "AuthorizedKeysFile keys/%%u\nForward pop3:110 %s\n"
	    "BackendCAFile %s/no-such-ca.pem\n", backend, H->dir) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", test, NULL, &p), 1);
	ck_assert_msg(hfile_has(p->err, "no-such-ca.pem: cannot load"),
	    "see %s", p->err);
	ck_assert(hfile_write(G.conf, 0644, "HostKey ssh_host_ed25519_key\n"
	    "Forward pop3:110 %s\nBackendCAFile %s\nPasswordBackend pop3\n"
	    "BackendPlaintextAuth yes\nBindMailbox yes\nMailboxMap maps\n",
	    backend, T.ca) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-T", print, NULL, &p), 0);
	ck_assert(hfile_has(p->out, "\nPasswordBackend pop3\n"
	    "BackendPlaintextAuth yes\nAuthCacheSeconds 0\nBackendCAFile "));
	ck_assert(hfile_has(p->out, "\nBindMailbox yes\nMailboxMap "));
	/* StrictModes: files others could change are not trusted. */
	ck_assert(hfile_write(harness_path(H, "maps").s, 0666, "alice a\n") ==
	    0);
	ck_assert(chmod(harness_path(H, "maps").s, 0666) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", test, NULL, &p), 1);
	ck_assert_msg(hfile_has(p->err, "event=mailbox-map-refused "
	    "check=StrictModes"), "see %s", p->err);
	ck_assert(chmod(harness_path(H, "maps").s, 0644) == 0);
	ck_assert(chmod(T.ca, 0666) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", test, NULL, &p), 1);
	ck_assert_msg(hfile_has(p->err, "event=backend-ca-refused "
	    "check=StrictModes"), "see %s", p->err);
	ck_assert(chmod(T.ca, 0644) == 0);
	ck_assert_int_eq(hgate_run(H, "popgated-t", test, NULL, &p), 0);
}
END_TEST

/* ssh -L with a password, one prompt: its port once it is in, or 0. */
static uint16_t
password_login(const char *user, const char *password, struct hproc **out)
{
	const struct hcred	 c = { user, NULL, password };
	struct hargv		 a;
	struct hproc		*p = NULL;
	uint16_t		 lport = hnet_free_port();
	int			 fd;

	hclient_ssh_argv(&a, "ssh", &G, &c);
	hargv_add(&a, "-oNumberOfPasswordPrompts=1");
	hargv_add(&a, "-N");
	hargv_add(&a, "-oExitOnForwardFailure=yes");
	hargv_add(&a, "-L");
	hargv_add(&a, "127.0.0.1:%u:pop3:110", (unsigned)lport);
	hargv_add(&a, "%s@127.0.0.1", user);
	p = hclient_ssh_spawn(H, "ssh-password", &a, &c);
	ck_assert(p != NULL);
	*out = p;
	fd = hnet_connect(lport, HARNESS_EXIT_MS, p);
	if (fd < 0) {
		return 0;
	}
	close(fd);
	return lport;
}

/*
 * A password login and a curl RETR through it; with rejections, then a
 * wrong password and an unknown user (each costs Dovecot's 2 s delay, so
 * one test does it).
 */
static void
assert_password_backend(const char *method, bool rejections)
{
	struct hproc	*ssh = NULL, *curl = NULL;
	char		 why[1024];
	uint16_t	 lport;

	lport = password_login(HARNESS_USER, HARNESS_POP3_PASS, &ssh);
	ck_assert_msg(lport != 0, "the POP3 password did not log in; see %s "
	    "and %s", G.log, ssh->err);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=auth user=alice ",
	    "method=password result=accepted"),
	    NULL, 0), "no accepted password line in %s", G.log);
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", method), NULL, 0),
	    "Dovecot did not log alice in with %s; see %s", method, D.log);
	curl = hclient_curl_spawn(H, lport, 1);
	ck_assert_msg(hclient_curl_verify(curl, &D.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
	hproc_stop(ssh);
	if (!rejections) {
		return;
	}
	/* A wrong password and an unknown user: the same refusal. */
	ck_assert(password_login(HARNESS_USER, "not-the-password", &ssh) ==
	    0);
	ck_assert(hfile_has(ssh->err, "Permission denied"));
	ck_assert(password_login("carol", HARNESS_POP3_PASS, &ssh) == 0);
	ck_assert(hfile_has(ssh->err, "Permission denied"));
	ck_assert_msg(hlog_wait(G.log, 2, G.proc, HARNESS_LOG_MS,
	    HLINE("method=password result=failed reason=backend-rejected"),
	    NULL, 0), "want 2 backend-rejected lines in %s", G.log);
}

START_TEST(test_backend_password_apop)
{
	char	backend[64], line[600];
	int	fd;

	/* Dovecot's greeting carries the timestamp APOP needs. */
	fd = hnet_connect(D.port, HARNESS_START_MS, D.proc);
	ck_assert(fd >= 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), HARNESS_LOG_MS) > 0);
	close(fd);
	ck_assert_msg(strchr(line, '<') != NULL && strchr(line, '@') != NULL,
	    "no APOP timestamp in \"%s\"", line);
	snprintf(backend, sizeof(backend), "127.0.0.1:%u", (unsigned)D.port);
	gate(backend, false, "PasswordBackend pop3\n");
	assert_password_backend("method=APOP", true);
}
END_TEST

/* No timestamp, no TLS: the password is not sent in clear. */
START_TEST(test_backend_password_plaintext_refused)
{
	struct hproc	*ssh = NULL;
	char		 backend[64];

	snprintf(backend, sizeof(backend), "127.0.0.1:%u", (unsigned)D.port);
	gate(backend, false, "PasswordBackend pop3\n");
	ck_assert(password_login(HARNESS_USER, HARNESS_POP3_PASS, &ssh) == 0);
	ck_assert_msg(hlog_wait(G.log, 1, G.proc, HARNESS_LOG_MS,
	    HLINE("event=password-backend-failed user=alice",
	    "BackendPlaintextAuth is no"), NULL, 0),
	    "no line explaining BackendPlaintextAuth in %s", G.log);
	ck_assert(hlog_count(G.log,
	    HLINE("result=failed reason=plaintext-refused")) == 1);
	ck_assert_int_eq(hlog_count(D.log, HLINE("user=<alice>")), 0);
}
END_TEST

START_TEST(test_backend_password_plaintext_allowed)
{
	char	backend[64];

	snprintf(backend, sizeof(backend), "127.0.0.1:%u", (unsigned)D.port);
	gate(backend, false, "PasswordBackend pop3\n"
	    "BackendPlaintextAuth yes\n");
	assert_password_backend("method=PLAIN", false);
}
END_TEST

/* pop3s without APOP: USER/PASS, but inside TLS, needs no permission. */
START_TEST(test_backend_password_over_tls)
{
	char	backend[64], extra[HARNESS_PATH + 64];

	snprintf(backend, sizeof(backend), "pop3s://127.0.0.1:%u",
	    (unsigned)D.pop3s_port);
	snprintf(extra, sizeof(extra), "PasswordBackend pop3\n"
	    "BackendCAFile %s\n", T.ca);
	gate(backend, false, extra);
	assert_password_backend(", TLS", false);
}
END_TEST

Suite *
backend_tls_suite(void)
{
	Suite	*s = suite_create("backend_tls");
	TCase	*tls = harness_tcase("tls", tls_setup, down, 180);
	TCase	*sni = harness_tcase("sni", sni_setup, down, 60);
	TCase	*plain = harness_tcase("plain", plain_setup, down, 180);
	TCase	*apop = harness_tcase("apop", apop_setup, down, 180);

	tcase_add_test(tls, test_backend_tls_pop3s_retrieves);
	tcase_add_test(sni, test_backend_tls_by_name_with_sni);
	tcase_add_test(tls, test_backend_tls_starttls_retrieves);
	tcase_add_test(tls, test_backend_tls_wrong_ca_pop3s);
	tcase_add_test(tls, test_backend_tls_wrong_ca_starttls);
	tcase_add_test(tls, test_backend_tls_system_store);
	tcase_add_test(tls, test_backend_tls_wrong_name);
	tcase_add_test(tls, test_backend_tls_failover_past_bad_cert);
	tcase_add_test(tls, test_backend_tls_config);
	tcase_add_test(tls, test_backend_password_over_tls);
	tcase_add_test(plain, test_backend_tls_stls_not_offered);
	tcase_add_test(plain, test_backend_tls_stls_injection);
	tcase_add_test(plain, test_backend_tls_stls_refused);
	tcase_add_test(plain, test_backend_password_plaintext_refused);
	tcase_add_test(plain, test_backend_password_plaintext_allowed);
	tcase_add_test(apop, test_backend_password_apop);
	suite_add_tcase(s, tls);
	suite_add_tcase(s, sni);
	suite_add_tcase(s, plain);
	suite_add_tcase(s, apop);
	return s;
}
