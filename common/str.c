/*
 * str: word splitting, number and time parsing, user names, %u patterns
 * and path joining for the config readers. Pure: results or a reason,
 * never a log line.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/str.h"
#include "popgate/xmem.h"

#define STR_USER_MAX	64

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
str_next_word(char **cursor)
{
	char	*p = NULL;
	char	*word = NULL;

	if (*cursor == NULL) {
		return NULL;
	}
	p = *cursor;
	while (is_blank(*p)) {
		p++;
	}
	if (*p == '\0') {
		*cursor = p;
		return NULL;
	}
	if (*p == '"') {
		word = p + 1;
		p = strchr(word, '"');
		if (p == NULL) {
			*cursor = NULL;	/* unclosed quote */
			return NULL;
		}
		*p++ = '\0';
		*cursor = p;
		return word;
	}
	word = p;
	while (*p != '\0' && !is_blank(*p)) {
		p++;
	}
	if (*p != '\0') {
		*p++ = '\0';
	}
	*cursor = p;
	return word;
}

bool
str_word_error(char *const *cursor)
{
	return *cursor == NULL;
}

char *
str_trim(char *s)
{
	size_t	n;

	while (is_blank(*s)) {
		s++;
	}
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1])) {
		s[--n] = '\0';
	}
	return s;
}

/* Leading digits of s into *val; *end past them. false on overflow. */
static bool
parse_digits(const char *s, unsigned long long *val, const char **end)
{
	unsigned long long	v = 0;
	unsigned		d;

	*end = s;
	while (**end >= '0' && **end <= '9') {
		d = (unsigned)(**end - '0');
		if (v > (ULLONG_MAX - d) / 10) {
			return false;
		}
		v = v * 10 + d;
		(*end)++;
	}
	*val = v;
	return *end != s;
}

bool
str_to_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long	 v;
	const char		*end = NULL;

	if (!parse_digits(s, &v, &end) || *end != '\0') {
		return false;
	}
	if (v < min || v > max) {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

bool
str_to_seconds(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long	 v;
	unsigned long long	 mult = 1;
	const char		*end = NULL;

	if (!parse_digits(s, &v, &end)) {
		return false;
	}
	switch (*end) {
	case '\0':
	case 's':
	case 'S':
		break;
	case 'm':
	case 'M':
		mult = 60;
		break;
	case 'h':
	case 'H':
		mult = 3600;
		break;
	default:
		return false;
	}
	if (*end != '\0' && end[1] != '\0') {
		return false;
	}
	if (v > UINT_MAX / mult) {
		return false;
	}
	v *= mult;
	if (v < min || v > max) {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

bool
str_valid_user(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || s[0] == '.' || s[0] == '-') {
		return false;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= STR_USER_MAX) {
			return false;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-') {
			return false;
		}
	}
	return true;
}

/* Checks pattern's escapes; *len gets the expanded length. */
static int
expanded_len(const char *pattern, size_t ulen, size_t *len, char *err,
    size_t errlen)
{
	const char	*p = NULL;

	*len = 0;
	for (p = pattern; *p != '\0'; p++) {
		if (*p != '%') {
			(*len)++;
			continue;
		}
		p++;
		if (*p == 'u') {
			*len += ulen;
		} else if (*p == '%') {
			(*len)++;
		} else if (*p == '\0') {
			snprintf(err, errlen, "'%%' at end of \"%s\"", pattern);
			return -1;
		} else {
			snprintf(err, errlen, "unknown escape \"%%%c\" in "
			    "\"%s\" (only %%u and %%%% are known)", *p,
			    pattern);
			return -1;
		}
	}
	return 0;
}

char *
str_expand_user(const char *pattern, const char *user, char *err,
    size_t errlen)
{
	size_t		 ulen = strlen(user);
	size_t		 len;
	size_t		 o = 0;
	const char	*p = NULL;
	char		*res = NULL;

	if (expanded_len(pattern, ulen, &len, err, errlen) != 0) {
		return NULL;
	}
	res = xmalloc(len + 1);
	for (p = pattern; *p != '\0'; p++) {
		if (*p == '%' && p[1] == 'u') {
			memcpy(res + o, user, ulen);
			o += ulen;
			p++;
			continue;
		}
		if (*p == '%') {
			p++;	/* "%%" */
		}
		res[o++] = *p;
	}
	res[o] = '\0';
	return res;
}

char *
str_path_join(const char *dir, const char *rel)
{
	size_t	n;

	if (dir == NULL || rel[0] == '/' || dir[0] == '\0') {
		return xstrdup(rel);
	}
	n = strlen(dir);
	if (dir[n - 1] == '/') {
		return xasprintf("%s%s", dir, rel);
	}
	return xasprintf("%s/%s", dir, rel);
}

char *
str_dirname(const char *path)
{
	size_t	n = strlen(path);
	char	*d = NULL;

	/* POSIX dirname(3) rules, without its static buffer. */
	while (n > 1 && path[n - 1] == '/') {
		n--;
	}
	while (n > 0 && path[n - 1] != '/') {
		n--;
	}
	if (n == 0) {
		return xstrdup(".");
	}
	while (n > 1 && path[n - 1] == '/') {
		n--;
	}
	d = xmalloc(n + 1);
	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}
