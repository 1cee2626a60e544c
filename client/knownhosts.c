/*
 * knownhosts: the first thing popgate does after key exchange, before any
 * authentication: a password must never reach a gateway whose key was not
 * verified. libssh reads the OpenSSH known_hosts format (hashed entries
 * and [host]:port included); the decisions and the words are ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libssh/libssh.h>

#include "popgate/fingerprint.h"
#include "popgate/knownhosts.h"
#include "popgate/log.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

bool
knownhosts_accepted(enum knownhosts_result r)
{
	return r == KNOWNHOSTS_OK || r == KNOWNHOSTS_ADDED;
}

static enum knownhosts_result
check_pins(const struct opts *o, const ssh_key key, const char *fp)
{
	size_t	i;

	for (i = 0; i < o->nfingerprints; i++) {
		if (fingerprint_matches(key, o->fingerprints[i])) {
			log_verbose("host key %s matches --fingerprint", fp);
			return KNOWNHOSTS_OK;
		}
	}
	log_error("host key verification failed: %s offers %s (%s), which is "
	    "not a --fingerprint you gave; not connecting", o->gateway, fp,
	    fingerprint_type_label(key));
	return KNOWNHOSTS_MISMATCH;
}

/* ~/.ssh must exist before libssh can append to ~/.ssh/known_hosts. */
static void
make_ssh_dir(const struct opts *o)
{
	char	*dir = NULL, *home = getenv("HOME");

	if (o->known_hosts != NULL || home == NULL) {
		return;
	}
	dir = xasprintf("%s/.ssh", home);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("cannot create %s: %s", dir, strerror(errno));
	}
	free(dir);
}

static enum knownhosts_result
unknown(ssh_session s, const struct opts *o, const ssh_key key,
    const char *fp)
{
	const char	*file = o->known_hosts != NULL ? o->known_hosts :
	    "~/.ssh/known_hosts";

	if (o->accept_new) {
		make_ssh_dir(o);
		if (ssh_session_update_known_hosts(s) != SSH_OK) {
			log_error("cannot add the host key to %s: %s", file,
			    ssh_get_error(s));
			return KNOWNHOSTS_ERROR;
		}
		log_info("added %s host key %s (%s) to %s", o->gateway, fp,
		    fingerprint_type_label(key), file);
		return KNOWNHOSTS_ADDED;
	}
	log_error("host key verification failed: %s is not in %s", o->gateway,
	    file);
	log_error("the gateway offers %s (%s)", fp,
	    fingerprint_type_label(key));
	log_error("compare it with the fingerprint your admin published "
	    "(popgated fingerprint), then run again with");
	log_error("  --fingerprint %s   to accept exactly this key, or", fp);
	log_error("  --accept-new   to trust it now and remember it");
	return KNOWNHOSTS_UNKNOWN;
}

enum knownhosts_result
knownhosts_verify(ssh_session s, const struct opts *o)
{
	enum knownhosts_result	 r = KNOWNHOSTS_ERROR;
	ssh_key			 key = NULL;
	char			*fp = NULL;

	if (ssh_get_server_publickey(s, &key) != SSH_OK ||
	    (fp = fingerprint_sha256(key)) == NULL) {
		log_error("cannot read the gateway's host key: %s",
		    ssh_get_error(s));
		ssh_key_free(key);
		return KNOWNHOSTS_ERROR;
	}
	if (o->nfingerprints > 0) {
		r = check_pins(o, key, fp);
		goto out;
	}
	switch (ssh_session_is_known_server(s)) {
	case SSH_KNOWN_HOSTS_OK:
		r = KNOWNHOSTS_OK;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		log_error("WARNING: THE HOST KEY OF %s HAS CHANGED", o->gateway);
		log_error("it now offers %s (%s), which does not match %s", fp,
		    fingerprint_type_label(key), o->known_hosts != NULL ?
		    o->known_hosts : "~/.ssh/known_hosts");
		log_error("someone may be intercepting the connection, or the "
		    "admin replaced the key: not connecting");
		log_error("ask the admin for the new fingerprint before "
		    "changing anything");
		r = KNOWNHOSTS_CHANGED;
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		r = unknown(s, o, key, fp);
		break;
	default:
		log_error("cannot check the host key: %s", ssh_get_error(s));
		r = KNOWNHOSTS_ERROR;
		break;
	}
out:
	ssh_string_free_char(fp);
	ssh_key_free(key);
	return r;
}
