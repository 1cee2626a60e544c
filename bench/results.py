"""results: the rows of the result table, in the order they are printed,
and the samples the figures add to them.

A row compares side "a" (popgate's) with side "b" (OpenSSH's) on one
figure; "none" holds the same figure with no tunnel. field names the
Sample key that holds the row's number (most rows: "value"). A target is
(kind, limit): "ratio>=" / "ratio<=" compare median(a) / median(b),
"a<=" / "a<" compare median(a) itself.
"""

import statistics

A_GATE = "popgate->popgated"
B_GATE = "ssh->sshd"


class Row:
    def __init__(self, key, title, unit, higher_better, a_label=A_GATE,
                 b_label=B_GATE, target=None, field="value", bound=None):
        self.key, self.title, self.unit = key, title, unit
        self.higher_better = higher_better
        self.labels = {"a": a_label, "b": b_label, "none": "no tunnel"}
        self.target, self.field, self.bound = target, field, bound
        self.samples = {"a": [], "b": [], "none": []}
        self.errors = {"a": [], "b": [], "none": []}

    def values(self, side):
        return [s[self.field] for s in self.samples[side]]

    def median(self, side):
        v = self.values(side)
        return statistics.median(v) if v else None

    def ratio(self):
        a, b = self.median("a"), self.median("b")
        return a / b if a is not None and b else None

    def error_count(self):
        return sum(len(e) for e in self.errors.values())

    def verdict(self):
        """"PASS", "FAIL" or "" (no target, or nothing measured). A run
        that failed on popgate's side fails the target."""
        if self.target is None:
            return ""
        if self.errors["a"]:
            return "FAIL"
        kind, limit = self.target
        x = self.ratio() if kind.startswith("ratio") else self.median("a")
        if x is None:
            return ""
        ok = {"ratio>=": x >= limit, "ratio<=": x <= limit,
              "a<=": x <= limit, "a<": x < limit}[kind]
        return "PASS" if ok else "FAIL"

    def cpu_pct(self, side):
        """{role: % of one core}: CPU seconds over the side's timed
        windows, summed over runs, divided by their summed wall time (a
        sum, as one short run is below the 10 ms tick of /proc)."""
        wall = sum(s["wall"] for s in self.samples[side])
        if wall <= 0:
            return {}
        cpu = {}
        for s in self.samples[side]:
            for role, secs in s["cpu"].items():
                cpu[role] = cpu.get(role, 0.0) + secs
        return {role: 100 * secs / wall for role, secs in cpu.items()}


def short(cipher):
    return cipher.split("@")[0]


def stream_rows(ciphers):
    rows = [Row(f"bulk/{c}", f"RETR 100 MiB, {short(c)}", "MiB/s", True,
                target=("ratio>=", 1.0), bound=("openssl", c))
            for c in ciphers]
    pairings = [
        ("a", A_GATE, None, "popgate->popgated"),
        ("b", "ssh->popgated", ("ratio>=", 1.2), "through the gateway"),
        ("c", "popgate->sshd", ("ratio>=", 1.0), "through the client"),
    ]
    for direction in ("down", "up"):
        for c in ciphers:
            for p, a_label, target, what in pairings:
                rows.append(Row(
                    f"raw/{direction}/{p}/{c}",
                    f"raw 1 GiB {direction}, ({p}) {what}, {short(c)}",
                    "MiB/s", True, a_label=a_label, target=target,
                    bound=("openssl", c)))
    return rows


def session_rows():
    return [
        Row("latency/median", "greeting latency, median of 300", "ms",
            False, target=("a<=", 1.0)),
        Row("latency/p99", "greeting latency, p99 of 300", "ms", False,
            target=("a<=", 3.0), field="p99"),
        Row("setup", "setup: start to first greeting", "ms", False,
            target=("ratio<=", 0.7)),
        Row("concurrency", "100 x RETR 1 MiB at once, one session", "ms",
            False, target=("ratio<=", 0.8)),
        Row("memory/gateway", "gateway PSS per user (50 users)", "KiB",
            False, target=("ratio<=", 0.5)),
        Row("memory/client", "client PSS (median of 50)", "KiB", False,
            field="client_kib"),
        Row("handshakes", "handshakes/s, 4 parallel clients", "1/s", True,
            target=("ratio>=", 3.0)),
        Row("handshakes/gateway-cpu", "gateway CPU per handshake", "ms",
            False, field="gateway_ms_per"),
        Row("handshakes/client-cpu", "client CPU per handshake", "ms",
            False, field="client_ms_per"),
        Row("idle", "idle: 50 tunnels, 10 s, client+gateway CPU", "s",
            False, target=("a<", 0.05)),
    ]


def scale_rows(users, every):
    """Side a only: popgate's gateways, no OpenSSH counterpart."""
    what = f"{users} users, 1 MiB RETR per user every {every:.0f} s"
    return [
        Row("scale/one", f"users per core, 1 gateway ({what})",
            "users", True, a_label="popgate->popgated", b_label="-"),
        Row("scale/two", f"users per core, 2 gateways behind HAProxy "
            f"({what})", "users", True,
            a_label="popgate->haproxy->popgated", b_label="-"),
    ]


class Results:
    """Every row, by key; figures add samples, the report reads them."""

    def __init__(self, ciphers, scale=(100, 10.0)):
        self.rows = stream_rows(ciphers) + session_rows() + \
            scale_rows(scale[0], scale[0] / scale[1])
        self.by_key = {r.key: r for r in self.rows}
        self.bounds = {}
        self.meta = {}

    def add(self, key, side, sample):
        self.by_key[key].samples[side].append(sample)

    def error(self, key, side, message):
        self.by_key[key].errors[side].append(message)

    def errors(self):
        """Every distinct error message, in the order they happened."""
        seen = []
        for row in self.rows:
            for side in ("a", "b", "none"):
                for e in row.errors[side]:
                    if e not in seen:
                        seen.append(e)
        return seen
