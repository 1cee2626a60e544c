#!/usr/bin/env python3
"""vgscan: reads the memcheck logs of a `make valgrind` run and fails on
any finding in them.

    vgscan.py [--parent-fds-only] LOG|FOLDER...

Each LOG is one process's log (valgrind --log-file=DIR/%p.log, run with
--leak-check=full --track-fds=yes --errors-for-leak-kinds=definite,
indirect); a FOLDER stands for every *.log below it. A process has a
finding when

  errors      memcheck reported an error: an invalid read or write, a
              use of an uninitialised value, a bad free, a syscall given
              bad memory...;
  leaks       a block was definitely or indirectly lost at its exit;
  fds         a descriptor other than 0, 1 and 2 was still open at its
              exit and valgrind knows where it was opened. One it lists
              as "<inherited from parent>" came from whoever started the
              program (valgrind's own log among them): not the program's
              to close.

A process that a stop signal ended (valgrind says "Process terminating
with default action of signal" 2, 10 or 15: a session child that SIGUSR1
or SIGTERM ends in its key exchange, on purpose) stopped wherever it was:
blocks it was building are lost and nothing was closed, so only its
errors count, not its leaks or descriptors. Any other signal (SIGABRT
from a failed assertion, SIGSEGV, SIGPIPE...) is a crash: a finding. A process killed by SIGKILL leaves a log
without a summary (valgrind cannot run then): the tests SIGKILL on
purpose (a crash, a session stuck past its grace). Those logs are
counted; any error they hold still fails.

--parent-fds-only checks descriptors only in processes whose parent has
no log in the same folder (the program itself, not a child it forked
without exec; each run of a program logs into a folder of its own): a
unit test's forked child _exit()s holding whatever libcheck had open.

Prints the log of each process with a finding, what, and where (the
first frames), then a total; exit status 1 when any process has a
finding, or when there is no log at all (then nothing ran under
valgrind).
"""

import argparse
import os
import re
import sys

PREFIX = re.compile(r"^==(\d+)== ?(.*)$")
SUMMARY = re.compile(r"^ERROR SUMMARY: (\d+) errors? from")
LOST = re.compile(r"^(definitely|indirectly) lost: [\d,]+ bytes in "
                  r"([\d,]+) blocks")
LEAK_RECORD = re.compile(r" are (definitely|indirectly|possibly) lost in "
                         r"loss record |still reachable in loss record ")
OPEN_FD = re.compile(r"^Open (?:file descriptor|\S+ socket) (\d+):(.*)$")
PARENT = re.compile(r"^Parent PID: (\d+)")
SIGNALLED = re.compile(r"^Process terminating with default action of "
                       r"signal (\d+)")
STOP_SIGNALS = (2, 10, 15)     # SIGINT, SIGUSR1, SIGTERM: sent on purpose
FRAMES = 4      # of each error's stack, printed

# Block titles that are valgrind's own reports, not errors.
NOT_ERRORS = (
    "Memcheck,", "Copyright", "Using Valgrind", "Command:", "Parent PID:",
    "FILE DESCRIPTORS:", "Open ", "HEAP SUMMARY:", "LEAK SUMMARY:",
    "All heap blocks", "Reachable ", "To see them", "For lists of",
    "For counts of", "ERROR SUMMARY:", "Process terminating", "Warning:",
    "WARNING:", "could not unlink", "If you believe", "Rerun with",
    "HINT:", "Use --", "Note:",
)


class Proc:
    """What one log says about one process."""

    def __init__(self, path):
        self.path = path
        self.pid = None
        self.parent = None
        self.command = ""
        self.summary = None         # ERROR SUMMARY's count; None: SIGKILL
        self.errors = []            # (text, is a leak record)
        self.lost = 0               # definitely + indirectly lost blocks
        self.signalled = None       # the signal that ended it
        self.fds = []               # descriptors it opened, as text


def blocks(lines):
    """The log's lines without the ==PID== prefix, in blocks: each starts
    with an unindented line (an error's title, "Open file descriptor
    ..."); its details are indented."""
    block = []
    for line in lines:
        if line.strip() == "" or not line[0].isspace():
            if block:
                yield block
            block = []
        if line.strip() != "":
            block.append(line)
    if block:
        yield block


def frames(block):
    """The first frames of the block's first stack, indented lines."""
    found = []
    for b in block[1:]:
        text = b.strip()
        if text.startswith(("at 0x", "by 0x")) and (found or
                                                    text.startswith("at")):
            found.append(text)
        elif found:
            break       # "Address 0x... is inside a block alloc'd": next
    return "".join("\n        " + f for f in found[:FRAMES])


def read_block(block, proc):
    title = block[0].strip()
    for line in block:
        text = line.strip()
        if text.startswith("Command: "):
            proc.command = text[len("Command: "):]
        m = PARENT.match(text)
        if m:
            proc.parent = int(m.group(1))
        m = SUMMARY.match(text)
        if m:
            proc.summary = int(m.group(1))
        m = LOST.match(text)
        if m:
            proc.lost += int(m.group(2).replace(",", ""))
        m = SIGNALLED.match(text)
        if m:
            proc.signalled = int(m.group(1))
    m = OPEN_FD.match(title)
    if m:
        fd = int(m.group(1))
        inherited = any("<inherited from parent>" in b for b in block)
        if fd > 2 and not inherited:
            proc.fds.append("fd %d:%s%s" % (fd, m.group(2), frames(block)))
        return
    if title.startswith(NOT_ERRORS):
        return
    where = frames(block)
    if where:
        proc.errors.append((title + where,
                            LEAK_RECORD.search(title) is not None))


def read_log(path):
    proc = Proc(path)
    lines = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = PREFIX.match(raw.rstrip("\n"))
            if m is None:
                continue    # valgrind's own complaints, unprefixed
            if proc.pid is None:
                proc.pid = int(m.group(1))
            lines.append(m.group(2))
    for block in blocks(lines):
        read_block(block, proc)
    return proc


def log_files(args):
    """The logs named, and those below the folders named, sorted."""
    for arg in args:
        if not os.path.isdir(arg):
            yield arg
            continue
        found = []
        for top, _, names in os.walk(arg):
            found.extend(os.path.join(top, n) for n in names
                         if n.endswith(".log"))
        yield from sorted(found)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def findings(proc, check_fds):
    if proc.signalled is not None and proc.signalled not in STOP_SIGNALS:
        return ["ended by signal %d (a crash)" % proc.signalled]
    if proc.signalled is not None:
        errors = [e for e, leak in proc.errors if not leak]
        return ["%s (ended by a signal): %s" %
                (plural(len(errors), "error"), errors[0])] if errors else []
    out = []
    count = max(proc.summary or 0, len(proc.errors))
    if count:
        out.append("%s: %s" % (plural(count, "error"),
                               proc.errors[0][0] if proc.errors
                               else "see the log"))
    elif proc.lost:
        out.append(plural(proc.lost, "lost block"))
    if check_fds and proc.summary is not None:
        out.extend("open at exit: " + fd for fd in proc.fds)
    return out


def main():
    ap = argparse.ArgumentParser(description="fail on memcheck findings")
    ap.add_argument("--parent-fds-only", action="store_true",
                    help="check descriptors only in a run's first process")
    ap.add_argument("logs", nargs="*", metavar="LOG|FOLDER")
    args = ap.parse_args()
    try:
        procs = [read_log(p) for p in log_files(args.logs)]
    except OSError as e:
        print("vgscan: %s" % e, file=sys.stderr)
        return 1
    if not procs:
        print("vgscan: no valgrind logs: nothing ran under valgrind",
              file=sys.stderr)
        return 1
    # A forked child logs next to its parent (one folder per program run).
    pids = {(os.path.dirname(p.path), p.pid) for p in procs}
    bad = 0
    for p in procs:
        forked = (os.path.dirname(p.path), p.parent) in pids
        out = findings(p, not (args.parent_fds_only and forked))
        if out:
            bad += 1
            print("vgscan: %s (%s)" % (p.path, p.command[:120]))
            for o in out:
                print("    " + o)
    print("vgscan: %d logs, %d with findings, %d without a summary" %
          (len(procs), bad, sum(1 for p in procs if p.summary is None)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
