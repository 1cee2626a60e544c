/*
 * check_fwdspec: -L specs, accepted and rejected, and the loopback test
 * for bind hosts.
 */
#include <stdio.h>
#include <string.h>

#include "popgate/fwdspec.h"
#include "popgate/opts.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* fwdspec_parse. */

struct fwd_case {
	const char	*spec;
	const char	*bind;
	uint16_t	 bport;
	const char	*host;
	uint16_t	 hport;
};

static const struct fwd_case fwd_good[] = {
	{ "1110:pop3:110", "127.0.0.1", 1110, "pop3", 110 },
	{ "0:pop3:110", "127.0.0.1", 0, "pop3", 110 },
	{ "65535:h:65535", "127.0.0.1", 65535, "h", 65535 },
	{ "1:h:1", "127.0.0.1", 1, "h", 1 },
	{ "*:1110:pop3:110", "0.0.0.0", 1110, "pop3", 110 },
	{ "localhost:1110:pop3:110", "localhost", 1110, "pop3", 110 },
	{ "127.0.0.2:0:pop3:995", "127.0.0.2", 0, "pop3", 995 },
	{ "192.0.2.5:995:mail.example.com:995", "192.0.2.5", 995,
	    "mail.example.com", 995 },
	{ "[::1]:1110:pop3:110", "::1", 1110, "pop3", 110 },
	{ "[::]:1110:pop3:110", "::", 1110, "pop3", 110 },
	{ "1110:[fe80::1]:110", "127.0.0.1", 1110, "fe80::1", 110 },
	{ "1110:[fe80::1%eth0]:110", "127.0.0.1", 1110, "fe80::1%eth0",
	    110 },
	{ "[::1]:2110:[2001:db8::5]:110", "::1", 2110, "2001:db8::5", 110 },
	{ "1110:pop3_backend-1:110", "127.0.0.1", 1110,
	    "pop3_backend-1", 110 },
	{ "1110:10.1.2.3:110", "127.0.0.1", 1110, "10.1.2.3", 110 },
	{ OPTS_DEFAULT_FORWARD, "127.0.0.1", 1110, "pop3", 110 },
};

START_TEST(test_fwdspec_accepts)
{
	const struct fwd_case	*c = &fwd_good[_i];
	struct fwdspec	 f;
	char			 err[512] = "";

	ck_assert_msg(fwdspec_parse(c->spec, &f, err, sizeof(err)) == 0,
	    "\"%s\": %s", c->spec, err);
	ck_assert_str_eq(f.bind.host, c->bind);
	ck_assert_uint_eq(f.bind.port, c->bport);
	ck_assert_str_eq(f.target.host, c->host);
	ck_assert_uint_eq(f.target.port, c->hport);
}
END_TEST

struct fwd_bad {
	const char	*spec;
	const char	*err_part;
};

static const struct fwd_bad fwd_bad[] = {
	{ "", "expected [BIND:]PORT:HOST:HOSTPORT" },
	{ "1110", "expected [BIND:]PORT:HOST:HOSTPORT" },
	{ "1110:pop3", "expected [BIND:]PORT:HOST:HOSTPORT" },
	{ "a:1:b:2:3", "expected [BIND:]PORT:HOST:HOSTPORT" },
	{ "::1:1110:pop3:110", "IPv6 addresses go in brackets" },
	{ "1110:fe80::1:110", "IPv6 addresses go in brackets" },
	{ ":1110:pop3:110", "empty bind address" },
	{ "99999:pop3:110", "bad local port \"99999\"" },
	{ "65536:pop3:110", "bad local port \"65536\"" },
	{ "-1:pop3:110", "bad local port \"-1\"" },
	{ "pop:pop3:110", "bad local port \"pop\"" },
	{ ":pop3:110", "bad local port \"\"" },
	{ "*:x:pop3:110", "bad local port \"x\"" },
	{ "1.5:pop3:110", "bad local port \"1.5\"" },
	{ "12345678901:pop3:110", "bad local port \"12345678901\"" },
	{ "[1110]:pop3:110", "bad local port \"[1110]\"" },
	{ "1110:pop3:0", "bad target port \"0\"" },
	{ "1110:pop3:65536", "bad target port \"65536\"" },
	{ "1110:pop3:", "bad target port \"\"" },
	{ "1110:pop3:110x", "bad target port \"110x\"" },
	{ "1110:pop3: 110", "bad target port \" 110\"" },
	{ "1110::110", "empty target host" },
	{ "*:1110::110", "empty target host" },
	{ "1110:po p3:110", "target host: bad character" },
	{ "1110:pop3\t:110", "target host: bad character" },
	{ "1110:pop3\n:110", "target host: bad character" },
	{ "1110:[pop3]:110", "target host: brackets" },
	{ "1110:[]:110", "target host: brackets" },
	{ "bad host:1110:pop3:110", "bind address: bad character" },
	{ "[]:1110:pop3:110", "bind address: brackets" },
	{ "[::1:1110:pop3:110", "unclosed '['" },
	{ "1110:[fe80::1:110", "unclosed '['" },
	{ "[::1]x:1110:pop3:110", "expected ':' after ']'" },
	{ "1110:[::1]110", "expected ':' after ']'" },
};

START_TEST(test_fwdspec_rejects)
{
	const struct fwd_bad	*c = &fwd_bad[_i];
	struct fwdspec	 f;
	char			 err[512] = "";
	char			 prefix[128];

	ck_assert_int_eq(fwdspec_parse(c->spec, &f, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, c->err_part) != NULL,
	    "\"%s\": error \"%s\" lacks \"%s\"", c->spec, err, c->err_part);
	snprintf(prefix, sizeof(prefix), "-L \"%s\": ", c->spec);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0,
	    "\"%s\": error \"%s\" does not start with %s", c->spec, err,
	    prefix);
}
END_TEST

START_TEST(test_fwdspec_host_length)
{
	char			spec[ADDR_HOSTLEN + 32];
	char			host[ADDR_HOSTLEN + 1];
	struct fwdspec	f;
	char			err[1024] = "";

	memset(host, 'h', ADDR_HOSTLEN - 1);
	host[ADDR_HOSTLEN - 1] = '\0';
	snprintf(spec, sizeof(spec), "1110:%s:110", host);
	ck_assert_msg(fwdspec_parse(spec, &f, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_str_eq(f.target.host, host);
	memset(host, 'h', ADDR_HOSTLEN);
	host[ADDR_HOSTLEN] = '\0';
	snprintf(spec, sizeof(spec), "1110:%s:110", host);
	ck_assert_int_eq(fwdspec_parse(spec, &f, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	snprintf(spec, sizeof(spec), "%s:1110:pop3:110", host);
	ck_assert_int_eq(fwdspec_parse(spec, &f, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bind address"));
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	/* Bracketed, past the room the copy has. */
	snprintf(spec, sizeof(spec), "1110:[::%s]:110", host);
	ck_assert_int_eq(fwdspec_parse(spec, &f, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "target host too long"));
}
END_TEST

START_TEST(test_fwdspec_small_err_buffer)
{
	struct fwdspec	f;
	char			err[8];

	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(fwdspec_parse("1110:pop3", &f, err,
	    sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
}
END_TEST

Suite *
fwdspec_suite(void)
{
	Suite	*s = suite_create("fwdspec");
	TCase	*tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_fwdspec_accepts, 0, NELEM(fwd_good));
	tcase_add_loop_test(tc, test_fwdspec_rejects, 0, NELEM(fwd_bad));
	tcase_add_test(tc, test_fwdspec_host_length);
	tcase_add_test(tc, test_fwdspec_small_err_buffer);
	suite_add_tcase(s, tc);
	return s;
}
