"""bounds: what one core can encrypt, from `openssl speed -evp`.

Each SSH cipher maps to the EVP cipher openssl speed knows; the figure is
the 16384-byte column (1000s of bytes per second), in MiB/s.
"""

import subprocess

from procs import BenchError

EVP = {
    "chacha20-poly1305@openssh.com": "chacha20-poly1305",
    "aes128-gcm@openssh.com": "aes-128-gcm",
    "aes256-gcm@openssh.com": "aes-256-gcm",
}
MIB = 1 << 20


def openssl_speed(cipher):
    """MiB/s of one core on 16 KiB blocks for an SSH cipher name."""
    evp = EVP[cipher]
    r = subprocess.run(["openssl", "speed", "-seconds", "1", "-bytes",
                        "16384", "-evp", evp], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    for line in r.stdout.splitlines():
        words = line.split()
        if words and words[-1].endswith("k") and \
                words[0].lower().replace("-", "") == evp.replace("-", ""):
            return float(words[-1][:-1]) * 1000 / MIB
    raise BenchError(f"openssl speed -evp {evp}: no 16384-byte figure "
                     f"(exit {r.returncode}): {r.stderr.strip()[:200]}")
