# The pxe-nfsd test lab: a server namespace with a private rpcbind, a client namespace joined
# by a veth pair, an export tree outside pytest's private tmp dirs, and a raw ONC RPC client
# (RFC 5531 record marking, AUTH_SYS, MOUNT v3 and NFS v3 calls from RFC 1813) that builds
# calls by hand so tests can send what no real client would.
"""NfsLab and a raw RPC client for tests/integration/test_nfsd*.py.

rpcbind runs in the server's network namespace and in a private mount namespace with its
own tmpfs on /run (its socket /run/rpcbind.sock would otherwise be the host's, shared by
every network namespace); pxe-nfsd joins both namespaces with nsenter, so it registers
with that rpcbind and no other.
"""

import hashlib
import os
import shutil
import socket
import struct
import tempfile
import time

import pytest

import harness

MOUNT_PROG, NFS_PROG, PMAP_PROG, NFS_ACL_PROG = 100005, 100003, 100000, 100227
AUTH_NONE, AUTH_SYS = 0, 1
MOUNT_PORT = 20048

# RFC 5531 §9: reply_stat, accept_stat, reject_stat, auth_stat
MSG_ACCEPTED, MSG_DENIED = 0, 1
SUCCESS, PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR = range(6)
RPC_MISMATCH, AUTH_ERROR = 0, 1
AUTH_BADCRED, AUTH_TOOWEAK = 1, 5

# RFC 1813 procedures and status codes used by the tests
MNT, DUMP, UMNT, EXPORT = 1, 2, 3, 5
GETATTR, SETATTR, LOOKUP, ACCESS, READLINK, READ, WRITE, CREATE = 1, 2, 3, 4, 5, 6, 7, 8
MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK = 9, 10, 11, 12, 13, 14, 15
MODIFYING = (SETATTR, WRITE, CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK, 21)
READDIR, READDIRPLUS, FSSTAT, FSINFO, PATHCONF, COMMIT = 16, 17, 18, 19, 20, 21
NFS3_OK, NFS3ERR_PERM, NFS3ERR_NOENT, NFS3ERR_ACCES = 0, 1, 2, 13
NFS3ERR_NOTDIR, NFS3ERR_INVAL, NFS3ERR_ROFS, NFS3ERR_NAMETOOLONG = 20, 22, 30, 63
NFS3ERR_STALE, NFS3ERR_BADHANDLE, NFS3ERR_BAD_COOKIE, NFS3ERR_NOTSUPP = 70, 10001, 10003, 10004
NFS3ERR_EXIST, NFS3ERR_XDEV, NFS3ERR_ISDIR, NFS3ERR_FBIG, NFS3ERR_NOTEMPTY = 17, 18, 21, 27, 66
NFS3ERR_NOT_SYNC, NFS3ERR_BADTYPE, NFS3ERR_JUKEBOX = 10002, 10007, 10008
UNSTABLE, DATA_SYNC, FILE_SYNC = 0, 1, 2
UNCHECKED, GUARDED, EXCLUSIVE = 0, 1, 2
DONT_CHANGE, SET_TO_SERVER_TIME = 0, 1
MNT3_OK, MNT3ERR_NOENT, MNT3ERR_ACCES = 0, 2, 13
NF3REG, NF3DIR, NF3BLK, NF3CHR, NF3LNK, NF3SOCK, NF3FIFO = 1, 2, 3, 4, 5, 6, 7
MiB = 1 << 20


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def write_random(path, size):
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 * MiB))
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    os.chmod(path, 0o644)
    return h.hexdigest()


# ------------------------------------------------------------------ XDR

def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)


def opaque(b):
    """Variable-length opaque or string: length, bytes, zero padding to 4."""
    b = b if isinstance(b, bytes) else b.encode()
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


class Reader:
    """Reads XDR from bytes; running past the end raises ValueError."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"XDR: {n} bytes wanted at {self.pos} of {len(self.data)}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def opaque(self):
        n = self.u32()
        out = self.take(n)
        self.take(-n % 4)
        return out

    def left(self):
        return len(self.data) - self.pos


def sattr(mode=None, uid=None, gid=None, size=None, atime=None, mtime=None):
    """RFC 1813 sattr3: None leaves a field alone; a time is SET_TO_SERVER_TIME ("server")
    or (seconds, nanoseconds)."""
    out = b""
    for v in (mode, uid, gid):
        out += u32(0) if v is None else u32(1) + u32(v)
    out += u32(0) if size is None else u32(1) + u64(size)
    for t in (atime, mtime):
        if t is None:
            out += u32(DONT_CHANGE)
        elif t == "server":
            out += u32(SET_TO_SERVER_TIME)
        else:
            out += u32(2) + u32(t[0]) + u32(t[1])
    return out


def diropargs(dirfh, name):
    return opaque(dirfh) + opaque(name)


def auth_sys(uid=0, gid=0, gids=(), machine="pxt-client", stamp=0):
    body = u32(stamp) + opaque(machine) + u32(uid) + u32(gid) + u32(len(gids)) + \
        b"".join(u32(g) for g in gids)
    return (AUTH_SYS, body)


AUTH_NONE_CRED = (AUTH_NONE, b"")


# ------------------------------------------------------------------ replies

class Reply:
    """A parsed RPC reply: accepted (with accept_stat and body) or denied."""

    def __init__(self, raw):
        r = Reader(raw)
        self.xid = r.u32()
        if r.u32() != 1:
            raise ValueError("not a REPLY")
        self.reply_stat = r.u32()
        self.accept_stat = self.reject_stat = self.auth_stat = None
        self.body = b""
        if self.reply_stat == MSG_ACCEPTED:
            r.u32()                     # verifier flavour
            r.opaque()                  # verifier body
            self.accept_stat = r.u32()
            if self.accept_stat == PROG_MISMATCH:
                self.low, self.high = r.u32(), r.u32()
            self.body = raw[r.pos:]
        else:
            self.reject_stat = r.u32()
            if self.reject_stat == AUTH_ERROR:
                self.auth_stat = r.u32()

    @property
    def ok(self):
        return self.reply_stat == MSG_ACCEPTED and self.accept_stat == SUCCESS

    def reader(self):
        assert self.ok, f"call not accepted: {self!r}"
        return Reader(self.body)

    def __repr__(self):
        return (f"<Reply reply_stat={self.reply_stat} accept_stat={self.accept_stat} "
                f"reject_stat={self.reject_stat} auth_stat={self.auth_stat} "
                f"body={len(self.body)}B>")


# ------------------------------------------------------------------ the client

class RpcClient:
    """One TCP connection (record marking) or UDP socket to a server port; every wait is
    bounded by timeout."""

    def __init__(self, sock, server, tcp=True, timeout=5.0, connect=True):
        self.sock, self.server, self.tcp, self.timeout = sock, server, tcp, timeout
        self.xid = int.from_bytes(os.urandom(4), "big")
        sock.settimeout(timeout)
        if tcp and connect:
            sock.connect(server)

    def close(self):
        self.sock.close()

    @staticmethod
    def call_bytes(xid, prog, vers, proc, args=b"", cred=None, verf=AUTH_NONE_CRED):
        cred = cred or auth_sys()
        return u32(xid) + u32(0) + u32(2) + u32(prog) + u32(vers) + u32(proc) + \
            u32(cred[0]) + opaque(cred[1]) + u32(verf[0]) + opaque(verf[1]) + args

    def send_record(self, payload, last=True):
        """One record-marking fragment (RFC 5531 §11) carrying payload."""
        self.sock.sendall(u32((0x80000000 if last else 0) | len(payload)) + payload)

    def recv_exact(self, n):
        out = b""
        deadline = time.monotonic() + self.timeout
        while len(out) < n:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("server closed the connection")
            out += chunk
        return out

    def recv_reply(self):
        if not self.tcp:
            data, _ = self.sock.recvfrom(1 << 17)
            return Reply(data)
        data = b""
        while True:
            mark = struct.unpack(">I", self.recv_exact(4))[0]
            data += self.recv_exact(mark & 0x7FFFFFFF)
            if mark & 0x80000000:
                return Reply(data)

    def send(self, raw):
        if self.tcp:
            self.send_record(raw)
        else:
            self.sock.sendto(raw, self.server)

    def call(self, prog, vers, proc, args=b"", cred=None):
        self.xid = (self.xid + 1) & 0xFFFFFFFF
        self.send(self.call_bytes(self.xid, prog, vers, proc, args, cred))
        while True:
            reply = self.recv_reply()
            if reply.xid == self.xid:
                return reply

    # -- MOUNT v3 (RFC 1813 §5)
    def mnt(self, path, cred=None):
        """(mountstat3, handle bytes or None)."""
        r = self.call(MOUNT_PROG, 3, MNT, opaque(path), cred).reader()
        status = r.u32()
        if status != MNT3_OK:
            return status, None
        fh = r.opaque()
        flavors = [r.u32() for _ in range(r.u32())]
        assert AUTH_SYS in flavors or AUTH_NONE in flavors, flavors
        return status, fh

    # -- NFS v3 (RFC 1813 §3)
    def nfs(self, proc, args, cred=None):
        """(nfsstat3, Reader positioned after the status)."""
        r = self.call(NFS_PROG, 3, proc, args, cred).reader()
        return r.u32(), r

    def getattr(self, fh, cred=None):
        status, r = self.nfs(GETATTR, opaque(fh), cred)
        return status, (read_fattr(r) if status == NFS3_OK else None)

    def lookup(self, dirfh, name, cred=None):
        """(status, handle or None, fattr or None)."""
        status, r = self.nfs(LOOKUP, opaque(dirfh) + opaque(name), cred)
        if status != NFS3_OK:
            return status, None, None
        fh = r.opaque()
        attrs = read_post_op(r)
        return status, fh, attrs

    def read(self, fh, offset, count, cred=None):
        """(status, data, eof, count field)."""
        status, r = self.nfs(READ, opaque(fh) + u64(offset) + u32(count), cred)
        if status != NFS3_OK:
            return status, None, None, None
        read_post_op(r)
        n = r.u32()
        eof = r.u32()
        data = r.opaque()
        return status, data, bool(eof), n

    def readlink(self, fh, cred=None):
        status, r = self.nfs(READLINK, opaque(fh), cred)
        if status != NFS3_OK:
            return status, None
        read_post_op(r)
        return status, r.opaque()

    def write(self, fh, offset, data, stable=FILE_SYNC, count=None, cred=None):
        """(status, count written, committed, verifier, wcc)."""
        count = len(data) if count is None else count
        status, r = self.nfs(WRITE, opaque(fh) + u64(offset) + u32(count) + u32(stable) +
                             opaque(data), cred)
        wcc = read_wcc(r)
        if status != NFS3_OK:
            return status, None, None, None, wcc
        return status, r.u32(), r.u32(), r.take(8), wcc

    def commit(self, fh, offset=0, count=0, cred=None):
        """(status, verifier, wcc)."""
        status, r = self.nfs(COMMIT, opaque(fh) + u64(offset) + u32(count), cred)
        wcc = read_wcc(r)
        return status, (r.take(8) if status == NFS3_OK else None), wcc

    def create(self, dirfh, name, mode=UNCHECKED, attrs=None, verf=None, cred=None):
        """(status, handle, attributes, dir wcc)."""
        how = u32(mode) + (verf if mode == EXCLUSIVE else (attrs or sattr()))
        status, r = self.nfs(CREATE, diropargs(dirfh, name) + how, cred)
        return (status,) + read_made(status, r)

    def mkdir(self, dirfh, name, attrs=None, cred=None):
        status, r = self.nfs(MKDIR, diropargs(dirfh, name) + (attrs or sattr(mode=0o755)),
                             cred)
        return (status,) + read_made(status, r)

    def symlink(self, dirfh, name, target, cred=None):
        status, r = self.nfs(SYMLINK, diropargs(dirfh, name) + sattr() + opaque(target), cred)
        return (status,) + read_made(status, r)

    def mknod(self, dirfh, name, ftype, attrs=None, spec=(0, 0), cred=None):
        what = u32(ftype)
        if ftype in (NF3CHR, NF3BLK):
            what += (attrs or sattr(mode=0o600)) + u32(spec[0]) + u32(spec[1])
        elif ftype in (NF3SOCK, NF3FIFO):
            what += attrs or sattr(mode=0o600)
        status, r = self.nfs(MKNOD, diropargs(dirfh, name) + what, cred)
        return (status,) + read_made(status, r)

    def remove(self, dirfh, name, cred=None, proc=REMOVE):
        """(status, dir wcc)."""
        status, r = self.nfs(proc, diropargs(dirfh, name), cred)
        return status, read_wcc(r)

    def rmdir(self, dirfh, name, cred=None):
        return self.remove(dirfh, name, cred, RMDIR)

    def rename(self, fromfh, fromname, tofh, toname, cred=None):
        """(status, from dir wcc, to dir wcc)."""
        status, r = self.nfs(RENAME, diropargs(fromfh, fromname) + diropargs(tofh, toname),
                             cred)
        return status, read_wcc(r), read_wcc(r)

    def link(self, fh, dirfh, name, cred=None):
        """(status, file attributes, dir wcc)."""
        status, r = self.nfs(LINK, opaque(fh) + diropargs(dirfh, name), cred)
        return status, read_post_op(r), read_wcc(r)

    def setattr(self, fh, attrs, guard=None, cred=None):
        """(status, wcc); guard is the ctime (seconds, nanoseconds) to check."""
        g = u32(0) if guard is None else u32(1) + u32(guard[0]) + u32(guard[1])
        status, r = self.nfs(SETATTR, opaque(fh) + attrs + g, cred)
        return status, read_wcc(r)

    def readdir(self, dirfh, cookie=0, verf=b"\0" * 8, count=8192, cred=None):
        """(status, [(fileid, name, cookie)], eof, verifier)."""
        status, r = self.nfs(READDIR, opaque(dirfh) + u64(cookie) + verf + u32(count), cred)
        if status != NFS3_OK:
            return status, None, None, None
        read_post_op(r)
        verf = r.take(8)
        entries = []
        while r.u32():
            entries.append((r.u64(), r.opaque().decode(), r.u64()))
        return status, entries, bool(r.u32()), verf

    def readdirplus(self, dirfh, cookie=0, verf=b"\0" * 8, dircount=8192, maxcount=8192,
                    cred=None):
        """(status, [(fileid, name, cookie, fattr or None, handle or None)], eof, verifier)."""
        status, r = self.nfs(READDIRPLUS, opaque(dirfh) + u64(cookie) + verf + u32(dircount) +
                             u32(maxcount), cred)
        if status != NFS3_OK:
            return status, None, None, None
        read_post_op(r)
        verf = r.take(8)
        entries = []
        while r.u32():
            fileid, name, cookie = r.u64(), r.opaque().decode(), r.u64()
            attrs = read_post_op(r)
            fh = r.opaque() if r.u32() else None
            entries.append((fileid, name, cookie, attrs, fh))
        return status, entries, bool(r.u32()), verf


def read_wcc(r):
    """wcc_data: (before as (size, mtime, ctime) or None, after fattr or None)."""
    before = None
    if r.u32():
        before = (r.u64(), (r.u32(), r.u32()), (r.u32(), r.u32()))
    return before, read_post_op(r)


def read_made(status, r):
    """A CREATE, MKDIR, SYMLINK or MKNOD result: (handle or None, attributes or None,
    the directory's wcc_data)."""
    if status != NFS3_OK:
        return None, None, read_wcc(r)
    fh = r.opaque() if r.u32() else None
    attrs = read_post_op(r)
    return fh, attrs, read_wcc(r)


def read_fattr(r):
    keys = ("type", "mode", "nlink", "uid", "gid")
    a = {k: r.u32() for k in keys}
    a["size"], a["used"] = r.u64(), r.u64()
    a["rdev"] = (r.u32(), r.u32())
    a["fsid"], a["fileid"] = r.u64(), r.u64()
    a["atime"], a["mtime"], a["ctime"] = [(r.u32(), r.u32()) for _ in range(3)]
    return a


def read_post_op(r):
    return read_fattr(r) if r.u32() else None


# ------------------------------------------------------------------ the lab

class NsEnter:
    """Runs a command in the network and mount namespaces of a process (for Runner.start)."""

    def __init__(self, pid, name):
        self.pid, self.name = pid, name

    def argv(self, argv):
        return [shutil.which("nsenter") or "nsenter", "-t", str(self.pid), "-m", "-n",
                "--"] + list(argv)

    def run(self, argv, timeout=harness.DEFAULT_TIMEOUT, check=True, **kw):
        return harness.run(self.argv(argv), timeout=timeout, check=check, **kw)


class Client:
    """A client namespace of an NfsLab (see NfsLab.add_client): the server is at server
    from there, the client at addr."""

    def __init__(self, lab, ns, server, addr):
        self.lab, self.ns, self.server, self.addr = lab, ns, server, addr
        self.family = socket.AF_INET6 if ":" in addr else socket.AF_INET

    def run(self, argv, timeout=60.0):
        return self.ns.run(argv, timeout=timeout, check=False, cwd=self.lab.tmp)

    def url(self, path):
        # libnfs 4.0 takes an IPv6 address bare (nfs://fd77::1/path): in brackets, as
        # RFC 3986 writes it, it fails to resolve "[fd77::1]"
        return f"nfs://{self.server}{path}"

    def rpc(self, port=2049, tcp=True, src_port=0, timeout=5.0):
        any_addr = "::" if self.family == socket.AF_INET6 else "0.0.0.0"
        sock = self.ns.socket(self.family, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM,
                              bind=(any_addr, src_port) if src_port else None)
        self.lab._sockets.append(sock)
        return RpcClient(sock, (self.server, port), tcp=tcp, timeout=timeout)


class NfsLab:
    """Server and client namespaces on a veth pair, an export tree that the server's user
    can reach (base/export, with a secret beside it), rpcbind and pxe-nfsd."""

    def __init__(self, netlab, daemons, tmp_path):
        self.netlab, self.daemons, self.tmp = netlab, daemons, str(tmp_path)
        self.srv, self.cli = netlab.namespace(), netlab.namespace()
        self.srv_if, self.cli_if = netlab.veth(self.srv, self.cli)
        self.addr = self.srv_if.addr
        self.base = tempfile.mkdtemp(prefix="pxt-nfs-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, "export")
        os.mkdir(self.root, 0o755)
        self.secret = os.path.join(self.base, "secret.txt")
        with open(self.secret, "wb") as f:
            f.write(b"secret outside the export\n")
        self.state = os.path.join(self.base, "state")
        self.config = os.path.join(self.base, "pxesuite.ini")
        self.pidfile = os.path.join(self.base, "pxe-nfsd.pid")
        self.rpcbind = None
        self.server = None
        self.etc = {}
        self._sockets = []

    def close(self):
        for s in self._sockets:
            s.close()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- files
    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, content, mode=0o644):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, mode)
        return path

    def write_config(self, exports=None, nfsd_extra=""):
        """[nfsd] for the lab, then [export] sections; exports defaults to the lab's root
        for every client, read-only, insecure (the raw client binds any port)."""
        if exports is None:
            exports = f"[export {self.root}]\nclients = *\noptions = ro,insecure\n"
        with open(self.config, "w") as f:
            f.write(f"[global]\nlog = stderr\n\n[nfsd]\npidfile = {self.pidfile}\n"
                    f"state_dir = {self.state}\nmount_port = {MOUNT_PORT}\n{nfsd_extra}\n"
                    f"{exports}")
        return self.config

    def private_etc(self, **files):
        """Files the server's mount namespace sees in /etc instead of the host's, from the
        next start of rpcbind: private_etc(hosts=..., resolv_conf=..., nsswitch_conf=...)
        (underscores stand for dots)."""
        for key, content in files.items():
            name = key.replace("_", ".")
            path = os.path.join(self.base, "etc-" + name)
            with open(path, "w") as f:
                f.write(content)
            os.chmod(path, 0o644)
            self.etc[name] = path

    # -- daemons
    def start_rpcbind(self):
        harness.require_tool("rpcbind")
        unshare = harness.require_tool("unshare")
        rpcbind = harness.require_tool("rpcbind")
        binds = "".join(f"mount --bind {path} /etc/{name} && "
                        for name, path in sorted(self.etc.items()))
        self.rpcbind = self.daemons.start(
            unshare, ["-m", "--propagation", "private", "sh", "-c",
                      f"{binds}mount -t tmpfs -o mode=0755 tmpfs /run && exec {rpcbind} -f"],
            ns=self.srv, ready=None)
        sock = f"/proc/{self.rpcbind.pid}/root/run/rpcbind.sock"
        harness.wait_until(lambda: os.path.exists(sock) or not self.rpcbind.alive(), 10,
                           "rpcbind's socket")
        assert self.rpcbind.alive(), f"rpcbind exited\n{self.rpcbind.log()}"
        return self.rpcbind

    def server_ns(self):
        """Where pxe-nfsd runs: with rpcbind's namespaces when there is one."""
        if self.rpcbind is not None:
            return NsEnter(self.rpcbind.pid, self.srv.name)
        return self.srv

    def start(self, *extra, config=None, ready=r"\bready\b", rpcbind=True):
        if rpcbind and self.rpcbind is None:
            self.start_rpcbind()
        if config is None and not os.path.exists(self.config):
            self.write_config()
        args = ["-f", "-C", config or self.config] + [str(a) for a in extra]
        self.server = self.daemons.start("nfsd", args, ns=self.server_ns(), ready=ready)
        return self.server

    def restart(self):
        self.server.stop()
        return self.start()

    # -- clients
    def add_client(self, addr6=None):
        """One more client namespace on a veth of its own: IPv4 (10.77.N.2, the server
        10.77.N.1), or IPv6 only when addr6 is (server, client) addresses in a /64."""
        ns = self.netlab.namespace()
        if addr6 is None:
            srv_if, cli_if = self.netlab.veth(self.srv, ns)
            return Client(self, ns, srv_if.addr, cli_if.addr)
        srv_if, cli_if = self.netlab.veth(self.srv, ns, addr_a=False, addr_b=False)
        for end, addr in ((srv_if, addr6[0]), (cli_if, addr6[1])):
            end.ns.ip("-6", "addr", "add", f"{addr}/64", "dev", end.name, "nodad")
        return Client(self, ns, addr6[0], addr6[1])

    def run_client(self, argv, timeout=60.0):
        return self.cli.run(argv, timeout=timeout, check=False, cwd=self.tmp)

    def url(self, path="", query=""):
        url = f"nfs://{self.addr}{self.root}/{path}"
        return url + (f"?{query}" if query else "")

    def socket(self, tcp=True, port=0):
        sock = self.cli.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM,
                               bind=("0.0.0.0", port) if port or not tcp else None)
        self._sockets.append(sock)
        return sock

    def rpc(self, port=2049, tcp=True, src_port=0, timeout=5.0):
        return RpcClient(self.socket(tcp, src_port), (self.addr, port), tcp=tcp,
                         timeout=timeout)

    def mount(self, path=None, rpc=None):
        """The handle of path (default the export root) from a raw MNT."""
        rpc = rpc or self.rpc(MOUNT_PORT)
        status, fh = rpc.mnt(path or self.root)
        assert status == MNT3_OK, f"MNT {path or self.root}: status {status}"
        return fh


@pytest.fixture
def lab(netlab, daemons, tmp_path):
    """An NfsLab for one test, closed after it (the nfsd tests import it)."""
    the_lab = NfsLab(netlab, daemons, tmp_path)
    yield the_lab
    the_lab.close()
