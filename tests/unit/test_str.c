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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_adds_formatted_text),
		cmocka_unit_test(test_append_truncates_at_size),
		cmocka_unit_test(test_append_to_unterminated_full_buffer_writes_nothing),
		cmocka_unit_test(test_escape_controls_writes_hex_for_control_bytes),
		cmocka_unit_test(test_escape_controls_never_cuts_an_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
