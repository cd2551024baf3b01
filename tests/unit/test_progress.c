/* Unit tests of common/progress.c: the ring each daemon records its
 * clients' progress into, and its reader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "progress.h"

struct fixture {
	char dir[64];
	char path[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	strcpy(f->dir, "/tmp/test_progress.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/run/pxe-test.progress", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	progress_close();
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static const char *run_dir(const struct fixture *f)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s/run", f->dir);
	return dir;
}

static void test_events_come_back_in_order_with_their_fields(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	size_t n;

	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	progress_note("ack", "10.0.0.5", "52:54:00:12:34:56", "pxelinux.0", "arch=%d", 0);
	progress_note("tftp-done", "10.0.0.5", NULL, "pxelinux.0", "bytes=%d", 42);
	assert_int_equal(progress_load(f->path, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_true(r[0].seq < r[1].seq);
	assert_string_equal(r[0].event, "ack");
	assert_string_equal(r[0].client, "10.0.0.5");
	assert_string_equal(r[0].mac, "52:54:00:12:34:56");
	assert_string_equal(r[0].subject, "pxelinux.0");
	assert_string_equal(r[0].note, "arch=0");
	assert_string_equal(r[1].mac, "");
	assert_string_equal(r[1].note, "bytes=42");
	assert_true(r[0].time_ms > 1600000000000LL);
	free(r);
}

static void test_the_ring_keeps_the_newest_slots(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	size_t n;

	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	for (int i = 1; i <= PROGRESS_SLOTS + 100; i++)
		progress_note("read", "10.0.0.9", NULL, NULL, "%d", i);
	assert_int_equal(progress_load(f->path, &r, &n), 0);
	assert_int_equal(n, PROGRESS_SLOTS);
	assert_string_equal(r[0].note, "101");
	assert_string_equal(r[n - 1].note, "4196");
	for (size_t i = 1; i < n; i++)
		assert_int_equal(r[i].seq, r[i - 1].seq + 1);
	free(r);
}

static void test_a_restart_continues_the_sequence(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	size_t n;

	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	progress_note("mount", "10.0.0.7", NULL, "/srv", "%s", "");
	progress_close();
	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	progress_note("read", "10.0.0.7", NULL, "/srv/ks.cfg", "%s", "");
	assert_int_equal(progress_load(f->path, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].event, "mount");
	assert_string_equal(r[1].event, "read");
	assert_int_equal(r[1].seq, r[0].seq + 1);
	free(r);
}

static void test_a_second_writer_is_refused(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	progress_close();
	fd = open(f->path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(progress_open(run_dir(f), "pxe-test"), -EBUSY);
	/* nothing is recorded then, and nothing breaks */
	progress_note("ack", "10.0.0.1", NULL, NULL, "x");
	close(fd);
}

static void test_client_text_is_escaped_and_cut(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	char longname[400];
	size_t n;

	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	progress_note("tftp-fail", "10.0.0.5", NULL, "evil\nname", "%s", "not found");
	progress_note("tftp-fail", "10.0.0.5", NULL, longname, "%s", longname);
	assert_int_equal(progress_load(f->path, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].subject, "evil\\x0aname");
	assert_string_equal(r[0].note, "not found");
	assert_int_equal(strlen(r[1].subject), sizeof r[1].subject - 1);
	assert_int_equal(strlen(r[1].note), sizeof r[1].note - 1);
	free(r);
}

static void test_a_stray_file_is_started_afresh(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	size_t n;
	FILE *fp;

	assert_int_equal(mkdir(run_dir(f), 0755), 0);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs("not a ring\n", fp);
	fclose(fp);
	assert_int_equal(progress_load(f->path, &r, &n), -EINVAL);
	assert_int_equal(progress_open(run_dir(f), "pxe-test"), 0);
	assert_int_equal(progress_load(f->path, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);
}

static void test_loading_a_missing_file_says_so(void **state)
{
	struct fixture *f = *state;
	struct progress_rec *r;
	size_t n;

	assert_int_equal(progress_load(f->path, &r, &n), -ENOENT);
	assert_null(r);
	assert_int_equal(n, 0);
}

static void test_a_directory_in_the_files_place_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(run_dir(f), 0755), 0);
	assert_int_equal(mkdir(f->path, 0755), 0);
	assert_true(progress_open(run_dir(f), "pxe-test") < 0);
	progress_note("ack", "10.0.0.1", NULL, NULL, "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_come_back_in_order_with_their_fields,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_ring_keeps_the_newest_slots, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_restart_continues_the_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_second_writer_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_text_is_escaped_and_cut, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_stray_file_is_started_afresh, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loading_a_missing_file_says_so, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_directory_in_the_files_place_is_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
