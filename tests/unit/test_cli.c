/* Unit tests of common/cli.c: the shared flags, daemon flags as config keys,
 * and defaults < file < flags. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "suite_conf.h"

static const struct cli_flag test_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", .section = "tftpd", .key = "pidfile",
	  .help = "write the pid to FILE" },
	{ .short_name = 'L', .section = "global", .key = "log", .value = "stderr",
	  .help = "log to stderr" },
	{ .short_name = 'F', .help = "stay in the foreground", .alias = 'f' },
	{ .short_name = 'T', .arg = "USEC", .section = "test", .key = "timeout", .usec = true,
	  .help = "a timeout in microseconds" },
	{ .short_name = 's', .help = "accepted and ignored" },
	{ 0 }
};

static const struct cli_spec spec = {
	.prog = "pxe-test",
	.summary = "A daemon for tests.",
	.flags = test_flags,
	.operand = "PIDFILE",
	.operand_section = "dhcpd",
	.operand_key = "pidfile",
	.schema = suite_schema,
};

#define ARGV(...) ((char *[]){ "pxe-test", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "pxe-test", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cli, ...) cli_parse(cli, &spec, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/* Runs cli_parse in a child (it exits on --help and bad flags); returns the
 * exit status and what the child wrote to stdout and stderr. */
static int parse_in_child(char **argv, int argc, char *out, size_t outsz)
{
	int pfd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cli cli;

		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		alarm(10);
		cli_parse(&cli, &spec, argc, argv);
		_exit(100);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + got, outsz - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_common_flags_parse(void **state)
{
	struct cli cli;

	PARSE(&cli, "--config", "/tmp/x.ini", "-f", "--check-config");
	assert_string_equal(cli.config_path, "/tmp/x.ini");
	assert_true(cli.config_given);
	assert_true(cli.foreground);
	assert_true(cli.check_config);
	cli_free(&cli);
}

static void test_default_config_path_is_not_given(void **state)
{
	struct cli cli;

	PARSE(&cli, "-f");
	assert_string_equal(cli.config_path, SUITE_CONF_DEFAULT);
	assert_false(cli.config_given);
	cli_free(&cli);
}

static void test_set_and_daemon_flags_become_settings_in_order(void **state)
{
	struct cli cli;

	PARSE(&cli, "-o", "tftpd.pidfile=/run/a.pid", "-P", "/run/b.pid", "-L", "-v");
	assert_int_equal(cli.nsettings, 4);
	assert_string_equal(cli.settings[0].section, "tftpd");
	assert_string_equal(cli.settings[0].key, "pidfile");
	assert_string_equal(cli.settings[0].value, "/run/a.pid");
	assert_string_equal(cli.settings[1].value, "/run/b.pid");
	assert_string_equal(cli.settings[1].origin, "--pidfile");
	assert_string_equal(cli.settings[2].key, "log");
	assert_string_equal(cli.settings[2].value, "stderr");
	assert_string_equal(cli.settings[2].origin, "-L");
	assert_string_equal(cli.settings[3].key, "log_level");
	assert_int_equal(cli.verbose, 1);
	cli_free(&cli);
}

static void test_set_value_may_contain_dots_and_equals(void **state)
{
	struct cli cli;

	PARSE(&cli, "--set", "global.log=a.b=c");
	assert_string_equal(cli.settings[0].section, "global");
	assert_string_equal(cli.settings[0].key, "log");
	assert_string_equal(cli.settings[0].value, "a.b=c");
	cli_free(&cli);
}

static void test_alias_acts_as_the_common_flag(void **state)
{
	struct cli cli;

	PARSE(&cli, "-F");
	assert_true(cli.foreground);
	assert_int_equal(cli.nsettings, 0);
	cli_free(&cli);
}

static void test_usec_flag_becomes_whole_milliseconds_rounded_up(void **state)
{
	struct cli cli;

	PARSE(&cli, "-T", "1000000", "-T", "1500", "-T", "0");
	assert_int_equal(cli.nsettings, 3);
	assert_string_equal(cli.settings[0].value, "1000ms");
	assert_string_equal(cli.settings[1].value, "2ms");
	assert_string_equal(cli.settings[2].value, "0ms");
	cli_free(&cli);
}

static void test_flag_without_key_is_accepted_and_sets_nothing(void **state)
{
	struct cli cli;

	PARSE(&cli, "-s");
	assert_int_equal(cli.nsettings, 0);
	cli_free(&cli);
}

static void test_operand_sets_its_key(void **state)
{
	struct cli cli;

	PARSE(&cli, "-f", "/run/operand.pid");
	assert_int_equal(cli.nsettings, 1);
	assert_string_equal(cli.settings[0].section, "dhcpd");
	assert_string_equal(cli.settings[0].key, "pidfile");
	assert_string_equal(cli.settings[0].value, "/run/operand.pid");
	assert_string_equal(cli.settings[0].origin, "PIDFILE");
	cli_free(&cli);
}

static void test_bad_flags_exit_with_usage_status(void **state)
{
	char out[4096];

	assert_int_equal(parse_in_child(ARGV("--bogus"), ARGC("--bogus"), out, sizeof out), 64);
	assert_non_null(strstr(out, "unknown option '--bogus'"));
	assert_int_equal(parse_in_child(ARGV("--config"), ARGC("--config"), out, sizeof out), 64);
	assert_non_null(strstr(out, "needs an argument"));
	assert_int_equal(parse_in_child(ARGV("-o", "nodot=1"), ARGC("-o", "nodot=1"), out, sizeof out), 64);
	assert_non_null(strstr(out, "SECTION.KEY=VALUE"));
	assert_int_equal(parse_in_child(ARGV("-T", "-5"), ARGC("-T", "-5"), out, sizeof out), 64);
	assert_non_null(strstr(out, "expected microseconds"));
	assert_int_equal(parse_in_child(ARGV("/a", "stray"), ARGC("/a", "stray"), out, sizeof out), 64);
	assert_non_null(strstr(out, "unexpected argument 'stray'"));
}

static void test_help_lists_common_and_daemon_flags(void **state)
{
	char out[8192];

	assert_int_equal(parse_in_child(ARGV("--help"), ARGC("--help"), out, sizeof out), 0);
	assert_non_null(strstr(out, "Usage: pxe-test [OPTION]... [PIDFILE]"));
	assert_non_null(strstr(out, "--check-config"));
	assert_non_null(strstr(out, "-P, --pidfile FILE"));
	assert_non_null(strstr(out, "-L "));
}

static void test_version_prints_package_version(void **state)
{
	char out[256], want[128];

	assert_int_equal(parse_in_child(ARGV("-V"), ARGC("-V"), out, sizeof out), 0);
	snprintf(want, sizeof want, "pxe-test (pxesuite) %s\n", PACKAGE_VERSION);
	assert_string_equal(out, want);
}

static char *write_conf(const char *text)
{
	static char path[] = "/tmp/test_cli.XXXXXX";
	int fd;

	strcpy(path, "/tmp/test_cli.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_missing_default_file_means_builtin_defaults(void **state)
{
	struct cli cli = { .config_path = "/nonexistent/pxesuite.ini" };
	struct conf_error err;
	struct conf conf;
	const struct conf_tftpd *t;

	assert_int_equal(cli_load_config(&cli, &spec, &conf, &err), 0);
	assert_null(conf.path);
	t = conf_get(&conf, "tftpd");
	assert_string_equal(t->daemon.pidfile, RUNSTATEDIR "/pxe-tftpd.pid");
	conf_free(&conf);
}

static void test_missing_given_file_is_an_error(void **state)
{
	struct cli cli = { .config_path = "/nonexistent/pxesuite.ini", .config_given = true };
	struct conf_error err;
	struct conf conf;

	assert_int_equal(cli_load_config(&cli, &spec, &conf, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/pxesuite.ini"));
	assert_non_null(strstr(err.msg, "No such file"));
}

static void test_flags_override_file_which_overrides_defaults(void **state)
{
	char *path = write_conf("[global]\nlog_level = warning\nlog = syslog\n[tftpd]\npidfile = /run/file.pid\n");
	struct conf_error err;
	struct conf conf;
	struct cli cli;
	const struct conf_global *g;
	const struct conf_tftpd *t;

	PARSE(&cli, "--config", path, "-P", "/run/flag.pid");
	assert_int_equal(cli_load_config(&cli, &spec, &conf, &err), 0);
	g = conf_get(&conf, "global");
	t = conf_get(&conf, "tftpd");
	assert_int_equal(suite_log_priority(g), LOG_WARNING);	/* file over default */
	assert_int_equal(g->log, SUITE_LOG_SYSLOG);
	assert_string_equal(t->daemon.pidfile, "/run/flag.pid");	/* flag over file */
	conf_free(&conf);
	cli_free(&cli);
	unlink(path);
}

static void test_bad_flag_value_is_a_command_line_error(void **state)
{
	struct conf_error err;
	struct conf conf;
	struct cli cli;

	PARSE(&cli, "--config", "/nonexistent.ini", "-P", "relative.pid");
	cli.config_given = false;
	assert_int_equal(cli_load_config(&cli, &spec, &conf, &err), -1);
	assert_non_null(strstr(err.msg, "command line"));
	assert_non_null(strstr(err.msg, "--pidfile"));
	cli_free(&cli);
}

static void test_file_error_names_file_and_line(void **state)
{
	char *path = write_conf("[global]\n\nlog_level = chatty\n");
	struct conf_error err;
	struct conf conf;
	struct cli cli;
	char want[128];

	PARSE(&cli, "--config", path);
	assert_int_equal(cli_load_config(&cli, &spec, &conf, &err), -1);
	snprintf(want, sizeof want, "%s:3: ", path);
	assert_true(strncmp(err.msg, want, strlen(want)) == 0);
	cli_free(&cli);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_flags_parse),
		cmocka_unit_test(test_default_config_path_is_not_given),
		cmocka_unit_test(test_set_and_daemon_flags_become_settings_in_order),
		cmocka_unit_test(test_set_value_may_contain_dots_and_equals),
		cmocka_unit_test(test_alias_acts_as_the_common_flag),
		cmocka_unit_test(test_usec_flag_becomes_whole_milliseconds_rounded_up),
		cmocka_unit_test(test_flag_without_key_is_accepted_and_sets_nothing),
		cmocka_unit_test(test_operand_sets_its_key),
		cmocka_unit_test(test_bad_flags_exit_with_usage_status),
		cmocka_unit_test(test_help_lists_common_and_daemon_flags),
		cmocka_unit_test(test_version_prints_package_version),
		cmocka_unit_test(test_missing_default_file_means_builtin_defaults),
		cmocka_unit_test(test_missing_given_file_is_an_error),
		cmocka_unit_test(test_flags_override_file_which_overrides_defaults),
		cmocka_unit_test(test_bad_flag_value_is_a_command_line_error),
		cmocka_unit_test(test_file_error_names_file_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
