/* pxectl's findings: each says what is wrong, what the booting client shows
 * because of it, and the fix; printed for people or as JSON for scripts. */
#ifndef PXECTL_REPORT_H
#define PXECTL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum severity {
	SEV_INFO,	/* worth knowing; no boot fails from it */
	SEV_WARNING,	/* some clients or setups fail */
	SEV_ERROR,	/* a boot fails */
};

struct finding {
	int severity;		/* enum severity */
	char *area;		/* "config", "boot", "install", "host" */
	char *what;		/* what is wrong, with FILE:LINE where there is one */
	char *client;		/* what the client shows, or why the boot fails */
	char *fix;
};

struct report {
	struct finding *items;
	size_t count;
	bool oom;		/* a finding was lost: the report says so */
};

void report_init(struct report *r);
void report_free(struct report *r);
/* Adds a finding; client and fix may be NULL.  what is a format. */
void report_add(struct report *r, int severity, const char *area, const char *client,
		const char *fix, const char *what, ...) __attribute__((format(printf, 6, 7)));
size_t report_count(const struct report *r, int severity);
/* Whether a boot would fail: some finding is an error. */
bool report_failed(const struct report *r);

void report_print_text(const struct report *r, const char *config, FILE *out);
/* One JSON object: {"config", "findings": [...], "errors", "warnings"}. */
int report_print_json(const struct report *r, const char *config, FILE *out);

#endif
