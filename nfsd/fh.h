/* pxe-nfsd's file handles, shared by NFS v3 and v4: the filesystem's own
 * handle of a file (name_to_handle_at(2)), sealed with a MAC so that a client
 * can neither forge nor edit one, and opened again with open_by_handle_at(2).
 * Nothing is kept in memory, so handles outlive a restart of the server. */
#ifndef PXE_NFSD_FH_H
#define PXE_NFSD_FH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Layout, version 1 (integers in network byte order):
 *
 *   offset  size  field
 *   0       1     version, FH_VERSION
 *   1       4     export id: the export table's fsid of the export
 *   5       1     handle_type from name_to_handle_at(2), 0..254
 *   6       1     n, the length of f_handle, 1..FH_FS_MAX
 *   7       n     f_handle bytes from name_to_handle_at(2)
 *   7+n     16    MAC: keyed BLAKE2b-128 of bytes 0 .. 7+n-1
 *
 * The MAC is libsodium's keyed BLAKE2b with a 16-byte output and the
 * personalization "pxe-nfsd fh v1" (crypto_generichash_blake2b_salt_personal).
 * The handle is exactly 23 + n bytes.  RFC 1813 §2.4 caps an NFS v3 handle
 * at NFS3_FHSIZE = 64 bytes (RFC 7530's NFS4_FHSIZE is 128), so n <= 41.
 * f_handle sizes measured on Linux 6.18 without AT_HANDLE_CONNECTABLE:
 * ext4 8, xfs 12 (8 with inode32), tmpfs 12, btrfs 20, overlayfs with
 * nfs_export=on 32 over ext4 (44 over btrfs: refused).  Kernel nfsd's 40-byte
 * btrfs handles carry the parent, which is never asked for here.
 *
 * The export id is under the MAC: a handle cannot be moved to another export.
 * Export ids must be unique in the table and stay tied to one filesystem
 * across restarts (an fsid= number, or a value derived from the fsid UUID or
 * the export's path), or old handles would be decoded by another filesystem
 * (STALE at best).
 *
 * Like kernel nfsd with no_subtree_check (its default), a handle names an
 * inode, not a path: a file moved out of its export stays reachable by the
 * handles issued while it was inside.
 */
#define FH_VERSION	1
#define FH_MAX		64	/* RFC 1813 §2.4: NFS3_FHSIZE */
#define FH_HEAD_LEN	7	/* version, export id, handle_type, n */
#define FH_MAC_LEN	16
#define FH_FS_MAX	(FH_MAX - FH_HEAD_LEN - FH_MAC_LEN)	/* 41 */
#define FH_MIN		(FH_HEAD_LEN + 1 + FH_MAC_LEN)		/* 24 */

/* The MAC key: 32 random bytes kept in STATE_DIR/nfsd.key (FH_KEY_FILE). */
#define FH_KEY_LEN	32
#define FH_KEY_FILE	"nfsd.key"

struct fh_key {
	uint8_t bytes[FH_KEY_LEN];
};

/* The verified fields of a handle. */
struct fh {
	uint32_t export_id;
	uint8_t type;			/* handle_type */
	uint8_t len;			/* bytes of handle[] in use, 1..FH_FS_MAX */
	uint8_t handle[FH_FS_MAX];	/* f_handle */
};

/* Loads STATE_DIR/nfsd.key, creating it first when it does not exist: written
 * to a temporary file, fsync'ed, then renamed into place without replacing a
 * key another process created meanwhile, so a crash never leaves a short key
 * and every start loads the same one.  A key file that is not a regular file
 * of FH_KEY_LEN bytes, is readable or writable by group or others, or belongs
 * to another user than root or us is refused.  0, or a negative errno with
 * the reason, naming the file, in err.  Load it before dropping privileges:
 * made by root with mode 0600, the key is unreadable afterwards. */
int fh_key_load(const char *state_dir, struct fh_key *out, char *err, size_t errlen);

/* Pure functions, for the protocol code, the tests and the fuzzer. */

/* Seals fh into out (FH_HEAD_LEN + fh->len + FH_MAC_LEN bytes, in *len).
 * 0, or -EOVERFLOW when fh->len is 0 or more than FH_FS_MAX, or -EINVAL when
 * fh->type is 255 (FILEID_INVALID). */
int fh_pack(const struct fh_key *key, const struct fh *fh, uint8_t out[FH_MAX], size_t *len);
/* Checks and opens the seal of a handle a client sent.  0 and the verified
 * fields in *out, or -EBADMSG (NFS3ERR_BADHANDLE, NFS4ERR_BADHANDLE) for a
 * handle of the wrong length or version or with a wrong MAC; *out is then
 * zeroed.  The MAC is compared in constant time. */
int fh_decode(const struct fh_key *key, const uint8_t *wire, size_t len, struct fh *out);

/* System calls.  Encoding needs no privilege; opening needs
 * CAP_DAC_READ_SEARCH (open_by_handle_at(2)), so a daemon that drops root
 * must keep that one capability (prctl(PR_SET_KEEPCAPS) before setuid, then
 * capset() with only CAP_DAC_READ_SEARCH permitted and effective; under
 * systemd: AmbientCapabilities=CAP_DAC_READ_SEARCH).  The capability also
 * lets the process read any file, and open_by_handle_at ignores chroot: the
 * MAC and the export id are what confine handles to the exports. */

/* At export load: checks that the filesystem of root_fd, the export's root,
 * gives handles, that they fit FH_FS_MAX and that they open again to the
 * same inode.  root_fd must be opened O_RDONLY|O_DIRECTORY, not O_PATH:
 * open_by_handle_at(2) refuses an O_PATH mount_fd (EBADF); keep it as the
 * export's mount_fd for fh_open.  0 and the mount id that fh_encode expects,
 * or a negative errno and the reason in err: -EOPNOTSUPP (no handles, e.g.
 * /proc, or overlayfs without nfs_export=on), -EOVERFLOW (they do not fit an
 * NFS v3 handle, e.g. overlayfs over btrfs: 44 bytes), -EPERM (no
 * CAP_DAC_READ_SEARCH), -EBADF (root_fd is O_PATH). */
int fh_probe(int root_fd, int *mount_id, char *err, size_t errlen);

/* The handle of name in dirfd, or of dirfd itself when name is NULL or "".
 * name is one component: no '/' (-EINVAL); a symlink is not followed, its
 * handle is its own.  ".." is the caller's policy: asked at an export's root
 * it would leave the export.  -EXDEV when the file is on another mount than
 * mount_id (from fh_probe), -EOVERFLOW when its handle does not fit, or the
 * errno of name_to_handle_at(2) (-ENOENT, -EOPNOTSUPP, ...). */
int fh_encode(const struct fh_key *key, uint32_t export_id, int mount_id, int dirfd,
	      const char *name, uint8_t out[FH_MAX], size_t *len);

/* Opens a verified handle with open_by_handle_at(2) on the filesystem of
 * mount_fd (the root of the export fh->export_id names, not O_PATH).  flags
 * as for open(2); O_CLOEXEC is added.  A symlink opens only with O_PATH|O_NOFOLLOW
 * (else -ELOOP).  The new fd, or -ESTALE (NFS3ERR_STALE: the file is gone),
 * -EPERM (no CAP_DAC_READ_SEARCH: a server fault, log it), or another
 * negative errno. */
int fh_open(const struct fh *fh, int mount_fd, int flags);

#endif
