/* Unit tests of common/str.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "str.h"

static void test_append_adds_formatted_text(void **state)
{
	char buf[32] = "one";

	str_append(buf, sizeof buf, ", %s=%d", "two", 2);
	assert_string_equal(buf, "one, two=2");
}

static void test_append_truncates_at_size(void **state)
{
	char buf[8] = "abc";

	str_append(buf, sizeof buf, "%s", "defghijk");
	assert_string_equal(buf, "abcdefg");
	str_append(buf, sizeof buf, "%s", "more");
	assert_string_equal(buf, "abcdefg");
}

static void test_append_to_unterminated_full_buffer_writes_nothing(void **state)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };

	str_append(buf, sizeof buf, "x");
	assert_memory_equal(buf, "abcd", 4);
}

static void test_escape_controls_writes_hex_for_control_bytes(void **state)
{
	char buf[32];

	str_escape_controls(buf, sizeof buf, "a\nb\x7f\x01" "c");
	assert_string_equal(buf, "a\\x0ab\\x7f\\x01c");
}

static void test_escape_controls_never_cuts_an_escape(void **state)
{
	char buf[8];

	/* "ab" + "\x0a" is 6 bytes: the next escape would need 4 more */
	str_escape_controls(buf, sizeof buf, "ab\n\n");
	assert_string_equal(buf, "ab\\x0a");
}

static void test_to_uint_takes_decimal_digits_up_to_max(void **state)
{
	unsigned long long v = 7;

	assert_true(str_to_uint("0", 10, &v) && v == 0);
	assert_true(str_to_uint("65535", 65535, &v) && v == 65535);
	assert_true(str_to_uint("18446744073709551615", ~0ULL, &v) && v == ~0ULL);
	v = 7;
	assert_false(str_to_uint("65536", 65535, &v));
	assert_false(str_to_uint("18446744073709551616", ~0ULL, &v));
	assert_false(str_to_uint("", 10, &v));
	assert_false(str_to_uint("+1", 10, &v));
	assert_false(str_to_uint("-1", 10, &v));
	assert_false(str_to_uint(" 1", 10, &v));
	assert_false(str_to_uint("1x", 10, &v));
	assert_int_equal(v, 7);		/* untouched on failure */
}

static void test_message_formats_and_takes_no_buffer(void **state)
{
	char buf[8];

	str_message(buf, sizeof buf, "%s=%d", "port", 69000);
	assert_string_equal(buf, "port=69");
	str_message(NULL, 0, "%s", "nowhere");
}

static void test_hex_colons_joins_whole_pairs_that_fit(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	char buf[18], small[9];

	(void)state;
	assert_string_equal(str_hex_colons(buf, sizeof buf, mac, 6), "52:54:00:ab:cd:ef");
	assert_string_equal(str_hex_colons(small, sizeof small, mac, 6), "52:54:00");
	assert_string_equal(str_hex_colons(buf, sizeof buf, mac, 0), "");
	assert_string_equal(str_hex_colons(small, 3, mac, 6), "52");
	assert_string_equal(str_hex_colons(small, 2, mac, 6), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_adds_formatted_text),
		cmocka_unit_test(test_append_truncates_at_size),
		cmocka_unit_test(test_append_to_unterminated_full_buffer_writes_nothing),
		cmocka_unit_test(test_escape_controls_writes_hex_for_control_bytes),
		cmocka_unit_test(test_escape_controls_never_cuts_an_escape),
		cmocka_unit_test(test_to_uint_takes_decimal_digits_up_to_max),
		cmocka_unit_test(test_message_formats_and_takes_no_buffer),
		cmocka_unit_test(test_hex_colons_joins_whole_pairs_that_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
