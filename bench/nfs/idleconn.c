/* idleconn: opens N TCP connections to an ONC RPC server, makes one NULL call
 * (RFC 5531, record marking §11) on each, then holds them all idle for S
 * seconds, and at the end makes one more NULL call on each to see which the
 * server kept.  Every wait is bounded.  For bench/nfs/run.sh.
 *
 *   cc -O2 -o idleconn bench/nfs/idleconn.c
 *   ./idleconn -a 127.0.0.1 -p 2049 -n 1000 -s 60
 *
 * Prints "READY open=N answered=N secs=T" once every connection is open and
 * answered (or the setup deadline passed), then, after the hold,
 * "DONE open=N answered=N secs=T".  Exit status 0 when every connection
 * answered both calls, 1 otherwise, 2 on a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NFS_PROG 100003
#define NFS_VERS 3
#define CALL_LEN 40		/* xid .. verifier, AUTH_NONE both */
#define REPLY_MIN 24		/* xid, REPLY, MSG_ACCEPTED, verf, SUCCESS */
#define SETUP_SECS 30

struct conn {
	int fd;
	uint32_t xid;
	uint8_t buf[64];
	size_t got;
	int state;		/* CONNECTING, WAITING (call sent), ANSWERED, DEAD */
};
enum { CONNECTING, WAITING, ANSWERED, DEAD };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int send_null(struct conn *c)
{
	uint8_t m[4 + CALL_LEN] = { 0 };

	put32(m, 0x80000000u | CALL_LEN);
	put32(m + 4, c->xid);
	/* msg_type CALL (0) is already zero */
	put32(m + 12, 2);		/* rpcvers */
	put32(m + 16, NFS_PROG);
	put32(m + 20, NFS_VERS);
	/* proc NULL, cred and verifier AUTH_NONE with empty bodies: zeros */
	c->got = 0;
	if (send(c->fd, m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
		return -1;
	c->state = WAITING;
	return 0;
}

/* Reads what has arrived of the reply; ANSWERED when it is whole and right. */
static void recv_reply(struct conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->got, sizeof c->buf - c->got, 0);
	uint32_t mark, verf;

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			c->state = DEAD;
		return;
	}
	c->got += n;
	if (c->got < 4)
		return;
	mark = get32(c->buf);
	if (!(mark & 0x80000000u) || (mark & 0x7fffffffu) < REPLY_MIN ||
	    (mark & 0x7fffffffu) > sizeof c->buf - 4) {
		c->state = DEAD;
		return;
	}
	if (c->got < 4 + (mark & 0x7fffffffu))
		return;
	/* xid, REPLY (1), MSG_ACCEPTED (0), verifier, accept_stat SUCCESS (0) */
	verf = (get32(c->buf + 20) + 3) & ~3u;
	if (get32(c->buf + 4) == c->xid && get32(c->buf + 8) == 1 && get32(c->buf + 12) == 0 &&
	    verf <= (mark & 0x7fffffffu) - REPLY_MIN && get32(c->buf + 24 + verf) == 0)
		c->state = ANSWERED;
	else
		c->state = DEAD;
}

static int start_connect(struct conn *c, const struct sockaddr_in *sa)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	if (connect(c->fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
		return send_null(c);
	if (errno != EINPROGRESS)
		return -1;
	c->state = CONNECTING;
	return 0;
}

static void connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0 ||
	    send_null(c) < 0)
		c->state = DEAD;
}

/* Drives every connection not yet ANSWERED or DEAD until all are, or deadline. */
static void drive(struct conn *cs, int n, struct pollfd *pfd, int *idx, double deadline)
{
	for (;;) {
		int np = 0;

		for (int i = 0; i < n; i++) {
			if (cs[i].state != CONNECTING && cs[i].state != WAITING)
				continue;
			pfd[np].fd = cs[i].fd;
			pfd[np].events = cs[i].state == CONNECTING ? POLLOUT : POLLIN;
			idx[np++] = i;
		}
		double left = deadline - now();
		if (np == 0 || left <= 0)
			return;
		if (poll(pfd, np, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return;
		for (int k = 0; k < np; k++) {
			struct conn *c = &cs[idx[k]];

			if (!pfd[k].revents)
				continue;
			if (c->state == CONNECTING)
				connected(c);
			else
				recv_reply(c);
		}
	}
}

static void count(const struct conn *cs, int n, int *open, int *answered)
{
	*open = *answered = 0;
	for (int i = 0; i < n; i++) {
		*open += cs[i].fd >= 0 && cs[i].state != DEAD;
		*answered += cs[i].state == ANSWERED;
	}
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	int port = 2049, n = 1000, secs = 60, opt, open, answered, ok;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct rlimit rl;
	double t0;

	while ((opt = getopt(argc, argv, "a:p:n:s:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 's': secs = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-a ADDR] [-p PORT] [-n CONNS] [-s SECS]\n", argv[0]);
			return 2;
		}
	}
	if (n < 1 || n > 60000 || secs < 0 || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "idleconn: bad -a, -p, -n or -s\n");
		return 2;
	}
	sa.sin_port = htons(port);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + 16 ? rl.rlim_max : (rlim_t)n + 16;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	struct conn *cs = calloc(n, sizeof *cs);
	struct pollfd *pfd = calloc(n, sizeof *pfd);
	int *idx = calloc(n, sizeof *idx);

	if (!cs || !pfd || !idx) {
		perror("idleconn");
		return 2;
	}
	t0 = now();
	for (int i = 0; i < n; i++) {
		cs[i].xid = 0x1d1e0000u + i;
		if (start_connect(&cs[i], &sa) < 0)
			cs[i].state = DEAD;
		/* a few at a time, so the listen backlog never overflows */
		if (i % 64 == 63)
			drive(cs, i + 1, pfd, idx, now() + 5);
	}
	drive(cs, n, pfd, idx, t0 + SETUP_SECS);
	count(cs, n, &open, &answered);
	printf("READY open=%d answered=%d secs=%.3f\n", open, answered, now() - t0);
	fflush(stdout);
	ok = answered == n;

	sleep(secs);

	t0 = now();
	for (int i = 0; i < n; i++) {
		if (cs[i].state != ANSWERED)
			continue;
		cs[i].xid += 0x8000;
		if (send_null(&cs[i]) < 0)
			cs[i].state = DEAD;
	}
	drive(cs, n, pfd, idx, t0 + SETUP_SECS);
	count(cs, n, &open, &answered);
	printf("DONE open=%d answered=%d secs=%.3f\n", open, answered, now() - t0);
	ok = ok && answered == n;
	for (int i = 0; i < n; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	return ok ? 0 : 1;
}
