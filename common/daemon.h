/* Process life of a daemon: pidfile, detaching, privileges and chroot. */
#ifndef PXE_DAEMON_H
#define PXE_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

struct pidfile {
	int fd;			/* -1 when none */
	char *path;
};

/* Creates and locks path.  -EEXIST when another live process holds it; its
 * pid goes to *holder (0 if unreadable).  The lock passes to a child across
 * daemon_detach(). */
int pidfile_open(struct pidfile *pf, const char *path, pid_t *holder);
/* Writes the calling process's pid. */
int pidfile_write(struct pidfile *pf);
/* Unlinks and closes.  After a privilege drop the directory may be out of
 * reach: then the file is emptied instead (the lock, not the file, says
 * whether a daemon runs).  0, or a negative errno when it could do neither. */
int pidfile_close(struct pidfile *pf);

/* Forks into the background.  The parent waits until the child calls
 * daemon_ready() and exits with the status it reports (or 1 if the child dies
 * first), so "pxe-tftpd && echo started" means it really started.  In the
 * child: returns 0 after setsid(), with stdin/stdout/stderr on /dev/null
 * unless keep_stderr.  A negative errno if fork fails. */
int daemon_detach(bool keep_stderr);
/* In a detached child: report start-up status (0 = ready) to the waiting
 * parent.  Does nothing when the process did not detach. */
void daemon_ready(int status);

/* chroot(dir) and chdir("/"). */
int daemon_chroot(const char *dir);
#define DAEMON_MAX_GROUPS 64

/* A user to become, looked up while /etc is still in view: after a chroot
 * the passwd and group files are out of reach. */
struct daemon_user {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[DAEMON_MAX_GROUPS];
};

/* user is a name or a numeric uid.  -ENOENT for an unknown user, -EPERM for
 * root (never a target), -E2BIG for more supplementary groups than kept. */
int daemon_user_lookup(const char *user, struct daemon_user *u);
/* Becomes u with its primary and supplementary groups, and checks that root
 * cannot be regained.  -EPERM when not root and not already that user. */
int daemon_user_become(const struct daemon_user *u);
/* Both, for a daemon that does not chroot. */
int daemon_drop_privileges(const char *user);

#endif
