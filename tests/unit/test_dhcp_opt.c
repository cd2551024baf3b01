/* Tests of the DHCPv4 option table (common/dhcp_opt.c): validation, printing
 * for logs, and typed values from config text. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dhcp_opt.h"

/* A string literal as option bytes. */
#define B(s) ((const uint8_t *)(s))

/* "CODE=VALUE" of one option. */
static const char *fmt(uint8_t code, const void *val, size_t len, char *buf, size_t bufsz)
{
	struct dhcp_text t = dhcp_text_init(buf, bufsz);

	dhcp_opt_format(&t, code, val, len);
	return buf;
}

static void test_table_rows_are_consistent(void **state)
{
	unsigned known = 0;

	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		const struct dhcp_opt_info *oi = dhcp_opt_info((uint8_t)c);

		if (!oi)
			continue;
		known++;
		assert_int_equal(oi->code, c);
		assert_true(oi->min_len <= oi->max_len);
		assert_ptr_equal(dhcp_opt_by_name(oi->name), oi);
	}
	assert_null(dhcp_opt_info(OPT_PAD));
	assert_null(dhcp_opt_info(OPT_END));
	assert_null(dhcp_opt_info(224));
	assert_true(known > 100);
	assert_int_equal(dhcp_opt_info(OPT_CLIENT_ARCH)->type, DHCP_T_U16_LIST);
	assert_int_equal(dhcp_opt_by_name("DOMAIN-NAME-SERVERS")->code, 6);
	assert_null(dhcp_opt_by_name("no-such-option"));
}

static void test_validate_checks_length_elements_and_values(void **state)
{
	(void)state;
	assert_int_equal(dhcp_opt_validate(OPT_SUBNET_MASK, B("\xff\xff\xff\x00"), 4), 0);
	assert_int_equal(dhcp_opt_validate(OPT_SUBNET_MASK, B("\xff\xff\xff"), 3), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_ROUTER, B("12345678"), 8), 0);
	assert_int_equal(dhcp_opt_validate(OPT_ROUTER, B("123456"), 6), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_ROUTER, B(""), 0), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_CLIENT_ARCH, B("\0\7"), 2), 0);
	assert_int_equal(dhcp_opt_validate(OPT_CLIENT_ARCH, B("\0\7\0"), 3), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_MSG_TYPE, B("\1\3"), 2), -EINVAL);
	assert_int_equal(dhcp_opt_validate(19, B("\1"), 1), 0);
	assert_int_equal(dhcp_opt_validate(19, B("\2"), 1), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_OVERLOAD, B("\3"), 1), 0);
	assert_int_equal(dhcp_opt_validate(OPT_OVERLOAD, B("\4"), 1), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_RAPID_COMMIT, B(""), 0), 0);
	assert_int_equal(dhcp_opt_validate(OPT_RAPID_COMMIT, B("x"), 1), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_HOST_NAME, B(""), 0), -EINVAL);
	assert_int_equal(dhcp_opt_validate(OPT_CLIENT_ID, B("\1"), 1), -EINVAL);
	/* Unknown codes take anything. */
	assert_int_equal(dhcp_opt_validate(224, B(""), 0), 0);
	assert_int_equal(dhcp_opt_validate(224, B("\1\2\3"), 3), 0);
}

static void test_format_prints_the_log_example(void **state)
{
	char buf[256];
	struct dhcp_text t = dhcp_text_init(buf, sizeof buf);

	(void)state;
	dhcp_opt_format(&t, OPT_MSG_TYPE, B("\1"), 1);
	dhcp_text_put(&t, " ");
	dhcp_opt_format(&t, OPT_CLIENT_ID, B("\x01\x52\x54\x00\x12\x34\x56"), 7);
	dhcp_text_put(&t, " ");
	dhcp_opt_format(&t, OPT_CLIENT_ARCH, B("\0\0"), 2);
	dhcp_text_put(&t, " ");
	dhcp_opt_format(&t, OPT_VENDOR_CLASS, B("PXEClient:Arch:00000:UNDI:002001"), 32);
	assert_string_equal(buf, "53=DISCOVER 61=01:52:54:00:12:34:56 93=0 "
				 "60=PXEClient:Arch:00000:UNDI:002001");
	assert_false(t.truncated);
}

static void test_format_each_type(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(fmt(OPT_ROUTER, "\x0a\0\0\x01\x0a\0\0\x02", 8, b, sizeof b),
			    "3=10.0.0.1,10.0.0.2");
	assert_string_equal(fmt(33, "\x0a\0\0\0\x0a\0\0\x01", 8, b, sizeof b),
			    "33=10.0.0.0,10.0.0.1");
	assert_string_equal(fmt(2, "\xff\xff\xf1\xf0", 4, b, sizeof b), "2=-3600");
	assert_string_equal(fmt(OPT_LEASE_TIME, "\xff\xff\xff\xff", 4, b, sizeof b),
			    "51=4294967295");
	assert_string_equal(fmt(OPT_MAX_MSG_SIZE, "\x05\xc0", 2, b, sizeof b), "57=1472");
	assert_string_equal(fmt(OPT_CLIENT_ARCH, "\0\7\0\x09", 4, b, sizeof b), "93=7,9");
	assert_string_equal(fmt(OPT_PARAM_REQUEST, "\1\3\6", 3, b, sizeof b), "55=1,3,6");
	assert_string_equal(fmt(19, "\1", 1, b, sizeof b), "19=true");
	assert_string_equal(fmt(OPT_MSG_TYPE, "\5", 1, b, sizeof b), "53=ACK");
	assert_string_equal(fmt(OPT_MSG_TYPE, "\x63", 1, b, sizeof b), "53=99");
	assert_string_equal(fmt(OPT_RAPID_COMMIT, "", 0, b, sizeof b), "80=");
	assert_string_equal(fmt(224, "\xde\xad", 2, b, sizeof b), "224=de:ad");
}

static void test_format_quotes_and_escapes_strings(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(fmt(OPT_VENDOR_CLASS, "udhcp 1.35.0", 12, b, sizeof b),
			    "60=\"udhcp 1.35.0\"");
	assert_string_equal(fmt(OPT_HOST_NAME, "a\nb\033[2J", 7, b, sizeof b),
			    "12=\"a\\x0ab\\x1b[2J\"");
	assert_string_equal(fmt(OPT_HOST_NAME, "q\"b\\", 4, b, sizeof b), "12=\"q\\\"b\\\\\"");
	assert_string_equal(fmt(OPT_BOOTFILE, "pxelinux.0\0", 11, b, sizeof b),
			    "67=\"pxelinux.0\\x00\"");
	assert_string_equal(fmt(OPT_HOST_NAME, "\xc3\xa9", 2, b, sizeof b), "12=\"\\xc3\\xa9\"");
}

static void test_format_shows_invalid_values_in_hex(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(fmt(OPT_SERVER_ID, "\x0a\0\0", 3, b, sizeof b), "54=0a:00:00");
	assert_string_equal(fmt(OPT_MSG_TYPE, "\1\3", 2, b, sizeof b), "53=01:03");
}

static void test_format_sub_options_of_43_and_82(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(fmt(OPT_VENDOR_OPTS, "\x06\x01\x08\xff", 4, b, sizeof b), "43={6=08}");
	assert_string_equal(fmt(OPT_RELAY_AGENT, "\x01\x02\xab\xcd\x02\x00", 6, b, sizeof b),
			    "82={1=ab:cd,2=}");
	/* A sub-option running past the value: shown as plain hex. */
	assert_string_equal(fmt(OPT_VENDOR_OPTS, "\x06\x05\x08", 3, b, sizeof b), "43=06:05:08");
}

static void test_format_truncates_with_ellipsis(void **state)
{
	char b[16];
	struct dhcp_text t = dhcp_text_init(b, sizeof b);

	(void)state;
	dhcp_opt_format(&t, OPT_CLIENT_ID, B("\x01\x52\x54\x00\x12\x34\x56"), 7);
	assert_true(t.truncated);
	assert_int_equal(strlen(b), sizeof b - 1);
	assert_string_equal(b, "61=01:52:54:...");
	dhcp_text_put(&t, "more");
	assert_string_equal(b, "61=01:52:54:...");
}

static void test_subopt_find_reads_pxe_and_relay_sub_options(void **state)
{
	static const uint8_t pxe[] = { 0, 6, 1, 8, 71, 4, 0x80, 0, 0, 0, 255, 9, 9 };
	const uint8_t *v;
	size_t len;

	(void)state;
	v = dhcp_subopt_find(pxe, sizeof pxe, PXE_DISCOVERY_CONTROL, &len);
	assert_non_null(v);
	assert_int_equal(len, 1);
	assert_int_equal(v[0], 8);
	v = dhcp_subopt_find(pxe, sizeof pxe, PXE_BOOT_ITEM, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	assert_null(dhcp_subopt_find(pxe, sizeof pxe, 9, &len));	/* after END */
	assert_null(dhcp_subopt_find(pxe, 6, PXE_BOOT_ITEM, &len));	/* cut */
}

/* ---------------------------------------------------------------- config text */

static void test_parse_ip_list_line(void **state)
{
	uint8_t out[64], code;
	size_t len;
	char err[128];

	(void)state;
	assert_int_equal(dhcp_opt_parse("option 42 = 10.0.0.1, 10.0.0.2", &code, out, sizeof out,
					&len, err, sizeof err), 0);
	assert_int_equal(code, 42);
	assert_int_equal(len, 8);
	assert_memory_equal(out, "\x0a\0\0\x01\x0a\0\0\x02", 8);
	assert_int_equal(dhcp_opt_parse("domain-name-servers = 10.0.0.1 10.0.0.2", &code, out,
					sizeof out, &len, err, sizeof err), 0);
	assert_int_equal(code, 6);
	assert_int_equal(len, 8);
}

static void test_parse_quoted_string_line(void **state)
{
	uint8_t out[64], code;
	size_t len;
	char err[128];

	(void)state;
	assert_int_equal(dhcp_opt_parse("option 252 = \"http://wpad.lab/wpad.dat\"", &code, out,
					sizeof out, &len, err, sizeof err), 0);
	assert_int_equal(code, 252);
	assert_int_equal(len, 24);
	assert_memory_equal(out, "http://wpad.lab/wpad.dat", 24);
	assert_int_equal(dhcp_opt_parse_value(OPT_BOOTFILE, " \"a \\\"b\\\\\\x00\" ", out,
					      sizeof out, &len, err, sizeof err), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "a \"b\\\0", 6);
	assert_int_equal(dhcp_opt_parse_value(OPT_BOOTFILE, "  pxelinux.0 ", out, sizeof out,
					      &len, err, sizeof err), 0);
	assert_int_equal(len, 10);
}

static void test_parse_numbers_bools_and_types(void **state)
{
	uint8_t out[64];
	size_t len;
	char err[128];

	(void)state;
	assert_int_equal(dhcp_opt_parse_value(OPT_MAX_MSG_SIZE, "0x5c0", out, sizeof out, &len,
					      err, sizeof err), 0);
	assert_memory_equal(out, "\x05\xc0", 2);
	assert_int_equal(dhcp_opt_parse_value(2, "-3600", out, sizeof out, &len, err, sizeof err),
			 0);
	assert_memory_equal(out, "\xff\xff\xf1\xf0", 4);
	assert_int_equal(dhcp_opt_parse_value(2, "-2147483648", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(dhcp_opt_parse_value(OPT_LEASE_TIME, "4294967295", out, sizeof out, &len,
					      err, sizeof err), 0);
	assert_memory_equal(out, "\xff\xff\xff\xff", 4);
	assert_int_equal(dhcp_opt_parse_value(OPT_CLIENT_ARCH, "0,7, 9", out, sizeof out, &len,
					      err, sizeof err), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "\0\0\0\7\0\x09", 6);
	assert_int_equal(dhcp_opt_parse_value(19, "Yes", out, sizeof out, &len, err, sizeof err),
			 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(dhcp_opt_parse_value(OPT_MSG_TYPE, "dhcpack", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(out[0], DHCPACK);
	assert_int_equal(dhcp_opt_parse_value(OPT_MSG_TYPE, "99", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(out[0], 99);
}

static void test_parse_hex_bytes(void **state)
{
	uint8_t out[64];
	size_t len;
	char err[128];

	(void)state;
	assert_int_equal(dhcp_opt_parse_value(OPT_CLIENT_ID, "01:52:54:00:12:34:56", out,
					      sizeof out, &len, err, sizeof err), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(out, "\x01\x52\x54\x00\x12\x34\x56", 7);
	assert_int_equal(dhcp_opt_parse_value(OPT_CLIENT_ID, "0152540012AbCd", out, sizeof out,
					      &len, err, sizeof err), 0);
	assert_int_equal(len, 7);
	assert_int_equal(out[6], 0xcd);
	assert_int_equal(dhcp_opt_parse_value(OPT_CLIENT_ID, "1:2:a", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_memory_equal(out, "\x01\x02\x0a", 3);
	assert_int_equal(dhcp_opt_parse_value(OPT_VENDOR_OPTS, "06:01:08:ff", out, sizeof out,
					      &len, err, sizeof err), 0);
	assert_int_equal(len, 4);
}

static void test_parse_unknown_code_takes_string_hex_or_addresses(void **state)
{
	uint8_t out[64];
	size_t len;
	char err[128];

	(void)state;
	assert_int_equal(dhcp_opt_parse_value(224, "\"abc\"", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(len, 3);
	assert_int_equal(dhcp_opt_parse_value(224, "10.0.0.1,10.0.0.2", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(len, 8);
	assert_int_equal(dhcp_opt_parse_value(224, "de:ad:be:ef", out, sizeof out, &len, err,
					      sizeof err), 0);
	assert_int_equal(len, 4);
	assert_int_equal(dhcp_opt_parse_value(224, "", out, sizeof out, &len, err, sizeof err), 0);
	assert_int_equal(len, 0);
}

static void assert_parse_error(const char *line, const char *want)
{
	uint8_t out[16], code;
	size_t len = 12345;
	char err[160] = "";

	assert_int_equal(dhcp_opt_parse(line, &code, out, sizeof out, &len, err, sizeof err),
			 -EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(len, 12345);
}

static void test_parse_errors_say_what_is_wrong(void **state)
{
	(void)state;
	assert_parse_error("option 1 = 10.0.0.300", "option 1 (subnet-mask): \"10.0.0.300\": "
			   "expected an IPv4 address such as 192.0.2.1");
	assert_parse_error("option 3 = gateway", "option 3 (routers): \"gateway\": host names "
			   "are not looked up; expected an IPv4 address such as 192.0.2.1");
	assert_parse_error("option 3 = ::1", "option 3 (routers): \"::1\": ::1 is an IPv6 "
			   "address; expected an IPv4 address such as 192.0.2.1");
	assert_parse_error("option 1 = 10.0.0.1, 10.0.0.2",
			   "option 1 (subnet-mask): takes one value, not 2");
	assert_parse_error("option 3 = 10.0.0.1,,10.0.0.2",
			   "option 3 (routers): empty item in the list");
	assert_parse_error("option 3 = 10.0.0.1,",
			   "option 3 (routers): empty item in the list");
	assert_parse_error("option 3 =", "option 3 (routers): no value given");
	assert_parse_error("option 33 = 10.0.0.0 10.0.0.1 10.0.0.2",
			   "option 33 (static-routes): takes pairs of addresses, not 3 addresses");
	assert_parse_error("option 26 = 70000",
			   "option 26 (interface-mtu): \"70000\" is not a number from 0 to 65535");
	assert_parse_error("option 26 = -1",
			   "option 26 (interface-mtu): \"-1\" is not a number from 0 to 65535");
	assert_parse_error("option 2 = 2147483648",
			   "option 2 (time-offset): \"2147483648\" is not a number from "
			   "-2147483648 to 2147483647");
	assert_parse_error("option 19 = maybe",
			   "option 19 (ip-forwarding): \"maybe\" is not true or false");
	assert_parse_error("option 53 = hello", "option 53 (dhcp-message-type): \"hello\" is not "
			   "a message type such as DISCOVER or 1");
	assert_parse_error("option 12 = \"abc",
			   "option 12 (host-name): unterminated quoted string");
	assert_parse_error("option 12 = \"a\\qb\"",
			   "option 12 (host-name): bad escape \\q (use \\\", \\\\ or \\xHH)");
	assert_parse_error("option 12 = \"\"",
			   "option 12 (host-name): value must be at least 1 bytes, not 0");
	assert_parse_error("option 61 = 015",
			   "option 61 (dhcp-client-identifier): \"015\" has an odd number "
			   "of hex digits");
	assert_parse_error("option 61 = 01::02", "option 61 (dhcp-client-identifier): \"01::02\" "
			   "is not hex bytes such as 01:52:54");
	assert_parse_error("option 61 = 01",
			   "option 61 (dhcp-client-identifier): value must be at least 2 "
			   "bytes, not 1");
	assert_parse_error("option 97 = 00:01",
			   "option 97 (client-machine-id): value must be 17 bytes, not 2");
	assert_parse_error("option 67 = \"0123456789abcdefXYZ\"",
			   "option 67 (bootfile-name): value is longer than 16 bytes");
	assert_parse_error("option 0 = 1", "option 0 cannot be set: it is PAD or END");
	assert_parse_error("option 52 = 1",
			   "option 52 cannot be set: the server writes overload itself");
	assert_parse_error("option 300 = 1", "\"300\" is not an option number (1-254) or name");
	assert_parse_error("option no-such = 1",
			   "\"no-such\" is not an option number (1-254) or name");
	assert_parse_error("option 1 10.0.0.1", "expected \"option CODE = VALUE\"");
	assert_parse_error("option = 1", "expected \"option CODE = VALUE\"");
}

/* Printing a valid value and parsing the text gives the same bytes. */
static void test_format_then_parse_round_trips(void **state)
{
	static const struct {
		uint8_t code;
		const char *val;
		size_t len;
	} cases[] = {
		{ 1, "\xff\xff\xff\x00", 4 },
		{ 3, "\x0a\0\0\x01\x0a\0\0\x02", 8 },
		{ 2, "\x80\0\0\0", 4 },
		{ 12, "a \"quoted\" \\ name\x01", 19 },
		{ 60, "PXEClient:Arch:00007:UNDI:003010", 32 },
		{ 61, "\x01\x52\x54\x00\x12\x34\x56", 7 },
		{ 93, "\0\0\0\7", 4 },
		{ 55, "\1\3\6\x2b", 4 },
		{ 53, "\x03", 1 },
		{ 53, "\0", 1 },
		{ 19, "\0", 1 },
		{ 80, "", 0 },
		{ 224, "\0\xff", 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256], err[128] = "";
		struct dhcp_text t = dhcp_text_init(text, sizeof text);
		uint8_t out[64];
		size_t len = 0;

		dhcp_opt_format_value(&t, cases[i].code, B(cases[i].val), cases[i].len);
		assert_int_equal(dhcp_opt_parse_value(cases[i].code, text, out, sizeof out, &len,
						      err, sizeof err), 0);
		assert_int_equal(len, cases[i].len);
		assert_memory_equal(out, cases[i].val, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows_are_consistent),
		cmocka_unit_test(test_validate_checks_length_elements_and_values),
		cmocka_unit_test(test_format_prints_the_log_example),
		cmocka_unit_test(test_format_each_type),
		cmocka_unit_test(test_format_quotes_and_escapes_strings),
		cmocka_unit_test(test_format_shows_invalid_values_in_hex),
		cmocka_unit_test(test_format_sub_options_of_43_and_82),
		cmocka_unit_test(test_format_truncates_with_ellipsis),
		cmocka_unit_test(test_subopt_find_reads_pxe_and_relay_sub_options),
		cmocka_unit_test(test_parse_ip_list_line),
		cmocka_unit_test(test_parse_quoted_string_line),
		cmocka_unit_test(test_parse_numbers_bools_and_types),
		cmocka_unit_test(test_parse_hex_bytes),
		cmocka_unit_test(test_parse_unknown_code_takes_string_hex_or_addresses),
		cmocka_unit_test(test_parse_errors_say_what_is_wrong),
		cmocka_unit_test(test_format_then_parse_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
