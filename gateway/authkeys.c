/*
 * authkeys: authorized_keys in sshd's format. The one rule that matters
 * for safety: a line whose options are not all understood is skipped,
 * never loaded without them, so an option meant to restrict a key can
 * never be silently dropped. The first matching line wins, as in sshd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "popgate/addr.h"
#include "popgate/authkeys.h"
#include "popgate/log.h"
#include "popgate/str.h"
#include "popgate/xmem.h"

#define WHY_MAX	256

struct permit {
	struct addr	 to;
	bool		 any_port;	/* permitopen="host:*" */
};

struct authkeys_entry {
	ssh_key		 key;
	struct permit	*permits;	/* none: every Forward allowed */
	size_t		 npermits;
};

struct authkeys {
	struct authkeys_entry	*v;
	size_t			 n;
};

/*
 * Options that change nothing for a gateway serving only forwards
 * ("restrict" only together with "port-forwarding": parse_options).
 */
static const char *const harmless_options[] = {
	"restrict", "no-pty", "no-agent-forwarding", "no-X11-forwarding",
	"no-user-rc", "port-forwarding"
};

struct authkeys *
authkeys_new(void)
{
	return xcalloc(1, sizeof(struct authkeys));
}

static void
entry_clear(struct authkeys_entry *e)
{
	ssh_key_free(e->key);
	e->key = NULL;
	free(e->permits);
	e->permits = NULL;
	e->npermits = 0;
}

void
authkeys_free(struct authkeys *ak)
{
	size_t	i;

	if (ak == NULL) {
		return;
	}
	for (i = 0; i < ak->n; i++) {
		entry_clear(&ak->v[i]);
	}
	free(ak->v);
	free(ak);
}

size_t
authkeys_count(const struct authkeys *ak)
{
	return ak->n;
}

/* End of the options field: first blank outside quotes; NULL if unclosed. */
static char *
options_end(char *p)
{
	bool	quoted = false;

	for (; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] == '"') {
			p++;
		} else if (*p == '"') {
			quoted = !quoted;
		} else if (!quoted && (*p == ' ' || *p == '\t')) {
			break;
		}
	}
	return quoted ? NULL : p;
}

/* Next comma-separated option (commas inside quotes do not count). */
static char *
next_option(char **cursor)
{
	char	*start = *cursor;
	char	*p = start;
	bool	 quoted = false;

	if (start == NULL) {
		return NULL;
	}
	for (; *p != '\0'; p++) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (*p == ',' && !quoted) {
			*p = '\0';
			*cursor = p + 1;
			return start;
		}
	}
	*cursor = NULL;
	return start;
}

/* permitopen="host:port" or "host:*", value still quoted. */
static int
add_permit(struct authkeys_entry *e, const char *value, char *why,
    size_t whylen)
{
	struct permit	 pm;
	char		 text[ADDR_STRLEN + 4];
	char		 reason[128];
	size_t		 n = strlen(value);

	memset(&pm, 0, sizeof(pm));
	if (n < 2 || value[0] != '"' || value[n - 1] != '"' ||
	    n - 2 >= sizeof(text) - 2) {
		snprintf(why, whylen, "permitopen needs a quoted "
		    "\"host:port\"");
		return -1;
	}
	memcpy(text, value + 1, n - 2);
	text[n - 2] = '\0';
	/* "host:*": check the host with a stand-in port, then allow any. */
	if (n - 2 >= 2 && strcmp(text + n - 4, ":*") == 0) {
		pm.any_port = true;
		text[n - 3] = '1';
	}
	if (addr_parse(text, 0, false, &pm.to, reason, sizeof(reason)) != 0) {
		snprintf(why, whylen, "bad permitopen %.64s: %s", value,
		    reason);
		return -1;
	}
	e->permits = xreallocarray(e->permits, e->npermits + 1,
	    sizeof(*e->permits));
	e->permits[e->npermits++] = pm;
	return 0;
}

static int
apply_option(struct authkeys_entry *e, char *opt, char *why, size_t whylen)
{
	char	*value = strchr(opt, '=');
	size_t	 i;

	if (value != NULL) {
		*value++ = '\0';
	}
	if (strcasecmp(opt, "permitopen") == 0 && value != NULL) {
		return add_permit(e, value, why, whylen);
	}
	for (i = 0; value == NULL && i < sizeof(harmless_options) /
	    sizeof(harmless_options[0]); i++) {
		if (strcasecmp(opt, harmless_options[i]) == 0) {
			return 0;
		}
	}
	snprintf(why, whylen, "unsupported option \"%.64s\"", opt);
	return -1;
}

static int
parse_options(struct authkeys_entry *e, char *opts, char *why, size_t whylen)
{
	char	*cursor = opts;
	char	*opt = NULL;
	bool	 restricted = false, forwarding = false;

	while ((opt = next_option(&cursor)) != NULL) {
		if (*opt == '\0') {
			snprintf(why, whylen, "empty option");
			return -1;
		}
		restricted = restricted || strcasecmp(opt, "restrict") == 0;
		forwarding = forwarding ||
		    strcasecmp(opt, "port-forwarding") == 0;
		if (apply_option(e, opt, why, whylen) != 0) {
			return -1;
		}
	}
	/* As sshd(8): restrict turns forwarding off unless given back. */
	if (restricted && !forwarding) {
		snprintf(why, whylen, "\"restrict\" without \"port-forwarding\" "
		    "allows no forwarding");
		return -1;
	}
	return 0;
}

/* The key type name and base64 blob into e->key. */
static int
import_key(struct authkeys_entry *e, const char *type, const char *b64,
    char *why, size_t whylen)
{
	enum ssh_keytypes_e	t = ssh_key_type_from_name(type);

	if (t == SSH_KEYTYPE_UNKNOWN) {
		snprintf(why, whylen, "unknown key type \"%.64s\"", type);
		return -1;
	}
	if (strstr(type, "-cert-") != NULL) {
		snprintf(why, whylen, "certificates are not supported");
		return -1;
	}
	if (b64 == NULL) {
		snprintf(why, whylen, "missing key after \"%.64s\"", type);
		return -1;
	}
	if (ssh_pki_import_pubkey_base64(b64, t, &e->key) != SSH_OK) {
		e->key = NULL;
		snprintf(why, whylen, "bad %.64s key data", type);
		return -1;
	}
	return 0;
}

/*
 * One trimmed, non-comment line into e: "[options] type base64 [comment]".
 * 0, or -1 with the reason the line is skipped in why.
 */
static int
parse_line(struct authkeys_entry *e, char *s, char *why, size_t whylen)
{
	char	*end = options_end(s);
	char	*rest = NULL;
	char	*type = NULL;

	if (end == NULL) {
		snprintf(why, whylen, "unclosed quote in options");
		return -1;
	}
	rest = *end != '\0' ? end + 1 : end;
	*end = '\0';
	if (ssh_key_type_from_name(s) != SSH_KEYTYPE_UNKNOWN) {
		return import_key(e, s, str_next_word(&rest), why, whylen);
	}
	type = str_next_word(&rest);
	if (type == NULL || ssh_key_type_from_name(type) ==
	    SSH_KEYTYPE_UNKNOWN) {
		snprintf(why, whylen, "unknown key type \"%.64s\"", s);
		return -1;
	}
	if (parse_options(e, s, why, whylen) != 0) {
		return -1;
	}
	return import_key(e, type, str_next_word(&rest), why, whylen);
}

/* Adds the line if usable; warns and drops it otherwise. */
static void
read_line(struct authkeys *ak, char *line, size_t len, const char *name,
    unsigned lineno)
{
	struct authkeys_entry	 e;
	char			 why[WHY_MAX];
	char			 qf[LOG_TEXT_MAX], qw[LOG_TEXT_MAX];
	char			*s = NULL;

	memset(&e, 0, sizeof(e));
	if (strlen(line) != len) {
		log_warn("event=authorized-keys-line-skipped file=%s line=%u "
		    "reason=nul-byte", log_quote(qf, sizeof(qf), name), lineno);
		return;
	}
	s = str_trim(line);
	if (*s == '\0' || *s == '#') {
		return;
	}
	if (parse_line(&e, s, why, sizeof(why)) != 0) {
		log_warn("event=authorized-keys-line-skipped file=%s line=%u "
		    "reason=%s", log_quote(qf, sizeof(qf), name), lineno,
		    log_quote(qw, sizeof(qw), why));
		entry_clear(&e);
		return;
	}
	ak->v = xreallocarray(ak->v, ak->n + 1, sizeof(*ak->v));
	ak->v[ak->n++] = e;
}

int
authkeys_read(struct authkeys *ak, FILE *fp, const char *name, char *err,
    size_t errlen)
{
	char		*line = NULL;
	size_t		 size = 0;
	ssize_t		 n;
	unsigned	 lineno = 0;
	int		 rc = -1;

	while ((n = getline(&line, &size, fp)) >= 0) {
		lineno++;
		read_line(ak, line, (size_t)n, name, lineno);
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name,
		    strerror(errno != 0 ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int
authkeys_load(const char *path, struct authkeys **out, char *err,
    size_t errlen)
{
	struct authkeys	*ak = NULL;
	FILE		*fp = NULL;
	int		 rc = -1;

	*out = NULL;
	ak = authkeys_new();
	fp = fopen(path, "re");
	if (fp == NULL && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fp != NULL && authkeys_read(ak, fp, path, err, errlen) != 0) {
		goto out;
	}
	*out = ak;
	ak = NULL;		/* the caller's now */
	rc = 0;
out:
	authkeys_free(ak);
	if (fp != NULL) {
		fclose(fp);
	}
	return rc;
}

const struct authkeys_entry *
authkeys_find(const struct authkeys *ak, const ssh_key key)
{
	size_t	i;

	for (i = 0; i < ak->n; i++) {
		if (ssh_key_cmp(ak->v[i].key, key, SSH_KEY_CMP_PUBLIC) == 0) {
			return &ak->v[i];
		}
	}
	return NULL;
}

bool
authkeys_entry_permits(const struct authkeys_entry *e, const char *host,
    unsigned port)
{
	size_t	i;

	if (e->npermits == 0) {
		return true;
	}
	for (i = 0; i < e->npermits; i++) {
		if (strcasecmp(e->permits[i].to.host, host) != 0) {
			continue;
		}
		if (e->permits[i].any_port || e->permits[i].to.port == port) {
			return true;
		}
	}
	return false;
}
