/*
 * fwdspec: one -L spec, [BIND:]PORT:HOST:HOSTPORT, as the command line
 * and a profile's Forward give it. Pure: no I/O (no resolving), no
 * logging; errors go into err and mean exit code 2 (usage).
 */
#ifndef POPGATE_FWDSPEC_H
#define POPGATE_FWDSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "popgate/addr.h"

struct fwdspec {
	struct addr	bind;	/* local side; host "127.0.0.1" unless given */
	struct addr	target;	/* what the gateway is asked for */
};

/*
 * Parses spec into out: BIND and HOST may be [v6] bracketed; BIND "*"
 * means all IPv4 addresses (0.0.0.0); PORT 0 picks a free port. 0, or
 * -1 with the reason in err, which starts with -L "SPEC":.
 */
int	fwdspec_parse(const char *spec, struct fwdspec *out, char *err,
	    size_t errlen);


#endif
