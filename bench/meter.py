"""meter: wall time, and the CPU and memory of process trees (/proc).

A Sample is one run of one figure for one side: its value plus, per role
("client", "gateway", "backend", "mua"), the CPU seconds that tree used.
"mua" is this benchmark process, which plays the mail client; "other" is
what the whole machine was busy with beyond those trees (other programs,
kernel work charged to no process): a high figure means the run was
disturbed.
"""

import os
import resource
import time

from procs import stat_fields, tree_pids

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _schedstat_s(pid):
    """On-CPU seconds of pid's main thread, in ns precision."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def proc_cpu(pid):
    """CPU seconds of one process and of the children it has reaped.
    /proc/PID/stat counts whole 10 ms ticks per process, which loses most
    of what many short sessions use (100 POP3 processes at 2 ms each read
    as 0): a single-threaded process is read from schedstat instead.
    Reaped children are summed before the kernel rounds them to ticks."""
    f = stat_fields(pid)
    own = (int(f[11]) + int(f[12])) / CLK_TCK
    if int(f[17]) == 1:             # num_threads: schedstat is the process
        try:
            own = max(own, _schedstat_s(pid))
        except (OSError, ValueError, IndexError):
            pass
    return own + (int(f[13]) + int(f[14])) / CLK_TCK


def tree_cpu(root):
    """CPU seconds of root's tree: every live process plus the children
    each has reaped; 0 if root is gone."""
    total = 0.0
    for pid in tree_pids(root):
        try:
            total += proc_cpu(pid)
        except (OSError, IndexError):
            continue
    return total


def tree_pss_kib(root):
    """Sum of Pss over root's live tree, from /proc/PID/smaps_rollup."""
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def machine_busy():
    """CPU seconds all cores spent busy since boot (/proc/stat: all but
    idle and iowait), the kernel's network work included."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLK_TCK


def self_cpu():
    """CPU seconds of this (benchmark, MUA) process, every thread."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Sample(dict):
    """value, wall (s), cpu {role: seconds}, and any extra fields."""

    def __init__(self, value, wall, cpu, **extra):
        super().__init__(value=value, wall=wall, cpu=cpu, **extra)


class Meter:
    """Snapshot at start(), deltas at stop(). roots: {role: pid or None};
    a pid's tree CPU includes children it has reaped. reaped_role names
    the role of the short-lived processes this process starts and reaps
    during the run (the clients of the setup and handshake figures)."""

    def __init__(self, roots, reaped_role=None):
        self.roots = {role: pid for role, pid in roots.items()
                      if pid is not None}
        self.reaped_role = reaped_role
        self.t0 = None
        self.cpu0 = None

    def _cpu(self):
        cpu = {role: tree_cpu(pid) for role, pid in self.roots.items()}
        cpu["mua"] = self_cpu()
        cpu["all"] = machine_busy()
        if self.reaped_role is not None:
            ru = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[self.reaped_role] = ru.ru_utime + ru.ru_stime
        return cpu

    def start(self):
        self.cpu0 = self._cpu()
        self.t0 = time.perf_counter()
        return self

    def stop(self):
        """(wall seconds, {role: CPU seconds})."""
        wall = time.perf_counter() - self.t0
        cpu1 = self._cpu()
        cpu = {k: max(0.0, cpu1[k] - self.cpu0[k]) for k in cpu1}
        busy = cpu.pop("all")
        cpu["other"] = max(0.0, busy - sum(cpu.values()))
        return wall, cpu


def roots(tunnel=None, gateway=None, backend=None):
    """The roots a Meter watches for a tunnel, its gateway and backend."""
    return {"client": tunnel.proc.pid if tunnel else None,
            "gateway": gateway.proc.pid if gateway else None,
            "backend": backend.proc.pid if backend else None}
