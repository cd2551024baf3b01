/* The schema of pxesuite.ini: sections, keys, types and defaults. */
#include <config.h>

#include <stddef.h>
#include <syslog.h>

#include "suite_conf.h"

static const char *const log_dests[] = { "auto", "stderr", "syslog", NULL };
/* In the order of their syslog priorities, from LOG_ERR. */
static const char *const log_levels[] = { "err", "warning", "notice", "info", "debug", NULL };

static const struct conf_key global_keys[] = {
	{ .name = "log", .type = CONF_ENUM, .offset = offsetof(struct conf_global, log),
	  .def = "auto", .choices = log_dests },
	{ .name = "log_level", .type = CONF_ENUM, .offset = offsetof(struct conf_global, log_level),
	  .def = "info", .choices = log_levels },
	{ 0 }
};

static const struct conf_section_def global_def = {
	.name = "global", .size = sizeof(struct conf_global), .keys = global_keys,
};

#define DAEMON_KEYS(sect, prog) \
	{ .name = "pidfile", .type = CONF_PATH, \
	  .offset = offsetof(struct sect, daemon.pidfile), .def = RUNSTATEDIR "/" prog ".pid" }

static const struct conf_key dhcpd_keys[] = {
	DAEMON_KEYS(conf_dhcpd, "pxe-dhcpd"),
	{ 0 }
};

static const struct conf_key tftpd_keys[] = {
	DAEMON_KEYS(conf_tftpd, "pxe-tftpd"),
	{ 0 }
};

static const struct conf_key nfsd_keys[] = {
	DAEMON_KEYS(conf_nfsd, "pxe-nfsd"),
	{ 0 }
};

static const struct conf_section_def dhcpd_def = {
	.name = "dhcpd", .size = sizeof(struct conf_dhcpd), .keys = dhcpd_keys,
};

static const struct conf_section_def tftpd_def = {
	.name = "tftpd", .size = sizeof(struct conf_tftpd), .keys = tftpd_keys,
};

static const struct conf_section_def nfsd_def = {
	.name = "nfsd", .size = sizeof(struct conf_nfsd), .keys = nfsd_keys,
};

const struct conf_section_def *const suite_schema[] = {
	&global_def, &dhcpd_def, &tftpd_def, &nfsd_def, NULL,
};

int suite_log_priority(const struct conf_global *g)
{
	return LOG_ERR + g->log_level;
}
