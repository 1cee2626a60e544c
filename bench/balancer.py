"""balancer: Debian's HAProxy in TCP mode in front of popgated, as
README's scale-out section sets it up: round robin, a PROXY v2 header to
each gateway (send-proxy-v2) and health checks that carry one
(check-send-proxy: a LOCAL header), on free 127.0.0.1 ports.
"""

import os
import socket
import time

from procs import BenchError, free_port, start_on_free_port, write_file

START_TIMEOUT = 30.0
STATS_TIMEOUT = 5.0


class Haproxy:
    """HAProxy in front of gateways (each with .proxy_port). What a client
    needs (port, fingerprint, user, pop3_target) comes from the first
    gateway: they share one host key."""

    name = "haproxy"

    def __init__(self, procs, work, gateways):
        self.procs, self.work = procs, work
        self.gateways = gateways
        self.conf = os.path.join(work, "haproxy.cfg")
        first = gateways[0]
        self.fingerprint = first.fingerprint
        self.user = first.user
        self.pop3_target = first.pop3_target
        self.cipher = first.cipher
        self.port = self.stats_port = None
        self.proc = None

    def _conf(self, port):
        servers = "".join(f"    server gw{i} 127.0.0.1:{g.proxy_port}\n"
                          for i, g in enumerate(self.gateways, 1))
        return f"""# written by popgate's bench/balancer.py
global
    stats socket ipv4@127.0.0.1:{self.stats_port} level admin
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout check 5s
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    balance roundrobin
    default-server send-proxy-v2 check check-send-proxy inter 2s fall 2 rise 1
{servers}"""

    def start(self):
        self.port, self.proc = start_on_free_port(self._start_once)

    def _start_once(self, port):
        self.stats_port = free_port()
        write_file(self.conf, self._conf(port))
        proc = self.procs.spawn("haproxy", ["haproxy", "-db", "-f",
                                            self.conf])
        deadline = time.monotonic() + START_TIMEOUT
        while self.status() != ["UP"] * len(self.gateways):
            if not proc.alive() or time.monotonic() > deadline:
                self.procs.stop(proc)
                raise BenchError(f"haproxy did not bring its gateways UP; "
                                 f"see {proc.log}")
            time.sleep(0.05)
        return port, proc

    def status(self):
        """Each server's status ("UP", "DOWN", ...), or [] when the
        stats socket does not answer."""
        try:
            text = self._query("show stat\n")
        except OSError:
            return []
        lines = text.splitlines()
        if not lines or not lines[0].startswith("# "):
            return []
        cols = lines[0][2:].split(",")
        status = cols.index("status")
        out = []
        for line in lines[1:]:
            f = line.split(",")
            if len(f) > status and f[0] == "be" and f[1].startswith("gw"):
                out.append(f[status])
        return out

    def _query(self, cmd):
        with socket.create_connection(("127.0.0.1", self.stats_port),
                                      STATS_TIMEOUT) as s:
            s.sendall(cmd.encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data.decode(errors="replace")
                data += chunk
