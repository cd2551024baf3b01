/* Unit tests of dhcpd/reply.c: every row of RFC 2131 §4.1's table, frames
 * checked against captured iPXE and syslinux packets and an independent
 * checksum, and a frame sent through loopback in a network namespace. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "child.h"
#include "captures.h"
#include "reply.h"

#define CHILD_SKIP 77	/* a child's status: the namespace could not be made */

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xe2, 0xe0, 0x01 };

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct sockaddr_in sin_of(const char *s, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	sin.sin_addr = ip(s);
	return sin;
}

/* A request from an Ethernet client with no address, no relay and no
 * broadcast bit: the defaults each test changes one field of. */
static void req_init(struct dhcp_msg *req, uint8_t type)
{
	dhcp_msg_init(req);
	req->op = BOOTREQUEST;
	req->htype = 1;
	req->hlen = 6;
	memcpy(req->chaddr, mac, sizeof mac);
	if (type)
		assert_int_equal(dhcp_msg_set_u8(req, OPT_MSG_TYPE, type), 0);
}

/* The request arrived on port 67 from 0.0.0.0:68, and raw frames work. */
static struct reply_origin from_67(void)
{
	return (struct reply_origin){ .src = sin_of("0.0.0.0", 68), .frame_ok = true };
}

static void assert_dest(const struct reply_dest *d, enum reply_how how, const char *to,
			uint16_t port)
{
	assert_int_equal(d->how, how);
	assert_int_equal(d->ip.s_addr, ip(to).s_addr);
	assert_int_equal(d->port, port);
}

/* ---------------------------------------------------------------- RFC 2131 §4.1 */

static void test_relayed_request_answered_to_giaddr_port_67(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPDISCOVER);
	req.giaddr = ip("10.1.0.1");
	req.flags = DHCP_FLAG_BROADCAST;	/* the relay's business, not ours */
	d = reply_route(&req, DHCPOFFER, ip("10.1.0.50"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.1.0.1", 67);
	assert_int_equal(d.src_port, 67);
	assert_false(d.set_broadcast_flag);

	/* A renewing client behind a relay: giaddr wins over ciaddr. */
	req_init(&req, DHCPREQUEST);
	req.giaddr = ip("10.1.0.1");
	req.ciaddr = ip("10.1.0.50");
	d = reply_route(&req, DHCPACK, ip("10.1.0.50"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.1.0.1", 67);
}

static void test_nak_through_relay_asks_caller_for_broadcast_bit(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPREQUEST);
	req.giaddr = ip("10.1.0.1");
	d = reply_route(&req, DHCPNAK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.1.0.1", 67);
	assert_true(d.set_broadcast_flag);
}

static void test_nak_without_relay_is_broadcast_even_to_ciaddr(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPREQUEST);
	req.ciaddr = ip("10.0.0.50");
	d = reply_route(&req, DHCPNAK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);
	assert_int_equal(d.src_port, 67);
	assert_false(d.set_broadcast_flag);
}

static void test_ciaddr_gets_unicast_to_port_68(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPREQUEST);
	req.ciaddr = ip("10.0.0.50");
	req.flags = DHCP_FLAG_BROADCAST;	/* ciaddr comes first in §4.1 */
	d = reply_route(&req, DHCPACK, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.0.0.50", 68);
	assert_int_equal(d.src_port, 67);
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.0.0.50", 68);
}

static void test_broadcast_bit_gets_broadcast(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPDISCOVER);
	req.flags = DHCP_FLAG_BROADCAST;
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);
}

static void test_no_bit_gets_frame_to_chaddr_and_yiaddr(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPDISCOVER);
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_FRAME, "10.0.0.50", 68);
	assert_memory_equal(d.mac, mac, 6);
	assert_int_equal(d.src_port, 67);
	assert_false(d.set_broadcast_flag);

	/* A BOOTP request (no option 53) is answered the same way. */
	req_init(&req, 0);
	d = reply_route(&req, 0, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_FRAME, "10.0.0.50", 68);
}

static void test_frame_falls_back_to_broadcast(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPDISCOVER);
	req.hlen = 8;			/* an EUI-64, not a MAC the kernel can frame to */
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);

	req_init(&req, DHCPDISCOVER);
	req.htype = 6;			/* IEEE 802: not an address we frame for */
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);

	req_init(&req, DHCPDISCOVER);
	from.frame_ok = false;		/* no CAP_NET_RAW */
	d = reply_route(&req, DHCPOFFER, ip("10.0.0.50"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);

	from.frame_ok = true;		/* no address to frame the IP packet to */
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);
}

static void test_inform_ack_goes_to_ciaddr_even_through_relay(void **state)
{
	struct reply_origin from = from_67();
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPINFORM);
	req.ciaddr = ip("10.1.0.77");
	req.giaddr = ip("10.1.0.1");
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.1.0.77", 68);
	assert_int_equal(d.src_port, 67);

	/* An INFORM without ciaddr breaks §4.3.5; §4.1 still finds the client. */
	req.ciaddr = ip("0.0.0.0");
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.1.0.1", 67);
}

static void test_proxy_port_request_answered_to_its_source(void **state)
{
	struct reply_origin from = { .src = sin_of("10.0.0.50", 68), .to_proxy_port = true };
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPREQUEST);
	req.ciaddr = ip("10.0.0.50");
	req.giaddr = ip("10.1.0.1");	/* ignored: the client sent it to us itself */
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.0.0.50", 68);
	assert_int_equal(d.src_port, PXE_PROXY_PORT);

	from.src = sin_of("10.0.0.50", 4011);	/* iPXE sends from 4011 */
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_UNICAST, "10.0.0.50", 4011);
	assert_int_equal(d.src_port, PXE_PROXY_PORT);
}

static void test_proxy_port_request_without_source_follows_rfc_table(void **state)
{
	struct reply_origin from = { .src = sin_of("0.0.0.0", 68), .to_proxy_port = true };
	struct dhcp_msg req;
	struct reply_dest d;

	(void)state;
	req_init(&req, DHCPREQUEST);
	d = reply_route(&req, DHCPACK, ip("0.0.0.0"), &from);
	assert_dest(&d, REPLY_BROADCAST, "255.255.255.255", 68);
	assert_int_equal(d.src_port, PXE_PROXY_PORT);
}

/* ---------------------------------------------------------------- frames */

/* The checksum as RFC 1071 defines it, written apart from reply.c's:
 * byte pairs of the finished packet, not the values it was made from. */
static uint16_t check_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Parses frame (n bytes) as IPv4 + UDP and checks both checksums the way a
 * receiver does: the sum over what is covered, checksum included, is 0xffff. */
static void assert_frame_valid(const uint8_t *f, size_t n, const void *payload, size_t len)
{
	uint8_t pseudo[12] = { 0 };

	assert_int_equal(n, 28 + len);
	assert_int_equal(f[0], 0x45);
	assert_int_equal(f[2] << 8 | f[3], n);
	assert_int_equal(f[6] & 0x40, 0);		/* DF clear */
	assert_int_equal(f[8], 64);
	assert_int_equal(f[9], 17);
	assert_int_equal(check_sum(f, 20, 0), 0xffff);

	memcpy(pseudo, f + 12, 8);
	pseudo[9] = 17;
	memcpy(pseudo + 10, f + 24, 2);			/* the UDP length */
	assert_int_equal(f[24] << 8 | f[25], 8 + len);
	assert_int_not_equal(f[26] << 8 | f[27], 0);	/* 0 would mean "none" */
	assert_int_equal(check_sum(f + 20, n - 20, check_sum(pseudo, 12, 0)), 0xffff);
	if (len)
		assert_memory_equal(f + 28, payload, len);
}

/* The captured iPXE (BIOS) DISCOVER, bios-e1000.pcapng frame 1, went
 * 0.0.0.0:68 to 255.255.255.255:67, TTL 64, DF clear, ID 0x0100, IP
 * checksum 0x7842, UDP checksum 0x4bcd (both good, as tshark checks them);
 * syslinux.efi's, uefi-virtio.pcapng frame 12, is 253 bytes, an odd
 * length: ID 0x3cd9, IP checksum 0x3cfc, UDP checksum 0x3ec3.
 *
 * The captured headers with ID 0.  Its IP checksum by RFC 1624 eqn. 3,
 * HC' = ~(~HC + ~m + m') with m the old ID and m' = 0:
 *   iPXE:     ~(0x87bd + 0xfeff) = ~(0x186bc -> 0x86bd) = 0x7942
 *   syslinux: ~(0xc303 + 0xc326) = ~(0x18629 -> 0x862a) = 0x79d5
 * The UDP header does not cover the ID: it stays byte for byte. */
static const uint8_t ipxe_hdr[28] = {
	0x45, 0x00, 0x01, 0xac, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x79, 0x42,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x44, 0x00, 0x43, 0x01, 0x98, 0x4b, 0xcd,
};
static const uint8_t syslinux_hdr[28] = {
	0x45, 0x00, 0x01, 0x19, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x79, 0xd5,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x44, 0x00, 0x43, 0x01, 0x05, 0x3e, 0xc3,
};

static void check_capture(const char *hex, const uint8_t hdr[28])
{
	struct sockaddr_in src = sin_of("0.0.0.0", 68), dst = sin_of("255.255.255.255", 67);
	uint8_t frame[REPLY_FRAME_MAX];
	size_t len;
	uint8_t *payload = capture_bytes(hex, &len);
	int n = reply_frame_build(frame, sizeof frame, &src, &dst, payload, len);

	assert_int_equal(n, 28 + len);
	assert_memory_equal(frame, hdr, 28);
	assert_frame_valid(frame, (size_t)n, payload, len);
	free(payload);
}

static void test_frame_matches_captured_ipxe_discover_but_id(void **state)
{
	(void)state;
	check_capture(ipxe_bios_discover_hex, ipxe_hdr);
}

static void test_frame_of_odd_length_matches_captured_syslinux_discover(void **state)
{
	(void)state;
	check_capture(syslinux_efi_discover_hex, syslinux_hdr);
}

static void test_frame_checksums_verify_for_every_length(void **state)
{
	struct sockaddr_in src = sin_of("10.77.0.1", 67), dst = sin_of("10.77.0.141", 68);
	uint8_t payload[REPLY_FRAME_PAYLOAD_MAX], frame[REPLY_FRAME_MAX];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof payload; i++) {
		x = x * 1103515245 + 12345;
		payload[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len <= REPLY_FRAME_PAYLOAD_MAX; len++) {
		int n = reply_frame_build(frame, sizeof frame, &src, &dst, payload, len);

		assert_int_equal(n, 28 + len);
		assert_memory_equal(frame + 12, "\x0a\x4d\x00\x01\x0a\x4d\x00\x8d", 8);
		assert_memory_equal(frame + 20, "\x00\x43\x00\x44", 4);
		assert_frame_valid(frame, (size_t)n, payload, len);
	}
}

/* RFC 768: a computed checksum of 0 goes out as 0xffff.  With two payload
 * bytes equal to the checksum c of two zero bytes, the sum comes to 0xffff
 * exactly, so the checksum computes to 0. */
static void test_udp_checksum_of_zero_sent_as_ffff(void **state)
{
	struct sockaddr_in src = sin_of("10.77.0.1", 67), dst = sin_of("10.77.0.141", 68);
	uint8_t payload[2] = { 0, 0 }, frame[64];
	int n;

	(void)state;
	n = reply_frame_build(frame, sizeof frame, &src, &dst, payload, 2);
	assert_int_equal(n, 30);
	memcpy(payload, frame + 26, 2);
	n = reply_frame_build(frame, sizeof frame, &src, &dst, payload, 2);
	assert_int_equal(n, 30);
	assert_int_equal(frame[26] << 8 | frame[27], 0xffff);
	assert_frame_valid(frame, 30, payload, 2);
}

static void test_frame_over_1500_bytes_refused(void **state)
{
	struct sockaddr_in src = sin_of("10.77.0.1", 67), dst = sin_of("10.77.0.141", 68);
	static uint8_t payload[REPLY_FRAME_PAYLOAD_MAX + 1], frame[REPLY_FRAME_MAX + 100];

	(void)state;
	assert_int_equal(reply_frame_build(frame, sizeof frame, &src, &dst, payload,
					   REPLY_FRAME_PAYLOAD_MAX + 1), -EMSGSIZE);
	assert_int_equal(reply_frame_build(frame, sizeof frame, &src, &dst, payload,
					   REPLY_FRAME_PAYLOAD_MAX), 1500);
	assert_int_equal(frame[2] << 8 | frame[3], 1500);
}

static void test_frame_into_small_buffer_refused_without_overrun(void **state)
{
	struct sockaddr_in src = sin_of("10.77.0.1", 67), dst = sin_of("10.77.0.141", 68);
	uint8_t payload[300] = { 0 };
	uint8_t *frame = malloc(327);		/* one byte short: ASan sees any overrun */

	(void)state;
	assert_non_null(frame);
	assert_int_equal(reply_frame_build(frame, 327, &src, &dst, payload, 300), -ENOBUFS);
	assert_int_equal(reply_frame_build(frame, 10, &src, &dst, payload, 0), -ENOBUFS);
	free(frame);
}

/* ---------------------------------------------------------------- sending */

struct send_case {
	bool break_ip_sum, break_udp_sum;
};

/* A frame sent into lo is received as if from a wire, where 127.0.0.1 is
 * a martian destination (route_localnet) and a local source address a
 * martian source (accept_local). */
static int lo_sysctl_on(const char *name)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/lo/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, "1", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

/* A datagram within 1 s.  UDP checks its checksum only when the datagram
 * is read, so poll() may wake for one that recvfrom() then drops. */
static int recv_within_1s(int fd, void *buf, size_t cap, struct sockaddr_in *from)
{
	for (int i = 0; i < 10; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		socklen_t alen = sizeof *from;
		ssize_t n;

		if (poll(&p, 1, 100) < 0)
			return -1;
		n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &alen);
		if (n >= 0 || errno != EAGAIN)
			return (int)n;
	}
	return -1;
}

/* In a fresh network namespace: a frame from 127.0.0.1:67 to a UDP socket
 * on 127.0.0.1, sent through lo's packet interface.  Exit 0 when the
 * payload arrived intact from port 67, 2 when nothing arrived in 1 s. */
static int send_on_lo_child(void *arg)
{
	const struct send_case *c = arg;
	static const uint8_t zero_mac[6];	/* lo's link-layer address */
	struct sockaddr_in at = sin_of("127.0.0.1", 0), peer;
	socklen_t alen = sizeof at;
	uint8_t payload[300], frame[REPLY_FRAME_MAX], got[600];
	int ufd, pfd_raw, n;

	if (unshare(CLONE_NEWNET) != 0)
		return CHILD_SKIP;
	CHECK(lo_up() == 0);
	CHECK(lo_sysctl_on("route_localnet") == 0);
	CHECK(lo_sysctl_on("accept_local") == 0);
	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)(i * 7 + 1);

	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	CHECK(ufd >= 0);
	CHECK(bind(ufd, (struct sockaddr *)&at, sizeof at) == 0);
	CHECK(getsockname(ufd, (struct sockaddr *)&at, &alen) == 0);
	pfd_raw = reply_packet_socket();
	CHECK(pfd_raw >= 0);

	peer = sin_of("127.0.0.1", 67);
	n = reply_frame_build(frame, sizeof frame, &peer, &at, payload, sizeof payload);
	CHECK(n == 328);
	if (c->break_ip_sum)
		frame[11] ^= 1;
	if (c->break_udp_sum)
		frame[27] ^= 1;
	CHECK(reply_frame_send(pfd_raw, (int)if_nametoindex("lo"), zero_mac, frame,
			       (size_t)n) == 0);

	n = recv_within_1s(ufd, got, sizeof got, &peer);
	if (n < 0 && errno == EAGAIN)
		return 2;
	CHECK(n == (int)sizeof payload);
	CHECK(memcmp(got, payload, sizeof payload) == 0);
	CHECK(ntohs(peer.sin_port) == 67);
	CHECK(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	return 0;
}

static int run_send(struct send_case c)
{
	int st;

	need_root();
	st = run_child(send_on_lo_child, &c);
	if (st == CHILD_SKIP)
		skip_or_fail("unshare(CLONE_NEWNET) refused");
	return st;
}

static void test_frame_sent_on_lo_arrives_intact(void **state)
{
	(void)state;
	assert_int_equal(run_send((struct send_case){ 0 }), 0);
}

/* The kernel does check what it is sent, so the test above proves both
 * checksums right rather than unread. */
static void test_frame_with_bad_checksum_dropped_by_kernel(void **state)
{
	(void)state;
	assert_int_equal(run_send((struct send_case){ .break_ip_sum = true }), 2);
	assert_int_equal(run_send((struct send_case){ .break_udp_sum = true }), 2);
}

static int packet_socket_unprivileged_child(void *arg)
{
	(void)arg;
	CHECK(setgroups(0, NULL) == 0);
	CHECK(setresgid(65534, 65534, 65534) == 0);
	CHECK(setresuid(65534, 65534, 65534) == 0);
	CHECK(reply_packet_socket() == -EPERM);
	return 0;
}

static void test_packet_socket_refused_without_cap_net_raw(void **state)
{
	(void)state;
	need_root();
	assert_int_equal(run_child(packet_socket_unprivileged_child, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relayed_request_answered_to_giaddr_port_67),
		cmocka_unit_test(test_nak_through_relay_asks_caller_for_broadcast_bit),
		cmocka_unit_test(test_nak_without_relay_is_broadcast_even_to_ciaddr),
		cmocka_unit_test(test_ciaddr_gets_unicast_to_port_68),
		cmocka_unit_test(test_broadcast_bit_gets_broadcast),
		cmocka_unit_test(test_no_bit_gets_frame_to_chaddr_and_yiaddr),
		cmocka_unit_test(test_frame_falls_back_to_broadcast),
		cmocka_unit_test(test_inform_ack_goes_to_ciaddr_even_through_relay),
		cmocka_unit_test(test_proxy_port_request_answered_to_its_source),
		cmocka_unit_test(test_proxy_port_request_without_source_follows_rfc_table),
		cmocka_unit_test(test_frame_matches_captured_ipxe_discover_but_id),
		cmocka_unit_test(test_frame_of_odd_length_matches_captured_syslinux_discover),
		cmocka_unit_test(test_frame_checksums_verify_for_every_length),
		cmocka_unit_test(test_udp_checksum_of_zero_sent_as_ffff),
		cmocka_unit_test(test_frame_over_1500_bytes_refused),
		cmocka_unit_test(test_frame_into_small_buffer_refused_without_overrun),
		cmocka_unit_test(test_frame_sent_on_lo_arrives_intact),
		cmocka_unit_test(test_frame_with_bad_checksum_dropped_by_kernel),
		cmocka_unit_test(test_packet_socket_refused_without_cap_net_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
