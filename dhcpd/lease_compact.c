/* Compaction of pxe-dhcpd's lease journal: a forked child writes one record
 * per lease to PATH.new over its copy of memory while the daemon goes on
 * appending; the records committed meanwhile are added to the new file,
 * which is synced and renamed over the journal. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lease_db.h"
#include "lease_db_impl.h"
#include "lease_table.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434	/* the same number on every architecture */
#endif

#define SNAPSHOT_BUF	65536
/* Compaction is due when superseded records outnumber the live ones, plus
 * this many, so a small journal is not rewritten over and over. */
#define COMPACT_SLACK	1000
/* RFC 2131 §4.3.1: a client is offered its previous address again, from
 * its expired or released binding, when that address is still free.  Such
 * leases are kept for a week after they end; compaction drops older ones. */
#define KEEP_ENDED	(7 * 24 * 3600)

/* -ECHILD if someone else reaped it (a waitpid(-1) elsewhere): then its
 * exit status is lost, and so is any proof that PATH.new is complete. */
static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void compaction_end(struct lease_db *db)
{
	struct compaction *c = &db->compact;

	close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
	free(c->since.data);
	memset(&c->since, 0, sizeof c->since);
	c->since_records = 0;
	c->err = 0;
}


void lease_db_compact_note(struct lease_db *db, const struct lease_db_buf *records, size_t n)
{
	struct compaction *c = &db->compact;

	if (c->pid <= 0 || c->err != 0)
		return;
	c->err = lease_db_buf_add(&c->since, records->data, records->len);
	c->since_records += n;
}

void lease_db_compact_abort(struct lease_db *db)
{
	int status;

	if (db->compact.pid <= 0)
		return;
	kill(db->compact.pid, SIGKILL);
	reap(db->compact.pid, &status);
	unlink(db->newpath);
	compaction_end(db);
}

bool lease_db_compact_due(const struct lease_db *db)
{
	return db->compact.pid == 0 &&
	       db->records > 2 * lease_table_count(db->leases) + COMPACT_SLACK;
}

static int write_snapshot(int fd, const struct lease **leases, size_t n)
{
	char buf[SNAPSHOT_BUF];
	struct writer w = writer_init(buf, sizeof buf);
	char line[LEASE_RECORD_MAX];
	off_t off = 0;
	size_t i;
	int rc;

	write_bytes(&w, LEASE_DB_HEADER, strlen(LEASE_DB_HEADER));
	for (i = 0; i < n; i++) {
		if (writer_left(&w) < LEASE_RECORD_MAX + 1) {
			rc = lease_db_write_at(fd, buf, writer_len(&w), off);
			if (rc < 0)
				return rc;
			off += (off_t)writer_len(&w);
			w = writer_init(buf, sizeof buf);
		}
		if (lease_record_format(leases[i], line, sizeof line) < 0)
			return -EINVAL;
		write_bytes(&w, line, strlen(line));
		write_u8(&w, '\n');
	}
	return lease_db_write_at(fd, buf, writer_len(&w), off);
}

/* In the forked child, over its copy of memory: the snapshot into PATH.new,
 * synced.  Returns its exit status: 0, or an errno. */
static int compact_child(struct lease_db *db)
{
	const struct lease **leases;
	struct stat st;
	size_t n;
	int fd, rc;

	if (fstat(db->fd, &st) < 0)
		return errno;
	close(db->fd);		/* the lock stays with the parent's descriptor */
	/* least recently put first: a client id then leads, once the file is
	 * loaded again, to the same lease as before */
	leases = lease_table_by_age(db->leases, db->compact.cutoff, &n);
	if (!leases)
		return ENOMEM;
	unlink(db->newpath);
	fd = open(db->newpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno;
	rc = fchmod(fd, st.st_mode & 07777) < 0 ? -errno : 0;
	if (rc == 0)
		rc = write_snapshot(fd, leases, n);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc < 0 ? -rc : 0;
}

int lease_db_compact_start(struct lease_db *db)
{
	struct compaction *c = &db->compact;
	int status, rc;
	pid_t pid;
	long fd;

	if (c->pid > 0)
		return -EBUSY;
	c->seq = lease_table_seq(db->leases);
	c->cutoff = (int64_t)time(NULL) - KEEP_ENDED;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(compact_child(db));
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		rc = -errno;
		kill(pid, SIGKILL);
		reap(pid, &status);
		unlink(db->newpath);
		return rc;
	}
	c->pid = pid;
	c->pidfd = (int)fd;
	return c->pidfd;
}

/* PATH.new, with the records committed since the fork, durable and renamed
 * over the journal, becomes the journal.  It is locked before the rename so
 * that the name is never without a lock.  A directory that fails to sync
 * after the rename fails every commit until it syncs. */
static int install_new(struct lease_db *db)
{
	struct compaction *c = &db->compact;
	struct stat st;
	int fd, rc = 0;

	fd = open(db->newpath, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0)
		rc = -errno;
	if (rc == 0)
		rc = lease_db_write_at(fd, c->since.data, c->since.len, st.st_size);
	if (rc == 0)
		rc = lease_db_sync_data(fd);
	if (rc == 0 && rename(db->newpath, db->path) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	close(db->fd);
	db->fd = fd;
	db->size = db->end = st.st_size + (off_t)c->since.len;
	db->cut_pending = false;
	db->dir_unsynced = true;
	/* what the new file left out leaves memory too: a restart finds what
	 * memory held */
	lease_table_drop_ended(db->leases, c->seq, c->cutoff);
	db->records = lease_table_count(db->leases) + c->since_records;
	return lease_db_sync_dir(db);
}

int lease_db_compact_finish(struct lease_db *db)
{
	struct compaction *c = &db->compact;
	int status = 0, rc;

	if (c->pid <= 0)
		return -EINVAL;
	rc = reap(c->pid, &status);
	if (rc == 0)
		rc = WIFEXITED(status) ? -WEXITSTATUS(status) : -ECANCELED;
	if (rc == 0)
		rc = c->err;
	if (rc == 0)
		rc = install_new(db);
	if (rc < 0)
		unlink(db->newpath);	/* gone already if the rename was done */
	compaction_end(db);
	return rc;
}
