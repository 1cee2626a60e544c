/*
 * userauth: authenticates popgate's session: publickey (-i FILE, or the
 * agent then ~/.ssh/id_ed25519, id_ecdsa, id_rsa; passphrases asked on
 * the terminal), then password (--password-file, or the terminal).
 */
#ifndef POPGATE_USERAUTH_H
#define POPGATE_USERAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include <libssh/libssh.h>

#include "popgate/opts.h"

#define USERAUTH_OK		0
#define USERAUTH_DENIED		(-1)	/* exit code 4 */
#define USERAUTH_ERROR		(-2)	/* network or protocol: 6 */
#define USERAUTH_CONFIG		(-3)	/* unusable file: 2 */

/*
 * Secrets asked for once, kept for reconnects: after the ready line
 * nobody may be at the terminal, and a reconnect must not wait for them.
 */
struct userauth_cache {
	ssh_key	 key;		/* the -i key, decrypted */
	char	*password;	/* typed at the terminal */
};

/* Frees and wipes what the cache holds; it is then empty. */
void	userauth_cache_clear(struct userauth_cache *c);

/*
 * Authenticates; asks the terminal only when interactive. Fills cache
 * with what it had to ask. Logs why it failed.
 */
int	userauth_run(ssh_session s, const struct opts *o,
	    struct userauth_cache *cache, bool interactive);

/*
 * Reads the first line of a password file. Refused (-1, reason in err)
 * when the file is readable or writable by group or others, as ssh
 * refuses such private keys. *out is a new string (xfree_secret it).
 */
int	userauth_password_file(const char *path, char **out, char *err,
	    size_t errlen);

#endif
