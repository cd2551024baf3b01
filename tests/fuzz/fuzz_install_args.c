/* libFuzzer target for pxectl's kernel argument scanner
 * (pxectl/install_args.c): each source found lies within the arguments
 * and its host and path are terminated strings, the path absolute. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "install_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
	const char *text;
	size_t len;
};

static void found(void *arg, const struct install_source *src)
{
	const struct span *s = arg;

	if (src->arg < s->text || src->arg + src->arglen > s->text + s->len ||
	    !memchr(src->host, '\0', sizeof src->host) ||
	    !memchr(src->path, '\0', sizeof src->path) ||
	    (src->path[0] && src->path[0] != '/'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct span s;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	s = (struct span){ text, strlen(text) };
	install_args_scan(text, found, &s);
	free(text);
	return 0;
}
