/* The resolver threads.  Questions go to them through a packet-mode pipe
 * (O_DIRECT: each read takes one whole question, so the threads can share
 * it) and answers come back through another, each written whole (smaller
 * than PIPE_BUF, so answers of several threads never interleave).  The
 * threads touch nothing else of the daemon. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "resolver.h"

_Static_assert(sizeof(struct resolver_answer) <= PIPE_BUF, "answers are written whole");

static int ask_fd[2] = { -1, -1 }, answer_fd[2] = { -1, -1 };

/* Whether name resolves to ip: a PTR record alone is the client's to set. */
static bool forward_confirms(const char *name, const struct ip_addr *ip)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct ip_addr got;
	bool ok = false;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	for (ai = res; ai && !ok; ai = ai->ai_next)
		ok = addr_from_sockaddr(ai->ai_addr, &got, NULL) == 0 && addr_ip_equal(&got, ip);
	freeaddrinfo(res);
	return ok;
}

static void look_up(struct resolver_answer *a)
{
	struct hostport hp;

	addr_to_sockaddr(&a->ip, 0, &hp);
	a->name[0] = '\0';
	if (getnameinfo((struct sockaddr *)&hp.ss, hp.len, a->name, sizeof a->name, NULL, 0,
			NI_NAMEREQD) != 0 || !forward_confirms(a->name, &a->ip)) {
		a->name[0] = '\0';
		return;
	}
	for (char *p = a->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static void *resolver_thread(void *unused)
{
	struct resolver_answer a;
	ssize_t n;

	(void)unused;
	for (;;) {
		n = read(ask_fd[0], &a.ip, sizeof a.ip);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof a.ip)
			return NULL;
		look_up(&a);
		do
			n = write(answer_fd[1], &a, sizeof a);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof a)
			return NULL;
	}
}

static void close_pair(int fd[2])
{
	for (int i = 0; i < 2; i++) {
		if (fd[i] >= 0)
			close(fd[i]);
		fd[i] = -1;
	}
}

int resolver_start(void)
{
	sigset_t all, old;
	pthread_t t;
	int rc = 0, started = 0;

	if (answer_fd[0] >= 0)
		return answer_fd[0];
	if (pipe2(ask_fd, O_DIRECT | O_CLOEXEC) < 0 || pipe2(answer_fd, O_CLOEXEC) < 0) {
		rc = -errno;
		close_pair(ask_fd);
		return rc;
	}
	/* the loop reads answers and writes questions without ever waiting */
	fcntl(answer_fd[0], F_SETFL, O_NONBLOCK);
	fcntl(ask_fd[1], F_SETFL, O_NONBLOCK);
	/* a packet takes a page of the pipe, whatever its size */
	fcntl(ask_fd[1], F_SETPIPE_SZ, RESOLVER_QUEUE * (int)sysconf(_SC_PAGESIZE));
	/* signals are the loop's (a signalfd): none may land on a thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < RESOLVER_THREADS; i++) {
		rc = -pthread_create(&t, NULL, resolver_thread, NULL);
		if (rc < 0)
			break;
		pthread_detach(t);
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started == 0) {
		close_pair(ask_fd);
		close_pair(answer_fd);
		return rc;
	}
	return answer_fd[0];
}

int resolver_ask(const struct ip_addr *ip)
{
	if (write(ask_fd[1], ip, sizeof *ip) != (ssize_t)sizeof *ip)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return 0;
}

bool resolver_take(struct resolver_answer *out)
{
	return read(answer_fd[0], out, sizeof *out) == (ssize_t)sizeof *out;
}
