/* The options pxe-dhcpd derives itself, when the config gives them by
 * number: 1 (mask) and 28 (broadcast address) come from the [subnet]
 * header, 58 (T1) and 59 (T2) from the lease time.  A section's options go
 * into every reply on the subnets it reaches, so each value is checked
 * there: it may repeat what the server derives, never contradict it. */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_msg.h"
#include "suite_conf.h"

#define T_RULE "(RFC 2131 §4.4.5: T1 < T2 < lease time)"

struct derived {
	const struct conf_keyed_item *item;
	uint8_t code;
	uint32_t value;		/* host order: an address, or seconds */
};

/* Whether the options of sec go into replies on the [subnet] subnet. */
static bool reaches(const struct conf_section *sec, const struct conf_section *subnet,
		    const struct cidr *net)
{
	const struct conf_host *h;
	const struct conf_class *c;
	const struct cidr *nets;

	if (sec->def == &suite_subnet_def)
		return sec == subnet;
	if (sec->def == &suite_host_def) {
		h = sec->data;
		return !h->address.family || cidr_contains(net, &h->address);
	}
	if (sec->def != &suite_class_def)
		return true;	/* [dhcpd] */
	c = sec->data;
	nets = c->subnets.items;
	for (size_t i = 0; i < c->subnets.count; i++)
		if (cidr_contains(net, &nets[i].addr) || cidr_contains(&nets[i], &net->addr))
			return true;
	return c->subnets.count == 0;
}

/* *key for an item: conf_check reads it as soon as the check returns. */
static const char *blame(const struct derived *o)
{
	static char key[256];

	snprintf(key, sizeof key, "option %s", o->item->arg);
	return key;
}

static int check_in_subnet(const struct conf_dhcpd *d, const struct conf_section *subnet,
			   const struct cidr *net, const struct derived *o, char *err,
			   size_t errlen)
{
	const struct conf_subnet *s = subnet->data;
	uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;
	uint32_t base = ntohl(net->addr.v4.s_addr);
	uint64_t lease = (s->lease_time_ms ? s->lease_time_ms : d->lease_time_ms) / 1000;
	struct in_addr want, have = { htonl(o->value) };
	char w[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	switch (o->code) {
	case OPT_SUBNET_MASK:
	case OPT_BROADCAST:
		want.s_addr = htonl(o->code == OPT_SUBNET_MASK ? mask : base | ~mask);
		if (want.s_addr == have.s_addr)
			return 0;
		snprintf(err, errlen, "%s contradicts [subnet %s], whose %s is %s",
			 inet_ntop(AF_INET, &have, h, sizeof h), subnet->arg,
			 o->code == OPT_SUBNET_MASK ? "mask" : "broadcast address",
			 inet_ntop(AF_INET, &want, w, sizeof w));
		return -1;
	default:
		if (o->value < lease)
			return 0;
		snprintf(err, errlen, "%u s is not below the lease time of [subnet %s], %llu s "
			 T_RULE, o->value, subnet->arg, (unsigned long long)lease);
		return -1;
	}
}

/* o against every subnet sec reaches; T1 and T2 against [dhcpd]'s lease
 * time when it reaches none (no [subnet] at all). */
static int check_one(const struct conf *conf, const struct conf_section *sec,
		     const struct derived *o, char *err, size_t errlen)
{
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	const struct conf_section *s = NULL;
	bool reached = false;
	struct cidr net;

	while ((s = conf_next(conf, "subnet", s))) {
		if (suite_subnet_net(s, &net, err, errlen) || !reaches(sec, s, &net))
			continue;
		reached = true;
		if (check_in_subnet(d, s, &net, o, err, errlen))
			return -1;
	}
	if (reached || o->code == OPT_SUBNET_MASK || o->code == OPT_BROADCAST ||
	    o->value < d->lease_time_ms / 1000)
		return 0;
	snprintf(err, errlen, "%u s is not below [dhcpd]'s lease time, %llu s " T_RULE, o->value,
		 (unsigned long long)(d->lease_time_ms / 1000));
	return -1;
}

int suite_dhcpd_check_derived(const struct conf *conf, const struct conf_section *sec,
			      const struct conf_keyed *options, const char **key, char *err,
			      size_t errlen)
{
	struct derived o, t1 = { 0 }, t2 = { 0 };
	uint8_t buf[DHCP_OPT_DATA_MAX];
	size_t len;

	for (size_t i = 0; i < options->count; i++) {
		o = (struct derived){ .item = &options->items[i] };
		if (dhcp_opt_parse_code(o.item->arg, &o.code, NULL, 0) ||
		    (o.code != OPT_SUBNET_MASK && o.code != OPT_BROADCAST &&
		     o.code != OPT_RENEWAL_TIME && o.code != OPT_REBINDING_TIME) ||
		    dhcp_opt_parse_value(o.code, o.item->value, buf, sizeof buf, &len, NULL, 0) ||
		    len != 4)
			continue;
		o.value = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 |
			  buf[3];
		if (check_one(conf, sec, &o, err, errlen)) {
			*key = blame(&o);
			return -1;
		}
		if (o.code == OPT_RENEWAL_TIME)
			t1 = o;
		else if (o.code == OPT_REBINDING_TIME)
			t2 = o;
	}
	if (!t1.item || !t2.item || t1.value < t2.value)
		return 0;
	*key = blame(&t2);
	snprintf(err, errlen, "%u s is not above option 58's %u s " T_RULE, t2.value, t1.value);
	return -1;
}
