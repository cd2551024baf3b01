/* The sealed handles READDIRPLUS gave out lately, found again by the identity
 * statx(2) gives a file, so that listing a directory a second time costs no
 * name_to_handle_at(2) and no MAC per entry.  It only remembers what
 * fh_encode made: a handle is still the filesystem's own identity of a file,
 * and a restart loses nothing but speed.
 *
 * A file is known by its device, inode number and birth time: an inode
 * number used again belongs to a file born later, so a remembered handle is
 * never given for another file.  Files whose filesystem reports no birth
 * time are not remembered.  The handle's export id and the mount of the
 * view it was made on are part of the key, as they are of the handle. */
#ifndef PXE_NFSD_FH_CACHE_H
#define PXE_NFSD_FH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fh.h"

/* Slots, one handle each, picked by inode number: a directory's files,
 * whose numbers are mostly consecutive, do not push each other out.  At
 * 96 bytes a slot, 1.5 MiB at most, touched only as they fill. */
#define FH_CACHE_SLOTS	16384
/* Longer handles (overlayfs) are made each time. */
#define FH_CACHE_FH_MAX	48

struct fh_cache_key {
	uint64_t dev;
	uint64_t ino;
	int64_t btime_sec;
	uint32_t btime_nsec;
	uint32_t export_id;		/* the id the handle is sealed with */
	int32_t mount_id;		/* the view's mount it was made on */
};

/* The key of the file st describes (statx with STATX_BTIME and
 * STATX_MNT_ID), for a handle sealed with export_id on the mount mount_id.
 * False when the file cannot be told apart from a later one with its inode
 * number (no birth time) or lies on another mount. */
bool fh_cache_key(const struct statx *st, uint32_t export_id, int mount_id,
		  struct fh_cache_key *out);

/* The handle remembered for k, copied into out: its length, or 0. */
size_t fh_cache_get(const struct fh_cache_key *k, uint8_t out[FH_MAX]);

/* Remembers fh (len bytes) as the handle of k, in place of whatever held
 * its slot; one longer than FH_CACHE_FH_MAX is not kept. */
void fh_cache_put(const struct fh_cache_key *k, const uint8_t *fh, size_t len);

#endif
