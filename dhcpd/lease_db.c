/* pxe-dhcpd's lease journal over lease_table.c's memory: appends batched into
 * one write and one sync, a torn tail cut off at open, compaction by a child.
 *
 * The journal's records are followed by room for the next ones: one line of
 * spaces up to the end of the file, written and synced with the records that
 * made it grow.  An append overwrites the start of that room and leaves the
 * file's size alone, so its fdatasync has no new size to record: no journal
 * commit on ext4, only the data (and the inode's block where it keeps the
 * times in place, as ext4 without a journal does). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lease_db.h"
#include "lease_record.h"
#include "lease_table.h"
#include "log.h"
#include "str.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434	/* the same number on every architecture */
#endif

#define JOURNAL_HEADER	"# pxe-dhcpd leases: see pxe-dhcpd(8)\n"
#define OPEN_TRIES	8
#define SNAPSHOT_BUF	65536
/* A bigger step makes the syncs that grow the room (and write the inode)
 * rarer, and the line of spaces that `tail` shows longer. */
#define ROOM_STEP	LEASE_DB_ROOM_STEP
/* Compaction is due when superseded records outnumber the live ones, plus
 * this many, so a small journal is not rewritten over and over. */
#define COMPACT_SLACK	1000
/* RFC 2131 §4.3.1: a client is offered its previous address again, from
 * its expired or released binding, when that address is still free.  Such
 * leases are kept for a week after they end; compaction drops older ones. */
#define KEEP_ENDED	(7 * 24 * 3600)

/* Tests define this to count the journal's writes ('w') and syncs ('s');
 * in the daemon it is a null weak reference. */
void lease_db_test_io(int what) __attribute__((weak));

struct outbuf {
	char *data;
	size_t len;
	size_t cap;
};

struct compaction {
	pid_t pid;		/* 0 when none runs */
	int pidfd;
	uint64_t seq;		/* leases put after this are not in the snapshot */
	int64_t cutoff;		/* leases that ended before this are left out */
	struct outbuf since;	/* records committed after the fork */
	size_t since_records;
	int err;		/* since could not hold them all */
};

struct lease_db {
	char *path;
	char *newpath;		/* PATH.new: compaction's output */
	char *dir;
	int fd;
	off_t size;		/* journal bytes that end with a whole record */
	off_t end;		/* the file's size: past size, room (spaces, '\n') */
	bool cut_pending;	/* a failed write left bytes past size */
	bool dir_unsynced;	/* a rename over the journal not yet durable */
	size_t records;		/* record lines in the journal */

	struct lease_table *leases;
	struct outbuf queue;	/* records put and not yet durable */
	size_t queued;
	struct compaction compact;
};

static void count_io(int what)
{
	if (lease_db_test_io)
		lease_db_test_io(what);
}

/* ---------------------------------------------------------------- lookups */

const struct lease *lease_db_by_addr(const struct lease_db *db, struct in_addr addr)
{
	return lease_table_by_addr(db->leases, addr);
}

const struct lease *lease_db_by_client(const struct lease_db *db, const uint8_t *id,
				       size_t len)
{
	return lease_table_by_client(db->leases, id, len);
}

void lease_db_each(const struct lease_db *db,
		   bool (*fn)(const struct lease *l, void *arg), void *arg)
{
	lease_table_each(db->leases, fn, arg);
}

size_t lease_db_count(const struct lease_db *db)
{
	return lease_table_count(db->leases);
}

/* ---------------------------------------------------------------- file I/O */

static int outbuf_add(struct outbuf *b, const void *data, size_t len)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	while (cap - b->len < len)
		cap *= 2;
	if (cap != b->cap) {
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

/* Empties the buffer, letting go of memory a burst left behind. */
static void outbuf_clear(struct outbuf *b)
{
	b->len = 0;
	if (b->cap > 1 << 20) {
		free(b->data);
		b->data = NULL;
		b->cap = 0;
	}
}

static int write_at(int fd, const char *data, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		count_io('w');
		n = pwrite(fd, data, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		data += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_data(int fd)
{
	count_io('s');
	return fdatasync(fd) < 0 ? -errno : 0;
}

/* A file created or renamed is durable only once its directory is. */
static int sync_dir(struct lease_db *db)
{
	int fd = open(db->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	count_io('s');
	rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		db->dir_unsynced = false;
	return rc;
}

/* Back to the last whole record, so that nothing appended later follows
 * half of one.  When even that fails, the next append tries again first. */
static int cut_back(struct lease_db *db)
{
	db->cut_pending = ftruncate(db->fd, db->size) < 0;
	if (db->cut_pending)
		return -errno;
	db->end = db->size;
	return 0;
}

/* The records, and when they do not fit in the room, new room after them up
 * to the next ROOM_STEP: one write either way. */
static int write_records(struct lease_db *db, const char *data, size_t len)
{
	off_t need = db->size + (off_t)len;
	size_t room;
	char *buf;
	int rc;

	if (need <= db->end)
		return write_at(db->fd, data, len, db->size);
	room = (size_t)((need / ROOM_STEP + 1) * ROOM_STEP - need);
	buf = malloc(len + room);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, len);
	memset(buf + len, ' ', room - 1);
	buf[len + room - 1] = '\n';
	rc = write_at(db->fd, buf, len + room, db->size);
	free(buf);
	if (rc == 0)
		db->end = need + (off_t)room;
	return rc;
}

/* Appends whole records and makes them durable, or leaves the journal
 * ending with the last whole record.  fdatasync is not retried over the
 * same bytes: after a failed sync the kernel may have dropped them and
 * still report the next one as a success, so they are written again. */
static int journal_append(struct lease_db *db, const char *data, size_t len)
{
	int rc = 0;

	if (db->cut_pending)
		rc = cut_back(db);
	if (rc == 0)
		rc = write_records(db, data, len);
	if (rc == 0)
		rc = sync_data(db->fd);
	if (rc == 0 && db->dir_unsynced)
		rc = sync_dir(db);
	if (rc < 0) {
		cut_back(db);
		return rc;
	}
	db->size += (off_t)len;
	return 0;
}

/* ---------------------------------------------------------------- put, commit */

int lease_db_put(struct lease_db *db, const struct lease *l)
{
	char line[LEASE_RECORD_MAX + 1];
	struct lease canon;
	size_t len;

	/* What memory holds is what the journal gives back at the next start:
	 * the record parsed again (host name characters dropped, say). */
	if (lease_record_format(l, line, LEASE_RECORD_MAX) < 0 ||
	    lease_record_parse(line, &canon) < 0)
		return -EINVAL;
	len = strlen(line);
	line[len++] = '\n';
	if (lease_table_reserve(db->leases) < 0 || outbuf_add(&db->queue, line, len) < 0)
		return -ENOMEM;
	lease_table_store(db->leases, &canon);
	db->queued++;
	return 0;
}

int lease_db_commit(struct lease_db *db)
{
	struct compaction *c = &db->compact;
	int rc;

	if (db->queued == 0)
		return 0;
	rc = journal_append(db, db->queue.data, db->queue.len);
	if (rc < 0)
		return rc;
	db->records += db->queued;
	if (c->pid > 0 && c->err == 0) {
		c->err = outbuf_add(&c->since, db->queue.data, db->queue.len);
		c->since_records += db->queued;
	}
	db->queued = 0;
	outbuf_clear(&db->queue);
	return 0;
}

size_t lease_db_pending(const struct lease_db *db)
{
	return db->queued;
}

/* ---------------------------------------------------------------- open */

/* Up to and with the next newline, or to the end. */
static size_t line_len(const struct reader *r)
{
	struct reader peek = *r;
	size_t left = reader_left(r);
	const uint8_t *p = read_ptr(&peek, left);
	const uint8_t *nl = p ? memchr(p, '\n', left) : NULL;

	return nl ? (size_t)(nl - p) + 1 : left;
}

static size_t blank_prefix(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

static bool blank_or_comment(const uint8_t *p, size_t n)
{
	size_t i = blank_prefix(p, n);

	return i == n || p[i] == '#';
}

/* Only blank lines from r on: the room, where a torn record may lie. */
static bool only_room_left(const struct reader *r)
{
	struct reader peek = *r;
	size_t left = reader_left(r);
	const uint8_t *p = read_ptr(&peek, left);
	size_t i = 0;

	while (p && i < left) {
		i += blank_prefix(p + i, left - i);
		if (i < left && p[i] != '\n')
			return false;
		i++;
	}
	return true;
}

/* One line of the journal into memory; *blank says whether it was a blank
 * line.  -EINVAL with *why for a line that is not a good record, comment or
 * blank. */
static int load_line(struct lease_db *db, struct reader *r, bool *blank, const char **why)
{
	char line[LEASE_RECORD_MAX];
	size_t n = line_len(r);
	const uint8_t *p = read_ptr(r, n);
	size_t len = p && n > 0 && p[n - 1] == '\n' ? n - 1 : n;
	struct lease l;
	int rc;

	/* blank: the room, whose last newline a crash while it grew may lose */
	*blank = p && blank_prefix(p, len) == len;
	if (*blank)
		return 0;
	if (len == n) {
		*why = "no newline at its end";
		return -EINVAL;
	}
	n = len;
	if (blank_or_comment(p, n))
		return 0;
	*why = "not a lease record";
	if (n >= sizeof line || memchr(p, '\0', n))
		return -EINVAL;
	memcpy(line, p, n);
	line[n] = '\0';
	rc = lease_record_decode(line, &l);
	if (rc == -EBADMSG)
		*why = "bad crc";
	if (rc < 0)
		return -EINVAL;
	if (lease_table_reserve(db->leases) < 0)
		return -ENOMEM;
	lease_table_store(db->leases, &l);
	db->records++;
	return 0;
}

/* A crash while records were appended leaves at most the last record torn,
 * maybe followed by room: it was never acknowledged, so it goes. */
static int cut_torn(struct lease_db *db, unsigned lineno, const char *why, char *err,
		    size_t errlen)
{
	int rc;

	db->end = db->size;
	rc = ftruncate(db->fd, db->size) < 0 ? -errno : sync_data(db->fd);
	if (rc < 0) {
		str_message(err, errlen, "%s: cutting off a torn last record: %s", db->path,
		    strerror(-rc));
		return rc;
	}
	log_warn("%s:%u: skipped a torn last record (%s), left by a crash during a write; "
		 "the file now ends before it", db->path, lineno, why);
	return 0;
}

/* Loads every line; db->size becomes the end of the last line that is not
 * blank, where the next records go: the blank lines after it are room. */
static int load_map(struct lease_db *db, const uint8_t *map, size_t size, unsigned *torn,
		    char *err, size_t errlen)
{
	struct reader r = reader_init(map, size);
	unsigned lineno = 0;
	const char *why = NULL;
	bool blank = false;
	int rc;

	db->size = 0;
	while (reader_left(&r) > 0) {
		lineno++;
		rc = load_line(db, &r, &blank, &why);
		if (rc == -ENOMEM) {
			str_message(err, errlen, "%s:%u: out of memory", db->path, lineno);
			return rc;
		}
		if (rc == 0) {
			if (!blank)
				db->size = (off_t)reader_offset(&r);
			continue;
		}
		if (!only_room_left(&r)) {
			str_message(err, errlen, "%s:%u: %s, and not on the last line, where a crash "
			    "would leave it: was the file edited by hand? Fix or delete that line",
			    db->path, lineno, why);
			return -EINVAL;
		}
		*torn = 1;
		return cut_torn(db, lineno, why, err, errlen);
	}
	return 0;
}

static int journal_load(struct lease_db *db, unsigned *torn, char *err, size_t errlen)
{
	struct stat st;
	void *map;
	int rc;

	if (fstat(db->fd, &st) < 0) {
		rc = -errno;
		str_message(err, errlen, "%s: %s", db->path, strerror(-rc));
		return rc;
	}
	db->size = db->end = st.st_size;
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, db->fd, 0);
		if (map == MAP_FAILED) {
			rc = -errno;
			str_message(err, errlen, "%s: %s", db->path, strerror(-rc));
			return rc;
		}
		rc = load_map(db, map, (size_t)st.st_size, torn, err, errlen);
		munmap(map, (size_t)st.st_size);
		if (rc < 0)
			return rc;
	}
	if (db->size > 0)
		return 0;
	/* a new journal: its header, and its name in the directory, durable */
	rc = journal_append(db, JOURNAL_HEADER, strlen(JOURNAL_HEADER));
	if (rc == 0)
		rc = sync_dir(db);
	if (rc < 0)
		str_message(err, errlen, "%s: %s", db->path, strerror(-rc));
	return rc;
}

/* The journal, locked so two daemons never append to one file.  A daemon
 * compacting renames a new file over the name between our open and our
 * lock: then the lock is on a file no longer named, so try again. */
static int journal_open(struct lease_db *db, char *err, size_t errlen)
{
	struct stat fst, pst;
	int i, rc;

	for (i = 0; i < OPEN_TRIES; i++) {
		db->fd = open(db->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (db->fd < 0) {
			rc = -errno;
			str_message(err, errlen, "%s: %s", db->path, strerror(-rc));
			return rc;
		}
		if (flock(db->fd, LOCK_EX | LOCK_NB) < 0) {
			rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
			str_message(err, errlen, "%s: %s", db->path, rc == -EBUSY ?
			    "in use by another pxe-dhcpd (it holds the lock)" : strerror(-rc));
			return rc;
		}
		if (fstat(db->fd, &fst) == 0 && stat(db->path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino) {
			unlink(db->newpath);	/* a compaction cut short */
			return 0;
		}
		close(db->fd);
		db->fd = -1;
	}
	str_message(err, errlen, "%s: keeps being replaced", db->path);
	return -EBUSY;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static struct lease_db *db_new(const char *path)
{
	struct lease_db *db = calloc(1, sizeof *db);

	if (!db)
		return NULL;
	db->fd = -1;
	db->compact.pidfd = -1;
	db->path = strdup(path);
	db->dir = dir_of(path);
	if (db->path && asprintf(&db->newpath, "%s.new", path) < 0)
		db->newpath = NULL;
	db->leases = lease_table_new();
	if (!db->path || !db->dir || !db->newpath || !db->leases) {
		lease_db_close(db);
		return NULL;
	}
	return db;
}

int lease_db_open(const char *path, struct lease_db **out, unsigned *skipped,
		  char *err, size_t errlen)
{
	struct lease_db *db = db_new(path);
	unsigned torn = 0;
	int rc;

	*out = NULL;
	str_message(err, errlen, "%s", "");
	if (skipped)
		*skipped = 0;
	if (!db) {
		str_message(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = journal_open(db, err, errlen);
	if (rc == 0)
		rc = journal_load(db, &torn, err, errlen);
	if (rc < 0) {
		lease_db_close(db);
		return rc;
	}
	if (skipped)
		*skipped = torn;
	*out = db;
	return 0;
}

/* ---------------------------------------------------------------- compaction */

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

void lease_db_close(struct lease_db *db)
{
	int status;

	if (!db)
		return;
	if (db->compact.pid > 0) {
		kill(db->compact.pid, SIGKILL);
		reap(db->compact.pid, &status);
		unlink(db->newpath);
		compaction_end(db);
	}
	if (db->fd >= 0)
		close(db->fd);
	lease_table_free(db->leases);
	free(db->queue.data);
	free(db->path);
	free(db->newpath);
	free(db->dir);
	free(db);
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

	write_bytes(&w, JOURNAL_HEADER, strlen(JOURNAL_HEADER));
	for (i = 0; i < n; i++) {
		if (writer_left(&w) < LEASE_RECORD_MAX + 1) {
			rc = write_at(fd, buf, writer_len(&w), off);
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
	return write_at(fd, buf, writer_len(&w), off);
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
		rc = write_at(fd, c->since.data, c->since.len, st.st_size);
	if (rc == 0)
		rc = sync_data(fd);
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
	return sync_dir(db);
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
