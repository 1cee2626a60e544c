"""popgate's benchmark: popgate and popgated against OpenSSH's ssh and
sshd, on loopback, with a real Dovecot behind both gateways.

    make bench                    # or: python3 bench/bench.py
    BENCH_QUICK=1 make bench      # one run of each figure, for iteration

Writes bench/results.md (also printed) and bench/results.json. Runs as
root (sshd and Dovecot's mail user want it) in a temporary folder with
free 127.0.0.1 ports only; every process it starts is stopped by pid on
the way out, on SIGINT and SIGTERM too. POPGATE_BIN overrides ./bin.
"""

import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import backends
import bounds
import clients
import gateways
from figures import Figures
from meter import machine_busy
from procs import BenchError, Procs
from report import write
from results import Results

HERE = os.path.dirname(os.path.abspath(__file__))
CIPHERS = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
           "aes256-gcm@openssh.com"]
MIB = 1 << 20
QUIET_WARN_PCT = 10.0


class Config:
    """Run counts: full by default, one of each with BENCH_QUICK=1."""

    def __init__(self, quick):
        full = not quick
        self.quick = quick
        self.ciphers = CIPHERS
        self.bulk_runs = 11 if full else 1
        self.raw_runs = 5 if full else 1
        self.raw_bytes = 1 << 30
        self.latency_conns = 300
        self.latency_runs = 3 if full else 1
        self.setup_runs = 10 if full else 1
        self.concurrency = 100
        self.concurrency_runs = 3 if full else 1
        self.handshakes = 100 if full else 20
        self.handshake_runs = 3 if full else 1
        self.memory_users = 50
        self.memory_runs = 1
        self.idle_conns = 50
        self.idle_seconds = 10.0
        self.idle_runs = 1
        self.scale_users = 100 if full else 40
        self.scale_rate = 10.0 if full else 4.0     # fetches a second
        self.scale_window = 20.0 if full else 10.0
        self.scale_runs = 2 if full else 1

    def text(self):
        return "\n".join(f"{k} = {v}" for k, v in vars(self).items())


class Context:
    """What the figures share: processes, keys, servers, results."""

    def __init__(self, cfg, work, bindir):
        self.cfg = cfg
        self.work = work
        self.t0 = time.monotonic()
        self.procs = Procs(work)
        self.keys = clients.Keys(work, bindir)
        self.results = Results(cfg.ciphers, (cfg.scale_users,
                                             cfg.scale_rate))
        self.dovecot = self.sink = self.popgated = self.sshd = None
        self.background = None

    def measure_background(self, seconds=2.0):
        """% of one core the machine is busy before we start anything:
        other work on the machine skews every figure."""
        busy0 = machine_busy()
        time.sleep(seconds)
        self.background = 100 * (machine_busy() - busy0) / seconds
        self.say(f"machine busy before start: {self.background:.0f}% of "
                 "one core")
        if self.background > QUIET_WARN_PCT:
            self.say("WARNING: something else is running; figures will "
                     "be skewed")

    def say(self, text):
        print(f"[{time.monotonic() - self.t0:6.1f}s] {text}", flush=True)

    def start_servers(self):
        gateways.keygen(self.keys.userkey, "bench@popgate")
        self.say("writing the Maildir (100 MiB + 1 MiB), starting Dovecot")
        self.dovecot = backends.Dovecot(self.procs, self.work,
                                        [100 * MIB, 1 * MIB])
        self.dovecot.start()
        self.dovecot.warm()
        self.sink = backends.Sink(self.procs)
        self.sink.start()
        self.popgated = gateways.Popgated(self.procs, self.work,
                                          self.dovecot, self.sink,
                                          self.keys.bindir,
                                          self.keys.userkey)
        self.sshd = gateways.Sshd(self.procs, self.work, self.dovecot,
                                  self.sink, self.keys.userkey)
        self.say(f"Dovecot on {self.dovecot.port}, sink on {self.sink.port}")


def measure(ctx):
    cfg = ctx.cfg
    ctx.measure_background()
    for cipher in cfg.ciphers:
        ctx.results.bounds[cipher] = bounds.openssl_speed(cipher)
        ctx.say(f"openssl speed {cipher}: "
                f"{ctx.results.bounds[cipher]:.0f} MiB/s")
    ctx.start_servers()
    figures = Figures(ctx)
    figures.no_tunnel()
    for cipher in cfg.ciphers:
        figures.stream(cipher)
    figures.sessions()
    figures.scale()


def version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10,
                           stdin=subprocess.DEVNULL)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} x {model}"


def meta(ctx, bindir, runtime):
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "mode": "BENCH_QUICK=1 (one run each)" if ctx.cfg.quick else "full",
        "runtime_s": runtime,
        "background_pct": ctx.background,
        "versions": "; ".join([
            version([os.path.join(bindir, "popgate"), "--version"]),
            "libssh " + version(["pkg-config", "--modversion", "libssh"]),
            version(["ssh", "-V"]), version(["openssl", "version"]),
            "dovecot " + version(["dovecot", "--version"])]),
        "settings": ctx.cfg.text(),
    }


def on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def cleanup(ctx, work, ok):
    """Stops every process; removes the work folder, or after a failure
    keeps it (without the Maildir) for its logs."""
    ctx.procs.stop_all()
    if ok:
        shutil.rmtree(work, ignore_errors=True)
        return
    shutil.rmtree(os.path.join(work, "Maildir"), ignore_errors=True)
    print(f"bench: logs kept in {work}", file=sys.stderr)


def check_bindir():
    """The folder with popgate and popgated, or None (and why)."""
    bindir = os.path.abspath(os.environ.get("POPGATE_BIN",
                                            os.path.join(HERE, "..", "bin")))
    for prog in ("popgated", "popgate"):
        if not os.access(os.path.join(bindir, prog), os.X_OK):
            print(f"bench: no {bindir}/{prog}: run make first",
                  file=sys.stderr)
            return None
    return bindir


def run(ctx):
    """0 when every figure ran, 1 on an error, 130 on Ctrl-C; the
    processes are stopped either way."""
    status = 1
    try:
        measure(ctx)
        status = 0
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        status = 130
    finally:
        cleanup(ctx, ctx.work, status == 0 and not ctx.results.errors())
    return status


def report(ctx, bindir):
    """Writes and prints the table; 1 if some run failed, else 0."""
    ctx.results.meta = meta(ctx, bindir, time.monotonic() - ctx.t0)
    text = write(ctx.results, os.path.join(HERE, "results.md"),
                 os.path.join(HERE, "results.json"))
    print("\n" + text)
    failed = len(ctx.results.errors())
    if failed:
        print(f"bench: {failed} run(s) failed, see 'Failed runs'",
              file=sys.stderr)
    return 1 if failed else 0


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    bindir = check_bindir()
    if bindir is None:
        return 2
    cfg = Config(os.environ.get("BENCH_QUICK", "0") == "1")
    ctx = Context(cfg, tempfile.mkdtemp(prefix="popgate-bench."), bindir)
    status = run(ctx)
    return status if status != 0 else report(ctx, bindir)


if __name__ == "__main__":
    sys.exit(main())
