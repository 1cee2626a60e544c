/*
 * keytool: admin sub-commands. Fingerprints are printed exactly as
 * `ssh-keygen -lf KEY.pub` prints them, so the line an admin publishes is
 * the line a user sees from any OpenSSH tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "popgate/fingerprint.h"
#include "popgate/keytool.h"
#include "popgate/pwfile.h"
#include "popgate/servconf.h"
#include "popgate/str.h"
#include "popgate/term.h"
#include "popgate/xmem.h"

#define KEYTOOL_PASS_MAX	1024

ssh_key
keytool_load_hostkey(const char *path, char *err, size_t errlen)
{
	ssh_key	key = NULL;

	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s (create it with: popgated keygen)",
		    path, strerror(errno));
		return NULL;
	}
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) !=
	    SSH_OK) {
		snprintf(err, errlen, "%s: not a private key popgated can use "
		    "(unencrypted OpenSSH or PEM format expected)", path);
		return NULL;
	}
	return key;
}

static int
write_pub(const ssh_key key, const char *path)
{
	char	*b64 = NULL, *pub = NULL, host[256];
	FILE	*fp = NULL;
	int	 rc = -1;

	if (gethostname(host, sizeof(host)) != 0) {
		snprintf(host, sizeof(host), "localhost");
	}
	host[sizeof(host) - 1] = '\0';
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		return -1;
	}
	pub = xasprintf("%s.pub", path);
	fp = fopen(pub, "we");
	if (fp != NULL) {
		fprintf(fp, "%s %s popgated@%s\n",
		    ssh_key_type_to_char(ssh_key_type(key)), b64, host);
		rc = fclose(fp) == 0 && chmod(pub, 0644) == 0 ? 0 : -1;
	}
	free(pub);
	ssh_string_free_char(b64);
	return rc;
}

static int
generate(const char *path)
{
	ssh_key	key = NULL;
	mode_t	old;
	int	rc = -1;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		fprintf(stderr, "popgated: %s: cannot generate a key\n", path);
		return -1;
	}
	old = umask(077);
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path) !=
	    SSH_OK || chmod(path, 0600) != 0) {
		fprintf(stderr, "popgated: %s: cannot write: %s\n", path,
		    strerror(errno));
	} else if (write_pub(key, path) != 0) {
		fprintf(stderr, "popgated: %s.pub: cannot write: %s\n", path,
		    strerror(errno));
	} else {
		printf("generated %s\n", path);
		rc = 0;
	}
	umask(old);
	ssh_key_free(key);
	return rc;
}

int
keytool_keygen(const struct servconf *sc)
{
	size_t	i;
	int	status = 0;

	for (i = 0; i < sc->nhost_keys; i++) {
		if (access(sc->host_keys[i], F_OK) == 0) {
			printf("exists %s\n", sc->host_keys[i]);
			continue;
		}
		if (generate(sc->host_keys[i]) != 0) {
			status = 1;
		}
	}
	return status;
}

/* The comment of a .pub file (third field), or NULL. */
static char *
pub_comment(const char *pubpath)
{
	char	 line[16384], *cur = line, *word = NULL;
	FILE	*fp = NULL;
	int	 i;

	fp = fopen(pubpath, "re");
	if (fp == NULL || fgets(line, sizeof(line), fp) == NULL) {
		if (fp != NULL) {
			fclose(fp);
		}
		return NULL;
	}
	fclose(fp);
	str_trim(line);
	for (i = 0; i < 2; i++) {
		if (str_next_word(&cur) == NULL || cur == NULL) {
			return NULL;
		}
	}
	while (*cur == ' ' || *cur == '\t') {
		cur++;
	}
	word = cur;
	return *word != '\0' ? xstrdup(word) : NULL;
}

/*
 * The fingerprint comes from the private key the gateway really serves;
 * the .pub file only lends its comment, and only when it holds the same
 * key (a stale .pub must not get a wrong fingerprint published).
 */
static int
print_one(const char *path)
{
	char	 err[512], line[1024];
	char	*pubpath = xasprintf("%s.pub", path), *comment = NULL;
	ssh_key	 key = NULL, pub = NULL;
	int	 rc = -1;

	key = keytool_load_hostkey(path, err, sizeof(err));
	if (key == NULL) {
		fprintf(stderr, "popgated: %s\n", err);
		goto out;
	}
	if (ssh_pki_import_pubkey_file(pubpath, &pub) == SSH_OK) {
		if (ssh_key_cmp(key, pub, SSH_KEY_CMP_PUBLIC) == 0) {
			comment = pub_comment(pubpath);
		} else {
			fprintf(stderr, "popgated: warning: %s does not match "
			    "%s; ignoring it\n", pubpath, path);
		}
	}
	if (fingerprint_line(key, comment, line, sizeof(line)) == 0) {
		printf("%s\n", line);
		rc = 0;
	}
out:
	ssh_key_free(key);
	ssh_key_free(pub);
	free(comment);
	free(pubpath);
	return rc;
}

int
keytool_fingerprint(const struct servconf *sc)
{
	size_t	i;
	int	status = 0;

	for (i = 0; i < sc->nhost_keys; i++) {
		if (print_one(sc->host_keys[i]) != 0) {
			status = 1;
		}
	}
	return status;
}

/* One line from the terminal, as a new string. NULL on EOF or error. */
static char *
prompt(const char *text)
{
	char	 buf[KEYTOOL_PASS_MAX];
	char	*line = NULL;

	if (term_prompt(text, buf, sizeof(buf)) == 0) {
		line = xstrdup(buf);
	}
	explicit_bzero(buf, sizeof(buf));
	return line;
}

static char *
read_password(void)
{
	char	 buf[KEYTOOL_PASS_MAX];
	char	*a = NULL, *b = NULL;

	if (!isatty(STDIN_FILENO)) {
		if (fgets(buf, sizeof(buf), stdin) == NULL) {
			return NULL;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		a = xstrdup(buf);
		explicit_bzero(buf, sizeof(buf));
		return a;
	}
	a = prompt("New password: ");
	b = a != NULL ? prompt("Retype new password: ") : NULL;
	if (b == NULL || strcmp(a, b) != 0) {
		fprintf(stderr, "popgated: passwords do not match\n");
		xfree_secret(a);
		a = NULL;
	}
	xfree_secret(b);
	return a;
}

int
keytool_passwd(const struct servconf *sc, const char *user)
{
	char	 err[512];
	char	*pass = NULL;
	int	 rc;

	if (sc->password_file == NULL) {
		fprintf(stderr, "popgated: %s: PasswordFile is not set\n",
		    sc->path);
		return 1;
	}
	if (!str_valid_user(user)) {
		fprintf(stderr, "popgated: bad user name \"%.100s\" (allowed: "
		    "A-Z a-z 0-9 . _ -, 1 to 64, not starting with . or -)\n",
		    user);
		return 1;
	}
	pass = read_password();
	if (pass == NULL || *pass == '\0') {
		fprintf(stderr, "popgated: no password given\n");
		xfree_secret(pass);
		return 1;
	}
	rc = pwfile_set(sc->password_file, user, pass, err, sizeof(err));
	xfree_secret(pass);
	if (rc != 0) {
		fprintf(stderr, "popgated: %s\n", err);
		return 1;
	}
	printf("password set for %s in %s\n", user, sc->password_file);
	return 0;
}
