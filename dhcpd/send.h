/* A reply of pxe-dhcpd on the wire: encoded, routed (reply.h), then sent
 * on the DHCP socket or, to a client without an address, as a frame. */
#ifndef PXE_DHCPD_SEND_H
#define PXE_DHCPD_SEND_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"
#include "reply.h"

/* One reply ready to go, with its log line. */
struct outgoing {
	struct reply_dest dest;
	int ifindex;			/* the interface the request came in on */
	struct in_addr src;		/* the server identifier: the source address */
	size_t len;
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	char log[400];
	/* What the reply tells pxectl status (progress.h) once it has left. */
	const char *event;		/* "offer", "ack", "nak", "proxy-offer", "proxy-ack" */
	char client[INET_ADDRSTRLEN];	/* yiaddr; "" when the reply gives none */
	char mac[24];
	char boot_file[128];		/* "" when the reply names none */
	char note[128];			/* pxe_boot_format(), or a NAK's reason */
};

/* The sockets a reply may leave by. */
struct send_socks {
	int fd;				/* port 67 */
	int proxy_fd;			/* port 4011 */
	int packet_fd;			/* frames; -1 when there is none */
};

/* Sends o: 0 or a negative errno. */
int send_outgoing(const struct send_socks *s, const struct outgoing *o);

#endif
