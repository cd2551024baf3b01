/* pxectl status and watch: the progress directory from pxesuite.ini, then
 * the views of status.c. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "status.h"
#include "suite_conf.h"

/* [global] progress_dir of the config (its default when no file was
 * named and the default file is absent). */
static char *progress_dir(const char *path, bool given)
{
	struct cli cli = { .config_path = path, .config_given = given };
	struct cli_spec spec = { .prog = "pxectl", .schema = suite_schema };
	const struct conf_global *g;
	struct conf_error err;
	struct conf conf;
	char *dir;

	if (cli_load_config(&cli, &spec, &conf, &err) < 0) {
		fprintf(stderr, "pxectl: %s\n", err.msg);
		return NULL;
	}
	g = conf_get(&conf, "global");
	if (!g->progress)
		fprintf(stderr, "pxectl: %s: progress = no: the daemons record nothing new\n",
			path);
	dir = strdup(g->progress_dir);
	conf_free(&conf);
	return dir;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool any_failed(const struct timeline *t)
{
	for (size_t i = 0; i < t->count; i++)
		if (machine_last(&t->machines[i])->failed)
			return true;
	return false;
}

static int show(const char *dir, const char *machine, bool json)
{
	struct timeline t;
	char err[512];
	const struct machine *m = NULL;
	int rc;

	if (status_load(dir, &t, err, sizeof err) < 0) {
		fprintf(stderr, "pxectl: %s\n", err);
		return 1;
	}
	if (machine && !(m = status_find(&t, machine))) {
		fprintf(stderr, "pxectl: %s: no such machine in the records of %s\n", machine, dir);
		timeline_free(&t);
		return 1;
	}
	if (json) {
		rc = m ? status_print_json(m, 1, stdout) : status_print_json(t.machines, t.count,
									     stdout);
	} else {
		if (m)
			status_print_machine(m, stdout);
		else if (t.count)
			status_print_table(&t, now_ms(), stdout);
		else
			printf("no machine has been seen yet (%s)\n", dir);
		rc = 0;
	}
	rc = rc < 0 ? 1 : m ? machine_last(m)->failed : any_failed(&t) || !t.count;
	timeline_free(&t);
	return rc;
}

int status_run(const char *path, bool given, const char *machine, bool json)
{
	char *dir = progress_dir(path, given);
	int rc;

	if (!dir)
		return 1;
	rc = show(dir, machine, json);
	free(dir);
	return rc;
}

int status_watch(const char *path, bool given, const struct status_watch *w)
{
	char *dir = progress_dir(path, given);
	bool tty = isatty(STDOUT_FILENO);
	struct timespec pause = { .tv_sec = w->interval_ms / 1000,
				  .tv_nsec = w->interval_ms % 1000 * 1000000 };
	int rc = 0;

	if (!dir)
		return 1;
	for (long n = 0; !w->count || n < w->count; n++) {
		if (n)
			nanosleep(&pause, NULL);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (n)
			putchar('\n');
		rc = show(dir, NULL, false);
		fflush(stdout);
	}
	free(dir);
	return rc;
}
