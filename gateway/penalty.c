/*
 * penalty: an open-addressing hash table (linear probing, backward-shift
 * deletion, so no tombstones) of sources, keyed with a per-table random
 * seed: the sources are chosen by whoever connects, and a fixed hash
 * would let someone holding many IPv6 /64s line them up in one chain.
 * The table grows by doubling while at most half full and never holds
 * more than max_sources records.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "popgate/addr.h"
#include "popgate/penalty.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define PENALTY_INITIAL_SLOTS	64
#define PENALTY_SHIFT_MAX	16	/* repeat offenders: at most 2^16 x */

struct record {
	struct penalty_source	src;
	bool			used;
	bool			active;		/* refusing until `until` */
	unsigned		served;		/* penalties while remembered */
	uint64_t		until;		/* account runs out */
	uint64_t		forget_at;	/* record dropped from here */
};

struct penalty {
	struct penalty_conf	 conf;
	struct record		*recs;
	size_t			 cap;		/* power of two */
	size_t			 count;
	uint64_t		 seed;
};

static const char *const kind_names[PENALTY_KINDS] = {
	"authfail", "grace-exceeded", "noauth", "crash"
};

void
penalty_conf_default(struct penalty_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->secs[PENALTY_AUTHFAIL] = 5;
	c->secs[PENALTY_GRACE] = 10;
	c->secs[PENALTY_NOAUTH] = 1;
	c->secs[PENALTY_CRASH] = 90;
	c->min = 15;
	c->max = 600;
	c->max_sources = 65536;
}

int
penalty_offence(const struct penalty_outcome *o)
{
	if (o->crashed) {
		return PENALTY_CRASH;
	}
	if (!o->started || o->logged_in) {
		return -1;
	}
	if (o->grace_exceeded) {
		return PENALTY_GRACE;
	}
	if (o->failures > 0) {
		return PENALTY_AUTHFAIL;
	}
	if (o->attempts == 0 && o->left) {
		return PENALTY_NOAUTH;
	}
	return -1;
}

const char *
penalty_kind_name(enum penalty_kind kind)
{
	return (size_t)kind < PENALTY_KINDS ? kind_names[kind] : "unknown";
}

/* One KEY:VALUE word into c; seen marks keys already given. */
static int
parse_pair(struct penalty_conf *c, const char *word, unsigned *seen,
    char *err, size_t errlen)
{
	static const char *const extra[] = { "min", "max", "max-sources" };
	const char	*colon = strchr(word, ':');
	const char	*value = NULL;
	unsigned	*field = NULL;
	unsigned	 least;
	size_t		 klen, i, key = PENALTY_KINDS + 3;

	klen = colon != NULL ? (size_t)(colon - word) : strlen(word);
	for (i = 0; i < PENALTY_KINDS + 3; i++) {
		const char *name = i < PENALTY_KINDS ? kind_names[i] :
		    extra[i - PENALTY_KINDS];

		if (strlen(name) == klen &&
		    strncasecmp(name, word, klen) == 0) {
			key = i;
		}
	}
	if (colon == NULL || key == PENALTY_KINDS + 3) {
		snprintf(err, errlen, "expected KEY:VALUE with KEY authfail, "
		    "grace-exceeded, noauth, crash, min, max or max-sources, "
		    "got \"%s\"", word);
		return -1;
	}
	if (*seen & (1u << key)) {
		snprintf(err, errlen, "\"%.*s\" given twice", (int)klen, word);
		return -1;
	}
	*seen |= 1u << key;
	value = colon + 1;
	if (key == PENALTY_KINDS + 2) {
		if (!str_to_uint(value, 1, PENALTY_SOURCES_MAX,
		    &c->max_sources)) {
			snprintf(err, errlen, "%s: expected a number from 1 to "
			    "%u", word, PENALTY_SOURCES_MAX);
			return -1;
		}
		return 0;
	}
	field = key < PENALTY_KINDS ? &c->secs[key] :
	    key == PENALTY_KINDS ? &c->min : &c->max;
	least = key == PENALTY_KINDS + 1 ? 1u : 0u;	/* max: at least 1 */
	if (!str_to_seconds(value, least, PENALTY_TIME_MAX, field)) {
		snprintf(err, errlen, "%s: expected a time from %u to %u "
		    "seconds (30, 30s, 5m, 1h)", word, least,
		    PENALTY_TIME_MAX);
		return -1;
	}
	return 0;
}

int
penalty_conf_parse(struct penalty_conf *c, char *const *words, size_t nwords,
    char *err, size_t errlen)
{
	struct penalty_conf	tmp;
	unsigned		seen = 0;
	size_t			i;

	penalty_conf_default(&tmp);
	if (nwords == 1 && (strcasecmp(words[0], "no") == 0 ||
	    strcasecmp(words[0], "yes") == 0)) {
		tmp.enabled = strcasecmp(words[0], "yes") == 0;
		*c = tmp;
		return 0;
	}
	for (i = 0; i < nwords; i++) {
		if (strcasecmp(words[i], "no") == 0 ||
		    strcasecmp(words[i], "yes") == 0) {
			snprintf(err, errlen, "\"%s\" must stand alone",
			    words[i]);
			return -1;
		}
		if (parse_pair(&tmp, words[i], &seen, err, errlen) != 0) {
			return -1;
		}
	}
	if (tmp.min > tmp.max) {
		snprintf(err, errlen, "min %us is above max %us", tmp.min,
		    tmp.max);
		return -1;
	}
	*c = tmp;
	return 0;
}

char *
penalty_conf_format(const struct penalty_conf *c, char *buf, size_t len)
{
	if (!c->enabled) {
		snprintf(buf, len, "no");
		return buf;
	}
	snprintf(buf, len, "authfail:%u grace-exceeded:%u noauth:%u crash:%u "
	    "min:%u max:%u max-sources:%u", c->secs[PENALTY_AUTHFAIL],
	    c->secs[PENALTY_GRACE], c->secs[PENALTY_NOAUTH],
	    c->secs[PENALTY_CRASH], c->min, c->max, c->max_sources);
	return buf;
}

bool
penalty_source_from_sa(const struct sockaddr *sa, struct penalty_source *out)
{
	unsigned char	a6[16];

	memset(out, 0, sizeof(*out));
	if (addr_sa_v4(sa, out->bytes, NULL)) {	/* mapped ones too */
		out->family = AF_INET;
		return true;
	}
	if (!addr_sa_v6(sa, a6, NULL)) {
		return false;
	}
	out->family = AF_INET6;
	memcpy(out->bytes, a6, 8);		/* its /64 */
	return true;
}

bool
penalty_source_equal(const struct penalty_source *a,
    const struct penalty_source *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

char *
penalty_source_format(const struct penalty_source *src, char *buf,
    size_t len)
{
	unsigned char	a6[16];
	char		text[INET6_ADDRSTRLEN];

	memset(a6, 0, sizeof(a6));
	if (src->family == AF_INET) {
		inet_ntop(AF_INET, src->bytes, text, sizeof(text));
		snprintf(buf, len, "%s/32", text);
		return buf;
	}
	memcpy(a6, src->bytes, 8);
	inet_ntop(AF_INET6, a6, text, sizeof(text));
	snprintf(buf, len, "%s/64", text);
	return buf;
}

/* splitmix64's finaliser over the seeded key. */
static size_t
hash(const struct penalty *p, const struct penalty_source *src)
{
	uint64_t	k = 0;
	size_t		i;

	for (i = 0; i < sizeof(src->bytes); i++) {
		k = k << 8 | src->bytes[i];
	}
	k ^= p->seed ^ ((uint64_t)src->family << 56);
	k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ULL;
	k = (k ^ (k >> 27)) * 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (size_t)k & (p->cap - 1);
}

/* The slot holding src, or the free slot where it would go. */
static size_t
find(const struct penalty *p, const struct penalty_source *src)
{
	size_t	i = hash(p, src);

	while (p->recs[i].used && !penalty_source_equal(&p->recs[i].src, src)) {
		i = (i + 1) & (p->cap - 1);
	}
	return i;
}

static void
grow(struct penalty *p)
{
	struct record	*old = p->recs;
	size_t		 oldcap = p->cap, i, j;

	p->cap *= 2;
	p->recs = xcalloc(p->cap, sizeof(*p->recs));
	for (i = 0; i < oldcap; i++) {
		if (old[i].used) {
			j = find(p, &old[i].src);
			p->recs[j] = old[i];
		}
	}
	free(old);
}

/* Empties slot i and moves later records of its run back (Knuth 6.4 R). */
static void
delete_at(struct penalty *p, size_t i)
{
	size_t	j = i, k;

	for (;;) {
		j = (j + 1) & (p->cap - 1);
		if (!p->recs[j].used) {
			break;
		}
		k = hash(p, &p->recs[j].src);
		/* Stays when its home k lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) {
			continue;
		}
		p->recs[i] = p->recs[j];
		i = j;
	}
	memset(&p->recs[i], 0, sizeof(p->recs[i]));
	p->count--;
}

static bool
refusing(const struct record *r, uint64_t now)
{
	return r->active && now < r->until;
}

/*
 * Would a go before b when the table is full? Accruing before refused,
 * then the one forgotten sooner; the source itself breaks ties, so the
 * choice never depends on where the records happen to sit.
 */
static bool
evicts_first(const struct record *a, const struct record *b, uint64_t now)
{
	if (refusing(a, now) != refusing(b, now)) {
		return !refusing(a, now);
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
evict(struct penalty *p, uint64_t now)
{
	size_t	i, victim = p->cap;

	for (i = 0; i < p->cap; i++) {
		if (p->recs[i].used && (victim == p->cap ||
		    evicts_first(&p->recs[i], &p->recs[victim], now))) {
			victim = i;
		}
	}
	if (victim != p->cap) {
		delete_at(p, victim);
	}
}

struct penalty *
penalty_new(const struct penalty_conf *c)
{
	struct penalty	*p = xcalloc(1, sizeof(*p));

	p->conf = *c;
	p->cap = PENALTY_INITIAL_SLOTS;
	p->recs = xcalloc(p->cap, sizeof(*p->recs));
	p->seed = (uint64_t)arc4random() << 32 | arc4random();
	return p;
}

void
penalty_free(struct penalty *p)
{
	if (p == NULL) {
		return;
	}
	free(p->recs);
	free(p);
}

void
penalty_set_conf(struct penalty *p, const struct penalty_conf *c)
{
	p->conf = *c;
}

/* src's record at now, made when missing: forgotten ones start over. */
static struct record *
record_for(struct penalty *p, const struct penalty_source *src,
    uint64_t now)
{
	struct record	*r = NULL;
	size_t		 i = find(p, src);

	if (p->recs[i].used && now >= p->recs[i].forget_at) {
		delete_at(p, i);
		i = find(p, src);
	}
	if (p->recs[i].used) {
		return &p->recs[i];
	}
	while (p->count > 0 && p->count >= p->conf.max_sources) {
		evict(p, now);
	}
	if ((p->count + 1) * 2 > p->cap) {
		grow(p);
	}
	i = find(p, src);
	r = &p->recs[i];
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->src = *src;
	p->count++;
	return r;
}

enum penalty_verdict
penalty_charge(struct penalty *p, const struct penalty_source *src,
    enum penalty_kind kind, uint64_t now_ms, uint64_t *left_ms)
{
	struct record	*r = NULL;
	uint64_t	 base, add, cap;
	unsigned	 shift;
	bool		 was;

	if (left_ms != NULL) {
		*left_ms = 0;
	}
	if (!p->conf.enabled || (size_t)kind >= PENALTY_KINDS ||
	    p->conf.secs[kind] == 0) {
		penalty_refuses(p, src, now_ms, left_ms);
		return PENALTY_NONE;
	}
	r = record_for(p, src, now_ms);
	was = refusing(r, now_ms);
	r->active = was;
	base = r->until > now_ms ? r->until : now_ms;
	shift = r->served < PENALTY_SHIFT_MAX ? r->served : PENALTY_SHIFT_MAX;
	add = ((uint64_t)p->conf.secs[kind] * 1000) << shift;
	cap = now_ms + (uint64_t)p->conf.max * 1000;
	r->until = base + add > cap ? cap : base + add;
	/* Remembered for `max` after the account runs out. */
	r->forget_at = r->until + (uint64_t)p->conf.max * 1000;
	if (!was && r->until - now_ms < (uint64_t)p->conf.min * 1000) {
		return PENALTY_NONE;
	}
	if (left_ms != NULL) {
		*left_ms = r->until - now_ms;
	}
	if (was) {
		return PENALTY_EXTENDED;
	}
	r->active = true;
	r->served++;
	return PENALTY_STARTED;
}

bool
penalty_refuses(const struct penalty *p, const struct penalty_source *src,
    uint64_t now_ms, uint64_t *left_ms)
{
	const struct record	*r = &p->recs[find(p, src)];

	if (left_ms != NULL) {
		*left_ms = 0;
	}
	if (!p->conf.enabled || !r->used || !refusing(r, now_ms)) {
		return false;
	}
	if (left_ms != NULL) {
		*left_ms = r->until - now_ms;
	}
	return true;
}

unsigned
penalty_served(const struct penalty *p, const struct penalty_source *src,
    uint64_t now_ms)
{
	const struct record	*r = &p->recs[find(p, src)];

	return r->used && now_ms < r->forget_at ? r->served : 0;
}

void
penalty_expire(struct penalty *p, uint64_t now_ms)
{
	size_t	i = 0;

	/* delete_at may pull a later record into i: look at i again. */
	while (i < p->cap) {
		if (p->recs[i].used && now_ms >= p->recs[i].forget_at) {
			delete_at(p, i);
			continue;
		}
		i++;
	}
}

size_t
penalty_count(const struct penalty *p)
{
	return p->count;
}

size_t
penalty_refused_count(const struct penalty *p, uint64_t now_ms)
{
	size_t	i, n = 0;

	if (!p->conf.enabled) {
		return 0;
	}
	for (i = 0; i < p->cap; i++) {
		n += p->recs[i].used && refusing(&p->recs[i], now_ms);
	}
	return n;
}
