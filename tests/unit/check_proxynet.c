/*
 * check_proxynet: ProxyFrom networks. Each accepted form prints in one
 * canonical way that reads back the same; each refusal has its exact
 * reason (a stray bit after the prefix names the network meant); a list
 * adds all of its entries or none; and matching takes IPv4 and
 * IPv4-mapped IPv6 as one address, at every prefix boundary.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "popgate/proxynet.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct net_case {
	const char	*in;
	const char	*want;	/* printed, or NULL: refused with err */
	const char	*err;
};

static const struct net_case net_cases[] = {
	{ "10.0.0.0/8", "10.0.0.0/8", NULL },
	{ "192.0.2.7", "192.0.2.7/32", NULL },
	{ "192.0.2.7/32", "192.0.2.7/32", NULL },
	{ "0.0.0.0/0", "0.0.0.0/0", NULL },
	{ "172.16.0.0/12", "172.16.0.0/12", NULL },
	{ "::1", "::1/128", NULL },
	{ "2001:DB8::/32", "2001:db8::/32", NULL },
	{ "::/0", "::/0", NULL },
	{ "fe80::/10", "fe80::/10", NULL },
	{ "::ffff:10.0.0.0/104", "10.0.0.0/8", NULL },
	{ "::ffff:192.0.2.7", "192.0.2.7/32", NULL },
	{ "::ffff:0:0/96", "0.0.0.0/0", NULL },
	{ "", NULL, "expected ADDR[/PREFIX], got \"\"" },
	{ "/8", NULL, "expected ADDR[/PREFIX], got \"/8\"" },
	{ "10.0.0.0/33", NULL, "bad prefix \"/33\" in \"10.0.0.0/33\" "
	    "(expected 0 to 32)" },
	{ "10.0.0.0/", NULL, "bad prefix \"/\" in \"10.0.0.0/\" (expected 0 "
	    "to 32)" },
	{ "10.0.0.0/08", NULL, "bad prefix \"/08\" in \"10.0.0.0/08\" "
	    "(expected 0 to 32)" },
	{ "10.0.0.0/-1", NULL, "bad prefix \"/-1\" in \"10.0.0.0/-1\" "
	    "(expected 0 to 32)" },
	{ "10.0.0.0/8/8", NULL, "bad prefix \"/8/8\" in \"10.0.0.0/8/8\" "
	    "(expected 0 to 32)" },
	{ "::/129", NULL, "bad prefix \"/129\" in \"::/129\" (expected 0 to "
	    "128)" },
	{ "::/1280", NULL, "bad prefix \"/1280\" in \"::/1280\" (expected 0 "
	    "to 128)" },
	{ "10.0.0.1/8", NULL, "\"10.0.0.1/8\" has bits set after the prefix "
	    "(the network is 10.0.0.0/8)" },
	{ "192.168.1.10/24", NULL, "\"192.168.1.10/24\" has bits set after "
	    "the prefix (the network is 192.168.1.0/24)" },
	{ "2001:db8::1/64", NULL, "\"2001:db8::1/64\" has bits set after "
	    "the prefix (the network is 2001:db8::/64)" },
	{ "gateway.example", NULL, "\"gateway.example\" is not an IPv4 or "
	    "IPv6 address (names are not accepted here)" },
	{ "10.0.0", NULL, "\"10.0.0\" is not an IPv4 or IPv6 address (names "
	    "are not accepted here)" },
	{ "010.0.0.1", NULL, "\"010.0.0.1\" is not an IPv4 or IPv6 address "
	    "(names are not accepted here)" },
	{ "[::1]", NULL, "\"[::1]\" is not an IPv4 or IPv6 address (names "
	    "are not accepted here)" },
	{ "fe80::1%lo", NULL, "\"fe80::1%lo\" is not an IPv4 or IPv6 address "
	    "(names are not accepted here)" },
	{ " 10.0.0.1", NULL, "\" 10.0.0.1\" is not an IPv4 or IPv6 address "
	    "(names are not accepted here)" },
};

START_TEST(test_proxynet_parse)
{
	const struct net_case	*c = &net_cases[_i];
	struct proxynet		 net;
	char			 err[256] = "";
	char			 buf[PROXYNET_STRLEN];

	if (c->want == NULL) {
		ck_assert_int_eq(proxynet_parse(c->in, &net, err,
		    sizeof(err)), -1);
		ck_assert_str_eq(err, c->err);
		return;
	}
	ck_assert_msg(proxynet_parse(c->in, &net, err, sizeof(err)) == 0,
	    "%s: %s", c->in, err);
	ck_assert_str_eq(proxynet_format(&net, buf, sizeof(buf)), c->want);
	/* The printed form reads back the same. */
	ck_assert_int_eq(proxynet_parse(buf, &net, err, sizeof(err)), 0);
	ck_assert_str_eq(proxynet_format(&net, buf, sizeof(buf)), c->want);
}
END_TEST

START_TEST(test_proxynet_parse_list)
{
	struct proxynet		*nets = NULL;
	size_t			 n = 0;
	char			 err[256] = "";
	char			 buf[PROXYNET_STRLEN];

	ck_assert_int_eq(proxynet_parse_list("10.0.0.0/8,::1", &nets, &n,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(proxynet_parse_list("192.0.2.7", &nets, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(proxynet_format(&nets[0], buf, sizeof(buf)),
	    "10.0.0.0/8");
	ck_assert_str_eq(proxynet_format(&nets[1], buf, sizeof(buf)),
	    "::1/128");
	ck_assert_str_eq(proxynet_format(&nets[2], buf, sizeof(buf)),
	    "192.0.2.7/32");
	/* A bad entry anywhere: nothing of that list is added. */
	ck_assert_int_eq(proxynet_parse_list("10.1.0.0/16,,::2", &nets, &n,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty entry in \"10.1.0.0/16,,::2\"");
	ck_assert_int_eq(proxynet_parse_list("10.1.0.0/16,", &nets, &n, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(proxynet_parse_list(",10.1.0.0/16", &nets, &n, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(proxynet_parse_list("", &nets, &n, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "empty entry in \"\"");
	ck_assert_int_eq(proxynet_parse_list("10.1.0.0/16,10.2.0.1/16",
	    &nets, &n, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "\"10.2.0.1/16\" has bits set after the prefix "
	    "(the network is 10.2.0.0/16)");
	ck_assert_uint_eq(n, 3);
	free(nets);
}
END_TEST

struct match_case {
	const char	*list;
	const char	*ip;
	bool		 match;
};

#define NETS	"10.0.0.0/8,192.0.2.7,2001:db8::/32,172.16.0.0/12"

static const struct match_case match_cases[] = {
	{ NETS, "10.1.2.3", true },
	{ NETS, "10.255.255.255", true },
	{ NETS, "11.0.0.1", false },
	{ NETS, "9.255.255.255", false },
	{ NETS, "192.0.2.7", true },
	{ NETS, "192.0.2.8", false },
	{ NETS, "192.0.2.6", false },
	{ NETS, "172.31.255.255", true },
	{ NETS, "172.32.0.0", false },
	{ NETS, "172.15.255.255", false },
	{ NETS, "::ffff:10.9.9.9", true },
	{ NETS, "::ffff:192.0.2.7", true },
	{ NETS, "::ffff:192.0.2.8", false },
	{ NETS, "2001:db8:1::5", true },
	{ NETS, "2001:db9::", false },
	{ NETS, "::1", false },
	{ NETS, "::10.1.2.3", false },	/* IPv4-compatible is not mapped */
	{ "::/0", "10.0.0.1", true },
	{ "::/0", "2001:db8::1", true },
	{ "0.0.0.0/0", "::ffff:1.2.3.4", true },
	{ "0.0.0.0/0", "::1", false },
	{ "::ffff:10.0.0.0/104", "10.2.3.4", true },
	{ "::ffff:10.0.0.0/104", "::ffff:10.2.3.4", true },
	{ "::ffff:10.0.0.0/104", "11.2.3.4", false },
	{ "127.0.0.1", "127.0.0.1", true },
	{ "127.0.0.1", "127.0.0.2", false },
	{ "fe80::/10", "febf:ffff::1", true },
	{ "fe80::/10", "fec0::1", false },
};

START_TEST(test_proxynet_match)
{
	const struct match_case	*c = &match_cases[_i];
	struct proxynet		*nets = NULL;
	struct sockaddr_storage	 ss;
	size_t			 n = 0;
	char			 err[256] = "";

	ck_assert_int_eq(proxynet_parse_list(c->list, &nets, &n, err,
	    sizeof(err)), 0);
	testutil_sockaddr(c->ip, 1234, &ss);
	ck_assert_msg(proxynet_match(nets, n, (struct sockaddr *)&ss) ==
	    c->match, "%s in %s", c->ip, c->list);
	free(nets);
}
END_TEST

START_TEST(test_proxynet_match_edges)
{
	struct proxynet		*nets = NULL;
	struct sockaddr_storage	 ss;
	struct sockaddr_un	 sun;
	size_t			 n = 0;
	char			 err[256] = "";

	testutil_sockaddr("10.0.0.1", 1, &ss);
	ck_assert(!proxynet_match(NULL, 0, (struct sockaddr *)&ss));
	ck_assert_int_eq(proxynet_parse_list("0.0.0.0/0,::/0", &nets, &n,
	    err, sizeof(err)), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert(!proxynet_match(nets, n, (struct sockaddr *)&sun));
	ck_assert(!proxynet_match(nets, n, NULL));
	free(nets);
}
END_TEST

Suite *
proxynet_suite(void)
{
	Suite	*s = suite_create("proxynet");
	TCase	*pc = tcase_create("parse");
	TCase	*mc = tcase_create("match");

	tcase_add_loop_test(pc, test_proxynet_parse, 0, NELEM(net_cases));
	tcase_add_test(pc, test_proxynet_parse_list);
	suite_add_tcase(s, pc);
	tcase_add_loop_test(mc, test_proxynet_match, 0, NELEM(match_cases));
	tcase_add_test(mc, test_proxynet_match_edges);
	suite_add_tcase(s, mc);
	return s;
}
