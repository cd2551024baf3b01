/* Unit tests of dhcpd/pxe.c: client classification, [class] matching, the
 * boot file and next server precedence, and what goes into the reply; each
 * config is INI text as an admin writes it, through the real loader. */
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
#include "captures.h"
#include "pxe.h"
#include "suite_conf.h"

/* ---------------------------------------------------------------- configs */

/* A key for every architecture, so each test sees which one was picked. */
#define DHCPD_ALL_ARCHS \
	"[dhcpd]\n" \
	"boot_file = pxelinux.0\n" \
	"boot_file_efi32 = efi32/syslinux.efi\n" \
	"boot_file_efi64 = efi64/syslinux.efi\n" \
	"boot_file_arm64 = grubaa64.efi\n" \
	"boot_file_http = http://10.77.0.1/boot/shimx64.efi\n"

#define SUBNET \
	"[subnet 10.77.0.0/24]\n" \
	"range = 10.77.0.100 10.77.0.200\n"

/* The MAC of every hand-made request (and of the EFI captures). */
#define PC1_MAC "52:54:00:e2:e0:04"
#define SERVER_IP "10.77.0.1"

static struct conf conf;
static bool conf_loaded;
static struct dhcpd_config *cfg;

static void unload(void)
{
	dhcpd_config_free(cfg);
	cfg = NULL;
	if (conf_loaded)
		conf_free(&conf);
	conf_loaded = false;
}

/* INI text through conf_load_string, conf_check and dhcpd_config_build, as
 * pxe-dhcpd loads its file; replaces any config loaded before. */
static void load(const char *ini)
{
	struct conf_error err;
	char msg[512];

	unload();
	memset(&err, 0, sizeof err);
	assert_int_equal(conf_init(&conf, suite_schema, &err), 0);
	conf_loaded = true;
	if (conf_load_string(&conf, "pxe.ini", ini, &err) != 0 || conf_check(&conf, &err) != 0)
		fail_msg("%s", err.msg);
	if (dhcpd_config_build(&conf, &cfg, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
}

static int teardown(void **state)
{
	(void)state;
	unload();
	return 0;
}

/* ---------------------------------------------------------------- requests */

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void req_init(struct dhcp_msg *m)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xe2, 0xe0, 0x04 };

	dhcp_msg_init(m);
	m->op = BOOTREQUEST;
	m->htype = 1;
	m->hlen = 6;
	m->xid = 0x01020304;
	memcpy(m->chaddr, mac, sizeof mac);
	assert_int_equal(dhcp_msg_set_u8(m, OPT_MSG_TYPE, DHCPDISCOVER), 0);
}

static void req_set(struct dhcp_msg *m, uint8_t code, const void *val, size_t len)
{
	assert_int_equal(dhcp_msg_set(m, code, val, len), 0);
}

static void req_str(struct dhcp_msg *m, uint8_t code, const char *s)
{
	req_set(m, code, s, strlen(s));
}

static void req_arch(struct dhcp_msg *m, uint16_t arch)
{
	assert_int_equal(dhcp_msg_set_u16(m, OPT_CLIENT_ARCH, arch), 0);
}

/* Option 55 as iPXE sends it, with 66 and 67. */
static void req_asks_boot(struct dhcp_msg *m)
{
	static const uint8_t prl[] = { 1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 175 };

	req_set(m, OPT_PARAM_REQUEST, prl, sizeof prl);
}

/* A PXE ROM of architecture arch: 60 "PXEClient:Arch:...", 93, 55. */
static void pxe_req(struct dhcp_msg *m, uint16_t arch)
{
	char vendor[64];

	req_init(m);
	snprintf(vendor, sizeof vendor, "PXEClient:Arch:%05u:UNDI:003010", (unsigned)arch);
	req_str(m, OPT_VENDOR_CLASS, vendor);
	req_arch(m, arch);
	req_asks_boot(m);
}

/* iPXE on architecture arch: a PXE request with user class "iPXE" (bare, as
 * iPXE sends it) and option 175. */
static void ipxe_req(struct dhcp_msg *m, uint16_t arch)
{
	static const uint8_t etherboot[] = { 0xeb, 3, 1, 0, 0 };	/* 235: version */

	pxe_req(m, arch);
	req_str(m, OPT_USER_CLASS, "iPXE");
	req_set(m, OPT_ETHERBOOT, etherboot, sizeof etherboot);
}

static void decode_hex(const char *hex, struct dhcp_msg *m)
{
	size_t n;
	uint8_t *p = capture_bytes(hex, &n);

	assert_int_equal(dhcp_msg_decode(p, n, m), 0);
	free(p);
}

/* What pxe-dhcpd will do: the host by chaddr, the subnet of its pool. */
static void decide(const struct dhcp_msg *req, struct pxe_boot *b)
{
	const struct dhcpd_host *h = dhcpd_config_host(cfg, NULL, 0, req->chaddr, req->hlen);
	const struct dhcpd_subnet *s = dhcpd_config_subnet_of(cfg, 0x0a4d0064);	/* 10.77.0.100 */

	pxe_boot_choose(cfg, req, s, h, ip(SERVER_IP), b);
}

static const char *file_for(const struct dhcp_msg *req)
{
	static struct pxe_boot b;

	decide(req, &b);
	return b.file;
}

static const char *next_server_for(const struct dhcp_msg *req)
{
	static char buf[INET_ADDRSTRLEN];
	struct pxe_boot b;

	decide(req, &b);
	assert_non_null(inet_ntop(AF_INET, &b.next_server, buf, sizeof buf));
	return buf;
}

static const char *class_for(const struct dhcp_msg *req)
{
	const struct dhcpd_class *k =
		pxe_class_find(cfg, req, dhcpd_config_subnet_of(cfg, 0x0a4d0064));

	return k ? k->name : NULL;
}

/* The reply pxe-dhcpd builds: boot data, then the option sets. */
static void reply_for(const struct dhcp_msg *req, bool proxy, struct dhcp_msg *reply)
{
	struct pxe_boot b;

	decide(req, &b);
	dhcp_msg_init_reply(reply, req, DHCPOFFER);
	assert_int_equal(pxe_reply_boot(reply, req, &b, proxy), 0);
	assert_int_equal(pxe_reply_options(reply, cfg, &b), 0);
}

static void assert_opt_bytes(const struct dhcp_msg *m, uint8_t code, const void *want,
			     size_t wantlen)
{
	size_t len;
	const uint8_t *v = dhcp_msg_get(m, code, &len);

	if (!v)
		fail_msg("option %u absent", code);
	assert_int_equal(len, wantlen);
	assert_memory_equal(v, want, wantlen);
}

static void assert_opt_str(const struct dhcp_msg *m, uint8_t code, const char *want)
{
	assert_opt_bytes(m, code, want, strlen(want));
}

/* ---------------------------------------------------------------- classify */

static void test_pxeclient_vendor_class_is_pxe(void **state)
{
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	pxe_req(&m, 0);
	pxe_classify(&m, &c);
	assert_true(c.pxe);
	assert_false(c.http);
	assert_false(c.ipxe);
	assert_false(c.etherboot);
	assert_true(c.has_arch);
	assert_int_equal(c.arch, 0);
}

static void test_httpclient_vendor_class_is_http(void **state)
{
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003001");
	req_arch(&m, 16);
	pxe_classify(&m, &c);
	assert_true(c.http);
	assert_false(c.pxe);
	assert_int_equal(c.arch, 16);
}

static void test_vendor_class_must_start_with_the_name(void **state)
{
	static const char *const not_pxe[] = { "PXEClien", "pxeclient", "XPXEClient", "MSFT 5.0" };
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	for (size_t i = 0; i < sizeof not_pxe / sizeof not_pxe[0]; i++) {
		req_init(&m);
		req_str(&m, OPT_VENDOR_CLASS, not_pxe[i]);
		pxe_classify(&m, &c);
		assert_false(c.pxe);
		assert_false(c.http);
	}
	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "PXEClient");	/* the bare name is a prefix too */
	pxe_classify(&m, &c);
	assert_true(c.pxe);
}

static void test_ipxe_user_class_bare(void **state)
{
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	req_init(&m);
	req_str(&m, OPT_USER_CLASS, "iPXE");
	pxe_classify(&m, &c);
	assert_true(c.ipxe);
}

static void test_ipxe_user_class_as_rfc3004_items(void **state)
{
	static const uint8_t one[] = { 4, 'i', 'P', 'X', 'E' };
	static const uint8_t two[] = { 3, 'l', 'a', 'b', 4, 'i', 'P', 'X', 'E' };
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	req_init(&m);
	req_set(&m, OPT_USER_CLASS, one, sizeof one);
	pxe_classify(&m, &c);
	assert_true(c.ipxe);
	req_init(&m);
	req_set(&m, OPT_USER_CLASS, two, sizeof two);
	pxe_classify(&m, &c);
	assert_true(c.ipxe);
}

static void test_user_class_other_or_malformed_is_not_ipxe(void **state)
{
	static const uint8_t cut[] = { 4, 'i', 'P', 'X', 'E', 9, 'x' };	/* 2nd item runs out */
	static const uint8_t longer[] = { 5, 'i', 'P', 'X', 'E', '2' };
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	req_init(&m);
	req_set(&m, OPT_USER_CLASS, cut, sizeof cut);
	pxe_classify(&m, &c);
	assert_false(c.ipxe);
	req_init(&m);
	req_set(&m, OPT_USER_CLASS, longer, sizeof longer);
	pxe_classify(&m, &c);
	assert_false(c.ipxe);
	req_init(&m);
	req_str(&m, OPT_USER_CLASS, "iPXE2");
	pxe_classify(&m, &c);
	assert_false(c.ipxe);
	req_init(&m);
	req_str(&m, OPT_USER_CLASS, "ipxe");
	pxe_classify(&m, &c);
	assert_false(c.ipxe);
}

static void test_arch_is_the_first_value_of_option_93(void **state)
{
	static const uint8_t archs[] = { 0, 7, 0, 0 };	/* RFC 4578 §2.1: a list */
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	req_init(&m);
	req_set(&m, OPT_CLIENT_ARCH, archs, sizeof archs);
	pxe_classify(&m, &c);
	assert_true(c.has_arch);
	assert_int_equal(c.arch, 7);
}

static void test_absent_arch_is_bios_but_remembered(void **state)
{
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	decode_hex(syslinux_efi_discover_hex, &m);
	pxe_classify(&m, &c);
	assert_false(c.has_arch);
	assert_int_equal(c.arch, PXE_ARCH_X86_BIOS);
	assert_false(c.pxe);
	assert_false(c.http);
	assert_false(c.ipxe);
	assert_false(c.etherboot);
}

static void test_ipxe_captures_classify(void **state)
{
	struct dhcp_msg m;
	struct pxe_client c;

	(void)state;
	decode_hex(ipxe_bios_discover_hex, &m);
	pxe_classify(&m, &c);
	assert_true(c.pxe);
	assert_true(c.ipxe);
	assert_true(c.etherboot);
	assert_true(c.has_arch);
	assert_int_equal(c.arch, 0);

	decode_hex(ipxe_efi_discover_hex, &m);
	pxe_classify(&m, &c);
	assert_true(c.pxe);
	assert_true(c.ipxe);
	assert_true(c.etherboot);
	assert_int_equal(c.arch, 7);
}

/* ---------------------------------------------------------------- classes */

static void test_class_matches_by_vendor_class_prefix(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[class pxe]\nvendor_class = PXEClient:Arch:00007\n");
	pxe_req(&m, 7);
	assert_string_equal(class_for(&m), "pxe");
	pxe_req(&m, 0);
	assert_null(class_for(&m));
	req_init(&m);
	assert_null(class_for(&m));
}

static void test_class_matches_by_user_class_either_form(void **state)
{
	static const uint8_t items[] = { 4, 'i', 'P', 'X', 'E', 3, 'l', 'a', 'b' };
	struct dhcp_msg m;

	(void)state;
	load("[class lab]\nuser_class = lab\n");
	req_init(&m);
	req_str(&m, OPT_USER_CLASS, "lab");
	assert_string_equal(class_for(&m), "lab");
	req_init(&m);
	req_set(&m, OPT_USER_CLASS, items, sizeof items);
	assert_string_equal(class_for(&m), "lab");
	req_init(&m);
	req_str(&m, OPT_USER_CLASS, "labs");	/* whole value, not a prefix */
	assert_null(class_for(&m));
	req_init(&m);
	assert_null(class_for(&m));
}

static void test_class_matches_by_arch_list(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[class efi]\narch = 7, 9\n");
	req_init(&m);
	req_arch(&m, 7);
	assert_string_equal(class_for(&m), "efi");
	req_init(&m);
	req_arch(&m, 9);
	assert_string_equal(class_for(&m), "efi");
	req_init(&m);
	req_arch(&m, 0);
	assert_null(class_for(&m));
}

/* A relay's network gets its own boot files through a class. */
static void test_class_matches_by_subnet(void **state)
{
	struct dhcp_msg m;
	const struct dhcpd_subnet *near, *far;

	(void)state;
	load("[subnet 10.77.0.0/24]\n[subnet 10.88.1.0/24]\n"
	     "[class remote]\nsubnet = 10.88.0.0/16\nboot_file = remote.0\n");
	near = dhcpd_config_subnet_of(cfg, 0x0a4d0064);
	far = dhcpd_config_subnet_of(cfg, 0x0a580164);
	req_init(&m);
	assert_non_null(far);
	assert_string_equal(pxe_class_find(cfg, &m, far)->name, "remote");
	assert_null(pxe_class_find(cfg, &m, near));
	assert_null(pxe_class_find(cfg, &m, NULL));
}

/* PXE ROMs always send option 93; an OS's DHCP client does not, and must
 * not fall into a class meant for BIOS firmware. */
static void test_class_arch_needs_option_93(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[class bios]\narch = 0\n");
	decode_hex(syslinux_efi_discover_hex, &m);
	assert_null(class_for(&m));
	req_init(&m);
	req_arch(&m, 0);
	assert_string_equal(class_for(&m), "bios");
}

static void test_class_needs_every_criterion(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[class ipxe-efi]\n"
	     "vendor_class = PXEClient\n"
	     "user_class = iPXE\n"
	     "arch = 7\n");
	ipxe_req(&m, 7);
	assert_string_equal(class_for(&m), "ipxe-efi");
	ipxe_req(&m, 0);		/* arch differs */
	assert_null(class_for(&m));
	pxe_req(&m, 7);			/* no user class */
	assert_null(class_for(&m));
	req_init(&m);			/* no vendor class */
	req_str(&m, OPT_USER_CLASS, "iPXE");
	req_arch(&m, 7);
	assert_null(class_for(&m));
}

static void test_first_matching_class_in_file_order_wins(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[class narrow]\nvendor_class = HTTPClient\n"
	     "[class efi]\narch = 7, 9\n"
	     "[class ipxe]\nuser_class = iPXE\n");
	ipxe_req(&m, 7);		/* matches efi and ipxe */
	assert_string_equal(class_for(&m), "efi");
	ipxe_req(&m, 0);
	assert_string_equal(class_for(&m), "ipxe");
}

/* ---------------------------------------------------------------- boot file */

static void test_boot_file_by_arch(void **state)
{
	static const struct {
		uint16_t arch;
		const char *file;
	} want[] = {
		{ 0, "pxelinux.0" },
		{ 6, "efi32/syslinux.efi" },
		{ 7, "efi64/syslinux.efi" },
		{ 9, "efi64/syslinux.efi" },
		{ 11, "grubaa64.efi" },
		{ 16, "http://10.77.0.1/boot/shimx64.efi" },
		{ 19, "http://10.77.0.1/boot/shimx64.efi" },
	};
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		pxe_req(&m, want[i].arch);
		assert_string_equal(file_for(&m), want[i].file);
	}
}

static void test_httpclient_gets_http_file_whatever_its_arch(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "HTTPClient:Arch:00015:UNDI:003001");
	req_arch(&m, 15);		/* x86 UEFI HTTP: no key of its own */
	assert_string_equal(file_for(&m), "http://10.77.0.1/boot/shimx64.efi");
}

static void test_arch_without_a_key_gets_no_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	pxe_req(&m, 10);		/* ARM 32-bit UEFI */
	assert_null(file_for(&m));
	pxe_req(&m, 2);			/* EFI Itanium */
	assert_null(file_for(&m));
}

static void test_absent_arch_gets_the_bios_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	decode_hex(syslinux_efi_discover_hex, &m);
	assert_string_equal(file_for(&m), "pxelinux.0");
}

static void test_efi_client_with_empty_efi64_key_gets_no_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load("[dhcpd]\nboot_file = pxelinux.0\nboot_file_efi64 =\n" SUBNET);
	pxe_req(&m, 7);
	assert_null(file_for(&m));
	pxe_req(&m, 9);
	assert_null(file_for(&m));
	pxe_req(&m, 0);
	assert_string_equal(file_for(&m), "pxelinux.0");
}

static void test_unset_keys_give_no_file_and_defaults_hold(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(SUBNET);			/* the built-in defaults only */
	pxe_req(&m, 0);
	assert_string_equal(file_for(&m), "pxelinux.0");
	pxe_req(&m, 7);
	assert_string_equal(file_for(&m), "syslinux.efi");
	pxe_req(&m, 6);
	assert_null(file_for(&m));
	pxe_req(&m, 11);
	assert_null(file_for(&m));
	pxe_req(&m, 16);
	assert_null(file_for(&m));
	ipxe_req(&m, 0);		/* no ipxe_script: the arch's file */
	assert_string_equal(file_for(&m), "pxelinux.0");
}

static void test_class_file_beats_arch_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET "[class efi]\narch = 7\nboot_file = class.efi\n");
	pxe_req(&m, 7);
	assert_string_equal(file_for(&m), "class.efi");
	pxe_req(&m, 0);			/* not in the class */
	assert_string_equal(file_for(&m), "pxelinux.0");
}

static void test_subnet_has_no_boot_file(void **state)
{
	struct conf_error err;
	struct conf c;

	(void)state;
	assert_int_equal(conf_init(&c, suite_schema, &err), 0);
	assert_int_not_equal(conf_load_string(&c, "t.ini", SUBNET "boot_file = subnet.0\n", &err), 0);
	assert_non_null(strstr(err.msg, "boot_file: unknown key"));
	conf_free(&c);
}

static void test_host_file_beats_class_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET
	     "[class efi]\narch = 7\nboot_file = class.efi\n"
	     "[host pc1]\nmac = " PC1_MAC "\nboot_file = special.0\n");
	pxe_req(&m, 7);
	assert_string_equal(file_for(&m), "special.0");
	m.chaddr[5] = 0x99;		/* another machine */
	assert_string_equal(file_for(&m), "class.efi");
}

static void test_ipxe_script_beats_host_file(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS "ipxe_script = http://10.77.0.1/boot.ipxe\n" SUBNET
	     "[class efi]\narch = 7\nboot_file = class.efi\n"
	     "[host pc1]\nmac = " PC1_MAC "\nboot_file = special.0\n");
	ipxe_req(&m, 7);
	assert_string_equal(file_for(&m), "http://10.77.0.1/boot.ipxe");
	decode_hex(ipxe_efi_discover_hex, &m);	/* the real one, same MAC */
	assert_string_equal(file_for(&m), "http://10.77.0.1/boot.ipxe");
	pxe_req(&m, 7);			/* the firmware before it: the host's file */
	assert_string_equal(file_for(&m), "special.0");
}

static void test_ipxe_without_script_follows_the_other_rules(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS "ipxe_script =\n" SUBNET
	     "[host pc1]\nmac = " PC1_MAC "\nboot_file = special.0\n");
	ipxe_req(&m, 7);
	assert_string_equal(file_for(&m), "special.0");
	m.chaddr[5] = 0x99;
	assert_string_equal(file_for(&m), "efi64/syslinux.efi");
}

static void test_ipxe_script_only_for_ipxe(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(DHCPD_ALL_ARCHS "ipxe_script = boot.ipxe\n" SUBNET);
	pxe_req(&m, 0);
	assert_string_equal(file_for(&m), "pxelinux.0");
	req_init(&m);			/* user class "iPXE" as an RFC 3004 item */
	req_set(&m, OPT_USER_CLASS, (const uint8_t[]){ 4, 'i', 'P', 'X', 'E' }, 5);
	assert_string_equal(file_for(&m), "boot.ipxe");
}

/* ---------------------------------------------------------------- next server */

#define ALL_NEXT_SERVERS \
	"[dhcpd]\nnext_server = 10.77.0.2\n" \
	SUBNET "next_server = 10.77.0.3\n" \
	"[class pxe]\nvendor_class = PXEClient\nnext_server = 10.77.0.4\n" \
	"[host pc1]\nmac = " PC1_MAC "\nnext_server = 10.77.0.5\n"

static void test_next_server_precedence(void **state)
{
	struct dhcp_msg m;

	(void)state;
	load(ALL_NEXT_SERVERS);
	pxe_req(&m, 0);
	assert_string_equal(next_server_for(&m), "10.77.0.5");	/* host */
	m.chaddr[5] = 0x99;
	assert_string_equal(next_server_for(&m), "10.77.0.4");	/* class */
	req_init(&m);
	m.chaddr[5] = 0x99;
	assert_string_equal(next_server_for(&m), "10.77.0.3");	/* subnet */

	load("[dhcpd]\nnext_server = 10.77.0.2\n" SUBNET);
	req_init(&m);
	assert_string_equal(next_server_for(&m), "10.77.0.2");	/* [dhcpd] */

	load(SUBNET);
	req_init(&m);
	assert_string_equal(next_server_for(&m), SERVER_IP);	/* the server */
}

static void test_next_server_without_subnet_or_host(void **state)
{
	struct dhcp_msg m;
	struct pxe_boot b;

	(void)state;
	load("[dhcpd]\nnext_server = 10.77.0.2\n");
	pxe_req(&m, 0);
	pxe_boot_choose(cfg, &m, NULL, NULL, ip(SERVER_IP), &b);
	assert_int_equal(b.next_server.s_addr, ip("10.77.0.2").s_addr);
	assert_string_equal(b.file, "pxelinux.0");
	assert_null(b.subnet);
	assert_null(b.host);
}

/* ---------------------------------------------------------------- the reply */

static void test_reply_carries_siaddr_and_file(void **state)
{
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET "next_server = 10.77.0.3\n");
	pxe_req(&m, 7);
	reply_for(&m, false, &r);
	assert_int_equal(r.siaddr.s_addr, ip("10.77.0.3").s_addr);
	assert_string_equal(r.file, "efi64/syslinux.efi");
	req_init(&m);			/* any client with a boot file */
	reply_for(&m, false, &r);
	assert_int_equal(r.siaddr.s_addr, ip("10.77.0.3").s_addr);
	assert_string_equal(r.file, "pxelinux.0");
}

static void test_reply_without_boot_file_has_no_boot_data(void **state)
{
	struct dhcp_msg m, r;

	(void)state;
	load("[dhcpd]\nboot_file_efi64 =\n" SUBNET);
	ipxe_req(&m, 7);
	reply_for(&m, false, &r);
	assert_int_equal(r.siaddr.s_addr, 0);
	assert_string_equal(r.file, "");
	assert_false(dhcp_msg_has(&r, OPT_TFTP_SERVER));
	assert_false(dhcp_msg_has(&r, OPT_BOOTFILE));
	assert_false(dhcp_msg_has(&r, OPT_VENDOR_CLASS));
	assert_false(dhcp_msg_has(&r, OPT_ETHERBOOT));
	reply_for(&m, true, &r);
	assert_false(dhcp_msg_has(&r, OPT_VENDOR_OPTS));
}

static void test_reply_66_67_only_when_requested(void **state)
{
	static const uint8_t asks_66[] = { 1, 3, 66 };
	static const uint8_t asks_67[] = { 1, 3, 67 };
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	pxe_req(&m, 0);
	reply_for(&m, false, &r);
	assert_opt_str(&r, OPT_TFTP_SERVER, SERVER_IP);	/* dotted quad, as text */
	assert_opt_str(&r, OPT_BOOTFILE, "pxelinux.0");

	req_set(&m, OPT_PARAM_REQUEST, asks_66, sizeof asks_66);
	reply_for(&m, false, &r);
	assert_opt_str(&r, OPT_TFTP_SERVER, SERVER_IP);
	assert_false(dhcp_msg_has(&r, OPT_BOOTFILE));

	req_set(&m, OPT_PARAM_REQUEST, asks_67, sizeof asks_67);
	reply_for(&m, false, &r);
	assert_false(dhcp_msg_has(&r, OPT_TFTP_SERVER));
	assert_opt_str(&r, OPT_BOOTFILE, "pxelinux.0");

	dhcp_msg_del(&m, OPT_PARAM_REQUEST);
	reply_for(&m, false, &r);
	assert_false(dhcp_msg_has(&r, OPT_TFTP_SERVER));
	assert_false(dhcp_msg_has(&r, OPT_BOOTFILE));
	assert_string_equal(r.file, "pxelinux.0");	/* the field all the same */
}

static void test_reply_echoes_the_vendor_class(void **state)
{
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	pxe_req(&m, 0);
	reply_for(&m, false, &r);
	assert_opt_str(&r, OPT_VENDOR_CLASS, "PXEClient");

	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003001");
	req_arch(&m, 16);
	reply_for(&m, false, &r);
	assert_opt_str(&r, OPT_VENDOR_CLASS, "HTTPClient");
	assert_string_equal(r.file, "http://10.77.0.1/boot/shimx64.efi");

	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "MSFT 5.0");
	reply_for(&m, false, &r);
	assert_false(dhcp_msg_has(&r, OPT_VENDOR_CLASS));
}

static void test_reply_tells_ipxe_no_proxydhcp_in_server_mode_only(void **state)
{
	static const uint8_t no_pxedhcp[] = { 176, 1, 1 };
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET);
	ipxe_req(&m, 0);
	reply_for(&m, false, &r);
	assert_opt_bytes(&r, OPT_ETHERBOOT, no_pxedhcp, sizeof no_pxedhcp);
	reply_for(&m, true, &r);
	assert_false(dhcp_msg_has(&r, OPT_ETHERBOOT));
	pxe_req(&m, 0);			/* no option 175 sent */
	reply_for(&m, false, &r);
	assert_false(dhcp_msg_has(&r, OPT_ETHERBOOT));
}

static void test_reply_proxy_mode_adds_discovery_control(void **state)
{
	static const uint8_t want[] = { PXE_DISCOVERY_CONTROL, 1, 0x08, 255 };
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS "mode = proxy\n" SUBNET);
	pxe_req(&m, 0);
	reply_for(&m, cfg->d->mode == DHCPD_MODE_PROXY, &r);
	assert_opt_bytes(&r, OPT_VENDOR_OPTS, want, sizeof want);
	assert_int_equal(r.yiaddr.s_addr, 0);
	assert_opt_str(&r, OPT_VENDOR_CLASS, "PXEClient");
	assert_string_equal(r.file, "pxelinux.0");

	reply_for(&m, false, &r);	/* server mode: none */
	assert_false(dhcp_msg_has(&r, OPT_VENDOR_OPTS));
	req_init(&m);			/* not a PXE client: none */
	reply_for(&m, true, &r);
	assert_false(dhcp_msg_has(&r, OPT_VENDOR_OPTS));
}

#define OPTION_252_EVERYWHERE \
	"[dhcpd]\noption 252 = \"global\"\noption 42 = 10.77.0.9\n" \
	SUBNET "option 252 = \"subnet\"\n" \
	"[class pxe]\nvendor_class = PXEClient\noption 252 = \"class\"\n" \
	"[host pc1]\nmac = " PC1_MAC "\noption 252 = \"host\"\n"

static void test_option_sets_host_beats_class_beats_subnet_beats_global(void **state)
{
	static const uint8_t ntp[] = { 10, 77, 0, 9 };
	struct dhcp_msg m, r;

	(void)state;
	load(OPTION_252_EVERYWHERE);
	pxe_req(&m, 0);
	reply_for(&m, false, &r);
	assert_opt_str(&r, 252, "host");
	assert_opt_bytes(&r, 42, ntp, sizeof ntp);	/* set only globally: kept */
	assert_opt_bytes(&r, OPT_SUBNET_MASK, (const uint8_t[]){ 255, 255, 255, 0 }, 4);

	m.chaddr[5] = 0x99;		/* not the host */
	reply_for(&m, false, &r);
	assert_opt_str(&r, 252, "class");
	req_init(&m);			/* not the class either */
	m.chaddr[5] = 0x99;
	reply_for(&m, false, &r);
	assert_opt_str(&r, 252, "subnet");

	load("[dhcpd]\noption 252 = \"global\"\n" SUBNET);
	req_init(&m);
	reply_for(&m, false, &r);
	assert_opt_str(&r, 252, "global");
}

/* The spec's own example: a class may replace what pxe_reply_boot() set. */
static void test_option_sets_replace_the_boot_options(void **state)
{
	struct dhcp_msg m, r;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET
	     "[class uefi-http]\narch = 16\nboot_file = http://10.77.0.1/boot.efi\n"
	     "option 60 = HTTPClient\noption 67 = \"from-option.efi\"\n");
	pxe_req(&m, 16);		/* a PXEClient on an HTTP arch */
	reply_for(&m, false, &r);
	assert_opt_str(&r, OPT_VENDOR_CLASS, "HTTPClient");
	assert_opt_str(&r, OPT_BOOTFILE, "from-option.efi");
	assert_string_equal(r.file, "http://10.77.0.1/boot.efi");
}

static void test_reply_errors_reach_the_caller(void **state)
{
	static uint8_t big[DHCP_OPT_DATA_MAX - 4];
	struct dhcp_msg m, r;
	struct pxe_boot b;

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET "option 252 = \"a value that does not fit\"\n");
	pxe_req(&m, 0);
	decide(&m, &b);
	dhcp_msg_init_reply(&r, &m, DHCPOFFER);
	assert_int_equal(dhcp_msg_set(&r, 224, big, sizeof big), 0);
	assert_int_equal(pxe_reply_boot(&r, &m, &b, false), -ENOSPC);
	assert_int_equal(pxe_reply_options(&r, cfg, &b), -ENOSPC);
}

static void test_long_boot_file_names(void **state)
{
	char name[DHCP_FILE_LEN + 2], ini[512];
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_encode_result res;
	struct dhcp_msg m, r, back;
	struct pxe_boot b;

	(void)state;
	/* 127 bytes: the most the file field holds with its NUL. */
	memset(name, 'f', DHCP_FILE_LEN - 1);
	name[DHCP_FILE_LEN - 1] = '\0';
	snprintf(ini, sizeof ini, "[dhcpd]\nboot_file = %s\n" SUBNET, name);
	load(ini);
	pxe_req(&m, 0);
	reply_for(&m, false, &r);
	assert_string_equal(r.file, name);
	assert_opt_str(&r, OPT_BOOTFILE, name);
	assert_int_equal(dhcp_msg_encode(&r, &m, pkt, sizeof pkt, &res), 0);
	assert_int_equal(dhcp_msg_decode(pkt, res.len, &back), 0);
	assert_string_equal(back.file, name);
	assert_opt_str(&back, OPT_BOOTFILE, name);

	/* 128 bytes, past what the config allows: refused, not cut. */
	decide(&m, &b);
	memset(name, 'g', DHCP_FILE_LEN);
	name[DHCP_FILE_LEN] = '\0';
	b.file = name;
	dhcp_msg_init_reply(&r, &m, DHCPOFFER);
	assert_int_equal(pxe_reply_boot(&r, &m, &b, false), -ENAMETOOLONG);
	assert_string_equal(r.file, "");
}

/* The EFI iPXE capture end to end: what it reads to skip ProxyDHCP. */
static void test_ipxe_efi_capture_reply_round_trip(void **state)
{
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_encode_result res;
	struct dhcp_msg m, r, back;
	const uint8_t *v, *sub;
	size_t len, sublen;

	(void)state;
	load(DHCPD_ALL_ARCHS "ipxe_script = http://10.77.0.1/boot.ipxe\n" SUBNET);
	decode_hex(ipxe_efi_discover_hex, &m);
	reply_for(&m, false, &r);
	assert_int_equal(dhcp_msg_encode(&r, &m, pkt, sizeof pkt, &res), 0);
	assert_int_equal(dhcp_msg_decode(pkt, res.len, &back), 0);
	assert_int_equal(back.siaddr.s_addr, ip(SERVER_IP).s_addr);
	assert_string_equal(back.file, "http://10.77.0.1/boot.ipxe");
	assert_opt_str(&back, OPT_BOOTFILE, "http://10.77.0.1/boot.ipxe");
	assert_opt_str(&back, OPT_TFTP_SERVER, SERVER_IP);
	assert_opt_str(&back, OPT_VENDOR_CLASS, "PXEClient");
	v = dhcp_msg_get(&back, OPT_ETHERBOOT, &len);
	assert_non_null(v);
	sub = dhcp_subopt_find(v, len, PXE_IPXE_NO_PXEDHCP, &sublen);
	assert_non_null(sub);
	assert_int_equal(sublen, 1);
	assert_int_equal(sub[0], 1);
}

/* ---------------------------------------------------------------- the log */

static void test_format_names_boot_next_arch_class_and_flags(void **state)
{
	struct dhcp_msg m;
	struct pxe_boot b;
	char buf[128];

	(void)state;
	load(DHCPD_ALL_ARCHS SUBNET "[class uefi]\narch = 7\n");
	ipxe_req(&m, 7);
	decide(&m, &b);
	assert_string_equal(pxe_boot_format(&b, buf, sizeof buf),
			    "boot=efi64/syslinux.efi next=10.77.0.1 arch=7 class=uefi ipxe");

	req_init(&m);
	req_str(&m, OPT_VENDOR_CLASS, "HTTPClient");
	decide(&m, &b);
	assert_string_equal(pxe_boot_format(&b, buf, sizeof buf),
			    "boot=http://10.77.0.1/boot/shimx64.efi next=10.77.0.1 arch=none http");
}

static void test_format_without_file_or_arch(void **state)
{
	struct dhcp_msg m;
	struct pxe_boot b;
	char buf[128];

	(void)state;
	load("[dhcpd]\nboot_file =\n" SUBNET);
	decode_hex(syslinux_efi_discover_hex, &m);
	decide(&m, &b);
	assert_null(b.file);
	assert_string_equal(pxe_boot_format(&b, buf, sizeof buf),
			    "boot=none next=10.77.0.1 arch=none");
}

static void test_format_cuts_long_names_in_a_small_buffer(void **state)
{
	char klass[151], ini[1024], buf[64], tiny[1];
	struct dhcp_msg m;
	struct pxe_boot b;

	(void)state;
	memset(klass, 'k', sizeof klass - 1);
	klass[sizeof klass - 1] = '\0';
	snprintf(ini, sizeof ini, DHCPD_ALL_ARCHS SUBNET "[class %s]\narch = 0\n", klass);
	load(ini);
	ipxe_req(&m, 0);
	decide(&m, &b);
	assert_string_equal(b.klass->name, klass);
	pxe_boot_format(&b, buf, sizeof buf);
	assert_int_equal(strlen(buf), sizeof buf - 1);
	assert_string_equal(buf + sizeof buf - 4, "...");
	assert_memory_equal(buf, "boot=pxelinux.0 next=10.77.0.1 arch=0 class=kkk", 47);
	assert_string_equal(pxe_boot_format(&b, tiny, sizeof tiny), "");
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pxeclient_vendor_class_is_pxe),
		T(test_httpclient_vendor_class_is_http),
		T(test_vendor_class_must_start_with_the_name),
		T(test_ipxe_user_class_bare),
		T(test_ipxe_user_class_as_rfc3004_items),
		T(test_user_class_other_or_malformed_is_not_ipxe),
		T(test_arch_is_the_first_value_of_option_93),
		T(test_absent_arch_is_bios_but_remembered),
		T(test_ipxe_captures_classify),
		T(test_class_matches_by_vendor_class_prefix),
		T(test_class_matches_by_user_class_either_form),
		T(test_class_matches_by_arch_list),
		T(test_class_arch_needs_option_93),
		T(test_class_matches_by_subnet),
		T(test_class_needs_every_criterion),
		T(test_first_matching_class_in_file_order_wins),
		T(test_boot_file_by_arch),
		T(test_httpclient_gets_http_file_whatever_its_arch),
		T(test_arch_without_a_key_gets_no_file),
		T(test_absent_arch_gets_the_bios_file),
		T(test_efi_client_with_empty_efi64_key_gets_no_file),
		T(test_unset_keys_give_no_file_and_defaults_hold),
		T(test_class_file_beats_arch_file),
		T(test_subnet_has_no_boot_file),
		T(test_host_file_beats_class_file),
		T(test_ipxe_script_beats_host_file),
		T(test_ipxe_without_script_follows_the_other_rules),
		T(test_ipxe_script_only_for_ipxe),
		T(test_next_server_precedence),
		T(test_next_server_without_subnet_or_host),
		T(test_reply_carries_siaddr_and_file),
		T(test_reply_without_boot_file_has_no_boot_data),
		T(test_reply_66_67_only_when_requested),
		T(test_reply_echoes_the_vendor_class),
		T(test_reply_tells_ipxe_no_proxydhcp_in_server_mode_only),
		T(test_reply_proxy_mode_adds_discovery_control),
		T(test_option_sets_host_beats_class_beats_subnet_beats_global),
		T(test_option_sets_replace_the_boot_options),
		T(test_reply_errors_reach_the_caller),
		T(test_long_boot_file_names),
		T(test_ipxe_efi_capture_reply_round_trip),
		T(test_format_names_boot_next_arch_class_and_flags),
		T(test_format_without_file_or_arch),
		T(test_format_cuts_long_names_in_a_small_buffer),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
