/* A daemon's life around its own work: flags and config, logging, pidfile,
 * detaching, and the loop with SIGHUP (reload) and SIGTERM/SIGINT (stop). */
#ifndef PXE_SERVICE_H
#define PXE_SERVICE_H

#include <stdbool.h>

#include "cli.h"
#include "conf.h"
#include "daemon.h"
#include "loop.h"

struct service;

/* Offered a freshly loaded config on SIGHUP: apply it and return 0, or
 * return -1 (after logging why) to keep running on the current one. */
typedef int service_reload_fn(struct service *svc, const struct conf *next);

struct service {
	const struct cli_spec *spec;
	service_reload_fn *reload;	/* NULL: only the logging settings change */
	void *arg;			/* the daemon's own state */
	struct cli cli;
	struct conf conf;
	struct pidfile pidfile;
	struct loop *loop;
	bool detached;
	/* Set before service_start() by a daemon that finds itself started
	 * by a supervisor: it stays in the foreground and writes no pidfile
	 * (systemd socket activation, inetd).  Under inetd, fds 1 and 2 may be
	 * the client's socket: logs go to syslog and those fds to /dev/null. */
	bool supervised;
	bool inetd;
};

/* Flags, then the config.  1: the process is done and exits 0 (a passing
 * --check-config); 0: go on; -1: an error was printed, exit 1. */
int service_init(struct service *svc, const struct cli_spec *spec, int argc, char **argv);
/* Logging as configured, the pidfile (refusing a second instance), detaching
 * unless --foreground, the loop and its signals.  -1 on error (logged). */
int service_start(struct service *svc, const char *pidfile);
/* Start-up is over: the waiting parent exits 0, and a detached daemon whose
 * log is "auto" moves from stderr to syslog. */
void service_ready(struct service *svc);
/* Start-up failed after service_start (the reason was logged): the waiting
 * parent exits 1. */
void service_fail(struct service *svc);
/* Runs the loop until SIGTERM or SIGINT; the process's exit status. */
int service_run(struct service *svc);
void service_end(struct service *svc);

/* The whole sequence for a daemon with nothing to set up between start and
 * ready; section names its part of the config (for the pidfile). */
int service_main(const struct cli_spec *spec, const char *section, int argc, char **argv);

#endif
