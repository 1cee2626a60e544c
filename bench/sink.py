"""sink: the raw figure's plain TCP backend, a source and a sink.

    python3 sink.py PORT

Listens on 127.0.0.1:PORT and prints "ready" once bound. Each connection
sends one line: "down N" (the backend sends N bytes, then closes) or
"up N" (the backend reads N bytes, answers "ok N", then closes). One
thread per connection; 1 MiB buffers, so it stays far above any tunnel.
"""

import os
import socket
import sys
import threading

CHUNK = 1 << 20
DATA = memoryview(os.urandom(CHUNK))


def read_command(conn):
    line = b""
    while not line.endswith(b"\n") and len(line) < 64:
        c = conn.recv(1)
        if not c:
            return None, 0
        line += c
    verb, _, count = line.decode().strip().partition(" ")
    return verb, int(count)


def source(conn, n):
    while n > 0:
        sent = conn.send(DATA[:min(n, CHUNK)])
        n -= sent


def sink(conn, n):
    buf = bytearray(CHUNK)
    got = 0
    while got < n:
        k = conn.recv_into(buf, min(CHUNK, n - got))
        if k == 0:
            break
        got += k
    conn.sendall(f"ok {got}\n".encode())


def serve(conn):
    with conn:
        try:
            verb, n = read_command(conn)
            if verb == "down":
                source(conn, n)
            elif verb == "up":
                sink(conn, n)
            conn.shutdown(socket.SHUT_WR)
        except (OSError, ValueError):
            pass


def main():
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", int(sys.argv[1])))
    lsock.listen(256)
    print("ready", flush=True)
    while True:
        conn, _ = lsock.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
