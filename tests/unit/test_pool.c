/* Unit tests of dhcpd/pool.c: hints, rotation, exhaustion, and the bitmap
 * cross-checked against a byte per address over random operations. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pool.h"

/* gcc says __SANITIZE_ADDRESS__, clang before 16 only __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#if defined(ASAN)
/* From <sanitizer/allocator_interface.h>, which gcc does not install. */
size_t __sanitizer_get_current_allocated_bytes(void);
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#include <malloc.h>
#endif

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static uint32_t find_ok(struct pool *p, uint32_t hint)
{
	uint32_t addr = 0;

	assert_int_equal(pool_find(p, hint, &addr), 0);
	assert_true(pool_contains(p, addr));
	assert_true(pool_is_free(p, addr));
	return addr;
}

static uint32_t find_take(struct pool *p, uint32_t hint)
{
	uint32_t addr = find_ok(p, hint);

	pool_take(p, addr);
	assert_false(pool_is_free(p, addr));
	return addr;
}

static void test_fresh_pool_finds_first(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 10), A(10, 0, 0, 20));

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_size(p), 11);
	assert_int_equal(pool_free_count(p), 11);
	assert_int_equal(find_ok(p, 0), A(10, 0, 0, 10));
	pool_free(p);
}

static void test_bad_range_is_null(void **state)
{
	(void)state;
	assert_null(pool_new(A(10, 0, 0, 2), A(10, 0, 0, 1)));
	assert_int_equal(errno, EINVAL);
}

static void test_pool_of_one_address(void **state)
{
	uint32_t a = A(192, 168, 1, 1), got;
	struct pool *p = pool_new(a, a);

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_size(p), 1);
	assert_false(pool_contains(p, a - 1));
	assert_false(pool_contains(p, a + 1));
	assert_int_equal(find_take(p, 0), a);
	assert_int_equal(pool_find(p, a, &got), -ENOSPC);
	pool_release(p, a);
	assert_int_equal(find_take(p, 0), a);
	pool_free(p);
}

static void test_hint_honoured_when_free(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 0, 254));

	(void)state;
	assert_int_equal(find_take(p, A(10, 0, 0, 77)), A(10, 0, 0, 77));
	assert_int_equal(find_take(p, A(10, 0, 0, 254)), A(10, 0, 0, 254));
	pool_free(p);
}

static void test_hint_skipped_when_taken_or_outside(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 0, 254));

	(void)state;
	pool_take(p, A(10, 0, 0, 77));
	assert_int_equal(find_take(p, A(10, 0, 0, 77)), A(10, 0, 0, 1));
	assert_int_equal(find_take(p, A(10, 0, 1, 77)), A(10, 0, 0, 2));
	assert_int_equal(find_take(p, A(10, 0, 0, 0)), A(10, 0, 0, 3));
	pool_free(p);
}

static void test_hint_does_not_move_the_cursor(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 0, 254));

	(void)state;
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 1));
	assert_int_equal(find_take(p, A(10, 0, 0, 200)), A(10, 0, 0, 200));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 2));
	pool_free(p);
}

static void test_rotation_reuses_released_address_last(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 0, 5));

	(void)state;
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 1));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 2));
	pool_release(p, A(10, 0, 0, 1));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 3));
	pool_release(p, A(10, 0, 0, 2));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 4));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 5));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 1));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 2));
	pool_free(p);
}

static void test_find_without_take_moves_on(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 0, 3));

	(void)state;
	assert_int_equal(find_ok(p, 0), A(10, 0, 0, 1));
	assert_int_equal(find_ok(p, 0), A(10, 0, 0, 2));
	assert_int_equal(find_ok(p, 0), A(10, 0, 0, 3));
	assert_int_equal(find_ok(p, 0), A(10, 0, 0, 1));
	pool_free(p);
}

static void test_wraps_around_to_the_start(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 1), A(10, 0, 1, 44));	/* 300 */

	(void)state;
	for (uint32_t a = A(10, 0, 0, 1); a <= A(10, 0, 1, 40); a++)
		assert_int_equal(find_take(p, 0), a);
	pool_release(p, A(10, 0, 0, 9));
	pool_release(p, A(10, 0, 0, 130));
	pool_take(p, A(10, 0, 1, 42));
	assert_int_equal(find_take(p, 0), A(10, 0, 1, 41));
	assert_int_equal(find_take(p, 0), A(10, 0, 1, 43));
	assert_int_equal(find_take(p, 0), A(10, 0, 1, 44));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 9));
	assert_int_equal(find_take(p, 0), A(10, 0, 0, 130));
	pool_free(p);
}

/* A search starting in the last word of a level that is all in use climbs
 * past the end of that level: it must stop there and wrap, not read on. */
static void test_search_past_the_last_word_wraps(void **state)
{
	static const uint32_t sizes[] = { 64, 65, 4096, 4097, 262144 };
	uint32_t first = A(10, 0, 0, 0);

	(void)state;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint32_t last = first + sizes[k] - 1;
		struct pool *p = pool_new(first, last);

		for (uint32_t a = first; a <= last; a++)
			pool_take(p, a);
		pool_release(p, last - 9);
		assert_int_equal(find_take(p, 0), last - 9);
		pool_release(p, first + 5);
		assert_int_equal(find_take(p, 0), first + 5);
		pool_free(p);
	}
}

static void test_exhaustion_is_enospc(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 7), A(10, 0, 3, 250));
	size_t n = pool_size(p);
	uint32_t got = 0;

	(void)state;
	assert_int_equal(n, 3 * 256 + 250 - 7 + 1);
	for (size_t i = 0; i < n; i++)
		find_take(p, 0);
	assert_int_equal(pool_free_count(p), 0);
	assert_int_equal(pool_find(p, 0, &got), -ENOSPC);
	assert_int_equal(pool_find(p, A(10, 0, 2, 2), &got), -ENOSPC);
	assert_int_equal(got, 0);
	pool_free(p);
}

static void test_release_makes_it_findable(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 0), A(10, 0, 15, 255));
	uint32_t mid = A(10, 0, 9, 93);

	(void)state;
	for (uint32_t a = A(10, 0, 0, 0); a <= A(10, 0, 15, 255); a++)
		pool_take(p, a);
	assert_int_equal(pool_free_count(p), 0);
	pool_release(p, mid);
	assert_int_equal(pool_free_count(p), 1);
	assert_true(pool_is_free(p, mid));
	assert_int_equal(find_take(p, 0), mid);
	pool_release(p, mid);
	assert_int_equal(find_take(p, mid), mid);
	pool_free(p);
}

static void test_outside_addresses_ignored(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 100), A(10, 0, 0, 199));

	(void)state;
	pool_take(p, A(10, 0, 0, 99));
	pool_take(p, A(10, 0, 0, 200));
	pool_release(p, A(10, 0, 0, 99));
	pool_release(p, 0);
	pool_release(p, UINT32_MAX);
	assert_int_equal(pool_free_count(p), 100);
	assert_false(pool_is_free(p, A(10, 0, 0, 99)));
	pool_take(p, A(10, 0, 0, 150));
	pool_take(p, A(10, 0, 0, 150));		/* twice: counted once */
	assert_int_equal(pool_free_count(p), 99);
	pool_release(p, A(10, 0, 0, 150));
	pool_release(p, A(10, 0, 0, 150));
	assert_int_equal(pool_free_count(p), 100);
	pool_free(p);
}

static void test_edges_of_the_address_space(void **state)
{
	struct pool *lo = pool_new(0, 70);
	struct pool *hi = pool_new(UINT32_MAX - 69, UINT32_MAX);

	(void)state;
	assert_int_equal(find_take(lo, 0), 0);
	assert_int_equal(find_take(lo, 70), 70);
	assert_int_equal(pool_size(hi), 70);
	assert_true(pool_contains(hi, UINT32_MAX));
	assert_false(pool_contains(hi, UINT32_MAX - 70));
	assert_int_equal(find_take(hi, UINT32_MAX), UINT32_MAX);
	for (int i = 0; i < 69; i++)
		find_take(hi, 0);
	assert_int_equal(pool_free_count(hi), 0);
	pool_release(hi, UINT32_MAX);
	assert_int_equal(find_take(hi, 0), UINT32_MAX);
	pool_free(lo);
	pool_free(hi);
}

static void test_every_address_once_until_released(void **state)
{
	struct pool *p = pool_new(A(10, 0, 0, 3), A(10, 0, 20, 9));
	size_t n = pool_size(p);
	uint8_t *seen = calloc(n, 1);

	(void)state;
	assert_non_null(seen);
	for (size_t i = 0; i < n; i++) {
		uint32_t a = find_take(p, i % 3 ? 0 : A(10, 0, 0, 3) + (uint32_t)(i * 7 % n));

		assert_int_equal(seen[a - A(10, 0, 0, 3)]++, 0);
	}
	assert_int_equal(pool_free_count(p), 0);
	free(seen);
	pool_free(p);
}

/* ------------------------------------------------- against a simple model */

/* The pool as a byte per address, and its cursor, searched the slow way. */
struct model {
	uint32_t first;
	size_t n;
	size_t nfree;
	size_t cursor;
	uint8_t *avail;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t rnd(size_t below)
{
	return (size_t)(rng() % below);
}

static bool model_has(const struct model *m, uint32_t a)
{
	return a >= m->first && a - m->first < m->n;
}

static void model_set(struct model *m, uint32_t a, bool isfree)
{
	if (!model_has(m, a) || m->avail[a - m->first] == isfree)
		return;
	m->avail[a - m->first] = isfree;
	if (isfree)
		m->nfree++;
	else
		m->nfree--;
}

static int model_find(struct model *m, uint32_t hint, uint32_t *addr)
{
	if (model_has(m, hint) && m->avail[hint - m->first]) {
		*addr = hint;
		return 0;
	}
	for (size_t k = 0; k < m->n; k++) {
		size_t i = (m->cursor + k) % m->n;

		if (m->avail[i]) {
			m->cursor = (i + 1) % m->n;
			*addr = m->first + (uint32_t)i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* An address in the range or just outside it. */
static uint32_t any_addr(const struct model *m)
{
	uint64_t a = (uint64_t)m->first + rnd(m->n + 4);

	if (a < 2 || a - 2 > UINT32_MAX)
		return m->first;
	return (uint32_t)(a - 2);
}

static void check_all(const struct pool *p, const struct model *m)
{
	assert_int_equal(pool_free_count(p), m->nfree);
	for (size_t i = 0; i < m->n; i++)
		if (pool_is_free(p, m->first + (uint32_t)i) != m->avail[i])
			fail_msg("address index %zu: pool says %s", i,
				 m->avail[i] ? "taken" : "free");
}

/* Runs of takes or releases empty or fill whole words and upper-level
 * words, so the search has to climb and descend every level. */
static void random_op(struct pool *p, struct model *m)
{
	uint32_t a, b, hint;
	int r, want;
	size_t len;

	switch (rnd(10)) {
	case 0:
	case 1:
		a = any_addr(m);
		pool_release(p, a);
		model_set(m, a, true);
		break;
	case 2:
		a = any_addr(m);
		pool_take(p, a);
		model_set(m, a, false);
		break;
	case 3:
		a = any_addr(m);
		len = rnd(m->n / 4 + 2);
		for (size_t k = 0; k < len; k++) {
			pool_release(p, a + (uint32_t)k);
			model_set(m, a + (uint32_t)k, true);
		}
		break;
	case 4:
		a = any_addr(m);
		len = rnd(m->n / 3 + 2);
		for (size_t k = 0; k < len; k++) {
			pool_take(p, a + (uint32_t)k);
			model_set(m, a + (uint32_t)k, false);
		}
		break;
	default:
		hint = rnd(3) == 0 ? 0 : any_addr(m);
		want = model_find(m, hint, &b);
		r = pool_find(p, hint, &a);
		assert_int_equal(r, want);
		if (r != 0)
			break;
		assert_int_equal(a, b);
		assert_true(m->avail[a - m->first]);	/* never a taken one */
		pool_take(p, a);
		model_set(m, a, false);
		break;
	}
	assert_int_equal(pool_free_count(p), m->nfree);
}

static void run_against_model(uint32_t first, uint32_t last, int ops)
{
	struct model m = { .first = first, .n = (size_t)last - first + 1 };
	struct pool *p = pool_new(first, last);

	assert_non_null(p);
	m.nfree = m.n;
	m.avail = malloc(m.n);
	assert_non_null(m.avail);
	memset(m.avail, 1, m.n);
	for (int i = 0; i < ops; i++) {
		random_op(p, &m);
		if (i % 500 == 0)
			check_all(p, &m);
	}
	check_all(p, &m);
	free(m.avail);
	pool_free(p);
}

static void test_random_ops_match_model(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 63, 64, 65, 127, 128, 129, 4095,
					  4096, 4097, 262143, 262144, 262145 };

	(void)state;
	rng_state = 20240601;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		run_against_model(A(10, 0, 0, 0), A(10, 0, 0, 0) + sizes[i] - 1, 4000);
}

static void test_random_ops_match_model_unaligned(void **state)
{
	(void)state;
	rng_state = 7;
	run_against_model(A(10, 0, 0, 7), A(10, 0, 3, 250), 6000);
	run_against_model(A(172, 16, 0, 33), A(172, 16, 64, 31), 4000);
	run_against_model(A(10, 0, 0, 63), A(10, 0, 0, 64), 2000);
	run_against_model(UINT32_MAX - 4200, UINT32_MAX, 4000);
	run_against_model(0, 4200, 4000);
}

/* ------------------------------------------------- a /8 */

static size_t heap_in_use(void)
{
#if defined(ASAN)
	return __sanitizer_get_current_allocated_bytes();
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

static void test_slash8_works_and_memory_is_bounded(void **state)
{
	uint32_t first = A(10, 0, 0, 0), last = A(10, 255, 255, 255);
	size_t before = heap_in_use(), used;
	struct pool *p = pool_new(first, last);
	uint32_t got;

	(void)state;
	assert_non_null(p);
	used = heap_in_use() - before;
	if (before != 0 || used != 0) {
		/* n/8 for the addresses, n/8/63 for the levels above, and a little */
		assert_true(used >= (1u << 24) / 8);
		assert_true(used <= (1u << 24) / 8 + (1u << 24) / 8 / 63 + 4096);
	}
	assert_int_equal(pool_size(p), 1u << 24);
	assert_int_equal(find_take(p, 0), first);
	assert_int_equal(find_take(p, A(10, 200, 0, 1)), A(10, 200, 0, 1));
	for (uint32_t a = first; a <= last; a++)
		pool_take(p, a);
	assert_int_equal(pool_free_count(p), 0);
	assert_int_equal(pool_find(p, 0, &got), -ENOSPC);
	pool_release(p, A(10, 123, 45, 67));
	pool_release(p, first);
	pool_release(p, last);
	assert_int_equal(find_take(p, 0), A(10, 123, 45, 67));
	assert_int_equal(find_take(p, 0), last);
	assert_int_equal(find_take(p, 0), first);
	assert_int_equal(pool_find(p, 0, &got), -ENOSPC);
	pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_pool_finds_first),
		cmocka_unit_test(test_bad_range_is_null),
		cmocka_unit_test(test_pool_of_one_address),
		cmocka_unit_test(test_hint_honoured_when_free),
		cmocka_unit_test(test_hint_skipped_when_taken_or_outside),
		cmocka_unit_test(test_hint_does_not_move_the_cursor),
		cmocka_unit_test(test_rotation_reuses_released_address_last),
		cmocka_unit_test(test_find_without_take_moves_on),
		cmocka_unit_test(test_wraps_around_to_the_start),
		cmocka_unit_test(test_search_past_the_last_word_wraps),
		cmocka_unit_test(test_exhaustion_is_enospc),
		cmocka_unit_test(test_release_makes_it_findable),
		cmocka_unit_test(test_outside_addresses_ignored),
		cmocka_unit_test(test_edges_of_the_address_space),
		cmocka_unit_test(test_every_address_once_until_released),
		cmocka_unit_test(test_random_ops_match_model),
		cmocka_unit_test(test_random_ops_match_model_unaligned),
		cmocka_unit_test(test_slash8_works_and_memory_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
