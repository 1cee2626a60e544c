/*
 * optdef: the option table and its setters. A setter checks its argument
 * and stores it; the repeatable -L and --fingerprint start a new list in
 * each layer (opts.h), -l and -W note their layer for opts_finish. An
 * option without an argument needs no setter (bar -v, which counts):
 * its row names the bool it sets.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/fwdspec.h"
#include "popgate/optdef.h"
#include "popgate/opts.h"
#include "popgate/str.h"

#define FP_PREFIX	"SHA256:"
#define FP_B64LEN	43	/* 32 bytes of SHA-256, unpadded base64 */
#define FP_B64CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/"
#define KEEPALIVE_MAX	86400

#define FLAG(member)	offsetof(struct opts, member)

/* Setters, one per table row that has one. */

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
	char	why[ADDR_ERRLEN];

	if (addr_parse(arg, 0, false, &o->stdio_target, why,
	    sizeof(why)) != 0) {
		/* The reason may already say what was expected. */
		snprintf(err, errlen, "-W \"%s\": %s%s", arg, why,
		    strstr(why, "expected") != NULL ? "" :
		    " (expected HOST:PORT)");
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

/* The table: one row per option. */

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

/* Lookups and use. */

const struct optdef *
optdef_find_short(char letter)
{
	size_t	i;

	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].letter != '\0' && optdefs[i].letter == letter) {
			return &optdefs[i];
		}
	}
	return NULL;
}

const struct optdef *
optdef_find_long(const char *name, size_t len)
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

int
optdef_apply(const struct optdef *d, struct opts *o, const char *arg,
    char *err, size_t errlen)
{
	if (d->set == NULL) {
		*(bool *)(void *)((char *)o + d->flag) = true;
		return 0;
	}
	return d->set(o, arg, err, errlen);
}
