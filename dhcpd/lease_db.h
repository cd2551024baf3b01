/* pxe-dhcpd's lease database: every lease in memory, and on disk as an
 * append-only journal of text records that admins can read.  An ACK leaves
 * only after its record is durable: records put during a loop turn are
 * written and fdatasync'ed once, together, at the end of the turn. */
#ifndef PXE_DHCPD_LEASE_DB_H
#define PXE_DHCPD_LEASE_DB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A client is known by its client identifier (option 61), or else by its
 * hardware type and address (RFC 2131 §4.2), as stored here. */
#define LEASE_CLIENT_ID_MAX 64
#define LEASE_HOSTNAME_MAX 64

enum lease_state {
	LEASE_ACTIVE,		/* acknowledged, until ends */
	LEASE_RELEASED,		/* given back by the client (RELEASE) */
	LEASE_DECLINED,		/* the client found the address in use (DECLINE) */
	LEASE_EXPIRED,		/* its time ran out */
};

struct lease {
	struct in_addr addr;
	uint8_t client_id[LEASE_CLIENT_ID_MAX];	/* option 61, or hwtype + chaddr */
	uint8_t client_id_len;
	uint8_t hwaddr[16];			/* chaddr, for logs and pxectl */
	uint8_t hwaddr_len;
	enum lease_state state;
	int64_t starts;				/* Unix seconds */
	int64_t ends;				/* Unix seconds; for DECLINED, when it is free again */
	char hostname[LEASE_HOSTNAME_MAX];	/* option 12, printable ASCII only */
};

struct lease_db;

/* The journal's records are followed by room for the next ones, one line of
 * spaces to the end of the file; it grows to the next multiple of this. */
#define LEASE_DB_ROOM_STEP 16384

/* Opens (creating if needed) the journal at path and loads it: the last
 * record for an address wins.  A torn or corrupt last record (a crash in the
 * middle of a write) is skipped and counted in *skipped, and the file is
 * truncated after the last good record; corruption before the end is an
 * error naming PATH:LINE in err.  0, or a negative errno. */
int lease_db_open(const char *path, struct lease_db **out, unsigned *skipped,
		  char *err, size_t errlen);
void lease_db_close(struct lease_db *db);

/* Records a lease (new or changed) in memory and queues its record.  It is
 * not durable until lease_db_commit() returns 0.  0 or -ENOMEM. */
int lease_db_put(struct lease_db *db, const struct lease *l);
/* Writes and fdatasync()s every queued record: one write and one sync for
 * all the leases of a loop turn.  0, or a negative errno (then nothing queued
 * may be acknowledged; the records stay queued for the next try). */
int lease_db_commit(struct lease_db *db);
/* Records queued and not yet durable. */
size_t lease_db_pending(const struct lease_db *db);

const struct lease *lease_db_by_addr(const struct lease_db *db, struct in_addr addr);
const struct lease *lease_db_by_client(const struct lease_db *db, const uint8_t *id,
				       size_t len);
/* Of a client's leases, the last stored and the other ACTIVE ones, the last
 * stored that match accepts (lease_table_find_client()). */
const struct lease *lease_db_find_client(const struct lease_db *db, const uint8_t *id,
					 size_t len, bool (*match)(const struct lease *l, void *arg),
					 void *arg);
/* Every lease in memory, in no particular order: fn returns false to stop. */
void lease_db_each(const struct lease_db *db,
		   bool (*fn)(const struct lease *l, void *arg), void *arg);
size_t lease_db_count(const struct lease_db *db);

/* Compaction: rewrites the journal as one record per lease, without a pause
 * that clients can see: a forked child writes the snapshot to PATH.new and
 * fsyncs it while the daemon goes on appending to the journal; records put
 * meanwhile are appended to the new file too before it is renamed over the
 * journal.  lease_db_compact_start() returns the child's pidfd to watch (or
 * a negative errno; -EBUSY if one runs); when it is readable, call
 * lease_db_compact_finish().  Worth starting when the journal holds more
 * than twice the live records: lease_db_compact_due(). */
bool lease_db_compact_due(const struct lease_db *db);
int lease_db_compact_start(struct lease_db *db);
int lease_db_compact_finish(struct lease_db *db);

/* The record format, for tests and pxectl: one line, "lease ADDR key=value
 * ... crc=XXXXXXXX".  Formats into buf (LEASE_RECORD_MAX bytes); parses a
 * line without its newline.  0 or -EINVAL. */
#define LEASE_RECORD_MAX 512
int lease_record_format(const struct lease *l, char *buf, size_t size);
int lease_record_parse(const char *line, struct lease *l);

#endif
