/* pxe-dhcpd's interface table, from getifaddrs(3). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"

static bool named(const struct conf_list *names, const char *name)
{
	char *const *n = names->items;

	for (size_t i = 0; i < names->count; i++)
		if (strcmp(n[i], name) == 0)
			return true;
	return false;
}

static struct iface *find_by_name(struct iface_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->ifs[i].name, name) == 0)
			return &t->ifs[i];
	return NULL;
}

/* One IPv4 address of an interface: the interface gets it when it is the
 * first, or the first inside a subnet (which beats any other). */
static int add_addr(struct iface_table *t, const struct dhcpd_config *cfg, const char *name,
		    struct in_addr addr)
{
	const struct dhcpd_subnet *s = dhcpd_config_subnet_of(cfg, ntohl(addr.s_addr));
	struct iface *ifc = find_by_name(t, name), *ifs;

	if (!ifc) {
		unsigned idx = if_nametoindex(name);

		if (!idx)
			return 0;
		ifs = realloc(t->ifs, (t->n + 1) * sizeof *ifs);
		if (!ifs)
			return -ENOMEM;
		t->ifs = ifs;
		ifc = &ifs[t->n++];
		memset(ifc, 0, sizeof *ifc);
		ifc->ifindex = (int)idx;
		snprintf(ifc->name, sizeof ifc->name, "%s", name);
		ifc->addr = addr;
	}
	if (s && !ifc->subnet) {
		ifc->subnet = s;
		ifc->addr = addr;
	}
	return 0;
}

int iface_table_load(struct iface_table *t, const struct dhcpd_config *cfg, char *err,
		     size_t errlen)
{
	const struct conf_list *names = &cfg->d->interfaces;
	struct ifaddrs *all, *ifa;
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (getifaddrs(&all) < 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", strerror(errno));
		return -1;
	}
	for (ifa = all; ifa && rc == 0; ifa = ifa->ifa_next)
		if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET)
			rc = add_addr(t, cfg, ifa->ifa_name,
				      ((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr);
	freeifaddrs(all);
	if (rc) {
		iface_table_free(t);
		snprintf(err, errlen, "cannot list interfaces: %s", strerror(-rc));
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		t->ifs[i].served = names->count ? named(names, t->ifs[i].name) :
				   t->ifs[i].subnet != NULL;
	for (size_t i = 0; i < names->count; i++) {
		const char *name = ((char *const *)names->items)[i];

		if (!find_by_name(t, name)) {
			snprintf(err, errlen, "interface %s: %s", name,
				 if_nametoindex(name) ? "has no IPv4 address" : "no such interface");
			iface_table_free(t);
			return -1;
		}
	}
	return 0;
}

void iface_table_free(struct iface_table *t)
{
	free(t->ifs);
	t->ifs = NULL;
	t->n = 0;
}

const struct iface *iface_find(const struct iface_table *t, int ifindex)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ifs[i].ifindex == ifindex)
			return &t->ifs[i];
	return NULL;
}

size_t iface_served(const struct iface_table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->ifs[i].served;
	return n;
}
