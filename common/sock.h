/* Sockets as the daemons get them: inherited from inetd/xinetd (fd 0) or from
 * systemd (LISTEN_FDS), or bound here; and the addresses of an interface. */
#ifndef PXE_SOCK_H
#define PXE_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"

/* True when fd is a socket; its SOCK_DGRAM/SOCK_STREAM type goes to *type. */
bool sock_is_socket(int fd, int *type);

/* fd 0 handed over by inetd/xinetd: returns 0 and its type, or -ENOTSOCK. */
int sock_inetd_fd(int *type);

/* Sockets passed by systemd socket activation, starting at fd 3.  Returns
 * their number (0 when LISTEN_PID is absent or names another process), or
 * -EINVAL for malformed variables.  Clears LISTEN_PID, LISTEN_FDS and
 * LISTEN_FDNAMES so children do not inherit them. */
int sock_systemd_fds(void);

enum {
	SOCK_REUSEADDR = 1 << 0,	/* SO_REUSEADDR */
	SOCK_REUSEPORT = 1 << 1,	/* SO_REUSEPORT */
	SOCK_DUALSTACK = 1 << 2,	/* IPv6 socket that also takes IPv4 */
	SOCK_BLOCKING = 1 << 3,		/* leave the socket blocking */
};

/* A socket of type (SOCK_DGRAM, SOCK_STREAM) bound to addr, close-on-exec and
 * non-blocking unless SOCK_BLOCKING; IPv6 sockets get IPV6_V6ONLY set, unless
 * SOCK_DUALSTACK.  Stream sockets listen (backlog 128).  Returns the fd or a
 * negative errno. */
int sock_bind(const struct hostport *addr, int type, int flags);

int sock_set_nonblock(int fd, bool on);

/* First address of family on interface ifname: 0, -ENODEV (no such
 * interface) or -EADDRNOTAVAIL (no address of that family). */
int sock_iface_addr(const char *ifname, int family, struct ip_addr *out);
/* The interface that has address ip: 0 and its name (IFNAMSIZ bytes), or
 * -EADDRNOTAVAIL. */
int sock_iface_of_addr(const struct ip_addr *ip, char *ifname);
/* MTU of ifname, or a negative errno. */
int sock_iface_mtu(const char *ifname);

#endif
