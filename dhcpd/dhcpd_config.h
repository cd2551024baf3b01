/* pxe-dhcpd's config as the server uses it: subnets with their pools, hosts,
 * classes, and every option already in wire bytes, built once per load from
 * the checked pxesuite.ini. */
#ifndef PXE_DHCPD_CONFIG_H
#define PXE_DHCPD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "pool.h"
#include "suite_conf.h"

/* Options in wire bytes, in the order the config gives them. */
struct dhcpd_opt {
	uint8_t code;
	uint16_t len;
	uint8_t *val;
};

struct dhcpd_optset {
	size_t count;
	struct dhcpd_opt *opts;
};

/* A range of a subnet: one pool. */
struct dhcpd_range {
	uint32_t first, last;		/* host order */
	struct pool *pool;
};

struct dhcpd_subnet {
	const char *name;		/* "10.77.0.0/24" */
	uint32_t net, mask;		/* host order */
	struct dhcpd_range *ranges;
	size_t nranges;
	uint32_t lease_secs;
	struct in_addr next_server;	/* 0: not set here */
	/* 1 (mask), 28 (broadcast), 3, 6, 15, 42, 26, then "option N" lines. */
	struct dhcpd_optset opts;
};

struct dhcpd_host {
	const char *name;
	bool has_mac;
	uint8_t mac[6];
	uint8_t client_id[255];
	size_t client_id_len;		/* 0: matched by mac only */
	struct in_addr addr;		/* 0: a pool address */
	const struct dhcpd_subnet *subnet;	/* of addr */
	const char *boot_file;
	struct in_addr next_server;
	struct dhcpd_optset opts;	/* 12 (hostname), 209 (pxelinux config), option N */
};

struct dhcpd_class {
	const char *name;
	const char *vendor_class;	/* prefix of option 60; NULL: any */
	const char *user_class;		/* option 77, whole; NULL: any */
	const long long *arch;		/* option 93 values; narch 0: any */
	size_t narch;
	const struct cidr *nets;	/* the client's [subnet] inside one; nnets 0: any */
	size_t nnets;
	const char *boot_file;
	struct in_addr next_server;
	struct dhcpd_optset opts;
};

struct dhcpd_config {
	const struct conf_dhcpd *d;	/* the [dhcpd] section (owned by the conf) */
	uint32_t lease_secs, max_lease_secs;
	struct dhcpd_optset opts;	/* [dhcpd] option N lines */
	struct dhcpd_subnet *subnets;
	size_t nsubnets;
	struct dhcpd_host *hosts;
	size_t nhosts;
	struct dhcpd_class *classes;
	size_t nclasses;
};

/* From a loaded and checked conf, which must outlive the result: 0, or -EINVAL
 * with a message in err (out of memory, a pool that cannot be made). */
int dhcpd_config_build(const struct conf *conf, struct dhcpd_config **out, char *err,
		       size_t errlen);
void dhcpd_config_free(struct dhcpd_config *cfg);

/* The subnet holding addr (host order), or NULL. */
const struct dhcpd_subnet *dhcpd_config_subnet_of(const struct dhcpd_config *cfg,
						  uint32_t addr);
/* The range of subnet holding addr (host order), or NULL. */
struct dhcpd_range *dhcpd_subnet_range_of(const struct dhcpd_subnet *s, uint32_t addr);
/* The host whose client id is id, else whose MAC is chaddr (when hlen is
 * 6), or NULL. */
const struct dhcpd_host *dhcpd_config_host(const struct dhcpd_config *cfg, const uint8_t *id,
					   size_t idlen, const uint8_t *chaddr, size_t hlen);
/* The host with fixed address addr (host order), or NULL. */
const struct dhcpd_host *dhcpd_config_host_by_addr(const struct dhcpd_config *cfg,
						   uint32_t addr);
/* An option of set, or NULL. */
const struct dhcpd_opt *dhcpd_optset_get(const struct dhcpd_optset *set, uint8_t code);

#endif
