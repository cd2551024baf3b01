/* The config check: each daemon's --check-config on the same file, through
 * the same loader (cli_load_config) and the same extra checks, so the
 * messages are the daemons' own, with FILE:LINE. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "nfsd/server.h"	/* nfsd_check_exports */
#include "suite_conf.h"

struct daemon_check {
	const char *prog;
	int (*check)(const struct conf *conf, char *err, size_t errlen);
	bool check_says_where;
	const char *client;	/* what its clients see while it is not running */
};

/* The cli_spec check of each daemon's main.c. */
static const struct daemon_check daemons[] = {
	{ "pxe-dhcpd", suite_dhcpd_check_servable, false,
	  "no DHCP offer: \"PXE-E51: No DHCP or proxyDHCP offers were received\"" },
	{ "pxe-tftpd", NULL, false,
	  "\"PXE-E32: TFTP open timeout\": no boot file is served" },
	{ "pxe-nfsd", nfsd_check_exports, true,
	  "the installer cannot mount its tree: \"unable to read package metadata\", "
	  "kickstart not found" },
};

#define NDAEMONS (sizeof daemons / sizeof daemons[0])

static int load_as(const struct check_ctx *ctx, const struct daemon_check *d,
		   struct conf *conf, struct conf_error *err)
{
	struct cli cli = { .config_path = ctx->config_path, .config_given = ctx->config_given };
	struct cli_spec spec = { .prog = d->prog, .schema = suite_schema, .check = d->check,
				 .check_says_where = d->check_says_where };

	return cli_load_config(&cli, &spec, conf, err);
}

void check_config(struct check_ctx *ctx)
{
	struct conf_error errs[NDAEMONS];
	bool failed[NDAEMONS];
	struct conf conf;

	for (size_t i = 0; i < NDAEMONS; i++) {
		failed[i] = load_as(ctx, &daemons[i], &conf, &errs[i]) < 0;
		if (!failed[i]) {
			if (ctx->config_ok)
				conf_free(&conf);
			else
				ctx->conf = conf;
			ctx->config_ok = true;
		}
	}
	/* The schema is the whole suite's: an error in it stops every daemon
	 * with the same line, which is one finding. */
	for (size_t i = 0; i < NDAEMONS; i++) {
		char who[128] = "", fix[640];
		bool first = true;

		if (!failed[i])
			continue;
		for (size_t j = 0; j < i; j++)
			if (failed[j] && strcmp(errs[j].msg, errs[i].msg) == 0)
				first = false;
		if (!first)
			continue;
		for (size_t j = i; j < NDAEMONS; j++) {
			if (!failed[j] || strcmp(errs[j].msg, errs[i].msg) != 0)
				continue;
			snprintf(who + strlen(who), sizeof who - strlen(who), "%s%s",
				 *who ? ", " : "", daemons[j].prog);
		}
		snprintf(fix, sizeof fix, "correct the config there; `%s --check-config -C %s` "
			 "checks it again", daemons[i].prog, ctx->config_path);
		report_add(ctx->rep, SEV_ERROR, "config", daemons[i].client, fix,
			   "%s (%s refuse%s to start)", errs[i].msg, who,
			   strchr(who, ',') ? "" : "s");
	}
}

void check_ctx_free(struct check_ctx *ctx)
{
	if (ctx->config_ok)
		conf_free(&ctx->conf);
	for (size_t i = 0; i < ctx->nappends; i++) {
		free(ctx->appends[i].file);
		free(ctx->appends[i].args);
	}
	free(ctx->appends);
}
