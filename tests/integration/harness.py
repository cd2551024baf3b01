# Integration-test harness: network namespaces made by the test, and a runner that starts,
# signals and stops the pxesuite daemons by PID with every wait bounded in time.
"""Building blocks for tests/integration.

NetLab   -- namespaces, veth pairs, bridges and taps, all inside namespaces this process
            created, addressed from 10.77.<n>.0/24; deleted at teardown and at exit.
Runner   -- starts project binaries (optionally via `ip netns exec`), logs each one to a
            file in the test's tmp dir, waits for readiness, stops them by PID only, and
            checks the logs for sanitizer reports.

Nothing here touches the host's interfaces: every `ip` command that changes links runs
with `-n NS` on a namespace from this module.
"""

import atexit
import ctypes
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

# Namespaces are named pxt-<pid>-<n>, so a sweep can tell which ones a dead run left.
NS_PREFIX = "pxt-"
NS_NAME_RE = re.compile(r"^pxt-(\d+)-(\d+)$")

DEFAULT_TIMEOUT = 10.0
POLL_INTERVAL = 0.02

SANITIZER_PATTERNS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "Sanitizer has encountered a fatal error",
    "AddressSanitizer:DEADLYSIGNAL",
    "SUMMARY: UndefinedBehaviorSanitizer",
    "WARNING: ThreadSanitizer",
    "ERROR: MemorySanitizer",
)

# Variables that would make a daemon believe systemd or inetd handed it sockets.
_ENV_DROP = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET")

DAEMONS = ("dhcpd", "tftpd", "nfsd")


# ------------------------------------------------------------------ environment

def ci_mode():
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason):
    """Skip the test, or fail it when CI=true (where nothing may skip)."""
    if ci_mode():
        pytest.fail("CI=true: nothing skips: " + reason, pytrace=False)
    pytest.skip(reason)


def require_root(what="network namespaces"):
    if os.geteuid() != 0:
        skip_or_fail(f"{what} need root (running as uid {os.geteuid()})")


def require_tool(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if path is None:
        skip_or_fail(f"{name} is not installed")
    return path


def builddir():
    d = os.environ.get("top_builddir")
    if not d:
        raise RuntimeError("top_builddir is not set: run through tests/integration/run.sh "
                           "or export top_builddir=/path/to/build")
    return os.path.abspath(d)


def binary(name):
    """Path of a daemon binary: 'tftpd', 'pxe-tftpd' or an explicit path."""
    if os.sep in name:
        return name
    short = name[4:] if name.startswith("pxe-") else name
    return os.path.join(builddir(), short, "pxe-" + short)


def package_version():
    """PACKAGE_VERSION from the build's config.h, so --version tests follow configure.ac."""
    try:
        with open(os.path.join(builddir(), "config.h")) as f:
            m = re.search(r'^#define PACKAGE_VERSION "([^"]*)"', f.read(), re.M)
            if m:
                return m.group(1)
    except OSError:
        pass
    return None


def become_subreaper():
    """Adopt orphaned descendants, so a detached daemon's exit status can be waited for."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def daemon_env(extra=None):
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    # ASAN_OPTIONS / UBSAN_OPTIONS pass through as set; reports go to stderr = the log.
    if extra:
        env.update(extra)
    return env


def sanitizer_findings(text):
    return [line for line in text.splitlines()
            if any(p in line for p in SANITIZER_PATTERNS)]


def read_text(path, since=0):
    try:
        with open(path, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def _file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def tail(text, limit=20000):
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} characters cut ...]\n" + text[-limit:]


def wait_until(predicate, timeout, what, interval=POLL_INTERVAL):
    """Poll predicate() until it returns a true value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def run(argv, timeout=DEFAULT_TIMEOUT, check=True, **kw):
    """subprocess.run with a bound; raises with the command's output on failure."""
    try:
        cp = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"{' '.join(argv)}: no exit within {timeout:g}s") from e
    if check and cp.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: exit {cp.returncode}\n"
                             f"stdout: {cp.stdout}\nstderr: {cp.stderr}")
    return cp


# ------------------------------------------------------------------ processes by PID

def pid_state(pid):
    """One-letter state from /proc/PID/stat, or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The comm field is in parentheses and may hold spaces; the state follows it.
    return data[data.rindex(")") + 2]


def pid_alive(pid):
    state = pid_state(pid)
    return state is not None and state not in ("Z", "X")


def pid_exe(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def pid_is(pid, name):
    """True if pid runs the program called name (by executable, or by argv[0] or, for a
    script, argv[1]), so a stale or reused pid is never signalled."""
    exe = pid_exe(pid)
    if exe is not None and os.path.basename(exe) == name:
        return True
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")[:2]
    except OSError:
        return False
    return any(os.path.basename(a.decode("utf-8", "replace")) == name for a in argv)


def try_reap(pid):
    """(reaped, exit code) for a child or adopted child; exit code < 0 means killed by
    that signal. reaped is None when pid is not our child."""
    try:
        got, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None, None
    if got == 0:
        return False, None
    return True, os.waitstatus_to_exitcode(status)


def stop_pid(pid, sig=signal.SIGTERM, timeout=DEFAULT_TIMEOUT):
    """Send sig to pid, wait up to timeout for it to go, then SIGKILL it.
    Returns (exit code or None if not our child, killed_with_sigkill)."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        reaped, code = try_reap(pid)
        return code, False
    for attempt, limit in ((sig, timeout), (signal.SIGKILL, 5.0)):
        if attempt is signal.SIGKILL:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            reaped, code = try_reap(pid)
            if reaped:
                return code, attempt is signal.SIGKILL
            if reaped is None and not pid_alive(pid):
                return None, attempt is signal.SIGKILL
            time.sleep(POLL_INTERVAL)
    raise AssertionError(f"pid {pid} survived SIGKILL for 5s")


# ------------------------------------------------------------------ network namespaces

_ns_counter = itertools.count(1)
_ns_lock = threading.Lock()
_live_namespaces = set()


def _ns_pids(name):
    cp = subprocess.run(["ip", "netns", "pids", name], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True, timeout=10)
    if cp.returncode != 0:
        return []
    return [int(p) for p in cp.stdout.split() if p.isdigit() and int(p) != os.getpid()]


def _ns_delete(name):
    """Stop what still runs inside a namespace this process made (it started all of it),
    then delete the namespace; its veth ends, and so their peers, go with it."""
    for pid in _ns_pids(name):
        try:
            stop_pid(pid, signal.SIGTERM, timeout=3.0)
        except (AssertionError, PermissionError):
            pass
    subprocess.run(["ip", "netns", "del", name], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=10)
    with _ns_lock:
        _live_namespaces.discard(name)


@atexit.register
def _delete_leftover_namespaces():
    for name in sorted(_live_namespaces):
        try:
            _ns_delete(name)
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def sweep_stale_namespaces():
    """Delete pxt-<pid>-<n> namespaces left by a run that was killed: its pid is gone and
    nothing runs inside. Processes are never signalled here (this run did not start them)."""
    try:
        names = os.listdir("/run/netns")
    except OSError:
        return []
    swept = []
    for name in names:
        m = NS_NAME_RE.match(name)
        if (m and int(m.group(1)) != os.getpid() and not os.path.exists(f"/proc/{m.group(1)}")
                and not _ns_pids(name)):
            subprocess.run(["ip", "netns", "del", name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
            swept.append(name)
    return swept


_CLONE_NEWNET = 0x40000000


def call_in_netns(name, fn, *args, timeout=DEFAULT_TIMEOUT, **kw):
    """fn(*args, **kw) run on a short-lived thread that has joined network namespace name
    (a namespace's file under /run/netns); returns its result or raises its exception.
    The namespace is per thread, so the caller's stays as it is; sockets made by fn stay
    in name's namespace for their whole life, whichever thread then uses them."""
    libc = ctypes.CDLL(None, use_errno=True)
    box = {}

    def target():
        try:
            fd = os.open(os.path.join("/run/netns", name), os.O_RDONLY | os.O_CLOEXEC)
            try:
                if libc.setns(fd, _CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"setns({name}): {os.strerror(err)}")
            finally:
                os.close(fd)
            box["value"] = fn(*args, **kw)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    t = threading.Thread(target=target, name=f"netns-{name}", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise AssertionError(f"call in namespace {name} did not return within {timeout:g}s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


class Iface:
    def __init__(self, ns, name, addr=None, prefix=24):
        self.ns, self.name, self.addr, self.prefix = ns, name, addr, prefix

    @property
    def cidr(self):
        return f"{self.addr}/{self.prefix}"

    def __repr__(self):
        return f"<Iface {self.ns.name}:{self.name} {self.addr}>"

    def wait_up(self, timeout=5.0):
        """Wait until the kernel reports carrier (operstate UP): a veth end set up just
        after its peer can show NO-CARRIER for a moment, and packets sent then are lost."""
        wait_until(lambda: " state UP " in self.ns.ip("-o", "link", "show", "dev",
                                                       self.name).stdout,
                   timeout, f"{self} to come up", interval=0.05)


class Netns:
    """A namespace this process created."""

    def __init__(self, name):
        self.name = name
        self._ifcount = itertools.count(0)

    def __repr__(self):
        return f"<Netns {self.name}>"

    def __str__(self):
        return self.name

    def argv(self, argv):
        """argv prefixed so it runs inside this namespace (same PID: ip execs it)."""
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, timeout=DEFAULT_TIMEOUT, check=True, **kw):
        return run(self.argv(argv), timeout=timeout, check=check, **kw)

    def ip(self, *args, timeout=DEFAULT_TIMEOUT, check=True):
        return run(["ip", "-n", self.name] + list(args), timeout=timeout, check=check)

    def call(self, fn, *args, **kw):
        """fn(*args, **kw) inside this namespace (see call_in_netns)."""
        return call_in_netns(self.name, fn, *args, **kw)

    def socket(self, family=socket.AF_INET, type=socket.SOCK_DGRAM, bind=None):
        """A socket in this namespace (default UDP/IPv4), bound to bind if given."""
        def make():
            s = socket.socket(family, type)
            try:
                if bind is not None:
                    s.bind(bind)
            except BaseException:
                s.close()
                raise
            return s
        return self.call(make)

    def new_ifname(self, stem):
        return f"{stem}{next(self._ifcount)}"

    def describe(self):
        cp = self.ip("-br", "addr", check=False)
        return cp.stdout + cp.stderr


class Bridge:
    def __init__(self, ns, name, subnet, addr):
        self.ns, self.name, self.subnet, self.addr = ns, name, subnet, addr
        self._hosts = itertools.count(10)

    def next_addr(self):
        return f"{self.subnet}.{next(self._hosts)}"

    def __repr__(self):
        return f"<Bridge {self.ns.name}:{self.name} {self.subnet}.0/24>"


class NetLab:
    """Factory for namespaces and links; close() deletes everything it made."""

    def __init__(self):
        self.namespaces = []
        self._subnets = itertools.count(1)

    def _subnet(self):
        n = next(self._subnets)
        if n > 254:
            raise RuntimeError("NetLab: more than 254 subnets in one test")
        return f"10.77.{n}"

    def namespace(self):
        with _ns_lock:
            name = f"{NS_PREFIX}{os.getpid()}-{next(_ns_counter)}"
            _live_namespaces.add(name)
        run(["ip", "netns", "add", name])
        ns = Netns(name)
        self.namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        return ns

    def veth(self, ns_a, ns_b, addr_a=True, addr_b=True):
        """A veth pair from ns_a to ns_b, each end up and addressed in a fresh /24
        (.1 in ns_a, .2 in ns_b) unless addr_x is False or an explicit address."""
        subnet = self._subnet()
        a = Iface(ns_a, ns_a.new_ifname("veth"))
        b = Iface(ns_b, ns_b.new_ifname("veth"))
        ns_a.ip("link", "add", a.name, "type", "veth", "peer", "name", b.name,
                "netns", ns_b.name)
        for end, default in ((a, addr_a), (b, addr_b)):
            if default is True:
                end.addr = f"{subnet}.{1 if end is a else 2}"
            elif default:
                end.addr = default
            if end.addr:
                end.ns.ip("addr", "add", end.cidr, "dev", end.name)
            end.ns.ip("link", "set", end.name, "up")
        a.wait_up()
        b.wait_up()
        return a, b

    def bridge(self, ns, addr=False):
        """A bridge inside ns on a fresh /24; addr=True gives the bridge itself .1."""
        subnet = self._subnet()
        br = Bridge(ns, ns.new_ifname("br"), subnet, f"{subnet}.1" if addr else None)
        ns.ip("link", "add", br.name, "type", "bridge")
        if br.addr:
            ns.ip("addr", "add", f"{br.addr}/24", "dev", br.name)
        ns.ip("link", "set", br.name, "up")
        return br

    def veth_to_bridge(self, ns, br, addr=True):
        """A veth from ns to a port of br; returns the end in ns (addressed on br's /24)."""
        end = Iface(ns, ns.new_ifname("veth"))
        port = br.ns.new_ifname("port")
        ns.ip("link", "add", end.name, "type", "veth", "peer", "name", port,
              "netns", br.ns.name)
        br.ns.ip("link", "set", port, "master", br.name)
        br.ns.ip("link", "set", port, "up")
        if addr is True:
            end.addr = br.next_addr()
        elif addr:
            end.addr = addr
        if end.addr:
            ns.ip("addr", "add", end.cidr, "dev", end.name)
        ns.ip("link", "set", end.name, "up")
        end.wait_up()
        return end

    def tap(self, br):
        """A tap device on br (for a QEMU guest run inside br's namespace)."""
        name = br.ns.new_ifname("tap")
        br.ns.ip("tuntap", "add", "dev", name, "mode", "tap")
        br.ns.ip("link", "set", name, "master", br.name)
        br.ns.ip("link", "set", name, "up")
        return Iface(br.ns, name)

    def ping(self, ns, addr, count=1, wait=2):
        """One bounded ping from ns; returns the CompletedProcess (check returncode)."""
        argv = ping_argv(addr, count, wait)
        return ns.run(argv, timeout=count * wait + 5, check=False)

    def describe(self):
        return "\n".join(f"== {ns.name}\n{ns.describe()}" for ns in self.namespaces)

    def close(self):
        for ns in reversed(self.namespaces):
            _ns_delete(ns.name)
        self.namespaces.clear()


def ping_argv(addr, count=1, wait=2):
    ping = shutil.which("ping", path=os.environ.get("PATH", "") + ":/usr/bin:/bin")
    if ping:
        return [ping, "-c", str(count), "-W", str(wait), addr]
    busybox = shutil.which("busybox")
    if busybox:
        return [busybox, "ping", "-c", str(count), "-W", str(wait), addr]
    skip_or_fail("no ping: install iputils-ping or busybox")
    return None


# ------------------------------------------------------------------ daemons

class Daemon:
    """One started process. Foreground: proc is our child. Detached: pid comes from the
    pidfile, and the launcher's exit code is in launcher_status."""

    def __init__(self, runner, name, argv, log_path, ns, detached, pidfile):
        self.runner = runner
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.ns = ns
        self.detached = detached
        self.pidfile = pidfile
        self.proc = None
        self.pid = None
        self.launcher_status = None
        self.returncode = None
        self.killed = False
        self.exe_name = None

    def __repr__(self):
        return f"<Daemon {self.name} pid={self.pid}>"

    # -- log
    def log(self, since=0):
        return read_text(self.log_path, since)

    def mark(self):
        """Log offset to pass as since= so a wait only sees lines written after now."""
        return _file_size(self.log_path)

    def wait_for_log(self, pattern, since=0, timeout=DEFAULT_TIMEOUT, must_live=True):
        """Wait until pattern (regex) appears in the log after offset since; returns the
        match. Fails early if the process exits first (when must_live)."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log(since))
            if m:
                return m
            if must_live and not self.alive():
                m = rx.search(self.log(since))
                if m:
                    return m
                raise AssertionError(
                    f"{self.name} exited ({self.exit_description()}) before logging "
                    f"/{pattern}/\n--- log ---\n{tail(self.log())}")
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{self.name}: /{pattern}/ not logged within {timeout:g}s\n"
                    f"--- log ---\n{tail(self.log())}")
            time.sleep(POLL_INTERVAL)

    # -- process
    def alive(self):
        if self.returncode is not None or self.pid is None:
            return False
        if self.proc is not None:
            code = self.proc.poll()
            if code is not None:
                self.returncode = code
                return False
            return True
        reaped, code = try_reap(self.pid)
        if reaped:
            self.returncode = code
            return False
        return pid_alive(self.pid)

    def exit_description(self):
        if self.returncode is None:
            return "exit status unknown"
        if self.returncode < 0:
            return f"killed by {signal.Signals(-self.returncode).name}"
        return f"exit {self.returncode}"

    def send_signal(self, sig):
        assert self.alive(), f"{self.name} is not running\n{tail(self.log())}"
        os.kill(self.pid, sig)

    def signal_and_wait(self, sig, pattern, timeout=DEFAULT_TIMEOUT):
        since = self.mark()
        self.send_signal(sig)
        return self.wait_for_log(pattern, since=since, timeout=timeout)

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Wait (bounded) for the process to end by itself; returns its exit code."""
        wait_until(lambda: not self.alive(), timeout, f"{self.name} to exit")
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=DEFAULT_TIMEOUT):
        """Stop by PID: sig, bounded wait, then SIGKILL. Returns the exit code (negative
        for a signal; None for a detached daemon that is not our child)."""
        if self.pid is None or not self.alive():
            return self.returncode
        if self.proc is not None:
            self.proc.send_signal(sig)
            try:
                self.returncode = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.killed = True
                self.proc.kill()
                self.returncode = self.proc.wait(timeout=5)
        else:
            code, killed = stop_pid(self.pid, sig, timeout)
            self.killed = killed
            self.returncode = code
        return self.returncode


class Runner:
    """Starts project binaries for one test and cleans up after it."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.daemons = []
        self.logs = []          # (title, path) for every log this runner wrote
        self._count = itertools.count(1)

    def _log_path(self, name):
        path = os.path.join(self.dir, f"{name}-{next(self._count)}.log")
        return path

    def _argv(self, prog, args, ns):
        path = binary(prog)
        if not os.access(path, os.X_OK):
            raise AssertionError(f"{path} is not built (top_builddir={builddir()})")
        argv = [path] + [str(a) for a in args]
        return path, (ns.argv(argv) if ns is not None else argv)

    def run(self, prog, args, ns=None, cwd=None, env=None, timeout=DEFAULT_TIMEOUT):
        """Run a binary to completion (e.g. --check-config); output is kept in a log
        too, so sanitizer reports are caught at teardown."""
        path, argv = self._argv(prog, args, ns)
        name = os.path.basename(path)
        try:
            cp = subprocess.run(argv, cwd=cwd or self.dir, env=daemon_env(env),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"{' '.join(argv)}: no exit within {timeout:g}s") from e
        log = self._log_path(name + "-run")
        with open(log, "w") as f:
            f.write(f"$ {' '.join(argv)}\nexit {cp.returncode}\n--- stdout ---\n{cp.stdout}"
                    f"--- stderr ---\n{cp.stderr}")
        self.logs.append((f"{name} run", log))
        return cp

    def start(self, prog, args=(), ns=None, cwd=None, env=None, ready=r"\bready\b",
              detached=False, pidfile=None, timeout=DEFAULT_TIMEOUT):
        """Start a daemon and wait until it is ready.

        Foreground: ready is a regex awaited in its log (stdout+stderr).
        Detached: the launcher must exit 0 within timeout, then pidfile must name a live
        process; that pid is tracked and stopped at teardown."""
        path, argv = self._argv(prog, args, ns)
        name = os.path.basename(path)
        log = self._log_path(name)
        d = Daemon(self, name, argv, log, ns, detached, pidfile)
        d.exe_name = name
        self.daemons.append(d)
        self.logs.append((f"{name} log", log))
        with open(log, "wb") as logf:
            proc = subprocess.Popen(argv, cwd=cwd or self.dir, env=daemon_env(env),
                                    stdin=subprocess.DEVNULL, stdout=logf,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        if not detached:
            d.proc, d.pid = proc, proc.pid
            if ready:
                d.wait_for_log(ready, timeout=timeout)
            return d

        if pidfile is None:
            raise ValueError("a detached start needs the pidfile to watch")
        try:
            d.launcher_status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
            raise AssertionError(f"{name}: launcher did not exit within {timeout:g}s\n"
                                 f"--- log ---\n{tail(d.log())}")
        if d.launcher_status != 0:
            raise AssertionError(f"{name}: launcher exited {d.launcher_status}\n"
                                 f"--- log ---\n{tail(d.log())}")
        try:
            d.pid = wait_until(lambda: read_pidfile(pidfile, live=True), timeout,
                               f"{pidfile} to name a live process")
        except TimeoutError as e:
            raise AssertionError(f"{name}: {e}; pidfile holds {read_pidfile(pidfile)!r}\n"
                                 f"--- log ---\n{tail(d.log())}") from None
        return d

    def close(self):
        """Stop whatever still runs. Returns (failures, notes): failures are sanitizer
        reports found in any log; notes are daemons that needed SIGKILL."""
        failures, notes = [], []
        for d in self.daemons:
            if d.pid is None:
                continue
            if d.proc is None and d.returncode is None:
                # A detached pid is not our Popen: make sure it is still our daemon.
                if pid_alive(d.pid) and not pid_is(d.pid, d.exe_name):
                    continue
            if d.alive():
                d.stop(signal.SIGTERM, timeout=5.0)
                if d.killed:
                    notes.append(f"{d.name} (pid {d.pid}) ignored SIGTERM at teardown; "
                                    "killed")
        for title, path in self.logs:
            found = sanitizer_findings(read_text(path))
            if found:
                failures.append(f"sanitizer report in {title} ({path}):\n  "
                                + "\n  ".join(found[:10]))
        return failures, notes


def read_pidfile(path, live=False):
    """The pid in path, or None; with live=True only a pid that is running."""
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    pid = int(text)
    if live and not pid_alive(pid):
        return None
    return pid
