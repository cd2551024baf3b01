/* tftpload: a fast TFTP read client for benchmarking TFTP servers.
 *
 *   tftpload [options] get FILE        one transfer, lock-step or windowed (RFC 7440)
 *   tftpload [options] storm N FILE    N concurrent transfers from one process (epoll)
 *   tftpload [options] seq N FILE      N transfers one after the other
 *   tftpload [options] hold N FILE     N concurrent transfers ACKed once a second each,
 *                                      held open for -d seconds (to read the server's RSS)
 *   tftpload mkfile PATH SIZE [SEED]   write a test file of the pattern -c checks
 *   tftpload cpu PID                   CPU clock ticks of PID and its descendants
 *   tftpload mem PID                   VmRSS of PID; RSS and PSS summed over its tree
 *
 * Options:
 *   -a ADDR[:PORT]  server (default 127.0.0.1:69)
 *   -b N            ask blksize N (RFC 2348); 0 = do not ask (default 0)
 *   -w N            ask windowsize N (RFC 7440); 0 = do not ask (default 0)
 *   -t              ask tsize (RFC 2349)
 *   -W / -B         the transfer fails ("notgranted", exit 3) unless the server
 *                   grants the windowsize / blksize asked; it is ended at once
 *                   with ERROR 8, so a refusing server costs nothing
 *   -S SIZE         expected file size: any other size is a failure
 *   -c SEED         check every byte against the mkfile pattern of SEED (default 1)
 *   -n              no content check
 *   -o MS           retransmission timeout (default 1000 ms)
 *   -r N            retransmissions before a transfer fails (default 5)
 *   -L SECONDS      the whole run's deadline (default 300)
 *   -d SECONDS      hold: how long to hold after all transfers started (default 4)
 *   -1              storm/hold: every transfer from the same source address
 *
 * storm and hold send each transfer from its own address 127.1.X.Y when the
 * server is on 127.0.0.0/8 (all of it is loopback on Linux), as a boot storm
 * of N machines would: a server's per-client-address limits then see N
 * clients, not one.  get and seq use one address (one client).
 *
 * Every mode prints one line of key=value pairs on stdout (hold prints a
 * READY line first, when the transfers are all open).  A transfer fails on
 * an ERROR packet, a wrong size, a wrong byte, or too many timeouts.
 * Exit status: 0 all transfers good, 1 some failed, 2 usage, 3 not granted.
 *
 * Build: cc -O2 -o tftpload tftpload.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { OP_RRQ = 1, OP_WRQ, OP_DATA, OP_ACK, OP_ERROR, OP_OACK };
enum { ST_IDLE, ST_WAIT, ST_DATA, ST_DONE, ST_FAILED };

#define MAXPKT 65536
#define BATCH 32

static struct {
	struct sockaddr_in srv;
	unsigned blksize, windowsize;
	int tsize, require_ws, require_blk;
	long long expect;
	int check;
	uint64_t seed;
	int timeout_ms, retries, one_source;
	double limit, hold;
	const char *file;
} opt = {
	.expect = -1, .check = 1, .seed = 1, .timeout_ms = 1000, .retries = 5,
	.limit = 300, .hold = 4,
};

struct xfer {
	int fd, state, connected, hold, notgranted;
	struct sockaddr_in tid;
	uint32_t next;		/* next block expected, 32 bits: no wrap here */
	uint32_t gap_acked;	/* block for which a gap ACK went out */
	unsigned since_ack, blksize, ws;
	long long tsize;
	uint64_t bytes;
	double t_start, t_end, t_last, next_ack_at;
	int tries, pending_ack;
	unsigned retrans, dups;
	char err[96];
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "tftpload: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---- the test pattern: 64-bit word i of the file is splitmix64(seed + i) */

static inline uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint8_t pat_byte(uint64_t off)
{
	return (uint8_t)(mix(opt.seed + off / 8) >> (8 * (off % 8)));
}

static int pat_check(uint64_t off, const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len && (off + i) % 8)
		if (p[i] != pat_byte(off + i))
			return 0;
		else
			i++;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w != mix(opt.seed + (off + i) / 8))
			return 0;
	}
	for (; i < len; i++)
		if (p[i] != pat_byte(off + i))
			return 0;
	return 1;
}

static int mkfile(const char *path, uint64_t size, uint64_t seed)
{
	opt.seed = seed;
	FILE *f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	static uint64_t buf[1 << 17];
	uint64_t off = 0;
	while (off < size) {
		size_t n = sizeof buf;
		if (size - off < n)
			n = size - off;
		for (size_t i = 0; i < (n + 7) / 8; i++)
			buf[i] = mix(seed + off / 8 + i);
		if (fwrite(buf, 1, n, f) != n)
			die("%s: write: %s", path, strerror(errno));
		off += n;
	}
	if (fclose(f))
		die("%s: %s", path, strerror(errno));
	return 0;
}

/* ---- packets */

static void fail(struct xfer *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, sizeof x->err, fmt, ap);
	va_end(ap);
	x->state = ST_FAILED;
	x->t_end = now();
}

static void xsend(struct xfer *x, const void *p, size_t n)
{
	ssize_t r;
	if (x->connected)
		r = send(x->fd, p, n, 0);
	else
		r = sendto(x->fd, p, n, 0, (const void *)&opt.srv, sizeof opt.srv);
	(void)r;	/* a lost packet is retransmitted on timeout */
}

static void send_ack(struct xfer *x, uint32_t blk)
{
	uint8_t p[4] = { 0, OP_ACK, (uint8_t)(blk >> 8), (uint8_t)blk };
	xsend(x, p, 4);
}

static void send_error(struct xfer *x, int code, const char *msg)
{
	uint8_t p[128] = { 0, OP_ERROR, 0, (uint8_t)code };
	size_t n = strlen(msg);
	if (n > 100)
		n = 100;
	memcpy(p + 4, msg, n);
	p[4 + n] = 0;
	xsend(x, p, 5 + n);
}

static void send_rrq(struct xfer *x)
{
	uint8_t p[600];
	size_t n = 0;
	p[n++] = 0;
	p[n++] = OP_RRQ;
#define PUT(s) do { size_t l_ = strlen(s) + 1; memcpy(p + n, (s), l_); n += l_; } while (0)
	PUT(opt.file);
	PUT("octet");
	char v[24];
	if (opt.blksize) {
		PUT("blksize");
		snprintf(v, sizeof v, "%u", opt.blksize);
		PUT(v);
	}
	if (opt.windowsize) {
		PUT("windowsize");
		snprintf(v, sizeof v, "%u", opt.windowsize);
		PUT(v);
	}
	if (opt.tsize) {
		PUT("tsize");
		PUT("0");
	}
#undef PUT
	xsend(x, p, n);
}

static int xfer_start(struct xfer *x, int hold, int idx)
{
	memset(x, 0, sizeof *x);
	x->hold = hold;
	x->tsize = -1;
	x->blksize = 512;
	x->ws = 1;
	x->next = 1;
	x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		fail(x, "socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = opt.srv.sin_addr };
	if (idx >= 0 && !opt.one_source && (ntohl(opt.srv.sin_addr.s_addr) >> 24) == 127)
		me.sin_addr.s_addr = htonl(0x7f010000u | ((idx / 250) << 8) | (idx % 250 + 1));
	if (bind(x->fd, (void *)&me, sizeof me) < 0) {
		fail(x, "bind: %s", strerror(errno));
		return -1;
	}
	/* windows of 16 x 64 KiB must fit in the receive buffer */
	int rb = 4 << 20;
	setsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
	x->state = ST_WAIT;
	x->t_start = x->t_last = now();
	send_rrq(x);
	return 0;
}

static void finish(struct xfer *x)
{
	x->t_end = now();
	if (opt.expect >= 0 && (long long)x->bytes != opt.expect) {
		fail(x, "size %" PRIu64 " != expected %lld", x->bytes, opt.expect);
		return;
	}
	if (x->tsize >= 0 && (long long)x->bytes != x->tsize) {
		fail(x, "size %" PRIu64 " != tsize %lld", x->bytes, x->tsize);
		return;
	}
	x->state = ST_DONE;
}

static void do_ack(struct xfer *x, uint32_t blk)
{
	if (x->hold) {
		x->pending_ack = 1;	/* sent by the hold scan, once a second */
		return;
	}
	send_ack(x, blk);
}

static void parse_oack(struct xfer *x, const uint8_t *p, size_t n)
{
	x->blksize = 512;
	x->ws = 1;
	size_t i = 2;
	while (i < n) {
		const char *k = (const char *)p + i;
		size_t kl = strnlen(k, n - i);
		if (i + kl >= n)
			break;
		i += kl + 1;
		const char *v = (const char *)p + i;
		size_t vl = strnlen(v, n - i);
		if (i + vl >= n)
			break;
		i += vl + 1;
		if (!strcasecmp(k, "blksize"))
			x->blksize = strtoul(v, NULL, 10);
		else if (!strcasecmp(k, "windowsize"))
			x->ws = strtoul(v, NULL, 10);
		else if (!strcasecmp(k, "tsize"))
			x->tsize = strtoll(v, NULL, 10);
	}
	if (x->blksize < 8 || x->blksize > 65464)
		fail(x, "bad blksize %u in OACK", x->blksize);
	if (x->ws < 1 || x->ws > 65535)
		fail(x, "bad windowsize %u in OACK", x->ws);
}

static int granted(struct xfer *x)
{
	if (opt.require_ws && opt.windowsize && x->ws != opt.windowsize)
		return 0;
	if (opt.require_blk && opt.blksize && x->blksize != opt.blksize)
		return 0;
	return 1;
}

static void handle(struct xfer *x, const uint8_t *p, size_t n, const struct sockaddr_in *from)
{
	if (x->state != ST_WAIT && x->state != ST_DATA)
		return;
	if (n < 4)
		return;
	if (from && from->sin_family == AF_INET) {
		if (x->connected) {
			if (from->sin_port != x->tid.sin_port ||
			    from->sin_addr.s_addr != x->tid.sin_addr.s_addr)
				return;	/* another transfer ID: not ours */
		} else {
			x->tid = *from;
			if (connect(x->fd, (const void *)from, sizeof *from) == 0)
				x->connected = 1;
		}
	}
	unsigned op = p[0] << 8 | p[1];
	double t = now();

	switch (op) {
	case OP_ERROR: {
		char msg[64];
		snprintf(msg, sizeof msg, "%.*s", (int)(n > 4 ? strnlen((const char *)p + 4, n - 4) : 0),
			 (const char *)p + 4);
		for (char *c = msg; *c; c++)
			if (!isprint((unsigned char)*c) || *c == ' ')
				*c = '_';
		fail(x, "ERROR_%u_%s", p[2] << 8 | p[3], msg);
		return;
	}
	case OP_OACK:
		if (x->state != ST_WAIT) {
			if (x->next == 1 && !x->hold)
				send_ack(x, 0);	/* our ACK 0 was lost */
			x->dups++;
			return;
		}
		parse_oack(x, p, n);
		if (x->state == ST_FAILED)
			return;
		x->state = ST_DATA;
		x->t_last = t;
		x->tries = 0;
		if (!granted(x)) {
			send_error(x, 8, "option not granted");
			x->notgranted = 1;
			fail(x, "notgranted");
			return;
		}
		do_ack(x, 0);
		return;
	case OP_DATA:
		break;
	default:
		return;
	}

	if (x->state == ST_WAIT) {	/* no OACK: the server ignored the options */
		x->state = ST_DATA;
		x->blksize = 512;
		x->ws = 1;
		if ((opt.blksize && opt.blksize != 512 && opt.require_blk) ||
		    (opt.windowsize > 1 && opt.require_ws)) {
			send_error(x, 8, "option not granted");
			x->notgranted = 1;
			fail(x, "notgranted");
			return;
		}
	}
	unsigned blk = p[2] << 8 | p[3];
	size_t len = n - 4;
	if (blk == (x->next & 0xffff)) {
		if (len > x->blksize) {
			fail(x, "DATA %u of %zu bytes > blksize %u", blk, len, x->blksize);
			return;
		}
		uint64_t off = (uint64_t)(x->next - 1) * x->blksize;
		/* ACK first when the block ends a window, then check: the server
		 * reads and sends the next block while we compare */
		int last = len < x->blksize;
		x->since_ack++;
		if (last || x->since_ack >= x->ws) {
			do_ack(x, x->next);
			x->since_ack = 0;
		}
		if (opt.check && !pat_check(off, p + 4, len)) {
			send_error(x, 0, "bad content");
			fail(x, "bad content in block %" PRIu32, x->next);
			return;
		}
		x->bytes += len;
		x->t_last = t;
		x->tries = 0;
		if (last) {
			finish(x);
			return;
		}
		x->next++;
		return;
	}
	/* a duplicate or out of order block */
	x->dups++;
	if (x->hold)
		return;
	if (x->ws == 1) {
		if (blk == ((x->next - 1) & 0xffff))
			send_ack(x, x->next - 1);	/* our ACK was lost */
		return;
	}
	if (x->gap_acked != x->next) {	/* RFC 7440: ACK the last block in order */
		x->gap_acked = x->next;
		x->since_ack = 0;
		send_ack(x, x->next - 1);
	}
}

static void xfer_timeout(struct xfer *x, double t)
{
	if (x->state != ST_WAIT && x->state != ST_DATA)
		return;
	if (x->hold) {
		if (x->pending_ack && t >= x->next_ack_at) {
			send_ack(x, x->next - 1);
			x->pending_ack = 0;
			x->next_ack_at = t + 1.0;
		}
		if (t - x->t_last > 5.0)
			fail(x, "server silent for 5 s");
		if (x->state == ST_WAIT && t - x->t_last > opt.timeout_ms / 1000.0) {
			if (++x->tries > opt.retries) {
				fail(x, "no answer to RRQ");
				return;
			}
			x->retrans++;
			x->t_last = t;
			send_rrq(x);
		}
		return;
	}
	if (t - x->t_last < opt.timeout_ms / 1000.0)
		return;
	if (++x->tries > opt.retries) {
		fail(x, "timeout after %u retransmissions (block %" PRIu32 ")", x->tries - 1, x->next);
		return;
	}
	x->retrans++;
	x->t_last = t;
	x->since_ack = 0;
	if (x->state == ST_WAIT)
		send_rrq(x);
	else
		send_ack(x, x->next - 1);
}

/* ---- drivers */

static uint8_t *bufs[BATCH];
static struct mmsghdr msgs[BATCH];
static struct iovec iovs[BATCH];
static struct sockaddr_in froms[BATCH];

static void bufs_init(void)
{
	for (int i = 0; i < BATCH; i++) {
		bufs[i] = malloc(MAXPKT);
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = MAXPKT;
	}
}

static int drain(struct xfer *x, int flags)
{
	for (int i = 0; i < BATCH; i++) {
		memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &froms[i];
		msgs[i].msg_hdr.msg_namelen = sizeof froms[i];
	}
	int n = recvmmsg(x->fd, msgs, BATCH, flags, NULL);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		handle(x, bufs[i], msgs[i].msg_len,
		       msgs[i].msg_hdr.msg_namelen >= sizeof(struct sockaddr_in) ? &froms[i] : NULL);
	return n;
}

/* one transfer at a time: blocking receive with SO_RCVTIMEO, the cheapest path */
static void run_one(struct xfer *x, double deadline)
{
	if (xfer_start(x, 0, -1) < 0)
		return;
	struct timeval tv = { .tv_sec = opt.timeout_ms / 1000, .tv_usec = opt.timeout_ms % 1000 * 1000 };
	setsockopt(x->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (x->state == ST_WAIT || x->state == ST_DATA) {
		int r = drain(x, MSG_WAITFORONE);
		double t = now();
		if (r == -EAGAIN || r == -EWOULDBLOCK || r == -ECONNREFUSED || r == -EINTR || r >= 0)
			xfer_timeout(x, t);
		else
			fail(x, "recv: %s", strerror(-r));
		if (t > deadline && (x->state == ST_WAIT || x->state == ST_DATA))
			fail(x, "deadline");
	}
	close(x->fd);
	x->fd = -1;
}

static void print_fail(struct xfer *x, int i)
{
	static int shown;
	if (x->state == ST_FAILED && shown++ < 5)
		fprintf(stderr, "tftpload: transfer %d: %s\n", i, x->err);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int mode_get(void)
{
	struct xfer x;
	run_one(&x, now() + opt.limit);
	double el = x.t_end - x.t_start;
	if (x.notgranted) {
		printf("ok=0 notgranted=1 blksize=%u windowsize=%u\n", x.blksize, x.ws);
		return 3;
	}
	printf("ok=%d bytes=%" PRIu64 " secs=%.4f MBps=%.3f MiBps=%.3f blksize=%u windowsize=%u tsize=%lld retrans=%u dups=%u%s%s\n",
	       x.state == ST_DONE, x.bytes, el, x.bytes / el / 1e6, x.bytes / el / 1048576.0,
	       x.blksize, x.ws, x.tsize, x.retrans, x.dups, x.state == ST_DONE ? "" : " err=", x.state == ST_DONE ? "" : x.err);
	return x.state == ST_DONE ? 0 : 1;
}

static int mode_seq(int n)
{
	double t0 = now(), deadline = t0 + opt.limit;
	int ok = 0, failed = 0;
	uint64_t bytes = 0;
	unsigned retrans = 0, blksize = 0, ws = 0;
	for (int i = 0; i < n; i++) {
		struct xfer x;
		run_one(&x, deadline);
		if (x.state == ST_DONE)
			ok++, bytes += x.bytes;
		else
			failed++, print_fail(&x, i);
		retrans += x.retrans;
		blksize = x.blksize;
		ws = x.ws;
		if (now() > deadline) {
			failed += n - i - 1;
			break;
		}
	}
	double el = now() - t0;
	printf("n=%d ok=%d failed=%d bytes=%" PRIu64 " secs=%.4f per_s=%.1f blksize=%u windowsize=%u retrans=%u\n",
	       n, ok, failed, bytes, el, n / el, blksize, ws, retrans);
	return failed ? 1 : 0;
}

static int mode_many(int n, int hold)
{
	struct xfer *xs = calloc(n, sizeof *xs);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (!xs || ep < 0)
		die("out of memory");
	double t0 = now(), deadline = t0 + opt.limit, last_scan = t0;
	int started = 0, live = 0, ready_printed = !hold;
	double hold_until = 0;

	for (;;) {
		double t = now();
		/* storms start every transfer at once; holds start 50 every 5 ms */
		int burst = hold ? 50 : n;
		for (int k = 0; k < burst && started < n; k++, started++) {
			struct xfer *x = &xs[started];
			if (xfer_start(x, hold, started) == 0) {
				struct epoll_event ev = { .events = EPOLLIN, .data.ptr = x };
				epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev);
				live++;
			}
		}
		struct epoll_event evs[256];
		int ne = epoll_wait(ep, evs, 256, hold ? 5 : 10);
		for (int i = 0; i < ne; i++) {
			struct xfer *x = evs[i].data.ptr;
			while (x->state == ST_WAIT || x->state == ST_DATA) {
				int r = drain(x, MSG_DONTWAIT);
				if (r <= 0)
					break;
			}
			if (x->state == ST_DONE || x->state == ST_FAILED) {
				close(x->fd);
				x->fd = -1;
				live--;
			}
		}
		t = now();
		if (t - last_scan >= 0.01 || ne == 0) {
			last_scan = t;
			int opened = 0, active = 0, failed = 0;
			for (int i = 0; i < started; i++) {
				struct xfer *x = &xs[i];
				if (x->fd < 0 && x->state != ST_FAILED && x->state != ST_DONE)
					continue;
				int was = x->state;
				xfer_timeout(x, t);
				if (t > deadline && (x->state == ST_WAIT || x->state == ST_DATA))
					fail(x, "deadline");
				if ((was == ST_WAIT || was == ST_DATA) && x->state >= ST_DONE && x->fd >= 0) {
					if (x->state == ST_FAILED && hold)
						send_error(x, 0, "gave up");
					close(x->fd);
					x->fd = -1;
					live--;
				}
				if (x->state == ST_DATA)
					opened++;
				if (x->state == ST_DATA && t - x->t_last < 3.5)
					active++;
				if (x->state == ST_FAILED)
					failed++;
			}
			if (hold && !ready_printed && started == n &&
			    (opened + failed == n || t - t0 > 20)) {
				printf("READY n=%d open=%d active=%d failed=%d secs=%.2f\n", n, opened, active, failed, t - t0);
				fflush(stdout);
				ready_printed = 1;
				hold_until = t + opt.hold;
			}
			if (hold && ready_printed && t >= hold_until) {
				printf("n=%d open=%d active=%d failed=%d\n", n, opened, active, failed);
				for (int i = 0; i < n; i++)
					if (xs[i].fd >= 0 && (xs[i].state == ST_WAIT || xs[i].state == ST_DATA)) {
						send_error(&xs[i], 0, "benchmark over");
						close(xs[i].fd);
					}
				for (int i = 0; i < n; i++)
					print_fail(&xs[i], i);
				return failed ? 1 : 0;
			}
		}
		if (!hold && started == n && live == 0)
			break;
	}

	int ok = 0, failed = 0;
	uint64_t bytes = 0;
	unsigned retrans = 0, dups = 0;
	double first = 1e300, lastend = 0;
	double *times = calloc(n, sizeof *times);
	for (int i = 0; i < n; i++) {
		struct xfer *x = &xs[i];
		if (x->state == ST_DONE)
			times[ok++] = x->t_end - x->t_start, bytes += x->bytes;
		else
			failed++, print_fail(x, i);
		retrans += x->retrans;
		dups += x->dups;
		if (x->t_start < first)
			first = x->t_start;
		if (x->t_end > lastend)
			lastend = x->t_end;
	}
	/* the transfer times of the good transfers; failures are counted apart */
	qsort(times, ok, sizeof *times, cmp_d);
	double el = lastend - first;
	printf("n=%d ok=%d failed=%d bytes=%" PRIu64 " secs=%.4f MiBps=%.3f MBps=%.3f slowest=%.4f median=%.4f fastest=%.4f blksize=%u windowsize=%u retrans=%u dups=%u\n",
	       n, ok, failed, bytes, el, bytes / el / 1048576.0, bytes / el / 1e6,
	       ok ? times[ok - 1] : 0, ok ? times[ok / 2] : 0, ok ? times[0] : 0,
	       xs[0].blksize, xs[0].ws, retrans, dups);
	return failed ? 1 : 0;
}

/* ---- /proc: CPU and memory of a process tree */

struct pinfo {
	int pid, ppid;
	unsigned long long ticks;
};

static int read_procs(struct pinfo **out)
{
	DIR *d = opendir("/proc");
	if (!d)
		die("/proc: %s", strerror(errno));
	int n = 0, cap = 1024;
	struct pinfo *v = malloc(cap * sizeof *v);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], buf[1024];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = 0;
		char *p = strrchr(buf, ')');
		if (!p)
			continue;
		/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt
		 * majflt cmajflt utime stime cutime cstime */
		char st;
		int ppid;
		unsigned long long f[14];
		if (sscanf(p + 2, "%c %d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &st, &ppid, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8],
			   &f[9], &f[10], &f[11], &f[12]) != 15)
			continue;
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n].pid = atoi(e->d_name);
		v[n].ppid = ppid;
		v[n].ticks = f[9] + f[10] + f[11] + f[12];	/* utime stime cutime cstime */
		n++;
	}
	closedir(d);
	*out = v;
	return n;
}

/* marks in[] the processes of the tree rooted at root; returns how many */
static int tree(struct pinfo *v, int n, int root, char *in)
{
	int count = 0, changed = 1;
	for (int i = 0; i < n; i++)
		if ((in[i] = v[i].pid == root))
			count++;
	while (changed) {
		changed = 0;
		for (int i = 0; i < n; i++) {
			if (in[i])
				continue;
			for (int j = 0; j < n; j++)
				if (in[j] && v[j].pid == v[i].ppid) {
					in[i] = 1;
					count++;
					changed = 1;
					break;
				}
		}
	}
	return count;
}

static long status_kb(int pid, const char *file, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long kb = 0;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl)) {
			kb = strtol(line + kl, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static int mode_cpu(int pid)
{
	struct pinfo *v;
	int n = read_procs(&v);
	char *in = calloc(n, 1);
	int procs = tree(v, n, pid, in);
	if (!procs)
		die("no process %d", pid);
	unsigned long long t = 0;
	for (int i = 0; i < n; i++)
		if (in[i])
			t += v[i].ticks;
	printf("ticks=%llu procs=%d hz=%ld\n", t, procs, sysconf(_SC_CLK_TCK));
	return 0;
}

static int mode_mem(int pid)
{
	struct pinfo *v;
	int n = read_procs(&v);
	char *in = calloc(n, 1);
	int procs = tree(v, n, pid, in);
	if (!procs)
		die("no process %d", pid);
	long rss = status_kb(pid, "status", "VmRSS:"), threads = status_kb(pid, "status", "Threads:");
	long trss = 0, tpss = 0;
	for (int i = 0; i < n; i++)
		if (in[i]) {
			trss += status_kb(v[i].pid, "status", "VmRSS:");
			tpss += status_kb(v[i].pid, "smaps_rollup", "Pss:");
		}
	printf("rss_kb=%ld tree_rss_kb=%ld tree_pss_kb=%ld procs=%d threads=%ld\n", rss, trss, tpss, procs, threads);
	return 0;
}

/* ---- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: tftpload [-a ADDR[:PORT]] [-b BLKSIZE] [-w WINDOWSIZE] [-t] [-W] [-B] [-S SIZE]\n"
		"                [-c SEED | -n] [-o TIMEOUT_MS] [-r RETRIES] [-L SECONDS] [-d SECONDS] [-1]\n"
		"                get FILE | storm N FILE | seq N FILE | hold N FILE\n"
		"       tftpload mkfile PATH SIZE [SEED] | cpu PID | mem PID\n");
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		usage();
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	unsigned port = 69;
	int c;
	while ((c = getopt(argc, argv, "+a:b:w:tWBS:c:no:r:L:d:1h")) != -1) {
		switch (c) {
		case 'a': {
			static char a[64];
			snprintf(a, sizeof a, "%s", optarg);
			char *colon = strchr(a, ':');
			if (colon) {
				*colon = 0;
				port = num(colon + 1);
			}
			addr = a;
			break;
		}
		case 'b': opt.blksize = num(optarg); break;
		case 'w': opt.windowsize = num(optarg); break;
		case 't': opt.tsize = 1; break;
		case 'W': opt.require_ws = 1; break;
		case 'B': opt.require_blk = 1; break;
		case 'S': opt.expect = num(optarg); break;
		case 'c': opt.seed = num(optarg); opt.check = 1; break;
		case 'n': opt.check = 0; break;
		case 'o': opt.timeout_ms = num(optarg); break;
		case 'r': opt.retries = num(optarg); break;
		case 'L': opt.limit = atof(optarg); break;
		case 'd': opt.hold = atof(optarg); break;
		case '1': opt.one_source = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	const char *mode = argv[0];

	if (!strcmp(mode, "mkfile")) {
		if (argc < 3)
			usage();
		return mkfile(argv[1], num(argv[2]), argc > 3 ? num(argv[3]) : 1);
	}
	if (!strcmp(mode, "cpu") && argc == 2)
		return mode_cpu(atoi(argv[1]));
	if (!strcmp(mode, "mem") && argc == 2)
		return mode_mem(atoi(argv[1]));

	opt.srv.sin_family = AF_INET;
	opt.srv.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &opt.srv.sin_addr) != 1)
		die("bad address %s", addr);
	if (opt.timeout_ms < 1)
		opt.timeout_ms = 1;

	/* one socket per transfer: lift the descriptor limit to its hard cap */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	bufs_init();
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(mode, "get") && argc == 2) {
		opt.file = argv[1];
		return mode_get();
	}
	if (argc != 3)
		usage();
	int n = (int)num(argv[1]);
	if (n < 1)
		usage();
	opt.file = argv[2];
	if (!strcmp(mode, "seq"))
		return mode_seq(n);
	if (!strcmp(mode, "storm"))
		return mode_many(n, 0);
	if (!strcmp(mode, "hold"))
		return mode_many(n, 1);
	usage();
	return 2;
}
