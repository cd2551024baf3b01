/* Unit tests for common/conf.c's CONF_KEYED keys ("option 42 = value"): one
 * item per ARG in file order with its line, duplicates, flags, the key's
 * validate with FILE:LINE, and the near misses that are still errors. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

struct t_main {
	char *name;
	struct conf_keyed options;
};

struct t_host {
	char *boot_file;
	struct conf_keyed options;
};

/* ARG: a number from 1 to 254; value: anything but a word with "bad" in it. */
static int validate(const char *arg, const char *value, char *err, size_t errlen)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n < 1 || n > 254) {
		snprintf(err, errlen, "'%s' is not an option code from 1 to 254", arg);
		return -EINVAL;
	}
	if (strstr(value, "bad")) {
		snprintf(err, errlen, "option %ld: \"%s\" is not a good value", n, value);
		return -EINVAL;
	}
	return 0;
}

/* 42 and 042 are one option, as a name and a number are in pxe-dhcpd's. */
static bool same_code(const char *a, const char *b)
{
	return strtol(a, NULL, 10) == strtol(b, NULL, 10);
}

static const struct conf_key main_keys[] = {
	{ .name = "name", .type = CONF_STRING, .offset = offsetof(struct t_main, name),
	  .def = "pxe" },
	{ .name = "option", .type = CONF_KEYED, .offset = offsetof(struct t_main, options),
	  .validate = validate, .same_arg = same_code },
	{ 0 }
};

static const struct conf_section_def main_def = {
	.name = "main", .size = sizeof(struct t_main), .keys = main_keys,
};

static const struct conf_key host_keys[] = {
	{ .name = "boot_file", .type = CONF_STRING, .offset = offsetof(struct t_host, boot_file) },
	{ .name = "option", .type = CONF_KEYED, .offset = offsetof(struct t_host, options),
	  .validate = validate },
	{ 0 }
};

/* Blames "option", as suite_conf_dhcpd.c's checks do. */
static int host_check(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct t_host *h = sec->data;

	(void)conf;
	for (size_t i = 0; i < h->options.count; i++) {
		if (strcmp(h->options.items[i].value, "blame") == 0) {
			*key = "option 7";
			snprintf(err, errlen, "blamed");
			return -1;
		}
	}
	if (h->options.count > 2) {
		*key = "option";
		snprintf(err, errlen, "at most two options");
		return -1;
	}
	return 0;
}

static const struct conf_section_def host_def = {
	.name = "host", .named = true, .size = sizeof(struct t_host), .keys = host_keys,
	.check = host_check,
};

static const struct conf_section_def *const schema[] = { &main_def, &host_def, NULL };

static struct conf conf;
static struct conf_error err;

static int setup(void **state)
{
	(void)state;
	memset(&err, 0, sizeof err);
	assert_int_equal(conf_init(&conf, schema, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	conf_free(&conf);
	return 0;
}

static const struct conf_keyed *main_options(void)
{
	return &((const struct t_main *)conf_get(&conf, "main"))->options;
}

static const struct conf_section *main_sec(void)
{
	for (const struct conf_section *sec = conf.sections; sec; sec = sec->next)
		if (strcmp(sec->def->name, "main") == 0)
			return sec;
	fail_msg("no [main] section");
	abort();
}

static void load_ok(const char *text)
{
	if (conf_load_string(&conf, "t.ini", text, &err) != 0)
		fail_msg("%s", err.msg);
}

static void load_bad(const char *text, const char *msg)
{
	assert_int_equal(conf_load_string(&conf, "t.ini", text, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

static void assert_item(const struct conf_keyed *k, size_t i, const char *arg,
			const char *value, uint32_t origin)
{
	assert_true(i < k->count);
	assert_string_equal(k->items[i].arg, arg);
	assert_string_equal(k->items[i].value, value);
	assert_int_equal(k->items[i].origin, origin);
}

/* ---------------------------------------------------------------- loading */

static void test_no_option_lines_is_empty(void **state)
{
	(void)state;
	load_ok("[main]\nname = x\n");
	assert_int_equal(main_options()->count, 0);
	assert_null(main_options()->items);
	assert_int_equal(conf_key_origin(main_sec(), "option"), CONF_FROM_DEFAULT);
}

static void test_several_options_kept_in_file_order_with_lines(void **state)
{
	const struct conf_keyed *k;

	(void)state;
	load_ok("[main]\n"
		"option 42 = 10.0.0.1\n"
		"name = x\n"
		"option 3 = 10.0.0.254\n"
		"; a comment\n"
		"option 252 = \"http://wpad/wpad.dat\"\n"
		"  option 15 = lab.example   ; inline comment\n");
	k = main_options();
	assert_int_equal(k->count, 4);
	assert_item(k, 0, "42", "10.0.0.1", 2);
	assert_item(k, 1, "3", "10.0.0.254", 4);
	assert_item(k, 2, "252", "\"http://wpad/wpad.dat\"", 6);
	assert_item(k, 3, "15", "lab.example", 7);
	/* The key as a whole dates from its first line. */
	assert_int_equal(conf_key_origin(main_sec(), "option"), 2);
}

static void test_blanks_between_name_and_arg_are_one_separator(void **state)
{
	const struct conf_keyed *k;

	(void)state;
	load_ok("[main]\noption\t 42 = a\n");
	k = main_options();
	assert_int_equal(k->count, 1);
	assert_item(k, 0, "42", "a", 2);
}

static void test_empty_value_is_kept_for_validate_to_judge(void **state)
{
	(void)state;
	load_ok("[main]\noption 42 =\n");
	assert_int_equal(main_options()->count, 1);
	assert_item(main_options(), 0, "42", "", 2);
}

static void test_named_sections_have_their_own_options(void **state)
{
	const struct conf_section *a, *b;
	const struct t_host *ha, *hb;

	(void)state;
	load_ok("[host a]\noption 12 = alpha\n"
		"[host b]\noption 12 = beta\noption 13 = x\n"
		"[main]\noption 12 = main\n");
	a = conf_next(&conf, "host", NULL);
	b = conf_next(&conf, "host", a);
	ha = a->data;
	hb = b->data;
	assert_int_equal(ha->options.count, 1);
	assert_item(&ha->options, 0, "12", "alpha", 2);
	assert_int_equal(hb->options.count, 2);
	assert_item(&hb->options, 0, "12", "beta", 4);
	assert_item(&hb->options, 1, "13", "x", 5);
	assert_item(main_options(), 0, "12", "main", 7);
}

/* ---------------------------------------------------------------- errors */

static void test_duplicate_arg_names_the_first_line(void **state)
{
	(void)state;
	load_bad("[main]\noption 42 = a\noption 3 = b\noption 42 = c\n",
		 "t.ini:4: [main] option 42: duplicate; first set at line 2");
}

static void test_duplicate_arg_in_a_named_section(void **state)
{
	(void)state;
	load_bad("[host pc1]\n\noption 7 = a\noption  7 = b\n",
		 "t.ini:4: [host pc1] option  7: duplicate; first set at line 3");
}

/* The error is at the line that repeats the option, as for a plain key. */
static void test_arg_written_another_way_is_a_duplicate_at_its_line(void **state)
{
	(void)state;
	load_bad("[main]\noption 42 = a\noption 3 = b\n\noption 042 = c\n",
		 "t.ini:5: [main] option 042: duplicate of 'option 42'; first set at line 2");
}

static void test_flag_replaces_the_same_arg_written_another_way(void **state)
{
	(void)state;
	load_ok("[main]\noption 042 = file\n");
	assert_int_equal(conf_set(&conf, "main", "option 42", "flag", "-o", &err), 0);
	assert_int_equal(main_options()->count, 1);
	assert_item(main_options(), 0, "042", "flag", CONF_FROM_CMDLINE);
}

static void test_same_arg_in_two_sections_is_no_duplicate(void **state)
{
	(void)state;
	load_ok("[host a]\noption 7 = a\n[host b]\noption 7 = b\n");
}

static void test_validate_error_gets_file_and_line(void **state)
{
	(void)state;
	load_bad("[main]\nname = x\noption 42 = a bad one\n",
		 "t.ini:3: [main] option 42: option 42: \"a bad one\" is not a good value");
}

static void test_validate_judges_the_arg_too(void **state)
{
	(void)state;
	load_bad("[main]\noption 300 = x\n",
		 "t.ini:2: [main] option 300: '300' is not an option code from 1 to 254");
}

static void test_validate_error_in_a_named_section(void **state)
{
	(void)state;
	load_bad("[host pc1]\nboot_file = a\noption 12 = bad\n",
		 "t.ini:3: [host pc1] option 12: option 12: \"bad\" is not a good value");
}

static void test_bare_keyed_name_is_an_error(void **state)
{
	(void)state;
	load_bad("[main]\noption = x\n", "t.ini:2: [main] option: expected 'option ARG = value'");
}

static void test_keyed_name_with_blank_arg_is_an_error(void **state)
{
	(void)state;
	/* inih trims the name, so "option   " is "option". */
	load_bad("[main]\noption    = x\n", "t.ini:2: [main] option: expected 'option ARG = value'");
}

static void test_misspelt_keyed_name_is_an_unknown_key(void **state)
{
	(void)state;
	load_bad("[main]\noptoin 3 = x\n", "t.ini:2: [main] optoin 3: unknown key");
}

static void test_plain_key_with_an_arg_is_an_unknown_key(void **state)
{
	(void)state;
	/* "name" is not CONF_KEYED: "name x" is no key at all. */
	load_bad("[main]\nname x = y\n",
		 "t.ini:2: [main] name x: unknown key; did you mean 'name'?");
}

static void test_first_error_wins(void **state)
{
	(void)state;
	load_bad("[main]\noption 1 = bad\noption = x\n",
		 "t.ini:2: [main] option 1: option 1: \"bad\" is not a good value");
}

/* ---------------------------------------------------------------- flags */

static void test_flag_after_the_file_replaces_its_value(void **state)
{
	const struct conf_keyed *k;

	(void)state;
	load_ok("[main]\noption 3 = a\noption 42 = file\n");
	assert_int_equal(conf_set(&conf, "main", "option 42", "flag", "-o", &err), 0);
	k = main_options();
	assert_int_equal(k->count, 2);
	assert_item(k, 0, "3", "a", 2);
	assert_item(k, 1, "42", "flag", CONF_FROM_CMDLINE);
}

static void test_flag_before_the_file_still_wins(void **state)
{
	const struct conf_keyed *k;

	(void)state;
	assert_int_equal(conf_set(&conf, "main", "option 42", "flag", "-o", &err), 0);
	load_ok("[main]\noption 3 = a\noption 42 = file\n");
	k = main_options();
	assert_int_equal(k->count, 2);
	assert_item(k, 0, "42", "flag", CONF_FROM_CMDLINE);
	assert_item(k, 1, "3", "a", 2);
}

static void test_flag_adds_a_new_arg(void **state)
{
	(void)state;
	load_ok("[main]\noption 3 = a\n");
	assert_int_equal(conf_set(&conf, "main", "option 66", "tftp", "-o", &err), 0);
	assert_int_equal(main_options()->count, 2);
	assert_item(main_options(), 1, "66", "tftp", CONF_FROM_CMDLINE);
	assert_int_equal(conf_key_origin(main_sec(), "option"), 2);
}

static void test_second_flag_for_the_same_arg_wins(void **state)
{
	(void)state;
	assert_int_equal(conf_set(&conf, "main", "option 42", "one", "-o", &err), 0);
	assert_int_equal(conf_set(&conf, "main", "option 42", "two", "-o", &err), 0);
	assert_int_equal(main_options()->count, 1);
	assert_item(main_options(), 0, "42", "two", CONF_FROM_CMDLINE);
	assert_int_equal(conf_key_origin(main_sec(), "option"), CONF_FROM_CMDLINE);
}

static void test_file_value_under_a_flag_is_still_validated(void **state)
{
	(void)state;
	assert_int_equal(conf_set(&conf, "main", "option 42", "flag", "-o", &err), 0);
	load_bad("[main]\noption 42 = bad\n",
		 "t.ini:2: [main] option 42: option 42: \"bad\" is not a good value");
}

static void test_flag_value_is_validated(void **state)
{
	(void)state;
	assert_int_equal(conf_set(&conf, "main", "option 42", "bad", "-o", &err), -EINVAL);
	assert_string_equal(err.msg,
			    "command line: -o 'bad': option 42: \"bad\" is not a good value");
	assert_int_equal(main_options()->count, 0);
}

static void test_bare_keyed_flag_is_an_error(void **state)
{
	(void)state;
	assert_int_equal(conf_set(&conf, "main", "option", "x", "-o", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: -o 'x': expected 'option ARG = value'");
}

static void test_misspelt_keyed_flag_is_no_key(void **state)
{
	(void)state;
	assert_int_equal(conf_set(&conf, "main", "optoin 3", "x", "-o", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: -o 'x': no key 'optoin 3' in [main]");
}

static void test_flag_reaches_a_named_section(void **state)
{
	const struct t_host *h;

	(void)state;
	load_ok("[host pc1]\noption 12 = file\n");
	assert_int_equal(conf_set(&conf, "host pc1", "option 12", "flag", NULL, &err), 0);
	h = conf_next(&conf, "host", NULL)->data;
	assert_item(&h->options, 0, "12", "flag", CONF_FROM_CMDLINE);
}

/* ---------------------------------------------------------------- checks */

static void test_check_blaming_option_points_at_its_first_line(void **state)
{
	(void)state;
	load_ok("[host pc1]\nboot_file = a\noption 1 = a\noption 2 = b\noption 3 = c\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:3: [host pc1] option: at most two options");
}

/* A check may blame one item, "option 7": its own line, not the first. */
static void test_check_blaming_one_option_points_at_its_line(void **state)
{
	(void)state;
	load_ok("[host pc1]\noption 5 = a\noption 7 = blame\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:3: [host pc1] option 7: blamed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_option_lines_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_options_kept_in_file_order_with_lines,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_blanks_between_name_and_arg_are_one_separator,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_value_is_kept_for_validate_to_judge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_sections_have_their_own_options,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_arg_names_the_first_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_arg_in_a_named_section,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_arg_written_another_way_is_a_duplicate_at_its_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_replaces_the_same_arg_written_another_way,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_arg_in_two_sections_is_no_duplicate,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_error_gets_file_and_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_judges_the_arg_too, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate_error_in_a_named_section,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_keyed_name_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyed_name_with_blank_arg_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_misspelt_keyed_name_is_an_unknown_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_key_with_an_arg_is_an_unknown_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_error_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_after_the_file_replaces_its_value,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_before_the_file_still_wins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_adds_a_new_arg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_flag_for_the_same_arg_wins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_value_under_a_flag_is_still_validated,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_value_is_validated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_keyed_flag_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misspelt_keyed_flag_is_no_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_reaches_a_named_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_blaming_one_option_points_at_its_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_blaming_option_points_at_its_first_line,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
