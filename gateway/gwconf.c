/*
 * gwconf: the host keys go into the bind through libssh's own key import,
 * so the bind owns them; the algorithm lists were checked by servconf and
 * libssh gets the last word (it may lack one at run time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/backtls.h"
#include "popgate/fingerprint.h"
#include "popgate/gwconf.h"
#include "popgate/keytool.h"
#include "popgate/mailmap.h"
#include "popgate/privsep.h"
#include "popgate/pwfile.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

#define GWCONF_RSA_MIN	2048u	/* bits; ssh-audit fails anything less */
#define GWCONF_BANNER	"popgated_" POPGATE_VERSION

static int
set_algorithms(ssh_bind bind, const struct servconf *sc, char *err,
    size_t errlen)
{
	const struct {
		enum ssh_bind_options_e	 opt;
		const char		*list;
	} set[] = {
		{ SSH_BIND_OPTIONS_KEY_EXCHANGE, sc->kex_algorithms },
		{ SSH_BIND_OPTIONS_CIPHERS_C_S, sc->ciphers },
		{ SSH_BIND_OPTIONS_CIPHERS_S_C, sc->ciphers },
		{ SSH_BIND_OPTIONS_HMAC_C_S, sc->macs },
		{ SSH_BIND_OPTIONS_HMAC_S_C, sc->macs },
		{ SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, sc->hostkey_algorithms },
	};
	size_t	i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (ssh_bind_options_set(bind, set[i].opt, set[i].list) !=
		    SSH_OK) {
			snprintf(err, errlen, "%s: libssh refuses \"%s\": %s",
			    sc->path, set[i].list, ssh_get_error(bind));
			return -1;
		}
	}
	return 0;
}

/* One HostKey, checked (StrictModes, RSA size); NULL with what and err. */
static ssh_key
load_hostkey(const struct servconf *sc, const char *path, const char **what,
    char *err, size_t errlen)
{
	ssh_key	key = NULL;

	*what = "hostkey-refused check=StrictModes";
	if (sc->strict_modes && strictmodes_check(path, STRICTMODES_HOSTKEY,
	    err, errlen) != 0) {
		return NULL;
	}
	*what = "hostkey-failed";
	key = keytool_load_hostkey(path, err, errlen);
	if (key == NULL) {
		return NULL;
	}
	if (ssh_key_type(key) == SSH_KEYTYPE_RSA &&
	    fingerprint_bits(key) < GWCONF_RSA_MIN) {
		*what = "hostkey-refused check=size";
		snprintf(err, errlen, "%s: RSA host key of %u bits is too "
		    "weak (at least %u); replace it, e.g. with an ed25519 key "
		    "from popgated keygen", path, fingerprint_bits(key),
		    GWCONF_RSA_MIN);
		ssh_key_free(key);
		return NULL;
	}
	return key;
}

/* A new bind with every HostKey; NULL with what and err. */
static ssh_bind
make_bind(const struct servconf *sc, const char **what, char *err,
    size_t errlen)
{
	ssh_bind	bind = ssh_bind_new();
	ssh_key		key = NULL;
	bool		no = false;
	size_t		i;

	if (bind == NULL) {
		*what = "out-of-memory";
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	/* Not libssh's version: scanners match CVEs on that string. */
	*what = "banner-refused";
	if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BANNER,
	    GWCONF_BANNER) != SSH_OK) {
		snprintf(err, errlen, "%s", ssh_get_error(bind));
		ssh_bind_free(bind);
		return NULL;
	}
	*what = "algorithms-refused";
	if (set_algorithms(bind, sc, err, errlen) != 0) {
		ssh_bind_free(bind);
		return NULL;
	}
	for (i = 0; i < sc->nhost_keys; i++) {
		key = load_hostkey(sc, sc->host_keys[i], what, err, errlen);
		if (key == NULL) {
			ssh_bind_free(bind);
			return NULL;
		}
		/* The bind owns the key from here. */
		if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY,
		    key) != SSH_OK) {
			*what = "hostkey-failed";
			snprintf(err, errlen, "%s: %s", sc->host_keys[i],
			    ssh_get_error(bind));
			ssh_bind_free(bind);
			return NULL;
		}
	}
	return bind;
}

/*
 * The hop behind the gateway (README): the MailboxMap and BackendCAFile,
 * held to StrictModes as authorized_keys files are, and the TLS context,
 * made from the CA file now, before any session is forked. Last in
 * gwconf_adopt, so the running context is only replaced when the whole
 * generation is.
 */
static int
load_hop(const struct servconf *sc, const char **what, char *err,
    size_t errlen)
{
	struct mailmap	*mm = NULL;

	*what = "mailbox-map-refused check=StrictModes";
	if (sc->mailbox_map != NULL && sc->strict_modes &&
	    strictmodes_check(sc->mailbox_map, STRICTMODES_AUTHKEYS, err,
	    errlen) != 0) {
		return -1;
	}
	*what = "mailbox-map-failed";
	if (sc->mailbox_map != NULL) {
		if (mailmap_load(sc->mailbox_map, &mm, err, errlen) != 0) {
			return -1;
		}
		mailmap_free(mm);
	}
	*what = "backend-ca-refused check=StrictModes";
	if (sc->backend_ca_file != NULL && sc->strict_modes &&
	    strictmodes_check(sc->backend_ca_file, STRICTMODES_AUTHKEYS, err,
	    errlen) != 0) {
		return -1;
	}
	*what = "backend-ca-failed";
	if ((backtls_needed(sc) || sc->backend_ca_file != NULL) &&
	    backtls_init(sc->backend_ca_file, err, errlen) != 0) {
		return -1;
	}
	return 0;
}

struct gwconf *
gwconf_adopt(struct servconf *sc, const char **what, char *err,
    size_t errlen)
{
	struct gwconf	*g = xcalloc(1, sizeof(*g));

	g->sc = *sc;
	memset(sc, 0, sizeof(*sc));
	*what = "user-failed";
	if (privsep_init(g->sc.user, err, errlen) != 0) {
		gwconf_free(g);
		return NULL;
	}
	g->bind = make_bind(&g->sc, what, err, errlen);
	if (g->bind == NULL) {
		gwconf_free(g);
		return NULL;
	}
	if (g->sc.password_file != NULL) {
		/* The file as read, so a later change is noticed. */
		stat(g->sc.password_file, &g->pw_stat);
		*what = "passwords-refused check=StrictModes";
		if (g->sc.strict_modes && strictmodes_check(
		    g->sc.password_file, STRICTMODES_PASSWORDS, err,
		    errlen) != 0) {
			gwconf_free(g);
			return NULL;
		}
		*what = "passwords-failed";
		if (pwfile_load(g->sc.password_file, &g->pw, err,
		    errlen) != 0) {
			gwconf_free(g);
			return NULL;
		}
	}
	if (load_hop(&g->sc, what, err, errlen) != 0) {
		gwconf_free(g);
		return NULL;
	}
	return g;
}

struct gwconf *
gwconf_load(const char *path, char *const *opts, size_t nopts,
    const char **what, char *err, size_t errlen)
{
	struct servconf	sc;

	*what = "config-failed";
	if (servconf_load(&sc, path, opts, nopts, true, err, errlen) != 0) {
		return NULL;
	}
	return gwconf_adopt(&sc, what, err, errlen);
}

void
gwconf_free(struct gwconf *g)
{
	if (g == NULL) {
		return;
	}
	pwfile_free(g->pw);
	if (g->bind != NULL) {
		ssh_bind_free(g->bind);
	}
	servconf_free(&g->sc);
	free(g);
}

int
gwconf_refresh_passwords(struct gwconf *g, char *err, size_t errlen)
{
	struct pwfile	*pw = NULL;
	struct stat	 st;

	if (g->sc.password_file == NULL ||
	    stat(g->sc.password_file, &st) != 0 ||
	    (st.st_mtim.tv_sec == g->pw_stat.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == g->pw_stat.st_mtim.tv_nsec &&
	    st.st_ino == g->pw_stat.st_ino &&
	    st.st_size == g->pw_stat.st_size)) {
		return 0;
	}
	/* Tried once per change: a broken file is not re-read each time. */
	g->pw_stat = st;
	if ((g->sc.strict_modes && strictmodes_check(g->sc.password_file,
	    STRICTMODES_PASSWORDS, err, errlen) != 0) ||
	    pwfile_load(g->sc.password_file, &pw, err, errlen) != 0) {
		return -1;
	}
	pwfile_free(g->pw);
	g->pw = pw;
	return 1;
}
