/*
 * auth: user authentication for one connection (gateway child). publickey
 * from AuthorizedKeysFile (read at each attempt, as sshd does) and password
 * from the PasswordFile loaded by the parent, or with PasswordBackend pop3
 * by a login at the POP3 backend (pop3auth.h). Unknown users get the same
 * answers, and cost the same crypt(3) time, as wrong passwords. Counts
 * failures against MaxAuthTries. One log line per attempt.
 */
#ifndef POPGATE_AUTH_H
#define POPGATE_AUTH_H

#include <stdbool.h>

#include <libssh/libssh.h>

struct servconf;
struct pwfile;

struct auth;

/* pw may be NULL (no password auth). Both stay the caller's. */
struct auth	*auth_new(const struct servconf *sc, const struct pwfile *pw,
		    const char *peer);
void		 auth_free(struct auth *a);	/* NULL is fine */

/* SSH_AUTH_METHOD_* bits this configuration offers. */
int		 auth_methods(const struct auth *a);

/* Server callbacks' work: return SSH_AUTH_SUCCESS or SSH_AUTH_DENIED. */
int		 auth_password(struct auth *a, const char *user,
		    const char *password);
/*
 * state is the libssh signature state: NONE (a key offered without a
 * signature: SUCCESS means "this key would do"), VALID (logs in), WRONG
 * or ERROR (always denied).
 */
int		 auth_pubkey(struct auth *a, const char *user, ssh_key key,
		    int state);
/* Any other method (none, keyboard-interactive, ...): denied, counted. */
void		 auth_other(struct auth *a, const char *user,
		    const char *method);

bool		 auth_succeeded(const struct auth *a);
/* Attempts other than "none" (probes too), and the failed ones. */
unsigned	 auth_attempts(const struct auth *a);
unsigned	 auth_failures(const struct auth *a);
/* MaxAuthTries failures reached: disconnect. */
bool		 auth_exhausted(const struct auth *a);
/* The logged-in user; "" before success. */
const char	*auth_user(const struct auth *a);

/*
 * May the logged-in user open a forward to (host, port)? Narrowed by the
 * permitopen options of the key used; true for password logins.
 */
bool		 auth_permits(const struct auth *a, const char *host,
		    unsigned port);

#endif
