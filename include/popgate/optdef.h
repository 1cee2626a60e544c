/*
 * optdef: the options popgate takes, one table row each: the short and
 * long spelling, whether it takes an argument, and what it does to
 * struct opts: a setter that checks the argument and stores it, or the
 * bool it sets. opts.c finds rows by spelling and applies them. Pure:
 * no I/O, no logging; an error goes into err and starts with the option
 * (or its argument) as popgate reports it.
 */
#ifndef POPGATE_OPTDEF_H
#define POPGATE_OPTDEF_H

#include <stdbool.h>
#include <stddef.h>

struct opts;

/* Checks arg (NULL for an option without one), stores it in o; 0/-1. */
typedef int	(*optdef_set_fn)(struct opts *o, const char *arg, char *err,
		    size_t errlen);

/* A row of the table: read-only, applied with optdef_apply(). */
struct optdef {
	char		 letter;	/* short form, '\0' when none */
	const char	*name;		/* long form without "--", or NULL */
	bool		 takes_arg;
	optdef_set_fn	 set;		/* arg is NULL when !takes_arg */
	size_t		 flag;		/* set == NULL: this bool is set */
};

/* The row of "-letter", or NULL. */
const struct optdef *optdef_find_short(char letter);
/*
 * The row of "--name" where name is its first len bytes (the rest may
 * be "=value"). Exact names only, no abbreviations; NULL when none.
 */
const struct optdef *optdef_find_long(const char *name, size_t len);
/*
 * Applies row d to o: its setter with arg, or its bool set to true. arg
 * is NULL for a row that takes none; the caller has checked that. 0, or
 * -1 with the reason in err.
 */
int	optdef_apply(const struct optdef *d, struct opts *o, const char *arg,
	    char *err, size_t errlen);

#endif
