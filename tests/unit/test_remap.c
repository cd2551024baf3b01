/* Unit tests of tftpd/remap.c: tftp-hpa's remap rules, parsed and applied. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remap.h"

#define GET false
#define PUT true

static struct ip_addr v4, v6;

static int setup(void **state)
{
	if (addr_parse_ip("192.168.1.10", AF_INET, &v4, NULL, 0) < 0)
		return -1;
	return addr_parse_ip("2001:db8::1", AF_INET6, &v6, NULL, 0);
}

static struct remap *parse(const char *text)
{
	struct remap *r;
	char err[256];

	if (remap_parse("rules", text, &r, err, sizeof err) < 0)
		fail_msg("%s", err);
	return r;
}

static void parse_fails(const char *text, const char *want)
{
	struct remap *r = (struct remap *)&r;
	char err[256];

	assert_int_equal(remap_parse("rules", text, &r, err, sizeof err), -EINVAL);
	assert_null(r);
	assert_string_equal(err, want);
}

/* Applies text's rules to name; the result, or "" on an error. */
static int apply(const char *text, const char *name, bool is_write,
		 const struct ip_addr *client, char *out, size_t outsz)
{
	struct remap *r = parse(text);
	int rc = remap_apply(r, name, is_write, client, out, outsz);

	remap_free(r);
	return rc;
}

static void maps(const char *text, const char *name, bool is_write,
		 const struct ip_addr *client, const char *want)
{
	char out[256];

	assert_int_equal(apply(text, name, is_write, client, out, sizeof out), 0);
	assert_string_equal(out, want);
}

static void apply_fails(const char *text, const char *name, int want)
{
	char out[256];

	assert_int_equal(apply(text, name, GET, &v4, out, sizeof out), want);
	assert_string_equal(out, "");
}

static void test_windows_backslashes_become_slashes(void **state)
{
	maps("rg \\\\ /\n", "\\boot\\x86\\pxelinux.0", GET, &v4, "/boot/x86/pxelinux.0");
	maps("rg \\\\ /\n", "pxelinux.0", GET, &v4, "pxelinux.0");
	/* Without g only the first. */
	maps("r \\\\ /\n", "a\\b\\c", GET, &v4, "a/b\\c");
}

static void test_prefix_redirect_with_groups(void **state)
{
	const char *rules = "r ^/?pxelinux.cfg/(.*) pxelinux.cfg/\\1\n";

	maps(rules, "/pxelinux.cfg/default", GET, &v4, "pxelinux.cfg/default");
	maps(rules, "pxelinux.cfg/01-aa-bb", GET, &v4, "pxelinux.cfg/01-aa-bb");
	maps(rules, "/PXELINUX.CFG/default", GET, &v4, "/PXELINUX.CFG/default");
	maps("ri ^/?pxelinux\\.cfg/(.*) pxelinux.cfg/\\1\n", "/PXELinux.CFG/Default", GET,
	     &v4, "pxelinux.cfg/Default");
	maps("r ^(boot)/(.*)$ <\\0|\\2|\\1>\n", "boot/grub", GET, &v4, "<boot/grub|grub|boot>");
	/* An optional group that did not take part is empty. */
	maps("r ^(x)?(.*) [\\1]\\2\n", "abc", GET, &v4, "[]abc");
}

static void test_client_address_escapes(void **state)
{
	maps("r ^ \\i/\n", "pxelinux.0", GET, &v4, "192.168.1.10/pxelinux.0");
	maps("r ^ \\x/\n", "pxelinux.0", GET, &v4, "C0A8010A/pxelinux.0");
	maps("r ^ \\i/\n", "f", GET, &v6, "2001:db8::1/f");
	maps("r ^ \\x/\n", "f", GET, &v6, "20010DB8000000000000000000000001/f");
	maps("r ^ \\i\\x/\n", "f", GET, NULL, "/f");
	maps("r ^ \\L\\x/\n", "f", GET, &v4, "c0a8010a/f");
}

static void test_case_folding_escapes(void **state)
{
	maps("r ^.*$ \\L\\0\n", "PXELinux.CFG/Default", GET, &v4, "pxelinux.cfg/default");
	maps("r ^(.*)/(.*)$ \\U\\1\\E/\\2\n", "efi/Boot.efi", GET, &v4, "EFI/Boot.efi");
	/* Folding covers the replacement only, not the text around the match. */
	maps("r B \\Lx\n", "ABC", GET, &v4, "AxC");
}

static void test_escaped_space_hash_and_backslash_in_replacement(void **state)
{
	maps("r x a\\ b\\#c\\\\d  # a comment\n", "x", GET, &v4, "a b#c\\d");
	maps("r a\\ b X\n", "a b", GET, &v4, "X");
	maps("r x trailing\\\n", "x", GET, &v4, "trailing\\");
	maps("r x \\q\n", "x", GET, &v4, "q");
}

static void test_comments_blank_lines_and_crlf(void **state)
{
	maps("# a comment\n\n   \t\r\n  r  a  b  \r\n#r b c\nr c# d\n", "a", GET, &v4, "b");
	maps("r a b", "a", GET, &v4, "b");
	maps("", "a", GET, &v4, "a");
	maps("\n\n", "a", GET, &v4, "a");
	/* r without a replacement deletes the match. */
	maps("r ^/+\n", "//x", GET, &v4, "x");
}

static void test_rules_apply_in_order_and_all(void **state)
{
	maps("r a b\nr b c\nr c d\n", "a", GET, &v4, "d");
	maps("r c d\nr b c\nr a b\n", "a", GET, &v4, "b");
}

static void test_e_ends_processing_when_it_matches(void **state)
{
	const char *rules = "re ^a(.*) x\\1\nr ^ y\n";

	maps(rules, "a1", GET, &v4, "x1");
	maps(rules, "b1", GET, &v4, "yb1");
	maps("e ^a\nr ^ y\n", "a1", GET, &v4, "a1");
	maps("e~ ^a\nr ^ y\n", "b1", GET, &v4, "b1");
	maps("e~ ^a\nr ^ y\n", "a1", GET, &v4, "ya1");
}

static void test_s_starts_over_when_it_matches(void **state)
{
	maps("rs ^x/ \nr ^ done/\n", "x/x/x/f", GET, &v4, "done/f");
	apply_fails("s ^\n", "f", -ELOOP);
	apply_fails("rs ^ x\n", "f", -ELOOP);
	/* With ~: start over until the name has three a's in front. */
	maps("r ^ a\ns~ ^aaa\n", "f", GET, &v4, "aaaf");
}

static void test_a_denies_when_it_matches(void **state)
{
	const char *rules = "a (^|/)\\.\\.(/|$)\nr ^ ok/\n";
	char out[256];

	maps(rules, "a/b", GET, &v4, "ok/a/b");
	apply_fails(rules, "a/../b", -EACCES);
	apply_fails(rules, "..", -EACCES);
	apply_fails("a~ ^pxelinux\n", "grub.cfg", -EACCES);
	maps("a~ ^pxelinux\n", "pxelinux.0", GET, &v4, "pxelinux.0");
	/* An a rule's replacement is tftp-hpa's message: accepted, unused. */
	assert_int_equal(apply("a secret Not\\ for\\ you\n", "secret", GET, &v4, out,
			       sizeof out), -EACCES);
}

static void test_G_and_P_pick_the_request_kind(void **state)
{
	const char *rules = "rG ^ get/\nrP ^ put/\n";

	maps(rules, "f", GET, &v4, "get/f");
	maps(rules, "f", PUT, &v4, "put/f");
	maps("aP ^\n", "f", GET, &v4, "f");
	apply_fails("aG ^\n", "f", -EACCES);
}

static void test_4_and_6_pick_the_client_family(void **state)
{
	const char *rules = "r4 ^ v4/\nr6 ^ v6/\n";

	maps(rules, "f", GET, &v4, "v4/f");
	maps(rules, "f", GET, &v6, "v6/f");
	maps(rules, "f", GET, NULL, "f");
}

static void test_invert_applies_when_the_regex_does_not_match(void **state)
{
	const char *rules = "s~ ^boot/\nr ^ boot/\n";

	/* The ~s restarts until the name starts with boot/... never: -ELOOP. */
	apply_fails(rules, "f", -ELOOP);
	maps("e~ \\.efi$\nr ^ efi/\n", "grubx64.efi", GET, &v4, "efi/grubx64.efi");
	maps("e~ \\.efi$\nr ^ efi/\n", "pxelinux.0", GET, &v4, "pxelinux.0");
}

static void test_global_repeats_from_the_start(void **state)
{
	/* tftp-hpa's g searches the result again from its start. */
	maps("rg ^/ \n", "///x", GET, &v4, "x");
	maps("rg aa a\n", "aaaaaaaa", GET, &v4, "a");
	/* A replacement that changes nothing ends the repetition. */
	maps("rg x* \n", "abc", GET, &v4, "abc");
	maps("rg (b) \\1\n", "abc", GET, &v4, "abc");
}

static void test_global_growth_stops_at_output_size(void **state)
{
	apply_fails("rg x* y\n", "abc", -ENAMETOOLONG);
	apply_fails("rg a aa\n", "a", -ENAMETOOLONG);
}

static void test_double_g_is_seds_global(void **state)
{
	maps("rgg b* X\n", "abc", GET, &v4, "XaXcX");
	maps("rgg x* -\n", "abc", GET, &v4, "-a-b-c-");
	maps("rgg x* -\n", "", GET, &v4, "-");
	maps("rgg a aa\n", "aaa", GET, &v4, "aaaaaa");
	maps("rgg ^/ \n", "///x", GET, &v4, "//x");
	maps("rgg (.)(.) \\2\\1\n", "abcde", GET, &v4, "badce");
	maps("rggi A -\n", "aAbA", GET, &v4, "--b-");
}

static void test_output_too_long(void **state)
{
	char out[8];

	assert_int_equal(apply("r ^ 123\n", "abcd", GET, &v4, out, sizeof out), 0);
	assert_string_equal(out, "123abcd");
	assert_int_equal(apply("r ^ 1234\n", "abcd", GET, &v4, out, sizeof out),
			 -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(apply("", "abcdefgh", GET, &v4, out, sizeof out), -ENAMETOOLONG);
	assert_int_equal(apply("", "a", GET, &v4, out, 0), -ENAMETOOLONG);
	/* Every step is held to outsz, not just the result. */
	assert_int_equal(apply("r ^ 1234\nr ^1234 \n", "abcd", GET, &v4, out, sizeof out),
			 -ENAMETOOLONG);
}

static void test_result_may_overwrite_the_name(void **state)
{
	struct remap *r = parse("rg \\\\ /\n");
	char buf[32] = "a\\b\\c";

	assert_int_equal(remap_apply(r, buf, GET, &v4, buf, sizeof buf), 0);
	assert_string_equal(buf, "a/b/c");
	remap_free(r);
	assert_int_equal(remap_apply(NULL, "same", GET, &v4, buf, sizeof buf), 0);
	assert_string_equal(buf, "same");
}

static void test_errors_name_the_line(void **state)
{
	parse_fails("# c\n\nx foo\n", "rules:3: unknown operation 'x'");
	parse_fails("r a b\nr (a\n", "rules:2: bad regex: Unmatched ( or \\(");
	parse_fails("\n\nr\n", "rules:3: regex missing");
	parse_fails("r # no regex\n", "rules:1: regex missing");
	parse_fails("r~ a b\n", "rules:1: r and ~ cannot be combined: there is no match to replace");
	parse_fails("ra a b\n", "rules:1: r and a cannot be combined");
	parse_fails("es a\n", "rules:1: e and s cannot be combined");
	parse_fails("ae a\n", "rules:1: a and e cannot be combined");
	parse_fails("as a\n", "rules:1: a and s cannot be combined");
	parse_fails("rGP a b\n", "rules:1: G and P cannot be combined: the rule would never apply");
	parse_fails("r46 a b\n", "rules:1: 4 and 6 cannot be combined: the rule would never apply");
	parse_fails("g a b\n", "rules:1: g needs r");
	parse_fails("e a b\n", "rules:1: a replacement needs r");
	parse_fails("r (a) \\2\n", "rules:1: \\2 but the regex has 1 groups");
	parse_fails("r a b c\n",
		    "rules:1: unexpected \"c\" after the replacement (escape spaces as \"\\ \")");
	parse_fails(":label\n", "rules:1: labels (and j) are not supported");
	parse_fails("rj a b\n", "rules:1: unknown operation 'j' (not supported)");
	parse_fails("r\x01 a b\n", "rules:1: unknown operation byte 0x01");
}

/* glibc's regcomp copies repeated parts, so nesting them multiplies its
 * memory; such a regex is refused before it is compiled. */
static void test_costly_regexes_refused(void **state)
{
	char text[256];
	int i;

	parse_fails("r (a)\\1 b\n", "rules:1: back-references are not supported: POSIX "
		    "extended regexes have none, and they can take exponential time");
	parse_fails("r a++ b\n", "rules:1: a repetition of a repetition (\"+*\", \"*?\", ...) "
		    "is undefined in POSIX regexes");
	parse_fails("r .*? b\n", "rules:1: a repetition of a repetition (\"+*\", \"*?\", ...) "
		    "is undefined in POSIX regexes");
	parse_fails("r a{2}{3} b\n", "rules:1: a repetition of a repetition (\"+*\", \"*?\", "
		    "...) is undefined in POSIX regexes");
	memset(text, 0, sizeof text);
	memcpy(text, "r ", 2);
	for (i = 0; i < 10; i++)
		strcat(text, "(");
	strcat(text, "a");
	for (i = 0; i < 10; i++)
		strcat(text, ")+");
	strcat(text, " b\n");
	parse_fails(text, "rules:1: regex too big: over 512 parts once its repetitions are "
		    "expanded; split it into several rules");
	parse_fails("r ((a{8}){8}){9} b\n", "rules:1: regex too big: over 512 parts once its "
		    "repetitions are expanded; split it into several rules");
	parse_fails("r a{513} b\n", "rules:1: regex too big: over 512 parts once its "
		    "repetitions are expanded; split it into several rules");
	parse_fails("r ((((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))) b\n",
		    "rules:1: groups nested too deep");
	maps("r ^([0-9a-f]{2}-){5}[0-9a-f]{2}$ mac\n", "01-aa-bb-cc-dd-ee", GET, &v4, "mac");
	maps("r [](]+ x\n", "a)](b", GET, &v4, "a)xb");
	maps("r [[:digit:]]{3,} n\n", "a1234b", GET, &v4, "anb");
	maps("r a{200}b{300} x\n", "ab", GET, &v4, "ab");
	maps("r ((a{8}){8}){8} x\n", "b", GET, &v4, "b");
	maps("r (a+)+ x\n", "baab", GET, &v4, "bxb");
	maps("r \\(+ x\n", "f((o", GET, &v4, "fxo");
}

static void test_limits_on_rules_and_lines(void **state)
{
	size_t n = 1025 * 6 + 1, i;
	char *text = malloc(n), err[128];
	struct remap *r;

	assert_non_null(text);
	for (i = 0; i < 1025; i++)
		memcpy(text + i * 6, "r a b\n", 6);
	text[1024 * 6] = '\0';
	assert_int_equal(remap_parse("rules", text, &r, err, sizeof err), 0);
	remap_free(r);
	text[1024 * 6] = 'r';
	text[1025 * 6] = '\0';
	assert_int_equal(remap_parse("rules", text, &r, err, sizeof err), -EINVAL);
	assert_string_equal(err, "rules:1025: more than 1024 rules");
	free(text);

	text = calloc(1, 5000);
	assert_non_null(text);
	memset(text, ' ', 4999);
	memcpy(text, "#\n", 2);
	assert_int_equal(remap_parse("rules", text, &r, err, sizeof err), -EINVAL);
	assert_string_equal(err, "rules:2: line longer than 4096 bytes");
	free(text);
}

static void test_error_message_is_bounded(void **state)
{
	struct remap *r;
	char err[8];

	assert_int_equal(remap_parse("a-long-name", "x\n", &r, err, sizeof err), -EINVAL);
	assert_string_equal(err, "a-long-");
	assert_int_equal(remap_parse("rules", "x\n", &r, NULL, 0), -EINVAL);
}

static void test_load_from_file(void **state)
{
	char path[] = "/tmp/test_remap.XXXXXX", err[256], out[64];
	struct remap *r;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "rg \\\\ /\nbad\n", 12), 12);
	assert_int_equal(remap_load(path, &r, err, sizeof err), -EINVAL);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_string_equal(err + strlen(path), ":2: unknown operation 'b'");
	assert_int_equal(ftruncate(fd, 8), 0);
	assert_int_equal(remap_load(path, &r, err, sizeof err), 0);
	assert_int_equal(remap_apply(r, "a\\b", GET, &v4, out, sizeof out), 0);
	assert_string_equal(out, "a/b");
	remap_free(r);
	assert_int_equal(write(fd, "\0", 1), 1);
	assert_int_equal(remap_load(path, &r, err, sizeof err), -EINVAL);
	assert_true(strstr(err, ": contains a NUL byte") != NULL);
	close(fd);
	unlink(path);
	assert_int_equal(remap_load(path, &r, err, sizeof err), -ENOENT);
	assert_null(r);
	assert_true(strstr(err, ": No such file or directory") != NULL);
	assert_int_equal(remap_load("/tmp", &r, err, sizeof err), -EISDIR);
	assert_string_equal(err, "/tmp: Is a directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_backslashes_become_slashes),
		cmocka_unit_test(test_prefix_redirect_with_groups),
		cmocka_unit_test(test_client_address_escapes),
		cmocka_unit_test(test_case_folding_escapes),
		cmocka_unit_test(test_escaped_space_hash_and_backslash_in_replacement),
		cmocka_unit_test(test_comments_blank_lines_and_crlf),
		cmocka_unit_test(test_rules_apply_in_order_and_all),
		cmocka_unit_test(test_e_ends_processing_when_it_matches),
		cmocka_unit_test(test_s_starts_over_when_it_matches),
		cmocka_unit_test(test_a_denies_when_it_matches),
		cmocka_unit_test(test_G_and_P_pick_the_request_kind),
		cmocka_unit_test(test_4_and_6_pick_the_client_family),
		cmocka_unit_test(test_invert_applies_when_the_regex_does_not_match),
		cmocka_unit_test(test_global_repeats_from_the_start),
		cmocka_unit_test(test_global_growth_stops_at_output_size),
		cmocka_unit_test(test_double_g_is_seds_global),
		cmocka_unit_test(test_output_too_long),
		cmocka_unit_test(test_result_may_overwrite_the_name),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_costly_regexes_refused),
		cmocka_unit_test(test_limits_on_rules_and_lines),
		cmocka_unit_test(test_error_message_is_bounded),
		cmocka_unit_test(test_load_from_file),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
