/*
 * usage: the text of popgate --help. It names every option of
 * optdef.c's table, the defaults opts.h gives and the exit codes main.c
 * picks; check_usage.c and the docs suite hold it to those.
 */
#include "popgate/opts.h"
#include "popgate/usage.h"

#define STRINGIFY(x)	#x
#define XSTRINGIFY(x)	STRINGIFY(x)

static const char text[] =
    "usage: popgate [options] [USER@]GATEWAY\n"
    "       popgate [options] [USER@]PROFILE\n"
    "\n"
    "Opens an SSH session to the popgated GATEWAY and forwards local POP3\n"
    "ports through it, like ssh -N -L. A PROFILE is a Host block of the\n"
    "profile file; options given here override its settings.\n"
    "\n"
    "  -p PORT               gateway SSH port (default 22)\n"
    "  -l USER               user name on the gateway (overrides USER@)\n"
    "  -L [BIND:]PORT:HOST:HOSTPORT\n"
    "                        listen on BIND:PORT and forward to HOST:HOSTPORT\n"
    "                        as seen from the gateway; BIND defaults to\n"
    "                        127.0.0.1, * means all IPv4 addresses, PORT 0\n"
    "                        picks a free port, IPv6 goes in [brackets];\n"
    "                        repeatable (default " OPTS_DEFAULT_FORWARD ")\n"
    "  -i FILE               private key file (default: agent, then ~/.ssh)\n"
    "  -W HOST:PORT          relay stdin/stdout to HOST:PORT, no listeners\n"
    "                        (not with -L or --check)\n"
    "  -v                    more logging; repeat (-vv) for more\n"
    "  -q                    quiet: errors only\n"
    "  --known-hosts FILE    known hosts file (default ~/.ssh/known_hosts)\n"
    "  --accept-new          trust and record a gateway key not yet known\n"
    "  --fingerprint SHA256:...\n"
    "                        trust the gateway key with this fingerprint, as\n"
    "                        ssh-keygen -l prints it (repeatable)\n"
    "  --password-file FILE  read the password from FILE\n"
    "  --keepalive SECS      keepalive interval, 0 = off (default "
    XSTRINGIFY(OPTS_DEFAULT_KEEPALIVE) ")\n"
    "  --persist             keep the session up: reconnect by itself when\n"
    "                        it drops, with a growing, jittered wait\n"
    "  -f, --background      go to the background after the ready lines,\n"
    "                        logging to syslog\n"
    "  --pid-file FILE       write the pid to FILE, removed on exit; refuse\n"
    "                        to start while it names a running popgate\n"
    "  -F FILE               profile file (default\n"
    "                        $XDG_CONFIG_HOME/popgate/config, else\n"
    "                        ~/.config/popgate/config)\n"
    "  --check               connect, authenticate, test the forwards, exit\n"
    "  --version             print the version and exit\n"
    "  --help                print this help and exit\n"
    "\n"
    "Long options also take --opt=value.\n"
    "\n"
    "Exit codes: 0 ok, 2 usage or config error, 3 host key verification\n"
    "failed, 4 authentication failed, 5 forward refused or backend\n"
    "unreachable, 6 network error.\n";

const char *
usage_text(void)
{
	return text;
}
