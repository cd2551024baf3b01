/* Unit tests for common/addr.c: every address form, its errors and printing. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include <cmocka.h>

#include "addr.h"

static char err[256];

static struct ip_addr ip_ok(const char *s, int family)
{
	struct ip_addr ip = { 0 };

	assert_int_equal(addr_parse_ip(s, family, &ip, err, sizeof err), 0);
	return ip;
}

static void ip_bad(const char *s, int family, const char *msg)
{
	struct ip_addr ip = { 0 };

	err[0] = '\0';
	assert_int_equal(addr_parse_ip(s, family, &ip, err, sizeof err), -EINVAL);
	assert_int_equal(ip.family, 0);
	if (msg)
		assert_string_equal(err, msg);
	else
		assert_true(strlen(err) > 0);
}

static void test_ipv4_parses(void **state)
{
	struct ip_addr ip = ip_ok("192.0.2.1", AF_INET);
	char buf[ADDR_STRLEN];

	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(ntohl(ip.v4.s_addr), 0xc0000201);
	assert_string_equal(addr_ip_str(&ip, buf), "192.0.2.1");
	assert_int_equal(ip_ok("0.0.0.0", AF_UNSPEC).family, AF_INET);
}

static void test_ipv6_parses(void **state)
{
	struct ip_addr ip = ip_ok("2001:DB8::1", AF_UNSPEC);
	char buf[ADDR_STRLEN];

	assert_int_equal(ip.family, AF_INET6);
	assert_string_equal(addr_ip_str(&ip, buf), "2001:db8::1");
	assert_int_equal(ip_ok("::", AF_INET6).family, AF_INET6);
}

static void test_ip_family_is_enforced(void **state)
{
	ip_bad("2001:db8::1", AF_INET,
	       "2001:db8::1 is an IPv6 address; expected an IPv4 address such as 192.0.2.1");
	ip_bad("192.0.2.1", AF_INET6,
	       "192.0.2.1 is an IPv4 address; expected an IPv6 address such as 2001:db8::1");
}

static void test_ip_rejects_junk_and_empty(void **state)
{
	ip_bad("", AF_INET, "expected an IPv4 address such as 192.0.2.1");
	ip_bad("", AF_UNSPEC,
	       "expected an IPv4 or IPv6 address such as 192.0.2.1 or 2001:db8::1");
	ip_bad("192.0.2.1 ", AF_INET, NULL);
	ip_bad(" 192.0.2.1", AF_INET, NULL);
	ip_bad("192.0.2.1x", AF_INET, NULL);
	ip_bad("192.0.2", AF_INET, NULL);
	ip_bad("192.0.2.256", AF_INET, NULL);
	ip_bad("192.0.02.1", AF_INET, NULL);
	ip_bad("[::1]", AF_UNSPEC, NULL);
	ip_bad("1:2:3:4:5:6:7:8:9", AF_INET6, NULL);
}

static void test_ip_zone_id_is_rejected_by_name(void **state)
{
	ip_bad("fe80::1%eth0", AF_UNSPEC,
	       "IPv6 zone ids such as '%eth0' are not supported; expected an IPv4 or IPv6 "
	       "address such as 192.0.2.1 or 2001:db8::1");
}

static void test_ip_host_name_is_not_looked_up(void **state)
{
	ip_bad("localhost", AF_INET,
	       "host names are not looked up; expected an IPv4 address such as 192.0.2.1");
}

static void test_ip_null_err_is_allowed(void **state)
{
	struct ip_addr ip;

	assert_int_equal(addr_parse_ip("nope", AF_UNSPEC, &ip, NULL, 0), -EINVAL);
}

static void test_cidr_parses_v4_and_v6(void **state)
{
	struct cidr net;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_cidr("10.0.0.0/24", AF_INET, &net, err, sizeof err), 0);
	assert_int_equal(net.prefix, 24);
	assert_string_equal(addr_cidr_str(&net, buf), "10.0.0.0/24");
	assert_int_equal(addr_parse_cidr("fd00::/64", AF_UNSPEC, &net, err, sizeof err), 0);
	assert_int_equal(net.addr.family, AF_INET6);
	assert_string_equal(addr_cidr_str(&net, buf), "fd00::/64");
	assert_int_equal(addr_parse_cidr("0.0.0.0/0", AF_INET, &net, err, sizeof err), 0);
	assert_int_equal(addr_parse_cidr("192.0.2.1/32", AF_INET, &net, err, sizeof err), 0);
	assert_int_equal(addr_parse_cidr("2001:db8::1/128", AF_INET6, &net, err, sizeof err), 0);
}

static void test_cidr_host_bits_set_names_the_network(void **state)
{
	struct cidr net;

	assert_int_equal(addr_parse_cidr("10.0.0.5/24", AF_INET, &net, err, sizeof err), -EINVAL);
	assert_string_equal(err, "10.0.0.5/24: host bits set; the network is 10.0.0.0/24");
	assert_int_equal(addr_parse_cidr("fd00::1/64", AF_UNSPEC, &net, err, sizeof err), -EINVAL);
	assert_string_equal(err, "fd00::1/64: host bits set; the network is fd00::/64");
	assert_int_equal(addr_parse_cidr("10.0.0.128/25", AF_INET, &net, err, sizeof err), 0);
	assert_int_equal(addr_parse_cidr("10.0.0.129/25", AF_INET, &net, err, sizeof err), -EINVAL);
	assert_string_equal(err, "10.0.0.129/25: host bits set; the network is 10.0.0.128/25");
}

static void test_cidr_rejects_bad_prefix(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/24x",
		"10.0.0.0/ 24", "10.0.0.0/99999999999", "fd00::/129",
	};
	struct cidr net;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(addr_parse_cidr(bad[i], AF_UNSPEC, &net, err, sizeof err), -EINVAL);
	addr_parse_cidr("10.0.0.0/33", AF_INET, &net, err, sizeof err);
	assert_string_equal(err, "the prefix length after '/' must be a number from 0 to 32");
	addr_parse_cidr("fd00::/129", AF_INET6, &net, err, sizeof err);
	assert_string_equal(err, "the prefix length after '/' must be a number from 0 to 128");
}

static void test_cidr_needs_a_prefix_and_the_family(void **state)
{
	struct cidr net;

	assert_int_equal(addr_parse_cidr("10.0.0.0", AF_INET, &net, err, sizeof err), -EINVAL);
	assert_string_equal(err, "expected an IPv4 network such as 192.0.2.0/24");
	assert_int_equal(addr_parse_cidr("fd00::/8", AF_INET, &net, err, sizeof err), -EINVAL);
	assert_int_equal(addr_parse_cidr("", AF_UNSPEC, &net, err, sizeof err), -EINVAL);
	assert_int_equal(addr_parse_cidr("fe80::%eth0/64", AF_UNSPEC, &net, err, sizeof err),
			 -EINVAL);
	assert_non_null(strstr(err, "zone"));
}

static void test_cidr_contains_only_its_family_and_range(void **state)
{
	struct cidr net;
	struct ip_addr in = ip_ok("192.168.1.200", AF_INET);
	struct ip_addr out = ip_ok("192.168.2.1", AF_INET);
	struct ip_addr v6 = ip_ok("::ffff:192.168.1.1", AF_INET6);
	struct ip_addr v6in = ip_ok("fd00::42", AF_INET6);

	assert_int_equal(addr_parse_cidr("192.168.1.0/24", AF_INET, &net, err, sizeof err), 0);
	assert_true(cidr_contains(&net, &in));
	assert_false(cidr_contains(&net, &out));
	assert_false(cidr_contains(&net, &v6));
	assert_int_equal(addr_parse_cidr("fd00::/60", AF_INET6, &net, err, sizeof err), 0);
	assert_true(cidr_contains(&net, &v6in));
	assert_int_equal(addr_parse_cidr("0.0.0.0/0", AF_INET, &net, err, sizeof err), 0);
	assert_true(cidr_contains(&net, &out));
}

static void test_mac_parses_colons_or_dashes_either_case(void **state)
{
	struct mac_addr mac;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_mac("00:11:22:aa:BB:cc", &mac, err, sizeof err), 0);
	assert_string_equal(addr_mac_str(&mac, buf), "00:11:22:aa:bb:cc");
	assert_int_equal(addr_parse_mac("00-11-22-AA-bb-CC", &mac, err, sizeof err), 0);
	assert_string_equal(addr_mac_str(&mac, buf), "00:11:22:aa:bb:cc");
}

static void test_mac_rejects_mixed_separators_and_bad_digits(void **state)
{
	static const char *const bad[] = {
		"", "00:11:22:33:44", "00:11:22:33:44:55:66", "0:11:22:33:44:55:6",
		"00:11:22:33:44:5g", "001122334455", "00.11.22.33.44.55", "00:11:22:33:44:55 ",
		"0x:11:22:33:44:55",
	};
	struct mac_addr mac;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(addr_parse_mac(bad[i], &mac, err, sizeof err), -EINVAL);
	assert_int_equal(addr_parse_mac("00:11-22:33:44:55", &mac, err, sizeof err), -EINVAL);
	assert_string_equal(err, "expected a MAC address such as 00:11:22:33:44:55 "
			    "(one separator, ':' or '-', throughout)");
	assert_int_equal(addr_parse_mac("zz:11:22:33:44:55", &mac, err, sizeof err), -EINVAL);
	assert_string_equal(err, "expected a MAC address such as 00:11:22:33:44:55");
}

static const char *hp_str(const char *s, int family, uint16_t port)
{
	static char buf[ADDR_STRLEN];
	struct hostport hp;

	if (addr_parse_hostport(s, family, port, &hp, err, sizeof err))
		return err;
	return addr_sa_str((const struct sockaddr *)&hp.ss, buf);
}

static void test_hostport_accepts_every_form(void **state)
{
	assert_string_equal(hp_str("192.0.2.1", AF_UNSPEC, 69), "192.0.2.1:69");
	assert_string_equal(hp_str("192.0.2.1:1069", AF_UNSPEC, 69), "192.0.2.1:1069");
	assert_string_equal(hp_str("[2001:db8::1]:1069", AF_UNSPEC, 69), "[2001:db8::1]:1069");
	assert_string_equal(hp_str("[2001:db8::1]", AF_UNSPEC, 69), "[2001:db8::1]:69");
	assert_string_equal(hp_str("2001:db8::1", AF_INET6, 69), "[2001:db8::1]:69");
	assert_string_equal(hp_str("::", AF_UNSPEC, 67), "[::]:67");
	assert_string_equal(hp_str(":4011", AF_UNSPEC, 67), "[::]:4011");
	assert_string_equal(hp_str(":4011", AF_INET, 67), "0.0.0.0:4011");
	assert_string_equal(hp_str("", AF_UNSPEC, 69), "[::]:69");
	assert_string_equal(hp_str("", AF_INET, 69), "0.0.0.0:69");
	assert_string_equal(hp_str("192.0.2.1:65535", AF_INET, 69), "192.0.2.1:65535");
}

static void test_hostport_sets_the_socket_length(void **state)
{
	struct hostport hp;

	assert_int_equal(addr_parse_hostport("192.0.2.1", AF_INET, 69, &hp, err, sizeof err), 0);
	assert_int_equal(hp.len, sizeof(struct sockaddr_in));
	assert_int_equal(hp.ss.ss_family, AF_INET);
	assert_int_equal(addr_parse_hostport("::1", AF_UNSPEC, 69, &hp, err, sizeof err), 0);
	assert_int_equal(hp.len, sizeof(struct sockaddr_in6));
}

static void test_hostport_rejects_bad_ports(void **state)
{
	static const char *const bad[] = {
		"192.0.2.1:0", ":0", ":65536", ":99999999999", ":6x", ":+69", ":-1", ": 69",
		"192.0.2.1:", "[::1]:", "[::1]:0", ":",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hostport hp;

		assert_int_equal(addr_parse_hostport(bad[i], AF_UNSPEC, 69, &hp, err, sizeof err),
				 -EINVAL);
		assert_non_null(strstr(err, "port must be a number from 1 to 65535"));
	}
}

static void test_hostport_rejects_bad_hosts(void **state)
{
	static const char *const bad[] = {
		"[192.0.2.1]:69", "[::1", "[::1]x", "[::1]69", "[]:69", "host.example:69",
		"192.0.2.1:69:70x", "fe80::1%eth0", "[fe80::1%eth0]:69",
		"0123456789012345678901234567890123456789012345678901234567890123456789:1",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hostport hp;

		assert_int_equal(addr_parse_hostport(bad[i], AF_UNSPEC, 69, &hp, err, sizeof err),
				 -EINVAL);
	}
	assert_string_equal(hp_str("[192.0.2.1]:69", AF_UNSPEC, 69),
			    "brackets are for IPv6 addresses only; expected ADDR, ADDR:PORT or "
			    "[IPV6]:PORT, such as 192.0.2.1:69 or [2001:db8::1]:69, or :PORT");
}

static void test_hostport_family_is_enforced(void **state)
{
	struct hostport hp;

	assert_int_equal(addr_parse_hostport("[::1]:69", AF_INET, 69, &hp, err, sizeof err),
			 -EINVAL);
	assert_non_null(strstr(err, "is an IPv6 address"));
	assert_int_equal(addr_parse_hostport("192.0.2.1", AF_INET6, 69, &hp, err, sizeof err),
			 -EINVAL);
	assert_non_null(strstr(err, "is an IPv4 address"));
}

static void test_from_sockaddr_maps_v4_mapped_to_v4(void **state)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(2049) };
	struct ip_addr ip;
	uint16_t port;
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET6, "::ffff:10.0.0.5", &sin6.sin6_addr);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&sin6, &ip, &port), 0);
	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(port, 2049);
	assert_string_equal(addr_ip_str(&ip, buf), "10.0.0.5");
	assert_string_equal(addr_sa_str((struct sockaddr *)&sin6, buf), "10.0.0.5:2049");

	inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&sin6, &ip, NULL), 0);
	assert_int_equal(ip.family, AF_INET6);
}

static void test_unmap_v4_turns_only_mapped_addresses_into_ipv4(void **state)
{
	struct ip_addr ip = ip_ok("::ffff:192.0.2.9", AF_INET6);
	char buf[ADDR_STRLEN];

	(void)state;
	assert_true(addr_unmap_v4(&ip));
	assert_int_equal(ip.family, AF_INET);
	assert_string_equal(addr_ip_str(&ip, buf), "192.0.2.9");
	assert_false(addr_unmap_v4(&ip));
	ip = ip_ok("::192.0.2.9", AF_INET6);	/* IPv4-compatible, not mapped */
	assert_false(addr_unmap_v4(&ip));
	assert_int_equal(ip.family, AF_INET6);
	ip = ip_ok("2001:db8::ffff:192.0.2.9", AF_INET6);
	assert_false(addr_unmap_v4(&ip));
}

static void test_from_sockaddr_rejects_other_families(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ip_addr ip;
	uint16_t port;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&sun, &ip, &port), -EAFNOSUPPORT);
	assert_string_equal(addr_sa_str((struct sockaddr *)&sun, buf), "(address family 1)");
}

static void test_to_sockaddr_round_trips(void **state)
{
	struct ip_addr ip = ip_ok("2001:db8::7", AF_INET6), back;
	struct ip_addr unset = { 0 };
	struct hostport hp;
	uint16_t port;

	addr_to_sockaddr(&ip, 69, &hp);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&hp.ss, &back, &port), 0);
	assert_true(addr_ip_equal(&ip, &back));
	assert_int_equal(port, 69);
	addr_to_sockaddr(&unset, 69, &hp);
	assert_int_equal(hp.len, 0);
}

static void test_ip_equal_compares_family_and_bytes(void **state)
{
	struct ip_addr a = ip_ok("10.0.0.1", AF_INET), b = ip_ok("10.0.0.1", AF_INET);
	struct ip_addr c = ip_ok("10.0.0.2", AF_INET), d = ip_ok("::ffff:10.0.0.1", AF_INET6);
	struct ip_addr e = ip_ok("::1", AF_INET6), f = ip_ok("::1", AF_INET6);

	assert_true(addr_ip_equal(&a, &b));
	assert_false(addr_ip_equal(&a, &c));
	assert_false(addr_ip_equal(&a, &d));
	assert_true(addr_ip_equal(&e, &f));
	assert_false(addr_ip_equal(&d, &e));
}

static void test_unset_ip_prints_as_unset(void **state)
{
	struct ip_addr ip = { 0 };
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_ip_str(&ip, buf), "(unset)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_parses),
		cmocka_unit_test(test_ipv6_parses),
		cmocka_unit_test(test_ip_family_is_enforced),
		cmocka_unit_test(test_ip_rejects_junk_and_empty),
		cmocka_unit_test(test_ip_zone_id_is_rejected_by_name),
		cmocka_unit_test(test_ip_host_name_is_not_looked_up),
		cmocka_unit_test(test_ip_null_err_is_allowed),
		cmocka_unit_test(test_cidr_parses_v4_and_v6),
		cmocka_unit_test(test_cidr_host_bits_set_names_the_network),
		cmocka_unit_test(test_cidr_rejects_bad_prefix),
		cmocka_unit_test(test_cidr_needs_a_prefix_and_the_family),
		cmocka_unit_test(test_cidr_contains_only_its_family_and_range),
		cmocka_unit_test(test_mac_parses_colons_or_dashes_either_case),
		cmocka_unit_test(test_mac_rejects_mixed_separators_and_bad_digits),
		cmocka_unit_test(test_hostport_accepts_every_form),
		cmocka_unit_test(test_hostport_sets_the_socket_length),
		cmocka_unit_test(test_hostport_rejects_bad_ports),
		cmocka_unit_test(test_hostport_rejects_bad_hosts),
		cmocka_unit_test(test_hostport_family_is_enforced),
		cmocka_unit_test(test_from_sockaddr_maps_v4_mapped_to_v4),
		cmocka_unit_test(test_unmap_v4_turns_only_mapped_addresses_into_ipv4),
		cmocka_unit_test(test_from_sockaddr_rejects_other_families),
		cmocka_unit_test(test_to_sockaddr_round_trips),
		cmocka_unit_test(test_ip_equal_compares_family_and_bytes),
		cmocka_unit_test(test_unset_ip_prints_as_unset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
