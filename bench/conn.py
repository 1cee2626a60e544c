"""conn: one run of the connection figures.

latency:     sequential MUA connections through an established tunnel,
             connect() to the whole POP3 greeting.
setup:       client process start to the first greeting, fresh tunnel.
concurrency: 100 RETRs of the 1 MiB message at once, one SSH session.
handshakes:  whole SSH connections per second from 4 parallel clients.
"""

import selectors
import statistics
import threading
import time

import clients
import mail
from meter import Meter, Sample
from procs import BenchError


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def latency_run(port, count, roots):
    """count greetings in a row; value is the median in ms, p99 beside."""
    meter = Meter(roots).start()
    times = [mail.greeting_time(port) * 1000 for _ in range(count)]
    wall, cpu = meter.stop()
    return Sample(statistics.median(times), wall, cpu,
                  p99=percentile(times, 99), samples=len(times))


def setup_run(procs, keys, client, gw, roots):
    """One fresh client: spawn to greeting, in ms."""
    meter = Meter(roots, reaped_role="client").start()
    elapsed = clients.time_setup(procs, keys, client, gw)
    wall, cpu = meter.stop()
    return Sample(elapsed * 1000, wall, cpu)


def concurrency_run(port, count, expect, roots):
    """count logged-in connections RETR message 2 at once; value is the
    wall time in ms from the first RETR sent to the last reply read.
    Connecting and logging in are not timed."""
    pops = []
    try:
        for _ in range(count):
            p = mail.Pop3(port)
            pops.append(p)
            p.ok()
            p.login()
        replies = [mail.Reply(expect[0], p.buf) for p in pops]
        meter = Meter(roots).start()
        retr_all(pops, replies)
        wall, cpu = meter.stop()
        for p in pops:
            p.quit()
    finally:
        for p in pops:
            p.close()
    for reply in replies:
        mail.check_message(reply, expect)
    return Sample(wall * 1000, wall, cpu, connections=count)


def retr_all(pops, replies):
    """Sends RETR on every connection, then reads all replies as they
    come into replies (one Reply per connection), on one thread."""
    by_sock = {p.sock: r for p, r in zip(pops, replies)}
    sel = selectors.DefaultSelector()
    try:
        for p in pops:
            p.buf = b""
            p.sock.sendall(f"RETR {mail.SMALL}\r\n".encode())
            p.sock.setblocking(False)
            sel.register(p.sock, selectors.EVENT_READ)
        read_all(sel, by_sock, len(pops))
    finally:
        sel.close()
        for p in pops:
            p.sock.setblocking(True)


def read_all(sel, replies, pending):
    """Feeds each ready socket's Reply until pending replies are whole."""
    deadline = time.monotonic() + mail.IO_TIMEOUT
    while pending:
        if time.monotonic() > deadline:
            raise BenchError(f"concurrency: {pending} RETRs unfinished")
        for key, _ in sel.select(1.0):
            try:
                done = replies[key.fileobj].feed(key.fileobj)
            except BlockingIOError:
                continue
            if done:
                sel.unregister(key.fileobj)
                pending -= 1


def handshake_run(procs, keys, client, gw, total, parallel, roots):
    """total handshakes by parallel workers; value is handshakes/s, and
    gateway and client CPU ms per handshake beside it."""
    errors = []
    left = [total]
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                clients.handshake(procs, keys, client, gw)
            except BenchError as e:
                errors.append(e)
                stop.set()

    meter = Meter(roots, reaped_role="client").start()
    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop.set()              # on an interrupt too: no new handshakes
        for t in threads:
            if t.is_alive():
                t.join()
    wall, cpu = meter.stop()
    if errors:
        raise errors[0]
    return Sample(total / wall, wall, cpu,
                  gateway_ms_per=cpu.get("gateway", 0) * 1000 / total,
                  client_ms_per=cpu.get("client", 0) * 1000 / total)
