/* The lease record's checksum and a parse that says why a line is refused:
 * for lease_db.c's error messages and for the tests. */
#ifndef PXE_DHCPD_LEASE_RECORD_H
#define PXE_DHCPD_LEASE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "lease_db.h"

/* CRC-32 of IEEE 802.3 (zlib's and gzip's), so admins' tools can check it. */
uint32_t lease_record_crc(const void *data, size_t len);
/* lease_record_parse(), but -EBADMSG when the line is a well-formed record
 * whose crc does not match, and -EINVAL for anything else. */
int lease_record_decode(const char *line, struct lease *l);

#endif
