/* Sockets as the daemons get them (inherited from inetd or systemd, or bound
 * here) and what an interface has: its addresses and its MTU. */
#include <config.h>

#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* sd_listen_fds(3): passed sockets start at fd 3. */
#define SD_LISTEN_FDS_START 3
#define LISTEN_BACKLOG 128

bool sock_is_socket(int fd, int *type)
{
	struct stat st;
	int t;
	socklen_t len = sizeof t;

	if (fstat(fd, &st) == -1 || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &len) == -1)
		return false;
	if (type)
		*type = t;
	return true;
}

int sock_inetd_fd(int *type)
{
	return sock_is_socket(STDIN_FILENO, type) ? 0 : -ENOTSOCK;
}

/* The whole of s as a decimal number in [1, max], or -EINVAL.  Stricter than
 * strtol(): no sign, no blanks, nothing after the digits. */
static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > max)
		return -EINVAL;
	return v;
}

/* The variables are for this process only: whatever we return, a child we
 * spawn must not believe they are meant for it. */
static int listen_env_done(int ret)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return ret;
}

int sock_systemd_fds(void)
{
	const char *e;
	long pid, n, fd;

	if ((e = getenv("LISTEN_PID")) == NULL)
		return listen_env_done(0);
	if ((pid = parse_count(e, INT_MAX)) < 0)
		return listen_env_done(-EINVAL);
	/* Set by a parent for some other process (we were exec'd by it). */
	if (pid != getpid())
		return listen_env_done(0);
	if ((e = getenv("LISTEN_FDS")) == NULL)
		return listen_env_done(0);
	/* As sd_listen_fds(): zero sockets is malformed, systemd never says so. */
	if ((n = parse_count(e, INT_MAX - SD_LISTEN_FDS_START)) < 0)
		return listen_env_done(-EINVAL);
	/* systemd hands them over inheritable; our own children must not get them. */
	for (fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
		int fl = fcntl((int)fd, F_GETFD);

		if (fl == -1 || fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC) == -1)
			return listen_env_done(-errno);
	}
	return listen_env_done((int)n);
}

static int setopt_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof val) == -1 ? -errno : 0;
}

static int set_bind_options(int fd, int family, int flags)
{
	int err = 0;

	if (flags & SOCK_REUSEADDR)
		err = setopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (err == 0 && (flags & SOCK_REUSEPORT))
		err = setopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	/* Set either way: the net.ipv6.bindv6only sysctl must not change what
	 * a listen address in the config means. */
	if (err == 0 && family == AF_INET6)
		err = setopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    (flags & SOCK_DUALSTACK) ? 0 : 1);
	return err;
}

int sock_bind(const struct hostport *addr, int type, int flags)
{
	int family = addr->ss.ss_family;
	int fd, err;

	if (addr->len == 0)
		return -EINVAL;
	fd = socket(family, type | SOCK_CLOEXEC |
	    ((flags & SOCK_BLOCKING) ? 0 : SOCK_NONBLOCK), 0);
	if (fd == -1)
		return -errno;
	err = set_bind_options(fd, family, flags);
	if (err == 0 &&
	    bind(fd, (const struct sockaddr *)&addr->ss, addr->len) == -1)
		err = -errno;
	if (err == 0 && type == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) == -1)
		err = -errno;
	if (err != 0) {
		close(fd);
		return err;
	}
	return fd;
}

int sock_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -errno;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) == -1 ? -errno : 0;
}

/* getifaddrs() names an IPv4 alias by its label, "eth0:1"; the interface is
 * what comes before the colon, which Linux never allows in a device name. */
static size_t iface_name_len(const char *label)
{
	return strcspn(label, ":");
}

static bool is_iface(const struct ifaddrs *ifa, const char *ifname)
{
	size_t n = iface_name_len(ifa->ifa_name);

	return strlen(ifname) == n && strncmp(ifa->ifa_name, ifname, n) == 0;
}

/* The address of ifa as an ip_addr, when it is one of family. */
static bool ifa_ip(const struct ifaddrs *ifa, int family, struct ip_addr *out)
{
	const struct sockaddr *sa = ifa->ifa_addr;

	if (sa == NULL || sa->sa_family != family)
		return false;
	memset(out, 0, sizeof *out);
	out->family = family;
	if (family == AF_INET)
		out->v4 = ((const struct sockaddr_in *)sa)->sin_addr;
	else if (family == AF_INET6)
		out->v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return false;
	return true;
}

static bool ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return memcmp(&a->v6, &b->v6, sizeof a->v6) == 0;
}

/* 0, -ENODEV, or another negative errno when the kernel could not be asked. */
static int iface_exists(const char *ifname)
{
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	errno = 0;
	if (if_nametoindex(ifname) != 0)
		return 0;
	if (errno == 0 || errno == ENODEV || errno == ENXIO)
		return -ENODEV;
	return -errno;
}

int sock_iface_addr(const char *ifname, int family, struct ip_addr *out)
{
	struct ifaddrs *list, *ifa;
	int err;

	if ((err = iface_exists(ifname)) != 0)
		return err;
	if (getifaddrs(&list) == -1)
		return -errno;
	err = -EADDRNOTAVAIL;
	for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
		if (is_iface(ifa, ifname) && ifa_ip(ifa, family, out)) {
			err = 0;
			break;
		}
	}
	freeifaddrs(list);
	return err;
}

int sock_iface_of_addr(const struct ip_addr *ip, char *ifname)
{
	struct ifaddrs *list, *ifa;
	struct ip_addr a;
	size_t n;
	int err = -EADDRNOTAVAIL;

	if (getifaddrs(&list) == -1)
		return -errno;
	for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
		if (!ifa_ip(ifa, ip->family, &a) || !ip_equal(&a, ip))
			continue;
		n = iface_name_len(ifa->ifa_name);
		if (n >= IFNAMSIZ)
			continue;
		memcpy(ifname, ifa->ifa_name, n);
		ifname[n] = '\0';
		err = 0;
		break;
	}
	freeifaddrs(list);
	return err;
}

int sock_iface_mtu(const char *ifname)
{
	struct ifreq ifr;
	int fd, ret;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	ret = ioctl(fd, SIOCGIFMTU, &ifr) == -1 ? -errno : ifr.ifr_mtu;
	close(fd);
	return ret;
}
