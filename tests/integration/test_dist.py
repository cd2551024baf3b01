# dist/ as an admin uses it: the SysV init scripts (start-stop-daemon, LSB status codes),
# the systemd units' Exec lines run as systemd would (Type=forking readiness, the socket
# unit's datagram socket, CapabilityBoundingSet= and NoNewPrivileges= through setpriv),
# the xinetd entry's flags and the classic example config.  Every daemon runs inside a
# namespace made by the test; real clients (busybox udhcpc, tftp-hpa's tftp, libnfs's
# nfs-cat) check that each one serves as started.
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile

import pytest

import harness
import systemd_unit

NFS_PORT, MOUNT_PORT = 2049, 20048


def srcdir():
    return os.environ.get("top_srcdir") or os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


def built(*parts):
    return os.path.join(harness.builddir(), "dist", *parts)


def udp_bound(ns, port):
    cp = ns.run(["ss", "-Hnlu", f"sport = :{port}"], check=False)
    return cp.returncode == 0 and cp.stdout.strip() != ""


def tcp_listening(ns, port):
    cp = ns.run(["ss", "-Hnlt", f"sport = :{port}"], check=False)
    return cp.returncode == 0 and cp.stdout.strip() != ""


class Setup:
    """One daemon's world: a server namespace and a client namespace on a veth pair, a
    world-readable directory (the daemons run as nobody) with its config, and how to check
    that the daemon serves (a real client) and that it is up (its port bound)."""

    def __init__(self, daemon, netlab, daemons):
        self.daemon, self.netlab, self.daemons = daemon, netlab, daemons
        self.srv, self.cli = netlab.namespace(), netlab.namespace()
        self.srv_if, self.cli_if = netlab.veth(self.srv, self.cli, addr_b=daemon != "dhcpd")
        self.base = tempfile.mkdtemp(prefix="pxt-dist-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.pidfile = self.path(f"pxe-{daemon}.pid")
        self.config = self.path("pxesuite.ini")
        self.write_config()

    def close(self):
        # What an init script started and a failed test left running.
        pid = harness.read_pidfile(self.pidfile, live=True)
        if pid and harness.pid_is(pid, f"pxe-{self.daemon}"):
            harness.stop_pid(pid)
        shutil.rmtree(self.base, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.base, name)

    def write_config(self, extra=""):
        # log = stderr: a detached daemon keeps logging to the file the test gave it,
        # where the reload and stop are looked for.
        text = "[global]\nlog = stderr\n"
        if self.daemon == "dhcpd":
            net = self.srv_if.addr.rsplit(".", 1)[0]
            text += (f"[dhcpd]\ninterface = {self.srv_if.name}\n"
                     f"lease_file = {self.path('leases/dhcpd.leases')}\n"
                     f"[subnet {net}.0/24]\nrange = {net}.100 {net}.120\n")
        elif self.daemon == "tftpd":
            os.makedirs(self.path("tftp"), 0o755, exist_ok=True)
            with open(self.path("tftp/pxelinux.0"), "wb") as f:
                f.write(os.urandom(40_000))
            os.chmod(self.path("tftp/pxelinux.0"), 0o644)
            text += f"[tftpd]\nroot = {self.path('tftp')}\nidle_timeout = 2s\n"
        else:
            os.makedirs(self.path("export"), 0o755, exist_ok=True)
            with open(self.path("export/ks.cfg"), "w") as f:
                f.write("install\ntext\n")
            os.chmod(self.path("export/ks.cfg"), 0o644)
            text += (f"[nfsd]\nrequire_rpcbind = no\nmount_port = {MOUNT_PORT}\n"
                     f"state_dir = {self.path('state')}\n"
                     f"[export {self.path('export')}]\noptions = ro,insecure\n")
        with open(self.config, "w") as f:
            f.write(text + extra)

    def up(self):
        if self.daemon == "dhcpd":
            return udp_bound(self.srv, 67)
        if self.daemon == "tftpd":
            return udp_bound(self.srv, 69)
        return tcp_listening(self.srv, NFS_PORT)

    def serves(self):
        """A client nobody here wrote gets what the daemon is there for."""
        if self.daemon == "dhcpd":
            busybox = harness.require_tool("busybox")
            argv = [busybox, "udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1",
                    "-i", self.cli_if.name, "-s", "/bin/true"]
            cp = self.cli.run(argv, timeout=20, check=False)
            assert cp.returncode == 0, f"udhcpc got no lease:\n{cp.stdout}{cp.stderr}"
        elif self.daemon == "tftpd":
            tftp = harness.require_tool("tftp")
            out = self.path("fetched")
            cp = self.cli.run([tftp, "-m", "binary", self.srv_if.addr, "-c", "get",
                               "pxelinux.0", out], timeout=20, check=False)
            with open(self.path("tftp/pxelinux.0"), "rb") as a, open(out, "rb") as b:
                assert a.read() == b.read(), f"tftp: {cp.stdout}{cp.stderr}"
            os.unlink(out)
        else:
            harness.require_tool("nfs-cat")
            url = (f"nfs://{self.srv_if.addr}{self.path('export')}/ks.cfg"
                   f"?nfsport={NFS_PORT}&mountport={MOUNT_PORT}")
            cp = self.cli.run(["nfs-cat", url], timeout=30, check=False)
            assert cp.returncode == 0 and cp.stdout == "install\ntext\n", cp.stdout + cp.stderr


@pytest.fixture(params=harness.DAEMONS)
def setup(request, netlab, daemons):
    s = Setup(request.param, netlab, daemons)
    yield s
    s.close()


def wait_gone(pid, what):
    harness.wait_until(lambda: not harness.pid_alive(pid) or harness.try_reap(pid)[0], 15,
                       f"{what} (pid {pid}) to exit")


# ------------------------------------------------------------------ the SysV init scripts

class InitScript:
    """dist/init.d/NAME run as init would, in the server namespace, pointed at the test's
    defaults file (PXESUITE_DEFAULTS) and so at its binary, config and pidfile."""

    def __init__(self, s):
        self.s = s
        self.script = built("init.d", f"pxe-{s.daemon}")
        self.defaults = s.path("defaults")
        self.log = s.path("init.log")
        with open(self.defaults, "w") as f:
            f.write(f'DAEMON={harness.binary(s.daemon)}\nPIDFILE={s.pidfile}\n'
                    f'DAEMON_ARGS="--config {s.config}"\n')
        s.daemons.logs.append((f"pxe-{s.daemon} init log", self.log))

    def __call__(self, action):
        env = harness.daemon_env({"PXESUITE_DEFAULTS": self.defaults,
                                  # never hand over to systemctl, whatever the host runs
                                  "_SYSTEMCTL_SKIP_REDIRECT": "1"})
        with open(self.log, "a") as log:
            log.write(f"--- {action}\n")
            log.flush()
            cp = subprocess.run(self.s.srv.argv(["sh", self.script, action]), env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=log, text=True, timeout=30)
            log.write(cp.stdout)
        return cp

    def text(self):
        return harness.read_text(self.log)


def test_init_script_start_status_reload_stop(setup):
    harness.require_tool("start-stop-daemon")
    init = InitScript(setup)
    cp = init("start")
    assert cp.returncode == 0, init.text()
    # The script returns once the daemon is ready: no wait before the checks.
    assert setup.up(), f"not serving when start returned\n{init.text()}"
    pid = harness.read_pidfile(setup.pidfile, live=True)
    assert pid and harness.pid_is(pid, f"pxe-{setup.daemon}"), init.text()
    setup.serves()

    assert init("start").returncode == 0, "a second start is not an error"
    assert harness.read_pidfile(setup.pidfile) == pid, "a second start started another"

    cp = init("status")
    assert cp.returncode == 0 and "is running" in cp.stdout, cp.stdout

    since = len(init.text())
    assert init("reload").returncode == 0, init.text()
    harness.wait_until(lambda: "reloaded" in init.text()[since:], 10, "the reload in the log")
    assert harness.pid_alive(pid)
    since = len(init.text())
    assert init("force-reload").returncode == 0, init.text()
    harness.wait_until(lambda: "reloaded" in init.text()[since:], 10, "force-reload")

    cp = init("stop")
    assert cp.returncode == 0, init.text()
    assert not harness.pid_alive(pid) or harness.try_reap(pid)[0], "still running after stop"
    assert re.search(r"stopping \((SIG)?TERM\)", init.text()), init.text()
    assert not os.path.exists(setup.pidfile), "pidfile left after stop"
    cp = init("status")
    assert cp.returncode == 3, f"status of a stopped daemon: {cp.returncode} {cp.stdout}"
    assert init("stop").returncode == 0, "stopping a stopped daemon is not an error"


def test_init_script_restart_refuses_a_broken_config_and_keeps_running(netlab, daemons):
    s = Setup("tftpd", netlab, daemons)
    try:
        init = InitScript(s)
        assert init("start").returncode == 0, init.text()
        pid = harness.read_pidfile(s.pidfile, live=True)
        with open(s.config, "a") as f:
            f.write("no_such_key = 1\n")
        cp = init("restart")
        assert cp.returncode == 1, init.text()
        assert "pxesuite.ini:" in init.text(), "the FILE:LINE error is shown"
        assert harness.pid_alive(pid), "restart with a broken config stopped the daemon"
        assert init("reload").returncode == 1, "reload with a broken config says so"
        assert harness.pid_alive(pid)
        s.write_config()
        cp = init("restart")
        assert cp.returncode == 0, init.text()
        wait_gone(pid, "the old pxe-tftpd")
        new = harness.read_pidfile(s.pidfile, live=True)
        assert new and new != pid
        s.serves()
        assert init("stop").returncode == 0
    finally:
        s.close()


def test_init_script_lsb_header():
    for name in ("pxe-dhcpd", "pxe-tftpd", "pxe-nfsd"):
        with open(built("init.d", name)) as f:
            text = f.read()
        header = re.search(r"### BEGIN INIT INFO\n(.*?)### END INIT INFO", text, re.S)
        assert header, name
        fields = dict(re.findall(r"^# ([\w-]+):\s+(.*)$", header.group(1), re.M))
        assert fields["Provides"] == name
        assert fields["Default-Start"] == "2 3 4 5" and fields["Default-Stop"] == "0 1 6"
        assert "$network" in fields["Required-Start"]
        assert ("$portmap" in fields["Required-Start"]) == (name == "pxe-nfsd")
        assert "@" not in text, f"{name}: an unsubstituted @VAR@"


# ------------------------------------------------------------------ the systemd units

def verify_copy(tmp_path, names):
    """The built units with ExecStart's binaries in the build tree, for systemd-analyze
    (which checks that each command exists)."""
    for name in names:
        src = built("systemd", name) if os.path.exists(built("systemd", name)) else \
            os.path.join(srcdir(), "dist", "systemd", name)
        with open(src) as f:
            text = f.read()
        text = re.sub(r"/\S*/sbin/pxe-(\w+)", lambda m: harness.binary(m.group(1)), text)
        (tmp_path / name).write_text(text)
    return [str(tmp_path / n) for n in names]


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = harness.require_tool("systemd-analyze")
    units = verify_copy(tmp_path, ["pxe-dhcpd.service", "pxe-tftpd.service",
                                   "pxe-nfsd.service", "pxe-tftpd.socket"])
    cp = subprocess.run([analyze, "verify", "--man=no"] + units, capture_output=True,
                        text=True, timeout=60)
    assert cp.returncode == 0 and not cp.stdout + cp.stderr, cp.stdout + cp.stderr


def unit_for(s):
    unit = systemd_unit.Unit(built("systemd", f"pxe-{s.daemon}.service"))
    defaults = s.path("unit-defaults")
    with open(defaults, "w") as f:
        f.write(f'DAEMON_ARGS="--config {s.config}"\n')
    env = unit.environment({f"/etc/default/pxe-{s.daemon}": defaults})
    argv = unit.exec_argv("ExecStart", env)
    assert os.path.basename(argv[0]) == f"pxe-{s.daemon}", argv
    argv[0] = harness.binary(s.daemon)
    pidfile = unit.get("Service", "PIDFile")
    if pidfile:
        assert pidfile in argv, "the unit's PIDFile= is the pidfile ExecStart gives"
        argv[argv.index(pidfile)] = s.pidfile
    setpriv = systemd_unit.setpriv_argv(unit)
    setpriv[0] = harness.require_tool("setpriv")
    return unit, env, setpriv + argv


def reload_and_stop(s, unit, env, d):
    since = d.mark()
    cp = subprocess.run(unit.exec_argv("ExecReload", dict(env, MAINPID=str(d.pid))),
                        capture_output=True, text=True, timeout=10)
    assert cp.returncode == 0, cp.stderr
    d.wait_for_log(r"reloaded", since=since)
    # systemd's stop: KillSignal= (SIGTERM) to the main process.
    assert unit.get("Service", "KillSignal", "SIGTERM") == "SIGTERM"
    since = d.mark()
    os.kill(d.pid, signal.SIGTERM)
    d.wait_for_log(r"stopping \((SIG)?TERM\)", since=since, must_live=False)
    wait_gone(d.pid, d.name)


@pytest.mark.parametrize("daemon", ["dhcpd", "nfsd"])
def test_forking_unit_is_ready_when_its_start_returns(daemon, netlab, daemons):
    harness.require_tool("setpriv")
    s = Setup(daemon, netlab, daemons)
    try:
        unit, env, argv = unit_for(s)
        # Type=forking: systemd counts the service started when ExecStart's process
        # exits 0, and takes the main pid from PIDFile=.
        assert unit.get("Service", "Type") == "forking"
        d = daemons.start(argv[0], argv[1:], ns=s.srv, detached=True, pidfile=s.pidfile)
        d.exe_name = f"pxe-{daemon}"
        assert s.up(), f"not serving when ExecStart returned\n{d.log()}"
        assert harness.pid_is(d.pid, f"pxe-{daemon}")
        s.serves()
        reload_and_stop(s, unit, env, d)
    finally:
        s.close()


def systemd_socket_launcher(socket_unit):
    """A python -c script that binds what pxe-tftpd.socket's ListenDatagram= and
    BindIPv6Only= say, puts it at fd 3 and execs argv with LISTEN_FDS=1 and LISTEN_PID,
    as systemd does (sd_listen_fds(3))."""
    port = int(socket_unit.get("Socket", "ListenDatagram"))
    v6only = socket_unit.get("Socket", "BindIPv6Only", "default") == "ipv6-only"
    return port, f"""
import os, socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, {int(v6only)})
s.bind(("::", {port}))
fd = s.detach()
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.execvp(sys.argv[1], sys.argv[1:])
"""


def start_socket_activated(s):
    py = harness.require_tool("python3")
    sock = systemd_unit.Unit(os.path.join(srcdir(), "dist", "systemd", "pxe-tftpd.socket"))
    unit, env, argv = unit_for(s)
    assert unit.get("Service", "Type") == "simple"
    assert "pxe-tftpd.socket" in unit.get("Unit", "Requires")
    port, launcher = systemd_socket_launcher(sock)
    assert port == 69
    d = s.daemons.start(py, ["-c", launcher] + argv, ns=s.srv)
    d.exe_name = "pxe-tftpd"
    return unit, env, d


def test_socket_unit_serves_tftp_hpa_and_exits_when_idle(netlab, daemons):
    harness.require_tool("setpriv")
    s = Setup("tftpd", netlab, daemons)
    try:
        unit, env, d = start_socket_activated(s)
        s.serves()
        since = d.mark()
        subprocess.run(unit.exec_argv("ExecReload", dict(env, MAINPID=str(d.pid))),
                       check=True, timeout=10)
        d.wait_for_log(r"reloaded", since=since)
        s.serves()
        # idle_timeout = 2s: it exits 0 and the socket (systemd's) stays for the next one.
        code = d.wait_exit(timeout=15)
        assert code == 0, f"idle exit: {d.exit_description()}\n{d.log()}"
        assert not os.path.exists(s.pidfile), "socket-activated: no pidfile"
    finally:
        s.close()


def test_socket_activated_tftpd_stops_on_sigterm(netlab, daemons):
    harness.require_tool("setpriv")
    s = Setup("tftpd", netlab, daemons)
    try:
        unit, env, d = start_socket_activated(s)
        s.serves()
        assert d.stop(signal.SIGTERM) == 0, d.log()
        assert re.search(r"stopping \((SIG)?TERM\)", d.log())
    finally:
        s.close()


# ------------------------------------------------------------------ the shared state directory

@pytest.mark.parametrize("first", ["dhcpd", "nfsd"])
def test_dhcpd_and_nfsd_share_the_state_directory_in_either_order(first, netlab, daemons):
    # The units' StateDirectory=pxesuite, root's: pxe-nfsd's handle key in it, and
    # pxe-dhcpd's lease directory below it, its user's, whichever daemon made it.
    s = Setup("dhcpd", netlab, daemons)
    try:
        state = s.path("lib/pxesuite")
        os.mkdir(s.path("lib"), 0o755)      # as /var/lib: there
        os.makedirs(s.path("export"), 0o755)
        s.write_config(f"[nfsd]\nrequire_rpcbind = no\nmount_port = {MOUNT_PORT}\n"
                       f"state_dir = {state}\n[export {s.path('export')}]\n")
        for daemon in (first, "nfsd" if first == "dhcpd" else "dhcpd"):
            pidfile = s.path(f"pxe-{daemon}.pid")
            daemons.start(daemon, ["--config", s.config, "--pidfile", pidfile,
                                   "--set", f"dhcpd.lease_file={state}/dhcpd/dhcpd.leases"],
                          ns=s.srv, detached=True, pidfile=pidfile)
        st = os.stat(state)
        assert (st.st_uid, st.st_mode & 0o7777) == (0, 0o755), \
            f"{state}: uid {st.st_uid} mode {st.st_mode & 0o7777:o}"
        key = os.stat(os.path.join(state, "nfsd.key"))
        assert (key.st_uid, key.st_mode & 0o777) == (0, 0o600)
        leases = os.stat(os.path.join(state, "dhcpd"))
        assert leases.st_uid == pwd.getpwnam("nobody").pw_uid
        s.serves()
        assert os.path.getsize(os.path.join(state, "dhcpd", "dhcpd.leases")) > 0
    finally:
        s.close()


# ------------------------------------------------------------------ xinetd and the examples

def test_xinetd_entry_runs_pxe_tftpd_with_flags_it_takes(daemons):
    with open(os.path.join(srcdir(), "dist", "xinetd", "pxe-tftpd")) as f:
        entry = dict(re.findall(r"^\s*(\w+)\s*=\s*(.*?)\s*$", f.read(), re.M))
    assert os.path.basename(entry["server"]) == "pxe-tftpd"
    assert entry["wait"] == "yes" and entry["socket_type"] == "dgram"
    cp = daemons.run("tftpd", ["--check-config", "--config", "/dev/null"]
                     + entry["server_args"].split())
    assert cp.returncode == 0, cp.stderr


@pytest.mark.parametrize("daemon", harness.DAEMONS)
def test_classic_example_config_passes_check_config(daemon, daemons):
    conf = os.path.join(srcdir(), "dist", "classic", "pxesuite.ini")
    cp = daemons.run(daemon, ["--check-config", "--config", conf])
    assert cp.returncode == 0 and cp.stdout.strip().endswith("ok"), cp.stdout + cp.stderr


def test_classic_pxelinux_config_boots_the_kickstart_over_nfs():
    classic = os.path.join(srcdir(), "dist", "classic")
    with open(os.path.join(classic, "pxelinux.cfg", "default")) as f:
        append = re.search(r"^\s*append (.*)$", f.read(), re.M).group(1).split()
    with open(os.path.join(classic, "pxesuite.ini")) as f:
        ini = f.read()
    ks = next(a for a in append if a.startswith("ks=nfs:"))
    server, path = ks[len("ks=nfs:"):].split(":", 1)
    export = re.search(r"^\[export (\S+)\]", ini, re.M).group(1)
    assert path.startswith(export + "/"), f"{ks} is not under the export {export}"
    assert re.search(rf"^next_server = {re.escape(server)}$", ini, re.M), \
        "ks= names the server the DHCP answers send"
    assert "initrd=initrd.img" in append and "ksdevice=eth0" in append
    assert re.search(r"^root = /tftpboot$", ini, re.M)
    assert re.search(r"^boot_file = pxelinux.0$", ini, re.M)
