"""resources: memory per connected user and CPU of idle tunnels.

memory: 50 users connected to one gateway, each its own client process
        with one open POP3 connection that has read its greeting. Gateway
        PSS per user is (tree PSS now - idle tree PSS) / 50; client PSS is
        the median of the 50 clients' PSS.
idle:   one client, 50 silent MUA connections through it; the CPU the
        client and the gateway trees use in 10 s.
"""

import statistics
import time

import clients
import mail
from meter import Meter, Sample, tree_pss_kib
from procs import tree_pids, wait_for

SETTLE_S = 0.5
QUIET_TIMEOUT = 30.0


def wait_gateway_idle(gw):
    """Waits until the gateway's per-connection processes are gone."""
    wait_for(lambda: len(tree_pids(gw.proc.pid)) == 1, QUIET_TIMEOUT,
             f"{gw.name}'s sessions to end", gw.proc, step=0.02)


def memory_run(procs, keys, client, gw, users):
    """Sample: value gateway KiB per user, client_kib beside it."""
    wait_gateway_idle(gw)
    base = tree_pss_kib(gw.proc.pid)
    tunnels, pops = [], []
    try:
        for _ in range(users):
            t = clients.start_tunnel(procs, keys, client, gw, ("pop3",))
            tunnels.append(t)
            pops.append(mail.Pop3(t.ports["pop3"]))
            pops[-1].ok()
        time.sleep(SETTLE_S)
        total = tree_pss_kib(gw.proc.pid)
        client_kib = statistics.median(tree_pss_kib(t.proc.pid)
                                       for t in tunnels)
    finally:
        for p in pops:
            p.close()
        for t in tunnels:
            procs.stop(t.proc)
    return Sample((total - base) / users, 0.0, {}, client_kib=client_kib,
                  gateway_idle_kib=base, gateway_total_kib=total,
                  users=users)


def idle_run(procs, keys, client, gw, conns, seconds):
    """Sample: value CPU seconds of client + gateway trees over seconds."""
    wait_gateway_idle(gw)
    tunnel = clients.start_tunnel(procs, keys, client, gw, ("pop3",))
    pops = []
    try:
        for _ in range(conns):
            pops.append(mail.Pop3(tunnel.ports["pop3"]))
            pops[-1].ok()
        time.sleep(SETTLE_S)
        meter = Meter({"client": tunnel.proc.pid,
                       "gateway": gw.proc.pid}).start()
        time.sleep(seconds)
        wall, cpu = meter.stop()
    finally:
        for p in pops:
            p.close()
        procs.stop(tunnel.proc)
    return Sample(cpu["client"] + cpu["gateway"], wall, cpu,
                  connections=conns)
