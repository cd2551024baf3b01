# The VM boot lab for tests/integration/test_vm_boot.py: the demo's lab (demo/pxesuite.ini as
# shipped, demo/boot-tree.sh, demo/vm.sh, demo/ra.py) built with the harness, so a test can
# watch a QEMU guest's console and the daemons' logs phase by phase and act between phases.
"""VmLab: a namespace with bridge br0 (10.77.0.1/24) and tap0, rpcbind and the three daemons
in a mount namespace whose /srv is a boot tree and whose /run is its own, and a QEMU guest
that PXE-boots from tap0 with a hard time limit."""

import os
import shutil
import sys
import tempfile
import time

import harness
from nfs_lab import NsEnter


def srcdir():
    return os.environ.get("top_srcdir") or os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


DEMO = os.path.join(srcdir(), "demo")
sys.path.insert(0, DEMO)
import timeline  # noqa: E402 - demo/ is only on the path from here on

SERVER = "10.77.0.1"
MAC = "52:54:00:77:00:10"
# A TCG boot takes 10-25 s here; the limit only stops a boot that went wrong.
BOOT_LIMIT = 150.0
# The first build of a boot tree may fetch the kernel .deb.
TREE_LIMIT = 600.0

NEEDED_FILES = (
    ("/usr/lib/PXELINUX/pxelinux.0", "pxelinux"),
    ("/usr/lib/syslinux/modules/bios/ldlinux.c32", "syslinux-common"),
    ("/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", "syslinux-efi"),
    ("/bin/busybox", "busybox-static"),
    ("/usr/lib/ipxe/qemu/efi-e1000.rom", "ipxe-qemu"),
)
OVMF_FILES = (("/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf"),)


def require_vm_tools(uefi=False):
    """Skip (fail under CI=true) unless root, QEMU and the boot tree's packages are here."""
    harness.require_root("a VM lab")
    for tool in ("qemu-system-x86_64", "rpcbind", "unshare", "nsenter", "cpio", "modinfo"):
        harness.require_tool(tool)
    for path, package in NEEDED_FILES + (OVMF_FILES if uefi else ()):
        if not os.path.exists(path):
            harness.skip_or_fail(f"{path} is missing: install {package}")


class Boot:
    """What one boot left: the console lines and every stamped event of the logs."""

    def __init__(self, lines, events, exit_code):
        self.lines, self.events, self.exit_code = lines, events, exit_code

    def console(self):
        return "\n".join(self.lines)

    def phases(self):
        return timeline.phases(self.events)


class VmLab:
    def __init__(self, netlab, daemons, tmp_path):
        require_vm_tools()
        self.daemons, self.tmp = daemons, str(tmp_path)
        self.base = tempfile.mkdtemp(prefix="pxt-vm-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.srv = os.path.join(self.base, "srv")
        harness.run(["sh", os.path.join(DEMO, "boot-tree.sh"), self.srv], timeout=TREE_LIMIT)
        self.config = os.path.join(DEMO, "pxesuite.ini")
        self.ns = netlab.namespace()
        self._make_network()
        self.lab = self._start_rpcbind()
        self.servers = {}
        self.ra = daemons.start(shutil.which("python3") or sys.executable,
                                [os.path.join(DEMO, "ra.py"), "br0", str(4 * BOOT_LIMIT)],
                                ns=self.ns, ready=None)

    def close(self):
        shutil.rmtree(self.base, ignore_errors=True)

    def _make_network(self):
        ns = self.ns
        ns.ip("link", "add", "br0", "type", "bridge")
        ns.run(["sysctl", "-qw", "net.ipv6.conf.br0.accept_dad=0"])
        ns.ip("addr", "add", f"{SERVER}/24", "dev", "br0")
        ns.ip("link", "set", "br0", "up")
        ns.ip("tuntap", "add", "dev", "tap0", "mode", "tap")
        ns.ip("link", "set", "tap0", "master", "br0", "up")

    def _start_rpcbind(self):
        rpcbind = harness.require_tool("rpcbind")
        d = self.daemons.start(
            harness.require_tool("unshare"),
            ["-m", "--propagation", "private", "sh", "-c",
             f"mount -t tmpfs -o mode=755 tmpfs /run && mount --bind {self.srv} /srv "
             f"&& exec {rpcbind} -f"], ns=self.ns, ready=None)
        sock = f"/proc/{d.pid}/root/run/rpcbind.sock"
        harness.wait_until(lambda: os.path.exists(sock) or not d.alive(), 10, "rpcbind")
        assert d.alive(), f"rpcbind exited\n{d.log()}"
        return NsEnter(d.pid, self.ns.name)

    # -- the tree
    def path(self, *parts):
        return os.path.join(self.srv, *parts)

    def pxelinux_config_for(self, mac, extra_args):
        """A config for one machine (pxelinux asks for pxelinux.cfg/01-MAC first): the
        default one with extra_args appended to the kernel's arguments."""
        with open(self.path("tftp", "pxelinux.cfg", "default")) as f:
            text = f.read()
        assert "  APPEND " in text, text
        text = "\n".join(line + " " + extra_args if line.startswith("  APPEND ") else line
                         for line in text.splitlines()) + "\n"
        name = self.path("tftp", "pxelinux.cfg", "01-" + mac.lower().replace(":", "-"))
        with open(name, "w") as f:
            f.write(text)
        os.chmod(name, 0o644)

    # -- daemons
    def start(self, name):
        self.servers[name] = self.daemons.start(name, ["-f", "-C", self.config], ns=self.lab)
        return self.servers[name]

    def start_all(self):
        for name in ("dhcpd", "tftpd", "nfsd"):
            self.start(name)

    def restart(self, name):
        self.servers[name].stop()
        return self.start(name)

    def daemon_logs(self):
        return [d.log_path for d in self.daemons.daemons if d.name.startswith("pxe-")]

    # -- the guest
    def boot(self, firmware="bios", nic="e1000", between=None, limit=BOOT_LIMIT):
        """Boots the VM until it powers off; between() is called every 50 ms meanwhile,
        so a test can act between phases.  Fails past limit seconds."""
        raw = os.path.join(self.base, "console.raw")
        out = os.path.join(self.tmp, "console.log")
        args = ["--nic", nic, "--mac", MAC]
        if firmware == "uefi":
            require_vm_tools(uefi=True)
            args += ["--uefi", os.path.join(self.base, "OVMF_VARS.fd")]
        vm = self.daemons.start("/bin/sh", [os.path.join(DEMO, "vm.sh")] + args + ["tap0", raw],
                                ns=self.ns, ready=None)
        follower = timeline.Follower(raw, out)
        self.daemons.logs.append(("guest console", out))
        deadline = time.monotonic() + limit
        while vm.alive():
            follower.poll()
            if between is not None:
                between(follower.lines)
            if time.monotonic() > deadline:
                vm.stop()
                raise AssertionError(f"the VM did not power off within {limit:g}s\n--- "
                                     f"console ---\n{harness.tail(chr(10).join(follower.lines))}")
            time.sleep(0.05)
        follower.poll()
        follower.flush()
        return Boot(follower.lines, timeline.read_events(self.daemon_logs() + [out]),
                    vm.returncode)
