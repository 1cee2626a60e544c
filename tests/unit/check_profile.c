/*
 * check_profile: the client's profile file, each keyword through the
 * option it stands for, FILE:LINE errors, which argument names a
 * profile, and the profile's options under the command line's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/cfgfile.h"
#include "popgate/opts.h"
#include "popgate/profile.h"
#include "popgate/usage.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FILE_NAME	"/etc/pg/config"
#define HOME		"/home/al"
#define FP_A	"SHA256:ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs"
#define FP_B	"SHA256:PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0"

/* Parses text as the file FILE_NAME; NULL with the error in err. */
static struct profile *
read_text(const char *text, const char *home, char *err, size_t errlen)
{
	struct cfgfile	*cf = cfgfile_from_string(FILE_NAME, text);
	struct profile	*p = NULL;

	err[0] = '\0';
	p = profile_read(cf, home, err, errlen);
	cfgfile_free(cf);
	return p;
}

static struct profile *
read_ok(const char *text)
{
	char		 err[1024];
	struct profile	*p = read_text(text, HOME, err, sizeof(err));

	ck_assert_msg(p != NULL, "rejected: %s", err);
	return p;
}

/* The block's argv joined by single spaces. */
static void
joined(const struct profile_host *h, char *buf, size_t len)
{
	char *const	*argv = NULL;
	int		 argc, i;
	size_t		 used = 0;

	argv = profile_host_argv(h, &argc);
	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? " " : "", argv[i]);
		ck_assert_uint_lt(used, len);
	}
	ck_assert_ptr_null(argv[argc]);
}

/* Accepted blocks: the argv each gives, and its dest for "NAME". */

struct good_case {
	const char	*text;
	const char	*name;
	const char	*argv;
	const char	*dest;
};

static const struct good_case good_cases[] = {
	{ "Host work\n", "work", "", "work" },
	{ "Host work\nGateway gw.example.org\n", "work", "", "gw.example.org" },
	{ "Host work\nGateway 192.0.2.7\nPort 2222\n", "work", "-p 2222",
	    "192.0.2.7" },
	{ "Host w\nGateway [::1]\n", "w", "", "[::1]" },
	{ "Host w\nGateway ::1\n", "w", "", "::1" },
	{ "Host w\nUser alice\n", "w", "-l alice", "w" },
	{ "Host w\nIdentityFile /k/id\n", "w", "-i /k/id", "w" },
	{ "Host w\nIdentityFile ~/.ssh/id_work\n", "w",
	    "-i " HOME "/.ssh/id_work", "w" },
	{ "Host w\nIdentityFile keys/id\n", "w", "-i /etc/pg/keys/id", "w" },
	{ "Host w\nIdentityFile \"/a b/id\"\n", "w", "-i /a b/id", "w" },
	{ "Host w\nForward 1110:pop3:110\n", "w", "-L 1110:pop3:110", "w" },
	{ "Host w\nForward 0:pop3:110\nForward [::1]:1143:imap:143\n", "w",
	    "-L 0:pop3:110 -L [::1]:1143:imap:143", "w" },
	{ "Host w\nFingerprint " FP_A "\nFingerprint " FP_B "\n", "w",
	    "--fingerprint " FP_A " --fingerprint " FP_B, "w" },
	{ "Host w\nKnownHostsFile kh\n", "w", "--known-hosts /etc/pg/kh",
	    "w" },
	{ "Host w\nPasswordFile ~/pw\n", "w", "--password-file " HOME "/pw",
	    "w" },
	{ "Host w\nKeepalive 0\n", "w", "--keepalive 0", "w" },
	{ "Host w\nKeepalive 86400\n", "w", "--keepalive 86400", "w" },
	{ "Host w\nPersist yes\n", "w", "--persist", "w" },
	{ "Host w\nPersist no\n", "w", "", "w" },
	{ "Host w\nPersist YES\n", "w", "--persist", "w" },
	/* Keywords in any case, "=", blanks, comments. */
	{ "# profiles\n\nhost w\n\tgateway=gw\n  PORT = 2\n# x\n  user\tal\n",
	    "w", "-p 2 -l al", "gw" },
	/* Order kept; blocks independent; names are case-sensitive. */
	{ "Host a\nPort 1\nHost w\nKeepalive 5\nPort 3\nHost W\nPort 4\n",
	    "w", "--keepalive 5 -p 3", "w" },
	{ "Host a.b-c_d\n", "a.b-c_d", "", "a.b-c_d" },
	{ "Host w\nGateway g\nPort 2222\nUser al\nIdentityFile /i\n"
	    "Forward 1:h:2\nFingerprint " FP_A "\nKnownHostsFile /kh\n"
	    "PasswordFile /pw\nKeepalive 9\nPersist yes\n", "w",
	    "-p 2222 -l al -i /i -L 1:h:2 --fingerprint " FP_A
	    " --known-hosts /kh --password-file /pw --keepalive 9 --persist",
	    "g" },
};

START_TEST(test_profile_accepts)
{
	const struct good_case		*c = &good_cases[_i];
	struct profile			*p = read_ok(c->text);
	const struct profile_host	*h = profile_find(p, c->name);
	char				 buf[1024];

	ck_assert_msg(h != NULL, "case %d: no Host %s", _i, c->name);
	ck_assert_str_eq(profile_host_name(h), c->name);
	joined(h, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, c->argv) == 0, "case %d: argv \"%s\", want "
	    "\"%s\"", _i, buf, c->argv);
	profile_host_dest(h, c->name, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->dest);
	profile_free(p);
}
END_TEST

/* Rejected files: FILE:LINE and the reason. */

struct bad_case {
	const char	*text;
	const char	*err;
};

static const struct bad_case bad_cases[] = {
	{ "Port 22\n", FILE_NAME ":1: Port before any Host line" },
	{ "# c\n\nGateway g\nHost w\n", FILE_NAME ":3: Gateway before any "
	    "Host line" },
	{ "Host w\nBogus 1\n", FILE_NAME ":2: unknown keyword \"Bogus\" "
	    "(Host, Gateway, Port," },
	{ "Host w\nHostName g\n", ":2: unknown keyword \"HostName\"" },
	{ "Host w\nLocalForward 1:h:2\n", ":2: unknown keyword" },
	{ "Host\n", FILE_NAME ":1: Host: missing profile name" },
	{ "Host w x\n", ":1: Host: one value only" },
	{ "Host \"w\n", ":1: Host: unclosed quote" },
	{ "Host -w\n", ":1: Host \"-w\": bad profile name" },
	{ "Host .w\n", ":1: Host \".w\": bad profile name" },
	{ "Host a/b\n", ":1: Host \"a/b\": bad profile name" },
	{ "Host a@b\n", ":1: Host \"a@b\": bad profile name" },
	{ "Host a:b\n", ":1: Host \"a:b\": bad profile name" },
	{ "Host \"a b\"\n", ":1: Host \"a b\": bad profile name" },
	{ "Host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaa\n", ":1: Host \"aaaa" },
	{ "Host w\nPort 1\nHost v\nHost w\n", FILE_NAME ":4: Host \"w\" "
	    "given twice" },
	{ "Host w\nPort 1\n\nPort 2\n", FILE_NAME ":4: Port given twice in "
	    "Host \"w\" (first at line 2)" },
	{ "Host w\nGateway a\nGateway b\n", ":3: Gateway given twice" },
	{ "Host w\nUser a\nuser b\n", ":3: User given twice" },
	{ "Host w\nKeepalive 1\nKeepalive 1\n", ":3: Keepalive given twice" },
	{ "Host w\nPersist no\nPersist yes\n", ":3: Persist given twice" },
	{ "Host w\nIdentityFile /a\nIdentityFile /b\n",
	    ":3: IdentityFile given twice" },
	{ "Host w\nKnownHostsFile /a\nKnownHostsFile /a\n",
	    ":3: KnownHostsFile given twice" },
	{ "Host w\nPasswordFile /a\nPasswordFile /a\n",
	    ":3: PasswordFile given twice" },
	{ "Host w\nPort\n", ":2: Port: missing value" },
	{ "Host w\nPort \"\"\n", ":2: Port: missing value" },
	{ "Host w\nPort 1 2\n", ":2: Port: one value only" },
	{ "Host w\nPort \"1\n", ":2: Port: unclosed quote" },
	{ "Host w\nPort x\n", FILE_NAME ":2: Port \"x\": bad port (expected 1 "
	    "to 65535)" },
	{ "Host w\nPort 0\n", ":2: Port \"0\": bad port" },
	{ "Host w\nPort 65536\n", ":2: Port \"65536\": bad port" },
	{ "Host w\nUser \"bad user\"\n", ":2: User \"bad user\": bad user "
	    "name" },
	{ "Host w\nUser .x\n", ":2: User \".x\": bad user name" },
	{ "Host w\nGateway al@gw\n", ":2: Gateway \"al@gw\": a host only, "
	    "without USER@" },
	{ "Host w\nGateway gw:22\n", ":2: Gateway \"gw:22\": give the port" },
	{ "Host w\nGateway -gw\n", ":2: Gateway \"-gw\": must not start with "
	    "'-'" },
	{ "Host w\nGateway bad/host\n", ":2: Gateway \"bad/host\": bad "
	    "character" },
	{ "Host w\nGateway [::1\n", ":2: Gateway \"[::1\": missing ']'" },
	{ "Host w\nForward 1110:pop3\n", ":2: Forward \"1110:pop3\": expected "
	    "[BIND:]PORT:HOST:HOSTPORT" },
	{ "Host w\nForward 1:h:2\nForward 99999:pop3:110\n",
	    ":3: Forward \"99999:pop3:110\": bad local port" },
	{ "Host w\nFingerprint MD5:aa\n", ":2: Fingerprint \"MD5:aa\": "
	    "expected \"SHA256:\"" },
	{ "Host w\nKeepalive 86401\n", ":2: Keepalive \"86401\": expected "
	    "seconds" },
	{ "Host w\nKeepalive 30s\n", ":2: Keepalive \"30s\"" },
	{ "Host w\nPersist maybe\n", ":2: Persist \"maybe\": expected yes or "
	    "no" },
	{ "Host w\nPersist 1\n", ":2: Persist \"1\": expected yes or no" },
	{ "Host w\nIdentityFile ~bob/id\n", ":2: IdentityFile: \"~bob/id\": "
	    "only ~/ is expanded" },
	{ "Host w\nPasswordFile ~\n", ":2: PasswordFile: \"~\": only ~/" },
};

START_TEST(test_profile_rejects)
{
	const struct bad_case	*c = &bad_cases[_i];
	struct profile		*p = NULL;
	char			 err[1024];

	p = read_text(c->text, HOME, err, sizeof(err));
	ck_assert_msg(p == NULL, "case %d accepted", _i);
	ck_assert_msg(strstr(err, c->err) != NULL, "case %d: error \"%s\" "
	    "lacks \"%s\"", _i, err, c->err);
	ck_assert_msg(strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1) ==
	    0, "case %d: error \"%s\" lacks FILE:LINE", _i, err);
}
END_TEST

START_TEST(test_profile_no_home)
{
	char		 err[512];
	struct profile	*p = NULL;

	p = read_text("Host w\nIdentityFile ~/id\n", NULL, err, sizeof(err));
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(strstr(err, FILE_NAME ":2: IdentityFile: "
	    "\"~/id\": no HOME to expand ~ with"));
	p = read_text("Host w\nIdentityFile ~/id\n", "", err, sizeof(err));
	ck_assert_ptr_null(p);
	/* Without ~ no HOME is needed. */
	p = read_text("Host w\nIdentityFile /id\n", NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	profile_free(p);
}
END_TEST

/* The limits of the repeatable options hold per block, with a line. */
START_TEST(test_profile_repeat_limits)
{
	char		 text[8192], err[1024], want[64];
	struct profile	*p = NULL;
	size_t		 used = 0;
	int		 i;

	used += (size_t)snprintf(text, sizeof(text), "Host w\n");
	for (i = 0; i < OPTS_MAX_FORWARDS; i++) {
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		    "Forward %d:pop3:110\n", 1000 + i);
	}
	/* Another block has its own 32. */
	used += (size_t)snprintf(text + used, sizeof(text) - used,
	    "Host v\nForward 1:pop3:110\n");
	p = read_text(text, HOME, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	profile_free(p);
	snprintf(text + used, sizeof(text) - used, "Host x\n");
	for (i = 0; i <= OPTS_MAX_FORWARDS; i++) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    "Forward %d:pop3:110\n", 2000 + i);
	}
	p = read_text(text, HOME, err, sizeof(err));
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), ":%d: Forward \"%d:pop3:110\": too many",
	    OPTS_MAX_FORWARDS + 2 + 2 + OPTS_MAX_FORWARDS + 1,
	    2000 + OPTS_MAX_FORWARDS);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" lacks \"%s\"", err,
	    want);
}
END_TEST

START_TEST(test_profile_fingerprint_limit)
{
	char		 text[4096], err[1024];
	struct profile	*p = NULL;
	int		 i;

	snprintf(text, sizeof(text), "Host w\n");
	for (i = 0; i <= OPTS_MAX_FINGERPRINTS; i++) {
		/* 43 base64 characters, each line a different key. */
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    "Fingerprint SHA256:%c%s\n", 'A' + i,
		    "peBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs");
	}
	p = read_text(text, HOME, err, sizeof(err));
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err, ": too many --fingerprint") != NULL &&
	    strstr(err, FILE_NAME ":10: Fingerprint \"SHA256:I") != NULL,
	    "%s", err);
}
END_TEST

START_TEST(test_profile_cfgfile_errors)
{
	char		 text[CFGFILE_LINE_MAX + 64], err[512];
	struct profile	*p = NULL;

	/* Every byte set: the line runs to the end of text, longer than
	 * CFGFILE_LINE_MAX. */
	snprintf(text, sizeof(text), "Host w\nIdentityFile /");
	memset(text + strlen(text), 'k', sizeof(text) - strlen(text));
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	p = read_text(text, HOME, err, sizeof(err));
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(strstr(err, FILE_NAME ":2: line too long"));
}
END_TEST

START_TEST(test_profile_load_file)
{
	char		*dir = testutil_mkdtemp();
	char		*path = NULL, *missing = NULL;
	char		 err[1024], buf[PROFILE_DEST_MAX], want[1024];
	struct profile	*p = NULL;
	char *const	*argv = NULL;
	int		 argc;

	path = testutil_write(dir, "config", "Host w\nIdentityFile id\n"
	    "Port 7\n");
	p = profile_load(path, HOME, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(profile_count(p), 1);
	argv = profile_host_argv(profile_find(p, "w"), &argc);
	ck_assert_int_eq(argc, 4);
	snprintf(want, sizeof(want), "%s/id", dir);
	ck_assert_str_eq(argv[1], want);	/* next to the file */
	profile_host_dest(profile_find(p, "w"), "al@w", buf, sizeof(buf));
	ck_assert_str_eq(buf, "al@w");
	profile_free(p);
	missing = testutil_write(dir, "other", "Host w\nPort 7\nPort 8\n");
	p = profile_load(missing, HOME, err, sizeof(err));
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s:3: Port given twice", missing);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	free(missing);
	missing = testutil_write(dir, "gone", "");
	ck_assert_int_eq(remove(missing), 0);
	p = profile_load(missing, HOME, err, sizeof(err));
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s: No such file or directory",
	    missing);
	ck_assert_str_eq(err, want);
	free(missing);
	free(path);
	testutil_rmdir(dir);
}
END_TEST

START_TEST(test_profile_empty_file)
{
	struct profile	*p = read_ok("# nothing yet\n\n");
	char		 buf[64] = "x";

	ck_assert_uint_eq(profile_count(p), 0);
	ck_assert_ptr_null(profile_find(p, "w"));
	profile_names(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	profile_free(p);
	profile_free(NULL);
}
END_TEST

/* profile_names: file order, cut to fit with "...". */

struct names_case {
	size_t		 len;
	const char	*want;
};

static const struct names_case names_cases[] = {
	{ 64, "work, home, a" },
	{ 14, "work, home, a" },
	{ 13, "work, ..." },
	{ 10, "work, ..." },
	{ 9, "..." },
	{ 4, "..." },
	{ 3, "" },
	{ 1, "" },
};

START_TEST(test_profile_names)
{
	const struct names_case	*c = &names_cases[_i];
	struct profile		*p = read_ok("Host work\nHost home\nHost a\n");
	char			 buf[64];

	memset(buf, 'x', sizeof(buf));
	profile_names(p, buf, c->len);
	ck_assert_msg(strcmp(buf, c->want) == 0, "len %zu: \"%s\", want "
	    "\"%s\"", c->len, buf, c->want);
	ck_assert_uint_lt(strlen(buf), c->len);
	profile_free(p);
}
END_TEST

/* profile_resolve: a profile, a gateway, or an error. */

struct resolve_case {
	const char	*dest;
	bool		 required;
	const char	*block;		/* NULL: a gateway */
	const char	*err;		/* non-NULL: rejected */
};

static const struct resolve_case resolve_cases[] = {
	{ "work", false, "work", NULL },
	{ "work", true, "work", NULL },
	{ "bob@work", false, "work", NULL },
	{ "a@b@work", false, "work", NULL },
	{ "gw.example.org", false, "gw.example.org", NULL },
	{ "Work", false, NULL, "no profile \"Work\" in " FILE_NAME
	    " (profiles: work, gw.example.org); for a gateway of that name "
	    "add \"Host Work\"" },
	{ "wrok", false, NULL, "no profile \"wrok\"" },
	{ "bob@wrok", false, NULL, "no profile \"wrok\"" },
	{ "mail.example.org", false, NULL, NULL },
	{ "bob@mail.example.org", false, NULL, NULL },
	{ "192.0.2.1", false, NULL, NULL },
	{ "localhost", false, NULL, NULL },
	{ "LocalHost", false, NULL, NULL },
	{ "::1", false, NULL, NULL },
	{ "[::1]", false, NULL, NULL },
	{ "work@", false, NULL, "no profile \"\"" },
	{ "mail.example.org", true, NULL, "no profile \"mail.example.org\" "
	    "in " FILE_NAME " (profiles: work, gw.example.org)" },
	{ "localhost", true, NULL, "no profile \"localhost\"" },
};

START_TEST(test_profile_resolve)
{
	const struct resolve_case	*c = &resolve_cases[_i];
	const struct profile_host	*h = NULL;
	struct profile			*p = read_ok("Host work\n"
					    "Host gw.example.org\n");
	char				 err[512] = "";
	int				 rc;

	rc = profile_resolve(p, c->dest, c->required, &h, err, sizeof(err));
	if (c->err != NULL) {
		ck_assert_msg(rc == -1, "case %d: accepted", _i);
		ck_assert_ptr_null(h);
		ck_assert_msg(strstr(err, c->err) != NULL, "case %d: \"%s\" "
		    "lacks \"%s\"", _i, err, c->err);
	} else if (c->block != NULL) {
		ck_assert_msg(rc == 0 && h != NULL, "case %d: %s", _i, err);
		ck_assert_str_eq(profile_host_name(h), c->block);
	} else {
		ck_assert_msg(rc == 0 && h == NULL, "case %d: %s", _i, err);
	}
	profile_free(p);
}
END_TEST

START_TEST(test_profile_resolve_without_blocks)
{
	const struct profile_host	*h = (const void *)1;
	struct profile			*p = read_ok("");
	char				 err[512] = "";

	ck_assert_int_eq(profile_resolve(NULL, "work", true, &h, err,
	    sizeof(err)), 0);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(profile_resolve(p, "work", false, &h, err,
	    sizeof(err)), 0);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(profile_resolve(p, "work", true, &h, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "no profile \"work\": " FILE_NAME " has no Host "
	    "blocks");
	profile_free(p);
}
END_TEST

START_TEST(test_profile_dest)
{
	struct profile	*p = read_ok("Host w\nGateway gw\nUser al\n"
			    "Host v\n");
	char		 buf[PROFILE_DEST_MAX];

	profile_host_dest(profile_find(p, "w"), "w", buf, sizeof(buf));
	ck_assert_str_eq(buf, "gw");	/* User stays an option: -l */
	profile_host_dest(profile_find(p, "w"), "bob@w", buf, sizeof(buf));
	ck_assert_str_eq(buf, "bob@gw");
	profile_host_dest(profile_find(p, "v"), "bob@v", buf, sizeof(buf));
	ck_assert_str_eq(buf, "bob@v");
	profile_free(p);
}
END_TEST

/*
 * The profile's options as a layer under the command line's, as
 * popgate's main() does it. args: the command line, NULL-terminated,
 * its gateway argument last. o points into the profile returned.
 */
static struct profile *
layered(struct opts *o, const char *text, const char *const *args)
{
	struct profile			*p = read_ok(text);
	const struct profile_host	*h = NULL;
	static char			 dest[PROFILE_DEST_MAX];
	char				 err[512] = "";
	char *const			*pargv = NULL;
	int				 pargc, argc = 0;

	while (args[argc] != NULL) {
		argc++;
	}
	ck_assert_int_eq(profile_resolve(p, args[argc - 1], false, &h, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(h);
	profile_host_dest(h, args[argc - 1], dest, sizeof(dest));
	pargv = profile_host_argv(h, &pargc);
	opts_init(o);
	ck_assert_int_eq(opts_scan(o, pargc, pargv, err, sizeof(err)), 0);
	ck_assert_msg(opts_scan(o, argc, (char *const *)args, err,
	    sizeof(err)) == 0, "%s", err);
	o->dest = dest;
	ck_assert_msg(opts_finish(o, err, sizeof(err)) == 0, "%s", err);
	return p;
}

#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define PROFILE_W	"Host w\nGateway gw.example.org\nPort 2222\nUser al\n" \
			"Forward 1110:pop3:110\nForward 1143:imap:143\n" \
			"Fingerprint " FP_A "\nKeepalive 10\nPersist yes\n" \
			"IdentityFile /id\n"

START_TEST(test_profile_layer_alone)
{
	struct profile	*p = NULL;
	struct opts	 o;

	p = layered(&o, PROFILE_W, ARGS("w"));
	ck_assert_str_eq(o.gateway, "gw.example.org");
	ck_assert_uint_eq(o.port, 2222);
	ck_assert_str_eq(o.user, "al");
	ck_assert_uint_eq(o.nforwards, 2);
	ck_assert_uint_eq(o.forwards[1].bind.port, 1143);
	ck_assert_uint_eq(o.nfingerprints, 1);
	ck_assert_uint_eq(o.keepalive, 10);
	ck_assert(o.persist);
	ck_assert_str_eq(o.identity, "/id");
	profile_free(p);
}
END_TEST

START_TEST(test_profile_command_line_wins)
{
	struct profile	*p = NULL;
	struct opts	 o;

	p = layered(&o, PROFILE_W, ARGS("-p", "22", "--keepalive", "0", "-i",
	    "/other", "bob@w"));
	ck_assert_uint_eq(o.port, 22);
	ck_assert_uint_eq(o.keepalive, 0);
	ck_assert_str_eq(o.identity, "/other");
	ck_assert_str_eq(o.user, "bob");	/* USER@ beats User */
	ck_assert_str_eq(o.gateway, "gw.example.org");
	profile_free(p);
	p = layered(&o, PROFILE_W, ARGS("-l", "carol", "bob@w"));
	ck_assert_str_eq(o.user, "carol");	/* -l beats USER@ */
	profile_free(p);
	p = layered(&o, PROFILE_W, ARGS("-l", "carol", "w"));
	ck_assert_str_eq(o.user, "carol");
	profile_free(p);
}
END_TEST

/* A repeated option from the command line replaces the profile's list. */
START_TEST(test_profile_command_line_replaces_lists)
{
	struct profile	*p = NULL;
	struct opts	 o;

	p = layered(&o, PROFILE_W, ARGS("-L", "0:pop3:995", "-L", "0:x:1",
	    "w"));
	ck_assert_uint_eq(o.nforwards, 2);
	ck_assert_uint_eq(o.forwards[0].target.port, 995);
	ck_assert_str_eq(o.forwards[1].target.host, "x");
	ck_assert_uint_eq(o.nfingerprints, 1);	/* untouched */
	profile_free(p);
	p = layered(&o, PROFILE_W, ARGS("--fingerprint", FP_B, "w"));
	ck_assert_uint_eq(o.nfingerprints, 1);
	ck_assert_str_eq(o.fingerprints[0], FP_B);
	ck_assert_uint_eq(o.nforwards, 2);
	ck_assert_uint_eq(o.forwards[0].target.port, 110);
	/* -W: no listeners, the profile's forwards give way. */
	profile_free(p);
	p = layered(&o, PROFILE_W, ARGS("-W", "pop3:110", "w"));
	ck_assert(o.stdio);
	ck_assert_uint_eq(o.nforwards, 0);
	ck_assert(!o.persist);
	profile_free(p);
	p = layered(&o, PROFILE_W, ARGS("--check", "w"));
	ck_assert(o.check);
	ck_assert(!o.persist);
	profile_free(p);
}
END_TEST

/* Every keyword's option exists, as the table spells it. */
START_TEST(test_profile_keywords_are_options)
{
	static const char *const opts[] = {
		"-p", "-l", "-i", "-L", "--fingerprint", "--known-hosts",
		"--password-file", "--keepalive", "--persist",
	};
	const char	*u = usage_text();
	size_t		 i;

	for (i = 0; i < NELEM(opts); i++) {
		ck_assert_msg(strstr(u, opts[i]) != NULL, "usage lacks %s",
		    opts[i]);
	}
}
END_TEST

Suite *
profile_suite(void)
{
	Suite	*s = suite_create("profile");
	TCase	*tc = tcase_create("read");

	tcase_add_loop_test(tc, test_profile_accepts, 0, NELEM(good_cases));
	tcase_add_loop_test(tc, test_profile_rejects, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_profile_no_home);
	tcase_add_test(tc, test_profile_repeat_limits);
	tcase_add_test(tc, test_profile_fingerprint_limit);
	tcase_add_test(tc, test_profile_cfgfile_errors);
	tcase_add_test(tc, test_profile_load_file);
	tcase_add_test(tc, test_profile_empty_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("use");
	tcase_add_loop_test(tc, test_profile_names, 0, NELEM(names_cases));
	tcase_add_loop_test(tc, test_profile_resolve, 0,
	    NELEM(resolve_cases));
	tcase_add_test(tc, test_profile_resolve_without_blocks);
	tcase_add_test(tc, test_profile_dest);
	tcase_add_test(tc, test_profile_layer_alone);
	tcase_add_test(tc, test_profile_command_line_wins);
	tcase_add_test(tc, test_profile_command_line_replaces_lists);
	tcase_add_test(tc, test_profile_keywords_are_options);
	suite_add_tcase(s, tc);
	return s;
}
