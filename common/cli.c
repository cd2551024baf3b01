/* The shared command line: common flags, each daemon's own flags as config
 * keys, and loading the config in the order defaults < file < flags. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "suite_conf.h"

#define EX_USAGE_CODE 64

enum {
	OPT_CHECK_CONFIG = 0x100,
	OPT_DAEMON_BASE = 0x200,	/* + index into spec->flags */
};

static const struct cli_flag common_flags[] = {
	{ .short_name = 'C', .long_name = "config", .arg = "FILE",
	  .help = "read FILE (default " SUITE_CONF_DEFAULT "; if that is missing, built-in defaults)" },
	{ .short_name = 'f', .long_name = "foreground",
	  .help = "stay in the foreground and log to stderr" },
	{ .long_name = "check-config",
	  .help = "check the config and exit: 0 if valid, else 1 and FILE:LINE: error" },
	{ .short_name = 'o', .long_name = "set", .arg = "SECTION.KEY=VALUE",
	  .help = "set a config key, overriding the file" },
	{ .short_name = 'v', .long_name = "verbose", .help = "log debug messages too" },
	{ .short_name = 'V', .long_name = "version", .help = "print the version and exit" },
	{ .short_name = 'h', .long_name = "help", .help = "print this help and exit" },
	{ 0 }
};

static size_t count_flags(const struct cli_flag *flags)
{
	size_t n = 0;

	while (flags && (flags[n].short_name || flags[n].long_name))
		n++;
	return n;
}

static void print_flag(FILE *out, const struct cli_flag *f)
{
	char left[64];
	int n = 0;

	if (f->short_name && f->long_name)
		n = snprintf(left, sizeof left, "-%c, --%s", f->short_name, f->long_name);
	else if (f->short_name)
		n = snprintf(left, sizeof left, "-%c", f->short_name);
	else
		n = snprintf(left, sizeof left, "    --%s", f->long_name);
	if (f->arg && n > 0 && (size_t)n < sizeof left)
		snprintf(left + n, sizeof left - (size_t)n, " %s", f->arg);
	if (strlen(left) > 26)
		fprintf(out, "  %s\n  %-26s %s\n", left, "", f->help);
	else
		fprintf(out, "  %-26s %s\n", left, f->help);
}

static void usage(const struct cli_spec *spec, FILE *out)
{
	fprintf(out, "Usage: %s [OPTION]...%s%s%s\n%s\n\n", spec->prog,
		spec->operand ? " [" : "", spec->operand ? spec->operand : "",
		spec->operand ? "]" : "", spec->summary);
	for (const struct cli_flag *f = common_flags; f->short_name || f->long_name; f++)
		print_flag(out, f);
	if (count_flags(spec->flags))
		fprintf(out, "\n%s options:\n", spec->prog);
	for (const struct cli_flag *f = spec->flags; f && (f->short_name || f->long_name); f++)
		print_flag(out, f);
	fprintf(out, "\nSee %s(8) and pxesuite.ini(5).\n", spec->prog);
}

static void usage_error(const struct cli_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void usage_error(const struct cli_spec *spec, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", spec->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", spec->prog);
	exit(EX_USAGE_CODE);
}

static void add_setting(struct cli *cli, const char *section, const char *key,
			const char *value, const char *origin)
{
	struct cli_setting *s;

	s = realloc(cli->settings, (cli->nsettings + 1) * sizeof *s);
	if (!s) {
		perror("realloc");
		exit(1);
	}
	cli->settings = s;
	s[cli->nsettings++] = (struct cli_setting){ section, key, value, origin };
}

static char *keep(struct cli *cli, char *s)
{
	char **owned = realloc(cli->owned, (cli->nowned + 1) * sizeof *owned);

	if (!s || !owned) {
		perror("malloc");
		exit(1);
	}
	cli->owned = owned;
	owned[cli->nowned++] = s;
	return s;
}

/* --set SECTION.KEY=VALUE */
static void add_set(struct cli *cli, const struct cli_spec *spec, const char *arg)
{
	char *copy = keep(cli, strdup(arg));
	char *eq = strchr(copy, '=');
	char *dot = strchr(copy, '.');

	if (!eq || !dot || dot > eq || dot == copy || dot + 1 == eq)
		usage_error(spec, "--set '%s': expected SECTION.KEY=VALUE", arg);
	*dot = '\0';
	*eq = '\0';
	add_setting(cli, copy, dot + 1, eq + 1, "--set");
}

/* getopt_long's tables for the common flags followed by the daemon's. */
static void build_options(const struct cli_spec *spec, struct option *longs, char *shorts)
{
	size_t nl = 0, ns = 0, n = count_flags(spec->flags);

	shorts[ns++] = ':';	/* report a missing argument as ':' */
	for (size_t i = 0; i < count_flags(common_flags) + n; i++) {
		bool common = i < count_flags(common_flags);
		const struct cli_flag *f = common ? &common_flags[i]
						  : &spec->flags[i - count_flags(common_flags)];
		int val = f->short_name ? f->short_name
			  : common ? OPT_CHECK_CONFIG
			  : OPT_DAEMON_BASE + (int)(i - count_flags(common_flags));

		if (f->long_name)
			longs[nl++] = (struct option){ f->long_name,
				f->arg ? required_argument : no_argument, NULL, val };
		if (f->short_name) {
			shorts[ns++] = (char)f->short_name;
			if (f->arg)
				shorts[ns++] = ':';
		}
	}
	longs[nl] = (struct option){ 0 };
	shorts[ns] = '\0';
}

static const struct cli_flag *daemon_flag(const struct cli_spec *spec, int val)
{
	size_t n = count_flags(spec->flags);

	if (val >= OPT_DAEMON_BASE && (size_t)(val - OPT_DAEMON_BASE) < n)
		return &spec->flags[val - OPT_DAEMON_BASE];
	for (size_t i = 0; i < n; i++)
		if (spec->flags[i].short_name == val)
			return &spec->flags[i];
	return NULL;
}

static void common_flag_seen(struct cli *cli, const struct cli_spec *spec, int c,
			     const char *arg);

/* tftp-hpa's -T counts microseconds; durations count whole milliseconds,
 * so round up: a timeout never becomes shorter than asked. */
static const char *usec_as_duration(struct cli *cli, const struct cli_spec *spec,
				    const char *arg)
{
	unsigned long long us;
	char *end, buf[32];

	errno = 0;
	us = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		usage_error(spec, "'%s': expected microseconds, such as 1000000", arg);
	snprintf(buf, sizeof buf, "%llums", us / 1000 + (us % 1000 != 0));
	return keep(cli, strdup(buf));
}

static void daemon_flag_seen(struct cli *cli, const struct cli_spec *spec,
			     const struct cli_flag *f, const char *arg)
{
	char origin[64];

	if (f->alias) {
		common_flag_seen(cli, spec, f->alias, arg);
		return;
	}
	if (!f->key)
		return;		/* accepted for compatibility; see the man page */
	if (f->usec)
		arg = usec_as_duration(cli, spec, arg);
	if (f->long_name)
		snprintf(origin, sizeof origin, "--%s", f->long_name);
	else
		snprintf(origin, sizeof origin, "-%c", f->short_name);
	add_setting(cli, f->section, f->key, f->arg ? arg : f->value,
		    keep(cli, strdup(origin)));
}

static void common_flag_seen(struct cli *cli, const struct cli_spec *spec, int c,
			     const char *arg)
{
	switch (c) {
	case 'C':
		cli->config_path = arg;
		cli->config_given = true;
		break;
	case 'f':
		cli->foreground = true;
		break;
	case OPT_CHECK_CONFIG:
		cli->check_config = true;
		break;
	case 'o':
		add_set(cli, spec, arg);
		break;
	case 'v':
		cli->verbose++;
		add_setting(cli, "global", "log_level", "debug", "-v");
		break;
	case 'V':
		printf("%s (%s) %s\n", spec->prog, PACKAGE_NAME, PACKAGE_VERSION);
		exit(0);
	case 'h':
		usage(spec, stdout);
		exit(0);
	default:
		usage_error(spec, "unknown option");
	}
}

void cli_parse(struct cli *cli, const struct cli_spec *spec, int argc, char **argv)
{
	size_t n = count_flags(common_flags) + count_flags(spec->flags);
	struct option *longs = calloc(n + 1, sizeof *longs);
	char *shorts = calloc(2 * n + 2, 1);
	int c;

	if (!longs || !shorts) {
		perror("calloc");
		exit(1);
	}
	*cli = (struct cli){ .config_path = SUITE_CONF_DEFAULT };
	build_options(spec, longs, shorts);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cli_flag *f;

		switch (c) {
		case ':':
			usage_error(spec, "option '%s' needs an argument", argv[optind - 1]);
		case '?':
			usage_error(spec, "unknown option '%s'", argv[optind - 1]);
		default:
			f = daemon_flag(spec, c);
			if (f)
				daemon_flag_seen(cli, spec, f, optarg);
			else
				common_flag_seen(cli, spec, c, optarg);
			break;
		}
	}
	if (optind < argc && spec->operand) {
		add_setting(cli, spec->operand_section, spec->operand_key, argv[optind],
			    spec->operand);
		optind++;
	}
	if (optind < argc)
		usage_error(spec, "unexpected argument '%s'", argv[optind]);
	free(longs);
	free(shorts);
}

int cli_load_config(const struct cli *cli, const struct cli_spec *spec,
		    struct conf *conf, struct conf_error *err)
{
	char msg[400];
	int rc;

	if (conf_init(conf, spec->schema, err) < 0)
		goto fail;
	rc = conf_load_file(conf, cli->config_path, err);
	if (rc == -ENOENT && !cli->config_given)
		rc = 0;		/* no default file: built-in defaults */
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < cli->nsettings; i++) {
		const struct cli_setting *s = &cli->settings[i];

		if (conf_set(conf, s->section, s->key, s->value, s->origin, err) < 0)
			goto fail;
	}
	if (conf_check(conf, err) < 0)
		goto fail;
	if (spec->check && spec->check(conf, msg, sizeof msg) < 0) {
		if (spec->check_says_where)
			snprintf(err->msg, sizeof err->msg, "%s", msg);
		else
			snprintf(err->msg, sizeof err->msg, "%s: %s",
				 conf->path ? conf->path : "built-in defaults", msg);
		goto fail;
	}
	return 0;
fail:
	conf_free(conf);
	return -1;
}

void cli_free(struct cli *cli)
{
	for (size_t i = 0; i < cli->nowned; i++)
		free(cli->owned[i]);
	free(cli->owned);
	free(cli->settings);
	*cli = (struct cli){ 0 };
}
