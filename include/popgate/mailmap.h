/*
 * mailmap: the MailboxMap file, which mailbox an SSH user may open (with
 * BindMailbox) and logs in as (with PasswordBackend pop3). One
 * "SSHUSER MAILBOX" a line, '#' comments and blank lines skipped; a user
 * the file does not list gets the mailbox of the same name, as when there
 * is no map at all. Read by the parent at start (errors are fatal, with
 * FILE:LINE) and again by each connection's process when it needs a name,
 * so an edit takes effect for new tunnels without a restart. No logging.
 */
#ifndef POPGATE_MAILMAP_H
#define POPGATE_MAILMAP_H

#include <stdbool.h>
#include <stddef.h>

struct mailmap;

/*
 * Reads path. -1 with "FILE:LINE: reason" (bad SSH user name, bad
 * mailbox name, a user listed twice, not two words) or "FILE: reason".
 */
int		 mailmap_load(const char *path, struct mailmap **out,
		    char *err, size_t errlen);
void		 mailmap_free(struct mailmap *mm);	/* NULL is fine */

/* user's mailbox: the map's, else user itself. mm may be NULL. */
const char	*mailmap_lookup(const struct mailmap *mm, const char *user);

/*
 * The mailbox for user with the map at path (NULL: no map) read now,
 * copied into buf; with strict, only from a map StrictModes trusts (as an
 * authorized_keys file: nobody but root may change it). -1 with the
 * reason in err (the map is not trusted or cannot be read, or the name
 * does not fit buf).
 */
int		 mailmap_resolve(const char *path, bool strict,
		    const char *user, char *buf, size_t len, char *err,
		    size_t errlen);

#endif
