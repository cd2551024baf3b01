# pxe-nfsd's modifying procedures (RFC 1813 SETATTR, WRITE, CREATE, MKDIR, SYMLINK, MKNOD,
# REMOVE, RMDIR, RENAME, LINK, COMMIT) against real clients: libnfs-utils' nfs-cp, and
# libnfs-op (tests/integration/libnfs_op.c, libnfs's own API) for what nfs-cp does not do;
# the raw RPC client of nfs_lab.py for verifiers, squashing and what no real client sends.
import fcntl
import os
import signal
import stat
import time

import pytest

import harness
import nfs_lab as nl
from nfs_lab import lab  # noqa: F401  (the fixture)

MiB = nl.MiB


def rw_export(path, options="rw,insecure"):
    return f"[export {path}]\nclients = *\noptions = {options}\n"


def start_rw(lab, options="rw,insecure,no_root_squash"):
    """An rw export whose root anyone may write; the raw client calls as root."""
    os.chmod(lab.root, 0o777)
    lab.write_config(rw_export(lab.root, options))
    return lab.start()


def libnfs_op(lab, *ops, uid=None, gid=None):
    """Runs libnfs-op in the client namespace: {op index: its output line}, the exit code."""
    path = os.path.join(harness.builddir(), "tests", "integration", "libnfs-op")
    if not os.access(path, os.X_OK):
        harness.skip_or_fail("libnfs-op is not built (install libnfs-dev, rerun configure)")
    query = "&".join(f"{k}={v}" for k, v in (("uid", uid), ("gid", gid)) if v is not None)
    cp = lab.run_client([path, lab.url("", query)] + [str(o) for o in ops], timeout=120)
    return cp.stdout.splitlines(), cp


def assert_all_ok(lines, cp, count):
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert len([line for line in lines if line.startswith("ok ")]) == count, cp.stdout


def assert_serving(lab):
    assert lab.server.alive(), f"pxe-nfsd died ({lab.server.exit_description()})"
    assert lab.rpc().getattr(lab.mount())[0] == nl.NFS3_OK


# ------------------------------------------------------------------ real clients

SIZES = [("empty", 0), ("1-byte", 1), ("1-MiB", MiB), ("64-MiB", 64 * MiB)]


@pytest.mark.parametrize("size", [s for _, s in SIZES], ids=[n for n, _ in SIZES])
def test_nfs_cp_writes_files_whole_owned_by_the_squashed_caller(lab, size):
    local = os.path.join(lab.tmp, "up.bin")
    sha = nl.write_random(local, size)
    start_rw(lab, "rw,insecure")
    cp = lab.run_client(["nfs-cp", local, lab.url("up.bin")], timeout=120)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    on_disk = lab.path("up.bin")
    assert os.path.getsize(on_disk) == size and nl.sha256_file(on_disk) == sha
    st = os.lstat(on_disk)
    assert (st.st_uid, st.st_gid) == (65534, 65534), "nfs-cp runs as root: root_squash"
    # and read back through the server
    back = os.path.join(lab.tmp, "back.bin")
    cp = lab.run_client(["nfs-cp", lab.url("up.bin"), back], timeout=120)
    assert cp.returncode == 0 and nl.sha256_file(back) == sha, cp.stderr


def test_libnfs_writes_renames_removes_and_makes_directories(lab):
    local = os.path.join(lab.tmp, "data.bin")
    sha = nl.write_random(local, 3 * MiB + 5)
    start_rw(lab, "rw,insecure")
    ops = ["mkdir", "dir", "750",
           "put", local, "dir/unstable.bin", "unstable",
           "put", local, "dir/sync.bin", "sync",
           "mv", "dir/unstable.bin", "dir/renamed.bin",
           "ln", "dir/renamed.bin", "hardlink.bin",
           "symlink", "../outside", "dir/link",
           "mkfifo", "fifo", "640",
           "chmod", "dir/sync.bin", "600",
           "truncate", "dir/sync.bin", "10",
           "utimes", "dir/sync.bin", "1000000000", "1200000000",
           "mkdir", "gone", "755",
           "rmdir", "gone",
           "rm", "hardlink.bin",
           "stat", "dir/renamed.bin"]
    lines, cp = libnfs_op(lab, *ops, uid=1000, gid=1000)
    assert_all_ok(lines, cp, 14)
    d = lab.path("dir")
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o750
    assert nl.sha256_file(os.path.join(d, "renamed.bin")) == sha
    assert not os.path.exists(os.path.join(d, "unstable.bin"))
    st = os.stat(os.path.join(d, "renamed.bin"))
    assert (st.st_uid, st.st_gid, st.st_nlink) == (1000, 1000, 1)
    s = os.stat(os.path.join(d, "sync.bin"))
    assert stat.S_IMODE(s.st_mode) == 0o600 and s.st_size == 10
    assert (int(s.st_atime), int(s.st_mtime)) == (1000000000, 1200000000)
    assert os.readlink(os.path.join(d, "link")) == "../outside"
    assert stat.S_ISFIFO(os.lstat(lab.path("fifo")).st_mode)
    assert not os.path.exists(lab.path("gone")) and not os.path.exists(lab.path("hardlink.bin"))
    assert f"stat dir/renamed.bin mode=0100644 uid=1000 gid=1000 size={3 * MiB + 5} " \
        "nlink=1" in lines, lines
    # writing over an existing file truncates it first
    small = os.path.join(lab.tmp, "small.bin")
    small_sha = nl.write_random(small, 100)
    lines, cp = libnfs_op(lab, "put", small, "dir/renamed.bin", "unstable", uid=1000, gid=1000)
    assert_all_ok(lines, cp, 1)
    assert nl.sha256_file(os.path.join(d, "renamed.bin")) == small_sha
    # what another user may not do, the kernel refuses as it would locally
    lines, cp = libnfs_op(lab, "rm", "dir/renamed.bin", "mkdir", "dir/sub", "755",
                          "chown", "dir/sync.bin", "1001", "1000", uid=1001, gid=1001)
    assert cp.returncode == 1 and all(line.startswith("fail ") for line in lines), cp.stdout
    assert os.path.exists(os.path.join(d, "renamed.bin"))


# ------------------------------------------------------------------ read-only exports

def test_read_only_export_answers_rofs_to_each_of_the_11_procedures(lab):
    lab.write("f.txt", b"ro\n")
    lab.write("d/x", b"")
    lab.start()
    nfs = lab.rpc()
    root = lab.mount()
    fh = nfs.lookup(root, "f.txt")[1]
    args = {
        nl.SETATTR: nl.opaque(fh) + nl.sattr(mode=0o777) + nl.u32(0),
        nl.WRITE: nl.opaque(fh) + nl.u64(0) + nl.u32(1) + nl.u32(nl.FILE_SYNC) + nl.opaque(b"x"),
        nl.CREATE: nl.diropargs(root, "new") + nl.u32(nl.UNCHECKED) + nl.sattr(),
        nl.MKDIR: nl.diropargs(root, "newdir") + nl.sattr(),
        nl.SYMLINK: nl.diropargs(root, "ln") + nl.sattr() + nl.opaque("f.txt"),
        nl.MKNOD: nl.diropargs(root, "fifo") + nl.u32(nl.NF3FIFO) + nl.sattr(),
        nl.REMOVE: nl.diropargs(root, "f.txt"),
        nl.RMDIR: nl.diropargs(root, "d"),
        nl.RENAME: nl.diropargs(root, "f.txt") + nl.diropargs(root, "g.txt"),
        nl.LINK: nl.opaque(fh) + nl.diropargs(root, "hard"),
        21: nl.opaque(fh) + nl.u64(0) + nl.u32(0),
    }
    assert sorted(args) == sorted(nl.MODIFYING)
    for proc, a in args.items():
        for cred in (nl.auth_sys(0, 0), nl.auth_sys(1000, 1000)):
            assert nfs.nfs(proc, a, cred)[0] == nl.NFS3ERR_ROFS, proc
    assert sorted(os.listdir(lab.root)) == ["d", "f.txt"]
    assert open(lab.path("f.txt"), "rb").read() == b"ro\n"
    assert stat.S_IMODE(os.stat(lab.path("f.txt")).st_mode) == 0o644


# ------------------------------------------------------------------ who owns what

def test_new_files_belong_to_the_squashed_caller(lab):
    exports = {"squash": "rw,insecure", "all": "rw,insecure,all_squash,anonuid=1234,anongid=4321",
               "nrs": "rw,insecure,no_root_squash", "anon": "rw,insecure,anonuid=777,anongid=778"}
    config = ""
    for name, opts in exports.items():
        os.mkdir(os.path.join(lab.base, name), 0o777)
        os.chmod(os.path.join(lab.base, name), 0o777)
        config += rw_export(os.path.join(lab.base, name), opts)
    lab.write_config(config)
    lab.start()
    nfs = lab.rpc()
    root, user = nl.auth_sys(0, 0), nl.auth_sys(1000, 1000, [1000])
    want = {("squash", "root"): (65534, 65534), ("squash", "user"): (1000, 1000),
            ("all", "root"): (1234, 4321), ("all", "user"): (1234, 4321),
            ("nrs", "root"): (0, 0), ("nrs", "user"): (1000, 1000),
            ("anon", "root"): (777, 778), ("anon", "user"): (1000, 1000)}
    for (export, who), ids in want.items():
        efh = lab.mount(os.path.join(lab.base, export))
        cred = root if who == "root" else user
        st, fh, attrs, _ = nfs.create(efh, f"f-{who}", attrs=nl.sattr(mode=0o640), cred=cred)
        assert st == nl.NFS3_OK and fh, (export, who, st)
        assert (attrs["uid"], attrs["gid"]) == ids, (export, who, attrs)
        st, dfh, attrs, _ = nfs.mkdir(efh, f"d-{who}", cred=cred)
        assert st == nl.NFS3_OK and (attrs["uid"], attrs["gid"]) == ids, (export, who)
        p = os.path.join(lab.base, export, f"f-{who}")
        assert (os.stat(p).st_uid, os.stat(p).st_gid) == ids
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o640, "the server's umask applied"
    # root's powers only where root is not squashed: chown, and files root alone may write
    nrs, squash = (lab.mount(os.path.join(lab.base, e)) for e in ("nrs", "squash"))
    for top, fh in ((nrs, nfs.lookup(nrs, "f-user")[1]), (squash, nfs.lookup(squash, "f-user")[1])):
        st, _ = nfs.setattr(fh, nl.sattr(uid=4242), cred=root)
        assert st == (nl.NFS3_OK if top == nrs else nl.NFS3ERR_PERM), st
    assert os.stat(os.path.join(lab.base, "nrs", "f-user")).st_uid == 4242
    for e in ("nrs", "squash"):
        with open(os.path.join(lab.base, e, "private"), "wb") as f:
            f.write(b"root's\n")
        os.chmod(os.path.join(lab.base, e, "private"), 0o600)
    for top, want_st in ((nrs, nl.NFS3_OK), (squash, nl.NFS3ERR_ACCES)):
        fh = nfs.lookup(top, "private", root)[1]
        assert nfs.write(fh, 0, b"ROOT", cred=root)[0] == want_st
    # a user may not give a file away, nor make a device
    fh = nfs.lookup(squash, "f-user")[1]
    assert nfs.setattr(fh, nl.sattr(uid=1001), cred=user)[0] == nl.NFS3ERR_PERM
    assert nfs.mknod(squash, "dev", nl.NF3CHR, spec=(1, 3), cred=user)[0] == nl.NFS3ERR_PERM
    assert nfs.mknod(squash, "dev", nl.NF3CHR, spec=(1, 3), cred=root)[0] == nl.NFS3ERR_PERM
    assert not os.path.exists(os.path.join(lab.base, "squash", "dev"))


def test_the_owner_writes_a_file_it_made_read_only(lab):
    # tar and cp -p make a file read-only, then write it: kernel nfsd lets the owner
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    user = nl.auth_sys(1000, 1000)
    st, fh, attrs, _ = nfs.create(root, "ro.txt", attrs=nl.sattr(mode=0o444), cred=user)
    assert st == nl.NFS3_OK and attrs["mode"] == 0o444
    assert nfs.write(fh, 0, b"owner\n", cred=user)[0] == nl.NFS3_OK
    assert nfs.write(fh, 0, b"other\n", cred=nl.auth_sys(1001, 1000))[0] == nl.NFS3ERR_ACCES
    assert open(lab.path("ro.txt"), "rb").read() == b"owner\n"


# ------------------------------------------------------------------ CREATE modes, SETATTR

def test_exclusive_create_keeps_its_verifier_and_guarded_refuses_an_existing_name(lab):
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    verf, other = b"\x12\x34\x56\x78\x9a\xbc\xde\xf0", b"\x01" * 8
    st, fh, attrs, wcc = nfs.create(root, "excl", nl.EXCLUSIVE, verf=verf)
    assert st == nl.NFS3_OK and fh and attrs["type"] == nl.NF3REG
    assert wcc[0] is not None and wcc[1] is not None, "the directory's wcc_data"
    # the same call again (its reply lost): success, the same file
    st, fh2, _, _ = nfs.create(root, "excl", nl.EXCLUSIVE, verf=verf)
    assert st == nl.NFS3_OK and fh2 == fh
    assert nfs.create(root, "excl", nl.EXCLUSIVE, verf=other)[0] == nl.NFS3ERR_EXIST
    # the client's SETATTR that follows sets the real times
    st, wcc = nfs.setattr(fh, nl.sattr(mode=0o640, atime="server", mtime="server"))
    assert st == nl.NFS3_OK and wcc[1]["mode"] == 0o640
    assert abs(os.stat(lab.path("excl")).st_mtime - time.time()) < 60
    # verifiers survive a restart: a retransmission after one still matches
    nfs.create(root, "excl2", nl.EXCLUSIVE, verf=other)
    nfs.close()
    lab.restart()
    nfs = lab.rpc()
    assert nfs.create(root, "excl2", nl.EXCLUSIVE, verf=other)[0] == nl.NFS3_OK
    assert nfs.create(root, "excl", nl.GUARDED)[0] == nl.NFS3ERR_EXIST
    lab.write("full.txt", b"some data")
    st, fh, attrs, _ = nfs.create(root, "full.txt", nl.UNCHECKED, nl.sattr(size=0))
    assert st == nl.NFS3_OK and attrs["size"] == 0 and os.path.getsize(lab.path("full.txt")) == 0
    os.mkdir(lab.path("adir"))
    assert nfs.create(root, "adir", nl.UNCHECKED)[0] == nl.NFS3ERR_EXIST


def test_setattr_guard_times_and_size(lab):
    lab.write("f.txt", b"0123456789")
    start_rw(lab)
    nfs = lab.rpc()
    st, fh, _ = nfs.lookup(lab.mount(), "f.txt")
    attrs = nfs.getattr(fh)[1]
    wrong = (attrs["ctime"][0] - 1, attrs["ctime"][1])
    st, wcc = nfs.setattr(fh, nl.sattr(size=3), guard=wrong)
    assert st == nl.NFS3ERR_NOT_SYNC and os.path.getsize(lab.path("f.txt")) == 10
    assert wcc[0] == (10, attrs["mtime"], attrs["ctime"])
    st, wcc = nfs.setattr(fh, nl.sattr(size=3, atime=(1000, 5), mtime=(2000, 7)),
                          guard=attrs["ctime"])
    assert st == nl.NFS3_OK, st
    assert wcc[0][0] == 10 and wcc[1]["size"] == 3
    assert wcc[1]["atime"] == (1000, 5) and wcc[1]["mtime"] == (2000, 7)
    assert open(lab.path("f.txt"), "rb").read() == b"012"
    st, wcc = nfs.setattr(fh, nl.sattr(mtime="server"))
    assert st == nl.NFS3_OK and abs(wcc[1]["mtime"][0] - time.time()) < 60
    # a size on a directory, a time_how outside the RFC
    assert nfs.setattr(lab.mount(), nl.sattr(size=0))[0] == nl.NFS3ERR_ISDIR
    bad = nl.sattr()[:-8] + nl.u32(7) + nl.u32(0)
    assert nfs.setattr(fh, bad)[0] == nl.NFS3ERR_INVAL


# ------------------------------------------------------------------ WRITE and COMMIT

def test_write_stable_how_and_a_verifier_that_changes_with_each_start(lab):
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    st, fh, _, _ = nfs.create(root, "w.bin", attrs=nl.sattr(mode=0o644))
    verfs = set()
    for i, stable in enumerate((nl.UNSTABLE, nl.DATA_SYNC, nl.FILE_SYNC)):
        st, n, committed, verf, wcc = nfs.write(fh, i * 4, b"abcd", stable)
        assert st == nl.NFS3_OK and n == 4 and committed == stable
        assert wcc[0][0] == i * 4 and wcc[1]["size"] == i * 4 + 4
        verfs.add(verf)
    st, verf, wcc = nfs.commit(fh)
    assert st == nl.NFS3_OK and verfs == {verf}, "COMMIT and WRITE of one run: one verifier"
    assert wcc[1]["size"] == 12
    assert open(lab.path("w.bin"), "rb").read() == b"abcd" * 3
    nfs.close()
    lab.restart()
    nfs = lab.rpc()
    st, _, _, verf2, _ = nfs.write(fh, 0, b"x", nl.UNSTABLE)
    assert st == nl.NFS3_OK and verf2 != verf, "the verifier must change at a restart"
    assert nfs.commit(fh)[1] == verf2
    # the kinds of file WRITE and COMMIT refuse
    assert nfs.write(root, 0, b"x")[0] == nl.NFS3ERR_ISDIR
    assert nfs.commit(root)[0] == nl.NFS3ERR_ISDIR


def test_async_export_answers_stable_writes_without_syncing(lab):
    start_rw(lab, "rw,insecure,async")
    nfs = lab.rpc()
    st, fh, _, _ = nfs.create(lab.mount(), "a.bin")
    st, n, committed, verf, _ = nfs.write(fh, 0, b"async", nl.FILE_SYNC)
    assert st == nl.NFS3_OK and committed == nl.FILE_SYNC
    assert nfs.commit(fh)[:2] == (nl.NFS3_OK, verf)
    assert open(lab.path("a.bin"), "rb").read() == b"async"


def test_a_leased_file_gets_jukebox_instead_of_stalling_the_server(lab):
    lab.write("leased.txt", b"x")
    os.chmod(lab.path("leased.txt"), 0o666)
    start_rw(lab)
    nfs = lab.rpc()
    fh = nfs.lookup(lab.mount(), "leased.txt")[1]
    old = signal.signal(signal.SIGIO, signal.SIG_IGN)     # the lease break's signal
    fd = os.open(lab.path("leased.txt"), os.O_RDONLY)
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
        t0 = time.monotonic()
        assert nfs.write(fh, 0, b"y")[0] == 10008           # NFS3ERR_JUKEBOX
        assert time.monotonic() - t0 < 2
        assert lab.rpc().getattr(fh)[0] == nl.NFS3_OK
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    finally:
        os.close(fd)
        signal.signal(signal.SIGIO, old)
    assert nfs.write(fh, 0, b"y")[0] == nl.NFS3_OK


# ------------------------------------------------------------------ hostile calls

def test_names_that_would_leave_the_directory_are_refused(lab):
    lab.write("sub/f", b"f")
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    sub = nfs.lookup(root, "sub")[1]
    cases = {"a/b": nl.NFS3ERR_INVAL, "../escape": nl.NFS3ERR_INVAL, "": nl.NFS3ERR_INVAL,
             "x" * 256: nl.NFS3ERR_NAMETOOLONG, ".": nl.NFS3ERR_EXIST, "..": nl.NFS3ERR_EXIST}
    for name, want in cases.items():
        assert nfs.create(sub, name)[0] == want, name
        assert nfs.mkdir(sub, name)[0] == want, name
        assert nfs.symlink(sub, name, "f")[0] == want, name
        assert nfs.mknod(sub, name, nl.NF3FIFO)[0] == want, name
        assert nfs.link(nfs.lookup(sub, "f")[1], sub, name)[0] == want, name
    assert nfs.create(sub, "x" * 255)[0] == nl.NFS3_OK
    for name in (".", "..", "../sub", ""):
        assert nfs.remove(sub, name)[0] == nl.NFS3ERR_INVAL, name
        assert nfs.rmdir(sub, name)[0] == nl.NFS3ERR_INVAL, name
        assert nfs.rename(sub, "f", sub, name)[0] == nl.NFS3ERR_INVAL, name
        assert nfs.rename(sub, name, root, "moved")[0] == nl.NFS3ERR_INVAL, name
    assert "escape" not in os.listdir(lab.base)
    # a symlink the client made is never followed by the server
    st, lfh, attrs, _ = nfs.symlink(root, "out", lab.secret)
    assert st == nl.NFS3_OK and attrs["type"] == nl.NF3LNK
    assert nfs.write(lfh, 0, b"pwned")[0] == nl.NFS3ERR_INVAL
    assert nfs.setattr(lfh, nl.sattr(size=0))[0] == nl.NFS3ERR_INVAL
    assert nfs.create(lfh, "x")[0] == nl.NFS3ERR_NOTDIR
    assert open(lab.secret, "rb").read() == b"secret outside the export\n"
    assert nfs.mknod(root, "reg", nl.NF3REG)[0] == nl.NFS3ERR_BADTYPE
    assert nfs.mknod(root, "dir", nl.NF3DIR)[0] == nl.NFS3ERR_BADTYPE
    assert nfs.rmdir(root, "sub")[0] == nl.NFS3ERR_NOTEMPTY
    assert nfs.remove(root, "sub")[0] in (nl.NFS3ERR_ISDIR, nl.NFS3ERR_PERM)
    assert_serving(lab)


def test_hostile_writes_and_a_rename_across_exports(lab):
    other = os.path.join(lab.base, "other")
    os.mkdir(other, 0o777)
    os.chmod(lab.root, 0o777)
    lab.write("f.bin", b"")
    os.chmod(lab.path("f.bin"), 0o666)
    lab.write_config(rw_export(lab.root) + rw_export(other))
    lab.start()
    nfs = lab.rpc()
    root, oroot = lab.mount(), lab.mount(other)
    fh = nfs.lookup(root, "f.bin")[1]
    # count and data disagree
    assert nfs.write(fh, 0, b"abcd", count=3)[0] == nl.NFS3ERR_INVAL
    assert nfs.write(fh, 0, b"abcd", count=100)[0] == nl.NFS3ERR_INVAL
    # past the largest offset
    assert nfs.write(fh, (1 << 63) - 2, b"abcd")[0] == nl.NFS3ERR_FBIG
    assert nfs.write(fh, (1 << 64) - 1, b"a")[0] == nl.NFS3ERR_FBIG
    # a stable_how outside the RFC
    assert nfs.write(fh, 0, b"abcd", stable=9)[0] == nl.NFS3ERR_INVAL
    assert os.path.getsize(lab.path("f.bin")) == 0
    # RENAME and LINK across exports
    st, fromwcc, towcc = nfs.rename(root, "f.bin", oroot, "f.bin")
    assert st == nl.NFS3ERR_XDEV
    assert nfs.link(fh, oroot, "hard")[0] == nl.NFS3ERR_XDEV
    assert os.path.exists(lab.path("f.bin")) and not os.listdir(other)
    # over UDP: a WRITE as large as a datagram holds is written whole; one whose data
    # claims more than the datagram carries does not decode
    udp = lab.rpc(tcp=False)
    data = os.urandom(60000)
    st, n, *_ = udp.write(fh, 0, data)
    assert st == nl.NFS3_OK and n == len(data)
    assert open(lab.path("f.bin"), "rb").read() == data
    args = nl.opaque(fh) + nl.u64(0) + nl.u32(MiB) + nl.u32(nl.UNSTABLE) + nl.u32(MiB) + data
    assert udp.call(nl.NFS_PROG, 3, nl.WRITE, args).accept_stat == nl.GARBAGE_ARGS
    # a WRITE far beyond what fits one over TCP: the record limit closes that connection
    big = lab.rpc()
    with pytest.raises((ConnectionError, OSError)):
        big.write(fh, 0, b"\0" * (8 * MiB))
    assert_serving(lab)


def test_remove_rename_and_link_keep_weak_cache_consistency(lab):
    lab.write("a.txt", b"a")
    lab.write("d/b.txt", b"b")
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    d = nfs.lookup(root, "d")[1]
    fh = nfs.lookup(root, "a.txt")[1]
    st, attrs, wcc = nfs.link(fh, d, "a-link")
    assert st == nl.NFS3_OK and attrs["nlink"] == 2 and wcc[0] and wcc[1]
    st, fw, tw = nfs.rename(root, "a.txt", d, "a-moved")
    assert st == nl.NFS3_OK and fw[0] and fw[1] and tw[0] and tw[1]
    assert fw[1]["fileid"] == nfs.getattr(root)[1]["fileid"]
    assert tw[1]["fileid"] == nfs.getattr(d)[1]["fileid"]
    # a rename over an existing name replaces it
    assert nfs.rename(d, "a-moved", d, "b.txt")[0] == nl.NFS3_OK
    assert open(lab.path("d/b.txt"), "rb").read() == b"a"
    st, wcc = nfs.remove(d, "b.txt")
    assert st == nl.NFS3_OK and wcc[1]["mtime"] >= wcc[0][1]
    assert nfs.remove(d, "b.txt")[0] == nl.NFS3ERR_NOENT
    assert nfs.rmdir(d, "a-link")[0] == nl.NFS3ERR_NOTDIR
    assert nfs.remove(d, "a-link")[0] == nl.NFS3_OK
    assert nfs.rmdir(root, "d")[0] == nl.NFS3_OK
    assert nfs.getattr(d)[0] == nl.NFS3ERR_STALE


def test_root_file_capabilities_are_effective_only_while_root_is_served(lab):
    start_rw(lab)
    nfs = lab.rpc()
    root = lab.mount()
    assert nfs.create(root, "by-root", cred=nl.auth_sys(0, 0))[0] == nl.NFS3_OK
    assert nfs.create(root, "by-user", cred=nl.auth_sys(1000, 1000))[0] == nl.NFS3_OK
    with open(lab.pidfile) as f:
        pid = int(f.read())
    with open(f"/proc/{pid}/status") as f:
        caps = {k: int(v, 16) for k, v in (line.split(":") for line in f)
                if k in ("CapPrm", "CapEff", "CapBnd")}
    base = 1 << 2 | 1 << 6 | 1 << 7          # DAC_READ_SEARCH, SETGID, SETUID
    root_only = 1 << 0 | 1 << 1 | 1 << 3 | 1 << 4 | 1 << 27  # CHOWN DAC_OVERRIDE FOWNER FSETID MKNOD
    assert caps["CapEff"] == base, hex(caps["CapEff"])
    assert caps["CapPrm"] == caps["CapBnd"] == base | root_only, caps
