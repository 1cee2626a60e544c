/*
 * profile: Host blocks of the profile file, read through cfgfile. One
 * table maps each keyword onto the command line option it stands for;
 * the value is checked by that option's parser on a scratch struct opts
 * of the block (so a block's 33rd Forward fails like a 33rd -L, with its
 * line), and kept as the option's argv entries for opts_scan().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "popgate/cfgfile.h"
#include "popgate/opts.h"
#include "popgate/profile.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define KW_REPEAT	0x01	/* each line adds a value */
#define KW_PATH		0x02	/* a file name: ~/ and relative resolved */
#define KW_YESNO	0x04	/* yes: the option (a flag), no: nothing */
#define KW_DEST		0x08	/* Gateway: the argument, not an option */
#define WHY_MAX		512
#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-"

struct keyword {
	const char	*name;
	const char	*opt;		/* the option it stands for */
	int		 flags;
};

static const struct keyword keywords[] = {
	{ "Gateway",		"gateway",		KW_DEST },
	{ "Port",		"-p",			0 },
	{ "User",		"-l",			0 },
	{ "IdentityFile",	"-i",			KW_PATH },
	{ "Forward",		"-L",			KW_REPEAT },
	{ "Fingerprint",	"--fingerprint",	KW_REPEAT },
	{ "KnownHostsFile",	"--known-hosts",	KW_PATH },
	{ "PasswordFile",	"--password-file",	KW_PATH },
	{ "Keepalive",		"--keepalive",		0 },
	{ "Persist",		"--persist",		KW_YESNO },
};

#define NKW	(sizeof(keywords) / sizeof(keywords[0]))

struct profile_host {
	char		*name;
	char		*gateway;	/* NULL: the name */
	char		**argv;		/* NULL-terminated */
	int		 argc;
};

struct profile {
	char			*path;
	struct profile_host	**hosts;
	size_t			  nhosts;
};

/* State of one read: the block being filled and its scratch options. */
struct load {
	struct cfgfile		*cf;
	const char		*home;
	char			*dir;		/* the file's folder */
	struct profile		*p;
	struct profile_host	*h;		/* the current block */
	unsigned		 host_line;
	unsigned		 first[NKW];	/* line of first use */
	struct opts		 scratch;
};

static void
host_free(struct profile_host *h)
{
	int	i;

	if (h == NULL) {
		return;
	}
	for (i = 0; i < h->argc; i++) {
		free(h->argv[i]);
	}
	free(h->argv);
	free(h->gateway);
	free(h->name);
	free(h);
}

void
profile_free(struct profile *p)
{
	size_t	i;

	if (p == NULL) {
		return;
	}
	for (i = 0; i < p->nhosts; i++) {
		host_free(p->hosts[i]);
	}
	free(p->hosts);
	free(p->path);
	free(p);
}

static void
add_arg(struct profile_host *h, const char *s)
{
	h->argv = xreallocarray(h->argv, (size_t)h->argc + 2,
	    sizeof(*h->argv));
	h->argv[h->argc++] = xstrdup(s);
	h->argv[h->argc] = NULL;
}

static const struct keyword *
find_keyword(const char *name)
{
	size_t	i;

	for (i = 0; i < NKW; i++) {
		if (strcasecmp(keywords[i].name, name) == 0) {
			return &keywords[i];
		}
	}
	return NULL;
}

/* The one value of a line ("quoted" when it holds blanks), in place. */
static char *
one_value(char *args, char *why, size_t len)
{
	char	*cursor = args;
	char	*w = NULL;

	w = str_next_word(&cursor);
	if (w == NULL && str_word_error(&cursor)) {
		snprintf(why, len, "unclosed quote");
		return NULL;
	}
	if (w == NULL || *w == '\0') {
		snprintf(why, len, "missing value");
		return NULL;
	}
	if (str_next_word(&cursor) != NULL || str_word_error(&cursor)) {
		snprintf(why, len, "one value only (quote a value holding "
		    "blanks)");
		return NULL;
	}
	return w;
}

/* "~/x" from home, "x" from the file's folder. New string or NULL. */
static char *
resolve_path(const struct load *ld, const char *v, char *why, size_t len)
{
	if (v[0] == '~' && v[1] != '/') {
		snprintf(why, len, "\"%s\": only ~/ is expanded", v);
		return NULL;
	}
	if (v[0] != '~') {
		return str_path_join(ld->dir, v);
	}
	if (ld->home == NULL || ld->home[0] == '\0') {
		snprintf(why, len, "\"%s\": no HOME to expand ~ with", v);
		return NULL;
	}
	return xasprintf("%s%s", ld->home, v + 1);
}

/*
 * The option's error names the option ("-p \"x\": bad port"): in a
 * profile it should name the keyword ("Port \"x\": bad port").
 */
static void
reword(char *why, size_t len, const struct keyword *kw)
{
	char	tmp[WHY_MAX];
	size_t	n = strlen(kw->opt);

	if (strncmp(why, kw->opt, n) == 0 && (why[n] == ' ' ||
	    why[n] == ':')) {
		snprintf(tmp, sizeof(tmp), "%s%s", kw->name, why + n);
	} else {
		snprintf(tmp, sizeof(tmp), "%s: %s", kw->name, why);
	}
	snprintf(why, len, "%s", tmp);
}

/* Persist yes|no: the flag's option, or nothing. */
static int
apply_yesno(struct load *ld, const struct keyword *kw, const char *v,
    char *why, size_t len)
{
	if (strcasecmp(v, "no") == 0) {
		return 0;
	}
	if (strcasecmp(v, "yes") != 0) {
		snprintf(why, len, "%s \"%s\": expected yes or no", kw->name,
		    v);
		return -1;
	}
	if (opts_set(&ld->scratch, kw->opt, NULL, why, len) != 0) {
		reword(why, len, kw);
		return -1;
	}
	add_arg(ld->h, kw->opt);
	return 0;
}

/* One keyword's value v: checked by its option, kept in the block. */
static int
apply_value(struct load *ld, const struct keyword *kw, const char *v,
    char *why, size_t len)
{
	char	*path = NULL;
	int	 rc = -1;

	if ((kw->flags & KW_YESNO) != 0) {
		return apply_yesno(ld, kw, v, why, len);
	}
	if ((kw->flags & KW_PATH) != 0) {
		path = resolve_path(ld, v, why, len);
		if (path == NULL) {
			reword(why, len, kw);
			return -1;
		}
		v = path;
	}
	if ((kw->flags & KW_DEST) != 0) {
		rc = opts_check_gateway(v, why, len);
		ld->h->gateway = rc == 0 ? xstrdup(v) : NULL;
	} else {
		/* The scratch opts keeps the pointer: the block's copy. */
		add_arg(ld->h, kw->opt);
		add_arg(ld->h, v);
		rc = opts_set(&ld->scratch, kw->opt,
		    ld->h->argv[ld->h->argc - 1], why, len);
	}
	if (rc != 0) {
		reword(why, len, kw);
	}
	free(path);
	return rc;
}

/* "Host NAME": a new block. */
static int
start_host(struct load *ld, char *args, char *why, size_t len)
{
	static const struct keyword	 host = { "Host", "Host", 0 };
	struct profile			*p = ld->p;
	char				*name = NULL;
	size_t				 i, n;

	if (*args == '\0') {
		snprintf(why, len, "Host: missing profile name");
		return -1;
	}
	name = one_value(args, why, len);
	if (name == NULL) {
		reword(why, len, &host);
		return -1;
	}
	n = strlen(name);
	if (n > PROFILE_NAME_MAX || strspn(name, NAME_CHARS) != n ||
	    name[0] == '-' || name[0] == '.') {
		snprintf(why, len, "Host \"%s\": bad profile name (letters, "
		    "digits, '.', '_', '-', at most %d, not starting with "
		    "'.' or '-')", name, PROFILE_NAME_MAX);
		return -1;
	}
	for (i = 0; i < p->nhosts; i++) {
		if (strcmp(p->hosts[i]->name, name) == 0) {
			snprintf(why, len, "Host \"%s\" given twice", name);
			return -1;
		}
	}
	ld->h = xcalloc(1, sizeof(*ld->h));
	ld->h->name = xstrdup(name);
	p->hosts = xreallocarray(p->hosts, p->nhosts + 1, sizeof(*p->hosts));
	p->hosts[p->nhosts++] = ld->h;
	ld->host_line = cfgfile_line(ld->cf);
	memset(ld->first, 0, sizeof(ld->first));
	opts_init(&ld->scratch);
	return 0;
}

/* One "Keyword value" line. */
static int
apply_line(struct load *ld, const char *keyword, char *args, char *why,
    size_t len)
{
	const struct keyword	*kw = NULL;
	char			*v = NULL;
	size_t			 i;

	if (strcasecmp(keyword, "Host") == 0) {
		return start_host(ld, args, why, len);
	}
	kw = find_keyword(keyword);
	if (kw == NULL) {
		snprintf(why, len, "unknown keyword \"%s\" (Host, Gateway, "
		    "Port, User, IdentityFile, Forward, Fingerprint, "
		    "KnownHostsFile, PasswordFile, Keepalive, Persist)",
		    keyword);
		return -1;
	}
	if (ld->h == NULL) {
		snprintf(why, len, "%s before any Host line (profiles start "
		    "with Host NAME)", kw->name);
		return -1;
	}
	i = (size_t)(kw - keywords);
	if ((kw->flags & KW_REPEAT) == 0 && ld->first[i] != 0) {
		snprintf(why, len, "%s given twice in Host \"%s\" (first at "
		    "line %u)", kw->name, ld->h->name, ld->first[i]);
		return -1;
	}
	v = one_value(args, why, len);
	if (v == NULL) {
		reword(why, len, kw);
		return -1;
	}
	if (apply_value(ld, kw, v, why, len) != 0) {
		return -1;
	}
	if (ld->first[i] == 0) {
		ld->first[i] = cfgfile_line(ld->cf);
	}
	return 0;
}

struct profile *
profile_read(struct cfgfile *cf, const char *home, char *err,
    size_t errlen)
{
	struct load	*ld = xcalloc(1, sizeof(*ld));
	struct profile	*p = NULL;
	char		*keyword = NULL, *args = NULL;
	char		 why[WHY_MAX];
	int		 rc;

	ld->cf = cf;
	ld->home = home;
	ld->dir = str_dirname(cfgfile_name(cf));
	ld->p = xcalloc(1, sizeof(*ld->p));
	ld->p->path = xstrdup(cfgfile_name(cf));
	while ((rc = cfgfile_next(cf, &keyword, &args, err, errlen)) > 0) {
		if (apply_line(ld, keyword, args, why, sizeof(why)) != 0) {
			cfgfile_error(cf, err, errlen, "%s", why);
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		p = ld->p;
		ld->p = NULL;
	}
	profile_free(ld->p);
	free(ld->dir);
	free(ld);
	return p;
}

struct profile *
profile_load(const char *path, const char *home, char *err, size_t errlen)
{
	struct cfgfile	*cf = cfgfile_open(path, err, errlen);
	struct profile	*p = NULL;

	if (cf == NULL) {
		return NULL;
	}
	p = profile_read(cf, home, err, errlen);
	cfgfile_free(cf);
	return p;
}

size_t
profile_count(const struct profile *p)
{
	return p->nhosts;
}

const struct profile_host *
profile_find(const struct profile *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nhosts; i++) {
		if (strcmp(p->hosts[i]->name, name) == 0) {
			return p->hosts[i];
		}
	}
	return NULL;
}

/* Bytes of the names from the i-th on, each after ", " but the first. */
static size_t
names_len(const struct profile *p, size_t i)
{
	size_t	n = 0;

	for (; i < p->nhosts; i++) {
		n += strlen(p->hosts[i]->name) + (i > 0 ? 2 : 0);
	}
	return n;
}

void
profile_names(const struct profile *p, char *buf, size_t len)
{
	static const char	 more[] = ", ...";
	const char		*sep = NULL;
	size_t			 i, used = 0, need;
	bool			 cut;

	if (len == 0) {
		return;
	}
	buf[0] = '\0';
	cut = names_len(p, 0) >= len;
	for (i = 0; i < p->nhosts; i++) {
		sep = i > 0 ? ", " : "";
		need = strlen(sep) + strlen(p->hosts[i]->name);
		/* When cut, what is written leaves room for ", ...". */
		if (cut && used + need + strlen(more) >= len) {
			sep = i > 0 ? more : more + 2;
			if (used + strlen(sep) < len) {
				snprintf(buf + used, len - used, "%s", sep);
			}
			return;
		}
		snprintf(buf + used, len - used, "%s%s", sep,
		    p->hosts[i]->name);
		used += need;
	}
}

/* A one-word NAME: no dot, colon or bracket, and not localhost. */
static bool
bare_word(const char *name)
{
	return strpbrk(name, ".:[") == NULL &&
	    strcasecmp(name, "localhost") != 0;
}

int
profile_resolve(const struct profile *p, const char *dest, bool required,
    const struct profile_host **out, char *err, size_t errlen)
{
	const char	*at = strrchr(dest, '@');
	const char	*name = at != NULL ? at + 1 : dest;
	char		 names[256];

	*out = NULL;
	if (p == NULL) {
		return 0;
	}
	*out = profile_find(p, name);
	if (*out != NULL || (!required && (p->nhosts == 0 ||
	    !bare_word(name)))) {
		return 0;
	}
	profile_names(p, names, sizeof(names));
	if (p->nhosts == 0) {
		snprintf(err, errlen, "no profile \"%.100s\": %s has no Host "
		    "blocks", name, p->path);
	} else if (required) {
		snprintf(err, errlen, "no profile \"%.100s\" in %s (profiles: "
		    "%s)", name, p->path, names);
	} else {
		snprintf(err, errlen, "no profile \"%.100s\" in %s (profiles: "
		    "%s); for a gateway of that name add \"Host %.100s\"",
		    name, p->path, names, name);
	}
	return -1;
}

const char *
profile_host_name(const struct profile_host *h)
{
	return h->name;
}

char *const *
profile_host_argv(const struct profile_host *h, int *argc)
{
	static char	*none[] = { NULL };

	*argc = h->argc;
	return h->argv != NULL ? h->argv : none;
}

void
profile_host_dest(const struct profile_host *h, const char *dest,
    char *buf, size_t len)
{
	const char	*at = strrchr(dest, '@');
	const char	*gw = h->gateway != NULL ? h->gateway : h->name;

	if (at != NULL) {
		snprintf(buf, len, "%.*s@%s", (int)(at - dest), dest, gw);
	} else {
		snprintf(buf, len, "%s", gw);
	}
}
