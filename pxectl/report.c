/* Collecting findings and printing them, as text or JSON. */
#include <config.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const severity_names[] = { "info", "warning", "error" };

void report_init(struct report *r)
{
	*r = (struct report){ 0 };
}

static void finding_free(struct finding *f)
{
	free(f->area);
	free(f->what);
	free(f->client);
	free(f->fix);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->count; i++)
		finding_free(&r->items[i]);
	free(r->items);
	report_init(r);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void report_add(struct report *r, int severity, const char *area, const char *client,
		const char *fix, const char *what, ...)
{
	struct finding f = { .severity = severity };
	struct finding *grown;
	va_list ap;
	int n;

	va_start(ap, what);
	n = vasprintf(&f.what, what, ap);
	va_end(ap);
	if (n < 0)
		f.what = NULL;
	f.area = strdup(area);
	f.client = dup_or_null(client);
	f.fix = dup_or_null(fix);
	grown = realloc(r->items, (r->count + 1) * sizeof *grown);
	if (!f.what || !f.area || (client && !f.client) || (fix && !f.fix) || !grown) {
		if (grown)
			r->items = grown;
		finding_free(&f);
		r->oom = true;
		return;
	}
	r->items = grown;
	r->items[r->count++] = f;
}

size_t report_count(const struct report *r, int severity)
{
	size_t n = 0;

	for (size_t i = 0; i < r->count; i++)
		n += r->items[i].severity == severity;
	return n;
}

bool report_failed(const struct report *r)
{
	return r->oom || report_count(r, SEV_ERROR) > 0;
}

void report_print_text(const struct report *r, const char *config, FILE *out)
{
	size_t errors = report_count(r, SEV_ERROR), warnings = report_count(r, SEV_WARNING);

	/* Errors first: they are what stops a boot. */
	for (int sev = SEV_ERROR; sev >= SEV_INFO; sev--) {
		for (size_t i = 0; i < r->count; i++) {
			const struct finding *f = &r->items[i];

			if (f->severity != sev)
				continue;
			fprintf(out, "%-7s %s: %s\n", severity_names[sev], f->area, f->what);
			if (f->client)
				fprintf(out, "        client: %s\n", f->client);
			if (f->fix)
				fprintf(out, "        fix: %s\n", f->fix);
		}
	}
	if (r->oom)
		fprintf(out, "error   pxectl: out of memory: some findings were lost\n");
	if (errors)
		fprintf(out, "%s: %zu error%s, %zu warning%s: a PXE boot would fail\n", config,
			errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	else if (warnings)
		fprintf(out, "%s: %zu warning%s, no errors\n", config, warnings,
			warnings == 1 ? "" : "s");
	else
		fprintf(out, "%s: ok, nothing found that would stop a PXE boot\n", config);
}

static json_t *finding_json(const struct finding *f)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "severity", severity_names[f->severity],
			 "area", f->area, "what", f->what, "client", f->client, "fix", f->fix);
}

int report_print_json(const struct report *r, const char *config, FILE *out)
{
	json_t *list = json_array(), *doc;
	int rc;

	if (!list)
		return -1;
	for (size_t i = 0; list && i < r->count; i++)
		if (json_array_append_new(list, finding_json(&r->items[i])) < 0)
			break;
	doc = json_pack("{s:s, s:o, s:I, s:I, s:I, s:b}", "config", config, "findings", list,
			"errors", (json_int_t)report_count(r, SEV_ERROR),
			"warnings", (json_int_t)report_count(r, SEV_WARNING),
			"infos", (json_int_t)report_count(r, SEV_INFO),
			"boot_fails", report_failed(r));
	if (!doc)
		return -1;
	rc = json_dumpf(doc, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(doc);
	return rc;
}
