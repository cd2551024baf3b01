/* DHCPv4 messages (RFC 2131, 2132, 3396): decoding a BOOTP/DHCP packet into a
 * plain struct and encoding a reply from one; pure functions, no allocation. */
#ifndef PXE_DHCP_MSG_H
#define PXE_DHCP_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_opt.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define BOOTREQUEST 1
#define BOOTREPLY 2

#define DHCP_FLAG_BROADCAST 0x8000		/* RFC 2131 §2, figure 2 */

/* RFC 2131 §2, figure 1. */
#define DHCP_CHADDR_LEN 16
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_LEN 128
#define DHCP_FIXED_LEN 236			/* op .. file */
#define DHCP_MAGIC_COOKIE 0x63825363u		/* RFC 2131 §3, 99.130.83.99 */
#define DHCP_OPTIONS_OFFSET 240			/* fixed part and cookie */

/* RFC 951 §3: a BOOTP message is 300 bytes (a 64-byte vend field); replies
 * are padded to it because BOOTP relays and clients drop shorter ones. */
#define DHCP_BOOTP_MIN_LEN 300
/* RFC 2131 §2: every client takes a 576-byte IP datagram, the 312-byte
 * options field plus headers; RFC 2132 §9.10: option 57 is never below it. */
#define DHCP_MIN_MAX_MSG_SIZE 576
#define DHCP_IP_UDP_HDR_LEN 28
/* The largest packet decoded: the UDP payload of one 1500-byte Ethernet
 * frame, as ISC dhcpd's DHCP_MTU_MAX.  Clients without an IP stack (PXE
 * ROMs) cannot reassemble fragments, so no real client sends more. */
#define DHCP_MSG_MAX_LEN 1472

/* Room for every option value of the largest message: value bytes can never
 * exceed the bytes of the options field plus an overloaded sname and file
 * (each option costs at least its two header bytes on top), so RFC 3396
 * concatenation of any decodable packet fits: 1472 - 240 + 64 + 128 = 1424. */
#define DHCP_OPT_DATA_MAX (DHCP_MSG_MAX_LEN - DHCP_OPTIONS_OFFSET + DHCP_SNAME_LEN + DHCP_FILE_LEN)

/* Options by code, each value contiguous (instances concatenated per RFC
 * 3396 §7), in one fixed buffer: decoding allocates nothing. */
struct dhcp_opts {
	bool present[256];
	uint16_t off[256];		/* value of code c: data[off[c]], len[c] bytes */
	uint16_t len[256];
	uint8_t order[256];		/* codes in order of first appearance */
	uint16_t count;
	uint16_t used;			/* bytes of data taken */
	uint8_t data[DHCP_OPT_DATA_MAX];
};

struct dhcp_msg {
	uint8_t op;			/* BOOTREQUEST or BOOTREPLY */
	uint8_t htype;
	uint8_t hlen;			/* at most DHCP_CHADDR_LEN */
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;	/* network byte order */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	/* Up to the first NUL; "" when the field carries options instead. */
	char sname[DHCP_SNAME_LEN + 1];
	char file[DHCP_FILE_LEN + 1];
	uint8_t overload;		/* option 52 of a decoded packet, or 0 */
	/* Options dropped on decode because their value broke the table's rule
	 * (a 3-byte server id, two instances of option 53): the count and the
	 * first code, for the log.  The packet itself is kept. */
	uint16_t invalid;
	uint8_t first_invalid;
	/* Why decoding failed, for the log: a static string, NULL on success. */
	const char *error;
	struct dhcp_opts opts;
};

/* Decodes a BOOTP/DHCP packet.  0; -EMSGSIZE for more than
 * DHCP_MSG_MAX_LEN bytes; -EBADMSG for a packet shorter than the fixed part
 * and cookie, a wrong magic cookie, hlen over 16, an option cut by the end
 * of its field, or a bad option 52 (not exactly one byte of 1..3, or found
 * inside the field it overloads).  A missing END is tolerated where the last
 * option ends exactly at the end of its field, as ISC dhcpd and dnsmasq
 * accept; bytes after END are ignored (udhcpc pads after it). */
int dhcp_msg_decode(const uint8_t *pkt, size_t len, struct dhcp_msg *m);

/* A view of option code's value (len bytes, may be 0), or NULL if absent. */
const uint8_t *dhcp_msg_get(const struct dhcp_msg *m, uint8_t code, size_t *len);
bool dhcp_msg_has(const struct dhcp_msg *m, uint8_t code);
/* The first element of an option's value, in host order; false when the
 * option is absent or shorter than the type. */
bool dhcp_msg_get_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v);
bool dhcp_msg_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v);
bool dhcp_msg_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v);
bool dhcp_msg_get_ip(const struct dhcp_msg *m, uint8_t code, struct in_addr *v);
/* Option 53, or 0 for a BOOTP message. */
unsigned dhcp_msg_type(const struct dhcp_msg *m);
/* The largest reply the sender of req takes, as a UDP payload: option 57
 * (raised to 576) less the IP and UDP headers, as ISC dhcpd reads it; 548
 * without option 57; 300 for a BOOTP request (no option 53, RFC 951). */
size_t dhcp_msg_max_reply_len(const struct dhcp_msg *req);

/* An empty message. */
void dhcp_msg_init(struct dhcp_msg *m);
/* A reply to req, with the fields RFC 2131 table 3 copies from a request
 * (htype, hlen, xid, flags, giaddr, chaddr), op BOOTREPLY, option 53 = type
 * (none when type is 0: a BOOTP reply), and option 82 copied byte for byte
 * (RFC 3046 §2.2). */
void dhcp_msg_init_reply(struct dhcp_msg *reply, const struct dhcp_msg *req, uint8_t type);

/* Sets option code to a value the table accepts.  0; -EINVAL for PAD, END,
 * 52 (the encoder owns it) or a value dhcp_opt_validate() refuses; -ENOSPC
 * when the option store is full. */
int dhcp_msg_set(struct dhcp_msg *m, uint8_t code, const void *val, size_t len);
int dhcp_msg_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v);
int dhcp_msg_set_u16(struct dhcp_msg *m, uint8_t code, uint16_t v);
int dhcp_msg_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v);
int dhcp_msg_set_ip(struct dhcp_msg *m, uint8_t code, struct in_addr v);
/* Copies option code from src if src has it; 0 when absent. */
int dhcp_msg_copy_opt(struct dhcp_msg *dst, const struct dhcp_msg *src, uint8_t code);
void dhcp_msg_del(struct dhcp_msg *m, uint8_t code);

struct dhcp_encode_result {
	size_t len;			/* bytes written */
	uint8_t overload;		/* option 52 written, or 0 */
	uint16_t dropped;		/* options left out for want of room */
	uint8_t first_dropped;
};

/* Encodes m as a packet of at most min(cap, dhcp_msg_max_reply_len(req))
 * bytes (req may be NULL: 548).  Options go out 53 first, then in the order
 * of req's parameter request list (RFC 2132 §9.8), then the others in the
 * order they were set, 82 last (RFC 3046 §2.1).  When they do not fit the
 * options field, file and then sname carry options (RFC 2131 §4.1 overload)
 * if m leaves them empty.  Each option stays whole in one field (clients
 * without RFC 3396 read it), split into 255-byte instances only when longer.
 * When even that is too little, options are left out, unrequested ones
 * first, then requested ones from the end of the list; 53, 54, 51 and 82 are
 * never left out.  The message ends with END and is zero-padded to 300 bytes.
 * 0; -EMSGSIZE when 53/54/51/82 cannot fit; -ENOBUFS when the limit is under
 * 300 bytes; -EINVAL for hlen over 16. */
int dhcp_msg_encode(const struct dhcp_msg *m, const struct dhcp_msg *req, uint8_t *buf,
		    size_t cap, struct dhcp_encode_result *res);

/* "53=DISCOVER 57=1472 93=0 60=PXEClient:Arch:00000:UNDI:002001 ...": every
 * option in order of appearance; returns buf (always NUL-terminated). */
const char *dhcp_msg_format_opts(const struct dhcp_msg *m, char *buf, size_t bufsz);

#endif
