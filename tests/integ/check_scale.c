/*
 * scale: popgated behind the real thing. Debian's HAProxy in TCP mode
 * sends a PROXY v2 header (send-proxy-v2) to each of two popgated and
 * health-checks them with one (a LOCAL header); the gateways share one
 * host key and forward to Dovecot with a PROXY header of their own
 * (Forward ... proxy, Dovecot's haproxy_trusted_networks). Clients come
 * from 127.0.0.2 and 127.0.0.3 (ssh -b), never from HAProxy's own
 * 127.0.0.1, so a log that names the client cannot be mistaken for one
 * that names the balancer.
 *
 * Shown here: PROXY listeners refuse strangers and headerless
 * connections before key exchange; Forward ... proxy makes Dovecot log
 * the SSH client's address; two gateways with copied host keys print the
 * same fingerprint and one known_hosts line works against both through
 * HAProxy, whose health checks stay below INFO; OpenSSH and popgate
 * through HAProxy, sessions spread over both gateways, the real address
 * in the gateways' logs, status and Dovecot's log, one gateway killed
 * with the other serving on and RETRs intact (SHA-256), and penalties
 * charged to the client behind HAProxy, not to HAProxy.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hhaproxy.h"
#include "hpopgate.h"
#include "hresil.h"

#define GATES		2
#define FAST_LOGIN_MS	10000	/* "at once", on a slow shared machine */

static struct harness	*H;

struct gw {
	struct hgate	g;
	uint16_t	proxy_port;	/* its ListenAddress ... proxy */
	bool		killed;		/* by the test: no exit check */
};

static struct hdovecot	D;
static struct gw	GW[GATES];
static struct hhaproxy	HP;
static struct hgate	FRONT;		/* HAProxy, as clients see it */

static void
scale_setup(void)
{
	memset(&D, 0, sizeof(D));
	memset(GW, 0, sizeof(GW));
	memset(&HP, 0, sizeof(HP));
	memset(&FRONT, 0, sizeof(FRONT));
	H = harness_new("scale");
	ck_assert_msg(H != NULL, "cannot make a work folder");
}

static void
scale_teardown(void)
{
	size_t	i;

	if (H == NULL) {
		return;
	}
	harness_stop_all(H);
	for (i = 0; i < GATES; i++) {
		if (!GW[i].killed) {
			hgate_check_exit(&GW[i].g);
		}
	}
	hpopgate_check_exits(H);
	harness_free(H);
	H = NULL;
}

static struct hcred
key_cred(void)
{
	struct hcred	c = { HARNESS_USER, GW[0].g.userkey, NULL };

	return c;
}

/* Dovecot with a second POP3 listener behind haproxy = yes. */
static void
dovecot_haproxy(void)
{
	struct hdovecot_opts	opts;

	memset(&opts, 0, sizeof(opts));
	opts.haproxy = true;
	hdovecot_start_opts(H, &D, &opts);
}

static void
copy_file(const char *from, const char *to, int mode)
{
	char	*text = hfile_slurp(from, NULL);

	ck_assert_msg(text != NULL, "cannot read %s", from);
	ck_assert_msg(hfile_write(to, mode, "%s", text) == 0,
	    "cannot write %s", to);
	free(text);
}

/*
 * The second gateway as README tells an admin to make one: its own
 * folder, the first one's config, host keys, authorized keys and
 * password file copied in.
 */
static void
copy_gateway(const struct hgate *from, struct hgate *to, const char *sub)
{
	struct hpath	dir = harness_path(H, "%s", sub);
	struct hpath	keys = harness_path(H, "%s/keys", sub);
	struct hpath	conf = harness_path(H, "%s/popgated.conf", sub);
	struct hpath	key = harness_path(H, "%s/ssh_host_ed25519_key", sub);
	struct hpath	kh = harness_path(H, "%s/known_hosts", sub);

	ck_assert(mkdir(dir.s, 0755) == 0 && mkdir(keys.s, 0755) == 0);
	*to = *from;
	to->proc = NULL;
	to->port = 0;
	memcpy(to->conf, conf.s, sizeof(to->conf));
	memcpy(to->hostkey, key.s, sizeof(to->hostkey));
	memcpy(to->known_hosts, kh.s, sizeof(to->known_hosts));
	copy_file(from->conf, to->conf, 0644);
	copy_file(from->hostkey, to->hostkey, 0600);
	copy_file(harness_path(H, "ssh_host_ed25519_key.pub").s,
	    harness_path(H, "%s/ssh_host_ed25519_key.pub", sub).s, 0644);
	copy_file(harness_path(H, "keys/%s", HARNESS_USER).s,
	    harness_path(H, "%s/keys/%s", sub, HARNESS_USER).s, 0644);
	copy_file(harness_path(H, "passwd").s,
	    harness_path(H, "%s/passwd", sub).s, 0600);
}

static void
append(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "a");

	ck_assert_msg(fp != NULL, "cannot append to %s", path);
	ck_assert(fputs(text, fp) >= 0);
	ck_assert(fclose(fp) == 0);
}

/* The port of g's "event=listening addr=127.0.0.1:PORT proxy=yes". */
static uint16_t
proxy_port_of(struct hgate *g)
{
	char		 line[512];
	const char	*p = NULL;

	ck_assert_msg(hlog_wait(g->log, 1, g->proc, HARNESS_START_MS,
	    HLINE("event=listening addr=127.0.0.1:", " proxy=yes"), line,
	    sizeof(line)), "no proxy listener in %s", g->log);
	p = strstr(line, "addr=127.0.0.1:");
	return (uint16_t)strtoul(p + 15, NULL, 10);
}

/*
 * n gateways (1 or 2, the second a copy of the first) with a plain and
 * a proxy listener each, trusting HAProxy on 127.0.0.1, forwarding
 * pop3:110 to backend (with a PROXY header when proxy), with extra lines
 * (may be NULL) and then keyword/value pairs (NULL-terminated, may be
 * NULL) replacing the harness's.
 */
static void
gateways_up(size_t n, uint16_t backend, bool proxy, const char *extra,
    const char *const *set)
{
	char	lines[512];
	size_t	i;

	hgate_prepare(H, &GW[0].g, backend, true, "ListenAddress "
	    "127.0.0.1:0 proxy\nProxyFrom 127.0.0.1\n");
	for (i = 0; set != NULL && set[i] != NULL; i += 2) {
		hfault_conf_set(&GW[0].g, set[i], set[i + 1]);
	}
	if (proxy) {
		snprintf(lines, sizeof(lines), "pop3:110 127.0.0.1:%u proxy",
		    (unsigned)backend);
		hfault_conf_set(&GW[0].g, "Forward", lines);
	}
	if (extra != NULL) {
		append(GW[0].g.conf, extra);
	}
	for (i = 1; i < n; i++) {
		copy_gateway(&GW[0].g, &GW[i].g, "gw2");
	}
	for (i = 0; i < n; i++) {
		hgate_start(H, &GW[i].g);
		GW[i].proxy_port = proxy_port_of(&GW[i].g);
	}
}

/* HAProxy (PROXY version 1 or 2) in front of the n gateways' proxy
 * listeners; FRONT is what a client needs: its port, the shared key. */
static void
haproxy_up(size_t n, unsigned version)
{
	uint16_t	ports[GATES];
	char		pub[HARNESS_PATH + 8];
	size_t		i;

	for (i = 0; i < n; i++) {
		ports[i] = GW[i].proxy_port;
	}
	hhaproxy_start(H, &HP, ports, n, version);
	FRONT = GW[0].g;
	FRONT.port = HP.port;
	snprintf(FRONT.known_hosts, sizeof(FRONT.known_hosts),
	    "%s/known_hosts.haproxy", H->dir);
	snprintf(pub, sizeof(pub), "%s.pub", GW[0].g.hostkey);
	hgate_known_hosts(FRONT.known_hosts, pub, HP.port);
}

/* Connections HAProxy gave each server so far. */
static void
served(size_t out[GATES])
{
	size_t	i;

	for (i = 0; i < GATES; i++) {
		out[i] = i < HP.nservers ? hhaproxy_served(&HP, i) : 0;
	}
}

/* Which server took the one connection made since before was taken. */
static size_t
server_since(const size_t before[GATES])
{
	size_t	now[GATES], i;
	long	deadline = harness_now_ms() + HARNESS_LOG_MS;

	for (;;) {
		served(now);
		for (i = 0; i < GATES; i++) {
			if (now[i] > before[i]) {
				return i;
			}
		}
		ck_assert_msg(harness_now_ms() < deadline, "HAProxy logged no "
		    "new connection; see %s", HP.log);
		harness_sleep_ms(50);
	}
}

/* An ssh -L tunnel to pop3:110 through HAProxy from src: its port and
 * the gateway that took it. */
static uint16_t
tunnel_from(const char *src, struct hproc **ssh, size_t *gate)
{
	struct hcred	c = key_cred();
	size_t		before[GATES];
	uint16_t	port;

	served(before);
	port = hfault_tunnel(H, &FRONT, &c, "pop3:110", src, ssh);
	ck_assert_msg(port != 0, "no tunnel from %s through HAProxy; see %s, "
	    "%s", src, (*ssh)->err, HP.log);
	*gate = server_since(before);
	return port;
}

/* Every message through port, each SHA-256 checked. */
static void
fetch_all(uint16_t port, const char *what)
{
	struct hproc	*p = hclient_poplib_spawn(H, port);
	char		 why[512];

	ck_assert_msg(hclient_poplib_verify(p, &D.mail, why, sizeof(why)) ==
	    0, "%s: %s", what, why);
}

static void
retr_one(uint16_t port, size_t n, const char *what)
{
	struct hproc	*p = hclient_curl_spawn(H, port, n);
	char		 why[512];

	ck_assert_msg(hclient_curl_verify(p, &D.mail, n, why, sizeof(why)) ==
	    0, "%s: %s", what, why);
}

static void
log_wait(const struct hgate *g, size_t n, const char *const match[],
    const char *what)
{
	ck_assert_msg(hlog_wait(g->log, n, g->proc, HARNESS_LOG_MS, match,
	    NULL, 0), "%s: no line %zu with \"%s\" in %s", what, n, match[0],
	    g->log);
}

/*
 * Gateway i dies as a machine would: the parent is stopped so it forks
 * nothing more, its sessions are killed, then the parent.
 */
static void
kill_gateway(size_t i)
{
	pid_t		 parent = GW[i].g.proc->pid, pid;
	DIR		*d = opendir("/proc");
	struct dirent	*e = NULL;

	ck_assert(d != NULL);
	ck_assert_int_eq(kill(parent, SIGSTOP), 0);
	while ((e = readdir(d)) != NULL) {
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		if (pid > 1) {
			hproc_kill_child(parent, pid);
		}
	}
	closedir(d);
	GW[i].killed = true;
	ck_assert_int_eq(hproc_kill(GW[i].g.proc), 128 + SIGKILL);
}

START_TEST(test_scale_proxy_listener_refusals)
{
	char	line[512];
	int	fd;

	hdovecot_start(H, &D, false);
	gateways_up(1, D.port, false, NULL,
	    (const char *const[]){ "LoginGraceTime", "2", NULL });
	/* Not a balancer: closed at accept, before any fork. */
	fd = hhaproxy_connect_from("127.0.0.2", GW[0].proxy_port,
	    HARNESS_START_MS);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS), 0);
	close(fd);
	log_wait(&GW[0].g, 1, HLINE("event=connection-dropped "
	    "from=127.0.0.2:", "reason=not-in-proxyfrom"), "stranger");
	/* The balancer's address, but an SSH banner where the header goes. */
	fd = hhaproxy_connect_from("127.0.0.1", GW[0].proxy_port,
	    HARNESS_START_MS);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hnet_write_str(fd, "SSH-2.0-OpenSSH_9.2\r\n"), 0);
	ck_assert_int_eq(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS), 0);
	close(fd);
	log_wait(&GW[0].g, 1, HLINE("event=proxy-header-refused "
	    "from=127.0.0.1:", "error=\"not a PROXY protocol header (first "
	    "byte 0x53)\""), "banner first");
	/* Silence: closed when LoginGraceTime (2 s, under 5) runs out. */
	fd = hhaproxy_connect_from("127.0.0.1", GW[0].proxy_port,
	    HARNESS_START_MS);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hnet_read_line(fd, line, sizeof(line),
	    HARNESS_LOG_MS), 0);
	close(fd);
	log_wait(&GW[0].g, 1, HLINE("event=proxy-header-refused "
	    "from=127.0.0.1:", "error=\"no complete PROXY header in time "
	    "(0 bytes of it received)\""), "silence");
	/* None of it reached key exchange, none of it was charged. */
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("event=kex-failed")),
	    0);
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("event=penalty")), 0);
	/* The plain listener beside it still takes plain SSH. */
	hclient_assert_serves(H, &GW[0].g, &D.mail);
}
END_TEST

START_TEST(test_scale_forward_proxy_to_dovecot)
{
	struct hcred	 c;
	struct hproc	*ssh = NULL;
	char		 extra[128];
	uint16_t	 port;

	dovecot_haproxy();
	snprintf(extra, sizeof(extra), "Forward plain:110 127.0.0.1:%u\n",
	    (unsigned)D.port);
	gateways_up(1, D.proxy_port, true, extra, NULL);
	c = key_cred();
	port = hfault_tunnel(H, &GW[0].g, &c, "pop3:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "no tunnel; see %s", ssh->err);
	retr_one(port, 2, "pop3:110 with a PROXY header");
	/* Dovecot took the header, and the SSH client's address from it. */
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", "rip=127.0.0.3,"), NULL, 0),
	    "Dovecot did not log the client's address; see %s", D.log);
	hproc_stop(ssh);
	/* The same gateway without "proxy": Dovecot sees the gateway. */
	port = hfault_tunnel(H, &GW[0].g, &c, "plain:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "no tunnel; see %s", ssh->err);
	retr_one(port, 1, "plain:110");
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", "rip=127.0.0.1,"), NULL, 0),
	    "no plain login in %s", D.log);
	ck_assert_uint_eq(hlog_count(D.log, HLINE("Login: user=<alice>",
	    "rip=127.0.0.3,")), 1);
}
END_TEST

/* The header goes first, then TLS: Dovecot's pop3s wants both. */
START_TEST(test_scale_forward_proxy_before_tls)
{
	struct hdovecot_opts	 opts;
	struct htls		 t;
	struct hcred		 c;
	struct hproc		*ssh = NULL;
	char			 fwd[128], extra[HARNESS_PATH + 32];
	uint16_t		 port;

	memset(&opts, 0, sizeof(opts));
	htls_make(H, &t);
	opts.cert = t.cert;
	opts.key = t.key;
	opts.haproxy = true;
	hdovecot_start_opts(H, &D, &opts);
	snprintf(fwd, sizeof(fwd), "Forward pop3:110 pop3s://127.0.0.1:%u "
	    "proxy", (unsigned)D.pop3s_port);
	snprintf(extra, sizeof(extra), "BackendCAFile %s\n", t.ca);
	hgate_prepare_fwd(H, &GW[0].g, fwd, false, extra);
	hgate_start(H, &GW[0].g);
	c = key_cred();
	port = hfault_tunnel(H, &GW[0].g, &c, "pop3:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "no tunnel; see %s", ssh->err);
	retr_one(port, 2, "pop3s with a PROXY header");
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", "rip=127.0.0.3,", "TLS"), NULL, 0),
	    "Dovecot did not log a TLS login from 127.0.0.3; see %s", D.log);
}
END_TEST

START_TEST(test_scale_shared_host_key)
{
	const char	*args[] = { "fingerprint", "-f", NULL, NULL };
	struct hproc	*fp[GATES] = { NULL, NULL }, *ssh = NULL;
	char		*text[GATES] = { NULL, NULL };
	size_t		 i, gate, on[GATES] = { 0, 0 };
	uint16_t	 port;

	hdovecot_start(H, &D, false);
	gateways_up(GATES, D.port, false, NULL, NULL);
	for (i = 0; i < GATES; i++) {
		args[2] = GW[i].g.conf;
		ck_assert_int_eq(hgate_run(H, "popgated-fingerprint", args,
		    NULL, &fp[i]), 0);
		text[i] = hfile_slurp(fp[i]->out, NULL);
		ck_assert(text[i] != NULL && strstr(text[i], "SHA256:"));
	}
	ck_assert_str_eq(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	haproxy_up(GATES, 2);
	/* One known_hosts line, strictly checked, against both gateways. */
	for (i = 0; i < 4; i++) {
		port = tunnel_from(i % 2 == 0 ? "127.0.0.2" : "127.0.0.3",
		    &ssh, &gate);
		on[gate]++;
		retr_one(port, 1, "through HAProxy");
		hproc_stop(ssh);
	}
	ck_assert_msg(on[0] == 2 && on[1] == 2, "sessions went %zu to gw1, "
	    "%zu to gw2", on[0], on[1]);
	for (i = 0; i < GATES; i++) {
		ck_assert_uint_eq(hlog_count(GW[i].g.log, HLINE("event=auth "
		    "user=alice from=127.0.0.", "result=accepted")), 2);
		/* HAProxy's health checks: LOCAL headers, verbose at most. */
		ck_assert_uint_ge(hlog_count(GW[i].g.log, HLINE(
		    "event=connection from=127.0.0.1:", "proxy=balancer")), 1);
		ck_assert_uint_eq(hlog_count(GW[i].g.log,
		    HLINE("event=penalty")), 0);
	}
}
END_TEST

START_TEST(test_scale_health_checks_quiet_at_info)
{
	hdovecot_start(H, &D, false);
	gateways_up(1, D.port, false, NULL,
	    (const char *const[]){ "LogLevel", "INFO", NULL });
	haproxy_up(1, 2);
	/* A few more checks after the one that brought it UP. */
	harness_sleep_ms(1500);
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("event=listening")),
	    2);
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("from=")), 0);
	ck_assert_msg(hhaproxy_wait_status(&HP, 0, "UP", HARNESS_LOG_MS),
	    "gw1 not UP");
}
END_TEST

/*
 * Version 1 has no LOCAL: HAProxy's checks send a TCP4 line with its own
 * addresses. Those are the balancer itself, not a client leaving before
 * authentication: with noauth at 15 s, one charge would be a penalty.
 */
START_TEST(test_scale_v1_health_checks_not_charged)
{
	struct hcred	 c;
	struct hproc	*ssh = NULL;
	uint16_t	 port;

	hdovecot_start(H, &D, false);
	gateways_up(1, D.port, false, NULL, (const char *const[]){
	    "PerSourcePenalties", "noauth:15", NULL });
	haproxy_up(1, 1);
	log_wait(&GW[0].g, 3, HLINE("event=connection from=127.0.0.1:",
	    "proxy=balancer"), "v1 health checks");
	c = key_cred();
	port = hfault_tunnel(H, &FRONT, &c, "pop3:110", "127.0.0.3", &ssh);
	ck_assert_msg(port != 0, "no tunnel through HAProxy v1; see %s",
	    ssh->err);
	retr_one(port, 1, "through HAProxy, PROXY v1");
	log_wait(&GW[0].g, 1, HLINE("event=connection from=127.0.0.3:",
	    "via=127.0.0.1:", "proxy=v1"), "v1 client");
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("event=penalty")), 0);
	ck_assert_uint_eq(hlog_count(GW[0].g.log,
	    HLINE("event=connection-refused")), 0);
}
END_TEST

/* The real address in logs, status and Dovecot's log; both clients. */
static void
assert_real_addresses(const size_t gate[2])
{
	struct hproc	*st = NULL;
	char		*json = NULL;

	log_wait(&GW[gate[0]].g, 1, HLINE("event=connection from=127.0.0.2:",
	    "via=127.0.0.1:", "proxy=v2"), "client .2");
	log_wait(&GW[gate[0]].g, 1, HLINE("event=auth user=alice "
	    "from=127.0.0.2:", "result=accepted"), "client .2");
	log_wait(&GW[gate[1]].g, 1, HLINE("event=auth user=alice "
	    "from=127.0.0.3:", "result=accepted"), "client .3");
	ck_assert_uint_eq(hlog_count(GW[0].g.log, HLINE("user=alice "
	    "from=127.0.0.1:")), 0);
	ck_assert_uint_eq(hlog_count(GW[1].g.log, HLINE("user=alice "
	    "from=127.0.0.1:")), 0);
	/* Forward ... proxy: Dovecot learns it too, two hops away. */
	ck_assert_msg(hlog_wait(D.log, 1, D.proc, HARNESS_LOG_MS,
	    HLINE("Login: user=<alice>", "rip=127.0.0.2,"), NULL, 0),
	    "Dovecot did not log 127.0.0.2; see %s", D.log);
	ck_assert_uint_eq(hlog_count(D.log, HLINE("Login: user=<alice>",
	    "rip=127.0.0.1,")), 0);
	ck_assert_int_eq(hfault_status(H, &GW[gate[0]].g, true, &st), 0);
	json = hfile_slurp(st->out, NULL);
	ck_assert_msg(json != NULL && strstr(json, "\"source\":\"127.0.0.2:")
	    != NULL && strstr(json, "\"via\":\"127.0.0.1:") != NULL,
	    "status: %s", json != NULL ? json : "(none)");
	free(json);
}

/* Brute force from .2 through HAProxy; .3 through it logs in at once. */
static void
assert_penalty_follows_client(size_t gate)
{
	const struct hcred	 bad = { HARNESS_USER, NULL, "guess-again" };
	const struct hcred	 good = { HARNESS_USER, NULL,
				    HARNESS_SSH_PASS };
	const struct hgate	*g = &GW[gate].g;
	struct hproc		*p = NULL;
	size_t			 i, before[GATES];
	uint16_t		 port;
	long			 t0;

	for (i = 0; i < 6 && !hfile_has(g->log, "event=penalty "); i++) {
		p = hfault_session(H, &FRONT, &bad, "127.0.0.2");
		ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 255);
		log_wait(g, i + 1, HLINE("event=session-closed user=- "
		    "from=127.0.0.2:", "reason=max-auth-tries"), "guessing");
		harness_sleep_ms(100);	/* reaped and charged */
	}
	log_wait(g, 1, HLINE("event=penalty source=127.0.0.2/32 "
	    "reason=authfail"), "brute force penalty");
	p = hfault_session(H, &FRONT, &good, "127.0.0.2");
	ck_assert_int_eq(hproc_wait(p, HARNESS_EXIT_MS), 255);
	ck_assert_msg(!hfile_has(p->err, "Permission denied"),
	    "127.0.0.2 got as far as authentication; see %s", p->err);
	log_wait(g, 1, HLINE("event=connection-refused from=127.0.0.2:",
	    "via=127.0.0.1:", "reason=penalty"), "penalised client");
	t0 = harness_now_ms();
	served(before);
	port = hfault_tunnel(H, &FRONT, &good, "pop3:110", "127.0.0.3", &p);
	ck_assert_msg(port != 0 && harness_now_ms() - t0 < FAST_LOGIN_MS,
	    "127.0.0.3 through the same HAProxy: %ld ms; see %s",
	    harness_now_ms() - t0, p->err);
	ck_assert_uint_eq(server_since(before), gate);
	retr_one(port, 3, "127.0.0.3 during .2's penalty");
	ck_assert_uint_eq(hlog_count(g->log, HLINE("event=penalty ")), 1);
	ck_assert_uint_eq(hlog_count(g->log, HLINE("event=penalty "
	    "source=127.0.0.1/")), 0);
}

START_TEST(test_scale_two_gateways_behind_haproxy)
{
	struct hproc	*ssh[2] = { NULL, NULL }, *pg = NULL, *p = NULL;
	struct hcred	 c = key_cred();
	size_t		 gate[2], before[GATES], i;
	uint16_t	 port[2], pport;

	dovecot_haproxy();
	gateways_up(GATES, D.proxy_port, true, NULL, NULL);
	haproxy_up(GATES, 2);
	/* OpenSSH from two addresses: one session on each gateway. */
	port[0] = tunnel_from("127.0.0.2", &ssh[0], &gate[0]);
	port[1] = tunnel_from("127.0.0.3", &ssh[1], &gate[1]);
	ck_assert_msg(gate[0] != gate[1], "both sessions on gw%zu",
	    gate[0] + 1);
	fetch_all(port[0], "ssh from 127.0.0.2");
	fetch_all(port[1], "ssh from 127.0.0.3");
	assert_real_addresses(gate);
	/* popgate through the same HAProxy, same known host key. */
	served(before);
	pport = hpopgate_tunnel(H, &FRONT, "pop3:110", &pg);
	(void)server_since(before);
	retr_one(pport, 2, "popgate through HAProxy");
	hproc_stop(pg);
	/* The gateway of 127.0.0.2's session dies. */
	kill_gateway(gate[0]);
	ck_assert_int_eq(hproc_wait(ssh[0], HARNESS_EXIT_MS), 255);
	ck_assert_msg(hhaproxy_wait_status(&HP, gate[0], "DOWN",
	    HARNESS_LOG_MS), "HAProxy did not take gw%zu out", gate[0] + 1);
	/* The other one's session goes on; new ones all go there. */
	fetch_all(port[1], "the surviving session");
	for (i = 0; i < 3; i++) {
		served(before);
		port[0] = hfault_tunnel(H, &FRONT, &c, "pop3:110",
		    "127.0.0.2", &p);
		ck_assert_msg(port[0] != 0, "no new session after the kill; "
		    "see %s", p->err);
		ck_assert_uint_eq(server_since(before), gate[1]);
		retr_one(port[0], i + 1, "after the kill");
		hproc_stop(p);
	}
	assert_penalty_follows_client(gate[1]);
}
END_TEST

Suite *
scale_suite(void)
{
	Suite	*s = suite_create("scale");
	TCase	*tc = harness_tcase("haproxy", scale_setup, scale_teardown,
	    180);

	tcase_add_test(tc, test_scale_proxy_listener_refusals);
	tcase_add_test(tc, test_scale_forward_proxy_to_dovecot);
	tcase_add_test(tc, test_scale_forward_proxy_before_tls);
	tcase_add_test(tc, test_scale_shared_host_key);
	tcase_add_test(tc, test_scale_health_checks_quiet_at_info);
	tcase_add_test(tc, test_scale_v1_health_checks_not_charged);
	tcase_add_test(tc, test_scale_two_gateways_behind_haproxy);
	suite_add_tcase(s, tc);
	return s;
}
