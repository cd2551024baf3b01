# pxe-nfsd on IPv4 and IPv6 at once when no address is set: libnfs's nfs-cat and nfs-ls,
# showmount and rpcinfo over each family (a veth of each, and loopback) against one server;
# exports that name one family refuse the other; a host without IPv6 is served IPv4.
import json
import os
import sys

import pytest

import harness
import nfs_lab as nl
from nfs_lab import lab  # noqa: F401  (the fixture)
import no_ipv6

V6 = ("fd78::1", "fd78::2")          # the server's and the IPv6 client's addresses


tool = harness.require_tool


def v4_client(lab):
    """The lab's own client namespace, on the IPv4 veth."""
    return nl.Client(lab, lab.cli, lab.addr, lab.cli_if.addr)


def loopback(lab, addr):
    """A client in the server's namespace, talking to it over lo."""
    return nl.Client(lab, lab.srv, addr, addr)


def cat(client, path):
    tool("nfs-cat")
    cp = client.run(["nfs-cat", client.url(path)], timeout=30)
    print(f"nfs-cat {path} from {client.addr}: {cp.returncode} {cp.stderr.strip()}")
    return cp.stdout if cp.returncode == 0 else None


def lists(client, path):
    tool("nfs-ls")
    cp = client.run(["nfs-ls", client.url(path)], timeout=30)
    print(f"nfs-ls {path} from {client.addr}: {cp.returncode} {cp.stderr.strip()}")
    return cp.stdout.split() if cp.returncode == 0 else None


def netids(client):
    """rpcinfo -s through client: {program: set of netids}."""
    tool("rpcinfo")
    cp = client.run(["rpcinfo", "-s", client.server], timeout=20)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    rows = (line.split() for line in cp.stdout.splitlines()[1:])
    return {int(f[0]): set(f[2].split(",")) for f in rows if len(f) >= 3 and f[0].isdigit()}


def showmount(client, flag):
    tool("showmount")
    cp = client.run(["showmount", flag, client.server], timeout=20)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return cp.stdout.splitlines()[1:]


BOTH = {"tcp", "udp", "tcp6", "udp6"}


def test_no_address_serves_ipv4_and_ipv6_clients_of_one_server(lab):
    lab.write("hello.txt", b"hello over both\n")
    c6 = lab.add_client(addr6=V6)
    c4 = v4_client(lab)
    lab.write_config()
    server = lab.start()
    assert "every IPv4 and IPv6 address" in server.log(), server.log()
    hello = lab.root + "/hello.txt"

    for client in (c4, c6, loopback(lab, "127.0.0.1"), loopback(lab, "::1")):
        assert cat(client, hello) == "hello over both\n", client.addr
        assert "hello.txt" in (lists(client, lab.root + "/") or []), client.addr
        # each family's rpcbind entries: NFS and MOUNT under all four netids
        regs = netids(client)
        for prog in (nl.NFS_PROG, nl.MOUNT_PROG):
            assert BOTH <= regs.get(prog, set()), (client.addr, regs)
        assert [line.split()[0] for line in showmount(client, "-e")] == [lab.root]

    for netid in ("tcp6", "udp6"):
        cp = c6.run(["rpcinfo", "-T", netid, c6.server, str(nl.MOUNT_PROG), "3"], timeout=20)
        assert cp.returncode == 0 and "ready and waiting" in cp.stdout, cp.stdout + cp.stderr

    # MOUNT's DUMP: the mounts of both families, each by its own address
    assert c4.rpc(nl.MOUNT_PORT).mnt(lab.root)[0] == nl.MNT3_OK
    assert c6.rpc(nl.MOUNT_PORT).mnt(lab.root)[0] == nl.MNT3_OK
    dump = showmount(c6, "-a")
    assert f"{c4.addr}:{lab.root}" in dump and f"{c6.addr}:{lab.root}" in dump, dump

    # a clean exit takes back the registrations of both families
    assert server.stop() == 0
    regs = netids(c6)
    assert not (set(regs) & {nl.NFS_PROG, nl.MOUNT_PROG}), regs


def test_ipv6_client_in_the_progress_ring_and_pxectl_status(lab):
    pxectl = os.path.join(harness.builddir(), "pxectl", "pxectl")
    run = os.path.join(lab.base, "run")
    lab.write("ks.cfg", b"text\n")
    c6 = lab.add_client(addr6=V6)
    lab.write_config()
    with open(lab.config) as f:
        text = f.read()
    with open(lab.config, "w") as f:
        f.write(text.replace("[global]\n", f"[global]\nprogress_dir = {run}\n", 1))
    lab.start()
    assert cat(c6, lab.root + "/ks.cfg") == "text\n"
    cp = harness.run([pxectl, "-c", lab.config, "--json", "status", c6.addr], check=False,
                     timeout=30)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    machines = json.loads(cp.stdout)
    machines = machines if isinstance(machines, list) else [machines]
    steps = [s for m in machines for s in m["steps"]]
    assert any(s["event"] == "mount" and s["subject"] == lab.root for s in steps), cp.stdout
    assert all(m["address"] == c6.addr for m in machines), cp.stdout


def test_an_export_for_one_family_refuses_the_other(lab):
    only6, only4, secure, named = (os.path.join(lab.base, n)
                                   for n in ("only6", "only4", "secure", "named"))
    for d in (only6, only4, secure, named):
        os.mkdir(d, 0o755)
        with open(os.path.join(d, "f.txt"), "w") as f:
            f.write(os.path.basename(d) + "\n")
    c6 = lab.add_client(addr6=V6)
    c4 = v4_client(lab)
    lab.private_etc(nsswitch_conf="hosts: files\n",
                    hosts=f"127.0.0.1 localhost\n{c6.addr} client6.lab.test\n")
    lab.write_config(f"[export {only6}]\nclients = fd78::/64 ::1\noptions = ro,insecure\n"
                     f"[export {named}]\nclients = client6.lab.test\noptions = ro,insecure\n"
                     f"[export {only4}]\nclients = 10.0.0.0/8 127.0.0.1\n"
                     "options = ro,insecure\n"
                     f"[export {secure}]\nclients = *\noptions = ro,secure\n")
    lab.start()

    for v6, v4 in ((c6, c4), (loopback(lab, "::1"), loopback(lab, "127.0.0.1"))):
        assert cat(v6, only6 + "/f.txt") == "only6\n", v6.addr
        assert cat(v4, only4 + "/f.txt") == "only4\n", v4.addr
        assert cat(v4, only6 + "/f.txt") is None, v4.addr
        assert cat(v6, only4 + "/f.txt") is None, v6.addr
    # a name the server finds for the IPv6 client's address, and for no other
    assert cat(c6, named + "/f.txt") == "named\n"
    assert cat(c4, named + "/f.txt") is None
    for client, path in ((c4, only6), (c6, only4), (c4, named)):
        for tcp in (True, False):
            assert client.rpc(nl.MOUNT_PORT, tcp=tcp).mnt(path)[0] == nl.MNT3ERR_ACCES
    rows = dict(line.split(None, 1) for line in showmount(c6, "-e"))
    assert set(rows[only6].replace(",", " ").split()) == {"fd78::/64", "::1"}, rows

    # secure: the port check reads an IPv6 caller's port as it does an IPv4 one's
    assert c6.rpc(nl.MOUNT_PORT).mnt(secure)[0] == nl.MNT3ERR_ACCES
    status, fh = c6.rpc(nl.MOUNT_PORT, src_port=814).mnt(secure)
    assert status == nl.MNT3_OK
    assert c6.rpc().getattr(fh)[0] == nl.NFS3ERR_PERM
    assert c6.rpc(src_port=815).getattr(fh)[0] == nl.NFS3_OK
    assert cat(c6, secure + "/f.txt") == "secure\n"     # libnfs binds a privileged port


def test_an_address_set_serves_its_family_alone(lab):
    lab.write("f.txt", b"one family\n")
    c6 = lab.add_client(addr6=V6)
    c4 = v4_client(lab)
    lab.write_config(nfsd_extra="address = 0.0.0.0\n")
    server = lab.start()
    assert cat(c4, lab.root + "/f.txt") == "one family\n"
    assert cat(c6, lab.root + "/f.txt") is None
    assert netids(c4)[nl.NFS_PROG] == {"tcp", "udp"}
    server.stop()
    lab.write_config(nfsd_extra="address = ::\n")
    lab.start()
    assert cat(c6, lab.root + "/f.txt") == "one family\n"
    assert cat(c4, lab.root + "/f.txt") is None
    assert netids(c6)[nl.NFS_PROG] == {"tcp6", "udp6"}


def test_without_rpcbind_both_families_are_served_on_the_fixed_ports(lab):
    lab.write("f.txt", b"fixed\n")
    c6 = lab.add_client(addr6=V6)
    lab.write_config(nfsd_extra="require_rpcbind = no\n")
    lab.start(rpcbind=False)
    query = f"?nfsport=2049&mountport={nl.MOUNT_PORT}"
    for client in (v4_client(lab), c6):
        assert cat(client, lab.root + "/f.txt" + query) == "fixed\n", client.addr


class NoIpv6:
    """Runs a command in another's namespaces under no_ipv6.py."""

    def __init__(self, inner):
        self.inner = inner

    def argv(self, argv):
        return self.inner.argv([sys.executable, no_ipv6.__file__] + list(argv))


@pytest.mark.parametrize("how", ["sysctl", "no-af-inet6"])
def test_a_host_without_ipv6_is_served_ipv4(lab, how):
    lab.write("f.txt", b"v4 alone\n")
    c4 = v4_client(lab)
    if how == "sysctl":
        lab.srv.run(["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                     "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.lo.disable_ipv6=1"])
        assert "inet6" not in lab.srv.run(["ip", "addr"]).stdout
    elif not no_ipv6.supported():
        pytest.skip("no_ipv6.py: no seccomp filter written for this architecture")
    lab.write_config()
    lab.start_rpcbind()
    ns = lab.server_ns() if how == "sysctl" else NoIpv6(lab.server_ns())
    lab.server = server = lab.daemons.start("nfsd", ["-f", "-C", lab.config], ns=ns)
    assert cat(c4, lab.root + "/f.txt") == "v4 alone\n"
    assert {"tcp", "udp"} <= netids(c4)[nl.NFS_PROG]
    log = server.log()
    assert "error" not in log.lower(), log
    if how == "no-af-inet6":
        assert "no IPv6 on this host (Address family not supported by protocol): " \
               "serving IPv4 alone" in log, log
        assert "every IPv4 address" in log, log
        assert netids(c4)[nl.NFS_PROG] == {"tcp", "udp"}
    assert server.stop() == 0
    assert nl.NFS_PROG not in netids(c4)


def test_a_mount_port_the_kernel_picks_is_the_same_for_both_families(lab):
    lab.write("f.txt", b"picked\n")
    c6 = lab.add_client(addr6=V6)
    with open(lab.write_config(), "r+") as f:
        text = f.read().replace(f"mount_port = {nl.MOUNT_PORT}\n", "")
        f.seek(0)
        f.truncate()
        f.write(text)
    lab.start()
    tool("rpcinfo")
    cp = c6.run(["rpcinfo", c6.server], timeout=20)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    ports = {}
    for f in (line.split() for line in cp.stdout.splitlines()[1:]):
        if len(f) >= 4 and f[0] == str(nl.MOUNT_PROG):
            hi, lo = f[3].split(".")[-2:]          # a universal address: ADDR.HI.LO
            ports[f[2]] = int(hi) * 256 + int(lo)
    assert set(ports) == BOTH and len(set(ports.values())) == 1, cp.stdout
    assert ports["tcp"] != nl.MOUNT_PORT
    for client in (v4_client(lab), c6):
        assert cat(client, lab.root + "/f.txt") == "picked\n", client.addr
