/* Unit tests of tftpd/path.c: names cleaned up, and opens that stay inside
 * a scratch TFTP root however the name or the tree tries to leave it. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "daemon.h"
#include "path.h"

/* base/outside.txt sits next to the root, base/root/, which setup fills. */
static char base[] = "/tmp/test_path.XXXXXX";
static char rootdir[256];
static struct path_root root;

static char srv_tftp[] = "/srv/tftp";
static char srv_tftp_slash[] = "/srv/tftp//";
static char slash[] = "/";
static char relative[] = "tftp";

static void at(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static void make_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[512];
	int fd;

	at(path, sizeof path, dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void make_link(const char *target, const char *name)
{
	char path[512];

	at(path, sizeof path, rootdir, name);
	assert_int_equal(symlink(target, path), 0);
}

static void make_dir(const char *name, mode_t mode)
{
	char path[512];

	at(path, sizeof path, rootdir, name);
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	char path[512];

	if (!mkdtemp(base))
		return -1;
	at(rootdir, sizeof rootdir, base, "root");
	assert_int_equal(mkdir(rootdir, 0755), 0);
	make_file(base, "outside.txt", "outside", 0644);
	make_file(rootdir, "hello.txt", "hello", 0644);
	make_file(rootdir, "secret.txt", "secret", 0600);
	make_dir("sub", 0755);
	make_file(rootdir, "sub/inner.txt", "inner", 0644);
	make_dir("private", 0700);
	make_file(rootdir, "private/pub.txt", "pub", 0644);
	make_link("hello.txt", "link_in");
	make_link("sub/inner.txt", "link_sub");
	make_link("../hello.txt", "sub/link_up");
	at(path, sizeof path, rootdir, "hello.txt");
	make_link(path, "link_abs_in");
	at(path, sizeof path, base, "outside.txt");
	make_link(path, "link_out_abs");
	make_link("../outside.txt", "link_out_rel");
	make_link("sub/chain2", "chain1");
	make_link("../chain3", "sub/chain2");
	make_link("../outside.txt", "chain3");
	make_link("..", "dir_out");
	make_link("/proc/self/root/etc/passwd", "proc_link");
	at(path, sizeof path, rootdir, "fifo");
	assert_int_equal(mkfifo(path, 0666), 0);
	return path_root_open(&root, rootdir);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	path_root_close(&root);
	return nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* How many temporary files of write requests are in the root's dir. */
static int count_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, ".pxe-tftpd.", 11) == 0;
	closedir(d);
	return n;
}

static void read_all(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
}

static void file_text(const char *name, char *buf, size_t len)
{
	char path[512];
	int fd;

	at(path, sizeof path, rootdir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	read_all(fd, buf, len);
	close(fd);
}

static mode_t file_mode(const char *name)
{
	char path[512];
	struct stat st;

	at(path, sizeof path, rootdir, name);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static bool file_exists(const char *name)
{
	char path[512];
	struct stat st;

	at(path, sizeof path, rootdir, name);
	return lstat(path, &st) == 0;
}

static void norm_is(char *rpath, const char *name, const char *want)
{
	struct path_root r = { .dirfd = -1, .path = rpath };
	char out[PATH_NAME_MAX];

	assert_int_equal(path_normalize(&r, name, out, sizeof out), 0);
	assert_string_equal(out, want);
}

static void norm_refused(char *rpath, const char *name)
{
	struct path_root r = { .dirfd = -1, .path = rpath };
	char out[PATH_NAME_MAX];

	assert_int_equal(path_normalize(&r, name, out, sizeof out), -EACCES);
	assert_string_equal(out, "");
}

/* Expects the open to give fd with the file's text. */
static void read_is(const char *name, bool permissive, const char *want)
{
	struct stat st;
	char buf[64];
	int fd = path_open_read(&root, name, permissive, &st);

	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, strlen(want));
	read_all(fd, buf, sizeof buf);
	assert_string_equal(buf, want);
	close(fd);
}

static void read_fails(const char *name, bool permissive, int want)
{
	int fds = count_fds();
	struct stat st;

	assert_int_equal(path_open_read(&root, name, permissive, &st), want);
	assert_int_equal(count_fds(), fds);
}

static void test_normalize_strips_leading_slashes_and_folds(void **state)
{
	norm_is(srv_tftp, "pxelinux.0", "pxelinux.0");
	norm_is(srv_tftp, "/pxelinux.0", "pxelinux.0");
	norm_is(srv_tftp, "///pxelinux.0", "pxelinux.0");
	norm_is(srv_tftp, "a//b///c", "a/b/c");
	norm_is(srv_tftp, "./a/./b/.", "a/b");
	norm_is(srv_tftp, "/a/b/", "a/b");
	norm_is(NULL, "/x", "x");
}

static void test_normalize_strips_root_prefix(void **state)
{
	norm_is(srv_tftp, "/srv/tftp/pxelinux.0", "pxelinux.0");
	norm_is(srv_tftp, "/srv/tftp//boot/./x", "boot/x");
	norm_is(srv_tftp_slash, "/srv/tftp/pxelinux.0", "pxelinux.0");
	/* Only once, and only the whole root's path with a '/' after it. */
	norm_is(srv_tftp, "/srv/tftp/srv/tftp/x", "srv/tftp/x");
	norm_is(srv_tftp, "/srv/tftpboot/x", "srv/tftpboot/x");
	norm_is(srv_tftp, "/srv/tftp", "srv/tftp");
	norm_is(srv_tftp, "srv/tftp/x", "srv/tftp/x");
	norm_is(slash, "/srv/x", "srv/x");
	norm_is(relative, "tftp/x", "tftp/x");
}

static void test_normalize_refuses_dotdot_anywhere(void **state)
{
	norm_refused(srv_tftp, "..");
	norm_refused(srv_tftp, "../x");
	norm_refused(srv_tftp, "a/../b");
	norm_refused(srv_tftp, "a/..");
	norm_refused(srv_tftp, "a/..//");
	norm_refused(srv_tftp, "/../etc/passwd");
	norm_refused(srv_tftp, "/srv/tftp/../etc/passwd");
	norm_refused(srv_tftp, "./../x");
}

static void test_normalize_keeps_names_that_only_look_like_dotdot(void **state)
{
	norm_is(srv_tftp, "....//", "....");
	norm_is(srv_tftp, "...", "...");
	norm_is(srv_tftp, "..a/b..", "..a/b..");
	/* A backslash is an ordinary byte here; remap rules that turn it
	 * into '/' run before normalizing, which then sees the "..". */
	norm_is(srv_tftp, "..\\..\\etc\\passwd", "..\\..\\etc\\passwd");
}

static void test_normalize_refuses_empty_names(void **state)
{
	norm_refused(srv_tftp, "");
	norm_refused(srv_tftp, "/");
	norm_refused(srv_tftp, "///");
	norm_refused(srv_tftp, "./");
	norm_refused(srv_tftp, "/./.");
	norm_refused(srv_tftp, "/srv/tftp/");
}

static void test_normalize_refuses_control_characters(void **state)
{
	norm_refused(srv_tftp, "a\nb");
	norm_refused(srv_tftp, "pxelinux.0\r");
	norm_refused(srv_tftp, "\x01");
	norm_refused(srv_tftp, "a/\x1b[31m");
	norm_refused(srv_tftp, "a\x7f");
	norm_is(srv_tftp, "caf\xc3\xa9 file", "caf\xc3\xa9 file");
}

static void test_normalize_bounds_output(void **state)
{
	struct path_root r = { .dirfd = -1, .path = srv_tftp };
	char name[PATH_NAME_MAX * 2], out[8];

	assert_int_equal(path_normalize(&r, "/abcdefg", out, sizeof out), 0);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(path_normalize(&r, "abcdefgh", out, sizeof out), -EACCES);
	assert_string_equal(out, "");
	assert_int_equal(path_normalize(&r, "abc/defg", out, sizeof out), -EACCES);
	assert_int_equal(path_normalize(&r, "a", out, 0), -EACCES);
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	norm_refused(srv_tftp, name);
}

static void test_root_open_drops_trailing_slashes(void **state)
{
	struct path_root r;
	char path[512], name[512], out[PATH_NAME_MAX];

	snprintf(path, sizeof path, "%s//", rootdir);
	assert_int_equal(path_root_open(&r, path), 0);
	assert_string_equal(r.path, rootdir);
	at(name, sizeof name, rootdir, "hello.txt");
	assert_int_equal(path_normalize(&r, name, out, sizeof out), 0);
	assert_string_equal(out, "hello.txt");
	path_root_close(&r);
	assert_int_equal(r.dirfd, -1);
	assert_null(r.path);
}

static void test_root_open_reports_missing_and_not_a_directory(void **state)
{
	struct path_root r;
	char path[512];

	at(path, sizeof path, base, "nonexistent");
	assert_int_equal(path_root_open(&r, path), -ENOENT);
	assert_int_equal(r.dirfd, -1);
	at(path, sizeof path, base, "outside.txt");
	assert_int_equal(path_root_open(&r, path), -ENOTDIR);
}

static void test_read_regular_files(void **state)
{
	read_is("hello.txt", false, "hello");
	read_is("sub/inner.txt", false, "inner");
}

/* O_NONBLOCK may stay set: it does not change pread on a regular file. */
static void test_read_fd_is_close_on_exec_and_reads_whole_blocks(void **state)
{
	struct stat st;
	char buf[16];
	int fd = path_open_read(&root, "hello.txt", false, &st);

	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(pread(fd, buf, sizeof buf, 0), st.st_size);
	close(fd);
}

static void test_read_follows_symlinks_that_stay_inside(void **state)
{
	read_is("link_in", false, "hello");
	read_is("link_sub", false, "inner");
	read_is("sub/link_up", false, "hello");
}

static void test_read_refuses_symlinks_leading_outside(void **state)
{
	read_fails("link_out_abs", false, -EACCES);
	read_fails("link_out_rel", false, -EACCES);
	read_fails("chain1", false, -EACCES);
	read_fails("dir_out/outside.txt", false, -EACCES);
	read_fails("dir_out/root/hello.txt", false, -EACCES);
	read_fails("proc_link", false, -EACCES);
	/* RESOLVE_BENEATH refuses every absolute symlink, even one whose
	 * target is inside the root: such links need to be relative. */
	read_fails("link_abs_in", false, -EACCES);
}

static void test_read_refuses_names_not_normalized(void **state)
{
	read_fails("../outside.txt", false, -EACCES);
	read_fails("sub/../hello.txt", false, -EACCES);
	read_fails("/etc/passwd", false, -EACCES);
	read_fails("./hello.txt", false, -EACCES);
	read_fails("sub//inner.txt", false, -EACCES);
	read_fails("", false, -EACCES);
	read_fails("hello.txt\n", false, -EACCES);
}

static void test_read_refuses_a_directory(void **state)
{
	read_fails("sub", false, -EACCES);
	read_fails("sub", true, -EACCES);
}

static void test_read_refuses_a_fifo_without_blocking(void **state)
{
	/* A blocking open of a FIFO with no writer would hang here. */
	alarm(5);
	read_fails("fifo", false, -EACCES);
	read_fails("fifo", true, -EACCES);
	alarm(0);
}

/* The tests run as root, which mode bits do not stop: this is the
 * server's own check that refuses the file. */
static void test_read_world_unreadable_only_when_permissive(void **state)
{
	read_fails("secret.txt", false, -EACCES);
	read_is("secret.txt", true, "secret");
}

static void test_read_missing_is_enoent(void **state)
{
	char name[300];

	read_fails("missing", false, -ENOENT);
	read_fails("sub/missing", false, -ENOENT);
	read_fails("missing/x", false, -ENOENT);
	read_fails("hello.txt/x", false, -ENOENT);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	read_fails(name, false, -ENOENT);
}

static void test_read_refuses_temporary_files(void **state)
{
	char path[512];

	make_file(rootdir, ".pxe-tftpd.0123456789abcdef", "partial", 0644);
	read_fails(".pxe-tftpd.0123456789abcdef", true, -EACCES);
	at(path, sizeof path, rootdir, ".pxe-tftpd.0123456789abcdef");
	assert_int_equal(unlink(path), 0);
}

/* What the system denies the server's user is refused too; needs root to
 * become another user. */
static int denied_child(void *arg)
{
	struct stat st;

	CHECK(daemon_drop_privileges("nobody") == 0);
	CHECK(path_open_read(&root, "private/pub.txt", true, &st) == -EACCES);
	CHECK(path_open_read(&root, "hello.txt", false, &st) >= 0);
	return 0;
}

static void test_read_denied_by_system_is_eacces(void **state)
{
	need_root();
	assert_int_equal(run_child(denied_child, NULL), 0);
}

static void write_text(struct path_write *w, const char *text)
{
	assert_int_equal(write(w->fd, text, strlen(text)), (ssize_t)strlen(text));
}

static void test_write_creates_only_with_allow_create(void **state)
{
	struct path_write w;
	int fds = count_fds();
	char buf[64];

	assert_int_equal(path_open_write(&root, "new1.txt", false, false, 022, &w), -ENOENT);
	assert_int_equal(w.fd, -1);
	assert_int_equal(w.dirfd, -1);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_temps(rootdir), 0);

	assert_int_equal(path_open_write(&root, "new1.txt", true, false, 022, &w), 0);
	write_text(&w, "data");
	assert_int_equal(path_commit_write(&w), 0);
	file_text("new1.txt", buf, sizeof buf);
	assert_string_equal(buf, "data");
	assert_int_equal(count_temps(rootdir), 0);
	assert_int_equal(count_fds(), fds);
}

static void test_write_is_invisible_until_commit(void **state)
{
	struct path_write w;
	char buf[64];

	make_file(rootdir, "ww.txt", "old", 0666);
	assert_int_equal(path_open_write(&root, "new2.txt", true, false, 022, &w), 0);
	write_text(&w, "fresh");
	assert_false(file_exists("new2.txt"));
	/* an unnamed file (O_TMPFILE): not even a temporary name shows */
	assert_int_equal(count_temps(rootdir), 0);
	assert_int_equal(path_commit_write(&w), 0);
	assert_true(file_exists("new2.txt"));

	assert_int_equal(path_open_write(&root, "ww.txt", false, false, 022, &w), 0);
	write_text(&w, "replaced");
	file_text("ww.txt", buf, sizeof buf);
	assert_string_equal(buf, "old");
	assert_int_equal(path_commit_write(&w), 0);
	file_text("ww.txt", buf, sizeof buf);
	assert_string_equal(buf, "replaced");
	assert_int_equal(count_temps(rootdir), 0);
}

static void test_write_replaces_only_world_writable(void **state)
{
	struct path_write w;
	char buf[64];
	int fds = count_fds();

	make_file(rootdir, "ro.txt", "keep", 0644);
	assert_int_equal(path_open_write(&root, "ro.txt", true, false, 022, &w), -EACCES);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_temps(rootdir), 0);
	file_text("ro.txt", buf, sizeof buf);
	assert_string_equal(buf, "keep");

	assert_int_equal(path_open_write(&root, "ro.txt", false, true, 022, &w), 0);
	write_text(&w, "permissive");
	assert_int_equal(path_commit_write(&w), 0);
	file_text("ro.txt", buf, sizeof buf);
	assert_string_equal(buf, "permissive");
	assert_int_equal(file_mode("ro.txt"), 0644);
}

static void test_write_keeps_mode_but_drops_setid_bits(void **state)
{
	struct path_write w;

	make_file(rootdir, "suid.txt", "x", 06777);
	assert_int_equal(path_open_write(&root, "suid.txt", false, false, 022, &w), 0);
	assert_int_equal(path_commit_write(&w), 0);
	assert_int_equal(file_mode("suid.txt"), 0777);
}

static void test_write_applies_configured_umask_only(void **state)
{
	struct path_write w;
	mode_t old = umask(077);

	assert_int_equal(path_open_write(&root, "mask022.txt", true, false, 022, &w), 0);
	assert_int_equal(path_commit_write(&w), 0);
	assert_int_equal(path_open_write(&root, "mask0.txt", true, false, 0, &w), 0);
	assert_int_equal(path_commit_write(&w), 0);
	assert_int_equal(path_open_write(&root, "mask027.txt", true, false, 027, &w), 0);
	assert_int_equal(path_commit_write(&w), 0);
	umask(old);
	assert_int_equal(file_mode("mask022.txt"), 0644);
	assert_int_equal(file_mode("mask0.txt"), 0666);
	assert_int_equal(file_mode("mask027.txt"), 0640);
}

static void test_write_refuses_symlink_directory_and_fifo_targets(void **state)
{
	struct path_write w;
	char buf[64];
	int fds = count_fds();

	make_file(rootdir, "target.txt", "target", 0666);
	make_link("target.txt", "ww_link");
	assert_int_equal(path_open_write(&root, "ww_link", true, true, 022, &w), -EACCES);
	assert_int_equal(path_open_write(&root, "link_out_abs", true, true, 022, &w), -EACCES);
	assert_int_equal(path_open_write(&root, "sub", true, true, 022, &w), -EACCES);
	assert_int_equal(path_open_write(&root, "fifo", true, true, 022, &w), -EACCES);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_temps(rootdir), 0);
	file_text("target.txt", buf, sizeof buf);
	assert_string_equal(buf, "target");
}

static void test_write_stays_inside_the_root(void **state)
{
	struct path_write w;
	char name[300];
	int fds = count_fds();

	assert_int_equal(path_open_write(&root, "../escape.txt", true, true, 022, &w), -EACCES);
	assert_int_equal(path_open_write(&root, "/escape.txt", true, true, 022, &w), -EACCES);
	assert_int_equal(path_open_write(&root, "dir_out/escape.txt", true, true, 022, &w),
			 -EACCES);
	assert_int_equal(path_open_write(&root, "sub/../escape.txt", true, true, 022, &w),
			 -EACCES);
	assert_int_equal(path_open_write(&root, "missing/x.txt", true, true, 022, &w), -ENOENT);
	assert_int_equal(path_open_write(&root, ".pxe-tftpd.0000", true, true, 022, &w),
			 -EACCES);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(path_open_write(&root, name, true, true, 022, &w), -EACCES);
	assert_int_equal(count_fds(), fds);
	assert_false(file_exists("../escape.txt"));
}

static void test_write_into_subdirectory(void **state)
{
	struct path_write w;
	char buf[64];

	assert_int_equal(path_open_write(&root, "sub/up.txt", true, false, 022, &w), 0);
	write_text(&w, "up");
	assert_int_equal(path_commit_write(&w), 0);
	file_text("sub/up.txt", buf, sizeof buf);
	assert_string_equal(buf, "up");
	assert_int_equal(count_temps(rootdir), 0);
}

static void test_write_abort_leaves_nothing_behind(void **state)
{
	struct path_write w;
	char buf[64], sub[512];
	int fds = count_fds();

	assert_int_equal(path_open_write(&root, "aborted.txt", true, false, 022, &w), 0);
	write_text(&w, "partial");
	path_abort_write(&w);
	assert_false(file_exists("aborted.txt"));

	make_file(rootdir, "sub/kept.txt", "kept", 0666);
	assert_int_equal(path_open_write(&root, "sub/kept.txt", false, false, 022, &w), 0);
	write_text(&w, "partial");
	path_abort_write(&w);
	file_text("sub/kept.txt", buf, sizeof buf);
	assert_string_equal(buf, "kept");

	at(sub, sizeof sub, rootdir, "sub");
	assert_int_equal(count_temps(rootdir), 0);
	assert_int_equal(count_temps(sub), 0);
	assert_int_equal(count_fds(), fds);
	/* Twice, or after a commit, does nothing. */
	path_abort_write(&w);
	assert_int_equal(count_fds(), fds);
}

/* Without /proc the unnamed file could not be named at commit: the write
 * goes to a named temporary file, renamed into place. */
static int without_proc_child(void *arg)
{
	struct path_write w;

	(void)arg;
	CHECK(unshare(CLONE_NEWNS) == 0);
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	CHECK(mount("none", "/proc", "tmpfs", 0, NULL) == 0);
	CHECK(path_open_write(&root, "noproc.txt", false, false, 022, &w) == 0);
	CHECK(!w.unnamed && w.tmpname[0]);
	CHECK(faccessat(w.dirfd, w.tmpname, F_OK, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(write(w.fd, "new", 3) == 3);
	CHECK(path_commit_write(&w) == 0);
	return 0;
}

static void test_write_without_proc_uses_a_named_temporary_file(void **state)
{
	char buf[64];

	need_root();
	make_file(rootdir, "noproc.txt", "old", 0666);
	assert_int_equal(run_child(without_proc_child, NULL), 0);
	file_text("noproc.txt", buf, sizeof buf);
	assert_string_equal(buf, "new");
	assert_int_equal(count_temps(rootdir), 0);
}

static void test_commit_without_open_file_fails(void **state)
{
	struct path_write w;

	assert_int_equal(path_open_write(&root, "once.txt", true, false, 022, &w), 0);
	assert_int_equal(path_commit_write(&w), 0);
	assert_int_equal(path_commit_write(&w), -EBADF);
	assert_int_equal(w.fd, -1);
	assert_int_equal(w.dirfd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_strips_leading_slashes_and_folds),
		cmocka_unit_test(test_normalize_strips_root_prefix),
		cmocka_unit_test(test_normalize_refuses_dotdot_anywhere),
		cmocka_unit_test(test_normalize_keeps_names_that_only_look_like_dotdot),
		cmocka_unit_test(test_normalize_refuses_empty_names),
		cmocka_unit_test(test_normalize_refuses_control_characters),
		cmocka_unit_test(test_normalize_bounds_output),
		cmocka_unit_test(test_root_open_drops_trailing_slashes),
		cmocka_unit_test(test_root_open_reports_missing_and_not_a_directory),
		cmocka_unit_test(test_read_regular_files),
		cmocka_unit_test(test_read_fd_is_close_on_exec_and_reads_whole_blocks),
		cmocka_unit_test(test_read_follows_symlinks_that_stay_inside),
		cmocka_unit_test(test_read_refuses_symlinks_leading_outside),
		cmocka_unit_test(test_read_refuses_names_not_normalized),
		cmocka_unit_test(test_read_refuses_a_directory),
		cmocka_unit_test(test_read_refuses_a_fifo_without_blocking),
		cmocka_unit_test(test_read_world_unreadable_only_when_permissive),
		cmocka_unit_test(test_read_missing_is_enoent),
		cmocka_unit_test(test_read_refuses_temporary_files),
		cmocka_unit_test(test_read_denied_by_system_is_eacces),
		cmocka_unit_test(test_write_creates_only_with_allow_create),
		cmocka_unit_test(test_write_is_invisible_until_commit),
		cmocka_unit_test(test_write_replaces_only_world_writable),
		cmocka_unit_test(test_write_keeps_mode_but_drops_setid_bits),
		cmocka_unit_test(test_write_applies_configured_umask_only),
		cmocka_unit_test(test_write_refuses_symlink_directory_and_fifo_targets),
		cmocka_unit_test(test_write_stays_inside_the_root),
		cmocka_unit_test(test_write_into_subdirectory),
		cmocka_unit_test(test_write_abort_leaves_nothing_behind),
		cmocka_unit_test(test_write_without_proc_uses_a_named_temporary_file),
		cmocka_unit_test(test_commit_without_open_file_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
