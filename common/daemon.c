/* Process life of a daemon: a locked pidfile, detaching with a start-up status
 * for the waiting parent, chroot, and dropping root for good. */
#include <config.h>

#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* How often pidfile_open() retries when the file it locked was unlinked by
 * the exiting holder; more than one or two means something else is wrong. */
#define PIDFILE_TRIES 8

/* In a detached child until daemon_ready(): where the parent waits. */
static int ready_fd = -1;

/* The pid written in the pidfile, or 0 if it holds none (yet). */
static pid_t pidfile_read(int fd)
{
	char buf[32], *end;
	ssize_t n;
	long pid;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return 0;
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || (*end != '\n' && *end != '\0') || pid <= 0 ||
	    (pid_t)pid != pid)
		return 0;
	return (pid_t)pid;
}

/* The lock is on an inode, and a holder unlinks the path on its way out: a
 * lock won on a file no longer at path would let two daemons run. */
static bool pidfile_current(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* An fd locked on path, or a negative errno. */
static int pidfile_lock(const char *path, pid_t *holder)
{
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	err = errno == EWOULDBLOCK ? -EEXIST : -errno;
	if (err == -EEXIST && holder != NULL)
		*holder = pidfile_read(fd);
	close(fd);
	return err;
}

int pidfile_open(struct pidfile *pf, const char *path, pid_t *holder)
{
	int fd, tries;

	pf->fd = -1;
	pf->path = NULL;
	if (holder != NULL)
		*holder = 0;
	for (tries = 0; tries < PIDFILE_TRIES; tries++) {
		if ((fd = pidfile_lock(path, holder)) < 0)
			return fd;
		if (pidfile_current(fd, path))
			break;
		close(fd);
	}
	if (tries == PIDFILE_TRIES)
		return -EAGAIN;
	if ((pf->path = strdup(path)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	pf->fd = fd;
	return 0;
}

int pidfile_write(struct pidfile *pf)
{
	char buf[32];
	int n;

	if (pf->path == NULL)
		return -EBADF;
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(pf->fd, 0) == -1)
		return -errno;
	if (pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return errno != 0 ? -errno : -EIO;
	return 0;
}

/* path == NULL means never opened, so a zeroed struct is safe here too (its
 * fd 0 is not ours to close). */
int pidfile_close(struct pidfile *pf)
{
	int rc = 0;

	if (pf->path == NULL)
		return 0;
	/* A daemon that dropped root may not unlink in the pidfile's
	 * directory; it still holds the file open, so it empties it: no stale
	 * pid is left for an init script to signal. */
	if (unlink(pf->path) < 0 && pf->fd >= 0 && ftruncate(pf->fd, 0) < 0)
		rc = -errno;
	if (pf->fd >= 0)
		close(pf->fd);
	free(pf->path);
	pf->path = NULL;
	pf->fd = -1;
	return rc;
}

/* The parent's side of daemon_detach(): exit with the status the child
 * reports, or 1 if the child closes the socket (dies) without reporting. */
static void __attribute__((noreturn)) detach_wait(int fd)
{
	unsigned char status;
	ssize_t n;

	do
		n = read(fd, &status, 1);
	while (n == -1 && errno == EINTR);
	_exit(n == 1 ? status : 1);
}

/* stdin and stdout, and stderr unless keep_stderr, to /dev/null.  Not
 * O_CLOEXEC: when fd 0, 1 or 2 was closed, open() returns one of them and
 * that one must stay open across exec. */
static int stdio_to_null(bool keep_stderr)
{
	int fd, err = 0;

	fd = open("/dev/null", O_RDWR | O_NOCTTY);
	if (fd == -1)
		return -errno;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    (!keep_stderr && dup2(fd, STDERR_FILENO) == -1))
		err = -errno;
	if (fd > STDERR_FILENO)
		close(fd);
	return err;
}

/*
 * One fork, not two.  The second fork of the classic recipe keeps a session
 * leader from acquiring a controlling terminal, which only happens when it
 * opens a tty without O_NOCTTY; the daemons open no terminals, and /dev/null
 * is opened with O_NOCTTY.  One fork keeps the pid the parent waited for and
 * the pid in the pidfile the same.
 *
 * A socketpair rather than a pipe so that daemon_ready() can write with
 * MSG_NOSIGNAL: a parent killed while waiting must not take the daemon along
 * through SIGPIPE.
 */
int daemon_detach(bool keep_stderr)
{
	int sv[2], err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -errno;
	/* Buffered output is written once, by the parent, where the user sees it. */
	fflush(NULL);
	if ((pid = fork()) == -1) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid > 0) {
		close(sv[1]);
		detach_wait(sv[0]);
	}
	close(sv[0]);
	ready_fd = sv[1];
	if (setsid() == -1 || chdir("/") == -1)
		return -errno;
	return stdio_to_null(keep_stderr);
}

void daemon_ready(int status)
{
	/* An exit status is one byte; anything else that is not 0 is failure. */
	unsigned char b = status >= 0 && status <= 255 ? (unsigned char)status : 1;

	if (ready_fd == -1)
		return;
	while (send(ready_fd, &b, 1, MSG_NOSIGNAL) == -1 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

/* chdir() first so the directory is resolved once, and the root becomes the
 * directory we are in; chdir("/") after, so no cwd is left outside it. */
int daemon_chroot(const char *dir)
{
	if (chdir(dir) == -1 || chroot(".") == -1 || chdir("/") == -1)
		return -errno;
	return 0;
}

/* A name first, as chown(1) does, then a numeric uid.  NULL also on lookup
 * errors: getpw*() report "no such user" too inconsistently to tell apart. */
static struct passwd *user_lookup(const char *user)
{
	struct passwd *pw;
	unsigned long uid;
	char *end;

	if ((pw = getpwnam(user)) != NULL)
		return pw;
	if (user[0] < '0' || user[0] > '9')
		return NULL;
	errno = 0;
	uid = strtoul(user, &end, 10);
	if (errno != 0 || *end != '\0' || (uid_t)uid != uid || (uid_t)uid == (uid_t)-1)
		return NULL;
	return getpwuid((uid_t)uid);
}

static bool uids_are(uid_t uid)
{
	uid_t r, e, s;

	return getresuid(&r, &e, &s) == 0 && r == uid && e == uid && s == uid;
}

static bool gids_are(gid_t gid)
{
	gid_t r, e, s;

	return getresgid(&r, &e, &s) == 0 && r == gid && e == gid && s == gid;
}

int daemon_user_lookup(const char *user, struct daemon_user *u)
{
	struct passwd *pw = user_lookup(user);

	if (!pw)
		return -ENOENT;
	/* Root cannot be dropped to; a config saying so is refused, not obeyed. */
	if (pw->pw_uid == 0)
		return -EPERM;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->ngroups = DAEMON_MAX_GROUPS;
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &u->ngroups) == -1)
		return -E2BIG;
	return 0;
}

int daemon_user_become(const struct daemon_user *u)
{
	/* Started as that user already (no saved root either): nothing to drop. */
	if (uids_are(u->uid))
		return 0;
	if (geteuid() != 0)
		return -EPERM;
	/* Groups before the gid before the uid: each step needs the root the
	 * next one gives up. */
	if (setgroups((size_t)u->ngroups, u->groups) == -1)
		return -errno;
	if (setresgid(u->gid, u->gid, u->gid) == -1 || setresuid(u->uid, u->uid, u->uid) == -1)
		return -errno;
	/* The drop is only worth something if it cannot be undone: check
	 * rather than assume, as a saved root would be one setuid(0) away. */
	if (setuid(0) != -1 || !uids_are(u->uid) || !gids_are(u->gid))
		return -EPERM;
	return 0;
}

int daemon_drop_privileges(const char *user)
{
	struct daemon_user u;
	int rc = daemon_user_lookup(user, &u);

	return rc < 0 ? rc : daemon_user_become(&u);
}
