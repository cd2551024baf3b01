/* Unit tests of pxectl/timeline.c: the three daemons' records joined into
 * each machine's boot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "timeline.h"

#define MAC1 "52:54:00:00:00:01"
#define MAC2 "52:54:00:00:00:02"
#define T0 1764000000000LL

struct feed {
	struct progress_rec recs[SOURCE_COUNT][64];
	size_t n[SOURCE_COUNT];
};

static void rec(struct feed *f, int source, int64_t ms, const char *event, const char *client,
		const char *mac, const char *subject, const char *note)
{
	struct progress_rec *r = &f->recs[source][f->n[source]];

	memset(r, 0, sizeof *r);
	r->seq = ++f->n[source];
	r->time_ms = T0 + ms;
	snprintf(r->event, sizeof r->event, "%s", event);
	snprintf(r->client, sizeof r->client, "%s", client);
	snprintf(r->mac, sizeof r->mac, "%s", mac ? mac : "");
	snprintf(r->subject, sizeof r->subject, "%s", subject);
	snprintf(r->note, sizeof r->note, "%s", note);
}

static void build(struct feed *f, struct timeline *t)
{
	struct progress_rec *recs[SOURCE_COUNT];

	for (int s = 0; s < SOURCE_COUNT; s++)
		recs[s] = f->recs[s];
	assert_int_equal(timeline_build(t, recs, f->n), 0);
}

/* A BIOS machine from its first DISCOVER to ks.cfg, as the demo's VM goes. */
static void full_boot(struct feed *f, const char *mac, const char *ip, int64_t at)
{
	rec(f, SOURCE_DHCPD, at + 0, "offer", ip, mac, "pxelinux.0", "boot=pxelinux.0 arch=0");
	rec(f, SOURCE_DHCPD, at + 10, "ack", ip, mac, "pxelinux.0", "boot=pxelinux.0 arch=0");
	rec(f, SOURCE_TFTPD, at + 20, "tftp-get", ip, NULL, "pxelinux.0", "tsize=0");
	rec(f, SOURCE_TFTPD, at + 40, "tftp-done", ip, NULL, "pxelinux.0", "bytes=42");
	rec(f, SOURCE_TFTPD, at + 50, "tftp-done", ip, NULL, "ldlinux.c32", "bytes=9");
	rec(f, SOURCE_TFTPD, at + 60, "tftp-fail", ip, NULL, "pxelinux.cfg/01-52-54-00",
	    "file not found");
	rec(f, SOURCE_TFTPD, at + 70, "tftp-done", ip, NULL, "pxelinux.cfg/default", "bytes=3");
	rec(f, SOURCE_TFTPD, at + 100, "tftp-done", ip, NULL, "vmlinuz", "bytes=7");
	rec(f, SOURCE_TFTPD, at + 200, "tftp-done", ip, NULL, "initrd.img", "bytes=8");
	rec(f, SOURCE_DHCPD, at + 900, "ack", ip, mac, "", "boot=none arch=none");
	rec(f, SOURCE_NFSD, at + 1000, "mount", ip, NULL, "/srv/install", "ok");
	rec(f, SOURCE_NFSD, at + 1100, "read", ip, NULL, "/srv/install/ks.cfg", "ok");
}

static void test_a_boot_is_joined_across_the_daemons(void **state)
{
	static struct feed f;
	static const int phases[] = {
		PHASE_DHCP, PHASE_DHCP, PHASE_LOADER, PHASE_LOADER, PHASE_MODULES, PHASE_CONFIG,
		PHASE_CONFIG, PHASE_KERNEL, PHASE_INITRD, PHASE_OS_DHCP, PHASE_MOUNT, PHASE_READ,
	};
	struct timeline t;
	const struct machine *m;

	memset(&f, 0, sizeof f);
	full_boot(&f, MAC1, "10.0.0.100", 0);
	build(&f, &t);
	assert_int_equal(t.count, 1);
	m = &t.machines[0];
	assert_string_equal(m->mac, MAC1);
	assert_string_equal(m->address, "10.0.0.100");
	assert_string_equal(m->boot_file, "pxelinux.0");
	assert_int_equal(m->nsteps, sizeof phases / sizeof phases[0]);
	for (size_t i = 0; i < m->nsteps; i++) {
		assert_int_equal(m->steps[i].phase, phases[i]);
		/* the pxelinux.cfg/01-MAC miss is how pxelinux looks, not a failure */
		assert_false(m->steps[i].failed);
	}
	assert_string_equal(phase_name(machine_last(m)->phase), "nfs-read");
	assert_int_equal(machine_phase_start(m, PHASE_KERNEL), T0 + 100);
	assert_int_equal(machine_phase_start(m, PHASE_FILE), -1);
	timeline_free(&t);
}

static void test_a_missing_kernel_is_where_the_boot_stopped(void **state)
{
	static struct feed f;
	struct timeline t;
	const struct step *last;

	memset(&f, 0, sizeof f);
	rec(&f, SOURCE_DHCPD, 0, "ack", "10.0.0.100", MAC1, "pxelinux.0", "arch=0");
	rec(&f, SOURCE_TFTPD, 10, "tftp-done", "10.0.0.100", NULL, "pxelinux.0", "");
	rec(&f, SOURCE_TFTPD, 20, "tftp-fail", "10.0.0.100", NULL, "vmlinuz", "file not found");
	build(&f, &t);
	last = machine_last(&t.machines[0]);
	assert_int_equal(last->phase, PHASE_KERNEL);
	assert_true(last->failed);
	timeline_free(&t);
}

static void test_the_firmware_starting_over_begins_a_new_boot(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	full_boot(&f, MAC1, "10.0.0.100", 0);
	rec(&f, SOURCE_DHCPD, 5000, "offer", "10.0.0.100", MAC1, "pxelinux.0", "arch=0");
	build(&f, &t);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.machines[0].nsteps, 1);
	assert_int_equal(t.machines[0].steps[0].rec.time_ms, T0 + 5000);
	timeline_free(&t);
}

static void test_machines_are_told_apart_and_newest_first(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	full_boot(&f, MAC1, "10.0.0.100", 0);
	full_boot(&f, MAC2, "10.0.0.101", 50);
	/* a machine with a static address, unknown to pxe-dhcpd */
	rec(&f, SOURCE_TFTPD, 3000, "tftp-done", "10.0.0.7", NULL, "pxelinux.0", "");
	build(&f, &t);
	assert_int_equal(t.count, 3);
	assert_string_equal(t.machines[0].address, "10.0.0.7");
	assert_string_equal(t.machines[0].mac, "");
	assert_string_equal(t.machines[1].mac, MAC2);
	assert_int_equal(t.machines[1].nsteps, 12);
	assert_string_equal(t.machines[2].mac, MAC1);
	assert_int_equal(t.machines[2].nsteps, 12);
	timeline_free(&t);
}

static void test_an_address_follows_its_newest_lease(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	rec(&f, SOURCE_DHCPD, 0, "ack", "10.0.0.100", MAC1, "pxelinux.0", "arch=0");
	rec(&f, SOURCE_DHCPD, 10, "ack", "10.0.0.100", MAC2, "pxelinux.0", "arch=0");
	rec(&f, SOURCE_TFTPD, 20, "tftp-get", "10.0.0.100", NULL, "pxelinux.0", "");
	build(&f, &t);
	assert_int_equal(t.count, 2);
	assert_string_equal(t.machines[0].mac, MAC2);
	assert_int_equal(t.machines[0].nsteps, 2);
	assert_string_equal(t.machines[1].address, "");
	assert_int_equal(t.machines[1].nsteps, 1);
	timeline_free(&t);
}

static void test_a_refused_mount_is_a_failure(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	rec(&f, SOURCE_NFSD, 0, "mount-fail", "10.0.0.100", NULL, "/srv/x", "access denied");
	build(&f, &t);
	assert_int_equal(machine_last(&t.machines[0])->phase, PHASE_MOUNT);
	assert_true(machine_last(&t.machines[0])->failed);
	timeline_free(&t);
}

static void test_nothing_recorded_is_no_machines(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	build(&f, &t);
	assert_int_equal(t.count, 0);
	timeline_free(&t);
}

static void test_records_about_nobody_make_no_machine(void **state)
{
	static struct feed f;
	struct timeline t;

	memset(&f, 0, sizeof f);
	rec(&f, SOURCE_DHCPD, 0, "nak", "", "", "", "no such lease");
	rec(&f, SOURCE_TFTPD, 1, "tftp-fail", "", NULL, "x", "");
	build(&f, &t);
	assert_int_equal(t.count, 0);
	assert_null(t.machines);
	timeline_free(&t);
}

static void test_uefi_and_ipxe_names_get_their_phases(void **state)
{
	static struct feed f;
	static const int phases[] = { PHASE_DHCP, PHASE_LOADER, PHASE_MODULES, PHASE_CONFIG,
				      PHASE_LOADER, PHASE_CONFIG, PHASE_FILE };
	struct timeline t;

	memset(&f, 0, sizeof f);
	rec(&f, SOURCE_DHCPD, 0, "ack", "10.0.0.5", MAC1, "efi64/syslinux.efi", "arch=7");
	rec(&f, SOURCE_TFTPD, 1, "tftp-done", "10.0.0.5", NULL, "efi64/syslinux.efi", "");
	rec(&f, SOURCE_TFTPD, 2, "tftp-done", "10.0.0.5", NULL, "efi64/ldlinux.e64", "");
	rec(&f, SOURCE_TFTPD, 3, "tftp-done", "10.0.0.5", NULL, "efi64/pxelinux.cfg/default", "");
	rec(&f, SOURCE_TFTPD, 4, "tftp-done", "10.0.0.5", NULL, "undionly.kpxe", "");
	rec(&f, SOURCE_TFTPD, 5, "tftp-done", "10.0.0.5", NULL, "boot.ipxe", "");
	rec(&f, SOURCE_TFTPD, 6, "tftp-done", "10.0.0.5", NULL, "splash.png", "");
	build(&f, &t);
	for (size_t i = 0; i < t.machines[0].nsteps; i++)
		assert_int_equal(t.machines[0].steps[i].phase, phases[i]);
	timeline_free(&t);
}

static void test_each_phase_lasts_until_the_next_one_begins(void **state)
{
	static struct feed f;
	static const struct phase_time want[] = {
		{ PHASE_DHCP, 20 }, { PHASE_LOADER, 30 }, { PHASE_MODULES, 10 },
		{ PHASE_CONFIG, 40 }, { PHASE_KERNEL, 100 }, { PHASE_INITRD, 700 },
		{ PHASE_OS_DHCP, 100 }, { PHASE_MOUNT, 100 }, { PHASE_READ, 0 },
	};
	struct phase_time got[PHASE_COUNT];
	struct timeline t;
	size_t n;

	memset(&f, 0, sizeof f);
	full_boot(&f, MAC1, "10.0.0.100", 0);
	build(&f, &t);
	n = machine_phase_times(&t.machines[0], got);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].phase, want[i].phase);
		assert_int_equal(got[i].ms, want[i].ms);
	}
	timeline_free(&t);
}

static void test_time_differences_hold_at_the_limits(void **state)
{
	assert_int_equal(ms_between(1000, 1500), 500);
	assert_int_equal(ms_between(1500, 1000), -500);
	assert_true(ms_between(INT64_MIN, INT64_MAX) == INT64_MAX);
	assert_true(ms_between(INT64_MAX, INT64_MIN) == INT64_MIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_boot_is_joined_across_the_daemons),
		cmocka_unit_test(test_a_missing_kernel_is_where_the_boot_stopped),
		cmocka_unit_test(test_the_firmware_starting_over_begins_a_new_boot),
		cmocka_unit_test(test_machines_are_told_apart_and_newest_first),
		cmocka_unit_test(test_an_address_follows_its_newest_lease),
		cmocka_unit_test(test_a_refused_mount_is_a_failure),
		cmocka_unit_test(test_nothing_recorded_is_no_machines),
		cmocka_unit_test(test_records_about_nobody_make_no_machine),
		cmocka_unit_test(test_uefi_and_ipxe_names_get_their_phases),
		cmocka_unit_test(test_each_phase_lasts_until_the_next_one_begins),
		cmocka_unit_test(test_time_differences_hold_at_the_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
