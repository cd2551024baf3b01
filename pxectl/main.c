/* pxectl: the suite's admin command.  `pxectl check` reads pxesuite.ini as
 * the daemons do and reports what would stop a PXE boot; `pxectl status`
 * and `watch` show what each machine's boot is doing. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "status.h"
#include "suite_conf.h"

#define EX_USAGE_CODE 64

enum {
	AREA_BOOT = 1 << 0,
	AREA_INSTALL = 1 << 1,
	AREA_HOST = 1 << 2,
	AREA_FIREWALL = 1 << 3,
	AREA_ALL = AREA_BOOT | AREA_INSTALL | AREA_HOST | AREA_FIREWALL,
};

struct options {
	const char *config_path;
	bool config_given;
	bool json;
	unsigned areas;
	bool probe_dhcp;
	const char *machine;		/* status MACHINE */
	struct status_watch watch;
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(const struct options *opt);
	bool takes_machine;
};

static int run_check(const struct options *opt);
static int run_status(const struct options *opt);
static int run_watch(const struct options *opt);

static const struct command commands[] = {
	{ "check", "find what in this setup would stop a PXE boot", run_check, false },
	{ "status [MAC|ADDRESS]", "each machine's boot now, or one machine's steps", run_status,
	  true },
	{ "watch", "the status table, again every --interval", run_watch, false },
	{ NULL, NULL, NULL, false }
};

/* "status [MAC|ADDRESS]" is called "status". */
static bool command_is(const struct command *c, const char *word)
{
	size_t n = strcspn(c->name, " ");

	return strlen(word) == n && strncmp(c->name, word, n) == 0;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: pxectl [OPTION]... COMMAND\n"
		"The admin command of pxesuite.\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-24s %s\n", c->name, c->summary);
	fprintf(out, "\nOptions:\n"
		"  -c, -C, --config FILE    read FILE (default " SUITE_CONF_DEFAULT ")\n"
		"  -j, --json               print the report as JSON\n"
		"      --only AREAS         check only these: boot,install,host,firewall\n"
		"                           (the config is always checked)\n"
		"      --probe-dhcp         check: send one DHCP DISCOVER on each served\n"
		"                           interface and report every server that answers\n"
		"  -i, --interval SECONDS   watch: redraw every SECONDS (default 1)\n"
		"  -n, --count N            watch: stop after N tables (default: never)\n"
		"  -V, --version            print the version and exit\n"
		"  -h, --help               print this help and exit\n"
		"\nExit status: check: 0 when nothing found would stop a boot, 1 when something\n"
		"would; status: 0, or 1 when a machine's boot has failed or nothing is\n"
		"recorded; 64 for a usage error.  See pxectl(8).\n");
}

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pxectl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'pxectl --help'.\n");
	exit(EX_USAGE_CODE);
}

static long parse_number(const char *text, const char *flag, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max) {
		fprintf(stderr, "pxectl: %s: expected a whole number from %ld to %ld, not '%s'\n",
			flag, min, max, text);
		fprintf(stderr, "Try 'pxectl --help'.\n");
		exit(EX_USAGE_CODE);
	}
	return v;
}

static unsigned parse_areas(const char *list)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "boot", AREA_BOOT }, { "install", AREA_INSTALL }, { "host", AREA_HOST },
		{ "firewall", AREA_FIREWALL }, { "config", 0 },
	};
	char *copy = strdup(list), *save = NULL;
	unsigned areas = 0;

	if (!copy)
		usage_error("%s: out of memory", list);
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(tok, names[i].name) == 0)
				break;
		if (i == sizeof names / sizeof names[0])
			usage_error("--only: unknown area '%s'", tok);
		areas |= names[i].bit;
	}
	free(copy);
	return areas;
}

static const struct command *parse_args(struct options *opt, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'o' },
		{ "probe-dhcp", no_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*opt = (struct options){ .config_path = SUITE_CONF_DEFAULT, .areas = AREA_ALL,
				 .watch = { .interval_ms = 1000 } };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:C:ji:n:Vh", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'C':
			opt->config_path = optarg;
			opt->config_given = true;
			break;
		case 'j':
			opt->json = true;
			break;
		case 'o':
			opt->areas = parse_areas(optarg);
			break;
		case 'p':
			opt->probe_dhcp = true;
			break;
		case 'i':
			opt->watch.interval_ms = parse_number(optarg, "--interval", 1, 3600) * 1000;
			break;
		case 'n':
			opt->watch.count = parse_number(optarg, "--count", 1, 1000000);
			break;
		case 'V':
			printf("pxectl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		usage_error("%s", "no command given");
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (command_is(cmd, argv[optind])) {
			if (cmd->takes_machine && optind + 1 < argc)
				opt->machine = argv[++optind];
			if (optind + 1 < argc)
				usage_error("unexpected argument '%s'", argv[optind + 1]);
			return cmd;
		}
	usage_error("unknown command '%s'", argv[optind]);
}

static int run_check(const struct options *opt)
{
	struct report rep;
	struct check_ctx ctx = { .config_path = opt->config_path,
				 .config_given = opt->config_given, .rep = &rep,
				 .probe_dhcp = opt->probe_dhcp };
	int rc;

	report_init(&rep);
	check_config(&ctx);
	if (ctx.config_ok) {
		if (opt->areas & (AREA_BOOT | AREA_INSTALL))
			check_boot_tree(&ctx);
		if (opt->areas & AREA_INSTALL)
			check_install(&ctx);
		if (opt->areas & AREA_HOST)
			check_host(&ctx);
		if (opt->areas & AREA_FIREWALL)
			check_firewall(&ctx);
	}
	if (opt->json) {
		if (report_print_json(&rep, opt->config_path, stdout) < 0)
			fprintf(stderr, "pxectl: out of memory writing the JSON report\n");
	} else {
		report_print_text(&rep, opt->config_path, stdout);
	}
	rc = report_failed(&rep) ? 1 : 0;
	check_ctx_free(&ctx);
	report_free(&rep);
	return rc;
}

static int run_status(const struct options *opt)
{
	return status_run(opt->config_path, opt->config_given, opt->machine, opt->json);
}

static int run_watch(const struct options *opt)
{
	return status_watch(opt->config_path, opt->config_given, &opt->watch);
}

int main(int argc, char **argv)
{
	struct options opt;
	const struct command *cmd = parse_args(&opt, argc, argv);

	return cmd->run(&opt);
}
