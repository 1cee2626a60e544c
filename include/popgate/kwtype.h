/*
 * kwtype: the kinds of value a popgated.conf keyword takes, and the
 * contract between them and servconf's pipeline. servconf.c holds the
 * keyword table (one struct keyword a keyword) and reads the lines; a
 * kind parses one line's words into struct servconf, clears what it
 * holds there (an -o option replaces the file's values rather than adding
 * to them) and prints it back the way a file would say it (-T).
 *
 * This module holds the plain kinds: numbers, times, limits ("none"),
 * yes/no, names, algorithm lists, the log settings, MaxStartups,
 * PerSourcePenalties, PasswordBackend and AuthCacheSeconds. Paths are in
 * kwpath.h, addresses and Forward entries in kwnet.h.
 *
 * Pure: no logging, no I/O but the -T stream; a parser writes its reason
 * into err and servconf adds "FILE:LINE: Keyword: ". Config load only,
 * before any event loop runs.
 */
#ifndef POPGATE_KWTYPE_H
#define POPGATE_KWTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "popgate/policy.h"

#define KWTYPE_REPEAT	0x01	/* keyword.flags: each line adds a value */
#define KWTYPE_USER	0x02	/* a path that may hold %u */
#define KWTYPE_NONE	0x04	/* "none" for 0 / NULL: no limit, off */
#define KWTYPE_ARGS_MAX	(POLICY_BACKENDS_MAX + 2)	/* words a line */
#define KWTYPE_MAX	64	/* keywords; == sizeof(servconf.set) */
#define KWTYPE_WHY_MAX	512	/* a reason, before its FILE:LINE */
#define KWTYPE_LEVEL_FILE 1	/* servconf.set values: from the file */
#define KWTYPE_LEVEL_OPT 2	/* ...from an -o option */

/* The value of keyword kw inside sc, and the count of a list. */
#define KWTYPE_FIELD(sc, kw, type) \
	((type *)(void *)((char *)(sc) + (kw)->off))
#define KWTYPE_CFIELD(sc, kw, type) \
	((type const *)(const void *)((const char *)(sc) + (kw)->off))
#define KWTYPE_COUNT(sc, kw) \
	((size_t *)(void *)((char *)(sc) + (kw)->cnt))
#define KWTYPE_CCOUNT(sc, kw) \
	(*(const size_t *)(const void *)((const char *)(sc) + (kw)->cnt))

struct servconf;
struct keyword;

/* State of one servconf_load(), not kept in struct servconf. */
struct kwtype_load {
	int		 level;		/* KWTYPE_LEVEL_FILE or _OPT */
	unsigned	 first[KWTYPE_MAX];	/* line of first use at level */
	unsigned	*fwd_line;	/* line of each Forward entry */
	int		 fwd_level;	/* ...all from this level */
	size_t		 nfwd;
	unsigned	 proxy_line;	/* first "ListenAddress ... proxy" */
	int		 proxy_level;	/* ...at this level */
	unsigned	 line;		/* the line being parsed, 0: default */
};

/*
 * A kind. parse gets the line's words (NULL-terminated, nargs to maxargs
 * of them, already counted) and returns 0, or -1 with the reason in err;
 * clear (NULL: every parse overwrites anyway) gets ld NULL from
 * servconf_free(); print writes nothing for an unset optional value.
 */
struct kwtype {
	int		(*parse)(struct servconf *, const struct keyword *,
			    struct kwtype_load *, char **, char *, size_t);
	void		(*clear)(struct servconf *, const struct keyword *,
			    struct kwtype_load *);
	void		(*print)(const struct servconf *,
			    const struct keyword *, FILE *);
	size_t		  nargs;
	size_t		  maxargs;	/* 0: exactly nargs */
	const char	 *usage;
};

/* One row of servconf's keyword table. */
struct keyword {
	const char		*name;		/* as -T prints it */
	const struct kwtype	*type;
	size_t			 off;		/* the value in servconf */
	size_t			 cnt;		/* its count, for lists */
	int			 flags;		/* KWTYPE_* */
	unsigned		 min;		/* numbers; the algos_kind */
	unsigned		 max;
	const char		*dflt[2];	/* applied when unset */
};

extern const struct kwtype kwtype_uint;		/* NUMBER in [min, max] */
extern const struct kwtype kwtype_seconds;	/* 30, 30s, 5m, 1h */
extern const struct kwtype kwtype_limit;	/* NUMBER or none (0) */
extern const struct kwtype kwtype_timeout;	/* SECONDS or none (0) */
extern const struct kwtype kwtype_yesno;
extern const struct kwtype kwtype_user;		/* an account name */
extern const struct kwtype kwtype_algos;	/* min: enum algos_kind */
extern const struct kwtype kwtype_maxstartups;
extern const struct kwtype kwtype_loglevel;
extern const struct kwtype kwtype_logtarget;
extern const struct kwtype kwtype_facility;	/* one, or logins+tunnels */
extern const struct kwtype kwtype_penalties;
extern const struct kwtype kwtype_pwbackend;
extern const struct kwtype kwtype_authcache;	/* 0 only, see kwtype.c */

/* "line 3" or "-o:3" (for "given twice" messages) in buf; returns buf. */
const char	*kwtype_where(int level, unsigned line, char *buf,
		    size_t len);
/* "Name value\n", the value quoted when it is empty or holds blanks. */
void		 kwtype_print_word(FILE *fp, const char *name,
		    const char *w);
/* Whether word is "none" and kw allows it (KWTYPE_NONE). */
bool		 kwtype_is_none(const struct keyword *kw, const char *word);
/* Frees kw's string (char *) field and leaves it NULL; ld unused. */
void		 kwtype_clear_string(struct servconf *sc,
		    const struct keyword *kw, struct kwtype_load *ld);

#endif
