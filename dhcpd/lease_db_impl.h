/* The lease database's insides, shared by lease_db.c (the journal: open,
 * put, commit) and lease_compact.c (its compaction) and by no other file. */
#ifndef PXE_DHCPD_LEASE_DB_IMPL_H
#define PXE_DHCPD_LEASE_DB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lease_db.h"

#define LEASE_DB_HEADER	"# pxe-dhcpd leases: see pxe-dhcpd(8)\n"

/* Record lines, written together. */
struct lease_db_buf {
	char *data;
	size_t len;
	size_t cap;
};

struct compaction {
	pid_t pid;		/* 0 when none runs */
	int pidfd;
	uint64_t seq;		/* leases put after this are not in the snapshot */
	int64_t cutoff;		/* leases that ended before this are left out */
	struct lease_db_buf since;	/* records committed after the fork */
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
	struct lease_db_buf queue;	/* records put and not yet durable */
	size_t queued;
	struct compaction compact;
};

int lease_db_buf_add(struct lease_db_buf *b, const void *data, size_t len);
/* pwrite until done; the journal's writes, counted for the tests. */
int lease_db_write_at(int fd, const char *data, size_t len, off_t off);
int lease_db_sync_data(int fd);
/* A file created or renamed is durable only once its directory is. */
int lease_db_sync_dir(struct lease_db *db);

/* A commit's records, for the compaction running (if one is). */
void lease_db_compact_note(struct lease_db *db, const struct lease_db_buf *records, size_t n);
/* Stops the compaction running, if one is, and removes its file. */
void lease_db_compact_abort(struct lease_db *db);

#endif
