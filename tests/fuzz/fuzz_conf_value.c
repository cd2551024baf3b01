/* libFuzzer target: the first byte picks a key (a type with its range,
 * family, choices or port), the rest is the text to parse. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const colors[] = { "red", "green", "blue", NULL };

static const struct conf_key keys[] = {
	{ .name = "string", .type = CONF_STRING },
	{ .name = "path", .type = CONF_PATH },
	{ .name = "bool", .type = CONF_BOOL },
	{ .name = "int", .type = CONF_INT },
	{ .name = "port", .type = CONF_INT, .min = 1, .max = 65535 },
	{ .name = "duration", .type = CONF_DURATION },
	{ .name = "timeout", .type = CONF_DURATION, .min = 1000, .max = 3600000 },
	{ .name = "size", .type = CONF_SIZE },
	{ .name = "blksize", .type = CONF_SIZE, .min = 8, .max = 65464 },
	{ .name = "enum", .type = CONF_ENUM, .choices = colors },
	{ .name = "ip", .type = CONF_IP, .family = AF_UNSPEC },
	{ .name = "ip4", .type = CONF_IP, .family = AF_INET },
	{ .name = "ip6", .type = CONF_IP, .family = AF_INET6 },
	{ .name = "listen", .type = CONF_HOSTPORT, .family = AF_UNSPEC, .port = 69 },
	{ .name = "listen4", .type = CONF_HOSTPORT, .family = AF_INET, .port = 67 },
	{ .name = "listen6", .type = CONF_HOSTPORT, .family = AF_INET6, .port = 0 },
	{ .name = "net", .type = CONF_CIDR, .family = AF_UNSPEC },
	{ .name = "net4", .type = CONF_CIDR, .family = AF_INET },
	{ .name = "mac", .type = CONF_MAC },
	{ .name = "ips", .type = CONF_LIST, .elem = CONF_IP, .family = AF_UNSPEC },
	{ .name = "names", .type = CONF_LIST, .elem = CONF_STRING },
	{ .name = "paths", .type = CONF_LIST, .elem = CONF_PATH },
	{ .name = "ports", .type = CONF_LIST, .elem = CONF_INT, .min = 1, .max = 65535 },
	{ .name = "colors", .type = CONF_LIST, .elem = CONF_ENUM, .choices = colors },
	{ .name = "sizes", .type = CONF_LIST, .elem = CONF_SIZE },
	{ .name = "nets", .type = CONF_LIST, .elem = CONF_CIDR, .family = AF_UNSPEC },
	{ .name = "macs", .type = CONF_LIST, .elem = CONF_MAC },
	{ .name = "lists", .type = CONF_LIST, .elem = CONF_LIST },
};

/* Prints what parsed, so the printers see every value the parsers accept. */
static void show(const struct conf_key *key, const void *v)
{
	char buf[ADDR_STRLEN];

	switch (key->type) {
	case CONF_IP:
		addr_ip_str(v, buf);
		break;
	case CONF_HOSTPORT:
		addr_sa_str((const struct sockaddr *)&((const struct hostport *)v)->ss, buf);
		break;
	case CONF_CIDR:
		addr_cidr_str(v, buf);
		break;
	case CONF_MAC:
		addr_mac_str(v, buf);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct conf_key *key;
	struct conf_key elem;
	const struct conf_list *list;
	uint64_t v[32];		/* room for any value, aligned */
	char err[512], *text;
	size_t i, esize;

	if (size == 0)
		return 0;
	key = &keys[data[0] % (sizeof keys / sizeof keys[0])];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(v, 0, sizeof v);
	if (conf_value_parse(key, text, v, err, sizeof err) == 0) {
		show(key, v);
		if (key->type == CONF_LIST) {
			list = (const struct conf_list *)v;
			elem = *key;
			elem.type = key->elem;
			esize = conf_value_size(elem.type);
			for (i = 0; i < list->count; i++)
				show(&elem, (const char *)list->items + i * esize);
		}
		/* Parsing over a value frees the old one first. */
		conf_value_parse(key, text, v, err, sizeof err);
	} else if (!memchr(err, '\0', sizeof err) || !err[0]) {
		abort();
	}
	conf_value_free(key, v);
	free(text);
	return 0;
}
