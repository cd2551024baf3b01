/* netascii for pxe-tftpd (RFC 764, RFC 1350 §1): encodes a file for an RRQ
 * block by block, and decodes the DATA of a WRQ. */
#include <config.h>

#include "netascii.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#define NUL	0x00
#define LF	0x0a
#define CR	0x0d

/* What a pread of the file takes at once; on the stack, no allocation. */
#define CHUNK	8192

static ssize_t pread_retry(int fd, uint8_t *buf, size_t len, off_t offset)
{
	ssize_t r;

	do {
		r = pread(fd, buf, len, offset);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* RFC 764: LF goes out as CR LF, CR as CR NUL; the second byte of the
 * pair, or -1 for a byte that passes as it is. */
static int pair_second(uint8_t c)
{
	if (c == LF)
		return LF;
	if (c == CR)
		return NUL;
	return -1;
}

/* Encodes src into dst from *n up to len; returns how much of src it used.
 * A pair cut by the end of dst leaves its second byte in *pending. */
static size_t encode(const uint8_t *src, size_t srclen, uint8_t *dst, size_t len,
		     size_t *n, int *pending)
{
	size_t i;
	int second;

	for (i = 0; i < srclen && *n < len; i++) {
		second = pair_second(src[i]);
		if (second < 0) {
			dst[(*n)++] = src[i];
			continue;
		}
		dst[(*n)++] = CR;
		if (*n == len) {
			*pending = second;
			return i + 1;
		}
		dst[(*n)++] = (uint8_t)second;
	}
	return i;
}

void netascii_reader_init(struct netascii_reader *nr, int fd)
{
	nr->fd = fd;
	nr->offset = 0;
	nr->pending = -1;
	nr->eof = false;
}

ssize_t netascii_read(struct netascii_reader *nr, uint8_t *dst, size_t len)
{
	uint8_t buf[CHUNK];
	off_t offset = nr->offset;
	int pending = nr->pending;
	size_t n = 0, want;
	ssize_t got;

	if (len > SSIZE_MAX)
		return -EINVAL;
	if (len > 0 && nr->pending >= 0) {
		dst[n++] = (uint8_t)nr->pending;
		nr->pending = -1;
	}
	while (n < len && !nr->eof) {
		/* each byte encodes to one or two, so this much is never too much */
		want = len - n < sizeof buf ? len - n : sizeof buf;
		got = pread_retry(nr->fd, buf, want, nr->offset);
		if (got < 0) {
			/* as if never called: a retry sends the same bytes */
			nr->offset = offset;
			nr->pending = pending;
			return got;
		}
		if (got == 0) {
			nr->eof = true;
			break;
		}
		nr->offset += (off_t)encode(buf, (size_t)got, dst, len, &n, &nr->pending);
	}
	return (ssize_t)n;
}

int64_t netascii_encoded_size(int fd)
{
	uint8_t buf[CHUNK];
	int64_t size = 0;
	off_t offset = 0;
	ssize_t got, i;

	while ((got = pread_retry(fd, buf, sizeof buf, offset)) > 0) {
		offset += got;
		size += got;
		for (i = 0; i < got; i++)
			size += pair_second(buf[i]) >= 0;
	}
	return got < 0 ? got : size;
}

static void hold(struct netascii_writer *nw, uint8_t c)
{
	nw->held = true;
	nw->held_byte = c;
}

/* One byte in, at most one out: the output never gets ahead of the input,
 * so a call fills at most len bytes and dst may be src itself.  A lone CR
 * followed by c would need two, so c is held back and goes out one byte
 * later; each byte after it shifts by one until the next CR, which takes
 * no room of its own until the byte after it is known. */
static bool decode_byte(struct netascii_writer *nw, uint8_t c, uint8_t *out)
{
	if (nw->cr) {
		nw->cr = c == CR;
		*out = c == LF ? LF : CR;
		if (c != LF && c != NUL && c != CR)
			hold(nw, c);	/* lenient, as tftp-hpa: CR c stays CR c */
		return true;
	}
	if (nw->held) {
		*out = nw->held_byte;
		nw->held = false;
		if (c == CR)
			nw->cr = true;
		else
			hold(nw, c);
		return true;
	}
	if (c == CR) {
		nw->cr = true;
		return false;
	}
	*out = c;
	return true;
}

size_t netascii_decode(struct netascii_writer *nw, const uint8_t *src, size_t len,
		       uint8_t *dst)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += decode_byte(nw, src[i], &dst[n]);
	return n;
}

/* A CR and a held byte are never both pending: a CR takes the held byte's
 * place in the output. */
size_t netascii_decode_end(struct netascii_writer *nw, uint8_t *out)
{
	if (nw->cr) {
		nw->cr = false;
		*out = CR;
		return 1;
	}
	if (nw->held) {
		nw->held = false;
		*out = nw->held_byte;
		return 1;
	}
	return 0;
}
