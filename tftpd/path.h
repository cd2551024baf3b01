/* Resolving a requested name to a file inside the TFTP root: every open goes
 * through openat2(RESOLVE_BENEATH) on the root's directory fd, so no name,
 * "..", absolute path or symlink reaches anything outside it. */
#ifndef PXE_TFTPD_PATH_H
#define PXE_TFTPD_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PATH_NAME_MAX 1024

struct path_root {
	int dirfd;		/* O_PATH | O_DIRECTORY of the root; -1 when closed */
	char *path;		/* as configured, without trailing slashes */
};

/* 0, or a negative errno (-ENOENT, -ENOTDIR, -EACCES) for the root itself. */
int path_root_open(struct path_root *root, const char *path);
void path_root_close(struct path_root *root);

/* The name relative to the root, as tftp-hpa (-s) and dnsmasq take it:
 * leading slashes mean the root ("/pxelinux.0"); an absolute name that
 * starts with the root's own path names the file under it
 * ("/srv/tftp/pxelinux.0" with root /srv/tftp); repeated slashes and "."
 * components fold away.  -EACCES for any ".." component, an empty result, or
 * a name that does not fit out (outsz bytes). */
int path_normalize(const struct path_root *root, const char *name, char *out, size_t outsz);

/* Opens a normalized name for reading: a regular file inside the root
 * (symlinks are followed only while they stay beneath it), and readable by
 * all unless permissive (tftp-hpa's rule without -p).  The fd, with *st
 * filled; or -ENOENT (file not found), -EACCES (outside the root, not a
 * regular file, not world-readable, or denied by the system). */
int path_open_read(const struct path_root *root, const char *name, bool permissive,
		   struct stat *st);

/* A write request's file: data goes to a temporary file beside the target,
 * which takes the target's name only when the transfer completes, so no
 * partial file is ever visible under the name. */
struct path_write {
	int fd;			/* the file written; -1 when none */
	int dirfd;		/* the target's directory */
	bool unnamed;		/* fd is an O_TMPFILE, named only at commit */
	char tmpname[64];	/* its temporary name in that directory, if any */
	char basename[256];	/* the target, in that directory */
};

/* An existing target is replaced only if world-writable (unless
 * permissive); a new one is created only with allow_create (tftp-hpa's -c),
 * with mode 0666 & ~umask.  0 and w filled, or -ENOENT (no such file and
 * creating is off), -EACCES, -ENOSPC, or another negative errno. */
int path_open_write(const struct path_root *root, const char *name, bool allow_create,
		    bool permissive, mode_t umask, struct path_write *w);
/* fsync, then the file takes the target's name.  0 or a negative errno
 * (the temporary file is removed either way). */
int path_commit_write(struct path_write *w);
/* Removes the temporary file. */
void path_abort_write(struct path_write *w);

#endif
