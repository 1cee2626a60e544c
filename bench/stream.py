"""stream: one run of the throughput figures.

bulk: RETR of the 100 MiB message, sha256 checked (after the clock stops).
raw:  N bytes from the source backend (down) or into the sink (up).
Both return a Sample whose value is MiB/s; login and connection set-up
are not timed, only the transfer.
"""

import socket

import mail
from meter import Meter, Sample
from procs import BenchError

MIB = 1 << 20
CHUNK = 1 << 20
DATA = memoryview(bytes(range(256)) * (CHUNK // 256))


def bulk_run(port, expect, roots):
    """RETR 1 through port (a tunnel or Dovecot itself)."""
    p = mail.Pop3(port)
    try:
        p.ok()
        p.login()
        reply = mail.Reply(expect[0], p.buf)
        p.buf = b""
        meter = Meter(roots).start()
        p.sock.sendall(f"RETR {mail.BIG}\r\n".encode())
        mail.read_reply(p.sock, reply)
        wall, cpu = meter.stop()
        p.quit()
    finally:
        p.close()
    mail.check_message(reply, expect)
    return Sample(expect[0] / MIB / wall, wall, cpu)


def raw_run(port, nbytes, direction, roots):
    """nbytes one way through port (a tunnel or the sink itself)."""
    sock = socket.create_connection(("127.0.0.1", port), mail.IO_TIMEOUT)
    try:
        meter = Meter(roots).start()
        sock.sendall(f"{direction} {nbytes}\n".encode())
        if direction == "down":
            got = receive_all(sock)
        else:
            got = send_all(sock, nbytes)
        wall, cpu = meter.stop()
    finally:
        sock.close()
    if got != nbytes:
        raise BenchError(f"raw {direction}: moved {got} of {nbytes} bytes")
    return Sample(nbytes / MIB / wall, wall, cpu, bytes=nbytes)


def receive_all(sock):
    """Bytes read until the backend closes."""
    buf = bytearray(CHUNK)
    got = 0
    while True:
        n = sock.recv_into(buf)
        if n == 0:
            return got
        got += n


def send_all(sock, nbytes):
    """Sends nbytes, then the count the sink says it received."""
    left = nbytes
    while left > 0:
        left -= sock.send(DATA[:min(left, CHUNK)])
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = sock.recv(64)
        if not chunk:
            break
        reply += chunk
    verb, _, count = reply.decode().strip().partition(" ")
    return int(count) if verb == "ok" else -1
