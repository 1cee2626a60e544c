/*
 * strictmodes: StrictModes, as sshd(8) means it. A file popgated trusts
 * must not be changeable by anyone but root or the account popgated was
 * started as: the file itself and every folder on its path (as given and
 * after resolving symbolic links) must be owned by one of the two and not
 * writable by group or others; a folder writable by others is accepted
 * only with the sticky bit (/tmp), where nobody can rename or delete what
 * another user owns. Private host keys must in addition be unreadable by
 * group and others, and PasswordFile unreadable by others.
 *
 * Does stat(2) and no logging: the reason, naming the file and the
 * command that fixes it, goes into err. The trusted account is process
 * state, set once before a session process drops its privileges.
 */
#ifndef POPGATE_STRICTMODES_H
#define POPGATE_STRICTMODES_H

#include <stddef.h>
#include <sys/types.h>

enum strictmodes_kind {
	STRICTMODES_HOSTKEY,	/* private key: owner-only (600) */
	STRICTMODES_PASSWORDS,	/* PasswordFile: hashes, 600 or 640 */
	STRICTMODES_AUTHKEYS	/* authorized_keys: public, 644 */
};

/*
 * Files and folders owned by uid (besides root) are trusted. Call it in
 * the parent with getuid() before any session process is forked; 0 (only
 * root) when never called.
 */
void	strictmodes_trust(uid_t uid);

/*
 * 0 when path (and its folders) may be trusted for kind, and when it does
 * not exist (its loader reports that in its own words); -1 with "PATH:
 * why; fix: COMMAND" in err otherwise.
 */
int	strictmodes_check(const char *path, enum strictmodes_kind kind,
	    char *err, size_t errlen);

#endif
