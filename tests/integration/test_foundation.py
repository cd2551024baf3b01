# Foundation tests: the command line, config checking and process model shared by all three
# daemons, plus the namespace plumbing every later integration test builds on.
import os
import re
import signal
import shutil
import socket
import tempfile
import textwrap

import pytest

import harness

DAEMONS = harness.DAEMONS
LEVELS = "emerg|alert|crit|err|warning|notice|info|debug"


def free_udp_port():
    """A loopback UDP port free right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def suite_config(tmp_path, log="auto", log_level="info", extra=""):
    """A valid config with every pidfile inside the test's tmp dir; extra is appended.
    pxe-tftpd serves the tmp dir on a free loopback port, so a
    daemon started outside a namespace listens on no real interface; pxe-dhcpd's
    only subnet is loopback's, with no range, so it serves nothing anywhere."""
    return textwrap.dedent(f"""\
        [global]
        log = {log}
        log_level = {log_level}

        [dhcpd]
        pidfile = {tmp_path}/pxe-dhcpd.pid
        lease_file = {tmp_path}/dhcpd.leases
        user = root

        [subnet 127.0.0.0/8]

        [tftpd]
        pidfile = {tmp_path}/pxe-tftpd.pid
        root = {tmp_path}
        address = 127.0.0.1:{free_udp_port()}

        [nfsd]
        pidfile = {tmp_path}/pxe-nfsd.pid
        state_dir = {tmp_path}/nfsd-state
        require_rpcbind = no
        mount_port = 20048
        """) + extra


def assert_pidfile_released(path):
    """Removed at a clean stop, or emptied by a daemon that dropped root and may no
    longer remove files in the pidfile's directory."""
    assert not os.path.exists(path) or os.path.getsize(path) == 0, \
        f"pidfile left behind with {open(path).read()!r}"


def pidfile_of(tmp_path, daemon):
    return f"{tmp_path}/pxe-{daemon}.pid"


def line_of(path, needle):
    """1-based number of the first line of path containing needle."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if needle in line:
                return n
    raise AssertionError(f"{needle!r} not in {path}")


def stderr_lines(cp):
    return [line for line in cp.stderr.splitlines() if line.strip()]


def assert_one_error_at(cp, path, line, *words):
    """exit 1 and exactly one stderr line 'PATH:LINE: message' naming each of words."""
    assert cp.returncode == 1, f"exit {cp.returncode}, stderr: {cp.stderr!r}"
    lines = stderr_lines(cp)
    assert len(lines) == 1, f"expected one error line, got {lines!r}"
    m = re.fullmatch(re.escape(path) + r":(\d+): (\S.*)", lines[0])
    assert m, f"not 'FILE:LINE: message': {lines[0]!r}"
    assert int(m.group(1)) == line, f"error at line {m.group(1)}, expected {line}: {lines[0]!r}"
    for w in words:
        assert w in m.group(2), f"message does not name {w!r}: {lines[0]!r}"
    assert ": ok" not in cp.stdout


@pytest.fixture
def lab_ns(netlab):
    """A namespace joined by a veth pair to a second one: where a daemon under test runs."""
    ns, peer = netlab.namespace(), netlab.namespace()
    netlab.veth(ns, peer)
    return ns


# ------------------------------------------------------------------ command line

@pytest.mark.parametrize("daemon", DAEMONS)
def test_version_prints_program_and_suite_version(daemon, daemons):
    cp = daemons.run(daemon, ["--version"])
    assert cp.returncode == 0, cp.stderr
    version = harness.package_version() or "0.1.0"
    assert cp.stdout.splitlines()[:1] == [f"pxe-{daemon} (pxesuite) {version}"], cp.stdout


@pytest.mark.parametrize("daemon", DAEMONS)
def test_help_lists_the_common_flags(daemon, daemons):
    cp = daemons.run(daemon, ["--help"])
    assert cp.returncode == 0, cp.stderr
    for flag in ("--config", "--foreground", "--check-config", "--set", "--version", "--help"):
        assert flag in cp.stdout, f"--help does not mention {flag}:\n{cp.stdout}"


@pytest.mark.parametrize("daemon", DAEMONS)
def test_unknown_option_is_rejected(daemon, daemons):
    cp = daemons.run(daemon, ["--no-such-option"])
    assert cp.returncode != 0
    assert cp.stderr.strip(), "no message for an unknown option"


# ------------------------------------------------------------------ --check-config

@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_accepts_good_file(daemon, daemons, make_config, tmp_path):
    path = make_config(f"""
        ; pxesuite test config
        [global]
        log = stderr        ; inline comment
        log_level = debug

        [dhcpd]
        pidfile = {tmp_path}/d.pid
        [subnet 10.77.0.0/24]
        range = 10.77.0.100 10.77.0.200
        [tftpd]
        pidfile = {tmp_path}/t.pid
        [nfsd]
        pidfile = {tmp_path}/n.pid
        """)
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip() == f"{path}: ok"
    assert not any(os.path.exists(f"{tmp_path}/{p}.pid") for p in "dtn"), \
        "--check-config wrote a pidfile"


@pytest.mark.parametrize("daemon", ["tftpd", "nfsd"])
def test_check_config_accepts_empty_file(daemon, daemons, make_config):
    path = make_config("")
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip() == f"{path}: ok"


def test_dhcpd_check_config_wants_something_to_serve(daemons, make_config):
    # The schema is the suite's, so the other daemons take a file without a
    # [subnet]; pxe-dhcpd itself would have nothing to hand out.
    path = make_config("")
    cp = daemons.run("dhcpd", ["--check-config", "--config", path])
    assert cp.returncode == 1
    assert cp.stderr.strip() == (f"{path}: [dhcpd]: no [subnet] section: no addresses to hand "
                                 "out (add one, or set mode = proxy)")
    cp = daemons.run("dhcpd", ["--check-config", "--config", path, "--proxy"])
    assert cp.returncode == 1 and "name the interfaces to serve" in cp.stderr, cp.stderr


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_reports_file_line_for_unknown_key(daemon, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path).replace(
        "[tftpd]\n", "[tftpd]\nbogus_key = 1\n"))
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "bogus_key"), "bogus_key")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_reports_file_line_for_unknown_section(daemon, daemons, make_config,
                                                            tmp_path):
    path = make_config(suite_config(tmp_path, extra="\n[no_such_section]\nx = 1\n"))
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "[no_such_section]"), "no_such_section")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_reports_file_line_for_bad_value(daemon, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path, log_level="loud"))
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "log_level"), "log_level")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_reports_file_line_for_duplicate_key(daemon, daemons, make_config,
                                                          tmp_path):
    path = make_config(suite_config(tmp_path).replace(
        "[global]\n", "[global]\nlog = stderr\n"))
    first = line_of(path, "log = stderr")
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    # The second occurrence is the error.
    assert_one_error_at(cp, path, first + 1, "log")


@pytest.mark.parametrize("line", ["mtu = 40", "option 26 = 40", "option interface-mtu = 40"])
def test_dhcpd_check_config_refuses_an_mtu_under_68_by_name_or_number(line, daemons,
                                                                      make_config, tmp_path):
    # RFC 2132 §5.1: the interface MTU option's minimum is 68, however it is written.
    path = make_config(suite_config(tmp_path).replace(
        "[subnet 127.0.0.0/8]\n", f"[subnet 127.0.0.0/8]\n{line}\n"))
    cp = daemons.run("dhcpd", ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, line), line.split(" =")[0],
                        "must be between 68 and 65535")


@pytest.mark.parametrize("line, words", [
    ("option 58 = 43200", ["option 58", "not below the lease time", "43200 s"]),
    ("option dhcp-rebinding-time = 50000", ["option dhcp-rebinding-time", "not below"]),
    ("option 1 = 255.255.255.0", ["option 1", "contradicts [subnet 127.0.0.0/8]", "255.0.0.0"]),
    ("option 28 = 127.0.0.1", ["option 28", "broadcast address is 127.255.255.255"]),
])
def test_dhcpd_check_config_refuses_options_contradicting_the_lease_or_subnet(
        line, words, daemons, make_config, tmp_path):
    # RFC 2131 §4.4.5: T1 < T2 < lease time (12h by default); the mask and
    # broadcast address are the [subnet] header's.
    path = make_config(suite_config(tmp_path).replace(
        "[subnet 127.0.0.0/8]\n", f"[subnet 127.0.0.0/8]\n{line}\n"))
    cp = daemons.run("dhcpd", ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, line), *words)


def test_dhcpd_check_config_reports_a_repeated_option_at_its_second_line(daemons, make_config,
                                                                         tmp_path):
    # By number, then by name, with another option before both.
    path = make_config(suite_config(tmp_path).replace(
        "[subnet 127.0.0.0/8]\n", "[subnet 127.0.0.0/8]\noption 6 = 127.0.0.1\n"
        "option 42 = 127.0.0.1\noption ntp-servers = 127.0.0.2\n"))
    cp = daemons.run("dhcpd", ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "option ntp-servers"), "option ntp-servers",
                        "duplicate of 'option 42'", f"line {line_of(path, 'option 42')}")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_validates_other_daemons_sections(daemon, daemons, make_config, tmp_path):
    # A relative pidfile in [nfsd] is an error for pxe-dhcpd and pxe-tftpd too.
    path = make_config(suite_config(tmp_path).replace(
        f"pidfile = {tmp_path}/pxe-nfsd.pid", "pidfile = relative/nfsd.pid"))
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "relative/nfsd.pid"))


@pytest.mark.parametrize("daemon", DAEMONS)
def test_check_config_reports_only_the_first_error(daemon, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path, log="loud", log_level="louder"))
    cp = daemons.run(daemon, ["--check-config", "--config", path])
    assert_one_error_at(cp, path, line_of(path, "log = loud"), "log")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_missing_explicit_config_is_an_error(daemon, daemons, tmp_path):
    path = f"{tmp_path}/absent.ini"
    for args in (["--check-config", "--config", path], ["--foreground", "--config", path]):
        cp = daemons.run(daemon, args)
        assert cp.returncode == 1, f"{args}: exit {cp.returncode}"
        assert f"{path}: No such file or directory" in cp.stderr, f"{args}: {cp.stderr!r}"


# ------------------------------------------------------------------ --set

@pytest.mark.parametrize("flag", ["--set", "-o"])
@pytest.mark.parametrize("daemon", DAEMONS)
def test_set_flag_bad_value_is_a_command_line_error(daemon, flag, daemons, make_config,
                                                    tmp_path):
    path = make_config(suite_config(tmp_path))
    cp = daemons.run(daemon, ["--check-config", "--config", path, flag, "global.log_level=loud"])
    assert cp.returncode == 1, f"exit {cp.returncode}: {cp.stderr!r}"
    assert "loud" in cp.stderr, cp.stderr
    assert not re.search(re.escape(path) + r":\d+:", cp.stderr), \
        f"a --set error is not the file's: {cp.stderr!r}"
    assert ": ok" not in cp.stdout


@pytest.mark.parametrize("daemon", DAEMONS)
def test_set_flag_unknown_key_is_an_error(daemon, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path))
    cp = daemons.run(daemon, ["--check-config", "--config", path, "--set", "global.bogus_key=1"])
    assert cp.returncode == 1, f"exit {cp.returncode}: {cp.stderr!r}"
    assert "bogus_key" in cp.stderr, cp.stderr


@pytest.mark.parametrize("daemon", DAEMONS)
def test_set_flag_does_not_hide_a_bad_file_value(daemon, daemons, make_config, tmp_path):
    # The file is validated whole even when --set overrides the same key.
    path = make_config(suite_config(tmp_path, log_level="loud"))
    cp = daemons.run(daemon, ["--check-config", "--config", path,
                              "--set", "global.log_level=debug"])
    assert_one_error_at(cp, path, line_of(path, "log_level"), "log_level")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_set_flag_overrides_file_pidfile(daemon, lab_ns, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path))
    override = f"{tmp_path}/override/{daemon}.pid"
    os.mkdir(os.path.dirname(override))
    d = daemons.start(daemon, ["--config", path, "--set", f"{daemon}.pidfile={override}"],
                      ns=lab_ns, detached=True, pidfile=override)
    assert not os.path.exists(pidfile_of(tmp_path, daemon)), "file's pidfile written too"
    assert d.stop() in (0, None)


@pytest.mark.parametrize("daemon", DAEMONS)
def test_set_flag_overrides_file_log_level(daemon, lab_ns, daemons, make_config, tmp_path):
    # At log_level = err the ready line is not logged; the override must bring it back.
    path = make_config(suite_config(tmp_path, log="stderr", log_level="err"))
    d = daemons.start(daemon, ["--foreground", "--config", path, "--set", "global.log_level=info"],
                      ns=lab_ns)
    assert d.stop() == 0


@pytest.mark.parametrize("daemon", DAEMONS)
def test_verbose_flag_overrides_file_log_level(daemon, lab_ns, daemons, make_config, tmp_path):
    path = make_config(suite_config(tmp_path, log="stderr", log_level="err"))
    d = daemons.start(daemon, ["--foreground", "-v", "--config", path], ns=lab_ns)
    assert d.stop() == 0


# ------------------------------------------------------------------ process model

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("daemon", DAEMONS)
def test_daemon_starts_and_stops_in_namespace(daemon, sig, lab_ns, daemons, make_config,
                                              tmp_path):
    path = make_config(suite_config(tmp_path))
    d = daemons.start(daemon, ["--foreground", "--config", path], ns=lab_ns)
    since = d.mark()
    code = d.stop(sig)
    assert code == 0 and not d.killed, \
        f"{sig.name}: {d.exit_description()}" + (" (ignored it, SIGKILLed)" if d.killed else "")
    assert re.search(r"\bstopping\b", d.log(since)), d.log()
    assert_pidfile_released(pidfile_of(tmp_path, daemon))


@pytest.mark.parametrize("daemon", DAEMONS)
def test_foreground_log_lines_carry_time_program_pid_and_level(daemon, lab_ns, daemons,
                                                               make_config, tmp_path):
    path = make_config(suite_config(tmp_path))
    d = daemons.start(daemon, ["-f", "--config", path], ns=lab_ns)
    d.stop()
    line_rx = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
                         rf"pxe-{daemon}\[(\d+)\]: ({LEVELS}): \S.*")
    lines = d.log().splitlines()
    assert lines
    for line in lines:
        m = line_rx.fullmatch(line)
        assert m, f"log line not in the common format: {line!r}"
        assert int(m.group(1)) == d.pid, f"pid {m.group(1)} is not the daemon's {d.pid}"


@pytest.mark.parametrize("daemon", DAEMONS)
def test_detached_daemon_writes_pidfile_and_second_instance_refuses(daemon, lab_ns, daemons,
                                                                    make_config, tmp_path):
    path = make_config(suite_config(tmp_path))
    pidfile = pidfile_of(tmp_path, daemon)
    d = daemons.start(daemon, ["--config", path], ns=lab_ns, detached=True, pidfile=pidfile)
    assert d.launcher_status == 0
    assert harness.pid_is(d.pid, f"pxe-{daemon}"), f"pid {d.pid} is not pxe-{daemon}"

    second = daemons.run(daemon, ["--config", path], ns=lab_ns)
    said = second.stdout + second.stderr
    assert second.returncode == 1, f"second instance: exit {second.returncode}: {said!r}"
    assert "already running" in said and str(d.pid) in said, said
    assert d.alive(), "the first instance died"
    assert harness.read_pidfile(pidfile) == d.pid, "the second instance rewrote the pidfile"

    code = d.stop()
    assert not d.killed, "ignored SIGTERM"
    assert code in (0, None), d.exit_description()
    assert_pidfile_released(pidfile)


@pytest.mark.parametrize("daemon", DAEMONS)
def test_detached_start_with_bad_config_fails_without_pidfile(daemon, lab_ns, daemons,
                                                              make_config, tmp_path):
    path = make_config(suite_config(tmp_path, log_level="loud"))
    cp = daemons.run(daemon, ["--config", path], ns=lab_ns)
    assert cp.returncode == 1, f"exit {cp.returncode}"
    assert f"{path}:{line_of(path, 'log_level')}:" in cp.stderr, cp.stderr
    assert not os.path.exists(pidfile_of(tmp_path, daemon))


@pytest.mark.parametrize("daemon", DAEMONS)
def test_sighup_reloads_and_bad_reload_keeps_running(daemon, lab_ns, daemons, tmp_path,
                                                     request):
    # pxe-tftpd reads the file again as the user it dropped to (nobody), so the
    # file lives where nobody can read it, unlike pytest's private tmp dirs.
    confdir = tempfile.mkdtemp(prefix="pxt-conf-")
    request.addfinalizer(lambda: shutil.rmtree(confdir, ignore_errors=True))
    os.chmod(confdir, 0o755)

    def make_config(text):
        with open(f"{confdir}/pxesuite.ini", "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
        return f"{confdir}/pxesuite.ini"

    path = make_config(suite_config(tmp_path))
    d = daemons.start(daemon, ["--foreground", "--config", path], ns=lab_ns)

    make_config(suite_config(tmp_path, log_level="debug"))
    d.signal_and_wait(signal.SIGHUP, r"\breloaded\b")

    make_config(suite_config(tmp_path).replace("[dhcpd]\n", "[dhcpd]\nbogus_key = 1\n"))
    bad_line = line_of(path, "bogus_key")
    since = d.mark()
    d.send_signal(signal.SIGHUP)
    d.wait_for_log(re.escape(f"{path}:{bad_line}:"), since=since)
    d.wait_for_log(r"keeping the running config", since=since)
    assert not re.search(r"\breloaded\b", d.log(since)), "claimed a reload of a bad file"
    assert d.alive()

    make_config(suite_config(tmp_path))
    d.signal_and_wait(signal.SIGHUP, r"\breloaded\b")
    assert d.stop() == 0


# ------------------------------------------------------------------ harness plumbing

def test_netns_veth_pair_carries_traffic(netlab):
    a, b = netlab.namespace(), netlab.namespace()
    end_a, end_b = netlab.veth(a, b)
    for src, dst in ((a, end_b), (b, end_a)):
        cp = netlab.ping(src, dst.addr, count=1, wait=2)
        assert cp.returncode == 0, f"ping {src}->{dst}: {cp.stdout}{cp.stderr}"
    # Nothing of the test's addressing leaks into the host namespace.
    host = harness.run(["ip", "-br", "addr"]).stdout
    assert "10.77." not in host, host


def test_bridge_in_namespace_joins_two_veths(netlab):
    core, a, b = netlab.namespace(), netlab.namespace(), netlab.namespace()
    br = netlab.bridge(core, addr=True)
    end_a = netlab.veth_to_bridge(a, br)
    end_b = netlab.veth_to_bridge(b, br)
    ports = core.ip("-br", "link", "show", "master", br.name).stdout.splitlines()
    assert len(ports) == 2, ports
    for src, dst in ((a, end_b.addr), (b, end_a.addr), (a, br.addr)):
        cp = netlab.ping(src, dst, count=1, wait=2)
        assert cp.returncode == 0, f"ping {src}->{dst}: {cp.stdout}{cp.stderr}"
    tap = netlab.tap(br)
    assert tap.name in core.ip("-br", "link", "show", "master", br.name).stdout


def test_netlab_close_deletes_namespaces():
    harness.require_root()
    lab = harness.NetLab()
    try:
        a, b = lab.namespace(), lab.namespace()
        lab.veth(a, b)
        names = {a.name, b.name}
        listed = harness.run(["ip", "netns", "list"]).stdout
        assert all(n in listed for n in names), listed
    finally:
        lab.close()
    listed = harness.run(["ip", "netns", "list"]).stdout
    assert not any(n in listed.split() for n in names), listed


def test_runner_kills_a_process_that_ignores_sigterm(daemons):
    d = daemons.start("/bin/sh", ["-c", 'trap "" TERM; echo ready; exec sleep 30'])
    code = d.stop(timeout=0.5)
    assert d.killed and code == -signal.SIGKILL


def test_runner_finds_sanitizer_reports_in_logs(tmp_path):
    runner = harness.Runner(str(tmp_path))
    runner.start("/bin/sh", ["-c", "echo '==1==ERROR: AddressSanitizer: heap-use-after-free'; "
                             "echo ready; exec sleep 30"])
    failures, notes = runner.close()
    assert len(failures) == 1 and "heap-use-after-free" in failures[0], failures
    assert not notes
