/* exports(5) host patterns and export paths: parsed strictly, matched and
 * printed back by pure functions. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "export_spec.h"
#include "str.h"

/* ---------------------------------------------------------------- hosts */

static int mask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n < 32 && (m << n) ? -1 : n;
}

/* Clients reach pxe-nfsd as IPv4 (its IPv6 sockets are IPV6_V6ONLY, and a
 * mapped address is unmapped on arrival), so ::ffff:10.0.0.0/104 is written
 * for 10.0.0.0/8 and becomes it.  -1 for a mapped address under a prefix
 * shorter than the mapped block's 96 bits: no IPv4 network is meant. */
static int unmap_net(struct cidr *net)
{
	if (!addr_unmap_v4(&net->addr))
		return 0;
	if (net->prefix < 96)
		return -1;
	net->prefix -= 96;
	return 0;
}

static int parse_net(const char *s, struct export_host *h, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char addr[ADDR_STRLEN], why[160];
	unsigned long long prefix;
	struct in_addr mask;
	int n;

	if ((size_t)(slash - s) >= sizeof addr)
		return str_error(err, errlen, "'%s': expected a network such as 192.0.2.0/24", s);
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (addr_parse_ip(addr, AF_UNSPEC, &h->net.addr, why, sizeof why))
		return str_error(err, errlen, "'%s': %s", s, why);
	if (h->net.addr.family == AF_INET && strchr(slash + 1, '.')) {
		if (inet_pton(AF_INET, slash + 1, &mask) != 1)
			return str_error(err, errlen, "'%s': expected a netmask such as 255.255.255.0 "
				    "after '/'", s);
		n = mask_prefix(mask);
		if (n < 0)
			return str_error(err, errlen, "'%s': %s is not a contiguous netmask", s, slash + 1);
		prefix = (unsigned)n;
	} else if (!str_to_uint(slash + 1, addr_max_prefix(h->net.addr.family), &prefix)) {
		return str_error(err, errlen, "'%s': the prefix length after '/' must be a number from 0 "
			    "to %u%s", s, addr_max_prefix(h->net.addr.family),
			    h->net.addr.family == AF_INET ? ", or a netmask such as 255.255.255.0" : "");
	}
	h->net.prefix = (unsigned)prefix;
	if (unmap_net(&h->net))
		return str_error(err, errlen, "'%s': an IPv4-mapped network needs a prefix of 96 or "
			    "more; write it as IPv4, such as 10.0.0.0/8", s);
	/* mountd compares the client under the mask, so 10.1.2.3/8 means 10/8 */
	addr_clear_host_bits(&h->net.addr, h->net.prefix);
	h->kind = EXPORT_HOST_NET;
	return 0;
}

static bool is_wild(char c)
{
	return c == '*' || c == '?' || c == '[';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* "192.168.1.*": wildcards over an address never match a host name. */
static bool wild_address(const char *s)
{
	bool digit = false, wild = false;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digit = true;
		else if (is_wild(*s) || *s == ']' || *s == '!' || *s == '^' || *s == '-')
			wild = true;
		else if (*s != '.')
			return false;
	}
	return digit && wild;
}

/* A [...] class starting at s (at '['): its length through ']', or 0. */
static size_t class_len(const char *s)
{
	size_t i = 1;

	if (s[i] == '!' || s[i] == '^')
		i++;
	if (s[i] == ']')
		return 0;	/* empty class */
	for (; s[i] && s[i] != ']'; i++) {
		if (!is_name_char(s[i]))
			return 0;
		if (s[i + 1] == '-' && s[i + 2] && s[i + 2] != ']') {
			if (!is_name_char(s[i + 2]) || tolower((unsigned char)s[i]) >
			    tolower((unsigned char)s[i + 2]))
				return 0;
			i += 2;
		}
	}
	return s[i] == ']' ? i + 1 : 0;
}

static int parse_name(const char *s, struct export_host *h, char *err, size_t errlen)
{
	size_t len = strlen(s), i, n;
	bool wild = false;

	if (len > 1 && s[len - 1] == '.')
		len--;		/* the root of an absolute name */
	if (s[0] == '.' || s[0] == '-' || s[len - 1] == '.' || memmem(s, len, "..", 2))
		return str_error(err, errlen, "'%s' is not a host name", s);
	if (len == 1 && s[0] == '*')
		return str_error(err, errlen, "'%s' is not a host pattern; write * for every host", s);
	for (i = 0; i < len; i++) {
		if (s[i] == '[') {
			n = class_len(s + i);
			if (!n || i + n > len)
				return str_error(err, errlen, "'%s': a '[' without its ']', or a bad "
					    "character class such as [0-9]", s);
			i += n - 1;
			wild = true;
		} else if (s[i] == '*' || s[i] == '?') {
			wild = true;
		} else if (!is_name_char(s[i])) {
			return str_error(err, errlen, "'%s': '%c' cannot be in a host name or pattern",
				    s, s[i]);
		}
	}
	for (i = 0; i < len; i++)
		h->name[i] = (char)tolower((unsigned char)s[i]);
	h->name[len] = '\0';
	h->kind = wild ? EXPORT_HOST_WILDCARD : EXPORT_HOST_NAME;
	return 0;
}

static bool only_digits_dots(const char *s)
{
	return s[strspn(s, "0123456789.")] == '\0';
}

int export_host_parse(const char *s, struct export_host *out, char *err, size_t errlen)
{
	struct export_host h;
	size_t len = strlen(s);
	char why[160];
	int rc;

	memset(&h, 0, sizeof h);
	if (len == 0)
		return str_error(err, errlen, "an empty host pattern; write * for every host");
	if (len > EXPORT_HOST_MAX)
		return str_error(err, errlen, "a host pattern longer than %d characters", EXPORT_HOST_MAX);
	if (s[0] == '@')
		return str_error(err, errlen, "'%s': netgroups are not supported; list the hosts, or a "
			    "network such as 192.0.2.0/24", s);
	if (strpbrk(s, "()"))
		return str_error(err, errlen, "'%s': options do not go in a host pattern", s);
	if (strcmp(s, "*") == 0) {
		h.kind = EXPORT_HOST_ANY;
	} else if (strchr(s, '/')) {
		rc = parse_net(s, &h, err, errlen);
		if (rc)
			return rc;
	} else if (s[0] == '[' && strchr(s, ':')) {
		return str_error(err, errlen, "'%s': write IPv6 addresses without brackets", s);
	} else if (strchr(s, ':') || only_digits_dots(s)) {
		if (addr_parse_ip(s, AF_UNSPEC, &h.net.addr, why, sizeof why))
			return str_error(err, errlen, "'%s': %s", s, why);
		addr_unmap_v4(&h.net.addr);
		h.net.prefix = addr_max_prefix(h.net.addr.family);
		h.kind = EXPORT_HOST_ADDR;
	} else if (wild_address(s)) {
		return str_error(err, errlen, "'%s': wildcards match host names, not addresses; write a "
			    "network such as 192.168.1.0/24", s);
	} else {
		rc = parse_name(s, &h, err, errlen);
		if (rc)
			return rc;
	}
	*out = h;
	return 0;
}

/* c against the class at p (just past '['), whose end goes to *end. */
static bool class_match(const char *p, char c, const char **end)
{
	bool neg = *p == '!' || *p == '^', hit = false;

	if (neg)
		p++;
	while (*p && *p != ']') {
		char lo = *p, hi = *p;

		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = p[2];
			p += 3;
		} else {
			p++;
		}
		if (lo <= c && c <= hi)
			hit = true;
	}
	*end = *p ? p + 1 : p;
	return hit != neg;
}

/* Glob of a lower-case pattern over the first n bytes of s, ignoring case:
 * '*' and '?' match dots too (exports(5)).  One backtrack point for the
 * last '*' keeps it O(len(pat) * n) whatever the pattern. */
static bool glob_match(const char *pat, const char *s, size_t n)
{
	const char *star = NULL, *end;
	size_t i = 0, resume = 0;

	while (i < n) {
		char c = (char)tolower((unsigned char)s[i]);

		if (*pat == '*') {
			star = ++pat;
			resume = i;
			continue;
		}
		if (*pat == '?' || (*pat == '[' && class_match(pat + 1, c, &end)) ||
		    (*pat && *pat != '[' && *pat == c)) {
			pat = *pat == '[' ? end : pat + 1;
			i++;
			continue;
		}
		if (!star)
			return false;
		pat = star;
		i = ++resume;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* A name's length without the root's trailing dot. */
static size_t name_len(const char *s)
{
	size_t n = strlen(s);

	return n > 1 && s[n - 1] == '.' ? n - 1 : n;
}

bool export_host_match(const struct export_host *h, const struct ip_addr *ip,
		       const char *hostname)
{
	size_t n;

	switch (h->kind) {
	case EXPORT_HOST_ANY:
		return true;
	case EXPORT_HOST_ADDR:
	case EXPORT_HOST_NET:
		return ip && cidr_contains(&h->net, ip);
	case EXPORT_HOST_NAME:
		if (!hostname)
			return false;
		n = name_len(hostname);
		return n == strlen(h->name) && strncasecmp(h->name, hostname, n) == 0;
	case EXPORT_HOST_WILDCARD:
		return hostname && glob_match(h->name, hostname, name_len(hostname));
	}
	return false;
}

unsigned export_host_rank(const struct export_host *h)
{
	switch (h->kind) {
	case EXPORT_HOST_ADDR:
	case EXPORT_HOST_NAME:
		return 0;
	case EXPORT_HOST_NET:
		return 1;
	case EXPORT_HOST_WILDCARD:
		return 2;
	}
	return 4;	/* anonymous; 3 is exports(5)'s netgroups */
}

bool export_host_equal(const struct export_host *a, const struct export_host *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case EXPORT_HOST_ADDR:
	case EXPORT_HOST_NET:
		return a->net.prefix == b->net.prefix && addr_ip_equal(&a->net.addr, &b->net.addr);
	case EXPORT_HOST_NAME:
	case EXPORT_HOST_WILDCARD:
		return strcmp(a->name, b->name) == 0;
	}
	return true;
}

const char *export_host_str(const struct export_host *h, char *buf)
{
	switch (h->kind) {
	case EXPORT_HOST_ADDR:
		return addr_ip_str(&h->net.addr, buf);
	case EXPORT_HOST_NET:
		return addr_cidr_str(&h->net, buf);
	case EXPORT_HOST_NAME:
	case EXPORT_HOST_WILDCARD:
		snprintf(buf, EXPORT_HOST_MAX + 1, "%s", h->name);
		return buf;
	}
	snprintf(buf, EXPORT_HOST_MAX + 1, "*");
	return buf;
}

/* ---------------------------------------------------------------- paths */

int export_path_normalize(const char *in, char *out, size_t outsz, char *err, size_t errlen)
{
	size_t len = 0, n;
	const char *p;

	if (in[0] != '/')
		return str_error(err, errlen, "expected an absolute path such as /srv/install");
	for (p = in; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return str_error(err, errlen, "control character in the path");
	for (p = in; *p;) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return str_error(err, errlen, "'..' in the path; write the directory it leads to");
		if (len + 1 + n > EXPORT_PATH_MAX || len + 1 + n >= outsz)
			return str_error(err, errlen, "a path longer than %d bytes (MOUNT's MNTPATHLEN)",
				    EXPORT_PATH_MAX);
		out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
		p += n;
	}
	if (len == 0) {
		if (outsz < 2)
			return str_error(err, errlen, "no room for the path");
		out[len++] = '/';
	}
	out[len] = '\0';
	return 0;
}

bool export_path_is_normal(const char *path)
{
	char buf[EXPORT_PATH_MAX + 1];

	return export_path_normalize(path, buf, sizeof buf, NULL, 0) == 0 &&
	       strcmp(buf, path) == 0;
}
