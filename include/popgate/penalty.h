/*
 * penalty: the PerSourcePenalties table of the gateway parent. A source
 * is one IPv4 address (/32) or one IPv6 /64 network (an IPv4-mapped IPv6
 * address counts as its IPv4 address), so hopping addresses inside a /64
 * evades nothing, and one source's penalty never touches another's.
 *
 * The model (after OpenSSH 9.8's PerSourcePenalties): each offence a
 * connection commits (authentication failures, LoginGraceTime exceeded,
 * no authentication attempt at all, a crashed session) adds its time to
 * the source's account. Once the account reaches `min` seconds ahead of
 * now, new connections from the source are refused until it runs out;
 * offences during the penalty extend it. Never more than `max` seconds
 * ahead. A source that already served penalties pays double per offence
 * for each one served (repeat offenders: 2x, 4x, ...), until it has been
 * clean for `max` seconds after its last penalty ended; then it is
 * forgotten. At most `max_sources` sources are kept: when full, the one
 * closest to being forgotten (refused sources last) makes room, so the
 * table can never refuse everyone.
 *
 * Pure: no I/O, no logging, the time comes from the caller (milliseconds
 * on any monotonic clock). Parsing and printing of the keyword's words
 * live here too.
 */
#ifndef POPGATE_PENALTY_H
#define POPGATE_PENALTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum penalty_kind {
	PENALTY_AUTHFAIL = 0,	/* failed authentication, never succeeded */
	PENALTY_GRACE,		/* LoginGraceTime ran out before login */
	PENALTY_NOAUTH,		/* left before any authentication attempt */
	PENALTY_CRASH,		/* the session process died of a signal */
	PENALTY_KINDS
};

struct penalty_conf {
	bool		enabled;
	unsigned	secs[PENALTY_KINDS];	/* per offence; 0: not one */
	unsigned	min;		/* refuse once this much is owed */
	unsigned	max;		/* never refuse for longer */
	unsigned	max_sources;	/* sources remembered at most */
};

#define PENALTY_TIME_MAX	86400u		/* 1 day, any time word */
#define PENALTY_SOURCES_MAX	1048576u
#define PENALTY_CONF_STRLEN	160

/* One source: family and the first 4 (IPv4) or 8 (IPv6 /64) bytes. */
struct penalty_source {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		bytes[8];
};

#define PENALTY_SOURCE_STRLEN	48

enum penalty_verdict {
	PENALTY_NONE,		/* nothing refused (yet) */
	PENALTY_STARTED,	/* this offence started a penalty: log it */
	PENALTY_EXTENDED	/* the source was refused already */
};

/* How a connection ended, as far as penalties care. */
struct penalty_outcome {
	bool		crashed;	/* its process died of a signal */
	bool		started;	/* it said anything about itself */
	bool		logged_in;
	bool		grace_exceeded;	/* LoginGraceTime ended it */
	bool		left;		/* the client left (or kex broke) */
	unsigned	attempts;	/* auth attempts, not "none" */
	unsigned	failures;
};

struct penalty;

/*
 * The offence a connection committed: crash (whatever else), else for
 * one never logged in grace-exceeded, authfail (it failed at least once)
 * or noauth (it left without an attempt). -1: none.
 */
int		 penalty_offence(const struct penalty_outcome *o);

/* authfail:5 grace-exceeded:10 noauth:1 crash:90 min:15 max:600 ... */
void		 penalty_conf_default(struct penalty_conf *c);
/*
 * The keyword's words: "no", "yes" (the defaults) or KEY:VALUE pairs
 * changing the defaults (authfail, grace-exceeded, noauth, crash, min,
 * max: times as 30, 30s, 5m, 1h, 0 turning that offence off; max-sources:
 * a number). 0, or -1 with the reason in err (c is then unchanged).
 */
int		 penalty_conf_parse(struct penalty_conf *c, char *const *words,
		    size_t nwords, char *err, size_t errlen);
/* What penalty_conf_parse reads back to c: "no" or every KEY:VALUE. */
char		*penalty_conf_format(const struct penalty_conf *c, char *buf,
		    size_t len);

/* false for a family other than IPv4/IPv6. */
bool		 penalty_source_from_sa(const struct sockaddr *sa,
		    struct penalty_source *out);
bool		 penalty_source_equal(const struct penalty_source *a,
		    const struct penalty_source *b);
/* "192.0.2.7/32", "2001:db8:0:1::/64". Returns buf. */
char		*penalty_source_format(const struct penalty_source *src,
		    char *buf, size_t len);
/* "authfail", "grace-exceeded", "noauth", "crash". */
const char	*penalty_kind_name(enum penalty_kind kind);

/* c is copied. */
struct penalty	*penalty_new(const struct penalty_conf *c);
void		 penalty_free(struct penalty *p);	/* NULL is fine */
/* New settings (reload): records kept, future offences use them. */
void		 penalty_set_conf(struct penalty *p,
		    const struct penalty_conf *c);

/*
 * Charges one offence of kind to src at now_ms. *left_ms (may be NULL)
 * gets how long the source is refused from now (0 when it is not).
 */
enum penalty_verdict penalty_charge(struct penalty *p,
		    const struct penalty_source *src, enum penalty_kind kind,
		    uint64_t now_ms, uint64_t *left_ms);
/* Is src refused at now_ms? *left_ms (may be NULL) gets how long for. */
bool		 penalty_refuses(const struct penalty *p,
		    const struct penalty_source *src, uint64_t now_ms,
		    uint64_t *left_ms);
/* Penalties served by src while it is remembered (0: none, unknown). */
unsigned	 penalty_served(const struct penalty *p,
		    const struct penalty_source *src, uint64_t now_ms);
/* Forgets the sources whose memory ran out. */
void		 penalty_expire(struct penalty *p, uint64_t now_ms);
/* Sources remembered, and of those refused at now_ms. */
size_t		 penalty_count(const struct penalty *p);
size_t		 penalty_refused_count(const struct penalty *p,
		    uint64_t now_ms);

#endif
