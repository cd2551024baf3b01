/* Unit tests of nfsd/fh_cache.c: a remembered handle comes back only for
 * the same file (device, inode number, birth time) sealed for the same
 * export on the same mount, and never for a file that reuses an inode
 * number. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/sysmacros.h>

#include "fh_cache.h"

#define MNT 31

static struct statx file(uint64_t ino, int64_t born)
{
	struct statx st;

	memset(&st, 0, sizeof st);
	st.stx_mask = STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID;
	st.stx_dev_major = 8;
	st.stx_dev_minor = 1;
	st.stx_ino = ino;
	st.stx_btime.tv_sec = born;
	st.stx_btime.tv_nsec = 500;
	st.stx_mnt_id = MNT;
	return st;
}

static struct fh_cache_key key_of(const struct statx *st, uint32_t export_id)
{
	struct fh_cache_key k;

	assert_true(fh_cache_key(st, export_id, MNT, &k));
	return k;
}

static void put(const struct statx *st, uint32_t export_id, uint8_t fill, size_t len)
{
	struct fh_cache_key k = key_of(st, export_id);
	uint8_t fh[FH_MAX];

	memset(fh, fill, sizeof fh);
	fh_cache_put(&k, fh, len);
}

static size_t get(const struct statx *st, uint32_t export_id, uint8_t out[FH_MAX])
{
	struct fh_cache_key k = key_of(st, export_id);

	return fh_cache_get(&k, out);
}

static void test_a_kept_handle_comes_back_whole(void **state)
{
	struct statx st = file(1000, 1700000000);
	uint8_t out[FH_MAX], want[FH_MAX];

	(void)state;
	put(&st, 7, 0xab, 35);
	memset(want, 0xab, sizeof want);
	assert_int_equal(get(&st, 7, out), 35);
	assert_memory_equal(out, want, 35);
}

static void test_another_file_export_or_mount_misses(void **state)
{
	struct statx st = file(2000, 1700000000), other;
	struct fh_cache_key k;
	uint8_t out[FH_MAX];

	(void)state;
	put(&st, 7, 0x11, 31);
	assert_int_equal(get(&st, 8, out), 0);		/* another export */
	other = st;
	other.stx_dev_minor = 2;			/* another device */
	assert_int_equal(get(&other, 7, out), 0);
	other = st;
	other.stx_mnt_id = MNT + 1;			/* another mount than the view's */
	assert_false(fh_cache_key(&other, 7, MNT, &k));
	assert_true(fh_cache_key(&other, 7, MNT + 1, &k));
	assert_int_equal(fh_cache_get(&k, out), 0);
	assert_int_equal(get(&st, 7, out), 31);
}

static void test_an_inode_number_used_again_misses(void **state)
{
	struct statx old = file(3000, 1700000000), reborn = file(3000, 1700000000);
	uint8_t out[FH_MAX];

	(void)state;
	put(&old, 7, 0x22, 31);
	reborn.stx_btime.tv_nsec = 501;			/* born a nanosecond later */
	assert_int_equal(get(&reborn, 7, out), 0);
	reborn = file(3000, 1700000001);
	assert_int_equal(get(&reborn, 7, out), 0);
	/* and once it has its own handle, the old one is gone from the slot */
	put(&reborn, 7, 0x33, 31);
	assert_int_equal(get(&old, 7, out), 0);
	assert_int_equal(get(&reborn, 7, out), 31);
	assert_int_equal(out[0], 0x33);
}

static void test_files_without_a_birth_time_are_not_kept(void **state)
{
	struct statx st = file(4000, 0);
	struct fh_cache_key k;

	(void)state;
	st.stx_mask &= ~(unsigned)STATX_BTIME;
	assert_false(fh_cache_key(&st, 7, MNT, &k));
	st = file(4000, 0);
	st.stx_mask &= ~(unsigned)STATX_MNT_ID;
	assert_false(fh_cache_key(&st, 7, MNT, &k));
}

static void test_consecutive_inodes_keep_their_own_slots(void **state)
{
	uint8_t out[FH_MAX];

	(void)state;
	for (uint64_t i = 0; i < FH_CACHE_SLOTS; i++) {
		struct statx st = file(100000 + i, 1700000000);

		put(&st, 9, (uint8_t)i, 24 + i % 8);
	}
	for (uint64_t i = 0; i < FH_CACHE_SLOTS; i++) {
		struct statx st = file(100000 + i, 1700000000);

		assert_int_equal(get(&st, 9, out), 24 + i % 8);
		assert_int_equal(out[0], (uint8_t)i);
	}
}

static void test_empty_and_oversized_handles_are_not_kept(void **state)
{
	struct statx st = file(5000, 1700000000);
	uint8_t out[FH_MAX];

	(void)state;
	put(&st, 7, 0x44, 0);
	assert_int_equal(get(&st, 7, out), 0);
	put(&st, 7, 0x44, FH_CACHE_FH_MAX + 1);
	assert_int_equal(get(&st, 7, out), 0);
	put(&st, 7, 0x44, FH_CACHE_FH_MAX);
	assert_int_equal(get(&st, 7, out), FH_CACHE_FH_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_kept_handle_comes_back_whole),
		cmocka_unit_test(test_another_file_export_or_mount_misses),
		cmocka_unit_test(test_an_inode_number_used_again_misses),
		cmocka_unit_test(test_files_without_a_birth_time_are_not_kept),
		cmocka_unit_test(test_consecutive_inodes_keep_their_own_slots),
		cmocka_unit_test(test_empty_and_oversized_handles_are_not_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
