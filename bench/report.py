"""report: the result table (bench/results.md, printed) and the same
numbers for machines (bench/results.json)."""

import json
import statistics

GIB = 1 << 30
ROLES = [("client", "cl"), ("gateway", "gw"), ("backend", "be"),
         ("mua", "mua"), ("other", "oth")]
NOISY_PCT = 25.0
NOISY_MIN_WALL_S = 1.0      # /proc/stat counts 10 ms ticks per core
TARGET_TEXT = {"ratio>=": "A/B >= {}", "ratio<=": "A/B <= {}",
               "a<=": "A <= {}", "a<": "A < {}"}


def num(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def spread(row, side):
    v = row.values(side)
    if not v:
        return ""
    if len(v) == 1:
        return num(v[0])
    return f"{num(statistics.median(v))} [{num(min(v))}-{num(max(v))}]"


def cpu_text(row, side):
    pct = row.cpu_pct(side)
    return " ".join(f"{ab} {pct[r]:.0f}" for r, ab in ROLES if r in pct)


def bound_text(row, bounds):
    parts = []
    if row.values("none"):
        parts.append(f"no tunnel {num(row.median('none'))}")
    if row.bound is not None and row.bound[1] in bounds:
        parts.append(f"openssl {num(bounds[row.bound[1]])}")
    return "; ".join(parts)


def target_text(row):
    if row.target is None:
        return ""
    kind, limit = row.target
    return TARGET_TEXT[kind].format(f"{limit} {row.unit}" if kind[0] == "a"
                                    else limit)


def main_table(results):
    head = ["figure", "unit", "A", "A median [min-max]", "A CPU %",
            "B = ssh->sshd", "B CPU %", "A/B", "bound", "target", "result"]
    lines = [table_line(head), table_line(["---"] * len(head))]
    for row in results.rows:
        if not row.values("a") and not row.values("b"):
            continue
        lines.append(table_line([
            row.title, row.unit, row.labels["a"], spread(row, "a"),
            cpu_text(row, "a"), spread(row, "b"), cpu_text(row, "b"),
            num(row.ratio()) + "x" if row.ratio() else "-",
            bound_text(row, results.bounds), target_text(row),
            verdict_text(row)]))
    return lines


def verdict_text(row):
    n = row.error_count()
    errors = f"{n} failed run{'s' if n > 1 else ''}" if n else ""
    noisy = any(row.cpu_pct(side).get("other", 0) > NOISY_PCT and
                sum(s["wall"] for s in row.samples[side]) >= NOISY_MIN_WALL_S
                for side in ("a", "b"))
    return " ".join(x for x in (row.verdict(), errors,
                                "noisy" if noisy else "") if x)


def table_line(cells):
    return "| " + " | ".join(cells) + " |"


def per_gib(row, side, role):
    """Median CPU seconds per GiB moved of role over a raw row's side."""
    v = [s["cpu"].get(role, 0) / (s["bytes"] / GIB)
         for s in row.samples[side]]
    return statistics.median(v) if v else None


def cpu_per_gib(results):
    """Rows: direction, cipher, gateway s/GiB (popgated, sshd: pairing b,
    same ssh client) and client s/GiB (popgate, ssh: pairing c, same
    sshd gateway)."""
    out = []
    for row in results.rows:
        if not row.key.startswith("raw/") or "/b/" not in row.key:
            continue
        _, direction, _, cipher = row.key.split("/", 3)
        twin = results.by_key[f"raw/{direction}/c/{cipher}"]
        out.append({
            "direction": direction, "cipher": cipher,
            "gateway_popgated": per_gib(row, "a", "gateway"),
            "gateway_sshd": per_gib(row, "b", "gateway"),
            "client_popgate": per_gib(twin, "a", "client"),
            "client_ssh": per_gib(twin, "b", "client"),
        })
    return out


def gib_table(rows):
    head = ["raw", "cipher", "popgated s/GiB", "sshd s/GiB", "ratio",
            "popgate s/GiB", "ssh s/GiB", "ratio"]
    lines = [table_line(head), table_line(["---"] * len(head))]
    for r in rows:
        g = ratio(r["gateway_popgated"], r["gateway_sshd"])
        c = ratio(r["client_popgate"], r["client_ssh"])
        lines.append(table_line([
            r["direction"], r["cipher"].split("@")[0],
            num(r["gateway_popgated"]), num(r["gateway_sshd"]), g,
            num(r["client_popgate"]), num(r["client_ssh"]), c]))
    return lines


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def scale_table(results):
    """The scale rows' details: medians over each configuration's runs."""
    head = ["gateways", "users", "fetches/s", "gateway CPU %",
            "gateway CPU ms per fetch", "users per core", "PSS per user",
            "HAProxy CPU %", "sessions per gateway"]
    lines = [table_line(head), table_line(["---"] * len(head))]
    for key, label in (("scale/one", "1"), ("scale/two",
                                            "2 behind HAProxy")):
        samples = results.by_key[key].samples["a"]
        if not samples:
            continue

        def med(field):
            return statistics.median(s[field] for s in samples)
        lines.append(table_line([
            label, str(samples[0]["users"]), num(samples[0]["rate"]),
            num(med("gateway_pct")), num(med("ms_per_fetch")),
            num(med("value")), f"{num(med('kib_per_user'))} KiB",
            num(med("haproxy_pct")),
            " / ".join(str(n) for n in samples[-1]["spread"])]))
    return lines


def markdown(results):
    m = results.meta
    verdicts = [r.verdict() for r in results.rows if r.verdict()]
    lines = [
        "# popgate benchmark", "",
        f"{m['date']}, {m['machine']}; {m['mode']}; "
        f"{m['runtime_s']:.0f} s; machine busy before start "
        f"{m['background_pct']:.0f}% of one core.", "",
        f"Versions: {m['versions']}.", "",
        "A is popgate's side (its label says which client -> gateway), "
        "B is OpenSSH (ssh -> sshd). Medians over runs, [min-max] of the "
        "runs. CPU % is each process tree's CPU over the timed windows "
        "of all runs, 100 = one core: cl client, gw gateway tree "
        "(listener + sessions, reaped children included), be backend "
        "(Dovecot or the sink), mua this benchmark as mail client, oth "
        "the rest of the machine's busy time (other programs, kernel work "
        "charged to no process; a row whose oth passed "
        f"{NOISY_PCT:.0f}% over at least {NOISY_MIN_WALL_S:.0f} s says "
        "noisy). "
        "Bound: the same figure with no tunnel, and `openssl speed -evp` "
        "on one core (16 KiB blocks). "
        f"{verdicts.count('PASS')} PASS, {verdicts.count('FAIL')} FAIL.",
        "",
    ]
    lines += main_table(results)
    errors = results.errors()
    if errors:
        lines += ["", "## Failed runs", ""] + [f"- {e}" for e in errors]
    if any(results.by_key[k].samples["a"]
           for k in ("scale/one", "scale/two")):
        lines += ["", "## Scale: users per gateway process tree", "",
                  "Each user is one popgate session; fetches are POP3 "
                  "connections through a user's tunnel (login, RETR of "
                  "1 MiB, QUIT), round robin over the users at a fixed "
                  "rate. Users per core = users / cores the gateway trees "
                  "used (both trees behind HAProxy). PSS per user: the "
                  "trees with every user connected after the load, minus "
                  "idle. Clients, Dovecot and HAProxy run on the same "
                  "machine and are not counted as gateway CPU.", ""]
        lines += scale_table(results)
    lines += ["", "## CPU per GiB moved (raw figure)", "",
              "Gateways compared with the same client (ssh, pairing b), "
              "clients with the same gateway (sshd, pairing c).", ""]
    lines += gib_table(cpu_per_gib(results))
    lines += ["", "## Settings", "", f"```\n{m['settings']}\n```", ""]
    return "\n".join(lines)


def row_json(row):
    sides = {}
    for side in ("a", "b", "none"):
        v = row.values(side)
        if v:
            sides[side] = {"label": row.labels[side],
                           "median": statistics.median(v), "min": min(v),
                           "max": max(v), "values": v,
                           "cpu_pct": row.cpu_pct(side),
                           "samples": row.samples[side]}
    return {"key": row.key, "title": row.title, "unit": row.unit,
            "higher_is_better": row.higher_better, "field": row.field,
            "target": row.target, "ratio": row.ratio(),
            "result": row.verdict(), "sides": sides,
            "errors": {k: v for k, v in row.errors.items() if v}}


def write(results, md_path, json_path):
    """Writes both files; returns the markdown text."""
    text = markdown(results)
    with open(md_path, "w") as f:
        f.write(text)
    doc = {"meta": results.meta, "openssl_mib_s": results.bounds,
           "errors": results.errors(),
           "rows": [row_json(r) for r in results.rows],
           "cpu_per_gib": cpu_per_gib(results)}
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return text
