/*
 * popgated: an SSH server that lets authenticated users forward to the
 * configured mail backends, and nothing else.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/control.h"
#include "popgate/gwconf.h"
#include "popgate/keytool.h"
#include "popgate/listener.h"
#include "popgate/log.h"
#include "popgate/servconf.h"
#include "popgate/strictmodes.h"
#include "popgate/xmem.h"

#define MAIN_MAX_OPTS	64
#define MAIN_STATUS_MS	10000	/* popgated status waits this long */

enum mode {
	MODE_SERVE,
	MODE_TEST,
	MODE_PRINT,
	MODE_KEYGEN,
	MODE_FINGERPRINT,
	MODE_PASSWD,
	MODE_STATUS
};

struct args {
	enum mode	 mode;
	const char	*path;
	char		*opts[MAIN_MAX_OPTS];
	size_t		 nopts;
	int		 debug;
	const char	*user;		/* passwd */
	bool		 json;		/* status --json */
};

static void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: popgated [-dtT] [-f FILE] [-o Keyword=value]...\n"
	    "       popgated keygen [-f FILE]\n"
	    "       popgated fingerprint [-f FILE]\n"
	    "       popgated passwd [-f FILE] USER\n"
	    "       popgated status [-f FILE] [--json]\n"
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
	if (strcmp(word, "status") == 0) {
		return MODE_STATUS;
	}
	fprintf(stderr, "popgated: unknown command \"%.100s\"\n", word);
	usage(2);
	return MODE_SERVE;
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	a->path = SERVCONF_DEFAULT_PATH;
	if (argc > 1 && argv[1][0] != '-') {
		a->mode = subcommand(argv[1]);
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "df:ho:tTV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'j':
			if (a->mode != MODE_STATUS) {
				usage(2);
			}
			a->json = true;
			break;
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

static void
set_level(const struct servconf *sc, int debug)
{
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
}

/* Host keys and passwords too: -t checks them, serving needs them. */
static struct gwconf *
adopt(struct servconf *sc)
{
	struct gwconf	*g = NULL;
	const char	*what = NULL;
	char		 err[1024], q[LOG_TEXT_MAX];

	g = gwconf_adopt(sc, &what, err, sizeof(err));
	if (g == NULL) {
		fatal("event=%s error=%s", what, log_quote(q, sizeof(q), err));
	}
	return g;
}

static int
serve(struct servconf *sc, const struct args *a)
{
	struct listener_opts	 o;
	struct gwconf		*g = NULL;

	set_level(sc, a->debug);
	log_route_libssh();
	signal(SIGPIPE, SIG_IGN);
	g = adopt(sc);
	memset(&o, 0, sizeof(o));
	o.path = a->path;
	o.opts = a->opts;
	o.nopts = a->nopts;
	o.fixed_level = a->debug > 0;
	log_info("event=starting version=%s libssh=%s", POPGATE_VERSION,
	    ssh_version(0));
	return listener_run(g, &o);
}

static int
check_keys(struct servconf *sc)
{
	gwconf_free(adopt(sc));
	return 0;
}

/* popgated status: 0 with the answer on stdout, 1 when none came. */
static int
ask_status(const struct servconf *sc, bool json)
{
	char	err[1024];

	if (sc->control_socket == NULL) {
		fprintf(stderr, "popgated: %s sets \"ControlSocket none\": "
		    "no status to ask for\n", sc->path);
		return 1;
	}
	if (control_ask(sc->control_socket, json ? "status json" : "status",
	    MAIN_STATUS_MS, stdout, err, sizeof(err)) == 0) {
		return 0;
	}
	if (errno == ENOENT || errno == ECONNREFUSED) {
		fprintf(stderr, "popgated: not running (nothing answers on "
		    "%s)\n", sc->control_socket);
	} else if (errno == EACCES) {
		fprintf(stderr, "popgated: %s (root or the gateway's user "
		    "only)\n", err);
	} else {
		fprintf(stderr, "popgated: %s\n", err);
	}
	return 1;
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
	if (a.mode == MODE_STATUS) {
		log_show_pid(false);
	}
	if (servconf_load(&sc, a.path, a.opts, a.nopts, resolve, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ssh_init();
	/* Files of whoever started popgated are as trusted as root's. */
	strictmodes_trust(getuid());
	switch (a.mode) {
	case MODE_SERVE:
		status = serve(&sc, &a);
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
	case MODE_STATUS:
		status = ask_status(&sc, a.json);
		break;
	}
	servconf_free(&sc);
	ssh_finalize();
	return status;
}
