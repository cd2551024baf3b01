/* Unit tests of pxectl/repomd.c: the files repomd.xml names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "repomd.h"

struct hrefs {
	char list[8][REPOMD_HREF_MAX];
	unsigned n;
};

static void found(void *arg, const char *href)
{
	struct hrefs *h = arg;

	if (h->n < 8)
		snprintf(h->list[h->n++], REPOMD_HREF_MAX, "%s", href);
}

static int scan(const char *text, struct hrefs *h, char *err)
{
	h->n = 0;
	return repomd_locations(text, strlen(text), found, h, err, 256);
}

static void test_lists_every_location_href_decoded(void **state)
{
	struct hrefs h;
	char err[256];

	assert_int_equal(scan("<?xml version=\"1.0\"?>\n<repomd xmlns=\"x\">\n"
			      "<data type=\"primary\"><checksum>ab</checksum>\n"
			      "  <location href=\"repodata/a-primary.xml.gz\"/></data>\n"
			      "<data><location xml:base=\"x\" href = 'repodata/b&amp;c.xml'/></data>\n"
			      "</repomd>\n", &h, err), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.list[0], "repodata/a-primary.xml.gz");
	assert_string_equal(h.list[1], "repodata/b&c.xml");
}

static void test_truncated_file_is_refused(void **state)
{
	struct hrefs h;
	char err[256];

	assert_int_equal(scan("<repomd><data><location href=\"a\"/>", &h, err), -EINVAL);
	assert_non_null(strstr(err, "never closed"));
}

static void test_other_document_is_refused(void **state)
{
	struct hrefs h;
	char err[256];

	assert_int_equal(scan("<html><body>404 Not Found</body></html>", &h, err), -EINVAL);
	assert_string_equal(err, "no <repomd> element");
}

static void test_location_without_href_is_refused(void **state)
{
	struct hrefs h;
	char err[256];

	assert_int_equal(scan("<repomd><location xhref=\"a\"/></repomd>", &h, err), -EINVAL);
	assert_non_null(strstr(err, "without a usable href"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_every_location_href_decoded),
		cmocka_unit_test(test_truncated_file_is_refused),
		cmocka_unit_test(test_other_document_is_refused),
		cmocka_unit_test(test_location_without_href_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
