/* Unit tests for common/conf_value.c: every type's accepted forms, ranges and
 * error messages, and that values own and free their memory. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf_value.h"

static const char *const colors[] = { "red", "green", "blue", NULL };

static const struct conf_key k_string = { .name = "s", .type = CONF_STRING };
static const struct conf_key k_path = { .name = "p", .type = CONF_PATH };
static const struct conf_key k_bool = { .name = "b", .type = CONF_BOOL };
static const struct conf_key k_int = { .name = "i", .type = CONF_INT };
static const struct conf_key k_port = { .name = "port", .type = CONF_INT, .min = 1, .max = 65535 };
static const struct conf_key k_umask = { .name = "umask", .type = CONF_OCTAL, .min = 0, .max = 0777 };
static const struct conf_key k_ports = { .name = "ports", .type = CONF_RANGE, .min = 1, .max = 65535 };
static const struct conf_key k_dur = { .name = "d", .type = CONF_DURATION };
static const struct conf_key k_timeout = {
	.name = "timeout", .type = CONF_DURATION, .min = 1000, .max = 3600 * 1000,
};
static const struct conf_key k_size = { .name = "z", .type = CONF_SIZE };
static const struct conf_key k_blksize = {
	.name = "blksize", .type = CONF_SIZE, .min = 512, .max = 65536,
};
static const struct conf_key k_enum = { .name = "e", .type = CONF_ENUM, .choices = colors };
static const struct conf_key k_ip4 = { .name = "ip", .type = CONF_IP, .family = AF_INET };
static const struct conf_key k_ip = { .name = "ip", .type = CONF_IP, .family = AF_UNSPEC };
static const struct conf_key k_listen = {
	.name = "listen", .type = CONF_HOSTPORT, .family = AF_UNSPEC, .port = 69,
};
static const struct conf_key k_cidr = { .name = "net", .type = CONF_CIDR, .family = AF_INET };
static const struct conf_key k_mac = { .name = "mac", .type = CONF_MAC };
static const struct conf_key k_ip_list = {
	.name = "dns", .type = CONF_LIST, .elem = CONF_IP, .family = AF_INET,
};
static const struct conf_key k_str_list = { .name = "names", .type = CONF_LIST, .elem = CONF_STRING };
static const struct conf_key k_path_list = { .name = "paths", .type = CONF_LIST, .elem = CONF_PATH };
static const struct conf_key k_port_list = {
	.name = "ports", .type = CONF_LIST, .elem = CONF_INT, .min = 1, .max = 65535,
};
static const struct conf_key k_enum_list = {
	.name = "colors", .type = CONF_LIST, .elem = CONF_ENUM, .choices = colors,
};
static const struct conf_key k_list_list = { .name = "ll", .type = CONF_LIST, .elem = CONF_LIST };

static char err[512];

static union conf_value ok(const struct conf_key *key, const char *text)
{
	union conf_value v;

	memset(&v, 0, sizeof v);
	err[0] = '\0';
	if (conf_value_parse(key, text, &v, err, sizeof err) != 0)
		fail_msg("'%s' for %s: %s", text, key->name, err);
	return v;
}

/* Asserts text fails; msg NULL checks only that there is a message. */
static void bad(const struct conf_key *key, const char *text, const char *msg)
{
	union conf_value v;

	memset(&v, 0, sizeof v);
	err[0] = '\0';
	if (conf_value_parse(key, text, &v, err, sizeof err) != -EINVAL)
		fail_msg("'%s' for %s: accepted", text, key->name);
	if (msg)
		assert_string_equal(err, msg);
	else
		assert_true(strlen(err) > 0);
}

/* Asserts text fails with a message that contains part. */
static void bad_has(const struct conf_key *key, const char *text, const char *part)
{
	bad(key, text, NULL);
	if (!strstr(err, part))
		fail_msg("'%s' for %s: message '%s' lacks '%s'", text, key->name, err, part);
}

static void test_value_size_matches_the_c_types(void **state)
{
	assert_int_equal(conf_value_size(CONF_STRING), sizeof(char *));
	assert_int_equal(conf_value_size(CONF_BOOL), sizeof(bool));
	assert_int_equal(conf_value_size(CONF_INT), sizeof(long long));
	assert_int_equal(conf_value_size(CONF_DURATION), sizeof(uint64_t));
	assert_int_equal(conf_value_size(CONF_SIZE), sizeof(uint64_t));
	assert_int_equal(conf_value_size(CONF_ENUM), sizeof(int));
	assert_int_equal(conf_value_size(CONF_HOSTPORT), sizeof(struct hostport));
	assert_int_equal(conf_value_size(CONF_LIST), sizeof(struct conf_list));
}

static void test_bool_accepts_every_spelling_in_any_case(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "True", "on", "ON", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE", "off", "Off", "0" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(ok(&k_bool, yes[i]).b);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(ok(&k_bool, no[i]).b);
}

static void test_bool_rejects_other_words(void **state)
{
	bad(&k_bool, "maybe", "expected yes or no (or true/false, on/off, 1/0)");
	bad(&k_bool, "2", NULL);
	bad(&k_bool, "yes ", NULL);
	bad(&k_bool, "y", NULL);
}

static void test_int_reads_decimal_hex_and_sign(void **state)
{
	assert_int_equal(ok(&k_int, "42").i, 42);
	assert_int_equal(ok(&k_int, "-42").i, -42);
	assert_int_equal(ok(&k_int, "+7").i, 7);
	assert_int_equal(ok(&k_int, "0x2a").i, 42);
	assert_int_equal(ok(&k_int, "0X2A").i, 42);
	assert_int_equal(ok(&k_int, "010").i, 10);
	assert_true(ok(&k_int, "9223372036854775807").i == INT64_MAX);
	assert_true(ok(&k_int, "-9223372036854775808").i == INT64_MIN);
	assert_true(ok(&k_int, "0x7fffffffffffffff").i == INT64_MAX);
}

static void test_int_rejects_junk(void **state)
{
	static const char *const junk[] = {
		"1x", " 1", "1 ", "0x", "--1", "-", "1.5", "1e3", "0xg", "١",
	};
	size_t i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		bad(&k_int, junk[i], "expected a whole number such as 42 or 0x2a");
	bad(&k_port, "x", "expected a whole number from 1 to 65535");
}

static void test_int_overflow_is_detected(void **state)
{
	bad(&k_int, "9223372036854775808",
	    "out of range: must be between -9223372036854775808 and 9223372036854775807");
	bad(&k_int, "-9223372036854775809", NULL);
	bad(&k_int, "0x8000000000000000", NULL);
	bad(&k_int, "99999999999999999999999999", NULL);
	bad(&k_port, "99999999999999999999999999", "must be between 1 and 65535");
}

static void test_int_range_is_checked(void **state)
{
	assert_int_equal(ok(&k_port, "1").i, 1);
	assert_int_equal(ok(&k_port, "65535").i, 65535);
	bad(&k_port, "0", "must be between 1 and 65535");
	bad(&k_port, "65536", "must be between 1 and 65535");
	bad(&k_port, "-1", "must be between 1 and 65535");
}

static void test_octal_reads_modes(void **state)
{
	assert_int_equal(ok(&k_umask, "022").i, 022);
	assert_int_equal(ok(&k_umask, "0755").i, 0755);
	assert_int_equal(ok(&k_umask, "7").i, 7);
}

static void test_octal_rejects_non_octal_and_range(void **state)
{
	bad_has(&k_umask, "8", "an octal number");
	bad_has(&k_umask, "0x1f", "an octal number");
	bad_has(&k_umask, "-1", "an octal number");
	bad_has(&k_umask, "1000", "between 0 and 777");
	bad_has(&k_umask, "77777777777777777777777", "an octal number");
}

static void test_range_reads_lo_and_hi(void **state)
{
	struct conf_range r = ok(&k_ports, "4096:8191").range;

	assert_int_equal(r.lo, 4096);
	assert_int_equal(r.hi, 8191);
	r = ok(&k_ports, "69:69").range;
	assert_int_equal(r.lo, r.hi);
}

static void test_range_rejects_bad_forms_bounds_and_order(void **state)
{
	bad_has(&k_ports, "4096", "LO:HI");
	bad_has(&k_ports, ":8191", "LO:HI");
	bad_has(&k_ports, "4096:", "LO:HI");
	bad_has(&k_ports, "a:b", "LO:HI");
	bad_has(&k_ports, "0:10", "within 1:65535");
	bad_has(&k_ports, "10:70000", "within 1:65535");
	bad_has(&k_ports, "9000:8000", "9000 is above 8000");
}

static void test_duration_units_and_combinations_in_ms(void **state)
{
	assert_int_equal(ok(&k_dur, "250ms").u, 250);
	assert_int_equal(ok(&k_dur, "90s").u, 90000);
	assert_int_equal(ok(&k_dur, "15m").u, 15 * 60000);
	assert_int_equal(ok(&k_dur, "1h").u, 3600000);
	assert_int_equal(ok(&k_dur, "2d").u, 2 * 86400000ull);
	assert_int_equal(ok(&k_dur, "1w").u, 7 * 86400000ull);
	assert_int_equal(ok(&k_dur, "1h30m").u, 5400000);
	assert_int_equal(ok(&k_dur, "1d2h3m4s5ms").u, 86400000ull + 7200000 + 180000 + 4005);
	assert_int_equal(ok(&k_dur, "1H30M").u, 5400000);
	assert_int_equal(ok(&k_dur, "0").u, 0);
	assert_int_equal(ok(&k_dur, "0s").u, 0);
}

static void test_duration_bare_number_is_seconds(void **state)
{
	assert_int_equal(ok(&k_dur, "90").u, 90000);
	bad(&k_dur, "1h30", NULL);
}

static void test_duration_rejects_bad_forms(void **state)
{
	static const char *const junk[] = {
		"30m1h", "1m1m", "1x", "h", "1.5h", "-1s", "+1s", "1 h", "1h 30m", "1hh", "s1",
		"1sms",
	};
	size_t i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		bad(&k_dur, junk[i], "expected a duration such as 250ms, 90s, 15m, 1h or 1h30m "
		    "(units ms, s, m, h, d, w)");
}

static void test_duration_overflow_is_detected(void **state)
{
	bad(&k_dur, "99999999999999999999",
	    "too long; expected a duration such as 250ms, 90s, 15m, 1h or 1h30m "
	    "(units ms, s, m, h, d, w)");
	bad(&k_dur, "30500000000000w", NULL);
	bad(&k_dur, "18446744073709551615ms1", NULL);
	bad(&k_dur, "18446744073709551s999999ms", NULL);
	assert_true(ok(&k_dur, "18446744073709551615ms").u == UINT64_MAX);
}

static void test_duration_range_is_said_in_human_units(void **state)
{
	assert_int_equal(ok(&k_timeout, "1s").u, 1000);
	assert_int_equal(ok(&k_timeout, "60m").u, 3600000);
	bad(&k_timeout, "999ms", "must be between 1s and 1h");
	bad(&k_timeout, "1h1ms", "must be between 1s and 1h");
	bad(&k_timeout, "99999999999999999999w", "must be between 1s and 1h");
}

static void test_size_suffixes_are_powers_of_1024(void **state)
{
	assert_int_equal(ok(&k_size, "512").u, 512);
	assert_int_equal(ok(&k_size, "0").u, 0);
	assert_int_equal(ok(&k_size, "1B").u, 1);
	assert_int_equal(ok(&k_size, "64K").u, 65536);
	assert_int_equal(ok(&k_size, "64k").u, 65536);
	assert_int_equal(ok(&k_size, "64KB").u, 65536);
	assert_int_equal(ok(&k_size, "64KiB").u, 65536);
	assert_int_equal(ok(&k_size, "64kib").u, 65536);
	assert_int_equal(ok(&k_size, "16M").u, 16u << 20);
	assert_int_equal(ok(&k_size, "1G").u, 1u << 30);
	assert_true(ok(&k_size, "2T").u == 2ull << 40);
	assert_true(ok(&k_size, "16777215T").u == 16777215ull << 40);
}

static void test_size_rejects_bad_forms(void **state)
{
	static const char *const junk[] = {
		"K", "1KX", "1Q", "1.5M", "-1", "+1", "1 K", "1iB", "1KiBB", "0x10", "1bb",
	};
	size_t i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		bad(&k_size, junk[i], "expected a size such as 512, 64K, 16M or 1G "
		    "(K, M, G, T: powers of 1024)");
}

static void test_size_overflow_is_detected(void **state)
{
	bad(&k_size, "16777216T", "too large; expected a size such as 512, 64K, 16M or 1G "
	    "(K, M, G, T: powers of 1024)");
	bad(&k_size, "99999999999999999999", NULL);
	assert_true(ok(&k_size, "18446744073709551615").u == UINT64_MAX);
}

static void test_size_range_is_said_in_human_units(void **state)
{
	assert_int_equal(ok(&k_blksize, "512").u, 512);
	assert_int_equal(ok(&k_blksize, "64K").u, 65536);
	bad(&k_blksize, "511", "must be between 512 and 64K");
	bad(&k_blksize, "1M", "must be between 512 and 64K");
	bad(&k_blksize, "99999999T", "must be between 512 and 64K");
}

static void test_enum_matches_any_case_and_lists_choices(void **state)
{
	assert_int_equal(ok(&k_enum, "red").e, 0);
	assert_int_equal(ok(&k_enum, "GREEN").e, 1);
	assert_int_equal(ok(&k_enum, "Blue").e, 2);
	bad(&k_enum, "purple", "expected one of: red, green, blue");
	bad(&k_enum, "re", NULL);
}

static void test_path_must_be_absolute_without_control_characters(void **state)
{
	union conf_value v = ok(&k_path, "/srv/tftp boot");

	assert_string_equal(v.s, "/srv/tftp boot");
	conf_value_free(&k_path, &v);
	bad(&k_path, "srv/tftp", "expected an absolute path such as /srv/tftp");
	bad(&k_path, " /srv", NULL);
	bad(&k_path, "/srv\ttftp",
	    "control character in the path; expected an absolute path such as /srv/tftp");
	bad(&k_path, "/srv\x7f", NULL);
}

static void test_string_takes_any_text_even_empty(void **state)
{
	union conf_value v = ok(&k_string, "");

	assert_string_equal(v.s, "");
	conf_value_free(&k_string, &v);
	v = ok(&k_string, "  spaced, and; punctuated  ");
	assert_string_equal(v.s, "  spaced, and; punctuated  ");
	conf_value_free(&k_string, &v);
	assert_null(v.s);
}

static void test_empty_text_requires_a_value(void **state)
{
	bad(&k_bool, "", "a value is required: expected yes or no (or true/false, on/off, 1/0)");
	bad(&k_port, "", "a value is required: expected a whole number from 1 to 65535");
	bad(&k_path, "", "a value is required: expected an absolute path such as /srv/tftp");
	bad(&k_enum, "", "a value is required: expected one of: red, green, blue");
	bad(&k_dur, "", NULL);
	bad(&k_size, "", NULL);
	bad(&k_ip, "", NULL);
	bad(&k_listen, "", NULL);
	bad(&k_cidr, "", NULL);
	bad(&k_mac, "", NULL);
	assert_int_equal(strncmp(err, "a value is required", 19), 0);
	bad(&k_bool, NULL, NULL);
}

static void test_addresses_go_through_addr_with_family_and_port(void **state)
{
	union conf_value v;
	char buf[ADDR_STRLEN];

	v = ok(&k_ip4, "192.0.2.1");
	assert_string_equal(addr_ip_str(&v.ip, buf), "192.0.2.1");
	bad(&k_ip4, "::1", "::1 is an IPv6 address; expected an IPv4 address such as 192.0.2.1");
	v = ok(&k_listen, "192.0.2.1");
	assert_string_equal(addr_sa_str((struct sockaddr *)&v.hp.ss, buf), "192.0.2.1:69");
	v = ok(&k_listen, ":1069");
	assert_string_equal(addr_sa_str((struct sockaddr *)&v.hp.ss, buf), "[::]:1069");
	v = ok(&k_cidr, "10.0.0.0/8");
	assert_int_equal(v.net.prefix, 8);
	bad(&k_cidr, "10.0.0.1/8", "10.0.0.1/8: host bits set; the network is 10.0.0.0/8");
	v = ok(&k_mac, "00-11-22-33-44-55");
	assert_string_equal(addr_mac_str(&v.mac, buf), "00:11:22:33:44:55");
}

static void test_list_splits_on_commas_and_blanks(void **state)
{
	union conf_value v = ok(&k_ip_list, " 10.0.0.1, 10.0.0.2  10.0.0.3,,\t10.0.0.4 ,");
	const struct ip_addr *ips;
	char buf[ADDR_STRLEN];

	assert_int_equal(v.list.count, 4);
	ips = v.list.items;
	assert_string_equal(addr_ip_str(&ips[0], buf), "10.0.0.1");
	assert_string_equal(addr_ip_str(&ips[3], buf), "10.0.0.4");
	conf_value_free(&k_ip_list, &v);
	assert_int_equal(v.list.count, 0);
	assert_null(v.list.items);
}

static void test_list_error_names_the_item(void **state)
{
	bad(&k_ip_list, "10.0.0.1, foo, 10.0.0.3",
	    "item 2 'foo': host names are not looked up; expected an IPv4 address such as 192.0.2.1");
	bad(&k_port_list, "69 0", "item 2 '0': must be between 1 and 65535");
	bad(&k_enum_list, "red,pink", "item 2 'pink': expected one of: red, green, blue");
}

static void test_list_items_use_the_element_type(void **state)
{
	union conf_value v = ok(&k_port_list, "69,4011 0x10");
	const long long *ports = v.list.items;
	const int *c;

	assert_int_equal(v.list.count, 3);
	assert_int_equal(ports[0], 69);
	assert_int_equal(ports[1], 4011);
	assert_int_equal(ports[2], 16);
	conf_value_free(&k_port_list, &v);
	v = ok(&k_enum_list, "blue RED");
	c = v.list.items;
	assert_int_equal(c[0], 2);
	assert_int_equal(c[1], 0);
	conf_value_free(&k_enum_list, &v);
}

static void test_list_of_strings_owns_its_strings(void **state)
{
	union conf_value v = ok(&k_str_list, "alpha, beta gamma");
	char **s = v.list.items;

	assert_int_equal(v.list.count, 3);
	assert_string_equal(s[0], "alpha");
	assert_string_equal(s[2], "gamma");
	/* A second parse frees the first list (the sanitizer build checks it). */
	assert_int_equal(conf_value_parse(&k_str_list, "delta", &v, err, sizeof err), 0);
	assert_int_equal(v.list.count, 1);
	conf_value_free(&k_str_list, &v);
}

static void test_list_failure_frees_parsed_items(void **state)
{
	/* The two good paths are strdup'd before the third fails: no leak. */
	bad(&k_path_list, "/a /b relative",
	    "item 3 'relative': expected an absolute path such as /srv/tftp");
}

static void test_list_empty_text_is_no_items(void **state)
{
	union conf_value v = ok(&k_ip_list, "");

	assert_int_equal(v.list.count, 0);
	assert_null(v.list.items);
	v = ok(&k_ip_list, " , ,");
	assert_int_equal(v.list.count, 0);
	conf_value_free(&k_ip_list, &v);
}

static void test_list_of_lists_is_refused(void **state)
{
	bad(&k_list_list, "a b", "a list of lists is not supported");
}

static void test_parse_over_an_old_value_frees_it(void **state)
{
	union conf_value v = ok(&k_string, "first");

	assert_int_equal(conf_value_parse(&k_string, "second", &v, err, sizeof err), 0);
	assert_string_equal(v.s, "second");
	conf_value_free(&k_string, &v);
}

static void test_failed_parse_keeps_the_old_value(void **state)
{
	union conf_value v = ok(&k_path, "/srv/tftp");

	assert_int_equal(conf_value_parse(&k_path, "relative", &v, err, sizeof err), -EINVAL);
	assert_string_equal(v.s, "/srv/tftp");
	conf_value_free(&k_path, &v);
	v = ok(&k_port, "69");
	assert_int_equal(conf_value_parse(&k_port, "0", &v, err, sizeof err), -EINVAL);
	assert_int_equal(v.i, 69);
}

static void test_errors_may_go_nowhere(void **state)
{
	long long i = 0;

	assert_int_equal(conf_value_parse(&k_port, "0", &i, NULL, 0), -EINVAL);
	assert_int_equal(conf_value_parse(&k_port, "x", &i, err, 1), -EINVAL);
	assert_string_equal(err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_size_matches_the_c_types),
		cmocka_unit_test(test_bool_accepts_every_spelling_in_any_case),
		cmocka_unit_test(test_bool_rejects_other_words),
		cmocka_unit_test(test_int_reads_decimal_hex_and_sign),
		cmocka_unit_test(test_int_rejects_junk),
		cmocka_unit_test(test_int_overflow_is_detected),
		cmocka_unit_test(test_int_range_is_checked),
		cmocka_unit_test(test_octal_reads_modes),
		cmocka_unit_test(test_octal_rejects_non_octal_and_range),
		cmocka_unit_test(test_range_reads_lo_and_hi),
		cmocka_unit_test(test_range_rejects_bad_forms_bounds_and_order),
		cmocka_unit_test(test_duration_units_and_combinations_in_ms),
		cmocka_unit_test(test_duration_bare_number_is_seconds),
		cmocka_unit_test(test_duration_rejects_bad_forms),
		cmocka_unit_test(test_duration_overflow_is_detected),
		cmocka_unit_test(test_duration_range_is_said_in_human_units),
		cmocka_unit_test(test_size_suffixes_are_powers_of_1024),
		cmocka_unit_test(test_size_rejects_bad_forms),
		cmocka_unit_test(test_size_overflow_is_detected),
		cmocka_unit_test(test_size_range_is_said_in_human_units),
		cmocka_unit_test(test_enum_matches_any_case_and_lists_choices),
		cmocka_unit_test(test_path_must_be_absolute_without_control_characters),
		cmocka_unit_test(test_string_takes_any_text_even_empty),
		cmocka_unit_test(test_empty_text_requires_a_value),
		cmocka_unit_test(test_addresses_go_through_addr_with_family_and_port),
		cmocka_unit_test(test_list_splits_on_commas_and_blanks),
		cmocka_unit_test(test_list_error_names_the_item),
		cmocka_unit_test(test_list_items_use_the_element_type),
		cmocka_unit_test(test_list_of_strings_owns_its_strings),
		cmocka_unit_test(test_list_failure_frees_parsed_items),
		cmocka_unit_test(test_list_empty_text_is_no_items),
		cmocka_unit_test(test_list_of_lists_is_refused),
		cmocka_unit_test(test_parse_over_an_old_value_frees_it),
		cmocka_unit_test(test_failed_parse_keeps_the_old_value),
		cmocka_unit_test(test_errors_may_go_nowhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
