/*
 * opts: popgate's command line, one layer at a time, then the finish.
 * Parsed by hand, not with getopt_long, so it keeps no global state (the
 * tests parse many argv in one process), needs no _GNU_SOURCE, and every
 * error names the option at fault. As with GNU getopt, options may
 * follow the gateway and "--" ends them; long options match exactly (no
 * abbreviations) and take "--opt=value" or "--opt value". What each
 * option does is the table in optdef.c; opts_finish takes the gateway
 * from [USER@]GATEWAY, checks options against each other and adds the
 * default -L.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "popgate/addr.h"
#include "popgate/optdef.h"
#include "popgate/opts.h"
#include "popgate/str.h"

#define DEFAULT_PORT	22

/* argv parsing. */

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
	d = optdef_find_long(name, len);
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
		return optdef_apply(d, o, NULL, err, errlen);
	}
	val = eq != NULL ? eq + 1 : next_arg(argc, argv, i);
	if (val == NULL) {
		snprintf(err, errlen, "option \"--%s\" needs an argument",
		    d->name);
		return -1;
	}
	return optdef_apply(d, o, val, err, errlen);
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
		d = optdef_find_short(*p);
		if (d == NULL) {
			snprintf(err, errlen, "unknown option \"-%c\"", *p);
			return -1;
		}
		if (!d->takes_arg) {
			if (optdef_apply(d, o, NULL, err, errlen) != 0) {
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
		return optdef_apply(d, o, val, err, errlen);
	}
	return 0;
}

/* The finish: [USER@]GATEWAY, checks across options, defaults. */

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
	char		 why[ADDR_ERRLEN];
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
		if (opts_set(o, "-L", OPTS_DEFAULT_FORWARD, err,
		    errlen) != 0) {
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
		d = optdef_find_long(opt + 2, strlen(opt + 2));
	} else if (opt[0] == '-' && opt[1] != '\0' && opt[2] == '\0') {
		d = optdef_find_short(opt[1]);
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
	return optdef_apply(d, o, arg, err, errlen);
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
