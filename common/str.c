/* Small string helpers that several modules need. */
#include <config.h>

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
