/* pxe-tftpd's request sockets: fd 0 from inetd/xinetd, the sockets systemd
 * passes, or its own, bound to the configured address; each with
 * IP_PKTINFO, so a reply can leave from the address its request came to. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "sock.h"

static int enable_pktinfo(int fd)
{
	int on = 1;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) < 0)
			return -errno;
		/* A dual-stack socket handed over by inetd sees IPv4 too. */
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
		return 0;
	}
	return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0 ? -errno : 0;
}

static int add_listener(struct tftpd *srv, int fd, loop_fd_cb *on_request)
{
	int rc = enable_pktinfo(fd);

	if (rc == 0)
		rc = sock_set_nonblock(fd, true);
	if (rc == 0)
		rc = loop_watch(srv->loop, fd, EPOLLIN, on_request, srv);
	if (rc < 0) {
		log_err("tftp: request socket %d: %s", fd, strerror(-rc));
		return -1;
	}
	srv->listen_fd[srv->nlisten++] = fd;
	return 0;
}

static bool ip_unspecified(const struct hostport *hp)
{
	struct ip_addr ip;

	if (addr_from_sockaddr((const struct sockaddr *)&hp->ss, &ip, NULL) < 0)
		return false;
	if (ip.family == AF_INET)
		return ip.v4.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&ip.v6);
}

static int bind_one(struct tftpd *srv, int family, uint16_t port, loop_fd_cb *on_request)
{
	struct ip_addr any = { .family = family };
	struct hostport hp;
	char where[ADDR_STRLEN];
	int fd;

	addr_to_sockaddr(&any, port, &hp);
	fd = sock_bind(&hp, SOCK_DGRAM, SOCK_REUSEADDR);
	if (fd < 0) {
		log_err("tftp: cannot bind %s: %s",
			addr_sa_str((struct sockaddr *)&hp.ss, where), strerror(-fd));
		return -1;
	}
	return add_listener(srv, fd, on_request);
}

/* Standalone: the configured address, or the wildcard of each family. */
static int bind_listeners(struct tftpd *srv, loop_fd_cb *on_request)
{
	const struct conf_tftpd *c = srv->conf;
	const struct hostport *hp = &c->address;
	uint16_t port;
	struct ip_addr ip;
	char where[ADDR_STRLEN];
	int fd;

	addr_from_sockaddr((const struct sockaddr *)&hp->ss, &ip, &port);
	if (ip_unspecified(hp)) {
		if (c->family != SUITE_FAMILY_IPV6 && bind_one(srv, AF_INET, port, on_request) < 0)
			return -1;
		if (c->family != SUITE_FAMILY_IPV4 && bind_one(srv, AF_INET6, port, on_request) < 0)
			return c->family == SUITE_FAMILY_IPV6 ? -1 : 0;
		return 0;
	}
	if ((c->family == SUITE_FAMILY_IPV4 && ip.family != AF_INET) ||
	    (c->family == SUITE_FAMILY_IPV6 && ip.family != AF_INET6)) {
		log_err("tftp: address %s is not of the family asked for",
			addr_sa_str((const struct sockaddr *)&hp->ss, where));
		return -1;
	}
	fd = sock_bind(hp, SOCK_DGRAM, SOCK_REUSEADDR);
	if (fd < 0) {
		log_err("tftp: cannot bind %s: %s",
			addr_sa_str((const struct sockaddr *)&hp->ss, where), strerror(-fd));
		return -1;
	}
	return add_listener(srv, fd, on_request);
}

enum tftpd_mode listen_detect_mode(const struct conf_tftpd *conf, int *nsystemd)
{
	int type;

	*nsystemd = conf->listen ? 0 : sock_systemd_fds();
	if (*nsystemd > 0)
		return TFTPD_SYSTEMD;
	if (!conf->listen && sock_inetd_fd(&type) == 0 && type == SOCK_DGRAM)
		return TFTPD_INETD;
	return TFTPD_STANDALONE;
}

int listen_open(struct tftpd *srv, int nsystemd, loop_fd_cb *on_request)
{
	switch (srv->mode) {
	case TFTPD_INETD:
		return add_listener(srv, STDIN_FILENO, on_request);
	case TFTPD_SYSTEMD:
		for (int i = 0; i < nsystemd && srv->nlisten < TFTPD_MAX_LISTEN; i++) {
			int type;

			if (!sock_is_socket(3 + i, &type) || type != SOCK_DGRAM) {
				log_err("tftp: systemd passed fd %d, which is not a UDP socket", 3 + i);
				return -1;
			}
			if (add_listener(srv, 3 + i, on_request) < 0)
				return -1;
		}
		return 0;
	case TFTPD_STANDALONE:
		return bind_listeners(srv, on_request);
	}
	return -1;
}
