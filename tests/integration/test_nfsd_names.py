# pxe-nfsd's exports(5) host patterns by name and by IPv6 address, against real clients
# (libnfs's nfs-ls and nfs-cat, showmount, rpcinfo) in namespaces of their own. The server
# looks names up in a private /etc/hosts and a DNS server of the test's (dns_stub), both
# seen only inside its own mount and network namespaces.
import os
import signal
import time

import pytest

import dns_stub
import harness
import nfs_lab as nl
from nfs_lab import lab  # noqa: F401  (the fixture)

NSSWITCH = "hosts: files dns\n"
# one quick try: a name the stub does not know fails at once with NXDOMAIN
RESOLV_QUICK = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"
# a query the stub ignores keeps the resolver waiting 2 x 6 s
RESOLV_SLOW = "nameserver 127.0.0.1\noptions timeout:6 attempts:2\n"


@pytest.fixture
def dns(lab):
    """The stub serving on 127.0.0.1:53 in the server's namespace; the test fills its
    tables before the server asks."""
    stub = dns_stub.DnsStub(lab.srv.socket(bind=("127.0.0.1", 53)))
    yield stub
    stub.close()


tool = harness.require_tool


def exported(lab, name):
    """A directory beside the lab's export root, with one file f.txt that names it."""
    d = os.path.join(lab.base, name)
    os.mkdir(d, 0o755)
    with open(os.path.join(d, "f.txt"), "w") as f:
        f.write(name + "\n")
    return d


def reads(client, path):
    """Whether nfs-cat of path/f.txt from client gives its content."""
    tool("nfs-cat")
    cp = client.run(["nfs-cat", client.url(f"{path}/f.txt")], timeout=30)
    with open(f"{path}/f.txt") as f:
        ok = cp.returncode == 0 and cp.stdout == f.read()
    print(f"nfs-cat {path}/f.txt from {client.addr}: {ok} {cp.stderr.strip()}")
    return ok


def lists(client, path):
    tool("nfs-ls")
    cp = client.run(["nfs-ls", client.url(path)], timeout=30)
    print(f"nfs-ls {path} from {client.addr}: {cp.returncode} {cp.stderr.strip()}")
    return cp.returncode == 0 and "f.txt" in cp.stdout


def mnt_status(client, path, tcp=True):
    return client.rpc(nl.MOUNT_PORT, tcp=tcp).mnt(path)[0]


# ------------------------------------------------------------------ names

def test_name_and_wildcard_patterns_let_in_the_clients_they_name(lab, dns):
    one, wild, node = (exported(lab, n) for n in ("one", "wild", "node"))
    c1, other, nameless, node7 = (lab.add_client() for _ in range(4))
    lab.private_etc(nsswitch_conf=NSSWITCH, resolv_conf=RESOLV_QUICK,
                    hosts=f"127.0.0.1 localhost\n{c1.addr} client1.lab.test client1\n"
                          f"{other.addr} other.example.test\n{node7.addr} Node7.Lab.Test\n")
    exports_file = f"{lab.base}/exports"
    with open(exports_file, "w") as f:
        f.write(f"{wild} *.lab.test(ro,insecure)\n")
    lab.write_config(f"exports_file = {exports_file}\n\n"
                     f"[export {one}]\nclients = client1.lab.test\noptions = ro,insecure\n"
                     f"[export {node}]\nclients = node?.lab.test\noptions = ro,insecure\n")
    lab.start()

    assert reads(c1, one) and lists(c1, one)
    assert reads(c1, wild) and lists(c1, wild)
    assert mnt_status(c1, node) == nl.MNT3ERR_ACCES
    # names compare without case, as DNS does
    assert reads(node7, node) and reads(node7, wild)
    assert mnt_status(node7, one) == nl.MNT3ERR_ACCES
    for client in (other, nameless):
        for path in (one, wild, node):
            assert mnt_status(client, path) == nl.MNT3ERR_ACCES, (client.addr, path)
            assert mnt_status(client, path, tcp=False) == nl.MNT3ERR_ACCES
        assert not lists(client, wild)
    # the nameless client was asked of DNS, which said NXDOMAIN
    assert dns_stub.reverse_name(nameless.addr) in {q for q, _ in dns.queries}

    tool("showmount")
    cp = c1.run(["showmount", "-e", c1.server], timeout=20)
    assert cp.returncode == 0, cp.stderr
    lines = dict(line.split(None, 1) for line in cp.stdout.splitlines()[1:])
    assert lines[one].strip() == "client1.lab.test", cp.stdout
    assert lines[wild].strip() == "*.lab.test", cp.stdout
    assert lines[node].strip() == "node?.lab.test", cp.stdout


def test_a_ptr_record_whose_name_does_not_map_back_is_refused(lab, dns):
    wild, one = exported(lab, "wild"), exported(lab, "one")
    c1, forger, dns_named = (lab.add_client() for _ in range(3))
    lab.private_etc(nsswitch_conf=NSSWITCH, resolv_conf=RESOLV_QUICK,
                    hosts=f"127.0.0.1 localhost\n{c1.addr} client1.lab.test\n")
    # The forger's reverse zone claims client1's name, which /etc/hosts maps to c1's
    # address; dns_named's PTR and A records agree, so it gets in by the wildcard.
    dns.ptr[dns_stub.reverse_name(forger.addr)] = "client1.lab.test"
    dns.ptr[dns_stub.reverse_name(dns_named.addr)] = "dns3.lab.test"
    dns.hosts["dns3.lab.test"] = [dns_named.addr]
    lab.write_config(f"[export {one}]\nclients = client1.lab.test\noptions = ro,insecure\n"
                     f"[export {wild}]\nclients = *.lab.test\noptions = ro,insecure\n")
    lab.start()
    assert mnt_status(forger, one) == nl.MNT3ERR_ACCES
    assert mnt_status(forger, wild) == nl.MNT3ERR_ACCES
    assert reads(dns_named, wild)
    assert mnt_status(dns_named, one) == nl.MNT3ERR_ACCES
    assert reads(c1, one)

    # now a PTR naming dns_named's name, which DNS maps to dns_named's address; SIGHUP
    # makes the server forget the names it knew, so it asks again
    forger_ptr = dns_stub.reverse_name(forger.addr)
    dns.ptr[forger_ptr] = "dns3.lab.test"
    asked = dns.queries.count((forger_ptr, dns_stub.TYPE_PTR))
    lab.server.signal_and_wait(signal.SIGHUP, r"\breloaded\b")
    assert mnt_status(forger, wild) == nl.MNT3ERR_ACCES
    assert dns.queries.count((forger_ptr, dns_stub.TYPE_PTR)) > asked


def test_a_client_whose_reverse_lookup_hangs_stalls_no_other(lab, dns):
    """The slow client is let in by its network, but a single-host name could outrank
    that, so its name is looked up: MNT answers within its short wait, NFS calls get
    NFS3ERR_JUKEBOX until the lookup ends, and meanwhile another client is served."""
    both, wild = exported(lab, "both"), exported(lab, "wild")
    c1, slow = lab.add_client(), lab.add_client()
    net = slow.addr.rsplit(".", 1)[0] + ".0/24"
    lab.private_etc(nsswitch_conf=NSSWITCH, resolv_conf=RESOLV_SLOW,
                    hosts=f"127.0.0.1 localhost\n{c1.addr} client1.lab.test\n")
    dns.ignore.add(dns_stub.reverse_name(slow.addr))
    exports_file = f"{lab.base}/exports"
    with open(exports_file, "w") as f:
        f.write(f"{both} client1.lab.test(rw,insecure) {net}(ro,insecure)\n")
    lab.write_config(f"exports_file = {exports_file}\n\n"
                     f"[export {wild}]\nclients = *.lab.test\noptions = ro,insecure\n")
    lab.start()

    rpc = slow.rpc(nl.MOUNT_PORT)
    t0 = time.monotonic()
    status, fh = rpc.mnt(both)
    first_mnt = time.monotonic() - t0
    assert status == nl.MNT3_OK, status
    assert first_mnt < 3, f"MNT took {first_mnt:.1f}s: it waited for the lookup"
    nfs = slow.rpc()
    assert nfs.getattr(fh)[0] == nl.NFS3ERR_JUKEBOX
    # another MNT while the lookup runs is answered without a second wait
    t0 = time.monotonic()
    assert rpc.mnt(both)[0] == nl.MNT3_OK
    assert time.monotonic() - t0 < 3

    # c1 mounts and reads, over and over, while the slow lookup hangs
    for _ in range(3):
        assert reads(c1, wild) and reads(c1, both)
    assert nfs.getattr(fh)[0] == nl.NFS3ERR_JUKEBOX, "the lookup ended before c1 was served"

    # the resolver gives up: the client has no name, and its network lets it in
    harness.wait_until(lambda: nfs.getattr(fh)[0] != nl.NFS3ERR_JUKEBOX, 60,
                       "the slow lookup to end", interval=0.5)
    assert nfs.getattr(fh)[0] == nl.NFS3_OK
    assert dns_stub.reverse_name(slow.addr) in {q for q, _ in dns.queries}


# ------------------------------------------------------------------ IPv6

def test_ipv6_clients_mount_and_read_by_prefix_and_star_and_not_by_ipv4_net(lab, dns):
    net6, star, v4only, named = (exported(lab, n) for n in ("net6", "star", "v4", "named"))
    big = f"{net6}/big.bin"
    digest = nl.write_random(big, 3 * nl.MiB + 5)
    c6 = lab.add_client(addr6=("fd77::1", "fd77::2"))
    lab.private_etc(nsswitch_conf=NSSWITCH, resolv_conf=RESOLV_QUICK,
                    hosts=f"127.0.0.1 localhost\n{c6.addr} client6.lab.test\n")
    lab.write_config(f"[export {net6}]\nclients = fd77::/64\noptions = ro,insecure\n"
                     f"[export {star}]\nclients = *\noptions = ro,insecure\n"
                     f"[export {v4only}]\nclients = 10.0.0.0/8\noptions = ro,insecure\n"
                     f"[export {named}]\nclients = *.lab.test\noptions = ro,insecure\n",
                     nfsd_extra="address = fd77::1\n")
    lab.start()

    assert reads(c6, net6) and lists(c6, net6)
    cp = c6.run(["sh", "-c", f"nfs-cat '{c6.url(big)}' | sha256sum"], timeout=60)
    assert cp.returncode == 0 and cp.stdout.split()[0] == digest, cp.stdout + cp.stderr
    assert reads(c6, star)
    assert reads(c6, named)
    assert mnt_status(c6, v4only) == nl.MNT3ERR_ACCES
    assert mnt_status(c6, v4only, tcp=False) == nl.MNT3ERR_ACCES
    assert not lists(c6, v4only)

    # registered with rpcbind for IPv6, and showmount asks over IPv6
    tool("rpcinfo")
    cp = c6.run(["rpcinfo", "-s", c6.server], timeout=20)
    assert cp.returncode == 0, cp.stderr
    rows = {line.split()[0]: line.split()[2] for line in cp.stdout.splitlines()[1:]}
    for prog in (nl.NFS_PROG, nl.MOUNT_PROG):
        assert {"tcp6", "udp6"} <= set(rows.get(str(prog), "").split(",")), cp.stdout
    cp = c6.run(["rpcinfo", "-T", "tcp6", c6.server, str(nl.NFS_PROG), "3"], timeout=20)
    assert cp.returncode == 0 and "ready and waiting" in cp.stdout, cp.stdout + cp.stderr
    tool("showmount")
    cp = c6.run(["showmount", "-e", c6.server], timeout=20)
    assert cp.returncode == 0, cp.stderr
    lines = dict(line.split(None, 1) for line in cp.stdout.splitlines()[1:])
    assert lines[net6].strip() == "fd77::/64" and lines[star].strip() == "*", cp.stdout
