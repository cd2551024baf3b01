/* Unit tests of common/log.c: line format, levels, escaping, rate limits. */
#include <config.h>

#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static int saved_stderr = -1;
static FILE *capture;

/* Each test's log lines go to a temp file in place of stderr. */
static int capture_start(void **state)
{
	capture = tmpfile();
	assert_non_null(capture);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(capture), STDERR_FILENO);
	log_open("test-log", LOG_DEST_STDERR);
	log_set_level(LOG_INFO);
	return 0;
}

static int capture_stop(void **state)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fclose(capture);
	return 0;
}

static char *captured(void)
{
	static char buf[16384];
	size_t n;

	fflush(stderr);
	rewind(capture);
	n = fread(buf, 1, sizeof buf - 1, capture);
	buf[n] = '\0';
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_line_has_timestamp_ident_pid_level(void **state)
{
	char want[128];
	regex_t re;

	log_info("transfer %s done", "pxelinux.0");
	snprintf(want, sizeof want,
		 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
		 "test-log\\[%ld\\]: info: transfer pxelinux\\.0 done\n$", (long)getpid());
	assert_int_equal(regcomp(&re, want, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, captured(), 0, NULL, 0), 0);
	regfree(&re);
}

static void test_levels_below_threshold_are_dropped(void **state)
{
	log_debug("hidden");
	log_warn("shown");
	assert_null(strstr(captured(), "hidden"));
	assert_non_null(strstr(captured(), "warning: shown"));
	log_set_level(LOG_DEBUG);
	log_debug("now visible");
	assert_non_null(strstr(captured(), "debug: now visible"));
	assert_true(log_enabled(LOG_DEBUG));
}

static void test_set_level_clamps_to_err_and_debug(void **state)
{
	log_set_level(LOG_EMERG);
	assert_int_equal(log_get_level(), LOG_ERR);
	log_set_level(99);
	assert_int_equal(log_get_level(), LOG_DEBUG);
}

static void test_control_characters_are_escaped(void **state)
{
	log_info("file %s", "evil\nfake: line\x1b[0m");
	assert_int_equal(count_lines(captured()), 1);
	assert_non_null(strstr(captured(), "evil\\x0afake: line\\x1b[0m"));
}

static void test_long_message_stays_one_line(void **state)
{
	char big[5000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_info("%s", big);
	assert_int_equal(count_lines(captured()), 1);
	assert_true(strlen(captured()) < 2048);
}

static void test_level_names_parse(void **state)
{
	assert_int_equal(log_level_from_name("err"), LOG_ERR);
	assert_int_equal(log_level_from_name("WARNING"), LOG_WARNING);
	assert_int_equal(log_level_from_name("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_name("loud"), -1);
}

static void test_rate_limit_holds_back_and_reports_count(void **state)
{
	struct log_limit lim = LOG_LIMIT_INIT(100, 3);
	struct timespec pause = { 0, 150 * 1000000L };

	for (int i = 0; i < 10; i++)
		log_limited(&lim, LOG_WARNING, "refused request %d", i);
	assert_int_equal(count_lines(captured()), 3);
	assert_null(strstr(captured(), "refused request 3"));
	nanosleep(&pause, NULL);
	log_limited(&lim, LOG_WARNING, "refused request %d", 10);
	assert_int_equal(count_lines(captured()), 4);
	assert_non_null(strstr(captured(), "refused request 10 (7 similar messages suppressed)"));
}

static void test_rate_limit_skips_disabled_levels(void **state)
{
	struct log_limit lim = LOG_LIMIT_INIT(1000, 1);

	log_limited(&lim, LOG_DEBUG, "debug noise");
	log_limited(&lim, LOG_WARNING, "real warning");
	assert_non_null(strstr(captured(), "real warning"));
	assert_int_equal(lim.suppressed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_has_timestamp_ident_pid_level, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_levels_below_threshold_are_dropped, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_set_level_clamps_to_err_and_debug, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_control_characters_are_escaped, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_long_message_stays_one_line, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_level_names_parse, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_rate_limit_holds_back_and_reports_count, capture_start, capture_stop),
		cmocka_unit_test_setup_teardown(test_rate_limit_skips_disabled_levels, capture_start, capture_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
