/*
 * userauth: publickey first (it never reveals a secret to the gateway),
 * then password. Runs only after the host key was verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "popgate/log.h"
#include "popgate/term.h"
#include "popgate/userauth.h"
#include "popgate/xmem.h"

#define USERAUTH_PASS_MAX	1024
#define USERAUTH_TTY_TRIES	3

int
userauth_password_file(const char *path, char **out, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		 buf[USERAUTH_PASS_MAX];
	FILE		*fp = NULL;
	int		 rc = -1;

	*out = NULL;
	fp = fopen(path, "re");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) != 0 || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable or writable by others "
		    "(mode %03o); refusing it: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
	} else if (fgets(buf, sizeof(buf), fp) == NULL) {
		snprintf(err, errlen, "%s: empty", path);
	} else {
		buf[strcspn(buf, "\r\n")] = '\0';
		*out = xstrdup(buf);
		rc = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	fclose(fp);
	return rc;
}

/* The terminal may be asked (first connection only). */
static bool	may_prompt;

void
userauth_cache_clear(struct userauth_cache *c)
{
	ssh_key_free(c->key);
	c->key = NULL;
	xfree_secret(c->password);
	c->password = NULL;
}

/* libssh asks for a key's passphrase: the terminal, or nothing. */
static int
passphrase_cb(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *arg)
{
	(void)echo;
	(void)verify;
	(void)arg;
	if (!may_prompt) {
		return -1;
	}
	return term_prompt(prompt, buf, len) == 0 ? 0 : -1;
}

static int
by_key(ssh_session s, const struct opts *o, struct userauth_cache *cache)
{
	char	q[LOG_TEXT_MAX];

	if (o->identity == NULL) {
		/* The agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
		return ssh_userauth_publickey_auto(s, NULL, NULL);
	}
	if (cache->key == NULL && ssh_pki_import_privkey_file(o->identity,
	    NULL, passphrase_cb, NULL, &cache->key) != SSH_OK) {
		cache->key = NULL;
		log_error("event=key-unreadable file=%s hint=\"wrong "
		    "passphrase, no terminal to ask for one, or not a key\"",
		    log_quote(q, sizeof(q), o->identity));
		return SSH_AUTH_DENIED;
	}
	return ssh_userauth_publickey(s, NULL, cache->key);
}

static int
by_password_file(ssh_session s, const struct opts *o)
{
	char	 err[512], q[LOG_TEXT_MAX];
	char	*pass = NULL;
	int	 rc;

	if (userauth_password_file(o->password_file, &pass, err,
	    sizeof(err)) != 0) {
		log_error("event=password-file-failed error=%s",
		    log_quote(q, sizeof(q), err));
		return USERAUTH_CONFIG;
	}
	rc = ssh_userauth_password(s, NULL, pass);
	xfree_secret(pass);
	return rc;
}

static int
by_terminal(ssh_session s, const struct opts *o,
    struct userauth_cache *cache)
{
	char	 buf[USERAUTH_PASS_MAX], *text = NULL;
	int	 i, rc = SSH_AUTH_DENIED;

	if (cache->password != NULL) {
		return ssh_userauth_password(s, NULL, cache->password);
	}
	if (!may_prompt || !term_available()) {
		return SSH_AUTH_DENIED;
	}
	text = xasprintf("%s@%s's password: ", o->user[0] != '\0' ? o->user :
	    "you", o->gateway);
	for (i = 0; i < USERAUTH_TTY_TRIES && rc == SSH_AUTH_DENIED; i++) {
		if (term_prompt(text, buf, sizeof(buf)) != 0) {
			break;
		}
		rc = ssh_userauth_password(s, NULL, buf);
		if (rc == SSH_AUTH_SUCCESS) {
			cache->password = xstrdup(buf);
		}
		explicit_bzero(buf, sizeof(buf));
	}
	free(text);
	return rc;
}

static int
result(int rc)
{
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		return USERAUTH_OK;
	case SSH_AUTH_DENIED:
	case SSH_AUTH_PARTIAL:
		return USERAUTH_DENIED;
	case USERAUTH_CONFIG:
		return USERAUTH_CONFIG;
	default:
		return USERAUTH_ERROR;
	}
}

int
userauth_run(ssh_session s, const struct opts *o,
    struct userauth_cache *cache, bool interactive)
{
	/* libssh keeps the pointer: it must outlive this call. */
	static struct ssh_callbacks_struct	cb;
	int					methods, rc;
	char					q[LOG_VALUE_MAX];

	may_prompt = interactive;
	memset(&cb, 0, sizeof(cb));
	cb.auth_function = passphrase_cb;
	ssh_callbacks_init(&cb);
	ssh_set_callbacks(s, &cb);
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_ERROR) {
		return result(rc);
	}
	methods = ssh_userauth_list(s, NULL);
	rc = SSH_AUTH_DENIED;
	if ((methods & SSH_AUTH_METHOD_PUBLICKEY) &&
	    (o->password_file == NULL || o->identity != NULL)) {
		rc = by_key(s, o, cache);
	}
	if (rc == SSH_AUTH_DENIED && (methods & SSH_AUTH_METHOD_PASSWORD)) {
		if (o->password_file != NULL) {
			rc = by_password_file(s, o);
		} else {
			rc = by_terminal(s, o, cache);
		}
	}
	if (result(rc) == USERAUTH_DENIED) {
		log_error("event=auth-failed gateway=%s offers=%s%s%s",
		    log_quote(q, sizeof(q), o->gateway),
		    methods & SSH_AUTH_METHOD_PUBLICKEY ? "publickey" : "",
		    (methods & SSH_AUTH_METHOD_PUBLICKEY) &&
		    (methods & SSH_AUTH_METHOD_PASSWORD) ? "," : "",
		    methods & SSH_AUTH_METHOD_PASSWORD ? "password" : "");
	}
	return result(rc);
}
