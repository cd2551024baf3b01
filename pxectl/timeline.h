/* Each machine's network boot as the three daemons recorded it (their
 * progress rings, common/progress.h): the steps of its latest boot in time
 * order, each in a phase, joined on the address pxe-dhcpd gave its MAC. */
#ifndef PXECTL_TIMELINE_H
#define PXECTL_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "progress.h"

enum phase {
	PHASE_DHCP,		/* the firmware's DISCOVER .. ACK */
	PHASE_LOADER,		/* the boot file the ACK named */
	PHASE_MODULES,		/* ldlinux.c32, menu.c32, ldlinux.e64 ... */
	PHASE_CONFIG,		/* pxelinux.cfg/..., boot.ipxe, grub.cfg */
	PHASE_KERNEL,
	PHASE_INITRD,
	PHASE_OS_DHCP,		/* a boot loader's or the installer's own DHCP */
	PHASE_MOUNT,		/* MOUNT of an export */
	PHASE_READ,		/* files read over NFS: ks.cfg, the install tree */
	PHASE_FILE,		/* another file over TFTP */
	PHASE_COUNT
};

enum source { SOURCE_DHCPD, SOURCE_TFTPD, SOURCE_NFSD, SOURCE_COUNT };

struct step {
	struct progress_rec rec;
	int source;		/* enum source */
	int phase;		/* enum phase */
	bool failed;		/* a failure the boot does not get past by itself */
};

struct machine {
	char mac[24];		/* "" for a client pxe-dhcpd has no record of */
	char address[48];
	char boot_file[256];	/* from its last PXE ACK */
	struct step *steps;	/* of its latest boot, oldest first */
	size_t nsteps;
};

struct timeline {
	struct machine *machines;	/* the most recently active first */
	size_t count;
};

/* recs[s], n[s]: each daemon's records, as progress_load() returns them.
 * 0 or -ENOMEM. */
int timeline_build(struct timeline *t, struct progress_rec *const recs[SOURCE_COUNT],
		   const size_t n[SOURCE_COUNT]);
void timeline_free(struct timeline *t);

const char *phase_name(int phase);
/* to - from in ms, held at INT64_MIN / INT64_MAX: a ring's times are
 * whatever its writer put there. */
int64_t ms_between(int64_t from, int64_t to);
/* The step a machine is at: its last one. */
const struct step *machine_last(const struct machine *m);
/* When the machine's boot entered phase p (its first step there), or -1. */
int64_t machine_phase_start(const struct machine *m, int p);

struct phase_time {
	int phase;
	int64_t ms;		/* from its first step to the start of the next phase */
};

/* The phases the machine went through, in the order it first reached
 * them, each with the time until the phase that began next (the last one:
 * until its last step).  Their count. */
size_t machine_phase_times(const struct machine *m, struct phase_time out[PHASE_COUNT]);

#endif
