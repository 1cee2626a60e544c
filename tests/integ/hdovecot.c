/*
 * hdovecot: a real Dovecot POP3 and IMAP server per test, `dovecot -F -c
 * CONF`, with its base_dir, state_dir, log and Maildir inside the work
 * folder, listening on 127.0.0.1:<free ports>, plaintext (the tunnel is
 * the encryption) unless a test asks for TLS: then the pop3 listener
 * offers STLS and a pop3s listener runs on another free port, with the
 * test's certificate (and, on request, a second one for "localhost"
 * that only SNI gets). APOP on request (its greeting then has a
 * timestamp). Two accounts share the Maildir: alice and bob. Run as root
 * (CI), the mail user is "nobody": Dovecot never serves mail as uid 0.
 * Run as someone else, everything runs as that user.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct mail_owner {
	uid_t	uid;
	gid_t	gid;
	char	internal[64];	/* default_internal_user */
	char	group[64];	/* default_internal_group */
	char	login[64];	/* default_login_user */
};

static int
owner_get(struct mail_owner *o)
{
	struct passwd	*pw = NULL;
	struct group	*gr = NULL;

	if (geteuid() == 0) {
		pw = getpwnam("nobody");
		if (pw == NULL) {
			return -1;
		}
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
		snprintf(o->internal, sizeof(o->internal), "dovecot");
		snprintf(o->group, sizeof(o->group), "dovecot");
		snprintf(o->login, sizeof(o->login), "dovenull");
		return 0;
	}
	pw = getpwuid(geteuid());
	gr = getgrgid(getegid());
	if (pw == NULL || gr == NULL) {
		return -1;
	}
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
	snprintf(o->internal, sizeof(o->internal), "%s", pw->pw_name);
	snprintf(o->group, sizeof(o->group), "%s", gr->gr_name);
	snprintf(o->login, sizeof(o->login), "%s", pw->pw_name);
	return 0;
}

static int
chown_cb(const char *path, const struct stat *st, void *arg)
{
	const struct mail_owner	*o = arg;

	(void)st;
	return lchown(path, o->uid, o->gid);
}

static int
chown_tree(const char *path, const struct mail_owner *o)
{
	if (geteuid() != 0) {
		return 0;
	}
	return hfile_walk(path, chown_cb, (void *)(uintptr_t)o);
}

/* The ssl lines and the auth mechanisms the options ask for. */
static void
tls_lines(const struct hdovecot_opts *opts, char *buf, size_t len)
{
	size_t	n;

	if (opts->cert == NULL) {
		snprintf(buf, len, "ssl = no\n"
		    "auth_mechanisms = plain login%s\n",
		    opts->apop ? " apop" : "");
		return;
	}
	n = (size_t)snprintf(buf, len, "ssl = yes\nssl_cert = <%s\n"
	    "ssl_key = <%s\nssl_min_protocol = TLSv1.2\n"
	    "auth_mechanisms = plain login%s\n", opts->cert, opts->key,
	    opts->apop ? " apop" : "");
	if (opts->sni_cert != NULL && n < len) {
		ck_assert_ptr_nonnull(opts->sni_key);
		snprintf(buf + n, len - n, "local_name localhost {\n"
		    "  ssl_cert = <%s\n  ssl_key = <%s\n}\n", opts->sni_cert,
		    opts->sni_key);
	}
}

/*
 * pop3s's addresses: 127.0.0.1, and with sni_cert every other address
 * "localhost" resolves to (::1 on most systems), all of them loopback,
 * so popgated reaches it by that name whichever comes first.
 */
static void
pop3s_addresses(const struct hdovecot_opts *opts, char *buf, size_t len)
{
	struct addrinfo		 hints, *res = NULL, *ai = NULL;
	const struct in6_addr	 lo6 = IN6ADDR_LOOPBACK_INIT;
	char			 a[INET6_ADDRSTRLEN];
	size_t			 n;

	snprintf(buf, len, "127.0.0.1");
	if (opts->sni_cert == NULL) {
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	ck_assert_msg(getaddrinfo("localhost", NULL, &hints, &res) == 0,
	    "cannot resolve localhost");
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		const struct sockaddr_in	*s4 = (const void *)ai->ai_addr;
		const struct sockaddr_in6	*s6 = (const void *)ai->ai_addr;

		if (ai->ai_family == AF_INET6) {
			ck_assert_msg(memcmp(&s6->sin6_addr, &lo6,
			    sizeof(lo6)) == 0, "localhost resolves to an "
			    "IPv6 address other than ::1");
			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		} else {
			ck_assert_msg(ai->ai_family == AF_INET &&
			    (ntohl(s4->sin_addr.s_addr) >> 24) == 127,
			    "localhost resolves outside 127.0.0.0/8");
			inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		}
		if (strstr(buf, a) == NULL) {
			n = strlen(buf);
			snprintf(buf + n, len - n, ", %s", a);
		}
	}
	freeaddrinfo(res);
}

/* The anvil service: unconfined without root, no penalty on request. */
static void
anvil_lines(const struct hdovecot_opts *opts, char *buf, size_t len)
{
	buf[0] = '\0';
	if (geteuid() == 0 && !opts->no_penalty) {
		return;
	}
	snprintf(buf, len, "service anvil {\n%s%s}\n",
	    geteuid() == 0 ? "" : "  chroot =\n", opts->no_penalty ?
	    "  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n" : "");
}

/*
 * Dovecot 2.3: a listener that wants a PROXY header first, from the
 * networks in haproxy_trusted_networks (pop3s too, then: see
 * hdovecot_opts).
 */
static void
haproxy_lines(const struct hdovecot *d, char *listener, size_t llen,
    char *trusted, size_t tlen)
{
	listener[0] = trusted[0] = '\0';
	if (d->proxy_port == 0) {
		return;
	}
	snprintf(listener, llen, "  inet_listener pop3p {\n"
	    "    address = 127.0.0.1\n    port = %u\n    haproxy = yes\n"
	    "  }\n", (unsigned)d->proxy_port);
	snprintf(trusted, tlen, "haproxy_trusted_networks = 127.0.0.0/8\n");
}

static int
write_conf(const char *path, const struct harness *h,
    const struct hdovecot *d, const struct hdovecot_opts *opts,
    const struct mail_owner *o)
{
	char	tls[HARNESS_PATH * 5], anvil[256], hp[256], trusted[64];
	char	s_addr[256];

	tls_lines(opts, tls, sizeof(tls));
	pop3s_addresses(opts, s_addr, sizeof(s_addr));
	anvil_lines(opts, anvil, sizeof(anvil));
	haproxy_lines(d, hp, sizeof(hp), trusted, sizeof(trusted));
	return hfile_write(path, 0644,
	    "# written by popgate's integration tests\n"
	    "%15$s"
	    "base_dir = %1$s/dv-run\n"
	    "state_dir = %1$s/dv-state\n"
	    "log_path = %2$s\n"
	    "protocols = pop3 imap\n"
	    "listen = 127.0.0.1\n"
	    "%12$s"
	    "disable_plaintext_auth = no\n"
	    "auth_verbose = yes\n"
	    "first_valid_uid = 1\n"
	    "mail_location = maildir:%1$s/Maildir\n"
	    "mail_max_userip_connections = 100\n"
	    "default_internal_user = %3$s\n"
	    "default_login_user = %4$s\n"
	    "default_internal_group = %8$s\n"
	    "passdb {\n  driver = passwd-file\n"
	    "  args = scheme=PLAIN %1$s/dovecot.passwd\n}\n"
	    "userdb {\n  driver = static\n"
	    "  args = uid=%5$u gid=%6$u home=%1$s/home\n}\n"
	    "service pop3-login {\n"
	    "  inet_listener pop3 {\n    address = 127.0.0.1\n"
	    "    port = %7$u\n  }\n"
	    "  inet_listener pop3s {\n    address = %17$s\n"
	    "    port = %13$u\n%16$s  }\n"
	    "%14$s"
	    "%9$s"
	    "}\n"
	    "service imap-login {\n"
	    "  inet_listener imap {\n    address = 127.0.0.1\n"
	    "    port = %11$u\n  }\n"
	    "  inet_listener imaps {\n    port = 0\n  }\n"
	    "%9$s"
	    "}\n"
	    "%10$s", h->dir, d->log, o->internal, o->login, (unsigned)o->uid,
	    (unsigned)o->gid, (unsigned)d->port, o->group,
	    /* Only root may chroot: without it, these run unconfined. */
	    geteuid() == 0 ? "" : "  chroot =\n", anvil,
	    (unsigned)d->imap_port, tls, (unsigned)d->pop3s_port, hp,
	    trusted, d->proxy_port != 0 ? "    haproxy = yes\n" : "",
	    s_addr);
}

static void
prepare(struct harness *h, struct hdovecot *d, bool big,
    const struct mail_owner *o)
{
	struct hpath	maildir = harness_path(h, "Maildir");
	struct hpath	home = harness_path(h, "home");

	ck_assert_msg(hmail_make(maildir.s, big, &d->mail) == 0,
	    "cannot write the test Maildir %s", maildir.s);
	ck_assert_msg(mkdir(home.s, 0700) == 0, "mkdir %s: %s", home.s,
	    strerror(errno));
	ck_assert_msg(chown_tree(maildir.s, o) == 0 &&
	    chown_tree(home.s, o) == 0, "cannot chown the Maildir");
	ck_assert(hfile_write(harness_path(h, "dovecot.passwd").s, 0644,
	    "%s:{PLAIN}%s\n%s:{PLAIN}%s\n", HARNESS_USER, HARNESS_POP3_PASS,
	    HARNESS_USER2, HARNESS_POP3_PASS2) == 0);
}

/*
 * One start on a fresh free port. Dovecot logs "starting up" only once
 * its listeners are bound; false when it exited first (the port was
 * taken in between, or worse: see its log).
 */
static bool
start_once(struct harness *h, struct hdovecot *d,
    const struct hdovecot_opts *opts, const struct mail_owner *o)
{
	struct hpath	conf = harness_path(h, "dovecot.conf");
	struct hargv	a;

	d->port = hnet_free_port();
	d->imap_port = hnet_free_port();
	ck_assert(d->port != 0 && d->imap_port != 0);
	if (opts->cert != NULL) {
		d->pop3s_port = hnet_free_port();
		ck_assert(d->pop3s_port != 0);
	}
	if (opts->haproxy) {
		d->proxy_port = hnet_free_port();
		ck_assert(d->proxy_port != 0);
	}
	ck_assert(write_conf(conf.s, h, d, opts, o) == 0);
	hargv_init(&a);
	hargv_add(&a, "dovecot");
	hargv_add(&a, "-F");
	hargv_add(&a, "-c");
	hargv_add(&a, "%s", conf.s);
	d->proc = hproc_spawn(h, "dovecot", a.argv, NULL, NULL);
	ck_assert_msg(d->proc != NULL, "cannot start dovecot");
	return hlog_wait(d->log, 1, d->proc, HARNESS_START_MS,
	    HLINE("starting up"), NULL, 0);
}

/* IMAP greets with "* OK" (RFC 3501 §7.1.1) once imap-login is up. */
static bool
imap_ready(struct hdovecot *d)
{
	char	line[512];
	int	fd;
	bool	ok;

	fd = hnet_connect(d->imap_port, HARNESS_START_MS, d->proc);
	if (fd < 0) {
		return false;
	}
	ok = hnet_read_line(fd, line, sizeof(line), HARNESS_START_MS) > 0 &&
	    strncmp(line, "* OK", 4) == 0;
	close(fd);
	return ok;
}

void
hdovecot_start(struct harness *h, struct hdovecot *d, bool big)
{
	const struct hdovecot_opts	opts = {
		big, false, false, NULL, NULL, false, NULL, NULL
	};

	hdovecot_start_opts(h, d, &opts);
}

void
hdovecot_start_opts(struct harness *h, struct hdovecot *d,
    const struct hdovecot_opts *opts)
{
	struct mail_owner	o;
	bool			up = false;
	int			tries;

	memset(d, 0, sizeof(*d));
	ck_assert_msg(owner_get(&o) == 0, "no mail user for Dovecot");
	prepare(h, d, opts->big, &o);
	snprintf(d->log, sizeof(d->log), "%s/dovecot.log", h->dir);
	for (tries = 0; tries < HARNESS_PORT_TRIES && !up; tries++) {
		up = start_once(h, d, opts, &o);
	}
	ck_assert_msg(up, "dovecot did not start; see %s and %s", d->log,
	    d->proc->err);
	ck_assert_msg(hnet_pop3_ready(d->port, HARNESS_START_MS, d->proc),
	    "dovecot does not greet on 127.0.0.1:%u; see %s",
	    (unsigned)d->port, d->log);
	ck_assert_msg(imap_ready(d), "dovecot's IMAP does not greet on "
	    "127.0.0.1:%u; see %s", (unsigned)d->imap_port, d->log);
}

void
hdovecot_restart(struct harness *h, struct hdovecot *d)
{
	struct hpath	conf = harness_path(h, "dovecot.conf");
	struct hargv	a;
	size_t		before = hlog_count(d->log, HLINE("starting up"));

	ck_assert_msg(!hproc_running(d->proc), "dovecot is still running");
	hargv_init(&a);
	hargv_add(&a, "dovecot");
	hargv_add(&a, "-F");
	hargv_add(&a, "-c");
	hargv_add(&a, "%s", conf.s);
	d->proc = hproc_spawn(h, "dovecot", a.argv, NULL, NULL);
	ck_assert_msg(d->proc != NULL, "cannot start dovecot");
	/* Same port: it binds with SO_REUSEADDR, so nothing but another
	 * program taking the port in between stops it. */
	ck_assert_msg(hlog_wait(d->log, before + 1, d->proc, HARNESS_START_MS,
	    HLINE("starting up"), NULL, 0), "dovecot did not start again on "
	    "port %u; see %s and %s", (unsigned)d->port, d->log, d->proc->err);
	ck_assert_msg(hnet_pop3_ready(d->port, HARNESS_START_MS, d->proc),
	    "dovecot does not greet on 127.0.0.1:%u again; see %s",
	    (unsigned)d->port, d->log);
}
