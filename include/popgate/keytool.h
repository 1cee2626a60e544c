/*
 * keytool: popgated's sub-commands for admins. keygen creates the missing
 * HostKey files (ed25519, mode 0600, with .pub); fingerprint prints each
 * host key exactly as `ssh-keygen -lf KEY.pub` does, to publish; passwd
 * sets a user's password in PasswordFile. Each returns an exit status.
 */
#ifndef POPGATE_KEYTOOL_H
#define POPGATE_KEYTOOL_H

#include <stddef.h>

#include <libssh/libssh.h>

struct servconf;

int	keytool_keygen(const struct servconf *sc);
int	keytool_fingerprint(const struct servconf *sc);
int	keytool_passwd(const struct servconf *sc, const char *user);

/*
 * Loads the private host key at path. NULL with a message naming the
 * file and the fix (`popgated keygen`) in err.
 */
ssh_key	keytool_load_hostkey(const char *path, char *err, size_t errlen);

#endif
