"""clients: the two SSH clients under test, popgate and OpenSSH's ssh.

A Tunnel is one client process holding one SSH session with local
forwards (like `ssh -N -L`), to the pop3 and/or the sink backend of a
Gateway (gateways.py). Both clients get the same key, the gateway's
pinned host key and curve25519-sha256; popgate has no cipher option, the
gateway's Ciphers line decides for it.
"""

import os
import socket
import time

import mail
from procs import BenchError, free_port, wait_for

KEX = "curve25519-sha256"
READY_TIMEOUT = 30.0


class Keys:
    """The user's key and the clean HOME both clients run with."""

    def __init__(self, work, bindir):
        self.userkey = os.path.join(work, "id_user")
        self.bindir = bindir
        self.home = os.path.join(work, "client-home")
        os.makedirs(self.home, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
        env["HOME"] = self.home
        self.env = env


class Tunnel:
    """A running client: ports maps "pop3"/"sink" to its local port."""

    def __init__(self, label, proc, ports):
        self.label = label
        self.proc = proc
        self.ports = ports


def popgate_argv(keys, gw, extra):
    return [os.path.join(keys.bindir, "popgate"), "-p", str(gw.port),
            "-i", keys.userkey, "--fingerprint", gw.fingerprint,
            *extra, f"{gw.user}@127.0.0.1"]


def ssh_argv(keys, gw, extra):
    return ["ssh", "-F", "/dev/null", "-p", str(gw.port),
            "-i", keys.userkey, "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={gw.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "CheckHostIP=no",
            "-o", "UpdateHostKeys=no", "-o", "ControlMaster=no",
            "-o", "ControlPath=none", "-o", "ExitOnForwardFailure=yes",
            "-o", f"KexAlgorithms={KEX}", "-c", gw.cipher,
            *extra, f"{gw.user}@127.0.0.1"]


def targets(gw, which):
    return [(name, gw.pop3_target if name == "pop3" else gw.sink_target)
            for name in which]


def spawn_popgate(procs, keys, gw, which=("pop3", "sink")):
    """Starts popgate with -L 0:TARGET per forward; returns its Proc."""
    extra = []
    for _, target in targets(gw, which):
        extra += ["-L", f"0:{target}"]
    return procs.spawn("popgate", popgate_argv(keys, gw, extra),
                       stdout_pipe=True, env=keys.env)


def popgate_ready(proc, which):
    """Reads popgate's "listening 127.0.0.1:PORT -> TARGET" lines."""
    ports = {}
    for name in which:
        line = proc.read_line(READY_TIMEOUT)
        if not line.startswith("listening "):
            raise BenchError(f"popgate: unexpected {line!r}; see {proc.log}")
        ports[name] = int(line.split(" -> ")[0].rsplit(":", 1)[1])
    return ports


def spawn_ssh(procs, keys, gw, which=("pop3", "sink")):
    """Starts ssh -N -L on free ports; returns (Proc, ports)."""
    extra, ports = ["-N"], {}
    for name, target in targets(gw, which):
        ports[name] = free_port()
        extra += ["-L", f"127.0.0.1:{ports[name]}:{target}"]
    proc = procs.spawn("ssh", ssh_argv(keys, gw, extra), env=keys.env)
    return proc, ports


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1.0).close()
        return True
    except OSError:
        return False


def start_tunnel(procs, keys, client, gw, which=("pop3", "sink")):
    """A ready Tunnel: client is "popgate" or "ssh". Ready means the
    session is authenticated and a POP3 greeting came through it."""
    label = f"{client}->{gw.name}"
    if client == "popgate":
        proc = spawn_popgate(procs, keys, gw, which)
        ports = popgate_ready(proc, which)
    else:
        proc, ports = spawn_ssh(procs, keys, gw, which)
        first = ports[which[0]]
        wait_for(lambda: accepts(first), READY_TIMEOUT,
                 f"{label} to listen on {first}", proc, step=0.01)
    if "pop3" in ports:
        mail.greeting_time(ports["pop3"])
    return Tunnel(label, proc, ports)


def time_setup(procs, keys, client, gw):
    """Seconds from spawning the client to a POP3 greeting through its
    fresh tunnel; the client is stopped afterwards. popgate says when it
    listens; for ssh, connecting is retried until the port accepts."""
    t0 = time.perf_counter()
    if client == "popgate":
        proc = spawn_popgate(procs, keys, gw, ("pop3",))
    else:
        proc, ports = spawn_ssh(procs, keys, gw, ("pop3",))
    pop = None
    try:
        if client == "popgate":
            pop = mail.Pop3(popgate_ready(proc, ("pop3",))["pop3"])
        else:
            pop = connect_when_listening(proc, ports["pop3"])
        pop.ok()
        elapsed = time.perf_counter() - t0
        pop.quit()
        return elapsed
    finally:
        if pop is not None:
            pop.close()
        procs.stop(proc)


def connect_when_listening(proc, port):
    """A Pop3 connection, retried every millisecond while refused."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        try:
            return mail.Pop3(port)
        except ConnectionRefusedError:
            if not proc.alive() or time.monotonic() > deadline:
                raise BenchError(f"{proc.name} never listened on {port}; "
                                 f"see {proc.log}")
            time.sleep(0.001)


def handshake(procs, keys, client, gw):
    """One whole connection: key exchange, auth, one channel to pop3 and
    its greeting; the client exits. BenchError unless it all worked."""
    if client == "popgate":
        proc = procs.spawn("popgate-check", popgate_argv(
            keys, gw, ["-q", "--check", "-L", f"0:{gw.pop3_target}"]),
            stdout_pipe=True, env=keys.env)
    else:
        proc = procs.spawn("ssh-W", ssh_argv(
            keys, gw, ["-W", gw.pop3_target]), stdout_pipe=True,
            stdin_pipe=True, env=keys.env)
    try:
        line = proc.read_line(READY_TIMEOUT)
        if client == "popgate":
            ok = line.startswith("ok ") and "+OK" in line
        else:
            ok = line.startswith("+OK")
            proc.popen.stdin.write(b"QUIT\r\n")
            proc.popen.stdin.close()
            proc.popen.stdin = None
        status = proc.wait(READY_TIMEOUT)
    finally:
        procs.stop(proc)
    if not ok or status != 0:
        raise BenchError(f"{client}->{gw.name} handshake failed "
                         f"(exit {status}); see {proc.log}")
