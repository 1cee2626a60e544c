#!/usr/bin/env python3
"""pop3fetch: a real POP3 client (Python's poplib) for popgate's
integration tests and demo.

  pop3fetch.py greet --port P [--timeout S]
      waits until 127.0.0.1:P accepts and greets with "+OK"; exit 0, or 1
      at the deadline.
  pop3fetch.py fetch --port P --user U [--top] [--print] [--timeout S]
      reads the POP3 password from the first line of stdin (never argv),
      logs in (USER/PASS), runs LIST, UIDL and RETR for every message and
      QUITs without deleting anything. Prints one line per message:
      "N LIST-SIZE RETRIEVED-OCTETS SHA256 UIDL", the digest taken over
      the message as retrieved after undoing the dot-stuffing and putting
      back the CRLF line ends (RFC 1939 section 3). With --top it also
      runs TOP N 0 and TOP N 2 for each message, fails unless they are
      the header (and the first two body lines) of what RETR gave, and
      adds "top=OCTETS" (TOP N 0's size) to the line. With --print it
      shows each message under a short header instead.

Errors go to stderr as "pop3fetch: ..." with exit status 1.
"""

import argparse
import hashlib
import poplib
import socket
import sys
import time


def greet(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                line = s.makefile("rb").readline()
                if line.startswith(b"+OK"):
                    return 0
                if line:
                    print("pop3fetch: greeting: %r" % line, file=sys.stderr)
                    return 1
        except OSError:
            pass
        time.sleep(0.05)
    print("pop3fetch: no +OK on 127.0.0.1:%d" % port, file=sys.stderr)
    return 1


def retrieve(pop, num):
    _, lines, _ = pop.retr(num)
    # poplib strips each CRLF and removes the stuffed leading dot.
    return b"".join(line + b"\r\n" for line in lines)


def check_top(pop, num, data):
    """TOP num 0 and TOP num 2 against the RETR'd data (RFC 1939 section 7:
    the header, the blank line, then that many body lines)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise poplib.error_proto("message %d has no blank line" % num)
    head = data[:end + 4]
    body = data[end + 4:].split(b"\r\n")
    if body[-1] == b"":
        body.pop()  # the CRLF ending the last line starts no new one
    for lines in (0, 2):
        _, got, _ = pop.top(num, lines)
        got = b"".join(line + b"\r\n" for line in got)
        want = head + b"".join(line + b"\r\n" for line in body[:lines])
        if got != want:
            raise poplib.error_proto("TOP %d %d: %d octets, not the %d "
                                     "RETR %d starts with" %
                                     (num, lines, len(got), len(want), num))
    return len(head)


def show(num, size, data):
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    print("=" * 72)
    print("message %d (%d octets)" % (num, size))
    print("-" * 72)
    sys.stdout.write(text)
    if not text.endswith("\n"):
        print()


def fetch(port, user, timeout, printing, top):
    password = sys.stdin.readline().rstrip("\r\n")
    pop = poplib.POP3("127.0.0.1", port, timeout=timeout)
    try:
        pop.user(user)
        pop.pass_(password)
        _, listing, _ = pop.list()
        _, uidls, _ = pop.uidl()
        uid = dict(line.split(None, 1) for line in uidls)
        for entry in listing:
            num, size = entry.split()
            data = retrieve(pop, int(num))
            extra = ""
            if top:
                extra = " top=%d" % check_top(pop, int(num), data)
            if printing:
                show(int(num), int(size), data)
            else:
                print("%s %s %d %s %s%s" % (num.decode(), size.decode(),
                      len(data), hashlib.sha256(data).hexdigest(),
                      uid.get(num, b"-").decode(), extra))
            sys.stdout.flush()
    finally:
        try:
            pop.quit()
        except (OSError, poplib.error_proto):
            pass  # keep the first error, not the one quitting after it
    return 0


def main():
    ap = argparse.ArgumentParser(description="POP3 test client")
    ap.add_argument("mode", choices=("greet", "fetch"))
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--print", dest="printing", action="store_true")
    ap.add_argument("--top", action="store_true")
    args = ap.parse_args()
    try:
        if args.mode == "greet":
            return greet(args.port, args.timeout)
        return fetch(args.port, args.user, args.timeout, args.printing,
                     args.top)
    except (OSError, poplib.error_proto, EOFError) as e:
        print("pop3fetch: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
