/* The life of one transfer: windows of DATA out and ACKs in (RRQ), or DATA
 * in and ACKs out (WRQ), with retransmission timed by RFC 6298 estimates. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/udp.h>
#include <unistd.h>

#include "progress.h"
#include "server.h"
#include "transfer.h"

/* RFC 6298 §2.4 rounds up to 1 s, a WAN figure; a PXE client is a LAN away
 * and answers in well under a millisecond.  The floor is Linux TCP's 200 ms:
 * lower, a busy server's own scheduling delays (a boot storm on two cores)
 * would pass for loss and add resends to the load. */
#define RTO_MIN_US	(200 * 1000)
#define RTO_MAX_US	(60 * 1000 * 1000)
/* How long a finished WRQ stays to re-ACK a repeated last DATA (RFC 1350 §6). */
#define DALLY_US	(2 * 1000 * 1000)
/* Datagrams handed to the kernel per sendmmsg(). */
#define SEND_BATCH	64

static void xfer_send_window(struct xfer *x, uint64_t from);

static uint64_t now_us(const struct xfer *x)
{
	return loop_now_us(x->srv->loop);
}

static void arm(struct xfer *x, uint64_t us)
{
	loop_timer_arm(x->srv->loop, &x->timer, us);
}

/* The ring holds the window's blocks (sent, not yet acknowledged) and one
 * more, read ahead while the client holds the window: an ACK then costs
 * only the send of what is already in memory. */
static size_t slot_index(const struct xfer *x, uint64_t block)
{
	return (size_t)(block % (x->windowsize + 1));
}

static uint8_t *slot(const struct xfer *x, uint64_t block)
{
	return x->ring + slot_index(x, block) * (TFTP_DATA_HDR_LEN + x->blksize);
}

/* A packet the client gets once (an error) or again on timeout (OACK, ACK). */
static void send_pkt(struct xfer *x, const uint8_t *pkt, size_t len)
{
	if (send(x->sock, pkt, len, MSG_DONTWAIT) < 0 && errno != EAGAIN)
		log_debug("tftp: send: %s", strerror(errno));
}

static void send_error(struct xfer *x, uint16_t code, const char *msg)
{
	uint8_t pkt[TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX];
	int n = tftp_error_encode(code, msg, pkt, sizeof pkt);

	if (n > 0)
		send_pkt(x, pkt, (size_t)n);
}

static void send_ack(struct xfer *x, uint64_t block)
{
	int n = tftp_ack_encode((uint16_t)block, x->last_pkt, sizeof x->last_pkt);

	x->last_pkt_len = n > 0 ? (size_t)n : 0;
	send_pkt(x, x->last_pkt, x->last_pkt_len);
}

/* RFC 6298 §2: smoothed RTT and variance from one sample. */
static void rtt_sample(struct xfer *x, uint64_t r)
{
	uint64_t delta;

	if (x->srtt_us == 0) {
		x->srtt_us = r;
		x->rttvar_us = r / 2;
	} else {
		delta = x->srtt_us > r ? x->srtt_us - r : r - x->srtt_us;
		x->rttvar_us = (3 * x->rttvar_us + delta) / 4;
		x->srtt_us = (7 * x->srtt_us + r) / 8;
	}
	x->rto_us = x->srtt_us + 4 * x->rttvar_us;
	if (x->rto_us < RTO_MIN_US)
		x->rto_us = RTO_MIN_US;
	if (x->rto_us > RTO_MAX_US)
		x->rto_us = RTO_MAX_US;
}

/* Reads block into its ring slot; notes the last block when the file ends. */
static int fill_block(struct xfer *x, uint64_t block)
{
	uint8_t *p = slot(x, block);
	ssize_t n;

	if (x->netascii)
		n = netascii_read(&x->nr, p + TFTP_DATA_HDR_LEN, x->blksize);
	else
		n = pread(x->fd, p + TFTP_DATA_HDR_LEN, x->blksize,
			  (off_t)((block - 1) * x->blksize));
	if (n < 0)
		return (int)n == -1 ? -errno : (int)n;
	tftp_data_encode((uint16_t)block, NULL, (size_t)n, p, TFTP_DATA_HDR_LEN + x->blksize);
	x->ring_len[slot_index(x, block)] = (uint32_t)(TFTP_DATA_HDR_LEN + (size_t)n);
	x->filled = block;
	if ((size_t)n < x->blksize)
		x->last = block;
	return 0;
}

/* Blocks from..to one datagram each, by sendmmsg(): the path when UDP
 * segmentation offload is not there.  False when the socket is full. */
static bool send_each(struct xfer *x, uint64_t from, uint64_t to)
{
	struct mmsghdr msgs[SEND_BATCH];
	struct iovec iov[SEND_BATCH];

	while (from <= to) {
		unsigned n = 0;
		int sent;

		for (; from <= to && n < SEND_BATCH; from++, n++) {
			iov[n] = (struct iovec){ slot(x, from), x->ring_len[slot_index(x, from)] };
			msgs[n] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[n], .msg_iovlen = 1 } };
		}
		sent = sendmmsg(x->sock, msgs, n, MSG_DONTWAIT);
		if (sent < 0 && errno != EAGAIN)
			log_debug("tftp: sendmmsg: %s", strerror(errno));
		if (sent < (int)n)
			return false;
	}
	return true;
}

/* Consecutive blocks sit back to back in the ring, each TFTP_DATA_HDR_LEN +
 * blksize long but the file's last: exactly what UDP segmentation offload
 * (UDP_SEGMENT) cuts into datagrams.  One sendmsg() hands the kernel a
 * whole run, and it builds the datagrams in one pass.  0, -EAGAIN when the
 * socket is full, or -EOPNOTSUPP when the kernel or route will not do it. */
static int send_segmented(struct xfer *x, uint64_t from, uint64_t to)
{
	size_t stride = TFTP_DATA_HDR_LEN + x->blksize;
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(uint16_t))];
	} control;
	struct iovec iov = {
		slot(x, from), (size_t)(to - from) * stride + x->ring_len[slot_index(x, to)],
	};
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof control.buf,
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	uint16_t segment = (uint16_t)stride;

	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof segment);
	memcpy(CMSG_DATA(c), &segment, sizeof segment);
	if (sendmsg(x->sock, &mh, MSG_DONTWAIT) >= 0)
		return 0;
	return errno == EAGAIN || errno == ENOBUFS ? -EAGAIN : -EOPNOTSUPP;
}

/* The most blocks one segmented send may carry: the kernel takes at most
 * 64 segments, and at most 64 KiB of UDP payload. */
static uint64_t segment_run(const struct xfer *x)
{
	uint64_t n = 65000 / (TFTP_DATA_HDR_LEN + x->blksize);

	return n > 64 ? 64 : n;
}

/* The blocks from..to of the window, in as few system calls as the kernel
 * allows.  A full socket buffer drops the rest of the window: the
 * retransmission timer sends it again. */
static void send_blocks(struct xfer *x, uint64_t from, uint64_t to)
{
	while (from <= to) {
		/* A run ends where the ring wraps or the kernel's limit is. */
		uint64_t end = from + (x->windowsize - slot_index(x, from));
		uint64_t run = segment_run(x);
		int rc;

		if (end > to)
			end = to;
		if (run >= 2 && end - from + 1 > run)
			end = from + run - 1;
		if (run < 2 || end == from || x->srv->no_segmentation) {
			if (!send_each(x, from, end))
				return;
		} else if ((rc = send_segmented(x, from, end)) == -EAGAIN) {
			return;
		} else if (rc < 0) {
			log_info("tftp: UDP segmentation offload unavailable; sending "
				 "one datagram per block");
			x->srv->no_segmentation = true;
			continue;
		}
		from = end + 1;
	}
}

/* Reads blocks up to block to into the ring; false when the transfer ended
 * on a read error. */
static bool fill_to(struct xfer *x, uint64_t to)
{
	int rc;

	for (uint64_t b = x->filled + 1; b <= to && !(x->last && b > x->last); b++) {
		rc = fill_block(x, b);
		if (rc < 0) {
			send_error(x, TFTP_EUNDEF, "read error");
			xfer_end(x, strerror(-rc));
			return false;
		}
	}
	return true;
}

/* Sends the window that starts at block from: blocks already read go out
 * again, new ones are read first; then the block after the window is read
 * ahead, while the client takes its time to answer. */
static void xfer_send_window(struct xfer *x, uint64_t from)
{
	uint64_t end = x->acked + x->windowsize;

	if (!fill_to(x, end))
		return;
	if (x->last && end > x->last)
		end = x->last;
	send_blocks(x, from, end);
	if (end > x->sent)
		x->sent = end;
	x->window_at_us = now_us(x);
	arm(x, x->rto_us);
	fill_to(x, end + 1);
}

static void rrq_ack(struct xfer *x, uint16_t wire)
{
	uint64_t block = tftp_block_unwrap(x->acked, wire);

	if (x->state == XFER_OACK) {
		if (block != 0)
			return;
		x->state = XFER_SENDING;
		rtt_sample(x, now_us(x) - x->window_at_us);
		x->tries = 0;
		xfer_send_window(x, 1);
		return;
	}
	/* A repeated ACK never triggers a resend: that is what feeds the
	 * Sorcerer's Apprentice storm (RFC 1350 errata, RFC 1123 §4.2.3.1).
	 * Only the timer resends.  An ACK for a block never sent is noise. */
	if (block <= x->acked || block > x->sent)
		return;
	if (!x->resent && block == x->sent)
		rtt_sample(x, now_us(x) - x->window_at_us);
	/* The acknowledged blocks are still in their slots: count them. */
	for (uint64_t b = x->acked + 1; b <= block; b++)
		x->bytes += x->ring_len[slot_index(x, b)] - TFTP_DATA_HDR_LEN;
	x->acked = block;
	x->tries = 0;
	x->resent = false;
	if (x->last && block == x->last) {
		xfer_end(x, NULL);
		return;
	}
	/* RFC 7440 §4: an ACK inside the window means the rest was lost;
	 * the next window starts right after it. */
	xfer_send_window(x, block + 1);
}

static int wrq_write(struct xfer *x, const uint8_t *data, size_t len)
{
	uint8_t buf[TFTP_BLKSIZE_MAX + 1];
	const uint8_t *p = data;
	ssize_t n;

	if (x->netascii) {
		len = netascii_decode(&x->nw, data, len, buf);
		p = buf;
	}
	while (len > 0) {
		n = write(x->pw.fd, p, len);
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void wrq_finish(struct xfer *x)
{
	uint8_t cr;
	int rc = 0;

	if (x->netascii && netascii_decode_end(&x->nw, &cr))
		rc = wrq_write(x, &cr, 1);
	if (rc == 0)
		rc = path_commit_write(&x->pw);
	if (rc < 0) {
		send_error(x, rc == -ENOSPC ? TFTP_ENOSPACE : TFTP_EUNDEF, strerror(-rc));
		xfer_end(x, strerror(-rc));
		return;
	}
	send_ack(x, x->received);
	x->state = XFER_DALLY;
	arm(x, DALLY_US);
}

static void wrq_data(struct xfer *x, const uint8_t *pkt, size_t len)
{
	struct tftp_data d;
	uint64_t block;
	int rc;

	if (tftp_data_decode(pkt, len, &d) < 0 || d.len > x->blksize)
		return;
	block = tftp_block_unwrap(x->received, d.block);
	if (x->state == XFER_DALLY) {
		if (block == x->received)
			send_ack(x, x->received);
		return;
	}
	if (block != x->received + 1) {
		/* RFC 7440 §4: out of order, ACK what arrived in order. */
		if (block > x->received + 1 || x->windowsize == 1)
			send_ack(x, x->received);
		return;
	}
	x->state = XFER_RECEIVING;
	rc = wrq_write(x, d.payload, d.len);
	if (rc < 0) {
		send_error(x, rc == -ENOSPC || rc == -EDQUOT ? TFTP_ENOSPACE : TFTP_EUNDEF,
			   strerror(-rc));
		xfer_end(x, strerror(-rc));
		return;
	}
	x->received = block;
	x->bytes += d.len;
	x->tries = 0;
	if (d.len < x->blksize) {
		wrq_finish(x);
		return;
	}
	if (++x->unacked >= x->windowsize) {
		x->unacked = 0;
		send_ack(x, block);
	}
	arm(x, x->rto_us);
}

/* RFC 1350 §7: an ERROR ends the transfer, and is never answered. */
static void client_error(struct xfer *x, const struct tftp_error *e)
{
	char why[64 + TFTP_ERRMSG_MAX];

	snprintf(why, sizeof why, "client error %u \"%s\"", e->code, e->message);
	xfer_end(x, why);
}

static void on_packet(struct xfer *x, const uint8_t *pkt, size_t len)
{
	struct tftp_error e;
	uint16_t block;

	switch (tftp_packet_opcode(pkt, len)) {
	case TFTP_ACK:
		if (!x->write && tftp_ack_decode(pkt, len, &block) == 0)
			rrq_ack(x, block);
		break;
	case TFTP_DATA:
		if (x->write)
			wrq_data(x, pkt, len);
		break;
	case TFTP_ERROR:
		if (tftp_error_decode(pkt, len, &e) < 0)
			e = (struct tftp_error){ .code = TFTP_EUNDEF };
		client_error(x, &e);
		break;
	default:
		/* RFC 1350 §5: a packet that makes no sense here ends it. */
		send_error(x, TFTP_EBADOP, "unexpected packet");
		xfer_end(x, "unexpected packet");
		break;
	}
}

/* One datagram, if one waits: false when none did. */
static bool receive_one(struct xfer *x)
{
	struct tftpd *srv = x->srv;
	ssize_t n = recv(x->sock, srv->pkt, sizeof srv->pkt, MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0 && errno == ECONNREFUSED) {
		/* ICMP port unreachable: the client has gone. */
		xfer_end(x, "client unreachable");
		return false;
	}
	if (n < 0)
		return false;
	if ((size_t)n <= sizeof srv->pkt)
		on_packet(x, srv->pkt, (size_t)n);
	return true;
}

void xfer_drain(struct xfer *x)
{
	/* A bounded number, so one client cannot hold the loop. */
	for (int i = 0; i < 16 && x->state != XFER_DONE && receive_one(x); i++)
		;
}

/* One datagram per wake-up: epoll is level-triggered, so another waiting
 * one wakes the loop again, and the lock-step case (one ACK at a time) saves
 * the recv() that would only say EAGAIN. */
static void on_readable(struct loop *loop, int fd, uint32_t events, void *arg)
{
	receive_one(arg);
}

static void on_timeout(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct xfer *x = arg;

	if (x->state == XFER_DALLY) {
		xfer_end(x, NULL);
		return;
	}
	if (++x->tries > (unsigned)x->srv->conf->retries) {
		send_error(x, TFTP_EUNDEF, "timed out");
		xfer_end(x, "timed out");
		return;
	}
	/* Karn's rule: back off, and take no sample from what is resent. */
	if (!x->fixed_timeout && x->rto_us < RTO_MAX_US / 2)
		x->rto_us *= 2;
	x->resent = true;
	if (x->state == XFER_SENDING) {
		xfer_send_window(x, x->acked + 1);
		return;
	}
	send_pkt(x, x->last_pkt, x->last_pkt_len);
	x->window_at_us = now_us(x);
	arm(x, x->rto_us);
}

void xfer_start(struct xfer *x, bool send_oack, const struct tftp_options *oack)
{
	struct loop *loop = x->srv->loop;
	int n;

	x->started_us = now_us(x);
	loop_timer_init(&x->timer, on_timeout, x);
	if (loop_watch(loop, x->sock, EPOLLIN, on_readable, x) < 0) {
		xfer_end(x, "cannot watch its socket");
		return;
	}
	x->rto_us = x->fixed_timeout ? x->rto_us : x->srv->conf->retransmit_ms * 1000;
	x->window_at_us = x->started_us;
	if (send_oack) {
		n = tftp_oack_encode(oack, x->last_pkt, sizeof x->last_pkt);
		x->last_pkt_len = n > 0 ? (size_t)n : 0;
		x->state = XFER_OACK;
		send_pkt(x, x->last_pkt, x->last_pkt_len);
		arm(x, x->rto_us);
		return;
	}
	if (x->write) {
		x->state = XFER_RECEIVING;
		send_ack(x, 0);
		arm(x, x->rto_us);
		return;
	}
	x->state = XFER_SENDING;
	xfer_send_window(x, 1);
}

void xfer_end(struct xfer *x, const char *outcome)
{
	char client[ADDR_STRLEN];
	uint64_t us = now_us(x) - x->started_us;

	if (x->state == XFER_DONE)
		return;
	log_info("tftp: %s %s %s mode=%s %s bytes=%llu %llu.%03llus %s",
		 addr_sa_str((const struct sockaddr *)&x->client.ss, client),
		 x->write ? "WRQ" : "RRQ", x->name, x->netascii ? "netascii" : "octet",
		 x->options, (unsigned long long)x->bytes,
		 (unsigned long long)(us / 1000000), (unsigned long long)(us / 1000 % 1000),
		 outcome ? outcome : "ok");
	if (outcome)
		progress_note("tftp-fail", addr_ip_str(&x->client_ip, client), NULL, x->name,
			      "%s", outcome);
	else
		progress_note("tftp-done", addr_ip_str(&x->client_ip, client), NULL, x->name,
			      "bytes=%llu %llu.%03llus", (unsigned long long)x->bytes,
			      (unsigned long long)(us / 1000000),
			      (unsigned long long)(us / 1000 % 1000));
	x->state = XFER_DONE;
	loop_timer_cancel(x->srv->loop, &x->timer);
	loop_unwatch(x->srv->loop, x->sock);
	tftpd_xfer_gone(x->srv, x);
}

void xfer_free(struct xfer *x)
{
	if (x->write && x->pw.fd >= 0)
		path_abort_write(&x->pw);
	if (x->fd >= 0)
		close(x->fd);
	if (x->sock >= 0)
		close(x->sock);
	free(x->ring);
	free(x->ring_len);
	free(x);
}
