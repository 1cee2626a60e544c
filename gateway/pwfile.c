/*
 * pwfile: "user:hash" lines checked with crypt(3). Every check runs one
 * crypt(3), real hash or dummy, so the time taken does not tell whether
 * the user exists. Writes go through a temporary file and rename(2), so a
 * reader never sees half a file.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "popgate/pwfile.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define WHY_MAX	256

struct pwent {
	char		*user;
	char		*hash;
	unsigned	 line;
};

struct pwfile {
	struct pwent	*v;
	size_t		 n;
};

/*
 * The setting unknown users are checked against: yescrypt at the default
 * cost, as pwfile_hash() makes. Made once per process (at load, so each
 * forked child inherits it and pays nothing extra); the salt need not be
 * secret since no result is ever compared with it.
 */
static char	dummy_setting[CRYPT_GENSALT_OUTPUT_SIZE];

static const char *
dummy(void)
{
	static const char	rbytes[16] = "popgate-dummy!!";

	if (dummy_setting[0] == '\0' &&
	    crypt_gensalt_rn("$y$", 0, rbytes, (int)sizeof(rbytes),
	    dummy_setting, (int)sizeof(dummy_setting)) == NULL) {
		dummy_setting[0] = '\0';
		return "*";	/* crypt fails fast: yescrypt is missing */
	}
	return dummy_setting;
}

struct pwfile *
pwfile_new(void)
{
	return xcalloc(1, sizeof(struct pwfile));
}

void
pwfile_free(struct pwfile *pw)
{
	size_t	i;

	if (pw == NULL) {
		return;
	}
	for (i = 0; i < pw->n; i++) {
		free(pw->v[i].user);
		xfree_secret(pw->v[i].hash);
	}
	free(pw->v);
	free(pw);
}

static const struct pwent *
find(const struct pwfile *pw, const char *user)
{
	size_t	i;

	for (i = 0; i < pw->n; i++) {
		if (strcmp(pw->v[i].user, user) == 0) {
			return &pw->v[i];
		}
	}
	return NULL;
}

/* 1 with *user and *hash set, 0 for a blank or comment, -1 with why. */
static int
parse_line(char *line, size_t len, char **user, char **hash, char *why,
    size_t whylen)
{
	char	*s = NULL;
	char	*colon = NULL;

	if (strlen(line) != len) {
		snprintf(why, whylen, "NUL byte in line");
		return -1;
	}
	s = str_trim(line);
	if (*s == '\0' || *s == '#') {
		return 0;
	}
	colon = strchr(s, ':');
	if (colon == NULL) {
		snprintf(why, whylen, "missing ':' (expected user:hash)");
		return -1;
	}
	*colon = '\0';
	*user = s;
	*hash = colon + 1;
	if (!str_valid_user(*user)) {
		snprintf(why, whylen, "bad user name \"%.64s\"", *user);
		return -1;
	}
	if (**hash == '\0') {
		snprintf(why, whylen, "empty hash for \"%s\"", *user);
		return -1;
	}
	if (strpbrk(*hash, ": \t") != NULL) {
		snprintf(why, whylen, "bad hash for \"%s\" (':' or blank in "
		    "it)", *user);
		return -1;
	}
	return 1;
}

static int
add_line(struct pwfile *pw, char *line, size_t len, unsigned lineno,
    char *why, size_t whylen)
{
	const struct pwent	*old = NULL;
	char			*user = NULL;
	char			*hash = NULL;
	int			 rc;

	rc = parse_line(line, len, &user, &hash, why, whylen);
	if (rc <= 0) {
		return rc;
	}
	old = find(pw, user);
	if (old != NULL) {
		snprintf(why, whylen, "duplicate user \"%s\" (first at line "
		    "%u)", user, old->line);
		return -1;
	}
	pw->v = xreallocarray(pw->v, pw->n + 1, sizeof(*pw->v));
	pw->v[pw->n].user = xstrdup(user);
	pw->v[pw->n].hash = xstrdup(hash);
	pw->v[pw->n].line = lineno;
	pw->n++;
	return 0;
}

int
pwfile_read(struct pwfile *pw, FILE *fp, const char *name, char *err,
    size_t errlen)
{
	char		*line = NULL;
	size_t		 size = 0;
	ssize_t		 n;
	unsigned	 lineno = 0;
	char		 why[WHY_MAX];
	int		 rc = -1;

	(void)dummy();
	while ((n = getline(&line, &size, fp)) >= 0) {
		lineno++;
		if (add_line(pw, line, (size_t)n, lineno, why,
		    sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
			goto out;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name,
		    strerror(errno != 0 ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	freezero(line, size);
	return rc;
}

int
pwfile_load(const char *path, struct pwfile **out, char *err,
    size_t errlen)
{
	struct pwfile	*pw = NULL;
	FILE		*fp = NULL;
	int		 rc = -1;

	*out = NULL;
	fp = fopen(path, "re");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	pw = pwfile_new();
	if (pwfile_read(pw, fp, path, err, errlen) != 0) {
		goto out;
	}
	*out = pw;
	pw = NULL;
	rc = 0;
out:
	pwfile_free(pw);
	if (fp != NULL) {
		fclose(fp);
	}
	return rc;
}

size_t
pwfile_count(const struct pwfile *pw)
{
	return pw->n;
}

bool
pwfile_has_user(const struct pwfile *pw, const char *user)
{
	return find(pw, user) != NULL;
}

/* Locked or disabled accounts, by the shadow(5) conventions. */
static bool
hash_usable(const char *hash)
{
	return hash[0] != '\0' && hash[0] != '*' && hash[0] != '!';
}

/* Equal strings, in time that depends only on the lengths. */
static bool
same_string(const char *a, const char *b)
{
	size_t		n = strlen(a);
	size_t		i;
	unsigned char	diff = 0;

	if (n != strlen(b)) {
		return false;
	}
	for (i = 0; i < n; i++) {
		diff |= (unsigned char)(a[i] ^ b[i]);
	}
	return diff == 0;
}

bool
pwfile_check(const struct pwfile *pw, const char *user,
    const char *password)
{
	const struct pwent	*e = find(pw, user);
	const char		*res = NULL;
	void			*data = NULL;
	int			 size = 0;
	bool			 usable;
	bool			 ok;

	usable = e != NULL && hash_usable(e->hash);
	res = crypt_ra(password, usable ? e->hash : dummy(), &data, &size);
	ok = usable && res != NULL && same_string(res, e->hash);
	freezero(data, size > 0 ? (size_t)size : 0);
	return ok;
}

char *
pwfile_hash(const char *password)
{
	char		*setting = NULL;
	const char	*res = NULL;
	char		*hash = NULL;
	void		*data = NULL;
	int		 size = 0;

	setting = crypt_gensalt_ra("$y$", 0, NULL, 0);
	if (setting == NULL) {
		return NULL;
	}
	res = crypt_ra(password, setting, &data, &size);
	if (res != NULL && res[0] != '*') {
		hash = xstrdup(res);
	}
	freezero(data, size > 0 ? (size_t)size : 0);
	free(setting);
	return hash;
}

/* The whole of fp, from its start, into out. */
static int
copy_bytes(FILE *fp, FILE *out)
{
	char	chunk[4096];
	size_t	n;

	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		fwrite(chunk, 1, n, out);
	}
	return ferror(fp) ? -1 : 0;
}

/*
 * Reads the current file for pwfile_set: checked with pwfile_read (a
 * broken file is refused, not rewritten), then its bytes. A missing file
 * is fine: *exists false, no bytes.
 */
static int
read_current(const char *path, char **buf, size_t *len, struct stat *st,
    bool *exists, char *err, size_t errlen)
{
	struct pwfile	*pw = NULL;
	FILE		*fp = NULL;
	FILE		*mem = NULL;
	int		 rc = -1;

	*exists = false;
	*buf = NULL;
	*len = 0;
	mem = open_memstream(buf, len);
	if (mem == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fp = fopen(path, "re");
	if (fp == NULL && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fp != NULL) {
		*exists = true;
		pw = pwfile_new();
		if (fstat(fileno(fp), st) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (pwfile_read(pw, fp, path, err, errlen) != 0) {
			goto out;
		}
		if (copy_bytes(fp, mem) != 0) {
			snprintf(err, errlen, "%s: read error", path);
			goto out;
		}
	}
	rc = 0;
out:
	pwfile_free(pw);
	if (fp != NULL) {
		fclose(fp);
	}
	fclose(mem);
	return rc;
}

/* Does this line (no NUL, maybe no newline) set user's password? */
static bool
line_is_user(const char *line, size_t len, const char *user)
{
	size_t	ulen = strlen(user);

	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len > ulen && memcmp(line, user, ulen) == 0 &&
	    line[ulen] == ':';
}

/* old with user's line replaced by (or appended with) "user:hash". */
static void
write_lines(FILE *out, const char *old, size_t len, const char *user,
    const char *hash)
{
	const char	*p = old;
	const char	*end = old + len;
	const char	*nl = NULL;
	size_t		 n;
	bool		 done = false;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (!done && line_is_user(p, n, user)) {
			fprintf(out, "%s:%s\n", user, hash);
			done = true;
		} else {
			fwrite(p, 1, n, out);
		}
		p += n;
	}
	if (done) {
		return;
	}
	if (len > 0 && old[len - 1] != '\n') {
		fputc('\n', out);
	}
	fprintf(out, "%s:%s\n", user, hash);
}

/* Mode and owner of the old file onto the new one (mkstemp gave 0600). */
static int
keep_attrs(int fd, const struct stat *st)
{
	if (fchmod(fd, st->st_mode & 07777) != 0) {
		return -1;
	}
	if ((st->st_uid != geteuid() || st->st_gid != getegid()) &&
	    fchown(fd, st->st_uid, st->st_gid) != 0) {
		return -1;
	}
	return 0;
}

/* Writes, flushes and syncs the new content; closes fd in every case. */
static int
write_temp(int fd, const char *old, size_t len, const char *user,
    const char *hash)
{
	FILE	*out = NULL;
	int	 rc = -1;

	out = fdopen(fd, "w");
	if (out == NULL) {
		close(fd);
		return -1;
	}
	write_lines(out, old, len, user, hash);
	if (fflush(out) == 0 && !ferror(out) && fsync(fd) == 0) {
		rc = 0;
	}
	if (fclose(out) != 0) {
		rc = -1;
	}
	return rc;
}

/* The rename is durable only once the folder itself is synced. */
static void
sync_dir(const char *path)
{
	char	*dir = str_dirname(path);
	int	 fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

static int
replace_file(const char *path, const char *old, size_t len, bool exists,
    const struct stat *st, const char *user, const char *hash, char *err,
    size_t errlen)
{
	char	*tmp = xasprintf("%s.XXXXXX", path);
	int	 fd;
	int	 rc = -1;

	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (exists && keep_attrs(fd, st) != 0) {
		snprintf(err, errlen, "%s: cannot keep mode and owner: %s",
		    tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (write_temp(fd, old, len, user, hash) != 0 ||
	    rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	sync_dir(path);
	rc = 0;
out:
	if (rc != 0) {
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

int
pwfile_set(const char *path, const char *user, const char *password,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*old = NULL;
	size_t		 len = 0;
	char		*hash = NULL;
	bool		 exists = false;
	int		 rc = -1;

	memset(&st, 0, sizeof(st));
	if (!str_valid_user(user)) {
		snprintf(err, errlen, "bad user name \"%.64s\" (letters, "
		    "digits, '.', '_', '-'; not starting with '.' or '-')",
		    user);
		goto out;
	}
	if (read_current(path, &old, &len, &st, &exists, err, errlen) != 0) {
		goto out;
	}
	hash = pwfile_hash(password);
	if (hash == NULL) {
		snprintf(err, errlen, "cannot hash the password: %s",
		    strerror(errno != 0 ? errno : EINVAL));
		goto out;
	}
	rc = replace_file(path, old, len, exists, &st, user, hash, err,
	    errlen);
out:
	freezero(old, len);
	xfree_secret(hash);
	return rc;
}
