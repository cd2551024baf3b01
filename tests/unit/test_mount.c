/* Unit tests of nfsd/mount.c's mount list, what MOUNT DUMP reports: one
 * entry per client and directory, bounded, the oldest dropped first, and
 * UMNT and UMNTALL taking entries out. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mount.h"

static void test_a_mount_is_listed_once(void **state)
{
	struct mount_list l = { 0 };

	(void)state;
	assert_int_equal(mount_list_add(&l, "10.0.0.2", "/srv/a"), 0);
	assert_int_equal(mount_list_add(&l, "10.0.0.2", "/srv/a"), 0);
	assert_int_equal(mount_list_add(&l, "10.0.0.3", "/srv/a"), 0);
	assert_int_equal(mount_list_add(&l, "10.0.0.2", "/srv/b"), 0);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.entries[0].host, "10.0.0.2");
	assert_string_equal(l.entries[2].dir, "/srv/b");
	mount_list_free(&l);
}

static void test_umnt_removes_one_and_umntall_every_one_of_a_host(void **state)
{
	struct mount_list l = { 0 };

	(void)state;
	mount_list_add(&l, "h1", "/a");
	mount_list_add(&l, "h2", "/a");
	mount_list_add(&l, "h1", "/b");
	mount_list_add(&l, "h1", "/c");
	mount_list_remove(&l, "h1", "/b");
	assert_int_equal(l.count, 3);
	assert_string_equal(l.entries[2].dir, "/c");
	mount_list_remove(&l, "h1", "/nothing");
	assert_int_equal(l.count, 3);
	mount_list_remove(&l, "h1", NULL);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.entries[0].host, "h2");
	mount_list_free(&l);
	mount_list_remove(&l, "h2", NULL);	/* on an empty list */
	assert_int_equal(l.count, 0);
}

static void test_a_full_list_drops_the_oldest(void **state)
{
	struct mount_list l = { 0 };
	char host[32];

	(void)state;
	for (int i = 0; i < MOUNT_LIST_MAX + 10; i++) {
		snprintf(host, sizeof host, "10.0.%d.%d", i / 256, i % 256);
		assert_int_equal(mount_list_add(&l, host, "/srv"), 0);
	}
	assert_int_equal(l.count, MOUNT_LIST_MAX);
	assert_string_equal(l.entries[0].host, "10.0.0.10");
	snprintf(host, sizeof host, "10.0.%d.%d", (MOUNT_LIST_MAX + 9) / 256,
		 (MOUNT_LIST_MAX + 9) % 256);
	assert_string_equal(l.entries[MOUNT_LIST_MAX - 1].host, host);
	mount_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_mount_is_listed_once),
		cmocka_unit_test(test_umnt_removes_one_and_umntall_every_one_of_a_host),
		cmocka_unit_test(test_a_full_list_drops_the_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
