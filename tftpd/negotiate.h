/* pxe-tftpd's option negotiation (RFC 2347): which requested options the OACK
 * acknowledges and with which values, or a refusal; pure, no I/O. */
#ifndef PXE_TFTPD_NEGOTIATE_H
#define PXE_TFTPD_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tftp_pkt.h"

/* What the server allows for one request. */
struct negotiate_limits {
	/* Largest block the server uses (config).  Above TFTP_BLKSIZE_MAX counts
	 * as TFTP_BLKSIZE_MAX; below TFTP_BLKSIZE_MIN (0) never grants blksize. */
	unsigned blksize_max;
	/* negotiate_blksize_for_mtu() of the interface the request came in on,
	 * so DATA is never fragmented; 0 when the MTU is unknown. */
	unsigned blksize_mtu;
	/* Seconds.  A requested timeout outside [min, max] is not granted
	 * (RFC 2349 lets the server only echo it); max 0 never grants it. */
	unsigned timeout_min;
	unsigned timeout_max;
	/* Blocks per window; 0 never grants windowsize (lock-step only). */
	unsigned windowsize_max;
	/* RRQ: the file's size, when known (a regular file in octet mode). */
	bool tsize_known;
	uint64_t tsize;
};

struct negotiate_result {
	struct tftp_options oack;	/* what the OACK carries (tftp_oack_encode) */
	bool send_oack;		/* some option was granted: send the OACK first */
	unsigned blksize;	/* octets per DATA: TFTP_BLKSIZE_DEFAULT unless granted */
	unsigned timeout;	/* seconds; 0 when not negotiated (the server's own) */
	unsigned windowsize;	/* blocks per window: 1 unless granted */
	const char *error;	/* on -EPROTO: the message for ERROR 8 */
};

/* The largest blksize whose DATA fits an MTU: mtu - IP header (20 for
 * AF_INET, 40 for AF_INET6) - 8 UDP - 4 TFTP, so 1500 gives 1468 over IPv4
 * and 1448 over IPv6; kept within TFTP_BLKSIZE_MIN..TFTP_BLKSIZE_MAX.  0 when
 * mtu is 0 (unknown) or family is neither. */
unsigned negotiate_blksize_for_mtu(unsigned mtu, int family);

/* Decides the options of a decoded request (tftp_request_decode() == 0).
 * Returns 0: the transfer goes ahead, after an OACK if res->send_oack, else
 * as plain RFC 1350 (RFC 2347: no option accepted, no OACK).  Returns -EPROTO
 * when the request must be refused with ERROR 8 (TFTP_EOPTNEG) carrying
 * res->error: a known option named twice.  res->oack never holds an option
 * the client did not ask for (RFC 2347). */
int negotiate_options(const struct tftp_request *req,
		      const struct negotiate_limits *lim,
		      struct negotiate_result *res);

#endif
