"""figures: runs every figure, popgate's side and OpenSSH's interleaved
run by run (A B, then B A, ...), and adds the samples to the results.

The throughput figures run once per cipher, with both gateways restarted
pinned to it; the session figures run with SESSION_CIPHER. Every client a
figure starts is stopped before the next figure begins. A run that fails
(a short transfer, a bad checksum, a client that exits) is recorded as an
error of its rows and the benchmark goes on; so is a figure that cannot
start.
"""

import balancer
import clients
import conn
import resources
import scale
import stream
from meter import roots
from procs import BenchError
from results import short

SESSION_CIPHER = "chacha20-poly1305@openssh.com"
A_SIDE = ("a", "popgate", "popgated")
B_SIDE = ("b", "ssh", "sshd")

# (client, gateway) per raw configuration, and the rows it feeds: the
# OpenSSH pair is side "b" of all three pairings.
RAW_CONFIGS = {
    "ssh->sshd": ("ssh", "sshd", [("a", "b"), ("b", "b"), ("c", "b")]),
    "popgate->popgated": ("popgate", "popgated", [("a", "a")]),
    "ssh->popgated": ("ssh", "popgated", [("b", "a")]),
    "popgate->sshd": ("popgate", "sshd", [("c", "a")]),
}


def interleave(items, run):
    """items in order on even runs, reversed on odd ones."""
    return list(items) if run % 2 == 0 else list(reversed(items))


class Figures:
    def __init__(self, ctx):
        self.ctx = ctx
        self.cfg = ctx.cfg
        self.res = ctx.results
        self.gw = {"popgated": ctx.popgated, "sshd": ctx.sshd}

    # -- bookkeeping ------------------------------------------------------

    def record(self, where, what, unit, fn, logs=()):
        """Runs fn() -> Sample and adds it to every (row key, side) in
        where; on BenchError adds the error there instead."""
        try:
            s = fn()
        except BenchError as e:
            msg = f"{what}: {e}" + (f" (logs: {', '.join(logs)})"
                                     if logs else "")
            self.ctx.say(f"  ERROR {msg}")
            for key, side in where:
                self.res.error(key, side, msg)
            return None
        self.note(what, s, unit)
        for key, side in where:
            self.res.add(key, side, s)
        return s

    def note(self, what, sample, unit):
        cpu = " ".join(f"{k} {100 * v / sample['wall']:.0f}%"
                       for k, v in sorted(sample["cpu"].items())
                       if sample["wall"] > 0)
        self.ctx.say(f"  {what}: {sample['value']:.2f} {unit}"
                     + (f"  [cpu {cpu}]" if cpu else ""))

    def guarded(self, what, keys, fn):
        """Runs a whole figure; if it cannot even start, every side of
        its rows gets the error."""
        try:
            fn()
        except BenchError as e:
            self.ctx.say(f"  ERROR {what}: {e}")
            for key in keys:
                for side in ("a", "b"):
                    self.res.error(key, side, f"{what}: {e}")

    def start_gateways(self, cipher):
        self.ctx.say(f"gateways pinned to {cipher}, {clients.KEX}")
        for gw in self.gw.values():
            gw.stop()
            gw.start(cipher, clients.KEX)

    def stop_gateways(self):
        for gw in self.gw.values():
            gw.stop()

    def tunnel(self, client, gw_name, which=("pop3", "sink")):
        return clients.start_tunnel(self.ctx.procs, self.ctx.keys, client,
                                    self.gw[gw_name], which)

    def logs(self, tunnel, gw):
        return [tunnel.proc.log, gw.proc.log]

    # -- no tunnel ----------------------------------------------------------

    def no_tunnel(self):
        dv, sk, cfg = self.ctx.dovecot, self.ctx.sink, self.cfg
        for _ in range(cfg.bulk_runs):
            self.record([(f"bulk/{c}", "none") for c in cfg.ciphers],
                        "no tunnel RETR 100 MiB", "MiB/s",
                        lambda: stream.bulk_run(dv.port, dv.messages[0],
                                                roots(backend=dv)))
        for direction in ("down", "up"):
            where = [(f"raw/{direction}/{p}/{c}", "none")
                     for c in cfg.ciphers for p in "abc"]
            for _ in range(cfg.raw_runs):
                self.record(where, f"no tunnel raw {direction}", "MiB/s",
                            lambda: stream.raw_run(sk.port, cfg.raw_bytes,
                                                   direction,
                                                   roots(backend=sk)))
        self.record([("latency/median", "none"), ("latency/p99", "none")],
                    "no tunnel greeting latency (median)", "ms",
                    lambda: conn.latency_run(dv.port, cfg.latency_conns,
                                             roots(backend=dv)))

    # -- throughput, per cipher ----------------------------------------------

    def stream(self, cipher):
        keys = [r.key for r in self.res.rows if r.key.endswith(cipher)]
        self.guarded(f"throughput figures, {short(cipher)}", keys,
                     lambda: self.stream_figures(cipher))

    def stream_figures(self, cipher):
        self.start_gateways(cipher)
        tunnels = {}
        try:
            for label, (client, gw_name, _) in RAW_CONFIGS.items():
                tunnels[label] = self.tunnel(client, gw_name)
            self.bulk(cipher, tunnels)
            self.raw(cipher, tunnels)
        finally:
            for t in tunnels.values():
                self.ctx.procs.stop(t.proc)
            self.stop_gateways()

    def bulk(self, cipher, tunnels):
        dv = self.ctx.dovecot
        sides = [("a", "popgate->popgated"), ("b", "ssh->sshd")]
        for run in range(self.cfg.bulk_runs):
            for side, label in interleave(sides, run):
                t = tunnels[label]
                gw = self.gw[RAW_CONFIGS[label][1]]
                self.record([(f"bulk/{cipher}", side)],
                            f"{label} RETR 100 MiB {short(cipher)}", "MiB/s",
                            lambda: stream.bulk_run(t.ports["pop3"],
                                                    dv.messages[0],
                                                    roots(t, gw, dv)),
                            self.logs(t, gw))

    def raw(self, cipher, tunnels):
        for direction in ("down", "up"):
            for run in range(self.cfg.raw_runs):
                for label in interleave(RAW_CONFIGS, run):
                    self.raw_one(cipher, direction, label, tunnels[label])

    def raw_one(self, cipher, direction, label, t):
        _, gw_name, feeds = RAW_CONFIGS[label]
        gw, sk = self.gw[gw_name], self.ctx.sink
        self.record([(f"raw/{direction}/{p}/{cipher}", side)
                     for p, side in feeds],
                    f"{label} raw {direction} {short(cipher)}", "MiB/s",
                    lambda: stream.raw_run(t.ports["sink"],
                                           self.cfg.raw_bytes, direction,
                                           roots(t, gw, sk)),
                    self.logs(t, gw))

    # -- session figures ------------------------------------------------------

    def sessions(self):
        figures = [
            ("latency", ["latency/median", "latency/p99"], self.latency),
            ("concurrency", ["concurrency"], self.concurrency),
            ("setup", ["setup"], self.setup),
            ("handshakes", ["handshakes", "handshakes/gateway-cpu",
                            "handshakes/client-cpu"], self.handshakes),
            ("memory", ["memory/gateway", "memory/client"], self.memory),
            ("idle", ["idle"], self.idle),
        ]
        try:
            self.guarded("session figures", [k for _, keys, _ in figures
                                             for k in keys],
                         lambda: self.start_gateways(SESSION_CIPHER))
            for what, keys, fn in figures:
                self.guarded(what, keys, fn)
        finally:
            self.stop_gateways()

    def each_side(self, runs, fn):
        """fn(side, client, gw) for a then b, interleaved, runs times."""
        for run in range(runs):
            for side, client, gw_name in interleave([A_SIDE, B_SIDE], run):
                fn(side, client, self.gw[gw_name])

    def with_tunnels(self, runs, fn):
        """fn(side, tunnel, gw) per side and run, through one established
        pop3 tunnel per side."""
        tunnels = {}
        try:
            for side, client, gw_name in (A_SIDE, B_SIDE):
                tunnels[side] = self.tunnel(client, gw_name, ("pop3",))
            self.each_side(runs, lambda side, client, gw:
                           fn(side, tunnels[side], gw))
        finally:
            for t in tunnels.values():
                self.ctx.procs.stop(t.proc)

    def latency(self):
        def one(side, t, gw):
            self.record([("latency/median", side), ("latency/p99", side)],
                        f"{t.label} greeting latency (median)", "ms",
                        lambda: conn.latency_run(
                            t.ports["pop3"], self.cfg.latency_conns,
                            roots(t, gw, self.ctx.dovecot)),
                        self.logs(t, gw))
        self.with_tunnels(self.cfg.latency_runs, one)

    def concurrency(self):
        dv, n = self.ctx.dovecot, self.cfg.concurrency

        def one(side, t, gw):
            self.record([("concurrency", side)],
                        f"{t.label} {n} x RETR 1 MiB", "ms",
                        lambda: conn.concurrency_run(
                            t.ports["pop3"], n, dv.messages[1],
                            roots(t, gw, dv)),
                        self.logs(t, gw))
        self.with_tunnels(self.cfg.concurrency_runs, one)

    def setup(self):
        def one(side, client, gw):
            self.record([("setup", side)], f"{client}->{gw.name} setup",
                        "ms", lambda: conn.setup_run(
                            self.ctx.procs, self.ctx.keys, client, gw,
                            roots(gateway=gw, backend=self.ctx.dovecot)),
                        [gw.proc.log])
        self.each_side(self.cfg.setup_runs, one)

    def handshakes(self):
        keys = ["handshakes", "handshakes/gateway-cpu",
                "handshakes/client-cpu"]

        def one(side, client, gw):
            self.record([(k, side) for k in keys],
                        f"{client}->{gw.name} handshakes", "/s",
                        lambda: conn.handshake_run(
                            self.ctx.procs, self.ctx.keys, client, gw,
                            self.cfg.handshakes, 4,
                            roots(gateway=gw, backend=self.ctx.dovecot)),
                        [gw.proc.log])
        self.each_side(self.cfg.handshake_runs, one)

    def memory(self):
        def one(side, client, gw):
            s = self.record([("memory/gateway", side),
                             ("memory/client", side)],
                            f"{client}->{gw.name} gateway KiB per user",
                            "KiB", lambda: resources.memory_run(
                                self.ctx.procs, self.ctx.keys, client, gw,
                                self.cfg.memory_users), [gw.proc.log])
            if s is not None:
                self.ctx.say(f"  {client} PSS {s['client_kib']:.0f} KiB")
        self.each_side(self.cfg.memory_runs, one)

    def idle(self):
        def one(side, client, gw):
            self.record([("idle", side)], f"{client}->{gw.name} idle CPU",
                        "s", lambda: resources.idle_run(
                            self.ctx.procs, self.ctx.keys, client, gw,
                            self.cfg.idle_conns, self.cfg.idle_seconds),
                        [gw.proc.log])
        self.each_side(self.cfg.idle_runs, one)

    # -- scale: users per gateway tree ---------------------------------------

    def scale(self):
        self.guarded("scale", ["scale/one", "scale/two"], self.scale_figures)

    def scale_figures(self):
        """One gateway, then two behind HAProxy (interleaved per run),
        both gateways with the main one's host key."""
        ctx, cfg = self.ctx, self.cfg
        gws = [scale.ScaleGateway(ctx.procs, ctx.work, ctx.popgated,
                                  f"scale-gw{i}") for i in (1, 2)]
        hp = None
        try:
            for gw in gws:
                gw.start(SESSION_CIPHER, clients.KEX)
            hp = balancer.Haproxy(ctx.procs, ctx.work, gws)
            hp.start()
            configs = [("one", gws[:1], gws[0], None),
                       ("two", gws, hp, hp)]
            for run in range(cfg.scale_runs):
                for name, trees, front, lb in interleave(configs, run):
                    self.scale_one(name, trees, front, lb)
        finally:
            if hp is not None and hp.proc is not None:
                ctx.procs.stop(hp.proc)
            for gw in gws:
                gw.stop()

    def scale_one(self, name, trees, front, lb):
        ctx, cfg = self.ctx, self.cfg
        s = self.record([(f"scale/{name}", "a")],
                        f"scale, {len(trees)} gateway(s), "
                        f"{cfg.scale_users} users at "
                        f"{cfg.scale_rate:.0f} RETR/s", "users/core",
                        lambda: scale.scale_run(
                            ctx.procs, ctx.keys, trees, front,
                            cfg.scale_users, cfg.scale_rate,
                            cfg.scale_window, ctx.dovecot, lb),
                        [gw.proc.log for gw in trees])
        if s is not None:
            ctx.say(f"  gateway CPU {s['gateway_pct']:.1f}% of a core, "
                    f"{s['kib_per_user']:.0f} KiB per user, HAProxy "
                    f"{s['haproxy_pct']:.1f}%, sessions per gateway "
                    f"{s['spread']}")
