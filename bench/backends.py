"""backends: what the gateways forward to, on 127.0.0.1 free ports.

Dovecot, the POP3 server, on a Maildir with the big and the small
message; and the raw figure's source/sink (sink.py).
"""

import os
import pwd
import sys

import mail
from procs import (BenchError, run, start_on_free_port, wait_for,
                   write_file)

START_TIMEOUT = 30.0
HERE = os.path.dirname(os.path.abspath(__file__))


class Dovecot:
    """Dovecot POP3 on a Maildir holding the big and the small message.
    pop3-login runs in Dovecot's high-performance mode (long-lived,
    pre-forked login processes), so the backend's own greeting is quick
    and the tunnels are what the latency figures compare."""

    def __init__(self, procs, work, sizes):
        self.procs, self.work = procs, work
        self.messages = mail.make_maildir(work, sizes)
        os.makedirs(os.path.join(work, "home"), exist_ok=True)
        write_file(os.path.join(work, "dovecot.passwd"),
              f"{mail.USER}:{{PLAIN}}{mail.PASSWORD}\n")
        self.owner = self._owner()
        self.port = None
        self.proc = None

    def _owner(self):
        """(uid, gid, internal user, group, login user): Dovecot never
        serves mail as root, so root runs it as nobody."""
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chmod(self.work, 0o711)
            for sub in ("Maildir", "home"):
                chown_tree(os.path.join(self.work, sub), nobody.pw_uid,
                           nobody.pw_gid)
            return (nobody.pw_uid, nobody.pw_gid, "dovecot", "dovecot",
                    "dovenull")
        me = pwd.getpwuid(os.geteuid())
        group = run(["id", "-gn"]).strip()
        return (me.pw_uid, me.pw_gid, me.pw_name, group, me.pw_name)

    def _conf(self, port):
        uid, gid, internal, group, login = self.owner
        w = self.work
        unconfined = "" if os.geteuid() == 0 else "  chroot =\n"
        return f"""# written by popgate's bench/backends.py
base_dir = {w}/dv-run
state_dir = {w}/dv-state
log_path = {w}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:{w}/Maildir
mail_max_userip_connections = 1000
default_process_limit = 1000
default_client_limit = 10000
default_vsz_limit = 0
default_internal_user = {internal}
default_login_user = {login}
default_internal_group = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {w}/dovecot.passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={w}/home
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
  service_count = 0
  process_min_avail = 2
{unconfined}}}
service pop3 {{
  process_min_avail = 4
}}
service anvil {{
{unconfined}}}
"""

    def start(self):
        self.port, self.proc = start_on_free_port(self._start_once)

    def _start_once(self, port):
        conf = os.path.join(self.work, "dovecot.conf")
        write_file(conf, self._conf(port))
        log = os.path.join(self.work, "dovecot.log")
        before = _count(log, "starting up")
        proc = self.procs.spawn("dovecot", ["dovecot", "-F", "-c", conf])
        try:
            wait_for(lambda: _count(log, "starting up") > before,
                     START_TIMEOUT, "dovecot to start", proc)
            wait_for(lambda: _greets(port), START_TIMEOUT,
                     "dovecot's greeting", proc, step=0.05)
        except BenchError:
            self.procs.stop(proc)
            raise
        return port, proc

    def warm(self):
        """One login and RETR of each message: Dovecot indexes the Maildir
        (sizes, UIDLs) and the page cache holds the messages."""
        for number, expect in enumerate(self.messages, 1):
            p = mail.Pop3(self.port)
            p.ok()
            p.login()
            p.sock.sendall(f"RETR {number}\r\n".encode())
            reply = mail.read_reply(p.sock, mail.Reply(expect[0], p.buf))
            mail.check_message(reply, expect)
            p.quit()


def _count(path, text):
    try:
        with open(path, errors="replace") as f:
            return f.read().count(text)
    except OSError:
        return 0


def _greets(port):
    try:
        mail.greeting_time(port)
        return True
    except (OSError, BenchError):
        return False


def chown_tree(path, uid, gid):
    os.lchown(path, uid, gid)
    for top, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(top, name), uid, gid)


class Sink:
    """The raw figure's source/sink backend (sink.py)."""

    def __init__(self, procs):
        self.procs = procs
        self.port = None
        self.proc = None

    def start(self):
        self.port, self.proc = start_on_free_port(self._start_once)

    def _start_once(self, port):
        proc = self.procs.spawn("sink", [sys.executable,
                                         os.path.join(HERE, "sink.py"),
                                         str(port)], stdout_pipe=True)
        try:
            if proc.read_line(START_TIMEOUT) != "ready":
                raise BenchError(f"sink did not start; see {proc.log}")
        except BenchError:
            self.procs.stop(proc)
            raise
        return port, proc
