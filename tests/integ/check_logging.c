/*
 * logging: LogTarget syslog for real and no secrets in any log.
 *
 * syslog(3) writes to /dev/log, which no test may take over on the
 * machine. So popgated runs in a mount namespace of its own (root only:
 * CI runs as root) where /dev is a fresh tmpfs holding the device nodes
 * of the real one and a /dev/log that leads to a datagram socket the
 * test owns: the test reads exactly what syslogd would have, priorities
 * included, and checks logins go to one facility and tunnels to another
 * while stderr stays empty.
 *
 * Secrets: a login with a distinctive password and one with a key, at
 * LogLevel DEBUG3 and popgate -vvvv, then every log of the test is
 * searched for the password, the POP3 password the tunnel carried, and
 * the private key (its file's base64 lines and its raw secret).
 */
#define _GNU_SOURCE		/* unshare(2), memmem(3) */
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <openssl/evp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define SYSLOG_MAX	8192
#define SYSLOG_LINES	512
#define SECRET_PASS	"Zq7-unmistakable-Pw-93xK"
#define SECRET_USER	"bob"

static struct hfix	F;

static void
logging_teardown(void)
{
	hpopgate_fix_down(&F);
}

/* Dovecot and a prepared (not started) popgated with extra lines. */
static void
prepare(const char *label, const char *extra)
{
	memset(&F, 0, sizeof(F));
	F.h = harness_new(label);
	ck_assert(F.h != NULL);
	hdovecot_start(F.h, &F.dove, false);
	hgate_prepare(F.h, &F.gate, F.dove.port, true, extra);
}

/* What the namespace child needs, copied at fork time. */
struct nsrun {
	char	 olddev[HARNESS_PATH];
	char	 sock[HARNESS_PATH];
	char	*argv[8];
};

static int
ns_fail(const char *what)
{
	dprintf(2, "syslog namespace: %s: %s\n", what, strerror(errno));
	return 126;
}

/* Bind-mounts olddev/name onto an empty file /dev/name. */
static int
ns_node(const struct nsrun *r, const char *name)
{
	char	from[HARNESS_PATH + 16], to[32];
	int	fd;

	snprintf(from, sizeof(from), "%s/%s", r->olddev, name);
	snprintf(to, sizeof(to), "/dev/%s", name);
	fd = open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		return -1;
	}
	close(fd);
	return mount(from, to, NULL, MS_BIND, NULL);
}

/* In the child: a private /dev with our /dev/log, then popgated. */
static int
ns_main(void *arg)
{
	const struct nsrun	*r = arg;
	static const char *const nodes[] = {
		"null", "zero", "full", "random", "urandom"
	};
	size_t			 i;

	if (unshare(CLONE_NEWNS) != 0) {
		return ns_fail("unshare(CLONE_NEWNS) (needs root)");
	}
	/* Nothing done here may reach the machine's own mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		return ns_fail("make / private");
	}
	if (mount("/dev", r->olddev, NULL, MS_BIND | MS_REC, NULL) != 0) {
		return ns_fail("keep /dev");
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755") != 0) {
		return ns_fail("tmpfs on /dev");
	}
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		if (ns_node(r, nodes[i]) != 0) {
			return ns_fail(nodes[i]);
		}
	}
	if (symlink(r->sock, "/dev/log") != 0) {
		return ns_fail("/dev/log");
	}
	/* libcheck's descriptors are not popgated's business. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execv(r->argv[0], r->argv);
	return ns_fail("exec popgated");
}

/* A datagram socket at path: our syslogd. */
static int
syslog_listen(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, size = 1 << 20;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind %s: %s", path, strerror(errno));
	/* DEBUG3 is chatty: the lines wait here until the test reads. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

struct syslog_rx {
	int	 fd;
	char	*line[SYSLOG_LINES];
	int	 pri[SYSLOG_LINES];
	size_t	 n;
};

/* Takes every datagram waiting, up to timeout_ms for the first. */
static void
syslog_drain(struct syslog_rx *rx, int timeout_ms)
{
	struct pollfd	 pfd = { rx->fd, POLLIN, 0 };
	char		 buf[SYSLOG_MAX];
	char		*end = NULL;
	ssize_t		 n;

	while (rx->n < SYSLOG_LINES && poll(&pfd, 1, timeout_ms) == 1) {
		timeout_ms = 0;
		n = recv(rx->fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0) {
			break;
		}
		buf[n] = '\0';
		/* "<PRI>Mmm dd hh:mm:ss popgated[PID]: message" */
		ck_assert_msg(buf[0] == '<', "not a syslog line: %s", buf);
		rx->pri[rx->n] = (int)strtol(buf + 1, &end, 10);
		ck_assert(end != NULL && *end == '>');
		rx->line[rx->n++] = strdup(end + 1);
	}
}

/* Waits until a line holding every string of match came; its index. */
static size_t
syslog_wait(struct syslog_rx *rx, const char *const match[])
{
	long	deadline = harness_now_ms() + HARNESS_LOG_MS;
	size_t	i, j, from = 0;

	for (;;) {
		for (i = from; i < rx->n; i++) {
			for (j = 0; match[j] != NULL &&
			    strstr(rx->line[i], match[j]) != NULL; j++) {
				continue;
			}
			if (match[j] == NULL) {
				return i;
			}
		}
		from = rx->n;
		ck_assert_msg(harness_now_ms() < deadline, "no syslog line "
		    "with \"%s\" in %zu lines", match[0], rx->n);
		syslog_drain(rx, 100);
	}
}

static void
syslog_free(struct syslog_rx *rx)
{
	size_t	i;

	for (i = 0; i < rx->n; i++) {
		free(rx->line[i]);
	}
	close(rx->fd);
}

/* popgated -f CONF in the namespace; returns it, its port from rx. */
static struct hproc *
start_syslog_gate(struct syslog_rx *rx)
{
	struct nsrun	 r;
	struct hproc	*p = NULL;
	struct hpath	 olddev = harness_path(F.h, "olddev");
	struct hpath	 sock = harness_path(F.h, "syslog.sock");
	const char	*port = NULL;
	char		 pub[HARNESS_PATH + 8];
	size_t		 i;

	ck_assert_msg(geteuid() == 0, "the syslog test needs root for a "
	    "mount namespace of its own (CI runs as root)");
	memset(&r, 0, sizeof(r));
	ck_assert(mkdir(olddev.s, 0700) == 0);
	snprintf(r.olddev, sizeof(r.olddev), "%s", olddev.s);
	snprintf(r.sock, sizeof(r.sock), "%s", sock.s);
	rx->fd = syslog_listen(sock.s);
	r.argv[0] = strdup(harness_bin("popgated"));
	r.argv[1] = strdup("-f");
	r.argv[2] = strdup(F.gate.conf);
	p = hproc_fork(F.h, "popgated", ns_main, &r);
	for (i = 0; i < 3; i++) {
		free(r.argv[i]);
	}
	ck_assert_msg(p != NULL, "cannot fork");
	F.gate.proc = p;
	snprintf(F.gate.log, sizeof(F.gate.log), "%s", p->err);
	i = syslog_wait(rx, HLINE("event=listening ", "addr=127.0.0.1:"));
	port = strrchr(rx->line[i], ':');
	F.gate.port = (uint16_t)strtoul(port + 1, NULL, 10);
	ck_assert(F.gate.port != 0);
	snprintf(pub, sizeof(pub), "%s.pub", F.gate.hostkey);
	hgate_known_hosts(F.gate.known_hosts, pub, F.gate.port);
	return p;
}

static const struct {
	const char	*conf;
	int		 auth_pri;	/* facility | LOG_INFO */
	int		 mail_pri;
} syslog_cases[] = {
	{ "LogTarget syslog\n", 4 * 8 + 6, 2 * 8 + 6 },		/* AUTH, MAIL */
	{ "LogTarget syslog\nSyslogFacility LOCAL3\n", 19 * 8 + 6,
	    19 * 8 + 6 },
	{ "LogTarget syslog\nSyslogFacility DAEMON LOCAL5\n", 3 * 8 + 6,
	    21 * 8 + 6 },
};

START_TEST(test_logging_syslog_facilities)
{
	const struct hcred	 c = { HARNESS_USER, NULL, HARNESS_SSH_PASS };
	struct syslog_rx	 rx;
	struct hproc		*gate = NULL, *ssh = NULL, *curl = NULL;
	char			 why[1024], *err = NULL;
	uint16_t		 lport;
	size_t			 i;

	prepare("syslog", syslog_cases[_i].conf);
	memset(&rx, 0, sizeof(rx));
	gate = start_syslog_gate(&rx);
	lport = hclient_tunnel(F.h, &F.gate, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "no tunnel; see %s", ssh->err);
	curl = hclient_curl_spawn(F.h, lport, 1);
	ck_assert_msg(hclient_curl_verify(curl, &F.dove.mail, 1, why,
	    sizeof(why)) == 0, "%s", why);
	hproc_stop(ssh);
	i = syslog_wait(&rx, HLINE("event=listening "));
	ck_assert_int_eq(rx.pri[i], syslog_cases[_i].auth_pri);
	i = syslog_wait(&rx, HLINE("event=auth ", "user=alice ",
	    "method=password ", "result=accepted"));
	ck_assert_msg(rx.pri[i] == syslog_cases[_i].auth_pri, "login line "
	    "<%d>, want <%d>: %s", rx.pri[i], syslog_cases[_i].auth_pri,
	    rx.line[i]);
	ck_assert_msg(strstr(rx.line[i], "popgated[") != NULL, "no "
	    "popgated[PID] in %s", rx.line[i]);
	i = syslog_wait(&rx, HLINE("event=tunnel-closed ", "user=alice ",
	    "target=pop3:110"));
	ck_assert_msg(rx.pri[i] == syslog_cases[_i].mail_pri, "tunnel line "
	    "<%d>, want <%d>: %s", rx.pri[i], syslog_cases[_i].mail_pri,
	    rx.line[i]);
	ck_assert_int_eq(hproc_stop(gate), 0);
	syslog_wait(&rx, HLINE("event=shutting-down"));
	err = hfile_slurp(gate->err, NULL);
	ck_assert_msg(err != NULL && err[0] == '\0', "popgated wrote to "
	    "stderr with LogTarget syslog:\n%s", err);
	free(err);
	syslog_free(&rx);
}
END_TEST

/* The raw 32-byte secret of an unencrypted OpenSSH ed25519 key file
 * (PROTOCOL.key): base64 between the armour lines, then its fields. */
static void
key_secret(const char *path, unsigned char seed[32])
{
	char		*text = hfile_slurp(path, NULL);
	char		*b64 = NULL, *p = NULL, *q = NULL;
	unsigned char	*raw = NULL, *r = NULL;
	size_t		 o = 0, i;
	int		 n;
	uint32_t	 len;

	ck_assert(text != NULL);
	p = strchr(text, '\n');
	q = strstr(text, "-----END");
	ck_assert(p != NULL && q != NULL);
	b64 = calloc(1, strlen(text));
	raw = calloc(1, strlen(text));
	for (p++; p < q; p++) {
		if (*p != '\n') {
			b64[o++] = *p;
		}
	}
	n = EVP_DecodeBlock(raw, (unsigned char *)b64, (int)o);
	ck_assert(n > 0 && memcmp(raw, "openssh-key-v1", 15) == 0);
	r = raw + 15;
	/* ciphername, kdfname, kdfoptions, nkeys, public key, private */
	for (i = 0; i < 3; i++) {
		len = (uint32_t)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3];
		r += 4 + len;
	}
	r += 4;
	len = (uint32_t)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3];
	r += 4 + len + 4;
	/* private: check1, check2, keytype, pub, priv (seed || pub) */
	r += 8;
	for (i = 0; i < 2; i++) {
		len = (uint32_t)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3];
		r += 4 + len;
	}
	len = (uint32_t)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3];
	ck_assert_msg(len == 64, "not an ed25519 key: %s", path);
	memcpy(seed, r + 4, 32);
	free(raw);
	free(b64);
	free(text);
}

/* The strings no log may hold: the passwords, the key file's base64
 * lines, the secret in hex and base64. */
struct secrets {
	char	 s[32][128];
	size_t	 n;
	size_t	 scanned;	/* files */
};

static void
secrets_add(struct secrets *sec, const char *s)
{
	ck_assert(sec->n < 32);
	snprintf(sec->s[sec->n++], sizeof(sec->s[0]), "%s", s);
}

static void
secrets_make(struct secrets *sec, const char *keyfile)
{
	unsigned char	 seed[32];
	char		 buf[128];
	char		*text = hfile_slurp(keyfile, NULL);
	char		*line = NULL, *save = NULL;
	size_t		 i;

	memset(sec, 0, sizeof(*sec));
	secrets_add(sec, SECRET_PASS);
	secrets_add(sec, HARNESS_SSH_PASS);
	secrets_add(sec, HARNESS_POP3_PASS);
	ck_assert(text != NULL);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "-----", 5) != 0) {
			secrets_add(sec, line);
		}
	}
	free(text);
	key_secret(keyfile, seed);
	for (i = 0; i < 32; i++) {
		snprintf(buf + i * 2, 3, "%02x", seed[i]);
	}
	secrets_add(sec, buf);
	EVP_EncodeBlock((unsigned char *)buf, seed, 30);	/* no padding */
	secrets_add(sec, buf);
}

/* Every output of popgated and popgate ("NN-popgate*.err" and .out). */
static int
scan_cb(const char *path, const struct stat *st, void *arg)
{
	struct secrets	*sec = arg;
	const char	*base = strrchr(path, '/');
	const char	*dot = strrchr(path, '.');
	char		*text = NULL;
	size_t		 i, len;

	if (!S_ISREG(st->st_mode) || base == NULL || dot == NULL ||
	    strstr(base, "-popgate") == NULL || (strcmp(dot, ".err") != 0 &&
	    strcmp(dot, ".out") != 0)) {
		return 0;
	}
	sec->scanned++;
	text = hfile_slurp(path, &len);
	ck_assert(text != NULL);
	for (i = 0; i < sec->n; i++) {
		ck_assert_msg(memmem(text, len, sec->s[i],
		    strlen(sec->s[i])) == NULL, "%s holds secret #%zu (%.8s...)",
		    path, i, sec->s[i]);
	}
	free(text);
	return 0;
}

START_TEST(test_logging_no_secrets)
{
	const struct hcred	 bob = { SECRET_USER, NULL, SECRET_PASS };
	struct secrets		 sec;
	struct hpath		 pwfile = harness_path(F.h, "bob.pw");
	struct hargv		 a;
	struct hproc		*pg = NULL, *ssh = NULL, *pop = NULL;
	uint16_t		 port;
	char			 why[1024];

	/* bob logs in by password through ssh and through popgate, alice
	 * by key through popgate; each fetches the whole Maildir. */
	port = hclient_tunnel(F.h, &F.gate, &bob, "pop3:110", &ssh);
	ck_assert_msg(port != 0, "bob's tunnel failed; see %s", ssh->err);
	pop = hclient_poplib_spawn(F.h, port);
	ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert(hfile_write(pwfile.s, 0600, "%s\n", SECRET_PASS) == 0);
	hpopgate_argv(&a, F.gate.port, NULL, F.gate.known_hosts);
	hargv_add(&a, "-vvvv");
	hargv_add(&a, "--password-file");
	hargv_add(&a, "%s", pwfile.s);
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", SECRET_USER);
	hpopgate_start(F.h, &a, 1, &port);
	pop = hclient_poplib_spawn(F.h, port);
	ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	hpopgate_argv_gate(&a, &F.gate);
	hargv_add(&a, "-vvvv");
	hargv_add(&a, "-L");
	hargv_add(&a, "0:pop3:110");
	hargv_add(&a, "%s@127.0.0.1", HARNESS_USER);
	pg = hpopgate_start(F.h, &a, 1, &port);
	pop = hclient_poplib_spawn(F.h, port);
	ck_assert_msg(hclient_poplib_verify(pop, &F.dove.mail, why,
	    sizeof(why)) == 0, "%s", why);
	ck_assert_msg(hlog_wait(F.gate.log, 3, F.gate.proc, HARNESS_LOG_MS,
	    HLINE("event=tunnel-closed "), NULL, 0), "three tunnels did not "
	    "close; see %s", F.gate.log);
	/* The logs did see it all at DEBUG3: libssh's own lines too. */
	ck_assert_msg(hlog_count(F.gate.log, HLINE("libssh")) > 100 &&
	    hlog_count(pg->err, HLINE("libssh")) > 100, "not at DEBUG3?");
	harness_stop_all(F.h);
	secrets_make(&sec, F.gate.userkey);
	ck_assert(hfile_walk(F.h->dir, scan_cb, &sec) == 0);
	/* popgated and its keygen and passwd runs, three popgates. */
	ck_assert_uint_ge(sec.scanned, 10);
}
END_TEST

static void
secrets_setup(void)
{
	char	*text = NULL, *level = NULL;

	prepare("no-secrets", NULL);
	/* hgate's config says VERBOSE: this test wants it all. */
	text = hfile_slurp(F.gate.conf, NULL);
	level = text != NULL ? strstr(text, "LogLevel VERBOSE\n") : NULL;
	if (level == NULL) {
		ck_abort_msg("no \"LogLevel VERBOSE\" in %s", F.gate.conf);
		free(text);
		return;
	}
	memcpy(level, "LogLevel DEBUG3\n", 16);
	memmove(level + 16, level + 17, strlen(level + 17) + 1);
	ck_assert(hfile_write(F.gate.conf, 0644, "%s", text) == 0);
	free(text);
	ck_assert_int_eq(hgate_passwd(F.h, &F.gate, SECRET_USER,
	    SECRET_PASS), 0);
	hgate_start(F.h, &F.gate);
}

static void
syslog_setup(void)
{
	memset(&F, 0, sizeof(F));
}

Suite *
logging_suite(void)
{
	Suite	*s = suite_create("logging");
	TCase	*tc = NULL;

	tc = harness_tcase("syslog", syslog_setup, logging_teardown, 120);
	tcase_add_loop_test(tc, test_logging_syslog_facilities, 0,
	    (int)(sizeof(syslog_cases) / sizeof(syslog_cases[0])));
	suite_add_tcase(s, tc);
	tc = harness_tcase("secrets", secrets_setup, logging_teardown, 240);
	tcase_add_test(tc, test_logging_no_secrets);
	suite_add_tcase(s, tc);
	return s;
}
