/* libFuzzer target: bytes as a pxesuite.ini, loaded and checked the way
 * `pxe-dhcpd/pxe-tftpd/pxe-nfsd --check-config` do it (cli_load_config with
 * the suite's schema and each daemon's own check).  A refusal must say
 * where: the file (or the exports file it names), and a line it has. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "server.h"
#include "suite_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The daemons' cli_specs (their main.c) as far as loading goes: the
 * schema, and the check each adds on top of it. */
static int nfsd_check(const struct conf *conf, char *err, size_t errlen)
{
	return nfsd_check_exports(conf, err, errlen);
}

static const struct cli_spec specs[] = {
	{ .prog = "pxe-dhcpd", .schema = suite_schema, .check = suite_dhcpd_check_servable },
	{ .prog = "pxe-tftpd", .schema = suite_schema },
	{ .prog = "pxe-nfsd", .schema = suite_schema, .check = nfsd_check,
	  .check_says_where = true },
};

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The file the daemons read: a memfd, so each input is a real file. */
static const char *config_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("pxesuite.ini", MFD_CLOEXEC);
		check(fd >= 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	check(ftruncate(fd, 0) == 0);
	check(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);
	return path;
}

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* "FILE: ..." or "FILE:LINE: ..." with FILE the config and LINE one it has. */
static bool config_where(const char *msg, const char *path, unsigned lines)
{
	size_t n = strlen(path);
	unsigned long line;
	char *end;

	if (strncmp(msg, path, n) != 0 || msg[n] != ':')
		return false;
	if (msg[n + 1] == ' ')
		return true;
	line = strtoul(msg + n + 1, &end, 10);
	return end > msg + n + 1 && *end == ':' && line >= 1 && line <= lines;
}

/* pxe-nfsd's check also reads exports_file, whose own errors say
 * "FILE:LINE: " of it (the config has the name, but is freed). */
static bool exports_where(const char *msg)
{
	for (const char *colon = strstr(msg, ": "); colon; colon = strstr(colon + 1, ": ")) {
		const char *p = colon;

		while (p > msg && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p < colon && p > msg + 1 && p[-1] == ':' && p[0] != '0')
			return true;
	}
	return false;
}

static void check_error(const char *msg, const char *path, unsigned lines, bool nfsd)
{
	check(memchr(msg, '\0', sizeof ((struct conf_error *)0)->msg) != NULL);
	check(config_where(msg, path, lines) || (nfsd && exports_where(msg)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = config_file(data, size);
	unsigned lines = count_lines(data, size);

	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		struct cli cli = { .config_path = path, .config_given = true };
		struct conf_error err;
		struct conf conf;

		memset(&err, 0, sizeof err);
		if (cli_load_config(&cli, &specs[i], &conf, &err) == 0) {
			check(conf_get(&conf, "dhcpd") && conf_get(&conf, "tftpd") &&
			      conf_get(&conf, "nfsd"));
			conf_free(&conf);
		} else {
			check_error(err.msg, path, lines, specs[i].check == nfsd_check);
		}
	}
	return 0;
}
