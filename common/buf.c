/* Bounds-checked reader and writer: the only place that does arithmetic on
 * packet pointers. */
#include "buf.h"

#include <string.h>

struct reader reader_init(const void *data, size_t len)
{
	struct reader r = { .data = data, .len = data ? len : 0 };

	return r;
}

bool reader_ok(const struct reader *r)
{
	return !r->failed;
}

size_t reader_left(const struct reader *r)
{
	return r->failed ? 0 : r->len - r->off;
}

size_t reader_offset(const struct reader *r)
{
	return r->off;
}

void reader_fail(struct reader *r)
{
	r->failed = true;
}

/* Claims n bytes, or fails the reader and returns NULL. */
static const uint8_t *take(struct reader *r, size_t n)
{
	const uint8_t *p;

	if (r->failed || n > r->len - r->off) {
		r->failed = true;
		return NULL;
	}
	p = r->data + r->off;
	r->off += n;
	return p;
}

uint8_t read_u8(struct reader *r)
{
	const uint8_t *p = take(r, 1);

	return p ? p[0] : 0;
}

uint16_t read_u16(struct reader *r)
{
	const uint8_t *p = take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t read_u32(struct reader *r)
{
	const uint8_t *p = take(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

uint64_t read_u64(struct reader *r)
{
	uint64_t hi = read_u32(r);
	uint64_t lo = read_u32(r);

	return r->failed ? 0 : hi << 32 | lo;
}

bool read_bytes(struct reader *r, void *dst, size_t n)
{
	const uint8_t *p = take(r, n);

	if (!p)
		return false;
	if (n)
		memcpy(dst, p, n);
	return true;
}

void read_skip(struct reader *r, size_t n)
{
	take(r, n);
}

const uint8_t *read_ptr(struct reader *r, size_t n)
{
	return take(r, n);
}

struct reader read_sub(struct reader *r, size_t n)
{
	const uint8_t *p = take(r, n);
	struct reader sub = reader_init(p, n);

	if (!p)
		sub.failed = true;
	return sub;
}

size_t read_cstr(struct reader *r, char *dst, size_t dstsz)
{
	const uint8_t *start, *nul;
	size_t n;

	if (r->failed || dstsz == 0) {
		r->failed = true;
		return 0;
	}
	start = r->data + r->off;
	nul = memchr(start, '\0', r->len - r->off);
	if (!nul || (size_t)(nul - start) >= dstsz) {
		r->failed = true;
		dst[0] = '\0';
		return 0;
	}
	n = (size_t)(nul - start);
	memcpy(dst, start, n + 1);
	r->off += n + 1;
	return n;
}

void read_align(struct reader *r, size_t align)
{
	size_t rem = align ? r->off % align : 0;

	if (rem)
		take(r, align - rem);
}

struct writer writer_init(void *data, size_t cap)
{
	struct writer w = { .data = data, .cap = data ? cap : 0 };

	return w;
}

bool writer_ok(const struct writer *w)
{
	return !w->failed;
}

size_t writer_len(const struct writer *w)
{
	return w->len;
}

size_t writer_left(const struct writer *w)
{
	return w->failed ? 0 : w->cap - w->len;
}

/* Claims n bytes of room, or fails the writer and returns NULL. */
static uint8_t *room(struct writer *w, size_t n)
{
	uint8_t *p;

	if (w->failed || n > w->cap - w->len) {
		w->failed = true;
		return NULL;
	}
	p = w->data + w->len;
	w->len += n;
	return p;
}

void write_u8(struct writer *w, uint8_t v)
{
	uint8_t *p = room(w, 1);

	if (p)
		p[0] = v;
}

void write_u16(struct writer *w, uint16_t v)
{
	uint8_t *p = room(w, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void write_u32(struct writer *w, uint32_t v)
{
	uint8_t *p = room(w, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

void write_u64(struct writer *w, uint64_t v)
{
	if (writer_left(w) < 8) {
		w->failed = true;
		return;
	}
	write_u32(w, (uint32_t)(v >> 32));
	write_u32(w, (uint32_t)v);
}

void write_bytes(struct writer *w, const void *src, size_t n)
{
	uint8_t *p = room(w, n);

	if (p && n)
		memcpy(p, src, n);
}

void write_zero(struct writer *w, size_t n)
{
	uint8_t *p = room(w, n);

	if (p && n)
		memset(p, 0, n);
}

void write_cstr(struct writer *w, const char *s)
{
	write_bytes(w, s, strlen(s) + 1);
}

void write_align(struct writer *w, size_t align)
{
	size_t rem = align ? w->len % align : 0;

	if (rem)
		write_zero(w, align - rem);
}

size_t write_reserve(struct writer *w, size_t n)
{
	size_t off = w->len;

	if (!room(w, n))
		return SIZE_MAX;
	memset(w->data + off, 0, n);
	return off;
}

/* Patches must land inside what was written: a bad offset fails the writer. */
static uint8_t *patch(struct writer *w, size_t off, size_t n)
{
	if (w->failed || off > w->len || n > w->len - off) {
		w->failed = true;
		return NULL;
	}
	return w->data + off;
}

void write_u8_at(struct writer *w, size_t off, uint8_t v)
{
	uint8_t *p = patch(w, off, 1);

	if (p)
		p[0] = v;
}

void write_u16_at(struct writer *w, size_t off, uint16_t v)
{
	uint8_t *p = patch(w, off, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void write_u32_at(struct writer *w, size_t off, uint32_t v)
{
	uint8_t *p = patch(w, off, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}
