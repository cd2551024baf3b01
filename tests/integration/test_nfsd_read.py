# pxe-nfsd's READ replies over TCP, whose data goes from the file to the socket after the
# encoded head (sendfile): whole files through libnfs's nfs-cat, odd offsets, counts and
# the end of a file through the raw client, replies waiting on clients that do not read,
# and a file cut short while its reply waits.
import hashlib
import os
import socket
import struct
import time

import pytest

import harness
import nfs_lab as nl
from nfs_lab import lab  # noqa: F401  (the fixture)

MiB = 1 << 20


def read_call(xid, fh, offset, count):
    call = nl.RpcClient.call_bytes(xid, nl.NFS_PROG, 3, nl.READ,
                                   nl.opaque(fh) + nl.u64(offset) + nl.u32(count))
    return nl.u32(0x80000000 | len(call)) + call


def parse_read(reply):
    """(data, eof, size from the attributes) of a READ reply, which must hold nothing
    more than RFC 1813 §3.3.6 says, padding zeros included."""
    r = reply.reader()
    assert r.u32() == nl.NFS3_OK
    attrs = nl.read_post_op(r)
    count, eof = r.u32(), r.u32()
    n = r.u32()
    data = r.take(n)
    assert r.take(-n % 4) == b"\0" * (-n % 4), "XDR padding must be zeros"
    assert r.left() == 0, f"{r.left()} bytes after the data"
    assert count == n
    return data, bool(eof), attrs["size"] if attrs else None


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def nfsd_pid(lab):
    pid = lab.server.pid
    assert harness.pid_is(pid, "pxe-nfsd"), "the server's pid is pxe-nfsd's"
    return pid


def test_nfs_cat_reads_256_mib_with_the_same_sha256(lab):
    sha = nl.write_random(lab.path("big.bin"), 256 * MiB)
    lab.start()
    harness.require_tool("nfs-cat")
    cp = lab.run_client(["sh", "-c", f"nfs-cat '{lab.url('big.bin')}' | sha256sum"],
                        timeout=120)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.split()[0] == sha


def test_reads_at_odd_offsets_and_counts_and_at_the_end(lab):
    size = 3 * MiB + 5
    content = os.urandom(size)
    lab.write("f.bin", content)
    lab.start()
    nfs, udp = lab.rpc(), lab.rpc(tcp=False)
    st, fh, _ = nfs.lookup(lab.mount(), "f.bin")
    cases = [(0, 0), (0, 1), (1, 3), (3, 7), (5, 4093), (MiB - 1, MiB), (MiB + 1, 2 * MiB),
             (size - 1, 10), (size - 6, 6), (size - 5, 5), (size, 10), (size + 100, 10),
             (1 << 62, 4)]
    for xid, (offset, count) in enumerate(cases, 5000):
        nfs.sock.sendall(read_call(xid, fh, offset, count))
        reply = nfs.recv_reply()
        assert reply.xid == xid
        data, eof, attr_size = parse_read(reply)
        want = content[offset:offset + min(count, MiB)]
        assert data == want, f"READ {offset}+{count}: {len(data)} bytes, not {len(want)}"
        assert eof == (offset + len(data) >= size), f"READ {offset}+{count}: eof {eof}"
        assert attr_size == size
        if count <= 32 * 1024:
            ust, udata, ueof, _ = udp.read(fh, offset, count)
            assert (ust, udata, ueof) == (nl.NFS3_OK, want, eof), "UDP reads the same"
    # all asked at once: the replies queue, each with its file part, and come whole,
    # in order
    asked = [(i * 333331 % size, 1 + i * 77777 % MiB) for i in range(24)]
    nfs.sock.sendall(b"".join(read_call(6000 + i, fh, o, c) for i, (o, c) in enumerate(asked)))
    for i, (offset, count) in enumerate(asked):
        reply = nfs.recv_reply()
        assert reply.xid == 6000 + i
        data, eof, _ = parse_read(reply)
        assert data == content[offset:offset + count]
        assert eof == (offset + count >= size)


def test_reads_of_what_is_not_a_readable_file_keep_their_status(lab):
    lab.write("f.bin", b"x" * 100)
    lab.write("secret.bin", b"y" * 100, mode=0o600)
    os.mkdir(lab.path("d"))
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    _, fh, _ = nfs.lookup(root, "f.bin")
    _, dfh, _ = nfs.lookup(root, "d")
    _, sfh, _ = nfs.lookup(root, "secret.bin")
    assert nfs.read(dfh, 0, 10)[0] == nl.NFS3ERR_ISDIR
    assert nfs.read(sfh, 0, 10, nl.auth_sys(4242, 4242))[0] == nl.NFS3ERR_ACCES
    assert nfs.read(fh, 0, 200)[:3] == (nl.NFS3_OK, b"x" * 100, True)


def stall(lab, fh, reads, offset_step=MiB):
    """A connection that asks for reads READs and never reads its socket."""
    s = lab.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(5)
    s.connect((lab.addr, 2049))
    s.sendall(b"".join(read_call(7000 + i, fh, i * offset_step, MiB) for i in range(reads)))
    return s


def drain(s, timeout):
    """Every byte the server sends until it ends the connection."""
    out, deadline = b"", time.monotonic() + timeout
    s.settimeout(1)
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(1 << 20)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return out, True
        if not chunk:
            return out, True
        out += chunk
    return out, False


def records(stream):
    """The whole records at the start of stream, and how many bytes follow them."""
    out, pos = [], 0
    while pos + 4 <= len(stream):
        mark = int.from_bytes(stream[pos:pos + 4], "big")
        assert mark & 0x80000000, "every reply is one fragment"
        end = pos + 4 + (mark & 0x7FFFFFFF)
        if end > len(stream):
            break
        out.append(nl.Reply(stream[pos + 4:end]))
        pos = end
    return out, len(stream) - pos


@pytest.mark.slow
def test_a_client_that_never_reads_is_closed_and_its_files_with_it(lab):
    sha = nl.write_random(lab.path("f.bin"), 16 * MiB)
    lab.start()
    pid = nfsd_pid(lab)
    nfs = lab.rpc()
    st, fh, _ = nfs.lookup(lab.mount(), "f.bin")
    base = open_fds(pid)
    stuck = stall(lab, fh, 16)
    time.sleep(1)
    assert open_fds(pid) > base + 1, "the waiting replies hold the file open"
    # another client reads the whole file meanwhile
    cp = lab.run_client(["sh", "-c", f"nfs-cat '{lab.url('f.bin')}' | sha256sum"], timeout=60)
    assert cp.returncode == 0 and cp.stdout.split()[0] == sha, cp.stderr
    lab.server.wait_for_log(r"took no reply bytes for \d+ s: closing", timeout=60)
    harness.wait_until(lambda: open_fds(pid) <= base, 10, "the stalled connection's files")
    stream, ended = drain(stuck, 20)
    assert ended, "the stalled connection was closed"
    replies, _ = records(stream)
    for i, reply in enumerate(replies):
        assert reply.xid == 7000 + i
        data, _, _ = parse_read(reply)
        assert hashlib.sha256(data).digest() == hashlib.sha256(
            open(lab.path("f.bin"), "rb").read()[i * MiB:(i + 1) * MiB]).digest()
    assert nfs.getattr(lab.mount())[0] == nl.NFS3_OK


def test_a_file_cut_short_while_its_reply_waits_ends_the_connection_not_the_stream(lab):
    content = os.urandom(16 * MiB)
    path = lab.write("f.bin", content)
    lab.start()
    pid = nfsd_pid(lab)
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _ = nfs.lookup(root, "f.bin")
    base = open_fds(pid)
    stuck = stall(lab, fh, 16)
    time.sleep(1)
    os.truncate(path, 100 * 1024)
    stream, ended = drain(stuck, 20)
    assert ended, "a reply the file can no longer fill ends its connection"
    replies, cut = records(stream)
    assert len(replies) < 16 and cut > 0, "the last reply was cut where the file ended"
    for i, reply in enumerate(replies):
        assert reply.xid == 7000 + i
        data, _, _ = parse_read(reply)
        assert data == content[i * MiB:(i + 1) * MiB], "whole replies hold the file's bytes"
    lab.server.wait_for_log(r"READ reply is shorter than announced: closing it",
                            timeout=10)
    harness.wait_until(lambda: open_fds(pid) <= base, 10, "the cut reply's file closed")
    # the file as it is now, to the next reader
    status, data, eof, _ = nfs.read(fh, 0, MiB)
    assert status == nl.NFS3_OK and data == content[:100 * 1024] and eof


def test_clients_gone_while_their_replies_wait_end_only_their_connections(lab):
    nl.write_random(lab.path("f.bin"), 16 * MiB)
    lab.start()
    pid = nfsd_pid(lab)
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _ = nfs.lookup(root, "f.bin")
    base = open_fds(pid)
    for _ in range(3):
        stuck = [stall(lab, fh, 16) for _ in range(4)]
        time.sleep(0.5)
        for s in stuck:
            # a reset, not a FIN: the next send into it fails with EPIPE
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        time.sleep(0.5)
        assert lab.server.alive(), f"pxe-nfsd died ({lab.server.exit_description()})"
    harness.wait_until(lambda: open_fds(pid) <= base, 10, "the gone clients' files")
    assert nfs.read(fh, 0, 4)[0] == nl.NFS3_OK
