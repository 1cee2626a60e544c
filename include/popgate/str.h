/*
 * str: small string helpers shared by the config readers and the
 * programs. No I/O, no logging.
 */
#ifndef POPGATE_STR_H
#define POPGATE_STR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Splits the next word off *cursor: skips blanks, takes a "double quoted"
 * word (no escapes) or a run of non-blanks, NUL-terminates it in place and
 * advances *cursor. Returns NULL at end of input, or when a quote is not
 * closed (then *cursor is set to NULL so the caller can tell: see
 * str_word_error()).
 */
char	*str_next_word(char **cursor);
/* true when the last str_next_word() stopped at an unclosed quote. */
bool	 str_word_error(char *const *cursor);

/* Strips leading and trailing blanks (space, tab, CR, LF) in place. */
char	*str_trim(char *s);

/* Decimal unsigned in [min, max], nothing else. */
bool	 str_to_uint(const char *s, unsigned min, unsigned max,
	    unsigned *out);

/*
 * A time in seconds: "30", "30s", "5m", "1h" (one unit, no sign), in
 * [min, max] seconds.
 */
bool	 str_to_seconds(const char *s, unsigned min, unsigned max,
	    unsigned *out);

/*
 * A user name popgate accepts: [A-Za-z0-9._-]{1,64}, not starting with
 * '.' (so %u can never walk out of a folder) nor '-'.
 */
bool	 str_valid_user(const char *s);

/*
 * Expands %u (user) and %% in pattern. Any other %x is an error.
 * Returns a new string, or NULL with the reason in err.
 */
char	*str_expand_user(const char *pattern, const char *user, char *err,
	    size_t errlen);

/*
 * dir/rel when rel is relative, a copy of rel when it is absolute.
 * dir may be NULL (then a copy of rel).
 */
char	*str_path_join(const char *dir, const char *rel);

/* Folder part of a path ("." when it has none). New string. */
char	*str_dirname(const char *path);

#endif
