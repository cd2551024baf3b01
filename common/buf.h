/* Bounds-checked reader and writer over byte buffers: every packet parser and
 * serializer in pxesuite goes through these, never through struct overlays. */
#ifndef PXE_BUF_H
#define PXE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read past the end marks the reader failed, returns zero, and every later
 * read fails too: a parser reads all its fields, then checks reader_ok() once. */
struct reader {
	const uint8_t *data;
	size_t len;
	size_t off;
	bool failed;
};

struct reader reader_init(const void *data, size_t len);
bool reader_ok(const struct reader *r);
size_t reader_left(const struct reader *r);
size_t reader_offset(const struct reader *r);
/* For semantic errors found while parsing (a bad length, a bad value). */
void reader_fail(struct reader *r);

uint8_t read_u8(struct reader *r);
uint16_t read_u16(struct reader *r);	/* network byte order */
uint32_t read_u32(struct reader *r);
uint64_t read_u64(struct reader *r);
bool read_bytes(struct reader *r, void *dst, size_t n);
void read_skip(struct reader *r, size_t n);
/* A view of the next n bytes, valid while the buffer is; NULL on failure. */
const uint8_t *read_ptr(struct reader *r, size_t n);
/* A reader limited to the next n bytes; the parent moves past them. */
struct reader read_sub(struct reader *r, size_t n);
/* A NUL-terminated string into dst (NUL included).  Fails when the buffer
 * ends before a NUL or when the string does not fit in dstsz.  Returns the
 * string length. */
size_t read_cstr(struct reader *r, char *dst, size_t dstsz);
/* Skip to the next multiple of align bytes from the start (XDR padding). */
void read_align(struct reader *r, size_t align);

/* A write that does not fit marks the writer failed and writes nothing more. */
struct writer {
	uint8_t *data;
	size_t cap;
	size_t len;
	bool failed;
};

struct writer writer_init(void *data, size_t cap);
bool writer_ok(const struct writer *w);
size_t writer_len(const struct writer *w);
size_t writer_left(const struct writer *w);

void write_u8(struct writer *w, uint8_t v);
void write_u16(struct writer *w, uint16_t v);
void write_u32(struct writer *w, uint32_t v);
void write_u64(struct writer *w, uint64_t v);
void write_bytes(struct writer *w, const void *src, size_t n);
void write_zero(struct writer *w, size_t n);
/* The string and its NUL. */
void write_cstr(struct writer *w, const char *s);
/* Zero bytes up to the next multiple of align (XDR padding). */
void write_align(struct writer *w, size_t align);
/* Reserve n bytes to fill later (a length known only at the end); returns
 * their offset, or SIZE_MAX on failure. */
size_t write_reserve(struct writer *w, size_t n);
/* Overwrite bytes already written, at an offset from write_reserve(). */
void write_u8_at(struct writer *w, size_t off, uint8_t v);
void write_u16_at(struct writer *w, size_t off, uint16_t v);
void write_u32_at(struct writer *w, size_t off, uint32_t v);

#endif
