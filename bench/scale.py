"""scale: how many users one gateway process tree carries at a fixed RETR
rate, alone and as two gateways behind HAProxy.

users:  `users` popgate clients, each one SSH session with a pop3
        forward (a user's popgate --persist), connected to one popgated,
        or to HAProxy in front of two popgated (PROXY v2 listeners,
        health checks) that share one host key; so the sessions spread.
load:   `rate` POP3 connections a second, round robin over the users,
        each through its user's tunnel: greeting, login, RETR of the
        1 MiB message (SHA-256 checked), QUIT. Every user thus fetches
        1 MiB every users / rate seconds. `window` seconds are measured.
figure: the gateway trees' CPU over the window (listener + sessions,
        both gateways together behind HAProxy) as a share of one core:
        users per core at that rate = users / cores used. Memory: the
        trees' PSS with every user connected after the load, minus the
        idle trees', per user. HAProxy's CPU and how the users spread
        are reported beside.

The clients, Dovecot and this MUA run on the same machine: CPU is not
driven to saturation but measured per process tree, and the users per
core are what the gateway trees alone would carry.
"""

import json
import os
import re
import shutil
import time

import clients
import mail
from meter import Meter, Sample, tree_cpu, tree_pss_kib
from procs import BenchError, run, wait_for, write_file
from resources import wait_gateway_idle

START_TIMEOUT = 30.0
LATE_S = 2.0        # the MUA may fall this far behind its schedule


class ScaleGateway:
    """A popgated of its own folder for the scale figure, with the main
    gateway's host key, user key and backend: a plain and a proxy
    listener, HAProxy on 127.0.0.1 trusted."""

    name = "popgated"
    user = "bench"
    pop3_target = "pop3:110"

    def __init__(self, procs, work, main, label):
        self.procs = procs
        self.dir = os.path.join(work, label)
        self.bin = main.bin
        self.fingerprint = main.fingerprint
        self.port = self.proxy_port = None
        self.proc = self.cipher = None
        os.makedirs(os.path.join(self.dir, "keys"), exist_ok=True)
        for name in ("ssh_host_ed25519_key", "ssh_host_ed25519_key.pub"):
            shutil.copy2(os.path.join(main.work, name),
                         os.path.join(self.dir, name))
        shutil.copy2(os.path.join(main.work, "keys", self.user),
                     os.path.join(self.dir, "keys", self.user))
        self.conf = os.path.join(self.dir, "popgated.conf")
        write_file(self.conf, f"""# written by popgate's bench/scale.py
ListenAddress 127.0.0.1:0
ListenAddress 127.0.0.1:0 proxy
ProxyFrom 127.0.0.1
HostKey ssh_host_ed25519_key
AuthorizedKeysFile keys/%u
Forward pop3:110 127.0.0.1:{main.dovecot.port}
MaxSessionsPerUser none
MaxStartups 100:30:400
ControlSocket popgated.sock
LogLevel INFO
""")
        if run([self.bin, "fingerprint", "-f", self.conf]).split()[1] != \
                self.fingerprint:
            raise BenchError(f"{self.conf}: not the main gateway's host key")

    def start(self, cipher, kex):
        proc = self.procs.spawn(f"popgated-{os.path.basename(self.dir)}", [
            self.bin, "-f", self.conf, "-o", f"Ciphers={cipher}",
            "-o", f"KexAlgorithms={kex}"])
        wait_for(lambda: _count(proc.log, "event=listening addr=") >= 2,
                 START_TIMEOUT, "popgated's listening lines", proc)
        with open(proc.log) as f:
            text = f.read()
        self.port = int(re.search(
            r"event=listening addr=127\.0\.0\.1:(\d+)\n", text).group(1))
        self.proxy_port = int(re.search(
            r"event=listening addr=127\.0\.0\.1:(\d+) proxy=yes",
            text).group(1))
        self.proc, self.cipher = proc, cipher

    def stop(self):
        if self.proc is not None:
            self.procs.stop(self.proc)
        self.proc = None

    def sessions(self):
        """Logged-in sessions now (popgated status --json)."""
        doc = json.loads(run([self.bin, "status", "-f", self.conf,
                              "--json"]))
        return doc["totals"]["sessions"]


def _count(path, text):
    try:
        with open(path, errors="replace") as f:
            return f.read().count(text)
    except OSError:
        return 0


def fetch(port, expect):
    """One POP3 connection: login, RETR 2 (checked), QUIT."""
    p = mail.Pop3(port)
    try:
        p.ok()
        p.login()
        p.sock.sendall(b"RETR 2\r\n")
        mail.check_message(mail.read_reply(p.sock, mail.Reply(expect[0],
                                                              p.buf)),
                           expect)
        p.quit()
    finally:
        p.close()


def drive(tunnels, rate, window, expect):
    """rate fetches a second for window seconds, round robin over the
    tunnels, on a fixed schedule; returns how many were made."""
    n = int(rate * window)
    t0 = time.monotonic()
    for i in range(n):
        due = t0 + i / rate
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
        elif now - due > LATE_S:
            raise BenchError(f"the MUA fell {now - due:.1f} s behind "
                             f"{rate}/s at fetch {i}")
        fetch(tunnels[i % len(tunnels)].ports["pop3"], expect)
    return n


def scale_run(procs, keys, gateways, front, users, rate, window, dovecot,
              haproxy=None):
    """Sample: value users per core of the gateway trees at rate."""
    for gw in gateways:
        wait_gateway_idle(gw)
    base = sum(tree_pss_kib(gw.proc.pid) for gw in gateways)
    tunnels = []
    try:
        for _ in range(users):
            tunnels.append(clients.start_tunnel(procs, keys, "popgate",
                                                front, ("pop3",)))
        spread = [gw.sessions() for gw in gateways]
        roots = {f"gateway{i}": gw.proc.pid
                 for i, gw in enumerate(gateways)}
        roots["backend"] = dovecot.proc.pid
        if haproxy is not None:
            roots["haproxy"] = haproxy.proc.pid
        cl0 = sum(tree_cpu(t.proc.pid) for t in tunnels)
        meter = Meter(roots).start()
        fetches = drive(tunnels, rate, window, dovecot.messages[1])
        wall, cpu = meter.stop()
        cl = sum(tree_cpu(t.proc.pid) for t in tunnels) - cl0
        pss = sum(tree_pss_kib(gw.proc.pid) for gw in gateways)
    finally:
        for t in tunnels:
            procs.stop(t.proc)
    gw_cpu = sum(v for k, v in cpu.items() if k.startswith("gateway"))
    cores = gw_cpu / wall
    if cores <= 0:
        raise BenchError("the gateway trees used no CPU")
    cpu["gateway"] = gw_cpu
    cpu["client"] = cl
    return Sample(users / cores, wall, cpu, users=users, rate=rate,
                  fetches=fetches, gateway_pct=100 * cores,
                  ms_per_fetch=1000 * gw_cpu / fetches,
                  kib_per_user=(pss - base) / users,
                  haproxy_pct=100 * cpu.get("haproxy", 0.0) / wall,
                  spread=spread)


