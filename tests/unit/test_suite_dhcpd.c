/* Unit tests of common/suite_conf_dhcpd.c and dhcpd/dhcpd_config.c: every
 * check of [dhcpd], [subnet], [host] and [class] with its exact FILE:LINE
 * message, on INI text as admins write it, then the run-time config built
 * from a full file: option wire bytes, hosts, and the lookups. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "suite_conf.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct conf conf;
static bool conf_loaded;
static struct conf_error err;
static struct dhcpd_config *cfg;

static void unload(void)
{
	dhcpd_config_free(cfg);
	cfg = NULL;
	if (conf_loaded)
		conf_free(&conf);
	conf_loaded = false;
}

static int teardown(void **state)
{
	(void)state;
	unload();
	return 0;
}

static int init(const char *ini)
{
	unload();
	memset(&err, 0, sizeof err);
	assert_int_equal(conf_init(&conf, suite_schema, &err), 0);
	conf_loaded = true;
	return conf_load_string(&conf, "pxe.ini", ini, &err);
}

/* The file loads, and conf_check refuses it with exactly msg. */
static void check_bad(const char *ini, const char *msg)
{
	if (init(ini) != 0)
		fail_msg("load failed: %s", err.msg);
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

/* The loader itself refuses the file with exactly msg. */
static void load_bad(const char *ini, const char *msg)
{
	assert_int_equal(init(ini), -EINVAL);
	assert_string_equal(err.msg, msg);
}

/* Loads, checks and builds, as pxe-dhcpd does. */
static void build(const char *ini)
{
	char msg[512];

	if (init(ini) != 0 || conf_check(&conf, &err) != 0)
		fail_msg("%s", err.msg);
	if (dhcpd_config_build(&conf, &cfg, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#define SUBNET "[subnet 10.77.0.0/24]\nrange = 10.77.0.100 10.77.0.200\n"

/* ---------------------------------------------------------------- [subnet] */

static void test_subnet_range_odd_count(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\nrouter = 10.77.0.1\n"
		  "range = 10.77.0.100 10.77.0.200, 10.77.0.20\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] range: "
		  "expected pairs of addresses: FIRST LAST[, FIRST LAST]");
}

static void test_subnet_range_reversed(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\nrange = 10.77.0.200 10.77.0.100\n",
		  "pxe.ini:2: [subnet 10.77.0.0/24] range: "
		  "a range's first address is above its last");
}

static void test_subnet_range_outside(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\n\nrange = 10.77.0.100 10.77.1.10\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] range: a range reaches outside the subnet");
	check_bad("[subnet 10.77.0.0/24]\nrange = 10.76.255.250 10.77.0.10\n",
		  "pxe.ini:2: [subnet 10.77.0.0/24] range: a range reaches outside the subnet");
}

static void test_subnet_range_holds_network_address(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\nrange = 10.77.0.0 10.77.0.10\n",
		  "pxe.ini:2: [subnet 10.77.0.0/24] range: "
		  "a range holds the subnet's network or broadcast address");
}

static void test_subnet_range_holds_broadcast_address(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\nrange = 10.77.0.10 10.77.0.20, 10.77.0.200 10.77.0.255\n",
		  "pxe.ini:2: [subnet 10.77.0.0/24] range: "
		  "a range holds the subnet's network or broadcast address");
}

static void test_subnet_ranges_overlap(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/24]\nrange = 10.77.0.100 10.77.0.200, 10.77.0.10 10.77.0.100\n",
		  "pxe.ini:2: [subnet 10.77.0.0/24] range: two ranges overlap");
}

static void test_subnet_ranges_touching_are_fine(void **state)
{
	(void)state;
	build("[subnet 10.77.0.0/24]\nrange = 10.77.0.1 10.77.0.99, 10.77.0.100 10.77.0.254\n");
	assert_int_equal(cfg->subnets[0].nranges, 2);
}

static void test_subnets_overlap(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/16]\n\n[subnet 10.76.0.0/16]\n\n[subnet 10.77.5.0/24]\n",
		  "pxe.ini:5: [subnet 10.77.5.0/24]: overlaps [subnet 10.77.0.0/16] of line 1");
	check_bad("[subnet 10.77.5.0/24]\n\n[subnet 10.77.0.0/16]\n",
		  "pxe.ini:3: [subnet 10.77.0.0/16]: overlaps [subnet 10.77.5.0/24] of line 1");
}

static void test_subnet_31_and_32_refused(void **state)
{
	(void)state;
	check_bad("[subnet 10.77.0.0/31]\n",
		  "pxe.ini:1: [subnet 10.77.0.0/31]: a /31 or /32 has no room for clients");
	check_bad("\n[subnet 10.77.0.9/32]\n",
		  "pxe.ini:2: [subnet 10.77.0.9/32]: a /31 or /32 has no room for clients");
	build("[subnet 10.77.0.0/30]\nrange = 10.77.0.1 10.77.0.2\n");
}

static void test_subnet_name_not_a_network(void **state)
{
	(void)state;
	check_bad("[subnet lab]\n",
		  "pxe.ini:1: [subnet lab]: expected an IPv4 network such as 192.0.2.0/24");
	check_bad("[subnet 10.77.0.1/24]\n",
		  "pxe.ini:1: [subnet 10.77.0.1/24]: 10.77.0.1/24: host bits set; "
		  "the network is 10.77.0.0/24");
}

static void test_subnet_duplicate_option(void **state)
{
	(void)state;
	load_bad(SUBNET "option 252 = \"http://wpad/wpad.dat\"\noption 3 = 10.77.0.1\n"
		 "option routers = 10.77.0.2\n",
		 "pxe.ini:5: [subnet 10.77.0.0/24] option routers: "
		 "duplicate of 'option 3'; first set at line 4");
}

/* A subnet's lease_time overrides [dhcpd]'s, and is bound by the same
 * max_lease_time: a client that does not ask would otherwise get more than
 * one that asks for as much as it may. */
static void test_subnet_lease_time_over_max(void **state)
{
	(void)state;
	check_bad("[dhcpd]\nmax_lease_time = 2h\nlease_time = 1h\n"
		  SUBNET "lease_time = 3h\n",
		  "pxe.ini:6: [subnet 10.77.0.0/24] lease_time: longer than [dhcpd] max_lease_time");
	build("[dhcpd]\nmax_lease_time = 2h\nlease_time = 1h\n" SUBNET "lease_time = 2h\n");
	assert_int_equal(cfg->subnets[0].lease_secs, 7200);
}

/* ---------------------------------------------------------------- [host] */

static void test_host_without_mac_or_client_id(void **state)
{
	(void)state;
	check_bad(SUBNET "\n[host pc1]\naddress = 10.77.0.50\nhostname = pc1\n",
		  "pxe.ini:4: [host pc1]: a host needs mac or client_id to be recognised");
}

static void test_host_client_id_not_hex(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nclient_id = pc1-id\n",
		  "pxe.ini:4: [host pc1] client_id: option 61 (dhcp-client-identifier): "
		  "\"pc1-id\" is not hex bytes such as 01:52:54");
}

static void test_host_address_in_no_subnet(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nmac = 52:54:00:12:34:56\naddress = 10.78.0.50\n",
		  "pxe.ini:5: [host pc1] address: "
		  "not inside any [subnet]: no client could be served it");
}

/* RFC 1122 §3.3.6: no host may have the network or broadcast address. */
static void test_host_address_network_or_broadcast(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nmac = 52:54:00:12:34:56\naddress = 10.77.0.255\n",
		  "pxe.ini:5: [host pc1] address: the subnet's network or broadcast address");
	check_bad(SUBNET "[host pc1]\nmac = 52:54:00:12:34:56\naddress = 10.77.0.0\n",
		  "pxe.ini:5: [host pc1] address: the subnet's network or broadcast address");
}

/* A /0 subnet has no host bits to mask off: no shift by 32 (UBSan). */
static void test_host_in_a_slash_0_subnet(void **state)
{
	(void)state;
	build("[subnet 0.0.0.0/0]\nrange = 10.0.0.1 10.0.0.9\n"
	      "[host pc1]\nmac = 52:54:00:12:34:56\naddress = 10.0.0.50\n");
	assert_int_equal(cfg->subnets[0].mask, 0);
	assert_ptr_equal(cfg->hosts[0].subnet, &cfg->subnets[0]);
}

static void test_two_hosts_same_mac(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nmac = 52:54:00:12:34:56\n"
		  "[host pc2]\nmac = 52-54-00-12-34-56\n",
		  "pxe.ini:5: [host pc2]: the same machine as [host pc1] of line 3");
}

static void test_two_hosts_same_client_id(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nclient_id = 01:52:54:00:12:34:56\n"
		  "[host pc2]\nmac = 52:54:00:00:00:02\nclient_id = 01:52:54:00:12:34:56\n",
		  "pxe.ini:5: [host pc2]: the same machine as [host pc1] of line 3");
}

/* The same bytes in another spelling are the same client id. */
static void test_two_hosts_same_client_id_written_differently(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nclient_id = 01:52:54:00:12:34:56\n"
		  "[host pc2]\nclient_id = 01525400123456\n",
		  "pxe.ini:5: [host pc2]: the same machine as [host pc1] of line 3");
	check_bad(SUBNET "[host pc1]\nclient_id = ff:00:AB\n"
		  "[host pc2]\nclient_id = ff:0:ab\n",
		  "pxe.ini:5: [host pc2]: the same machine as [host pc1] of line 3");
}

static void test_two_hosts_same_address(void **state)
{
	(void)state;
	check_bad(SUBNET "[host pc1]\nmac = 52:54:00:00:00:01\naddress = 10.77.0.50\n"
		  "[host pc2]\nmac = 52:54:00:00:00:02\n\naddress = 10.77.0.50\n",
		  "pxe.ini:9: [host pc2] address: already the address of [host pc1] of line 3");
}

static void test_host_boot_file_of_128_bytes(void **state)
{
	char *name = repeat('b', 128), ini[512];

	(void)state;
	snprintf(ini, sizeof ini, SUBNET "[host pc1]\nmac = 52:54:00:00:00:01\nboot_file = %s\n",
		 name);
	check_bad(ini, "pxe.ini:5: [host pc1] boot_file: "
		  "longer than the 127 bytes of the BOOTP file field");
	name[127] = '\0';
	snprintf(ini, sizeof ini, SUBNET "[host pc1]\nmac = 52:54:00:00:00:01\nboot_file = %s\n",
		 name);
	build(ini);
	free(name);
}

static void test_host_duplicate_option(void **state)
{
	(void)state;
	load_bad(SUBNET "[host pc1]\nmac = 52:54:00:00:00:01\noption 12 = a\n"
		 "option host-name = b\n",
		 "pxe.ini:6: [host pc1] option host-name: "
		 "duplicate of 'option 12'; first set at line 5");
}

/* ---------------------------------------------------------------- [class] */

static void test_class_without_criterion(void **state)
{
	(void)state;
	check_bad("[class efi]\nboot_file = x.efi\n",
		  "pxe.ini:1: [class efi]: "
		  "a class needs vendor_class, user_class, arch or subnet to match clients");
	build(SUBNET "[class lab]\nsubnet = 10.77.0.0/16\nboot_file = lab.0\n");
}

static void test_class_boot_file_of_128_bytes(void **state)
{
	char *name = repeat('c', 128), ini[512];

	(void)state;
	snprintf(ini, sizeof ini, "[class efi]\narch = 7\n\nboot_file = %s\n", name);
	check_bad(ini, "pxe.ini:4: [class efi] boot_file: "
		  "longer than the 127 bytes of the BOOTP file field");
	free(name);
}

static void test_class_arch_out_of_range(void **state)
{
	(void)state;
	load_bad("[class x]\narch = 7, 65536\n",
		 "pxe.ini:2: [class x] arch: item 2 '65536': must be between 0 and 65535");
}

static void test_class_duplicate_option(void **state)
{
	(void)state;
	load_bad("[class efi]\narch = 7\noption 60 = PXEClient\noption vendor-class-identifier = x\n",
		 "pxe.ini:4: [class efi] option vendor-class-identifier: "
		 "duplicate of 'option 60'; first set at line 3");
}

/* ---------------------------------------------------------------- [dhcpd] */

static void test_dhcpd_boot_file_of_128_bytes(void **state)
{
	static const char *const keys[] = { "boot_file", "boot_file_efi32", "boot_file_efi64",
					    "boot_file_arm64", "boot_file_http", "ipxe_script" };
	char *name = repeat('d', 128), ini[512], msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(ini, sizeof ini, "[dhcpd]\nmode = server\n%s = %s\n", keys[i], name);
		snprintf(msg, sizeof msg, "pxe.ini:3: [dhcpd] %s: "
			 "longer than the 127 bytes of the BOOTP file field", keys[i]);
		check_bad(ini, msg);
	}
	free(name);
}

static void test_dhcpd_lease_time_over_max(void **state)
{
	(void)state;
	check_bad("[dhcpd]\nmax_lease_time = 2h\nlease_time = 3h\n",
		  "pxe.ini:3: [dhcpd] lease_time: longer than max_lease_time");
	build("[dhcpd]\nmax_lease_time = 2h\nlease_time = 2h\n");
}

/* The progress rings make progress_dir root's before pxe-dhcpd could give
 * it to its user: leases there could never be compacted. */
static void test_dhcpd_lease_file_in_progress_dir(void **state)
{
	(void)state;
	check_bad("[global]\nprogress_dir = /run/px/\n[dhcpd]\nlease_file = /run/px/d.leases\n",
		  "pxe.ini:4: [dhcpd] lease_file: in [global] progress_dir (/run/px/), which stays "
		  "root's: give the leases a directory of their own, such as /run/px/dhcpd/");
	build("[global]\nprogress_dir = /run/px\n[dhcpd]\nlease_file = /run/px/dhcpd/d.leases\n");
	build("[global]\nprogress = no\nprogress_dir = /run/px\n"
	      "[dhcpd]\nlease_file = /run/px/d.leases\n");
	build("[global]\nprogress_dir = /run/px\n[dhcpd]\nuser = root\n"
	      "lease_file = /run/px/d.leases\n");
}

/* Only max_lease_time is in the file: lease_time's default (12h) is over it,
 * and the message points at the section. */
static void test_dhcpd_default_lease_time_over_max(void **state)
{
	(void)state;
	check_bad("[dhcpd]\nmax_lease_time = 1h\n",
		  "pxe.ini:1: [dhcpd] lease_time: longer than max_lease_time");
}

static void test_dhcpd_duplicate_option_by_number_and_name(void **state)
{
	(void)state;
	load_bad("[dhcpd]\noption 6 = 10.77.0.1\noption 42 = 10.77.0.1\n"
		 "option ntp-servers = 10.77.0.2\n",
		 "pxe.ini:4: [dhcpd] option ntp-servers: "
		 "duplicate of 'option 42'; first set at line 3");
}

static void test_dhcpd_duplicate_option_by_number_twice(void **state)
{
	(void)state;
	load_bad("[dhcpd]\noption 42 = 10.77.0.1\noption 42 = 10.77.0.2\n",
		 "pxe.ini:3: [dhcpd] option 42: duplicate; first set at line 2");
}

static void test_dhcpd_duplicate_option_as_042(void **state)
{
	(void)state;
	load_bad("[dhcpd]\noption 42 = 10.77.0.1\noption 042 = 10.77.0.2\n",
		 "pxe.ini:3: [dhcpd] option 042: duplicate of 'option 42'; first set at line 2");
	load_bad("[dhcpd]\noption 0x2a = 10.77.0.1\noption NTP-Servers = 10.77.0.2\n",
		 "pxe.ini:3: [dhcpd] option NTP-Servers: "
		 "duplicate of 'option 0x2a'; first set at line 2");
}

static void test_dhcpd_bad_option_value(void **state)
{
	(void)state;
	load_bad("[dhcpd]\nmode = server\noption 42 = 10.77.0.300\n",
		 "pxe.ini:3: [dhcpd] option 42: option 42 (ntp-servers): \"10.77.0.300\": "
		 "expected an IPv4 address such as 192.0.2.1");
}

static void test_dhcpd_bad_option_code(void **state)
{
	(void)state;
	load_bad("[dhcpd]\noption no-such-option = 1\n",
		 "pxe.ini:2: [dhcpd] option no-such-option: "
		 "\"no-such-option\" is not an option number (1-254) or name");
	load_bad("[dhcpd]\noption 52 = 1\n",
		 "pxe.ini:2: [dhcpd] option 52: "
		 "option 52 cannot be set: the server writes overload itself");
}

/* What each reply sets from its lease or request is not the config's. */
static void test_server_owned_options_refused(void **state)
{
	static const char *const codes[] = { "50", "53", "54", "55", "57", "61", "82" };
	char ini[128], msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		snprintf(ini, sizeof ini, "[dhcpd]\nmode = server\noption %s = 1\n", codes[i]);
		snprintf(msg, sizeof msg, "pxe.ini:3: [dhcpd] option %s: "
			 "option %s is the server's own to set", codes[i], codes[i]);
		load_bad(ini, msg);
	}
	load_bad(SUBNET "option dhcp-lease-time = 60\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] option dhcp-lease-time: "
		 "option 51 is the server's own to set: use lease_time");
	load_bad("[class x]\narch = 7\noption 53 = NAK\n",
		 "pxe.ini:3: [class x] option 53: option 53 is the server's own to set");
}

static void test_subnet_bad_option_value(void **state)
{
	(void)state;
	load_bad(SUBNET "option 26 = 70000\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] option 26: option 26 (interface-mtu): "
		 "\"70000\" is not a number from 0 to 65535");
}

/* An option that has a named key passes that key's checks by number or by
 * name, in every section: RFC 2132 §5.1's MTU of at least 68 is mtu's. */
static void test_option_26_is_checked_as_mtu(void **state)
{
	(void)state;
	load_bad(SUBNET "mtu = 40\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] mtu: must be between 68 and 65535");
	load_bad(SUBNET "option 26 = 40\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] option 26: option 26 (interface-mtu), "
		 "as mtu: must be between 68 and 65535");
	load_bad(SUBNET "[host pc1]\nmac = 52:54:00:00:00:01\noption interface-mtu = 67\n",
		 "pxe.ini:5: [host pc1] option interface-mtu: option 26 (interface-mtu), "
		 "as mtu: must be between 68 and 65535");
	load_bad("[dhcpd]\noption 26 = 0x20\n",
		 "pxe.ini:2: [dhcpd] option 26: option 26 (interface-mtu), "
		 "as mtu: must be between 68 and 65535");
	load_bad("[class x]\narch = 7\noption 26 = 0\n",
		 "pxe.ini:3: [class x] option 26: option 26 (interface-mtu), "
		 "as mtu: must be between 68 and 65535");
	build(SUBNET "option 26 = 68\n[host pc1]\nmac = 52:54:00:00:00:01\n"
	      "option interface-mtu = 0xffff\n");
}

/* RFC 2131 §4.4.5: T1 < T2 < lease time, against the lease of every
 * subnet an option can reach: its own [subnet]'s, a [host]'s address's,
 * else every [subnet]'s. */
static void test_t1_t2_not_below_the_lease_are_refused(void **state)
{
	(void)state;
	check_bad(SUBNET "lease_time = 1h\noption 58 = 3600\n",
		  "pxe.ini:4: [subnet 10.77.0.0/24] option 58: 3600 s is not below the lease "
		  "time of [subnet 10.77.0.0/24], 3600 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	/* [dhcpd]'s lease_time (12h) is the subnet's when it sets none */
	check_bad(SUBNET "option dhcp-rebinding-time = 50000\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] option dhcp-rebinding-time: 50000 s is not "
		  "below the lease time of [subnet 10.77.0.0/24], 43200 s (RFC 2131 §4.4.5: "
		  "T1 < T2 < lease time)");
	check_bad("[dhcpd]\noption 58 = 1800\n" SUBNET "[subnet 10.78.0.0/24]\nlease_time = 30m\n",
		  "pxe.ini:2: [dhcpd] option 58: 1800 s is not below the lease time of "
		  "[subnet 10.78.0.0/24], 1800 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	check_bad(SUBNET "[subnet 10.78.0.0/24]\nlease_time = 30m\n[class x]\narch = 7\n"
		  "option 59 = 30000\n",
		  "pxe.ini:7: [class x] option 59: 30000 s is not below the lease time of "
		  "[subnet 10.78.0.0/24], 1800 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	check_bad(SUBNET "[subnet 10.78.0.0/24]\nlease_time = 30m\n[host pc1]\n"
		  "mac = 52:54:00:00:00:01\noption 58 = 1800\n",
		  "pxe.ini:7: [host pc1] option 58: 1800 s is not below the lease time of "
		  "[subnet 10.78.0.0/24], 1800 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	/* a host with an address gets its own subnet's lease only */
	build(SUBNET "[subnet 10.78.0.0/24]\nlease_time = 30m\n[host pc1]\n"
	      "mac = 52:54:00:00:00:01\naddress = 10.77.0.5\noption 58 = 1800\n");
}

/* Given alone, T1 or T2 goes out beside the other's default (half and 7/8
 * of the lease), so it must keep its place beside that one. */
static void test_t1_or_t2_alone_must_order_with_the_default_other(void **state)
{
	(void)state;
	check_bad(SUBNET "lease_time = 1h\noption 58 = 3150\n",
		  "pxe.ini:4: [subnet 10.77.0.0/24] option 58: 3150 s is not below "
		  "[subnet 10.77.0.0/24]'s default T2, 7/8 of its lease time: 3150 s "
		  "(RFC 2131 §4.4.5: T1 < T2 < lease time)");
	check_bad(SUBNET "lease_time = 1h\noption 59 = 1800\n",
		  "pxe.ini:4: [subnet 10.77.0.0/24] option 59: 1800 s is not above "
		  "[subnet 10.77.0.0/24]'s default T1, half its lease time: 1800 s "
		  "(RFC 2131 §4.4.5: T1 < T2 < lease time)");
	check_bad("[dhcpd]\nmode = proxy\ninterface = eth0\noption 58 = 40000\n",
		  "pxe.ini:4: [dhcpd] option 58: 40000 s is not below [dhcpd]'s default T2, 7/8 "
		  "of its lease time: 37800 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	build(SUBNET "lease_time = 1h\noption 58 = 3149\n");
	build(SUBNET "lease_time = 1h\noption 59 = 1801\n");
}

static void test_t2_not_above_t1_is_refused(void **state)
{
	(void)state;
	check_bad(SUBNET "option 58 = 2000\noption 59 = 1000\n",
		  "pxe.ini:4: [subnet 10.77.0.0/24] option 59: 1000 s is not above option 58's "
		  "2000 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
	check_bad(SUBNET "option dhcp-rebinding-time = 1000\noption 58 = 1000\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] option dhcp-rebinding-time: 1000 s is not "
		  "above option 58's 1000 s (RFC 2131 §4.4.5: T1 < T2 < lease time)");
}

static void test_t1_t2_below_the_lease_are_sent_as_written(void **state)
{
	const struct dhcpd_opt *o;

	(void)state;
	build(SUBNET "lease_time = 1h\noption 58 = 600\noption 59 = 3000\n");
	o = dhcpd_optset_get(&cfg->subnets[0].opts, 58);
	assert_non_null(o);
	assert_int_equal(o->len, 4);
	assert_memory_equal(o->val, "\x00\x00\x02\x58", 4);
}

/* Options 1 and 28 are the [subnet] header's: by number they may only
 * repeat it, in every subnet they reach. */
static void test_mask_or_broadcast_contradicting_the_subnet_are_refused(void **state)
{
	(void)state;
	check_bad(SUBNET "option 1 = 255.255.0.0\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] option 1: 255.255.0.0 contradicts "
		  "[subnet 10.77.0.0/24], whose mask is 255.255.255.0");
	check_bad(SUBNET "option broadcast-address = 10.77.1.255\n",
		  "pxe.ini:3: [subnet 10.77.0.0/24] option broadcast-address: 10.77.1.255 "
		  "contradicts [subnet 10.77.0.0/24], whose broadcast address is 10.77.0.255");
	check_bad("[dhcpd]\noption 1 = 255.255.255.0\n" SUBNET "[subnet 10.78.0.0/16]\n",
		  "pxe.ini:2: [dhcpd] option 1: 255.255.255.0 contradicts [subnet 10.78.0.0/16], "
		  "whose mask is 255.255.0.0");
	check_bad(SUBNET "[class x]\narch = 7\noption 28 = 10.77.0.127\n",
		  "pxe.ini:5: [class x] option 28: 10.77.0.127 contradicts [subnet 10.77.0.0/24], "
		  "whose broadcast address is 10.77.0.255");
	/* the same values are no contradiction; a host is checked in its subnet */
	build(SUBNET "option 1 = 255.255.255.0\noption 28 = 10.77.0.255\n"
	      "[subnet 10.78.0.0/16]\n[host pc1]\nmac = 52:54:00:00:00:01\n"
	      "address = 10.78.0.5\noption subnet-mask = 255.255.0.0\n");
}

/* What the named keys take, their options take by number. */
static void test_options_with_named_keys_take_their_values(void **state)
{
	(void)state;
	build(SUBNET "option 3 = 10.77.0.1, 10.77.0.2\noption 6 = 10.77.0.1\n"
	      "option 15 = \"lab.example\"\noption 42 = 10.77.0.1 10.77.0.3\n"
	      "[host pc1]\nmac = 52:54:00:00:00:01\noption 12 = pc1\n");
	load_bad(SUBNET "option routers = 10.77.0.1, 2001:db8::1\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] option routers: option 3 (routers): "
		 "\"2001:db8::1\": 2001:db8::1 is an IPv6 address; "
		 "expected an IPv4 address such as 192.0.2.1");
}

static void test_bare_option_is_an_error(void **state)
{
	(void)state;
	load_bad(SUBNET "option = 10.77.0.1\n",
		 "pxe.ini:3: [subnet 10.77.0.0/24] option: expected 'option ARG = value'");
}

/* A flag's value is checked as the file's would be. */
static void test_option_flag_overrides_and_is_checked(void **state)
{
	const struct dhcpd_opt *o;
	char msg[256];

	(void)state;
	assert_int_equal(init("[dhcpd]\noption 42 = 10.77.0.1\n"), 0);
	assert_int_equal(conf_set(&conf, "dhcpd", "option 42", "10.77.0.9", "-o", &err), 0);
	assert_int_equal(conf_set(&conf, "dhcpd", "option 42", "x", "-o", &err), -EINVAL);
	assert_int_equal(conf_check(&conf, &err), 0);
	assert_int_equal(dhcpd_config_build(&conf, &cfg, msg, sizeof msg), 0);
	o = dhcpd_optset_get(&cfg->opts, 42);
	assert_non_null(o);
	assert_memory_equal(o->val, "\x0a\x4d\x00\x09", 4);
}

/* ---------------------------------------------------------------- a full file */

/* The spec's example, with two subnets, three hosts and a class. */
static const char full_ini[] =
	"[global]\n"
	"log = stderr              ; auto|stderr|syslog\n"
	"log_level = info\n"
	"\n"
	"[dhcpd]\n"
	"pidfile = /run/pxe-dhcpd.pid\n"
	"mode = server\n"
	"interface = lab0\n"
	"lease_file = /var/lib/pxesuite/dhcpd.leases\n"
	"lease_time = 12h\n"
	"max_lease_time = 1d\n"
	"offer_hold = 60s\n"
	"decline_hold = 10m\n"
	"authoritative = yes\n"
	"ping_check = no\n"
	"ping_timeout = 500ms\n"
	"unknown_clients = allow\n"
	"user = nobody\n"
	"boot_file = pxelinux.0\n"
	"boot_file_efi32 =\n"
	"boot_file_efi64 = syslinux.efi\n"
	"ipxe_script =\n"
	"option 42 = 10.77.0.1\n"
	"\n"
	"[subnet 10.77.0.0/24]\n"
	"range = 10.77.0.100 10.77.0.200, 10.77.0.20 10.77.0.29\n"
	"router = 10.77.0.1\n"
	"dns = 10.77.0.1 10.77.0.2\n"
	"domain = lab.example\n"
	"ntp = 10.77.0.3\n"
	"mtu = 1400\n"
	"option 252 = \"http://wpad/wpad.dat\"\n"
	"\n"
	"[subnet 10.78.0.0/16]\n"
	"range = 10.78.1.1 10.78.1.50\n"
	"router = 10.78.0.1\n"
	"option 3 = 10.78.0.254, 10.78.0.253   ; beats router\n"
	"lease_time = 2h\n"
	"next_server = 10.78.0.5\n"
	"\n"
	"[host pc1]\n"
	"mac = 52:54:00:12:34:56\n"
	"client_id = 01:52:54:00:12:34:56\n"
	"address = 10.77.0.50\n"
	"hostname = pc1\n"
	"boot_file = special.0\n"
	"pxelinux_config = pxelinux.cfg/pc1\n"
	"option 15 = host.lab\n"
	"\n"
	"[host laptop]\n"
	"client_id = ff:00:00:00:01:00:01:2a:bc:de:f0:52:54:00:aa:bb:cc\n"
	"address = 10.78.2.7\n"
	"\n"
	"[host by-mac]\n"
	"mac = 52:54:00:00:00:09\n"
	"\n"
	"[class uefi-http]\n"
	"vendor_class = HTTPClient\n"
	"user_class = iPXE\n"
	"arch = 16, 19\n"
	"boot_file = http://10.77.0.1/boot.efi\n"
	"option 60 = HTTPClient\n";

static void assert_opt(const struct dhcpd_optset *set, uint8_t code, const void *val,
		       size_t len)
{
	const struct dhcpd_opt *o = dhcpd_optset_get(set, code);

	if (!o)
		fail_msg("option %u missing", code);
	assert_int_equal(o->code, code);
	assert_int_equal(o->len, len);
	assert_memory_equal(o->val, val, len);
}

static void test_full_file_checks_and_builds(void **state)
{
	const struct conf_dhcpd *d;

	(void)state;
	build(full_ini);
	d = cfg->d;
	assert_int_equal(d->mode, DHCPD_MODE_SERVER);
	assert_int_equal(d->interfaces.count, 1);
	assert_int_equal(cfg->lease_secs, 12 * 3600);
	assert_int_equal(cfg->max_lease_secs, 24 * 3600);
	assert_int_equal(d->offer_hold_ms, 60000);
	assert_int_equal(d->decline_hold_ms, 600000);
	assert_true(d->authoritative);
	assert_false(d->deny_unknown);
	assert_int_equal(cfg->nsubnets, 2);
	assert_int_equal(cfg->nhosts, 3);
	assert_int_equal(cfg->nclasses, 1);
	assert_int_equal(cfg->opts.count, 1);
	assert_opt(&cfg->opts, 42, "\x0a\x4d\x00\x01", 4);
}

static void test_subnet_options_in_wire_bytes(void **state)
{
	const struct dhcpd_subnet *s;
	static const uint8_t order[] = { 1, 28, 3, 6, 15, 42, 26, 252 };

	(void)state;
	build(full_ini);
	s = &cfg->subnets[0];
	assert_string_equal(s->name, "10.77.0.0/24");
	assert_int_equal(s->net, A(10, 77, 0, 0));
	assert_int_equal(s->mask, A(255, 255, 255, 0));
	assert_int_equal(s->lease_secs, 12 * 3600);
	assert_int_equal(s->next_server.s_addr, 0);
	assert_int_equal(s->opts.count, sizeof order);
	for (size_t i = 0; i < sizeof order; i++)
		assert_int_equal(s->opts.opts[i].code, order[i]);
	assert_opt(&s->opts, OPT_SUBNET_MASK, "\xff\xff\xff\x00", 4);
	assert_opt(&s->opts, OPT_BROADCAST, "\x0a\x4d\x00\xff", 4);
	assert_opt(&s->opts, OPT_ROUTER, "\x0a\x4d\x00\x01", 4);
	assert_opt(&s->opts, OPT_DNS_SERVERS, "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 8);
	assert_opt(&s->opts, OPT_DOMAIN_NAME, "lab.example", 11);
	assert_opt(&s->opts, 42, "\x0a\x4d\x00\x03", 4);
	assert_opt(&s->opts, 26, "\x05\x78", 2);
	assert_opt(&s->opts, 252, "http://wpad/wpad.dat", 20);
}

static void test_subnet_option_n_beats_its_key(void **state)
{
	const struct dhcpd_subnet *s;

	(void)state;
	build(full_ini);
	s = &cfg->subnets[1];
	assert_int_equal(s->mask, A(255, 255, 0, 0));
	assert_int_equal(s->lease_secs, 2 * 3600);
	assert_int_equal(ntohl(s->next_server.s_addr), A(10, 78, 0, 5));
	assert_opt(&s->opts, OPT_BROADCAST, "\x0a\x4e\xff\xff", 4);
	assert_opt(&s->opts, OPT_ROUTER, "\x0a\x4e\x00\xfe\x0a\x4e\x00\xfd", 8);
	/* One option 3, not router's and then option 3's. */
	assert_int_equal(s->opts.count, 3);
	assert_null(dhcpd_optset_get(&s->opts, OPT_DNS_SERVERS));
	assert_null(dhcpd_optset_get(&s->opts, 26));
}

static void test_ranges_become_pools(void **state)
{
	const struct dhcpd_subnet *s;

	(void)state;
	build(full_ini);
	s = &cfg->subnets[0];
	assert_int_equal(s->nranges, 2);
	assert_int_equal(s->ranges[0].first, A(10, 77, 0, 100));
	assert_int_equal(s->ranges[0].last, A(10, 77, 0, 200));
	assert_int_equal(pool_size(s->ranges[0].pool), 101);
	assert_int_equal(s->ranges[1].first, A(10, 77, 0, 20));
	assert_int_equal(pool_size(s->ranges[1].pool), 10);
}

static void test_hosts_built(void **state)
{
	static const uint8_t id1[] = { 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t id2[] = { 0xff, 0, 0, 0, 1, 0, 1, 0x2a, 0xbc, 0xde, 0xf0,
				       0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	const struct dhcpd_host *h;

	(void)state;
	build(full_ini);
	h = &cfg->hosts[0];
	assert_string_equal(h->name, "pc1");
	assert_true(h->has_mac);
	assert_memory_equal(h->mac, id1 + 1, 6);
	assert_int_equal(h->client_id_len, sizeof id1);
	assert_memory_equal(h->client_id, id1, sizeof id1);
	assert_int_equal(ntohl(h->addr.s_addr), A(10, 77, 0, 50));
	assert_ptr_equal(h->subnet, &cfg->subnets[0]);
	assert_string_equal(h->boot_file, "special.0");
	assert_opt(&h->opts, OPT_HOST_NAME, "pc1", 3);
	assert_opt(&h->opts, 209, "pxelinux.cfg/pc1", 16);
	assert_opt(&h->opts, OPT_DOMAIN_NAME, "host.lab", 8);

	h = &cfg->hosts[1];
	assert_false(h->has_mac);
	assert_int_equal(h->client_id_len, sizeof id2);
	assert_memory_equal(h->client_id, id2, sizeof id2);
	assert_ptr_equal(h->subnet, &cfg->subnets[1]);
	assert_null(h->boot_file);
	assert_int_equal(h->opts.count, 0);

	h = &cfg->hosts[2];
	assert_true(h->has_mac);
	assert_int_equal(h->client_id_len, 0);
	assert_int_equal(h->addr.s_addr, 0);
	assert_null(h->subnet);
}

static void test_class_built(void **state)
{
	const struct dhcpd_class *k;

	(void)state;
	build(full_ini);
	k = &cfg->classes[0];
	assert_string_equal(k->name, "uefi-http");
	assert_string_equal(k->vendor_class, "HTTPClient");
	assert_string_equal(k->user_class, "iPXE");
	assert_int_equal(k->narch, 2);
	assert_int_equal(k->arch[0], 16);
	assert_int_equal(k->arch[1], 19);
	assert_string_equal(k->boot_file, "http://10.77.0.1/boot.efi");
	assert_opt(&k->opts, OPT_VENDOR_CLASS, "HTTPClient", 10);
}

static void test_host_found_by_client_id_then_mac(void **state)
{
	static const uint8_t id1[] = { 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t id2[] = { 0xff, 0, 0, 0, 1, 0, 1, 0x2a, 0xbc, 0xde, 0xf0,
				       0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	static const uint8_t other_id[] = { 0xff, 1, 2, 3 };
	uint8_t chaddr[16] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	uint8_t mac9[16] = { 0x52, 0x54, 0, 0, 0, 9 };
	uint8_t nobody[16] = { 0x52, 0x54, 0, 0, 0, 0x77 };

	(void)state;
	build(full_ini);
	/* By option 61, whatever the chaddr. */
	assert_ptr_equal(dhcpd_config_host(cfg, id1, sizeof id1, nobody, 6), &cfg->hosts[0]);
	assert_ptr_equal(dhcpd_config_host(cfg, id2, sizeof id2, nobody, 6), &cfg->hosts[1]);
	/* By MAC when there is no option 61, or one that names no host. */
	assert_ptr_equal(dhcpd_config_host(cfg, NULL, 0, chaddr, 6), &cfg->hosts[0]);
	assert_ptr_equal(dhcpd_config_host(cfg, NULL, 0, mac9, 6), &cfg->hosts[2]);
	assert_ptr_equal(dhcpd_config_host(cfg, other_id, sizeof other_id, mac9, 6),
			 &cfg->hosts[2]);
	/* An id is compared whole: a prefix of pc1's is not pc1's. */
	assert_null(dhcpd_config_host(cfg, id1, sizeof id1 - 1, nobody, 6));
	/* Not Ethernet: no MAC match. */
	assert_null(dhcpd_config_host(cfg, NULL, 0, mac9, 8));
	assert_null(dhcpd_config_host(cfg, NULL, 0, nobody, 6));
}

static void test_host_by_addr(void **state)
{
	(void)state;
	build(full_ini);
	assert_ptr_equal(dhcpd_config_host_by_addr(cfg, A(10, 77, 0, 50)), &cfg->hosts[0]);
	assert_ptr_equal(dhcpd_config_host_by_addr(cfg, A(10, 78, 2, 7)), &cfg->hosts[1]);
	assert_null(dhcpd_config_host_by_addr(cfg, A(10, 77, 0, 51)));
	/* by-mac has no address: 0.0.0.0 is nobody's. */
	assert_null(dhcpd_config_host_by_addr(cfg, 0));
}

static void test_subnet_of_and_range_of(void **state)
{
	const struct dhcpd_subnet *s0, *s1;

	(void)state;
	build(full_ini);
	s0 = &cfg->subnets[0];
	s1 = &cfg->subnets[1];
	assert_ptr_equal(dhcpd_config_subnet_of(cfg, A(10, 77, 0, 0)), s0);
	assert_ptr_equal(dhcpd_config_subnet_of(cfg, A(10, 77, 0, 7)), s0);
	assert_ptr_equal(dhcpd_config_subnet_of(cfg, A(10, 77, 0, 255)), s0);
	assert_ptr_equal(dhcpd_config_subnet_of(cfg, A(10, 78, 200, 1)), s1);
	assert_null(dhcpd_config_subnet_of(cfg, A(10, 77, 1, 0)));
	assert_null(dhcpd_config_subnet_of(cfg, A(10, 79, 0, 1)));
	assert_null(dhcpd_config_subnet_of(cfg, 0));

	assert_ptr_equal(dhcpd_subnet_range_of(s0, A(10, 77, 0, 100)), &s0->ranges[0]);
	assert_ptr_equal(dhcpd_subnet_range_of(s0, A(10, 77, 0, 200)), &s0->ranges[0]);
	assert_ptr_equal(dhcpd_subnet_range_of(s0, A(10, 77, 0, 25)), &s0->ranges[1]);
	assert_null(dhcpd_subnet_range_of(s0, A(10, 77, 0, 99)));
	assert_null(dhcpd_subnet_range_of(s0, A(10, 77, 0, 201)));
	assert_null(dhcpd_subnet_range_of(s0, A(10, 77, 0, 30)));
	assert_null(dhcpd_subnet_range_of(s0, A(10, 78, 1, 1)));
	assert_ptr_equal(dhcpd_subnet_range_of(s1, A(10, 78, 1, 1)), &s1->ranges[0]);
}

/* A subnet with hosts only: no range, no pool, still a subnet. */
static void test_subnet_without_range(void **state)
{
	(void)state;
	build("[subnet 10.77.0.0/24]\nrouter = 10.77.0.1\n"
	      "[host pc1]\nmac = 52:54:00:12:34:56\naddress = 10.77.0.50\n");
	assert_int_equal(cfg->subnets[0].nranges, 0);
	assert_null(dhcpd_subnet_range_of(&cfg->subnets[0], A(10, 77, 0, 50)));
	assert_ptr_equal(cfg->hosts[0].subnet, &cfg->subnets[0]);
}

/* [dhcpd] takes every default: the built config is usable as it is. */
static void test_empty_file_builds(void **state)
{
	(void)state;
	build("");
	assert_int_equal(cfg->nsubnets, 0);
	assert_int_equal(cfg->lease_secs, 12 * 3600);
	assert_int_equal(cfg->max_lease_secs, 24 * 3600);
	assert_string_equal(cfg->d->boot_file, "pxelinux.0");
	assert_string_equal(cfg->d->boot_file_efi64, "syslinux.efi");
	assert_true(cfg->d->authoritative);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_subnet_range_odd_count),
		T(test_subnet_range_reversed),
		T(test_subnet_range_outside),
		T(test_subnet_range_holds_network_address),
		T(test_subnet_range_holds_broadcast_address),
		T(test_subnet_ranges_overlap),
		T(test_subnet_ranges_touching_are_fine),
		T(test_subnets_overlap),
		T(test_subnet_31_and_32_refused),
		T(test_subnet_name_not_a_network),
		T(test_subnet_duplicate_option),
		T(test_subnet_lease_time_over_max),
		T(test_host_without_mac_or_client_id),
		T(test_host_client_id_not_hex),
		T(test_host_address_in_no_subnet),
		T(test_host_address_network_or_broadcast),
		T(test_host_in_a_slash_0_subnet),
		T(test_two_hosts_same_mac),
		T(test_two_hosts_same_client_id),
		T(test_two_hosts_same_client_id_written_differently),
		T(test_two_hosts_same_address),
		T(test_host_boot_file_of_128_bytes),
		T(test_host_duplicate_option),
		T(test_class_without_criterion),
		T(test_class_boot_file_of_128_bytes),
		T(test_class_arch_out_of_range),
		T(test_class_duplicate_option),
		T(test_dhcpd_boot_file_of_128_bytes),
		T(test_dhcpd_lease_time_over_max),
		T(test_dhcpd_lease_file_in_progress_dir),
		T(test_dhcpd_default_lease_time_over_max),
		T(test_dhcpd_duplicate_option_by_number_and_name),
		T(test_dhcpd_duplicate_option_by_number_twice),
		T(test_dhcpd_duplicate_option_as_042),
		T(test_dhcpd_bad_option_value),
		T(test_dhcpd_bad_option_code),
		T(test_server_owned_options_refused),
		T(test_subnet_bad_option_value),
		T(test_option_26_is_checked_as_mtu),
		T(test_t1_t2_not_below_the_lease_are_refused),
		T(test_t1_or_t2_alone_must_order_with_the_default_other),
		T(test_t2_not_above_t1_is_refused),
		T(test_t1_t2_below_the_lease_are_sent_as_written),
		T(test_mask_or_broadcast_contradicting_the_subnet_are_refused),
		T(test_options_with_named_keys_take_their_values),
		T(test_bare_option_is_an_error),
		T(test_option_flag_overrides_and_is_checked),
		T(test_full_file_checks_and_builds),
		T(test_subnet_options_in_wire_bytes),
		T(test_subnet_option_n_beats_its_key),
		T(test_ranges_become_pools),
		T(test_hosts_built),
		T(test_class_built),
		T(test_host_found_by_client_id_then_mac),
		T(test_host_by_addr),
		T(test_subnet_of_and_range_of),
		T(test_subnet_without_range),
		T(test_empty_file_builds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
