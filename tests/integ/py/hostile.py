#!/usr/bin/python3
"""hostile.py: SSH clients that misbehave on purpose, for check_hostile.c
and check_algos.c. Each probe connects to popgated on 127.0.0.1:PORT,
does what no well-behaved client does (raw packets through paramiko's
transport after key exchange, or raw bytes before it) and checks what it
gets back. One line per check, "ok: ..." or "FAIL: ...", on stdout; exit
status 0 only when every check passed. The C test checks popgated's side
(its log, that it stays up, what reached the fake backend).

Run with Debian's /usr/bin/python3, where python3-paramiko is installed.
Every wait is bounded (TIMEOUT); the password, when one is needed, comes
on stdin so that it is never on a command line.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

import paramiko
from paramiko.common import (
    MSG_CHANNEL_OPEN_FAILURE,
    MSG_SERVICE_ACCEPT,
    MSG_USERAUTH_FAILURE,
    MSG_USERAUTH_PK_OK,
    MSG_USERAUTH_SUCCESS,
    cMSG_CHANNEL_DATA,
    cMSG_CHANNEL_OPEN,
    cMSG_CHANNEL_REQUEST,
    cMSG_IGNORE,
    cMSG_SERVICE_REQUEST,
    cMSG_USERAUTH_REQUEST,
    cMSG_USERAUTH_SUCCESS,
)
from paramiko.message import Message

SLOW = int(os.environ.get("HARNESS_SLOW", "1"))   # as the harness's
TIMEOUT = 30.0 * SLOW   # any single wait
BIG = 64 * 1024         # over-long user names and passwords
HUGE = 300 * 1024       # over libssh's 256 KiB packet limit
STRICT_C = "kex-strict-c-v00@openssh.com"

failures = 0


def ok(what):
    print("ok: " + what, flush=True)


def fail(what):
    global failures
    failures += 1
    print("FAIL: " + what, flush=True)


def check(cond, what):
    if cond:
        ok(what)
    else:
        fail(what)


class Gate:
    """Where popgated is and who may log in."""

    def __init__(self, args):
        self.port = args.port
        self.user = args.user
        self.key = paramiko.Ed25519Key.from_private_key_file(args.key) \
            if args.key else None
        self.password = sys.stdin.readline().rstrip("\n") \
            if args.password_stdin else None
        with open(args.hostkey) as f:
            words = f.read().split()
        self.hostkey = (words[0], words[1])

    def sock(self):
        return socket.create_connection(("127.0.0.1", self.port),
                                        timeout=TIMEOUT)

    def transport(self, strict=False, reset=False):
        """Key exchange done, host key checked. strict: offer strict kex;
        reset: reset the sequence numbers at NEWKEYS as it requires."""
        t = paramiko.Transport(self.sock())
        t.banner_timeout = TIMEOUT
        t.auth_timeout = TIMEOUT
        if strict:
            t._preferred_kex = tuple(t._preferred_kex) + (STRICT_C,)
        if reset:
            reset_seqno_at_newkeys(t)
        keep_refusals(t)
        t.start_client(timeout=TIMEOUT)
        key = t.get_remote_server_key()
        if (key.get_name(), key.get_base64()) != self.hostkey:
            t.close()
            raise RuntimeError("host key mismatch")
        return t

    def login(self, t):
        if self.key is not None:
            t.auth_publickey(self.user, self.key)
        else:
            t.auth_password(self.user, self.password)
        if not t.is_authenticated():
            raise RuntimeError("legitimate login failed")


def reset_seqno_at_newkeys(t):
    """Strict kex (OpenSSH PROTOCOL, "kex-strict"): both sequence numbers
    restart at 0 after NEWKEYS. paramiko 2.12 predates it: done here."""
    pk = t.packetizer
    set_out, set_in = pk.set_outbound_cipher, pk.set_inbound_cipher

    def out(*a, **kw):
        set_out(*a, **kw)
        pk._Packetizer__sequence_number_out = 0

    def inb(*a, **kw):
        set_in(*a, **kw)
        pk._Packetizer__sequence_number_in = 0

    pk.set_outbound_cipher, pk.set_inbound_cipher = out, inb


def record_replies(t, codes):
    """Routes the server's replies of these message types to a list."""
    seen = []
    table = t._handler_table
    for code in codes:
        table[code] = (lambda self, m, code=code: seen.append(code))
    t._handler_table = table
    return seen


def wait_until(cond, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def open_raw(t, kind, fields):
    """CHANNEL_OPEN of any kind with any type-specific fields (a function
    adding them to the message). The channel, or the exception."""
    t.lock.acquire()
    try:
        chanid = t._next_channel()
        m = Message()
        m.add_byte(cMSG_CHANNEL_OPEN)
        m.add_string(kind)
        m.add_int(chanid)
        m.add_int(2 * 1024 * 1024)
        m.add_int(32768)
        fields(m)
        chan = paramiko.Channel(chanid)
        t._channels.put(chanid, chan)
        t.channel_events[chanid] = event = threading.Event()
        t.channels_seen[chanid] = True
        chan._set_transport(t)
        chan._set_window(2 * 1024 * 1024, 32768)
    finally:
        t.lock.release()
    t._send_user_message(m)
    if not event.wait(TIMEOUT):
        return TimeoutError("no answer to CHANNEL_OPEN " + kind)
    chan = t._channels.get(chanid)
    if chan is not None:
        return chan
    if chanid in t.popgate_refusals:
        return t.popgate_refusals[chanid]
    return t.get_exception() or paramiko.SSHException("open failed")


def keep_refusals(t):
    """CHANNEL_OPEN_FAILURE per channel: paramiko keeps only the last one
    (saved_exception), which concurrent opens would race for."""
    t.popgate_refusals = {}
    table = dict(t._handler_table)
    orig = table[MSG_CHANNEL_OPEN_FAILURE]

    def failure(self, m):
        chanid, code = m.get_int(), m.get_int()
        self.popgate_refusals[chanid] = paramiko.ChannelException(
            code, m.get_text())
        m.rewind()
        orig(self, m)

    table[MSG_CHANNEL_OPEN_FAILURE] = failure
    t._handler_table = table


def tcpip_fields(host, port):
    def add(m):
        m.add_string(host)
        m.add_int(port)
        m.add_string("127.0.0.1")
        m.add_int(40000)
    return add


def open_forward(t, host, port):
    return open_raw(t, "direct-tcpip", tcpip_fields(host, port))


def read_greeting(chan):
    chan.settimeout(TIMEOUT)
    data = b""
    try:
        while not data.endswith(b"\n") and len(data) < 512:
            got = chan.recv(512)
            if not got:
                break
            data += got
    except socket.timeout:
        pass
    return data


def legit(g, t=None):
    """A real user after the hostile one: login, pop3:110, "+OK"."""
    own = t is None
    try:
        if own:
            t = g.transport()
            g.login(t)
        chan = open_forward(t, "pop3", 110)
        if isinstance(chan, Exception):
            fail("legitimate pop3:110 channel refused: %r" % (chan,))
            return
        line = read_greeting(chan)
        check(line.startswith(b"+OK"), "legitimate user reads the "
              "backend's greeting through pop3:110 (%r)" % line[:40])
        chan.close()
    except Exception as e:
        fail("legitimate user: %r" % (e,))
    finally:
        if own and t is not None:
            t.close()


# ---- forwarding

def probe_forward_targets(g, args):
    """Each target given (HOST:PORT, split at the last ':') on one
    logged-in session ("@long" as HOST: 64 KiB of it): only pop3:110 may
    open. libssh 0.10 keeps the low
    16 bits of the port it is sent, so pop3:65646 is pop3:110 by the time
    popgated sees it: it may open, to pop3:110's backend and nowhere else
    (the C test counts what reached that backend)."""
    t = g.transport()
    g.login(t)
    for target in args.args:
        host, _, port = target.rpartition(":")
        port = int(port)
        if host == "@long":
            host = "h" * BIG
        allowed = host.lower() == "pop3" and port % 65536 == 110
        chan = open_forward(t, host, port)
        if isinstance(chan, paramiko.Channel):
            line = read_greeting(chan)
            check(allowed and line.startswith(b"+OK"), "direct-tcpip to "
                  "%r port %d opened (%r)" % (host[:60], port, line[:40]))
            chan.close()
        elif isinstance(chan, paramiko.ChannelException):
            check(not allowed, "direct-tcpip to %r port %d refused (%d %s)"
                  % (host[:60], port, chan.code, chan.text))
        else:
            fail("direct-tcpip to %r: %r" % (host[:60], chan))
    legit(g, t)
    t.close()


# ---- session requests

def chan_request(t, chan, name, fields=None, want_reply=True):
    """A CHANNEL_REQUEST; True when granted, False when refused (or the
    channel closed), None when no answer came."""
    chan._event_pending()
    m = Message()
    m.add_byte(cMSG_CHANNEL_REQUEST)
    m.add_int(chan.remote_chanid)
    m.add_string(name)
    m.add_boolean(want_reply)
    if fields is not None:
        fields(m)
    t._send_user_message(m)
    if not want_reply:
        return None
    if not chan.event.wait(TIMEOUT):
        return None
    return chan.event_ready and not chan.closed


def session_channel(t):
    chan = open_raw(t, "session", lambda m: None)
    if isinstance(chan, Exception):
        raise RuntimeError("session channel refused: %r" % (chan,))
    return chan


def pty_fields(m):
    m.add_string("xterm")
    for n in (80, 24, 0, 0):
        m.add_int(n)
    m.add_string(b"")


def x11_fields(m):
    m.add_boolean(False)
    m.add_string("MIT-MAGIC-COOKIE-1")
    m.add_string("0123456789abcdef0123456789abcdef")
    m.add_int(0)


REFUSED_REQUESTS = [
    ("pty-req", pty_fields),
    ("x11-req", x11_fields),
    ("auth-agent-req@openssh.com", None),
    ("env", lambda m: (m.add_string("LD_PRELOAD"), m.add_string("/x.so"))),
    ("window-change", lambda m: [m.add_int(n) for n in (80, 24, 0, 0)]),
    ("xon-xoff", lambda m: m.add_boolean(True)),
    ("break", lambda m: m.add_int(1000)),
    ("popgate-unknown@example.org", None),
]

# Sent without want_reply, as RFC 4254 has them (libssh answers neither).
UNANSWERED_REQUESTS = [
    ("signal", lambda m: m.add_string("KILL")),
    ("exit-status", lambda m: m.add_int(0)),
    ("exit-signal", lambda m: (m.add_string("KILL"), m.add_boolean(False),
                               m.add_string(""), m.add_string(""))),
]

RUN_REQUESTS = [
    ("shell", None),
    ("exec", lambda m: m.add_string("cat /etc/shadow")),
    ("subsystem", lambda m: m.add_string("sftp")),
]


def run_request(t, name, fields):
    """shell, exec, subsystem: popgated answers like a forced command that
    prints why and exits 1; nothing runs."""
    chan = session_channel(t)
    chan.settimeout(TIMEOUT)
    granted = chan_request(t, chan, name, fields)
    err = b""
    try:
        while True:
            got = chan.recv_stderr(1024)
            if not got:
                break
            err += got
    except socket.timeout:
        pass
    status = chan.recv_exit_status() if chan.status_event.wait(TIMEOUT) \
        else None
    check(b"this gateway only forwards" in err and status == 1,
          "%s: told %r, exit status %r (granted: %r)" % (
              name, err.strip()[:60], status, granted))
    chan.close()


def probe_session_requests(g, args):
    t = g.transport()
    g.login(t)
    for name, fields in REFUSED_REQUESTS:
        chan = session_channel(t)
        got = chan_request(t, chan, name, fields)
        check(got is False, "channel request %s refused (%r)" % (name, got))
        chan.close()
    for name, fields in UNANSWERED_REQUESTS:
        chan = session_channel(t)
        chan_request(t, chan, name, fields, want_reply=False)
        got = chan_request(t, chan, "pty-req", pty_fields)
        check(got is False and t.is_active(), "%s: nothing granted, the "
              "next request still refused (%r)" % (name, got))
        chan.close()
    for name, fields in RUN_REQUESTS:
        run_request(t, name, fields)
    for kind, data in [
            ("tcpip-forward", ("127.0.0.1", 0)),
            ("tcpip-forward", ("0.0.0.0", 2525)),
            ("cancel-tcpip-forward", ("127.0.0.1", 2525)),
            ("streamlocal-forward@openssh.com", ("/tmp/popgate-hostile",)),
            ("cancel-streamlocal-forward@openssh.com",
             ("/tmp/popgate-hostile",)),
            ("popgate-unknown@example.org", None)]:
        got = t.global_request(kind, data, wait=True)
        check(got is None, "global request %s %r refused" % (kind, data))
    for kind, fields in [
            ("x11", lambda m: (m.add_string("127.0.0.1"), m.add_int(6010))),
            ("auth-agent@openssh.com", lambda m: None),
            ("direct-streamlocal@openssh.com",
             lambda m: (m.add_string("/run/dovecot/auth-master"),
                        m.add_string(""), m.add_int(0))),
            ("forwarded-tcpip", tcpip_fields("127.0.0.1", 110)),
            ("forwarded-streamlocal@openssh.com",
             lambda m: (m.add_string("/tmp/x"), m.add_string(""))),
            ("tun@openssh.com", lambda m: (m.add_int(1), m.add_int(0))),
            ("popgate-unknown@example.org", lambda m: None)]:
        chan = open_raw(t, kind, fields)
        check(isinstance(chan, paramiko.ChannelException),
              "channel open %s refused (%r)" % (kind, chan))
    legit(g, t)
    t.close()


# ---- authentication

def expect_denied(g, what, user, password=None, none=False):
    t = g.transport()
    try:
        if none:
            t.auth_none(user)
        else:
            t.auth_password(user, password)
        fail("%s: logged in" % what)
    except paramiko.BadAuthenticationType as e:
        check(not t.is_authenticated() and "none" not in e.allowed_types,
              "%s: denied, methods offered %r" % (what, e.allowed_types))
    except paramiko.AuthenticationException as e:
        check(not t.is_authenticated(), "%s: denied (%s)" % (what, e))
    except Exception as e:
        fail("%s: %r" % (what, e))
    finally:
        t.close()


def probe_auth(g, args):
    expect_denied(g, "none", g.user, none=True)
    expect_denied(g, "empty password", g.user, "")
    expect_denied(g, "64 KiB user name", "u" * BIG, g.password)
    expect_denied(g, "64 KiB password", g.user, "p" * BIG)
    expect_denied(g, "user name with control bytes", "alice\r\nroot",
                  g.password)
    legit(g)


def userauth_password(user, password):
    m = Message()
    m.add_byte(cMSG_USERAUTH_REQUEST)
    m.add_string(user)
    m.add_string("ssh-connection")
    m.add_string("password")
    m.add_boolean(False)
    m.add_string(password)
    return m


def service_request(name):
    m = Message()
    m.add_byte(cMSG_SERVICE_REQUEST)
    m.add_string(name)
    return m


def probe_maxauth(g, args):
    """MaxAuthTries wrong passwords, then the right one, all sent at once
    without waiting: the right one must not log in."""
    tries = int(args.args[0])
    t = g.transport()
    seen = record_replies(t, (MSG_SERVICE_ACCEPT, MSG_USERAUTH_SUCCESS,
                              MSG_USERAUTH_FAILURE))
    t._send_message(service_request("ssh-userauth"))
    for i in range(tries):
        t._send_message(userauth_password(g.user, "wrong-%d" % i))
    for i in range(3):
        t._send_message(userauth_password(g.user, g.password))
    closed = wait_until(lambda: not t.is_active())
    check(MSG_USERAUTH_SUCCESS not in seen, "no USERAUTH_SUCCESS after %d "
          "failures (replies %r)" % (tries, seen))
    check(closed, "popgated hung up after MaxAuthTries")
    opened = open_forward(t, "pop3", 110) if t.is_active() else None
    check(not isinstance(opened, paramiko.Channel), "no channel after that")
    t.close()
    legit(g)


def probe_preauth(g, args):
    """Channels before authentication, CVE-2018-10933 style and others."""
    cases = [
        ("channel open before any auth", []),
        ("client-sent USERAUTH_SUCCESS, then a channel (CVE-2018-10933)",
         ["success"]),
        ("USERAUTH_SUCCESS after the ssh-userauth service", ["service",
                                                            "success"]),
        ("ssh-connection service without auth", ["connection"]),
        ("publickey probe (no signature) taken for a login", ["service",
                                                              "probe"]),
    ]
    for what, steps in cases:
        t = g.transport()
        seen = record_replies(t, (MSG_SERVICE_ACCEPT, MSG_USERAUTH_SUCCESS,
                                  MSG_USERAUTH_FAILURE, MSG_USERAUTH_PK_OK))
        try:
            preauth_steps(g, t, steps, seen)
            chan = open_forward(t, "pop3", 110) if t.is_active() else None
        except (EOFError, OSError, paramiko.SSHException) as e:
            chan = e            # popgated hung up under us: no channel
        check(not isinstance(chan, paramiko.Channel),
              "%s: no channel (%r; replies %r)" % (what, chan, seen))
        try:
            got = (t.global_request("tcpip-forward", ("127.0.0.1", 0), True)
                   if t.is_active() else None)
        except (EOFError, OSError, paramiko.SSHException):
            got = None
        check(got is None, "%s: no tcpip-forward either" % what)
        t.close()
    legit(g)


def preauth_steps(g, t, steps, seen):
    """The messages of one probe_preauth case, in order. Sending may fail
    once popgated has hung up; the caller takes that as a refusal."""
    for step in steps:
        if step == "success":
            m = Message()
            m.add_byte(cMSG_USERAUTH_SUCCESS)
            t._send_message(m)
        elif step == "service":
            t._send_message(service_request("ssh-userauth"))
            wait_until(lambda: MSG_SERVICE_ACCEPT in seen, 10 * SLOW)
        elif step == "connection":
            t._send_message(service_request("ssh-connection"))
        elif step == "probe":
            m = Message()
            m.add_byte(cMSG_USERAUTH_REQUEST)
            m.add_string(g.user)
            m.add_string("ssh-connection")
            m.add_string("publickey")
            m.add_boolean(False)
            m.add_string(g.key.get_name())
            m.add_string(g.key.asbytes())
            t._send_message(m)
            wait_until(lambda: MSG_USERAUTH_PK_OK in seen, 10 * SLOW)


# ---- transport layer

def raw_exchange(g, data, what):
    """Sends data right after connecting; the server must close."""
    s = g.sock()
    got = b""
    try:
        s.sendall(data)
    except OSError:
        pass                    # closed while we were still sending
    end = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < end:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        else:
            fail("%s: connection still open after %.0f s" % (what, TIMEOUT))
            return
    except socket.timeout:
        fail("%s: connection still open after %.0f s" % (what, TIMEOUT))
        return
    except OSError:
        pass                    # a reset is a close too
    finally:
        s.close()
    ok("%s: closed by popgated (it sent %r)" % (what, got[:40]))


def packet(payload, length=None):
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    n = len(payload) + pad + 1 if length is None else length
    return struct.pack(">IB", n, pad) + payload + os.urandom(pad)


def probe_banners(g, args):
    raw_exchange(g, b"GET / HTTP/1.0\r\n\r\n", "HTTP request as banner")
    raw_exchange(g, b"A" * BIG, "64 KiB banner without a line end")
    raw_exchange(g, b"SSH-2.0-" + b"x" * 300 + b"\r\n", "300-byte version")
    raw_exchange(g, b"SSH-1.5-ancient\r\n", "SSH-1.5 version")
    raw_exchange(g, b"SSH-2.0-nul\x00byte\r\n" + b"\x00" * 64,
                 "NUL in the version, then NULs")
    raw_exchange(g, b"\xff\xfe\x00\x01" * 1024, "binary garbage")
    legit(g)


def probe_oversized(g, args):
    banner = b"SSH-2.0-hostile\r\n"
    raw_exchange(g, banner + struct.pack(">I", 256 * 1024 + 1) + b"x" * 64,
                 "packet_length 256 KiB + 1 before key exchange")
    raw_exchange(g, banner + struct.pack(">I", 0xffffffff) + b"x" * 64,
                 "packet_length 4 GiB - 1 before key exchange")
    raw_exchange(g, banner + packet(b"\x14" + b"k" * (HUGE - 1)),
                 "300 KiB KEXINIT")
    raw_exchange(g, banner + struct.pack(">I", 0) + b"x" * 64,
                 "packet_length 0")
    for what, authed in (("300 KiB IGNORE after key exchange", False),
                         ("300 KiB IGNORE after login", True)):
        t = g.transport()
        if authed:
            g.login(t)
        m = Message()
        m.add_byte(cMSG_IGNORE)
        m.add_string(b"i" * HUGE)
        try:
            t._send_message(m)
        except Exception:
            pass
        check(wait_until(lambda: not t.is_active()),
              "%s: popgated hung up" % what)
        t.close()
    legit(g)


def probe_data_after_eof(g, args):
    """EOF on a tunnel, then more data on it: none of it may reach the
    backend, and the session goes on."""
    t = g.transport()
    g.login(t)
    chan = open_forward(t, "pop3", 110)
    if isinstance(chan, Exception):
        fail("pop3:110 refused: %r" % (chan,))
        return
    line = read_greeting(chan)
    check(line.startswith(b"+OK"), "greeting before EOF (%r)" % line[:40])
    chan.sendall(b"NOOP before-eof\r\n")
    chan.shutdown_write()

    def after_eof(text):
        m = Message()
        m.add_byte(cMSG_CHANNEL_DATA)
        m.add_int(chan.remote_chanid)
        m.add_string(text)
        t._send_user_message(m)

    # Right behind the EOF (most likely read together with it), then
    # once popgated has surely seen the EOF on its own.
    for i in range(3):
        after_eof(b"AFTER-EOF %d\r\n" % i)
    time.sleep(1)
    after_eof(b"AFTER-EOF late\r\n")
    time.sleep(0.5)
    check(t.is_active(), "session still up after data past EOF")
    chan.close()
    legit(g, t)
    t.close()


def probe_channel_flood(g, args):
    """More direct-tcpip opens than ChannelsPerSession, all at once."""
    limit, n = int(args.args[0]), int(args.args[1])
    t = g.transport()
    g.login(t)
    results = [None] * n
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(
        i, open_forward(t, "pop3", 110))) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(TIMEOUT * 2)
    opened = [c for c in results if isinstance(c, paramiko.Channel)]
    refused = [c for c in results if isinstance(c, paramiko.ChannelException)]
    check(len(opened) == limit and len(refused) == n - limit,
          "%d opens at once: %d opened, %d refused (limit %d; others %r)" % (
              n, len(opened), len(refused), limit,
              [c for c in results if c not in opened and c not in refused]))
    for chan in opened:
        chan.close()
    # Closed tunnels free their slots: a new one opens again.
    again = None
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        again = open_forward(t, "pop3", 110)
        if isinstance(again, paramiko.Channel):
            break
        time.sleep(0.2)
    check(isinstance(again, paramiko.Channel), "a slot frees up after the "
          "tunnels close (%r)" % (again,))
    if isinstance(again, paramiko.Channel):
        again.close()
    t.close()
    legit(g)


# ---- key exchange

def probe_strict_kex(g, args):
    """The server resets its sequence numbers at NEWKEYS exactly when the
    client offers strict kex (Terrapin, CVE-2023-48795): a client that
    offers it and resets too talks on; one that offers it but keeps
    counting cannot (its MACs no longer match); one that does not offer
    it talks on without resetting."""
    for what, strict, reset, works in (
            ("strict kex offered, sequence numbers reset", True, True, True),
            ("strict kex offered, sequence numbers kept", True, False, False),
            ("strict kex not offered, numbers kept", False, False, True)):
        t = None
        try:
            t = g.transport(strict=strict, reset=reset)
            t.auth_none(g.user)
            talked = False
        except paramiko.BadAuthenticationType:
            talked = True       # a real answer came back through the MACs
        except Exception:
            talked = False
        finally:
            if t is not None:
                t.close()
        check(talked == works, "%s: %s" % (
            what, "talks" if talked else "cannot talk"))


PROBES = {
    "legit": lambda g, a: legit(g),
    "forward-targets": probe_forward_targets,
    "session-requests": probe_session_requests,
    "auth": probe_auth,
    "maxauth": probe_maxauth,
    "preauth": probe_preauth,
    "banners": probe_banners,
    "oversized": probe_oversized,
    "data-after-eof": probe_data_after_eof,
    "channel-flood": probe_channel_flood,
    "strict-kex": probe_strict_kex,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--hostkey", required=True, help="popgated's .pub")
    ap.add_argument("--user", default="alice")
    ap.add_argument("--key", help="the user's private key")
    ap.add_argument("--password-stdin", action="store_true")
    ap.add_argument("probe", choices=sorted(PROBES))
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()
    g = Gate(args)
    try:
        PROBES[args.probe](g, args)
    except Exception as e:
        fail("%s: %r" % (args.probe, e))
    print("%d failed" % failures, flush=True)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
