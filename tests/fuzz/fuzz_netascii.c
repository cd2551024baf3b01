/* Fuzz target for tftpd/netascii.c: the input as a file read through
 * netascii_read in blocks, its size checked against netascii_encoded_size,
 * the stream decoded back in uneven chunks; abort() unless it round-trips. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netascii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* 1..64 one by one, where pairs split most often, then up to 4096. */
static size_t block_size(uint8_t b)
{
	return b < 64 ? (size_t)b + 1 : 64 + (size_t)(b - 63) * 21;
}

/* The server's loop: blocks until a short one, all others full.  Each block
 * goes to a heap buffer of exactly blksize, so ASan sees any overrun. */
static size_t encode_file(int fd, size_t blksize, uint8_t *out, size_t cap)
{
	struct netascii_reader nr;
	uint8_t *block = malloc(blksize);
	size_t total = 0;
	ssize_t n;

	check(block != NULL);
	netascii_reader_init(&nr, fd);
	do {
		n = netascii_read(&nr, block, blksize);
		check(n >= 0 && (size_t)n <= blksize && total + (size_t)n <= cap);
		memcpy(out + total, block, (size_t)n);
		total += (size_t)n;
	} while ((size_t)n == blksize);
	check(netascii_read(&nr, block, blksize) == 0);
	free(block);
	return total;
}

/* Decodes src in chunks of 1..600 bytes picked by seed, each into a heap
 * buffer of exactly the chunk's size; the decoded length. */
static size_t decode_chunked(const uint8_t *src, size_t len, uint32_t seed, uint8_t *out)
{
	struct netascii_writer nw = { 0 };
	size_t off, chunk, n, total = 0;
	uint8_t *dst;

	for (off = 0; off < len; off += chunk) {
		seed = seed * 1103515245 + 12345;
		chunk = 1 + (seed >> 16) % 600;
		if (chunk > len - off)
			chunk = len - off;
		dst = malloc(chunk);
		check(dst != NULL);
		n = netascii_decode(&nw, src + off, chunk, dst);
		check(n <= chunk);
		memcpy(out + total, dst, n);
		total += n;
		free(dst);
	}
	return total + netascii_decode_end(&nw, out + total);
}

/* The input as a client's netascii, lone CRs and all: any chunking decodes
 * to what one call over the whole does. */
static void check_decode_any_chunking(const uint8_t *data, size_t size, uint32_t seed)
{
	struct netascii_writer nw = { 0 };
	uint8_t *whole = malloc(size + 1), *chunked = malloc(size + 1);
	size_t n_whole, n_chunked;

	check(whole && chunked);
	n_whole = netascii_decode(&nw, data, size, whole);
	n_whole += netascii_decode_end(&nw, whole + n_whole);
	n_chunked = decode_chunked(data, size, seed, chunked);
	check(n_whole == n_chunked && n_whole <= size);
	check(memcmp(whole, chunked, n_whole) == 0);
	free(whole);
	free(chunked);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *enc, *dec;
	size_t enc_len, dec_len;
	uint32_t seed;
	int fd;

	if (size == 0)
		return 0;
	seed = (uint32_t)size * 2654435761u ^ data[size - 1];
	fd = memfd_create("fuzz_netascii", 0);
	check(fd >= 0);
	check(write(fd, data, size) == (ssize_t)size);
	enc = malloc(2 * size);
	dec = malloc(2 * size + 1);
	check(enc && dec);

	enc_len = encode_file(fd, block_size(data[0]), enc, 2 * size);
	check(netascii_encoded_size(fd) == (int64_t)enc_len);
	dec_len = decode_chunked(enc, enc_len, seed, dec);
	check(dec_len == size && memcmp(dec, data, size) == 0);
	check_decode_any_chunking(data, size, seed);

	free(enc);
	free(dec);
	close(fd);
	return 0;
}
