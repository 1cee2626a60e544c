/*
 * check_addr: host:port parsing and formatting.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "popgate/addr.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct parse_case {
	const char	*in;
	uint16_t	 dflt;
	bool		 zero;
	const char	*host;		/* NULL: rejected */
	uint16_t	 port;
	const char	*err_part;
};

static const struct parse_case parse_cases[] = {
	{ "pop3:110", 0, false, "pop3", 110, NULL },
	{ "mail.example.com:995", 0, false, "mail.example.com", 995, NULL },
	{ "127.0.0.1:1", 0, false, "127.0.0.1", 1, NULL },
	{ "host:65535", 0, false, "host", 65535, NULL },
	{ "[::1]:2222", 0, false, "::1", 2222, NULL },
	{ "[fe80::1%eth0]:22", 0, false, "fe80::1%eth0", 22, NULL },
	{ "0.0.0.0", 22, false, "0.0.0.0", 22, NULL },
	{ "[::]", 22, false, "::", 22, NULL },
	{ "::", 22, false, "::", 22, NULL },
	{ "::1", 22, false, "::1", 22, NULL },
	{ "localhost:0", 22, true, "localhost", 0, NULL },
	{ "my_host-1:7", 0, false, "my_host-1", 7, NULL },
	{ "localhost:0", 22, false, NULL, 0, "bad port \"0\"" },
	{ "pop3", 0, false, NULL, 0, "missing port" },
	{ "::1", 0, false, NULL, 0, "missing port" },
	{ "[::1]", 0, false, NULL, 0, "missing port" },
	{ "host:65536", 0, false, NULL, 0, "bad port" },
	{ "host:100000", 0, false, NULL, 0, "bad port" },
	{ "host:", 0, false, NULL, 0, "bad port" },
	{ "host:-1", 0, false, NULL, 0, "bad port" },
	{ "host:1x", 0, false, NULL, 0, "bad port" },
	{ "host: 1", 0, false, NULL, 0, "bad port" },
	{ ":110", 0, false, NULL, 0, "missing host" },
	{ "", 22, false, NULL, 0, "missing host" },
	{ "[]:22", 0, false, NULL, 0, "brackets" },
	{ "[pop3]:110", 0, false, NULL, 0, "brackets" },
	{ "[::1:22", 0, false, NULL, 0, "missing ']'" },
	{ "[::1]22", 0, false, NULL, 0, "expected ':'" },
	{ "a b:1", 0, false, NULL, 0, "bad character" },
	{ "a/b:1", 0, false, NULL, 0, "bad character" },
	{ "h\n:1", 0, false, NULL, 0, "bad character" },
};

START_TEST(test_addr_parse_table)
{
	const struct parse_case	*c = &parse_cases[_i];
	struct addr		 a;
	char			 err[256] = "";
	int			 rc;

	rc = addr_parse(c->in, c->dflt, c->zero, &a, err, sizeof(err));
	if (c->host == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(err, c->err_part) != NULL,
		    "\"%s\": error \"%s\" lacks \"%s\"", c->in, err,
		    c->err_part);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", c->in, err);
	ck_assert_str_eq(a.host, c->host);
	ck_assert_uint_eq(a.port, c->port);
}
END_TEST

START_TEST(test_addr_parse_rejects_long_host)
{
	char		in[ADDR_HOSTLEN + 8];
	struct addr	a;
	char		err[256];

	memset(in, 'a', ADDR_HOSTLEN);
	strcpy(in + ADDR_HOSTLEN, ":110");
	ck_assert_int_eq(addr_parse(in, 0, false, &a, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	in[ADDR_HOSTLEN - 1] = '\0';
	ck_assert_int_eq(addr_parse(in, 110, false, &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(a.host), ADDR_HOSTLEN - 1);
}
END_TEST

START_TEST(test_addr_port_parse_bounds)
{
	uint16_t	p = 7;

	ck_assert(addr_port_parse("1", false, &p) && p == 1);
	ck_assert(addr_port_parse("65535", false, &p) && p == 65535);
	ck_assert(addr_port_parse("0", true, &p) && p == 0);
	p = 7;
	ck_assert(!addr_port_parse("0", false, &p));
	ck_assert(!addr_port_parse("65536", true, &p));
	ck_assert(!addr_port_parse("000001", true, &p));
	ck_assert(!addr_port_parse("", true, &p));
	ck_assert(!addr_port_parse("http", true, &p));
	ck_assert_uint_eq(p, 7);
}
END_TEST

START_TEST(test_addr_format_brackets_v6)
{
	char	buf[ADDR_STRLEN];

	ck_assert_str_eq(addr_format("pop3", 110, buf, sizeof(buf)),
	    "pop3:110");
	ck_assert_str_eq(addr_format("::1", 2222, buf, sizeof(buf)),
	    "[::1]:2222");
	ck_assert_str_eq(addr_format("0.0.0.0", 0, buf, sizeof(buf)),
	    "0.0.0.0:0");
	/* Truncation still terminates. */
	ck_assert_str_eq(addr_format("mailhost", 110, buf, 5), "mail");
}
END_TEST

START_TEST(test_addr_format_round_trips)
{
	static const char *const in[] = {
		"pop3:110", "[::1]:22", "10.1.2.3:65535", "[fe80::1%lo]:1"
	};
	struct addr	a;
	char		buf[ADDR_STRLEN];
	char		err[256];
	size_t		i;

	for (i = 0; i < NELEM(in); i++) {
		ck_assert_int_eq(addr_parse(in[i], 0, false, &a, err,
		    sizeof(err)), 0);
		ck_assert_str_eq(addr_format(a.host, a.port, buf,
		    sizeof(buf)), in[i]);
	}
}
END_TEST

START_TEST(test_addr_format_sa_numeric)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	struct sockaddr		sa;
	char			buf[ADDR_STRLEN];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(110);
	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr), 1);
	ck_assert_str_eq(addr_format_sa((struct sockaddr *)&sin, buf,
	    sizeof(buf)), "192.0.2.7:110");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(2222);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr),
	    1);
	ck_assert_str_eq(addr_format_sa((struct sockaddr *)&sin6, buf,
	    sizeof(buf)), "[2001:db8::5]:2222");
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	ck_assert_str_eq(addr_format_sa(&sa, buf, sizeof(buf)),
	    "(family 1)");
}
END_TEST

/* addr_sa_v4 / addr_sa_v6: the address (and port) out of any family. */
START_TEST(test_addr_sa_families)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	struct sockaddr		other;
	unsigned char		a4[4], a6[16], want6[16];
	uint16_t		port = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(110);
	inet_pton(AF_INET, "127.0.0.2", &sin.sin_addr);
	ck_assert(addr_sa_v4((struct sockaddr *)&sin, a4, &port));
	ck_assert_mem_eq(a4, "\x7f\x00\x00\x02", 4);
	ck_assert_uint_eq(port, 110);
	ck_assert(addr_sa_v6((struct sockaddr *)&sin, a6, NULL));
	inet_pton(AF_INET6, "::ffff:127.0.0.2", want6);
	ck_assert_mem_eq(a6, want6, 16);

	/* IPv4-mapped IPv6 gives its IPv4 form; plain IPv6 has none. */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(995);
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &sin6.sin6_addr);
	ck_assert(addr_sa_v4((struct sockaddr *)&sin6, a4, NULL));
	ck_assert_mem_eq(a4, "\x0a\x01\x02\x03", 4);
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	port = 7;
	ck_assert(!addr_sa_v4((struct sockaddr *)&sin6, a4, &port));
	ck_assert_uint_eq(port, 7);	/* untouched on failure */
	ck_assert(addr_sa_v6((struct sockaddr *)&sin6, a6, &port));
	ck_assert_mem_eq(a6, &sin6.sin6_addr, 16);
	ck_assert_uint_eq(port, 995);

	memset(&other, 0, sizeof(other));
	other.sa_family = AF_UNIX;
	ck_assert(!addr_sa_v4(&other, a4, NULL));
	ck_assert(!addr_sa_v6(&other, a6, NULL));
}
END_TEST

/* addr_sa_is_loopback: 127.0.0.0/8, mapped too, and ::1 only. */
START_TEST(test_addr_sa_is_loopback)
{
	static const struct {
		const char	*ip;
		bool		 loopback;
	} cases[] = {
		{ "127.0.0.1", true }, { "127.255.255.255", true },
		{ "::1", true }, { "::ffff:127.0.0.2", true },
		{ "0.0.0.0", false }, { "126.255.255.255", false },
		{ "128.0.0.1", false }, { "192.0.2.127", false },
		{ "::", false }, { "::2", false }, { "fe80::1", false },
		{ "::ffff:10.0.0.1", false }, { "::127.0.0.1", false },
	};
	struct sockaddr_storage	ss;
	struct sockaddr		other;
	size_t			i;

	for (i = 0; i < NELEM(cases); i++) {
		testutil_sockaddr(cases[i].ip, 110, &ss);
		ck_assert_msg(addr_sa_is_loopback((struct sockaddr *)&ss) ==
		    cases[i].loopback, "%s", cases[i].ip);
	}
	memset(&other, 0, sizeof(other));
	other.sa_family = AF_UNIX;
	ck_assert(!addr_sa_is_loopback(&other));
}
END_TEST

Suite *
addr_suite(void)
{
	Suite	*s = suite_create("addr");
	TCase	*tc = tcase_create("addr");

	tcase_add_loop_test(tc, test_addr_parse_table, 0, NELEM(parse_cases));
	tcase_add_test(tc, test_addr_parse_rejects_long_host);
	tcase_add_test(tc, test_addr_port_parse_bounds);
	tcase_add_test(tc, test_addr_format_brackets_v6);
	tcase_add_test(tc, test_addr_format_round_trips);
	tcase_add_test(tc, test_addr_format_sa_numeric);
	tcase_add_test(tc, test_addr_sa_families);
	tcase_add_test(tc, test_addr_sa_is_loopback);
	suite_add_tcase(s, tc);
	return s;
}
