/* The views of a timeline that pxectl status and watch print. */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "status.h"

static const char *const ring_names[SOURCE_COUNT] = {
	[SOURCE_DHCPD] = "pxe-dhcpd", [SOURCE_TFTPD] = "pxe-tftpd", [SOURCE_NFSD] = "pxe-nfsd",
};

int status_load(const char *dir, struct timeline *t, char *err, size_t errlen)
{
	struct progress_rec *recs[SOURCE_COUNT] = { 0 };
	size_t n[SOURCE_COUNT] = { 0 };
	int found = 0, rc = 0;
	char path[4096];

	for (int s = 0; s < SOURCE_COUNT && rc == 0; s++) {
		snprintf(path, sizeof path, "%s/%s.progress", dir, ring_names[s]);
		rc = progress_load(path, &recs[s], &n[s]);
		if (rc == 0)
			found++;
		else if (rc == -ENOENT)
			rc = 0;
		else
			snprintf(err, errlen, "%s: %s", path,
				 rc == -EINVAL ? "not a progress file" : strerror(-rc));
	}
	if (rc == 0 && !found) {
		snprintf(err, errlen, "%s: no daemon records progress here (not started yet, "
			 "or progress = no in [global])", dir);
		rc = -ENOENT;
	}
	if (rc == 0) {
		rc = timeline_build(t, recs, n);
		if (rc < 0)
			snprintf(err, errlen, "%s", strerror(-rc));
	}
	for (int s = 0; s < SOURCE_COUNT; s++)
		free(recs[s]);
	return rc;
}

const struct machine *status_find(const struct timeline *t, const char *who)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcasecmp(t->machines[i].mac, who) == 0 ||
		    strcmp(t->machines[i].address, who) == 0)
			return &t->machines[i];
	return NULL;
}

/* ---------------------------------------------------------------- text */

static const char *seconds(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else if (ms < 100000)
		snprintf(buf, size, "%.1fs", (double)ms / 1000);
	else
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	return buf;
}

static const char *clock_time(int64_t ms, char *buf, size_t size)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	if (!localtime_r(&s, &tm) || !strftime(buf, size, "%H:%M:%S", &tm))
		snprintf(buf, size, "?");
	return buf;
}

static const char *state_of(const struct step *last)
{
	if (last->failed)
		return "FAILED";
	if (strcmp(last->rec.event, "tftp-get") == 0)
		return "loading";
	return "";
}

/* "dhcp 1.0 boot-file 0.1 ...": seconds per phase, for the table. */
static const char *phase_summary(const struct machine *m, char *buf, size_t size)
{
	struct phase_time pt[PHASE_COUNT];
	size_t n = machine_phase_times(m, pt), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s %.1f", i ? " " : "",
					phase_name(pt[i].phase), (double)pt[i].ms / 1000);
	return buf;
}

void status_print_table(const struct timeline *t, int64_t now_ms, FILE *out)
{
	char started[24], took[24], idle[24], phases[256];

	fprintf(out, "%-17s  %-15s  %-9s  %-7s  %-8s  %-7s  %-7s  %s\n", "MAC", "ADDRESS", "PHASE",
		"STATE", "STARTED", "TOOK", "IDLE", "LAST, then seconds per phase");
	for (size_t i = 0; i < t->count; i++) {
		const struct machine *m = &t->machines[i];
		const struct step *last = machine_last(m);
		int64_t first = m->steps[0].rec.time_ms;

		fprintf(out, "%-17s  %-15s  %-9s  %-7s  %-8s  %-7s  %-7s  %s %s%s%s  [%s]\n",
			m->mac[0] ? m->mac : "-", m->address[0] ? m->address : "-",
			phase_name(last->phase), state_of(last),
			clock_time(first, started, sizeof started),
			seconds(ms_between(first, last->rec.time_ms), took, sizeof took),
			seconds(ms_between(last->rec.time_ms, now_ms), idle, sizeof idle),
			last->rec.event,
			last->rec.subject, last->rec.note[0] ? ": " : "", last->rec.note,
			phase_summary(m, phases, sizeof phases));
	}
}

static void print_phase_times(const struct machine *m, FILE *out)
{
	struct phase_time pt[PHASE_COUNT];
	size_t n = machine_phase_times(m, pt);
	char took[24];

	fprintf(out, "\ntime per phase:");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %s %s", phase_name(pt[i].phase), seconds(pt[i].ms, took, sizeof took));
	fprintf(out, "\n");
}

void status_print_machine(const struct machine *m, FILE *out)
{
	int64_t first = m->steps[0].rec.time_ms;
	char at[24];

	fprintf(out, "machine %s, address %s, boot file %s\n", m->mac[0] ? m->mac : "-",
		m->address[0] ? m->address : "-", m->boot_file[0] ? m->boot_file : "-");
	fprintf(out, "started %s\n\n", clock_time(first, at, sizeof at));
	for (size_t i = 0; i < m->nsteps; i++) {
		const struct progress_rec *r = &m->steps[i].rec;

		fprintf(out, "  +%-8s %-9s %-11s %s%s%s%s\n",
			seconds(ms_between(first, r->time_ms), at, sizeof at),
			phase_name(m->steps[i].phase),
			r->event, r->subject, r->note[0] ? "  " : "", r->note,
			m->steps[i].failed ? "  <- failed" : "");
	}
	print_phase_times(m, out);
}

/* ---------------------------------------------------------------- JSON */

static json_t *machine_json(const struct machine *m)
{
	json_t *steps = json_array(), *phases = json_array();
	const struct step *last = machine_last(m);
	struct phase_time pt[PHASE_COUNT];
	size_t n = machine_phase_times(m, pt);

	for (size_t i = 0; phases && i < n; i++)
		json_array_append_new(phases, json_pack("{s:s, s:I}", "phase",
							phase_name(pt[i].phase), "ms",
							(json_int_t)pt[i].ms));
	for (size_t i = 0; steps && i < m->nsteps; i++) {
		const struct step *s = &m->steps[i];

		json_array_append_new(steps, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}",
						       "time_ms", (json_int_t)s->rec.time_ms,
						       "daemon", ring_names[s->source],
						       "phase", phase_name(s->phase),
						       "event", s->rec.event,
						       "subject", s->rec.subject,
						       "note", s->rec.note, "failed", s->failed));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "mac", m->mac, "address",
			 m->address, "boot_file", m->boot_file, "phase", phase_name(last->phase),
			 "failed", last->failed, "phase_times", phases, "steps", steps);
}

int status_print_json(const struct machine *machines, size_t n, FILE *out)
{
	json_t *list = json_array();
	int rc;

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(list, machine_json(&machines[i])) < 0) {
			json_decref(list);
			return -ENOMEM;
		}
	rc = json_dumpf(list, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(list);
	return rc < 0 ? -EIO : 0;
}
