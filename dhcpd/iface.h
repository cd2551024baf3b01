/* The interfaces pxe-dhcpd serves: which link a request came in on (by the
 * ifindex of IP_PKTINFO), its address, and the [subnet] of that link. */
#ifndef PXE_DHCPD_IFACE_H
#define PXE_DHCPD_IFACE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "dhcpd_config.h"

struct iface {
	int ifindex;
	char name[IF_NAMESIZE];
	struct in_addr addr;			/* in subnet, or the first IPv4 address */
	const struct dhcpd_subnet *subnet;	/* NULL: no [subnet] for this link */
	bool served;				/* named in interface =, or has a subnet */
};

struct iface_table {
	struct iface *ifs;
	size_t n;
};

/* Reads the system's IPv4 interfaces.  With names (interface =), those are
 * served and each must exist and have an IPv4 address; without, every
 * interface with an address inside a [subnet] is.  0, or -1 with a message
 * in err. */
int iface_table_load(struct iface_table *t, const struct dhcpd_config *cfg, char *err,
		     size_t errlen);
void iface_table_free(struct iface_table *t);
const struct iface *iface_find(const struct iface_table *t, int ifindex);
/* How many are served. */
size_t iface_served(const struct iface_table *t);

#endif
