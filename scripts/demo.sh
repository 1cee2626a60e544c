#!/bin/sh
# demo.sh: the whole popgate chain on loopback, run by `make demo`.
#
#   mail client --POP3--> popgate --SSH--> popgated --POP3--> Dovecot
#
# Everything lives in a temporary folder: host and user keys (popgated
# keygen, ssh-keygen), a Maildir with three messages, the configs. Dovecot
# and popgated listen on free 127.0.0.1 ports; popgate opens the tunnel,
# trusting exactly the host key `popgated fingerprint` publishes, on a
# local port the kernel picks (its ready line says which); a real POP3
# client (Python's poplib) fetches the mail through it.
# DEMO_ONCE=1: exit 0 after the fetch. Otherwise: print how to point a mail
# client at the tunnel and wait for Ctrl-C. Every process started here is
# stopped by its pid on the way out, and the folder removed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
POPGATE_BIN=${POPGATE_BIN:-$here/../bin}
popgated=$POPGATE_BIN/popgated
popgate=$POPGATE_BIN/popgate
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

# fail LOG MESSAGE: dies, showing LOG first (the folder goes on exit).
fail() {
	[ -s "$1" ] && sed 's/^/  | /' "$1" >&2
	die "$2"
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
	    "Your client spoke POP3 to popgate on 127.0.0.1; only SSH crossed over."
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
	dovecot_pid=$!
	started $dovecot_pid
	python3 "$fetch" greet --port "$dovecot_port" --timeout 30 ||
	    fail "$work/dovecot.log" "Dovecot did not come up"
	say "Dovecot   pid $dovecot_pid: POP3 on 127.0.0.1:$dovecot_port" \
	    "(user demo, password demo)"
}

start_popgated() {
	mkdir "$work/keys"
	cat >"$work/popgated.conf" <<EOF
ListenAddress 127.0.0.1:0
HostKey ssh_host_ed25519_key
AuthorizedKeysFile keys/%u
Forward pop3:110 127.0.0.1:$dovecot_port
LogLevel VERBOSE
ControlSocket popgated.sock
EOF
	"$popgated" keygen -f "$work/popgated.conf" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -C demo@popgate-demo -f "$work/id_demo"
	cp "$work/id_demo.pub" "$work/keys/demo"
	"$popgated" -f "$work/popgated.conf" 2>"$work/popgated.log" &
	popgated_pid=$!
	started $popgated_pid
	wait_log "$work/popgated.log" "event=listening addr=127.0.0.1:" \
	    "$popgated_pid" || fail "$work/popgated.log" "popgated did not start"
	gate_port=$(sed -n \
	    's/.*event=listening addr=127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$work/popgated.log" | head -n 1)
	"$popgated" fingerprint -f "$work/popgated.conf" >"$work/fingerprint"
	fingerprint=$(cut -d ' ' -f 2 "$work/fingerprint")
	say "popgated  pid $popgated_pid: SSH on 127.0.0.1:$gate_port," \
	    "host key fingerprint (what an admin publishes):"
	sed 's/^/          /' "$work/fingerprint"
}

# popgate pinned to that fingerprint; -L 0:... lets the kernel pick the
# local port, and the ready line on stdout names it.
start_tunnel() {
	"$popgate" -v -p "$gate_port" -i "$work/id_demo" \
	    --fingerprint "$fingerprint" -L 0:pop3:110 demo@127.0.0.1 \
	    </dev/null >"$work/popgate.out" 2>"$work/popgate.log" &
	popgate_pid=$!
	started $popgate_pid
	wait_log "$work/popgate.out" "^listening 127\.0\.0\.1:" "$popgate_pid" ||
	    fail "$work/popgate.log" "popgate did not come up"
	local_port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\) .*/\1/p' \
	    "$work/popgate.out" | head -n 1)
	say "popgate   pid $popgate_pid: $(head -n 1 "$work/popgate.out")" \
	    "(--fingerprint $fingerprint)"
}

mua_settings() {
	say "Point a mail client at the tunnel:"
	say "  server    127.0.0.1"
	say "  port      $local_port"
	say "  security  none: plain POP3 (SSH encrypts it up to the gateway)"
	say "  user      demo"
	say "  password  demo"
	say "for example: curl pop3://demo:demo@127.0.0.1:$local_port/1"
}

for prog in "$popgated" "$popgate"; do
	[ -x "$prog" ] || die "no $prog: run make first"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/popgate-demo.XXXXXX")
say "work folder: $work"
make_maildir
start_dovecot
start_popgated
start_tunnel
say ""
say "Fetching the mail through the tunnel with a POP3 client (poplib):"
printf 'demo\n' | python3 "$fetch" fetch --port "$local_port" --user demo \
    --print || fail "$work/popgated.log" "fetching failed"
say "========================================================================"
say "popgated's log:"
sed 's/^/  /' "$work/popgated.log"
say "popgate's log:"
sed 's/^/  /' "$work/popgate.log"

if [ "${DEMO_ONCE:-0}" = 1 ]; then
	exit 0
fi
say ""
mua_settings
say "Press Ctrl-C to stop the demo."
while :; do
	sleep 1
done
