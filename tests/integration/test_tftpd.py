# pxe-tftpd against real clients (tftp-hpa's tftp, atftp, curl), xinetd, a simulated
# systemd socket activation and a raw client that misbehaves on purpose. The server runs in
# one namespace, every client in another, joined by a veth pair made by the test.
import hashlib
import os
import pathlib
import re
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

import harness
import systemd_unit
import tftp_client as tc

PORT = 69
MiB = 1 << 20
# A veth's MTU is 1500: DATA must fit it, so negotiate.c caps blksize at 1468 over IPv4
# and 1448 over IPv6.
BLKSIZE_V4_CAP = 1468
BLKSIZE_V6_CAP = 1448
SECRET = b"secret outside the tftp root\n"


# ------------------------------------------------------------------ files

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_random(path, size, mode=0o644):
    """size random bytes (a block served twice, lost or out of place changes the hash);
    returns the sha256."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 * MiB))
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    os.chmod(path, mode)
    return h.hexdigest()


@pytest.fixture(scope="session")
def big_files():
    """Large files made once per session, outside pytest's 0700 tmp dirs (the server runs as
    nobody): name -> (path, sha256). Tests hard-link them into their roots."""
    base = tempfile.mkdtemp(prefix="pxt-tftp-big-", dir="/tmp")
    os.chmod(base, 0o755)
    files = {}

    def get(name, size):
        if name not in files:
            path = os.path.join(base, name)
            files[name] = (path, write_random(path, size))
        return files[name]
    yield get
    shutil.rmtree(base, ignore_errors=True)


# ------------------------------------------------------------------ the lab

class TftpLab:
    """Server namespace + client namespace on a veth pair, a TFTP root the server's user
    (nobody) can read, and the clients."""

    def __init__(self, netlab, daemons, tmp_path):
        self.netlab, self.daemons = netlab, daemons
        self.tmp = str(tmp_path)
        self.srv, self.cli = netlab.namespace(), netlab.namespace()
        self.srv_if, self.cli_if = netlab.veth(self.srv, self.cli)
        self.addr = self.srv_if.addr
        self.family = socket.AF_INET
        # The root's parent holds a secret: the file every escape test tries to reach.
        self.base = tempfile.mkdtemp(prefix="pxt-tftp-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.root = os.path.join(self.base, "root")
        os.mkdir(self.root, 0o755)
        with open(os.path.join(self.base, "secret.txt"), "wb") as f:
            f.write(SECRET)
        os.chmod(os.path.join(self.base, "secret.txt"), 0o644)
        # Every server gets its own pidfile: the default one may belong to another instance.
        self.pidfile = os.path.join(self.tmp, "pxe-tftpd.pid")
        self.server = None
        self._sockets = []

    def close(self):
        for s in self._sockets:
            s.close()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- files in the root
    def path(self, name):
        return os.path.join(self.root, name)

    def file(self, name, content=None, size=None, mode=0o644):
        """Writes root/name (content bytes, or size random bytes); returns its sha256."""
        path = self.path(name)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        if content is None:
            return write_random(path, size, mode)
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, mode)
        return hashlib.sha256(content).hexdigest()

    def link(self, name, src_sha):
        """Hard-links a session file (path, sha) into the root as name."""
        src, sha = src_sha
        try:
            os.link(src, self.path(name))
        except OSError:
            shutil.copyfile(src, self.path(name))
            os.chmod(self.path(name), 0o644)
        return sha

    # -- the server
    def start(self, *extra, addr=None, ready=r"\bready\b"):
        addr = addr or self.addr
        hostport = f"[{addr}]:{PORT}" if ":" in addr else f"{addr}:{PORT}"
        args = ["-f", "-l", "-a", hostport, "-P", self.pidfile, "-s", self.root] + \
            [str(a) for a in extra]
        self.server = self.daemons.start("tftpd", args, ns=self.srv, ready=ready)
        return self.server

    # -- clients
    def raw(self, bind=None, family=None, timeout=2.0, addr=None):
        family = family or self.family
        sock = self.cli.socket(family, socket.SOCK_DGRAM, bind=bind)
        self._sockets.append(sock)
        return tc.TftpClient(sock, (addr or self.addr, PORT), timeout=timeout)

    def run_client(self, argv, timeout=60.0):
        return self.cli.run(argv, timeout=timeout, check=False, cwd=self.tmp)

    def out(self, name):
        return os.path.join(self.tmp, "got-" + name.replace("/", "_"))

    def assert_serving(self, what="after the test"):
        """The server is alive and a normal fetch works."""
        assert self.server.alive(), \
            f"pxe-tftpd died {what} ({self.server.exit_description()})"
        content = b"still serving\n" * 100
        self.file("alive-check.txt", content)
        res = self.raw().get("alive-check.txt")
        assert res.content == content, f"a normal fetch {what} got other content"


@pytest.fixture
def lab(netlab, daemons, tmp_path):
    lab = TftpLab(netlab, daemons, tmp_path)
    yield lab
    lab.close()


# ------------------------------------------------------------------ real clients

def hpa_get(lab, remote, local, mode="binary", host=None, extra=()):
    argv = ["tftp"] + list(extra) + ["-m", mode, host or lab.addr, str(PORT),
                                     "-c", "get", remote, local]
    return lab.run_client(argv, timeout=180)


def hpa_put(lab, local, remote, mode="binary"):
    return lab.run_client(["tftp", "-m", mode, lab.addr, str(PORT), "-c", "put", local,
                           remote], timeout=60)


def hpa_failed(cp):
    """tftp-hpa exits 0 even when the transfer failed: it says so on its output."""
    said = cp.stdout + cp.stderr
    return cp.returncode != 0 or re.search(r"Error code|timed out|Transfer timed", said)


def atftp_get(lab, remote, local, options=()):
    argv = ["atftp"]
    for o in options:
        argv += ["--option", o]
    argv += ["-g", "-r", remote, "-l", local, lab.addr, str(PORT)]
    return lab.run_client(argv, timeout=180)


def curl_get(lab, remote, local, blksize=None, host=None, no_options=False):
    host = host or lab.addr
    if ":" in host:
        host = f"[{host}]"
    argv = ["curl", "-sS", "--max-time", "170", "-o", local]
    if blksize:
        argv += ["--tftp-blksize", str(blksize)]
    if no_options:
        argv.append("--tftp-no-options")
    argv.append(f"tftp://{host}:{PORT}/{remote}")
    return lab.run_client(argv, timeout=180)


# curl 7.88 refuses an OACK with tsize 0 ("invalid tsize -:0:- value in OACK packet",
# CURLE_TFTP_ILLEGAL), and it always asks tsize: it cannot fetch an empty file from a server
# that answers tsize truthfully (tftp-hpa's in.tftpd fails it too), so its empty-file case
# runs with --tftp-no-options.
# name -> (fetch(lab, remote, local, size), the block size the transfer runs at)
CLIENTS = {
    "tftp-hpa": (lambda lab, r, l, n: hpa_get(lab, r, l), 512),
    "atftp": (lambda lab, r, l, n: atftp_get(lab, r, l), 512),
    "atftp-blksize-1468-tsize": (
        lambda lab, r, l, n: atftp_get(lab, r, l, ["blksize 1468", "tsize 0"]), 1468),
    "atftp-windowsize-16": (
        lambda lab, r, l, n: atftp_get(lab, r, l,
                                       ["blksize 1468", "tsize 0", "windowsize 16"]), 1468),
    "curl": (lambda lab, r, l, n: curl_get(lab, r, l, no_options=n == 0), 512),
    "curl-blksize-1468": (
        lambda lab, r, l, n: curl_get(lab, r, l, blksize=1468, no_options=n == 0), 1468),
}


def client_tool(kind):
    return harness.require_tool({"tftp": "tftp", "atftp": "atftp",
                                 "curl": "curl"}[kind.split("-")[0]])


def fetch_and_check(lab, kind, remote, sha):
    client_tool(kind)
    fetch, _ = CLIENTS[kind]
    local = lab.out(remote)
    cp = fetch(lab, remote, local, os.path.getsize(lab.path(remote)))
    said = f"{kind} get {remote}: exit {cp.returncode}\n{cp.stdout}{cp.stderr}"
    assert not hpa_failed(cp), said
    assert os.path.exists(local), said
    got = sha256_file(local)
    os.unlink(local)
    assert got == sha, f"{said}\ncontent differs from the file's"


def sizes_for(blksize):
    """(id, size) of the transfer-shape cases for a client running at blksize."""
    cases = {"empty": 0, "1-byte": 1, "one-512-block": 512, "one-block-less-1": blksize - 1,
             "one-block": blksize, "one-block-plus-1": blksize + 1,
             "exactly-5-blocks": 5 * blksize, "5-blocks-and-7": 5 * blksize + 7}
    seen, out = set(), []
    for name, size in cases.items():
        if size not in seen:
            seen.add(size)
            out.append((name, size))
    return out


SHAPES = [pytest.param(kind, size, id=f"{kind}-{name}")
          for kind, (_, bs) in CLIENTS.items() for name, size in sizes_for(bs)]


@pytest.mark.parametrize("kind,size", SHAPES)
def test_client_fetches_file_whole(kind, size, lab):
    sha = lab.file("shape.bin", size=size)
    lab.start()
    fetch_and_check(lab, kind, "shape.bin", sha)


@pytest.mark.parametrize("kind", ["tftp-hpa", "atftp-windowsize-16", "curl-blksize-1468"])
def test_client_fetches_100_mib(kind, lab, big_files):
    sha = lab.link("big100.bin", big_files("big100.bin", 100 * MiB))
    lab.start()
    fetch_and_check(lab, kind, "big100.bin", sha)


def test_block_number_rolls_over_past_65535(lab, big_files):
    # 40 MiB at 512 octets is 81,920 blocks: the block number wraps once.
    sha = lab.link("big40.bin", big_files("big40.bin", 40 * MiB))
    lab.start()
    client_tool("atftp")
    local = lab.out("big40.bin")
    cp = atftp_get(lab, "big40.bin", local, ["blksize 512"])
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert os.path.getsize(local) == 40 * MiB
    assert sha256_file(local) == sha


def test_raw_client_sees_every_block_once_across_rollover(lab, big_files):
    # 33 MiB + 1 at blksize 512: blocks 1..65535, 0, 1, ... each exactly once, in order.
    size = 33 * MiB + 1
    sha = lab.file("wrap.bin", size=size)
    lab.start()
    res = lab.raw().get("wrap.bin", options={"blksize": 512}, deadline=120)
    assert hashlib.sha256(res.content).hexdigest() == sha
    n = size // 512 + 1
    assert res.data_blocks == [i & 0xFFFF for i in range(1, n + 1)], "blocks repeated or lost"


def test_pxelinux_config_search_misses_are_answered_at_once(lab):
    # pxelinux's search: 01-<mac>, the client IP in hex cut one digit at a time, then default.
    mac = "52-54-00-12-34-56"
    names = [f"pxelinux.cfg/01-{mac}"] + \
        [f"pxelinux.cfg/{'C0A8010A'[:n]}" for n in range(8, 0, -1)]
    config = b"DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img\n"
    lab.file("pxelinux.cfg/default", config)
    lab.start()
    client = lab.raw(timeout=2.0)
    opts = {"tsize": 0, "blksize": 1408}
    t0 = time.monotonic()
    for name in names:
        p, _ = client.request(tc.rrq(name, "octet", opts))
        assert p is not None, f"no answer to RRQ {name}"
        assert p.op == tc.ERROR and p.code == tc.ENOTFOUND, f"RRQ {name}: {p!r}"
    misses = time.monotonic() - t0
    assert misses < 2.0, f"{len(names)} misses took {misses:.2f}s"
    res = client.get("pxelinux.cfg/default", options=opts)
    assert res.content == config
    assert res.oack == {"tsize": str(len(config)), "blksize": "1408"}


def netascii(text):
    """RFC 764 as RFC 1350 uses it: CR -> CR NUL, LF -> CR LF."""
    return text.replace(b"\r", b"\r\0").replace(b"\n", b"\r\n")


def test_netascii_get_with_tftp_hpa_round_trips(lab):
    harness.require_tool("tftp")
    # LF, CR LF, a lone CR, CR at the end. On the wire (LF -> CR LF, CR -> CR NUL) the head
    # is 32 octets: the CR of the CR LF after the x's goes out as octet 511, its NUL in the
    # next block; the LF after the y's is split across the second block edge the same way.
    text = (b"first line\nsecond\r\nlone\rcr\n" + b"x" * 479 + b"\r\n" + b"y" * 508 +
            b"\n" + b"z" * 700 + b"\n\n\r\r\nend\r")
    assert netascii(text)[511:513] == b"\r\0" and netascii(text)[1023:1025] == b"\r\n"
    sha = lab.file("text.txt", text)
    lab.start()
    local = lab.out("text.txt")
    cp = hpa_get(lab, "text.txt", local, mode="ascii")
    assert not hpa_failed(cp), cp.stdout + cp.stderr
    with open(local, "rb") as f:
        got = f.read()
    assert hashlib.sha256(got).hexdigest() == sha, f"netascii round trip changed the text: " \
        f"{len(got)} vs {len(text)} octets"


def test_netascii_wire_encoding_and_no_tsize(lab):
    # The LF after the z's goes out as CR (octet 511) and LF (first of the next block).
    text = b"a\nb\r\nc\rd" + b"z" * 499 + b"\n" + b"tail\n"
    wire = netascii(text)
    assert wire[511:513] == b"\r\n"
    lab.file("text2.txt", text)
    lab.start()
    res = lab.raw().get("text2.txt", mode="netascii", options={"tsize": 0, "blksize": 512})
    assert res.content == wire
    # negotiate.c: the octets sent in netascii differ from the size on disk: no tsize.
    assert res.oack == {"blksize": "512"}, res.oack


# ------------------------------------------------------------------ option negotiation

@pytest.mark.parametrize("options,granted,blksize", [
    pytest.param({"blksize": 1024}, {"blksize": "1024"}, 1024, id="blksize-1024"),
    pytest.param({"blksize": 8}, {"blksize": "8"}, 8, id="blksize-8-minimum"),
    pytest.param({"blksize": 65464}, {"blksize": str(BLKSIZE_V4_CAP)}, BLKSIZE_V4_CAP,
                 id="blksize-65464-capped-by-mtu"),
    pytest.param({"blksize": 65465}, {"blksize": str(BLKSIZE_V4_CAP)}, BLKSIZE_V4_CAP,
                 id="blksize-above-rfc-max-gets-cap"),
    pytest.param({"blksize": 7}, None, 512, id="blksize-7-ignored"),
    pytest.param({"blksize": 0}, None, 512, id="blksize-0-ignored"),
    pytest.param({"blksize": "abc"}, None, 512, id="blksize-junk-ignored"),
    pytest.param({"blksize": "-1"}, None, 512, id="blksize-negative-ignored"),
    pytest.param({"blksize": ""}, None, 512, id="blksize-empty-ignored"),
    pytest.param({"BlkSize": 1024}, {"blksize": "1024"}, 1024, id="option-name-any-case"),
    pytest.param({"tsize": 0}, {"tsize": "3000"}, 512, id="tsize-0-answered-with-size"),
    pytest.param({"tsize": 5}, None, 512, id="tsize-nonzero-rrq-ignored"),
    pytest.param({"timeout": 0}, None, 512, id="timeout-0-ignored"),
    pytest.param({"timeout": 256}, None, 512, id="timeout-256-ignored"),
    pytest.param({"windowsize": 0}, None, 512, id="windowsize-0-ignored"),
    pytest.param({"windowsize": 4}, {"windowsize": "4"}, 512, id="windowsize-4"),
    pytest.param({"windowsize": 65535}, {"windowsize": "64"}, 512,
                 id="windowsize-capped-at-windowsize_max"),
    pytest.param({"no-such-option": 1}, None, 512, id="unknown-option-ignored"),
])
def test_option_negotiation(options, granted, blksize, lab):
    content = os.urandom(3000)
    lab.file("opt.bin", content)
    lab.start()
    client = lab.raw()
    first, _ = client.request(tc.rrq("opt.bin", "octet", options))
    assert first is not None, "no answer"
    if granted is None:
        # RFC 2347: nothing granted, no OACK: the transfer starts with DATA 1.
        assert first.op == tc.DATA and first.block == 1, f"expected DATA 1, got {first!r}"
        assert len(first.payload) == 512
    else:
        assert first.op == tc.OACK, f"expected OACK, got {first!r}"
        assert first.options == granted
    res = lab.raw().get("opt.bin", options=options)
    assert res.content == content
    assert all(len(p.payload) == blksize for p in res.packets if p.op == tc.DATA
               and p is not res.packets[-1]), "DATA not at the negotiated size"


def test_blksize_flag_caps_the_grant(lab):
    lab.file("cap.bin", size=5000)
    lab.start("-B", 1024)
    p, _ = lab.raw().request(tc.rrq("cap.bin", "octet", {"blksize": 1468}))
    assert p is not None and p.op == tc.OACK and p.options == {"blksize": "1024"}, p


@pytest.mark.parametrize("options", [
    pytest.param([("blksize", 1024), ("blksize", 1024)], id="blksize-twice"),
    pytest.param([("blksize", 1024), ("BLKSIZE", 512)], id="blksize-twice-other-case"),
    pytest.param([("tsize", 0), ("tsize", 0)], id="tsize-twice"),
    pytest.param([("windowsize", 4), ("blksize", 512), ("windowsize", 8)],
                 id="windowsize-twice"),
])
def test_repeated_option_is_error_8(options, lab):
    lab.file("rep.bin", size=100)
    lab.start()
    client = lab.raw()
    p, _ = client.request(tc.rrq("rep.bin", "octet", options))
    assert p is not None and p.op == tc.ERROR and p.code == tc.EOPTNEG, p
    assert not [q for q, _ in client.drain(0.5) if q.op in (tc.DATA, tc.OACK)]
    lab.assert_serving()


def test_missing_file_with_options_gets_error_1_not_oack(lab):
    lab.start()
    p, _ = lab.raw().request(tc.rrq("absent.bin", "octet", {"blksize": 1408, "tsize": 0}))
    assert p is not None and p.op == tc.ERROR and p.code == tc.ENOTFOUND, p


def test_transfer_is_logged_with_client_file_options_bytes_and_outcome(lab):
    lab.file("logme.bin", size=4000)
    d = lab.start()
    client = lab.raw()
    client.get("logme.bin", options={"blksize": 1024, "tsize": 0})
    port = client.sock.getsockname()[1]
    who = re.escape(f"{lab.cli_if.addr}:{port}")
    d.wait_for_log(rf"tftp: {who} RRQ logme\.bin mode=octet\b.*\bblksize=1024\b.*"
                   rf"\btsize=4000\b.*\bbytes=4000 \d+(\.\d+)?s ok$", timeout=5)
    client = lab.raw()
    p, _ = client.request(tc.rrq("nothere.bin"))
    assert p is not None and p.code == tc.ENOTFOUND
    who = re.escape(f"{lab.cli_if.addr}:{client.sock.getsockname()[1]}")
    line = d.wait_for_log(rf"tftp: {who} RRQ nothere\.bin .*$", timeout=5).group(0)
    assert not line.endswith(" ok") and re.search(r"(?i)not found", line), line


def test_transfer_ports_come_from_port_range(lab):
    lab.file("ports.bin", b"p" * 1000)
    lab.start("-R", "40000:40009")
    for _ in range(3):
        res = lab.raw().get("ports.bin")
        assert 40000 <= res.peer[1] <= 40009, f"transfer from port {res.peer[1]}"


REMAP = """\
# tftp-hpa remap rules: backslashes to slashes (global), then one rename
rg\t\\\\\t/
r\t^old-name\\.bin$\tnew-name.bin
"""


def test_remap_file_rewrites_names(lab, tmp_path):
    lab.file("dir/a.bin", b"a via slashes\n")
    lab.file("new-name.bin", b"renamed\n")
    mapfile = tmp_path / "remap"
    mapfile.write_text(REMAP)
    lab.start("-m", str(mapfile))
    assert lab.raw().get("dir\\a.bin").content == b"a via slashes\n"
    assert lab.raw().get("old-name.bin").content == b"renamed\n"


def test_back_to_back_requests_from_one_port_are_answered_at_once(lab):
    # A client that reuses its port sends the next RRQ right after its final ACK (RFC 1350
    # wants a new TID per transfer, but nothing forbids the reuse once a transfer is over).
    # The new request must not be taken for a repeat of the finished one.
    for i in range(2):
        lab.file(f"b2b-{i}.bin", bytes([65 + i]) * (100 + 300 * i))
    lab.start()
    client = lab.raw(timeout=1.0)
    for round in range(50):
        for i in range(2):
            t0 = time.monotonic()
            res = client.get(f"b2b-{i}.bin")
            took = time.monotonic() - t0
            assert res.content == bytes([65 + i]) * (100 + 300 * i)
            assert took < 0.5, f"round {round}: RRQ b2b-{i}.bin answered after {took:.2f}s"


# ------------------------------------------------------------------ write requests

def upload_dir(lab):
    """root/upload, writable by the server's user (nobody)."""
    path = lab.path("upload")
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o777)
    return path


def test_wrq_refused_without_create_flag(lab):
    up = upload_dir(lab)
    lab.start()
    p, _ = lab.raw().request(tc.wrq("upload/new.bin"))
    assert p is not None and p.op == tc.ERROR and p.code in (tc.ENOTFOUND, tc.EACCESS), p
    time.sleep(0.2)
    assert os.listdir(up) == [], "something was created"
    lab.assert_serving()


def test_wrq_with_tftp_hpa_put_creates_file(lab):
    harness.require_tool("tftp")
    up = upload_dir(lab)
    lab.start("-c")
    src = os.path.join(lab.tmp, "to-upload.bin")
    sha = write_random(src, 300_000)
    cp = hpa_put(lab, src, "upload/put.bin")
    assert not hpa_failed(cp), cp.stdout + cp.stderr
    target = os.path.join(up, "put.bin")
    harness.wait_until(lambda: os.path.exists(target), 5, "the uploaded file")
    assert sha256_file(target) == sha
    assert os.listdir(up) == ["put.bin"], f"left over: {os.listdir(up)}"


def test_wrq_replaces_existing_world_writable_file(lab):
    up = upload_dir(lab)
    lab.file("upload/old.bin", b"old content\n" * 100, mode=0o666)
    lab.start("-c")
    content = os.urandom(5000)
    lab.raw().put("upload/old.bin", content)
    target = os.path.join(up, "old.bin")
    harness.wait_until(lambda: pathlib.Path(target).read_bytes() == content, 5,
                       "the new content under the name")
    assert os.listdir(up) == ["old.bin"]


@pytest.mark.parametrize("name", ["../evil.bin", "upload/../../evil.bin", "/tmp/evil.bin"])
def test_wrq_outside_root_is_refused(name, lab):
    upload_dir(lab)
    lab.start("-c")
    p, _ = lab.raw().request(tc.wrq(name))
    assert p is not None and p.op == tc.ERROR and p.code in (tc.ENOTFOUND, tc.EACCESS), p
    assert not os.path.exists(os.path.join(lab.base, "evil.bin"))
    assert not os.path.exists("/tmp/evil.bin")
    lab.assert_serving()


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
@pytest.mark.parametrize("ending", ["client-error", "client-silent"])
def test_interrupted_wrq_leaves_no_partial_file(existing, ending, lab):
    up = upload_dir(lab)
    old = b"the old content\n" * 10
    target = os.path.join(up, "partial.bin")
    if existing:
        lab.file("upload/partial.bin", old, mode=0o666)
    # A short retransmit timeout and few retries so a silent client is given up quickly.
    d = lab.start("-c", "-T", 100000, "--set", "tftpd.retries=2")
    before = sorted(os.listdir(up))
    client = lab.raw()
    res = client.put("upload/partial.bin", os.urandom(512 * 20), stop_after=5)

    def visible():
        if not existing:
            return not os.path.exists(target)
        with open(target, "rb") as f:
            return f.read() == old
    assert visible(), "the partial upload is visible under the target name mid-transfer"
    if ending == "client-error":
        client.send(tc.error(0, "client gives up"), res.peer)
    # The server drops the transfer (at once, or after its retries) and removes its
    # temporary file; the name keeps what it had.
    harness.wait_until(lambda: sorted(os.listdir(up)) == before, 10,
                       f"the temporary file to go (dir: {os.listdir(up)})")
    assert visible(), "the partial upload replaced the target"
    line = d.wait_for_log(r"WRQ upload/partial\.bin .*$", timeout=5).group(0)
    assert not line.endswith(" ok"), line
    lab.assert_serving()


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_server_killed_mid_wrq_leaves_nothing_behind(existing, lab):
    """A crash mid-upload leaves the directory as it was: the data goes to an
    unnamed file (O_TMPFILE) that gets a name only once the upload is whole."""
    up = upload_dir(lab)
    old = b"the old content\n" * 10
    target = os.path.join(up, "crash.bin")
    if existing:
        lab.file("upload/crash.bin", old, mode=0o666)
    d = lab.start("-c")
    before = sorted(os.listdir(up))
    lab.raw().put("upload/crash.bin", os.urandom(512 * 20), stop_after=5)
    harness.stop_pid(d.pid, signal.SIGKILL)
    assert sorted(os.listdir(up)) == before, f"left behind: {os.listdir(up)}"
    if existing:
        assert pathlib.Path(target).read_bytes() == old


# ------------------------------------------------------------------ inetd and systemd

XINETD_CONF = """\
defaults
{{
	log_type = FILE {log}
	log_on_success = PID EXIT
	log_on_failure = HOST
}}

service pxt-tftp
{{
	type = UNLISTED
	id = pxt-tftp
	socket_type = dgram
	protocol = udp
	wait = yes
	user = root
	port = {port}
	bind = {addr}
	server = {server}
	server_args = -P {pidfile} -s {root} -t 2
	disable = no
}}
"""


def udp_bound(ns, port):
    cp = ns.run(["ss", "-Hnlu", f"sport = :{port}"], check=False)
    return cp.returncode == 0 and cp.stdout.strip() != ""


def test_xinetd_spawns_tftpd_which_exits_when_idle(lab, tmp_path):
    xinetd = harness.require_tool("xinetd")
    harness.require_tool("ss")
    content = [os.urandom(2000 + i) for i in range(3)]
    for i, c in enumerate(content):
        lab.file(f"x{i}.bin", c)
    xlog = str(tmp_path / "xinetd.log")
    conf = tmp_path / "xinetd.conf"
    conf.write_text(XINETD_CONF.format(log=xlog, port=PORT, addr=lab.addr,
                                       server=harness.binary("tftpd"), root=lab.root,
                                       pidfile=lab.pidfile))
    x = lab.daemons.start(xinetd, ["-dontfork", "-f", str(conf), "-pidfile",
                                   str(tmp_path / "xinetd.pid")], ns=lab.srv, ready=None)
    harness.wait_until(lambda: udp_bound(lab.srv, PORT) or not x.alive(), 10,
                       "xinetd to bind the tftp port")
    assert x.alive(), f"xinetd exited: {x.log()}"

    def starts():
        return [int(p) for p in re.findall(r"START: pxt-tftp pid=(\d+)", harness.read_text(xlog))]

    for i in range(2):
        assert lab.raw().get(f"x{i}.bin").content == content[i], f"fetch {i} through xinetd"
    spawned = starts()
    assert len(spawned) == 1, f"wait = yes: one pxe-tftpd for both fetches, got {spawned}"
    pid = spawned[0]
    assert harness.pid_is(pid, "pxe-tftpd") or not harness.pid_alive(pid)
    # -t 2: the server exits about 2 s after the last transfer; xinetd logs its status.
    m = harness.wait_until(
        lambda: re.search(rf"EXIT: pxt-tftp status=(-?\d+) pid={pid}\b",
                          harness.read_text(xlog)), 10, "pxe-tftpd's idle exit")
    assert m.group(1) == "0", f"pxe-tftpd exited with status {m.group(1)}"
    assert not harness.pid_alive(pid)
    assert lab.raw().get("x2.bin").content == content[2], "fetch after the idle exit"
    again = starts()
    assert len(again) == 2 and again[1] != pid, f"xinetd did not spawn it again: {again}"
    harness.wait_until(lambda: re.search(rf"EXIT: pxt-tftp status=\d+ pid={again[1]}\b",
                                         harness.read_text(xlog)), 10,
                       "the second pxe-tftpd's idle exit")
    assert x.alive()


# Binds the socket, puts it at fd 3 and execs the server with LISTEN_PID = its own pid
# (exec keeps the pid), as systemd does for a socket unit.
SD_LAUNCHER = r"""
import os, socket, sys
addr, port, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
fd = s.detach()
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
for k in ("LISTEN_FDNAMES",):
    os.environ.pop(k, None)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.execv(argv[0], argv)
"""


def test_systemd_socket_activation_serves_and_exits_when_idle(lab):
    content = os.urandom(70_000)
    lab.file("sd.bin", content)
    py = harness.require_tool("python3")
    d = lab.daemons.start(py, ["-c", SD_LAUNCHER, lab.addr, PORT, harness.binary("tftpd"),
                               "-f", "-t", "2", "-P", lab.pidfile, "-s", lab.root],
                          ns=lab.srv)
    lab.server = d
    res = lab.raw().get("sd.bin", options={"blksize": 1408, "tsize": 0})
    assert res.content == content
    t0 = time.monotonic()
    code = d.wait_exit(timeout=10)
    assert code == 0, f"idle exit: {d.exit_description()}\n{d.log()}"
    assert time.monotonic() - t0 > 0.5, "exited too soon after the transfer"


def unit_exec_start(unit):
    """The ExecStart argv of a built unit file as systemd expands it (no /etc/default
    file here), its program swapped for the one in the build tree (the unit names the
    installed path)."""
    u = systemd_unit.Unit(os.path.join(harness.builddir(), "dist", "systemd", unit))
    argv = u.exec_argv("ExecStart", u.environment({}))
    assert os.path.basename(argv[0]) == "pxe-tftpd", argv
    return [harness.binary("tftpd")] + argv[1:]


def test_systemd_unit_runs_under_systemd_socket_activate(lab, tmp_path):
    # The unit's own ExecStart, handed its socket by systemd's systemd-socket-activate
    # (what pxe-tftpd.socket does at boot); the root and idle time come from the config.
    activate = harness.require_tool("systemd-socket-activate")
    content = os.urandom(123_457)
    lab.file("unit.bin", content)
    conf = tmp_path / "pxesuite.ini"
    conf.write_text(f"[tftpd]\nroot = {lab.root}\nidle_timeout = 2s\npidfile = {lab.pidfile}\n")
    argv = ["--datagram", "-l", f"{lab.addr}:{PORT}"] + unit_exec_start("pxe-tftpd.service") + \
        ["--config", str(conf)]
    d = lab.daemons.start(activate, argv, ns=lab.srv, ready=None)
    lab.server = d
    harness.wait_until(lambda: udp_bound(lab.srv, PORT) or not d.alive(), 10,
                       "systemd-socket-activate to bind the port")
    res = lab.run_client(["curl", "-sS", "--tftp-blksize", "1468", "-o", lab.out("unit.bin"),
                          f"tftp://{lab.addr}:{PORT}/unit.bin"])
    assert res.returncode == 0, res.stderr
    with open(lab.out("unit.bin"), "rb") as f:
        assert f.read() == content
    code = d.wait_exit(timeout=15)
    assert code == 0, f"idle exit: {d.exit_description()}\n{d.log()}"
    assert not os.path.exists(lab.pidfile), "socket-activated: no pidfile expected"


# ------------------------------------------------------------------ hostile input

ESCAPES = [
    "../secret.txt",
    "../../../../../../../../etc/passwd",
    "/etc/passwd",
    "{base}/secret.txt",
    "{root}/../secret.txt",
    "a/../../secret.txt",
    "sub/../../secret.txt",
    "sub/..//../secret.txt",
    "./../secret.txt",
    "....//secret.txt",
    "..\\secret.txt",
    "\\..\\secret.txt",
    "%2e%2e/secret.txt",
    "%2e%2e%2fsecret.txt",
    "..",
    "passwd-link",
    "secret-link",
    "abs-secret-link",
    "outdir-link/secret.txt",
    "etc-link/passwd",
    "sub/up-link/secret.txt",
]


def escape_fixtures(lab):
    lab.file("sub/inside.bin", b"inside\n")
    os.symlink("/etc/passwd", lab.path("passwd-link"))
    os.symlink("../secret.txt", lab.path("secret-link"))
    os.symlink(os.path.join(lab.base, "secret.txt"), lab.path("abs-secret-link"))
    os.symlink(lab.base, lab.path("outdir-link"))
    os.symlink("/etc", lab.path("etc-link"))
    os.symlink("../..", lab.path("sub/up-link"))


def forbidden_contents():
    with open("/etc/passwd", "rb") as f:
        passwd = f.read()
    return [SECRET, passwd[:64]]


@pytest.mark.parametrize("name", ESCAPES)
def test_path_escape_is_refused(name, lab):
    escape_fixtures(lab)
    lab.start()
    name = name.format(base=lab.base, root=lab.root)
    client = lab.raw()
    p, _ = client.request(tc.rrq(name, "octet", {"tsize": 0}))
    seen = [p] + [q for q, _ in client.drain(0.3)]
    assert p is not None, f"no answer to RRQ {name!r}"
    assert p.op == tc.ERROR and p.code in (tc.ENOTFOUND, tc.EACCESS), f"RRQ {name!r}: {p!r}"
    for q in seen:
        assert q.op != tc.DATA and q.op != tc.OACK, f"RRQ {name!r}: got {q!r}"
        assert not any(s[:20] in q.raw for s in forbidden_contents())
    lab.assert_serving()


@pytest.mark.parametrize("name,content", [
    ("/inside.bin", b"top\n"),
    ("{root}/inside.bin", b"top\n"),
    ("sub//deep.bin", b"deep\n"),
    ("./sub/./deep.bin", b"deep\n"),
    ("inside-link", b"top\n"),
], ids=["leading-slash-is-root", "absolute-inside-root", "double-slash", "dot-components",
        "symlink-inside-root"])
def test_names_that_stay_inside_the_root_are_served(name, content, lab):
    lab.file("inside.bin", b"top\n")
    lab.file("sub/deep.bin", b"deep\n")
    os.symlink("inside.bin", lab.path("inside-link"))
    lab.start()
    assert lab.raw().get(name.format(root=lab.root)).content == content


@pytest.mark.parametrize("name", [".", "/", "sub", "sub/"])
def test_directories_are_not_served(name, lab):
    lab.file("sub/x.bin", b"x")
    lab.start()
    p, _ = lab.raw().request(tc.rrq(name))
    assert p is not None and p.op == tc.ERROR and p.code in (tc.ENOTFOUND, tc.EACCESS), p
    lab.assert_serving()


def test_file_not_world_readable_is_access_violation(lab):
    lab.file("private.bin", b"private\n", mode=0o640)
    lab.start()
    p, _ = lab.raw().request(tc.rrq("private.bin"))
    assert p is not None and p.op == tc.ERROR and p.code == tc.EACCESS, p
    lab.assert_serving()


MALFORMED = [
    # id, packet, the answers allowed: an ERROR code, or None for silence
    ("zero-length", b"", (None, tc.EBADOP)),
    ("one-byte", b"\x01", (None, tc.EBADOP)),
    ("opcode-only", b"\x00\x01", (tc.EBADOP,)),
    ("opcode-0", b"\x00\x00file.bin\0octet\0", (tc.EBADOP,)),
    ("opcode-7", b"\x00\x07file.bin\0octet\0", (tc.EBADOP,)),
    ("opcode-65535", b"\xff\xffile.bin\0octet\0", (tc.EBADOP,)),
    ("unterminated-filename", b"\x00\x01file.bin", (tc.EBADOP,)),
    ("no-mode", b"\x00\x01file.bin\0", (tc.EBADOP,)),
    ("unterminated-mode", b"\x00\x01file.bin\0octet", (tc.EBADOP,)),
    ("option-without-value", b"\x00\x01file.bin\0octet\0blksize\0", (tc.EBADOP,)),
    ("unterminated-option-value", b"\x00\x01file.bin\0octet\0blksize\x001024", (tc.EBADOP,)),
    ("unknown-mode", b"\x00\x01file.bin\0binary-ish\0", (tc.EBADOP,)),
    ("mail-mode", b"\x00\x01file.bin\0mail\0", (tc.EBADOP,)),
    ("empty-filename", b"\x00\x01\0octet\0", (tc.ENOTFOUND, tc.EACCESS, tc.EBADOP)),
    ("filename-600-octets", b"\x00\x01" + b"a" * 600 + b"\0octet\0",
     (0, tc.ENOTFOUND, tc.EACCESS, tc.EBADOP)),
    ("all-nul-2000-octets", b"\x00\x01" + b"\0" * 2000, (tc.ENOTFOUND, tc.EACCESS, tc.EBADOP)),
    ("data-to-request-port", b"\x00\x03\x00\x01hello", (None, tc.EBADOP, tc.EBADID)),
    ("ack-to-request-port", b"\x00\x04\x00\x01", (None, tc.EBADOP, tc.EBADID)),
    ("oack-to-request-port", b"\x00\x06blksize\x00512\0", (None, tc.EBADOP, tc.EBADID)),
    ("error-to-request-port", b"\x00\x05\x00\x01oops\0", (None,)),
]


@pytest.mark.parametrize("packet,allowed", [pytest.param(p, a, id=i) for i, p, a in MALFORMED])
def test_malformed_packet_is_answered_with_error_or_ignored(packet, allowed, lab):
    lab.file("file.bin", b"file\n")
    lab.start()
    client = lab.raw(timeout=0.5)
    client.send(packet)
    got = client.drain(0.5)
    answers = [p for p, _ in got]
    if not answers:
        assert None in allowed, f"no answer; expected ERROR {allowed}"
    else:
        assert len(answers) == 1, f"more than one answer: {answers}"
        p = answers[0]
        assert p.op == tc.ERROR and p.code in allowed, f"answer {p!r}; allowed {allowed}"
    lab.assert_serving()


def test_ack_for_a_block_never_sent_is_not_taken(lab):
    content = os.urandom(512 * 3 + 10)
    lab.file("three.bin", content)
    lab.start("-T", 300000)
    client = lab.raw()
    first, peer = client.request(tc.rrq("three.bin"))
    assert first is not None and first.op == tc.DATA and first.block == 1, first
    for bogus in (7, 0xFFFF, 3):
        client.send(tc.ack(bogus), peer)
    after = [p for p, _ in client.drain(0.5)]
    # Retransmissions of DATA 1 are fine; anything further, or content, is not.
    assert all(p.op == tc.ERROR or (p.op == tc.DATA and p.block == 1) for p in after), after
    if any(p.op == tc.ERROR for p in after):
        lab.assert_serving("after it refused the bogus ACKs")
        return
    assert client.finish_lockstep(peer, first) == content
    lab.assert_serving()


def test_packet_from_unknown_transfer_id_does_not_disturb_the_transfer(lab):
    # RFC 1350 section 4 also says the stranger "should" get ERROR 5; a transfer socket
    # connected to its client (tftp-hpa's in.tftpd does the same) leaves that to the
    # kernel's ICMP port unreachable, so only "not disturbing the transfer" is checked.
    content = os.urandom(512 * 4 + 3)
    lab.file("tid.bin", content)
    lab.start()
    client, stranger = lab.raw(), lab.raw()
    first, peer = client.request(tc.rrq("tid.bin"))
    assert first is not None and first.op == tc.DATA and first.block == 1, first
    for block in (1, 2, 4):
        stranger.send(tc.ack(block), peer)
    stranger.send(tc.error(0, "not yours"), peer)
    assert all(p.op == tc.ERROR for p, _ in stranger.drain(0.3)), "DATA to a stranger"
    assert client.finish_lockstep(peer, first) == content
    lab.assert_serving()


@pytest.mark.parametrize("windowsize", [None, 8], ids=["lock-step", "windowsize-8"])
def test_duplicate_ack_storm_does_not_resend(windowsize, lab):
    # Sorcerer's Apprentice (RFC 1123 4.2.3.1): a repeated ACK must not send the next block
    # (or window) again. Every ACK goes out 5 times; every DATA must arrive once.
    size = 512 * 40 + 100
    sha = lab.file("storm.bin", size=size)
    lab.start("-T", 2000000)
    opts = {"windowsize": windowsize} if windowsize else None
    res = lab.raw().get("storm.bin", options=opts, dup_acks=5)
    assert hashlib.sha256(res.content).hexdigest() == sha
    if windowsize:
        assert res.oack == {"windowsize": str(windowsize)}
    assert res.data_blocks == list(range(1, 42)), \
        f"{res.data_count()} DATA for 41 blocks: {res.data_blocks}"
    lab.assert_serving()


def test_error_from_client_mid_transfer_stops_the_server(lab):
    lab.file("stopme.bin", size=512 * 100)
    d = lab.start("-T", 200000)
    client = lab.raw()
    first, peer = client.request(tc.rrq("stopme.bin"))
    assert first is not None and first.op == tc.DATA, first
    client.send(tc.ack(1), peer)
    p, _ = client.recv_from(lab.addr)
    assert p is not None and p.op == tc.DATA and p.block == 2, p
    client.send(tc.error(0, "client aborts"), peer)
    # With -T 0.2 s a server still sending would retransmit within the drain.
    late = [q for q, _ in client.drain(1.5)]
    assert not [q for q in late if q.op == tc.DATA], f"server kept sending: {late}"
    line = d.wait_for_log(r"RRQ stopme\.bin .*$", timeout=5).group(0)
    assert not line.endswith(" ok"), line
    lab.assert_serving()


def test_request_flood_from_one_address_is_limited_and_others_are_served(lab):
    # 500 RRQs from one address (500 ports) with max_per_client = 4: at most 4 transfers
    # start, the rest get an ERROR, and another client's fetch goes through meanwhile.
    harness.require_tool("curl")
    subnet = lab.cli_if.addr.rsplit(".", 1)[0]
    flood_addr = f"{subnet}.3"
    lab.cli.ip("addr", "add", f"{flood_addr}/24", "dev", lab.cli_if.name)
    lab.file("flood.bin", size=4 * MiB)
    other_sha = lab.file("other.bin", size=3 * MiB)
    lab.start("--set", "tftpd.max_per_client=4")

    socks = lab.cli.call(lambda: [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                                  for _ in range(500)])
    lab._sockets.extend(socks)
    for s in socks:
        s.bind((flood_addr, 0))
        s.setblocking(False)
    local = lab.out("other.bin")
    other = subprocess.Popen(lab.cli.argv(["curl", "-sS", "--max-time", "60", "--tftp-blksize",
                                           "1408", "-o", local,
                                           f"tftp://{lab.addr}:{PORT}/other.bin"]),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=lab.tmp)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    first = {}          # socket -> (Packet, peer)
    req = tc.rrq("flood.bin")

    def collect(seconds):
        end = time.monotonic() + seconds
        while len(first) < len(socks):
            left = end - time.monotonic()
            if left <= 0:
                return
            for key, _ in sel.select(left):
                try:
                    raw, addr = key.fileobj.recvfrom(65536)
                except BlockingIOError:
                    continue
                first.setdefault(key.fileobj, (tc.parse(raw), addr))
    try:
        for i in range(0, len(socks), 25):
            for s in socks[i:i + 25]:
                s.sendto(req, (lab.addr, PORT))
            collect(0.02)
        collect(5.0)
        try:
            out, err = other.communicate(timeout=70)
        except subprocess.TimeoutExpired:
            other.kill()
            out, err = other.communicate(timeout=5)
            pytest.fail("the other client's fetch did not end")
    finally:
        sel.close()
        if other.poll() is None:
            other.kill()
            other.wait(timeout=5)
    assert other.returncode == 0, f"other client: exit {other.returncode}: {err!r}"
    assert sha256_file(local) == other_sha, "other client got other content"
    started = [(s, pk, peer) for s, (pk, peer) in first.items() if pk.op in (tc.DATA, tc.OACK)]
    errors = [pk for pk, _ in first.values() if pk.op == tc.ERROR]
    assert len(first) == len(socks), f"{len(socks) - len(first)} of {len(socks)} RRQs unanswered"
    assert 1 <= len(started) <= 4, f"{len(started)} transfers started for one address"
    assert len(errors) == len(socks) - len(started)
    # End the held transfers: their slots must come back, so the flooding address is served
    # again.
    for s, _, peer in started:
        s.sendto(tc.error(0, "done"), peer)
    lab.assert_serving("after the flood")
    content = b"served again\n"
    lab.file("again.txt", content)

    def fetch_from_flood_addr():
        try:
            return lab.raw(bind=(flood_addr, 0), timeout=1.0).get("again.txt").content == content
        except tc.TftpError:
            return False
    harness.wait_until(fetch_from_flood_addr, 10, "the flooding address to be served again",
                       interval=0.5)


# ------------------------------------------------------------------ IPv6

V6_SERVER, V6_CLIENT = "fd77:7::1", "fd77:7::2"


@pytest.fixture
def lab6(lab):
    lab.srv.ip("-6", "addr", "add", f"{V6_SERVER}/64", "dev", lab.srv_if.name, "nodad")
    lab.cli.ip("-6", "addr", "add", f"{V6_CLIENT}/64", "dev", lab.cli_if.name, "nodad")
    lab.addr = V6_SERVER
    lab.family = socket.AF_INET6
    return lab


def test_ipv6_fetch_with_curl_and_tftp_hpa(lab6):
    lab = lab6
    sha = lab.file("v6.bin", size=100_000)
    lab.start(addr=V6_SERVER)
    harness.require_tool("curl")
    local = lab.out("v6-curl.bin")
    cp = curl_get(lab, "v6.bin", local, blksize=1468)
    assert cp.returncode == 0, cp.stderr
    assert sha256_file(local) == sha
    harness.require_tool("tftp")
    local = lab.out("v6-hpa.bin")
    cp = hpa_get(lab, "v6.bin", local, extra=["-6"])
    assert not hpa_failed(cp), cp.stdout + cp.stderr
    assert sha256_file(local) == sha


def test_ipv6_blksize_capped_by_mtu(lab6):
    lab = lab6
    content = os.urandom(10_000)
    lab.file("v6cap.bin", content)
    lab.start(addr=V6_SERVER)
    res = lab.raw().get("v6cap.bin", options={"blksize": 65464})
    assert res.oack == {"blksize": str(BLKSIZE_V6_CAP)}
    assert res.content == content
