/* The DHCPv4 option table and what it drives: validating decoded values and
 * printing them for logs (config text is read in dhcp_opt_parse.c). */
#include <config.h>

#include "dhcp_opt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

#define ANY DHCP_OPT_LEN_ANY
#define ROW(c, n, t, lo, hi) [c] = { .code = c, .name = n, .type = t, .min_len = lo, .max_len = hi }
#define IP(c, n) ROW(c, n, DHCP_T_IP, 4, 4)
#define IPS(c, n) ROW(c, n, DHCP_T_IP_LIST, 4, ANY)
#define STR(c, n) ROW(c, n, DHCP_T_STRING, 1, ANY)
#define BOOL(c, n) ROW(c, n, DHCP_T_BOOL, 1, 1)
#define U8(c, n) ROW(c, n, DHCP_T_U8, 1, 1)
#define U16(c, n) ROW(c, n, DHCP_T_U16, 2, 2)
#define U32(c, n) ROW(c, n, DHCP_T_U32, 4, 4)
#define HEX(c, n, lo, hi) ROW(c, n, DHCP_T_BYTES, lo, hi)

/* Indexed by code; a row without a name is a code the table does not know.
 * Names follow ISC dhcpd, and dnsmasq for the PXE options ISC lacks. */
static const struct dhcp_opt_info opt_table[256] = {
	IP(1, "subnet-mask"),
	ROW(2, "time-offset", DHCP_T_S32, 4, 4),
	IPS(3, "routers"),
	IPS(4, "time-servers"),
	IPS(5, "ien116-name-servers"),
	IPS(6, "domain-name-servers"),
	IPS(7, "log-servers"),
	IPS(8, "cookie-servers"),
	IPS(9, "lpr-servers"),
	IPS(10, "impress-servers"),
	IPS(11, "resource-location-servers"),
	STR(12, "host-name"),
	U16(13, "boot-size"),
	STR(14, "merit-dump"),
	STR(15, "domain-name"),
	IP(16, "swap-server"),
	STR(17, "root-path"),
	STR(18, "extensions-path"),
	BOOL(19, "ip-forwarding"),
	BOOL(20, "non-local-source-routing"),
	ROW(21, "policy-filter", DHCP_T_IP_PAIRS, 8, ANY),
	U16(22, "max-dgram-reassembly"),
	U8(23, "default-ip-ttl"),
	U32(24, "path-mtu-aging-timeout"),
	ROW(25, "path-mtu-plateau-table", DHCP_T_U16_LIST, 2, ANY),
	U16(26, "interface-mtu"),
	BOOL(27, "all-subnets-local"),
	IP(28, "broadcast-address"),
	BOOL(29, "perform-mask-discovery"),
	BOOL(30, "mask-supplier"),
	BOOL(31, "router-discovery"),
	IP(32, "router-solicitation-address"),
	ROW(33, "static-routes", DHCP_T_IP_PAIRS, 8, ANY),
	BOOL(34, "trailer-encapsulation"),
	U32(35, "arp-cache-timeout"),
	BOOL(36, "ieee802-3-encapsulation"),
	U8(37, "default-tcp-ttl"),
	U32(38, "tcp-keepalive-interval"),
	BOOL(39, "tcp-keepalive-garbage"),
	STR(40, "nis-domain"),
	IPS(41, "nis-servers"),
	IPS(42, "ntp-servers"),
	ROW(43, "vendor-encapsulated-options", DHCP_T_SUBOPTS, 1, ANY),
	IPS(44, "netbios-name-servers"),
	IPS(45, "netbios-dd-server"),
	U8(46, "netbios-node-type"),
	STR(47, "netbios-scope"),
	IPS(48, "font-servers"),
	IPS(49, "x-display-manager"),
	IP(50, "dhcp-requested-address"),
	U32(51, "dhcp-lease-time"),
	U8(52, "dhcp-option-overload"),
	ROW(53, "dhcp-message-type", DHCP_T_MSG_TYPE, 1, 1),
	IP(54, "dhcp-server-identifier"),
	ROW(55, "dhcp-parameter-request-list", DHCP_T_U8_LIST, 1, ANY),
	STR(56, "dhcp-message"),
	U16(57, "dhcp-max-message-size"),
	U32(58, "dhcp-renewal-time"),
	U32(59, "dhcp-rebinding-time"),
	STR(60, "vendor-class-identifier"),
	HEX(61, "dhcp-client-identifier", 2, ANY),	/* RFC 2132 §9.14: type + id */
	STR(62, "nwip-domain"),
	HEX(63, "nwip-suboptions", 1, ANY),
	STR(64, "nisplus-domain"),
	IPS(65, "nisplus-servers"),
	STR(66, "tftp-server-name"),
	STR(67, "bootfile-name"),
	ROW(68, "mobile-ip-home-agent", DHCP_T_IP_LIST, 0, ANY),
	IPS(69, "smtp-server"),
	IPS(70, "pop-server"),
	IPS(71, "nntp-server"),
	IPS(72, "www-server"),
	IPS(73, "finger-server"),
	IPS(74, "irc-server"),
	IPS(75, "streettalk-server"),
	IPS(76, "streettalk-directory-assistance-server"),
	STR(77, "user-class"),
	HEX(78, "slp-directory-agent", 1, ANY),
	HEX(79, "slp-service-scope", 1, ANY),
	HEX(80, "rapid-commit", 0, 0),		/* RFC 4039: no value */
	HEX(81, "fqdn", 3, ANY),		/* RFC 4702 */
	ROW(82, "relay-agent-information", DHCP_T_SUBOPTS, 2, ANY),
	U32(91, "client-last-transaction-time"),
	IPS(92, "associated-ip"),
	ROW(93, "client-arch", DHCP_T_U16_LIST, 2, ANY),	/* RFC 4578 §2.1 */
	HEX(94, "client-interface-id", 3, 3),	/* RFC 4578 §2.2: type, major, minor */
	HEX(97, "client-machine-id", 17, 17),	/* RFC 4578 §2.3: type 0 + GUID */
	STR(100, "pcode"),
	STR(101, "tcode"),
	U32(108, "ipv6-only-preferred"),	/* RFC 8925 */
	STR(114, "captive-portal"),		/* RFC 8910 */
	U8(116, "auto-config"),			/* RFC 2563 */
	IP(118, "subnet-selection"),		/* RFC 3011 */
	HEX(119, "domain-search", 1, ANY),	/* RFC 3397: compressed names */
	HEX(120, "sip-server", 1, ANY),
	HEX(121, "classless-static-routes", 5, ANY),	/* RFC 3442 */
	HEX(125, "vivso", 1, ANY),
	IPS(150, "tftp-server-address"),	/* RFC 5859 */
	ROW(175, "etherboot", DHCP_T_SUBOPTS, 1, ANY),
	HEX(208, "pxelinux-magic", 4, 4),	/* RFC 5071 */
	STR(209, "pxelinux-configfile"),
	STR(210, "pxelinux-pathprefix"),
	U32(211, "pxelinux-reboottime"),
	HEX(249, "ms-classless-static-routes", 5, ANY),
	STR(252, "wpad"),
};

static const char *const msg_type_names[] = {
	[DHCPDISCOVER] = "DISCOVER", [DHCPOFFER] = "OFFER",
	[DHCPREQUEST] = "REQUEST", [DHCPDECLINE] = "DECLINE",
	[DHCPACK] = "ACK", [DHCPNAK] = "NAK",
	[DHCPRELEASE] = "RELEASE", [DHCPINFORM] = "INFORM",
	[DHCPFORCERENEW] = "FORCERENEW", [DHCPLEASEQUERY] = "LEASEQUERY",
	[DHCPLEASEUNASSIGNED] = "LEASEUNASSIGNED",
	[DHCPLEASEUNKNOWN] = "LEASEUNKNOWN", [DHCPLEASEACTIVE] = "LEASEACTIVE",
};

const struct dhcp_opt_info *dhcp_opt_info(uint8_t code)
{
	return opt_table[code].name ? &opt_table[code] : NULL;
}

const struct dhcp_opt_info *dhcp_opt_by_name(const char *name)
{
	for (size_t c = 0; c < 256; c++)
		if (opt_table[c].name && strcasecmp(opt_table[c].name, name) == 0)
			return &opt_table[c];
	return NULL;
}

const char *dhcp_msg_type_name(unsigned type)
{
	if (type < sizeof msg_type_names / sizeof msg_type_names[0])
		return msg_type_names[type];
	return NULL;
}

/* Bytes per element of a type; lengths must be a multiple of it. */
static size_t type_elem(enum dhcp_opt_type type)
{
	switch (type) {
	case DHCP_T_IP:
	case DHCP_T_IP_LIST:
	case DHCP_T_U32:
	case DHCP_T_S32:
		return 4;
	case DHCP_T_IP_PAIRS:
		return 8;
	case DHCP_T_U16:
	case DHCP_T_U16_LIST:
		return 2;
	default:
		return 1;
	}
}

int dhcp_opt_validate(uint8_t code, const uint8_t *val, size_t len)
{
	const struct dhcp_opt_info *oi = dhcp_opt_info(code);
	struct reader r = reader_init(val, len);
	uint8_t v;

	if (!oi)
		return 0;
	if (len < oi->min_len || len > oi->max_len || len % type_elem(oi->type))
		return -EINVAL;
	if (oi->type == DHCP_T_BOOL) {
		v = read_u8(&r);
		if (v > 1)
			return -EINVAL;
	}
	if (code == OPT_OVERLOAD) {
		v = read_u8(&r);
		if (v < DHCP_OVERLOAD_FILE || v > DHCP_OVERLOAD_BOTH)
			return -EINVAL;
	}
	return reader_ok(&r) ? 0 : -EINVAL;
}

const uint8_t *dhcp_subopt_find(const uint8_t *val, size_t len, uint8_t sub, size_t *sublen)
{
	struct reader r = reader_init(val, len);
	const uint8_t *found = NULL;
	size_t found_len = 0;

	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);
		uint8_t n;
		const uint8_t *v;

		if (c == 0)
			continue;
		if (c == 255)
			break;
		n = read_u8(&r);
		v = read_ptr(&r, n);
		if (c == sub && !found) {
			found = v;
			found_len = n;
		}
	}
	if (!reader_ok(&r) || !found)
		return NULL;
	*sublen = found_len;
	return found;
}

/* ---------------------------------------------------------------- text out */

struct dhcp_text dhcp_text_init(char *buf, size_t cap)
{
	struct dhcp_text t = { .buf = buf, .cap = buf ? cap : 0 };

	if (t.cap)
		buf[0] = '\0';
	return t;
}

static void text_putn(struct dhcp_text *t, const char *s, size_t n)
{
	size_t room;

	if (t->truncated || t->cap == 0) {
		t->truncated = true;
		return;
	}
	room = t->cap - 1 - t->len;
	if (n > room) {
		memcpy(&t->buf[t->len], s, room);
		t->len += room;
		t->buf[t->len] = '\0';
		t->truncated = true;
		if (t->cap >= 4)
			memcpy(&t->buf[t->cap - 4], "...", 3);
		return;
	}
	memcpy(&t->buf[t->len], s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void dhcp_text_put(struct dhcp_text *t, const char *s)
{
	text_putn(t, s, strlen(s));
}

static void text_printf(struct dhcp_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_printf(struct dhcp_text *t, const char *fmt, ...)
{
	char tmp[32];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_putn(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void format_hex(struct dhcp_text *t, struct reader *r)
{
	for (bool first = true; reader_left(r) > 0; first = false)
		text_printf(t, first ? "%02x" : ":%02x", read_u8(r));
}

static bool string_is_bare(const uint8_t *val, size_t len)
{
	struct reader r = reader_init(val, len);

	if (len == 0)
		return false;
	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);

		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/* Bare when that reads back unchanged; otherwise quoted with escapes, which
 * also keeps a client's control bytes out of the log. */
static void format_string(struct dhcp_text *t, const uint8_t *val, size_t len)
{
	bool bare = string_is_bare(val, len);
	struct reader r = reader_init(val, len);

	if (!bare)
		text_putn(t, "\"", 1);
	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);
		char ch = (char)c;

		if (c == '"' || c == '\\') {
			text_putn(t, "\\", 1);
			text_putn(t, &ch, 1);
		} else if (c < ' ' || c >= 0x7f) {
			text_printf(t, "\\x%02x", c);
		} else {
			text_putn(t, &ch, 1);
		}
	}
	if (!bare)
		text_putn(t, "\"", 1);
}

static bool subopts_well_formed(const uint8_t *val, size_t len)
{
	struct reader r = reader_init(val, len);

	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);

		if (c == 0 || c == 255)
			continue;
		read_skip(&r, read_u8(&r));
	}
	return reader_ok(&r);
}

static void format_subopts(struct dhcp_text *t, const uint8_t *val, size_t len)
{
	struct reader r = reader_init(val, len);
	bool first = true;

	text_putn(t, "{", 1);
	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);
		struct reader sub;

		if (c == 0 || c == 255)
			continue;
		sub = read_sub(&r, read_u8(&r));
		text_printf(t, first ? "%u=" : ",%u=", c);
		format_hex(t, &sub);
		first = false;
	}
	text_putn(t, "}", 1);
}

void dhcp_opt_format_value(struct dhcp_text *t, uint8_t code, const uint8_t *val, size_t len)
{
	const struct dhcp_opt_info *oi = dhcp_opt_info(code);
	enum dhcp_opt_type type = oi ? oi->type : DHCP_T_BYTES;
	struct reader r = reader_init(val, len);
	const char *name;

	/* A value the table rejects is shown as it came, in hex. */
	if (dhcp_opt_validate(code, val, len) != 0)
		type = DHCP_T_BYTES;
	if (type == DHCP_T_SUBOPTS && !subopts_well_formed(val, len))
		type = DHCP_T_BYTES;

	switch (type) {
	case DHCP_T_STRING:
		format_string(t, val, len);
		break;
	case DHCP_T_IP:
	case DHCP_T_IP_LIST:
	case DHCP_T_IP_PAIRS:
		for (bool first = true; reader_left(&r) >= 4; first = false) {
			uint8_t a = read_u8(&r), b = read_u8(&r), c = read_u8(&r), d = read_u8(&r);

			text_printf(t, first ? "%u.%u.%u.%u" : ",%u.%u.%u.%u", a, b, c, d);
		}
		break;
	case DHCP_T_U8:
	case DHCP_T_U8_LIST:
		for (bool first = true; reader_left(&r) > 0; first = false)
			text_printf(t, first ? "%u" : ",%u", read_u8(&r));
		break;
	case DHCP_T_U16:
	case DHCP_T_U16_LIST:
		for (bool first = true; reader_left(&r) >= 2; first = false)
			text_printf(t, first ? "%u" : ",%u", read_u16(&r));
		break;
	case DHCP_T_U32:
		text_printf(t, "%lu", (unsigned long)read_u32(&r));
		break;
	case DHCP_T_S32:
		text_printf(t, "%ld", (long)(int32_t)read_u32(&r));
		break;
	case DHCP_T_BOOL:
		dhcp_text_put(t, read_u8(&r) ? "true" : "false");
		break;
	case DHCP_T_MSG_TYPE: {
		uint8_t v = read_u8(&r);

		name = dhcp_msg_type_name(v);
		if (name)
			dhcp_text_put(t, name);
		else
			text_printf(t, "%u", v);
		break;
	}
	case DHCP_T_SUBOPTS:
		format_subopts(t, val, len);
		break;
	case DHCP_T_BYTES:
		format_hex(t, &r);
		break;
	}
}

void dhcp_opt_format(struct dhcp_text *t, uint8_t code, const uint8_t *val, size_t len)
{
	text_printf(t, "%u=", code);
	dhcp_opt_format_value(t, code, val, len);
}
