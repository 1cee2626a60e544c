#!/bin/sh
# deps.sh: makes sure the Debian packages popgate builds and tests with are
# installed, and as root that the system user popgated's sessions run as
# (User popgate) exists. Nothing missing: exits 0 without a word. Missing
# and root: installs them, keeping any dovecot or ssh service the install
# would start from running. Missing and not root: prints the apt-get line
# to run and exits 1 (not root, popgated runs as the invoking user and
# needs no account of its own).
set -u

PKGS="build-essential pkg-config libssh-dev libssl-dev libcrypt-dev check
libsystemd-dev systemd dovecot-pop3d dovecot-imapd openssh-client
openssh-server curl fetchmail python3 cppcheck valgrind procps mandoc haproxy
ssh-audit python3-paramiko clang libclang-rt-14-dev"

# The account popgated's sessions run as when it is started as root.
SESSION_USER=popgate

# System services a package may start through invoke-rc.d, and the pid
# files they write.
SERVICES="dovecot:/run/dovecot/master.pid ssh:/run/sshd.pid
haproxy:/run/haproxy.pid"

installed() {
	case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" in
	ii*) return 0 ;;
	*) return 1 ;;
	esac
}

# Is the system service behind pid file $1 running right now?
service_running() {
	[ -r "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	case "$pid" in
	'' | *[!0-9]*) return 1 ;;
	esac
	kill -0 "$pid" 2>/dev/null
}

if [ "$(id -u)" -eq 0 ] && ! getent passwd "$SESSION_USER" >/dev/null; then
	echo "deps.sh: adding the system user $SESSION_USER (popgated's User)"
	useradd --system --no-create-home --shell /usr/sbin/nologin \
	    "$SESSION_USER" || exit 1
fi

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: install them with:" >&2
	echo "sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing"

# Remember which services already ran: those are the admin's business.
already=""
for s in $SERVICES; do
	service_running "${s#*:}" && already="$already ${s%%:*}"
done

# Debian's policy hook: exit 101 tells invoke-rc.d not to start anything
# during this install. An existing hook is the admin's and stays as is.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" &&
	    own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DEBIAN_FRONTEND=noninteractive
apt-get update || exit 1
# shellcheck disable=SC2086 # one word per package
apt-get install -y --no-install-recommends $missing || exit 1

# Belt and braces: stop a service the install started anyway, through the
# service's own tooling, never by process name.
for s in $SERVICES; do
	name=${s%%:*}
	case " $already " in
	*" $name "*) continue ;;
	esac
	if service_running "${s#*:}"; then
		echo "deps.sh: stopping the $name service the install started"
		service "$name" stop || invoke-rc.d "$name" stop || true
	fi
done

still=""
for p in $missing; do
	installed "$p" || still="$still $p"
done
if [ -n "$still" ]; then
	echo "deps.sh: still missing after apt-get:$still" >&2
	exit 1
fi
exit 0
