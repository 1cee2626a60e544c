/*
 * kwpath: keyword values that name files and sockets (HostKey,
 * AuthorizedKeysFile, PasswordFile, BackendCAFile, MailboxMap,
 * ControlSocket). Relative ones start at the config file's folder;
 * a %u path keeps its escapes, and the folder's own '%' are doubled so
 * the expansion leaves them as they are.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "popgate/kwpath.h"
#include "popgate/kwtype.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

/* dir with '%' doubled, so it survives %u expansion unchanged. */
static char *
escape_pct(const char *dir)
{
	char	*res = xmalloc(strlen(dir) * 2 + 1);
	size_t	 o = 0;

	for (; *dir != '\0'; dir++) {
		if (*dir == '%') {
			res[o++] = '%';
		}
		res[o++] = *dir;
	}
	res[o] = '\0';
	return res;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			return true;
		}
	}
	return false;
}

/* A path word resolved against the config folder; NULL with err. */
static char *
resolve_path(const struct servconf *sc, const struct keyword *kw,
    const char *word, char *err, size_t errlen)
{
	char	*dir = NULL;
	char	*path = NULL;
	char	*test = NULL;
	char	 why[KWTYPE_WHY_MAX];

	if (*word == '\0') {
		snprintf(err, errlen, "expected a path, got \"\"");
		return NULL;
	}
	/*
	 * A CR or another control character in a path cannot be printed
	 * back (-T) as one word (found by fuzz_servconf), and is never meant.
	 */
	if (has_control(word)) {
		snprintf(err, errlen, "control character in path");
		return NULL;
	}
	if ((kw->flags & KWTYPE_USER) == 0) {
		return str_path_join(sc->dir, word);
	}
	test = str_expand_user(word, "user", why, sizeof(why));
	if (test == NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	free(test);
	dir = escape_pct(sc->dir);
	path = str_path_join(dir, word);
	free(dir);
	return path;
}

/* HostKey: a list of paths. */
static int
paths_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	char	***v = KWTYPE_FIELD(sc, kw, char **);
	size_t	  *n = KWTYPE_COUNT(sc, kw);
	char	  *path = NULL;

	(void)ld;
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = path;
	return 0;
}

static void
paths_clear(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld)
{
	char	**v = *KWTYPE_FIELD(sc, kw, char **);
	size_t	  i;

	(void)ld;
	for (i = 0; i < *KWTYPE_COUNT(sc, kw); i++) {
		free(v[i]);
	}
	free(v);
	*KWTYPE_FIELD(sc, kw, char **) = NULL;
	*KWTYPE_COUNT(sc, kw) = 0;
}

static void
paths_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	char *const	*v = *KWTYPE_CFIELD(sc, kw, char **);
	size_t		 i;

	for (i = 0; i < KWTYPE_CCOUNT(sc, kw); i++) {
		kwtype_print_word(fp, kw->name, v[i]);
	}
}

/* AuthorizedKeysFile, PasswordFile: one path, or unset. */
static int
path_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	char	*path = NULL;

	(void)ld;
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	free(*KWTYPE_FIELD(sc, kw, char *));
	*KWTYPE_FIELD(sc, kw, char *) = path;
	return 0;
}

static void
path_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const char	*path = *KWTYPE_CFIELD(sc, kw, char *);

	if (path != NULL) {
		kwtype_print_word(fp, kw->name, path);
	}
}

/* ControlSocket: a path that fits a sockaddr_un, or "none". */
static int
socket_parse(struct servconf *sc, const struct keyword *kw,
    struct kwtype_load *ld, char **argv, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	char			*path = NULL;

	if (kwtype_is_none(kw, argv[0])) {
		kwtype_clear_string(sc, kw, ld);
		return 0;
	}
	path = resolve_path(sc, kw, argv[0], err, errlen);
	if (path == NULL) {
		return -1;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "\"%s\" is longer than the %zu bytes a "
		    "socket path may have", path, sizeof(sun.sun_path) - 1);
		free(path);
		return -1;
	}
	free(*KWTYPE_FIELD(sc, kw, char *));
	*KWTYPE_FIELD(sc, kw, char *) = path;
	return 0;
}

static void
socket_print(const struct servconf *sc, const struct keyword *kw, FILE *fp)
{
	const char	*path = *KWTYPE_CFIELD(sc, kw, char *);

	kwtype_print_word(fp, kw->name, path != NULL ? path : "none");
}

const struct kwtype kwpath_paths = {
	paths_parse, paths_clear, paths_print, 1, 0, "PATH"
};
const struct kwtype kwpath_path = {
	path_parse, kwtype_clear_string, path_print, 1, 0, "PATH"
};
const struct kwtype kwpath_socket = {
	socket_parse, kwtype_clear_string, socket_print, 1, 0, "PATH|none"
};
