# pxe-nfsd against real clients (rpcinfo, showmount, libnfs's nfs-ls, nfs-cat and nfs-cp)
# and a raw RPC client that sends what they never would. The server runs in one namespace
# with its own rpcbind, every client in another, joined by a veth pair made by the test.
import hashlib
import os
import re
import signal
import socket
import struct
import time

import pytest

import harness
import nfs_lab as nl
from nfs_lab import lab  # noqa: F401  (the fixture)

MiB = 1 << 20


sha256_file, write_random = nl.sha256_file, nl.write_random


tool = harness.require_tool


def nfs_tool(lab, name, *args, timeout=120):
    tool(name)
    return lab.run_client([name] + list(args), timeout=timeout)


def rpcinfo_programs(lab):
    tool("rpcinfo")
    cp = lab.run_client(["rpcinfo", "-p", lab.addr], timeout=20)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    rows = set()
    for line in cp.stdout.splitlines()[1:]:
        f = line.split()
        if len(f) >= 4 and f[0].isdigit():
            rows.add((int(f[0]), int(f[1]), f[2], int(f[3])))
    return rows


def assert_serving(lab, what="after the test"):
    assert lab.server.alive(), f"pxe-nfsd died {what} ({lab.server.exit_description()})"
    lab.write("alive-check.txt", b"still serving\n")
    cp = nfs_tool(lab, "nfs-cat", lab.url("alive-check.txt"), timeout=30)
    assert cp.returncode == 0 and cp.stdout == "still serving\n", \
        f"a normal read {what} failed: {cp.stdout!r} {cp.stderr!r}"


# ------------------------------------------------------------------ rpcbind

def test_rpcinfo_lists_nfs3_and_mount3_and_they_go_at_sigterm(lab):
    lab.start()
    rows = rpcinfo_programs(lab)
    for prog, port in ((nl.NFS_PROG, 2049), (nl.MOUNT_PROG, nl.MOUNT_PORT)):
        for proto in ("tcp", "udp"):
            assert (prog, 3, proto, port) in rows, f"{prog} v3 {proto} not registered: {rows}"
    # MOUNT v3 only: no v1/v2, no NFS v2
    assert not any(r[0] in (nl.NFS_PROG, nl.MOUNT_PROG) and r[1] != 3 for r in rows), rows
    for prog, name in ((nl.NFS_PROG, "nfs"), (nl.MOUNT_PROG, "mountd")):
        for flag in ("-t", "-u"):
            cp = lab.run_client(["rpcinfo", flag, lab.addr, name, "3"], timeout=20)
            assert cp.returncode == 0 and "ready and waiting" in cp.stdout, cp.stdout + cp.stderr
    assert lab.server.stop() == 0
    rows = rpcinfo_programs(lab)
    assert not any(r[0] in (nl.NFS_PROG, nl.MOUNT_PROG) for r in rows), \
        f"still registered after SIGTERM: {rows}"


def test_start_without_rpcbind_fails_with_a_clear_error(lab, daemons):
    lab.write_config()
    cp = daemons.run("nfsd", ["-f", "-C", lab.config], ns=lab.srv, timeout=30)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert "rpcbind is not running" in cp.stderr, cp.stderr


def test_without_rpcbind_serves_unregistered_on_fixed_ports(lab):
    lab.write("hello.txt", b"hello\n")
    lab.write_config(nfsd_extra="require_rpcbind = no\n")
    lab.start(rpcbind=False)
    query = f"nfsport=2049&mountport={nl.MOUNT_PORT}"
    cp = nfs_tool(lab, "nfs-cat", lab.url("hello.txt", query))
    assert cp.returncode == 0 and cp.stdout == "hello\n", cp.stdout + cp.stderr


def test_nfs_acl_probe_and_unknown_procedures_are_refused_cleanly(lab):
    lab.start()
    rpc = lab.rpc()
    r = rpc.call(nl.NFS_ACL_PROG, 3, 0)
    assert r.accept_stat == nl.PROG_UNAVAIL, r
    r = rpc.call(nl.NFS_PROG, 3, 22)
    assert r.accept_stat == nl.PROC_UNAVAIL, r
    r = rpc.call(nl.NFS_PROG, 2, 0)
    assert r.accept_stat == nl.PROG_MISMATCH and (r.low, r.high) == (3, 3), r
    r = lab.rpc(nl.MOUNT_PORT).call(nl.MOUNT_PROG, 1, 0)
    assert r.accept_stat == nl.PROG_MISMATCH and (r.low, r.high) == (3, 3), r
    assert rpc.call(nl.NFS_PROG, 3, 0).ok


# ------------------------------------------------------------------ exports at start

def test_check_config_reports_a_bad_exports_line_with_its_file_and_line(lab, daemons):
    exports = os.path.join(lab.base, "exports")
    with open(exports, "w") as f:
        f.write(f"# install trees\n{lab.root} *(ro,sync)\n/srv/x 10.0.0.0/8(ro,bogus)\n")
    lab.write_config(exports="", nfsd_extra=f"exports_file = {exports}\n")
    cp = daemons.run("nfsd", ["--check-config", "-C", lab.config])
    assert cp.returncode == 1, cp.stdout + cp.stderr
    lines = [line for line in cp.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"{exports}:3: "), cp.stderr
    assert "bogus" in lines[0]
    with open(exports, "w") as f:
        f.write(f"{lab.root} *(ro,sync)\n")
    cp = daemons.run("nfsd", ["--check-config", "-C", lab.config])
    assert cp.returncode == 0 and cp.stdout.strip() == f"{lab.config}: ok", cp.stderr


def test_an_export_without_file_handles_stops_the_start(lab, daemons):
    lab.write_config(f"[export /proc]\nclients = *\noptions = ro\n")
    cp = daemons.run("nfsd", ["-f", "-C", lab.config], ns=lab.srv, timeout=30)
    assert cp.returncode == 1
    assert re.search(re.escape(lab.config) + r":\d+: /proc: .*file handles", cp.stderr), \
        cp.stderr


# ------------------------------------------------------------------ MOUNT

def test_showmount_lists_exports_and_mounts(lab):
    other = os.path.join(lab.base, "other")
    os.mkdir(other, 0o755)
    lab.write_config(f"[export {lab.root}]\nclients = *\noptions = ro,insecure\n"
                     f"[export {other}]\nclients = 10.1.2.0/24 192.0.2.7\n"
                     "options = ro,insecure\n")
    lab.start()
    cp = nfs_tool(lab, "showmount", "-e", lab.addr)
    assert cp.returncode == 0, cp.stderr
    lines = dict(line.split(None, 1) for line in cp.stdout.splitlines()[1:])
    assert lines[lab.root].strip() == "*", cp.stdout
    assert set(lines[other].replace(",", " ").split()) == {"10.1.2.0/24", "192.0.2.7"}, \
        cp.stdout
    lab.mount()
    lab.mount(lab.root + "/")
    cp = nfs_tool(lab, "showmount", "-a", lab.addr)
    assert cp.returncode == 0, cp.stderr
    assert f"{lab.cli_if.addr}:{lab.root}" in cp.stdout.splitlines(), cp.stdout


def test_client_not_allowed_gets_mnt3err_acces(lab):
    lab.write("f.txt", b"x")
    lab.write_config(f"[export {lab.root}]\nclients = 192.0.2.7\noptions = ro,insecure\n")
    lab.start()
    status, fh = lab.rpc(nl.MOUNT_PORT).mnt(lab.root)
    assert status == nl.MNT3ERR_ACCES and fh is None
    cp = nfs_tool(lab, "nfs-ls", lab.url())
    assert cp.returncode != 0, cp.stdout
    assert "f.txt" not in cp.stdout


def test_mnt_of_a_subdirectory_gives_its_handle_and_unexported_paths_are_refused(lab):
    lab.write("sub/dir/f.txt", b"below\n")
    lab.start()
    rpc = lab.rpc(nl.MOUNT_PORT)
    status, fh = rpc.mnt(lab.root + "/sub/dir")
    assert status == nl.MNT3_OK
    nfs = lab.rpc()
    st, ffh, attrs = nfs.lookup(fh, "f.txt")
    assert st == nl.NFS3_OK and attrs["size"] == 6
    assert rpc.mnt(lab.base)[0] == nl.MNT3ERR_ACCES          # the export's parent
    assert rpc.mnt(lab.root + "/missing")[0] == nl.MNT3ERR_NOENT
    assert rpc.mnt(lab.root + "/../secret.txt")[0] != nl.MNT3_OK
    os.symlink("/etc", lab.path("sub/etc"))
    assert rpc.mnt(lab.root + "/sub/etc")[0] != nl.MNT3_OK  # never followed


def test_secure_export_takes_only_privileged_ports(lab):
    lab.write("f.txt", b"secure\n")
    lab.write_config(f"[export {lab.root}]\nclients = *\noptions = ro,secure\n")
    lab.start()
    assert lab.rpc(nl.MOUNT_PORT).mnt(lab.root)[0] == nl.MNT3ERR_ACCES
    priv = lab.rpc(nl.MOUNT_PORT, src_port=812)
    status, fh = priv.mnt(lab.root)
    assert status == nl.MNT3_OK
    # the same handle from an unprivileged port: refused on every NFS call too
    assert lab.rpc().getattr(fh)[0] == nl.NFS3ERR_PERM
    assert lab.rpc(src_port=813).getattr(fh)[0] == nl.NFS3_OK
    # libnfs binds a privileged port when it runs as root
    cp = nfs_tool(lab, "nfs-cat", lab.url("f.txt"))
    assert cp.returncode == 0 and cp.stdout == "secure\n", cp.stdout + cp.stderr


# ------------------------------------------------------------------ reading with libnfs

SIZES = [("empty", 0), ("1-byte", 1), ("1-MiB", MiB), ("1-MiB-plus-1", MiB + 1),
         ("100-MiB", 100 * MiB)]


@pytest.mark.parametrize("size", [s for _, s in SIZES], ids=[n for n, _ in SIZES])
def test_nfs_cat_and_nfs_cp_read_files_whole(lab, size):
    sha = write_random(lab.path("f.bin"), size)
    lab.start()
    tool("nfs-cat")
    got = os.path.join(lab.tmp, "cat.bin")
    # nfs-cat writes binary to stdout: through a shell redirect
    cp = lab.run_client(["sh", "-c", f"nfs-cat '{lab.url('f.bin')}' > '{got}'"], timeout=120)
    assert cp.returncode == 0, cp.stderr
    assert sha256_file(got) == sha
    dest = os.path.join("/dev/shm", f"pxt-nfs-cp-{os.getpid()}.bin")
    try:
        cp = nfs_tool(lab, "nfs-cp", lab.url("f.bin"), dest)
        assert cp.returncode == 0, cp.stdout + cp.stderr
        assert sha256_file(dest) == sha
    finally:
        if os.path.exists(dest):
            os.unlink(dest)


@pytest.mark.slow
def test_nfs_cp_reads_1_gib(lab):
    sha = write_random(lab.path("big.bin"), 1024 * MiB)
    lab.start()
    dest = os.path.join("/dev/shm", f"pxt-nfs-1g-{os.getpid()}.bin")
    try:
        t0 = time.monotonic()
        cp = nfs_tool(lab, "nfs-cp", lab.url("big.bin"), dest, timeout=120)
        took = time.monotonic() - t0
        assert cp.returncode == 0, cp.stdout + cp.stderr
        assert sha256_file(dest) == sha
        assert took < 60, f"1 GiB took {took:.1f}s"
    finally:
        if os.path.exists(dest):
            os.unlink(dest)


def test_nfs_ls_lists_names_sizes_and_types(lab):
    lab.write("a.txt", b"12345")
    lab.write("sub/b.txt", b"")
    os.symlink("a.txt", lab.path("link"))
    lab.start()
    cp = nfs_tool(lab, "nfs-ls", lab.url())
    assert cp.returncode == 0, cp.stderr
    rows = {line.split()[-1]: line for line in cp.stdout.splitlines()}
    assert set(rows) == {"a.txt", "sub", "link"}, cp.stdout
    assert rows["a.txt"].startswith("-rw-r--r--") and rows["a.txt"].split()[4] == "5"
    assert rows["sub"].startswith("d")
    assert rows["link"].startswith("l"), cp.stdout


def test_nfs_ls_recursive_lists_a_tree_of_10000_files(lab):
    names = set()
    for d in range(100):
        dpath = lab.path(f"d{d:03}")
        os.mkdir(dpath, 0o755)
        for i in range(100):
            name = f"d{d:03}/file-{i:03}-{'x' * (i % 40)}"
            open(os.path.join(lab.root, name), "wb").close()
            names.add(name)
    lab.start()
    cp = nfs_tool(lab, "nfs-ls", "-R", lab.url(), timeout=120)
    assert cp.returncode == 0, cp.stderr
    listed = {line.split()[-1] for line in cp.stdout.splitlines()}
    assert names <= listed, f"{len(names - listed)} files missing, e.g. " \
        f"{sorted(names - listed)[:5]}"
    assert len(listed) == len(names) + 100, len(listed)


def test_readdir_cookies_resume_and_stay_valid_while_the_directory_changes(lab):
    for i in range(300):
        lab.write(f"dir/f{i:03}", b"")
    lab.start()
    nfs = lab.rpc()
    st, dfh, _ = nfs.lookup(lab.mount(), "dir")
    assert st == nl.NFS3_OK
    seen, cookie, verf, calls = [], 0, b"\0" * 8, 0
    while True:
        st, entries, eof, verf = nfs.readdir(dfh, cookie, verf, count=1024)
        assert st == nl.NFS3_OK, st
        calls += 1
        seen += [e[1] for e in entries]
        if calls == 2:
            # a change in the middle of the listing: the cookies held stay good
            lab.write("dir/added-late", b"")
            os.unlink(lab.path("dir/f299"))
        if eof:
            break
        cookie = entries[-1][2]
        assert calls < 100
    assert calls > 2, "the listing did not take several replies"
    names = [n for n in seen if n not in (".", "..")]
    assert len(names) == len(set(names)), "an entry was listed twice"
    assert {f"f{i:03}" for i in range(299)} <= set(names)
    # a verifier of another directory, with a cookie: NFS3ERR_BAD_COOKIE
    st, *_ = nfs.readdir(dfh, cookie, b"\x01" * 8, count=1024)
    assert st == nl.NFS3ERR_BAD_COOKIE
    # too small for even one entry
    st, *_ = nfs.readdir(dfh, 0, b"\0" * 8, count=100)
    assert st == 10005   # NFS3ERR_TOOSMALL


def test_readdirplus_gives_dotdot_attributes_but_never_a_way_out(lab):
    lab.write("sub/inner/f", b"f")
    os.mkdir(os.path.join(lab.base, "outside"), 0o755)
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    root_attrs = nfs.getattr(root)[1]
    st, sub, _ = nfs.lookup(root, "sub")
    st, inner, _ = nfs.lookup(sub, "inner")

    def dotdot(dirfh):
        st, entries, eof, _ = nfs.readdirplus(dirfh)
        assert st == nl.NFS3_OK and eof, st
        by_name = {e[1]: e for e in entries}
        assert by_name["."][3] is not None and by_name["."][4] == dirfh
        return by_name[".."]

    # libnfs looks up every entry that comes without attributes: ".." has them,
    # and no handle (LOOKUP ".." gives that, by its own rules)
    fileid, _, _, attrs, fh = dotdot(root)
    assert fh is None and attrs is not None
    assert fileid == attrs["fileid"] == root_attrs["fileid"], "root's .. is the root"
    _, _, _, attrs, fh = dotdot(inner)
    assert fh is None and attrs["fileid"] == nfs.getattr(sub)[1]["fileid"]
    assert attrs["type"] == nl.NF3DIR
    # a directory moved out of the export: nothing of what lies above it
    os.rename(lab.path("sub/inner"), os.path.join(lab.base, "outside", "inner"))
    _, _, _, attrs, fh = dotdot(inner)
    assert attrs is None and fh is None


def test_readdirplus_handles_are_lookups_and_follow_a_replaced_file(lab):
    for i in range(50):
        lab.write(f"dir/f{i:02}", b"%d" % i)
    lab.start()
    nfs = lab.rpc()
    st, dfh, _ = nfs.lookup(lab.mount(), "dir")

    def listed():
        st, entries, eof, _ = nfs.readdirplus(dfh, maxcount=32768)
        assert st == nl.NFS3_OK and eof, st
        return {e[1]: e for e in entries if e[1] not in (".", "..")}

    # the second listing is answered from the handles the first one made
    for _ in range(2):
        for name, (fileid, _, _, attrs, fh) in listed().items():
            assert fh == nfs.lookup(dfh, name)[1], name
            assert attrs["fileid"] == fileid == os.stat(lab.path(f"dir/{name}")).st_ino
    # a file replaced by another of the same name (which may get the same
    # inode number): the listing names the new one, never a stale handle
    old_ino = os.stat(lab.path("dir/f07")).st_ino
    os.unlink(lab.path("dir/f07"))
    lab.write("dir/f07", b"new")
    new_ino = os.stat(lab.path("dir/f07")).st_ino
    fileid, _, _, attrs, fh = listed()["f07"]
    assert fileid == attrs["fileid"] == new_ino, (old_ino, new_ino)
    assert fh == nfs.lookup(dfh, "f07")[1]
    st, data, eof, _ = nfs.read(fh, 0, 100)
    assert st == nl.NFS3_OK and data == b"new", (st, old_ino, new_ino)


# ------------------------------------------------------------------ symlinks and escapes

def test_symlinks_read_as_links_and_are_never_followed_by_the_server(lab):
    lab.write("target.txt", b"inside\n")
    os.symlink("target.txt", lab.path("rel"))
    os.symlink(lab.secret, lab.path("abs-out"))
    os.symlink("../secret.txt", lab.path("dotdot-out"))
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    for name, target in (("rel", b"target.txt"), ("abs-out", lab.secret.encode()),
                         ("dotdot-out", b"../secret.txt")):
        st, fh, attrs = nfs.lookup(root, name)
        assert st == nl.NFS3_OK and attrs["type"] == nl.NF3LNK, (name, st, attrs)
        assert nfs.readlink(fh) == (nl.NFS3_OK, target)
        st, data, _, _ = nfs.read(fh, 0, 4096)
        assert st != nl.NFS3_OK and data is None, f"READ through symlink {name} answered"
    cp = nfs_tool(lab, "nfs-ls", lab.url())
    rows = {line.split()[-1]: line for line in cp.stdout.splitlines()}
    assert rows["rel"].startswith("l") and rows["abs-out"].startswith("l"), cp.stdout
    # libnfs resolves links itself, inside the export only
    cp = nfs_tool(lab, "nfs-cat", lab.url("rel"))
    assert cp.stdout == "inside\n", cp.stdout + cp.stderr
    cp = nfs_tool(lab, "nfs-cat", lab.url("dotdot-out"))
    assert "secret" not in cp.stdout


def test_lookup_never_leaves_the_export(lab):
    lab.write("sub/f", b"f")
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    root_attr = nfs.getattr(root)[1]
    st, fh, attrs = nfs.lookup(root, "..")
    assert st == nl.NFS3_OK and fh == root and attrs["fileid"] == root_attr["fileid"]
    st, fh, _ = nfs.lookup(root, ".")
    assert st == nl.NFS3_OK and fh == root
    st, sub, _ = nfs.lookup(root, "sub")
    st, up, _ = nfs.lookup(sub, "..")
    assert st == nl.NFS3_OK and up == root
    assert nfs.lookup(root, "../secret.txt")[0] == nl.NFS3ERR_INVAL
    assert nfs.lookup(root, "sub/f")[0] == nl.NFS3ERR_INVAL
    assert nfs.lookup(root, "")[0] == nl.NFS3ERR_NOENT
    assert nfs.lookup(root, "x" * 256)[0] == nl.NFS3ERR_NAMETOOLONG
    assert nfs.lookup(root, "secret.txt")[0] == nl.NFS3ERR_NOENT
    st, ffh, _ = nfs.lookup(sub, "f")
    assert nfs.lookup(ffh, "x")[0] == nl.NFS3ERR_NOTDIR


def test_each_procedure_refuses_the_wrong_kind_of_file_without_blocking(lab):
    lab.write("f.txt", b"file\n")
    os.mkfifo(lab.path("fifo"), 0o644)
    os.symlink("f.txt", lab.path("link"))
    lab.start()
    nfs = lab.rpc(timeout=3.0)
    root = lab.mount()
    fh = {n: nfs.lookup(root, n)[1] for n in ("f.txt", "fifo", "link")}
    assert nfs.read(root, 0, 10)[0] == 21                     # NFS3ERR_ISDIR
    assert nfs.read(fh["fifo"], 0, 10)[0] == nl.NFS3ERR_INVAL  # never opened
    assert nfs.read(fh["link"], 0, 10)[0] == nl.NFS3ERR_INVAL
    assert nfs.readlink(fh["f.txt"])[0] == nl.NFS3ERR_INVAL
    for name in ("f.txt", "fifo", "link"):
        assert nfs.readdir(fh[name])[0] == nl.NFS3ERR_NOTDIR, name
        assert nfs.lookup(fh[name], "x")[0] == nl.NFS3ERR_NOTDIR, name
        st, attrs = nfs.getattr(fh[name])
        assert st == nl.NFS3_OK
    assert nfs.getattr(fh["fifo"])[1]["type"] == 7             # NF3FIFO
    for proc in (nl.FSSTAT, nl.FSINFO, nl.PATHCONF):
        assert nfs.nfs(proc, nl.opaque(fh["fifo"]))[0] == nl.NFS3_OK
    assert_serving(lab)


def test_dotdot_from_a_directory_moved_out_of_the_export_stops_there(lab):
    lab.write("sub/inner/f", b"f")
    os.mkdir(os.path.join(lab.base, "outside"), 0o755)
    lab.start()
    nfs = lab.rpc()
    st, sub, _ = nfs.lookup(lab.mount(), "sub")
    st, inner, _ = nfs.lookup(sub, "inner")
    assert nfs.lookup(inner, "..")[1] == sub
    # moved out by someone on the server: its handle still names it (handles name
    # inodes, as kernel nfsd's no_subtree_check), but ".." leads nowhere from it
    os.rename(lab.path("sub/inner"), os.path.join(lab.base, "outside", "inner"))
    assert nfs.getattr(inner)[0] == nl.NFS3_OK
    st, up, _ = nfs.lookup(inner, "..")
    assert st == nl.NFS3ERR_ACCES and up is None, st


def test_mount_points_below_an_export_follow_crossmnt(lab):
    plain = lab.root
    cross = os.path.join(lab.base, "cross")
    for top in (plain, cross):
        os.makedirs(os.path.join(top, "mnt"), 0o755)
        with open(os.path.join(top, "mnt", "covered.txt"), "wb") as f:
            f.write(b"under the mount\n")
    lab.write_config(f"[export {plain}]\nclients = *\noptions = ro,insecure\n"
                     f"[export {cross}]\nclients = *\noptions = ro,insecure,crossmnt\n")
    rpcbind = lab.start_rpcbind()
    ns = nl.NsEnter(rpcbind.pid, lab.srv.name)
    # tmpfs mounts in the server's private mount namespace only
    for top in (plain, cross):
        mnt = os.path.join(top, "mnt")
        ns.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", mnt])
        ns.run(["sh", "-c", f"echo on the mount > {mnt}/inner.txt"])
    lab.start()
    nfs = lab.rpc()
    # without crossmnt: the directory the mount covers, on the export's filesystem
    proot = lab.mount(plain)
    st, pm, attrs = nfs.lookup(proot, "mnt")
    assert st == nl.NFS3_OK and attrs["fsid"] == nfs.getattr(proot)[1]["fsid"]
    assert nfs.lookup(pm, "covered.txt")[0] == nl.NFS3_OK
    assert nfs.lookup(pm, "inner.txt")[0] == nl.NFS3ERR_NOENT
    cp = nfs_tool(lab, "nfs-ls", f"nfs://{lab.addr}{plain}/mnt")
    assert "covered.txt" in cp.stdout and "inner.txt" not in cp.stdout, cp.stdout
    # with crossmnt: the mounted filesystem, with an fsid of its own
    croot = lab.mount(cross)
    st, cm, attrs = nfs.lookup(croot, "mnt")
    assert st == nl.NFS3_OK and attrs["fsid"] != nfs.getattr(croot)[1]["fsid"]
    st, ifh, _ = nfs.lookup(cm, "inner.txt")
    assert nfs.read(ifh, 0, 100)[1] == b"on the mount\n"
    assert nfs.lookup(cm, "covered.txt")[0] == nl.NFS3ERR_NOENT
    assert nfs.lookup(cm, "..")[1] == croot
    cp = nfs_tool(lab, "nfs-ls", "-R", f"nfs://{lab.addr}{cross}/")
    assert "mnt/inner.txt" in cp.stdout, cp.stdout
    nfs.close()
    lab.restart()
    assert lab.rpc().read(ifh, 0, 100)[1] == b"on the mount\n", "stale after a restart"


def test_forged_truncated_and_edited_handles_reach_nothing(lab):
    lab.write("f.txt", b"data\n")
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _ = nfs.lookup(root, "f.txt")
    assert st == nl.NFS3_OK
    bad = [b"", fh[:1], fh[:-1], fh + b"\0", os.urandom(len(fh)), b"\0" * 64,
           bytes([fh[0] ^ 0xFF]) + fh[1:]]
    bad += [fh[:i] + bytes([fh[i] ^ (1 << (i % 8))]) + fh[i + 1:] for i in range(len(fh))]
    for h in bad:
        st, attrs = nfs.getattr(h)
        assert st in (nl.NFS3ERR_BADHANDLE, nl.NFS3ERR_STALE), (h.hex(), st)
        st, data, _, _ = nfs.read(h, 0, 100)
        assert st in (nl.NFS3ERR_BADHANDLE, nl.NFS3ERR_STALE) and data is None
        st, *_ = nfs.lookup(h, "f.txt")
        assert st in (nl.NFS3ERR_BADHANDLE, nl.NFS3ERR_STALE)
    # a handle longer than NFS3_FHSIZE does not even decode
    r = nfs.call(nl.NFS_PROG, 3, nl.GETATTR, nl.opaque(b"\1" * 65))
    assert r.accept_stat == nl.GARBAGE_ARGS
    assert nfs.read(fh, 0, 100)[1] == b"data\n"


def test_handles_survive_a_restart(lab):
    lab.write("f.txt", b"before and after\n")
    lab.start()
    nfs = lab.rpc()
    st, fh, _ = nfs.lookup(lab.mount(), "f.txt")
    assert nfs.read(fh, 0, 100)[1] == b"before and after\n"
    nfs.close()
    lab.restart()
    st, data, eof, _ = lab.rpc().read(fh, 0, 100)
    assert st == nl.NFS3_OK and data == b"before and after\n" and eof


def test_sighup_drops_removed_exports_and_keeps_the_others(lab):
    gone = os.path.join(lab.base, "gone")
    os.mkdir(gone, 0o755)
    with open(os.path.join(gone, "g.txt"), "wb") as f:
        f.write(b"g")
    lab.write("k.txt", b"kept\n")
    keep = f"[export {lab.root}]\nclients = *\noptions = ro,insecure\n"
    lab.write_config(keep + f"[export {gone}]\nclients = *\noptions = ro,insecure\n")
    lab.start()
    nfs = lab.rpc()
    st, kfh, _ = nfs.lookup(lab.mount(), "k.txt")
    st, gfh, _ = nfs.lookup(lab.mount(gone), "g.txt")
    assert nfs.read(gfh, 0, 10)[1] == b"g"
    lab.write_config(keep)
    lab.server.signal_and_wait(signal.SIGHUP, r"\breloaded\b")
    assert nfs.read(kfh, 0, 10)[1] == b"kept\n", "a kept export stopped answering"
    assert nfs.read(gfh, 0, 10)[0] == nl.NFS3ERR_STALE
    assert lab.rpc(nl.MOUNT_PORT).mnt(gone)[0] == nl.MNT3ERR_ACCES
    assert_serving(lab, "after the reload")


# ------------------------------------------------------------------ permissions

def test_read_only_export_refuses_every_change(lab):
    lab.write("f.txt", b"ro\n")
    lab.start()
    local = os.path.join(lab.tmp, "up.txt")
    with open(local, "wb") as f:
        f.write(b"upload\n")
    cp = nfs_tool(lab, "nfs-cp", local, lab.url("up.txt"))
    assert cp.returncode != 0, cp.stdout
    assert not os.path.exists(lab.path("up.txt"))
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _ = nfs.lookup(root, "f.txt")
    write = nl.opaque(fh) + nl.u64(0) + nl.u32(3) + nl.u32(2) + nl.opaque(b"new")
    assert nfs.nfs(nl.WRITE, write)[0] == nl.NFS3ERR_ROFS
    create = nl.opaque(root) + nl.opaque("new.txt") + nl.u32(0) + nl.u32(0) * 6
    assert nfs.nfs(nl.CREATE, create)[0] == nl.NFS3ERR_ROFS
    remove = nl.opaque(root) + nl.opaque("f.txt")
    assert nfs.nfs(12, remove)[0] == nl.NFS3ERR_ROFS
    assert open(lab.path("f.txt"), "rb").read() == b"ro\n"


def test_permissions_are_checked_as_the_squashed_caller(lab):
    lab.write("private", b"root only\n", mode=0o600)
    lab.write("mine", b"1000's\n", mode=0o600)
    os.chown(lab.path("mine"), 1000, 1000)
    lab.write("group", b"group 2000\n", mode=0o640)
    os.chown(lab.path("group"), 0, 2000)
    lab.write_config(f"[export {lab.root}]\nclients = *\noptions = ro,insecure\n"
                     f"[export {lab.base}/nrs]\nclients = *\n"
                     "options = ro,insecure,no_root_squash\n")
    os.mkdir(os.path.join(lab.base, "nrs"), 0o755)
    with open(os.path.join(lab.base, "nrs", "private"), "wb") as f:
        f.write(b"root may\n")
    os.chmod(os.path.join(lab.base, "nrs", "private"), 0o600)
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    fhs = {n: nfs.lookup(root, n)[1] for n in ("private", "mine", "group")}
    root_cred = nl.auth_sys(0, 0)
    assert nfs.read(fhs["private"], 0, 100, root_cred)[0] == nl.NFS3ERR_ACCES  # root_squash
    assert nfs.read(fhs["mine"], 0, 100, nl.auth_sys(1000, 1000))[1] == b"1000's\n"
    assert nfs.read(fhs["mine"], 0, 100, nl.auth_sys(1001, 1000))[0] == nl.NFS3ERR_ACCES
    assert nfs.read(fhs["group"], 0, 100, nl.auth_sys(5, 5, [2000]))[1] == b"group 2000\n"
    assert nfs.read(fhs["group"], 0, 100, nl.auth_sys(5, 5, [2001]))[0] == nl.NFS3ERR_ACCES
    # AUTH_NONE on a sec=sys export: refused at the RPC level
    r = nfs.call(nl.NFS_PROG, 3, nl.GETATTR, nl.opaque(root), nl.AUTH_NONE_CRED)
    assert r.reject_stat == nl.AUTH_ERROR and r.auth_stat == nl.AUTH_TOOWEAK, r
    # ACCESS answers as the caller
    st, r = nfs.nfs(nl.ACCESS, nl.opaque(fhs["mine"]) + nl.u32(0x3F), nl.auth_sys(1000, 1))
    assert st == nl.NFS3_OK and nl.read_post_op(r) and r.u32() == 0x01
    st, r = nfs.nfs(nl.ACCESS, nl.opaque(fhs["mine"]) + nl.u32(0x3F), nl.auth_sys(7, 7))
    assert st == nl.NFS3_OK and nl.read_post_op(r) and r.u32() == 0
    nrs = lab.mount(os.path.join(lab.base, "nrs"))
    st, pfh, _ = nfs.lookup(nrs, "private", root_cred)
    assert nfs.read(pfh, 0, 100, root_cred)[1] == b"root may\n"


# ------------------------------------------------------------------ hostile RPC

def test_truncated_and_oversized_arguments_get_garbage_args(lab):
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    full = nl.opaque(root) + nl.u64(0) + nl.u32(100)
    for cut in (0, 3, 4, len(full) - 1):
        r = nfs.call(nl.NFS_PROG, 3, nl.READ, full[:cut])
        assert r.accept_stat == nl.GARBAGE_ARGS, (cut, r)
    # opaque lengths far beyond what follows, and beyond every bound
    for n in (0x7FFFFFFF, 0xFFFFFFFF, 65, 1 << 20):
        r = nfs.call(nl.NFS_PROG, 3, nl.GETATTR, nl.u32(n) + b"\0" * 8)
        assert r.accept_stat == nl.GARBAGE_ARGS, (n, r)
        r = nfs.call(nl.NFS_PROG, 3, nl.LOOKUP, nl.opaque(root) + nl.u32(n) + b"abcd")
        assert r.accept_stat == nl.GARBAGE_ARGS, (n, r)
    r = lab.rpc(nl.MOUNT_PORT).call(nl.MOUNT_PROG, 3, nl.MNT, nl.u32(0xFFFFFFF0) + b"/x\0\0")
    assert r.accept_stat == nl.GARBAGE_ARGS, r
    udp = lab.rpc(tcp=False)
    r = udp.call(nl.NFS_PROG, 3, nl.GETATTR, nl.u32(0xFFFFFFFF))
    assert r.accept_stat == nl.GARBAGE_ARGS
    assert_serving(lab)


def test_read_with_a_huge_count_is_clamped(lab):
    sha = write_random(lab.path("f.bin"), 3 * MiB)
    lab.start()
    nfs = lab.rpc()
    st, fh, _ = nfs.lookup(lab.mount(), "f.bin")
    st, data, eof, n = nfs.read(fh, 0, 0xFFFFFFFF)
    assert st == nl.NFS3_OK and n == len(data) == MiB and not eof
    st, data, eof, n = nfs.read(fh, 3 * MiB - 10, 0xFFFFFFFF)
    assert st == nl.NFS3_OK and len(data) == 10 and eof
    st, data, eof, n = nfs.read(fh, 1 << 63, 100)
    assert st == nl.NFS3_OK and data == b"" and eof
    udp = lab.rpc(tcp=False)
    st, data, eof, n = udp.read(fh, 0, 0xFFFFFFFF)
    assert st == nl.NFS3_OK and len(data) == 32 * 1024, "a UDP reply must fit a datagram"
    assert hashlib.sha256(open(lab.path("f.bin"), "rb").read()).hexdigest() == sha


def test_auth_sys_with_17_gids_is_refused(lab):
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    assert nfs.getattr(root, nl.auth_sys(1, 1, list(range(16))))[0] == nl.NFS3_OK
    r = nfs.call(nl.NFS_PROG, 3, nl.GETATTR, nl.opaque(root),
                 nl.auth_sys(1, 1, list(range(17))))
    assert r.reply_stat == nl.MSG_DENIED and r.auth_stat == nl.AUTH_BADCRED, r
    # a credential past RFC 5531's 400 bytes does not even parse as a call: libtirpc
    # drops that connection, and only that one
    other = lab.rpc()
    try:
        r = other.call(nl.NFS_PROG, 3, nl.GETATTR, nl.opaque(root),
                       nl.auth_sys(1, 1, list(range(1000))))
        assert r.reply_stat == nl.MSG_DENIED, r
    except ConnectionError:
        pass
    assert nfs.getattr(root)[0] == nl.NFS3_OK
    assert_serving(lab)


def test_a_tcp_record_over_the_limit_closes_that_connection_only(lab):
    lab.start()
    other = lab.rpc()
    root = lab.mount()
    bad = lab.rpc()
    # one fragment header announcing 64 MiB, then some of it
    bad.sock.sendall(nl.u32(0x80000000 | (64 << 20)) + b"\0" * 65536)
    with pytest.raises((ConnectionError, OSError)):
        bad.recv_reply()
    # many fragments that add up past the limit
    bad2 = lab.rpc()
    with pytest.raises((ConnectionError, OSError)):
        for _ in range(40):
            bad2.send_record(b"\0" * 65536, last=False)
        bad2.recv_reply()
    assert other.getattr(root)[0] == nl.NFS3_OK
    assert_serving(lab)


def test_200_idle_connections_do_not_stop_a_working_client(lab):
    lab.write("f.bin", os.urandom(4 * MiB))
    lab.start()
    idle = []
    for _ in range(200):
        s = lab.socket()
        s.settimeout(5)
        s.connect((lab.addr, 2049))
        idle.append(s)
    # half a record on some: the server must not wait for the rest
    for s in idle[:50]:
        s.sendall(nl.u32(0x80000000 | 100) + b"\0" * 10)
    t0 = time.monotonic()
    cp = lab.run_client(["sh", "-c", f"nfs-cat '{lab.url('f.bin')}' | sha256sum"], timeout=60)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.split()[0] == sha256_file(lab.path("f.bin"))
    assert time.monotonic() - t0 < 20
    assert_serving(lab, "with 200 idle connections open")


def test_clients_that_never_read_their_replies_do_not_stall_the_others(lab):
    write_random(lab.path("f.bin"), 8 * MiB)
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _ = nfs.lookup(root, "f.bin")
    stuck = []
    for _ in range(4):
        s = lab.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        s.connect((lab.addr, 2049))
        for i in range(8):       # 8 MiB of replies asked for, none read
            call = nl.RpcClient.call_bytes(1000 + i, nl.NFS_PROG, 3, nl.READ,
                                           nl.opaque(fh) + nl.u64(i * MiB) + nl.u32(MiB))
            s.sendall(nl.u32(0x80000000 | len(call)) + call)
        stuck.append(s)
    time.sleep(0.5)
    worst, t0 = 0.0, time.monotonic()
    for _ in range(50):
        t = time.monotonic()
        assert nfs.getattr(root)[0] == nl.NFS3_OK
        worst = max(worst, time.monotonic() - t)
    assert worst < 0.5, f"a GETATTR waited {worst:.2f}s behind clients that do not read"
    assert time.monotonic() - t0 < 5
    # a stuck client that starts reading gets its replies whole, in order
    r = nl.RpcClient(stuck[0], (lab.addr, 2049), connect=False)
    for i in range(8):
        reply = r.recv_reply()
        assert reply.xid == 1000 + i and reply.ok
        status = nl.Reader(reply.body).u32()
        assert status == nl.NFS3_OK
    for s in stuck:
        s.close()
    assert_serving(lab)
