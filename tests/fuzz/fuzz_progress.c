/* Fuzz target for common/progress.c's reader and pxectl's timeline: the
 * input as the slots of a ring file (whatever bytes another process left
 * there), read back, joined as if each daemon had recorded a third of it,
 * and printed as pxectl status prints it.  Strings must come back
 * terminated, records in order, and the views must not read past them. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "status.h"
#include "timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_rec(const struct progress_rec *r)
{
	check(r->seq != 0);
	check(memchr(r->client, '\0', sizeof r->client) != NULL);
	check(memchr(r->mac, '\0', sizeof r->mac) != NULL);
	check(memchr(r->event, '\0', sizeof r->event) != NULL);
	check(memchr(r->subject, '\0', sizeof r->subject) != NULL);
	check(memchr(r->note, '\0', sizeof r->note) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[PROGRESS_FILE_SIZE];
	struct progress_rec *recs, *by[SOURCE_COUNT];
	size_t n, counts[SOURCE_COUNT], third;
	struct timeline t;
	FILE *out;

	memset(file, 0, sizeof file);
	progress_header_init(file);
	if (size > sizeof file - sizeof(struct progress_rec))
		size = sizeof file - sizeof(struct progress_rec);
	memcpy(file + sizeof(struct progress_rec), data, size);
	if (progress_parse(file, sizeof file, &recs, &n) < 0 || n == 0)
		return 0;	/* nothing recorded: recs is NULL */
	for (size_t i = 0; i < n; i++) {
		check_rec(&recs[i]);
		check(i == 0 || recs[i - 1].seq <= recs[i].seq);
	}
	third = n / 3;
	by[SOURCE_DHCPD] = recs;
	by[SOURCE_TFTPD] = recs + third;
	by[SOURCE_NFSD] = recs + 2 * third;
	counts[SOURCE_DHCPD] = counts[SOURCE_TFTPD] = third;
	counts[SOURCE_NFSD] = n - 2 * third;
	if (timeline_build(&t, by, counts) == 0) {
		out = fopen("/dev/null", "w");
		if (out) {
			status_print_table(&t, 0, out);
			for (size_t i = 0; i < t.count; i++)
				status_print_machine(&t.machines[i], out);
			status_print_json(t.machines, t.count, out);
			fclose(out);
		}
		timeline_free(&t);
	}
	free(recs);
	return 0;
}
