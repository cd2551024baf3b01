# pxectl status and watch after a real boot sequence: a PXE client (the raw DHCP client
# sending what BIOS PXE firmware sends), tftp-hpa fetching what pxelinux fetches, and
# libnfs reading the kickstart, against the three daemons in a namespace of the test's
# own.  Each daemon records its part; pxectl joins them into that machine's boot.
import json
import os
import re

import pytest

import dhcp_client as dc
import harness
from test_pxectl import KS, Setup, hpa_get, pxectl, write

MAC = "52:54:00:5a:7a:01"
# pxelinux's order: its boot file, ldlinux.c32, the config by MAC (missing here: a probe,
# not a failure), "default", then what the menu names
FETCHES = ["pxelinux.0", "ldlinux.c32", "pxelinux.cfg/01-52-54-00-5a-7a-01",
           "pxelinux.cfg/default", "menu.c32", "vmlinuz", "initrd.img"]
PHASES = ["dhcp", "dhcp", "boot-file", "boot-file", "modules", "modules", "config", "config",
          "config", "modules", "modules", "kernel", "kernel", "initrd", "initrd", "nfs-mount",
          "nfs-read"]


@pytest.fixture
def lab(tmp_path, netlab, daemons):
    for tool in ("tftp", "nfs-cat"):
        harness.require_tool(tool)
    s = Setup(tmp_path, netlab)
    s.run = os.path.join(s.base, "run")
    s.write_config(dhcpd=f"user = root\npidfile = {s.base}/dhcpd.pid\n",
                   tftpd=f"pidfile = {s.base}/tftpd.pid\n",
                   nfsd=f"require_rpcbind = no\npidfile = {s.base}/nfsd.pid\n")
    with open(s.config) as f:
        text = f.read()
    write(s.config, f"[global]\nprogress_dir = {s.run}\n\n" + text)
    daemons.start("dhcpd", ["-C", s.config, "-f"], ns=s.ns)
    s.tftpd = daemons.start("tftpd", ["-C", s.config, "-f", "-l", "-a", f"{s.server}:69"],
                            ns=s.ns)
    daemons.start("nfsd", ["-C", s.config, "-f"], ns=s.ns)
    return s


def pxe_boot(lab, fetches=FETCHES):
    """What a BIOS machine does up to its kickstart; returns its address."""
    with dc.DhcpClient(lab.client, lab.client_iface.name) as c:
        lease = c.dora(MAC, arch=dc.ARCH_BIOS, vendor_class=dc.pxe_vendor_class())
    assert lease.ack is not None, "no DHCPACK"
    ip = lease.address
    # the client now has the leased address, as the firmware would
    lab.client.ip("addr", "flush", "dev", lab.client_iface.name)
    lab.client.ip("addr", "add", f"{ip}/24", "dev", lab.client_iface.name)
    for name in fetches:
        said, got = hpa_get(lab, name)
        assert got == (not name.startswith("pxelinux.cfg/01-")), f"{name}: {said}"
    url = f"nfs://{lab.server}{lab.nfs}/{KS}?nfsport=2049&mountport=20048"
    cp = lab.client.run(["nfs-cat", url], check=False, timeout=60)
    assert cp.returncode == 0 and cp.stdout == "text\nreboot\n", cp.stderr
    return ip


def status(lab, *args):
    cp = harness.run([pxectl(), "-c", lab.config, *args], check=False, timeout=30)
    assert cp.stderr == "", cp.stderr
    return cp


def test_status_joins_one_machines_boot_across_the_three_daemons(lab):
    ip = pxe_boot(lab)
    cp = status(lab, "--json", "status")
    assert cp.returncode == 0, cp.stdout
    machines = json.loads(cp.stdout)
    assert len(machines) == 1
    m = machines[0]
    assert (m["mac"], m["address"], m["boot_file"], m["phase"], m["failed"]) == \
        (MAC, ip, "pxelinux.0", "nfs-read", False)
    assert [s["phase"] for s in m["steps"]] == PHASES, json.dumps(m["steps"], indent=1)
    assert [s["daemon"] for s in m["steps"]][:2] == ["pxe-dhcpd"] * 2
    assert [s["event"] for s in m["steps"]][:2] == ["offer", "ack"]
    reads = [s for s in m["steps"] if s["phase"] == "nfs-read"]
    assert reads[0]["subject"] == f"{lab.nfs}/{KS}"
    times = [s["time_ms"] for s in m["steps"]]
    assert times == sorted(times)
    # each phase once, in the order the machine reached it; together, the whole boot
    assert [p["phase"] for p in m["phase_times"]] == list(dict.fromkeys(PHASES))
    assert sum(p["ms"] for p in m["phase_times"]) == times[-1] - times[0]

    table = status(lab, "status")
    assert table.returncode == 0
    row = table.stdout.splitlines()[1]
    assert row.split()[:3] == [MAC, ip, "nfs-read"], table.stdout
    assert re.search(r"\[dhcp [\d.]+ boot-file [\d.]+ modules [\d.]+ config .* nfs-read "
                     r"[\d.]+\]$", row), row

    for who in (MAC, ip, MAC.upper()):
        one = status(lab, "status", who)
        assert one.returncode == 0
        assert f"machine {MAC}, address {ip}, boot file pxelinux.0" in one.stdout
        assert f"nfs-read  read        {lab.nfs}/{KS}" in one.stdout, one.stdout
        assert "time per phase: dhcp " in one.stdout


def test_a_missing_kernel_shows_where_the_boot_stopped(lab):
    os.unlink(os.path.join(lab.tftp, "vmlinuz"))
    with pytest.raises(AssertionError, match="vmlinuz"):
        pxe_boot(lab)
    cp = status(lab, "status")
    assert cp.returncode == 1, cp.stdout
    row = cp.stdout.splitlines()[1].split()
    assert row[2:4] == ["kernel", "FAILED"], cp.stdout
    assert "tftp-fail vmlinuz: " in cp.stdout


def test_status_of_an_unknown_machine_and_of_nothing_recorded(lab, tmp_path):
    cp = status(lab, "status")
    assert cp.returncode == 1 and cp.stdout.startswith("no machine has been seen yet")
    cp = harness.run([pxectl(), "-c", lab.config, "status", "52:54:00:00:00:99"],
                     check=False, timeout=30)
    assert cp.returncode == 1 and "no such machine" in cp.stderr
    empty = tmp_path / "empty.ini"
    empty.write_text(f"[global]\nprogress_dir = {tmp_path}/nothing\n")
    cp = harness.run([pxectl(), "-c", str(empty), "status"], check=False, timeout=30)
    assert cp.returncode == 1 and "no daemon records progress here" in cp.stderr


def test_watch_prints_the_table_count_times(lab):
    pxe_boot(lab)
    cp = status(lab, "-n", "2", "-i", "1", "watch")
    assert cp.returncode == 0
    assert cp.stdout.count("MAC ") == 2 and cp.stdout.count(MAC) == 2


def test_records_outlive_a_daemon_restart(lab, daemons):
    # the ring is a file: a new pxe-tftpd goes on where the last one stopped
    pxe_boot(lab, fetches=FETCHES[:2])
    lab.tftpd.stop()
    daemons.start("tftpd", ["-C", lab.config, "-f", "-l", "-a", f"{lab.server}:69"],
                  ns=lab.ns)
    hpa_get(lab, "pxelinux.cfg/default")
    m = json.loads(status(lab, "--json", "status").stdout)[0]
    subjects = [s["subject"] for s in m["steps"] if s["daemon"] == "pxe-tftpd"]
    assert subjects[:2] == ["pxelinux.0", "pxelinux.0"] and subjects[-1] == \
        "pxelinux.cfg/default"
