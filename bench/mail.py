"""mail: the benchmark's Maildir (a 100 MiB and a 1 MiB message) and a
minimal POP3 client that times what it reads.

The messages are base64 text of random bytes in CRLF lines: incompressible,
and no line starts with '.', so Dovecot sends them byte for byte.
"""

import base64
import hashlib
import os
import socket
import time

from procs import BenchError

USER = "bench"
PASSWORD = "bench"
BIG = 1        # message numbers, in delivery order
SMALL = 2
CHUNK = 1 << 20
IO_TIMEOUT = 60.0


def make_message(size, subject):
    """A CRLF message of exactly size bytes."""
    head = (f"From: bench <bench@popgate.invalid>\r\nTo: bench\r\n"
            f"Subject: {subject}\r\n\r\n").encode()
    nlines = (size - len(head) - 2) // 78       # 76 characters + CRLF
    body = base64.encodebytes(os.urandom(nlines * 57)).replace(b"\n", b"\r\n")
    pad = size - len(head) - len(body)          # 2..79: one last line
    return head + body + b"x" * (pad - 2) + b"\r\n"


def make_maildir(root, sizes):
    """Delivers one message per size into root/Maildir/new, in order.
    Returns [(size, sha256 hex)] by message number - 1."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, "Maildir", sub), exist_ok=True)
    out = []
    for i, size in enumerate(sizes, 1):
        msg = make_message(size, f"message {i} ({size} bytes)")
        name = f"{1700000000 + i}.M{i}P{os.getpid()}.bench"
        with open(os.path.join(root, "Maildir", "new", name), "wb") as f:
            f.write(msg)
        out.append((len(msg), hashlib.sha256(msg).hexdigest()))
    return out


class Pop3:
    """One POP3 connection; every wait is bounded by IO_TIMEOUT."""

    def __init__(self, port, timeout=IO_TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise BenchError(f"POP3: connection closed; got {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def ok(self, command=None):
        if command is not None:
            self.sock.sendall(command.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise BenchError(f"POP3 {command or 'greeting'}: {reply!r}")
        return reply

    def login(self):
        self.ok(f"USER {USER}")
        self.ok(f"PASS {PASSWORD}")

    def quit(self):
        try:
            self.ok("QUIT")
        finally:
            self.close()


def greeting_time(port):
    """Seconds from connect() to a whole +OK greeting; then QUIT."""
    t0 = time.perf_counter()
    p = Pop3(port)
    try:
        p.ok()
        t = time.perf_counter() - t0
        p.sock.sendall(b"QUIT\r\n")
        p.line()
    finally:
        p.close()
    return t


class Reply:
    """A buffer for one multi-line reply (RETR), allocated and touched
    before the clock starts, so a timed read only copies into it."""

    def __init__(self, size, pending=b""):
        self.buf = bytearray(size + size // 16 + 4096)   # zero-filled
        self.view = memoryview(self.buf)
        self.buf[:len(pending)] = pending
        self.pos = len(pending)

    def done(self):
        return self.pos >= 5 and self.buf[self.pos - 5:self.pos] == \
            b"\r\n.\r\n"

    def feed(self, sock):
        """One recv into the buffer; True once the final '.' is in."""
        if self.pos == len(self.buf):
            raise BenchError(f"POP3 RETR: reply larger than {self.pos} "
                             "bytes")
        n = sock.recv_into(self.view[self.pos:self.pos + CHUNK])
        if n == 0:
            raise BenchError(f"POP3 RETR: closed after {self.pos} bytes")
        self.pos += n
        return self.done()

    def data(self):
        """The bytes read, status line and final '.' included."""
        return self.view[:self.pos]


def read_reply(sock, reply):
    """Reads until reply is complete; returns reply."""
    while not reply.done():
        reply.feed(sock)
    return reply


def unstuff(reply):
    """The message inside a RETR Reply: status line, final '.' and dot
    stuffing removed (RFC 1939 section 3)."""
    status, body = bytes(reply.data()).split(b"\r\n", 1)
    if not status.startswith(b"+OK"):
        raise BenchError(f"POP3 RETR: {status!r}")
    body = body[:-3]
    if body.startswith(b".."):
        body = body[1:]
    return body.replace(b"\r\n..", b"\r\n.")


def check_message(reply, expect):
    """BenchError unless the RETR Reply holds exactly the expected
    message."""
    size, digest = expect
    msg = unstuff(reply)
    if len(msg) != size or hashlib.sha256(msg).hexdigest() != digest:
        raise BenchError(f"RETR: got {len(msg)} bytes, sha256 "
                         f"{hashlib.sha256(msg).hexdigest()[:16]}..., "
                         f"expected {size} bytes, {digest[:16]}...")
