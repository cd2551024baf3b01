/* Unit tests of nfsd/fh.c and fh_key.c: the handle layout and its seal, the
 * key file, and handles of real files on the filesystem of TMPDIR (/tmp by
 * default) and, as root, on a tmpfs in a private mount namespace. */
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
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "child.h"
#include "fh.h"

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif

static char dir[PATH_MAX];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/test_fh.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------------------------------------------------------- helpers */

static struct fh_key key_of(uint8_t seed)
{
	struct fh_key k;

	for (size_t i = 0; i < FH_KEY_LEN; i++)
		k.bytes[i] = (uint8_t)(seed + i);
	return k;
}

static struct fh fh_of(uint32_t export_id, uint8_t type, uint8_t len, uint8_t seed)
{
	struct fh fh;

	memset(&fh, 0, sizeof fh);
	fh.export_id = export_id;
	fh.type = type;
	fh.len = len;
	for (size_t i = 0; i < len; i++)
		fh.handle[i] = (uint8_t)(seed + 7 * i);
	return fh;
}

static void assert_same_fh(const struct fh *a, const struct fh *b)
{
	assert_int_equal(a->export_id, b->export_id);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->handle, b->handle, a->len);
}

static void assert_rejected(const struct fh_key *key, const uint8_t *wire, size_t len)
{
	static const struct fh zero;
	struct fh out;

	memset(&out, 0xa5, sizeof out);
	assert_int_equal(fh_decode(key, wire, len, &out), -EBADMSG);
	assert_memory_equal(&out, &zero, sizeof out);
}

/* Seals raw bytes the way the layout says, so a test can make a handle that
 * is wrong in one field yet carries a good MAC. */
static size_t seal(const struct fh_key *key, uint8_t *buf, size_t len)
{
	static const unsigned char personal[crypto_generichash_blake2b_PERSONALBYTES] =
		"pxe-nfsd fh v1";

	assert_int_equal(crypto_generichash_blake2b_salt_personal(buf + len, FH_MAC_LEN, buf,
		len, key->bytes, FH_KEY_LEN, NULL, personal), 0);
	return len + FH_MAC_LEN;
}

static void in_dir(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static void spew(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Names in dir, other than . and .., joined by spaces. */
static void list_dir(const char *path, char *out, size_t len)
{
	DIR *d = opendir(path);
	struct dirent *de;

	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 out[0] ? " " : "", de->d_name);
	closedir(d);
}

/* fn(arg) in a forked process, for code that runs in a child already (where
 * run_child's cmocka asserts cannot be used): its exit status. */
static int in_process(int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---------------------------------------------------------------- layout and seal */

static void test_pack_decode_round_trips_every_length_and_type(void **state)
{
	static const uint8_t types[] = { 0, 1, 2, 77, 129, 248, 254 };
	static const uint32_t exports[] = { 0, 1, 0x80000000u, 0xdeadbeefu, UINT32_MAX };
	struct fh_key key = key_of(1);
	uint8_t wire[FH_MAX];
	struct fh in, out;
	size_t len;

	(void)state;
	for (uint8_t n = 1; n <= FH_FS_MAX; n++)
		for (size_t t = 0; t < sizeof types; t++)
			for (size_t e = 0; e < sizeof exports / sizeof exports[0]; e++) {
				in = fh_of(exports[e], types[t], n, (uint8_t)(n + t));
				assert_int_equal(fh_pack(&key, &in, wire, &len), 0);
				assert_int_equal(len, FH_HEAD_LEN + n + FH_MAC_LEN);
				assert_true(len <= FH_MAX);
				assert_int_equal(fh_decode(&key, wire, len, &out), 0);
				assert_same_fh(&in, &out);
			}
}

static void test_layout_is_version_export_type_length_bytes_mac(void **state)
{
	/* Pinned: a change here strands every handle clients hold.  The MAC was
	 * computed apart, with Python's hashlib.blake2b(key=, digest_size=16,
	 * person=b"pxe-nfsd fh v1"). */
	static const uint8_t want[] = {
		0x01, 0x01, 0x02, 0x03, 0x04, 0x01, 0x08,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa1, 0x08, 0xbf, 0xba, 0x5d, 0xfe, 0xe6, 0x78,
		0x7c, 0x23, 0x39, 0xd5, 0x0a, 0xcd, 0x13, 0x78,
	};
	struct fh_key key = key_of(0);
	struct fh fh;
	uint8_t wire[FH_MAX];
	size_t len;

	(void)state;
	memset(&fh, 0, sizeof fh);
	fh.export_id = 0x01020304;
	fh.type = 1;
	fh.len = 8;
	for (uint8_t i = 0; i < 8; i++)
		fh.handle[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(fh_pack(&key, &fh, wire, &len), 0);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(wire, want, sizeof want);
	/* the worst case fits RFC 1813's 64 bytes */
	assert_int_equal(FH_HEAD_LEN + FH_FS_MAX + FH_MAC_LEN, 64);
}

static void test_every_bit_flip_is_rejected(void **state)
{
	static const uint8_t lens[] = { 1, 8, 12, 20, 32, FH_FS_MAX };
	struct fh_key key = key_of(2);
	uint8_t wire[FH_MAX];
	struct fh fh;
	size_t len;

	(void)state;
	for (size_t l = 0; l < sizeof lens; l++) {
		fh = fh_of(42, 1, lens[l], 9);
		assert_int_equal(fh_pack(&key, &fh, wire, &len), 0);
		for (size_t bit = 0; bit < len * 8; bit++) {
			wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_rejected(&key, wire, len);
			wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		assert_int_equal(fh_decode(&key, wire, len, &fh), 0);
	}
}

static void test_truncated_and_extended_handles_are_rejected(void **state)
{
	struct fh_key key = key_of(3);
	uint8_t wire[FH_MAX + 64], copy[FH_MAX + 64];
	struct fh fh = fh_of(7, 1, 12, 1);
	size_t len;

	(void)state;
	assert_int_equal(fh_pack(&key, &fh, wire, &len), 0);
	assert_rejected(&key, NULL, 0);
	for (size_t n = 0; n < len; n++) {
		memcpy(copy, wire, n);		/* an exact-size view for ASan */
		assert_rejected(&key, copy, n);
	}
	for (size_t n = len + 1; n <= sizeof wire; n++) {
		memcpy(copy, wire, len);
		memset(copy + len, 0, n - len);
		assert_rejected(&key, copy, n);
		randombytes_buf(copy + len, n - len);
		assert_rejected(&key, copy, n);
		/* the length byte told the truth about the longer handle */
		copy[6] = (uint8_t)(12 + n - len);
		assert_rejected(&key, copy, n);
	}
}

static void test_handle_sealed_with_another_key_is_rejected(void **state)
{
	struct fh_key key = key_of(4), other = key_of(5);
	struct fh fh = fh_of(1, 1, 8, 3);
	uint8_t wire[FH_MAX];
	size_t len;

	(void)state;
	assert_int_equal(fh_pack(&key, &fh, wire, &len), 0);
	assert_rejected(&other, wire, len);
	other = key;
	other.bytes[FH_KEY_LEN - 1] ^= 1;
	assert_rejected(&other, wire, len);
	assert_int_equal(fh_decode(&key, wire, len, &fh), 0);
}

/* A client holding handles of two exports cannot move a file to the other
 * export by editing the id, nor by splicing the MACs it has seen. */
static void test_export_id_cannot_be_changed(void **state)
{
	struct fh_key key = key_of(6);
	struct fh one = fh_of(1, 1, 8, 5), two = fh_of(2, 1, 8, 5), out;
	uint8_t w1[FH_MAX], w2[FH_MAX], forged[FH_MAX];
	size_t l1, l2;

	(void)state;
	assert_int_equal(fh_pack(&key, &one, w1, &l1), 0);
	assert_int_equal(fh_pack(&key, &two, w2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_not_equal(w1 + l1 - FH_MAC_LEN, w2 + l2 - FH_MAC_LEN, FH_MAC_LEN);

	memcpy(forged, w1, l1);
	forged[4] = 2;				/* export id 1 -> 2, MAC of 1 */
	assert_memory_equal(forged, w2, l1 - FH_MAC_LEN);
	assert_rejected(&key, forged, l1);

	memcpy(forged, w2, l2 - FH_MAC_LEN);	/* export 2's body, export 1's MAC */
	memcpy(forged + l2 - FH_MAC_LEN, w1 + l1 - FH_MAC_LEN, FH_MAC_LEN);
	assert_rejected(&key, forged, l2);

	assert_int_equal(fh_decode(&key, w2, l2, &out), 0);
	assert_int_equal(out.export_id, 2);
	assert_int_equal(fh_decode(&key, w1, l1, &out), 0);
	assert_int_equal(out.export_id, 1);
}

/* Even with a good MAC: only version 1, only f_handle lengths 1..41, never
 * FILEID_INVALID. */
static void test_decode_refuses_bad_fields_under_a_good_mac(void **state)
{
	struct fh_key key = key_of(7);
	uint8_t buf[FH_MAX + 16];
	struct fh out;
	size_t len;

	(void)state;
	memset(buf, 0x33, sizeof buf);
	buf[0] = 1; buf[5] = 1; buf[6] = 8;
	len = seal(&key, buf, FH_HEAD_LEN + 8);
	assert_int_equal(fh_decode(&key, buf, len, &out), 0);	/* the control */

	buf[0] = 2;
	assert_rejected(&key, buf, seal(&key, buf, FH_HEAD_LEN + 8));
	buf[0] = 0;
	assert_rejected(&key, buf, seal(&key, buf, FH_HEAD_LEN + 8));
	buf[0] = 1;
	buf[5] = 255;
	assert_rejected(&key, buf, seal(&key, buf, FH_HEAD_LEN + 8));
	buf[5] = 1;
	buf[6] = 0;
	assert_rejected(&key, buf, seal(&key, buf, FH_HEAD_LEN));
	buf[6] = FH_FS_MAX + 1;
	memset(buf + FH_HEAD_LEN, 0x33, FH_FS_MAX + 1);
	assert_rejected(&key, buf, seal(&key, buf, FH_HEAD_LEN + FH_FS_MAX + 1));
}

static void test_pack_refuses_what_a_handle_cannot_hold(void **state)
{
	struct fh_key key = key_of(8);
	uint8_t wire[FH_MAX];
	struct fh fh = fh_of(1, 1, 0, 0);
	size_t len = 99;

	(void)state;
	assert_int_equal(fh_pack(&key, &fh, wire, &len), -EOVERFLOW);
	assert_int_equal(len, 0);
	fh.len = FH_FS_MAX + 1;
	assert_int_equal(fh_pack(&key, &fh, wire, &len), -EOVERFLOW);
	fh.len = 255;
	assert_int_equal(fh_pack(&key, &fh, wire, &len), -EOVERFLOW);
	fh = fh_of(1, 255, 8, 0);
	assert_int_equal(fh_pack(&key, &fh, wire, &len), -EINVAL);
	assert_int_equal(len, 0);
}

/* ---------------------------------------------------------------- the key file */

static void test_key_is_made_once_whole_and_private(void **state)
{
	struct fh_key key, again;
	char path[PATH_MAX], names[256], err[512];
	uint8_t disk[FH_KEY_LEN + 1];
	struct stat st, st2;
	int fd;

	(void)state;
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), 0);
	in_dir(path, sizeof path, FH_KEY_FILE);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, FH_KEY_LEN);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, disk, sizeof disk), FH_KEY_LEN);
	close(fd);
	assert_memory_equal(disk, key.bytes, FH_KEY_LEN);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, FH_KEY_FILE);	/* no temp file left */

	/* every later start loads it and leaves the file alone */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fh_key_load(dir, &again, err, sizeof err), 0);
		assert_memory_equal(again.bytes, key.bytes, FH_KEY_LEN);
	}
	assert_int_equal(lstat(path, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	assert_true(st2.st_mtim.tv_sec == st.st_mtim.tv_sec &&
		    st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
}

static void test_two_state_dirs_get_different_keys(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], err[512];
	struct fh_key ka, kb;

	(void)state;
	in_dir(a, sizeof a, "a");
	in_dir(b, sizeof b, "b");
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	assert_int_equal(fh_key_load(a, &ka, err, sizeof err), 0);
	assert_int_equal(fh_key_load(b, &kb, err, sizeof err), 0);
	assert_memory_not_equal(ka.bytes, kb.bytes, FH_KEY_LEN);
}

static void test_key_open_to_group_or_others_is_refused(void **state)
{
	static const mode_t modes[] = { 0640, 0604, 0620, 0602, 0610, 0601, 0666 };
	char path[PATH_MAX], err[512], want[64];
	uint8_t bytes[FH_KEY_LEN];
	struct fh_key key, zero;

	(void)state;
	memset(bytes, 0x5a, sizeof bytes);
	memset(&zero, 0, sizeof zero);
	in_dir(path, sizeof path, FH_KEY_FILE);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		spew(path, bytes, sizeof bytes, modes[i]);
		memset(&key, 0xff, sizeof key);
		assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -EPERM);
		assert_memory_equal(&key, &zero, sizeof key);
		assert_non_null(strstr(err, path));
		snprintf(want, sizeof want, "mode %04o", (unsigned)modes[i]);
		assert_non_null(strstr(err, want));
		assert_non_null(strstr(err, "chmod 600"));
	}
	/* and it is not replaced: the admin's file stays as it was */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), 0);
	assert_memory_equal(key.bytes, bytes, FH_KEY_LEN);
}

static void test_key_of_the_wrong_size_is_refused(void **state)
{
	static const size_t sizes[] = { 0, 1, 16, FH_KEY_LEN - 1, FH_KEY_LEN + 1, 64, 4096 };
	char path[PATH_MAX], err[512], want[PATH_MAX + 64];
	uint8_t bytes[4096];
	struct fh_key key;

	(void)state;
	memset(bytes, 0x11, sizeof bytes);
	in_dir(path, sizeof path, FH_KEY_FILE);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		spew(path, bytes, sizes[i], 0600);
		assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -EINVAL);
		snprintf(want, sizeof want, "%s: %zu bytes, where a key has 32", path, sizes[i]);
		assert_string_equal(err, want);
	}
}

static void test_key_that_is_not_a_plain_file_is_refused(void **state)
{
	char path[PATH_MAX], target[PATH_MAX], err[512];
	uint8_t bytes[FH_KEY_LEN] = { 0 };
	struct fh_key key;

	(void)state;
	in_dir(path, sizeof path, FH_KEY_FILE);
	in_dir(target, sizeof target, "elsewhere");
	spew(target, bytes, sizeof bytes, 0600);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -ELOOP);
	assert_non_null(strstr(err, "symlink"));

	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);	/* must not hang */
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));

	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

static void test_key_of_another_user_is_refused(void **state)
{
	char path[PATH_MAX], err[512];
	struct fh_key key;

	(void)state;
	need_root();
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), 0);
	in_dir(path, sizeof path, FH_KEY_FILE);
	assert_int_equal(chown(path, 4242, 4242), 0);
	assert_int_equal(fh_key_load(dir, &key, err, sizeof err), -EPERM);
	assert_non_null(strstr(err, "owned by uid 4242"));
}

static void test_key_in_a_missing_state_dir_fails_naming_it(void **state)
{
	char path[PATH_MAX], err[512];
	struct fh_key key;

	(void)state;
	in_dir(path, sizeof path, "missing");
	assert_int_equal(fh_key_load(path, &key, err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));
}

#define RACERS 8

static int race_load(void *arg)
{
	int fd = *(int *)arg;
	struct fh_key key;
	char err[512];

	if (fh_key_load(dir, &key, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return write(fd, key.bytes, FH_KEY_LEN) == FH_KEY_LEN ? 0 : 1;
}

/* Daemons started at once on a fresh state_dir end up with one key. */
static void test_concurrent_first_starts_agree_on_one_key(void **state)
{
	uint8_t got[RACERS][FH_KEY_LEN];
	char names[256];
	pid_t pids[RACERS];
	int fds[2];

	(void)state;
	for (int round = 0; round < 20; round++) {
		char path[PATH_MAX];

		in_dir(path, sizeof path, FH_KEY_FILE);
		unlink(path);
		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		for (int i = 0; i < RACERS; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0) {
				close(fds[0]);
				_exit(race_load(&fds[1]));
			}
		}
		close(fds[1]);
		for (int i = 0; i < RACERS; i++)
			assert_int_equal(wait_bounded(pids[i]), 0);
		for (int i = 0; i < RACERS; i++)
			assert_int_equal(read(fds[0], got[i], FH_KEY_LEN), FH_KEY_LEN);
		close(fds[0]);
		for (int i = 1; i < RACERS; i++)
			assert_memory_equal(got[i], got[0], FH_KEY_LEN);
		list_dir(dir, names, sizeof names);
		assert_string_equal(names, FH_KEY_FILE);
	}
}

/* ---------------------------------------------------------------- real files */

/* An export on some filesystem: its root (where the scenarios make files),
 * the state_dir with the key, and what fh_probe learnt. */
struct export {
	char root[PATH_MAX];
	char state[PATH_MAX];
	uint32_t id;
	int root_fd;
	int mount_id;
	struct fh_key key;
};

static int export_open(struct export *e)
{
	char err[512];

	/* not O_PATH: open_by_handle_at refuses that as its mount_fd (EBADF) */
	e->root_fd = open(e->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(e->root_fd >= 0);
	if (fh_probe(e->root_fd, &e->mount_id, err, sizeof err) != 0) {
		fprintf(stderr, "fh_probe %s: %s\n", e->root, err);
		return 1;
	}
	if (fh_key_load(e->state, &e->key, err, sizeof err) != 0) {
		fprintf(stderr, "fh_key_load: %s\n", err);
		return 1;
	}
	return 0;
}

static void export_close(struct export *e)
{
	if (e->root_fd >= 0)
		close(e->root_fd);
	e->root_fd = -1;
	sodium_memzero(&e->key, sizeof e->key);
}

static int make_file(struct export *e, const char *name, const char *text)
{
	int fd = openat(e->root_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
	return 0;
}

static const char *fs_name(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return "?";
	switch (sf.f_type) {
	case EXT4_SUPER_MAGIC: return "ext2/3/4";
	case TMPFS_MAGIC: return "tmpfs";
	case XFS_SUPER_MAGIC: return "xfs";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlay";
	default: return "other";
	}
}

/* Decodes wire and opens it in e; the fd, or -1 after saying why. */
static int open_wire(struct export *e, const uint8_t *wire, size_t len, int flags)
{
	struct fh fh;
	int fd;

	if (fh_decode(&e->key, wire, len, &fh) != 0 || fh.export_id != e->id) {
		fprintf(stderr, "handle does not decode\n");
		return -1;
	}
	fd = fh_open(&fh, e->root_fd, flags);
	if (fd < 0)
		fprintf(stderr, "fh_open: %s\n", strerror(-fd));
	return fd;
}

/* The fd's inode is the one at name in e (name "" is the root itself). */
static int same_inode(struct export *e, int fd, const char *name)
{
	struct stat a, b;

	CHECK(fstat(fd, &a) == 0);
	CHECK(fstatat(e->root_fd, name, &b, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) == 0);
	CHECK(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	return 0;
}

/* The root, a directory, a file and a symlink: each handle opens its own
 * inode; the symlink's only with O_PATH|O_NOFOLLOW, never its target. */
static int scenario_kinds(void *arg)
{
	struct export *e = arg;
	static const struct { const char *name; int flags; } kinds[] = {
		{ "", O_RDONLY | O_DIRECTORY },
		{ "d", O_RDONLY | O_DIRECTORY },
		{ "f", O_RDONLY },
		{ "l", O_PATH | O_NOFOLLOW },
	};
	uint8_t wire[FH_MAX];
	char buf[64];
	struct fh fh;
	size_t len;
	int fd, dfd;

	CHECK(mkdirat(e->root_fd, "d", 0755) == 0);
	CHECK(make_file(e, "f", "hello") == 0);
	CHECK(symlinkat("f", e->root_fd, "l") == 0);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, kinds[i].name,
				wire, &len) == 0);
		CHECK(len >= FH_MIN && len <= FH_MAX);
		fd = open_wire(e, wire, len, kinds[i].flags);
		CHECK(fd >= 0);
		CHECK(same_inode(e, fd, kinds[i].name) == 0);
		if (strcmp(kinds[i].name, "f") == 0) {
			CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
			CHECK(fh_decode(&e->key, wire, len, &fh) == 0);
			printf("f_handle on %s: %u bytes, type %u; handle %zu of %d bytes\n",
			       fs_name(fd), fh.len, fh.type, len, FH_MAX);
		}
		if (strcmp(kinds[i].name, "l") == 0) {
			CHECK(readlinkat(fd, "", buf, sizeof buf) == 1 && buf[0] == 'f');
			CHECK(fh_decode(&e->key, wire, len, &fh) == 0);
			CHECK(fh_open(&fh, e->root_fd, O_RDONLY) == -ELOOP);
		}
		close(fd);
	}
	/* the same file through its directory, and the NULL name for the fd */
	CHECK(make_file(e, "d/g", "") == 0);
	dfd = openat(e->root_fd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd >= 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, dfd, "g", wire, &len) == 0);
	fd = open_wire(e, wire, len, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(same_inode(e, fd, "d/g") == 0);
	close(fd);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, dfd, NULL, wire, &len) == 0);
	fd = open_wire(e, wire, len, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK(same_inode(e, fd, "d") == 0);
	close(fd);
	close(dfd);
	/* one component only: a path could cross symlinks on its way */
	CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, "d/g", wire, &len) == -EINVAL);
	CHECK(len == 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, "nothing", wire, &len) ==
	      -ENOENT);
	return 0;
}

static const char *const restart_names[] = { "", "rd", "rf", "rl" };
#define RESTART_N (sizeof restart_names / sizeof restart_names[0])

/* The server's first life: a process of its own that loads the key, hands
 * out handles (here: into a file) and exits. */
static int first_life(void *arg)
{
	struct export e = *(struct export *)arg;
	char path[PATH_MAX + 16];
	uint8_t wire[FH_MAX];
	size_t len;
	FILE *f;

	CHECK(export_open(&e) == 0);
	snprintf(path, sizeof path, "%s/handles", e.state);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	for (size_t i = 0; i < RESTART_N; i++) {
		CHECK(fh_encode(&e.key, e.id, e.mount_id, e.root_fd, restart_names[i],
				wire, &len) == 0);
		CHECK(fputc((int)len, f) != EOF && fwrite(wire, 1, len, f) == len);
	}
	CHECK(fclose(f) == 0);
	export_close(&e);
	return 0;
}

/* Handles from a process that is gone open the same inodes in a new one
 * that loaded the key from disk again. */
static int scenario_restart(void *arg)
{
	struct export *e = arg;
	char path[PATH_MAX + 16];
	uint8_t wire[FH_MAX];
	int fd, len;
	FILE *f;

	CHECK(mkdirat(e->root_fd, "rd", 0755) == 0);
	CHECK(make_file(e, "rf", "x") == 0);
	CHECK(symlinkat("rf", e->root_fd, "rl") == 0);
	export_close(e);
	CHECK(in_process(first_life, e) == 0);

	CHECK(export_open(e) == 0);		/* the second life */
	snprintf(path, sizeof path, "%s/handles", e->state);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	for (size_t i = 0; i < RESTART_N; i++) {
		len = fgetc(f);
		CHECK(len >= FH_MIN && len <= FH_MAX);
		CHECK(fread(wire, 1, (size_t)len, f) == (size_t)len);
		fd = open_wire(e, wire, (size_t)len, O_PATH | O_NOFOLLOW);
		CHECK(fd >= 0);
		CHECK(same_inode(e, fd, restart_names[i]) == 0);
		close(fd);
	}
	fclose(f);
	CHECK(unlink(path) == 0);
	return 0;
}

/* A removed file or directory answers ESTALE, also once a new file took its
 * name (and perhaps its inode number: the generation tells them apart). */
static int scenario_stale(void *arg)
{
	struct export *e = arg;
	uint8_t wf[FH_MAX], wd[FH_MAX], wnew[FH_MAX];
	size_t lf, ld, lnew;
	struct fh fh;

	CHECK(make_file(e, "gone", "x") == 0);
	CHECK(mkdirat(e->root_fd, "gonedir", 0755) == 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, "gone", wf, &lf) == 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, "gonedir", wd, &ld) == 0);
	CHECK(unlinkat(e->root_fd, "gone", 0) == 0);
	CHECK(unlinkat(e->root_fd, "gonedir", AT_REMOVEDIR) == 0);

	CHECK(fh_decode(&e->key, wf, lf, &fh) == 0);
	CHECK(fh_open(&fh, e->root_fd, O_RDONLY) == -ESTALE);
	CHECK(fh_decode(&e->key, wd, ld, &fh) == 0);
	CHECK(fh_open(&fh, e->root_fd, O_RDONLY | O_DIRECTORY) == -ESTALE);

	CHECK(make_file(e, "gone", "y") == 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, e->root_fd, "gone", wnew, &lnew) == 0);
	CHECK(lnew != lf || memcmp(wnew, wf, lf) != 0);
	CHECK(fh_decode(&e->key, wf, lf, &fh) == 0);
	CHECK(fh_open(&fh, e->root_fd, O_RDONLY) == -ESTALE);
	return 0;
}

static void export_in(struct export *e, const char *root, uint32_t id)
{
	memset(e, 0, sizeof *e);
	e->root_fd = -1;
	e->id = id;
	assert_true((size_t)snprintf(e->root, sizeof e->root, "%s", root) < sizeof e->root);
	assert_true((size_t)snprintf(e->state, sizeof e->state, "%s", dir) < sizeof e->state);
}

/* An export at dir/export on TMPDIR's filesystem, opened. */
static void tmp_export(struct export *e)
{
	char root[PATH_MAX];

	in_dir(root, sizeof root, "export");
	assert_int_equal(mkdir(root, 0755), 0);
	export_in(e, root, 11);
	assert_int_equal(export_open(e), 0);
}

static void test_handles_of_dir_file_symlink_open_their_inodes(void **state)
{
	struct export e;

	(void)state;
	need_root();	/* CAP_DAC_READ_SEARCH */
	tmp_export(&e);
	assert_int_equal(scenario_kinds(&e), 0);
	export_close(&e);
}

static void test_handles_survive_a_restart(void **state)
{
	struct export e;

	(void)state;
	need_root();	/* CAP_DAC_READ_SEARCH */
	tmp_export(&e);
	assert_int_equal(scenario_restart(&e), 0);
	export_close(&e);
}

static void test_handle_of_a_removed_file_is_stale(void **state)
{
	struct export e;

	(void)state;
	need_root();	/* CAP_DAC_READ_SEARCH */
	tmp_export(&e);
	assert_int_equal(scenario_stale(&e), 0);
	export_close(&e);
}

static void test_probe_refuses_a_filesystem_without_handles(void **state)
{
	char err[512];
	int fd, mnt;

	(void)state;
	fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		skip_or_fail("no /proc");
	assert_int_equal(fh_probe(fd, &mnt, err, sizeof err), -EOPNOTSUPP);
	assert_non_null(strstr(err, "no file handles"));
	close(fd);
}

/* Without CAP_DAC_READ_SEARCH (here: root turned nobody) handles are still
 * made, but open_by_handle_at refuses: the daemon must keep the capability. */
static int without_the_capability(void *arg)
{
	struct export *e = arg;
	uint8_t wire[FH_MAX];
	char err[512];
	struct fh fh;
	size_t len;
	int fd, mnt;

	CHECK(make_file(e, "f", "x") == 0);
	fd = openat(e->root_fd, "f", O_PATH | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(setgroups(0, NULL) == 0);
	CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0);
	CHECK(fh_encode(&e->key, e->id, e->mount_id, fd, NULL, wire, &len) == 0);
	CHECK(fh_decode(&e->key, wire, len, &fh) == 0);
	CHECK(fh_open(&fh, e->root_fd, O_PATH) == -EPERM);
	CHECK(fh_probe(e->root_fd, &mnt, err, sizeof err) == -EPERM);
	CHECK(strstr(err, "CAP_DAC_READ_SEARCH") != NULL);
	return 0;
}

static void test_open_without_cap_dac_read_search_is_eperm(void **state)
{
	struct export e;

	(void)state;
	need_root();
	tmp_export(&e);
	assert_int_equal(run_child(without_the_capability, &e), 0);
	export_close(&e);
}

/* A tmpfs mounted in a private mount namespace: a second filesystem type,
 * and a second mount whose files the first export must not hand out. */
static int on_tmpfs(void *arg)
{
	struct export *outer = arg, e;
	uint8_t wire[FH_MAX];
	struct statfs sf;
	size_t len;

	memset(&e, 0, sizeof e);
	e.id = 22;
	CHECK((size_t)snprintf(e.root, sizeof e.root, "%s/tmpfs", dir) < sizeof e.root);
	CHECK((size_t)snprintf(e.state, sizeof e.state, "%s", dir) < sizeof e.state);
	CHECK(unshare(CLONE_NEWNS) == 0);
	CHECK(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0);
	CHECK(mkdir(e.root, 0755) == 0);
	CHECK(mount("test_fh", e.root, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=0755") == 0);
	CHECK(statfs(e.root, &sf) == 0 && sf.f_type == TMPFS_MAGIC);
	CHECK(export_open(&e) == 0);
	CHECK(e.mount_id != outer->mount_id);
	CHECK(scenario_kinds(&e) == 0);
	CHECK(scenario_restart(&e) == 0);
	CHECK(scenario_stale(&e) == 0);

	/* files of the other mount are not handed out under an export's id */
	CHECK(fh_encode(&e.key, outer->id, outer->mount_id, e.root_fd, "f", wire, &len) ==
	      -EXDEV);
	CHECK(fh_encode(&e.key, e.id, e.mount_id, outer->root_fd, NULL, wire, &len) ==
	      -EXDEV);
	export_close(&e);
	CHECK(umount(e.root) == 0);
	return 0;
}

static void test_handles_on_tmpfs_in_a_private_mount_namespace(void **state)
{
	struct export outer;

	(void)state;
	need_root();
	tmp_export(&outer);
	assert_int_equal(run_child(on_tmpfs, &outer), 0);
	export_close(&outer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_pack_decode_round_trips_every_length_and_type),
		T(test_layout_is_version_export_type_length_bytes_mac),
		T(test_every_bit_flip_is_rejected),
		T(test_truncated_and_extended_handles_are_rejected),
		T(test_handle_sealed_with_another_key_is_rejected),
		T(test_export_id_cannot_be_changed),
		T(test_decode_refuses_bad_fields_under_a_good_mac),
		T(test_pack_refuses_what_a_handle_cannot_hold),
		T(test_key_is_made_once_whole_and_private),
		T(test_two_state_dirs_get_different_keys),
		T(test_key_open_to_group_or_others_is_refused),
		T(test_key_of_the_wrong_size_is_refused),
		T(test_key_that_is_not_a_plain_file_is_refused),
		T(test_key_of_another_user_is_refused),
		T(test_key_in_a_missing_state_dir_fails_naming_it),
		T(test_concurrent_first_starts_agree_on_one_key),
		T(test_handles_of_dir_file_symlink_open_their_inodes),
		T(test_handles_survive_a_restart),
		T(test_handle_of_a_removed_file_is_stale),
		T(test_probe_refuses_a_filesystem_without_handles),
		T(test_open_without_cap_dac_read_search_is_eperm),
		T(test_handles_on_tmpfs_in_a_private_mount_namespace),
#undef T
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
