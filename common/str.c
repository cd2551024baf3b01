/* Small string helpers that several modules need. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "str.h"

void str_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void vmessage(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vmessage(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
}

void str_message(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, errlen, fmt, ap);
	va_end(ap);
}

int str_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool str_to_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static const char hex[] = "0123456789abcdef";

char *str_hex_colons(char *dst, size_t dstsz, const uint8_t *b, size_t n)
{
	size_t o = 0;

	if (!dstsz)
		return dst;
	for (size_t i = 0; i < n && o + (i > 0) + 3 <= dstsz; i++) {
		if (i > 0)
			dst[o++] = ':';
		dst[o++] = hex[b[i] >> 4];
		dst[o++] = hex[b[i] & 15];
	}
	dst[o] = '\0';
	return dst;
}

void str_escape_controls(char *dst, size_t dstsz, const char *src)
{
	size_t o = 0;

	if (!dstsz)
		return;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c != 0x7f) {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)c;
			continue;
		}
		if (o + 4 >= dstsz)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	dst[o] = '\0';
}
