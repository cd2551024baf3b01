/* pxe-dhcpd's address decisions (RFC 2131 §4.3): which address a DISCOVER
 * is offered, whether a REQUEST is acknowledged or refused, and what
 * DECLINE and RELEASE change.  No I/O: the server sends what is decided,
 * and the lease database makes the acknowledged leases durable. */
#ifndef PXE_DHCPD_ASSIGN_H
#define PXE_DHCPD_ASSIGN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "lease_db.h"
#include "lease_table.h"

/* What the decisions read and change. */
struct assign {
	const struct dhcpd_config *cfg;
	struct lease_db *db;
	struct lease_table *offers;	/* addresses on hold for the clients offered them */
	int64_t now;			/* Unix seconds */
	int64_t last_expire;		/* of the last assign_expire() */
};

/* How a client is named (RFC 2131 §4.2): option 61, or htype + chaddr. */
struct client_key {
	uint8_t id[LEASE_CLIENT_ID_MAX];
	size_t len;
};

enum verdict {
	VERDICT_DROP,		/* stay silent (why says why, for the log) */
	VERDICT_OFFER,
	VERDICT_ACK,		/* a lease was put: send once it is committed */
	VERDICT_ACK_INFO,	/* INFORM: configuration only, no lease */
	VERDICT_NAK,
};

struct decision {
	enum verdict verdict;
	struct in_addr yiaddr;
	uint32_t lease_secs;
	const struct dhcpd_subnet *subnet;
	const struct dhcpd_host *host;
	/* A lease was put: an ACK waits for lease_db_commit(); a DECLINE or
	 * RELEASE (DROP: no reply) changed a lease. */
	bool durable;
	bool fresh;		/* OFFER of an address the client did not hold */
	/* ACK: the client's other lease on the subnet, which this one ended
	 * (0.0.0.0: none). */
	struct in_addr ended;
	const char *why;	/* DROP/NAK reason, or a note ("declined") */
};

/* The client's key; false when the request names no client (hlen 0 and no
 * option 61). */
bool assign_client_key(const struct dhcp_msg *req, struct client_key *key);

/* The subnet a request comes from (RFC 2131 §4.3.1): giaddr's when a relay
 * forwarded it, else link, the subnet of the interface it arrived on. */
const struct dhcpd_subnet *assign_subnet(const struct assign *a, const struct dhcp_msg *req,
					 const struct dhcpd_subnet *link);

/* One request, decided.  server_id is this server's identifier (option 54)
 * on the request's link. */
void assign_decide(struct assign *a, const struct dhcp_msg *req,
		   const struct dhcpd_subnet *link, struct in_addr server_id,
		   struct decision *d);

/* addr answered an echo check while free here: some machine uses it
 * unannounced.  It stays out of the pool for decline_hold. */
void assign_conflict(struct assign *a, struct in_addr addr);

/* Marks in the config's pools every address that is not free: active and
 * declined leases, offers on hold, fixed host addresses. */
void assign_fill_pools(struct assign *a);
/* Gives back to the pools the addresses whose lease or offer has ended, and
 * forgets ended offers; returns how many addresses it found free. */
size_t assign_expire(struct assign *a);

#endif
