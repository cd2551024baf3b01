/* The echo check of ping_check: one ICMP socket, a fixed table of probes
 * each with its own timer, and replies matched by identifier, sequence,
 * cookie and source before a probe counts as answered. */
#include <config.h>

#include <assert.h>
#include <errno.h>
#include <linux/icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ping.h"

#define RECV_PER_WAKEUP 64	/* the rest wait for the next turn */
#define RECV_MAX 576		/* an IP header with options and our echo fit */
#define SLOT_BITS 8

static_assert(PING_MAX_PROBES == 1 << SLOT_BITS, "a sequence number names its slot");

struct probe {
	struct pinger *owner;
	struct loop_timer timer;
	struct in_addr addr;
	ping_done_cb *cb;
	void *arg;
	uint32_t gen;		/* uses of the slot: old handles and replies miss */
	bool busy;
};

struct pinger {
	struct loop *loop;
	int fd;
	bool raw;
	uint16_t id;
	uint8_t cookie[PING_COOKIE_LEN];
	size_t next;		/* where the search for a free slot starts */
	size_t nbusy;
	struct probe probes[PING_MAX_PROBES];
};

/* ---------------------------------------------------------------- messages */

/* RFC 792 (computed as in RFC 1071): the ones' complement of the ones'
 * complement sum of the 16-bit words, an odd last byte padded with zero. */
static uint16_t inet_sum(struct reader r)
{
	uint32_t sum = 0;

	while (reader_left(&r) >= 2)
		sum += read_u16(&r);
	if (reader_left(&r) == 1)
		sum += (uint32_t)read_u8(&r) << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int ping_echo_encode(uint8_t *buf, size_t cap, uint8_t type, uint16_t id, uint16_t seq,
		     const uint8_t cookie[PING_COOKIE_LEN])
{
	struct writer w = writer_init(buf, cap);
	size_t sum_at;

	write_u8(&w, type);
	write_u8(&w, 0);		/* code */
	sum_at = write_reserve(&w, 2);	/* zero while summing */
	write_u16(&w, id);
	write_u16(&w, seq);
	write_bytes(&w, cookie, PING_COOKIE_LEN);
	if (!writer_ok(&w))
		return -ENOBUFS;
	write_u16_at(&w, sum_at, inet_sum(reader_init(buf, writer_len(&w))));
	return (int)writer_len(&w);
}

/* RFC 791 §3.1: the header is IHL words long; the ICMP message runs from
 * there to Total Length. */
static struct reader ip_payload(struct reader *r, struct in_addr *src)
{
	uint8_t vihl = read_u8(r);
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	uint16_t total;
	uint8_t proto;

	read_skip(r, 1);		/* type of service */
	total = read_u16(r);
	read_skip(r, 5);		/* identification, fragment, TTL */
	proto = read_u8(r);
	read_skip(r, 2);		/* header checksum: the kernel checked it */
	src->s_addr = htonl(read_u32(r));
	read_skip(r, 4);		/* destination */
	if (vihl >> 4 != 4 || hlen < 20 || proto != IPPROTO_ICMP || total < hlen) {
		reader_fail(r);
		return read_sub(r, 0);
	}
	read_skip(r, hlen - 20);	/* options */
	return read_sub(r, total - hlen);
}

int ping_reply_decode(const uint8_t *pkt, size_t len, bool ip_header,
		      const uint8_t cookie[PING_COOKIE_LEN], struct ping_reply *out)
{
	struct reader r = reader_init(pkt, len);
	struct reader icmp, whole;
	uint8_t type, code;
	const uint8_t *data;

	*out = (struct ping_reply){ 0 };
	icmp = ip_header ? ip_payload(&r, &out->src) : r;
	whole = icmp;
	type = read_u8(&icmp);
	code = read_u8(&icmp);
	read_skip(&icmp, 2);		/* checksum: summed with the rest below */
	out->id = read_u16(&icmp);
	out->seq = read_u16(&icmp);
	data = read_ptr(&icmp, PING_COOKIE_LEN);
	if (!reader_ok(&r) || !reader_ok(&icmp))
		return -EBADMSG;
	/* A raw socket is handed messages whose checksum nobody checked. */
	if (type != ICMP_ECHO_REPLY || code != 0 || inet_sum(whole) != 0)
		return -EBADMSG;
	/* RFC 792: the echo's data comes back in the reply; another daemon's
	 * or an earlier run's replies carry another cookie. */
	return memcmp(data, cookie, PING_COOKIE_LEN) == 0 ? 0 : -EBADMSG;
}

/* ---------------------------------------------------------------- probes */

static int probe_handle(const struct pinger *p, const struct probe *pr)
{
	size_t slot = (size_t)(pr - p->probes);

	return (int)((pr->gen & 0x7fffff) << SLOT_BITS | slot);
}

/* The slot is free before cb runs, so cb may start or cancel probes. */
static void probe_finish(struct pinger *p, struct probe *pr, bool answered)
{
	ping_done_cb *cb = pr->cb;
	void *arg = pr->arg;

	loop_timer_cancel(p->loop, &pr->timer);
	pr->busy = false;
	p->nbusy--;
	cb(arg, pr->addr, answered);
}

static void on_timeout(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct probe *pr = arg;

	probe_finish(pr->owner, pr, false);
}

/* RFC 792: the reply comes from the address the echo was sent to, with
 * the identifier and sequence number of the echo. */
static void on_reply(struct pinger *p, const struct ping_reply *rep)
{
	struct probe *pr = &p->probes[rep->seq % PING_MAX_PROBES];

	if (rep->id != p->id || !pr->busy || (uint16_t)probe_handle(p, pr) != rep->seq ||
	    pr->addr.s_addr != rep->src.s_addr)
		return;
	probe_finish(p, pr, true);
}

/* Whatever does not decode is dropped without a word: a raw socket also
 * sees the replies to every other ping on the host. */
static void on_readable(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct pinger *p = arg;
	uint8_t buf[RECV_MAX];
	struct sockaddr_in from;
	socklen_t flen;
	struct ping_reply rep;
	ssize_t n;

	for (int i = 0; i < RECV_PER_WAKEUP; i++) {
		flen = sizeof from;
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* Other errors are an ICMP error queued for an earlier echo
		 * (host unreachable): reading it cleared it. */
		if (n < 0 || flen < sizeof from)
			continue;
		if (ping_reply_decode(buf, (size_t)n, p->raw, p->cookie, &rep) < 0)
			continue;
		if (!p->raw)
			rep.src = from.sin_addr;
		on_reply(p, &rep);
	}
}

/* ---------------------------------------------------------------- pinger */

/* The cookie only has to differ from run to run: without entropy yet
 * (early boot), the clock and the pid do. */
static void random_fill(void *dst, size_t n)
{
	struct timespec ts;
	uint64_t x;

	if (getrandom(dst, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 48;
	for (size_t i = 0; i < n; i++, x = x * 6364136223846793005u + 1442695040888963407u)
		((uint8_t *)dst)[i] = (uint8_t)(x >> 56);
}

/* A ping socket fills in the checksum and puts its local port in the
 * identifier, and the kernel hands it only the replies with that
 * identifier; a raw socket sees every ICMP message, IP header first. */
static int socket_open(struct pinger *p)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	uint32_t drop = ~(UINT32_C(1) << ICMP_ECHO_REPLY);

	p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (p->fd >= 0) {
		if (bind(p->fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
		    getsockname(p->fd, (struct sockaddr *)&sin, &len) < 0)
			return -errno;
		p->id = ntohs(sin.sin_port);
		return 0;
	}
	p->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (p->fd < 0)
		return -errno;
	p->raw = true;
	random_fill(&p->id, sizeof p->id);
	/* Only a saving of wake-ups: replies are matched anyway. */
	(void)setsockopt(p->fd, SOL_RAW, ICMP_FILTER, &drop, sizeof drop);
	return 0;
}

struct pinger *ping_open(struct loop *loop)
{
	struct pinger *p = calloc(1, sizeof *p);
	int rc;

	if (p == NULL)
		return NULL;
	p->loop = loop;
	for (size_t i = 0; i < PING_MAX_PROBES; i++) {
		p->probes[i].owner = p;
		loop_timer_init(&p->probes[i].timer, on_timeout, &p->probes[i]);
	}
	random_fill(p->cookie, sizeof p->cookie);
	rc = socket_open(p);
	if (rc == 0)
		rc = loop_watch(loop, p->fd, EPOLLIN, on_readable, p);
	if (rc < 0) {
		if (p->fd >= 0)
			close(p->fd);
		free(p);
		errno = -rc;
		return NULL;
	}
	return p;
}

void ping_close(struct pinger *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < PING_MAX_PROBES; i++)
		loop_timer_cancel(p->loop, &p->probes[i].timer);
	loop_unwatch(p->loop, p->fd);
	close(p->fd);
	free(p);
}

bool ping_uses_raw(const struct pinger *p)
{
	return p->raw;
}

/* Round robin, so a slot's next sequence number comes as late as it can. */
static struct probe *probe_alloc(struct pinger *p)
{
	struct probe *pr;

	if (p->nbusy == PING_MAX_PROBES)
		return NULL;
	for (size_t i = 0;; i++) {
		pr = &p->probes[(p->next + i) % PING_MAX_PROBES];
		if (!pr->busy) {
			p->next = (p->next + i + 1) % PING_MAX_PROBES;
			pr->gen++;
			return pr;
		}
	}
}

int ping_start(struct pinger *p, struct in_addr addr, uint64_t timeout_us,
	       ping_done_cb *cb, void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = addr };
	uint8_t msg[PING_ECHO_LEN];
	struct probe *pr = probe_alloc(p);
	int handle, n;

	if (pr == NULL)
		return -EBUSY;
	handle = probe_handle(p, pr);
	n = ping_echo_encode(msg, sizeof msg, ICMP_ECHO_REQUEST, p->id, (uint16_t)handle,
			     p->cookie);
	if (n < 0)
		return n;
	/* No interface and no SO_DONTROUTE: the routing table picks the way,
	 * the connected route for a local subnet, via the relay for another. */
	if (sendto(p->fd, msg, (size_t)n, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return -errno;
	pr->addr = addr;
	pr->cb = cb;
	pr->arg = arg;
	pr->busy = true;
	p->nbusy++;
	loop_timer_arm(p->loop, &pr->timer, timeout_us);
	return handle;
}

void ping_cancel(struct pinger *p, int handle)
{
	struct probe *pr;

	if (handle < 0)
		return;
	pr = &p->probes[(unsigned)handle % PING_MAX_PROBES];
	if (!pr->busy || probe_handle(p, pr) != handle)
		return;
	loop_timer_cancel(p->loop, &pr->timer);
	pr->busy = false;
	p->nbusy--;
}
