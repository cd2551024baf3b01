/* Address pools of pxe-dhcpd: which addresses of a range are free, found in
 * O(log n) however large the range (a /8 is 16 million addresses), and
 * never the same free address to two clients at once. */
#ifndef PXE_DHCPD_POOL_H
#define PXE_DHCPD_POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool;

/* The addresses first..last (host order, inclusive).  NULL on ENOMEM or a
 * bad range. */
struct pool *pool_new(uint32_t first, uint32_t last);
void pool_free(struct pool *p);

bool pool_contains(const struct pool *p, uint32_t addr);
/* Marks addr taken (a lease, a static host, an offer on hold, a declined
 * address) or free again.  Addresses outside the pool are ignored. */
void pool_take(struct pool *p, uint32_t addr);
void pool_release(struct pool *p, uint32_t addr);
bool pool_is_free(const struct pool *p, uint32_t addr);
/* A free address, preferring hint if it is free (the address a client had
 * before, or asks for), else the next free one after the last handed out,
 * wrapping around, so addresses are reused as late as possible.  Does not
 * take it.  0 and *addr, or -ENOSPC when none is free. */
int pool_find(struct pool *p, uint32_t hint, uint32_t *addr);
size_t pool_free_count(const struct pool *p);
size_t pool_size(const struct pool *p);

#endif
