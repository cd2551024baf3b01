/* Unit tests of the policy of pxe-nfsd's modifying NFS v3 procedures: which
 * names they take, how an EXCLUSIVE CREATE's verifier is kept and
 * recognized, wcc_attr, what each stable_how leads to, the write verifier. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "nfs3.h"

/* ---------------------------------------------------------------- names */

static void test_plain_names_pass_both_ways(void **state)
{
	char longest[NAME_MAX + 1];

	(void)state;
	memset(longest, 'x', NAME_MAX);
	longest[NAME_MAX] = '\0';
	assert_int_equal(nfs3_name_check("file.txt", NFS3_NAME_NEW), NFS3_OK);
	assert_int_equal(nfs3_name_check("...", NFS3_NAME_NEW), NFS3_OK);
	assert_int_equal(nfs3_name_check(".hidden", NFS3_NAME_OLD), NFS3_OK);
	assert_int_equal(nfs3_name_check(longest, NFS3_NAME_NEW), NFS3_OK);
}

static void test_names_that_leave_the_directory_are_invalid(void **state)
{
	(void)state;
	for (int use = NFS3_NAME_NEW; use <= NFS3_NAME_OLD; use++) {
		assert_int_equal(nfs3_name_check("", use), NFS3ERR_INVAL);
		assert_int_equal(nfs3_name_check("a/b", use), NFS3ERR_INVAL);
		assert_int_equal(nfs3_name_check("../x", use), NFS3ERR_INVAL);
		assert_int_equal(nfs3_name_check("/", use), NFS3ERR_INVAL);
		assert_int_equal(nfs3_name_check("x/", use), NFS3ERR_INVAL);
	}
}

static void test_dot_names_exist_as_new_names_and_are_invalid_as_old_ones(void **state)
{
	(void)state;
	assert_int_equal(nfs3_name_check(".", NFS3_NAME_NEW), NFS3ERR_EXIST);
	assert_int_equal(nfs3_name_check("..", NFS3_NAME_NEW), NFS3ERR_EXIST);
	assert_int_equal(nfs3_name_check(".", NFS3_NAME_OLD), NFS3ERR_INVAL);
	assert_int_equal(nfs3_name_check("..", NFS3_NAME_OLD), NFS3ERR_INVAL);
}

static void test_a_name_past_name_max_is_too_long(void **state)
{
	char name[NAME_MAX + 2];

	(void)state;
	memset(name, 'x', NAME_MAX + 1);
	name[NAME_MAX + 1] = '\0';
	assert_int_equal(nfs3_name_check(name, NFS3_NAME_NEW), NFS3ERR_NAMETOOLONG);
	assert_int_equal(nfs3_name_check(name, NFS3_NAME_OLD), NFS3ERR_NAMETOOLONG);
}

/* ---------------------------------------------------------------- EXCLUSIVE */

static void excl_file(const createverf3 verf, struct statx *st)
{
	struct timespec ts[2];

	nfs3_excl_times(verf, ts);
	memset(st, 0, sizeof *st);
	st->stx_mode = S_IFREG | 0600;
	st->stx_atime.tv_sec = ts[0].tv_sec;
	st->stx_mtime.tv_sec = ts[1].tv_sec;
}

static void test_exclusive_verifier_goes_into_31_bit_times(void **state)
{
	const createverf3 verf = { '\x81', '\x02', '\x03', '\x04', '\xff', '\xfe', '\xfd', '\xfc' };
	struct timespec ts[2];

	(void)state;
	nfs3_excl_times(verf, ts);
	assert_int_equal(ts[1].tv_sec, 0x01020304);	/* mtime: the first word */
	assert_int_equal(ts[0].tv_sec, 0x7ffefdfc);	/* atime: the second */
	assert_int_equal(ts[0].tv_nsec, 0);
	assert_int_equal(ts[1].tv_nsec, 0);
}

static void test_exclusive_retransmission_matches_and_another_verifier_does_not(void **state)
{
	const createverf3 verf = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const createverf3 other = { 1, 2, 3, 4, 5, 6, 7, 9 };
	struct statx st;

	(void)state;
	excl_file(verf, &st);
	assert_true(nfs3_excl_matches(verf, &st));
	assert_false(nfs3_excl_matches(other, &st));
	/* written to since, or not a regular file: another file */
	st.stx_size = 1;
	assert_false(nfs3_excl_matches(verf, &st));
	excl_file(verf, &st);
	st.stx_mode = S_IFDIR | 0755;
	assert_false(nfs3_excl_matches(verf, &st));
	/* its times set for real by the SETATTR that follows */
	excl_file(verf, &st);
	st.stx_mtime.tv_sec += 1;
	assert_false(nfs3_excl_matches(verf, &st));
}

/* ---------------------------------------------------------------- wcc */

static void test_wcc_attr_carries_size_mtime_and_ctime(void **state)
{
	struct statx st;
	wcc_attr w;

	(void)state;
	memset(&st, 0, sizeof st);
	st.stx_size = 1ull << 40;
	st.stx_mtime = (struct statx_timestamp){ .tv_sec = 1700000000, .tv_nsec = 123 };
	st.stx_ctime = (struct statx_timestamp){ .tv_sec = -5, .tv_nsec = 9 };
	nfs3_wcc_attr(&st, &w);
	assert_true(w.size == 1ull << 40);
	assert_int_equal(w.mtime.seconds, 1700000000);
	assert_int_equal(w.mtime.nseconds, 123);
	assert_int_equal(w.ctime.seconds, 0);		/* before 1970: clamped */
}

/* ---------------------------------------------------------------- stable_how */

static void test_stable_how_on_a_sync_export(void **state)
{
	stable_how committed;

	(void)state;
	assert_int_equal(nfs3_write_sync(UNSTABLE, false, &committed), NFS3_SYNC_NONE);
	assert_int_equal(committed, UNSTABLE);
	assert_int_equal(nfs3_write_sync(DATA_SYNC, false, &committed), NFS3_SYNC_DATA);
	assert_int_equal(committed, DATA_SYNC);
	assert_int_equal(nfs3_write_sync(FILE_SYNC, false, &committed), NFS3_SYNC_FILE);
	assert_int_equal(committed, FILE_SYNC);
}

static void test_stable_how_on_an_async_export_syncs_nothing(void **state)
{
	stable_how committed;

	(void)state;
	assert_int_equal(nfs3_write_sync(UNSTABLE, true, &committed), NFS3_SYNC_NONE);
	assert_int_equal(committed, UNSTABLE);
	assert_int_equal(nfs3_write_sync(FILE_SYNC, true, &committed), NFS3_SYNC_NONE);
	assert_int_equal(committed, FILE_SYNC);
}

static void test_stable_how_outside_the_rfc_is_refused(void **state)
{
	stable_how committed;

	(void)state;
	assert_int_equal(nfs3_write_sync((stable_how)3, false, &committed), -1);
	assert_int_equal(nfs3_write_sync((stable_how)-1, true, &committed), -1);
}

static void test_the_write_verifier_stays_the_same_in_one_run(void **state)
{
	static const writeverf3 zero;
	writeverf3 a, b;

	(void)state;
	nfs3_write_verifier(a);
	nfs3_write_verifier(b);
	assert_memory_equal(a, b, NFS3_WRITEVERFSIZE);
	assert_memory_not_equal(a, zero, NFS3_WRITEVERFSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names_pass_both_ways),
		cmocka_unit_test(test_names_that_leave_the_directory_are_invalid),
		cmocka_unit_test(test_dot_names_exist_as_new_names_and_are_invalid_as_old_ones),
		cmocka_unit_test(test_a_name_past_name_max_is_too_long),
		cmocka_unit_test(test_exclusive_verifier_goes_into_31_bit_times),
		cmocka_unit_test(test_exclusive_retransmission_matches_and_another_verifier_does_not),
		cmocka_unit_test(test_wcc_attr_carries_size_mtime_and_ctime),
		cmocka_unit_test(test_stable_how_on_a_sync_export),
		cmocka_unit_test(test_stable_how_on_an_async_export_syncs_nothing),
		cmocka_unit_test(test_stable_how_outside_the_rfc_is_refused),
		cmocka_unit_test(test_the_write_verifier_stays_the_same_in_one_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
