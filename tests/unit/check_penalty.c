/*
 * check_penalty: the PerSourcePenalties keyword and table. The keyword
 * gets accept, reject and round-trip cases; the table is driven through
 * every rule of the model in penalty.h, then checked against a naive
 * list implementation of the same rules over long random runs (inserts,
 * refusals, forgetting, eviction, growth).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "popgate/penalty.h"
#include "popgate/xmem.h"
#include "suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SEC		1000ULL

/* Words of s split at blanks, parsed into c. */
static int
parse(const char *s, struct penalty_conf *c, char *err, size_t errlen)
{
	char	*copy = xstrdup(s);
	char	*words[16];
	char	*cursor = copy, *w = NULL;
	size_t	 n = 0;
	int	 rc;

	while ((w = strsep(&cursor, " ")) != NULL && n < NELEM(words)) {
		if (*w != '\0') {
			words[n++] = w;
		}
	}
	rc = penalty_conf_parse(c, words, n, err, errlen);
	free(copy);
	return rc;
}

static const char	default_text[] = "authfail:5 grace-exceeded:10 "
    "noauth:1 crash:90 min:15 max:600 max-sources:65536";

struct accept_case {
	const char	*in;
	const char	*want;
};

static const struct accept_case accept_cases[] = {
	{ "yes", default_text },
	{ "YES", default_text },
	{ "no", "no" },
	{ "No", "no" },
	{ "authfail:30", "authfail:30 grace-exceeded:10 noauth:1 crash:90 "
	    "min:15 max:600 max-sources:65536" },
	{ "authfail:2m grace-exceeded:1h", "authfail:120 grace-exceeded:3600 "
	    "noauth:1 crash:90 min:15 max:600 max-sources:65536" },
	{ "noauth:0 crash:0", "authfail:5 grace-exceeded:10 noauth:0 crash:0 "
	    "min:15 max:600 max-sources:65536" },
	{ "min:0 max:1", "authfail:5 grace-exceeded:10 noauth:1 crash:90 "
	    "min:0 max:1 max-sources:65536" },
	{ "max-sources:1", "authfail:5 grace-exceeded:10 noauth:1 crash:90 "
	    "min:15 max:600 max-sources:1" },
	{ "max-sources:1048576 Min:20s", "authfail:5 grace-exceeded:10 "
	    "noauth:1 crash:90 min:20 max:600 max-sources:1048576" },
	{ "max:24h min:24h", "authfail:5 grace-exceeded:10 noauth:1 crash:90 "
	    "min:86400 max:86400 max-sources:65536" },
	{ default_text, default_text },
};

START_TEST(test_penalty_conf_parses)
{
	const struct accept_case	*c = &accept_cases[_i];
	struct penalty_conf		 conf;
	char				 err[256] = "";
	char				 buf[PENALTY_CONF_STRLEN];

	ck_assert_msg(parse(c->in, &conf, err, sizeof(err)) == 0, "%s: %s",
	    c->in, err);
	ck_assert_str_eq(penalty_conf_format(&conf, buf, sizeof(buf)),
	    c->want);
	/* What is printed reads back the same. */
	ck_assert_int_eq(parse(buf, &conf, err, sizeof(err)), 0);
	ck_assert_str_eq(penalty_conf_format(&conf, buf, sizeof(buf)),
	    c->want);
}
END_TEST

struct reject_case {
	const char	*in;
	const char	*err;
};

static const struct reject_case reject_cases[] = {
	{ "maybe", "expected KEY:VALUE with KEY authfail, grace-exceeded, "
	    "noauth, crash, min, max or max-sources, got \"maybe\"" },
	{ "authfail", "expected KEY:VALUE with KEY authfail, grace-exceeded, "
	    "noauth, crash, min, max or max-sources, got \"authfail\"" },
	{ "refused:5", "expected KEY:VALUE with KEY authfail, "
	    "grace-exceeded, noauth, crash, min, max or max-sources, got "
	    "\"refused:5\"" },
	{ "authfail:x", "authfail:x: expected a time from 0 to 86400 "
	    "seconds (30, 30s, 5m, 1h)" },
	{ "authfail:", "authfail:: expected a time from 0 to 86400 seconds "
	    "(30, 30s, 5m, 1h)" },
	{ "authfail:-1", "authfail:-1: expected a time from 0 to 86400 "
	    "seconds (30, 30s, 5m, 1h)" },
	{ "crash:25h", "crash:25h: expected a time from 0 to 86400 seconds "
	    "(30, 30s, 5m, 1h)" },
	{ "max:0", "max:0: expected a time from 1 to 86400 seconds (30, "
	    "30s, 5m, 1h)" },
	{ "MAX:1d", "MAX:1d: expected a time from 1 to 86400 seconds (30, "
	    "30s, 5m, 1h)" },
	{ "max-sources:0", "max-sources:0: expected a number from 1 to "
	    "1048576" },
	{ "max-sources:1048577", "max-sources:1048577: expected a number "
	    "from 1 to 1048576" },
	{ "max-sources:5m", "max-sources:5m: expected a number from 1 to "
	    "1048576" },
	{ "authfail:5 AuthFail:6", "\"AuthFail\" given twice" },
	{ "no authfail:5", "\"no\" must stand alone" },
	{ "authfail:5 yes", "\"yes\" must stand alone" },
	{ "no no", "\"no\" must stand alone" },
	{ "min:20 max:10", "min 20s is above max 10s" },
	{ "min:11m", "min 660s is above max 600s" },
};

START_TEST(test_penalty_conf_rejects)
{
	const struct reject_case	*c = &reject_cases[_i];
	struct penalty_conf		 conf;
	char				 err[256] = "";

	penalty_conf_default(&conf);
	conf.min = 7;
	ck_assert_int_eq(parse(c->in, &conf, err, sizeof(err)), -1);
	ck_assert_str_eq(err, c->err);
	ck_assert_uint_eq(conf.min, 7);		/* untouched on error */
}
END_TEST

static struct penalty_source
v4(const char *text)
{
	struct sockaddr_in	sin;
	struct penalty_source	src;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sin.sin_addr), 1);
	ck_assert(penalty_source_from_sa((struct sockaddr *)&sin, &src));
	return src;
}

static struct penalty_source
v6(const char *text)
{
	struct sockaddr_in6	sin6;
	struct penalty_source	src;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6.sin6_addr), 1);
	ck_assert(penalty_source_from_sa((struct sockaddr *)&sin6, &src));
	return src;
}

START_TEST(test_penalty_sources)
{
	struct penalty_source	a, b;
	struct sockaddr_un	sun;
	char			buf[PENALTY_SOURCE_STRLEN];

	a = v4("192.0.2.7");
	ck_assert_str_eq(penalty_source_format(&a, buf, sizeof(buf)),
	    "192.0.2.7/32");
	b = v4("192.0.2.8");
	ck_assert(!penalty_source_equal(&a, &b));
	/* IPv4-mapped IPv6 is the IPv4 address. */
	b = v6("::ffff:192.0.2.7");
	ck_assert(penalty_source_equal(&a, &b));
	ck_assert_str_eq(penalty_source_format(&b, buf, sizeof(buf)),
	    "192.0.2.7/32");
	/* One /64, whatever the interface identifier. */
	a = v6("2001:db8:0:1::1");
	b = v6("2001:db8:0:1:ffff:ffff:ffff:ffff");
	ck_assert(penalty_source_equal(&a, &b));
	ck_assert_str_eq(penalty_source_format(&b, buf, sizeof(buf)),
	    "2001:db8:0:1::/64");
	b = v6("2001:db8:0:2::1");
	ck_assert(!penalty_source_equal(&a, &b));
	a = v6("::1");
	ck_assert_str_eq(penalty_source_format(&a, buf, sizeof(buf)),
	    "::/64");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert(!penalty_source_from_sa((struct sockaddr *)&sun, &a));
}
END_TEST

/* Which ending is which offence; crash beats everything. */
START_TEST(test_penalty_offences)
{
	static const struct {
		struct penalty_outcome	o;
		int			want;
	} cases[] = {
		/* crashed, started, in, grace, left, attempts, failures */
		{ { true, false, false, false, false, 0, 0 }, PENALTY_CRASH },
		{ { true, true, true, false, false, 1, 0 }, PENALTY_CRASH },
		{ { false, false, false, false, true, 0, 0 }, -1 },
		{ { false, true, true, false, true, 3, 2 }, -1 },
		{ { false, true, false, true, false, 0, 0 }, PENALTY_GRACE },
		{ { false, true, false, true, false, 2, 2 }, PENALTY_GRACE },
		{ { false, true, false, false, false, 3, 3 },
		    PENALTY_AUTHFAIL },
		{ { false, true, false, false, true, 1, 1 },
		    PENALTY_AUTHFAIL },
		{ { false, true, false, false, true, 0, 0 }, PENALTY_NOAUTH },
		{ { false, true, false, false, false, 0, 0 }, -1 },
		{ { false, true, false, false, true, 1, 0 }, -1 },
	};
	size_t	i;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_msg(penalty_offence(&cases[i].o) == cases[i].want,
		    "case %zu", i);
	}
}
END_TEST

static struct penalty	*P;
static struct penalty_conf C;

static void
table_setup(void)
{
	penalty_conf_default(&C);
	P = penalty_new(&C);
}

static void
table_teardown(void)
{
	penalty_free(P);
	P = NULL;
}

static enum penalty_verdict
charge(const char *addr, enum penalty_kind kind, uint64_t now,
    uint64_t *left)
{
	struct penalty_source	src = strchr(addr, ':') != NULL ? v6(addr) :
	    v4(addr);

	return penalty_charge(P, &src, kind, now, left);
}

static bool
refused(const char *addr, uint64_t now, uint64_t *left)
{
	struct penalty_source	src = strchr(addr, ':') != NULL ? v6(addr) :
	    v4(addr);

	return penalty_refuses(P, &src, now, left);
}

/* One mistyped password is no offence worth a penalty (below min). */
START_TEST(test_penalty_below_min_refuses_nothing)
{
	uint64_t	left = 99;

	ck_assert_int_eq(charge("192.0.2.1", PENALTY_AUTHFAIL, 1000, &left),
	    PENALTY_NONE);
	ck_assert_uint_eq(left, 0);
	ck_assert(!refused("192.0.2.1", 1000, &left));
	ck_assert_int_eq(charge("192.0.2.1", PENALTY_AUTHFAIL, 1000, NULL),
	    PENALTY_NONE);
	ck_assert(!refused("192.0.2.1", 1000, NULL));
	ck_assert_uint_eq(penalty_count(P), 1);
	ck_assert_uint_eq(penalty_refused_count(P, 1000), 0);
}
END_TEST

/* The third failure reaches min: refused for the 15 s owed, then free. */
START_TEST(test_penalty_starts_at_min_and_runs_out)
{
	uint64_t	t = 50 * SEC, left = 0;
	char		buf[PENALTY_SOURCE_STRLEN];
	struct penalty_source src = v4("198.51.100.9");

	ck_assert_int_eq(charge("198.51.100.9", PENALTY_AUTHFAIL, t, NULL),
	    PENALTY_NONE);
	ck_assert_int_eq(charge("198.51.100.9", PENALTY_AUTHFAIL, t, NULL),
	    PENALTY_NONE);
	ck_assert_int_eq(charge("198.51.100.9", PENALTY_AUTHFAIL, t, &left),
	    PENALTY_STARTED);
	ck_assert_uint_eq(left, 15 * SEC);
	ck_assert_uint_eq(penalty_served(P, &src, t), 1);
	ck_assert(refused("198.51.100.9", t, &left));
	ck_assert_uint_eq(left, 15 * SEC);
	ck_assert(refused("198.51.100.9", t + 15 * SEC - 1, &left));
	ck_assert_uint_eq(left, 1);
	ck_assert_uint_eq(penalty_refused_count(P, t + 14 * SEC), 1);
	ck_assert(!refused("198.51.100.9", t + 15 * SEC, &left));
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(penalty_refused_count(P, t + 15 * SEC), 0);
	(void)penalty_source_format(&src, buf, sizeof(buf));
}
END_TEST

/* Time passing pays the account off: slow failures never add up. */
START_TEST(test_penalty_account_drains_with_time)
{
	uint64_t	t = 0;
	int		i;

	for (i = 0; i < 100; i++, t += 6 * SEC) {
		ck_assert_int_eq(charge("192.0.2.2", PENALTY_AUTHFAIL, t,
		    NULL), PENALTY_NONE);
	}
	ck_assert(!refused("192.0.2.2", t, NULL));
}
END_TEST

/* Offences while refused extend the penalty (not logged again), capped. */
START_TEST(test_penalty_extends_and_caps)
{
	uint64_t	t = 10 * SEC, left = 0;
	int		i;

	ck_assert_int_eq(charge("192.0.2.3", PENALTY_CRASH, t, &left),
	    PENALTY_STARTED);
	ck_assert_uint_eq(left, 90 * SEC);
	ck_assert_int_eq(charge("192.0.2.3", PENALTY_GRACE, t + SEC, &left),
	    PENALTY_EXTENDED);
	/* Served once already: 10 s doubled. */
	ck_assert_uint_eq(left, 89 * SEC + 20 * SEC);
	for (i = 0; i < 50; i++) {
		ck_assert_int_eq(charge("192.0.2.3", PENALTY_CRASH, t + SEC,
		    &left), PENALTY_EXTENDED);
	}
	ck_assert_uint_eq(left, 600 * SEC);
	ck_assert(refused("192.0.2.3", t + 600 * SEC, NULL));
	ck_assert(!refused("192.0.2.3", t + 601 * SEC, NULL));
}
END_TEST

/* Each penalty served doubles what the next offences cost. */
START_TEST(test_penalty_repeat_offenders_pay_more)
{
	struct penalty_source	src = v4("203.0.113.5");
	uint64_t		t = 0, left = 0;
	uint64_t		want[] = { 15, 20, 20, 40, 80, 160, 320, 600,
				    600 };
	size_t			i;
	int			n;

	for (i = 0; i < NELEM(want); i++) {
		for (n = 0; n < 10; n++) {
			if (charge("203.0.113.5", PENALTY_AUTHFAIL, t,
			    &left) == PENALTY_STARTED) {
				break;
			}
		}
		ck_assert_msg(n < 10, "penalty %zu never started", i + 1);
		ck_assert_msg(left == want[i] * SEC, "penalty %zu: %llu ms, "
		    "want %llu s", i + 1, (unsigned long long)left,
		    (unsigned long long)want[i]);
		ck_assert_uint_eq(penalty_served(P, &src, t), i + 1);
		t += left;	/* served: the next one starts afresh */
		ck_assert(!refused("203.0.113.5", t, NULL));
	}
}
END_TEST

/* Clean for `max` after the penalty ran out: forgotten, served reset. */
START_TEST(test_penalty_forgets_reformed_sources)
{
	struct penalty_source	src = v4("203.0.113.6");
	uint64_t		left = 0;

	ck_assert_int_eq(charge("203.0.113.6", PENALTY_CRASH, 0, &left),
	    PENALTY_STARTED);
	ck_assert_uint_eq(penalty_served(P, &src, 0), 1);
	ck_assert_uint_eq(penalty_served(P, &src, 689 * SEC), 1);
	ck_assert_uint_eq(penalty_served(P, &src, 690 * SEC), 0);
	penalty_expire(P, 689 * SEC);
	ck_assert_uint_eq(penalty_count(P), 1);
	penalty_expire(P, 690 * SEC);
	ck_assert_uint_eq(penalty_count(P), 0);
	/* Like new: 90 s, not doubled. */
	ck_assert_int_eq(charge("203.0.113.6", PENALTY_CRASH, 700 * SEC,
	    &left), PENALTY_STARTED);
	ck_assert_uint_eq(left, 90 * SEC);
	/* Forgotten without penalty_expire too. */
	ck_assert_int_eq(charge("203.0.113.6", PENALTY_NOAUTH,
	    2000 * SEC, &left), PENALTY_NONE);
	ck_assert_uint_eq(penalty_served(P, &src, 2000 * SEC), 0);
}
END_TEST

/* Penalties never spill over to other sources; a /64 is one source. */
START_TEST(test_penalty_is_per_source)
{
	ck_assert_int_eq(charge("2001:db8:1:2::10", PENALTY_CRASH, 0, NULL),
	    PENALTY_STARTED);
	ck_assert(refused("2001:db8:1:2::10", SEC, NULL));
	ck_assert(refused("2001:db8:1:2:abcd::99", SEC, NULL));
	ck_assert(!refused("2001:db8:1:3::10", SEC, NULL));
	ck_assert(!refused("2001:db8:1:1::10", SEC, NULL));
	ck_assert(!refused("192.0.2.1", SEC, NULL));
	ck_assert_int_eq(charge("127.0.0.1", PENALTY_CRASH, 0, NULL),
	    PENALTY_STARTED);
	ck_assert(refused("127.0.0.1", SEC, NULL));
	ck_assert(!refused("127.0.0.2", SEC, NULL));
	ck_assert(!refused("127.0.0.3", SEC, NULL));
	ck_assert(refused("::ffff:127.0.0.1", SEC, NULL));
	ck_assert_uint_eq(penalty_refused_count(P, SEC), 2);
}
END_TEST

START_TEST(test_penalty_kinds_and_zero_times)
{
	struct penalty_conf	c;
	uint64_t		left = 0;

	penalty_conf_default(&c);
	c.secs[PENALTY_NOAUTH] = 0;
	c.min = 0;
	penalty_set_conf(P, &c);
	ck_assert_int_eq(charge("192.0.2.4", PENALTY_NOAUTH, 0, &left),
	    PENALTY_NONE);
	ck_assert_uint_eq(penalty_count(P), 0);
	/* min 0: the first offence starts a penalty. */
	ck_assert_int_eq(charge("192.0.2.4", PENALTY_AUTHFAIL, 0, &left),
	    PENALTY_STARTED);
	ck_assert_uint_eq(left, 5 * SEC);
	ck_assert_int_eq(charge("192.0.2.5", PENALTY_GRACE, 0, &left),
	    PENALTY_STARTED);
	ck_assert_uint_eq(left, 10 * SEC);
	ck_assert_int_eq(charge("192.0.2.6", PENALTY_KINDS, 0, &left),
	    PENALTY_NONE);
	ck_assert_str_eq(penalty_kind_name(PENALTY_AUTHFAIL), "authfail");
	ck_assert_str_eq(penalty_kind_name(PENALTY_GRACE), "grace-exceeded");
	ck_assert_str_eq(penalty_kind_name(PENALTY_NOAUTH), "noauth");
	ck_assert_str_eq(penalty_kind_name(PENALTY_CRASH), "crash");
	ck_assert_str_eq(penalty_kind_name(PENALTY_KINDS), "unknown");
}
END_TEST

/* "PerSourcePenalties no" on reload lifts every penalty at once. */
START_TEST(test_penalty_disabled_refuses_nobody)
{
	struct penalty_conf	c;

	ck_assert_int_eq(charge("192.0.2.9", PENALTY_CRASH, 0, NULL),
	    PENALTY_STARTED);
	c = C;
	c.enabled = false;
	penalty_set_conf(P, &c);
	ck_assert(!refused("192.0.2.9", SEC, NULL));
	ck_assert_uint_eq(penalty_refused_count(P, SEC), 0);
	ck_assert_int_eq(charge("192.0.2.9", PENALTY_CRASH, SEC, NULL),
	    PENALTY_NONE);
	penalty_set_conf(P, &C);
	ck_assert(refused("192.0.2.9", SEC, NULL));
}
END_TEST

static struct penalty_source
nth(unsigned i)
{
	struct penalty_source	src;

	memset(&src, 0, sizeof(src));
	src.family = i % 3 == 0 ? AF_INET6 : AF_INET;
	src.bytes[0] = (uint8_t)(i >> 16);
	src.bytes[1] = (uint8_t)(i >> 8);
	src.bytes[2] = (uint8_t)i;
	return src;
}

/* Full: the source nearest to being forgotten goes, refused ones last. */
START_TEST(test_penalty_bounded_eviction)
{
	struct penalty_conf	c = C;
	struct penalty_source	src;
	unsigned		i;

	c.max_sources = 100;
	penalty_set_conf(P, &c);
	/* Source 0 refused; 1..99 accruing, older ones forgotten sooner. */
	src = nth(0);
	ck_assert_int_eq(penalty_charge(P, &src, PENALTY_CRASH, 0, NULL),
	    PENALTY_STARTED);
	for (i = 1; i < 100; i++) {
		src = nth(i);
		ck_assert_int_eq(penalty_charge(P, &src, PENALTY_NOAUTH,
		    i * SEC / 4, NULL), PENALTY_NONE);
	}
	ck_assert_uint_eq(penalty_count(P), 100);
	for (i = 100; i < 300; i++) {
		src = nth(i);
		penalty_charge(P, &src, PENALTY_NOAUTH, i * SEC / 4, NULL);
		ck_assert_uint_eq(penalty_count(P), 100);
	}
	/* Refused all along (75 s < 90 s), so never the one to go. */
	src = nth(0);
	ck_assert(penalty_refuses(P, &src, 80 * SEC, NULL));
	/* A new source now takes the oldest accruing one's place. */
	src = nth(5000);
	penalty_charge(P, &src, PENALTY_CRASH, 80 * SEC, NULL);
	ck_assert(penalty_refuses(P, &src, 80 * SEC, NULL));
	ck_assert_uint_eq(penalty_count(P), 100);
	src = nth(0);
	ck_assert(penalty_refuses(P, &src, 80 * SEC, NULL));
	/* Reload with a smaller table: the next insert trims it. */
	c.max_sources = 10;
	penalty_set_conf(P, &c);
	src = nth(1000);
	penalty_charge(P, &src, PENALTY_NOAUTH, 80 * SEC, NULL);
	ck_assert_uint_eq(penalty_count(P), 10);
	src = nth(0);
	ck_assert(penalty_refuses(P, &src, 80 * SEC, NULL));
}
END_TEST

/*
 * The naive model: a list with the same rules. Random runs over a small
 * key space (so slots collide, are deleted and reused) and a table that
 * must grow and evict; after every step both agree on every source.
 */
struct model_rec {
	struct penalty_source	src;
	bool			active;
	unsigned		served;
	uint64_t		until, forget_at;
};

struct model {
	struct model_rec	recs[64];
	size_t			n;
};

static struct model_rec *
model_find(struct model *m, const struct penalty_source *src)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (penalty_source_equal(&m->recs[i].src, src)) {
			return &m->recs[i];
		}
	}
	return NULL;
}

static void
model_drop(struct model *m, struct model_rec *r)
{
	*r = m->recs[--m->n];
}

static bool
model_refusing(const struct model_rec *r, uint64_t now)
{
	return r->active && now < r->until;
}

static bool
model_first(const struct model_rec *a, const struct model_rec *b,
    uint64_t now)
{
	if (model_refusing(a, now) != model_refusing(b, now)) {
		return !model_refusing(a, now);
	}
	if (a->forget_at != b->forget_at) {
		return a->forget_at < b->forget_at;
	}
	if (a->src.family != b->src.family) {
		return a->src.family < b->src.family;
	}
	return memcmp(a->src.bytes, b->src.bytes, sizeof(a->src.bytes)) < 0;
}

static void
model_evict(struct model *m, uint64_t now)
{
	size_t	i, v = 0;

	for (i = 1; i < m->n; i++) {
		if (model_first(&m->recs[i], &m->recs[v], now)) {
			v = i;
		}
	}
	model_drop(m, &m->recs[v]);
}

static enum penalty_verdict
model_charge(struct model *m, const struct penalty_conf *c,
    const struct penalty_source *src, enum penalty_kind kind, uint64_t now)
{
	struct model_rec	*r = model_find(m, src);
	uint64_t		 base, add, cap;
	bool			 was;

	if (c->secs[kind] == 0) {
		return PENALTY_NONE;
	}
	if (r != NULL && now >= r->forget_at) {
		model_drop(m, r);
		r = NULL;
	}
	if (r == NULL) {
		while (m->n >= c->max_sources) {
			model_evict(m, now);
		}
		r = &m->recs[m->n++];
		memset(r, 0, sizeof(*r));
		r->src = *src;
	}
	was = model_refusing(r, now);
	r->active = was;
	base = r->until > now ? r->until : now;
	add = (uint64_t)c->secs[kind] * SEC << (r->served < 16 ?
	    r->served : 16);
	cap = now + c->max * SEC;
	r->until = base + add > cap ? cap : base + add;
	r->forget_at = r->until + c->max * SEC;
	if (was) {
		return PENALTY_EXTENDED;
	}
	if (r->until - now < c->min * SEC) {
		return PENALTY_NONE;
	}
	r->active = true;
	r->served++;
	return PENALTY_STARTED;
}

static void
model_expire(struct model *m, uint64_t now)
{
	size_t	i = 0;

	while (i < m->n) {
		if (now >= m->recs[i].forget_at) {
			model_drop(m, &m->recs[i]);
			continue;
		}
		i++;
	}
}

/*
 * Does the table agree with the model on source k at now? A plain test,
 * not ck_assert: libcheck records every passing assertion (a write), and
 * the 14 million here made this test slow, under valgrind minutes.
 */
static bool
model_agrees(struct model *m, unsigned k, uint64_t now)
{
	struct penalty_source	 src = nth(k * 7919);
	const struct model_rec	*r = model_find(m, &src);
	uint64_t		 left;
	bool			 want;

	want = r != NULL && model_refusing(r, now);
	if (penalty_refuses(P, &src, now, &left) != want ||
	    left != (want ? r->until - now : 0)) {
		return false;
	}
	return penalty_served(P, &src, now) ==
	    (r != NULL && now < r->forget_at ? r->served : 0);
}

START_TEST(test_penalty_matches_model)
{
	struct penalty_conf	c = C;
	struct model		m;
	struct penalty_source	src;
	uint64_t		now = 0;
	unsigned		step, k, op;

	memset(&m, 0, sizeof(m));
	c.max_sources = 48;
	c.max = 120;
	c.min = 12;
	penalty_set_conf(P, &c);
	srandom(20240601 + (unsigned)_i);
	for (step = 0; step < 20000; step++) {
		now += (uint64_t)(random() % 3000);
		k = (unsigned)(random() % 60);
		src = nth(k * 7919);
		op = (unsigned)(random() % 10);
		if (op < 6) {
			enum penalty_kind kind = (enum penalty_kind)(random() %
			    PENALTY_KINDS);

			ck_assert_int_eq(penalty_charge(P, &src, kind, now,
			    NULL), model_charge(&m, &c, &src, kind, now));
		} else if (op < 7) {
			penalty_expire(P, now);
			model_expire(&m, now);
		}
		ck_assert_uint_eq(penalty_count(P), m.n);
		for (k = 0; k < 60; k++) {
			if (!model_agrees(&m, k, now)) {
				ck_abort_msg("step %u source %u: refusal, time "
				    "left or served count differ from the "
				    "model", step, k);
			}
		}
	}
}
END_TEST

/* Many sources at once: growth keeps every one of them findable. */
START_TEST(test_penalty_grows)
{
	struct penalty_source	src;
	unsigned		i;

	for (i = 0; i < 5000; i++) {
		src = nth(i);
		ck_assert_int_eq(penalty_charge(P, &src, PENALTY_CRASH, 0,
		    NULL), PENALTY_STARTED);
	}
	ck_assert_uint_eq(penalty_count(P), 5000);
	ck_assert_uint_eq(penalty_refused_count(P, 0), 5000);
	for (i = 0; i < 5000; i++) {
		src = nth(i);
		ck_assert(penalty_refuses(P, &src, SEC, NULL));
	}
	src = nth(5000);
	ck_assert(!penalty_refuses(P, &src, SEC, NULL));
	penalty_expire(P, 1000 * SEC);
	ck_assert_uint_eq(penalty_count(P), 0);
}
END_TEST

Suite *
penalty_suite(void)
{
	Suite	*s = suite_create("penalty");
	TCase	*tc = tcase_create("conf");

	tcase_add_loop_test(tc, test_penalty_conf_parses, 0,
	    NELEM(accept_cases));
	tcase_add_loop_test(tc, test_penalty_conf_rejects, 0,
	    NELEM(reject_cases));
	tcase_add_test(tc, test_penalty_sources);
	tcase_add_test(tc, test_penalty_offences);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, table_setup, table_teardown);
	tcase_add_test(tc, test_penalty_below_min_refuses_nothing);
	tcase_add_test(tc, test_penalty_starts_at_min_and_runs_out);
	tcase_add_test(tc, test_penalty_account_drains_with_time);
	tcase_add_test(tc, test_penalty_extends_and_caps);
	tcase_add_test(tc, test_penalty_repeat_offenders_pay_more);
	tcase_add_test(tc, test_penalty_forgets_reformed_sources);
	tcase_add_test(tc, test_penalty_is_per_source);
	tcase_add_test(tc, test_penalty_kinds_and_zero_times);
	tcase_add_test(tc, test_penalty_disabled_refuses_nobody);
	tcase_add_test(tc, test_penalty_bounded_eviction);
	tcase_add_loop_test(tc, test_penalty_matches_model, 0, 4);
	tcase_add_test(tc, test_penalty_grows);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
