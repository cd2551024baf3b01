/* What the boot tree check (check_boot.c) shares with the pxelinux config
 * walk (boot_configs.c): the TFTP view, the list of files to check, and
 * the pxelinux directories already walked. */
#ifndef PXECTL_BOOT_CHECK_H
#define PXECTL_BOOT_CHECK_H

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "boot_refs.h"
#include "check.h"
#include "tftp_view.h"

struct boot_check {
	struct check_ctx *ctx;
	struct tftp_view view;
	struct boot_refs refs;
	char **prefixes;		/* pxelinux.cfg directories already walked */
	size_t nprefixes;
};

/* A file a client fetches, to be checked with the others at the end
 * (boot_refs_add). */
void boot_check_add_ref(struct boot_check *bc, int kind, int severity, const char *name,
			const char *origin, bool missing_told);
void boot_check_oom(struct boot_check *bc);

/* Every config pxelinux asks for in PREFIX/pxelinux.cfg/ ("" or "dir/"), once
 * per prefix; boot_origin names the boot file for messages. */
void boot_configs_dir(struct boot_check *bc, const char *prefix, const char *boot_origin);
/* One config file (as pxelinux names it, from prefix) and what it includes. */
void boot_configs_file(struct boot_check *bc, const char *prefix, const char *name,
		       const char *origin);

static inline bool boot_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* lpxelinux and iPXE fetch URLs over HTTP, not from the TFTP root. */
static inline bool boot_is_url(const char *name)
{
	return strstr(name, "://") != NULL;
}

#endif
