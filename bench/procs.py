"""procs: the processes the benchmark starts, and the helpers around them.

Every process is started through Procs.spawn() and stopped by its own pid
(SIGTERM, a bounded wait, then SIGKILL), newest first, together with any
descendant still alive (sshd and popgated fork one child per connection).
Nothing is ever stopped by name.
"""

import os
import selectors
import signal
import socket
import subprocess
import threading
import time

STOP_WAIT_S = 5.0
PORT_TRIES = 5


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


class Proc:
    """One started process: its Popen, name and stderr log path."""

    def __init__(self, name, popen, log):
        self.name = name
        self.popen = popen
        self.pid = popen.pid
        self.log = log

    def alive(self):
        return self.popen.poll() is None

    def read_line(self, timeout):
        """One line of the process's piped stdout, or BenchError."""
        line = _read_line(self.popen.stdout, timeout)
        if line is None:
            raise BenchError(f"{self.name}: no output line within {timeout} s"
                             f" (exit {self.popen.poll()}); see {self.log}")
        return line

    def wait(self, timeout):
        """Exit status, or BenchError if still running after timeout."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"{self.name} still running after {timeout} s")


def _read_line(stream, timeout):
    """Reads up to a newline from a pipe without blocking past timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            chunk = os.read(fd, 1)
            if not chunk:
                return None
            data += chunk
    return data.decode(errors="replace").rstrip("\n")


class Procs:
    """The registry of started processes; stop_all() is the one way out."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []
        self.count = 0
        self.lock = threading.Lock()    # the handshake figure spawns
                                        # from several threads

    def spawn(self, name, argv, stdout_pipe=False, stdin_pipe=False,
              env=None):
        """Starts argv; stderr (and stdout unless piped) go to a log file."""
        with self.lock:
            self.count += 1
            log = os.path.join(self.workdir, "logs",
                               f"{self.count:05d}-{name}.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "wb") as err:
            popen = subprocess.Popen(
                argv, stdin=subprocess.PIPE if stdin_pipe else
                subprocess.DEVNULL,
                stdout=subprocess.PIPE if stdout_pipe else err,
                stderr=err, env=env, close_fds=True)
        proc = Proc(name, popen, log)
        with self.lock:
            self.procs.append(proc)
        return proc

    def stop(self, proc):
        """Stops proc and its live descendants, by pid; reaps proc."""
        with self.lock:
            if proc in self.procs:
                self.procs.remove(proc)
        kids = tree_pids(proc.pid)[1:] if proc.alive() else []
        _terminate(proc.popen)
        for pid in kids:
            _kill_pid(pid)

    def stop_all(self):
        """Stops everything still registered, newest first."""
        with self.lock:
            todo = list(reversed(self.procs))
        for proc in todo:
            self.stop(proc)


def _terminate(popen):
    if popen.poll() is None:
        popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(STOP_WAIT_S)
    for stream in (popen.stdin, popen.stdout):
        if stream is not None:
            stream.close()


def _kill_pid(pid):
    """A descendant left behind by its parent: SIGTERM, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_WAIT_S
    while time.monotonic() < deadline:
        if not _pid_exists(pid):
            return
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _pid_exists(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name (state first)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def _children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(stat_fields(entry)[1])
        except (OSError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_pids(root):
    """root and its live descendants, root first."""
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def free_port():
    """A port nothing listens on right now (another may take it: retry)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_on_free_port(start_once):
    """Calls start_once(port) on fresh free ports until one works (a
    free port can be taken between the check and the bind)."""
    last = None
    for _ in range(PORT_TRIES):
        try:
            return start_once(free_port())
        except BenchError as e:
            last = e
    raise last


def run(argv, timeout=60):
    """Runs a short helper command; its stdout, or BenchError."""
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout, text=True)
    if r.returncode != 0:
        raise BenchError(f"{' '.join(argv)}: exit {r.returncode}: "
                         f"{r.stderr.strip()}")
    return r.stdout


def write_file(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def wait_for(cond, timeout, what, proc=None, step=0.005):
    """Polls cond() until true; BenchError on timeout or if proc exits."""
    deadline = time.monotonic() + timeout
    while not cond():
        if proc is not None and not proc.alive():
            raise BenchError(f"{proc.name} exited ({proc.popen.poll()}) "
                             f"waiting for {what}; see {proc.log}")
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout} s waiting for "
                             f"{what}")
        time.sleep(step)


def file_has(path, text):
    try:
        with open(path, errors="replace") as f:
            return text in f.read()
    except OSError:
        return False
