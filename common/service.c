/* The start-up, reload and stop sequence the three daemons share. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"
#include "service.h"
#include "suite_conf.h"

static const char *config_name(const struct conf *conf)
{
	return conf->path ? conf->path : "built-in defaults";
}

int service_init(struct service *svc, const struct cli_spec *spec, int argc, char **argv)
{
	struct conf_error err;

	svc->spec = spec;
	svc->pidfile = (struct pidfile){ .fd = -1 };
	cli_parse(&svc->cli, spec, argc, argv);
	if (cli_load_config(&svc->cli, spec, &svc->conf, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		cli_free(&svc->cli);
		return -1;
	}
	if (!svc->cli.check_config)
		return 0;
	printf("%s: ok\n", config_name(&svc->conf));
	conf_free(&svc->conf);
	cli_free(&svc->cli);
	return 1;
}

static void apply_logging(const struct conf *conf)
{
	log_set_level(suite_log_priority(conf_get(conf, "global")));
}

static void on_stop(struct loop *loop, int signo, void *arg)
{
	log_notice("stopping (%s)", sigabbrev_np(signo));
	loop_stop(loop);
}

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct service *svc = arg;
	struct conf_error err;
	struct conf next;

	if (cli_load_config(&svc->cli, svc->spec, &next, &err) < 0) {
		log_err("%s; keeping the running config", err.msg);
		return;
	}
	if (svc->reload && svc->reload(svc, &next) < 0) {
		log_err("reload of %s refused; keeping the running config", config_name(&next));
		conf_free(&next);
		return;
	}
	conf_free(&svc->conf);
	svc->conf = next;
	apply_logging(&svc->conf);
	log_notice("reloaded %s", config_name(&svc->conf));
}

static int open_pidfile(struct service *svc, const char *path)
{
	pid_t holder = 0;
	int rc = pidfile_open(&svc->pidfile, path, &holder);

	if (rc == -EEXIST)
		log_err("already running (pid %ld holds %s)", (long)holder, path);
	else if (rc < 0)
		log_err("pidfile %s: %s", path, strerror(-rc));
	return rc;
}

/* After start-up a detached daemon keeps no tie to the launching terminal. */
static void null_fd(int target)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, target);
	close(fd);
}

/* Recording for pxectl status is a help, never a reason not to serve. */
static void start_progress(const struct service *svc, const struct conf_global *g)
{
	int rc;

	if (!g->progress)
		return;
	rc = progress_open(g->progress_dir, svc->spec->prog);
	if (rc == -EBUSY)
		log_notice("progress: %s/%s.progress is in use by another process; not "
			   "recording", g->progress_dir, svc->spec->prog);
	else if (rc < 0)
		log_notice("progress: %s: %s; not recording", g->progress_dir, strerror(-rc));
}

int service_start(struct service *svc, const char *pidfile)
{
	const struct conf_global *g = conf_get(&svc->conf, "global");
	bool syslog = g->log == SUITE_LOG_SYSLOG || (svc->inetd && g->log == SUITE_LOG_AUTO);
	int rc;

	if (svc->inetd) {
		null_fd(STDOUT_FILENO);
		null_fd(STDERR_FILENO);
	}
	log_open(svc->spec->prog, syslog ? LOG_DEST_SYSLOG : LOG_DEST_STDERR);
	apply_logging(&svc->conf);
	if (svc->supervised)
		pidfile = NULL;
	if (pidfile && open_pidfile(svc, pidfile) < 0)
		return -1;
	if (!svc->cli.foreground && !svc->supervised) {
		/* stderr stays open until ready, so start-up errors reach the terminal. */
		rc = daemon_detach(true);
		if (rc < 0) {
			log_err("cannot detach: %s", strerror(-rc));
			return -1;
		}
		svc->detached = true;
	}
	if (pidfile && (rc = pidfile_write(&svc->pidfile)) < 0) {
		log_err("pidfile %s: %s", pidfile, strerror(-rc));
		return -1;
	}
	start_progress(svc, g);
	svc->loop = loop_new();
	if (!svc->loop || loop_on_signal(svc->loop, SIGHUP, on_reload, svc) < 0 ||
	    loop_on_signal(svc->loop, SIGTERM, on_stop, svc) < 0 ||
	    loop_on_signal(svc->loop, SIGINT, on_stop, svc) < 0) {
		log_err("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void service_ready(struct service *svc)
{
	const struct conf_global *g = conf_get(&svc->conf, "global");

	log_notice("%s %s ready (%s)", svc->spec->prog, PACKAGE_VERSION, config_name(&svc->conf));
	daemon_ready(0);
	if (svc->detached && g->log == SUITE_LOG_AUTO) {
		log_open(svc->spec->prog, LOG_DEST_SYSLOG);
		null_fd(STDERR_FILENO);
	}
}

void service_fail(struct service *svc)
{
	daemon_ready(1);
}

int service_run(struct service *svc)
{
	int rc = loop_run(svc->loop);

	if (rc < 0) {
		log_err("event loop failed: %s", strerror(-rc));
		return 1;
	}
	return 0;
}

void service_end(struct service *svc)
{
	if (svc->pidfile.path) {
		char *path = strdup(svc->pidfile.path);
		int rc = pidfile_close(&svc->pidfile);

		if (rc < 0)
			log_warn("pidfile %s: neither removed nor emptied: %s",
				 path ? path : "", strerror(-rc));
		free(path);
	}
	if (svc->loop)
		loop_free(svc->loop);
	progress_close();
	conf_free(&svc->conf);
	cli_free(&svc->cli);
	log_close();
}

int service_main(const struct cli_spec *spec, const char *section, int argc, char **argv)
{
	struct service svc = { 0 };
	const struct conf_daemon *d;
	int rc;

	rc = service_init(&svc, spec, argc, argv);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	d = conf_get(&svc.conf, section);
	if (service_start(&svc, d->pidfile) < 0) {
		service_fail(&svc);
		service_end(&svc);
		return 1;
	}
	service_ready(&svc);
	rc = service_run(&svc);
	service_end(&svc);
	return rc;
}
