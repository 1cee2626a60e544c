/*
 * pwfile: the PasswordFile, "user:hash" lines (crypt(3) hashes, yescrypt
 * by default), '#' comments and blank lines. Checking runs crypt(3) for
 * unknown users too, against a dummy hash of the same kind, so an unknown
 * user costs the same time as a wrong password (no account enumeration).
 */
#ifndef POPGATE_PWFILE_H
#define POPGATE_PWFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct pwfile;

struct pwfile	*pwfile_new(void);
void		 pwfile_free(struct pwfile *pw);	/* NULL is fine; wipes */

/*
 * Reads fp; name labels errors. A bad line (no ':', bad user name, empty
 * hash, duplicate user) is an error "FILE:LINE: reason": -1.
 */
int		 pwfile_read(struct pwfile *pw, FILE *fp, const char *name,
		    char *err, size_t errlen);
/* Opens and reads path. -1 with the reason in err. */
int		 pwfile_load(const char *path, struct pwfile **out, char *err,
		    size_t errlen);

size_t		 pwfile_count(const struct pwfile *pw);
bool		 pwfile_has_user(const struct pwfile *pw, const char *user);

/*
 * true only when user is listed and password matches its hash. Hashes
 * that cannot match ("*", "!...", "") deny. Takes the same crypt(3) time
 * for an unknown user.
 */
bool		 pwfile_check(const struct pwfile *pw, const char *user,
		    const char *password);

/* A new yescrypt hash of password (crypt_gensalt "$y$"). NULL on error. */
char		*pwfile_hash(const char *password);

/*
 * Sets user's password in the file at path: replaces the user's line or
 * appends one, keeping every other line (comments too) as it was. Writes
 * a temporary file in the same folder and renames it over path (mode 0600
 * for a new file, the old mode otherwise). -1 with the reason in err.
 */
int		 pwfile_set(const char *path, const char *user,
		    const char *password, char *err, size_t errlen);

#endif
