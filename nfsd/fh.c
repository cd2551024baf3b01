/* File handles: the filesystem's handle of a file sealed with a MAC (see
 * fh.h for the layout), and the system calls that make and open them. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "fh.h"
#include "str.h"

/* FILEID_INVALID in linux/exportfs.h: a handle that cannot be decoded. */
#define FH_TYPE_INVALID 255

_Static_assert(FH_MAC_LEN >= crypto_generichash_blake2b_BYTES_MIN &&
	       FH_MAC_LEN <= crypto_generichash_blake2b_BYTES_MAX, "MAC length");
_Static_assert(FH_KEY_LEN == crypto_generichash_blake2b_KEYBYTES, "key length");
_Static_assert(FH_FS_MAX <= MAX_HANDLE_SZ && FH_FS_MAX <= UINT8_MAX, "f_handle length");

/* BLAKE2b's personalization keeps this MAC apart from any other use of the
 * key (a later verifier or cookie MAC uses another string). */
static const unsigned char mac_personal[crypto_generichash_blake2b_PERSONALBYTES] =
	"pxe-nfsd fh v1";

/* A struct file_handle with room for the largest f_handle. */
union handle_buf {
	struct file_handle fh;
	unsigned char room[sizeof(struct file_handle) + MAX_HANDLE_SZ];
};

static void mac_of(const struct fh_key *key, const uint8_t *msg, size_t len,
		   uint8_t mac[FH_MAC_LEN])
{
	/* fails only for lengths outside BLAKE2b's, ruled out above */
	crypto_generichash_blake2b_salt_personal(mac, FH_MAC_LEN, msg, len, key->bytes,
						 FH_KEY_LEN, NULL, mac_personal);
}

int fh_pack(const struct fh_key *key, const struct fh *fh, uint8_t out[FH_MAX], size_t *len)
{
	struct writer w = writer_init(out, FH_MAX);
	uint8_t mac[FH_MAC_LEN];

	*len = 0;
	if (fh->len == 0 || fh->len > FH_FS_MAX)
		return -EOVERFLOW;
	if (fh->type == FH_TYPE_INVALID)
		return -EINVAL;
	write_u8(&w, FH_VERSION);
	write_u32(&w, fh->export_id);
	write_u8(&w, fh->type);
	write_u8(&w, fh->len);
	write_bytes(&w, fh->handle, fh->len);
	mac_of(key, out, writer_len(&w), mac);
	write_bytes(&w, mac, sizeof mac);
	if (!writer_ok(&w))
		return -EOVERFLOW;
	*len = writer_len(&w);
	return 0;
}

int fh_decode(const struct fh_key *key, const uint8_t *wire, size_t len, struct fh *out)
{
	struct reader r = reader_init(wire, len);
	const uint8_t *handle, *tag;
	uint8_t version, mac[FH_MAC_LEN];
	size_t sealed;
	struct fh fh;

	memset(out, 0, sizeof *out);
	memset(&fh, 0, sizeof fh);
	version = read_u8(&r);
	fh.export_id = read_u32(&r);
	fh.type = read_u8(&r);
	fh.len = read_u8(&r);
	if (version != FH_VERSION || fh.len == 0 || fh.len > FH_FS_MAX ||
	    fh.type == FH_TYPE_INVALID)
		reader_fail(&r);
	handle = read_ptr(&r, fh.len);
	sealed = reader_offset(&r);
	tag = read_ptr(&r, FH_MAC_LEN);
	if (reader_left(&r) != 0)
		reader_fail(&r);	/* trailing bytes: a handle has one length */
	if (!reader_ok(&r))
		return -EBADMSG;
	mac_of(key, wire, sealed, mac);
	if (sodium_memcmp(mac, tag, FH_MAC_LEN) != 0)
		return -EBADMSG;
	memcpy(fh.handle, handle, fh.len);
	*out = fh;
	return 0;
}

/* name_to_handle_at(2) of name in dirfd, or of dirfd itself; never follows
 * a symlink.  0 or a negative errno. */
static int handle_of(int dirfd, const char *name, union handle_buf *hb, int *mount_id)
{
	int flags = 0;

	if (!name || !name[0]) {
		name = "";
		flags = AT_EMPTY_PATH;
	}
	memset(hb, 0, sizeof *hb);
	hb->fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(dirfd, name, &hb->fh, mount_id, flags) < 0)
		return -errno;
	return 0;
}

/* What of a kernel handle goes into ours: -EOVERFLOW when it is too long,
 * -EOPNOTSUPP for a type that does not fit its byte. */
static int handle_take(const union handle_buf *hb, struct fh *fh)
{
	if (hb->fh.handle_bytes == 0 || hb->fh.handle_bytes > FH_FS_MAX)
		return -EOVERFLOW;
	if (hb->fh.handle_type < 0 || hb->fh.handle_type >= FH_TYPE_INVALID)
		return -EOPNOTSUPP;
	fh->type = (uint8_t)hb->fh.handle_type;
	fh->len = (uint8_t)hb->fh.handle_bytes;
	memcpy(fh->handle, hb->fh.f_handle, fh->len);
	return 0;
}

int fh_probe(int root_fd, int *mount_id, char *err, size_t errlen)
{
	union handle_buf hb;
	struct stat want, got;
	struct fh fh;
	int fd, rc;

	str_message(err, errlen, "%s", "");
	rc = handle_of(root_fd, NULL, &hb, mount_id);
	if (rc == -EOPNOTSUPP) {
		str_message(err, errlen, "the filesystem has no file handles (name_to_handle_at: %s)",
		    strerror(-rc));
		return rc;
	}
	if (rc < 0) {
		str_message(err, errlen, "name_to_handle_at: %s", strerror(-rc));
		return rc;
	}
	memset(&fh, 0, sizeof fh);
	rc = handle_take(&hb, &fh);
	if (rc == -EOVERFLOW) {
		str_message(err, errlen, "the filesystem's handles of %u bytes do not fit: an NFS v3 "
		    "handle leaves room for %d", hb.fh.handle_bytes, FH_FS_MAX);
		return rc;
	}
	if (rc < 0) {
		str_message(err, errlen, "the filesystem's handle type %d is not supported",
		    hb.fh.handle_type);
		return rc;
	}
	fd = fh_open(&fh, root_fd, O_PATH);
	if (fd == -EPERM) {
		str_message(err, errlen, "open_by_handle_at needs CAP_DAC_READ_SEARCH");
		return fd;
	}
	if (fd == -EBADF) {
		str_message(err, errlen, "the export's root must be opened O_RDONLY, not O_PATH");
		return -EBADF;
	}
	if (fd < 0) {
		str_message(err, errlen, "the filesystem's handles do not open again "
		    "(open_by_handle_at: %s)", strerror(-fd));
		return -EOPNOTSUPP;
	}
	rc = fstat(root_fd, &want) < 0 || fstat(fd, &got) < 0 ? -errno : 0;
	close(fd);
	if (rc < 0) {
		str_message(err, errlen, "fstat: %s", strerror(-rc));
		return rc;
	}
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino) {
		str_message(err, errlen, "the filesystem's handles open another file");
		return -EOPNOTSUPP;
	}
	return 0;
}

int fh_encode(const struct fh_key *key, uint32_t export_id, int mount_id, int dirfd,
	      const char *name, uint8_t out[FH_MAX], size_t *len)
{
	union handle_buf hb;
	struct fh fh;
	int mnt, rc;

	*len = 0;
	if (name && strchr(name, '/'))
		return -EINVAL;
	rc = handle_of(dirfd, name, &hb, &mnt);
	if (rc < 0)
		return rc;
	/* the export id stands for one mount: a handle from another would be
	 * decoded by the wrong filesystem */
	if (mnt != mount_id)
		return -EXDEV;
	memset(&fh, 0, sizeof fh);
	fh.export_id = export_id;
	rc = handle_take(&hb, &fh);
	if (rc < 0)
		return rc;
	return fh_pack(key, &fh, out, len);
}

int fh_open(const struct fh *fh, int mount_fd, int flags)
{
	union handle_buf hb;
	int fd;

	if (fh->len == 0 || fh->len > FH_FS_MAX)
		return -EBADMSG;
	memset(&hb, 0, sizeof hb);
	hb.fh.handle_bytes = fh->len;
	hb.fh.handle_type = fh->type;
	memcpy(hb.fh.f_handle, fh->handle, fh->len);
	fd = open_by_handle_at(mount_fd, &hb.fh, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
