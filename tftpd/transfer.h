/* One TFTP transfer: its socket (connected to the client, so the kernel
 * checks the transfer ID), its file, and the state machine that moves the
 * blocks, windows and retransmissions of RFC 1350, 2347 and 7440. */
#ifndef PXE_TFTPD_TRANSFER_H
#define PXE_TFTPD_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "loop.h"
#include "netascii.h"
#include "path.h"
#include "tftp_pkt.h"

struct tftpd;

enum xfer_state {
	XFER_OACK,		/* OACK sent, waiting for ACK 0 (RRQ) or DATA 1 (WRQ) */
	XFER_SENDING,		/* RRQ: windows of DATA out, ACKs in */
	XFER_RECEIVING,		/* WRQ: DATA in, ACKs out */
	XFER_DALLY,		/* WRQ done: re-ACK a repeated last DATA for a while */
	XFER_DONE,		/* ended: waits for the end of the loop turn to be freed */
};

struct xfer {
	struct tftpd *srv;
	struct xfer *prev, *next;
	int sock;
	struct hostport client;
	struct ip_addr client_ip;
	bool write;
	bool netascii;
	enum xfer_state state;
	char name[PATH_NAME_MAX];	/* as requested, for logs */

	int fd;				/* RRQ: the file */
	struct netascii_reader nr;
	struct path_write pw;		/* WRQ */
	struct netascii_writer nw;

	unsigned blksize;
	unsigned windowsize;
	uint64_t tsize;			/* 0 unless negotiated */
	char options[96];		/* "blksize=1408 tsize=42500", for logs */

	/* Blocks are counted in 64 bits from 1; the wire carries the low 16. */
	uint64_t acked;			/* RRQ: highest block the client has */
	uint64_t sent;			/* RRQ: highest block sent */
	uint64_t filled;		/* RRQ: highest block read into the ring */
	uint64_t last;			/* RRQ: the final block, once read; else 0 */
	uint64_t received;		/* WRQ: highest block written */
	unsigned unacked;		/* WRQ: blocks in since our last ACK */
	uint8_t *ring;			/* windowsize + 1 slots of TFTP_DATA_HDR_LEN + blksize */
	uint32_t *ring_len;		/* packet length in each slot */
	uint8_t last_pkt[TFTP_DATA_HDR_LEN + 512];	/* OACK or ACK to repeat */
	size_t last_pkt_len;

	/* RFC 6298 estimates, so retransmissions track the client. */
	struct loop_timer timer;
	unsigned tries;
	bool fixed_timeout;		/* the client negotiated "timeout" */
	bool resent;			/* Karn: no RTT sample from a resent window */
	uint64_t rto_us, srtt_us, rttvar_us;
	uint64_t window_at_us;		/* when the current window went out */

	uint64_t started_us;
	uint64_t bytes;
};

/* Starts a transfer whose socket is connected and whose file is open; sends
 * the OACK, the first window or the first ACK.  Takes ownership of x. */
void xfer_start(struct xfer *x, bool send_oack, const struct tftp_options *oack);
/* Ends a transfer: logs its line and hands it back to the server, which
 * frees it at the end of the loop turn (a callback up the stack may still
 * hold it).  outcome NULL means ok. */
void xfer_end(struct xfer *x, const char *outcome);
/* Handles the packets waiting on the transfer's socket (a bounded number). */
void xfer_drain(struct xfer *x);
/* Closes the file and socket and frees; for the server only. */
void xfer_free(struct xfer *x);

#endif
