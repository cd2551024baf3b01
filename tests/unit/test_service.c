/* Unit tests of common/service.c: --check-config, start-up failures, the
 * pidfile, and SIGHUP/SIGTERM handled by the loop.  The sequences that end a
 * process run in forked children. */
#include <config.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"
#include "loop.h"
#include "service.h"
#include "suite_conf.h"

static const struct cli_spec spec = {
	.prog = "pxe-test",
	.summary = "A daemon for tests.",
	.schema = suite_schema,
};

static char dir[] = "/tmp/test_service.XXXXXX";
static char conf_path[256], pid_path[256], progress_dir[256], progress_path[300];

/* text's last section is [global]: the progress records go to the test's
 * own directory. */
static void write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	fprintf(f, "%sprogress_dir = %s\n", text, progress_dir);
	fclose(f);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf_path, sizeof conf_path, "%s/pxesuite.ini", dir);
	snprintf(pid_path, sizeof pid_path, "%s/test.pid", dir);
	snprintf(progress_dir, sizeof progress_dir, "%s/run", dir);
	snprintf(progress_path, sizeof progress_path, "%s/pxe-test.progress", progress_dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(conf_path);
	unlink(pid_path);
	unlink(progress_path);
	rmdir(progress_dir);
	return rmdir(dir);
}

#define ARGV(...) ((char *[]){ "pxe-test", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "pxe-test", __VA_ARGS__ }) / sizeof(char *)))

static void test_check_config_of_good_file_is_done_with_success(void **state)
{
	struct service svc = { 0 };

	write_conf("[global]\nlog_level = debug\n");
	assert_int_equal(service_init(&svc, &spec, ARGC("-C", conf_path, "--check-config"),
				      ARGV("-C", conf_path, "--check-config")), 1);
}

static void test_bad_config_fails_init(void **state)
{
	struct service svc = { 0 };

	write_conf("[global]\nlog_level = chatty\n");
	assert_int_equal(service_init(&svc, &spec, ARGC("-C", conf_path), ARGV("-C", conf_path)), -1);
}

static int reloads, refuse_reload;

static int count_reload(struct service *svc, const struct conf *next)
{
	reloads++;
	return refuse_reload ? -1 : 0;
}

/* Signals itself from a timer once the loop runs: the handlers only set
 * flags, so the loop must act on them. */
static void send_signal(struct loop *loop, struct loop_timer *t, void *arg)
{
	kill(getpid(), *(int *)arg);
}

static int run_until_signals(void *arg)
{
	static int hup = SIGHUP, term = SIGTERM;
	struct service svc = { .reload = count_reload };
	struct loop_timer t1, t2;
	struct stat st;
	int rc;

	CHECK(service_init(&svc, &spec, ARGC("-f", "-C", conf_path),
			   ARGV("-f", "-C", conf_path)) == 0);
	CHECK(service_start(&svc, pid_path) == 0);
	CHECK(stat(pid_path, &st) == 0 && st.st_size > 0);
	/* the progress ring is open before any privilege drop */
	CHECK(stat(progress_path, &st) == 0 && st.st_size > 0);
	service_ready(&svc);
	loop_timer_init(&t1, send_signal, &hup);
	loop_timer_init(&t2, send_signal, &term);
	loop_timer_arm(svc.loop, &t1, 10 * 1000);
	loop_timer_arm(svc.loop, &t2, 100 * 1000);
	rc = service_run(&svc);
	service_end(&svc);
	CHECK(rc == 0);
	CHECK(reloads == 1);
	CHECK(access(pid_path, F_OK) == -1);	/* removed at the end */
	return 0;
}

static void test_sighup_reloads_and_sigterm_stops(void **state)
{
	write_conf("[global]\nlog = stderr\n");
	refuse_reload = 0;
	assert_int_equal(run_child(run_until_signals, NULL), 0);
}

static void test_refused_reload_keeps_running_until_sigterm(void **state)
{
	write_conf("[global]\nlog = stderr\n");
	refuse_reload = 1;
	assert_int_equal(run_child(run_until_signals, NULL), 0);
}

/* A second instance finds the pidfile locked and fails to start. */
static int second_instance(void *arg)
{
	struct service first = { 0 }, second = { 0 };
	int status;
	pid_t pid;

	CHECK(service_init(&first, &spec, ARGC("-f", "-C", conf_path),
			   ARGV("-f", "-C", conf_path)) == 0);
	CHECK(service_start(&first, pid_path) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* flock belongs to the open file: another open is another owner. */
		if (service_init(&second, &spec, ARGC("-f", "-C", conf_path),
				 ARGV("-f", "-C", conf_path)) != 0)
			_exit(2);
		_exit(service_start(&second, pid_path) == -1 ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	service_end(&first);
	return 0;
}

static void test_second_instance_with_same_pidfile_fails(void **state)
{
	write_conf("[global]\nlog = stderr\n");
	assert_int_equal(run_child(second_instance, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_config_of_good_file_is_done_with_success),
		cmocka_unit_test(test_bad_config_fails_init),
		cmocka_unit_test(test_sighup_reloads_and_sigterm_stops),
		cmocka_unit_test(test_refused_reload_keeps_running_until_sigterm),
		cmocka_unit_test(test_second_instance_with_same_pidfile_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
