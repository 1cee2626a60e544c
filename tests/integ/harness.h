/*
 * harness: what the integration tests share. They run the real programs
 * (bin/popgated, dovecot, ssh, sftp, curl, python3's poplib) on 127.0.0.1
 * ephemeral ports, each test in its own mkdtemp folder.
 *
 * Ownership and lifetime: one struct harness per test, made by a checked
 * fixture (so inside the test process libcheck forked). It owns the work
 * folder and a registry of every process the test started; harness_free()
 * stops them (SIGTERM, bounded wait, SIGKILL), then any orphan that was
 * re-parented to the test process (it is a child subreaper), then removes
 * the folder. When an assertion fails libcheck _exit()s the test process
 * without teardown: libcheck then SIGKILLs the test's process group, which
 * holds everything started here (nothing calls setsid), and the runner,
 * itself a subreaper, stops what escaped the group in each TCase's
 * unchecked teardown (horphan_reap). Only our own descendants are
 * ever signalled; a failed test's folder is kept and its logs printed
 * (POPGATE_KEEP=1 in the environment keeps every folder).
 *
 * Modules (file = prefix): harness.c (run root, work folder), horphan.c
 * (unregistered children), hargv.c (argv building), hfile.c, hlog.c (log
 * polling), hproc.c (processes), hnet.c (loopback sockets), hmail.c
 * (Maildir + SHA-256), hdovecot.c, hsmtp.c (an SMTP sink), htls.c
 * (certificates, a TLS server), hgate.c (popgated), hclient.c (ssh, sftp,
 * curl, poplib), hfix.c (the usual fixture). The client side of popgate
 * (bin/popgate, sshd, fetchmail, a fake backend) is in hpopgate.h;
 * HAProxy in front of servers (PROXY protocol) in hhaproxy.h.
 */
#ifndef POPGATE_INTEG_HARNESS_H
#define POPGATE_INTEG_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>

#define HARNESS_PATH		512
#define HARNESS_PROCS_MAX	96

/*
 * Deadlines, in milliseconds. Generous: the suite also runs under ASan.
 * Under valgrind (make valgrind) the programs are many times slower:
 * HARNESS_SLOW=N in the environment multiplies every one by N.
 */
#define HARNESS_START_MS	(30000 * harness_slow())	/* readiness */
#define HARNESS_EXIT_MS		(60000 * harness_slow())	/* a client */
#define HARNESS_LOG_MS		(15000 * harness_slow())	/* a log line */
#define HARNESS_STOP_MS		(5000 * harness_slow())	/* SIGTERM, then
								 * SIGKILL */

/* A free port can be taken before the program binds it: tries. */
#define HARNESS_PORT_TRIES	3

/* Test accounts. POP3 and SSH passwords differ: two separate layers. */
#define HARNESS_USER		"alice"
#define HARNESS_POP3_PASS	"pop-secret"
#define HARNESS_SSH_PASS	"ssh-secret"
/* A second mailbox on the same Dovecot, for BindMailbox. */
#define HARNESS_USER2		"bob"
#define HARNESS_POP3_PASS2	"bob-secret"

struct hpath {
	char	s[HARNESS_PATH];
};

struct hproc {
	pid_t	pid;			/* -1 once reaped */
	int	status;			/* exit code, 128 + signal; -1 */
	char	name[32];
	char	out[HARNESS_PATH];	/* its stdout */
	char	err[HARNESS_PATH];	/* its stderr */
};

struct harness {
	char		dir[HARNESS_PATH / 2];	/* so dir/name always fits */
	struct hproc	procs[HARNESS_PROCS_MAX];
	size_t		nprocs;
	unsigned	files;		/* counter for unique file names */
};

/* harness.c */

/*
 * For main(): reads POPGATE_BIN (required), POPGATE_SRCDIR (default:
 * the current folder, as under make) and HARNESS_SLOW, makes the run's
 * root folder and the runner a child subreaper. 0, or -1 after printing
 * why.
 */
int		 harness_root_init(void);
/* For main(): prints the logs of failed tests and keeps their folders
 * (failed), or removes the root. */
void		 harness_root_fini(bool failed);
/* A TCase with a checked fixture, horphan_reap as its unchecked
 * teardown, and a timeout in seconds (times HARNESS_SLOW). */
TCase		*harness_tcase(const char *name, void (*setup)(void),
		    void (*teardown)(void), double timeout);

/* HARNESS_SLOW (1 to 100; 1 when unset): what deadlines are
 * multiplied by. */
int		 harness_slow(void);
const char	*harness_bin(const char *prog);	/* POPGATE_BIN/prog */
const char	*harness_src(const char *rel);	/* POPGATE_SRCDIR/rel */

/* A new work folder under the root, label names it. NULL on failure. */
struct harness	*harness_new(const char *label);
/* Stops everything, removes the folder. NULL is fine. */
void		 harness_free(struct harness *h);
/* Stops every registered process, newest first, then any orphan. */
void		 harness_stop_all(struct harness *h);
/* dir/ + the formatted name. */
struct hpath	 harness_path(const struct harness *h, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

long		 harness_now_ms(void);		/* CLOCK_MONOTONIC */
void		 harness_sleep_ms(long ms);

/* horphan.c */

/* Stops every child of this process not yet gone after a 2 s grace:
 * only orphans by the time it runs. */
void		 horphan_reap(void);
/* How many children this process still has after that grace. */
size_t		 horphan_count(void);
/* The parent pid of pid ("ppid" of /proc/PID/stat), or -1. */
pid_t		 horphan_parent(pid_t pid);

/* hargv.c: an argv built printf-style; no shell ever parses it. */

#define HARGV_MAX	64
#define HARGV_BUF	8192

struct hargv {
	int	 argc;
	char	*argv[HARGV_MAX + 1];
	char	 buf[HARGV_BUF];
	size_t	 used;
	bool	 overflow;	/* too many or too long: do not run it */
};

void		 hargv_init(struct hargv *a);
void		 hargv_add(struct hargv *a, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* hfile.c */

/* Writes a formatted file with mode. 0 or -1. */
int		 hfile_write(const char *path, int mode, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Whole file, NUL-terminated, *len set when len != NULL; caller frees. */
char		*hfile_slurp(const char *path, size_t *len);
/* Does the file hold needle? */
bool		 hfile_has(const char *path, const char *needle);
/*
 * Calls fn on every entry under path, each folder after its contents,
 * path itself last; symlinks are not followed. Stops at fn's first
 * non-zero. 0, -1 or that value.
 */
int		 hfile_walk(const char *path,
		    int (*fn)(const char *, const struct stat *, void *),
		    void *arg);
/* rm -rf path, never following a link. */
void		 hfile_remove(const char *path);

/* hlog.c */

/* A NULL-terminated list of strings a log line must all hold. */
#define HLINE(...)	((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Polls path until at least n lines hold every string of match (HLINE),
 * then copies the n-th such line into line (may be NULL). false when
 * watch (may be NULL) exited without writing it, or at the deadline.
 */
bool		 hlog_wait(const char *path, size_t n,
		    struct hproc *watch, int timeout_ms,
		    const char *const match[], char *line, size_t len);
/* Polls path until a line holding every string of match has key
 * followed by a number >= min ("down=", 1000). Same ends as above. */
bool		 hlog_wait_value(const char *path,
		    const char *const match[], const char *key,
		    unsigned long min, struct hproc *watch, int timeout_ms);
/* Lines of path holding every string of match (HLINE). */
size_t		 hlog_count(const char *path,
		    const char *const match[]);

/* hproc.c */

/*
 * fork + execvp argv with stdin from input (NULL: /dev/null), stdout and
 * stderr to files in the work folder named after name. env: "K=V" strings
 * (NULL-terminated, may be NULL) set on top of a copy of ours without
 * SSH_AUTH_SOCK, SSH_ASKPASS* and DISPLAY. Registered in h. NULL on
 * failure.
 */
struct hproc	*hproc_spawn(struct harness *h, const char *name,
		    char *const argv[], const char *const env[],
		    const char *input);
/* Exit status (128 + signal when killed), or -1 at the deadline. */
int		 hproc_wait(struct hproc *p, int timeout_ms);
bool		 hproc_running(struct hproc *p);
/* SIGTERM, HARNESS_STOP_MS, then SIGKILL. Returns the status. */
int		 hproc_stop(struct hproc *p);
/* SIGKILL (a crash, no goodbye), then waits. Returns the status. */
int		 hproc_kill(struct hproc *p);
/* spawn + wait; killed and -1 at the deadline (or when spawning fails). */
int		 hproc_run(struct harness *h, const char *name,
		    char *const argv[], const char *const env[],
		    const char *input, int timeout_ms, struct hproc **out);
/*
 * fork without exec: the child runs fn(arg) with stdout and stderr to
 * the process's files and _exit()s with what fn returns. Registered and
 * stopped like any other. NULL on failure.
 */
struct hproc	*hproc_fork(struct harness *h, const char *name,
		    int (*fn)(void *), void *arg);
/* The pid in a "name[PID]: " log line prefix, or -1. */
pid_t		 hproc_log_pid(const char *line, const char *name);
/* SIGKILLs pid when it is a child of parent (never anyone else's);
 * true when it was signalled. */
bool		 hproc_kill_child(pid_t parent, pid_t pid);

/* hnet.c */

/* A port the kernel just gave 127.0.0.1:0 and got back; 0 on error. */
uint16_t	 hnet_free_port(void);
/* Connects to 127.0.0.1:port, retrying until the deadline or until watch
 * (may be NULL) exits. fd or -1. */
int		 hnet_connect(uint16_t port, int timeout_ms,
		    struct hproc *watch);
/* Reads one line (with its CRLF) into buf. Length, 0 at EOF, -1 on
 * timeout or error. */
ssize_t		 hnet_read_line(int fd, char *buf, size_t len, int timeout_ms);
/* Reads until EOF (a reset counts); *got = bytes read. 0, or -1 at the
 * deadline. */
int		 hnet_read_eof(int fd, int timeout_ms, size_t *got);
/* Waits for 127.0.0.1:port to accept and greet with "+OK". */
bool		 hnet_pop3_ready(uint16_t port, int timeout_ms,
		    struct hproc *watch);
/* A socket listening on 127.0.0.1:0; its port in *port. fd or -1. */
int		 hnet_listen(uint16_t *port);
/* Writes the whole string. 0 or -1. */
int		 hnet_write_str(int fd, const char *s);
/*
 * Reads until the peer closes; *got = bytes read. 0 after a clean close
 * (FIN), ECONNRESET after a reset, -1 at the deadline or on another error.
 */
int		 hnet_read_end(int fd, int timeout_ms, size_t *got);
/* Which local address has a TCP listener on port: 1 for 127.0.0.1
 * only, 0 when it also (or only) listens elsewhere, -1 when none. */
int		 hnet_loopback_only(uint16_t port);

/* hmail.c */

#define HMAIL_MAX	8
#define HMAIL_BIG	(20u * 1024u * 1024u + 4321u)

struct hmail {
	size_t	n;
	size_t	size[HMAIL_MAX];
	char	sha[HMAIL_MAX][65];
	char	subject[HMAIL_MAX][80];
};

/*
 * Delivers the test messages into maildir (cur/new/tmp made here): small
 * ones with dot-stuffing traps, 64 KiB and 1 MiB ones, and with big one
 * of HMAIL_BIG bytes. CRLF line ends; m gets each size and SHA-256 in
 * POP3 order. 0 or -1.
 */
int		 hmail_make(const char *maildir, bool big, struct hmail *m);
/* Octets of all messages together. */
size_t		 hmail_total(const struct hmail *m);
/* Lower-case hex SHA-256 of a file, its size in *size. 0 or -1. */
int		 hmail_sha256_file(const char *path, char hex[65],
		    size_t *size);
/* The same over len bytes at data. 0 or -1. */
int		 hmail_sha256_mem(const void *data, size_t len, char hex[65]);
/* Index of the message of m with this size and digest not yet marked
 * in seen (then marked), or -1. */
int		 hmail_find(const struct hmail *m, size_t size,
		    const char *sha, bool seen[HMAIL_MAX]);

/* hdovecot.c */

struct hdovecot {
	uint16_t	 port;		/* POP3 */
	uint16_t	 imap_port;
	uint16_t	 pop3s_port;	/* 0 without TLS */
	uint16_t	 proxy_port;	/* POP3 wanting a PROXY header; 0 */
	struct hproc	*proc;
	char		 log[HARNESS_PATH];
	struct hmail	 mail;
};

struct hdovecot_opts {
	bool		 big;		/* the 20 MiB message too */
	bool		 apop;		/* APOP, so a greeting timestamp */
	bool		 no_penalty;	/* no auth penalty (anvil): every
					 * failure costs 2 s, not 2, 4, 8... */
	const char	*cert;		/* PEM: TLS on (STLS and pop3s) */
	const char	*key;
	bool		 haproxy;	/* proxy_port: a POP3 listener that
					 * wants a PROXY header first
					 * (haproxy = yes), from 127.0.0.0/8;
					 * with cert, pop3s wants it too */
	const char	*sni_cert;	/* PEM for "localhost", presented
					 * only to a client asking for that
					 * name by SNI (local_name); pop3s
					 * then listens on every loopback
					 * address localhost resolves to */
	const char	*sni_key;
};

/* Writes a config and Maildir, starts dovecot -F, waits for "+OK" on
 * POP3 and "* OK" on IMAP (the same Maildir and accounts). */
void		 hdovecot_start(struct harness *h, struct hdovecot *d,
		    bool big);
/* The same with TLS and APOP as opts asks. */
void		 hdovecot_start_opts(struct harness *h, struct hdovecot *d,
		    const struct hdovecot_opts *opts);
/* After hproc_stop(d->proc): Dovecot again, same config, Maildir and
 * port. Asserts. */
void		 hdovecot_restart(struct harness *h, struct hdovecot *d);

/* hsmtp.c */

struct hsmtp {
	uint16_t	 port;
	struct hproc	*proc;		/* its stdout: "stored msg-N.eml" */
	char		 dir[HARNESS_PATH];	/* msg-1.eml, msg-2.eml ... */
};

/* An SMTP submission sink offering AUTH PLAIN for user and password
 * only, on a free port. Asserts. */
void		 hsmtp_start(struct harness *h, struct hsmtp *m,
		    const char *user, const char *password);

/* htls.c: certificates made at test time with the openssl CLI. */

struct htls {
	char	ca[HARNESS_PATH];	/* the CA popgated is told to trust */
	char	other_ca[HARNESS_PATH];	/* a CA that signed nothing here */
	char	cert[HARNESS_PATH];	/* 127.0.0.1 (IP SAN), by ca */
	char	key[HARNESS_PATH];
	char	wrong_cert[HARNESS_PATH];	/* mail.example only, by ca */
	char	wrong_key[HARNESS_PATH];
	char	named_cert[HARNESS_PATH];	/* DNS:localhost only, by ca */
	char	named_key[HARNESS_PATH];
};

/* Makes every file of t in the work folder. Asserts. */
void		 htls_make(struct harness *h, struct htls *t);
/*
 * `openssl s_server` on a free port presenting cert/key (a TLS backend
 * with a certificate Dovecot is not given); waits until it accepts.
 * Returns the port. Asserts.
 */
uint16_t	 htls_server(struct harness *h, const char *cert,
		    const char *key, struct hproc **out);

/* hgate.c */

struct hgate {
	uint16_t	 port;		/* popgated's, once started */
	struct hproc	*proc;
	char		 conf[HARNESS_PATH];
	char		 log[HARNESS_PATH];
	char		 hostkey[HARNESS_PATH];
	char		 known_hosts[HARNESS_PATH];
	char		 userkey[HARNESS_PATH];	/* in keys/alice */
	char		 otherkey[HARNESS_PATH];	/* authorised nowhere */
};

/*
 * Writes popgated.conf (Forward pop3:110 to backend, plus extra lines),
 * runs popgated keygen, makes alice's keys; with passwords also a
 * PasswordFile through popgated passwd. Asserts.
 */
void		 hgate_prepare(struct harness *h, struct hgate *g,
		    uint16_t backend, bool passwords, const char *extra);
/* The same with forward ("Forward pop3:110 pop3s://...") in place of the
 * plain one. */
void		 hgate_prepare_fwd(struct harness *h, struct hgate *g,
		    const char *forward, bool passwords, const char *extra);
/* popgated passwd -f CONF user, password on stdin. Exit status. */
int		 hgate_passwd(struct harness *h, const struct hgate *g,
		    const char *user, const char *password);
/* Starts popgated, reads its port from "event=listening", writes
 * known_hosts. Asserts. */
void		 hgate_start(struct harness *h, struct hgate *g);
/* The same with env ("K=V" strings, NULL-terminated) on top of ours. */
void		 hgate_start_env(struct harness *h, struct hgate *g,
		    const char *const env[]);
/* After harness_stop_all: asserts popgated left with 0 and its log holds
 * no sanitizer report. */
void		 hgate_check_exit(const struct hgate *g);
/* Runs popgated with argv (after the program name) to completion. */
int		 hgate_run(struct harness *h, const char *name,
		    const char *const args[], const char *input,
		    struct hproc **out);
/* After the old one died: popgated again on the same port (with -o
 * ListenAddress=127.0.0.1:PORT); g->proc and g->log are the new one's.
 * Asserts. */
void		 hgate_restart(struct harness *h, struct hgate *g);
/* The "SHA256:..." word of `popgated fingerprint -f CONF`. Asserts. */
void		 hgate_fingerprint(struct harness *h, const struct hgate *g,
		    char *buf, size_t len);
/* ssh-keygen -t ed25519 without a passphrase. Asserts. */
void		 hgate_keygen(struct harness *h, const char *path,
		    const char *comment);
/* Writes known_hosts: "[127.0.0.1]:port" and the key of pub (a .pub). */
void		 hgate_known_hosts(const char *path, const char *pub,
		    uint16_t port);

/* hclient.c */

struct hcred {
	const char	*user;
	const char	*key;		/* private key, or NULL */
	const char	*password;	/* password login when key is NULL */
};

/* prog ("ssh" or "sftp") and the options every test uses, for g. */
void		 hclient_ssh_argv(struct hargv *a, const char *prog,
		    const struct hgate *g, const struct hcred *c);
/* Spawns a, with the SSH_ASKPASS environment for password logins. */
struct hproc	*hclient_ssh_spawn(struct harness *h, const char *name,
		    struct hargv *a, const struct hcred *c);
/*
 * ssh -N -L 127.0.0.1:PORT:target as c; waits until PORT accepts (one
 * probe connection). PORT, or 0 when ssh exited or at the deadline.
 */
uint16_t	 hclient_tunnel(struct harness *h, const struct hgate *g,
		    const struct hcred *c, const char *target,
		    struct hproc **out);
/* python3 scripts/pop3fetch.py fetch on port (LIST, UIDL, RETR all). */
struct hproc	*hclient_poplib_spawn(struct harness *h, uint16_t port);
/* The same with --top: each RETR also checked against TOP N 0 and
 * TOP N 2 (pop3fetch.py exits 1 when they disagree). */
struct hproc	*hclient_poplib_top_spawn(struct harness *h, uint16_t port);
/* Waits for it; 0 when every message matches m, else -1 and why. */
int		 hclient_poplib_verify(struct hproc *p, const struct hmail *m,
		    char *why, size_t whylen);
/* curl RETR of message n on port (n 1-based). */
struct hproc	*hclient_curl_spawn(struct harness *h, uint16_t port,
		    size_t n);
/* Waits for it; 0 when the body matches message n of m, else -1. */
int		 hclient_curl_verify(struct hproc *p, const struct hmail *m,
		    size_t n, char *why, size_t whylen);
/*
 * /usr/bin/python3 tests/integ/py/hostile.py PROBE ARGS... against g, as
 * alice with her key (and the SSH password on stdin); asserts it exits 0
 * (every check it made passed).
 */
void		 hclient_hostile(struct harness *h, const struct hgate *g,
		    const char *probe, const char *const args[]);
/* Fresh tunnel + curl RETR of message 1, then closes it. Asserts. */
void		 hclient_assert_serves(struct harness *h, const struct hgate *g,
		    const struct hmail *m);

/* hfix.c: the usual fixture, Dovecot + popgated in a fresh folder. */

struct hfix {
	struct harness	*h;
	struct hdovecot	 dove;
	struct hgate	 gate;
};

/* Starts Dovecot (with the 20 MiB message when big) and popgated
 * forwarding pop3:110 to it. Asserts. */
void		 hfix_up(struct hfix *f, const char *label, bool big,
		    bool passwords);
/* Stops everything, checks popgated's exit, removes the folder. */
void		 hfix_down(struct hfix *f);

/* The suites main.c runs. */
Suite		*gateway_suite(void);
Suite		*auth_suite(void);
Suite		*refuse_suite(void);
Suite		*cli_suite(void);
Suite		*demo_suite(void);
Suite		*client_suite(void);
Suite		*client_fail_suite(void);
Suite		*client_persist_suite(void);
Suite		*client_trust_suite(void);
Suite		*interop_suite(void);
Suite		*fault_suite(void);
Suite		*limits_suite(void);
Suite		*proxy_suite(void);
Suite		*scale_suite(void);
Suite		*systemd_suite(void);
Suite		*protocols_suite(void);
Suite		*logging_suite(void);
Suite		*docs_suite(void);
Suite		*hostile_suite(void);
Suite		*audit_suite(void);
Suite		*privsep_suite(void);
Suite		*strictmodes_suite(void);
Suite		*backend_tls_suite(void);
Suite		*mailbind_suite(void);

#endif
