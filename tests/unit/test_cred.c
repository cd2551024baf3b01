/* Unit tests of nfsd/cred.c: the caller's identity from AUTH_SYS and
 * AUTH_NONE, squashing by export options, and (as root) permission checks
 * made as the caller, with the process's own ids restored after each. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"

static struct export_opts opts(const char *list)
{
	struct export_opts o;
	char err[256];

	export_opts_init(&o);
	assert_int_equal(export_opts_parse(list, &o, err, sizeof err), 0);
	return o;
}

static struct cred sys_cred(uint32_t uid, uint32_t gid, unsigned n, const uint32_t *gids)
{
	struct cred c = { .uid = uid, .gid = gid, .ngids = n };

	for (unsigned i = 0; i < n; i++)
		c.gids[i] = gids[i];
	return c;
}

/* ---------------------------------------------------------------- from the request */

static void test_auth_sys_gives_the_ids_sent(void **state)
{
	gid_t gids[3] = { 10, 0, 20 };
	struct authunix_parms au = { .aup_uid = 1000, .aup_gid = 100, .aup_len = 3,
				     .aup_gids = gids };
	struct svc_req rq = { .rq_cred = { .oa_flavor = AUTH_SYS }, .rq_clntcred = (caddr_t)&au };
	struct cred c;
	unsigned flavor;

	(void)state;
	cred_from_request(&rq, &c, &flavor);
	assert_int_equal(flavor, EXPORT_SEC_SYS);
	assert_int_equal(c.uid, 1000);
	assert_int_equal(c.gid, 100);
	assert_int_equal(c.ngids, 3);
	assert_int_equal(c.gids[1], 0);
	assert_int_equal(c.gids[2], 20);
}

static void test_auth_none_is_anonymous_and_other_flavours_are_refused(void **state)
{
	struct svc_req rq = { .rq_cred = { .oa_flavor = AUTH_NONE } };
	gid_t gids[17] = { 0 };
	struct authunix_parms au = { .aup_len = 17, .aup_gids = gids };
	struct cred c;
	unsigned flavor;

	(void)state;
	cred_from_request(&rq, &c, &flavor);
	assert_int_equal(flavor, EXPORT_SEC_NONE);
	assert_int_equal(c.uid, EXPORT_ANON_ID);
	assert_int_equal(c.ngids, 0);
	rq.rq_cred.oa_flavor = AUTH_DH;
	cred_from_request(&rq, &c, &flavor);
	assert_int_equal(flavor, 0);
	/* more gids than AUTH_SYS allows: never trusted, even if decoded */
	rq.rq_cred.oa_flavor = AUTH_SYS;
	rq.rq_clntcred = (caddr_t)&au;
	cred_from_request(&rq, &c, &flavor);
	assert_int_equal(flavor, 0);
	assert_int_equal(c.ngids, 0);
}

/* ---------------------------------------------------------------- squashing */

static void test_root_squash_maps_every_zero_id(void **state)
{
	const uint32_t gids[3] = { 0, 5, 0 };
	struct export_opts o = opts("anonuid=77,anongid=88");
	struct cred c = sys_cred(0, 0, 3, gids);

	(void)state;
	cred_squash(&c, EXPORT_SEC_SYS, &o);
	assert_int_equal(c.uid, 77);
	assert_int_equal(c.gid, 88);
	assert_int_equal(c.ngids, 3);
	assert_int_equal(c.gids[0], 88);
	assert_int_equal(c.gids[1], 5);
	assert_int_equal(c.gids[2], 88);
}

static void test_root_squash_leaves_other_ids_and_no_root_squash_leaves_root(void **state)
{
	const uint32_t gids[1] = { 0 }, seven[1] = { 7 };
	struct export_opts o = opts("");
	struct cred c = sys_cred(1000, 1000, 1, seven);

	(void)state;
	cred_squash(&c, EXPORT_SEC_SYS, &o);
	assert_int_equal(c.uid, 1000);
	assert_int_equal(c.gids[0], 7);
	o = opts("no_root_squash");
	c = sys_cred(0, 0, 1, gids);
	cred_squash(&c, EXPORT_SEC_SYS, &o);
	assert_int_equal(c.uid, 0);
	assert_int_equal(c.gid, 0);
	assert_int_equal(c.gids[0], 0);
}

static void test_all_squash_and_auth_none_drop_every_group(void **state)
{
	const uint32_t gids[2] = { 3, 4 };
	struct export_opts o = opts("all_squash,anonuid=5,anongid=6");
	struct cred c = sys_cred(1000, 1000, 2, gids);

	(void)state;
	cred_squash(&c, EXPORT_SEC_SYS, &o);
	assert_int_equal(c.uid, 5);
	assert_int_equal(c.gid, 6);
	assert_int_equal(c.ngids, 0);
	o = opts("no_root_squash,anonuid=9,anongid=9");
	c = sys_cred(0, 0, 2, gids);
	cred_squash(&c, EXPORT_SEC_NONE, &o);
	assert_int_equal(c.uid, 9);
	assert_int_equal(c.ngids, 0);
}

/* ---------------------------------------------------------------- checks, as root */

static char dir[PATH_MAX];

static int make_file(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fchown(fd, uid, gid), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void remove_file(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static void test_access_is_decided_as_the_caller(void **state)
{
	const uint32_t g2000[1] = { 2000 };
	struct cred owner = sys_cred(1000, 1000, 0, NULL), other = sys_cred(1001, 1001, 0, NULL);
	struct cred member = sys_cred(1002, 1002, 1, g2000), root = sys_cred(0, 0, 0, NULL);
	int mine, grp;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof dir, "/tmp/test_cred.XXXXXX");
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	mine = make_file("mine", 0600, 1000, 1000);
	grp = make_file("grp", 0640, 0, 2000);
	assert_int_equal(cred_access(&owner, mine, R_OK), 0);
	assert_int_equal(cred_access(&owner, mine, W_OK), 0);
	assert_int_equal(cred_access(&owner, mine, X_OK), -EACCES);
	assert_int_equal(cred_access(&other, mine, R_OK), -EACCES);
	assert_int_equal(cred_access(&member, grp, R_OK), 0);
	assert_int_equal(cred_access(&member, grp, W_OK), -EACCES);
	assert_int_equal(cred_access(&other, grp, R_OK), -EACCES);
	/* the groups of the call before do not linger */
	assert_int_equal(cred_access(&owner, grp, R_OK), -EACCES);
	assert_int_equal(cred_access(&root, mine, R_OK), 0);
	/* the process is itself again after each check */
	assert_int_equal(setfsuid((uid_t)-1), 0);
	close(mine);
	close(grp);
	remove_file("mine");
	remove_file("grp");
	rmdir(dir);
}

static void test_files_made_as_a_caller_are_its_own(void **state)
{
	struct cred owner = sys_cred(1000, 1000, 0, NULL), other = sys_cred(1001, 1001, 0, NULL);
	struct stat st;
	int dfd, fd, ro;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof dir, "/tmp/test_cred.XXXXXX");
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0777);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	assert_int_equal(cred_enter(&owner, 0), 0);
	fd = openat(dfd, "new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	cred_leave();
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1000);
	close(fd);
	assert_int_equal(setfsuid((uid_t)-1), 0);
	/* read-only to everyone: its owner writes it only with the override */
	ro = openat(dfd, "new", O_PATH | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_int_equal(cred_enter(&owner, 0), 0);
	fd = openat(dfd, "new", O_WRONLY | O_CLOEXEC);
	cred_leave();
	assert_int_equal(fd, -1);
	assert_int_equal(cred_enter(&owner, CRED_OWNER_OVERRIDE), 0);
	fd = openat(dfd, "new", O_WRONLY | O_CLOEXEC);
	cred_leave();
	assert_true(fd >= 0);
	close(fd);
	/* and after the override, a caller has no more rights than its own */
	assert_int_equal(cred_access(&other, ro, W_OK), -EACCES);
	close(ro);
	unlinkat(dfd, "new", 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_sys_gives_the_ids_sent),
		cmocka_unit_test(test_auth_none_is_anonymous_and_other_flavours_are_refused),
		cmocka_unit_test(test_root_squash_maps_every_zero_id),
		cmocka_unit_test(test_root_squash_leaves_other_ids_and_no_root_squash_leaves_root),
		cmocka_unit_test(test_all_squash_and_auth_none_drop_every_group),
		cmocka_unit_test(test_access_is_decided_as_the_caller),
		cmocka_unit_test(test_files_made_as_a_caller_are_its_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
