/* Addresses as configs and command lines write them — IPv4, IPv6, ADDR:PORT,
 * CIDR, MAC — parsed and printed by pure functions. */
#ifndef PXE_ADDR_H
#define PXE_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct ip_addr {
	int family;		/* AF_INET or AF_INET6; 0 when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct cidr {
	struct ip_addr addr;	/* the network: host bits are zero */
	unsigned prefix;
};

struct mac_addr {
	uint8_t b[6];
};

struct hostport {
	struct sockaddr_storage ss;
	socklen_t len;		/* 0 when unset */
};

/* Room for any string the addr_*_str functions produce, NUL included. */
#define ADDR_STRLEN 64

/* Each parser returns 0, or -EINVAL with a reason in err (errlen bytes) when
 * err is not NULL.  family is AF_INET, AF_INET6 or AF_UNSPEC (either). */
int addr_parse_ip(const char *s, int family, struct ip_addr *out, char *err, size_t errlen);
/* "10.0.0.0/24", "fd00::/64".  Host bits set is an error that names the
 * network meant ("10.0.0.5/24: host bits set; the network is 10.0.0.0/24"). */
int addr_parse_cidr(const char *s, int family, struct cidr *out, char *err, size_t errlen);
/* "00:11:22:33:44:55" or "00-11-22-33-44-55", either case. */
int addr_parse_mac(const char *s, struct mac_addr *out, char *err, size_t errlen);
/* "ADDR", "ADDR:PORT", "[V6]:PORT", "V6", ":PORT" (any address) or "" (any
 * address, default port).  family as above; for ":PORT" and "" AF_UNSPEC
 * gives the IPv6 wildcard. */
int addr_parse_hostport(const char *s, int family, uint16_t default_port,
			struct hostport *out, char *err, size_t errlen);

bool addr_ip_equal(const struct ip_addr *a, const struct ip_addr *b);
bool cidr_contains(const struct cidr *net, const struct ip_addr *ip);
/* 32 for AF_INET, 128 for AF_INET6: the longest prefix. */
unsigned addr_max_prefix(int family);
/* Clears the bits of ip past prefix; true when some were set. */
bool addr_clear_host_bits(struct ip_addr *ip, unsigned prefix);
/* An IPv4-mapped IPv6 address (::ffff:192.0.2.1, RFC 4291 §2.5.5.2) becomes
 * the IPv4 address it stands for; true when it was one. */
bool addr_unmap_v4(struct ip_addr *ip);
void addr_to_sockaddr(const struct ip_addr *ip, uint16_t port, struct hostport *out);
/* 0, or -EAFNOSUPPORT for a family other than AF_INET/AF_INET6.  IPv4-mapped
 * IPv6 addresses come out as IPv4. */
int addr_from_sockaddr(const struct sockaddr *sa, struct ip_addr *ip, uint16_t *port);

/* Each returns buf, which has ADDR_STRLEN bytes. */
const char *addr_ip_str(const struct ip_addr *ip, char *buf);
const char *addr_cidr_str(const struct cidr *net, char *buf);
const char *addr_mac_str(const struct mac_addr *mac, char *buf);
/* "192.0.2.1:69", "[2001:db8::1]:69". */
const char *addr_sa_str(const struct sockaddr *sa, char *buf);

#endif
