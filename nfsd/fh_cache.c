/* A direct-mapped table of sealed handles (fh_cache.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "fh_cache.h"

_Static_assert((FH_CACHE_SLOTS & (FH_CACHE_SLOTS - 1)) == 0, "slots: a power of 2");
_Static_assert(FH_CACHE_FH_MAX <= FH_MAX && FH_CACHE_FH_MAX <= UINT8_MAX, "handle size");

struct slot {
	struct fh_cache_key key;
	uint8_t len;			/* 0: empty */
	uint8_t fh[FH_CACHE_FH_MAX];
};

/* Allocated at the first handle kept: a server that never lists a
 * directory does not pay for it. */
static struct slot *slots;

bool fh_cache_key(const struct statx *st, uint32_t export_id, int mount_id,
		  struct fh_cache_key *out)
{
	if (!(st->stx_mask & STATX_BTIME) || !(st->stx_mask & STATX_MNT_ID) ||
	    st->stx_mnt_id != (uint64_t)mount_id)
		return false;
	memset(out, 0, sizeof *out);
	out->dev = makedev(st->stx_dev_major, st->stx_dev_minor);
	out->ino = st->stx_ino;
	out->btime_sec = st->stx_btime.tv_sec;
	out->btime_nsec = st->stx_btime.tv_nsec;
	out->export_id = export_id;
	out->mount_id = mount_id;
	return true;
}

static struct slot *slot_of(const struct fh_cache_key *k)
{
	return &slots[(k->ino ^ (k->dev * 0x9e3779b97f4a7c15ull)) & (FH_CACHE_SLOTS - 1)];
}

static bool same_key(const struct fh_cache_key *a, const struct fh_cache_key *b)
{
	return a->ino == b->ino && a->dev == b->dev && a->btime_sec == b->btime_sec &&
	       a->btime_nsec == b->btime_nsec && a->export_id == b->export_id &&
	       a->mount_id == b->mount_id;
}

size_t fh_cache_get(const struct fh_cache_key *k, uint8_t out[FH_MAX])
{
	const struct slot *s;

	if (!slots)
		return 0;
	s = slot_of(k);
	if (s->len == 0 || !same_key(&s->key, k))
		return 0;
	memcpy(out, s->fh, s->len);
	return s->len;
}

void fh_cache_put(const struct fh_cache_key *k, const uint8_t *fh, size_t len)
{
	struct slot *s;

	if (len == 0 || len > FH_CACHE_FH_MAX)
		return;
	if (!slots) {
		slots = calloc(FH_CACHE_SLOTS, sizeof *slots);
		if (!slots)
			return;		/* no cache: every handle is made */
	}
	s = slot_of(k);
	s->key = *k;
	s->len = (uint8_t)len;
	memcpy(s->fh, fh, len);
}
