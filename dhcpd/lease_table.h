/* pxe-dhcpd's leases in memory, found by address or by client id in O(1)
 * on average: the lease database's index, apart from its journal. */
#ifndef PXE_DHCPD_LEASE_TABLE_H
#define PXE_DHCPD_LEASE_TABLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease_db.h"

struct lease_table;

struct lease_table *lease_table_new(void);
void lease_table_free(struct lease_table *t);

/* Room for one more lease, so that the next lease_table_store() cannot
 * fail.  0 or -ENOMEM. */
int lease_table_reserve(struct lease_table *t);
/* l replaces the lease of its address, or is added; it becomes the lease
 * its client id leads to.  Returns its sequence number: each store counts
 * one up.  Lease pointers handed out stay valid until that lease is dropped. */
uint64_t lease_table_store(struct lease_table *t, const struct lease *l);
/* Drops the leases stored at or before seq that ended before cutoff. */
void lease_table_drop_ended(struct lease_table *t, uint64_t seq, int64_t cutoff);

const struct lease *lease_table_by_addr(const struct lease_table *t, struct in_addr addr);
/* The lease last stored for a client id; lease_table_find_client(): the
 * last stored of the client's leases that match accepts, among that one and
 * the client's other ACTIVE leases. */
const struct lease *lease_table_by_client(const struct lease_table *t, const uint8_t *id,
					  size_t len);
const struct lease *lease_table_find_client(const struct lease_table *t, const uint8_t *id,
					    size_t len,
					    bool (*match)(const struct lease *l, void *arg),
					    void *arg);
void lease_table_each(const struct lease_table *t,
		      bool (*fn)(const struct lease *l, void *arg), void *arg);
size_t lease_table_count(const struct lease_table *t);
/* The sequence number of the last store. */
uint64_t lease_table_seq(const struct lease_table *t);
/* The leases that ended at or after cutoff, least recently stored first, in
 * an array to free(); *n of them.  NULL on ENOMEM. */
const struct lease **lease_table_by_age(const struct lease_table *t, int64_t cutoff,
					size_t *n);

#endif
