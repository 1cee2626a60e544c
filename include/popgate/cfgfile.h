/*
 * cfgfile: reads "Keyword value..." lines (sshd_config style): blank lines
 * and '#' comments skipped, "Keyword=value" accepted, keyword returned
 * as written. Tracks FILE:LINE for error messages. No logging.
 */
#ifndef POPGATE_CFGFILE_H
#define POPGATE_CFGFILE_H

#include <stddef.h>
#include <stdio.h>

#define CFGFILE_LINE_MAX	4096

struct cfgfile;

/* Opens path for reading. NULL with "path: reason" in err. */
struct cfgfile	*cfgfile_open(const char *path, char *err, size_t errlen);
/* Reads from a string (for -o options and tests); name labels errors. */
struct cfgfile	*cfgfile_from_string(const char *name, const char *text);
void		 cfgfile_free(struct cfgfile *cf);	/* NULL is fine */

/*
 * Next non-blank, non-comment line: *keyword and *args point into the
 * cfgfile's own buffer (valid until the next call); *args is trimmed and
 * may be "" when the line has no value. Returns 1 for a line, 0 at end,
 * -1 on error (line too long, NUL byte, read error) with err set to
 * "FILE:LINE: reason".
 */
int		 cfgfile_next(struct cfgfile *cf, char **keyword, char **args,
		    char *err, size_t errlen);

const char	*cfgfile_name(const struct cfgfile *cf);
unsigned	 cfgfile_line(const struct cfgfile *cf);

/* Writes "FILE:LINE: " + message into err. */
void		 cfgfile_error(const struct cfgfile *cf, char *err,
		    size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

#endif
