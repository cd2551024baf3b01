/* Address pools of pxe-dhcpd: a hierarchical bitmap over first..last, so
 * finding, taking and releasing an address cost O(log64 n) at any size. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

/*
 * Level 0 has one bit per address, set while the address is free.  Each
 * level above has one bit per word of the level below, set while that word
 * has any bit set; the top level is a single word.  Bits past the end of a
 * level are always clear, so a search never lands outside the range.  A /8
 * (2^24 addresses) takes 4 levels and 2.03 MiB; all of IPv4 (2^32) takes 6.
 */
#define POOL_LEVELS_MAX 6

struct pool {
	uint32_t first;
	uint64_t n;				/* last - first + 1: up to 2^32 */
	uint64_t nfree;
	/*
	 * Where the next search without a usable hint starts: just after the
	 * last address found that way.  Rotating through the range instead of
	 * always taking the lowest free address reuses a freed address as late
	 * as possible, which is what RFC 2131 §2.2 suggests ("the least
	 * recently assigned address"): a client whose lease ran out or was
	 * released may still be up and using it (asleep, unplugged, a lost
	 * RELEASE), and the longer the address rests, the likelier that client
	 * is gone, or back asking for it by hint, before a new client is given
	 * the same address.
	 */
	uint64_t cursor;
	unsigned levels;
	uint64_t nbits[POOL_LEVELS_MAX];	/* bits in use at each level */
	uint64_t *level[POOL_LEVELS_MAX];	/* into words, level 0 first */
	uint64_t words[];
};

static uint64_t words_for(uint64_t bits)
{
	return (bits + 63) / 64;
}

static uint64_t bit(uint64_t i)
{
	return UINT64_C(1) << (i % 64);
}

/* The first bits bits set, the rest of the last word clear. */
static void set_first_bits(uint64_t *w, uint64_t bits)
{
	memset(w, 0xff, bits / 64 * sizeof *w);
	if (bits % 64 != 0)
		w[bits / 64] = bit(bits) - 1;
}

struct pool *pool_new(uint32_t first, uint32_t last)
{
	uint64_t nbits[POOL_LEVELS_MAX], total = 0, bits;
	unsigned levels = 0;
	struct pool *p;

	if (first > last) {
		errno = EINVAL;
		return NULL;
	}
	bits = (uint64_t)last - first + 1;
#if SIZE_MAX < UINT64_MAX
	if (bits > SIZE_MAX) {		/* pool_size() could not say it */
		errno = ENOMEM;
		return NULL;
	}
#endif
	for (;;) {
		nbits[levels++] = bits;
		total += words_for(bits);
		if (bits <= 64)
			break;
		bits = words_for(bits);
	}

	p = malloc(sizeof *p + total * sizeof p->words[0]);
	if (p == NULL)
		return NULL;
	p->first = first;
	p->n = nbits[0];
	p->nfree = nbits[0];
	p->cursor = 0;
	p->levels = levels;
	total = 0;
	for (unsigned lv = 0; lv < levels; lv++) {
		p->nbits[lv] = nbits[lv];
		p->level[lv] = p->words + total;
		set_first_bits(p->level[lv], nbits[lv]);
		total += words_for(nbits[lv]);
	}
	return p;
}

void pool_free(struct pool *p)
{
	free(p);
}

bool pool_contains(const struct pool *p, uint32_t addr)
{
	return addr >= p->first && addr - p->first < p->n;
}

bool pool_is_free(const struct pool *p, uint32_t addr)
{
	uint64_t i = addr - p->first;

	if (!pool_contains(p, addr))
		return false;
	return (p->level[0][i / 64] & bit(i)) != 0;
}

void pool_take(struct pool *p, uint32_t addr)
{
	uint64_t i = addr - p->first;

	if (!pool_is_free(p, addr))
		return;
	p->nfree--;
	for (unsigned lv = 0; lv < p->levels; lv++, i /= 64) {
		p->level[lv][i / 64] &= ~bit(i);
		if (p->level[lv][i / 64] != 0)
			return;		/* the word still has a free one */
	}
}

void pool_release(struct pool *p, uint32_t addr)
{
	uint64_t i = addr - p->first;
	uint64_t was;

	if (!pool_contains(p, addr) || pool_is_free(p, addr))
		return;
	p->nfree++;
	for (unsigned lv = 0; lv < p->levels; lv++, i /= 64) {
		was = p->level[lv][i / 64];
		p->level[lv][i / 64] = was | bit(i);
		if (was != 0)
			return;		/* the levels above knew it had one */
	}
}

/*
 * The lowest free index at or after i, in *out.  Climbs while the rest of
 * the current word is empty (moving to the next word one level up), then
 * descends along the lowest set bits: at most two words per level.
 */
static bool next_free(const struct pool *p, uint64_t i, uint64_t *out)
{
	unsigned lv;
	uint64_t w;

	for (lv = 0; lv < p->levels; lv++) {
		if (i >= p->nbits[lv])
			return false;
		w = p->level[lv][i / 64] & ~(bit(i) - 1);
		if (w != 0) {
			i = i / 64 * 64 + (uint64_t)__builtin_ctzll(w);
			break;
		}
		i = i / 64 + 1;
	}
	if (lv == p->levels)
		return false;
	while (lv-- > 0)
		i = i * 64 + (uint64_t)__builtin_ctzll(p->level[lv][i]);
	*out = i;
	return true;
}

int pool_find(struct pool *p, uint32_t hint, uint32_t *addr)
{
	uint64_t i;

	if (pool_is_free(p, hint)) {
		*addr = hint;		/* the cursor stays: hint is not a new address */
		return 0;
	}
	if (p->nfree == 0)
		return -ENOSPC;
	if (!next_free(p, p->cursor, &i) && !next_free(p, 0, &i))
		return -ENOSPC;		/* not reached: nfree > 0 */
	p->cursor = i + 1 < p->n ? i + 1 : 0;
	*addr = p->first + (uint32_t)i;
	return 0;
}

size_t pool_free_count(const struct pool *p)
{
	return (size_t)p->nfree;
}

size_t pool_size(const struct pool *p)
{
	return (size_t)p->n;
}
