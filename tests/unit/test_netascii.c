/* Unit tests of tftpd/netascii.c: the encoded stream an RRQ sends, block by
 * block at every block size, and the decoding of a WRQ's DATA in any chunking. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "netascii.h"

/* ---------------------------------------------------------------- helpers */

static uint32_t rng_state = 0x2545f491;

/* xorshift32: a fixed sequence, so a failure reproduces. */
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Random bytes, one in four a CR or an LF so pairs land everywhere. */
static void fill_random(uint8_t *buf, size_t len)
{
	static const uint8_t special[] = { '\r', '\n' };
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = rng() % 4 == 0 ? special[rng() % 2] : (uint8_t)rng();
}

static int file_with(const void *data, size_t len)
{
	int fd = memfd_create("netascii", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

/* RFC 764 written the obvious way, to check the block-wise encoder against. */
static size_t ref_encode(const uint8_t *src, size_t len, uint8_t *dst)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (src[i] == '\n') {
			dst[n++] = '\r';
			dst[n++] = '\n';
		} else if (src[i] == '\r') {
			dst[n++] = '\r';
			dst[n++] = '\0';
		} else {
			dst[n++] = src[i];
		}
	}
	return n;
}

/* Reads fd as the server does: blocks of blksize until a short one.  Every
 * block but the last must be full.  Each block lands in a heap buffer of
 * exactly blksize, so ASan sees any write past it. */
static size_t read_stream(int fd, size_t blksize, uint8_t *out, size_t cap)
{
	struct netascii_reader nr;
	uint8_t *block = malloc(blksize);
	size_t total = 0;
	ssize_t n;

	assert_non_null(block);
	netascii_reader_init(&nr, fd);
	do {
		n = netascii_read(&nr, block, blksize);
		assert_true(n >= 0 && (size_t)n <= blksize);
		assert_true(total + (size_t)n <= cap);
		memcpy(out + total, block, (size_t)n);
		total += (size_t)n;
	} while ((size_t)n == blksize);
	free(block);
	return total;
}

/* Encodes src through a file and read_stream, and checks the result against
 * ref_encode and netascii_encoded_size. */
static void check_encodes(const uint8_t *src, size_t len, size_t blksize)
{
	uint8_t *want = malloc(2 * len + 1), *got = malloc(2 * len + 1);
	int fd = file_with(src, len);
	size_t want_len, got_len;

	assert_true(want && got);
	want_len = ref_encode(src, len, want);
	got_len = read_stream(fd, blksize, got, 2 * len + 1);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	assert_int_equal(netascii_encoded_size(fd), (int64_t)want_len);
	close(fd);
	free(want);
	free(got);
}

/* Decodes src in chunks of the given sizes (summing to len), each into a
 * heap buffer of exactly the chunk's size, then the end; returns the length. */
static size_t decode_chunked(const uint8_t *src, size_t len, const size_t *chunks,
			     uint8_t *out)
{
	struct netascii_writer nw = { 0 };
	size_t off, total = 0, n, i;
	uint8_t *dst;

	for (off = 0, i = 0; off < len; off += chunks[i++]) {
		dst = malloc(chunks[i]);
		assert_non_null(dst);
		n = netascii_decode(&nw, src + off, chunks[i], dst);
		assert_true(n <= chunks[i]);
		memcpy(out + total, dst, n);
		total += n;
		free(dst);
	}
	return total + netascii_decode_end(&nw, out + total);
}

/* ---------------------------------------------------------------- reading */

static void test_empty_file_reads_nothing(void **state)
{
	struct netascii_reader nr;
	uint8_t block[512];
	int fd = file_with("", 0);

	(void)state;
	netascii_reader_init(&nr, fd);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 0);
	assert_true(nr.eof);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 0);
	assert_int_equal(netascii_encoded_size(fd), 0);
	close(fd);
}

static void test_bytes_other_than_cr_and_lf_pass_unchanged(void **state)
{
	uint8_t src[3 * 254];
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < sizeof src; i++)
		if (i % 256 != '\r' && i % 256 != '\n')
			src[n++] = (uint8_t)i;
	check_encodes(src, n, 512);
	check_encodes(src, n, 7);
}

/* An LF (or CR) before, on and after each block boundary: the pair is cut
 * whenever the CR is a block's last byte, and its second byte must open
 * the next block. */
static void test_pair_at_every_position_relative_to_blocks(void **state)
{
	static const size_t blksizes[] = { 1, 2, 3, 512 };
	static const uint8_t specials[] = { '\n', '\r' };
	uint8_t src[2 * 512 + 5];
	size_t b, s, len, pos;

	(void)state;
	for (b = 0; b < sizeof blksizes / sizeof blksizes[0]; b++) {
		len = 2 * blksizes[b] + 5;
		for (s = 0; s < sizeof specials; s++) {
			for (pos = 0; pos < len; pos++) {
				memset(src, 'x', len);
				src[pos] = specials[s];
				check_encodes(src, len, blksizes[b]);
			}
		}
	}
}

static void test_lf_filling_the_block_exactly_leaves_nothing_pending(void **state)
{
	struct netascii_reader nr;
	uint8_t block[4];
	int fd = file_with("ab\n", 3);

	(void)state;
	netascii_reader_init(&nr, fd);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 4);
	assert_memory_equal(block, "ab\r\n", 4);
	assert_int_equal(nr.pending, -1);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 0);
	close(fd);
}

static void test_cr_at_end_of_file_becomes_cr_nul(void **state)
{
	struct netascii_reader nr;
	uint8_t block[4];
	int fd = file_with("abc\r", 4);

	(void)state;
	netascii_reader_init(&nr, fd);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 4);
	assert_memory_equal(block, "abc\r", 4);
	assert_int_equal(nr.pending, '\0');	/* the NUL did not fit */
	assert_int_equal(netascii_read(&nr, block, sizeof block), 1);
	assert_int_equal(block[0], '\0');
	assert_int_equal(netascii_read(&nr, block, sizeof block), 0);
	assert_int_equal(netascii_encoded_size(fd), 5);
	close(fd);
	check_encodes((const uint8_t *)"abc\r", 4, 512);
}

static void test_crlf_in_file_becomes_cr_nul_cr_lf(void **state)
{
	uint8_t got[16];
	int fd = file_with("a\r\nb", 4);
	size_t blk;

	(void)state;
	for (blk = 1; blk <= 8; blk++) {
		assert_int_equal(read_stream(fd, blk, got, sizeof got), 6);
		assert_memory_equal(got, "a\r\0\r\nb", 6);
	}
	assert_int_equal(netascii_encoded_size(fd), 6);
	close(fd);
}

/* Sizes beyond the 8 KiB read buffer too, and blocks larger than it. */
static void test_encoded_size_matches_bytes_produced(void **state)
{
	static const size_t blksizes[] = { 1, 8, 511, 512, 1408, 4096, 8192, 9000, 65464 };
	uint8_t *src = malloc(20000);
	size_t i, len;

	(void)state;
	assert_non_null(src);
	for (i = 0; i < 150; i++) {
		len = rng() % 20000;
		fill_random(src, len);
		check_encodes(src, len, blksizes[i % (sizeof blksizes / sizeof blksizes[0])]);
	}
	free(src);
}

static void test_len_1_reads_same_stream_as_len_4096(void **state)
{
	uint8_t src[10000];
	uint8_t *one = malloc(2 * sizeof src), *big = malloc(2 * sizeof src);
	size_t n_one, n_big;
	int fd;

	(void)state;
	assert_true(one && big);
	fill_random(src, sizeof src);
	fd = file_with(src, sizeof src);
	n_one = read_stream(fd, 1, one, 2 * sizeof src);
	n_big = read_stream(fd, 4096, big, 2 * sizeof src);
	assert_int_equal(n_one, n_big);
	assert_memory_equal(one, big, n_one);
	close(fd);
	free(one);
	free(big);
}

static void test_read_error_returns_negative_errno(void **state)
{
	struct netascii_reader nr;
	uint8_t block[512];
	int fd = file_with("abc", 3), dir;

	(void)state;
	close(fd);
	netascii_reader_init(&nr, fd);
	assert_int_equal(netascii_read(&nr, block, sizeof block), -EBADF);
	assert_int_equal(netascii_encoded_size(fd), -EBADF);

	dir = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(dir >= 0);
	netascii_reader_init(&nr, dir);
	assert_int_equal(netascii_read(&nr, block, sizeof block), -EISDIR);
	assert_int_equal(netascii_encoded_size(dir), -EISDIR);
	close(dir);
}

/* A failed read consumes nothing, so the stream resumes intact once the file
 * reads again, a pending byte included. */
static void test_failed_read_leaves_reader_to_retry(void **state)
{
	struct netascii_reader nr;
	uint8_t block[3], got[16];
	int fd = file_with("ab\ncd", 5), fd2 = dup(fd);
	size_t n = 0;

	(void)state;
	assert_true(fd2 >= 0);
	netascii_reader_init(&nr, fd2);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 3);	/* "ab\r" */
	memcpy(got, block, 3);
	n = 3;
	close(fd2);
	assert_int_equal(netascii_read(&nr, block, sizeof block), -EBADF);
	assert_int_equal(nr.offset, 3);
	assert_int_equal(nr.pending, '\n');
	assert_int_equal(dup2(fd, fd2), fd2);
	assert_int_equal(netascii_read(&nr, block, sizeof block), 3);	/* "\ncd" */
	memcpy(got + n, block, 3);
	n += 3;
	assert_int_equal(netascii_read(&nr, block, sizeof block), 0);
	assert_memory_equal(got, "ab\r\ncd", n);
	close(fd2);
	close(fd);
}

/* ---------------------------------------------------------------- decoding */

/* CR LF, CR NUL, CR CR LF, a lone CR before a letter, and a trailing CR. */
static const uint8_t sample[] = "x\r\ny\r\0\r\r\nz\rq\r";
static const uint8_t sample_decoded[] = "x\ny\r\r\nz\rq\r";
#define SAMPLE_LEN (sizeof sample - 1)
#define SAMPLE_DECODED_LEN (sizeof sample_decoded - 1)

/* All 2^(n-1) ways to cut the sample, each bit of mask a cut after a byte. */
static void test_decode_every_chunking_of_sample(void **state)
{
	size_t chunks[SAMPLE_LEN], nchunks, start, i;
	uint8_t out[SAMPLE_LEN + 1];
	unsigned mask;

	(void)state;
	for (mask = 0; mask < 1u << (SAMPLE_LEN - 1); mask++) {
		nchunks = 0;
		start = 0;
		for (i = 0; i < SAMPLE_LEN; i++) {
			if (i == SAMPLE_LEN - 1 || mask & 1u << i) {
				chunks[nchunks++] = i + 1 - start;
				start = i + 1;
			}
		}
		assert_int_equal(decode_chunked(sample, SAMPLE_LEN, chunks, out),
				 SAMPLE_DECODED_LEN);
		assert_memory_equal(out, sample_decoded, SAMPLE_DECODED_LEN);
	}
}

static void test_decode_cr_at_chunk_end_then_lf_in_next(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t out[4];

	(void)state;
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"a\r", 2, out), 1);
	assert_int_equal(out[0], 'a');
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"\nb", 2, out), 2);
	assert_memory_equal(out, "\nb", 2);
	assert_int_equal(netascii_decode_end(&nw, out), 0);
}

static void test_decode_cr_at_chunk_end_then_nul_in_next(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t out[4];

	(void)state;
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"a\r", 2, out), 1);
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"\0b", 2, out), 2);
	assert_memory_equal(out, "\rb", 2);
	assert_int_equal(netascii_decode_end(&nw, out), 0);
}

static void test_decode_lone_cr_kept_as_is(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t out[8];
	size_t n;

	(void)state;
	n = netascii_decode(&nw, (const uint8_t *)"a\rb\r\rc", 6, out);
	n += netascii_decode_end(&nw, out + n);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "a\rb\r\rc", 6);
}

/* CR | "bcd" would decode to four bytes from a three-byte chunk: the last
 * is held back rather than written past the chunk's room. */
static void test_decode_lone_cr_across_chunks_stays_within_len(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t *out = malloc(3);

	(void)state;
	assert_non_null(out);
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"\r", 1, out), 0);
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"bcd", 3, out), 3);
	assert_memory_equal(out, "\rbc", 3);
	/* a CR takes no room of its own until its pair is known: caught up */
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"\r\n", 2, out), 2);
	assert_memory_equal(out, "d\n", 2);
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"e", 1, out), 1);
	assert_int_equal(out[0], 'e');
	assert_int_equal(netascii_decode_end(&nw, out), 0);
	free(out);
}

static void test_decode_end_flushes_trailing_cr(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t out[4];

	(void)state;
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"ab\r", 3, out), 2);
	assert_int_equal(netascii_decode_end(&nw, out), 1);
	assert_int_equal(out[0], '\r');
	assert_int_equal(netascii_decode_end(&nw, out), 0);
}

static void test_decode_end_flushes_held_byte(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t out[4];

	(void)state;
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"\r", 1, out), 0);
	assert_int_equal(netascii_decode(&nw, (const uint8_t *)"z", 1, out), 1);
	assert_int_equal(out[0], '\r');
	assert_int_equal(netascii_decode_end(&nw, out), 1);
	assert_int_equal(out[0], 'z');
	assert_int_equal(netascii_decode_end(&nw, out), 0);
}

/* Output never gets ahead of input, so a DATA payload decodes where it lies. */
static void test_decode_in_place(void **state)
{
	struct netascii_writer nw = { 0 };
	uint8_t buf[SAMPLE_LEN];
	size_t n;

	(void)state;
	memcpy(buf, sample, 4);
	n = netascii_decode(&nw, buf, 4, buf);
	memcpy(buf + n, sample + 4, SAMPLE_LEN - 4);
	n += netascii_decode(&nw, buf + n, SAMPLE_LEN - 4, buf + n);
	n += netascii_decode_end(&nw, buf + n);
	assert_int_equal(n, SAMPLE_DECODED_LEN);
	assert_memory_equal(buf, sample_decoded, SAMPLE_DECODED_LEN);
}

static void test_decode_round_trips_what_read_encodes(void **state)
{
	uint8_t src[6000], enc[2 * sizeof src], out[sizeof src];
	size_t chunks[2 * sizeof src], i, nchunks, left, enc_len, c;
	int fd;

	(void)state;
	for (i = 0; i < 50; i++) {
		fill_random(src, sizeof src);
		fd = file_with(src, sizeof src);
		enc_len = read_stream(fd, 1 + rng() % 1500, enc, sizeof enc);
		close(fd);
		for (nchunks = 0, left = enc_len; left > 0; left -= c) {
			c = 1 + rng() % 700;
			c = c < left ? c : left;
			chunks[nchunks++] = c;
		}
		assert_int_equal(decode_chunked(enc, enc_len, chunks, out), sizeof src);
		assert_memory_equal(out, src, sizeof src);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file_reads_nothing),
		cmocka_unit_test(test_bytes_other_than_cr_and_lf_pass_unchanged),
		cmocka_unit_test(test_pair_at_every_position_relative_to_blocks),
		cmocka_unit_test(test_lf_filling_the_block_exactly_leaves_nothing_pending),
		cmocka_unit_test(test_cr_at_end_of_file_becomes_cr_nul),
		cmocka_unit_test(test_crlf_in_file_becomes_cr_nul_cr_lf),
		cmocka_unit_test(test_encoded_size_matches_bytes_produced),
		cmocka_unit_test(test_len_1_reads_same_stream_as_len_4096),
		cmocka_unit_test(test_read_error_returns_negative_errno),
		cmocka_unit_test(test_failed_read_leaves_reader_to_retry),
		cmocka_unit_test(test_decode_every_chunking_of_sample),
		cmocka_unit_test(test_decode_cr_at_chunk_end_then_lf_in_next),
		cmocka_unit_test(test_decode_cr_at_chunk_end_then_nul_in_next),
		cmocka_unit_test(test_decode_lone_cr_kept_as_is),
		cmocka_unit_test(test_decode_lone_cr_across_chunks_stays_within_len),
		cmocka_unit_test(test_decode_end_flushes_trailing_cr),
		cmocka_unit_test(test_decode_end_flushes_held_byte),
		cmocka_unit_test(test_decode_in_place),
		cmocka_unit_test(test_decode_round_trips_what_read_encodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
