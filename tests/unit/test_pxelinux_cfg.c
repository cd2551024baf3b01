/* Unit tests of pxectl/pxelinux_cfg.c: parsing pxelinux.cfg files and
 * following their INCLUDEs. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pxelinux_cfg.h"

static struct pxecfg_file parse_ok(const char *text)
{
	struct pxecfg_file f;
	char err[256] = "";

	assert_int_equal(pxecfg_parse("t", text, strlen(text), &f, err, sizeof err), 0);
	return f;
}

static void test_parse_keeps_file_directives_in_order_with_lines(void **state)
{
	struct pxecfg_file f = parse_ok("# comment\nDEFAULT install\n\nlabel install\n"
					"\tKERNEL vmlinuz\n  append initrd=a.img,b.img ks=x\n"
					"TIMEOUT 50\nMENU TITLE hello\nui menu.c32\n");

	assert_int_equal(f.count, 5);
	assert_int_equal(f.items[0].kind, PXECFG_DEFAULT);
	assert_string_equal(f.items[0].arg, "install");
	assert_int_equal(f.items[0].line, 2);
	assert_int_equal(f.items[1].kind, PXECFG_LABEL);
	assert_int_equal(f.items[2].kind, PXECFG_KERNEL);
	assert_string_equal(f.items[2].keyword, "kernel");
	assert_string_equal(f.items[2].arg, "vmlinuz");
	assert_int_equal(f.items[2].line, 5);
	assert_int_equal(f.items[3].kind, PXECFG_APPEND);
	assert_string_equal(f.items[3].arg, "initrd=a.img,b.img ks=x");
	assert_int_equal(f.items[4].kind, PXECFG_UI);
	pxecfg_file_free(&f);
}

static void test_parse_knows_menu_subkeywords_and_kernel_types(void **state)
{
	struct pxecfg_file f = parse_ok("MENU INCLUDE common.cfg Common\nmenu background "
					"splash.png\nLINUX vmlinuz\nCOM32 hdt.c32\nFONT lat.psf\n"
					"PATH lib:/mods\r\nINITRD x.img\r\n");

	assert_int_equal(f.count, 7);
	assert_int_equal(f.items[0].kind, PXECFG_INCLUDE);
	assert_string_equal(f.items[0].keyword, "menu include");
	assert_int_equal(f.items[1].kind, PXECFG_BACKGROUND);
	assert_string_equal(f.items[2].keyword, "linux");
	assert_string_equal(f.items[3].keyword, "com32");
	assert_int_equal(f.items[4].kind, PXECFG_FONT);
	assert_string_equal(f.items[5].arg, "lib:/mods");
	assert_string_equal(f.items[6].arg, "x.img");
	pxecfg_file_free(&f);
}

static void test_parse_refuses_nul_byte_with_its_line(void **state)
{
	static const char text[] = "DEFAULT a\nKERNEL \0x\n";
	struct pxecfg_file f;
	char err[256];

	assert_int_equal(pxecfg_parse("cfg", text, sizeof text - 1, &f, err, sizeof err),
			 -EINVAL);
	assert_non_null(strstr(err, "cfg:2: a NUL byte"));
	assert_null(f.items);
}

static void test_parse_refuses_line_pxelinux_would_cut(void **state)
{
	size_t n = PXECFG_LINE_MAX + 10;
	char *text = malloc(n + 1), err[256];
	struct pxecfg_file f;

	memset(text, 'a', n);
	memcpy(text, "APPEND ", 7);
	text[n] = '\0';
	assert_int_equal(pxecfg_parse("cfg", text, n, &f, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "cfg:1: line longer than"));
	free(text);
}

static void test_parse_refuses_kernel_without_file(void **state)
{
	struct pxecfg_file f;
	char err[256];

	assert_int_equal(pxecfg_parse("cfg", "LABEL x\nKERNEL   \n", 18, &f, err, sizeof err),
			 -EINVAL);
	assert_string_equal(err, "cfg:2: kernel without a file name");
}

static void test_first_word_stops_at_blank(void **state)
{
	char out[32];

	assert_int_equal(pxecfg_first_word("  menu.cfg Title here", out, sizeof out), 8);
	assert_string_equal(out, "menu.cfg");
}

/* A walk over files held in memory. */
struct fs {
	const char *names[8];
	const char *texts[8];
	char problems[8][512];
	unsigned nproblems;
	char visited[64][32];
	unsigned nvisited;
	bool files_bound_told;
};

static int fs_read(void *arg, const char *name, char **text, size_t *len)
{
	struct fs *fs = arg;

	for (int i = 0; i < 8 && fs->names[i]; i++)
		if (strcmp(fs->names[i], name) == 0) {
			*text = strdup(fs->texts[i]);
			*len = strlen(fs->texts[i]);
			return 0;
		}
	return -ENOENT;
}

static void fs_visit(void *arg, const char *file, const struct pxecfg_directive *d)
{
	struct fs *fs = arg;

	if (fs->nvisited < 64)
		snprintf(fs->visited[fs->nvisited++], 32, "%s:%u", file, d->line);
}

static void fs_problem(void *arg, const char *msg)
{
	struct fs *fs = arg;

	if (fs->nproblems < 8)
		snprintf(fs->problems[fs->nproblems], 512, "%s", msg);
	fs->files_bound_told |= strstr(msg, "more than 128 config files in all") != NULL;
	fs->nproblems++;
}

static unsigned walk(struct fs *fs, const char *name)
{
	struct pxecfg_walker w = { .read = fs_read, .visit = fs_visit, .problem = fs_problem,
				   .arg = fs };

	return pxecfg_walk(&w, name);
}

static void test_walk_visits_include_right_after_it(void **state)
{
	struct fs fs = { .names = { "default", "menu.cfg" },
			 .texts = { "UI menu.c32\nINCLUDE menu.cfg\nLABEL z\n", "LABEL a\n" } };

	assert_int_equal(walk(&fs, "default"), 0);
	assert_int_equal(fs.nvisited, 4);
	assert_string_equal(fs.visited[1], "default:2");
	assert_string_equal(fs.visited[2], "menu.cfg:1");
	assert_string_equal(fs.visited[3], "default:3");
}

static void test_walk_reports_missing_include_where_it_is_named(void **state)
{
	struct fs fs = { .names = { "default" }, .texts = { "\nMENU INCLUDE gone.cfg\n" } };

	assert_int_equal(walk(&fs, "default"), 1);
	assert_string_equal(fs.problems[0], "default:2: INCLUDE gone.cfg: no such file");
}

static void test_walk_stops_include_loop(void **state)
{
	struct fs fs = { .names = { "a", "b" }, .texts = { "INCLUDE b\n", "LABEL x\nINCLUDE a\n" } };

	assert_int_equal(walk(&fs, "a"), 1);
	assert_string_equal(fs.problems[0], "b:2: INCLUDE a: a loop: a includes itself again");
}

/* A file that includes itself under ever longer names never ends without
 * the depth bound: ./a, ././a ... */
static int grow_read(void *arg, const char *name, char **text, size_t *len)
{
	size_t n = strlen(name);

	(void)arg;
	*text = malloc(n + 20);
	*len = (size_t)sprintf(*text, "INCLUDE ./%s\n", name);
	return 0;
}

static void test_walk_bounds_depth_of_ever_new_names(void **state)
{
	struct fs fs = { 0 };
	struct pxecfg_walker w = { .read = grow_read, .visit = fs_visit, .problem = fs_problem,
				   .arg = &fs };

	assert_int_equal(pxecfg_walk(&w, "a"), 1);
	assert_non_null(strstr(fs.problems[0], "nested more than 16 deep"));
	assert_int_equal(fs.nvisited, PXECFG_DEPTH_MAX);
}

/* Each file includes two others: without a bound on files a walk of depth
 * 16 would read 2^16 of them. */
static int fan_read(void *arg, const char *name, char **text, size_t *len)
{
	size_t n = strlen(name);

	(void)arg;
	*text = malloc(2 * n + 40);
	*len = (size_t)sprintf(*text, "INCLUDE %sa\nINCLUDE %sb\n", name, name);
	return 0;
}

static void test_walk_bounds_files_in_all(void **state)
{
	struct fs fs = { 0 };
	struct pxecfg_walker w = { .read = fan_read, .visit = fs_visit, .problem = fs_problem,
				   .arg = &fs };

	assert_true(pxecfg_walk(&w, "x") > 0);
	assert_true(fs.files_bound_told);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_keeps_file_directives_in_order_with_lines),
		cmocka_unit_test(test_parse_knows_menu_subkeywords_and_kernel_types),
		cmocka_unit_test(test_parse_refuses_nul_byte_with_its_line),
		cmocka_unit_test(test_parse_refuses_line_pxelinux_would_cut),
		cmocka_unit_test(test_parse_refuses_kernel_without_file),
		cmocka_unit_test(test_first_word_stops_at_blank),
		cmocka_unit_test(test_walk_visits_include_right_after_it),
		cmocka_unit_test(test_walk_reports_missing_include_where_it_is_named),
		cmocka_unit_test(test_walk_stops_include_loop),
		cmocka_unit_test(test_walk_bounds_depth_of_ever_new_names),
		cmocka_unit_test(test_walk_bounds_files_in_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
