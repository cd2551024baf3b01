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
	bool paired;		/* T1 or T2, with the other in the same section */
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

/* RFC 2131 §4.4.5 for a lease of lease s, on where ("[subnet ...]"): a T1
 * or T2 given alone goes out with the other's default, half or 7/8 of the
 * lease as answer.c computes them, so it must keep its place beside it. */
static int check_timer(const struct derived *o, uint64_t lease, const char *where, char *err,
		       size_t errlen)
{
	if (o->value >= lease) {
		snprintf(err, errlen, "%u s is not below the lease time of %s, %llu s " T_RULE,
			 o->value, where, (unsigned long long)lease);
		return -1;
	}
	if (o->paired)
		return 0;
	if (o->code == OPT_RENEWAL_TIME && o->value >= lease * 7 / 8) {
		snprintf(err, errlen, "%u s is not below %s's default T2, 7/8 of its lease time: "
			 "%llu s " T_RULE, o->value, where, (unsigned long long)(lease * 7 / 8));
		return -1;
	}
	if (o->code == OPT_REBINDING_TIME && o->value <= lease / 2) {
		snprintf(err, errlen, "%u s is not above %s's default T1, half its lease time: "
			 "%llu s " T_RULE, o->value, where, (unsigned long long)(lease / 2));
		return -1;
	}
	return 0;
}

static int check_in_subnet(const struct conf_dhcpd *d, const struct conf_section *subnet,
			   const struct cidr *net, const struct derived *o, char *err,
			   size_t errlen)
{
	const struct conf_subnet *s = subnet->data;
	uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;
	uint32_t base = ntohl(net->addr.v4.s_addr);
	struct in_addr want, have = { htonl(o->value) };
	char w[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN], where[300];

	if (o->code == OPT_RENEWAL_TIME || o->code == OPT_REBINDING_TIME) {
		snprintf(where, sizeof where, "[subnet %s]", subnet->arg);
		return check_timer(o, (s->lease_time_ms ? s->lease_time_ms : d->lease_time_ms) / 1000,
				   where, err, errlen);
	}
	want.s_addr = htonl(o->code == OPT_SUBNET_MASK ? mask : base | ~mask);
	if (want.s_addr == have.s_addr)
		return 0;
	snprintf(err, errlen, "%s contradicts [subnet %s], whose %s is %s",
		 inet_ntop(AF_INET, &have, h, sizeof h), subnet->arg,
		 o->code == OPT_SUBNET_MASK ? "mask" : "broadcast address",
		 inet_ntop(AF_INET, &want, w, sizeof w));
	return -1;
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
	if (reached || o->code == OPT_SUBNET_MASK || o->code == OPT_BROADCAST)
		return 0;
	return check_timer(o, d->lease_time_ms / 1000, "[dhcpd]", err, errlen);
}

/* One of the four options, or false. */
static bool derived_option(const struct conf_keyed_item *item, struct derived *o)
{
	uint8_t buf[DHCP_OPT_DATA_MAX];
	size_t len;

	*o = (struct derived){ .item = item };
	if (dhcp_opt_parse_code(item->arg, &o->code, NULL, 0) ||
	    (o->code != OPT_SUBNET_MASK && o->code != OPT_BROADCAST &&
	     o->code != OPT_RENEWAL_TIME && o->code != OPT_REBINDING_TIME) ||
	    dhcp_opt_parse_value(o->code, item->value, buf, sizeof buf, &len, NULL, 0) || len != 4)
		return false;
	o->value = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	return true;
}

int suite_dhcpd_check_derived(const struct conf *conf, const struct conf_section *sec,
			      const struct conf_keyed *options, const char **key, char *err,
			      size_t errlen)
{
	struct derived o, t1 = { 0 }, t2 = { 0 };

	for (size_t i = 0; i < options->count; i++) {
		if (!derived_option(&options->items[i], &o))
			continue;
		if (o.code == OPT_RENEWAL_TIME)
			t1 = o;
		else if (o.code == OPT_REBINDING_TIME)
			t2 = o;
		else if (check_one(conf, sec, &o, err, errlen))
			goto blame;
	}
	if (t1.item && t2.item) {
		t1.paired = t2.paired = true;
		o = t2;
		if (t1.value >= t2.value) {
			snprintf(err, errlen, "%u s is not above option 58's %u s " T_RULE, t2.value,
				 t1.value);
			goto blame;
		}
	}
	o = t1;
	if (t1.item && check_one(conf, sec, &o, err, errlen))
		goto blame;
	o = t2;
	if (t2.item && check_one(conf, sec, &o, err, errlen))
		goto blame;
	return 0;
blame:
	*key = blame(&o);
	return -1;
}
