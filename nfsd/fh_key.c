/* The file handle MAC key: 32 random bytes in STATE_DIR/nfsd.key, made once
 * and loaded on every start, so that handles outlive restarts. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fh.h"
#include "str.h"

/* Reads up to len bytes, short only at the end of the file. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Refuses what is not a key only we can read: a symlink, a FIFO, group or
 * other permission bits, a stranger's file, a wrong size. */
static int key_check(const char *path, const struct stat *st, char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		str_message(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		str_message(err, errlen, "%s: mode %04o lets group or others at the key (chmod 600 it)",
		    path, (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		str_message(err, errlen, "%s: owned by uid %u, neither root nor us", path,
		    (unsigned)st->st_uid);
		return -EPERM;
	}
	if (st->st_size != FH_KEY_LEN) {
		str_message(err, errlen, "%s: %lld bytes, where a key has %d", path,
		    (long long)st->st_size, FH_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

/* 0, -ENOENT (silently: the caller creates it), or another negative errno. */
static int key_read(const char *path, struct fh_key *out, char *err, size_t errlen)
{
	uint8_t buf[FH_KEY_LEN + 1];
	struct stat st;
	ssize_t n;
	int fd, rc;

	/* O_NONBLOCK: a FIFO put in its place must not hang the start */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ELOOP)
			str_message(err, errlen, "%s: a symlink, not the key itself", path);
		else if (rc != -ENOENT)
			str_message(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		str_message(err, errlen, "%s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	rc = key_check(path, &st, err, errlen);
	if (rc == 0) {
		/* one byte more than a key: a file that grew since fstat shows */
		n = read_full(fd, buf, sizeof buf);
		if (n < 0) {
			rc = (int)n;
			str_message(err, errlen, "%s: %s", path, strerror(-rc));
		} else if (n != FH_KEY_LEN) {
			rc = -EINVAL;
			str_message(err, errlen, "%s: %zd bytes, where a key has %d", path, n,
			    FH_KEY_LEN);
		} else {
			memcpy(out->bytes, buf, FH_KEY_LEN);
		}
	}
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return rc;
}

/* Puts tmp in place as path unless path exists (-EEXIST then). */
static int publish(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* a filesystem without RENAME_NOREPLACE: link() never replaces either */
	if (link(tmp, path) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

/* A new key, written whole and synced before it takes the name: a crash
 * leaves either no key or a whole one (and at worst a stray temp file).
 * -EEXIST when another process made one first. */
static int key_create(const char *state_dir, const char *path, char *err, size_t errlen)
{
	uint8_t key[FH_KEY_LEN];
	char tmp[PATH_MAX];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", state_dir, FH_KEY_FILE) >=
	    sizeof tmp) {
		str_message(err, errlen, "%s: name too long", state_dir);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);		/* O_EXCL, mode 0600 */
	if (fd < 0) {
		rc = -errno;
		str_message(err, errlen, "%s: cannot create a key: %s", state_dir, strerror(-rc));
		return rc;
	}
	randombytes_buf(key, sizeof key);
	rc = write_full(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		rc = publish(tmp, path);
	if (rc < 0) {
		unlink(tmp);
		if (rc != -EEXIST)
			str_message(err, errlen, "%s: cannot create: %s", path, strerror(-rc));
		return rc;
	}
	rc = sync_dir(state_dir);
	if (rc < 0)
		str_message(err, errlen, "%s: %s", state_dir, strerror(-rc));
	return rc;
}

int fh_key_load(const char *state_dir, struct fh_key *out, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	memset(out, 0, sizeof *out);
	str_message(err, errlen, "%s", "");
	if (sodium_init() < 0) {
		str_message(err, errlen, "libsodium does not initialize");
		return -EIO;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/%s", state_dir, FH_KEY_FILE) >=
	    sizeof path) {
		str_message(err, errlen, "%s: name too long", state_dir);
		return -ENAMETOOLONG;
	}
	rc = key_read(path, out, err, errlen);
	if (rc != -ENOENT)
		return rc;
	rc = key_create(state_dir, path, err, errlen);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	/* ours or the one a concurrent start made: read back what is on disk */
	rc = key_read(path, out, err, errlen);
	if (rc == -ENOENT)
		str_message(err, errlen, "%s: gone right after it was made", path);
	return rc;
}
