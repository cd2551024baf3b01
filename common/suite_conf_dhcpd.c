/* pxe-dhcpd's sections of pxesuite.ini: [dhcpd], [subnet CIDR], [host NAME]
 * and [class NAME], with the checks that span keys and sections. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf_value.h"
#include "dhcp_msg.h"
#include "suite_conf.h"

static const char *const modes[] = { "server", "proxy", NULL };
static const char *const unknown_policies[] = { "allow", "deny", NULL };

/* Options that each reply sets from its lease or its request (RFC 2131
 * table 3) or that only clients send: a config value would contradict
 * them. */
static bool server_owned(uint8_t code)
{
	switch (code) {
	case OPT_REQUESTED_IP:
	case OPT_LEASE_TIME:
	case OPT_MSG_TYPE:
	case OPT_SERVER_ID:
	case OPT_PARAM_REQUEST:
	case OPT_MAX_MSG_SIZE:
	case OPT_CLIENT_ID:
	case OPT_RELAY_AGENT:
		return true;
	default:
		return false;
	}
}

/* "option CODE = value" (defined below the named keys it defers to). */
static conf_keyed_validate_fn option_validate;

/* One value per option code in a section: "option 42" and "option
 * ntp-servers" are the same option written twice. */
static bool same_option(const char *a, const char *b)
{
	uint8_t x, y;

	return dhcp_opt_parse_code(a, &x, NULL, 0) == 0 &&
	       dhcp_opt_parse_code(b, &y, NULL, 0) == 0 && x == y;
}

#define OPTIONS(sect) \
	{ .name = "option", .type = CONF_KEYED, .offset = offsetof(struct sect, options), \
	  .validate = option_validate, .same_arg = same_option }
#define IP4(sect, key, field) \
	{ .name = key, .type = CONF_IP, .offset = offsetof(struct sect, field), .family = AF_INET }
#define STR(sect, key, field) \
	{ .name = key, .type = CONF_STRING, .offset = offsetof(struct sect, field) }
#define IP4_LIST(sect, key, field) \
	{ .name = key, .type = CONF_LIST, .offset = offsetof(struct sect, field), \
	  .elem = CONF_IP, .family = AF_INET }
/* RFC 2131 §3.3 allows up to 2^32 - 2 s; a year is the most that makes
 * sense for a machine that may leave the network. */
#define LEASE_MAX_MS (52LL * 7 * 24 * 3600 * 1000)

#define D(field) .offset = offsetof(struct conf_dhcpd, field)

static const struct conf_key dhcpd_keys[] = {
	{ .name = "pidfile", .type = CONF_PATH, D(daemon.pidfile),
	  .def = RUNSTATEDIR "/pxe-dhcpd.pid" },
	{ .name = "mode", .type = CONF_ENUM, D(mode), .def = "server", .choices = modes },
	{ .name = "interface", .type = CONF_LIST, D(interfaces), .elem = CONF_STRING },
	IP4(conf_dhcpd, "server_address", server_address),
	{ .name = "lease_file", .type = CONF_PATH, D(lease_file),
	  .def = LOCALSTATEDIR "/lib/pxesuite/dhcpd/dhcpd.leases" },
	{ .name = "lease_time", .type = CONF_DURATION, D(lease_time_ms), .def = "12h",
	  .min = 60 * 1000, .max = LEASE_MAX_MS },
	{ .name = "max_lease_time", .type = CONF_DURATION, D(max_lease_time_ms), .def = "1d",
	  .min = 60 * 1000, .max = LEASE_MAX_MS },
	{ .name = "offer_hold", .type = CONF_DURATION, D(offer_hold_ms), .def = "60s",
	  .min = 1000, .max = 3600 * 1000 },
	{ .name = "decline_hold", .type = CONF_DURATION, D(decline_hold_ms), .def = "10m",
	  .min = 0, .max = 30LL * 24 * 3600 * 1000 },
	{ .name = "authoritative", .type = CONF_BOOL, D(authoritative), .def = "yes" },
	{ .name = "ping_check", .type = CONF_BOOL, D(ping_check), .def = "no" },
	{ .name = "ping_timeout", .type = CONF_DURATION, D(ping_timeout_ms), .def = "500ms",
	  .min = 10, .max = 10 * 1000 },
	{ .name = "unknown_clients", .type = CONF_ENUM, D(deny_unknown), .def = "allow",
	  .choices = unknown_policies },
	{ .name = "user", .type = CONF_STRING, D(user), .def = "nobody" },
	IP4(conf_dhcpd, "next_server", next_server),
	{ .name = "boot_file", .type = CONF_STRING, D(boot_file), .def = "pxelinux.0" },
	STR(conf_dhcpd, "boot_file_efi32", boot_file_efi32),
	{ .name = "boot_file_efi64", .type = CONF_STRING, D(boot_file_efi64),
	  .def = "syslinux.efi" },
	STR(conf_dhcpd, "boot_file_arm64", boot_file_arm64),
	STR(conf_dhcpd, "boot_file_http", boot_file_http),
	STR(conf_dhcpd, "ipxe_script", ipxe_script),
	OPTIONS(conf_dhcpd),
	{ 0 }
};

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* The boot file names travel in the 128-byte file field (RFC 2131 §2) or in
 * option 67; longer names fit neither for clients that read only the field. */
static int check_boot_name(const char *name, const char *key, const char **at, char *err,
			   size_t errlen)
{
	if (!name || strlen(name) < 128)
		return 0;
	*at = key;
	return fail(err, errlen, "longer than the 127 bytes of the BOOTP file field");
}

/* The directory path names, without trailing slashes, is dir. */
static bool in_dir(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0, k = strlen(dir);

	while (k > 1 && dir[k - 1] == '/')
		k--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	return slash && n == k && strncmp(path, dir, n) == 0;
}

/* pxe-dhcpd gives its user only a lease directory it creates; the progress
 * directory is made root's first, so the journal could never be compacted. */
static int check_lease_dir(const struct conf *conf, const struct conf_dhcpd *d,
			   const char **key, char *err, size_t errlen)
{
	const struct conf_global *g = conf_get(conf, "global");
	int k;

	if (!g || !g->progress || !d->lease_file || !d->user ||
	    strcmp(d->user, "root") == 0 || strcmp(d->user, "0") == 0 ||
	    !in_dir(d->lease_file, g->progress_dir))
		return 0;
	*key = "lease_file";
	for (k = (int)strlen(g->progress_dir); k > 1 && g->progress_dir[k - 1] == '/'; k--)
		;
	snprintf(err, errlen, "in [global] progress_dir (%s), which stays root's: give the "
		 "leases a directory of their own, such as %.*s/dhcpd/", g->progress_dir, k,
		 g->progress_dir);
	return -1;
}

static int check_dhcpd(const struct conf *conf, const struct conf_section *sec,
		       const char **key, char *err, size_t errlen)
{
	const struct conf_dhcpd *d = sec->data;

	if (d->lease_time_ms > d->max_lease_time_ms) {
		*key = "lease_time";
		return fail(err, errlen, "longer than max_lease_time");
	}
	if (check_lease_dir(conf, d, key, err, errlen) ||
	    suite_dhcpd_check_derived(conf, sec, &d->options, key, err, errlen))
		return -1;
	return check_boot_name(d->boot_file, "boot_file", key, err, errlen) ||
	       check_boot_name(d->boot_file_efi32, "boot_file_efi32", key, err, errlen) ||
	       check_boot_name(d->boot_file_efi64, "boot_file_efi64", key, err, errlen) ||
	       check_boot_name(d->boot_file_arm64, "boot_file_arm64", key, err, errlen) ||
	       check_boot_name(d->boot_file_http, "boot_file_http", key, err, errlen) ||
	       check_boot_name(d->ipxe_script, "ipxe_script", key, err, errlen) ? -1 : 0;
}

const struct conf_section_def suite_dhcpd_def = {
	.name = "dhcpd", .size = sizeof(struct conf_dhcpd), .keys = dhcpd_keys,
	.check = check_dhcpd,
};

#define S(field) .offset = offsetof(struct conf_subnet, field)

static const struct conf_key subnet_keys[] = {
	IP4_LIST(conf_subnet, "range", range),
	IP4_LIST(conf_subnet, "router", router),
	IP4_LIST(conf_subnet, "dns", dns),
	IP4_LIST(conf_subnet, "ntp", ntp),
	STR(conf_subnet, "domain", domain),
	/* RFC 2132 §5.1: the MTU option's minimum is 68. */
	{ .name = "mtu", .type = CONF_INT, S(mtu), .min = 68, .max = 65535 },
	{ .name = "lease_time", .type = CONF_DURATION, S(lease_time_ms),
	  .min = 60 * 1000, .max = LEASE_MAX_MS },
	IP4(conf_subnet, "next_server", next_server),
	OPTIONS(conf_subnet),
	{ 0 }
};

int suite_subnet_net(const struct conf_section *sec, struct cidr *net, char *err, size_t errlen)
{
	if (addr_parse_cidr(sec->arg, AF_INET, net, err, errlen))
		return -EINVAL;
	if (net->prefix <= 30)
		return 0;
	fail(err, errlen, "a /31 or /32 has no room for clients");
	return -EINVAL;
}

static uint32_t host_order(const struct ip_addr *ip)
{
	return ntohl(ip->v4.s_addr);
}

/* Ranges of one subnet: pairs, in order, inside the network, and never its
 * network or broadcast address (RFC 1122 §3.3.6: no host may have them). */
static int check_ranges(const struct conf_subnet *s, const struct cidr *net, char *err,
			size_t errlen)
{
	const struct ip_addr *r = s->range.items;
	uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;
	uint32_t base = host_order(&net->addr);

	if (s->range.count % 2)
		return fail(err, errlen, "expected pairs of addresses: FIRST LAST[, FIRST LAST]");
	for (size_t i = 0; i < s->range.count; i += 2) {
		uint32_t lo = host_order(&r[i]), hi = host_order(&r[i + 1]);

		if (lo > hi)
			return fail(err, errlen, "a range's first address is above its last");
		if ((lo & mask) != base || (hi & mask) != base)
			return fail(err, errlen, "a range reaches outside the subnet");
		if (lo == base || hi == (base | ~mask))
			return fail(err, errlen,
				    "a range holds the subnet's network or broadcast address");
		for (size_t j = 0; j < i; j += 2)
			if (lo <= host_order(&r[j + 1]) && host_order(&r[j]) <= hi)
				return fail(err, errlen, "two ranges overlap");
	}
	return 0;
}

static int check_subnet(const struct conf *conf, const struct conf_section *sec,
			const char **key, char *err, size_t errlen)
{
	const struct conf_subnet *s = sec->data;
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	const struct conf_section *other;
	struct cidr net, onet;

	if (suite_subnet_net(sec, &net, err, errlen))
		return -1;
	for (other = conf_next(conf, "subnet", NULL); other != sec;
	     other = conf_next(conf, "subnet", other)) {
		if (suite_subnet_net(other, &onet, err, errlen) == 0 &&
		    (cidr_contains(&net, &onet.addr) || cidr_contains(&onet, &net.addr))) {
			snprintf(err, errlen, "overlaps [subnet %s] of line %u", other->arg,
				 other->line);
			return -1;
		}
	}
	if (s->lease_time_ms > d->max_lease_time_ms) {
		*key = "lease_time";
		return fail(err, errlen, "longer than [dhcpd] max_lease_time");
	}
	*key = "range";
	if (check_ranges(s, &net, err, errlen))
		return -1;
	return suite_dhcpd_check_derived(conf, sec, &s->options, key, err, errlen);
}

const struct conf_section_def suite_subnet_def = {
	.name = "subnet", .named = true, .size = sizeof(struct conf_subnet),
	.keys = subnet_keys, .check = check_subnet,
};

static const struct conf_key host_keys[] = {
	{ .name = "mac", .type = CONF_MAC, .offset = offsetof(struct conf_host, mac) },
	STR(conf_host, "client_id", client_id),
	IP4(conf_host, "address", address),
	STR(conf_host, "hostname", hostname),
	STR(conf_host, "boot_file", boot_file),
	IP4(conf_host, "next_server", next_server),
	STR(conf_host, "pxelinux_config", pxelinux_config),
	OPTIONS(conf_host),
	{ 0 }
};

/* Options that have a named key: "option 26 = 40" is refused as "mtu = 40"
 * is, by the key's own check, whatever the section. */
static const struct {
	uint8_t code;
	const struct conf_key *keys;
	const char *name;
} named_options[] = {
	{ OPT_ROUTER, subnet_keys, "router" },
	{ OPT_DNS_SERVERS, subnet_keys, "dns" },
	{ OPT_HOST_NAME, host_keys, "hostname" },
	{ OPT_DOMAIN_NAME, subnet_keys, "domain" },
	{ 26, subnet_keys, "mtu" },
	{ 42, subnet_keys, "ntp" },
};

static const struct conf_key *named_key(uint8_t code)
{
	for (size_t i = 0; i < sizeof named_options / sizeof named_options[0]; i++) {
		if (named_options[i].code != code)
			continue;
		for (const struct conf_key *k = named_options[i].keys; k->name; k++)
			if (strcmp(k->name, named_options[i].name) == 0)
				return k;
	}
	return NULL;
}

/* value read as the named key reads it, and thrown away. */
static int named_check(const struct conf_key *key, uint8_t code, const char *value,
		       char *err, size_t errlen)
{
	void *scratch = calloc(1, conf_value_size(key->type));
	char msg[256];
	int rc;

	if (!scratch) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = conf_value_parse(key, value, scratch, msg, sizeof msg);
	conf_value_free(key, scratch);
	free(scratch);
	if (rc)
		snprintf(err, errlen, "option %u (%s), as %s: %s", code, dhcp_opt_info(code)->name,
			 key->name, msg);
	return rc;
}

/* The code and the value must parse for the option table's type, and for
 * the named key of the same option, so a bad option is a FILE:LINE error
 * and not a surprise at run time. */
static int option_validate(const char *arg, const char *value, char *err, size_t errlen)
{
	uint8_t code, buf[DHCP_OPT_DATA_MAX];
	const struct conf_key *key;
	size_t len;

	if (dhcp_opt_parse_code(arg, &code, err, errlen))
		return -EINVAL;
	if (server_owned(code)) {
		snprintf(err, errlen, "option %u is the server's own to set%s", code,
			 code == OPT_LEASE_TIME ? ": use lease_time" : "");
		return -EINVAL;
	}
	if (dhcp_opt_parse_value(code, value, buf, sizeof buf, &len, err, errlen))
		return -EINVAL;
	key = named_key(code);
	return key ? named_check(key, code, value, err, errlen) : 0;
}

bool suite_host_has_mac(const struct conf_section *host)
{
	return conf_key_origin(host, "mac") != CONF_FROM_DEFAULT;
}

int suite_host_client_id(const char *text, uint8_t *out, size_t outsz, char *err,
			 size_t errlen)
{
	size_t len;

	if (dhcp_opt_parse_value(OPT_CLIENT_ID, text, out, outsz, &len, err, errlen))
		return -EINVAL;
	return (int)len;
}

/* Whether two hosts name the same machine: the same MAC or client id. */
static bool same_machine(const struct conf_section *a, const struct conf_section *b)
{
	const struct conf_host *x = a->data, *y = b->data;
	uint8_t idx[256], idy[256];
	int nx, ny;

	if (suite_host_has_mac(a) && suite_host_has_mac(b) &&
	    memcmp(x->mac.b, y->mac.b, sizeof x->mac.b) == 0)
		return true;
	if (!conf_str_set(x->client_id) || !conf_str_set(y->client_id))
		return false;
	/* The bytes, not the text: 01:52:54... and 015254... are one id. */
	nx = suite_host_client_id(x->client_id, idx, sizeof idx, NULL, 0);
	ny = suite_host_client_id(y->client_id, idy, sizeof idy, NULL, 0);
	return nx > 0 && nx == ny && memcmp(idx, idy, (size_t)nx) == 0;
}

/* The network of the [subnet] holding ip: true and *net, or false. */
static bool subnet_of(const struct conf *conf, const struct ip_addr *ip, struct cidr *net)
{
	const struct conf_section *s = NULL;
	char err[128];

	while ((s = conf_next(conf, "subnet", s)))
		if (suite_subnet_net(s, net, err, sizeof err) == 0 && cidr_contains(net, ip))
			return true;
	return false;
}

static int check_host(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct conf_host *h = sec->data;
	const struct conf_section *other;
	uint8_t id[256];

	if (!suite_host_has_mac(sec) && !conf_str_set(h->client_id))
		return fail(err, errlen, "a host needs mac or client_id to be recognised");
	*key = "client_id";
	if (conf_str_set(h->client_id) &&
	    suite_host_client_id(h->client_id, id, sizeof id, err, errlen) < 0)
		return -1;
	*key = "address";
	if (h->address.family) {
		struct cidr net;
		uint32_t a = host_order(&h->address), base, mask;

		if (!subnet_of(conf, &h->address, &net))
			return fail(err, errlen, "not inside any [subnet]: no client could be served it");
		base = host_order(&net.addr);
		mask = net.prefix ? ~0u << (32 - net.prefix) : 0;
		if (a == base || a == (base | ~mask))
			return fail(err, errlen, "the subnet's network or broadcast address");
	}
	for (other = conf_next(conf, "host", NULL); other != sec;
	     other = conf_next(conf, "host", other)) {
		const struct conf_host *o = other->data;

		*key = NULL;
		if (same_machine(sec, other)) {
			snprintf(err, errlen, "the same machine as [host %s] of line %u",
				 other->arg, other->line);
			return -1;
		}
		*key = "address";
		if (h->address.family && o->address.family &&
		    h->address.v4.s_addr == o->address.v4.s_addr) {
			snprintf(err, errlen, "already the address of [host %s] of line %u",
				 other->arg, other->line);
			return -1;
		}
	}
	*key = NULL;
	if (check_boot_name(h->boot_file, "boot_file", key, err, errlen))
		return -1;
	return suite_dhcpd_check_derived(conf, sec, &h->options, key, err, errlen);
}

const struct conf_section_def suite_host_def = {
	.name = "host", .named = true, .size = sizeof(struct conf_host),
	.keys = host_keys, .check = check_host,
};

static const struct conf_key class_keys[] = {
	STR(conf_class, "vendor_class", vendor_class),
	STR(conf_class, "user_class", user_class),
	/* RFC 4578 §2.1: a 16-bit architecture type. */
	{ .name = "arch", .type = CONF_LIST, .offset = offsetof(struct conf_class, arch),
	  .elem = CONF_INT, .min = 0, .max = 65535 },
	{ .name = "subnet", .type = CONF_LIST, .offset = offsetof(struct conf_class, subnets),
	  .elem = CONF_CIDR, .family = AF_INET },
	STR(conf_class, "boot_file", boot_file),
	IP4(conf_class, "next_server", next_server),
	OPTIONS(conf_class),
	{ 0 }
};

static int check_class(const struct conf *conf, const struct conf_section *sec,
		       const char **key, char *err, size_t errlen)
{
	const struct conf_class *c = sec->data;

	if (!conf_str_set(c->vendor_class) && !conf_str_set(c->user_class) && !c->arch.count &&
	    !c->subnets.count)
		return fail(err, errlen,
			    "a class needs vendor_class, user_class, arch or subnet to match clients");
	if (check_boot_name(c->boot_file, "boot_file", key, err, errlen))
		return -1;
	return suite_dhcpd_check_derived(conf, sec, &c->options, key, err, errlen);
}

const struct conf_section_def suite_class_def = {
	.name = "class", .named = true, .size = sizeof(struct conf_class),
	.keys = class_keys, .check = check_class,
};

int suite_dhcpd_check_servable(const struct conf *conf, char *err, size_t errlen)
{
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	bool subnets = conf_next(conf, "subnet", NULL) != NULL;

	if (d->mode == DHCPD_MODE_SERVER && !subnets) {
		snprintf(err, errlen, "[dhcpd]: no [subnet] section: no addresses to hand out "
			 "(add one, or set mode = proxy)");
		return -1;
	}
	if (d->mode == DHCPD_MODE_PROXY && !subnets && !d->interfaces.count) {
		snprintf(err, errlen, "[dhcpd]: mode = proxy: name the interfaces to serve "
			 "(interface =)");
		return -1;
	}
	return 0;
}
