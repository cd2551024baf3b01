/* pxe-dhcpd's boot decisions: which boot file and next server a network-boot
 * client gets, and the options that carry them; see pxe.h for the rules. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "pxe.h"

#define VENDOR_PXE "PXEClient"
#define VENDOR_HTTP "HTTPClient"
#define USER_CLASS_IPXE "iPXE"

/* Whether option code's value starts with prefix. */
static bool opt_has_prefix(const struct dhcp_msg *m, uint8_t code, const char *prefix)
{
	size_t len, n = strlen(prefix);
	const uint8_t *v = dhcp_msg_get(m, code, &len);

	return v && len >= n && memcmp(v, prefix, n) == 0;
}

/* RFC 3004 §4: option 77 is a list of items, each a length byte and the
 * class; the list names every class the client is in.  iPXE (and clients
 * older than RFC 3004) send one class bare, "iPXE" rather than "\x04iPXE". */
static bool user_class_is(const struct dhcp_msg *m, const char *name)
{
	size_t len, n = strlen(name);
	const uint8_t *v = dhcp_msg_get(m, OPT_USER_CLASS, &len);
	struct reader r;
	bool found = false;

	if (!v)
		return false;
	if (len == n && memcmp(v, name, n) == 0)
		return true;
	r = reader_init(v, len);
	while (reader_ok(&r) && reader_left(&r) > 0) {
		uint8_t ilen = read_u8(&r);
		const uint8_t *item = read_ptr(&r, ilen);

		if (item && ilen == n && memcmp(item, name, n) == 0)
			found = true;
	}
	/* Only a list that parses to its last byte is a list. */
	return found && reader_ok(&r);
}

/* Whether req's option 55 (RFC 2132 §9.8) asks for code. */
static bool requested(const struct dhcp_msg *req, uint8_t code)
{
	size_t len;
	const uint8_t *v = dhcp_msg_get(req, OPT_PARAM_REQUEST, &len);
	struct reader r = reader_init(v, v ? len : 0);

	while (reader_left(&r) > 0)
		if (read_u8(&r) == code)
			return true;
	return false;
}

void pxe_classify(const struct dhcp_msg *req, struct pxe_client *c)
{
	memset(c, 0, sizeof *c);
	c->pxe = opt_has_prefix(req, OPT_VENDOR_CLASS, VENDOR_PXE);
	c->http = opt_has_prefix(req, OPT_VENDOR_CLASS, VENDOR_HTTP);
	c->ipxe = user_class_is(req, USER_CLASS_IPXE);
	c->etherboot = dhcp_msg_has(req, OPT_ETHERBOOT);
	/* RFC 4578 §2.1: a list of 16-bit types; the first is the client's
	 * own.  dhcp_msg_decode() dropped values of odd or zero length. */
	c->has_arch = dhcp_msg_get_u16(req, OPT_CLIENT_ARCH, &c->arch);
	if (!c->has_arch)
		c->arch = PXE_ARCH_X86_BIOS;
}

static bool arch_listed(const struct dhcpd_class *k, uint16_t arch)
{
	for (size_t i = 0; i < k->narch; i++)
		if (k->arch[i] == arch)
			return true;
	return false;
}

/* Whether the client's [subnet] lies inside one of the class's networks. */
static bool subnet_listed(const struct dhcpd_class *k, const struct dhcpd_subnet *s)
{
	for (size_t i = 0; s && i < k->nnets; i++) {
		uint32_t net = ntohl(k->nets[i].addr.v4.s_addr);
		uint32_t mask = k->nets[i].prefix ? ~0u << (32 - k->nets[i].prefix) : 0;

		if ((s->net & mask) == net && (s->mask & mask) == mask)
			return true;
	}
	return false;
}

bool pxe_class_matches(const struct dhcpd_class *k, const struct dhcp_msg *req,
		       const struct dhcpd_subnet *subnet)
{
	uint16_t arch;

	if (k->vendor_class && !opt_has_prefix(req, OPT_VENDOR_CLASS, k->vendor_class))
		return false;
	if (k->user_class && !user_class_is(req, k->user_class))
		return false;
	if (k->narch && !(dhcp_msg_get_u16(req, OPT_CLIENT_ARCH, &arch) && arch_listed(k, arch)))
		return false;
	if (k->nnets && !subnet_listed(k, subnet))
		return false;
	return true;
}

const struct dhcpd_class *pxe_class_find(const struct dhcpd_config *cfg,
					 const struct dhcp_msg *req,
					 const struct dhcpd_subnet *subnet)
{
	for (size_t i = 0; i < cfg->nclasses; i++)
		if (pxe_class_matches(&cfg->classes[i], req, subnet))
			return &cfg->classes[i];
	return NULL;
}

/* Step (e) of pxe.h: [dhcpd]'s key for the architecture, and no other. */
static const char *arch_boot_file(const struct conf_dhcpd *d, const struct pxe_client *c)
{
	const char *f;

	if (c->http || c->arch == PXE_ARCH_HTTP_X86_64 || c->arch == PXE_ARCH_HTTP_ARM64)
		f = d->boot_file_http;
	else if (c->arch == PXE_ARCH_X86_BIOS)
		f = d->boot_file;
	else if (c->arch == PXE_ARCH_EFI_IA32)
		f = d->boot_file_efi32;
	else if (c->arch == PXE_ARCH_EFI_BC || c->arch == PXE_ARCH_EFI_X86_64)
		f = d->boot_file_efi64;
	else if (c->arch == PXE_ARCH_EFI_ARM64)
		f = d->boot_file_arm64;
	else
		f = NULL;
	return conf_str_set(f) ? f : NULL;
}

static const char *choose_file(const struct dhcpd_config *cfg, const struct pxe_boot *b)
{
	const struct conf_dhcpd *d = cfg->d;

	if (b->client.ipxe && conf_str_set(d->ipxe_script))
		return d->ipxe_script;
	if (b->host && b->host->boot_file)
		return b->host->boot_file;
	if (b->klass && b->klass->boot_file)
		return b->klass->boot_file;
	return arch_boot_file(d, &b->client);
}

static struct in_addr choose_next_server(const struct dhcpd_config *cfg,
					 const struct pxe_boot *b, struct in_addr server)
{
	if (b->host && b->host->next_server.s_addr)
		return b->host->next_server;
	if (b->klass && b->klass->next_server.s_addr)
		return b->klass->next_server;
	if (b->subnet && b->subnet->next_server.s_addr)
		return b->subnet->next_server;
	if (cfg->d->next_server.v4.s_addr)
		return cfg->d->next_server.v4;
	return server;
}

void pxe_boot_choose(const struct dhcpd_config *cfg, const struct dhcp_msg *req,
		     const struct dhcpd_subnet *subnet, const struct dhcpd_host *host,
		     struct in_addr server, struct pxe_boot *b)
{
	memset(b, 0, sizeof *b);
	pxe_classify(req, &b->client);
	b->subnet = subnet;
	b->host = host;
	b->klass = pxe_class_find(cfg, req, subnet);
	b->file = choose_file(cfg, b);
	b->next_server = choose_next_server(cfg, b, server);
}

static int set_str(struct dhcp_msg *m, uint8_t code, const char *s)
{
	return dhcp_msg_set(m, code, s, strlen(s));
}

int pxe_reply_boot(struct dhcp_msg *reply, const struct dhcp_msg *req, const struct pxe_boot *b,
		   bool proxy)
{
	/* iPXE's option 175 holding sub-option 176 (one byte) = 1. */
	static const uint8_t no_proxydhcp[] = { PXE_IPXE_NO_PXEDHCP, 1, 1 };
	/* PXE 2.1 table 2-1: sub-option 6 (one byte), then END. */
	static const uint8_t discovery[] = {
		PXE_DISCOVERY_CONTROL, 1, PXE_DISCOVERY_USE_BOOTFILE, OPT_END,
	};
	const struct pxe_client *c = &b->client;
	char next[INET_ADDRSTRLEN];
	size_t flen;
	int rc = 0;

	if (!b->file)
		return 0;
	/* RFC 2131 §2: file is a NUL-terminated name in 128 bytes. */
	flen = strlen(b->file);
	if (flen >= DHCP_FILE_LEN)
		return -ENAMETOOLONG;
	reply->siaddr = b->next_server;
	memcpy(reply->file, b->file, flen + 1);

	if (requested(req, OPT_TFTP_SERVER) && b->next_server.s_addr &&
	    inet_ntop(AF_INET, &b->next_server, next, sizeof next))
		rc = set_str(reply, OPT_TFTP_SERVER, next);
	if (!rc && requested(req, OPT_BOOTFILE))
		rc = set_str(reply, OPT_BOOTFILE, b->file);
	if (!rc && c->pxe)
		rc = set_str(reply, OPT_VENDOR_CLASS, VENDOR_PXE);
	if (!rc && c->http)
		rc = set_str(reply, OPT_VENDOR_CLASS, VENDOR_HTTP);
	if (!rc && !proxy && c->etherboot)
		rc = dhcp_msg_set(reply, OPT_ETHERBOOT, no_proxydhcp, sizeof no_proxydhcp);
	if (!rc && proxy && c->pxe)
		rc = dhcp_msg_set(reply, OPT_VENDOR_OPTS, discovery, sizeof discovery);
	return rc;
}

static int put_optset(struct dhcp_msg *reply, const struct dhcpd_optset *set)
{
	int rc;

	for (size_t i = 0; i < set->count; i++) {
		rc = dhcp_msg_set(reply, set->opts[i].code, set->opts[i].val, set->opts[i].len);
		if (rc)
			return rc;
	}
	return 0;
}

int pxe_reply_options(struct dhcp_msg *reply, const struct dhcpd_config *cfg,
		      const struct pxe_boot *b)
{
	const struct dhcpd_optset *sets[] = {
		&cfg->opts,
		b->subnet ? &b->subnet->opts : NULL,
		b->klass ? &b->klass->opts : NULL,
		b->host ? &b->host->opts : NULL,
	};
	int rc;

	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		rc = sets[i] ? put_optset(reply, sets[i]) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

const char *pxe_boot_format(const struct pxe_boot *b, char *buf, size_t bufsz)
{
	struct dhcp_text t = dhcp_text_init(buf, bufsz);
	char tmp[INET_ADDRSTRLEN];

	dhcp_text_put(&t, "boot=");
	dhcp_text_put(&t, b->file ? b->file : "none");
	dhcp_text_put(&t, " next=");
	dhcp_text_put(&t, inet_ntop(AF_INET, &b->next_server, tmp, sizeof tmp) ? tmp : "?");
	dhcp_text_put(&t, " arch=");
	if (b->client.has_arch) {
		snprintf(tmp, sizeof tmp, "%u", (unsigned)b->client.arch);
		dhcp_text_put(&t, tmp);
	} else {
		dhcp_text_put(&t, "none");
	}
	if (b->klass) {
		dhcp_text_put(&t, " class=");
		dhcp_text_put(&t, b->klass->name);
	}
	if (b->client.http)
		dhcp_text_put(&t, " http");
	if (b->client.ipxe)
		dhcp_text_put(&t, " ipxe");
	return buf;
}
