/* Small string helpers that several modules need. */
#ifndef PXE_STR_H
#define PXE_STR_H

#include <stddef.h>

/* Appends to the NUL-terminated string in buf (size bytes), truncating. */
void str_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
