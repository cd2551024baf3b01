/* Addresses as admins write them — IPv4, IPv6, ADDR:PORT, CIDR, MAC — parsed
 * strictly (no trailing junk, no host names) and printed back. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "str.h"

static const char *ip_form(int family)
{
	switch (family) {
	case AF_INET:
		return "an IPv4 address such as 192.0.2.1";
	case AF_INET6:
		return "an IPv6 address such as 2001:db8::1";
	}
	return "an IPv4 or IPv6 address such as 192.0.2.1 or 2001:db8::1";
}

static const char *cidr_form(int family)
{
	switch (family) {
	case AF_INET:
		return "an IPv4 network such as 192.0.2.0/24";
	case AF_INET6:
		return "an IPv6 network such as 2001:db8::/64";
	}
	return "a network such as 192.0.2.0/24 or 2001:db8::/64";
}

static const char *hostport_form(int family)
{
	switch (family) {
	case AF_INET:
		return "ADDR or ADDR:PORT, such as 192.0.2.1 or 192.0.2.1:69, or :PORT";
	case AF_INET6:
		return "ADDR or [ADDR]:PORT, such as 2001:db8::1 or [2001:db8::1]:69, or :PORT";
	}
	return "ADDR, ADDR:PORT or [IPV6]:PORT, such as 192.0.2.1:69 or [2001:db8::1]:69, or :PORT";
}

/* Letters that are not hex digits mean someone wrote a host name. */
static bool looks_like_name(const char *s)
{
	for (; *s; s++)
		if (isalpha((unsigned char)*s) && !isxdigit((unsigned char)*s))
			return true;
	return false;
}

/* The address of s, with messages that say form is what was expected. */
static int parse_ip(const char *s, int family, struct ip_addr *out, const char *form,
		    char *err, size_t errlen)
{
	struct ip_addr ip = { 0 };
	const char *zone = strchr(s, '%');

	if (zone)
		return str_error(err, errlen, "IPv6 zone ids such as '%s' are not supported; expected %s",
			    zone, form);
	if (inet_pton(AF_INET, s, &ip.v4) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &ip.v6) == 1)
		ip.family = AF_INET6;
	else if (!strchr(s, ':') && looks_like_name(s))
		return str_error(err, errlen, "host names are not looked up; expected %s", form);
	else
		return str_error(err, errlen, "expected %s", form);
	if ((family == AF_INET || family == AF_INET6) && ip.family != family)
		return str_error(err, errlen, "%s is an %s address; expected %s", s,
			    ip.family == AF_INET ? "IPv4" : "IPv6", form);
	*out = ip;
	return 0;
}

int addr_parse_ip(const char *s, int family, struct ip_addr *out, char *err, size_t errlen)
{
	return parse_ip(s, family, out, ip_form(family), err, errlen);
}

unsigned addr_max_prefix(int family)
{
	return family == AF_INET ? 32 : 128;
}

static uint8_t *ip_bytes(struct ip_addr *ip)
{
	return ip->family == AF_INET ? (uint8_t *)&ip->v4 : ip->v6.s6_addr;
}

static const uint8_t *ip_cbytes(const struct ip_addr *ip)
{
	return ip->family == AF_INET ? (const uint8_t *)&ip->v4 : ip->v6.s6_addr;
}

bool addr_clear_host_bits(struct ip_addr *ip, unsigned prefix)
{
	uint8_t *b = ip_bytes(ip);
	unsigned nbytes = addr_max_prefix(ip->family) / 8;
	bool had = false;
	unsigned i;

	for (i = 0; i < nbytes; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
		uint8_t mask = (uint8_t)(0xff00 >> keep);

		if (b[i] & ~mask)
			had = true;
		b[i] &= mask;
	}
	return had;
}

int addr_parse_cidr(const char *s, int family, struct cidr *out, char *err, size_t errlen)
{
	const char *form = cidr_form(family);
	const char *slash = strchr(s, '/');
	char a[ADDR_STRLEN], buf[ADDR_STRLEN];
	struct cidr net = { 0 };
	unsigned long long prefix;
	size_t alen;
	int rc;

	if (!slash)
		return str_error(err, errlen, "expected %s", form);
	alen = (size_t)(slash - s);
	if (alen >= sizeof a)
		return str_error(err, errlen, "expected %s", form);
	memcpy(a, s, alen);
	a[alen] = '\0';
	rc = parse_ip(a, family, &net.addr, form, err, errlen);
	if (rc)
		return rc;
	if (!str_to_uint(slash + 1, addr_max_prefix(net.addr.family), &prefix))
		return str_error(err, errlen, "the prefix length after '/' must be a number from 0 to %u",
			    addr_max_prefix(net.addr.family));
	net.prefix = (unsigned)prefix;
	if (addr_clear_host_bits(&net.addr, net.prefix))
		return str_error(err, errlen, "%s: host bits set; the network is %s", s,
			    addr_cidr_str(&net, buf));
	*out = net;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int addr_parse_mac(const char *s, struct mac_addr *out, char *err, size_t errlen)
{
	static const char form[] = "expected a MAC address such as 00:11:22:33:44:55";
	struct mac_addr mac;
	char sep;
	int i;

	if (strlen(s) != 17)
		return str_error(err, errlen, "%s", form);
	sep = s[2];
	if (sep != ':' && sep != '-')
		return str_error(err, errlen, "%s", form);
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0)
			return str_error(err, errlen, "%s", form);
		if (i < 5 && s[3 * i + 2] != sep)
			return str_error(err, errlen, "%s (one separator, ':' or '-', throughout)", form);
		mac.b[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = mac;
	return 0;
}

static void wildcard(int family, struct ip_addr *ip)
{
	memset(ip, 0, sizeof *ip);
	ip->family = family == AF_INET ? AF_INET : AF_INET6;
	if (ip->family == AF_INET)
		ip->v4.s_addr = htonl(INADDR_ANY);
	else
		ip->v6 = in6addr_any;
}

/* Splits s into its host part (copied to host) and its port text, or NULL. */
static int split_hostport(const char *s, char *host, size_t hostsz, const char **port,
			  bool *bracket)
{
	const char *end, *colon = strchr(s, ':');
	size_t len;

	*port = NULL;
	*bracket = s[0] == '[';
	if (*bracket) {
		s++;
		end = strchr(s, ']');
		if (!end)
			return -1;
		if (end[1] == ':')
			*port = end + 2;
		else if (end[1])
			return -1;
	} else if (colon && !strchr(colon + 1, ':')) {
		/* One colon is ADDR:PORT; two or more are a bare IPv6 address. */
		end = colon;
		*port = colon + 1;
	} else {
		end = s + strlen(s);
	}
	len = (size_t)(end - s);
	if (len >= hostsz)
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	return 0;
}

int addr_parse_hostport(const char *s, int family, uint16_t default_port,
			struct hostport *out, char *err, size_t errlen)
{
	const char *form = hostport_form(family);
	char host[ADDR_STRLEN];
	const char *port;
	struct ip_addr ip;
	unsigned long long p = default_port;
	bool bracket;
	int rc;

	if (split_hostport(s, host, sizeof host, &port, &bracket))
		return str_error(err, errlen, "expected %s", form);
	if (port && (!str_to_uint(port, 65535, &p) || p == 0))
		return str_error(err, errlen, "the port must be a number from 1 to 65535; expected %s",
			    form);
	if (!host[0] && bracket)
		return str_error(err, errlen, "expected %s", form);
	if (!host[0]) {
		wildcard(family, &ip);
	} else {
		rc = parse_ip(host, family, &ip, form, err, errlen);
		if (rc)
			return rc;
		if (bracket && ip.family != AF_INET6)
			return str_error(err, errlen, "brackets are for IPv6 addresses only; expected %s",
				    form);
	}
	addr_to_sockaddr(&ip, (uint16_t)p, out);
	return 0;
}

bool addr_ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof a->v6) == 0;
	return true;
}

bool cidr_contains(const struct cidr *net, const struct ip_addr *ip)
{
	struct ip_addr masked = *ip;

	if (ip->family != net->addr.family || (ip->family != AF_INET && ip->family != AF_INET6))
		return false;
	addr_clear_host_bits(&masked, net->prefix);
	return addr_ip_equal(&masked, &net->addr);
}

void addr_to_sockaddr(const struct ip_addr *ip, uint16_t port, struct hostport *out)
{
	struct sockaddr_in sin = { 0 };
	struct sockaddr_in6 sin6 = { 0 };

	memset(out, 0, sizeof *out);
	if (ip->family == AF_INET) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr = ip->v4;
		memcpy(&out->ss, &sin, sizeof sin);
		out->len = sizeof sin;
	} else if (ip->family == AF_INET6) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		sin6.sin6_addr = ip->v6;
		memcpy(&out->ss, &sin6, sizeof sin6);
		out->len = sizeof sin6;
	}
}

bool addr_unmap_v4(struct ip_addr *ip)
{
	struct in_addr v4;

	if (ip->family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&ip->v6))
		return false;
	memcpy(&v4, &ip->v6.s6_addr[12], sizeof v4);
	ip->family = AF_INET;
	ip->v4 = v4;
	return true;
}

int addr_from_sockaddr(const struct sockaddr *sa, struct ip_addr *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct ip_addr out = { 0 };
	uint16_t p;

	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof sin);
		out.family = AF_INET;
		out.v4 = sin.sin_addr;
		p = ntohs(sin.sin_port);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof sin6);
		p = ntohs(sin6.sin6_port);
		out.family = AF_INET6;
		out.v6 = sin6.sin6_addr;
		/* A dual-stack socket's IPv4 client: compare and log it as IPv4. */
		addr_unmap_v4(&out);
	} else {
		return -EAFNOSUPPORT;
	}
	if (ip)
		*ip = out;
	if (port)
		*port = p;
	return 0;
}

const char *addr_ip_str(const struct ip_addr *ip, char *buf)
{
	if ((ip->family != AF_INET && ip->family != AF_INET6) ||
	    !inet_ntop(ip->family, ip_cbytes(ip), buf, ADDR_STRLEN))
		snprintf(buf, ADDR_STRLEN, "(unset)");
	return buf;
}

const char *addr_cidr_str(const struct cidr *net, char *buf)
{
	char ip[ADDR_STRLEN];

	snprintf(buf, ADDR_STRLEN, "%s/%u", addr_ip_str(&net->addr, ip), net->prefix);
	return buf;
}

const char *addr_mac_str(const struct mac_addr *mac, char *buf)
{
	return str_hex_colons(buf, ADDR_STRLEN, mac->b, sizeof mac->b);
}

const char *addr_sa_str(const struct sockaddr *sa, char *buf)
{
	struct ip_addr ip;
	char s[ADDR_STRLEN];
	uint16_t port;

	if (addr_from_sockaddr(sa, &ip, &port)) {
		snprintf(buf, ADDR_STRLEN, "(address family %d)", sa->sa_family);
		return buf;
	}
	addr_ip_str(&ip, s);
	snprintf(buf, ADDR_STRLEN, ip.family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
	return buf;
}
