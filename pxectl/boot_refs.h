/* The files a PXE boot fetches over TFTP — boot files, ldlinux, configs,
 * kernels, initrds, modules — each with where it is named, checked at the
 * end in one pass: there, and readable by pxe-tftpd's user. */
#ifndef PXECTL_BOOT_REFS_H
#define PXECTL_BOOT_REFS_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "tftp_view.h"

enum boot_ref_kind {
	REF_BOOT,		/* what DHCP names: pxelinux.0, syslinux.efi */
	REF_LDLINUX,		/* beside a pxelinux boot file */
	REF_CONFIG,		/* a pxelinux.cfg file */
	REF_KERNEL,
	REF_INITRD,
	REF_MODULE,		/* a .c32 */
	REF_DECOR,		/* MENU BACKGROUND, FONT: the menu works without them */
};

struct boot_ref {
	int kind;		/* enum boot_ref_kind */
	int severity;		/* when missing or unreadable */
	char *name;		/* as written */
	char *resolved;		/* under the root, as pxe-tftpd opens it; NULL: refused */
	char *origin;		/* "[dhcpd] boot_file", "pxelinux.cfg/default:12" */
	bool missing_told;	/* its absence is reported elsewhere (INCLUDE) */
};

struct boot_refs {
	struct boot_ref *items;
	size_t count;
};

/* A file a client asks for by name (resolved here); a second mention of
 * the same file and kind is dropped.  missing_told: its absence is reported
 * elsewhere.  -ENOMEM or 0. */
int boot_refs_add(struct boot_refs *r, const struct tftp_view *v, int kind, int severity,
		  const char *name, const char *origin, bool missing_told);
/* Each file missing, refused or unreadable as pxe-tftpd's user, as findings. */
void boot_refs_report(const struct boot_refs *r, const struct tftp_view *v,
		      struct report *rep);
void boot_refs_free(struct boot_refs *r);

#endif
