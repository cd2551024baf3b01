/* pxectl status and watch: each machine's boot, from the progress the
 * daemons record (timeline.h), as a table, one machine's steps, or JSON. */
#ifndef PXECTL_STATUS_H
#define PXECTL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "timeline.h"

/* The timeline from the rings in dir.  0; -ENOENT when no daemon has a
 * ring there (err says so); another negative errno otherwise. */
int status_load(const char *dir, struct timeline *t, char *err, size_t errlen);

/* One row per machine: its phase now and how long its boot has taken. */
void status_print_table(const struct timeline *t, int64_t now_ms, FILE *out);
/* One machine's steps, with the time each phase took. */
void status_print_machine(const struct machine *m, FILE *out);
/* The machines as a JSON array, each with its steps. */
int status_print_json(const struct machine *machines, size_t n, FILE *out);

/* The machine a MAC or an address names, or NULL. */
const struct machine *status_find(const struct timeline *t, const char *who);

/* pxectl status: the table, or machine's steps when machine is not NULL,
 * from the progress_dir of the config at path.  The exit status: 0, 1 when
 * a boot shown has failed or there is nothing to show. */
int status_run(const char *path, bool given, const char *machine, bool json);

struct status_watch {
	long interval_ms;
	long count;		/* tables to print; 0: until interrupted */
};

/* pxectl watch: the table again and again. */
int status_watch(const char *path, bool given, const struct status_watch *w);

#endif
