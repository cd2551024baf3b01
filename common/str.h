/* Small string helpers that several modules need. */
#ifndef PXE_STR_H
#define PXE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends to the NUL-terminated string in buf (size bytes), truncating. */
void str_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a message for the caller into err (errlen bytes; err may be NULL). */
void str_message(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a message for the caller into err (errlen bytes; err may be NULL)
 * and returns -EINVAL: the error path of every parser of text. */
int str_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Decimal digits only (no sign, no blanks, not empty), at most max, into
 * *out; false otherwise. */
bool str_to_uint(const char *s, unsigned long long max, unsigned long long *out);

/* Copies src into dst (dstsz bytes) with control bytes written as \xNN, so
 * that text a client chose cannot forge lines; always terminates. */
void str_escape_controls(char *dst, size_t dstsz, const char *src);

/* The n bytes at b as lowercase hex pairs joined by ':' ("52:54:00:12:34:56"),
 * as many whole pairs as fit in dst (dstsz bytes); always terminates.
 * Returns dst. */
char *str_hex_colons(char *dst, size_t dstsz, const uint8_t *b, size_t n);

#endif
