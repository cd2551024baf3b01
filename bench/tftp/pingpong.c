/* pingpong: the lock-step ceiling of UDP on one host.
 *
 * Two processes bounce datagrams over 127.0.0.1 (or -a ADDR), one in flight
 * at a time, for -t seconds: the parent sends SIZE bytes, the child answers
 * with REPLY bytes (default: SIZE too), the parent waits for the answer and
 * sends the next one.  This is exactly the pattern of a lock-step TFTP
 * transfer (DATA one way, ACK back) without any protocol work, so the rate
 * it reaches is the most a lock-step server can reach on this machine.
 *
 * Output, one line of key=value:
 *   size= reply= secs= roundtrips= rtt_us= MBps=
 * MBps = roundtrips * SIZE / secs / 1e6 (payload in one direction).
 *
 * -c P,C pins the sending process to CPU P and the echoing one to CPU C.
 * Where the two sides run decides the result far more than anything else:
 * on two CPUs a round trip costs ~50 us (a cross-CPU wake-up), on one CPU
 * ~10 us, so a comparison with a TFTP transfer must pin both the same way.
 *
 * Build: cc -O2 -o pingpong pingpong.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t cs;
	if (cpu < 0)
		return;
	CPU_ZERO(&cs);
	CPU_SET(cpu, &cs);
	if (sched_setaffinity(0, sizeof cs, &cs))
		perror("sched_setaffinity");
}

static void usage(void)
{
	fprintf(stderr, "usage: pingpong [-s SIZE] [-r REPLYSIZE] [-t SECONDS] [-a ADDR] [-c CPU,CPU]\n"
			"  SIZE: datagram bytes one way (default 1472); REPLYSIZE: bytes back\n"
			"  (default SIZE); SECONDS: measuring time (default 3)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t size = 1472, reply = 0;
	double secs = 3;
	const char *addr = "127.0.0.1";
	int c, cpu_parent = -1, cpu_child = -1;

	while ((c = getopt(argc, argv, "s:r:t:a:c:h")) != -1) {
		switch (c) {
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'r': reply = strtoul(optarg, NULL, 0); break;
		case 't': secs = atof(optarg); break;
		case 'a': addr = optarg; break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &cpu_parent, &cpu_child) != 2)
				usage();
			break;
		default: usage();
		}
	}
	if (!reply)
		reply = size;
	if (size < 1 || size > 65507 || reply > 65507 || secs <= 0)
		usage();

	struct sockaddr_in sa = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage();
	int srv = socket(AF_INET, SOCK_DGRAM, 0);
	int cli = socket(AF_INET, SOCK_DGRAM, 0);
	if (srv < 0 || cli < 0 || bind(srv, (void *)&sa, sizeof sa) || bind(cli, (void *)&sa, sizeof sa)) {
		perror("socket/bind");
		return 1;
	}
	struct sockaddr_in srv_a, cli_a;
	socklen_t sl = sizeof srv_a;
	getsockname(srv, (void *)&srv_a, &sl);
	sl = sizeof cli_a;
	getsockname(cli, (void *)&cli_a, &sl);
	if (connect(srv, (void *)&cli_a, sizeof cli_a) || connect(cli, (void *)&srv_a, sizeof srv_a)) {
		perror("connect");
		return 1;
	}

	size_t bufsz = (size > reply ? size : reply) + 1;
	char *buf = calloc(1, bufsz);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* the echo side: answer every datagram with REPLY bytes */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pin(cpu_child);
		close(cli);
		for (;;) {
			ssize_t n = recv(srv, buf, bufsz, 0);
			if (n < 0 && errno != EINTR)
				_exit(1);
			if (n >= 0)
				send(srv, buf, reply, 0);
		}
	}
	close(srv);
	pin(cpu_parent);

	/* a lost datagram (never seen on loopback) must not hang the run */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

	unsigned long n = 0, lost = 0;
	double warm = now() + 0.3, t0 = 0, end = 0;
	int measuring = 0;
	for (;;) {
		if (send(cli, buf, size, 0) < 0) {
			perror("send");
			break;
		}
		ssize_t r = recv(cli, buf, bufsz, 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				lost++;
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("recv");
			break;
		}
		double t = now();
		if (!measuring) {
			if (t >= warm) {
				measuring = 1;
				t0 = t;
				end = t0 + secs;
			}
			continue;
		}
		n++;
		if (t >= end) {
			end = t;
			break;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	double el = end - t0;
	if (n == 0 || el <= 0)
		return 1;
	printf("size=%zu reply=%zu secs=%.3f roundtrips=%lu rtt_us=%.2f MBps=%.2f lost=%lu\n",
	       size, reply, el, n, el / n * 1e6, n * (double)size / el / 1e6, lost);
	return 0;
}
