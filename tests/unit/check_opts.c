/*
 * check_opts: popgate's command line: options, layers, the gateway
 * argument and checks across options (-L specs themselves:
 * check_fwdspec.c).
 */
#include <stdio.h>
#include <string.h>

#include "popgate/opts.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXARGS		80

/* Real fingerprints (SHA-256 of "a" and "b"), as ssh-keygen prints. */
#define FP_A	"SHA256:ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs"
#define FP_B	"SHA256:PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0"
#define B64_42	"ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSL"

/* Runs opts_parse on "popgate" + args (NULL-terminated). */
static int
parse(struct opts *o, char *err, size_t errlen, const char *const *args)
{
	char	*argv[MAXARGS + 2];
	int	 argc = 0;

	argv[argc++] = (char *)"popgate";
	for (; *args != NULL; args++) {
		ck_assert_int_lt(argc, MAXARGS + 1);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	return opts_parse(argc, argv, o, err, errlen);
}

/* Parses, failing the test with the error when parsing fails. */
static void
parse_ok(struct opts *o, const char *const *args)
{
	char	err[512] = "";

	ck_assert_msg(parse(o, err, sizeof(err), args) == 0,
	    "\"%s ...\" rejected: %s", args[0] != NULL ? args[0] : "",
	    err);
}

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* opts_parse: defaults and accepted forms. */

START_TEST(test_opts_defaults)
{
	struct opts	o;

	memset(&o, 0xa5, sizeof(o));	/* parse must not trust o */
	parse_ok(&o, ARGS("gw.example.com"));
	ck_assert_str_eq(o.gateway, "gw.example.com");
	ck_assert_str_eq(o.user, "");
	ck_assert_uint_eq(o.port, 22);
	ck_assert_uint_eq(o.nforwards, 1);
	ck_assert_str_eq(o.forwards[0].bind.host, "127.0.0.1");
	ck_assert_uint_eq(o.forwards[0].bind.port, 1110);
	ck_assert_str_eq(o.forwards[0].target.host, "pop3");
	ck_assert_uint_eq(o.forwards[0].target.port, 110);
	ck_assert_ptr_null(o.identity);
	ck_assert_ptr_null(o.known_hosts);
	ck_assert_ptr_null(o.password_file);
	ck_assert(!o.accept_new);
	ck_assert_uint_eq(o.nfingerprints, 0);
	ck_assert_uint_eq(o.keepalive, OPTS_DEFAULT_KEEPALIVE);
	ck_assert(!o.check);
	ck_assert(!o.stdio);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert(!o.quiet);
	ck_assert(!o.help);
	ck_assert(!o.version);
	ck_assert(!o.persist);
	ck_assert(!o.background);
	ck_assert_ptr_null(o.pid_file);
	ck_assert_ptr_null(o.config);
	ck_assert_str_eq(o.dest, "gw.example.com");
}
END_TEST

START_TEST(test_opts_persist_background)
{
	struct opts	o;

	parse_ok(&o, ARGS("--persist", "-f", "--pid-file", "p.pid", "-F",
	    "conf", "gw"));
	ck_assert(o.persist);
	ck_assert(o.background);
	ck_assert_str_eq(o.pid_file, "p.pid");
	ck_assert_str_eq(o.config, "conf");
	parse_ok(&o, ARGS("--background", "--pid-file=x", "-Fc", "gw"));
	ck_assert(o.background);
	ck_assert(!o.persist);
	ck_assert_str_eq(o.pid_file, "x");
	ck_assert_str_eq(o.config, "c");
	parse_ok(&o, ARGS("-vfq", "gw"));
	ck_assert(o.background);
	ck_assert(o.quiet);
	/* --check and -W end by themselves: --persist has nothing to do. */
	parse_ok(&o, ARGS("--persist", "--check", "gw"));
	ck_assert(!o.persist);
	parse_ok(&o, ARGS("--persist", "-W", "pop3:110", "gw"));
	ck_assert(!o.persist);
	/* A pid file needs no -f. */
	parse_ok(&o, ARGS("--pid-file", "p", "gw"));
	ck_assert(!o.background);
}
END_TEST

/* opts_scan layers: a later layer's values and lists replace. */

static void
scan_ok(struct opts *o, const char *const *args)
{
	char	err[512] = "";
	int	argc = 0;

	while (args[argc] != NULL) {
		argc++;
	}
	ck_assert_msg(opts_scan(o, argc, (char *const *)args, err,
	    sizeof(err)) == 0, "%s", err);
}

static void
finish_ok(struct opts *o)
{
	char	err[512] = "";

	ck_assert_msg(opts_finish(o, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_opts_layers)
{
	struct opts	o;

	opts_init(&o);
	scan_ok(&o, ARGS("-p", "2222", "-L", "1:a:1", "-L", "2:b:2",
	    "--fingerprint", FP_A, "--keepalive", "5", "al@gw1"));
	scan_ok(&o, ARGS("-p", "22", "-L", "3:c:3", "gw2"));
	finish_ok(&o);
	ck_assert_uint_eq(o.port, 22);
	ck_assert_uint_eq(o.nforwards, 1);
	ck_assert_uint_eq(o.forwards[0].bind.port, 3);
	ck_assert_uint_eq(o.nfingerprints, 1);
	ck_assert_uint_eq(o.keepalive, 5);
	ck_assert_str_eq(o.gateway, "gw2");
	ck_assert_str_eq(o.user, "");	/* gw2 has no USER@ */
	/* The second layer's fingerprints replace, its -L add to none. */
	opts_init(&o);
	scan_ok(&o, ARGS("--fingerprint", FP_A, "gw"));
	scan_ok(&o, ARGS("--fingerprint", FP_B, "--fingerprint", FP_A));
	finish_ok(&o);
	ck_assert_uint_eq(o.nfingerprints, 2);
	ck_assert_str_eq(o.fingerprints[0], FP_B);
	ck_assert_uint_eq(o.nforwards, 1);	/* the default */
	ck_assert_str_eq(o.gateway, "gw");
}
END_TEST

START_TEST(test_opts_layers_user)
{
	struct opts	o;

	opts_init(&o);
	scan_ok(&o, ARGS("-l", "al"));
	scan_ok(&o, ARGS("bob@gw"));
	finish_ok(&o);
	ck_assert_str_eq(o.user, "bob");	/* a later USER@ wins */
	opts_init(&o);
	scan_ok(&o, ARGS("-l", "al"));
	scan_ok(&o, ARGS("-l", "carol", "bob@gw"));
	finish_ok(&o);
	ck_assert_str_eq(o.user, "carol");	/* -l of the same layer */
	opts_init(&o);
	scan_ok(&o, ARGS("-l", "al"));
	scan_ok(&o, ARGS("gw"));
	finish_ok(&o);
	ck_assert_str_eq(o.user, "al");
}
END_TEST

START_TEST(test_opts_layers_stdio)
{
	struct opts	o;
	char		err[512] = "";

	opts_init(&o);
	scan_ok(&o, ARGS("-L", "1:a:1"));
	scan_ok(&o, ARGS("-W", "pop3:110", "gw"));
	finish_ok(&o);
	ck_assert(o.stdio);
	ck_assert_uint_eq(o.nforwards, 0);
	opts_init(&o);
	scan_ok(&o, ARGS("-L", "1:a:1"));
	scan_ok(&o, ARGS("-W", "pop3:110", "-L", "2:b:2", "gw"));
	ck_assert_int_eq(opts_finish(&o, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "-W cannot be combined with -L");
}
END_TEST

/* opts_set: one option by its spelling, the command line's parser. */

struct set_case {
	const char	*opt;
	const char	*arg;
	const char	*err;		/* NULL: accepted */
};

static const struct set_case set_cases[] = {
	{ "-p", "2222", NULL },
	{ "-L", "1:a:1", NULL },
	{ "--persist", NULL, NULL },
	{ "--keepalive", "0", NULL },
	{ "-f", NULL, NULL },
	{ "--background", NULL, NULL },
	{ "-p", "x", "-p \"x\": bad port" },
	{ "-p", NULL, "option \"-p\" needs an argument" },
	{ "--persist", "yes", "option \"--persist\" takes no argument" },
	{ "--keepalive", "1x", "--keepalive \"1x\"" },
	{ "-x", "1", "unknown option \"-x\"" },
	{ "-pp", "1", "unknown option \"-pp\"" },
	{ "p", "1", "unknown option \"p\"" },
	{ "--", NULL, "unknown option \"--\"" },
	{ "-", NULL, "unknown option \"-\"" },
	{ "--port", "1", "unknown option \"--port\"" },
};

START_TEST(test_opts_set)
{
	const struct set_case	*c = &set_cases[_i];
	struct opts		 o;
	char			 err[512] = "";
	int			 rc;

	opts_init(&o);
	rc = opts_set(&o, c->opt, c->arg, err, sizeof(err));
	if (c->err == NULL) {
		ck_assert_msg(rc == 0, "%s: %s", c->opt, err);
		return;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, c->err) != NULL, "\"%s\" lacks \"%s\"",
	    err, c->err);
}
END_TEST

START_TEST(test_opts_check_gateway)
{
	char	err[512] = "";

	ck_assert_int_eq(opts_check_gateway("gw.example.org", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(opts_check_gateway("[::1]", err, sizeof(err)), 0);
	ck_assert_int_eq(opts_check_gateway("::1", err, sizeof(err)), 0);
	ck_assert_int_eq(opts_check_gateway("al@gw", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "gateway \"al@gw\": a host only, without "
	    "USER@");
	ck_assert_int_eq(opts_check_gateway("gw:22", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "give the port with -p"));
	ck_assert_int_eq(opts_check_gateway("-gw", err, sizeof(err)), -1);
	ck_assert_int_eq(opts_check_gateway("", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing host"));
}
END_TEST

struct gw_case {
	const char	*args[6];	/* NULL-terminated */
	const char	*user;
	const char	*gateway;
};

static const struct gw_case gw_cases[] = {
	{ { "gw" }, "", "gw" },
	{ { "alice@gw" }, "alice", "gw" },
	{ { "a.b-c_d@mail.example.com" }, "a.b-c_d", "mail.example.com" },
	{ { "alice@192.0.2.1" }, "alice", "192.0.2.1" },
	{ { "[::1]" }, "", "::1" },
	{ { "alice@[::1]" }, "alice", "::1" },
	{ { "::1" }, "", "::1" },
	{ { "bob@2001:db8::5" }, "bob", "2001:db8::5" },
	{ { "[fe80::1%eth0]" }, "", "fe80::1%eth0" },
	{ { "-l", "bob", "alice@gw" }, "bob", "gw" },
	{ { "alice@gw", "-l", "bob" }, "bob", "gw" },
	{ { "-lbob", "gw" }, "bob", "gw" },
	{ { "-l", "bob", "gw" }, "bob", "gw" },
	{ { "-l", "bob", "-l", "carol", "gw" }, "carol", "gw" },
	{ { "--", "alice@gw" }, "alice", "gw" },
	{ { "-v", "--", "gw" }, "", "gw" },
};

START_TEST(test_opts_gateway_forms)
{
	const struct gw_case	*c = &gw_cases[_i];
	struct opts		 o;

	parse_ok(&o, c->args);
	ck_assert_str_eq(o.user, c->user);
	ck_assert_str_eq(o.gateway, c->gateway);
}
END_TEST

START_TEST(test_opts_user_length)
{
	char		arg[100];
	char		user[66];
	struct opts	o;
	char		err[512] = "";

	memset(user, 'u', 64);
	user[64] = '\0';
	snprintf(arg, sizeof(arg), "%s@gw", user);
	parse_ok(&o, ARGS(arg));
	ck_assert_str_eq(o.user, user);
	parse_ok(&o, ARGS("-l", user, "gw"));
	ck_assert_str_eq(o.user, user);
	user[64] = 'u';
	user[65] = '\0';
	snprintf(arg, sizeof(arg), "%s@gw", user);
	ck_assert_int_eq(parse(&o, err, sizeof(err), ARGS(arg)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad user name"));
	ck_assert_int_eq(parse(&o, err, sizeof(err), ARGS("-l", user, "gw")),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "bad user name"));
}
END_TEST

START_TEST(test_opts_port_bounds)
{
	struct opts	o;

	parse_ok(&o, ARGS("-p", "1", "gw"));
	ck_assert_uint_eq(o.port, 1);
	parse_ok(&o, ARGS("-p65535", "gw"));
	ck_assert_uint_eq(o.port, 65535);
	parse_ok(&o, ARGS("gw", "-p", "2222"));
	ck_assert_uint_eq(o.port, 2222);
	parse_ok(&o, ARGS("-p", "2222", "-p", "2200", "gw"));
	ck_assert_uint_eq(o.port, 2200);
}
END_TEST

START_TEST(test_opts_forwards_in_order)
{
	struct opts	o;

	parse_ok(&o, ARGS("-L", "1110:pop3:110", "-L2995:[::1]:995", "gw",
	    "-L", "*:0:pop3b:110"));
	ck_assert_uint_eq(o.nforwards, 3);
	ck_assert_str_eq(o.forwards[0].target.host, "pop3");
	ck_assert_uint_eq(o.forwards[1].bind.port, 2995);
	ck_assert_str_eq(o.forwards[1].target.host, "::1");
	ck_assert_uint_eq(o.forwards[1].target.port, 995);
	ck_assert_str_eq(o.forwards[2].bind.host, "0.0.0.0");
	ck_assert_uint_eq(o.forwards[2].bind.port, 0);
	ck_assert_str_eq(o.forwards[2].target.host, "pop3b");
}
END_TEST

START_TEST(test_opts_forward_limit)
{
	const char	*args[MAXARGS];
	char		 specs[OPTS_MAX_FORWARDS + 1][32];
	struct opts	 o;
	char		 err[512] = "";
	size_t		 i, n = 0;

	for (i = 0; i < OPTS_MAX_FORWARDS; i++) {
		snprintf(specs[i], sizeof(specs[i]), "%zu:pop3:110", 2000 + i);
		args[n++] = "-L";
		args[n++] = specs[i];
	}
	args[n++] = "gw";
	args[n] = NULL;
	parse_ok(&o, args);
	ck_assert_uint_eq(o.nforwards, OPTS_MAX_FORWARDS);
	ck_assert_uint_eq(o.forwards[OPTS_MAX_FORWARDS - 1].bind.port,
	    2000 + OPTS_MAX_FORWARDS - 1);
	snprintf(specs[i], sizeof(specs[i]), "3000:pop3:110");
	args[n - 1] = "-L";
	args[n++] = specs[i];
	args[n++] = "gw";
	args[n] = NULL;
	ck_assert_int_eq(parse(&o, err, sizeof(err), args), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many -L"));
}
END_TEST

START_TEST(test_opts_stdio)
{
	struct opts	o;

	parse_ok(&o, ARGS("-W", "pop3:110", "gw"));
	ck_assert(o.stdio);
	ck_assert_str_eq(o.stdio_target.host, "pop3");
	ck_assert_uint_eq(o.stdio_target.port, 110);
	ck_assert_uint_eq(o.nforwards, 0);	/* no listeners in -W mode */
	parse_ok(&o, ARGS("-W[::1]:995", "gw"));
	ck_assert(o.stdio);
	ck_assert_str_eq(o.stdio_target.host, "::1");
	ck_assert_uint_eq(o.stdio_target.port, 995);
	parse_ok(&o, ARGS("gw", "-W", "[2001:db8::5]:110"));
	ck_assert_str_eq(o.stdio_target.host, "2001:db8::5");
}
END_TEST

START_TEST(test_opts_verbose_count)
{
	struct opts	o;

	parse_ok(&o, ARGS("-v", "gw"));
	ck_assert_int_eq(o.verbose, 1);
	parse_ok(&o, ARGS("-v", "-v", "gw"));
	ck_assert_int_eq(o.verbose, 2);
	parse_ok(&o, ARGS("-vv", "gw"));
	ck_assert_int_eq(o.verbose, 2);
	parse_ok(&o, ARGS("-vvv", "gw", "-v"));
	ck_assert_int_eq(o.verbose, 4);
	ck_assert(!o.quiet);
	parse_ok(&o, ARGS("-vq", "gw"));
	ck_assert_int_eq(o.verbose, 1);
	ck_assert(o.quiet);
	parse_ok(&o, ARGS("-q", "gw"));
	ck_assert_int_eq(o.verbose, 0);
	ck_assert(o.quiet);
}
END_TEST

START_TEST(test_opts_long_forms)
{
	struct opts	o;

	parse_ok(&o, ARGS("--known-hosts=/k", "--password-file=/pw",
	    "--keepalive=5", "--fingerprint=" FP_A, "--accept-new", "--check",
	    "gw"));
	ck_assert_str_eq(o.known_hosts, "/k");
	ck_assert_str_eq(o.password_file, "/pw");
	ck_assert_uint_eq(o.keepalive, 5);
	ck_assert_uint_eq(o.nfingerprints, 1);
	ck_assert_str_eq(o.fingerprints[0], FP_A);
	ck_assert(o.accept_new);
	ck_assert(o.check);
	parse_ok(&o, ARGS("--known-hosts", "/k2", "--password-file", "/pw2",
	    "--keepalive", "0", "--fingerprint", FP_B, "gw"));
	ck_assert_str_eq(o.known_hosts, "/k2");
	ck_assert_str_eq(o.password_file, "/pw2");
	ck_assert_uint_eq(o.keepalive, 0);
	ck_assert_str_eq(o.fingerprints[0], FP_B);
	ck_assert(!o.accept_new);
	ck_assert(!o.check);
	/* A value that looks like an option is still the value. */
	parse_ok(&o, ARGS("--known-hosts", "--check", "gw"));
	ck_assert_str_eq(o.known_hosts, "--check");
	ck_assert(!o.check);
}
END_TEST

START_TEST(test_opts_short_attached)
{
	struct opts	o;

	parse_ok(&o, ARGS("-p2222", "-L1110:pop3:110", "-i~/.ssh/id",
	    "-lbob", "gw"));
	ck_assert_uint_eq(o.port, 2222);
	ck_assert_uint_eq(o.nforwards, 1);
	ck_assert_uint_eq(o.forwards[0].bind.port, 1110);
	ck_assert_str_eq(o.identity, "~/.ssh/id");
	ck_assert_str_eq(o.user, "bob");
	parse_ok(&o, ARGS("-vp", "2200", "-i", "/id", "gw"));
	ck_assert_int_eq(o.verbose, 1);
	ck_assert_uint_eq(o.port, 2200);
	ck_assert_str_eq(o.identity, "/id");
	parse_ok(&o, ARGS("-vL2110:pop3:110", "gw"));
	ck_assert_int_eq(o.verbose, 1);
	ck_assert_uint_eq(o.forwards[0].bind.port, 2110);
}
END_TEST

START_TEST(test_opts_keepalive_bounds)
{
	struct opts	o;

	parse_ok(&o, ARGS("--keepalive", "0", "gw"));
	ck_assert_uint_eq(o.keepalive, 0);
	parse_ok(&o, ARGS("--keepalive", "1", "gw"));
	ck_assert_uint_eq(o.keepalive, 1);
	parse_ok(&o, ARGS("--keepalive=86400", "gw"));
	ck_assert_uint_eq(o.keepalive, 86400);
}
END_TEST

START_TEST(test_opts_fingerprints)
{
	char		 fps[OPTS_MAX_FINGERPRINTS + 1][64];
	const char	*args[MAXARGS];
	struct opts	 o;
	char		 err[512] = "";
	size_t		 i, n = 0;

	parse_ok(&o, ARGS("--fingerprint", FP_A, "--fingerprint", FP_A,
	    "gw"));
	ck_assert_uint_eq(o.nfingerprints, 1);
	parse_ok(&o, ARGS("--fingerprint", FP_A, "--fingerprint", FP_B,
	    "gw"));
	ck_assert_uint_eq(o.nfingerprints, 2);
	ck_assert_str_eq(o.fingerprints[1], FP_B);
	for (i = 0; i <= OPTS_MAX_FINGERPRINTS; i++) {
		snprintf(fps[i], sizeof(fps[i]), "SHA256:%c%s",
		    (int)('A' + i), B64_42);
		args[n++] = "--fingerprint";
		args[n++] = fps[i];
	}
	args[n++] = "gw";
	args[n] = NULL;
	ck_assert_int_eq(parse(&o, err, sizeof(err), args), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many --fingerprint"));
	args[n - 3] = "gw";	/* drop the last one */
	args[n - 2] = NULL;
	parse_ok(&o, args);
	ck_assert_uint_eq(o.nfingerprints, OPTS_MAX_FINGERPRINTS);
	ck_assert_str_eq(o.fingerprints[OPTS_MAX_FINGERPRINTS - 1],
	    fps[OPTS_MAX_FINGERPRINTS - 1]);
}
END_TEST

START_TEST(test_opts_help_version_stop)
{
	struct opts	o;

	parse_ok(&o, ARGS("--help"));
	ck_assert(o.help);
	ck_assert(!o.version);
	parse_ok(&o, ARGS("--version"));
	ck_assert(o.version);
	ck_assert(!o.help);
	/* What follows is not parsed, so it cannot fail. */
	parse_ok(&o, ARGS("-v", "--help", "-x", "extra", "more"));
	ck_assert(o.help);
	parse_ok(&o, ARGS("gw", "--version", "--keepalive=bad"));
	ck_assert(o.version);
}
END_TEST

/* No state survives from one parse to the next (getopt's optind would). */
START_TEST(test_opts_parse_fresh_each_time)
{
	struct opts	o;
	char		err[512] = "";

	ck_assert_int_eq(parse(&o, err, sizeof(err), ARGS("-p", "x", "gw")),
	    -1);
	parse_ok(&o, ARGS("-vv", "-L", "2000:a:1", "-q", "--check", "-p",
	    "2222", "-lbob", "--fingerprint", FP_A, "gw1"));
	ck_assert_int_eq(o.verbose, 2);
	parse_ok(&o, ARGS("-p", "2200", "gw2"));
	ck_assert_str_eq(o.gateway, "gw2");
	ck_assert_uint_eq(o.port, 2200);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert(!o.quiet);
	ck_assert(!o.check);
	ck_assert_str_eq(o.user, "");
	ck_assert_uint_eq(o.nfingerprints, 0);
	ck_assert_uint_eq(o.nforwards, 1);
	ck_assert_str_eq(o.forwards[0].target.host, "pop3");
}
END_TEST

START_TEST(test_opts_gateway_host_length)
{
	char		host[ADDR_HOSTLEN + 1];
	struct opts	o;
	char		err[1024] = "";

	memset(host, 'g', ADDR_HOSTLEN - 1);
	host[ADDR_HOSTLEN - 1] = '\0';
	parse_ok(&o, ARGS(host));
	ck_assert_str_eq(o.gateway, host);
	memset(host, 'g', ADDR_HOSTLEN);
	host[ADDR_HOSTLEN] = '\0';
	ck_assert_int_eq(parse(&o, err, sizeof(err), ARGS(host)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

/* opts_parse: rejected command lines. */

struct bad_case {
	const char	*args[8];	/* NULL-terminated */
	const char	*err_part;
};

static const struct bad_case bad_cases[] = {
	{ { NULL }, "missing gateway" },
	{ { "-v" }, "missing gateway" },
	{ { "-L", "1110:pop3:110" }, "missing gateway" },
	{ { "gw", "extra" }, "unexpected argument \"extra\"" },
	{ { "gw", "--", "extra" }, "unexpected argument \"extra\"" },
	{ { "-x", "gw" }, "unknown option \"-x\"" },
	{ { "-vx", "gw" }, "unknown option \"-x\"" },
	{ { "-N", "gw" }, "unknown option \"-N\"" },
	{ { "--bogus", "gw" }, "unknown option \"--bogus\"" },
	{ { "--bogus=1", "gw" }, "unknown option \"--bogus\"" },
	{ { "--keep", "5", "gw" }, "unknown option \"--keep\"" },
	{ { "--HELP" }, "unknown option \"--HELP\"" },
	{ { "-x", "--help" }, "unknown option \"-x\"" },
	{ { "gw", "-p" }, "option \"-p\" needs an argument" },
	{ { "gw", "-l" }, "option \"-l\" needs an argument" },
	{ { "gw", "-L" }, "option \"-L\" needs an argument" },
	{ { "gw", "-i" }, "option \"-i\" needs an argument" },
	{ { "gw", "-vW" }, "option \"-W\" needs an argument" },
	{ { "gw", "--keepalive" }, "option \"--keepalive\" needs an argument" },
	{ { "gw", "--fingerprint" }, "option \"--fingerprint\" needs" },
	{ { "gw", "--known-hosts" }, "option \"--known-hosts\" needs" },
	{ { "gw", "--password-file" }, "option \"--password-file\" needs" },
	{ { "--check=yes", "gw" }, "option \"--check\" takes no argument" },
	{ { "--accept-new=", "gw" }, "\"--accept-new\" takes no argument" },
	{ { "-p", "0", "gw" }, "-p \"0\": bad port" },
	{ { "-p", "65536", "gw" }, "-p \"65536\": bad port" },
	{ { "-p", "22x", "gw" }, "-p \"22x\": bad port" },
	{ { "-p", "", "gw" }, "-p \"\": bad port" },
	{ { "-p", "-1", "gw" }, "-p \"-1\": bad port" },
	{ { "-l", "bad user", "gw" }, "-l \"bad user\": bad user name" },
	{ { "-l", ".hidden", "gw" }, "-l \".hidden\": bad user name" },
	{ { "-l", "", "gw" }, "-l \"\": bad user name" },
	{ { "a@b@host" }, "bad user name \"a@b\"" },
	{ { "-l", "bob", "a@b@host" }, "bad user name \"a@b\"" },
	{ { "@host" }, "bad user name \"\"" },
	{ { "-x@host" }, "unknown option \"-x\"" },
	{ { "us er@host" }, "bad user name \"us er\"" },
	{ { "user@" }, "missing host" },
	{ { "gw:22" }, "gateway \"gw:22\": give the port with -p" },
	{ { "alice@[::1]:22" }, "give the port with -p" },
	{ { "[::1" }, "missing ']'" },
	{ { "[pop3]" }, "brackets" },
	{ { "[::1]x" }, "expected ':' after ']'" },
	{ { "--", "-gw" }, "must not start with '-'" },
	{ { "-" }, "must not start with '-'" },
	{ { "bad/host" }, "bad character" },
	{ { "bad host" }, "bad character" },
	{ { "--keepalive", "86401", "gw" }, "--keepalive \"86401\"" },
	{ { "--keepalive", "-1", "gw" }, "--keepalive \"-1\"" },
	{ { "--keepalive=", "gw" }, "--keepalive \"\"" },
	{ { "--keepalive", "30s", "gw" }, "--keepalive \"30s\"" },
	{ { "--fingerprint", "MD5:aa:bb", "gw" }, "expected \"SHA256:\"" },
	{ { "--fingerprint", "sha256:" B64_42 "s", "gw" },
	    "expected \"SHA256:\"" },
	{ { "--fingerprint", B64_42 "s", "gw" }, "expected \"SHA256:\"" },
	{ { "--fingerprint", "SHA256:" B64_42, "gw" },
	    "42 base64 characters after \"SHA256:\", expected 43" },
	{ { "--fingerprint", "SHA256:" B64_42 "sA", "gw" },
	    "44 base64 characters" },
	{ { "--fingerprint", "SHA256:", "gw" }, "0 base64 characters" },
	{ { "--fingerprint", "SHA256:" B64_42 "=", "gw" },
	    "bad character '='" },
	{ { "--fingerprint", FP_A "=", "gw" }, "bad character '='" },
	{ { "--fingerprint", "SHA256:" B64_42 "-", "gw" },
	    "bad character '-'" },
	{ { "--fingerprint", " " FP_A, "gw" }, "expected \"SHA256:\"" },
	{ { "-W", "pop3:110", "-L", "1110:pop3:110", "gw" },
	    "-W cannot be combined with -L" },
	{ { "-L", "1110:pop3:110", "gw", "-W", "pop3:110" },
	    "-W cannot be combined with -L" },
	{ { "-W", "pop3:110", "--check", "gw" },
	    "-W cannot be combined with --check" },
	{ { "-W", "pop3", "gw" }, "-W \"pop3\": missing port" },
	{ { "-W", "pop3:0", "gw" }, "-W \"pop3:0\": bad port" },
	{ { "-W", "[::1", "gw" }, "missing ']'" },
	{ { "-L", "1110:pop3", "gw" },
	    "-L \"1110:pop3\": expected [BIND:]PORT:HOST:HOSTPORT" },
	{ { "-L", "99999:pop3:110", "gw" },
	    "-L \"99999:pop3:110\": bad local port \"99999\"" },
	{ { "-L1110:pop3:0", "gw" }, "bad target port \"0\"" },
	{ { "-i", "", "gw" }, "-i: empty file name" },
	{ { "--known-hosts=", "gw" }, "--known-hosts: empty file name" },
	{ { "--password-file", "", "gw" }, "--password-file: empty file" },
	{ { "-f", "-W", "pop3:110", "gw" }, "-f cannot be combined with -W" },
	{ { "--background", "--check", "gw" },
	    "-f cannot be combined with --check" },
	{ { "--pid-file", "p", "--check", "gw" },
	    "--pid-file cannot be combined with --check" },
	{ { "--pid-file", "p", "-W", "h:1", "gw" },
	    "--pid-file cannot be combined with -W" },
	{ { "gw", "--pid-file" }, "option \"--pid-file\" needs" },
	{ { "--pid-file=", "gw" }, "--pid-file: empty file name" },
	{ { "gw", "-F" }, "option \"-F\" needs an argument" },
	{ { "-F", "", "gw" }, "-F: empty file name" },
	{ { "--persist=yes", "gw" }, "\"--persist\" takes no argument" },
	{ { "--background=1", "gw" }, "\"--background\" takes no argument" },
	{ { "--f", "gw" }, "unknown option \"--f\"" },
	{ { "-f" }, "missing gateway" },
};

START_TEST(test_opts_rejects)
{
	const struct bad_case	*c = &bad_cases[_i];
	struct opts		 o;
	char			 err[512] = "";

	ck_assert_int_eq(parse(&o, err, sizeof(err), c->args), -1);
	ck_assert_msg(strstr(err, c->err_part) != NULL,
	    "case %d (%s ...): error \"%s\" lacks \"%s\"", _i,
	    c->args[0] != NULL ? c->args[0] : "", err, c->err_part);
}
END_TEST

Suite *
opts_suite(void)
{
	Suite	*s = suite_create("opts");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, test_opts_defaults);
	tcase_add_test(tc, test_opts_persist_background);
	tcase_add_test(tc, test_opts_layers);
	tcase_add_test(tc, test_opts_layers_user);
	tcase_add_test(tc, test_opts_layers_stdio);
	tcase_add_loop_test(tc, test_opts_set, 0, NELEM(set_cases));
	tcase_add_test(tc, test_opts_check_gateway);
	tcase_add_loop_test(tc, test_opts_gateway_forms, 0, NELEM(gw_cases));
	tcase_add_test(tc, test_opts_user_length);
	tcase_add_test(tc, test_opts_port_bounds);
	tcase_add_test(tc, test_opts_forwards_in_order);
	tcase_add_test(tc, test_opts_forward_limit);
	tcase_add_test(tc, test_opts_stdio);
	tcase_add_test(tc, test_opts_verbose_count);
	tcase_add_test(tc, test_opts_long_forms);
	tcase_add_test(tc, test_opts_short_attached);
	tcase_add_test(tc, test_opts_keepalive_bounds);
	tcase_add_test(tc, test_opts_fingerprints);
	tcase_add_test(tc, test_opts_help_version_stop);
	tcase_add_test(tc, test_opts_parse_fresh_each_time);
	tcase_add_test(tc, test_opts_gateway_host_length);
	tcase_add_loop_test(tc, test_opts_rejects, 0, NELEM(bad_cases));
	suite_add_tcase(s, tc);
	return s;
}
