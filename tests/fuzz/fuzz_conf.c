/* libFuzzer target: bytes as an INI file through conf_load_string with a
 * schema of every type and a named section, then conf_set, conf_check, conf_free. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct f_main {
	char *name;
	char *root;
	bool flag;
	long long port;
	uint64_t timeout;
	uint64_t blksize;
	int mode;
	struct ip_addr server;
	struct hostport listen;
	struct cidr subnet;
	struct mac_addr mac;
	struct conf_list dns;
	struct conf_list names;
	struct conf_list ports;
};

struct f_host {
	struct mac_addr mac;
	struct ip_addr address;
	char *boot_file;
	struct conf_list nets;
};

static const char *const modes[] = { "fast", "safe", "paranoid", NULL };

#define M(field) offsetof(struct f_main, field)
#define H(field) offsetof(struct f_host, field)

static const struct conf_key main_keys[] = {
	{ .name = "name", .type = CONF_STRING, .offset = M(name) },
	{ .name = "root", .type = CONF_PATH, .offset = M(root), .def = "/srv/tftp" },
	{ .name = "flag", .type = CONF_BOOL, .offset = M(flag), .def = "yes" },
	{ .name = "port", .type = CONF_INT, .offset = M(port), .def = "69", .min = 1, .max = 65535 },
	{ .name = "timeout", .type = CONF_DURATION, .offset = M(timeout), .def = "5s",
	  .min = 10, .max = 7 * 86400000LL },
	{ .name = "blksize", .type = CONF_SIZE, .offset = M(blksize), .def = "1468" },
	{ .name = "mode", .type = CONF_ENUM, .offset = M(mode), .def = "safe", .choices = modes },
	{ .name = "server", .type = CONF_IP, .offset = M(server), .family = AF_UNSPEC },
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = M(listen), .def = ":69",
	  .family = AF_UNSPEC, .port = 69 },
	{ .name = "subnet", .type = CONF_CIDR, .offset = M(subnet), .family = AF_INET },
	{ .name = "mac", .type = CONF_MAC, .offset = M(mac) },
	{ .name = "dns", .type = CONF_LIST, .offset = M(dns), .elem = CONF_IP, .family = AF_INET,
	  .def = "192.0.2.53" },
	{ .name = "names", .type = CONF_LIST, .offset = M(names), .elem = CONF_STRING,
	  .def = "a b" },
	{ .name = "ports", .type = CONF_LIST, .offset = M(ports), .elem = CONF_INT,
	  .min = 1, .max = 65535 },
	{ 0 }
};

static const struct conf_key host_keys[] = {
	{ .name = "mac", .type = CONF_MAC, .offset = H(mac) },
	{ .name = "address", .type = CONF_IP, .offset = H(address), .family = AF_INET },
	{ .name = "boot_file", .type = CONF_STRING, .offset = H(boot_file), .def = "pxelinux.0" },
	{ .name = "nets", .type = CONF_LIST, .offset = H(nets), .elem = CONF_CIDR,
	  .family = AF_UNSPEC },
	{ 0 }
};

/* Cross-key rules that read every value, so bad ones show up under ASan. */
static int main_check(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct f_main *m = sec->data;
	const struct ip_addr *dns = m->dns.items;
	char buf[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < m->dns.count; i++)
		addr_ip_str(&dns[i], buf);
	addr_sa_str((const struct sockaddr *)&m->listen.ss, buf);
	if (m->subnet.addr.family && m->server.family == AF_INET &&
	    !cidr_contains(&m->subnet, &m->server)) {
		*key = "server";
		snprintf(err, errlen, "%s is outside the subnet", addr_ip_str(&m->server, buf));
		return -1;
	}
	if (m->name && strlen(m->name) > 40) {
		snprintf(err, errlen, "name too long");
		return -1;
	}
	return 0;
}

static int host_check(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct f_host *h = sec->data;

	if (h->address.family == 0) {
		*key = "address";
		snprintf(err, errlen, "a host needs an address");
		return -1;
	}
	return 0;
}

static const struct conf_section_def main_def = {
	.name = "main", .size = sizeof(struct f_main), .keys = main_keys, .check = main_check,
};

static const struct conf_section_def host_def = {
	.name = "host", .named = true, .size = sizeof(struct f_host), .keys = host_keys,
	.check = host_check,
};

static const struct conf_section_def *const schema[] = { &main_def, &host_def, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf conf;
	struct conf_error err;
	const struct conf_section *sec;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memset(&err, 0, sizeof err);
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_init(&conf, schema, &err))
		abort();
	if (conf_load_string(&conf, "fuzz.ini", text, &err) == 0) {
		conf_set(&conf, "main", "port", "1069", "--port", &err);
		for (sec = conf_next(&conf, "host", NULL); sec; sec = conf_next(&conf, "host", sec))
			conf_key_origin(sec, "address");
		conf_check(&conf, &err);
	}
	if (!memchr(err.msg, '\0', sizeof err.msg))
		abort();
	conf_free(&conf);
	free(text);
	return 0;
}
