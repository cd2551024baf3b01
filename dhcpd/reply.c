/* Where pxe-dhcpd sends a reply (RFC 2131 §4.1), and the IPv4+UDP datagram
 * that reaches a client with no address yet through a packet socket. */
#include <config.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "reply.h"

#define HTYPE_ETHERNET 1	/* RFC 1700, ARP hardware types */
#define ETHER_HLEN 6
#define IPV4_HDR_LEN 20
#define UDP_HDR_LEN 8
#define IP_TTL_DEFAULT 64	/* RFC 1700's recommended TTL, Linux's default */

static struct reply_dest unicast(struct reply_dest d, struct in_addr ip, uint16_t port)
{
	d.how = REPLY_UNICAST;
	d.ip = ip;
	d.port = port;
	return d;
}

static struct reply_dest broadcast(struct reply_dest d)
{
	d.how = REPLY_BROADCAST;
	d.ip.s_addr = htonl(INADDR_BROADCAST);
	d.port = DHCP_CLIENT_PORT;
	return d;
}

/* A frame needs a link-layer address the kernel can put in an Ethernet
 * header, a packet socket to send it on, and an IP address to send to. */
static bool frame_possible(const struct dhcp_msg *req, struct in_addr yiaddr,
			   const struct reply_origin *from)
{
	return req->htype == HTYPE_ETHERNET && req->hlen == ETHER_HLEN && from->frame_ok &&
	       yiaddr.s_addr != htonl(INADDR_ANY);
}

struct reply_dest reply_route(const struct dhcp_msg *req, uint8_t type, struct in_addr yiaddr,
			      const struct reply_origin *from)
{
	struct reply_dest d = { .src_port = DHCP_SERVER_PORT };

	if (from->to_proxy_port) {
		/* PXE 2.1 §2.2: the boot server unicasts its DHCPACK back to
		 * the client's source address and port (68 or 4011): the
		 * client has its address by then.  A source of 0.0.0.0 gets
		 * the §4.1 rules below, still from port 4011. */
		d.src_port = PXE_PROXY_PORT;
		if (from->src.sin_addr.s_addr != htonl(INADDR_ANY) && from->src.sin_port != 0)
			return unicast(d, from->src.sin_addr, ntohs(from->src.sin_port));
	}
	/* RFC 2131 §4.3.5: "The server responds to a DHCPINFORM message by sending a
	 * DHCPACK message directly to the address given in the 'ciaddr'
	 * field": directly, so before the giaddr rule. */
	if (type == DHCPACK && dhcp_msg_type(req) == DHCPINFORM &&
	    req->ciaddr.s_addr != htonl(INADDR_ANY))
		return unicast(d, req->ciaddr, DHCP_CLIENT_PORT);
	/* §4.1: "If the 'giaddr' field in a DHCP message from a client is
	 * non-zero, the server sends any return messages to the 'DHCP server'
	 * port on the BOOTP relay agent whose address appears in 'giaddr'."
	 * §4.3.2: "If 'giaddr' is set in the DHCPREQUEST message, ... The
	 * server MUST set the broadcast bit in the DHCPNAK, so that the relay
	 * agent will broadcast the DHCPNAK to the client". */
	if (req->giaddr.s_addr != htonl(INADDR_ANY)) {
		d.set_broadcast_flag = type == DHCPNAK;
		return unicast(d, req->giaddr, DHCP_SERVER_PORT);
	}
	/* §4.1: "In all cases, when 'giaddr' is zero, the server broadcasts
	 * any DHCPNAK messages to 0xffffffff." */
	if (type == DHCPNAK)
		return broadcast(d);
	/* §4.1: "If the 'giaddr' field is zero and the 'ciaddr' field is
	 * nonzero, then the server unicasts DHCPOFFER and DHCPACK messages to
	 * the address in 'ciaddr'." */
	if (req->ciaddr.s_addr != htonl(INADDR_ANY))
		return unicast(d, req->ciaddr, DHCP_CLIENT_PORT);
	/* §4.1: "If 'giaddr' is zero and 'ciaddr' is zero, and the broadcast
	 * bit is set, then the server broadcasts DHCPOFFER and DHCPACK
	 * messages to 0xffffffff." */
	if (req->flags & DHCP_FLAG_BROADCAST)
		return broadcast(d);
	/* §4.1: "If the broadcast bit is not set and 'giaddr' is zero and
	 * 'ciaddr' is zero, then the server unicasts DHCPOFFER and DHCPACK
	 * messages to the client's hardware address and 'yiaddr' address."
	 * Where that frame cannot be sent, a broadcast reaches the client all
	 * the same: every client takes them, as DHCPNAKs come that way. */
	if (!frame_possible(req, yiaddr, from))
		return broadcast(d);
	d.how = REPLY_FRAME;
	d.ip = yiaddr;
	d.port = DHCP_CLIENT_PORT;
	memcpy(d.mac, req->chaddr, sizeof d.mac);
	return d;
}

/* RFC 1071 §4.1: the one's complement sum of 16-bit words, an odd last
 * byte padded with a zero byte. */
static uint32_t sum_bytes(uint32_t sum, const void *p, size_t n)
{
	struct reader r = reader_init(p, n);

	while (reader_left(&r) >= 2)
		sum += read_u16(&r);
	if (reader_left(&r) == 1)
		sum += (uint32_t)read_u8(&r) << 8;
	return sum;
}

static uint32_t sum_addr(uint32_t sum, struct in_addr a)
{
	uint32_t v = ntohl(a.s_addr);

	return sum + (v >> 16) + (v & 0xffff);
}

static uint16_t sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int reply_frame_build(uint8_t *buf, size_t cap, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, const void *payload, size_t len)
{
	struct writer w = writer_init(buf, cap);
	uint16_t udp_len = (uint16_t)(UDP_HDR_LEN + len);
	uint16_t ip_len = (uint16_t)(IPV4_HDR_LEN + udp_len);
	uint16_t sport = ntohs(src->sin_port), dport = ntohs(dst->sin_port);
	uint32_t sum;
	uint16_t csum;

	if (len > REPLY_FRAME_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (cap < REPLY_FRAME_HDR_LEN + len)
		return -ENOBUFS;

	/* RFC 791 §3.1.  Identification 0 and DF clear: the client is on the
	 * link and the datagram fits one Ethernet frame, so nothing fragments
	 * it and no one reassembles by its ID. */
	sum = 0x4500 + ip_len + (IP_TTL_DEFAULT << 8 | IPPROTO_UDP);
	sum = sum_addr(sum_addr(sum, src->sin_addr), dst->sin_addr);
	write_u8(&w, 0x45);			/* version 4, 5 words: no options */
	write_u8(&w, 0);			/* type of service */
	write_u16(&w, ip_len);
	write_u16(&w, 0);			/* identification */
	write_u16(&w, 0);			/* flags, fragment offset */
	write_u8(&w, IP_TTL_DEFAULT);
	write_u8(&w, IPPROTO_UDP);
	write_u16(&w, sum_fold(sum));
	write_bytes(&w, &src->sin_addr, 4);
	write_bytes(&w, &dst->sin_addr, 4);

	/* RFC 768: the checksum covers a pseudo-header (addresses, protocol,
	 * UDP length), the UDP header and the data; a sum of 0 is sent as
	 * 0xffff, since 0 means "no checksum". */
	sum = sum_addr(sum_addr(0, src->sin_addr), dst->sin_addr) + IPPROTO_UDP + udp_len;
	sum += sport + dport + udp_len;
	csum = sum_fold(sum_bytes(sum, payload, len));
	write_u16(&w, sport);
	write_u16(&w, dport);
	write_u16(&w, udp_len);
	write_u16(&w, csum ? csum : 0xffff);
	write_bytes(&w, payload, len);
	return writer_ok(&w) ? (int)writer_len(&w) : -ENOBUFS;
}

int reply_packet_socket(void)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	return fd < 0 ? -errno : fd;
}

int reply_frame_send(int packet_fd, int ifindex, const uint8_t mac[6], const void *frame,
		     size_t len)
{
	/* packet(7): on SOCK_DGRAM the kernel builds the link-layer header
	 * from sll_addr and sll_protocol. */
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
		.sll_halen = ETHER_HLEN,
	};
	ssize_t n;

	memcpy(to.sll_addr, mac, ETHER_HLEN);
	n = sendto(packet_fd, frame, len, 0, (const struct sockaddr *)&to, sizeof to);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
