/* libFuzzer target for pxectl's repomd.xml scanner (pxectl/repomd.c):
 * every href it gives is a string that fits, and a refusal says why. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repomd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void found(void *arg, const char *href)
{
	size_t *count = arg;

	if (strlen(href) >= REPOMD_HREF_MAX)
		abort();
	(*count)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	size_t count = 0;

	if (repomd_locations((const char *)data, size, found, &count, err, sizeof err) < 0 &&
	    err[0] == '\0')
		abort();
	return 0;
}
