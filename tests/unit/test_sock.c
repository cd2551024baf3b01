/* Unit tests for common/sock.c: sockets bound with the options asked for,
 * inherited sockets (inetd fd 0, systemd LISTEN_FDS), interface lookups. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "sock.h"

static struct hostport hp_parse(const char *ip, int family, uint16_t port)
{
	struct hostport hp;

	assert_int_equal(addr_parse_hostport(ip, family, port, &hp, NULL, 0), 0);
	return hp;
}

static struct hostport hp_v4(const char *ip, uint16_t port)
{
	return hp_parse(ip, AF_INET, port);
}

static struct hostport hp_v6(const char *ip, uint16_t port)
{
	return hp_parse(ip, AF_INET6, port);
}

/* Containers and kernels booted with ipv6.disable=1 have no ::1. */
static void need_ipv6_loopback(void)
{
	struct hostport hp = hp_v6("::1", 0);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok = fd != -1 &&
	    bind(fd, (const struct sockaddr *)&hp.ss, hp.len) == 0;

	if (fd != -1)
		close(fd);
	if (!ok) {
		skip_or_fail("no IPv6 loopback address");
	}
}

static struct sockaddr_storage local_addr(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	return ss;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss = local_addr(fd);

	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static void assert_bound_v4(int fd, int type)
{
	struct sockaddr_storage ss = local_addr(fd);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_not_equal(sin->sin_port, 0);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_TYPE), type);
}

static void assert_bound_v6(int fd, int type)
{
	struct sockaddr_storage ss = local_addr(fd);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	assert_int_equal(ss.ss_family, AF_INET6);
	assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	assert_int_not_equal(sin6->sin6_port, 0);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_TYPE), type);
}

/* A blocking client connecting to the listener at addr:port. */
static int connect_to(int family, const char *ip, uint16_t port)
{
	struct hostport hp = family == AF_INET ? hp_v4(ip, port) : hp_v6(ip, port);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (connect(fd, (const struct sockaddr *)&hp.ss, hp.len) == -1) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void test_bind_udp_v4_loopback_gets_that_address(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_bound_v4(fd, SOCK_DGRAM);
	close(fd);
}

static void test_bind_tcp_v4_loopback_listens(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, SOCK_STREAM, 0);
	int c;

	assert_true(fd >= 0);
	assert_bound_v4(fd, SOCK_STREAM);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
	c = connect_to(AF_INET, "127.0.0.1", local_port(fd));
	assert_true(c >= 0);
	close(c);
	close(fd);
}

static void test_bind_udp_v6_loopback_gets_that_address(void **state)
{
	struct hostport hp;
	int fd;

	need_ipv6_loopback();
	hp = hp_v6("::1", 0);
	fd = sock_bind(&hp, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_bound_v6(fd, SOCK_DGRAM);
	close(fd);
}

static void test_bind_tcp_v6_loopback_listens(void **state)
{
	struct hostport hp;
	int fd, c;

	need_ipv6_loopback();
	hp = hp_v6("::1", 0);
	fd = sock_bind(&hp, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_bound_v6(fd, SOCK_STREAM);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
	c = connect_to(AF_INET6, "::1", local_port(fd));
	assert_true(c >= 0);
	close(c);
	close(fd);
}

/* With V6ONLY the IPv4 side of the port stays free for a separate socket. */
static void test_bind_v6_is_v6only_by_default(void **state)
{
	struct hostport any6, any4;
	int fd6, fd4;

	need_ipv6_loopback();
	any6 = hp_v6("::", 0);
	fd6 = sock_bind(&any6, SOCK_DGRAM, 0);
	assert_true(fd6 >= 0);
	assert_int_equal(sockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	any4 = hp_v4("0.0.0.0", local_port(fd6));
	fd4 = sock_bind(&any4, SOCK_DGRAM, 0);
	assert_true(fd4 >= 0);
	close(fd4);
	close(fd6);
}

static void test_bind_v6_dualstack_takes_ipv4(void **state)
{
	struct hostport any6;
	int fd, c;

	need_ipv6_loopback();
	any6 = hp_v6("::", 0);
	fd = sock_bind(&any6, SOCK_STREAM, SOCK_DUALSTACK);
	assert_true(fd >= 0);
	assert_int_equal(sockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 0);
	c = connect_to(AF_INET, "127.0.0.1", local_port(fd));
	assert_true(c >= 0);
	close(c);
	close(fd);
}

static void test_bind_is_nonblocking_and_cloexec(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void test_bind_blocking_flag_leaves_socket_blocking(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, SOCK_STREAM, SOCK_BLOCKING);

	assert_true(fd >= 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void assert_port_in_use(int type)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, type, 0);

	assert_true(fd >= 0);
	hp = hp_v4("127.0.0.1", local_port(fd));
	assert_int_equal(sock_bind(&hp, type, 0), -EADDRINUSE);
	close(fd);
}

static void test_bind_port_in_use_is_eaddrinuse(void **state)
{
	assert_port_in_use(SOCK_DGRAM);
	assert_port_in_use(SOCK_STREAM);
}

static void test_bind_reuseport_shares_a_port(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd1 = sock_bind(&hp, SOCK_DGRAM, SOCK_REUSEPORT);
	int fd2;

	assert_true(fd1 >= 0);
	assert_int_equal(sockopt(fd1, SOL_SOCKET, SO_REUSEPORT), 1);
	hp = hp_v4("127.0.0.1", local_port(fd1));
	fd2 = sock_bind(&hp, SOCK_DGRAM, SOCK_REUSEPORT);
	assert_true(fd2 >= 0);
	close(fd2);
	close(fd1);
}

static void test_bind_reuseaddr_is_set_when_asked(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int plain = sock_bind(&hp, SOCK_STREAM, 0);
	int reuse = sock_bind(&hp, SOCK_STREAM, SOCK_REUSEADDR);

	assert_true(plain >= 0);
	assert_true(reuse >= 0);
	assert_int_equal(sockopt(plain, SOL_SOCKET, SO_REUSEADDR), 0);
	assert_int_equal(sockopt(reuse, SOL_SOCKET, SO_REUSEADDR), 1);
	close(reuse);
	close(plain);
}

static void test_bind_unset_address_is_einval(void **state)
{
	struct hostport hp;

	memset(&hp, 0, sizeof hp);
	assert_int_equal(sock_bind(&hp, SOCK_DGRAM, 0), -EINVAL);
}

static void test_set_nonblock_turns_it_on_and_off(void **state)
{
	struct hostport hp = hp_v4("127.0.0.1", 0);
	int fd = sock_bind(&hp, SOCK_DGRAM, SOCK_BLOCKING);

	assert_true(fd >= 0);
	assert_int_equal(sock_set_nonblock(fd, true), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(sock_set_nonblock(fd, false), 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	assert_int_equal(sock_set_nonblock(fd, true), -EBADF);
}

static void test_is_socket_reports_its_type(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int type = -1;

	assert_true(fd >= 0);
	assert_true(sock_is_socket(fd, &type));
	assert_int_equal(type, SOCK_DGRAM);
	assert_true(sock_is_socket(fd, NULL));
	close(fd);
}

static void test_is_socket_false_for_pipe_file_and_closed_fd(void **state)
{
	int p[2], type = -1;
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_false(sock_is_socket(p[0], &type));
	assert_false(sock_is_socket(fileno(f), &type));
	assert_int_equal(type, -1);
	close(p[1]);
	assert_false(sock_is_socket(p[1], &type));
	close(p[0]);
	fclose(f);
}

/* *arg is the socket type to put on fd 0, or 0 for /dev/null there. */
static int inetd_child(void *arg)
{
	int want = *(int *)arg, type = -1, fd;

	fd = want == 0 ? open("/dev/null", O_RDONLY) : socket(AF_INET, want, 0);
	CHECK(fd >= 0);
	CHECK(dup2(fd, STDIN_FILENO) == STDIN_FILENO);
	/* Only fd 0 may answer. */
	close(fd);
	if (want == 0) {
		CHECK(sock_inetd_fd(&type) == -ENOTSOCK);
		return 0;
	}
	CHECK(sock_inetd_fd(&type) == 0);
	CHECK(type == want);
	return 0;
}

static void test_inetd_fd_takes_socket_on_fd0(void **state)
{
	int type = SOCK_DGRAM;

	assert_int_equal(run_child(inetd_child, &type), 0);
	type = SOCK_STREAM;
	assert_int_equal(run_child(inetd_child, &type), 0);
}

static void test_inetd_fd_refuses_non_socket_on_fd0(void **state)
{
	int type = 0;

	assert_int_equal(run_child(inetd_child, &type), 0);
}

static void set_listen_env(const char *pid, const char *fds)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	if (pid != NULL)
		assert_int_equal(setenv("LISTEN_PID", pid, 1), 0);
	if (fds != NULL)
		assert_int_equal(setenv("LISTEN_FDS", fds, 1), 0);
	assert_int_equal(setenv("LISTEN_FDNAMES", "tftp:dhcp", 1), 0);
}

static bool listen_env_clear(void)
{
	return getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL &&
	    getenv("LISTEN_FDNAMES") == NULL;
}

/* In a child, since it takes over fds 3 and 4. */
static int systemd_child(void *arg)
{
	char pid[32];
	int s3 = socket(AF_INET, SOCK_DGRAM, 0);
	int s4 = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(s3 >= 0 && s4 >= 0);
	CHECK(dup2(s3, 3) == 3 && dup2(s4, 4) == 4);
	CHECK(!(fcntl(3, F_GETFD) & FD_CLOEXEC));
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	CHECK(setenv("LISTEN_PID", pid, 1) == 0);
	CHECK(setenv("LISTEN_FDS", "2", 1) == 0);
	CHECK(setenv("LISTEN_FDNAMES", "tftp:dhcp", 1) == 0);
	CHECK(sock_systemd_fds() == 2);
	CHECK(listen_env_clear());
	CHECK(fcntl(3, F_GETFD) & FD_CLOEXEC);
	CHECK(fcntl(4, F_GETFD) & FD_CLOEXEC);
	return 0;
}

static void test_systemd_fds_for_us_counts_and_clears_env(void **state)
{
	assert_int_equal(run_child(systemd_child, NULL), 0);
}

static void test_systemd_fds_for_another_pid_is_zero(void **state)
{
	char pid[32];

	snprintf(pid, sizeof pid, "%ld", (long)getppid());
	set_listen_env(pid, "2");
	assert_int_equal(sock_systemd_fds(), 0);
	assert_true(listen_env_clear());
}

static void test_systemd_fds_absent_is_zero(void **state)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	assert_int_equal(sock_systemd_fds(), 0);
	assert_true(listen_env_clear());
}

static void test_systemd_fds_malformed_is_einval(void **state)
{
	static const char *bad[] = {
		"", "2x", "x", "-1", "+2", " 2", "2 ", "0", "0x2",
		"99999999999999999999",
	};
	char pid[32];
	size_t i;

	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set_listen_env(pid, bad[i]);
		if (sock_systemd_fds() != -EINVAL)
			fail_msg("LISTEN_FDS=\"%s\" not refused", bad[i]);
		assert_true(listen_env_clear());
		set_listen_env(bad[i], "2");
		if (sock_systemd_fds() != -EINVAL)
			fail_msg("LISTEN_PID=\"%s\" not refused", bad[i]);
		assert_true(listen_env_clear());
	}
}

static void test_iface_addr_of_lo_is_loopback(void **state)
{
	struct ip_addr ip;

	assert_int_equal(sock_iface_addr("lo", AF_INET, &ip), 0);
	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(ntohl(ip.v4.s_addr), INADDR_LOOPBACK);
}

static void test_iface_addr_of_lo_v6_is_loopback(void **state)
{
	struct ip_addr ip;

	need_ipv6_loopback();
	assert_int_equal(sock_iface_addr("lo", AF_INET6, &ip), 0);
	assert_int_equal(ip.family, AF_INET6);
	assert_true(IN6_IS_ADDR_LOOPBACK(&ip.v6));
}

/* No interface carries AF_UNIX addresses: the "none of that family" answer. */
static void test_iface_addr_missing_family_is_eaddrnotavail(void **state)
{
	struct ip_addr ip;

	assert_int_equal(sock_iface_addr("lo", AF_UNIX, &ip), -EADDRNOTAVAIL);
}

static void test_iface_unknown_is_enodev(void **state)
{
	struct ip_addr ip;

	assert_int_equal(sock_iface_addr("pxenosuch0", AF_INET, &ip), -ENODEV);
	assert_int_equal(sock_iface_mtu("pxenosuch0"), -ENODEV);
	assert_int_equal(sock_iface_addr("an-interface-name-too-long", AF_INET, &ip),
	    -ENODEV);
	assert_int_equal(sock_iface_mtu("an-interface-name-too-long"), -ENODEV);
}

/* Linux's loopback has 65536, but that is a default, not a promise. */
static void test_iface_mtu_of_lo_is_positive(void **state)
{
	assert_true(sock_iface_mtu("lo") > 0);
}

static void test_iface_of_loopback_addr_is_lo(void **state)
{
	struct ip_addr ip;
	char name[IFNAMSIZ];

	memset(&ip, 0, sizeof ip);
	ip.family = AF_INET;
	ip.v4.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(sock_iface_of_addr(&ip, name), 0);
	assert_string_equal(name, "lo");
}

static void test_iface_of_foreign_addr_is_eaddrnotavail(void **state)
{
	struct ip_addr ip;
	char name[IFNAMSIZ];

	memset(&ip, 0, sizeof ip);
	ip.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.77", &ip.v4), 1);
	assert_int_equal(sock_iface_of_addr(&ip, name), -EADDRNOTAVAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_udp_v4_loopback_gets_that_address),
		cmocka_unit_test(test_bind_tcp_v4_loopback_listens),
		cmocka_unit_test(test_bind_udp_v6_loopback_gets_that_address),
		cmocka_unit_test(test_bind_tcp_v6_loopback_listens),
		cmocka_unit_test(test_bind_v6_is_v6only_by_default),
		cmocka_unit_test(test_bind_v6_dualstack_takes_ipv4),
		cmocka_unit_test(test_bind_is_nonblocking_and_cloexec),
		cmocka_unit_test(test_bind_blocking_flag_leaves_socket_blocking),
		cmocka_unit_test(test_bind_port_in_use_is_eaddrinuse),
		cmocka_unit_test(test_bind_reuseport_shares_a_port),
		cmocka_unit_test(test_bind_reuseaddr_is_set_when_asked),
		cmocka_unit_test(test_bind_unset_address_is_einval),
		cmocka_unit_test(test_set_nonblock_turns_it_on_and_off),
		cmocka_unit_test(test_is_socket_reports_its_type),
		cmocka_unit_test(test_is_socket_false_for_pipe_file_and_closed_fd),
		cmocka_unit_test(test_inetd_fd_takes_socket_on_fd0),
		cmocka_unit_test(test_inetd_fd_refuses_non_socket_on_fd0),
		cmocka_unit_test(test_systemd_fds_for_us_counts_and_clears_env),
		cmocka_unit_test(test_systemd_fds_for_another_pid_is_zero),
		cmocka_unit_test(test_systemd_fds_absent_is_zero),
		cmocka_unit_test(test_systemd_fds_malformed_is_einval),
		cmocka_unit_test(test_iface_addr_of_lo_is_loopback),
		cmocka_unit_test(test_iface_addr_of_lo_v6_is_loopback),
		cmocka_unit_test(test_iface_addr_missing_family_is_eaddrnotavail),
		cmocka_unit_test(test_iface_unknown_is_enodev),
		cmocka_unit_test(test_iface_mtu_of_lo_is_positive),
		cmocka_unit_test(test_iface_of_loopback_addr_is_lo),
		cmocka_unit_test(test_iface_of_foreign_addr_is_eaddrnotavail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
