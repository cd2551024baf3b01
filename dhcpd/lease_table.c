/* pxe-dhcpd's leases in memory: slots in chunks that never move, and two
 * open-addressing hash tables over them, by address and by client id. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lease_table.h"

#define CHUNK_SLOTS	1024
#define NO_SLOT		UINT32_MAX
#define INDEX_MIN	64

struct slot {
	struct lease lease;
	uint64_t seq;		/* when it was last stored */
	uint32_t next_free;
	bool used;
};

/* Linear probing, at most half full.  The key is the address, or a hash of
 * the client id; the seed is random, so clients cannot pick ids that
 * collide. */
struct entry {
	uint32_t key;
	uint32_t slot;		/* NO_SLOT when empty */
};

struct index {
	struct entry *e;
	size_t cap;		/* a power of two */
	size_t n;
	uint64_t seed;
};

struct lease_table {
	struct slot **chunks;
	size_t nchunks;
	uint32_t nslots;	/* slots ever handed out */
	uint32_t free_slot;	/* freed slots, linked by next_free */
	size_t count;
	uint64_t seq;
	struct index by_addr;
	struct index by_client;
};

/* ---------------------------------------------------------------- indexes */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static size_t index_home(const struct index *ix, uint32_t key)
{
	return (size_t)mix64(key ^ ix->seed) & (ix->cap - 1);
}

static size_t index_next(const struct index *ix, size_t i)
{
	return (i + 1) & (ix->cap - 1);
}

static struct entry *entries_new(size_t cap)
{
	struct entry *e = malloc(cap * sizeof *e);
	size_t i;

	for (i = 0; e && i < cap; i++)
		e[i].slot = NO_SLOT;
	return e;
}

static int index_init(struct index *ix)
{
	ix->cap = INDEX_MIN;
	ix->n = 0;
	if (getrandom(&ix->seed, sizeof ix->seed, GRND_NONBLOCK) != sizeof ix->seed)
		ix->seed = mix64((uint64_t)time(NULL) ^ (uint64_t)getpid() << 32);
	ix->e = entries_new(ix->cap);
	return ix->e ? 0 : -ENOMEM;
}

/* The caller made room and knows key is not there yet. */
static void index_add(struct index *ix, uint32_t key, uint32_t slot)
{
	size_t i = index_home(ix, key);

	while (ix->e[i].slot != NO_SLOT)
		i = index_next(ix, i);
	ix->e[i].key = key;
	ix->e[i].slot = slot;
	ix->n++;
}

/* Room for n entries: the only place an index allocates. */
static int index_reserve(struct index *ix, size_t n)
{
	struct entry *old = ix->e;
	size_t oldcap = ix->cap, cap = ix->cap, i;

	if (n <= cap / 2)
		return 0;
	while (n > cap / 2)
		cap *= 2;
	ix->e = entries_new(cap);
	if (!ix->e) {
		ix->e = old;
		return -ENOMEM;
	}
	ix->cap = cap;
	ix->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].slot != NO_SLOT)
			index_add(ix, old[i].key, old[i].slot);
	free(old);
	return 0;
}

/* Backward-shift deletion: later entries of the probe run move up, so a
 * lookup never stops early at the hole. */
static void index_remove_at(struct index *ix, size_t i)
{
	size_t j = i, home;

	for (;;) {
		ix->e[i].slot = NO_SLOT;
		for (;;) {
			j = index_next(ix, j);
			if (ix->e[j].slot == NO_SLOT) {
				ix->n--;
				return;
			}
			home = index_home(ix, ix->e[j].key);
			/* it may fill the hole unless its home lies in (i, j] */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		ix->e[i] = ix->e[j];
		i = j;
	}
}

/* ---------------------------------------------------------------- lookups */

static struct slot *slot_at(const struct lease_table *t, uint32_t s)
{
	return &t->chunks[s / CHUNK_SLOTS][s % CHUNK_SLOTS];
}

/* FNV-1a from a seeded start, folded to the 32-bit key. */
static uint32_t client_key(const struct lease_table *t, const uint8_t *id, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ t->by_client.seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= id[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ h >> 32);
}

static size_t addr_find(const struct lease_table *t, struct in_addr a)
{
	const struct index *ix = &t->by_addr;
	size_t i;

	for (i = index_home(ix, a.s_addr); ix->e[i].slot != NO_SLOT; i = index_next(ix, i))
		if (ix->e[i].key == a.s_addr)
			return i;
	return SIZE_MAX;
}

static bool has_id(const struct lease *l, const uint8_t *id, size_t len)
{
	return l->client_id_len == len && memcmp(l->client_id, id, len) == 0;
}

/* The entry of the latest stored of id's leases that match accepts (NULL:
 * any), or SIZE_MAX. */
static size_t client_find(const struct lease_table *t, const uint8_t *id, size_t len,
			  bool (*match)(const struct lease *l, void *arg), void *arg)
{
	const struct index *ix = &t->by_client;
	uint32_t key = client_key(t, id, len);
	const struct slot *sl, *best = NULL;
	size_t i, at = SIZE_MAX;

	for (i = index_home(ix, key); ix->e[i].slot != NO_SLOT; i = index_next(ix, i)) {
		if (ix->e[i].key != key)
			continue;
		sl = slot_at(t, ix->e[i].slot);
		if (has_id(&sl->lease, id, len) && (!best || sl->seq > best->seq) &&
		    (!match || match(&sl->lease, arg))) {
			best = sl;
			at = i;
		}
	}
	return at;
}

/* The client index's entry for slot s, or SIZE_MAX. */
static size_t client_entry(const struct lease_table *t, uint32_t s)
{
	const struct lease *l = &slot_at(t, s)->lease;
	const struct index *ix = &t->by_client;
	size_t i;

	for (i = index_home(ix, client_key(t, l->client_id, l->client_id_len));
	     ix->e[i].slot != NO_SLOT; i = index_next(ix, i))
		if (ix->e[i].slot == s)
			return i;
	return SIZE_MAX;
}

const struct lease *lease_table_by_addr(const struct lease_table *t, struct in_addr addr)
{
	size_t i = addr_find(t, addr);

	return i == SIZE_MAX ? NULL : &slot_at(t, t->by_addr.e[i].slot)->lease;
}

const struct lease *lease_table_find_client(const struct lease_table *t, const uint8_t *id,
					    size_t len,
					    bool (*match)(const struct lease *l, void *arg),
					    void *arg)
{
	size_t i;

	if (len == 0 || len > LEASE_CLIENT_ID_MAX)
		return NULL;
	i = client_find(t, id, len, match, arg);
	return i == SIZE_MAX ? NULL : &slot_at(t, t->by_client.e[i].slot)->lease;
}

const struct lease *lease_table_by_client(const struct lease_table *t, const uint8_t *id,
					  size_t len)
{
	return lease_table_find_client(t, id, len, NULL, NULL);
}

void lease_table_each(const struct lease_table *t,
		      bool (*fn)(const struct lease *l, void *arg), void *arg)
{
	const struct slot *sl;
	uint32_t s;

	for (s = 0; s < t->nslots; s++) {
		sl = slot_at(t, s);
		if (sl->used && !fn(&sl->lease, arg))
			return;
	}
}

size_t lease_table_count(const struct lease_table *t)
{
	return t->count;
}

uint64_t lease_table_seq(const struct lease_table *t)
{
	return t->seq;
}

/* ---------------------------------------------------------------- changes */

/* A client id leads to the lease last stored for it, and to the client's
 * other leases while they are ACTIVE: so every running lease of a client is
 * found (assign.c keeps one per subnet), and an id's entries stay few.
 * Leases without an id are found by address only. */
static void client_link(struct lease_table *t, uint32_t s)
{
	const struct lease *l = &slot_at(t, s)->lease;
	size_t i;

	if (l->client_id_len == 0)
		return;
	i = client_find(t, l->client_id, l->client_id_len, NULL, NULL);
	if (i != SIZE_MAX && slot_at(t, t->by_client.e[i].slot)->lease.state != LEASE_ACTIVE)
		index_remove_at(&t->by_client, i);
	index_add(&t->by_client, client_key(t, l->client_id, l->client_id_len), s);
}

/* The lease of slot s is replaced or dropped: nothing leads to it. */
static void client_unlink(struct lease_table *t, uint32_t s)
{
	size_t i;

	if (slot_at(t, s)->lease.client_id_len == 0)
		return;
	i = client_entry(t, s);
	if (i != SIZE_MAX)
		index_remove_at(&t->by_client, i);
}

int lease_table_reserve(struct lease_table *t)
{
	struct slot **chunks;

	/* the client index never holds more entries than there are leases */
	if (index_reserve(&t->by_addr, t->count + 1) < 0 ||
	    index_reserve(&t->by_client, t->count + 1) < 0)
		return -ENOMEM;
	if (t->free_slot != NO_SLOT || t->nslots < t->nchunks * CHUNK_SLOTS)
		return 0;
	if (t->nslots >= NO_SLOT - CHUNK_SLOTS)
		return -ENOMEM;
	chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof *chunks);
	if (!chunks)
		return -ENOMEM;
	t->chunks = chunks;
	chunks[t->nchunks] = calloc(CHUNK_SLOTS, sizeof **chunks);
	if (!chunks[t->nchunks])
		return -ENOMEM;
	t->nchunks++;
	return 0;
}

static uint32_t slot_take(struct lease_table *t)
{
	uint32_t s = t->free_slot;

	if (s != NO_SLOT)
		t->free_slot = slot_at(t, s)->next_free;
	else
		s = t->nslots++;
	slot_at(t, s)->used = true;
	return s;
}

uint64_t lease_table_store(struct lease_table *t, const struct lease *l)
{
	size_t i = addr_find(t, l->addr);
	struct slot *sl;
	uint32_t s;

	if (i != SIZE_MAX) {
		s = t->by_addr.e[i].slot;
		client_unlink(t, s);
	} else {
		s = slot_take(t);
		index_add(&t->by_addr, l->addr.s_addr, s);
		t->count++;
	}
	sl = slot_at(t, s);
	sl->lease = *l;
	sl->seq = ++t->seq;
	client_link(t, s);
	return sl->seq;
}

static void slot_drop(struct lease_table *t, uint32_t s)
{
	struct slot *sl = slot_at(t, s);

	client_unlink(t, s);
	index_remove_at(&t->by_addr, addr_find(t, sl->lease.addr));
	sl->used = false;
	sl->next_free = t->free_slot;
	t->free_slot = s;
	t->count--;
}

void lease_table_drop_ended(struct lease_table *t, uint64_t seq, int64_t cutoff)
{
	const struct slot *sl;
	uint32_t s;

	for (s = 0; s < t->nslots; s++) {
		sl = slot_at(t, s);
		if (sl->used && sl->seq <= seq && sl->lease.ends < cutoff)
			slot_drop(t, s);
	}
}

/* ---------------------------------------------------------------- whole table */

struct aged {
	uint64_t seq;
	const struct lease *lease;
};

static int by_seq(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

const struct lease **lease_table_by_age(const struct lease_table *t, int64_t cutoff,
					size_t *n)
{
	struct aged *a = malloc((t->count + 1) * sizeof *a);
	const struct lease **out = malloc((t->count + 1) * sizeof *out);
	const struct slot *sl;
	size_t i;
	uint32_t s;

	*n = 0;
	for (s = 0; a && out && s < t->nslots; s++) {
		sl = slot_at(t, s);
		if (sl->used && sl->lease.ends >= cutoff)
			a[(*n)++] = (struct aged){ sl->seq, &sl->lease };
	}
	if (a && out) {
		qsort(a, *n, sizeof *a, by_seq);
		for (i = 0; i < *n; i++)
			out[i] = a[i].lease;
	} else {
		free(out);
		out = NULL;
	}
	free(a);
	return out;
}

struct lease_table *lease_table_new(void)
{
	struct lease_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->free_slot = NO_SLOT;
	if (index_init(&t->by_addr) < 0 || index_init(&t->by_client) < 0) {
		lease_table_free(t);
		return NULL;
	}
	return t;
}

void lease_table_free(struct lease_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->by_addr.e);
	free(t->by_client.e);
	free(t);
}
