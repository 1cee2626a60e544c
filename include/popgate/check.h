/*
 * check: popgate --check. With the session established, opens each
 * forward once, reads the service's greeting and prints one line per
 * forward: "ok pop3:110 +OK ..." or "failed pop3:110: reason".
 */
#ifndef POPGATE_CHECK_H
#define POPGATE_CHECK_H

#include <stdio.h>

#include "popgate/conn.h"
#include "popgate/opts.h"

/* CONN_OK when every forward answered with a positive greeting. */
enum conn_status check_run(struct conn *c, const struct opts *o, FILE *out);

#endif
