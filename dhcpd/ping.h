/* pxe-dhcpd's optional check that a new address is unused before it is
 * offered (ping_check): one ICMP echo per address, answered or timed out,
 * many at once on a single socket watched by the loop. */
#ifndef PXE_DHCPD_PING_H
#define PXE_DHCPD_PING_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define PING_MAX_PROBES 256	/* in flight at once; beyond, ping_start is -EBUSY */
#define PING_COOKIE_LEN 8	/* echo data: random per pinger, RFC 792 returns it */
#define PING_ECHO_LEN (8 + PING_COOKIE_LEN)

/* RFC 792 message types. */
enum {
	ICMP_ECHO_REPLY = 0,
	ICMP_ECHO_REQUEST = 8,
};

struct pinger;

/* answered: an echo reply came from addr before the timeout. */
typedef void ping_done_cb(void *arg, struct in_addr addr, bool answered);

/* Opens the ICMP socket: a ping socket (SOCK_DGRAM, allowed by
 * net.ipv4.ping_group_range), else a raw one (CAP_NET_RAW).  Call before
 * privileges are dropped; the socket stays usable after.  NULL and errno
 * (the raw socket's error) when neither can be had. */
struct pinger *ping_open(struct loop *loop);
/* Cancels every probe without calling its callback.  Not from a callback. */
void ping_close(struct pinger *p);
/* True when the raw socket was the one opened. */
bool ping_uses_raw(const struct pinger *p);

/* Sends one echo request to addr, routed like any packet.  Returns a handle
 * (>= 0) for ping_cancel, and cb(arg, addr, answered) is then called exactly
 * once, from the loop; or a negative errno (-EBUSY: the table is full; or
 * the send's error), and cb is never called. */
int ping_start(struct pinger *p, struct in_addr addr, uint64_t timeout_us,
	       ping_done_cb *cb, void *arg);
/* The probe's callback will not be called.  A handle whose probe is over
 * is ignored. */
void ping_cancel(struct pinger *p, int handle);

/* An echo message (RFC 792: type, code 0, checksum, identifier, sequence,
 * then the cookie as data) into buf: its length, or -ENOBUFS. */
int ping_echo_encode(uint8_t *buf, size_t cap, uint8_t type, uint16_t id, uint16_t seq,
		     const uint8_t cookie[PING_COOKIE_LEN]);

struct ping_reply {
	struct in_addr src;	/* from the IP header; 0 without one */
	uint16_t id;
	uint16_t seq;
};

/* An echo reply as a socket returns it: with its IPv4 header first (raw
 * socket) or not (ping socket).  0, or -EBADMSG when it is truncated, not
 * an echo reply, fails its checksum or does not carry cookie. */
int ping_reply_decode(const uint8_t *pkt, size_t len, bool ip_header,
		      const uint8_t cookie[PING_COOKIE_LEN], struct ping_reply *out);

#endif
