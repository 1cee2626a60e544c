/*
 * hclient: the programs on the user's side of the gateway. OpenSSH's ssh
 * and sftp with no config file, strict host key checking against the
 * known_hosts written from popgated's key, and either one identity or a
 * password handed over by SSH_ASKPASS (no tty anywhere); curl and
 * Python's poplib as the mail clients behind `ssh -L`; and the hostile
 * clients of tests/integ/py/hostile.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

void
hclient_ssh_argv(struct hargv *a, const char *prog, const struct hgate *g,
    const struct hcred *c)
{
	hargv_init(a);
	hargv_add(a, "%s", prog);
	hargv_add(a, "-F");
	hargv_add(a, "/dev/null");
	hargv_add(a, strcmp(prog, "sftp") == 0 ? "-P" : "-p");
	hargv_add(a, "%u", (unsigned)g->port);
	hargv_add(a, "-oStrictHostKeyChecking=yes");
	hargv_add(a, "-oUserKnownHostsFile=%s", g->known_hosts);
	hargv_add(a, "-oGlobalKnownHostsFile=/dev/null");
	hargv_add(a, "-oUpdateHostKeys=no");
	hargv_add(a, "-oConnectTimeout=30");
	hargv_add(a, "-oIdentitiesOnly=yes");
	hargv_add(a, "-oKbdInteractiveAuthentication=no");
	if (c->key != NULL) {
		hargv_add(a, "-oBatchMode=yes");
		hargv_add(a, "-oPreferredAuthentications=publickey");
		hargv_add(a, "-i");
		hargv_add(a, "%s", c->key);
		return;
	}
	hargv_add(a, "-oBatchMode=no");
	hargv_add(a, "-oPreferredAuthentications=password");
	hargv_add(a, "-oPubkeyAuthentication=no");
	hargv_add(a, "-oIdentityFile=none");
}

/* An SSH_ASKPASS program printing password; the password is ours and
 * checked to need no quoting. */
static void
askpass_write(struct harness *h, const char *password, char *path,
    size_t len)
{
	ck_assert_msg(strspn(password, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(password),
	    "test password needs quoting");
	snprintf(path, len, "%s/askpass-%u", h->dir, ++h->files);
	ck_assert(hfile_write(path, 0700, "#!/bin/sh\necho '%s'\n",
	    password) == 0);
}

struct hproc *
hclient_ssh_spawn(struct harness *h, const char *name, struct hargv *a,
    const struct hcred *c)
{
	char		 askpass[HARNESS_PATH], var[HARNESS_PATH + 16];
	const char	*env[] = { NULL, "SSH_ASKPASS_REQUIRE=force", NULL };

	ck_assert_msg(!a->overflow, "%s: argv too long", name);
	if (c->key != NULL) {
		return hproc_spawn(h, name, a->argv, NULL, NULL);
	}
	askpass_write(h, c->password, askpass, sizeof(askpass));
	snprintf(var, sizeof(var), "SSH_ASKPASS=%s", askpass);
	env[0] = var;
	return hproc_spawn(h, name, a->argv, env, NULL);
}

/* One try at ssh -L on a fresh free port; the port, or 0. */
static uint16_t
tunnel_once(struct harness *h, const struct hgate *g, const struct hcred *c,
    const char *target, struct hproc **out)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	uint16_t	 lport = hnet_free_port();
	int		 fd;

	ck_assert(lport != 0);
	hclient_ssh_argv(&a, "ssh", g, c);
	hargv_add(&a, "-N");
	hargv_add(&a, "-oExitOnForwardFailure=yes");
	hargv_add(&a, "-L");
	hargv_add(&a, "127.0.0.1:%u:%s", (unsigned)lport, target);
	hargv_add(&a, "%s@127.0.0.1", c->user);
	p = hclient_ssh_spawn(h, "ssh-tunnel", &a, c);
	ck_assert_msg(p != NULL, "cannot start ssh");
	*out = p;
	/* ssh listens on lport only once logged in and forwarding. */
	fd = hnet_connect(lport, HARNESS_START_MS, p);
	if (fd < 0) {
		return 0;
	}
	close(fd);
	return lport;
}

uint16_t
hclient_tunnel(struct harness *h, const struct hgate *g,
    const struct hcred *c, const char *target, struct hproc **out)
{
	uint16_t	lport = 0;
	int		tries;

	*out = NULL;
	for (tries = 0; tries < HARNESS_PORT_TRIES && lport == 0; tries++) {
		lport = tunnel_once(h, g, c, target, out);
		/* Only a port taken between our probe and ssh's bind is
		 * worth another try. */
		if (lport == 0 && !hfile_has((*out)->err,
		    "Address already in use")) {
			break;
		}
	}
	return lport;
}

static struct hproc *
poplib_spawn(struct harness *h, uint16_t port, bool top)
{
	struct hargv	 a;
	struct hproc	*p = NULL;

	hargv_init(&a);
	hargv_add(&a, "python3");
	hargv_add(&a, "%s", harness_src("scripts/pop3fetch.py"));
	hargv_add(&a, "fetch");
	hargv_add(&a, "--port");
	hargv_add(&a, "%u", (unsigned)port);
	hargv_add(&a, "--user");
	hargv_add(&a, HARNESS_USER);
	if (top) {
		hargv_add(&a, "--top");
	}
	p = hproc_spawn(h, "poplib", a.argv, NULL, HARNESS_POP3_PASS "\n");
	ck_assert_msg(p != NULL, "cannot start python3");
	return p;
}

struct hproc *
hclient_poplib_spawn(struct harness *h, uint16_t port)
{
	return poplib_spawn(h, port, false);
}

struct hproc *
hclient_poplib_top_spawn(struct harness *h, uint16_t port)
{
	return poplib_spawn(h, port, true);
}

/* Checks one "N LIST-SIZE OCTETS SHA256 UIDL" line against m. */
static int
poplib_line(const char *line, const struct hmail *m, size_t want,
    char *why, size_t whylen)
{
	unsigned long	num, size, octets;
	char		sha[65];

	if (sscanf(line, "%lu %lu %lu %64s", &num, &size, &octets,
	    sha) != 4 || num != want + 1) {
		snprintf(why, whylen, "bad line %zu: \"%.200s\"", want + 1,
		    line);
		return -1;
	}
	if (size != m->size[want] || octets != m->size[want] ||
	    strcmp(sha, m->sha[want]) != 0) {
		snprintf(why, whylen, "message %lu: LIST %lu, got %lu octets "
		    "sha256 %s; delivered %zu octets sha256 %s", num, size,
		    octets, sha, m->size[want], m->sha[want]);
		return -1;
	}
	return 0;
}

int
hclient_poplib_verify(struct hproc *p, const struct hmail *m, char *why,
    size_t whylen)
{
	char	*text = NULL, *line = NULL, *save = NULL;
	size_t	 n = 0;
	int	 st, rc = 0;

	st = hproc_wait(p, HARNESS_EXIT_MS * 2);
	if (st != 0) {
		snprintf(why, whylen, "poplib exited %d; see %s", st, p->err);
		return -1;
	}
	text = hfile_slurp(p->out, NULL);
	for (line = text != NULL ? strtok_r(text, "\n", &save) : NULL;
	    line != NULL && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		rc = n < m->n ? poplib_line(line, m, n, why, whylen) : -1;
		n++;
	}
	free(text);
	if (rc == 0 && n != m->n) {
		snprintf(why, whylen, "poplib listed %zu messages, delivered "
		    "%zu; see %s", n, m->n, p->out);
		rc = -1;
	}
	return rc;
}

struct hproc *
hclient_curl_spawn(struct harness *h, uint16_t port, size_t n)
{
	struct hpath	 cfg = harness_path(h, "curl.cfg");
	struct hargv	 a;
	struct hproc	*p = NULL;

	/* The credentials go in a config file, not on the command line;
	 * written once, as several curls may be starting. */
	if (access(cfg.s, F_OK) != 0) {
		ck_assert(hfile_write(cfg.s, 0600, "user = \"%s:%s\"\n",
		    HARNESS_USER, HARNESS_POP3_PASS) == 0);
	}
	hargv_init(&a);
	hargv_add(&a, "curl");
	hargv_add(&a, "-sS");
	hargv_add(&a, "--max-time");
	hargv_add(&a, "120");
	hargv_add(&a, "-K");
	hargv_add(&a, "%s", cfg.s);
	hargv_add(&a, "pop3://127.0.0.1:%u/%zu", (unsigned)port, n);
	p = hproc_spawn(h, "curl", a.argv, NULL, NULL);
	ck_assert_msg(p != NULL, "cannot start curl");
	return p;
}

int
hclient_curl_verify(struct hproc *p, const struct hmail *m, size_t n,
    char *why, size_t whylen)
{
	char	sha[65];
	size_t	size;
	int	st;

	st = hproc_wait(p, HARNESS_EXIT_MS * 2);
	if (st != 0) {
		snprintf(why, whylen, "curl exited %d; see %s", st, p->err);
		return -1;
	}
	if (hmail_sha256_file(p->out, sha, &size) != 0 ||
	    size != m->size[n - 1] || strcmp(sha, m->sha[n - 1]) != 0) {
		snprintf(why, whylen, "curl RETR %zu: %zu octets sha256 %s; "
		    "delivered %zu octets sha256 %s (see %s)", n, size, sha,
		    m->size[n - 1], m->sha[n - 1], p->out);
		return -1;
	}
	return 0;
}

void
hclient_assert_serves(struct harness *h, const struct hgate *g,
    const struct hmail *m)
{
	const struct hcred	 c = { HARNESS_USER, g->userkey, NULL };
	struct hproc		*ssh = NULL, *curl = NULL;
	char			 why[1024];
	uint16_t		 lport;

	lport = hclient_tunnel(h, g, &c, "pop3:110", &ssh);
	ck_assert_msg(lport != 0, "gateway no longer serves: fresh tunnel "
	    "failed; see %s and %s", ssh->err, g->log);
	curl = hclient_curl_spawn(h, lport, 2);
	ck_assert_msg(hclient_curl_verify(curl, m, 2, why, sizeof(why)) == 0,
	    "gateway no longer serves: %s", why);
	hproc_stop(ssh);
}

void
hclient_hostile(struct harness *h, const struct hgate *g, const char *probe,
    const char *const args[])
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	int		 st;
	size_t		 i;

	hargv_init(&a);
	/* Debian's interpreter: python3-paramiko is installed for it, and a
	 * python3 found first on PATH (pyenv, venv) may lack it. */
	hargv_add(&a, "/usr/bin/python3");
	hargv_add(&a, "%s", harness_src("tests/integ/py/hostile.py"));
	hargv_add(&a, "--port");
	hargv_add(&a, "%u", (unsigned)g->port);
	hargv_add(&a, "--hostkey");
	hargv_add(&a, "%s.pub", g->hostkey);
	hargv_add(&a, "--user");
	hargv_add(&a, HARNESS_USER);
	hargv_add(&a, "--key");
	hargv_add(&a, "%s", g->userkey);
	hargv_add(&a, "--password-stdin");
	hargv_add(&a, "%s", probe);
	for (i = 0; args != NULL && args[i] != NULL; i++) {
		hargv_add(&a, "%s", args[i]);
	}
	ck_assert(!a.overflow);
	st = hproc_run(h, "hostile", a.argv, NULL, HARNESS_SSH_PASS "\n",
	    HARNESS_EXIT_MS * 4, &p);
	ck_assert_msg(p != NULL, "cannot run /usr/bin/python3");
	ck_assert_msg(st == 0, "hostile.py %s exited %d; see %s (its FAIL "
	    "lines), %s and %s", probe, st, p->out, p->err, g->log);
}
