/* Unit tests of dhcpd/ping.c: echo messages against independent bytes, replies
 * rejected for every way they can be wrong, and live probes in a network
 * namespace through both the ping socket and the raw socket. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
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
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "buf.h"
#include "child.h"
#include "ping.h"

#define CHILD_SKIP 77	/* a child's status: the namespace could not be made */
#define CHILD_NO_VETH 78	/* a child's status: `ip link add ... type veth` failed */

static const uint8_t cookie[PING_COOKIE_LEN] = { 'p', 'x', 'e', '-', 'p', 'i', 'n', 'g' };

static struct in_addr ip(const char *s)
{
	struct in_addr a = { 0 };

	inet_pton(AF_INET, s, &a);
	return a;
}

/* RFC 1071's sum, written out plainly to check ping.c's against. */
static uint16_t sum16(const uint8_t *b, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += i % 2 ? b[i] : (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void resum(uint8_t *icmp, size_t n)
{
	uint16_t s;

	icmp[2] = icmp[3] = 0;
	s = sum16(icmp, n);
	icmp[2] = (uint8_t)(s >> 8);
	icmp[3] = (uint8_t)s;
}

static size_t reply_of(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq)
{
	int n = ping_echo_encode(buf, cap, ICMP_ECHO_REPLY, id, seq, cookie);

	assert_int_equal(n, PING_ECHO_LEN);
	return (size_t)n;
}

/* An IPv4 header of ihl words (options zero) from src before an ICMP
 * message of icmp_len bytes; returns the header's length. */
static size_t ip_header_of(uint8_t *buf, size_t cap, unsigned ihl, uint8_t proto,
			   const char *src, size_t icmp_len)
{
	struct writer w = writer_init(buf, cap);

	write_u8(&w, (uint8_t)(4 << 4 | ihl));
	write_u8(&w, 0);
	write_u16(&w, (uint16_t)(ihl * 4 + icmp_len));
	write_u32(&w, 0);		/* identification, fragment */
	write_u8(&w, 64);
	write_u8(&w, proto);
	write_u16(&w, 0);
	write_u32(&w, ntohl(ip(src).s_addr));
	write_u32(&w, ntohl(ip("10.0.0.1").s_addr));
	write_zero(&w, ihl * 4 - 20);
	assert_true(writer_ok(&w));
	return writer_len(&w);
}

/* ---------------------------------------------------------------- messages */

static void test_echo_request_matches_independent_bytes(void **state)
{
	/* From a separate implementation of RFC 792 and RFC 1071. */
	static const uint8_t want[] = { 0x08, 0x00, 0x30, 0x53, 0x12, 0x34, 0x01, 0x02,
					0x70, 0x78, 0x65, 0x2d, 0x70, 0x69, 0x6e, 0x67 };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(ping_echo_encode(buf, sizeof buf, ICMP_ECHO_REQUEST, 0x1234, 0x0102,
					  cookie), sizeof want);
	assert_memory_equal(buf, want, sizeof want);
}

static void test_encode_into_small_buffer_refused(void **state)
{
	uint8_t buf[PING_ECHO_LEN + 1];

	(void)state;
	memset(buf, 0xaa, sizeof buf);
	assert_int_equal(ping_echo_encode(buf, PING_ECHO_LEN - 1, ICMP_ECHO_REQUEST, 1, 1,
					  cookie), -ENOBUFS);
	assert_int_equal(buf[PING_ECHO_LEN - 1], 0xaa);
}

static void test_reply_without_ip_header_decodes(void **state)
{
	uint8_t buf[64];
	size_t n = reply_of(buf, sizeof buf, 0xbeef, 0x0305);
	struct ping_reply r;

	(void)state;
	assert_int_equal(sum16(buf, n), 0);
	assert_int_equal(ping_reply_decode(buf, n, false, cookie, &r), 0);
	assert_int_equal(r.id, 0xbeef);
	assert_int_equal(r.seq, 0x0305);
	assert_int_equal(r.src.s_addr, 0);

	/* Only the cookie is compared: bytes after it are ignored. */
	memset(buf + n, 0, sizeof buf - n);
	resum(buf, 40);
	assert_int_equal(ping_reply_decode(buf, 40, false, cookie, &r), 0);
}

static void test_reply_with_ip_header_and_options_decodes(void **state)
{
	uint8_t buf[128];
	struct ping_reply r;

	(void)state;
	for (unsigned ihl = 5; ihl <= 15; ihl += 5) {
		size_t h = ip_header_of(buf, sizeof buf, ihl, 1, "10.99.0.7", PING_ECHO_LEN);
		size_t n = h + reply_of(buf + h, sizeof buf - h, 7, 9);

		assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), 0);
		assert_int_equal(r.src.s_addr, ip("10.99.0.7").s_addr);
		assert_int_equal(r.id, 7);
		assert_int_equal(r.seq, 9);
		/* The same bytes read as a ping socket's: an IP header is no echo reply. */
		assert_int_equal(ping_reply_decode(buf, n, false, cookie, &r), -EBADMSG);
	}
}

static void test_truncated_reply_rejected_at_every_length(void **state)
{
	uint8_t buf[128];
	size_t h = ip_header_of(buf, sizeof buf, 6, 1, "10.0.0.2", PING_ECHO_LEN);
	size_t n = h + reply_of(buf + h, sizeof buf - h, 1, 2);
	struct ping_reply r;

	(void)state;
	for (size_t len = 0; len < n; len++)
		assert_int_equal(ping_reply_decode(buf, len, true, cookie, &r), -EBADMSG);
	for (size_t len = 0; len < PING_ECHO_LEN; len++)
		assert_int_equal(ping_reply_decode(buf + h, len, false, cookie, &r), -EBADMSG);
	assert_int_equal(ping_reply_decode(NULL, 0, false, cookie, &r), -EBADMSG);
}

static void test_other_types_and_codes_rejected(void **state)
{
	static const uint8_t kinds[][2] = { { ICMP_ECHO_REQUEST, 0 }, { 3, 1 }, { 11, 0 },
					    { ICMP_ECHO_REPLY, 1 } };
	uint8_t buf[64];
	size_t n;
	struct ping_reply r;

	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		n = reply_of(buf, sizeof buf, 1, 2);
		buf[0] = kinds[i][0];
		buf[1] = kinds[i][1];
		resum(buf, n);
		assert_int_equal(ping_reply_decode(buf, n, false, cookie, &r), -EBADMSG);
	}
}

static void test_wrong_cookie_rejected(void **state)
{
	uint8_t buf[64];
	size_t n;
	struct ping_reply r;

	(void)state;
	for (size_t i = 0; i < PING_COOKIE_LEN; i++) {
		n = reply_of(buf, sizeof buf, 1, 2);
		buf[8 + i] ^= 0x01;
		resum(buf, n);
		assert_int_equal(ping_reply_decode(buf, n, false, cookie, &r), -EBADMSG);
	}
}

static void test_bad_checksum_rejected(void **state)
{
	uint8_t buf[64];
	size_t n;
	struct ping_reply r;

	(void)state;
	for (size_t i = 0; i < PING_ECHO_LEN; i++) {
		n = reply_of(buf, sizeof buf, 0x4242, 0x1717);
		buf[i] ^= 0x10;
		assert_int_equal(ping_reply_decode(buf, n, false, cookie, &r), -EBADMSG);
	}
}

static void test_bad_ip_header_rejected(void **state)
{
	uint8_t buf[128];
	size_t h, n;
	struct ping_reply r;

	(void)state;
	h = ip_header_of(buf, sizeof buf, 5, 17, "10.0.0.2", PING_ECHO_LEN);	/* UDP */
	n = h + reply_of(buf + h, sizeof buf - h, 1, 2);
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);

	h = ip_header_of(buf, sizeof buf, 5, 1, "10.0.0.2", PING_ECHO_LEN);
	n = h + reply_of(buf + h, sizeof buf - h, 1, 2);
	buf[0] = 0x65;			/* version 6 */
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		buf[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	}
	buf[0] = 0x4f;			/* 60 bytes of header: past the message */
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	buf[0] = 0x45;
	buf[2] = 0;
	buf[3] = 19;			/* total length shorter than the header */
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	buf[3] = (uint8_t)(n + 1);	/* longer than what was received */
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	buf[3] = (uint8_t)(n - 1);	/* cuts the echo short */
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), -EBADMSG);
	buf[3] = (uint8_t)n;
	assert_int_equal(ping_reply_decode(buf, n, true, cookie, &r), 0);
}

/* Random bytes, and valid replies with random bytes changed, never read
 * outside the buffer (the sanitizers watch) and random bytes never pass. */
static void test_random_bytes_never_crash(void **state)
{
	uint8_t good[128], buf[128];
	size_t h = ip_header_of(good, sizeof good, 5, 1, "10.0.0.2", PING_ECHO_LEN);
	size_t n = h + reply_of(good + h, sizeof good - h, 1, 2);
	struct ping_reply r;
	uint8_t *heap;
	size_t len;

	(void)state;
	srand(12345);
	for (int i = 0; i < 200000; i++) {
		len = (size_t)rand() % sizeof buf;
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rand();
		/* On the heap at its exact size, so ASan sees a read past it. */
		heap = malloc(len ? len : 1);
		assert_non_null(heap);
		memcpy(heap, buf, len);
		assert_int_equal(ping_reply_decode(heap, len, i % 2, cookie, &r), -EBADMSG);
		free(heap);

		memcpy(buf, good, n);
		buf[(size_t)rand() % n] = (uint8_t)rand();
		len = (size_t)rand() % (n + 1);
		heap = malloc(len ? len : 1);
		assert_non_null(heap);
		memcpy(heap, buf, len);
		(void)ping_reply_decode(heap, len, true, cookie, &r);
		free(heap);
	}
}

/* ---------------------------------------------------------------- live */

/* Set by each child after its fork: one probe run per process. */
static struct loop *loop;
static struct pinger *pinger;
static int pending;		/* callbacks still expected; the loop stops at 0 */

struct done {
	int calls;
	bool answered;
	struct in_addr addr;
	uint64_t at_us;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void on_done(void *arg, struct in_addr addr, bool answered)
{
	struct done *d = arg;

	d->calls++;
	d->answered = answered;
	d->addr = addr;
	d->at_us = now_us();
	if (--pending == 0)
		loop_stop(loop);
}

static void on_guard(struct loop *l, struct loop_timer *t, void *arg)
{
	loop_stop(l);
}

/* Until every expected callback came, or max_us passed. */
static void run_for(uint64_t max_us)
{
	struct loop_timer guard;

	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(loop, &guard, max_us);
	loop_run(loop);
	loop_timer_cancel(loop, &guard);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* A fresh namespace with lo up and 10.99.0.1/24 on a veth whose peer is
 * down: 10.99.0.0/24 is directly connected and nobody there answers.
 * ping_group_range (per namespace) picks the socket ping_open gets. */
static int live_setup(bool ping_socket)
{
	if (unshare(CLONE_NEWNET) != 0)
		return CHILD_SKIP;
	CHECK(lo_up() == 0);
	CHECK(write_file("/proc/sys/net/ipv4/ping_group_range",
			 ping_socket ? "0 0" : "1 0") == 0);
	if (system("ip link add v0 type veth peer name v1 && "
		   "ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up") != 0)
		return CHILD_NO_VETH;
	loop = loop_new();
	CHECK(loop != NULL);
	pinger = ping_open(loop);
	CHECK(pinger != NULL);
	CHECK(ping_uses_raw(pinger) == !ping_socket);
	return 0;
}

static int live_teardown(void)
{
	ping_close(pinger);
	loop_free(loop);
	return 0;
}

static int loopback_answers_child(void *arg)
{
	struct done d = { 0 };
	uint64_t t0;
	int rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	t0 = now_us();
	pending = 1;
	CHECK(ping_start(pinger, ip("127.0.0.1"), 2000000, on_done, &d) >= 0);
	run_for(3000000);
	CHECK(d.calls == 1);
	CHECK(d.answered);
	CHECK(d.addr.s_addr == ip("127.0.0.1").s_addr);
	CHECK(d.at_us - t0 < 500000);
	return live_teardown();
}

static int silent_address_times_out_child(void *arg)
{
	struct done d = { 0 };
	uint64_t t0;
	int rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	t0 = now_us();
	pending = 1;
	CHECK(ping_start(pinger, ip("10.99.0.2"), 200000, on_done, &d) >= 0);
	run_for(3000000);
	CHECK(d.calls == 1);
	CHECK(!d.answered);
	CHECK(d.addr.s_addr == ip("10.99.0.2").s_addr);
	CHECK(d.at_us - t0 >= 200000);
	CHECK(d.at_us - t0 < 600000);
	return live_teardown();
}

/* Even probes to lo, answered; odd ones into 10.99.0.2 and on, silent. */
static struct in_addr flood_addr(unsigned i)
{
	uint32_t net = i % 2 ? 0x0a630000 : 0x7f000000;

	return (struct in_addr){ htonl(net + i / 2 + 2) };
}

/* A DISCOVER flood: the table fills, one more is -EBUSY, every probe ends
 * exactly once with its own answer, and the table is usable after. */
static int many_probes_child(void *arg)
{
	static struct done d[PING_MAX_PROBES];
	struct done extra = { 0 };
	int rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	pending = PING_MAX_PROBES;
	for (unsigned i = 0; i < PING_MAX_PROBES; i++)
		CHECK(ping_start(pinger, flood_addr(i), i % 2 ? 300000 : 2000000, on_done,
				 &d[i]) >= 0);
	CHECK(ping_start(pinger, ip("127.0.0.1"), 300000, on_done, &extra) == -EBUSY);
	run_for(3000000);
	CHECK(pending == 0);
	for (unsigned i = 0; i < PING_MAX_PROBES; i++) {
		CHECK(d[i].calls == 1);
		CHECK(d[i].answered == !(i % 2));
		CHECK(d[i].addr.s_addr == flood_addr(i).s_addr);
	}
	CHECK(extra.calls == 0);
	pending = 1;
	CHECK(ping_start(pinger, ip("127.0.0.1"), 2000000, on_done, &extra) >= 0);
	run_for(3000000);
	CHECK(extra.calls == 1 && extra.answered);
	return live_teardown();
}

/* Cancelled probes never call back, whether their reply comes or their
 * time runs out, and a handle of a finished probe cancels nothing, even
 * once its slot is in use again. */
static int cancel_child(void *arg)
{
	struct done replied = { 0 }, silent = { 0 }, first = { 0 }, late = { 0 }, reused = { 0 };
	int h_replied, h_silent, h_first, h, rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	h_replied = ping_start(pinger, ip("127.0.0.1"), 1000000, on_done, &replied);
	h_silent = ping_start(pinger, ip("10.99.0.2"), 50000, on_done, &silent);
	h_first = ping_start(pinger, ip("127.0.0.1"), 1000000, on_done, &first);
	CHECK(h_replied >= 0 && h_silent >= 0 && h_first >= 0);
	ping_cancel(pinger, h_replied);
	ping_cancel(pinger, h_silent);
	ping_cancel(pinger, h_silent);
	ping_cancel(pinger, -1);
	ping_cancel(pinger, 0x7fffffff);
	/* Until well after the cancelled timer was due. */
	CHECK(ping_start(pinger, ip("10.99.0.4"), 150000, on_done, &late) >= 0);
	pending = 2;
	run_for(2000000);
	CHECK(first.calls == 1 && first.answered);
	CHECK(late.calls == 1 && !late.answered);
	ping_cancel(pinger, h_first);

	/* Round the table until the next probe takes h_first's slot. */
	do {
		h = ping_start(pinger, ip("127.0.0.1"), 100000, on_done, &replied);
		CHECK(h >= 0);
		ping_cancel(pinger, h);
	} while ((h + 1) % PING_MAX_PROBES != h_first % PING_MAX_PROBES);
	h = ping_start(pinger, ip("10.99.0.3"), 200000, on_done, &reused);
	CHECK(h % PING_MAX_PROBES == h_first % PING_MAX_PROBES && h != h_first);
	ping_cancel(pinger, h_first);
	pending = 1;
	run_for(2000000);
	CHECK(reused.calls == 1 && !reused.answered);
	CHECK(replied.calls == 0);
	CHECK(silent.calls == 0);
	CHECK(first.calls == 1);
	return live_teardown();
}

/* Closing with probes in flight frees them without a callback; their
 * replies and timers then touch nothing (ASan would see it). */
static int close_with_probes_pending_child(void *arg)
{
	struct done d[20] = { 0 };
	char a[INET_ADDRSTRLEN];
	int rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof a, i % 2 ? "10.99.0.%d" : "127.0.0.%d", i + 2);
		CHECK(ping_start(pinger, ip(a), 20000, on_done, &d[i]) >= 0);
	}
	ping_close(pinger);
	pending = -1;
	run_for(200000);
	for (int i = 0; i < 20; i++)
		CHECK(d[i].calls == 0);
	loop_free(loop);
	return 0;
}

/* The echo request to 127.0.0.1 as a raw socket sees it come in on lo. */
static int sniff_request(int fd, uint16_t *id, uint16_t *seq, uint8_t *ck)
{
	uint8_t buf[256];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 1000) == 1) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		struct reader r;

		if (n < 0)
			return -1;
		r = reader_init(buf, (size_t)n);
		read_skip(&r, (size_t)(read_u8(&r) & 0x0f) * 4 - 1);
		if (read_u8(&r) != ICMP_ECHO_REQUEST)
			continue;
		read_skip(&r, 3);
		*id = read_u16(&r);
		*seq = read_u16(&r);
		read_bytes(&r, ck, PING_COOKIE_LEN);
		return reader_ok(&r) ? 0 : -1;
	}
	return -1;
}

static int inject(int fd, const uint8_t *msg, size_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = ip("127.0.0.1") };

	return sendto(fd, msg, n, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)n ? 0 : -1;
}

/* With the kernel's own echo replies off, the test answers the probe:
 * first with every kind of wrong reply (none may count), then rightly. */
static int forged_replies_child(void *arg)
{
	struct sockaddr_in other = { .sin_family = AF_INET, .sin_addr = ip("127.0.0.2") };
	struct done d = { 0 };
	uint8_t ck[PING_COOKIE_LEN], good[PING_ECHO_LEN], bad[PING_ECHO_LEN + 8];
	uint16_t id, seq;
	int fd, fd_other, rc = live_setup(*(bool *)arg);

	if (rc != 0)
		return rc;
	CHECK(write_file("/proc/sys/net/ipv4/icmp_echo_ignore_all", "1") == 0);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	fd_other = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	CHECK(fd >= 0 && fd_other >= 0);
	CHECK(bind(fd_other, (struct sockaddr *)&other, sizeof other) == 0);
	pending = 1;
	CHECK(ping_start(pinger, ip("127.0.0.1"), 2000000, on_done, &d) >= 0);
	CHECK(sniff_request(fd, &id, &seq, ck) == 0);
	CHECK(ping_echo_encode(good, sizeof good, ICMP_ECHO_REPLY, id, seq, ck) ==
	      PING_ECHO_LEN);

	CHECK(inject(fd_other, good, sizeof good) == 0);	/* another source */
	/* Truncated; a raw socket will not send less than type and code. */
	for (size_t len = 2; len < sizeof good; len++)
		CHECK(inject(fd, good, len) == 0);
	for (size_t i = 0; i < 8; i++) {
		memcpy(bad, good, sizeof good);
		switch (i) {
		case 0: bad[0] = ICMP_ECHO_REQUEST; break;
		case 1: bad[0] = 3; bad[1] = 1; break;		/* host unreachable */
		case 2: bad[1] = 1; break;
		case 3: bad[5] ^= 1; break;			/* identifier */
		case 4: bad[6] ^= 1; break;			/* sequence, same slot */
		case 5: bad[8] ^= 0x80; break;			/* cookie */
		case 6: bad[15] ^= 1; break;
		}
		if (i < 7)
			resum(bad, sizeof good);
		else
			bad[3] ^= 1;				/* checksum */
		CHECK(inject(fd, bad, sizeof good) == 0);
	}
	CHECK(inject(fd, bad, 4) == 0);
	run_for(300000);
	CHECK(d.calls == 0);

	CHECK(inject(fd, good, sizeof good) == 0);
	run_for(2000000);
	CHECK(d.calls == 1 && d.answered);
	close(fd);
	close(fd_other);
	return live_teardown();
}

static void run_live(int (*fn)(void *), bool ping_socket)
{
	int st;

	need_root();
	st = run_child(fn, &ping_socket);
	if (st == CHILD_SKIP)
		skip_or_fail("unshare(CLONE_NEWNET) refused");
	if (st == CHILD_NO_VETH)
		skip_or_fail("`ip link add v0 type veth` failed");
	assert_int_equal(st, 0);
}

/* Each live test through the raw socket and through the ping socket. */
#define LIVE_TEST(name) \
	static void test_##name##_raw(void **state) \
	{ \
		(void)state; \
		run_live(name##_child, false); \
	} \
	static void test_##name##_ping_socket(void **state) \
	{ \
		(void)state; \
		run_live(name##_child, true); \
	}

LIVE_TEST(loopback_answers)
LIVE_TEST(silent_address_times_out)
LIVE_TEST(many_probes)
LIVE_TEST(cancel)
LIVE_TEST(close_with_probes_pending)
LIVE_TEST(forged_replies)

#define LIVE(name) cmocka_unit_test(test_##name##_raw), \
	cmocka_unit_test(test_##name##_ping_socket)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_request_matches_independent_bytes),
		cmocka_unit_test(test_encode_into_small_buffer_refused),
		cmocka_unit_test(test_reply_without_ip_header_decodes),
		cmocka_unit_test(test_reply_with_ip_header_and_options_decodes),
		cmocka_unit_test(test_truncated_reply_rejected_at_every_length),
		cmocka_unit_test(test_other_types_and_codes_rejected),
		cmocka_unit_test(test_wrong_cookie_rejected),
		cmocka_unit_test(test_bad_checksum_rejected),
		cmocka_unit_test(test_bad_ip_header_rejected),
		cmocka_unit_test(test_random_bytes_never_crash),
		LIVE(loopback_answers),
		LIVE(silent_address_times_out),
		LIVE(many_probes),
		LIVE(cancel),
		LIVE(close_with_probes_pending),
		LIVE(forged_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
