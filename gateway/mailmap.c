/*
 * mailmap: a handful of lines, searched once per tunnel: a plain array.
 * The lines go through cfgfile (the user is its "keyword"), so FILE:LINE
 * errors look like the config file's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/cfgfile.h"
#include "popgate/mailbind.h"
#include "popgate/mailmap.h"
#include "popgate/str.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

struct mailmap_entry {
	char	*user;
	char	*mailbox;
};

struct mailmap {
	struct mailmap_entry	*v;
	size_t			 n;
};

void
mailmap_free(struct mailmap *mm)
{
	size_t	i;

	if (mm == NULL) {
		return;
	}
	for (i = 0; i < mm->n; i++) {
		free(mm->v[i].user);
		free(mm->v[i].mailbox);
	}
	free(mm->v);
	free(mm);
}

static int
add_line(struct mailmap *mm, const struct cfgfile *cf, const char *user,
    char *args, char *err, size_t errlen)
{
	char	*cursor = args;
	char	*box = str_next_word(&cursor);

	if (!str_valid_user(user)) {
		cfgfile_error(cf, err, errlen, "bad SSH user name \"%.64s\"",
		    user);
		return -1;
	}
	if (box == NULL || str_next_word(&cursor) != NULL) {
		cfgfile_error(cf, err, errlen, "expected \"SSHUSER MAILBOX\"");
		return -1;
	}
	if (!mailbind_valid_mailbox(box)) {
		cfgfile_error(cf, err, errlen, "bad mailbox name \"%.130s\" "
		    "(1 to %d printable characters, no blanks)", box,
		    MAILBIND_MAILBOX_MAX);
		return -1;
	}
	if (mailmap_lookup(mm, user) != user) {
		cfgfile_error(cf, err, errlen, "%s listed twice", user);
		return -1;
	}
	mm->v = xreallocarray(mm->v, mm->n + 1, sizeof(*mm->v));
	mm->v[mm->n].user = xstrdup(user);
	mm->v[mm->n].mailbox = xstrdup(box);
	mm->n++;
	return 0;
}

int
mailmap_load(const char *path, struct mailmap **out, char *err,
    size_t errlen)
{
	struct mailmap	*mm = NULL;
	struct cfgfile	*cf = NULL;
	char		*user = NULL, *args = NULL;
	int		 rc = -1, r;

	*out = NULL;
	cf = cfgfile_open(path, err, errlen);
	if (cf == NULL) {
		return -1;
	}
	mm = xcalloc(1, sizeof(*mm));
	while ((r = cfgfile_next(cf, &user, &args, err, errlen)) > 0) {
		if (add_line(mm, cf, user, args, err, errlen) != 0) {
			goto out;
		}
	}
	if (r < 0) {
		goto out;
	}
	*out = mm;
	mm = NULL;
	rc = 0;
out:
	mailmap_free(mm);
	cfgfile_free(cf);
	return rc;
}

const char *
mailmap_lookup(const struct mailmap *mm, const char *user)
{
	size_t	i;

	for (i = 0; mm != NULL && i < mm->n; i++) {
		if (strcmp(mm->v[i].user, user) == 0) {
			return mm->v[i].mailbox;
		}
	}
	return user;
}

int
mailmap_resolve(const char *path, bool strict, const char *user, char *buf,
    size_t len, char *err, size_t errlen)
{
	struct mailmap	*mm = NULL;
	const char	*box = NULL;
	int		 rc = -1;

	if (path != NULL && strict && strictmodes_check(path,
	    STRICTMODES_AUTHKEYS, err, errlen) != 0) {
		return -1;
	}
	if (path != NULL && mailmap_load(path, &mm, err, errlen) != 0) {
		return -1;
	}
	box = mailmap_lookup(mm, user);
	if (strlen(box) >= len) {
		snprintf(err, errlen, "mailbox name of %.64s too long", user);
	} else {
		snprintf(buf, len, "%s", box);
		rc = 0;
	}
	mailmap_free(mm);
	return rc;
}
