#!/bin/sh
# demo.sh: the whole popgate chain on loopback, run by `make demo`.
#
#   mail client --POP3--> ssh -N -L --SSH--> popgated --POP3--> Dovecot
#
# Everything lives in a temporary folder: host and user keys (popgated
# keygen, ssh-keygen), a Maildir with three messages, the configs. Dovecot
# and popgated listen on free 127.0.0.1 ports; ssh opens the tunnel; a real
# POP3 client (Python's poplib) fetches the mail through it.
# DEMO_ONCE=1: exit 0 after the fetch. Otherwise: wait for Ctrl-C, so a mail
# client of your own can use the tunnel too. Every process started here is
# stopped by its pid on the way out, and the folder removed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
POPGATE_BIN=${POPGATE_BIN:-$here/../bin}
popgated=$POPGATE_BIN/popgated
fetch=$here/pop3fetch.py
pids=""
work=""

say() {
	printf '%s\n' "$*"
}

die() {
	say "demo: $*" >&2
	exit 1
}

# Stops what we started, newest first: SIGTERM, up to 5 s, then SIGKILL.
cleanup() {
	for pid in $pids; do
		kill -TERM "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	pids=""
	[ -n "$work" ] && rm -rf "$work"
	work=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started() {
	pids="$1 $pids"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); \
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_log FILE TEXT PID: polls FILE for TEXT while PID lives, 30 s at most.
wait_log() {
	i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || return 1
		[ $i -lt 300 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# message N SUBJECT BODY: one CRLF message delivered into the Maildir.
message() {
	f=$work/Maildir/tmp/$((1700000000 + $1)).M$1P$$.demo
	{
		printf 'From: popgate demo <demo@popgate.invalid>\r\n'
		printf 'To: you@popgate.invalid\r\n'
		printf 'Subject: %s\r\n' "$2"
		printf 'Date: Tue, 14 Nov 2023 22:13:0%s +0000\r\n' "$1"
		printf '\r\n%s\r\n' "$3"
	} >"$f"
	mv "$f" "$work/Maildir/new/"
}

make_maildir() {
	mkdir -p "$work/Maildir/cur" "$work/Maildir/new" "$work/Maildir/tmp" \
	    "$work/home"
	message 1 "Welcome to popgate" \
	    "Hello! This came from Dovecot, via popgated, via an SSH tunnel."
	message 2 "Your tunnel works" \
	    "Your client spoke POP3 to ssh on 127.0.0.1; only SSH crossed over."
	message 3 "One more thing" \
	    "popgated refuses shells, commands and every forward but pop3:110."
	printf 'demo:{PLAIN}demo\n' >"$work/dovecot.passwd"
}

# Root runs Dovecot with "nobody" as the mail user (never uid 0); anyone
# else runs all of it as themselves.
dovecot_users() {
	if [ "$(id -u)" -eq 0 ]; then
		mail_uid=$(id -u nobody)
		mail_gid=$(id -g nobody)
		internal=dovecot
		group=dovecot
		login=dovenull
		unconfined=""
		chmod 0711 "$work"
		chown -R "$mail_uid:$mail_gid" "$work/Maildir" "$work/home"
	else
		mail_uid=$(id -u)
		mail_gid=$(id -g)
		internal=$(id -un)
		group=$(id -gn)
		login=$internal
		# Only root may chroot: without it, these run unconfined.
		unconfined="  chroot ="
	fi
}

start_dovecot() {
	dovecot_port=$(free_port)
	dovecot_users
	cat >"$work/dovecot.conf" <<EOF
base_dir = $work/dv-run
state_dir = $work/dv-state
log_path = $work/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:$work/Maildir
default_internal_user = $internal
default_login_user = $login
default_internal_group = $group
passdb {
  driver = passwd-file
  args = scheme=PLAIN $work/dovecot.passwd
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$work/home
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $dovecot_port
  }
  inet_listener pop3s {
    port = 0
  }
$unconfined
}
service anvil {
$unconfined
}
EOF
	dovecot -F -c "$work/dovecot.conf" >"$work/dovecot.out" 2>&1 &
	started $!
	python3 "$fetch" greet --port "$dovecot_port" --timeout 30 ||
	    die "Dovecot did not come up; see $work/dovecot.log"
	say "Dovecot:  POP3 on 127.0.0.1:$dovecot_port (user demo, password demo)"
}

start_popgated() {
	mkdir "$work/keys"
	cat >"$work/popgated.conf" <<EOF
ListenAddress 127.0.0.1:0
HostKey ssh_host_ed25519_key
AuthorizedKeysFile keys/%u
Forward pop3:110 127.0.0.1:$dovecot_port
LogLevel VERBOSE
EOF
	"$popgated" keygen -f "$work/popgated.conf" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -C demo@popgate-demo -f "$work/id_demo"
	cp "$work/id_demo.pub" "$work/keys/demo"
	"$popgated" -f "$work/popgated.conf" 2>"$work/popgated.log" &
	popgated_pid=$!
	started $popgated_pid
	wait_log "$work/popgated.log" "listening on 127.0.0.1:" "$popgated_pid" ||
	    die "popgated did not start; see $work/popgated.log"
	gate_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$work/popgated.log" | head -n 1)
	say "popgated: SSH on 127.0.0.1:$gate_port, host key fingerprint:"
	"$popgated" fingerprint -f "$work/popgated.conf" | sed 's/^/          /'
	printf '[127.0.0.1]:%s %s\n' "$gate_port" \
	    "$(cut -d ' ' -f 1,2 "$work/ssh_host_ed25519_key.pub")" \
	    >"$work/known_hosts"
}

start_tunnel() {
	local_port=$(free_port)
	ssh -N -F /dev/null -p "$gate_port" -i "$work/id_demo" \
	    -o IdentitiesOnly=yes -o BatchMode=yes \
	    -o StrictHostKeyChecking=yes \
	    -o UserKnownHostsFile="$work/known_hosts" \
	    -o GlobalKnownHostsFile=/dev/null -o ExitOnForwardFailure=yes \
	    -L "127.0.0.1:$local_port:pop3:110" demo@127.0.0.1 \
	    </dev/null 2>"$work/ssh.log" &
	started $!
	python3 "$fetch" greet --port "$local_port" --timeout 30 ||
	    die "the tunnel did not come up; see $work/ssh.log"
	say "ssh -L:   tunnel on 127.0.0.1:$local_port -> pop3:110"
}

[ -x "$popgated" ] || die "no $popgated: run make first"
work=$(mktemp -d "${TMPDIR:-/tmp}/popgate-demo.XXXXXX")
say "work folder: $work"
make_maildir
start_dovecot
start_popgated
start_tunnel
say ""
say "Fetching the mail through the tunnel with a POP3 client (poplib):"
printf 'demo\n' | python3 "$fetch" fetch --port "$local_port" --user demo \
    --print || die "fetching failed; see $work/popgated.log"
say "========================================================================"
say "popgated's log:"
sed 's/^/  /' "$work/popgated.log"

if [ "${DEMO_ONCE:-0}" = 1 ]; then
	exit 0
fi
say ""
say "Point a mail client at 127.0.0.1:$local_port (POP3, no TLS),"
say "user demo, password demo. Press Ctrl-C to stop the demo."
while :; do
	sleep 1
done
