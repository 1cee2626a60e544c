/*
 * profile: popgate's profile file (-F FILE, else
 * $XDG_CONFIG_HOME/popgate/config, else ~/.config/popgate/config), Host
 * blocks that give a name to a gateway and the options to reach it:
 *
 *   Host work
 *       Gateway gw.example.org
 *       User alice
 *       Forward 1110:pop3:110
 *       Forward 1143:imap:143
 *       Persist yes
 *
 * Every keyword stands for one command line option and its value goes
 * through that option's own parser (opts_set), so a value means the same
 * and is checked the same way in both places. A block becomes a layer of
 * options for opts_scan(), the command line the next one.
 *
 * Pure: reads the file through cfgfile and does no other I/O, no
 * logging; errors go into err as "FILE:LINE: reason". A struct profile
 * owns every string it hands out.
 */
#ifndef POPGATE_PROFILE_H
#define POPGATE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "popgate/addr.h"
#include "popgate/cfgfile.h"

#define PROFILE_NAME_MAX	64	/* bytes of a Host name */
/* "USER@GATEWAY" as profile_host_dest() writes it. */
#define PROFILE_DEST_MAX	(64 + 1 + ADDR_HOSTLEN + 2)

struct profile;
struct profile_host;

/*
 * Reads the file at path. home expands a leading "~/" in file names
 * (NULL: such a name is an error); other relative names are taken from
 * path's folder. NULL with the reason in err.
 */
struct profile	*profile_load(const char *path, const char *home, char *err,
		    size_t errlen);
/* The same from an open cfgfile (still the caller's); for tests. */
struct profile	*profile_read(struct cfgfile *cf, const char *home,
		    char *err, size_t errlen);
void		 profile_free(struct profile *p);	/* NULL is fine */

/* Host blocks in the file. */
size_t		 profile_count(const struct profile *p);
/* The block named exactly name, or NULL. */
const struct profile_host *profile_find(const struct profile *p,
		    const char *name);
/* "work, home": the names in file order, cut with "..." to fit. */
void		 profile_names(const struct profile *p, char *buf,
		    size_t len);

/*
 * What popgate's [USER@]NAME argument dest means. 0 with *out the block
 * when NAME names one, *out NULL when NAME is a gateway host; -1 with
 * the available profiles in err when NAME names no block but must: when
 * required (the file was given with -F), or when NAME is one word (no
 * '.', ':' or '[', not localhost) and the file has blocks: a mistyped
 * profile, not a gateway. p may be NULL (no file): a gateway.
 */
int		 profile_resolve(const struct profile *p, const char *dest,
		    bool required, const struct profile_host **out,
		    char *err, size_t errlen);

const char	*profile_host_name(const struct profile_host *h);
/* The block's options, as opts_scan() takes them; valid while p is. */
char *const	*profile_host_argv(const struct profile_host *h, int *argc);
/*
 * The [USER@]GATEWAY to put in opts.dest for dest ("[USER@]NAME"): the
 * block's Gateway (its name when it has none), with dest's USER@ if any.
 * buf holds PROFILE_DEST_MAX bytes.
 */
void		 profile_host_dest(const struct profile_host *h,
		    const char *dest, char *buf, size_t len);

#endif
