/*
 * hgate: the real bin/popgated of a test. Its config, host key (made by
 * `popgated keygen`), alice's authorised key and one key nobody
 * authorised (made by ssh-keygen), an optional PasswordFile (made by
 * `popgated passwd`). It listens on 127.0.0.1:0; the port comes from its
 * "event=listening" line, and known_hosts is written from the .pub then. A
 * restart (after the test killed it) asks for that same port with -o.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

void
hgate_keygen(struct harness *h, const char *path, const char *comment)
{
	struct hargv	a;
	int		st;

	hargv_init(&a);
	hargv_add(&a, "ssh-keygen");
	hargv_add(&a, "-q");
	hargv_add(&a, "-t");
	hargv_add(&a, "ed25519");
	hargv_add(&a, "-N");
	hargv_add(&a, "%s", "");
	hargv_add(&a, "-C");
	hargv_add(&a, "%s", comment);
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", path);
	st = hproc_run(h, "ssh-keygen", a.argv, NULL, NULL, HARNESS_EXIT_MS,
	    NULL);
	ck_assert_msg(st == 0, "ssh-keygen %s exited %d", path, st);
}

int
hgate_run(struct harness *h, const char *name, const char *const args[],
    const char *input, struct hproc **out)
{
	struct hargv	a;
	size_t		i;

	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgated"));
	for (i = 0; args[i] != NULL; i++) {
		hargv_add(&a, "%s", args[i]);
	}
	ck_assert(!a.overflow);
	return hproc_run(h, name, a.argv, NULL, input, HARNESS_EXIT_MS, out);
}

int
hgate_passwd(struct harness *h, const struct hgate *g, const char *user,
    const char *password)
{
	char		 line[128];
	const char	*args[] = { "passwd", "-f", g->conf, user, NULL };

	snprintf(line, sizeof(line), "%s\n", password);
	return hgate_run(h, "popgated-passwd", args, line, NULL);
}

static void
write_conf(struct hgate *g, const char *forward, bool passwords,
    const char *extra)
{
	ck_assert(hfile_write(g->conf, 0644,
	    "# written by popgate's integration tests\n"
	    "ListenAddress 127.0.0.1:0\n"
	    "HostKey ssh_host_ed25519_key\n"
	    "AuthorizedKeysFile keys/%%u\n"
	    "%s"
	    "%s\n"
	    "MaxAuthTries 3\n"
	    "LoginGraceTime 30\n"
	    "BackendConnectTimeout 5\n"
	    "LogLevel VERBOSE\n"
	    "ControlSocket ctl.sock\n"
	    "%s", passwords ? "PasswordFile passwd\n" : "", forward,
	    extra != NULL ? extra : "") == 0);
}

static void
authorise(struct harness *h, struct hgate *g)
{
	struct hpath	 keys = harness_path(h, "keys");
	char		 pub[HARNESS_PATH + 8];
	char		*text = NULL;

	ck_assert(mkdir(keys.s, 0755) == 0);
	hgate_keygen(h, g->userkey, "alice@integ");
	hgate_keygen(h, g->otherkey, "stranger@integ");
	snprintf(pub, sizeof(pub), "%s.pub", g->userkey);
	text = hfile_slurp(pub, NULL);
	ck_assert_msg(text != NULL, "cannot read %s", pub);
	ck_assert(hfile_write(harness_path(h, "keys/%s", HARNESS_USER).s,
	    0644, "# alice's only key\n%s", text) == 0);
	free(text);
}

void
hgate_prepare(struct harness *h, struct hgate *g, uint16_t backend,
    bool passwords, const char *extra)
{
	char	forward[64];

	snprintf(forward, sizeof(forward), "Forward pop3:110 127.0.0.1:%u",
	    (unsigned)backend);
	hgate_prepare_fwd(h, g, forward, passwords, extra);
}

void
hgate_prepare_fwd(struct harness *h, struct hgate *g, const char *forward,
    bool passwords, const char *extra)
{
	const char	*keygen[] = { "keygen", "-f", NULL, NULL };
	int		 st;

	memset(g, 0, sizeof(*g));
	snprintf(g->conf, sizeof(g->conf), "%s/popgated.conf", h->dir);
	snprintf(g->hostkey, sizeof(g->hostkey), "%s/ssh_host_ed25519_key",
	    h->dir);
	snprintf(g->known_hosts, sizeof(g->known_hosts), "%s/known_hosts",
	    h->dir);
	snprintf(g->userkey, sizeof(g->userkey), "%s/id_alice", h->dir);
	snprintf(g->otherkey, sizeof(g->otherkey), "%s/id_stranger", h->dir);
	write_conf(g, forward, passwords, extra);
	keygen[2] = g->conf;
	st = hgate_run(h, "popgated-keygen", keygen, NULL, NULL);
	ck_assert_msg(st == 0, "popgated keygen -f %s exited %d", g->conf, st);
	authorise(h, g);
	if (passwords) {
		st = hgate_passwd(h, g, HARNESS_USER, HARNESS_SSH_PASS);
		ck_assert_msg(st == 0, "popgated passwd exited %d", st);
	}
}

void
hgate_known_hosts(const char *path, const char *pub, uint16_t port)
{
	char	*text = NULL, *sp = NULL;

	text = hfile_slurp(pub, NULL);
	ck_assert_msg(text != NULL, "no public key %s", pub);
	/* "type base64 [comment]": keep the first two words. */
	sp = strchr(text, ' ');
	sp = sp != NULL ? strpbrk(sp + 1, " \r\n") : NULL;
	if (sp != NULL) {
		*sp = '\0';
	}
	ck_assert(hfile_write(path, 0644, "[127.0.0.1]:%u %s\n",
	    (unsigned)port, text) == 0);
	free(text);
}

/* Starts popgated -f CONF (-o ListenAddress=listen unless NULL) with env
 * (may be NULL); reads its port and writes known_hosts for it. */
static void
start(struct harness *h, struct hgate *g, const char *listen,
    const char *const env[])
{
	struct hargv	 a;
	char		 line[512], pub[HARNESS_PATH + 8];
	const char	*p = NULL;

	hargv_init(&a);
	hargv_add(&a, "%s", harness_bin("popgated"));
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", g->conf);
	if (listen != NULL) {
		hargv_add(&a, "-o");
		hargv_add(&a, "ListenAddress=%s", listen);
	}
	g->proc = hproc_spawn(h, "popgated", a.argv, env, NULL);
	ck_assert_msg(g->proc != NULL, "cannot start %s", a.argv[0]);
	snprintf(g->log, sizeof(g->log), "%s", g->proc->err);
	ck_assert_msg(hlog_wait(g->log, 1, g->proc, HARNESS_START_MS,
	    HLINE("event=listening addr=127.0.0.1:"), line, sizeof(line)),
	    "popgated did not log \"event=listening\"; see %s", g->log);
	p = strrchr(line, ':');
	g->port = (uint16_t)(p != NULL ? strtoul(p + 1, NULL, 10) : 0);
	ck_assert_msg(g->port != 0, "no port in \"%s\"", line);
	snprintf(pub, sizeof(pub), "%s.pub", g->hostkey);
	hgate_known_hosts(g->known_hosts, pub, g->port);
}

void
hgate_start(struct harness *h, struct hgate *g)
{
	start(h, g, NULL, NULL);
}

void
hgate_start_env(struct harness *h, struct hgate *g, const char *const env[])
{
	start(h, g, NULL, env);
}

void
hgate_restart(struct harness *h, struct hgate *g)
{
	char		listen[32];
	uint16_t	port = g->port;

	ck_assert_msg(!hproc_running(g->proc), "popgated is still running");
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", (unsigned)port);
	start(h, g, listen, NULL);
	ck_assert_int_eq(g->port, port);
}

void
hgate_fingerprint(struct harness *h, const struct hgate *g, char *buf,
    size_t len)
{
	const char	*args[] = { "fingerprint", "-f", g->conf, NULL };
	struct hproc	*p = NULL;
	char		*text = NULL, *fp = NULL;

	ck_assert_int_eq(hgate_run(h, "popgated-fingerprint", args, NULL,
	    &p), 0);
	/* "256 SHA256:... comment (ED25519)" */
	text = hfile_slurp(p->out, NULL);
	fp = text != NULL ? strstr(text, "SHA256:") : NULL;
	if (fp != NULL) {
		fp[strcspn(fp, " \n")] = '\0';
	}
	snprintf(buf, len, "%s", fp != NULL ? fp : "");
	free(text);
	ck_assert_msg(buf[0] != '\0', "no SHA256: fingerprint in %s", p->out);
}

void
hgate_check_exit(const struct hgate *g)
{
	if (g->proc == NULL) {
		return;
	}
	ck_assert_msg(g->proc->status == 0, "popgated exited %d after "
	    "SIGTERM (want 0); see %s", g->proc->status, g->log);
	ck_assert_msg(!hfile_has(g->log, "Sanitizer") &&
	    !hfile_has(g->log, "runtime error:"),
	    "sanitizer report in %s", g->log);
}
