/* The host check: what of this machine's network setup and security
 * policy stands between a PXE client and the daemons — the interface and
 * its address, reverse-path filtering, bridge netfilter, SELinux, AppArmor. */
#include <config.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"
#include "probe_dhcp.h"
#include "sock.h"
#include "suite_conf.h"

static int read_int(const char *path, int *out)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

struct iface_addrs {
	bool exists, up;
	struct ip_addr addrs[32];
	size_t n;
};

static void iface_lookup(const char *name, struct iface_addrs *out)
{
	struct ifaddrs *ifa, *i;

	*out = (struct iface_addrs){ .exists = if_nametoindex(name) != 0 };
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, name) != 0)
			continue;
		out->up |= (i->ifa_flags & IFF_UP) != 0;
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && out->n < 32 &&
		    addr_from_sockaddr(i->ifa_addr, &out->addrs[out->n], NULL) == 0)
			out->n++;
	}
	freeifaddrs(ifa);
}

static bool has_addr(const struct iface_addrs *ia, const struct ip_addr *ip)
{
	for (size_t i = 0; i < ia->n; i++)
		if (addr_ip_equal(&ia->addrs[i], ip))
			return true;
	return false;
}

static bool in_some_subnet(const struct conf *conf, const struct iface_addrs *ia)
{
	for (const struct conf_section *s = conf_next(conf, "subnet", NULL); s;
	     s = conf_next(conf, "subnet", s)) {
		struct cidr net;

		if (suite_subnet_net(s, &net, NULL, 0) < 0)
			continue;
		for (size_t i = 0; i < ia->n; i++)
			if (cidr_contains(&net, &ia->addrs[i]))
				return true;
	}
	return false;
}

/* Strict reverse-path filtering (1) drops a packet whose source address is
 * not routed back out of the interface it came in on. */
static void check_rp_filter(struct check_ctx *ctx, const char *ifname)
{
	char path[128];
	int all = 0, one = 0;

	snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/%s/rp_filter", ifname);
	if (read_int("/proc/sys/net/ipv4/conf/all/rp_filter", &all) < 0 ||
	    read_int(path, &one) < 0)
		return;
	/* the kernel applies the larger of the two */
	if ((all > one ? all : one) == 1)
		report_add(ctx->rep, SEV_WARNING, "host", "clients whose packets come through a "
			   "relay, or with an address from another network, get no answer: "
			   "\"PXE-E51: No DHCP or proxyDHCP offers were received\", or \"ARP "
			   "timeout\"", "sysctl -w net.ipv4.conf.all.rp_filter=2 "
			   "net.ipv4.conf.IFACE.rp_filter=2 (loose), in /etc/sysctl.d/ to keep it",
			   "rp_filter = 1 (strict) on %s", ifname);
}

/* With br_netfilter loaded, frames crossing a bridge go through the IP
 * firewall too (bridge-nf-call-iptables = 1): a FORWARD drop policy, as
 * Docker sets, then drops what virtual machines on the bridge send. */
static void check_bridge(struct check_ctx *ctx, const char *ifname)
{
	char path[128];
	int on = 0;

	snprintf(path, sizeof path, "/sys/class/net/%s/bridge", ifname);
	if (access(path, F_OK) < 0 ||
	    read_int("/proc/sys/net/bridge/bridge-nf-call-iptables", &on) < 0 || !on)
		return;
	report_add(ctx->rep, SEV_WARNING, "host", "machines on the bridge see \"ARP timeout\" "
		   "or \"PXE-E51: No DHCP or proxyDHCP offers were received\" when the forward "
		   "chain drops their frames", "sysctl -w net.bridge.bridge-nf-call-iptables=0, or "
		   "accept the bridge's traffic in the forward chain",
		   "%s is a bridge and net.bridge.bridge-nf-call-iptables = 1: bridged frames "
		   "pass the IP firewall", ifname);
}

static void check_one_iface(struct check_ctx *ctx, const char *name)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	struct iface_addrs ia;
	char buf[ADDR_STRLEN];

	iface_lookup(name, &ia);
	if (!ia.exists) {
		report_add(ctx->rep, SEV_ERROR, "host", "pxe-dhcpd does not start: \"PXE-E51: No "
			   "DHCP or proxyDHCP offers were received\"", "correct [dhcpd] interface "
			   "(ip -br link lists them)", "[dhcpd] interface %s: no such interface",
			   name);
		return;
	}
	if (!ia.up)
		report_add(ctx->rep, SEV_ERROR, "host", "\"PXE-E51: No DHCP or proxyDHCP offers "
			   "were received\"", "ip link set dev IFACE up", "interface %s is down",
			   name);
	if (d->server_address.family && !has_addr(&ia, &d->server_address))
		report_add(ctx->rep, SEV_ERROR, "host", "clients send their REQUEST to an "
			   "address nobody answers on: \"PXE-E51\", or the TFTP and NFS steps "
			   "time out", "add the address to the interface or correct "
			   "[dhcpd] server_address", "interface %s does not have [dhcpd] "
			   "server_address %s", name, addr_ip_str(&d->server_address, buf));
	if (d->mode == DHCPD_MODE_SERVER && conf_next(&ctx->conf, "subnet", NULL) &&
	    !in_some_subnet(&ctx->conf, &ia))
		report_add(ctx->rep, SEV_ERROR, "host", "\"PXE-E51: No DHCP or proxyDHCP offers "
			   "were received\"", "give the interface an address in the [subnet], or "
			   "write the [subnet] of its network", "interface %s has no address in "
			   "any [subnet]: pxe-dhcpd has no pool to serve from it", name);
	check_rp_filter(ctx, name);
	check_bridge(ctx, name);
	if (ctx->probe_dhcp)
		probe_dhcp(ctx, name);
}

static void check_interfaces(struct check_ctx *ctx)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	const char *const *names = d->interfaces.items;
	struct if_nameindex *all, *i;
	bool served = false;

	for (size_t k = 0; k < d->interfaces.count; k++)
		check_one_iface(ctx, names[k]);
	if (d->interfaces.count || d->mode != DHCPD_MODE_SERVER)
		return;
	/* No interface named: pxe-dhcpd serves those with an address in a [subnet]. */
	all = if_nameindex();
	for (i = all; i && i->if_name; i++) {
		struct iface_addrs ia;

		iface_lookup(i->if_name, &ia);
		if (!in_some_subnet(&ctx->conf, &ia))
			continue;
		served = true;
		check_rp_filter(ctx, i->if_name);
		check_bridge(ctx, i->if_name);
		if (ctx->probe_dhcp)
			probe_dhcp(ctx, i->if_name);
	}
	if (all)
		if_freenameindex(all);
	if (!served)
		report_add(ctx->rep, SEV_ERROR, "host", "\"PXE-E51: No DHCP or proxyDHCP offers "
			   "were received\"", "give an interface an address in a [subnet], or "
			   "correct the [subnet]", "no interface of this host has an address in any "
			   "[subnet]: pxe-dhcpd serves nothing");
}

static void check_next_server(struct check_ctx *ctx)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	char buf[ADDR_STRLEN], ifname[IFNAMSIZ];

	/* only a definite "nobody here has it" is worth saying */
	if (d->next_server.family &&
	    sock_iface_of_addr(&d->next_server, ifname) == -EADDRNOTAVAIL)
		report_add(ctx->rep, SEV_INFO, "host", "clients fetch their boot files from that "
			   "machine, not from this pxe-tftpd", NULL, "[dhcpd] next_server %s is "
			   "not an address of this host", addr_ip_str(&d->next_server, buf));
}

/* SELinux in enforcing mode denies pxe-tftpd files not labelled for TFTP. */
static void check_selinux(struct check_ctx *ctx)
{
	const struct conf_tftpd *t = conf_get(&ctx->conf, "tftpd");
	char label[256] = "";
	ssize_t n;
	int enforce;

	if (read_int("/sys/fs/selinux/enforce", &enforce) < 0)
		return;		/* no SELinux */
	if (!enforce) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "SELinux is permissive: it logs "
			   "denials but enforces none");
		return;
	}
	n = getxattr(t->root, "security.selinux", label, sizeof label - 1);
	if (n > 0 && (strstr(label, ":tftpdir_t:") || strstr(label, ":tftpdir_rw_t:") ||
		      strstr(label, ":public_content_t:") ||
		      strstr(label, ":public_content_rw_t:"))) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "SELinux is enforcing; %s is "
			   "labelled %s", t->root, label);
		return;
	}
	report_add(ctx->rep, SEV_WARNING, "host", "\"received error from TFTP server\" / "
		   "\"PXE-E3C: TFTP Error - Access Violation\" when the policy confines the "
		   "daemon", "semanage fcontext -a -t tftpdir_t 'ROOT(/.*)?' && restorecon -R ROOT",
		   "SELinux is enforcing and the TFTP root %s is labelled %s, not tftpdir_t",
		   t->root, n > 0 ? label : "(unknown)");
}

/* AppArmor: which loaded profiles would confine the daemons. */
static void check_apparmor(struct check_ctx *ctx)
{
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "r");
	char line[512];
	bool any = false;
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	if (c != 'Y')
		return;
	f = fopen("/sys/kernel/security/apparmor/profiles", "r");
	if (!f) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "AppArmor is enabled; its "
			   "profiles cannot be read here (securityfs not mounted, or not root)");
		return;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strstr(line, "pxe-dhcpd") && !strstr(line, "pxe-tftpd") &&
		    !strstr(line, "pxe-nfsd") && !strstr(line, "pxectl"))
			continue;
		any = true;
		report_add(ctx->rep, strstr(line, "(enforce)") ? SEV_WARNING : SEV_INFO, "host",
			   "a profile that does not allow the TFTP root or the exports gives "
			   "\"received error from TFTP server\" or \"access denied\" on mount",
			   "make sure the profile allows the TFTP root and the exported trees "
			   "(aa-complain PROFILE to test)", "AppArmor profile %s", line);
	}
	fclose(f);
	if (!any)
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "AppArmor is enabled; no "
			   "profile names the pxesuite daemons (they run unconfined)");
}

void check_host(struct check_ctx *ctx)
{
	check_interfaces(ctx);
	check_next_server(ctx);
	check_selinux(ctx);
	check_apparmor(ctx);
}
