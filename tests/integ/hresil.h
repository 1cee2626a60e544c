/*
 * hresil.h: what the gateway's fault and limit suites (check_fault.c,
 * check_limits.c) use beyond harness.h: fake backends for the faults a
 * real Dovecot will not produce on demand, SSH tunnels from another
 * loopback source address, and a look at the memory and the status of a
 * running popgated. Same rules as harness.h: every process registered,
 * stopped by pid, loopback only, every wait bounded.
 *
 * Modules (file = prefix): hfault.c.
 */
#ifndef POPGATE_INTEG_HRESIL_H
#define POPGATE_INTEG_HRESIL_H

#include "harness.h"

/*
 * A TCP proxy (hproc_fork) on a free port in front of 127.0.0.1:backend.
 * The first connection that has carried reset_after bytes from the
 * backend is cut there: both of its sockets are reset (RST). Later
 * connections pass untouched. Returns its port. Asserts.
 */
uint16_t	 hfault_proxy_start(struct harness *h, uint16_t backend,
		    size_t reset_after);
/*
 * A fake POP3 server (hproc_fork) on a free port: "+OK" greeting, "+OK"
 * to every command but RETR, which gets "+OK", bytes octets of text lines
 * and the ".\r\n" terminator as fast as the connection takes them.
 * Returns its port. Asserts.
 */
uint16_t	 hfault_firehose_start(struct harness *h, uint64_t bytes);

/*
 * ssh -N -L 127.0.0.1:PORT:target as c from source address src (ssh -b),
 * with any extra ssh options (NULL-terminated, may be NULL); waits until
 * PORT accepts. PORT, or 0 when ssh exited or at the deadline.
 */
uint16_t	 hfault_tunnel(struct harness *h, const struct hgate *g,
		    const struct hcred *c, const char *target,
		    const char *src, struct hproc **out);
/* ssh -N (no forward) as c from src: a session and nothing else. */
struct hproc	*hfault_session(struct harness *h, const struct hgate *g,
		    const struct hcred *c, const char *src);

/*
 * Rewrites g's config: every "keyword ..." line goes, and "keyword
 * value" is appended (value NULL: only removed). Asserts.
 */
void		 hfault_conf_set(const struct hgate *g, const char *keyword,
		    const char *value);

/* The pid of the session process named in the n-th log line holding
 * every string of match (HLINE). Asserts. */
pid_t		 hfault_session_pid(const struct hgate *g, size_t n,
		    const char *const match[]);
/* VmRSS of pid in KiB, or 0 when it cannot be read. */
unsigned long	 hfault_rss_kib(pid_t pid);
/* Runs `popgated status -f CONF` (--json when json); its status, and
 * the process in *out for its files. */
int		 hfault_status(struct harness *h, const struct hgate *g,
		    bool json, struct hproc **out);

#endif
