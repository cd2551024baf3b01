/* conf-schema: prints pxesuite.ini's schema, one key a line, so that
 * test_man_pages.py checks the man pages against the keys the code has.
 * Line: SECTION KEY TYPE DEFAULT MIN MAX CHOICES, tab-separated;
 * "-" for an unset default, choices comma-separated.
 * "conf-schema export-options": the exports(5) options taken, one a line. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "export_spec.h"
#include "suite_conf.h"

static const char *const type_names[] = {
	[CONF_STRING] = "string", [CONF_PATH] = "path", [CONF_BOOL] = "bool",
	[CONF_INT] = "int", [CONF_OCTAL] = "octal", [CONF_RANGE] = "range",
	[CONF_DURATION] = "duration", [CONF_SIZE] = "size", [CONF_ENUM] = "enum",
	[CONF_IP] = "ip", [CONF_HOSTPORT] = "hostport", [CONF_CIDR] = "cidr",
	[CONF_MAC] = "mac", [CONF_LIST] = "list", [CONF_KEYED] = "keyed",
};

static void print_key(const struct conf_section_def *sec, const struct conf_key *k)
{
	printf("%s\t%s\t%s\t%s\t%lld\t%lld\t", sec->name, k->name, type_names[k->type],
	       k->def ? k->def : "-", k->min, k->max);
	for (const char *const *c = k->choices; c && *c; c++)
		printf("%s%s", c == k->choices ? "" : ",", *c);
	putchar('\n');
}

int main(int argc, char **argv)
{
	bool options = argc == 2 && strcmp(argv[1], "export-options") == 0;

	if (argc != 1 && !options) {
		fprintf(stderr, "usage: conf-schema [export-options]\n");
		return 64;
	}
	for (size_t i = 0; options && export_opts_name(i); i++)
		puts(export_opts_name(i));
	for (const struct conf_section_def *const *sec = suite_schema; !options && *sec; sec++)
		for (const struct conf_key *k = (*sec)->keys; k->name; k++)
			print_key(*sec, k);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
