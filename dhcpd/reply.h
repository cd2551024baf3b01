/* Where pxe-dhcpd sends a reply and how (RFC 2131 §4.1), and the IPv4+UDP
 * datagram for a client that has no address yet, sent on a packet socket. */
#ifndef PXE_DHCPD_REPLY_H
#define PXE_DHCPD_REPLY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"

/* PXE 2.1 §2.2: proxyDHCP REQUESTs go to the boot server on this port. */
#define PXE_PROXY_PORT 4011

enum reply_how {
	REPLY_UNICAST,		/* sendto(ip:port) on the DHCP socket */
	REPLY_BROADCAST,	/* sendto(255.255.255.255:68) out of the interface */
	REPLY_FRAME,		/* reply_frame_build() + reply_frame_send() to mac */
};

struct reply_dest {
	enum reply_how how;
	struct in_addr ip;	/* network order: the IP destination, for every how */
	uint16_t port;		/* host order */
	uint16_t src_port;	/* 67, or 4011 when answering a request to 4011 */
	uint8_t mac[6];		/* REPLY_FRAME: the request's chaddr */
	/* A DHCPNAK through a relay: the caller sets DHCP_FLAG_BROADCAST in
	 * the reply's flags (RFC 2131 §4.3.2), so the relay broadcasts it. */
	bool set_broadcast_flag;
};

/* How the request reached us. */
struct reply_origin {
	struct sockaddr_in src;	/* its source address and port */
	bool to_proxy_port;	/* it arrived on PXE_PROXY_PORT */
	bool frame_ok;		/* a packet socket is open (reply_packet_socket()) */
};

/* Where the reply of type (DHCPOFFER, DHCPACK, DHCPNAK; 0 for a BOOTP reply,
 * routed like an OFFER) to req goes, yiaddr being the reply's.  Relays are
 * recognised by req's giaddr.  Pure. */
struct reply_dest reply_route(const struct dhcp_msg *req, uint8_t type, struct in_addr yiaddr,
			      const struct reply_origin *from);

/* IPv4 header (20 bytes, no options) + UDP header. */
#define REPLY_FRAME_HDR_LEN 28
/* The largest IP datagram built: one Ethernet MTU, as PXE ROMs do not
 * reassemble fragments. */
#define REPLY_FRAME_MAX 1500
#define REPLY_FRAME_PAYLOAD_MAX (REPLY_FRAME_MAX - REPLY_FRAME_HDR_LEN)

/* Writes into buf an IPv4 datagram from src to dst (addresses and ports of
 * both; the ports in network order, as in any sockaddr_in) carrying payload
 * in UDP, checksums filled in, for an AF_PACKET SOCK_DGRAM socket (the
 * kernel adds the link-layer header).  Returns its length; -EMSGSIZE for a
 * payload over REPLY_FRAME_PAYLOAD_MAX; -ENOBUFS when cap is too small. */
int reply_frame_build(uint8_t *buf, size_t cap, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, const void *payload, size_t len);

/* A send-only packet socket: protocol 0 binds it to no EtherType, so it
 * receives nothing.  Non-blocking, close-on-exec.  The fd, or -errno:
 * -EPERM without CAP_NET_RAW, when the caller falls back to broadcast. */
int reply_packet_socket(void);
/* Sends a frame from reply_frame_build() out of interface ifindex to mac,
 * as an IPv4 packet (ETH_P_IP).  0 or -errno (-EAGAIN or -ENOBUFS when the
 * device queue is full). */
int reply_frame_send(int packet_fd, int ifindex, const uint8_t mac[6], const void *frame,
		     size_t len);

#endif
