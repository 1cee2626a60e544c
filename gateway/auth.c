/*
 * auth: the answers a client gets never depend on whether the user exists
 * (the lesson of SMTP's VRFY and EXPN): an unknown user, a bad user name
 * and a wrong password all get the same SSH_AUTH_DENIED, after the same
 * crypt(3) work. Only the log tells the admin which it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/auth.h"
#include "popgate/authkeys.h"
#include "popgate/log.h"
#include "popgate/mailbind.h"
#include "popgate/mailmap.h"
#include "popgate/pop3auth.h"
#include "popgate/pwfile.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

struct auth {
	const struct servconf	*sc;
	const struct pwfile	*pw;
	char			*peer;
	unsigned		 attempts;	/* not counting "none" */
	unsigned		 failures;
	bool			 succeeded;
	char			 user[65];
	struct authkeys		*keys;	/* of the user logged in by key */
	const struct authkeys_entry *entry;
};

struct auth *
auth_new(const struct servconf *sc, const struct pwfile *pw, const char *peer)
{
	struct auth	*a = xcalloc(1, sizeof(*a));

	a->sc = sc;
	a->pw = pw;
	a->peer = xstrdup(peer);
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL) {
		return;
	}
	authkeys_free(a->keys);
	free(a->peer);
	free(a);
}

int
auth_methods(const struct auth *a)
{
	int	m = 0;

	if (a->sc->authorized_keys_file != NULL) {
		m |= SSH_AUTH_METHOD_PUBLICKEY;
	}
	if ((a->sc->password_file != NULL && a->pw != NULL) ||
	    a->sc->password_backend == SERVCONF_PASSWORD_POP3) {
		m |= SSH_AUTH_METHOD_PASSWORD;
	}
	return m;
}

static void
log_attempt(const struct auth *a, const char *user, const char *method,
    const char *result, const char *why)
{
	char	q[LOG_VALUE_MAX];

	log_info("event=auth user=%s from=%s method=%s result=%s%s%s",
	    log_quote(q, sizeof(q), user), a->peer, method, result,
	    why != NULL ? " reason=" : "", why != NULL ? why : "");
}

static int
deny(struct auth *a, const char *user, const char *method, const char *why)
{
	a->failures++;
	log_attempt(a, user, method, "failed", why);
	return SSH_AUTH_DENIED;
}

static void
accept_user(struct auth *a, const char *user, const char *method)
{
	a->succeeded = true;
	snprintf(a->user, sizeof(a->user), "%s", user);
	log_attempt(a, user, method, "accepted", NULL);
}

/*
 * PasswordBackend pop3: the POP3 backend judges the password (see
 * pop3auth.h). Every "no" is the same SSH_AUTH_DENIED.
 */
static int
password_pop3(struct auth *a, const char *user, const char *password)
{
	char		 mailbox[MAILBIND_MAILBOX_MAX + 1], err[512];
	char		 qe[LOG_TEXT_MAX];
	const char	*reason = NULL;

	if (!str_valid_user(user)) {
		return deny(a, user, "password", "bad-user-name");
	}
	if (mailmap_resolve(a->sc->mailbox_map, a->sc->strict_modes, user,
	    mailbox, sizeof(mailbox), err, sizeof(err)) != 0) {
		log_error("event=mailbox-map-failed error=%s",
		    log_quote(qe, sizeof(qe), err));
		return deny(a, user, "password", "mailbox-map-error");
	}
	if (pop3auth_check(a->sc, user, mailbox, password, &reason) !=
	    POP3AUTH_OK) {
		return deny(a, user, "password", reason);
	}
	accept_user(a, user, "password");
	return SSH_AUTH_SUCCESS;
}

int
auth_password(struct auth *a, const char *user, const char *password)
{
	bool	ok;

	/*
	 * Requests pipelined past MaxAuthTries arrive before the session can
	 * hang up: answer them at once, with no crypt(3) and no log line.
	 */
	if (auth_exhausted(a)) {
		return SSH_AUTH_DENIED;
	}
	a->attempts++;
	if (!a->succeeded &&
	    a->sc->password_backend == SERVCONF_PASSWORD_POP3) {
		return password_pop3(a, user, password);
	}
	if (a->succeeded || a->pw == NULL) {
		return deny(a, user, "password", "not-offered");
	}
	/* pwfile_check does the crypt(3) work for unknown users too. */
	ok = pwfile_check(a->pw, str_valid_user(user) ? user : "",
	    password);
	if (!ok) {
		return deny(a, user, "password",
		    !str_valid_user(user) ? "bad-user-name" :
		    !pwfile_has_user(a->pw, user) ? "unknown-user" :
		    "wrong-password");
	}
	accept_user(a, user, "password");
	return SSH_AUTH_SUCCESS;
}

/* Reads the user's authorized_keys; NULL (logged) when there is none. */
static struct authkeys *
load_keys(const struct auth *a, const char *user)
{
	struct authkeys	*ak = NULL;
	char		 err[1024], q[LOG_TEXT_MAX];
	char		*path = NULL;

	path = str_expand_user(a->sc->authorized_keys_file, user, err,
	    sizeof(err));
	if (path == NULL) {
		log_error("event=authorized-keys-failed error=%s",
		    log_quote(q, sizeof(q), err));
		return NULL;
	}
	if (a->sc->strict_modes && strictmodes_check(path,
	    STRICTMODES_AUTHKEYS, err, sizeof(err)) != 0) {
		/* The user is one str_valid_user passed: no quoting needed. */
		log_error("event=authorized-keys-refused check=StrictModes "
		    "user=%s error=%s", user, log_quote(q, sizeof(q), err));
	} else if (authkeys_load(path, &ak, err, sizeof(err)) != 0) {
		log_error("event=authorized-keys-failed error=%s",
		    log_quote(q, sizeof(q), err));
		ak = NULL;
	}
	free(path);
	return ak;
}

int
auth_pubkey(struct auth *a, const char *user, ssh_key key, int state)
{
	struct authkeys			*ak = NULL;
	const struct authkeys_entry	*e = NULL;
	char				 q[LOG_VALUE_MAX];

	if (auth_exhausted(a)) {
		return SSH_AUTH_DENIED;
	}
	a->attempts++;
	if (a->succeeded || a->sc->authorized_keys_file == NULL) {
		return deny(a, user, "publickey", "not-offered");
	}
	if (state != SSH_PUBLICKEY_STATE_NONE &&
	    state != SSH_PUBLICKEY_STATE_VALID) {
		return deny(a, user, "publickey", "bad-signature");
	}
	if (!str_valid_user(user)) {
		return deny(a, user, "publickey", "bad-user-name");
	}
	ak = load_keys(a, user);
	e = ak != NULL ? authkeys_find(ak, key) : NULL;
	if (e == NULL) {
		authkeys_free(ak);
		return deny(a, user, "publickey", "key-not-authorized");
	}
	if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* "This key would do": not a login, not a failure. */
		log_debug("event=auth-probe user=%s from=%s method=publickey "
		    "result=ok", log_quote(q, sizeof(q), user), a->peer);
		authkeys_free(ak);
		return SSH_AUTH_SUCCESS;
	}
	authkeys_free(a->keys);
	a->keys = ak;
	a->entry = e;
	accept_user(a, user, "publickey");
	return SSH_AUTH_SUCCESS;
}

void
auth_other(struct auth *a, const char *user, const char *method)
{
	char	q[LOG_VALUE_MAX];

	if (auth_exhausted(a)) {
		return;
	}
	if (strcmp(method, "none") == 0) {
		/*
		 * Clients ask "none" first to learn the methods (RFC 4252
		 * §5.2): never accepted, not counted, logged only in detail.
		 */
		log_verbose("event=auth user=%s from=%s method=none "
		    "result=asked", log_quote(q, sizeof(q), user), a->peer);
		return;
	}
	a->attempts++;
	deny(a, user, method, "method-not-offered");
}

bool
auth_succeeded(const struct auth *a)
{
	return a->succeeded;
}

unsigned
auth_attempts(const struct auth *a)
{
	return a->attempts;
}

unsigned
auth_failures(const struct auth *a)
{
	return a->failures;
}

bool
auth_exhausted(const struct auth *a)
{
	return !a->succeeded && a->failures >= a->sc->max_auth_tries;
}

const char *
auth_user(const struct auth *a)
{
	return a->user;
}

bool
auth_permits(const struct auth *a, const char *host, unsigned port)
{
	if (!a->succeeded) {
		return false;
	}
	return a->entry == NULL || authkeys_entry_permits(a->entry, host,
	    port);
}
