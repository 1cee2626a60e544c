/*
 * strictmodes: folders are checked up to "/", not just up to a home as
 * sshd does: popgated's files have no owning user, and a writable folder
 * anywhere above a file lets its owner swap the file for another. Both the
 * path as configured and its resolved form are walked, so a symbolic link
 * is only as trusted as the folder that holds it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

static uid_t	trusted_uid;	/* besides root; set before dropping */

void
strictmodes_trust(uid_t uid)
{
	trusted_uid = uid;
}

static bool
trusted_owner(uid_t uid)
{
	return uid == 0 || uid == trusted_uid;
}

/* " or uid N" when someone besides root is trusted. */
static const char *
also_trusted(char *buf, size_t len)
{
	buf[0] = '\0';
	if (trusted_uid != 0) {
		snprintf(buf, len, " or uid %u", (unsigned)trusted_uid);
	}
	return buf;
}

/* One folder above file. */
static int
check_dir(const char *file, const char *dir, char *err, size_t errlen)
{
	struct stat	st;
	char		also[32];

	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "%s: folder %s: %s", file, dir,
		    strerror(errno));
		return -1;
	}
	if (!trusted_owner(st.st_uid)) {
		snprintf(err, errlen, "%s: its folder %s is owned by uid %u, "
		    "not by root%s; fix: chown root %s", file, dir,
		    (unsigned)st.st_uid, also_trusted(also, sizeof(also)), dir);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st.st_mode & S_ISVTX) == 0) {
		snprintf(err, errlen, "%s: its folder %s has mode %04o, "
		    "writable by group or others, who could replace the file; "
		    "fix: chmod go-w %s", file, dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* Every folder above path, up to "/" (or the first of a relative one). */
static int
check_dirs(const char *file, const char *path, char *err, size_t errlen)
{
	char	*dir = xstrdup(path);
	char	*slash = NULL;
	int	 rc = 0;

	while (rc == 0 && (slash = strrchr(dir, '/')) != NULL) {
		if (slash == dir) {
			slash[1] = '\0';	/* "/" itself, then done */
			rc = check_dir(file, dir, err, errlen);
			break;
		}
		*slash = '\0';
		rc = check_dir(file, dir, err, errlen);
	}
	free(dir);
	return rc;
}

/* The mode bits kind forbids, and the chmod that clears them. */
static int
check_mode(const char *path, mode_t mode, enum strictmodes_kind kind,
    char *err, size_t errlen)
{
	unsigned	m = (unsigned)(mode & 07777);

	switch (kind) {
	case STRICTMODES_HOSTKEY:
		if ((mode & (S_IRWXG | S_IRWXO)) == 0) {
			return 0;
		}
		snprintf(err, errlen, "%s: private key with mode %04o, open to "
		    "group or others; fix: chmod 600 %s", path, m, path);
		return -1;
	case STRICTMODES_PASSWORDS:
		if ((mode & (S_IWGRP | S_IRWXO)) == 0) {
			return 0;
		}
		snprintf(err, errlen, "%s: password hashes with mode %04o, "
		    "%s; fix: chmod 600 %s", path, m, (mode & S_IWGRP) != 0 ?
		    "writable by group" : "open to others", path);
		return -1;
	case STRICTMODES_AUTHKEYS:
	default:
		if ((mode & (S_IWGRP | S_IWOTH)) == 0) {
			return 0;
		}
		snprintf(err, errlen, "%s: mode %04o, writable by group or "
		    "others; fix: chmod go-w %s", path, m, path);
		return -1;
	}
}

int
strictmodes_check(const char *path, enum strictmodes_kind kind, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		 also[32];
	char		*real = NULL;
	int		 rc = -1;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (!trusted_owner(st.st_uid)) {
		snprintf(err, errlen, "%s: owned by uid %u, not by root%s; "
		    "fix: chown root %s", path, (unsigned)st.st_uid,
		    also_trusted(also, sizeof(also)), path);
		return -1;
	}
	if (check_mode(path, st.st_mode, kind, err, errlen) != 0 ||
	    check_dirs(path, path, err, errlen) != 0) {
		return -1;
	}
	real = realpath(path, NULL);
	if (real == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (strcmp(real, path) == 0 ||
	    check_dirs(path, real, err, errlen) == 0) {
		rc = 0;
	}
	free(real);
	return rc;
}
