# pxectl check against the failures every PXE FAQ lists, each made in a temp tree and a
# network namespace of the test's own: pxectl must name it, say what the client shows,
# and exit 1; the same setup without the fault is clean and exits 0.
import json
import os
import re
import shutil
import subprocess

import pytest

import harness

KS = "ks.cfg"
REPOMD = """<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <revision>1</revision>
  <data type="primary">
    <location href="repodata/0a-primary.xml.gz"/>
  </data>
  <data type="filelists">
    <location href="repodata/0b-filelists.xml.gz"/>
  </data>
</repomd>
"""


def pxectl():
    return os.path.join(harness.builddir(), "pxectl", "pxectl")


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class Setup:
    """A working PXE setup: a TFTP root with pxelinux and a menu, an NFS export with a
    kickstart and an install tree, and the pxesuite.ini naming them, served on the
    server end of a veth pair into a client namespace."""

    def __init__(self, base, netlab):
        self.base = str(base)
        self.ns = netlab.namespace()
        self.client = netlab.namespace()
        self.iface, self.client_iface = netlab.veth(self.ns, self.client)
        self.server = self.iface.addr
        self.net = self.server.rsplit(".", 1)[0]
        self.tftp = os.path.join(self.base, "tftp")
        self.nfs = os.path.join(self.base, "nfs")
        self.tree = os.path.join(self.nfs, "tree")
        os.chmod(self.base, 0o755)
        for name in ("pxelinux.0", "ldlinux.c32", "menu.c32", "vmlinuz", "initrd.img",
                     "lib/libutil.c32"):
            write(os.path.join(self.tftp, name), "x" * 64)
        self.write_menu(f"ks=nfs:{self.server}:{self.nfs}/{KS}",
                        f"inst.repo=nfs:{self.server}:{self.tree}")
        write(os.path.join(self.nfs, KS), "text\nreboot\n")
        write(os.path.join(self.tree, "repodata", "repomd.xml"), REPOMD)
        write(os.path.join(self.tree, "repodata", "0a-primary.xml.gz"), "x")
        write(os.path.join(self.tree, "repodata", "0b-filelists.xml.gz"), "x")
        for d, _, _ in os.walk(self.base):
            os.chmod(d, 0o755)
        self.extra = ""
        self.config = os.path.join(self.base, "pxesuite.ini")
        self.write_config()

    def write_menu(self, *args, kernel="vmlinuz"):
        write(os.path.join(self.tftp, "pxelinux.cfg", "default"),
              "PATH lib\nUI menu.c32\nDEFAULT install\nTIMEOUT 30\n\n"
              "LABEL install\n"
              f"  KERNEL {kernel}\n"
              f"  APPEND initrd=initrd.img {' '.join(args)}\n"
              "LABEL util\n  COM32 libutil.c32\n")

    def write_config(self, dhcpd="", tftpd="", nfsd="", export=None):
        export = export if export is not None else f"clients = {self.net}.0/24\n"
        text = (f"[dhcpd]\ninterface = {self.iface.name}\nserver_address = {self.server}\n"
                f"lease_file = {self.base}/leases\nboot_file_efi64 =\n{dhcpd}\n"
                f"[subnet {self.net}.0/24]\nrange = {self.net}.100 {self.net}.200\n\n"
                f"[tftpd]\nroot = {self.tftp}\nuser = nobody\n{tftpd}\n"
                f"[nfsd]\naddress = {self.server}\nstate_dir = {self.base}/state\n"
                f"mount_port = 20048\n{nfsd}\n"
                f"[export {self.nfs}]\n{export}")
        write(self.config, text)

    def check(self, *flags):
        """pxectl check inside the server namespace: (exit status, report as JSON)."""
        cp = self.ns.run([pxectl(), "-c", self.config, "--json", *flags, "check"],
                         check=False, timeout=30)
        # nothing on stderr: a sanitizer's report would be there
        assert cp.returncode in (0, 1) and cp.stderr == "", cp.stdout + cp.stderr
        return cp.returncode, json.loads(cp.stdout)

    def nft(self, rules):
        """Loads rules into the server namespace's own nftables."""
        cp = subprocess.run(self.ns.argv(["nft", "-f", "-"]), input=rules, text=True,
                            capture_output=True, timeout=10)
        assert cp.returncode == 0, cp.stderr

    def text(self):
        return self.ns.run([pxectl(), "-c", self.config, "check"], check=False, timeout=30)


@pytest.fixture
def setup(tmp_path, netlab):
    harness.require_tool("nft")
    return Setup(tmp_path, netlab)


def problems(report, severities=("error", "warning")):
    return [f for f in report["findings"] if f["severity"] in severities]


def only_error(report, area):
    """The one error of report, which is in area."""
    errs = problems(report, ("error",))
    assert len(errs) == 1, json.dumps(report["findings"], indent=1)
    assert errs[0]["area"] == area
    return errs[0]


def test_correct_setup_gives_clean_report(setup):
    rc, report = setup.check()
    assert rc == 0 and problems(report) == [], json.dumps(report, indent=1)
    assert report["errors"] == 0 and report["boot_fails"] is False
    cp = setup.text()
    assert cp.returncode == 0
    assert "ok, nothing found that would stop a PXE boot" in cp.stdout


def test_missing_ldlinux_c32_is_found(setup):
    os.unlink(os.path.join(setup.tftp, "ldlinux.c32"))
    rc, report = setup.check()
    f = only_error(report, "boot")
    assert rc == 1 and report["boot_fails"] is True
    assert "ldlinux.c32" in f["what"] and "[dhcpd] boot_file" in f["what"]
    assert '"Failed to load ldlinux.c32"' in f["client"]
    assert "syslinux-common" in f["fix"]


def test_kernel_missing_from_tree_is_found_with_config_line(setup):
    setup.write_menu(kernel="images/vmlinuz-6.1")
    rc, report = setup.check()
    f = only_error(report, "boot")
    assert rc == 1
    assert f["what"].startswith("pxelinux.cfg/default:7: kernel images/vmlinuz-6.1")
    assert f["client"] == '"Could not find kernel image: vmlinuz-6.1"'


def test_missing_module_on_path_and_initrd_list_are_found(setup):
    os.unlink(os.path.join(setup.tftp, "lib", "libutil.c32"))
    setup.write_menu("initrd=initrd.img,firmware.cpio")
    rc, report = setup.check()
    whats = sorted(f["client"] for f in problems(report))
    assert rc == 1
    assert whats == ['"Could not find ramdisk image: firmware.cpio"',
                     '"Failed to load COM32 file libutil.c32"']


def test_file_not_world_readable_is_unreadable_to_tftpd(setup):
    os.chmod(os.path.join(setup.tftp, "initrd.img"), 0o600)
    rc, report = setup.check()
    f = only_error(report, "boot")
    assert rc == 1
    assert "initrd initrd.img is not readable by pxe-tftpd's user nobody" in f["what"]
    assert "not world-readable" in f["what"]
    assert "received error from TFTP server" in f["client"]


def test_directory_closed_to_tftpd_user_is_found_even_when_permissive(setup):
    # world-readable file, but the directory above it lets only root's group search it
    kdir = os.path.join(setup.tftp, "k")
    os.makedirs(kdir)
    shutil.move(os.path.join(setup.tftp, "vmlinuz"), os.path.join(kdir, "vmlinuz"))
    os.chmod(kdir, 0o750)
    setup.write_menu(kernel="k/vmlinuz")
    setup.write_config(tftpd="permissive = yes\n")
    rc, report = setup.check()
    f = only_error(report, "boot")
    assert rc == 1
    assert "kernel k/vmlinuz is not readable by pxe-tftpd's user nobody" in f["what"]
    assert "not world-readable" not in f["what"]
    os.chmod(kdir, 0o755)
    assert setup.check()[0] == 0


def hpa_get(setup, name):
    """name fetched with tftp-hpa's client from the client namespace: its output (it exits
    0 whether or not the transfer worked) and whether the file arrived."""
    local = os.path.join(setup.base, "fetched")
    if os.path.exists(local):
        os.unlink(local)
    cp = setup.client.run(["tftp", "-m", "octet", setup.server, "-c", "get", name, local],
                          check=False, timeout=40)
    return cp.stdout + cp.stderr, os.path.exists(local) and os.path.getsize(local) > 0


def curl_tftp(setup, name, max_time):
    """tftp://server/name fetched by curl from the client namespace."""
    return setup.client.run(["curl", "-sS", "--max-time", str(max_time), "-o", "/dev/null",
                             f"tftp://{setup.server}/{name}"], check=False,
                            timeout=max_time + 5)


def test_pxectl_agrees_with_a_real_tftp_client(setup, daemons):
    # what pxectl says of the tree and the firewall is what curl then meets
    harness.require_tool("curl")
    harness.require_tool("tftp")
    os.chmod(os.path.join(setup.tftp, "initrd.img"), 0o600)
    setup.write_config(tftpd=f"pidfile = {setup.base}/tftpd.pid\n")
    rc, report = setup.check("--only", "boot,firewall")
    assert rc == 1 and "initrd initrd.img" in only_error(report, "boot")["what"]
    daemons.start("tftpd", ["-C", setup.config, "-f", "-l", "-a", f"{setup.server}:69"],
                  ns=setup.ns)
    assert hpa_get(setup, "vmlinuz")[1]
    said, got = hpa_get(setup, "initrd.img")
    assert not got and "Error code 2: Access violation" in said, said

    setup.nft("table ip f {\n chain in {\n  type filter hook input priority 0;\n"
              "  udp dport 69 drop\n }\n}\n")
    rc, report = setup.check("--only", "firewall")
    assert rc == 1 and only_error(report, "firewall")["client"] == \
        '"PXE-E32: TFTP open timeout"'
    assert curl_tftp(setup, "vmlinuz", 3).returncode == 28     # curl's "timed out"


def test_ks_path_outside_every_export_is_found(setup):
    outside = os.path.join(setup.base, "elsewhere")
    write(os.path.join(outside, KS), "text\n")
    setup.write_menu(f"ks=nfs:{setup.server}:{outside}/{KS}")
    rc, report = setup.check()
    f = only_error(report, "install")
    assert rc == 1
    assert f"is in no export that the pool's clients ({setup.net}.100) may mount" in f["what"]
    assert f["what"].startswith("pxelinux.cfg/default:8: ks=nfs:")
    assert "Unable to download the kickstart file" in f["client"]


def test_pxectl_agrees_with_a_real_nfs_client(setup, daemons):
    # the kickstart pxectl passes is one libnfs reads from pxe-nfsd; the one it refuses, not
    harness.require_tool("nfs-cat")
    outside = os.path.join(setup.base, "elsewhere")
    write(os.path.join(outside, KS), "text\n")
    os.chmod(outside, 0o755)
    setup.write_menu(f"ks=nfs:{setup.server}:{setup.nfs}/{KS}",
                     f"inst.ks=nfs:{setup.server}:{outside}/{KS}")
    setup.write_config(nfsd="require_rpcbind = no\n" f"pidfile = {setup.base}/nfsd.pid\n")
    rc, report = setup.check("--only", "install")
    f = only_error(report, "install")
    assert rc == 1 and f"inst.ks=nfs:{setup.server}:{outside}/{KS}" in f["what"]
    daemons.start("nfsd", ["-C", setup.config, "-f"], ns=setup.ns)

    def cat(path):
        url = f"nfs://{setup.server}{path}?nfsport=2049&mountport=20048"
        return setup.client.run(["nfs-cat", url], check=False, timeout=60)

    good = cat(f"{setup.nfs}/{KS}")
    assert good.returncode == 0 and good.stdout == "text\nreboot\n", good.stderr
    bad = cat(f"{outside}/{KS}")
    assert bad.returncode != 0 and "MNT3ERR_ACCES" in bad.stderr, bad.stdout + bad.stderr


def test_export_closed_to_the_pool_is_found(setup):
    setup.write_config(export="clients = 192.0.2.0/24\n")
    rc, report = setup.check()
    errs = problems(report, ("error",))
    assert rc == 1 and len(errs) == 2      # the kickstart and the install tree
    assert all("access denied" in f["what"] for f in errs)


def test_ks_pointing_at_another_server_is_found(setup):
    setup.write_menu(f"inst.ks=nfs:nfsvers=3:192.0.2.9:{setup.nfs}/{KS}")
    rc, report = setup.check()
    f = only_error(report, "install")
    assert rc == 1
    assert f"192.0.2.9 is not this suite's NFS server ({setup.server}" in f["what"]


def test_missing_kickstart_file_is_found(setup):
    os.unlink(os.path.join(setup.nfs, KS))
    rc, report = setup.check()
    f = only_error(report, "install")
    assert rc == 1 and "No such file or directory" in f["what"]


def test_truncated_repomd_is_found(setup):
    with open(os.path.join(setup.tree, "repodata", "repomd.xml"), "w") as f:
        f.write(REPOMD[:150])
    rc, report = setup.check()
    f = only_error(report, "install")
    assert rc == 1
    assert "repomd.xml: <repomd> is never closed" in f["what"]
    assert "Unable to read package metadata" in f["client"]


def test_repomd_naming_missing_metadata_is_found(setup):
    os.unlink(os.path.join(setup.tree, "repodata", "0b-filelists.xml.gz"))
    rc, report = setup.check()
    f = only_error(report, "install")
    assert rc == 1
    assert "names 1 file that is not there, such as repodata/0b-filelists.xml.gz" in f["what"]


def test_nftables_rule_dropping_tftp_in_namespace_is_found(setup):
    setup.nft("table inet pxt {\n chain input {\n  type filter hook input priority 0;\n"
              "  ct state established,related accept\n  udp dport 69 counter drop\n }\n}\n")
    rc, report = setup.check()
    f = only_error(report, "firewall")
    assert rc == 1
    assert re.match(r"TFTP requests \(udp/69\) are dropped by nftables: inet pxt input "
                    r"handle \d+$", f["what"]), f["what"]
    assert f["client"] == '"PXE-E32: TFTP open timeout"'
    assert f["fix"].startswith("delete that rule (nft delete rule inet pxt input handle")
    # the host's own ruleset is another namespace's: untouched, and not what was read
    assert "pxt" not in subprocess.run(["nft", "list", "tables"], capture_output=True,
                                       text=True, timeout=10).stdout


def test_drop_policy_without_openings_names_every_port(setup):
    setup.nft("table ip f {\n chain in {\n  type filter hook input priority 0; policy drop;\n"
              "  iif lo accept\n  ct state established accept\n  udp dport { 67, 69 } accept\n"
              " }\n}\n")
    rc, report = setup.check("--only", "firewall")
    blocked = sorted(re.search(r"\(((?:tcp|udp)/\d+)\)", f["what"]).group(1)
                     for f in problems(report))
    assert rc == 1
    assert blocked == ["tcp/111", "tcp/20048", "tcp/2049", "udp/111", "udp/20048"]
    assert all("ip f in policy drop" in f["what"] for f in problems(report))


def test_interface_without_server_address_is_found(setup):
    with open(setup.config) as f:
        text = f.read()
    write(setup.config, text.replace(f"server_address = {setup.server}",
                                     f"server_address = {setup.net}.9"))
    rc, report = setup.check("--only", "host")
    f = only_error(report, "host")
    assert rc == 1
    assert f"does not have [dhcpd] server_address {setup.net}.9" in f["what"]


def test_include_loop_and_missing_include_are_found(setup):
    cfg = os.path.join(setup.tftp, "pxelinux.cfg")
    write(os.path.join(setup.tftp, "a.cfg"), "INCLUDE b.cfg\n")
    write(os.path.join(setup.tftp, "b.cfg"), "LABEL b\n  KERNEL vmlinuz\nINCLUDE a.cfg\n")
    with open(os.path.join(cfg, "default"), "a") as f:
        f.write("INCLUDE a.cfg\nMENU INCLUDE gone.cfg\n")
    rc, report = setup.check("--only", "boot")
    whats = [f["what"] for f in problems(report)]
    assert rc == 1
    assert "b.cfg:3: INCLUDE a.cfg: a loop: a.cfg includes itself again" in whats
    assert "pxelinux.cfg/default:12: INCLUDE gone.cfg: no such file" in whats


def test_config_errors_are_the_daemons_own(setup):
    with open(setup.config, "a") as f:
        f.write("[tftpd]\n")
    rc, report = setup.check()
    f = only_error(report, "config")
    daemon = subprocess.run([harness.binary("tftpd"), "-C", setup.config, "--check-config"],
                            capture_output=True, text=True, timeout=10)
    assert rc == 1 and daemon.returncode == 1
    assert f["what"] == (daemon.stderr.strip() +
                         " (pxe-dhcpd, pxe-tftpd, pxe-nfsd refuse to start)")


def test_nfsd_exports_file_error_is_pxe_nfsd_check_config(setup):
    exports = os.path.join(setup.base, "exports")
    write(exports, f"{setup.tree} {setup.net}.0/24(ro,rw)\n")
    setup.write_config(nfsd=f"exports_file = {exports}\n")
    rc, report = setup.check()
    f = only_error(report, "config")
    daemon = subprocess.run([harness.binary("nfsd"), "-C", setup.config, "--check-config"],
                            capture_output=True, text=True, timeout=10)
    assert rc == 1 and daemon.returncode == 1
    assert f["what"] == daemon.stderr.strip() + " (pxe-nfsd refuses to start)"
    assert f["what"].startswith(f"{exports}:1: ")


def test_strict_rp_filter_is_a_warning_not_a_failure(setup):
    setup.ns.run(["sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1"])
    rc, report = setup.check("--only", "host")
    warnings = problems(report, ("warning",))
    assert rc == 0 and report["errors"] == 0
    assert [f["what"] for f in warnings] == [f"rp_filter = 1 (strict) on {setup.iface.name}"]
    assert "rp_filter=2" in warnings[0]["fix"]


def test_host_pxelinux_config_is_read_instead_of_the_directory(setup):
    write(os.path.join(setup.tftp, "hosts", "pc1.cfg"), "LABEL pc1\n  KERNEL vmlinuz-pc1\n")
    with open(setup.config, "a") as f:
        f.write("\n[host pc1]\nmac = 52:54:00:12:34:56\npxelinux_config = hosts/pc1.cfg\n")
    rc, report = setup.check("--only", "boot")
    f = only_error(report, "boot")
    assert rc == 1
    assert f["what"].startswith("hosts/pc1.cfg:2: kernel vmlinuz-pc1")


def test_missing_host_config_is_one_finding(setup):
    with open(setup.config, "a") as f:
        f.write("\n[host pc2]\nmac = 52:54:00:12:34:57\npxelinux_config = hosts/pc2.cfg\n")
    rc, report = setup.check("--only", "boot")
    f = only_error(report, "boot")
    assert rc == 1
    assert re.search(r":\d+: \[host pc2\] pxelinux_config: pxelinux config hosts/pc2.cfg is "
                     r"not in the TFTP root", f["what"]), f["what"]


def test_last_default_wins_as_in_syslinux(setup):
    with open(os.path.join(setup.tftp, "pxelinux.cfg", "default"), "a") as f:
        f.write("DEFAULT memtest86+.bin\n")
    rc, report = setup.check("--only", "boot")
    f = only_error(report, "boot")
    assert rc == 1 and f["client"] == '"Could not find kernel image: memtest86+.bin"'
    assert f["what"].startswith("pxelinux.cfg/default:11: kernel memtest86+.bin")


def test_kickstart_directory_is_a_warning(setup):
    setup.write_menu(f"ks=nfs:{setup.server}:{setup.nfs}")
    rc, report = setup.check("--only", "install")
    warnings = problems(report, ("warning",))
    assert rc == 0 and report["errors"] == 0 and len(warnings) == 1
    assert "is a directory: each installer looks for its own" in warnings[0]["what"]


@pytest.mark.parametrize("argv", [[], ["check", "extra"], ["--bogus", "check"],
                                  ["status", "a", "b"], ["-n", "0", "watch"],
                                  ["--only", "nothing", "check"]])
def test_usage_errors_exit_64(argv):
    cp = harness.run([pxectl()] + argv, check=False)
    assert cp.returncode == 64 and cp.stdout == ""
    assert cp.stderr.startswith("pxectl: ") and "Try 'pxectl --help'." in cp.stderr


def start_rogue_dnsmasq(setup, daemons):
    """A second DHCP server on the link: dnsmasq in the client namespace, handing out
    addresses of the same network and no boot file, as a home router would."""
    path = harness.require_tool("dnsmasq")
    return daemons.start(path, [
        "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-hosts", "--no-resolv",
        "--no-ping", "--log-facility=-", "--log-dhcp", "--user=root", "--pid-file=",
        f"--dhcp-leasefile={setup.base}/rogue.leases", f"--interface={setup.client_iface.name}",
        "--bind-interfaces", f"--dhcp-range={setup.net}.50,{setup.net}.60,1h"],
        ns=setup.client, ready=r"DHCP, IP range")


def probe(setup):
    rc, report = setup.check("--only", "host", "--probe-dhcp")
    return rc, [f for f in report["findings"] if "--probe-dhcp" in f["what"]]


def test_probe_dhcp_finds_a_second_dhcp_server_on_the_link(setup, daemons):
    start_rogue_dnsmasq(setup, daemons)
    setup.write_config(dhcpd=f"user = root\npidfile = {setup.base}/dhcpd.pid\n")
    daemons.start("dhcpd", ["-C", setup.config, "-f"], ns=setup.ns)
    rc, found = probe(setup)
    assert rc == 0, found          # a warning: some clients fail, not all
    rogue = [f for f in found if f["severity"] == "warning"]
    assert len(rogue) == 1, found
    m = re.search(rf"another DHCP server, {setup.net}\.2, answers on {setup.iface.name} "
                  rf"\(offer {setup.net}\.(\d+), ", rogue[0]["what"])
    assert m and 50 <= int(m.group(1)) <= 60, rogue[0]["what"]     # dnsmasq's range
    assert "no boot file" in rogue[0]["what"]
    assert rogue[0]["client"].startswith('"PXE-E53: No boot filename received"')
    assert "mode = proxy" in rogue[0]["fix"]
    own = [f for f in found if f["severity"] == "info"]
    assert len(own) == 1 and f"pxe-dhcpd ({setup.server}) answers" in own[0]["what"], found
    assert "pxelinux.0" in own[0]["what"]


def test_probe_dhcp_beside_the_server_a_proxy_runs_with_is_information(setup, daemons):
    start_rogue_dnsmasq(setup, daemons)
    setup.write_config(dhcpd="mode = proxy\n")
    rc, found = probe(setup)
    assert rc == 0 and [f["severity"] for f in found] == ["info"], found
    assert "the server pxe-dhcpd runs beside as proxyDHCP" in found[0]["what"]


def test_probe_dhcp_says_when_nobody_answers_and_is_off_by_default(setup):
    rc, found = probe(setup)
    assert rc == 0 and len(found) == 1 and "no DHCP server answered" in found[0]["what"]
    rc, report = setup.check("--only", "host")
    assert not [f for f in report["findings"] if "--probe-dhcp" in f["what"]]
