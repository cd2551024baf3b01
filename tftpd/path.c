/* Resolving a requested name to a file inside the TFTP root: the textual
 * clean-up of the name, then every open through openat2(RESOLVE_BENEATH). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "path.h"

/* Temporary files of write requests; names with this prefix are never
 * served or written by a client, so no one can read a partial upload or
 * swap another transfer's file. */
#define TMP_PREFIX	".pxe-tftpd."
#define TMP_TRIES	16

/* The kernel, not this file, is what keeps a lookup inside the root: with
 * RESOLVE_BENEATH a ".." that climbs out, an absolute symlink or a symlink
 * leading outside fails with EXDEV, and RESOLVE_NO_MAGICLINKS stops
 * /proc/PID/fd style links, which can point anywhere.  -errno on failure. */
static int open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, dirfd, name, &how, sizeof how);
	if (fd >= 0)
		return (int)fd;
	/* Without openat2 (Linux before 5.6) nothing would confine the lookup:
	 * fail closed, never fall back to a plain openat. */
	if (errno == ENOSYS)
		return -EACCES;
	return -errno;
}

/* What the client may be told: "not found" only when the name leads to
 * nothing; the server's own resource troubles stay as they are, for its
 * log; anything else (EXDEV for an escape, ELOOP, EACCES, EPERM, EISDIR,
 * ENXIO, ...) is a refusal. */
static int client_error(int err)
{
	switch (-err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return -ENOENT;
	case ENOSPC:
	case EDQUOT:
		return -ENOSPC;
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case EIO:
		return err;
	default:
		return -EACCES;
	}
}

/* TFTP names are netascii (RFC 1350 §1, RFC 764), which has no place for
 * control characters in a name; no boot loader asks for one, and refusing
 * them keeps them out of log lines too. */
static bool bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool component_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++)
		if (bad_byte((unsigned char)s[i]))
			return false;
	return true;
}

/* What path_normalize produces: relative, no empty, "." or ".."
 * component, no control character.  The open functions check it again so
 * that a caller that skipped path_normalize gets the same answers. */
static bool is_normalized(const char *name)
{
	const char *p = name;
	size_t n;

	for (;;) {
		n = strcspn(p, "/");
		if (!component_ok(p, n))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

static const char *base_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? slash + 1 : name;
}

static bool is_temp_name(const char *name)
{
	return strncmp(base_of(name), TMP_PREFIX, strlen(TMP_PREFIX)) == 0;
}

int path_root_open(struct path_root *root, const char *path)
{
	size_t n = strlen(path);
	int fd;

	root->dirfd = -1;
	root->path = NULL;
	while (n > 1 && path[n - 1] == '/')
		n--;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	root->path = strndup(path, n);
	if (!root->path) {
		close(fd);
		return -ENOMEM;
	}
	root->dirfd = fd;
	return 0;
}

void path_root_close(struct path_root *root)
{
	if (root->dirfd >= 0)
		close(root->dirfd);
	free(root->path);
	root->dirfd = -1;
	root->path = NULL;
}

/* Clients told the full path (a boot file name of "/srv/tftp/pxelinux.0")
 * mean the file under the root.  The '/' after the prefix keeps root
 * /srv/tftp from claiming "/srv/tftpboot/x"; only an absolute root can be
 * named this way, and root "/" needs nothing stripped. */
static const char *strip_root_prefix(const struct path_root *root, const char *name)
{
	size_t n;

	if (!root || !root->path || root->path[0] != '/')
		return name;
	n = strlen(root->path);
	while (n > 1 && root->path[n - 1] == '/')
		n--;
	if (n > 1 && strncmp(name, root->path, n) == 0 && name[n] == '/')
		return name + n;
	return name;
}

int path_normalize(const struct path_root *root, const char *name, char *out, size_t outsz)
{
	const char *p = strip_root_prefix(root, name);
	size_t len = 0, n;

	if (outsz == 0)
		return -EACCES;
	out[0] = '\0';
	for (;;) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (!(n == 1 && p[0] == '.')) {
			if (!component_ok(p, n) || len + !!len + n >= outsz)
				goto refuse;
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (len == 0)
		goto refuse;
	out[len] = '\0';
	return 0;
refuse:
	out[0] = '\0';
	return -EACCES;
}

/* tftp-hpa's rule without -p: only files anyone may read are served; the
 * check is ours, since the server may run as a user (even root) that the
 * mode bits would let through. */
/* O_NONBLOCK stays set: on a regular file it changes nothing for read and
 * pread (Linux reads the page cache or waits for the disk either way), and
 * clearing it would cost two system calls per request. */
static int check_readable(int fd, struct stat *st, bool permissive)
{
	if (fstat(fd, st) < 0)
		return client_error(-errno);
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	if (!permissive && !(st->st_mode & S_IROTH))
		return -EACCES;
	return 0;
}

int path_open_read(const struct path_root *root, const char *name, bool permissive,
		   struct stat *st)
{
	int fd, rc;

	if (!is_normalized(name) || is_temp_name(name))
		return -EACCES;
	/* O_NONBLOCK so that a FIFO planted in the tree cannot hold the
	 * server up in open(); it is refused as not regular just after. */
	fd = open_beneath(root->dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return client_error(fd);
	rc = check_readable(fd, st, permissive);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static void write_reset(struct path_write *w)
{
	w->fd = -1;
	w->dirfd = -1;
	w->unnamed = false;
	w->tmpname[0] = '\0';
	w->basename[0] = '\0';
}

/* "a/b/c" into the directory "a/b" and the name "c"; a bare "c" is in the
 * root itself ("."). */
static int split_name(const char *name, char *dir, size_t dirsz, struct path_write *w)
{
	const char *base = base_of(name);
	size_t dlen = base == name ? 1 : (size_t)(base - name - 1);

	if (strlen(base) >= sizeof w->basename || dlen >= dirsz)
		return -EACCES;
	if (base == name)
		dir[0] = '.';
	else
		memcpy(dir, name, dlen);
	dir[dlen] = '\0';
	memcpy(w->basename, base, strlen(base) + 1);
	return 0;
}

/* tftp-hpa's rules for a write: an existing file is replaced only if
 * anyone may write it (unless -p), a missing one is created only with -c.
 * The target is never followed: a symlink there could lead anywhere. */
static int target_mode(const struct path_write *w, bool allow_create, bool permissive,
		       mode_t cmask, mode_t *mode)
{
	struct stat st;

	if (fstatat(w->dirfd, w->basename, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			return -EACCES;
		if (!permissive && !(st.st_mode & S_IWOTH))
			return -EACCES;
		/* The new file keeps the old one's permissions, but never
		 * set-id bits on data a client sent. */
		*mode = st.st_mode & 0777;
		return 0;
	}
	if (errno != ENOENT)
		return client_error(-errno);
	if (!allow_create)
		return -ENOENT;
	*mode = 0666 & ~cmask & 0777;
	return 0;
}

/* Unpredictable, so no one can make the names ahead of us; O_EXCL is what
 * keeps it safe even when they do. */
static void temp_name(char *buf, size_t size)
{
	static uint64_t counter;
	uint64_t v;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
		v = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL) ^ ++counter;
	snprintf(buf, size, TMP_PREFIX "%016llx", (unsigned long long)v);
}

/* Where the filesystem has them, an unnamed file: a crash mid-upload then
 * leaves nothing in the directory.  It gets its name at commit through
 * /proc/self/fd, as open(2) shows for a process without
 * CAP_DAC_READ_SEARCH.  A filesystem without O_TMPFILE (NFS, vfat) or a
 * host without /proc gets a named temporary file instead: -EOPNOTSUPP. */
static int create_unnamed(struct path_write *w)
{
	int fd;

	if (access("/proc/self/fd", X_OK) < 0)
		return -EOPNOTSUPP;
	fd = openat(w->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP : -errno;
	w->fd = fd;
	w->unnamed = true;
	return 0;
}

static int create_temp(struct path_write *w, mode_t mode)
{
	int i, fd = -1, rc = create_unnamed(w);

	if (rc == 0)
		goto set_mode;
	if (rc != -EOPNOTSUPP)
		return client_error(rc);

	for (i = 0; i < TMP_TRIES && fd < 0; i++) {
		temp_name(w->tmpname, sizeof w->tmpname);
		fd = openat(w->dirfd, w->tmpname,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			w->tmpname[0] = '\0';
			return client_error(-errno);
		}
	}
	if (fd < 0) {
		w->tmpname[0] = '\0';
		return -EEXIST;
	}
	w->fd = fd;
set_mode:
	/* Set outright rather than through open's mode, which the process
	 * umask would cut further: the configured umask is the only one. */
	if (fchmod(w->fd, mode) < 0)
		return client_error(-errno);
	return 0;
}

int path_open_write(const struct path_root *root, const char *name, bool allow_create,
		    bool permissive, mode_t cmask, struct path_write *w)
{
	char dir[PATH_NAME_MAX];
	mode_t mode = 0;
	int rc;

	write_reset(w);
	if (!is_normalized(name) || is_temp_name(name))
		return -EACCES;
	rc = split_name(name, dir, sizeof dir, w);
	if (rc < 0)
		return rc;
	rc = open_beneath(root->dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rc < 0)
		return client_error(rc);
	w->dirfd = rc;
	rc = target_mode(w, allow_create, permissive, cmask, &mode);
	if (rc == 0)
		rc = create_temp(w, mode);
	if (rc < 0)
		path_abort_write(w);
	return rc;
}

/* Makes the rename itself survive a crash.  Best effort: the O_PATH fd
 * cannot be synced, and the server's user may not be allowed to open the
 * directory for reading; the file's data is on disk already. */
static void sync_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

/* The unnamed file takes the target's name, or, when a file has it, a
 * temporary name that the rename then puts in its place. */
static int link_unnamed(struct path_write *w)
{
	char proc[32];

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", w->fd);
	if (linkat(AT_FDCWD, proc, w->dirfd, w->basename, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	for (int i = 0; i < TMP_TRIES && errno == EEXIST; i++) {
		temp_name(w->tmpname, sizeof w->tmpname);
		if (linkat(AT_FDCWD, proc, w->dirfd, w->tmpname, AT_SYMLINK_FOLLOW) == 0)
			return 0;
	}
	w->tmpname[0] = '\0';
	return -errno;
}

int path_commit_write(struct path_write *w)
{
	int rc = 0;

	if (w->fd < 0)
		return -EBADF;
	if (fsync(w->fd) < 0)
		rc = -errno;
	if (rc == 0 && w->unnamed)
		rc = link_unnamed(w);
	/* close reports late write errors on some file systems (NFS). */
	if (close(w->fd) < 0 && rc == 0)
		rc = -errno;
	w->fd = -1;
	if (rc == 0 && w->tmpname[0] &&
	    renameat(w->dirfd, w->tmpname, w->dirfd, w->basename) < 0)
		rc = -errno;
	if (rc == 0) {
		w->tmpname[0] = '\0';
		sync_dir(w->dirfd);
	}
	path_abort_write(w);
	return rc == -EDQUOT ? -ENOSPC : rc;
}

void path_abort_write(struct path_write *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->dirfd >= 0 && w->tmpname[0])
		unlinkat(w->dirfd, w->tmpname, 0);
	if (w->dirfd >= 0)
		close(w->dirfd);
	write_reset(w);
}
