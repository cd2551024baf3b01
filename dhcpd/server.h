/* pxe-dhcpd's server: the DHCP (67) and proxyDHCP (4011) sockets, one
 * request at a time through decide → answer → send, ACKs held until the
 * turn's leases are on disk, and the timers that expire and compact. */
#ifndef PXE_DHCPD_SERVER_H
#define PXE_DHCPD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assign.h"
#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "iface.h"
#include "log.h"
#include "loop.h"
#include "ping.h"
#include "reply.h"

struct outgoing;
struct ping_wait;

struct dhcpd {
	const struct conf_dhcpd *conf;
	struct loop *loop;
	struct dhcpd_config *cfg;
	struct iface_table ifaces;
	struct lease_db *db;
	struct lease_table *offers;
	struct assign assign;
	int fd;				/* port 67 */
	int proxy_fd;			/* port 4011 */
	int packet_fd;			/* link-layer replies; -1: broadcast instead */
	int compact_fd;			/* pidfd of a compaction, or -1 */
	struct pinger *pinger;		/* ping_check; NULL when off */
	struct ping_wait *ping_waits;	/* OFFERs waiting for their echo check */
	struct outgoing *pending;	/* ACKs waiting for the turn's commit */
	size_t npending, cap_pending;
	struct loop_timer sweep;
	uint64_t last_iface_scan_us;
	struct log_limit noisy;		/* malformed or refused requests */
	struct dhcp_msg req, reply;
	uint8_t pkt[DHCP_MSG_MAX_LEN + 1];
};

/* Config, interfaces and sockets (as root: they bind privileged ports and
 * open the packet socket).  -1 on error (logged). */
int dhcpd_open(struct dhcpd *srv, const struct conf *conf, struct loop *loop);
/* The lease file, once running as the daemon's user: loads it, fills the
 * pools and starts serving.  -1 on error (logged). */
int dhcpd_start(struct dhcpd *srv);
/* A reloaded config: subnets, hosts, classes, options and interfaces; the
 * lease file and the sockets stay.  -1 keeps the old one (logged). */
int dhcpd_reload(struct dhcpd *srv, const struct conf *conf);
void dhcpd_close(struct dhcpd *srv);

#endif
