/*
 * popgated: an SSH server that lets authenticated users forward to the
 * configured mail backends, and nothing else.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/backtls.h"
#include "popgate/fingerprint.h"
#include "popgate/keytool.h"
#include "popgate/listener.h"
#include "popgate/log.h"
#include "popgate/mailmap.h"
#include "popgate/privsep.h"
#include "popgate/pwfile.h"
#include "popgate/servconf.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

#define MAIN_MAX_OPTS	64
#define MAIN_RSA_MIN	2048u	/* bits; ssh-audit fails anything less */
#define MAIN_BANNER	"popgated_" POPGATE_VERSION

enum mode {
	MODE_SERVE,
	MODE_TEST,
	MODE_PRINT,
	MODE_KEYGEN,
	MODE_FINGERPRINT,
	MODE_PASSWD
};

struct args {
	enum mode	 mode;
	const char	*path;
	char		*opts[MAIN_MAX_OPTS];
	size_t		 nopts;
	int		 debug;
	const char	*user;		/* passwd */
};

static void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: popgated [-dtT] [-f FILE] [-o Keyword=value]...\n"
	    "       popgated keygen [-f FILE]\n"
	    "       popgated fingerprint [-f FILE]\n"
	    "       popgated passwd [-f FILE] USER\n"
	    "       popgated -V\n"
	    "default FILE: %s\n", SERVCONF_DEFAULT_PATH);
	exit(status);
}

static enum mode
subcommand(const char *word)
{
	if (strcmp(word, "keygen") == 0) {
		return MODE_KEYGEN;
	}
	if (strcmp(word, "fingerprint") == 0) {
		return MODE_FINGERPRINT;
	}
	if (strcmp(word, "passwd") == 0) {
		return MODE_PASSWD;
	}
	fprintf(stderr, "popgated: unknown command \"%.100s\"\n", word);
	usage(2);
	return MODE_SERVE;
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	int	ch;

	a->path = SERVCONF_DEFAULT_PATH;
	if (argc > 1 && argv[1][0] != '-') {
		a->mode = subcommand(argv[1]);
		argv++;
		argc--;
	}
	while ((ch = getopt(argc, argv, "df:ho:tTV")) != -1) {
		switch (ch) {
		case 'd':
			a->debug++;
			break;
		case 'f':
			a->path = optarg;
			break;
		case 'o':
			if (a->nopts == MAIN_MAX_OPTS) {
				fprintf(stderr, "popgated: too many -o\n");
				exit(2);
			}
			a->opts[a->nopts++] = optarg;
			break;
		case 't':
			a->mode = a->mode == MODE_SERVE ? MODE_TEST : a->mode;
			break;
		case 'T':
			a->mode = a->mode == MODE_SERVE ? MODE_PRINT : a->mode;
			break;
		case 'V':
			printf("popgated %s (%s)\n", POPGATE_VERSION,
			    ssh_version(0));
			exit(0);
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (a->mode == MODE_PASSWD) {
		if (optind != argc - 1) {
			usage(2);
		}
		a->user = argv[optind];
	} else if (optind != argc) {
		usage(2);
	}
}

/* Who the sessions run as; fatal when User is missing (as root). */
static void
init_privsep(const struct servconf *sc)
{
	char	err[512], q[LOG_TEXT_MAX];

	/* Files of whoever started popgated are as trusted as root's. */
	strictmodes_trust(getuid());
	if (privsep_init(sc->user, err, sizeof(err)) != 0) {
		fatal("event=user-failed error=%s", log_quote(q, sizeof(q),
		    err));
	}
}

/* The configured algorithm lists (checked by servconf) on the bind. */
static void
set_algorithms(ssh_bind bind, const struct servconf *sc)
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
	char	q[LOG_TEXT_MAX];
	size_t	i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (ssh_bind_options_set(bind, set[i].opt, set[i].list) !=
		    SSH_OK) {
			fatal("event=algorithms-refused list=%s error=%s",
			    set[i].list, log_quote(q, sizeof(q),
			    ssh_get_error(bind)));
		}
	}
}

/* One HostKey, checked (StrictModes, RSA size); fatal when unusable. */
static ssh_key
load_hostkey(const struct servconf *sc, const char *path)
{
	ssh_key	key = NULL;
	char	err[1024], q[LOG_TEXT_MAX];

	if (sc->strict_modes && strictmodes_check(path, STRICTMODES_HOSTKEY,
	    err, sizeof(err)) != 0) {
		fatal("event=hostkey-refused check=StrictModes error=%s",
		    log_quote(q, sizeof(q), err));
	}
	key = keytool_load_hostkey(path, err, sizeof(err));
	if (key == NULL) {
		fatal("event=hostkey-failed error=%s", log_quote(q, sizeof(q),
		    err));
	}
	if (ssh_key_type(key) == SSH_KEYTYPE_RSA &&
	    fingerprint_bits(key) < MAIN_RSA_MIN) {
		snprintf(err, sizeof(err), "%s: RSA host key of %u bits is too "
		    "weak (at least %u); replace it, e.g. with an ed25519 key "
		    "from popgated keygen", path, fingerprint_bits(key),
		    MAIN_RSA_MIN);
		ssh_key_free(key);
		fatal("event=hostkey-refused check=size error=%s",
		    log_quote(q, sizeof(q), err));
	}
	return key;
}

/* Loads every HostKey into a new bind; fatal on the first that fails. */
static ssh_bind
make_bind(const struct servconf *sc)
{
	ssh_bind	bind = ssh_bind_new();
	ssh_key		key = NULL;
	char		q[LOG_TEXT_MAX], qf[LOG_TEXT_MAX];
	bool		no = false;
	size_t		i;

	if (bind == NULL) {
		fatal("event=out-of-memory");
	}
	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	/* Not libssh's version: scanners match CVEs on that string. */
	if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BANNER,
	    MAIN_BANNER) != SSH_OK) {
		fatal("event=banner-refused error=%s", log_quote(q,
		    sizeof(q), ssh_get_error(bind)));
	}
	set_algorithms(bind, sc);
	for (i = 0; i < sc->nhost_keys; i++) {
		key = load_hostkey(sc, sc->host_keys[i]);
		/* The bind owns the key from here. */
		if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY,
		    key) != SSH_OK) {
			fatal("event=hostkey-failed file=%s error=%s",
			    log_quote(qf, sizeof(qf), sc->host_keys[i]),
			    log_quote(q, sizeof(q), ssh_get_error(bind)));
		}
	}
	return bind;
}

static struct pwfile *
load_passwords(const struct servconf *sc)
{
	struct pwfile	*pw = NULL;
	char		 err[1024], q[LOG_TEXT_MAX];

	if (sc->password_file == NULL) {
		return NULL;
	}
	if (sc->strict_modes && strictmodes_check(sc->password_file,
	    STRICTMODES_PASSWORDS, err, sizeof(err)) != 0) {
		fatal("event=passwords-refused check=StrictModes error=%s",
		    log_quote(q, sizeof(q), err));
	}
	if (pwfile_load(sc->password_file, &pw, err, sizeof(err)) != 0) {
		fatal("event=passwords-failed error=%s",
		    log_quote(q, sizeof(q), err));
	}
	return pw;
}

/*
 * The hop behind the gateway, checked before serving: the TLS context
 * (BackendCAFile read now, before any fork) and the MailboxMap. Both
 * decide whom popgated trusts, so StrictModes covers them as it does
 * authorized_keys files.
 */
static void
load_hop(const struct servconf *sc)
{
	struct mailmap	*mm = NULL;
	char		 err[1024], q[LOG_TEXT_MAX];

	if (sc->backend_ca_file != NULL && sc->strict_modes &&
	    strictmodes_check(sc->backend_ca_file, STRICTMODES_AUTHKEYS, err,
	    sizeof(err)) != 0) {
		fatal("event=backend-ca-refused check=StrictModes error=%s",
		    log_quote(q, sizeof(q), err));
	}
	if ((backtls_needed(sc) || sc->backend_ca_file != NULL) &&
	    backtls_init(sc->backend_ca_file, err, sizeof(err)) != 0) {
		fatal("event=backend-ca-failed error=%s", log_quote(q,
		    sizeof(q), err));
	}
	if (sc->mailbox_map != NULL && sc->strict_modes &&
	    strictmodes_check(sc->mailbox_map, STRICTMODES_AUTHKEYS, err,
	    sizeof(err)) != 0) {
		fatal("event=mailbox-map-refused check=StrictModes error=%s",
		    log_quote(q, sizeof(q), err));
	}
	if (sc->mailbox_map != NULL) {
		if (mailmap_load(sc->mailbox_map, &mm, err, sizeof(err)) !=
		    0) {
			fatal("event=mailbox-map-failed error=%s",
			    log_quote(q, sizeof(q), err));
		}
		mailmap_free(mm);
	}
}

static int
serve(const struct servconf *sc, int debug)
{
	struct pwfile	*pw = NULL;
	ssh_bind	 bind = NULL;
	int		 status;

	if (debug > 0) {
		log_set_level(debug >= 3 ? LOG_LEVEL_DEBUG3 :
		    debug == 2 ? LOG_LEVEL_DEBUG2 : LOG_LEVEL_DEBUG1);
	} else {
		log_set_level(sc->log_level);
	}
	/* -d always logs to stderr, as sshd's. */
	if (debug == 0 && sc->log_target == SERVCONF_LOG_SYSLOG) {
		log_use_syslog(sc->syslog_facility[0]);
		log_use_syslog_mail(sc->syslog_facility[1]);
	}
	log_route_libssh();
	signal(SIGPIPE, SIG_IGN);
	init_privsep(sc);
	bind = make_bind(sc);
	pw = load_passwords(sc);
	load_hop(sc);
	log_info("event=starting version=%s libssh=%s", POPGATE_VERSION,
	    ssh_version(0));
	status = listener_run(sc, pw, bind);
	ssh_bind_free(bind);
	backtls_fini();
	return status;
}

static int
check_keys(const struct servconf *sc)
{
	ssh_bind	bind = NULL;
	struct pwfile	*pw = NULL;

	init_privsep(sc);
	bind = make_bind(sc);
	pw = load_passwords(sc);

	load_hop(sc);
	backtls_fini();
	pwfile_free(pw);
	ssh_bind_free(bind);
	return 0;
}

int
main(int argc, char **argv)
{
	struct servconf	 sc;
	struct args	 a;
	char		 err[1024];
	int		 status = 0;
	bool		 resolve;

	memset(&a, 0, sizeof(a));
	log_init("popgated", LOG_LEVEL_INFO);
	parse_args(argc, argv, &a);
	resolve = a.mode == MODE_SERVE || a.mode == MODE_TEST ||
	    a.mode == MODE_PRINT;
	if (servconf_load(&sc, a.path, a.opts, a.nopts, resolve, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ssh_init();
	switch (a.mode) {
	case MODE_SERVE:
		status = serve(&sc, a.debug);
		break;
	case MODE_TEST:
		status = check_keys(&sc);
		break;
	case MODE_PRINT:
		servconf_print(&sc, stdout);
		break;
	case MODE_KEYGEN:
		status = keytool_keygen(&sc);
		break;
	case MODE_FINGERPRINT:
		status = keytool_fingerprint(&sc);
		break;
	case MODE_PASSWD:
		status = keytool_passwd(&sc, a.user);
		break;
	}
	servconf_free(&sc);
	ssh_finalize();
	return status;
}
