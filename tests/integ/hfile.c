/*
 * hfile: small file helpers for the tests: write a formatted file, read
 * one whole, search it, walk or remove a tree without following links.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

int
hfile_walk(const char *path,
    int (*fn)(const char *, const struct stat *, void *), void *arg)
{
	struct stat	 st;
	DIR		*d = NULL;
	struct dirent	*de = NULL;
	char		 sub[HARNESS_PATH];
	int		 rc = 0;

	if (lstat(path, &st) != 0) {
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		d = opendir(path);
		while (d != NULL && rc == 0 && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0) {
				continue;
			}
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			rc = hfile_walk(sub, fn, arg);
		}
		if (d != NULL) {
			closedir(d);
		}
	}
	return rc != 0 ? rc : fn(path, &st, arg);
}

static int
rm_cb(const char *path, const struct stat *st, void *arg)
{
	(void)st;
	(void)arg;
	if (remove(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "check_integ: remove %s: %s\n", path,
		    strerror(errno));
	}
	return 0;
}

void
hfile_remove(const char *path)
{
	hfile_walk(path, rm_cb, NULL);
}

int
hfile_write(const char *path, int mode, const char *fmt, ...)
{
	FILE	*fp = NULL;
	va_list	 ap;
	int	 rc = 0;

	fp = fopen(path, "we");
	if (fp == NULL) {
		return -1;
	}
	va_start(ap, fmt);
	if (vfprintf(fp, fmt, ap) < 0) {
		rc = -1;
	}
	va_end(ap);
	if (fclose(fp) != 0 || chmod(path, (mode_t)mode) != 0) {
		rc = -1;
	}
	return rc;
}

char *
hfile_slurp(const char *path, size_t *len)
{
	FILE	*fp = NULL;
	char	*buf = NULL, *tmp = NULL;
	size_t	 cap = 4096, n = 0, r;

	fp = fopen(path, "re");
	if (fp == NULL) {
		return NULL;
	}
	buf = malloc(cap);
	while (buf != NULL && (r = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			cap *= 2;
			tmp = realloc(buf, cap);
			if (tmp == NULL) {
				free(buf);
			}
			buf = tmp;
		}
	}
	fclose(fp);
	if (buf != NULL) {
		buf[n] = '\0';
	}
	if (len != NULL) {
		*len = n;
	}
	return buf;
}

bool
hfile_has(const char *path, const char *needle)
{
	char	*text = hfile_slurp(path, NULL);
	bool	 found = text != NULL && strstr(text, needle) != NULL;

	free(text);
	return found;
}

