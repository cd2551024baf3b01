/* pxe-dhcpd's lease journal over lease_table.c's memory: appends batched into
 * one write and one sync, a torn tail cut off at open (compaction is in
 * lease_compact.c).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "lease_db.h"
#include "lease_db_impl.h"
#include "lease_record.h"
#include "lease_table.h"
#include "log.h"
#include "str.h"

#define OPEN_TRIES	8
/* A bigger step makes the syncs that grow the room (and write the inode)
 * rarer, and the line of spaces that `tail` shows longer. */
#define ROOM_STEP	LEASE_DB_ROOM_STEP

/* Tests define this to count the journal's writes ('w') and syncs ('s');
 * in the daemon it is a null weak reference. */
void lease_db_test_io(int what) __attribute__((weak));

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

const struct lease *lease_db_find_client(const struct lease_db *db, const uint8_t *id,
					 size_t len, bool (*match)(const struct lease *l, void *arg),
					 void *arg)
{
	return lease_table_find_client(db->leases, id, len, match, arg);
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

int lease_db_buf_add(struct lease_db_buf *b, const void *data, size_t len)
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
static void buf_clear(struct lease_db_buf *b)
{
	b->len = 0;
	if (b->cap > 1 << 20) {
		free(b->data);
		b->data = NULL;
		b->cap = 0;
	}
}

int lease_db_write_at(int fd, const char *data, size_t len, off_t off)
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

int lease_db_sync_data(int fd)
{
	count_io('s');
	return fdatasync(fd) < 0 ? -errno : 0;
}

int lease_db_sync_dir(struct lease_db *db)
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
		return lease_db_write_at(db->fd, data, len, db->size);
	room = (size_t)((need / ROOM_STEP + 1) * ROOM_STEP - need);
	buf = malloc(len + room);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, len);
	memset(buf + len, ' ', room - 1);
	buf[len + room - 1] = '\n';
	rc = lease_db_write_at(db->fd, buf, len + room, db->size);
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
		rc = lease_db_sync_data(db->fd);
	if (rc == 0 && db->dir_unsynced)
		rc = lease_db_sync_dir(db);
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
	if (lease_table_reserve(db->leases) < 0 || lease_db_buf_add(&db->queue, line, len) < 0)
		return -ENOMEM;
	lease_table_store(db->leases, &canon);
	db->queued++;
	return 0;
}

int lease_db_commit(struct lease_db *db)
{
	int rc;

	if (db->queued == 0)
		return 0;
	rc = journal_append(db, db->queue.data, db->queue.len);
	if (rc < 0)
		return rc;
	db->records += db->queued;
	lease_db_compact_note(db, &db->queue, db->queued);
	db->queued = 0;
	buf_clear(&db->queue);
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
	rc = ftruncate(db->fd, db->size) < 0 ? -errno : lease_db_sync_data(db->fd);
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
	rc = journal_append(db, LEASE_DB_HEADER, strlen(LEASE_DB_HEADER));
	if (rc == 0)
		rc = lease_db_sync_dir(db);
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

void lease_db_close(struct lease_db *db)
{
	if (!db)
		return;
	lease_db_compact_abort(db);
	if (db->fd >= 0)
		close(db->fd);
	lease_table_free(db->leases);
	free(db->queue.data);
	free(db->path);
	free(db->newpath);
	free(db->dir);
	free(db);
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
