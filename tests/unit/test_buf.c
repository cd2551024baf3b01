/* Unit tests of common/buf.c: the bounds-checked reader and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_reads_fields_in_network_order(void **state)
{
	const uint8_t pkt[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	struct reader r = reader_init(pkt, sizeof pkt);

	assert_int_equal(read_u8(&r), 0x01);
	assert_int_equal(read_u16(&r), 0x0203);
	assert_int_equal(read_u32(&r), 0x04050607);
	assert_true(read_u64(&r) == 0x08090a0b0c0d0e0fULL);
	assert_true(reader_ok(&r));
	assert_int_equal(reader_left(&r), 0);
}

static void test_read_past_end_fails_and_sticks(void **state)
{
	const uint8_t pkt[] = { 0xaa, 0xbb, 0xcc };
	struct reader r = reader_init(pkt, sizeof pkt);

	assert_int_equal(read_u16(&r), 0xaabb);
	assert_int_equal(read_u16(&r), 0);	/* one byte left: fails */
	assert_false(reader_ok(&r));
	assert_int_equal(read_u8(&r), 0);	/* and stays failed */
	assert_int_equal(reader_left(&r), 0);
}

static void test_failed_u64_returns_zero(void **state)
{
	const uint8_t pkt[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct reader r = reader_init(pkt, sizeof pkt);

	assert_true(read_u64(&r) == 0);
	assert_false(reader_ok(&r));
}

static void test_read_bytes_copies_or_fails_whole(void **state)
{
	const uint8_t pkt[] = { 1, 2, 3, 4 };
	uint8_t out[8] = { 0 };
	struct reader r = reader_init(pkt, sizeof pkt);

	assert_true(read_bytes(&r, out, 3));
	assert_memory_equal(out, pkt, 3);
	memset(out, 0x55, sizeof out);
	assert_false(read_bytes(&r, out, 2));
	assert_int_equal(out[0], 0x55);		/* nothing copied on failure */
	assert_false(reader_ok(&r));
}

static void test_huge_length_does_not_wrap(void **state)
{
	const uint8_t pkt[] = { 1, 2, 3, 4 };
	struct reader r = reader_init(pkt, sizeof pkt);

	read_u8(&r);
	assert_null(read_ptr(&r, SIZE_MAX));
	assert_false(reader_ok(&r));
	r = reader_init(pkt, sizeof pkt);
	read_skip(&r, SIZE_MAX - 1);
	assert_false(reader_ok(&r));
}

static void test_read_cstr_needs_nul_and_room(void **state)
{
	const uint8_t pkt[] = { 'a', 'b', 0, 'c', 'd', 'e', 0, 'x' };
	char s[4];
	struct reader r = reader_init(pkt, sizeof pkt);

	assert_int_equal(read_cstr(&r, s, sizeof s), 2);
	assert_string_equal(s, "ab");
	assert_int_equal(read_cstr(&r, s, sizeof s), 3);
	assert_string_equal(s, "cde");
	assert_true(reader_ok(&r));
	read_cstr(&r, s, sizeof s);		/* "x" has no NUL */
	assert_false(reader_ok(&r));
	assert_string_equal(s, "");
}

static void test_read_cstr_too_long_for_dst_fails(void **state)
{
	const uint8_t pkt[] = { 'a', 'b', 'c', 'd', 0 };
	char s[4];
	struct reader r = reader_init(pkt, sizeof pkt);

	read_cstr(&r, s, sizeof s);
	assert_false(reader_ok(&r));
	assert_string_equal(s, "");
}

static void test_sub_reader_is_bounded_and_parent_moves_on(void **state)
{
	const uint8_t pkt[] = { 2, 0xaa, 0xbb, 0xcc };
	struct reader r = reader_init(pkt, sizeof pkt);
	struct reader sub = read_sub(&r, read_u8(&r));

	assert_int_equal(read_u16(&sub), 0xaabb);
	read_u8(&sub);
	assert_false(reader_ok(&sub));
	assert_true(reader_ok(&r));		/* a failed child leaves the parent alone */
	assert_int_equal(read_u8(&r), 0xcc);
	sub = read_sub(&r, 1);
	assert_false(reader_ok(&sub));
	assert_false(reader_ok(&r));
}

static void test_align_skips_padding(void **state)
{
	const uint8_t pkt[] = { 1, 0, 0, 0, 2, 0, 0 };
	struct reader r = reader_init(pkt, sizeof pkt);

	read_u8(&r);
	read_align(&r, 4);
	assert_int_equal(read_u8(&r), 2);
	read_align(&r, 4);			/* 3 bytes of padding, 2 left */
	assert_false(reader_ok(&r));
}

static void test_reader_fail_marks_semantic_error(void **state)
{
	const uint8_t pkt[] = { 1 };
	struct reader r = reader_init(pkt, sizeof pkt);

	reader_fail(&r);
	assert_false(reader_ok(&r));
	assert_int_equal(read_u8(&r), 0);
}

static void test_null_buffer_reads_nothing(void **state)
{
	struct reader r = reader_init(NULL, 10);

	assert_int_equal(reader_left(&r), 0);
	read_u8(&r);
	assert_false(reader_ok(&r));
}

static void test_writes_fields_in_network_order(void **state)
{
	uint8_t out[32];
	const uint8_t want[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0, 0, 0,
				 0, 0, 0, 0, 1, 'h', 'i', 0 };
	struct writer w = writer_init(out, sizeof out);

	write_u8(&w, 0x01);
	write_u16(&w, 0x0203);
	write_u32(&w, 0x04050607);
	write_u64(&w, 1);
	write_cstr(&w, "hi");
	assert_true(writer_ok(&w));
	assert_int_equal(writer_len(&w), sizeof want);
	assert_memory_equal(out, want, sizeof want);
}

static void test_write_past_end_fails_and_sticks(void **state)
{
	uint8_t out[8];
	struct writer w = writer_init(out, 3);

	write_u16(&w, 0x1122);
	write_u16(&w, 0x3344);
	assert_false(writer_ok(&w));
	assert_int_equal(writer_len(&w), 2);	/* nothing partial written */
	write_u8(&w, 0x55);
	assert_int_equal(writer_len(&w), 2);
	assert_int_equal(writer_left(&w), 0);
}

static void test_write_u64_never_writes_half(void **state)
{
	uint8_t out[8] = { 0 };
	struct writer w = writer_init(out, 6);

	write_u64(&w, UINT64_MAX);
	assert_false(writer_ok(&w));
	assert_int_equal(writer_len(&w), 0);
	assert_int_equal(out[0], 0);
}

static void test_reserve_then_patch_length(void **state)
{
	uint8_t out[16];
	struct writer w = writer_init(out, sizeof out);
	size_t at;

	write_u8(&w, 0xff);
	at = write_reserve(&w, 2);
	assert_int_equal(at, 1);
	write_bytes(&w, "abc", 3);
	write_u16_at(&w, at, (uint16_t)(writer_len(&w) - at - 2));
	write_u8_at(&w, 0, 0x7e);
	assert_true(writer_ok(&w));
	assert_int_equal(out[0], 0x7e);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 3);
	write_u32_at(&w, 5, 1);			/* beyond what was written */
	assert_false(writer_ok(&w));
}

static void test_reserve_too_much_fails(void **state)
{
	uint8_t out[4];
	struct writer w = writer_init(out, sizeof out);

	assert_true(write_reserve(&w, 5) == SIZE_MAX);
	assert_false(writer_ok(&w));
}

static void test_write_align_pads_with_zeros(void **state)
{
	uint8_t out[8];
	struct writer w = writer_init(out, sizeof out);

	memset(out, 0xee, sizeof out);
	write_u8(&w, 9);
	write_align(&w, 4);
	assert_int_equal(writer_len(&w), 4);
	assert_int_equal(out[1] | out[2] | out[3], 0);
	write_align(&w, 4);
	assert_int_equal(writer_len(&w), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_fields_in_network_order),
		cmocka_unit_test(test_read_past_end_fails_and_sticks),
		cmocka_unit_test(test_failed_u64_returns_zero),
		cmocka_unit_test(test_read_bytes_copies_or_fails_whole),
		cmocka_unit_test(test_huge_length_does_not_wrap),
		cmocka_unit_test(test_read_cstr_needs_nul_and_room),
		cmocka_unit_test(test_read_cstr_too_long_for_dst_fails),
		cmocka_unit_test(test_sub_reader_is_bounded_and_parent_moves_on),
		cmocka_unit_test(test_align_skips_padding),
		cmocka_unit_test(test_reader_fail_marks_semantic_error),
		cmocka_unit_test(test_null_buffer_reads_nothing),
		cmocka_unit_test(test_writes_fields_in_network_order),
		cmocka_unit_test(test_write_past_end_fails_and_sticks),
		cmocka_unit_test(test_write_u64_never_writes_half),
		cmocka_unit_test(test_reserve_then_patch_length),
		cmocka_unit_test(test_reserve_too_much_fails),
		cmocka_unit_test(test_write_align_pads_with_zeros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
