/* Unit tests of pxectl/install_args.c: NFS install sources in kernel
 * arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "install_args.h"

struct seen {
	struct install_source src[8];
	unsigned n;
};

static void found(void *arg, const struct install_source *src)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->src[s->n++] = *src;
}

static struct seen scan(const char *args)
{
	struct seen s = { .n = 0 };

	install_args_scan(args, found, &s);
	return s;
}

static void test_anaconda_ks_and_repo_with_options(void **state)
{
	struct seen s = scan("initrd=i.img inst.ks=nfs:nfsvers=3:10.0.0.1:/srv/ks/a.cfg quiet "
			     "inst.repo=nfs:10.0.0.1:/srv/tree");

	assert_int_equal(s.n, 2);
	assert_int_equal(s.src[0].kind, INSTALL_KICKSTART);
	assert_string_equal(s.src[0].host, "10.0.0.1");
	assert_string_equal(s.src[0].path, "/srv/ks/a.cfg");
	assert_int_equal(s.src[0].arglen, strlen("inst.ks=nfs:nfsvers=3:10.0.0.1:/srv/ks/a.cfg"));
	assert_int_equal(s.src[1].kind, INSTALL_REPO);
	assert_string_equal(s.src[1].path, "/srv/tree");
}

static void test_old_ks_and_method(void **state)
{
	struct seen s = scan("ks=nfs:server.lab:/ks.cfg method=nfs:10.1.1.1:/inst");

	assert_int_equal(s.n, 2);
	assert_string_equal(s.src[0].host, "server.lab");
	assert_string_equal(s.src[1].host, "10.1.1.1");
	assert_string_equal(s.src[1].path, "/inst");
}

static void test_nfsroot_with_and_without_server_and_options(void **state)
{
	struct seen s = scan("root=/dev/nfs nfsroot=10.0.0.1:/srv/root,vers=3,tcp "
			     "nfsroot=/srv/other");

	assert_int_equal(s.n, 2);
	assert_int_equal(s.src[0].kind, INSTALL_ROOT);
	assert_string_equal(s.src[0].host, "10.0.0.1");
	assert_string_equal(s.src[0].path, "/srv/root");
	assert_string_equal(s.src[1].host, "");
	assert_string_equal(s.src[1].path, "/srv/other");
}

static void test_dracut_root_drops_trailing_options(void **state)
{
	struct seen s = scan("root=nfs:10.0.0.1:/srv/root:ro,vers=3");

	assert_int_equal(s.n, 1);
	assert_string_equal(s.src[0].path, "/srv/root");
}

static void test_other_schemes_are_not_ours(void **state)
{
	struct seen s = scan("ks=http://x/ks.cfg inst.repo=cdrom root=LABEL=r ks=file:/ks.cfg");

	assert_int_equal(s.n, 0);
}

static void test_mangled_nfs_argument_comes_without_path(void **state)
{
	struct seen s = scan("ks=nfs:justahost");

	assert_int_equal(s.n, 1);
	assert_string_equal(s.src[0].path, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anaconda_ks_and_repo_with_options),
		cmocka_unit_test(test_old_ks_and_method),
		cmocka_unit_test(test_nfsroot_with_and_without_server_and_options),
		cmocka_unit_test(test_dracut_root_drops_trailing_options),
		cmocka_unit_test(test_other_schemes_are_not_ours),
		cmocka_unit_test(test_mangled_nfs_argument_comes_without_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
