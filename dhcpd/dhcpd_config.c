/* pxe-dhcpd's run-time config, built from the checked pxesuite.ini: option
 * values turned into wire bytes once, so a reply only copies them. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpd_config.h"
#include "dhcp_msg.h"
#include "str.h"

static void optset_free(struct dhcpd_optset *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->opts[i].val);
	free(set->opts);
	set->opts = NULL;
	set->count = 0;
}

/* Adds or replaces code's value: the last word on an option wins, so a
 * section's "option 3 = ..." overrides its router key. */
static int optset_put(struct dhcpd_optset *set, uint8_t code, const void *val, size_t len)
{
	struct dhcpd_opt *o = NULL, *opts;
	uint8_t *copy = malloc(len ? len : 1);

	for (size_t i = 0; i < set->count && !o; i++)
		if (set->opts[i].code == code)
			o = &set->opts[i];

	if (!copy)
		return -ENOMEM;
	memcpy(copy, val, len);
	if (!o) {
		opts = realloc(set->opts, (set->count + 1) * sizeof *opts);
		if (!opts) {
			free(copy);
			return -ENOMEM;
		}
		set->opts = opts;
		o = &opts[set->count++];
		o->code = code;
	} else {
		free(o->val);
	}
	o->val = copy;
	o->len = (uint16_t)len;
	return 0;
}

const struct dhcpd_opt *dhcpd_optset_get(const struct dhcpd_optset *set, uint8_t code)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->opts[i].code == code)
			return &set->opts[i];
	return NULL;
}

static int put_ip_list(struct dhcpd_optset *set, uint8_t code, const struct conf_list *list)
{
	const struct ip_addr *ips = list->items;
	uint8_t buf[4 * 64];
	size_t n = 0;

	for (size_t i = 0; i < list->count && n + 4 <= sizeof buf; i++, n += 4)
		memcpy(buf + n, &ips[i].v4.s_addr, 4);
	return n ? optset_put(set, code, buf, n) : 0;
}

static int put_str(struct dhcpd_optset *set, uint8_t code, const char *s)
{
	return conf_str_set(s) ? optset_put(set, code, s, strlen(s)) : 0;
}

/* The "option N = value" lines, checked at load, as wire bytes. */
static int put_keyed(struct dhcpd_optset *set, const struct conf_keyed *keyed, char *err,
		     size_t errlen)
{
	uint8_t code, buf[DHCP_OPT_DATA_MAX];
	char msg[256];
	size_t len;

	for (size_t i = 0; i < keyed->count; i++) {
		const struct conf_keyed_item *it = &keyed->items[i];

		if (dhcp_opt_parse_code(it->arg, &code, msg, sizeof msg) ||
		    dhcp_opt_parse_value(code, it->value, buf, sizeof buf, &len, msg, sizeof msg))
			return str_error(err, errlen, "option %s: %s", it->arg, msg);
		if (optset_put(set, code, buf, len))
			return str_error(err, errlen, "out of memory");
	}
	return 0;
}

static uint32_t secs(uint64_t ms)
{
	return (uint32_t)(ms / 1000);
}

static uint32_t hostorder(const struct ip_addr *ip)
{
	return ntohl(ip->v4.s_addr);
}

static int build_subnet(const struct dhcpd_config *cfg, const struct conf_section *sec,
			struct dhcpd_subnet *s, char *err, size_t errlen)
{
	const struct conf_subnet *c = sec->data;
	const struct ip_addr *r = c->range.items;
	struct cidr net;
	uint32_t mask_be, bcast_be;
	int rc = 0;

	if (suite_subnet_net(sec, &net, err, errlen))
		return -1;
	s->name = sec->arg;
	s->net = hostorder(&net.addr);
	s->mask = net.prefix ? ~0u << (32 - net.prefix) : 0;
	s->lease_secs = c->lease_time_ms ? secs(c->lease_time_ms) : cfg->lease_secs;
	s->next_server = c->next_server.v4;
	s->nranges = c->range.count / 2;
	s->ranges = calloc(s->nranges ? s->nranges : 1, sizeof *s->ranges);
	if (!s->ranges)
		return str_error(err, errlen, "out of memory");
	for (size_t i = 0; i < s->nranges; i++) {
		s->ranges[i].first = hostorder(&r[2 * i]);
		s->ranges[i].last = hostorder(&r[2 * i + 1]);
		s->ranges[i].pool = pool_new(s->ranges[i].first, s->ranges[i].last);
		if (!s->ranges[i].pool)
			return str_error(err, errlen, "[subnet %s]: out of memory for its pool", s->name);
	}
	/* RFC 2131 §3.3 / RFC 2132 §3.3: the mask; §5.3: the broadcast address. */
	mask_be = htonl(s->mask);
	bcast_be = htonl(s->net | ~s->mask);
	rc |= optset_put(&s->opts, OPT_SUBNET_MASK, &mask_be, 4);
	rc |= optset_put(&s->opts, OPT_BROADCAST, &bcast_be, 4);
	rc |= put_ip_list(&s->opts, OPT_ROUTER, &c->router);
	rc |= put_ip_list(&s->opts, OPT_DNS_SERVERS, &c->dns);
	rc |= put_str(&s->opts, OPT_DOMAIN_NAME, c->domain);
	rc |= put_ip_list(&s->opts, 42, &c->ntp);
	if (c->mtu) {
		uint16_t mtu_be = htons((uint16_t)c->mtu);

		rc |= optset_put(&s->opts, 26, &mtu_be, 2);
	}
	if (rc)
		return str_error(err, errlen, "out of memory");
	return put_keyed(&s->opts, &c->options, err, errlen);
}

static int build_host(const struct dhcpd_config *cfg, const struct conf_section *sec,
		      struct dhcpd_host *h, char *err, size_t errlen)
{
	const struct conf_host *c = sec->data;
	int rc = 0, n;

	h->name = sec->arg;
	h->has_mac = suite_host_has_mac(sec);
	memcpy(h->mac, c->mac.b, sizeof h->mac);
	if (conf_str_set(c->client_id)) {
		n = suite_host_client_id(c->client_id, h->client_id, sizeof h->client_id, err,
					 errlen);
		if (n < 0)
			return -1;
		h->client_id_len = (size_t)n;
	}
	h->addr = c->address.v4;
	if (h->addr.s_addr)
		h->subnet = dhcpd_config_subnet_of(cfg, ntohl(h->addr.s_addr));
	h->boot_file = conf_str_set(c->boot_file) ? c->boot_file : NULL;
	h->next_server = c->next_server.v4;
	rc |= put_str(&h->opts, OPT_HOST_NAME, c->hostname);
	/* RFC 5071 §5.1: PXELINUX's config file option. */
	rc |= put_str(&h->opts, 209, c->pxelinux_config);
	if (rc)
		return str_error(err, errlen, "out of memory");
	return put_keyed(&h->opts, &c->options, err, errlen);
}

static int build_class(const struct conf_section *sec, struct dhcpd_class *k, char *err,
		       size_t errlen)
{
	const struct conf_class *c = sec->data;

	k->name = sec->arg;
	k->vendor_class = conf_str_set(c->vendor_class) ? c->vendor_class : NULL;
	k->user_class = conf_str_set(c->user_class) ? c->user_class : NULL;
	k->arch = c->arch.items;
	k->narch = c->arch.count;
	k->nets = c->subnets.items;
	k->nnets = c->subnets.count;
	k->boot_file = conf_str_set(c->boot_file) ? c->boot_file : NULL;
	k->next_server = c->next_server.v4;
	return put_keyed(&k->opts, &c->options, err, errlen);
}

static size_t count_sections(const struct conf *conf, const char *name)
{
	const struct conf_section *s = NULL;
	size_t n = 0;

	while ((s = conf_next(conf, name, s)))
		n++;
	return n;
}

int dhcpd_config_build(const struct conf *conf, struct dhcpd_config **out, char *err,
		       size_t errlen)
{
	struct dhcpd_config *cfg = calloc(1, sizeof *cfg);
	const struct conf_section *sec;
	size_t i;

	if (!cfg)
		return str_error(err, errlen, "out of memory");
	cfg->d = conf_get(conf, "dhcpd");
	cfg->lease_secs = secs(cfg->d->lease_time_ms);
	cfg->max_lease_secs = secs(cfg->d->max_lease_time_ms);
	cfg->nsubnets = count_sections(conf, "subnet");
	cfg->nhosts = count_sections(conf, "host");
	cfg->nclasses = count_sections(conf, "class");
	cfg->subnets = calloc(cfg->nsubnets + 1, sizeof *cfg->subnets);
	cfg->hosts = calloc(cfg->nhosts + 1, sizeof *cfg->hosts);
	cfg->classes = calloc(cfg->nclasses + 1, sizeof *cfg->classes);
	if (!cfg->subnets || !cfg->hosts || !cfg->classes) {
		dhcpd_config_free(cfg);
		return str_error(err, errlen, "out of memory");
	}
	if (put_keyed(&cfg->opts, &cfg->d->options, err, errlen))
		goto fail;
	for (i = 0, sec = NULL; (sec = conf_next(conf, "subnet", sec)); i++)
		if (build_subnet(cfg, sec, &cfg->subnets[i], err, errlen))
			goto fail;
	for (i = 0, sec = NULL; (sec = conf_next(conf, "host", sec)); i++)
		if (build_host(cfg, sec, &cfg->hosts[i], err, errlen))
			goto fail;
	for (i = 0, sec = NULL; (sec = conf_next(conf, "class", sec)); i++)
		if (build_class(sec, &cfg->classes[i], err, errlen))
			goto fail;
	*out = cfg;
	return 0;
fail:
	dhcpd_config_free(cfg);
	return -1;
}

void dhcpd_config_free(struct dhcpd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; cfg->subnets && i < cfg->nsubnets; i++) {
		struct dhcpd_subnet *s = &cfg->subnets[i];

		for (size_t r = 0; s->ranges && r < s->nranges; r++)
			pool_free(s->ranges[r].pool);
		free(s->ranges);
		optset_free(&s->opts);
	}
	for (size_t i = 0; cfg->hosts && i < cfg->nhosts; i++)
		optset_free(&cfg->hosts[i].opts);
	for (size_t i = 0; cfg->classes && i < cfg->nclasses; i++)
		optset_free(&cfg->classes[i].opts);
	optset_free(&cfg->opts);
	free(cfg->subnets);
	free(cfg->hosts);
	free(cfg->classes);
	free(cfg);
}

const struct dhcpd_subnet *dhcpd_config_subnet_of(const struct dhcpd_config *cfg,
						  uint32_t addr)
{
	for (size_t i = 0; i < cfg->nsubnets; i++)
		if ((addr & cfg->subnets[i].mask) == cfg->subnets[i].net)
			return &cfg->subnets[i];
	return NULL;
}

struct dhcpd_range *dhcpd_subnet_range_of(const struct dhcpd_subnet *s, uint32_t addr)
{
	for (size_t i = 0; i < s->nranges; i++)
		if (addr >= s->ranges[i].first && addr <= s->ranges[i].last)
			return &s->ranges[i];
	return NULL;
}

/* RFC 2131 §4.2: the client identifier, when the client sends one, is what
 * names it; a host listed by MAC is still found by its chaddr. */
const struct dhcpd_host *dhcpd_config_host(const struct dhcpd_config *cfg, const uint8_t *id,
					   size_t idlen, const uint8_t *chaddr, size_t hlen)
{
	for (size_t i = 0; id && idlen && i < cfg->nhosts; i++) {
		const struct dhcpd_host *h = &cfg->hosts[i];

		if (h->client_id_len == idlen && memcmp(h->client_id, id, idlen) == 0)
			return h;
	}
	for (size_t i = 0; hlen == 6 && i < cfg->nhosts; i++) {
		const struct dhcpd_host *h = &cfg->hosts[i];

		if (h->has_mac && memcmp(h->mac, chaddr, 6) == 0)
			return h;
	}
	return NULL;
}

const struct dhcpd_host *dhcpd_config_host_by_addr(const struct dhcpd_config *cfg,
						   uint32_t addr)
{
	for (size_t i = 0; i < cfg->nhosts; i++)
		if (cfg->hosts[i].addr.s_addr && ntohl(cfg->hosts[i].addr.s_addr) == addr)
			return &cfg->hosts[i];
	return NULL;
}
