/* The reply pxe-dhcpd sends for a decision: RFC 2131 table 3's fields and
 * options, the lease times, and the boot information.  Pure. */
#ifndef PXE_DHCPD_ANSWER_H
#define PXE_DHCPD_ANSWER_H

#include <netinet/in.h>
#include <stdbool.h>

#include "assign.h"
#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "pxe.h"

/* The reply to req for decision d (not VERDICT_DROP), from server_id.  The
 * boot chosen goes to *boot, for the log.  0, or a negative errno of the
 * option store. */
int answer_build(struct dhcp_msg *reply, const struct dhcp_msg *req,
		 const struct dhcpd_config *cfg, const struct decision *d,
		 struct in_addr server_id, struct pxe_boot *boot);

/* proxyDHCP (PXE 2.1 §2.2.4): boot information only, no address, as an
 * OFFER to a DISCOVER or an ACK to a REQUEST on port 4011.  link is the
 * subnet of the request's link (may be NULL).  0, -ENOENT when the client
 * is not a PXE client or has no boot file here, or an option store error. */
int answer_proxy(struct dhcp_msg *reply, const struct dhcp_msg *req,
		 const struct dhcpd_config *cfg, const struct dhcpd_subnet *link,
		 struct in_addr server_id, struct pxe_boot *boot);

#endif
