/* Filesystems mounted below an export, served to its crossmnt clients as
 * filesystems of their own (an id, a root, a mount). */
#ifndef PXE_NFSD_SUBMOUNT_H
#define PXE_NFSD_SUBMOUNT_H

#include "exports.h"
#include "fh.h"

/* For an opened export some client of which has crossmnt: every mount
 * below it (at most 64), opened and probed (fh_probe), with an id derived
 * from the export's id and the mount point (distinct from every id in t).
 * Mounts whose filesystem gives no handles are left out, with a notice.
 * 0, or -ENOMEM. */
int submount_scan(struct export *e, const struct export_table *t);

/* The submount with that id and its export, or NULL. */
const struct export_sub *submount_by_id(const struct export_table *t, uint32_t id,
					const struct export **parent);
/* The submount of e whose mount has that id, or NULL. */
const struct export_sub *submount_by_mount(const struct export *e, int mount_id);

#endif
