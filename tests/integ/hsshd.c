/*
 * hsshd: OpenSSH's own sshd as the gateway, to show popgate speaks plain
 * SSH: `sshd -D -e -f CONFIG` on a free 127.0.0.1 port with its own host
 * key and config, nothing but local forwarding to one PermitOpen target,
 * publickey only. sshd only logs in real accounts, so the user is whoever
 * runs the tests (root in CI: PermitRootLogin prohibit-password). As
 * root, sshd wants its privilege separation folder, /run/sshd.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpopgate.h"

#define SSHD_PROG	"/usr/sbin/sshd"	/* re-exec wants a full path */
#define PRIVSEP_DIR	"/run/sshd"

static void
write_conf(struct harness *h, const struct hsshd *s, const char *conf,
    const char *permit)
{
	ck_assert(hfile_write(conf, 0644,
	    "# written by popgate's integration tests\n"
	    "Port %2$u\n"
	    "ListenAddress 127.0.0.1\n"
	    "AddressFamily inet\n"
	    "HostKey %1$s/sshd_host_ed25519_key\n"
	    "PidFile %1$s/sshd.pid\n"
	    "AuthorizedKeysFile %1$s/sshd-keys/%%u\n"
	    "AllowUsers %3$s\n"
	    "UsePAM no\n"
	    "StrictModes no\n"
	    "PermitRootLogin prohibit-password\n"
	    "PubkeyAuthentication yes\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "AllowTcpForwarding local\n"
	    "PermitOpen %4$s\n"
	    "AllowAgentForwarding no\n"
	    "X11Forwarding no\n"
	    "PermitTTY no\n"
	    "LogLevel VERBOSE\n", h->dir, (unsigned)s->port, s->user,
	    permit) == 0);
}

/* Host key, the user's key, authorized_keys; s->user set. */
static void
make_keys(struct harness *h, struct hsshd *s)
{
	struct hpath	 hostkey = harness_path(h, "sshd_host_ed25519_key");
	struct hpath	 keys = harness_path(h, "sshd-keys");
	struct passwd	*pw = getpwuid(geteuid());
	char		 pub[HARNESS_PATH + 8];
	char		*text = NULL;

	ck_assert_msg(pw != NULL, "who am I? (getpwuid)");
	snprintf(s->user, sizeof(s->user), "%s", pw->pw_name);
	hgate_keygen(h, hostkey.s, "sshd-host@integ");
	snprintf(s->userkey, sizeof(s->userkey), "%s/id_sshd_user", h->dir);
	hgate_keygen(h, s->userkey, "sshd-user@integ");
	ck_assert(mkdir(keys.s, 0755) == 0);
	snprintf(pub, sizeof(pub), "%s.pub", s->userkey);
	text = hfile_slurp(pub, NULL);
	ck_assert_msg(text != NULL, "cannot read %s", pub);
	ck_assert(hfile_write(harness_path(h, "sshd-keys/%s", s->user).s,
	    0644, "%s", text) == 0);
	free(text);
	snprintf(s->known_hosts, sizeof(s->known_hosts),
	    "%s/sshd_known_hosts", h->dir);
}

/* One start on a fresh free port; false when sshd exited first. */
static bool
start_once(struct harness *h, struct hsshd *s, const char *permit)
{
	struct hpath	conf = harness_path(h, "sshd_config");
	struct hargv	a;

	s->port = hnet_free_port();
	ck_assert(s->port != 0);
	write_conf(h, s, conf.s, permit);
	hargv_init(&a);
	hargv_add(&a, SSHD_PROG);
	hargv_add(&a, "-D");
	hargv_add(&a, "-e");
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", conf.s);
	s->proc = hproc_spawn(h, "sshd", a.argv, NULL, NULL);
	ck_assert_msg(s->proc != NULL, "cannot start %s", SSHD_PROG);
	snprintf(s->log, sizeof(s->log), "%s", s->proc->err);
	return hlog_wait(s->log, 1, s->proc, HARNESS_START_MS,
	    HLINE("Server listening on 127.0.0.1 port"), NULL, 0);
}

void
hsshd_start(struct harness *h, struct hsshd *s, const char *permit)
{
	struct hpath	pub = harness_path(h, "sshd_host_ed25519_key.pub");
	bool		up = false;
	int		tries;

	memset(s, 0, sizeof(*s));
	if (geteuid() == 0 && mkdir(PRIVSEP_DIR, 0755) != 0) {
		ck_assert_msg(errno == EEXIST, "mkdir %s: %s", PRIVSEP_DIR,
		    strerror(errno));
	}
	make_keys(h, s);
	for (tries = 0; tries < HARNESS_PORT_TRIES && !up; tries++) {
		up = start_once(h, s, permit);
	}
	ck_assert_msg(up, "sshd did not start; see %s", s->log);
	hgate_known_hosts(s->known_hosts, pub.s, s->port);
}
