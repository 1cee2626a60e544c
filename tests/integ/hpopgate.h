/*
 * hpopgate.h: the integration harness for the client, bin/popgate, and
 * what it works with beyond harness.h: an OpenSSH sshd as the gateway,
 * fetchmail as the mail client, and a fake POP3 backend for the faults a
 * real Dovecot cannot produce. Same rules as harness.h: every process is
 * registered in the test's struct harness and stopped by pid; loopback
 * and free ports only.
 *
 * Modules (file = prefix): hpopgate.c, hsshd.c, hfetchmail.c, hfake.c.
 */
#ifndef POPGATE_INTEG_HPOPGATE_H
#define POPGATE_INTEG_HPOPGATE_H

#include "harness.h"

/* hpopgate.c: the real bin/popgate. */

#define HPOPGATE_MAX	4	/* forwards a test asks for */

/* popgate -v -p PORT -i KEY --known-hosts FILE (NULLs left out); the
 * test adds its options, then USER@127.0.0.1. */
void		 hpopgate_argv(struct hargv *a, uint16_t port,
		    const char *key, const char *known_hosts);
/* The same for g: its port, alice's key, its known_hosts. */
void		 hpopgate_argv_gate(struct hargv *a, const struct hgate *g);
/*
 * Spawns a with HOME set to the work folder (no ~/.ssh of whoever runs
 * the tests) and waits for n ready lines, "listening 127.0.0.1:PORT ->
 * TARGET"; their ports go to ports. Asserts. Named "popgate": the
 * teardown wants it to exit 0 (hpopgate_check_exits).
 */
struct hproc	*hpopgate_start(struct harness *h, struct hargv *a, size_t n,
		    uint16_t *ports);
/* popgate for g with -L 0:target; asserts it is ready, returns PORT. */
uint16_t	 hpopgate_tunnel(struct harness *h, const struct hgate *g,
		    const char *target, struct hproc **out);
/* Runs a to its end (HOME as above), named "popgate-run". Status. */
int		 hpopgate_run(struct harness *h, struct hargv *a,
		    struct hproc **out);
/* After harness_stop_all: every "popgate" process left with 0 and no
 * sanitizer report. Asserts. */
void		 hpopgate_check_exits(const struct harness *h);
/* hfix_down after stopping everything and hpopgate_check_exits. */
void		 hpopgate_fix_down(struct hfix *f);

/* hsshd.c: OpenSSH's sshd as a gateway popgate must work with. */

struct hsshd {
	uint16_t	 port;
	struct hproc	*proc;
	char		 user[64];	/* who runs the tests: sshd's only user */
	char		 log[HARNESS_PATH];
	char		 known_hosts[HARNESS_PATH];
	char		 userkey[HARNESS_PATH];
};

/* Host and user keys, an sshd_config allowing only `-L` to permit
 * (HOST:PORT), then sshd -D -e on a free port. Asserts. */
void		 hsshd_start(struct harness *h, struct hsshd *s,
		    const char *permit);

/* hfetchmail.c: fetchmail in keep mode, each message to its own file. */

/*
 * fetchmail -f RCFILE with "poll SERVER protocol pop3 ..." (server: what
 * follows poll, e.g. "127.0.0.1 service 1110" or "x plugin \"...\"");
 * alice's POP3 login, keep, fetchall, no rewrite, no stripcr and an MDA
 * writing each message into a new file under dir.
 */
struct hproc	*hfetchmail_spawn(struct harness *h, const char *server,
		    struct hpath *dir);
/* Waits for it; 0 when the files under dir are m's messages, each once
 * (after fetchmail's own Received: header), else -1 and why. */
int		 hfetchmail_verify(struct hproc *p, const char *dir,
		    const struct hmail *m, char *why, size_t whylen);

/* hfake.c */

/*
 * A fake POP3 server (hproc_fork) on a free port: "+OK" to every command,
 * and to RETR a "+OK" line, partial octets of a message and then a reset
 * (SO_LINGER 0). Returns its port. Asserts.
 */
uint16_t	 hfake_reset_start(struct harness *h, size_t partial);
/* The same, greeting each client only greet_ms after accepting it. */
uint16_t	 hfake_slow_start(struct harness *h, size_t partial,
		    int greet_ms);
/*
 * A fake POP3 server (hproc_fork) on a free port that records: one
 * "accept" line in log per connection (written before it is greeted with
 * "+OK"), and every byte any client sends appended to data. Both files
 * are made empty first. Returns its port. Asserts.
 */
uint16_t	 hfake_record_start(struct harness *h, const char *log,
		    const char *data);

#endif
