/*
 * cfgfile: sshd_config-style line reader over a file or a string. It only
 * splits "Keyword value" / "Keyword=value"; what the words mean is the
 * caller's business. Every error carries FILE:LINE.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/cfgfile.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

struct cfgfile {
	char		*name;
	FILE		*fp;		/* NULL when reading text */
	char		*text;		/* owned copy, NULL when reading fp */
	size_t		 pos;
	unsigned	 line;
	char		*buf;		/* the current line */
	size_t		 bufsize;
};

struct cfgfile *
cfgfile_open(const char *path, char *err, size_t errlen)
{
	struct cfgfile	*cf = NULL;
	FILE		*fp = NULL;

	fp = fopen(path, "re");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cf = xcalloc(1, sizeof(*cf));
	cf->name = xstrdup(path);
	cf->fp = fp;
	return cf;
}

struct cfgfile *
cfgfile_from_string(const char *name, const char *text)
{
	struct cfgfile	*cf = xcalloc(1, sizeof(*cf));

	cf->name = xstrdup(name);
	cf->text = xstrdup(text);
	return cf;
}

void
cfgfile_free(struct cfgfile *cf)
{
	if (cf == NULL) {
		return;
	}
	if (cf->fp != NULL) {
		fclose(cf->fp);
	}
	free(cf->name);
	free(cf->text);
	free(cf->buf);
	free(cf);
}

const char *
cfgfile_name(const struct cfgfile *cf)
{
	return cf->name;
}

unsigned
cfgfile_line(const struct cfgfile *cf)
{
	return cf->line;
}

void
cfgfile_error(const struct cfgfile *cf, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "%s:%u: ", cf->name, cf->line);
	if (n < 0 || (size_t)n >= errlen) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Next line of the string into cf->buf; its length in *len. 1 or 0. */
static int
read_text(struct cfgfile *cf, size_t *len)
{
	const char	*start = cf->text + cf->pos;
	const char	*nl = NULL;
	size_t		 n;

	if (*start == '\0') {
		return 0;
	}
	nl = strchr(start, '\n');
	n = nl != NULL ? (size_t)(nl - start) + 1 : strlen(start);
	if (n + 1 > cf->bufsize) {
		cf->buf = xreallocarray(cf->buf, n + 1, 1);
		cf->bufsize = n + 1;
	}
	memcpy(cf->buf, start, n);
	cf->buf[n] = '\0';
	cf->pos += n;
	*len = n;
	return 1;
}

/* One raw line (newline kept) into cf->buf. 1, 0 at end, -1 on error. */
static int
read_raw(struct cfgfile *cf, size_t *len, char *err, size_t errlen)
{
	ssize_t	n;

	if (cf->fp == NULL) {
		return read_text(cf, len);
	}
	errno = 0;
	n = getline(&cf->buf, &cf->bufsize, cf->fp);
	if (n < 0) {
		if (ferror(cf->fp)) {
			snprintf(err, errlen, "%s: read error: %s", cf->name,
			    strerror(errno != 0 ? errno : EIO));
			return -1;
		}
		return 0;
	}
	*len = (size_t)n;
	return 1;
}

/* Splits the trimmed line s into keyword and arguments. */
static int
split_line(struct cfgfile *cf, char *s, char **keyword, char **args,
    char *err, size_t errlen)
{
	char	*p = s;

	while (*p != '\0' && *p != '=' && *p != ' ' && *p != '\t') {
		p++;
	}
	if (p == s) {
		cfgfile_error(cf, err, errlen, "missing keyword before '='");
		return -1;
	}
	*keyword = s;
	while (*p == ' ' || *p == '\t') {
		*p++ = '\0';
	}
	if (*p == '=') {
		*p++ = '\0';
	}
	*args = str_trim(p);
	return 1;
}

int
cfgfile_next(struct cfgfile *cf, char **keyword, char **args, char *err,
    size_t errlen)
{
	size_t	 len = 0;
	char	*s = NULL;
	int	 rc;

	*keyword = NULL;
	*args = NULL;
	for (;;) {
		rc = read_raw(cf, &len, err, errlen);
		if (rc <= 0) {
			return rc;
		}
		cf->line++;
		if (strlen(cf->buf) != len) {
			cfgfile_error(cf, err, errlen, "NUL byte in line");
			return -1;
		}
		if (len > 0 && cf->buf[len - 1] == '\n') {
			len--;
		}
		if (len > CFGFILE_LINE_MAX) {
			cfgfile_error(cf, err, errlen,
			    "line too long (max %d bytes)", CFGFILE_LINE_MAX);
			return -1;
		}
		s = str_trim(cf->buf);
		if (*s != '\0' && *s != '#') {
			return split_line(cf, s, keyword, args, err, errlen);
		}
	}
}
