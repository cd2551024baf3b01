/* Checking the collected TFTP files and saying what each failure does to
 * the client. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_refs.h"

/* What the client shows when a file of that kind cannot be had: the text
 * before its name and after.  Messages as PXE ROMs and syslinux 6 print them. */
static const char *const missing_says[][2] = {
	[REF_BOOT] = { "\"PXE-T01: File not found\" then \"PXE-E3B: TFTP Error - File Not "
		       "found\" (requested ", ")" },
	[REF_LDLINUX] = { "\"Failed to load ", "\": pxelinux stops right after its banner" },
	[REF_CONFIG] = { "pxelinux does not get ", ": \"Unable to locate configuration file\" "
			 "when no other config is there" },
	[REF_KERNEL] = { "\"Could not find kernel image: ", "\"" },
	[REF_INITRD] = { "\"Could not find ramdisk image: ", "\"" },
	[REF_MODULE] = { "\"Failed to load COM32 file ", "\"" },
	[REF_DECOR] = { "the menu shows without ", "" },
};

static const char *const kind_names[] = {
	[REF_BOOT] = "boot file", [REF_LDLINUX] = "pxelinux's library",
	[REF_CONFIG] = "pxelinux config", [REF_KERNEL] = "kernel", [REF_INITRD] = "initrd",
	[REF_MODULE] = "menu/UI module", [REF_DECOR] = "menu file",
};

/* Where the syslinux files come from, by the name pxelinux asks for. */
static const char *syslinux_dir(const char *base)
{
	size_t n = strlen(base);

	if (n > 4 && strcmp(base + n - 4, ".e64") == 0)
		return "efi64";
	if (n > 4 && strcmp(base + n - 4, ".e32") == 0)
		return "efi32";
	return "bios";
}

int boot_refs_add(struct boot_refs *r, const struct tftp_view *v, int kind, int severity,
		  const char *name, const char *origin, bool missing_told)
{
	char resolved[PATH_NAME_MAX];
	struct boot_ref ref = { .kind = kind, .severity = severity, .missing_told = missing_told };
	struct boot_ref *grown;
	bool ok = tftp_view_resolve(v, name, resolved, sizeof resolved) == 0;

	for (size_t i = 0; ok && i < r->count; i++)
		if (r->items[i].kind == kind && r->items[i].resolved &&
		    strcmp(r->items[i].resolved, resolved) == 0)
			return 0;
	ref.name = strdup(name);
	ref.origin = strdup(origin);
	ref.resolved = ok ? strdup(resolved) : NULL;
	grown = realloc(r->items, (r->count + 1) * sizeof *grown);
	if (!ref.name || !ref.origin || (ok && !ref.resolved) || !grown) {
		if (grown)
			r->items = grown;
		free(ref.name);
		free(ref.origin);
		free(ref.resolved);
		return -ENOMEM;
	}
	r->items = grown;
	r->items[r->count++] = ref;
	return 0;
}

static void report_missing(const struct boot_ref *ref, const struct tftp_view *v,
			   struct report *rep)
{
	char client[512], fix[768];
	const char *base = strrchr(ref->name, '/');

	snprintf(client, sizeof client, "%s%s%s", missing_says[ref->kind][0],
		 base ? base + 1 : ref->name, missing_says[ref->kind][1]);
	base = base ? base + 1 : ref->name;
	if (ref->kind == REF_LDLINUX || (ref->kind == REF_MODULE && strstr(base, ".c32")))
		snprintf(fix, sizeof fix, "cp /usr/lib/syslinux/modules/%s/%s %s/%s (Debian package "
			 "syslinux-common; take efi64/ for syslinux.efi), or correct the name in %s",
			 syslinux_dir(base), base, v->conf->root, ref->resolved, ref->origin);
	else
		snprintf(fix, sizeof fix, "put %s at %s/%s, or correct the name in %s", base,
			 v->conf->root, ref->resolved, ref->origin);
	report_add(rep, ref->severity, "boot", client, fix, "%s: %s %s is not in the TFTP root "
		   "(%s/%s)", ref->origin, kind_names[ref->kind], ref->name, v->conf->root,
		   ref->resolved);
}

static void report_refused(const struct boot_ref *ref, const struct tftp_view *v,
			   struct report *rep, const char *why)
{
	char client[512], fix[512];

	snprintf(client, sizeof client, "the TFTP server answers \"Access violation\": %s",
		 ref->kind == REF_BOOT ? "\"PXE-E3C: TFTP Error - Access Violation\"" :
		 "pxelinux fails as if the file were missing");
	snprintf(fix, sizeof fix, "make %s a regular file inside %s, not a link out of it "
		 "nor a name with \"..\"", ref->name, v->conf->root);
	report_add(rep, ref->severity, "boot", client, fix, "%s: %s %s: %s", ref->origin,
		   kind_names[ref->kind], ref->name, why);
}

static void report_unreadable(const struct boot_ref *ref, const struct tftp_view *v,
			      struct report *rep)
{
	char client[512], fix[512];
	bool world = v->conf->permissive || tftp_view_world_readable(v, ref->resolved);

	snprintf(client, sizeof client, "\"received error from TFTP server\" / \"PXE-E3C: TFTP "
		 "Error - Access Violation\" when it asks for %s", ref->name);
	if (world)
		snprintf(fix, sizeof fix, "let user %s read it and search every directory above "
			 "it (chmod o+r %s/%s, o+x on the directories; or chgrp to a group of "
			 "that user)", v->conf->user, v->conf->root, ref->resolved);
	else
		snprintf(fix, sizeof fix, "chmod o+r %s/%s (pxe-tftpd serves only world-readable "
			 "files unless [tftpd] permissive = yes)", v->conf->root, ref->resolved);
	report_add(rep, ref->severity, "boot", client, fix, "%s: %s %s is not readable by "
		   "pxe-tftpd's user %s%s", ref->origin, kind_names[ref->kind], ref->name,
		   v->conf->user, world ? "" : " (not world-readable)");
}

void boot_refs_report(const struct boot_refs *r, const struct tftp_view *v,
		      struct report *rep)
{
	const char **names = calloc(r->count + 1, sizeof *names);
	size_t *which = calloc(r->count + 1, sizeof *which);
	int *results = calloc(r->count + 1, sizeof *results);
	char err[512] = "";
	size_t n = 0;
	int rc;

	if (!names || !which || !results) {
		report_add(rep, SEV_ERROR, "boot", NULL, NULL, "out of memory checking files");
		goto out;
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct boot_ref *ref = &r->items[i];

		if (!ref->resolved) {
			report_refused(ref, v, rep, "pxe-tftpd refuses this name (\"..\", or too "
				       "long)");
			continue;
		}
		rc = tftp_view_exists(v, ref->resolved);
		if (rc == -ENOENT && !ref->missing_told)
			report_missing(ref, v, rep);
		else if (rc == -EACCES)
			report_refused(ref, v, rep, "not a regular file inside the TFTP root");
		else if (rc == 0) {
			names[n] = ref->resolved;
			which[n++] = i;
		}
	}
	rc = tftp_view_check_as_user(v, names, n, results, err, sizeof err);
	if (rc < 0) {
		report_add(rep, SEV_ERROR, "boot", "pxe-tftpd does not start: \"PXE-E32: TFTP "
			   "open timeout\"", "create that user or set [tftpd] user", "%s", err);
		goto out;
	}
	if (rc > 0)
		report_add(rep, SEV_INFO, "boot", NULL, "run pxectl as root", "%s", err);
	for (size_t i = 0; i < n; i++)
		if (results[i] < 0)
			report_unreadable(&r->items[which[i]], v, rep);
out:
	free(names);
	free(which);
	free(results);
}

void boot_refs_free(struct boot_refs *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].name);
		free(r->items[i].resolved);
		free(r->items[i].origin);
	}
	free(r->items);
	*r = (struct boot_refs){ 0 };
}
