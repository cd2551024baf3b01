/* The boot tree check: every boot file the DHCP config hands out, what a
 * pxelinux among them needs beside it, and every file its pxelinux.cfg
 * names, found by pxelinux's path rules and opened as pxe-tftpd would. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"
#include "suite_conf.h"

enum boot_arch { ARCH_BIOS, ARCH_EFI32, ARCH_EFI64, ARCH_ARM64, ARCH_ANY };

void boot_check_oom(struct boot_check *bc)
{
	report_add(bc->ctx->rep, SEV_ERROR, "boot", NULL, NULL, "out of memory");
}

void boot_check_add_ref(struct boot_check *bc, int kind, int severity, const char *name,
			const char *origin, bool missing_told)
{
	if (boot_refs_add(&bc->refs, &bc->view, kind, severity, name, origin, missing_told) < 0)
		boot_check_oom(bc);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

struct boot_file {
	const char *name;
	char origin[256];
	int arch;		/* enum boot_arch */
	int severity;
};

/* pxelinux and syslinux.efi load ldlinux from beside themselves. */
static const char *ldlinux_of(const char *base, int arch)
{
	if (!strcmp(base, "pxelinux.0") || !strcmp(base, "lpxelinux.0") ||
	    !strcmp(base, "gpxelinux.0"))
		return "ldlinux.c32";
	if (!strcmp(base, "syslinux.efi") || !strcmp(base, "syslinux64.efi"))
		return arch == ARCH_EFI32 ? "ldlinux.e32" : "ldlinux.e64";
	return NULL;
}

/* The directory pxelinux resolves its names from: its own ("" for the
 * root, else "dir/").  false when pxe-tftpd refuses the boot file's name. */
static bool boot_prefix(const struct boot_check *bc, const char *boot_file, char *prefix,
			size_t size)
{
	char resolved[PATH_NAME_MAX];

	if (tftp_view_resolve(&bc->view, boot_file, resolved, sizeof resolved) < 0)
		return false;
	snprintf(prefix, size, "%.*s", (int)(base_name(resolved) - resolved), resolved);
	return true;
}

static void check_boot_file(struct boot_check *bc, const struct boot_file *f)
{
	char prefix[PATH_NAME_MAX], name[PATH_NAME_MAX + 16];
	const char *ldlinux;

	if (boot_is_url(f->name))
		return;		/* HTTP boot: not from this TFTP root */
	boot_check_add_ref(bc, REF_BOOT, f->severity, f->name, f->origin, false);
	ldlinux = ldlinux_of(base_name(f->name), f->arch);
	if (!ldlinux || !boot_prefix(bc, f->name, prefix, sizeof prefix))
		return;
	snprintf(name, sizeof name, "%s%s", prefix, ldlinux);
	boot_check_add_ref(bc, REF_LDLINUX, f->severity, name, f->origin, false);
	boot_configs_dir(bc, prefix, f->origin);
}

static const struct conf_section *plain_section(const struct conf *conf, const char *name)
{
	for (const struct conf_section *s = conf->sections; s; s = s->next)
		if (!s->def->named && strcmp(s->def->name, name) == 0)
			return s;
	return NULL;
}

static void add_dhcpd_key(struct boot_check *bc, struct boot_file *files, size_t *n,
			  const char *key, const char *value, int arch)
{
	const struct conf_section *sec = plain_section(&bc->ctx->conf, "dhcpd");
	uint32_t line = sec ? conf_key_origin(sec, key) : CONF_FROM_DEFAULT;
	struct boot_file *f = &files[(*n)++];

	*f = (struct boot_file){ .name = value, .arch = arch, .severity = SEV_ERROR };
	if (line == CONF_FROM_DEFAULT && arch != ARCH_BIOS) {
		/* A UEFI default nobody chose: only the clients of that kind fail. */
		f->severity = SEV_WARNING;
		snprintf(f->origin, sizeof f->origin, "[dhcpd] %s (default %s)", key, value);
	} else if (line == CONF_FROM_CMDLINE || line == CONF_FROM_DEFAULT) {
		snprintf(f->origin, sizeof f->origin, "[dhcpd] %s", key);
	} else {
		snprintf(f->origin, sizeof f->origin, "%s:%u: [dhcpd] %s", bc->ctx->conf.path,
			 line, key);
	}
}

static void check_boot_files(struct boot_check *bc)
{
	const struct conf *conf = &bc->ctx->conf;
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	struct boot_file files[6];
	size_t n = 0;
	static const struct { const char *key; size_t off; int arch; } keys[] = {
		{ "boot_file", offsetof(struct conf_dhcpd, boot_file), ARCH_BIOS },
		{ "boot_file_efi32", offsetof(struct conf_dhcpd, boot_file_efi32), ARCH_EFI32 },
		{ "boot_file_efi64", offsetof(struct conf_dhcpd, boot_file_efi64), ARCH_EFI64 },
		{ "boot_file_arm64", offsetof(struct conf_dhcpd, boot_file_arm64), ARCH_ARM64 },
		{ "ipxe_script", offsetof(struct conf_dhcpd, ipxe_script), ARCH_ANY },
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *value = *(char *const *)((const char *)d + keys[i].off);

		if (conf_str_set(value))
			add_dhcpd_key(bc, files, &n, keys[i].key, value, keys[i].arch);
	}
	for (size_t i = 0; i < n; i++)
		check_boot_file(bc, &files[i]);
	for (const char *kind = "class"; kind; kind = strcmp(kind, "class") ? NULL : "host")
		for (const struct conf_section *s = conf_next(conf, kind, NULL); s;
		     s = conf_next(conf, kind, s)) {
			const char *name = strcmp(kind, "class") ?
				((const struct conf_host *)s->data)->boot_file :
				((const struct conf_class *)s->data)->boot_file;
			struct boot_file f = { .name = name, .severity = SEV_ERROR,
					       .arch = boot_ends_with(name ? name : "", ".efi") ?
						       ARCH_EFI64 : ARCH_BIOS };

			if (!conf_str_set(name))
				continue;
			snprintf(f.origin, sizeof f.origin, "%s:%u: [%s %s] boot_file", conf->path,
				 conf_key_origin(s, "boot_file"), kind, s->arg);
			check_boot_file(bc, &f);
		}
}

/* [host] pxelinux_config (option 209): that machine's pxelinux reads this
 * file instead of searching pxelinux.cfg/. */
static void check_host_configs(struct boot_check *bc)
{
	const struct conf *conf = &bc->ctx->conf;
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	char prefix[PATH_NAME_MAX], origin[PATH_NAME_MAX];

	for (const struct conf_section *s = conf_next(conf, "host", NULL); s;
	     s = conf_next(conf, "host", s)) {
		const struct conf_host *h = s->data;
		const char *boot = conf_str_set(h->boot_file) ? h->boot_file : d->boot_file;

		if (!conf_str_set(h->pxelinux_config) || !conf_str_set(boot) ||
		    !ldlinux_of(base_name(boot), ARCH_BIOS) ||
		    !boot_prefix(bc, boot, prefix, sizeof prefix))
			continue;
		snprintf(origin, sizeof origin, "%s:%u: [host %s] pxelinux_config", conf->path,
			 conf_key_origin(s, "pxelinux_config"), s->arg);
		boot_configs_file(bc, prefix, h->pxelinux_config, origin);
	}
}

void check_boot_tree(struct check_ctx *ctx)
{
	struct boot_check bc = { .ctx = ctx };
	char err[512];

	if (tftp_view_open(&bc.view, conf_get(&ctx->conf, "tftpd"), err, sizeof err) < 0) {
		report_add(ctx->rep, SEV_ERROR, "boot", "pxe-tftpd does not start: \"PXE-E32: "
			   "TFTP open timeout\"", "create the directory or correct [tftpd] root",
			   "%s", err);
		return;
	}
	check_boot_files(&bc);
	check_host_configs(&bc);
	boot_refs_report(&bc.refs, &bc.view, ctx->rep);
	boot_refs_free(&bc.refs);
	for (size_t i = 0; i < bc.nprefixes; i++)
		free(bc.prefixes[i]);
	free(bc.prefixes);
	tftp_view_close(&bc.view);
}
