/*
 * privsep: the session processes give up root. Started as root, popgated
 * looks User up once, before serving (privsep_init); every forked session
 * process then calls privsep_drop() before it reads a byte from the
 * network: supplementary groups, gid and uid (real, effective and saved)
 * all become User's, it checks there is no way back (setuid(0) fails)
 * and sets PR_SET_NO_NEW_PRIVS. The listening parent stays root: it binds,
 * loads the host keys and (re)reads PasswordFile, so those can be root's
 * alone. A session reads AuthorizedKeysFile itself, after the drop, at
 * each publickey attempt (edits apply at once): those files must be
 * readable by User, and StrictModes keeps them unwritable by it. Started
 * as anyone else, popgated runs as that user and the sessions only set
 * PR_SET_NO_NEW_PRIVS.
 *
 * State: the looked-up account, process-wide like the credentials it
 * describes; set by privsep_init() in the parent, inherited by fork.
 */
#ifndef POPGATE_PRIVSEP_H
#define POPGATE_PRIVSEP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Resolves user when running as root (and logs who the sessions will run
 * as, or that popgated was not started as root). -1 with the reason and
 * the useradd line that fixes it in err when the account is missing.
 */
int	privsep_init(const char *user, char *err, size_t errlen);

/*
 * In a session process, before any network input: drop to the account
 * privsep_init() found and make that irreversible, then set
 * PR_SET_NO_NEW_PRIVS. 0, or -1 (logged): the process must exit.
 */
int	privsep_drop(void);

/* Does privsep_drop() change the uid (started as root)? */
bool	privsep_enabled(void);

#endif
