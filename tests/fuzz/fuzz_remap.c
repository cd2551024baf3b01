/* libFuzzer target for pxe-tftpd's name handling: remap rules applied to a
 * name, and path_normalize, whose result must never leave the root.
 * Input: a flags byte (request kind, client family, output size), the
 * rules text, a NUL, then the name. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "remap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char srv_tftp[] = "/srv/tftp";
static char slash[] = "/";

/* What any normalized name must be: not empty, relative, no empty, "." or
 * ".." component, no control character, fits. */
static void check_normalized(const char *s, size_t outsz)
{
	const char *p = s;
	size_t n, i;

	if (!*s || *s == '/' || strlen(s) >= outsz)
		abort();
	for (;;) {
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		for (i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				abort();
		if (!p[n])
			return;
		p += n + 1;
	}
}

/* Normalizes name under root /srv/tftp, root / and no root: each result
 * is checked, and normalizing it again changes nothing. */
static void normalize(const char *name)
{
	char *roots[] = { srv_tftp, slash, NULL };
	char out[PATH_NAME_MAX], again[PATH_NAME_MAX];
	struct path_root root = { .dirfd = -1 };
	size_t i;

	for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		root.path = roots[i];
		if (path_normalize(&root, name, out, sizeof out) != 0) {
			if (out[0])
				abort();
			continue;
		}
		check_normalized(out, sizeof out);
		if (path_normalize(&root, out, again, sizeof again) != 0 || strcmp(out, again))
			abort();
	}
}

/* Flags bits 1-2: no client, IPv4 or IPv6 (two ways). */
static const struct ip_addr *client_for(uint8_t flags)
{
	static struct ip_addr clients[4];

	clients[1].family = AF_INET;
	clients[1].v4.s_addr = htonl(0xC0A8010A);
	clients[2].family = AF_INET6;
	clients[2].v6.s6_addr[0] = 0x20;
	clients[2].v6.s6_addr[15] = 1;
	clients[3] = clients[2];
	return flags >> 1 & 3 ? &clients[flags >> 1 & 3] : NULL;
}

/* Flags bit 0: a write request; bits 4-5: the output size. */
static void remap(const char *rules_text, const char *name, uint8_t flags)
{
	static const size_t sizes[] = { 1, 16, 64, PATH_NAME_MAX };
	size_t outsz = sizes[flags >> 4 & 3];
	struct remap *rules;
	char err[256], *out;
	int rc;

	if (remap_parse("fuzz", rules_text, &rules, err, sizeof err) != 0) {
		if (rules || !memchr(err, '\0', sizeof err) || strncmp(err, "fuzz:", 5))
			abort();
		return;
	}
	out = malloc(outsz);
	if (!out)
		abort();
	rc = remap_apply(rules, name, flags & 1, client_for(flags), out, outsz);
	if (rc == 0) {
		if (strlen(out) >= outsz)
			abort();
		normalize(out);
	} else if (rc != -EACCES && rc != -ENAMETOOLONG && rc != -ELOOP && rc != -ENOMEM) {
		abort();
	} else if (out[0]) {
		abort();
	}
	free(out);
	remap_free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *name;
	size_t len;

	if (size == 0)
		return 0;
	/* A NUL-terminated copy of everything after the flags byte; the rules
	 * end at its first NUL, the name runs from there to the next. */
	text = malloc(size);
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	len = strlen(text);
	name = text + len + (len < size - 1);
	remap(text, name, data[0]);
	normalize(name);
	normalize(text);
	free(text);
	return 0;
}
