"""gateways: the two SSH gateways under test, on 127.0.0.1 free ports.

popgated and OpenSSH's sshd, each configured to allow nothing but
direct-tcpip to the two backends. A gateway is started per cipher (the
client popgate cannot choose one) and pinned to one key exchange, so both
sides always negotiate the same algorithms.
"""

import os
import pwd
import re

from procs import (BenchError, file_has, run, start_on_free_port, wait_for,
                   write_file)

START_TIMEOUT = 30.0
SSHD = "/usr/sbin/sshd"        # sshd re-executes itself: a full path
PRIVSEP_DIR = "/run/sshd"


def keygen(path, comment):
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
         "-f", path])


def fingerprint_of(pubkey):
    """SHA256:... of a .pub file, as ssh-keygen -lf prints it."""
    return run(["ssh-keygen", "-lf", pubkey]).split()[1]


class Gateway:
    """What clients need to know about a running SSH gateway."""

    name = "gateway"

    def __init__(self, procs, work, dovecot, sink):
        self.procs, self.work = procs, work
        self.dovecot, self.sink = dovecot, sink
        self.port = None
        self.proc = None
        self.cipher = None
        self.known_hosts = os.path.join(work, f"known_hosts.{self.name}")

    def stop(self):
        if self.proc is not None:
            self.procs.stop(self.proc)
        self.proc = None

    def _write_known_hosts(self, pubkey):
        with open(pubkey) as f:
            key = " ".join(f.read().split()[:2])
        write_file(self.known_hosts,
                   f"[127.0.0.1]:{self.port} {key}\n")


class Popgated(Gateway):
    """bin/popgated with Forward pop3:110 and sink:9."""

    name = "popgated"
    user = "bench"
    pop3_target = "pop3:110"
    sink_target = "sink:9"

    def __init__(self, procs, work, dovecot, sink, bindir, userkey):
        super().__init__(procs, work, dovecot, sink)
        self.bin = os.path.join(bindir, "popgated")
        self.conf = os.path.join(work, "popgated.conf")
        os.makedirs(os.path.join(work, "keys"), exist_ok=True)
        with open(userkey + ".pub") as f:
            write_file(os.path.join(work, "keys", self.user),
                       f.read())
        write_file(self.conf, self._conf())
        run([self.bin, "keygen", "-f", self.conf])
        self.fingerprint = run([self.bin, "fingerprint", "-f",
                                self.conf]).split()[1]

    def _conf(self):
        return f"""# written by popgate's bench/gateways.py
ListenAddress 127.0.0.1:0
HostKey ssh_host_ed25519_key
AuthorizedKeysFile keys/%u
Forward pop3:110 127.0.0.1:{self.dovecot.port}
Forward sink:9 127.0.0.1:{self.sink.port}
# the concurrency figure opens 100 tunnels on one session
ChannelsPerSession 128
# the memory figure connects 50 users (all "bench") at once
MaxSessionsPerUser none
ControlSocket popgated.sock
LogLevel INFO
"""

    def start(self, cipher, kex):
        log_re = re.compile(r"event=listening addr=127\.0\.0\.1:(\d+)")
        proc = self.procs.spawn("popgated", [
            self.bin, "-f", self.conf, "-o", f"Ciphers={cipher}",
            "-o", f"KexAlgorithms={kex}"])
        wait_for(lambda: file_has(proc.log,
                                  "event=listening addr=127.0.0.1:"),
                 START_TIMEOUT, "popgated's listening line", proc)
        with open(proc.log) as f:
            self.port = int(log_re.search(f.read()).group(1))
        self.proc, self.cipher = proc, cipher
        self._write_known_hosts(os.path.join(self.work,
                                             "ssh_host_ed25519_key.pub"))


class Sshd(Gateway):
    """OpenSSH's sshd as a POP3-only gateway: local forwarding to the two
    backends (PermitOpen), publickey only, no tty, no PAM."""

    name = "sshd"

    def __init__(self, procs, work, dovecot, sink, userkey):
        super().__init__(procs, work, dovecot, sink)
        self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.pop3_target = f"127.0.0.1:{dovecot.port}"
        self.sink_target = f"127.0.0.1:{sink.port}"
        self.hostkey = os.path.join(work, "sshd_host_ed25519_key")
        keygen(self.hostkey, "sshd@bench")
        self.fingerprint = fingerprint_of(self.hostkey + ".pub")
        os.makedirs(os.path.join(work, "sshd-keys"), exist_ok=True)
        with open(userkey + ".pub") as f:
            write_file(os.path.join(work, "sshd-keys", self.user),
                       f.read())
        if os.geteuid() == 0:
            os.makedirs(PRIVSEP_DIR, mode=0o755, exist_ok=True)

    def _conf(self, port, cipher, kex):
        w = self.work
        return f"""# written by popgate's bench/gateways.py
Port {port}
ListenAddress 127.0.0.1
AddressFamily inet
HostKey {self.hostkey}
PidFile {w}/sshd.pid
AuthorizedKeysFile {w}/sshd-keys/%u
AllowUsers {self.user}
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding local
PermitOpen {self.pop3_target} {self.sink_target}
AllowAgentForwarding no
X11Forwarding no
PermitTTY no
Ciphers {cipher}
KexAlgorithms {kex}
LogLevel INFO
"""

    def start(self, cipher, kex):
        self.port, self.proc = start_on_free_port(
            lambda port: self._start_once(port, cipher, kex))
        self.cipher = cipher
        self._write_known_hosts(self.hostkey + ".pub")

    def _start_once(self, port, cipher, kex):
        conf = os.path.join(self.work, "sshd_config")
        write_file(conf, self._conf(port, cipher, kex))
        proc = self.procs.spawn("sshd", [SSHD, "-D", "-e", "-f", conf])
        try:
            wait_for(lambda: file_has(proc.log, "Server listening on"),
                     START_TIMEOUT, "sshd's listening line", proc)
        except BenchError:
            self.procs.stop(proc)
            raise
        return port, proc
