# A QEMU guest PXE-boots through pxe-dhcpd, pxe-tftpd and pxe-nfsd on demo/pxesuite.ini as
# shipped: its iPXE ROM (legacy BIOS, or OVMF for UEFI), pxelinux or syslinux.efi, a Debian
# kernel and the project's initramfs, which mounts the install tree over NFS v3 and reads
# ks.cfg.  Each phase is asserted from the guest's own console and from the daemons' logs.
import hashlib
import json
import os
import re
import subprocess

import pytest

import harness
import vm_lab
from vm_lab import MAC, SERVER

pytestmark = pytest.mark.slow


@pytest.fixture
def lab(netlab, daemons, tmp_path):
    lab = vm_lab.VmLab(netlab, daemons, tmp_path)
    yield lab
    lab.close()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def assert_firmware_phases(console, firmware):
    """What the ROM and the boot loader print, from DHCP to the menu."""
    assert "iPXE 1.0" in console, console
    assert f"Next server: {SERVER}" in console, console
    if firmware == "bios":
        assert "Filename: pxelinux.0" in console, console
        assert f"tftp://{SERVER}/pxelinux.0... ok" in console, console
        assert "PXELINUX 6." in console, console
    else:
        assert "Filename: efi64/syslinux.efi" in console, console
        assert f"tftp://{SERVER}/efi64/syslinux.efi... ok" in console, console
        assert "My IP is 10.77.0." in console, console
    assert "pxesuite network install" in console, console      # the menu, from the config


def assert_guest_phases(lab, console):
    """What the initramfs prints, from the running kernel to the power-off."""
    order = ["kernel", "dhcp", "nfs-mount", "ks-read", "install-tree", "poweroff"]
    seen = re.findall(r"^pxesuite-init: phase=([\w-]+)", console, re.M)
    assert "failed" not in seen, console
    assert [p for p in seen if p in order] == order, console
    assert re.search(rf"phase=dhcp address=10\.77\.0\.1\d\d server={SERVER}\b", console), console
    assert f"phase=nfs-mount export={SERVER}:/srv/install" in console, console
    ks = lab.path("install", "ks.cfg")
    assert re.search(rf"phase=ks-read path=/srv/install/ks.cfg bytes={os.path.getsize(ks)} "
                     rf"sha256={sha256(ks)}\b", console), console
    img = sha256(lab.path("install", "images", "install.img"))
    assert f"install.img.sha256={img}" in console, console


def assert_timeline(boot):
    t0, rows = boot.phases()
    assert t0 is not None
    missing = [name for name, t, _, _ in rows if t is None]
    assert not missing, f"phases missing from the logs: {missing}\n" + \
        vm_lab.timeline.table(t0, rows)
    print(vm_lab.timeline.table(t0, rows))


def first_seen(phases):
    """Each phase once, in the order a boot first reached it."""
    return [p for i, p in enumerate(phases) if p not in phases[:i]]


def assert_pxectl_status(lab, firmware):
    """pxectl status joins what the three daemons recorded of this VM into its boot."""
    pxectl = os.path.join(harness.builddir(), "pxectl", "pxectl")
    cp = lab.lab.run([pxectl, "-c", lab.config, "--json", "status", MAC], check=False,
                     timeout=30)
    assert cp.returncode == 0 and cp.stderr == "", cp.stdout + cp.stderr
    m = json.loads(cp.stdout)[0]
    phases = first_seen([s["phase"] for s in m["steps"]])
    want = ["dhcp", "boot-file", "modules", "config", "kernel", "initrd", "nfs-mount",
            "nfs-read"]
    assert [p for p in phases if p in want] == want, json.dumps(m["steps"], indent=1)
    # the guest's own DHCP (and syslinux.efi's) is not a new boot
    assert "os-dhcp" in phases
    assert m["mac"] == MAC and m["address"].startswith("10.77.0.") and not m["failed"]
    assert m["boot_file"] == {"bios": "pxelinux.0", "uefi": "efi64/syslinux.efi"}[firmware]
    reads = [s["subject"] for s in m["steps"] if s["phase"] == "nfs-read"]
    assert "/srv/install/ks.cfg" in reads, reads


def boot_and_check(lab, firmware, nic, between=None):
    boot = lab.boot(firmware, nic, between=between)
    console = boot.console()
    assert boot.exit_code == 0, f"QEMU exit {boot.exit_code}\n{console}"
    assert_firmware_phases(console, firmware)
    # iPXE names the card it drives: the NIC asked for is the one that booted.
    assert {"e1000": "using 82540em", "virtio": "using virtio-net"}[nic] in console, console
    assert_guest_phases(lab, console)
    assert_timeline(boot)
    assert_pxectl_status(lab, firmware)
    return boot


def test_bios_pxe_with_e1000_boots_to_ks_cfg(lab):
    lab.start_all()
    boot_and_check(lab, "bios", "e1000")


def test_bios_pxe_with_virtio_net_boots_to_ks_cfg(lab):
    lab.start_all()
    boot_and_check(lab, "bios", "virtio")


def test_uefi_pxe_gets_syslinux_efi_by_option_93_and_boots_to_ks_cfg(lab):
    lab.start_all()
    boot = boot_and_check(lab, "uefi", "e1000")
    acks = [msg for _, src, msg in boot.events if src == "pxe-dhcpd" and "DHCPACK" in msg]
    assert acks and "boot=efi64/syslinux.efi" in acks[0] and "arch=7" in acks[0], acks


def test_each_daemon_restarted_between_phases_and_the_boot_completes(lab):
    """pxe-dhcpd restarts after the ROM's ACK (the guest kernel's DHCP meets the new process
    and gets the same address from the lease journal), pxe-tftpd once the menu is up (the
    kernel and initrd come from the new one while the menu counts down), pxe-nfsd after
    the guest mounted the tree; the guest waits for a file to appear before it reads
    ks.cfg through the handles the old process gave."""
    lab.start_all()
    lab.pxelinux_config_for(MAC, "pxesuite.hold=go")
    old = dict(lab.servers)
    done = []

    def between(lines):
        if "dhcpd" not in done and re.search(r"\bDHCPACK\b", lab.servers["dhcpd"].log()):
            lab.restart("dhcpd")
            done.append("dhcpd")
        if "tftpd" not in done and any("Press [Tab] to edit options" in s for s in lines):
            lab.restart("tftpd")
            done.append("tftpd")
        if "nfsd" not in done and any("phase=hold" in s for s in lines):
            lab.restart("nfsd")
            done.append("nfsd")
            go = lab.path("install", "go")
            with open(go, "w") as f:
                f.write("go\n")
            os.chmod(go, 0o644)

    boot = boot_and_check(lab, "bios", "e1000", between=between)
    assert done == ["dhcpd", "tftpd", "nfsd"], done

    rom_ack = re.search(r"DHCPACK (\S+) .* arch=0", old["dhcpd"].log())
    guest_ack = re.search(r"DHCPACK (\S+) ", lab.servers["dhcpd"].log())
    assert rom_ack and guest_ack and rom_ack[1] == guest_ack[1], \
        (old["dhcpd"].log(), lab.servers["dhcpd"].log())
    assert f"phase=dhcp address={rom_ack[1]} " in boot.console(), boot.console()

    assert re.search(r" RRQ pxelinux\.cfg/01-52-54-00-77-00-10 .* ok$", old["tftpd"].log(),
                     re.M), old["tftpd"].log()
    for name in ("vmlinuz", "initrd\\.img"):
        assert re.search(rf" RRQ {name} .* ok$", lab.servers["tftpd"].log(), re.M), \
            (name, lab.servers["tftpd"].log())

    assert " MNT " in old["nfsd"].log() and " MNT " not in lab.servers["nfsd"].log(), \
        (old["nfsd"].log(), lab.servers["nfsd"].log())
    console = boot.console()
    assert console.index("phase=hold") < console.index("phase=ks-read"), console


def test_make_demo_boots_the_vm_and_cleans_up(netlab):
    """The README's first command ends in make demo: the boot to ks.cfg with its timeline,
    and nothing left behind, neither namespace nor process nor work directory."""
    vm_lab.require_vm_tools()
    env = dict(os.environ, top_builddir=harness.builddir())
    env.pop("PXESUITE_DEMO_KEEP", None)
    cp = subprocess.run(["sh", os.path.join(vm_lab.DEMO, "run.sh")], env=env,
                        stdin=subprocess.DEVNULL, capture_output=True, text=True,
                        timeout=vm_lab.TREE_LIMIT + vm_lab.BOOT_LIMIT)
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, out
    assert "done: the VM booted over the network, read ks.cfg" in out, out
    for name, _, _ in vm_lab.timeline.PHASES:
        assert re.search(rf"^{re.escape(name)} +\d+\.\d\ds ", out, re.M), (name, out)
    assert "  | pxesuite-init: phase=ks-read" in out, out       # the console, shown
    ns = re.search(r"namespace (pxedemo-\d+)", out)[1]
    work = re.search(r"work directory: (\S+)", out)[1]
    assert ns not in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                    text=True).stdout
    assert not os.path.exists(work)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace")
        except OSError:
            continue
        assert work not in argv, f"pid {pid} still runs: {argv!r}"
