/*
 * opts: popgate's command line. Parsed by hand, not with getopt_long, so
 * it keeps no global state (the tests parse many argv in one process),
 * needs no _GNU_SOURCE, and every error names the option at fault.
 * As with GNU getopt, options may follow the gateway and "--" ends them;
 * long options match exactly (no abbreviations) and take "--opt=value"
 * or "--opt value". One table drives the options.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/fwdspec.h"
#include "popgate/opts.h"
#include "popgate/str.h"

#define DEFAULT_PORT	22
#define FP_PREFIX	"SHA256:"
#define FP_B64LEN	43	/* 32 bytes of SHA-256, unpadded base64 */
#define FP_B64CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/"
#define KEEPALIVE_MAX	86400
#define REASON_LEN	(ADDR_HOSTLEN + 64)

typedef int	(*opt_set_fn)(struct opts *, const char *, char *, size_t);

struct optdef {
	char		 letter;	/* short form, '\0' when none */
	const char	*name;		/* long form without "--", or NULL */
	bool		 takes_arg;
	opt_set_fn	 set;		/* arg is NULL when !takes_arg */
	size_t		 flag;		/* set == NULL: this bool is set */
};

#define FLAG(member)	offsetof(struct opts, member)

/* Option setters, one per table row. */

static int
set_port(struct opts *o, const char *arg, char *err, size_t errlen)
{
	if (!addr_port_parse(arg, false, &o->port)) {
		snprintf(err, errlen, "-p \"%s\": bad port (expected 1 to "
		    "65535)", arg);
		return -1;
	}
	return 0;
}

static int
set_user(struct opts *o, const char *arg, char *err, size_t errlen)
{
	size_t	n = strlen(arg);

	if (n >= sizeof(o->user) || !str_valid_user(arg)) {
		snprintf(err, errlen, "-l \"%s\": bad user name (letters, "
		    "digits, '.', '_', '-', at most 64)", arg);
		return -1;
	}
	memcpy(o->user, arg, n + 1);
	o->user_layer = o->layer;
	return 0;
}

static int
set_forward(struct opts *o, const char *arg, char *err, size_t errlen)
{
	if (o->forwards_layer != o->layer) {
		o->nforwards = 0;	/* this layer's list replaces it */
		o->forwards_layer = o->layer;
	}
	if (o->nforwards == OPTS_MAX_FORWARDS) {
		snprintf(err, errlen, "-L \"%s\": too many -L (at most %d)",
		    arg, OPTS_MAX_FORWARDS);
		return -1;
	}
	if (fwdspec_parse(arg, &o->forwards[o->nforwards], err,
	    errlen) != 0) {
		return -1;
	}
	o->nforwards++;
	return 0;
}

static int
set_path(const char **out, const char *opt, const char *arg, char *err,
    size_t errlen)
{
	if (arg[0] == '\0') {
		snprintf(err, errlen, "%s: empty file name", opt);
		return -1;
	}
	*out = arg;
	return 0;
}

static int
set_identity(struct opts *o, const char *arg, char *err, size_t errlen)
{
	return set_path(&o->identity, "-i", arg, err, errlen);
}

static int
set_known_hosts(struct opts *o, const char *arg, char *err, size_t errlen)
{
	return set_path(&o->known_hosts, "--known-hosts", arg, err, errlen);
}

static int
set_password_file(struct opts *o, const char *arg, char *err,
    size_t errlen)
{
	return set_path(&o->password_file, "--password-file", arg, err,
	    errlen);
}

static int
set_pid_file(struct opts *o, const char *arg, char *err, size_t errlen)
{
	return set_path(&o->pid_file, "--pid-file", arg, err, errlen);
}

static int
set_config(struct opts *o, const char *arg, char *err, size_t errlen)
{
	return set_path(&o->config, "-F", arg, err, errlen);
}

static int
set_stdio(struct opts *o, const char *arg, char *err, size_t errlen)
{
	char	why[REASON_LEN];

	if (addr_parse(arg, 0, false, &o->stdio_target, why,
	    sizeof(why)) != 0) {
		snprintf(err, errlen, "-W \"%s\": %s (expected HOST:PORT)",
		    arg, why);
		return -1;
	}
	o->stdio = true;
	o->stdio_layer = o->layer;
	return 0;
}

/* "SHA256:" and 43 base64 characters, exactly as ssh-keygen -l prints. */
static int
check_fingerprint(const char *arg, char *err, size_t errlen)
{
	const char	*b64 = NULL;
	size_t		 n;

	if (strncmp(arg, FP_PREFIX, strlen(FP_PREFIX)) != 0) {
		snprintf(err, errlen, "--fingerprint \"%s\": expected "
		    "\"" FP_PREFIX "\" and %d base64 characters, as ssh-keygen "
		    "-l prints them", arg, FP_B64LEN);
		return -1;
	}
	b64 = arg + strlen(FP_PREFIX);
	n = strspn(b64, FP_B64CHARS);
	if (b64[n] != '\0') {
		snprintf(err, errlen, "--fingerprint \"%s\": bad character "
		    "'%c' (base64 without '=' padding)", arg, b64[n]);
		return -1;
	}
	if (n != FP_B64LEN) {
		snprintf(err, errlen, "--fingerprint \"%s\": %zu base64 "
		    "characters after \"" FP_PREFIX "\", expected %d", arg, n,
		    FP_B64LEN);
		return -1;
	}
	return 0;
}

static int
set_fingerprint(struct opts *o, const char *arg, char *err, size_t errlen)
{
	size_t	i;

	if (check_fingerprint(arg, err, errlen) != 0) {
		return -1;
	}
	if (o->fingerprints_layer != o->layer) {
		o->nfingerprints = 0;	/* this layer's list replaces it */
		o->fingerprints_layer = o->layer;
	}
	for (i = 0; i < o->nfingerprints; i++) {
		if (strcmp(o->fingerprints[i], arg) == 0) {
			return 0;	/* the same key twice: keep one */
		}
	}
	if (o->nfingerprints == OPTS_MAX_FINGERPRINTS) {
		snprintf(err, errlen, "--fingerprint \"%s\": too many "
		    "--fingerprint (at most %d)", arg, OPTS_MAX_FINGERPRINTS);
		return -1;
	}
	o->fingerprints[o->nfingerprints++] = arg;
	return 0;
}

static int
set_keepalive(struct opts *o, const char *arg, char *err, size_t errlen)
{
	if (!str_to_uint(arg, 0, KEEPALIVE_MAX, &o->keepalive)) {
		snprintf(err, errlen, "--keepalive \"%s\": expected seconds "
		    "from 0 (off) to %d", arg, KEEPALIVE_MAX);
		return -1;
	}
	return 0;
}

/* -v counts; the other options without an argument are table flags. */
static int
set_verbose(struct opts *o, const char *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	o->verbose++;
	return 0;
}

static const struct optdef optdefs[] = {
	{ 'p',	NULL,			true,	set_port,	0 },
	{ 'l',	NULL,			true,	set_user,	0 },
	{ 'L',	NULL,			true,	set_forward,	0 },
	{ 'i',	NULL,			true,	set_identity,	0 },
	{ 'W',	NULL,			true,	set_stdio,	0 },
	{ 'F',	NULL,			true,	set_config,	0 },
	{ 'f',	"background",		false,	NULL,	FLAG(background) },
	{ 'v',	NULL,			false,	set_verbose,	0 },
	{ 'q',	NULL,			false,	NULL,	FLAG(quiet) },
	{ '\0',	"known-hosts",		true,	set_known_hosts, 0 },
	{ '\0',	"accept-new",		false,	NULL,	FLAG(accept_new) },
	{ '\0',	"fingerprint",		true,	set_fingerprint, 0 },
	{ '\0',	"password-file",	true,	set_password_file, 0 },
	{ '\0',	"keepalive",		true,	set_keepalive,	0 },
	{ '\0',	"persist",		false,	NULL,	FLAG(persist) },
	{ '\0',	"pid-file",		true,	set_pid_file,	0 },
	{ '\0',	"check",		false,	NULL,	FLAG(check) },
	{ '\0',	"version",		false,	NULL,	FLAG(version) },
	{ '\0',	"help",			false,	NULL,	FLAG(help) },
};

#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

/* argv parsing. */

static const struct optdef *
find_short(char letter)
{
	size_t	i;

	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].letter != '\0' && optdefs[i].letter == letter) {
			return &optdefs[i];
		}
	}
	return NULL;
}

static const struct optdef *
find_long(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].name != NULL &&
		    strncmp(optdefs[i].name, name, len) == 0 &&
		    optdefs[i].name[len] == '\0') {
			return &optdefs[i];
		}
	}
	return NULL;
}

/* The next argv entry as an option's argument; NULL when there is none. */
static const char *
next_arg(int argc, char *const *argv, int *i)
{
	if (*i + 1 >= argc) {
		return NULL;
	}
	(*i)++;
	return argv[*i];
}

/* One option: its setter, or for a table flag, the flag set to true. */
static int
apply(const struct optdef *d, struct opts *o, const char *val, char *err,
    size_t errlen)
{
	if (d->set == NULL) {
		*(bool *)(void *)((char *)o + d->flag) = true;
		return 0;
	}
	return d->set(o, val, err, errlen);
}

/* "--name", "--name=value" or "--name value" at argv[*i]. */
static int
parse_long(int argc, char *const *argv, int *i, struct opts *o, char *err,
    size_t errlen)
{
	const char		*name = argv[*i] + 2;
	const char		*eq = NULL;
	const char		*val = NULL;
	const struct optdef	*d = NULL;
	size_t			 len;

	eq = strchr(name, '=');
	len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	d = find_long(name, len);
	if (d == NULL) {
		snprintf(err, errlen, "unknown option \"--%.*s\"", (int)len,
		    name);
		return -1;
	}
	if (!d->takes_arg) {
		if (eq != NULL) {
			snprintf(err, errlen, "option \"--%s\" takes no "
			    "argument", d->name);
			return -1;
		}
		return apply(d, o, NULL, err, errlen);
	}
	val = eq != NULL ? eq + 1 : next_arg(argc, argv, i);
	if (val == NULL) {
		snprintf(err, errlen, "option \"--%s\" needs an argument",
		    d->name);
		return -1;
	}
	return apply(d, o, val, err, errlen);
}

/* A cluster of short options at argv[*i]: "-vv", "-p2222", "-p 2222". */
static int
parse_short(int argc, char *const *argv, int *i, struct opts *o, char *err,
    size_t errlen)
{
	const char		*p = argv[*i] + 1;
	const char		*val = NULL;
	const struct optdef	*d = NULL;

	for (; *p != '\0'; p++) {
		d = find_short(*p);
		if (d == NULL) {
			snprintf(err, errlen, "unknown option \"-%c\"", *p);
			return -1;
		}
		if (!d->takes_arg) {
			if (apply(d, o, NULL, err, errlen) != 0) {
				return -1;
			}
			continue;
		}
		val = p[1] != '\0' ? p + 1 : next_arg(argc, argv, i);
		if (val == NULL) {
			snprintf(err, errlen, "option \"-%c\" needs an "
			    "argument", *p);
			return -1;
		}
		return apply(d, o, val, err, errlen);
	}
	return 0;
}

/*
 * The USER of USER@GATEWAY (n bytes at s). -l given in the same layer
 * wins; -l from an earlier layer (a profile's User) gives way.
 */
static int
set_login(struct opts *o, const char *s, size_t n, char *err,
    size_t errlen)
{
	char	user[sizeof(o->user)];

	if (n >= sizeof(user)) {
		snprintf(err, errlen, "bad user name \"%.*s\" (at most 64 "
		    "characters)", (int)n, s);
		return -1;
	}
	memcpy(user, s, n);
	user[n] = '\0';
	if (!str_valid_user(user)) {
		snprintf(err, errlen, "bad user name \"%s\" (letters, digits, "
		    "'.', '_', '-')", user);
		return -1;
	}
	if (o->user[0] == '\0' || o->user_layer < o->dest_layer) {
		memcpy(o->user, user, n + 1);
	}
	return 0;
}

/* Does host carry a port ("h:22", "[::1]:22")? A bare "::1" does not. */
static bool
has_port(const char *host)
{
	const char	*rb = NULL;
	const char	*colon = NULL;

	if (host[0] == '[') {
		rb = strchr(host, ']');
		return rb != NULL && rb[1] == ':';
	}
	colon = strchr(host, ':');
	return colon != NULL && strchr(colon + 1, ':') == NULL;
}

/* The host part of [USER@]GATEWAY into gateway_buf. */
static int
set_host(struct opts *o, const char *arg, const char *host, char *err,
    size_t errlen)
{
	char		 why[REASON_LEN];
	struct addr	 a;

	if (host[0] == '-') {
		snprintf(err, errlen, "gateway \"%s\": must not start with "
		    "'-'", arg);
		return -1;
	}
	if (has_port(host)) {
		snprintf(err, errlen, "gateway \"%s\": give the port with -p",
		    arg);
		return -1;
	}
	if (addr_parse(host, DEFAULT_PORT, false, &a, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "gateway \"%s\": %s", arg, why);
		return -1;
	}
	memcpy(o->gateway_buf, a.host, sizeof(a.host));
	o->gateway = o->gateway_buf;
	return 0;
}

/* [USER@]GATEWAY: split at the last '@'. */
static int
set_gateway(struct opts *o, const char *arg, char *err, size_t errlen)
{
	const char	*at = strrchr(arg, '@');

	if (at != NULL && set_login(o, arg, (size_t)(at - arg), err,
	    errlen) != 0) {
		return -1;
	}
	return set_host(o, arg, at != NULL ? at + 1 : arg, err, errlen);
}

int
opts_check_gateway(const char *host, char *err, size_t errlen)
{
	struct opts	o;

	opts_init(&o);
	if (strchr(host, '@') != NULL) {
		snprintf(err, errlen, "gateway \"%s\": a host only, without "
		    "USER@", host);
		return -1;
	}
	return set_host(&o, host, host, err, errlen);
}

/* Options only one layer (the command line) gives: their conflicts. */
static int
check_conflicts(const struct opts *o, char *err, size_t errlen)
{
	const char	*mode = o->stdio ? "-W" : o->check ? "--check" : NULL;

	if (o->stdio && o->check) {
		snprintf(err, errlen, "-W cannot be combined with --check");
		return -1;
	}
	if (mode != NULL && o->background) {
		snprintf(err, errlen, "-f cannot be combined with %s", mode);
		return -1;
	}
	if (mode != NULL && o->pid_file != NULL) {
		snprintf(err, errlen, "--pid-file cannot be combined with %s",
		    mode);
		return -1;
	}
	return 0;
}

int
opts_finish(struct opts *o, char *err, size_t errlen)
{
	if (o->dest == NULL) {
		snprintf(err, errlen, "missing gateway (usage: popgate "
		    "[options] [USER@]GATEWAY)");
		return -1;
	}
	if (o->stdio && o->nforwards > 0) {
		if (o->forwards_layer == o->stdio_layer) {
			snprintf(err, errlen, "-W cannot be combined with -L");
			return -1;
		}
		o->nforwards = 0;	/* a profile's -L give way to -W */
	}
	if (check_conflicts(o, err, errlen) != 0 ||
	    set_gateway(o, o->dest, err, errlen) != 0) {
		return -1;
	}
	/* --check and -W end by themselves: nothing to keep up. */
	o->persist = o->persist && !o->stdio && !o->check;
	if (o->nforwards == 0 && !o->stdio) {
		if (set_forward(o, OPTS_DEFAULT_FORWARD, err, errlen) != 0) {
			return -1;
		}
	}
	return 0;
}

void
opts_init(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = DEFAULT_PORT;
	o->keepalive = OPTS_DEFAULT_KEEPALIVE;
}

int
opts_set(struct opts *o, const char *opt, const char *arg, char *err,
    size_t errlen)
{
	const struct optdef	*d = NULL;

	if (opt[0] == '-' && opt[1] == '-') {
		d = find_long(opt + 2, strlen(opt + 2));
	} else if (opt[0] == '-' && opt[1] != '\0' && opt[2] == '\0') {
		d = find_short(opt[1]);
	}
	if (d == NULL) {
		snprintf(err, errlen, "unknown option \"%s\"", opt);
		return -1;
	}
	if (d->takes_arg != (arg != NULL)) {
		snprintf(err, errlen, "option \"%s\" %s", opt, d->takes_arg ?
		    "needs an argument" : "takes no argument");
		return -1;
	}
	return apply(d, o, arg, err, errlen);
}

int
opts_scan(struct opts *o, int argc, char *const *argv, char *err,
    size_t errlen)
{
	const char	*arg = NULL;
	const char	*dest = NULL;
	bool		 dashdash = false;
	int		 i, rc;

	o->layer++;
	for (i = 0; i < argc; i++) {
		arg = argv[i];
		if (!dashdash && strcmp(arg, "--") == 0) {
			dashdash = true;
			continue;
		}
		if (dashdash || arg[0] != '-' || arg[1] == '\0') {
			if (dest != NULL) {
				snprintf(err, errlen, "unexpected argument "
				    "\"%s\" (gateway already given)", arg);
				return -1;
			}
			dest = o->dest = arg;
			o->dest_layer = o->layer;
			continue;
		}
		if (arg[1] == '-') {
			rc = parse_long(argc, argv, &i, o, err, errlen);
		} else {
			rc = parse_short(argc, argv, &i, o, err, errlen);
		}
		if (rc != 0) {
			return -1;
		}
		if (o->help || o->version) {
			return 0;	/* the rest is not looked at */
		}
	}
	return 0;
}

int
opts_parse(int argc, char *const *argv, struct opts *o, char *err,
    size_t errlen)
{
	if (errlen > 0) {
		err[0] = '\0';
	}
	opts_init(o);
	if (opts_scan(o, argc > 0 ? argc - 1 : 0, argv + (argc > 0), err,
	    errlen) != 0) {
		return -1;
	}
	if (o->help || o->version) {
		return 0;
	}
	return opts_finish(o, err, errlen);
}
