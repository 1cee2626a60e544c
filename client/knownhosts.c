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

/* "gateway=G fingerprint=SHA256:... type=T" for the lines below. */
static const char *
key_fields(const struct opts *o, const ssh_key key, const char *fp,
    char *buf, size_t len)
{
	char	qg[LOG_VALUE_MAX], qt[LOG_VALUE_MAX];

	snprintf(buf, len, "gateway=%s fingerprint=%s type=%s",
	    log_quote(qg, sizeof(qg), o->gateway), fp,
	    log_quote(qt, sizeof(qt), fingerprint_type_label(key)));
	return buf;
}

static const char *
known_hosts_file(const struct opts *o, char *buf, size_t len)
{
	return log_quote(buf, len, o->known_hosts != NULL ? o->known_hosts :
	    "~/.ssh/known_hosts");
}

static enum knownhosts_result
check_pins(const struct opts *o, const ssh_key key, const char *fp)
{
	char	kf[LOG_TEXT_MAX];
	size_t	i;

	for (i = 0; i < o->nfingerprints; i++) {
		if (fingerprint_matches(key, o->fingerprints[i])) {
			log_verbose("event=hostkey-pinned fingerprint=%s", fp);
			return KNOWNHOSTS_OK;
		}
	}
	log_error("event=hostkey-mismatch %s hint=\"not a --fingerprint you "
	    "gave; not connecting\"", key_fields(o, key, fp, kf, sizeof(kf)));
	return KNOWNHOSTS_MISMATCH;
}

/* ~/.ssh must exist before libssh can append to ~/.ssh/known_hosts. */
static void
make_ssh_dir(const struct opts *o)
{
	char	*dir = NULL, *home = getenv("HOME");
	char	 qd[LOG_TEXT_MAX], q[LOG_VALUE_MAX];

	if (o->known_hosts != NULL || home == NULL) {
		return;
	}
	dir = xasprintf("%s/.ssh", home);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("event=mkdir-failed path=%s error=%s",
		    log_quote(qd, sizeof(qd), dir),
		    log_quote(q, sizeof(q), strerror(errno)));
	}
	free(dir);
}

static enum knownhosts_result
unknown(ssh_session s, const struct opts *o, const ssh_key key,
    const char *fp)
{
	char	kf[LOG_TEXT_MAX], file[LOG_TEXT_MAX], q[LOG_TEXT_MAX];

	known_hosts_file(o, file, sizeof(file));
	key_fields(o, key, fp, kf, sizeof(kf));
	if (o->accept_new) {
		make_ssh_dir(o);
		if (ssh_session_update_known_hosts(s) != SSH_OK) {
			log_error("event=known-hosts-write-failed file=%s "
			    "error=%s", file, log_quote(q, sizeof(q),
			    ssh_get_error(s)));
			return KNOWNHOSTS_ERROR;
		}
		log_info("event=hostkey-added %s file=%s", kf, file);
		return KNOWNHOSTS_ADDED;
	}
	log_error("event=hostkey-unknown %s file=%s hint=\"compare it with "
	    "the fingerprint your admin published (popgated fingerprint), "
	    "then run again with --fingerprint %s to accept exactly this key, "
	    "or --accept-new to trust it now and remember it\"", kf, file,
	    fp);
	return KNOWNHOSTS_UNKNOWN;
}

enum knownhosts_result
knownhosts_verify(ssh_session s, const struct opts *o)
{
	enum knownhosts_result	 r = KNOWNHOSTS_ERROR;
	ssh_key			 key = NULL;
	char			*fp = NULL;
	char			 kf[LOG_TEXT_MAX], file[LOG_TEXT_MAX];
	char			 q[LOG_TEXT_MAX];

	if (ssh_get_server_publickey(s, &key) != SSH_OK ||
	    (fp = fingerprint_sha256(key)) == NULL) {
		log_error("event=hostkey-unreadable error=%s",
		    log_quote(q, sizeof(q), ssh_get_error(s)));
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
		log_error("event=hostkey-changed %s file=%s hint=\"WARNING: "
		    "THE HOST KEY HAS CHANGED; someone may be intercepting the "
		    "connection, or the admin replaced the key: not connecting; "
		    "ask the admin for the new fingerprint before changing "
		    "anything\"", key_fields(o, key, fp, kf, sizeof(kf)),
		    known_hosts_file(o, file, sizeof(file)));
		r = KNOWNHOSTS_CHANGED;
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		r = unknown(s, o, key, fp);
		break;
	default:
		log_error("event=hostkey-check-failed error=%s",
		    log_quote(q, sizeof(q), ssh_get_error(s)));
		r = KNOWNHOSTS_ERROR;
		break;
	}
out:
	ssh_string_free_char(fp);
	ssh_key_free(key);
	return r;
}
