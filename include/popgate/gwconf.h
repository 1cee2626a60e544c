/*
 * gwconf: one generation of what popgated serves with: the configuration,
 * an ssh_bind holding its host keys and algorithms, and the password
 * file. Made whole or not at all, so a reload (SIGHUP) either switches
 * every part at once or leaves the running generation serving. A forked
 * session keeps the generation it was forked with (its own copy of the
 * parent's memory), whatever the parent loads later.
 */
#ifndef POPGATE_GWCONF_H
#define POPGATE_GWCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/servconf.h"

struct pwfile;

struct gwconf {
	struct servconf	 sc;
	ssh_bind	 bind;		/* host keys, algorithms */
	struct pwfile	*pw;		/* NULL without PasswordFile */
	struct stat	 pw_stat;	/* of the file pw was read from */
};

/*
 * servconf_load (backends resolved) and then gwconf_adopt. NULL with
 * "FILE:LINE: message" (or the key or password file's error) in err and
 * in *what the log event it makes: "config-failed", "hostkey-failed",
 * "algorithms-refused", "passwords-failed", "mailbox-map-failed",
 * "backend-ca-failed" (or a "...-refused check=StrictModes") or
 * "out-of-memory". On success the process's backend TLS context
 * (backtls.h) is the new generation's.
 */
struct gwconf	*gwconf_load(const char *path, char *const *opts,
		    size_t nopts, const char **what, char *err, size_t errlen);
/*
 * Takes over the loaded *sc (left empty), loads its host keys into a new
 * bind and reads the password file. NULL with the reason in err and
 * *what as above (then *sc is freed).
 */
struct gwconf	*gwconf_adopt(struct servconf *sc, const char **what,
		    char *err, size_t errlen);
void		 gwconf_free(struct gwconf *g);		/* NULL is fine */

/*
 * Reads the password file again when it changed on disk since it was
 * read (`popgated passwd`). 1 when reloaded, 0 when unchanged (or there
 * is none), -1 with the reason in err (the old one stays).
 */
int		 gwconf_refresh_passwords(struct gwconf *g, char *err,
		    size_t errlen);

#endif
