/* pool_bench: what pxe-dhcpd's address pool (dhcpd/pool.c) costs per address
 * handed out, as the pool grows from a /24 to a /8 and fills up.
 *
 * Not a test: nothing checks the figures.  For each pool size (256, 65,536
 * and 16,777,216 addresses) and fill level (0%, 50%, 99%, 99.99% taken) it
 * times pool_find + pool_take, in two orders:
 *   random      the pool was filled at random addresses, and each request
 *               hints a random address of the pool (a client asking for an
 *               address it had): taken there when free, else the next free
 *               one after the rotating cursor;
 *   sequential  the pool was filled from its first address on, and requests
 *               carry no hint: every address comes from the cursor.
 * The fill level is held: up to 1024 addresses (never more than are free)
 * are found and taken in a timed batch, then released untimed, and again,
 * until 2,000,000 addresses (at least 200 batches) have been handed out.
 * The cost of reading the clock is measured and subtracted from each batch.
 * Prints one table: mean ns per find + take, and the batch size.
 *
 * Build and run, from the top of the tree, with config.h in BUILD (the
 * configure'd build directory):
 *   cc -std=gnu11 -O2 -I BUILD -I common -I dhcpd -o /tmp/pool_bench \
 *      bench/dhcp/pool_bench.c dhcpd/pool.c && /tmp/pool_bench
 * A run takes a few seconds, most of it filling the /8 pools.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pool.h"

#define FIRST		0x0a000000u	/* 10.0.0.0 */
#define BATCH_MAX	1024
#define OPS		2000000
#define BATCHES_MIN	200

static uint64_t rng_state = 1;

/* splitmix64: fast, and the same sequence on every run. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t below)
{
	return (uint32_t)(rng() % below);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The least a pair of clock reads costs, subtracted from every batch. */
static int64_t clock_overhead(void)
{
	int64_t best = INT64_MAX, t0, t1;

	for (int i = 0; i < 10000; i++) {
		t0 = now_ns();
		t1 = now_ns();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Takes `taken` addresses: the first ones, or as many distinct random ones
 * (a partial Fisher-Yates shuffle of the offsets). */
static void fill(struct pool *p, uint32_t n, uint32_t taken, bool random)
{
	uint32_t *idx, j, t;

	if (!random) {
		for (uint32_t i = 0; i < taken; i++)
			pool_take(p, FIRST + i);
		return;
	}
	idx = malloc((size_t)n * sizeof *idx);
	if (idx == NULL)
		die("malloc");
	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	for (uint32_t i = 0; i < taken; i++) {
		j = i + rnd(n - i);
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
		pool_take(p, FIRST + idx[i]);
	}
	free(idx);
}

/* Mean ns per pool_find + pool_take at this size, fill level and order;
 * the batch size in *batch. */
static double measure(uint32_t n, double full, bool random, int64_t overhead,
		      uint32_t *batch)
{
	static uint32_t hint[BATCH_MAX], got[BATCH_MAX];
	uint32_t taken = (uint32_t)((double)n * full), k;
	struct pool *p = pool_new(FIRST, FIRST + n - 1);
	int64_t t0, total = 0;
	long ops = 0, batches = 0;

	if (p == NULL)
		die("pool_new");
	fill(p, n, taken, random);
	k = n - taken < BATCH_MAX ? n - taken : BATCH_MAX;
	while (ops < OPS || batches < BATCHES_MIN) {
		for (uint32_t i = 0; i < k; i++)
			hint[i] = random ? FIRST + rnd(n) : 0;
		t0 = now_ns();
		for (uint32_t i = 0; i < k; i++) {
			if (pool_find(p, hint[i], &got[i]) != 0)
				die("pool_find");
			pool_take(p, got[i]);
		}
		total += now_ns() - t0 - overhead;
		for (uint32_t i = 0; i < k; i++)
			pool_release(p, got[i]);
		ops += k;
		batches++;
	}
	if (pool_free_count(p) != n - taken) {
		fprintf(stderr, "pool_bench: free count drifted\n");
		exit(1);
	}
	pool_free(p);
	*batch = k;
	return (double)total / (double)ops;
}

int main(void)
{
	static const uint32_t sizes[] = { 256, 65536, 16777216 };
	static const double fulls[] = { 0, 0.5, 0.99, 0.9999 };
	static const char *const full_names[] = { "0%", "50%", "99%", "99.99%" };
	int64_t overhead = clock_overhead();
	uint32_t batch;
	double r, s;

	printf("pool_find + pool_take, mean ns per address (clock pair %lld ns, subtracted)\n",
	       (long long)overhead);
	printf("%10s  %7s  %10s  %10s  %6s\n", "size", "full", "random", "sequential", "batch");
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (size_t j = 0; j < sizeof fulls / sizeof fulls[0]; j++) {
			r = measure(sizes[i], fulls[j], true, overhead, &batch);
			s = measure(sizes[i], fulls[j], false, overhead, &batch);
			printf("%10u  %7s  %10.1f  %10.1f  %6u\n", sizes[i], full_names[j],
			       r, s, batch);
			fflush(stdout);
		}
	}
	return 0;
}
