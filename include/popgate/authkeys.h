/*
 * authkeys: reads an OpenSSH authorized_keys file (sshd(8) "AUTHORIZED_KEYS
 * FILE FORMAT"): comments, blank lines, every key type libssh knows. Options
 * popgated understands: no-pty, no-agent-forwarding, no-X11-forwarding,
 * no-user-rc, port-forwarding (harmless here, since nothing but forwarding
 * is ever served), restrict (as in sshd it turns forwarding off, so it
 * needs port-forwarding after it) and permitopen="host:port" (repeatable:
 * narrows the forwards this key may open). A line with any other option,
 * or restricted to no forwarding at all, is skipped with a warning, never
 * treated as unrestricted.
 * Runs in the per-connection child, at each publickey attempt.
 */
#ifndef POPGATE_AUTHKEYS_H
#define POPGATE_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libssh/libssh.h>

struct authkeys;
struct authkeys_entry;

struct authkeys	*authkeys_new(void);
void		 authkeys_free(struct authkeys *ak);	/* NULL is fine */

/*
 * Reads every line of fp (name labels messages). Lines that cannot be
 * used (bad base64, unknown type, unknown option) are skipped with a
 * log_warn naming FILE:LINE. -1 only on a read error.
 */
int		 authkeys_read(struct authkeys *ak, FILE *fp, const char *name,
		    char *err, size_t errlen);

/*
 * Opens and reads path. A missing file is an empty set (0), as for sshd.
 * -1 with "path: reason" in err for any other failure.
 */
int		 authkeys_load(const char *path, struct authkeys **out,
		    char *err, size_t errlen);

size_t		 authkeys_count(const struct authkeys *ak);

/* The entry holding key's public half, or NULL. */
const struct authkeys_entry *authkeys_find(const struct authkeys *ak,
		    const ssh_key key);

/*
 * Does the entry allow a forward to (host, port)? true when it has no
 * permitopen option; otherwise host (case-insensitive) and port must
 * match one permitopen ("*" as port matches any port).
 */
bool		 authkeys_entry_permits(const struct authkeys_entry *e,
		    const char *host, unsigned port);

#endif
