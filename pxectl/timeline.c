/* The join of the three rings: every record, in time order, goes to the
 * machine it is about — pxe-dhcpd's by MAC, the others' by the address the
 * latest DHCP reply gave that MAC — and a PXE ROM's DHCP after the machine
 * got further starts its boot afresh. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeline.h"

static const char *const phase_names[PHASE_COUNT] = {
	[PHASE_DHCP] = "dhcp", [PHASE_LOADER] = "boot-file", [PHASE_MODULES] = "modules",
	[PHASE_CONFIG] = "config", [PHASE_KERNEL] = "kernel", [PHASE_INITRD] = "initrd",
	[PHASE_OS_DHCP] = "os-dhcp", [PHASE_MOUNT] = "nfs-mount", [PHASE_READ] = "nfs-read",
	[PHASE_FILE] = "file",
};

const char *phase_name(int phase)
{
	return phase >= 0 && phase < PHASE_COUNT ? phase_names[phase] : "?";
}

int64_t ms_between(int64_t from, int64_t to)
{
	int64_t d;

	if (__builtin_sub_overflow(to, from, &d))
		return to > from ? INT64_MAX : INT64_MIN;
	return d;
}

/* ---------------------------------------------------------------- classing */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool contains(const char *s, const char *part)
{
	return strcasestr(s, part) != NULL;
}

/* Whether test(name, word) holds for one of the NULL-terminated words. */
static bool any(const char *name, bool (*test)(const char *, const char *),
		const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (test(name, words[i]))
			return true;
	return false;
}

/* By the names boot loaders and distributions give these files. */
static int tftp_phase(const char *name, const char *boot_file)
{
	static const char *const loaders[] = { ".0", ".efi", ".kpxe", ".pxe", ".kkpxe", NULL };
	static const char *const modules[] = { ".c32", ".e32", ".e64", ".mod", NULL };
	static const char *const configs[] = { ".cfg", ".ipxe", ".conf", NULL };
	static const char *const kernels[] = { "vmlinuz", "vmlinux", "linux", "bzimage", "kernel",
					       NULL };
	static const char *const initrds[] = { "initrd", "initramfs", ".cpio", NULL };
	const char *base = base_name(name);

	if (boot_file[0] && strcmp(base, base_name(boot_file)) == 0)
		return PHASE_LOADER;
	if (any(base, ends_with, modules))
		return PHASE_MODULES;
	if (strstr(name, "pxelinux.cfg/") || any(base, ends_with, configs))
		return PHASE_CONFIG;
	if (any(base, starts_with, kernels))
		return PHASE_KERNEL;
	if (any(base, contains, initrds) || ends_with(base, ".img"))
		return PHASE_INITRD;
	if (any(base, ends_with, loaders))
		return PHASE_LOADER;
	return PHASE_FILE;
}

/* pxe_boot_format()'s "arch=N": a PXE ROM; "arch=none": an OS or loader. */
static bool from_pxe_rom(const struct progress_rec *r)
{
	const char *a = strstr(r->note, "arch=");

	return a && a[5] >= '0' && a[5] <= '9';
}

static void classify(struct step *s, const char *boot_file)
{
	const struct progress_rec *r = &s->rec;

	switch (s->source) {
	case SOURCE_DHCPD:
		s->phase = from_pxe_rom(r) ? PHASE_DHCP : PHASE_OS_DHCP;
		break;
	case SOURCE_TFTPD:
		s->phase = tftp_phase(r->subject, boot_file);
		/* pxelinux asks for pxelinux.cfg/01-MAC, then by address, before
		 * "default": those misses are how it looks, not failures */
		s->failed = strcmp(r->event, "tftp-fail") == 0 && s->phase != PHASE_CONFIG;
		break;
	default:
		s->phase = strncmp(r->event, "mount", 5) == 0 ? PHASE_MOUNT : PHASE_READ;
		s->failed = strcmp(r->event, "mount-fail") == 0;
		break;
	}
}

/* ---------------------------------------------------------------- joining */

static struct machine *find(struct timeline *t, const char *mac, const char *address)
{
	for (size_t i = 0; i < t->count; i++) {
		struct machine *m = &t->machines[i];

		if (mac ? strcmp(m->mac, mac) == 0 : strcmp(m->address, address) == 0)
			return m;
	}
	return NULL;
}

static struct machine *add_machine(struct timeline *t, const char *mac, const char *address)
{
	struct machine *m = realloc(t->machines, (t->count + 1) * sizeof *m);

	if (!m)
		return NULL;
	t->machines = m;
	m = &t->machines[t->count++];
	memset(m, 0, sizeof *m);
	snprintf(m->mac, sizeof m->mac, "%s", mac ? mac : "");
	snprintf(m->address, sizeof m->address, "%s", address);
	return m;
}

/* An address a DHCP reply gives one machine is no longer another's. */
static void take_address(struct timeline *t, struct machine *owner, const char *address)
{
	for (size_t i = 0; i < t->count; i++)
		if (&t->machines[i] != owner && strcmp(t->machines[i].address, address) == 0)
			t->machines[i].address[0] = '\0';
	snprintf(owner->address, sizeof owner->address, "%s", address);
}

static bool past_dhcp(const struct machine *m)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (m->steps[i].phase != PHASE_DHCP)
			return true;
	return false;
}

static int append(struct machine *m, const struct step *s)
{
	struct step *steps = realloc(m->steps, (m->nsteps + 1) * sizeof *steps);

	if (!steps)
		return -ENOMEM;
	m->steps = steps;
	m->steps[m->nsteps++] = *s;
	return 0;
}

static int place_dhcp(struct timeline *t, struct step *s)
{
	const struct progress_rec *r = &s->rec;
	struct machine *m = find(t, r->mac, NULL);

	if (!m && r->client[0]) {
		m = find(t, NULL, r->client);
		if (m && m->mac[0])
			m = NULL;	/* the address was another machine's */
	}
	if (!m && !(m = add_machine(t, r->mac, r->client)))
		return -ENOMEM;
	if (!m->mac[0])
		snprintf(m->mac, sizeof m->mac, "%s", r->mac);
	classify(s, m->boot_file);
	if (s->phase == PHASE_DHCP && past_dhcp(m)) {
		m->nsteps = 0;		/* the firmware starts over: a new boot */
		m->boot_file[0] = '\0';
	}
	if (s->phase == PHASE_DHCP && r->subject[0])
		snprintf(m->boot_file, sizeof m->boot_file, "%s", r->subject);
	if (r->client[0])
		take_address(t, m, r->client);
	return append(m, s);
}

static int place_other(struct timeline *t, struct step *s)
{
	struct machine *m = find(t, NULL, s->rec.client);

	if (!m && !(m = add_machine(t, NULL, s->rec.client)))
		return -ENOMEM;
	classify(s, m->boot_file);
	return append(m, s);
}

static int by_time(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->rec.time_ms != y->rec.time_ms)
		return x->rec.time_ms < y->rec.time_ms ? -1 : 1;
	if (x->source != y->source)
		return x->source - y->source;
	return x->rec.seq < y->rec.seq ? -1 : x->rec.seq > y->rec.seq;
}

static int64_t last_time(const struct machine *m)
{
	return m->nsteps ? m->steps[m->nsteps - 1].rec.time_ms : 0;
}

static int most_recent_first(const void *a, const void *b)
{
	int64_t x = last_time(a), y = last_time(b);

	return x > y ? -1 : x < y;
}

int timeline_build(struct timeline *t, struct progress_rec *const recs[SOURCE_COUNT],
		   const size_t n[SOURCE_COUNT])
{
	struct step *all;
	size_t total = 0, k = 0;
	int rc = 0;

	memset(t, 0, sizeof *t);
	for (int s = 0; s < SOURCE_COUNT; s++)
		total += n[s];
	if (!total)
		return 0;
	all = calloc(total, sizeof *all);
	if (!all)
		return -ENOMEM;
	for (int s = 0; s < SOURCE_COUNT; s++)
		for (size_t i = 0; i < n[s]; i++)
			all[k++] = (struct step){ .rec = recs[s][i], .source = s };
	qsort(all, total, sizeof *all, by_time);
	for (size_t i = 0; i < total && rc == 0; i++) {
		if (all[i].source == SOURCE_DHCPD)
			rc = all[i].rec.mac[0] ? place_dhcp(t, &all[i]) : 0;
		else if (all[i].rec.client[0])
			rc = place_other(t, &all[i]);
	}
	free(all);
	if (rc < 0) {
		timeline_free(t);
		return rc;
	}
	if (t->count > 1)	/* none: machines is NULL, which qsort must not get */
		qsort(t->machines, t->count, sizeof *t->machines, most_recent_first);
	return 0;
}

void timeline_free(struct timeline *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->machines[i].steps);
	free(t->machines);
	memset(t, 0, sizeof *t);
}

const struct step *machine_last(const struct machine *m)
{
	return m->nsteps ? &m->steps[m->nsteps - 1] : NULL;
}

int64_t machine_phase_start(const struct machine *m, int p)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (m->steps[i].phase == p)
			return m->steps[i].rec.time_ms;
	return -1;
}

size_t machine_phase_times(const struct machine *m, struct phase_time out[PHASE_COUNT])
{
	int64_t start[PHASE_COUNT];
	bool seen[PHASE_COUNT] = { false };
	size_t n = 0;

	for (int p = 0; p < PHASE_COUNT; p++)
		start[p] = machine_phase_start(m, p);
	for (size_t i = 0; i < m->nsteps; i++) {
		int p = m->steps[i].phase;
		int64_t end = machine_last(m)->rec.time_ms;

		if (seen[p])
			continue;
		seen[p] = true;
		for (int q = 0; q < PHASE_COUNT; q++)
			if (start[q] > start[p] && start[q] < end)
				end = start[q];
		out[n++] = (struct phase_time){ p, ms_between(start[p], end) };
	}
	return n;
}
