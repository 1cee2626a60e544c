/*
 * knownhosts: verifies the gateway's host key before anything secret is
 * sent. With --fingerprint only the pinned keys are accepted; otherwise
 * the OpenSSH known_hosts file decides (hashed entries too, through
 * libssh), and --accept-new adds an unknown key (a changed key is still
 * refused). Tells the user, on stderr, the fingerprint and exactly how to
 * accept it.
 */
#ifndef POPGATE_KNOWNHOSTS_H
#define POPGATE_KNOWNHOSTS_H

#include <stdbool.h>

#include <libssh/libssh.h>

#include "popgate/opts.h"

enum knownhosts_result {
	KNOWNHOSTS_OK,
	KNOWNHOSTS_ADDED,	/* unknown, added with --accept-new */
	KNOWNHOSTS_UNKNOWN,
	KNOWNHOSTS_CHANGED,	/* known_hosts has another key: refuse */
	KNOWNHOSTS_MISMATCH,	/* not one of the --fingerprint keys */
	KNOWNHOSTS_ERROR
};

/* Needs a connected session (key exchange done). Logs the outcome. */
enum knownhosts_result knownhosts_verify(ssh_session s, const struct opts *o);

bool	knownhosts_accepted(enum knownhosts_result r);

#endif
