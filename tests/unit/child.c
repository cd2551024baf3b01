/* Forked children and root checks for unit tests. */
#include <config.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"

int wait_bounded(int pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int st;
	pid_t r;

	for (int i = 0; i < (CHILD_TIMEOUT + 2) * 100; i++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		assert_int_equal(r, 0);
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	fail_msg("child %ld still running after %d s", (long)pid, CHILD_TIMEOUT);
	return -1;
}

int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid;

	/* Else the child's exit could write cmocka's buffered output twice. */
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		alarm(CHILD_TIMEOUT);
		_exit(fn(arg));
	}
	return wait_bounded(pid);
}

void skip_or_fail(const char *why)
{
	const char *ci = getenv("CI");

	if (ci != NULL && strcmp(ci, "true") == 0)
		fail_msg("CI=true, where nothing skips: %s", why);
	print_message("skipped: %s\n", why);
	skip();
}

void need_root(void)
{
	if (geteuid() != 0)
		skip_or_fail("needs root");
}

int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (ret == 0)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret;
}
