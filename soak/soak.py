#!/usr/bin/env python3
"""soak: popgated under sustained load, reloads and backend restarts,
checked for lost or corrupted mail, hung mail clients and leaks.

    make soak                  # about 6 minutes on 2 cores (15 at most)
    SOAK_QUICK=1 make soak     # about a minute: 1,000 sequential, 45 s
                               # of concurrent rounds

Everything runs on 127.0.0.1 free ports in a temporary folder: Dovecot
with four messages (2 KB to 1.5 MB), popgated, five persistent clients
(four popgate -L, one ssh -N -L) and fresh `popgate -W` sessions. Three
things run at once:

  sequential   10,000 tunnels one after another, each a whole POP3
               session (login, RETR of a random message, QUIT); every
               tenth through a fresh SSH session (popgate -W), the rest
               through the persistent clients in turn;
  concurrent   then, for 4 minutes, rounds of 200 tunnels at once
               through the persistent clients (all 200 open together:
               popgated status is asked while they are);
  chaos        all along, a SIGHUP to popgated every 2-5 s (the
               configuration changing each time) and a Dovecot restart
               every 15-30 s.

Every RETR is checked against the message's size and SHA-256. A message
that arrives complete but wrong is corrupt; one that ends early is
truncated, which is expected only while Dovecot restarts (the client
sees the connection end: an interrupted transfer) and a failure at any
other time; a client that waits 60 s for a byte has hung. The gateway
parent's open descriptors and RSS are sampled throughout; after a
warm-up they must not grow (descriptors) or grow by less than 1 MiB
(RSS). At the end every client is gone, popgated has no child left, and
SIGTERM makes it exit 0 with nothing behind.

Exit status 0 when every assertion holds; the report is printed either
way, and the work folder is kept when something failed. POPGATE_BIN
overrides ./bin. Every process is stopped by pid (bench/procs.py).
"""

import hashlib
import json
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))

import backends  # noqa: E402  (bench/ on the path first)
import mail  # noqa: E402
from procs import (BenchError, Procs, run, tree_pids, wait_for,  # noqa: E402
                   write_file)

SIZES = [2_000, 30_000, 200_000, 1_500_000]
IO_TIMEOUT = 60.0           # a client waiting this long has hung
RESTART_SLACK = 3.0         # after Dovecot is back, its interruptions count
RSS_GROWTH_KIB = 1024
START_TIMEOUT = 30.0
PERSISTENT_POPGATE = 4


class Config:
    def __init__(self, quick):
        self.quick = quick
        self.sequential = 1000 if quick else 10000
        self.fresh_every = 10
        self.concurrency = 200
        self.concurrent_secs = 45.0 if quick else 240.0
        self.hup_every = (2.0, 5.0)
        self.restart_every = (8.0, 15.0) if quick else (15.0, 30.0)
        self.warmup_fresh = 20


class Soak:
    """The run: servers, clients, counters, samples."""

    def __init__(self, cfg, work, bindir):
        self.cfg = cfg
        self.work = work
        self.bindir = bindir
        self.procs = Procs(work)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.counts = {"ok": 0, "corrupt": 0, "truncated": 0, "hang": 0,
                       "interrupted": 0, "unavailable": 0, "error": 0}
        self.failures = []
        self.windows = []           # (start, end) of Dovecot restarts
        self.hups = 0
        self.restarts = 0
        self.bytes = 0
        self.max_tunnels = 0
        self.max_sessions = 0
        self.samples = []           # (t, fds, rss_kib)
        self.baseline = None
        self.gw = None
        self.gw_port = None
        self.fingerprint = None
        self.clients = []           # local ports of persistent clients
        self.env = {k: v for k, v in os.environ.items()
                    if k != "SSH_AUTH_SOCK"}
        self.env["HOME"] = os.path.join(work, "home-client")
        os.makedirs(self.env["HOME"], exist_ok=True)

    # --- servers -------------------------------------------------------

    def start_dovecot(self):
        mail.USER, mail.PASSWORD = "soak", "soak-pop3"
        self.dove = backends.Dovecot(self.procs, self.work, SIZES)
        self.dove.start()
        self.dove.warm()
        self.messages = self.dove.messages

    def restart_dovecot(self):
        """Stops Dovecot and starts it again on the same port. Login
        processes the old master forked while it was being stopped may
        hold the listener a moment longer: retried until they are gone."""
        start = time.monotonic()
        self.procs.stop(self.dove.proc)
        deadline = start + START_TIMEOUT
        while True:
            try:
                self.dove.port, self.dove.proc = self.dove._start_once(
                    self.dove.port)
                break
            except BenchError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        with self.lock:
            self.windows.append((start, time.monotonic() + RESTART_SLACK))
            self.restarts += 1

    def gw_conf(self, max_auth_tries):
        return f"""# written by popgate's soak/soak.py
ListenAddress 127.0.0.1:0
HostKey ssh_host_ed25519_key
AuthorizedKeysFile keys/%u
Forward pop3:110 127.0.0.1:{self.dove.port}
ChannelsPerSession 128
MaxSessionsPerUser 100
# All the load comes from one address: no per-source or startup limits.
MaxStartups 200
PerSourceMaxStartups none
ControlSocket ctl.sock
LogLevel INFO
MaxAuthTries {max_auth_tries}
"""

    def start_gateway(self):
        self.popgated = os.path.join(self.bindir, "popgated")
        self.conf = os.path.join(self.work, "popgated.conf")
        self.key = os.path.join(self.work, "id_soak")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
             "soak", "-f", self.key])
        os.makedirs(os.path.join(self.work, "keys"), exist_ok=True)
        shutil.copy(self.key + ".pub",
                    os.path.join(self.work, "keys", mail.USER))
        write_file(self.conf, self.gw_conf(3))
        run([self.popgated, "keygen", "-f", self.conf])
        self.fingerprint = run([self.popgated, "fingerprint", "-f",
                                self.conf]).split()[1]
        self.gw = self.procs.spawn("popgated", [self.popgated, "-f",
                                                self.conf])
        wait_for(lambda: _has(self.gw.log, "event=listening addr=127.0.0.1:"),
                 START_TIMEOUT, "popgated to listen", self.gw)
        with open(self.gw.log) as f:
            line = [ln for ln in f
                    if "event=listening addr=127.0.0.1:" in ln][0]
        self.gw_port = int(line.rsplit(":", 1)[1])
        pub = os.path.join(self.work, "ssh_host_ed25519_key.pub")
        with open(pub) as f:
            key = " ".join(f.read().split()[:2])
        self.known_hosts = os.path.join(self.work, "known_hosts")
        write_file(self.known_hosts, f"[127.0.0.1]:{self.gw_port} {key}\n")

    def popgate_argv(self, extra):
        return [os.path.join(self.bindir, "popgate"), "-q", "-p",
                str(self.gw_port), "-i", self.key, "--fingerprint",
                self.fingerprint, *extra, f"{mail.USER}@127.0.0.1"]

    def start_clients(self):
        for _ in range(PERSISTENT_POPGATE):
            proc = self.procs.spawn("popgate", self.popgate_argv(
                ["-v", "-L", "0:pop3:110"]), stdout_pipe=True, env=self.env)
            line = proc.read_line(START_TIMEOUT)
            if not line.startswith("listening "):
                raise BenchError(f"popgate said {line!r}; see {proc.log}")
            self.clients.append(int(line.split(" -> ")[0].rsplit(":", 1)[1]))
        port = _free_port()
        proc = self.procs.spawn("ssh", [
            "ssh", "-F", "/dev/null", "-p", str(self.gw_port), "-i", self.key,
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ExitOnForwardFailure=yes", "-N",
            "-L", f"127.0.0.1:{port}:pop3:110", f"{mail.USER}@127.0.0.1"],
            env=self.env)
        wait_for(lambda: _accepts(port), START_TIMEOUT, "ssh -L", proc)
        self.clients.append(port)

    # --- one tunnel ----------------------------------------------------

    def record(self, kind, t0, t1, what, nbytes=0):
        """Files one tunnel's outcome; an early end counts as an expected
        interruption only when it overlapped a Dovecot restart."""
        with self.lock:
            if kind in ("interrupted", "unavailable"):
                if not any(s <= t1 and t0 <= e for s, e in self.windows) \
                        and not self._restarting:
                    kind = "truncated" if kind == "interrupted" else "error"
            self.counts[kind] += 1
            self.bytes += nbytes
            if kind in ("corrupt", "truncated", "hang", "error"):
                self.failures.append(f"{kind}: {what}")

    _restarting = False

    def tunnel(self, stream, label, hold=None):
        """One POP3 session on stream; its outcome recorded. hold (a
        Hold) is passed once the greeting is in, or on any early end."""
        n = random.randrange(len(self.messages))
        size, digest = self.messages[n]
        t0 = time.monotonic()
        stage = "unavailable"       # until the message starts coming
        try:
            greeting = stream.line()
            if hold is not None:
                hold.wait()
            if not greeting.startswith(b"+OK"):
                self.record("unavailable", t0, time.monotonic(),
                            f"{label}: greeting {greeting[:80]!r}")
                return
            for cmd in (f"USER {mail.USER}", f"PASS {mail.PASSWORD}"):
                stream.send(cmd.encode() + b"\r\n")
                reply = stream.line()
                if not reply.startswith(b"+OK"):
                    self.record("unavailable", t0, time.monotonic(),
                                f"{label}: {cmd.split()[0]} {reply[:80]!r}")
                    return
            stream.send(f"RETR {n + 1}\r\n".encode())
            status = stream.line()
            if not status.startswith(b"+OK"):
                self.record("unavailable", t0, time.monotonic(),
                            f"{label}: RETR {status[:80]!r}")
                return
            stage = "interrupted"
            body = stream.until_end()
            msg = _unstuff(body)
            if len(msg) != size or hashlib.sha256(msg).hexdigest() != digest:
                self.record("corrupt", t0, time.monotonic(),
                            f"{label}: message {n + 1}: {len(msg)} bytes, "
                            f"want {size}")
                return
            stream.send(b"QUIT\r\n")
            stream.line()
            self.record("ok", t0, time.monotonic(), label, len(msg))
        except Hang as e:
            self.record("hang", t0, time.monotonic(), f"{label}: {e}")
        except (Ended, OSError) as e:
            self.record(stage, t0, time.monotonic(), f"{label}: {e}")
        finally:
            if hold is not None:
                hold.wait()

    def via_client(self, port, label, hold=None):
        try:
            s = socket.create_connection(("127.0.0.1", port), IO_TIMEOUT)
        except OSError as e:
            self.record("error", time.monotonic(), time.monotonic(),
                        f"{label}: connect: {e}")
            if hold is not None:
                hold.wait()
            return
        try:
            self.tunnel(SockStream(s), label, hold)
        finally:
            s.close()

    def via_fresh_session(self, label):
        proc = self.procs.spawn("popgate-W", self.popgate_argv(
            ["-W", "pop3:110"]), stdout_pipe=True, stdin_pipe=True,
            env=self.env)
        try:
            self.tunnel(PipeStream(proc.popen), label)
        finally:
            self.procs.stop(proc)

    # --- the three workloads ---------------------------------------------

    def sequential(self):
        for i in range(self.cfg.sequential):
            if self.stop.is_set():
                return
            if i % self.cfg.fresh_every == 0:
                self.via_fresh_session(f"sequential {i} (fresh session)")
            else:
                port = self.clients[i % len(self.clients)]
                self.via_client(port, f"sequential {i} (client :{port})")
            if i and i % 1000 == 0:
                _say(f"sequential: {i} tunnels, {self.summary()}")

    def concurrent(self):
        """Rounds of cfg.concurrency tunnels: every one waits after its
        greeting until all are open and popgated status has counted them,
        then they all go on at once."""
        rounds = 0
        end = time.monotonic() + self.cfg.concurrent_secs
        while not self.stop.is_set() and time.monotonic() < end:
            hold = Hold(self.cfg.concurrency + 1)
            threads = [threading.Thread(
                target=self.via_client, args=(
                    self.clients[i % len(self.clients)],
                    f"round {rounds} tunnel {i}", hold), daemon=True)
                for i in range(self.cfg.concurrency)]
            for t in threads:
                t.start()
            hold.arrive_and_count(self.sample)
            for t in threads:
                t.join(IO_TIMEOUT * 4)
            rounds += 1
            if rounds % 10 == 0:
                _say(f"concurrent: {rounds} rounds, {self.summary()}")
        self.rounds = rounds

    def chaos(self):
        rng = random.Random()
        now = time.monotonic()
        next_hup = now + rng.uniform(*self.cfg.hup_every)
        next_restart = now + rng.uniform(*self.cfg.restart_every)
        while not self.stop.wait(0.1):
            now = time.monotonic()
            if now >= next_hup:
                write_file(self.conf, self.gw_conf(3 + self.hups % 2))
                os.kill(self.gw.pid, signal.SIGHUP)
                with self.lock:
                    self.hups += 1
                next_hup = now + rng.uniform(*self.cfg.hup_every)
            if now >= next_restart:
                with self.lock:
                    self._restarting = True
                try:
                    self.restart_dovecot()
                except BenchError as e:
                    with self.lock:
                        self.failures.append(f"dovecot restart: {e}")
                        self.counts["error"] += 1
                    self.stop.set()
                finally:
                    with self.lock:
                        self._restarting = False
                next_restart = time.monotonic() + rng.uniform(
                    *self.cfg.restart_every)

    def sampler(self):
        while not self.stop.wait(1.0):
            self.sample()

    def sample(self):
        fds, rss = _fds(self.gw.pid), _rss_kib(self.gw.pid)
        st = self.status()
        with self.lock:
            self.samples.append((time.monotonic(), fds, rss))
            if st is not None:
                self.max_tunnels = max(self.max_tunnels,
                                       st["totals"]["tunnels"])
                self.max_sessions = max(self.max_sessions,
                                        st["totals"]["sessions"])

    def status(self):
        try:
            out = subprocess.run([self.popgated, "status", "-f", self.conf,
                                  "--json"], capture_output=True, timeout=20)
            return json.loads(out.stdout) if out.returncode == 0 else None
        except (subprocess.TimeoutExpired, ValueError):
            return None

    def summary(self):
        c = self.counts
        return (f"ok {c['ok']}, interrupted {c['interrupted']}, "
                f"unavailable {c['unavailable']}, failures "
                f"{len(self.failures)}, hups {self.hups}, restarts "
                f"{self.restarts}")

    # --- the run --------------------------------------------------------

    def warm_up(self):
        """Fresh sessions at once and a reload, so the parent's tables
        reach their working size before the baseline is taken."""
        threads = [threading.Thread(target=self.via_fresh_session,
                                    args=(f"warm-up {i}",))
                   for i in range(self.cfg.warmup_fresh)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(IO_TIMEOUT * 2)
        for i in range(100):
            self.via_client(self.clients[i % len(self.clients)], "warm-up")
        os.kill(self.gw.pid, signal.SIGHUP)
        wait_for(lambda: _count(self.gw.log, "event=reloaded ") >= 1, 10,
                 "the warm-up reload", self.gw)
        self.wait_children(len(self.clients))
        self.baseline = (_fds(self.gw.pid), _rss_kib(self.gw.pid))

    def children(self):
        return len(tree_pids(self.gw.pid)) - 1

    def wait_children(self, n):
        wait_for(lambda: self.children() <= n, 30,
                 f"popgated down to {n} session processes", self.gw,
                 step=0.05)

    def run(self):
        t0 = time.monotonic()
        self.start_dovecot()
        self.start_gateway()
        self.start_clients()
        self.warm_up()
        _say(f"warm-up done: parent fds {self.baseline[0]}, "
             f"RSS {self.baseline[1]} KiB")
        background = [threading.Thread(target=self.chaos, daemon=True),
                      threading.Thread(target=self.sampler, daemon=True)]
        for t in background:
            t.start()
        t1 = time.monotonic()
        self.sequential()
        self.seq_secs = time.monotonic() - t1
        self.concurrent()
        self.stop.set()
        for t in background:
            t.join(60)
        self.elapsed = time.monotonic() - t0
        return self.finish()

    def finish(self):
        """Clients away, no session left, then the end figures and
        SIGTERM."""
        for proc in list(self.procs.procs):
            if proc.name in ("popgate", "ssh"):
                self.procs.stop(proc)
        try:
            self.wait_children(0)
        except BenchError as e:
            _say(str(e))
        self.children_end = self.children()
        # A last reload on the quiet gateway, then the end figures.
        os.kill(self.gw.pid, signal.SIGHUP)
        wait_for(lambda: _count(self.gw.log, "event=reloaded ") >=
                 self.hups + 2, 10, "the last reload", self.gw)
        self.end = (_fds(self.gw.pid), _rss_kib(self.gw.pid))
        pids = tree_pids(self.gw.pid)
        self.gw.popen.send_signal(signal.SIGTERM)
        self.gw_exit = self.gw.wait(30)
        self.left = [p for p in pids if _alive(p)]
        return self.report()

    def report(self):
        c = self.counts
        tunnels = sum(c.values())
        checks = [
            ("no corrupted message", c["corrupt"] == 0),
            ("no truncated message outside a Dovecot restart",
             c["truncated"] == 0),
            ("no other failure", c["error"] == 0),
            ("every MUA connection ended (no hang)", c["hang"] == 0),
            (f"{self.cfg.concurrency} tunnels at once seen by popgated status",
             self.max_tunnels >= self.cfg.concurrency),
            ("parent's open descriptors did not grow",
             self.end[0] <= self.baseline[0]),
            (f"parent's RSS grew by less than {RSS_GROWTH_KIB} KiB",
             self.end[1] - self.baseline[1] < RSS_GROWTH_KIB),
            ("no session process left after the clients",
             self.children_end == 0),
            ("popgated exited 0 on SIGTERM", self.gw_exit == 0),
            ("nothing of popgated's left after it exited", not self.left),
            ("every SIGHUP reloaded",
             _count(self.gw.log, "event=reloaded ") == self.hups + 2 and
             _count(self.gw.log, "event=reload-failed") == 0),
        ]
        fds = [s[1] for s in self.samples]
        rss = [s[2] for s in self.samples]
        lines = [
            f"soak ({'quick' if self.cfg.quick else 'full'}): "
            f"{self.elapsed:.0f} s ({self.seq_secs:.0f} s sequential)",
            f"tunnels            {tunnels} ({self.cfg.sequential} "
            f"sequential, of which every {self.cfg.fresh_every}th a fresh "
            f"SSH session; {self.rounds} rounds of {self.cfg.concurrency} "
            f"concurrent)",
            f"messages intact    {c['ok']} ({self.bytes / 1e9:.2f} GB)",
            f"interrupted by a Dovecot restart (seen by the client) "
            f"{c['interrupted'] + c['unavailable']} ({c['interrupted']} "
            f"during the message, {c['unavailable']} before it: -ERR or "
            f"closed)",
            f"corrupted / truncated / hung / other "
            f"{c['corrupt']} / {c['truncated']} / {c['hang']} / {c['error']}",
            f"SIGHUPs {self.hups}, Dovecot restarts {self.restarts}",
            f"most tunnels at once (status) {self.max_tunnels}, most "
            f"sessions {self.max_sessions}",
            f"parent fds: baseline {self.baseline[0]}, max "
            f"{max(fds) if fds else '-'}, end {self.end[0]}",
            f"parent RSS KiB: baseline {self.baseline[1]}, max "
            f"{max(rss) if rss else '-'}, end {self.end[1]} "
            f"(growth {self.end[1] - self.baseline[1]})",
            f"popgated exit {self.gw_exit}, processes left {len(self.left)}",
        ]
        for name, ok in checks:
            lines.append(f"{'PASS' if ok else 'FAIL'}  {name}")
        for f in self.failures[:20]:
            lines.append(f"  {f}")
        print("\n".join(lines), flush=True)
        return all(ok for _, ok in checks)


class Hold:
    """Two barriers: every tunnel of a round stops after its greeting
    until the driver has looked at them all open, then all go on. Each
    party passes once; a broken barrier (timeout) lets everyone go."""

    def __init__(self, parties):
        self.open = threading.Barrier(parties, timeout=IO_TIMEOUT)
        self.go = threading.Barrier(parties, timeout=IO_TIMEOUT)
        self.passed = threading.local()

    def wait(self):
        if getattr(self.passed, "done", False):
            return
        self.passed.done = True
        for b in (self.open, self.go):
            try:
                b.wait()
            except threading.BrokenBarrierError:
                pass

    def arrive_and_count(self, look):
        try:
            self.open.wait()
            look()
        except threading.BrokenBarrierError:
            pass
        try:
            self.go.wait()
        except threading.BrokenBarrierError:
            pass


class Hang(Exception):
    pass


class Ended(Exception):
    pass


class SockStream:
    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(IO_TIMEOUT)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def more(self):
        try:
            chunk = self.sock.recv(262144)
        except socket.timeout:
            raise Hang(f"no byte for {IO_TIMEOUT:.0f} s")
        if not chunk:
            raise Ended(f"connection ended after {len(self.buf)} bytes")
        self.buf += chunk

    def line(self):
        while b"\r\n" not in self.buf:
            self.more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def until_end(self):
        """The RETR body up to and without the final ".\\r\\n"."""
        while not (self.buf.endswith(b"\r\n.\r\n") or self.buf == b".\r\n"):
            self.more()
        body, self.buf = self.buf[:-3], b""
        return body


class PipeStream(SockStream):
    """The same over popgate -W's standard input and output."""

    def __init__(self, popen):
        self.popen = popen
        self.buf = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(popen.stdout.fileno(), selectors.EVENT_READ)

    def send(self, data):
        self.popen.stdin.write(data)
        self.popen.stdin.flush()

    def more(self):
        if not self.sel.select(IO_TIMEOUT):
            raise Hang(f"no byte for {IO_TIMEOUT:.0f} s")
        chunk = os.read(self.popen.stdout.fileno(), 262144)
        if not chunk:
            raise Ended(f"stream ended after {len(self.buf)} bytes")
        self.buf += chunk


def _unstuff(body):
    if body.startswith(b".."):
        body = body[1:]
    return body.replace(b"\r\n..", b"\r\n.")


def _fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def _rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _has(path, text):
    return _count(path, text) > 0


def _count(path, text):
    try:
        with open(path, errors="replace") as f:
            return f.read().count(text)
    except OSError:
        return 0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1.0).close()
        return True
    except OSError:
        return False


def _say(text):
    print(f"soak: {text}", flush=True)


def main():
    quick = os.environ.get("SOAK_QUICK", "") not in ("", "0")
    bindir = os.path.abspath(os.environ.get(
        "POPGATE_BIN", os.path.join(HERE, "..", "bin")))
    work = tempfile.mkdtemp(prefix="popgate-soak.")
    os.chmod(work, 0o711)
    soak = Soak(Config(quick), work, bindir)
    ok = False

    def on_signal(sig, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        ok = soak.run()
    except (BenchError, KeyboardInterrupt) as e:
        print(f"soak: stopped: {e or 'interrupted'}", file=sys.stderr)
    finally:
        soak.stop.set()
        soak.procs.stop_all()
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"soak: work folder kept: {work}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
