/* The schema of pxesuite.ini: sections, keys, types and defaults. */
#include <config.h>

#include <stddef.h>
#include <sys/socket.h>
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
	{ .name = "progress", .type = CONF_BOOL, .offset = offsetof(struct conf_global, progress),
	  .def = "yes" },
	{ .name = "progress_dir", .type = CONF_PATH,
	  .offset = offsetof(struct conf_global, progress_dir), .def = RUNSTATEDIR "/pxesuite" },
	{ 0 }
};

static const struct conf_section_def global_def = {
	.name = "global", .size = sizeof(struct conf_global), .keys = global_keys,
};

#define DAEMON_KEYS(sect, prog) \
	{ .name = "pidfile", .type = CONF_PATH, \
	  .offset = offsetof(struct sect, daemon.pidfile), .def = RUNSTATEDIR "/" prog ".pid" }

static const char *const families[] = { "any", "ipv4", "ipv6", NULL };

#define TFTPD(field) .offset = offsetof(struct conf_tftpd, field)

static const struct conf_key tftpd_keys[] = {
	DAEMON_KEYS(conf_tftpd, "pxe-tftpd"),
	{ .name = "root", .type = CONF_PATH, TFTPD(root), .def = "/srv/tftp" },
	{ .name = "listen", .type = CONF_BOOL, TFTPD(listen), .def = "no" },
	{ .name = "address", .type = CONF_HOSTPORT, TFTPD(address), .def = ":69",
	  .family = AF_UNSPEC, .port = 69 },
	{ .name = "family", .type = CONF_ENUM, TFTPD(family), .def = "any", .choices = families },
	{ .name = "user", .type = CONF_STRING, TFTPD(user), .def = "nobody" },
	{ .name = "umask", .type = CONF_OCTAL, TFTPD(umask), .def = "022", .min = 0, .max = 0777 },
	{ .name = "allow_create", .type = CONF_BOOL, TFTPD(allow_create), .def = "no" },
	{ .name = "permissive", .type = CONF_BOOL, TFTPD(permissive), .def = "no" },
	/* RFC 2348: 8 to 65464 octets. */
	{ .name = "blksize_max", .type = CONF_INT, TFTPD(blksize_max), .def = "65464",
	  .min = 8, .max = 65464 },
	/* RFC 7440: 1 to 65535 blocks. */
	{ .name = "windowsize_max", .type = CONF_INT, TFTPD(windowsize_max), .def = "64",
	  .min = 1, .max = 65535 },
	/* RFC 2349 allows 1 to 255 s; a LAN wants well under a second once the
	 * RTT is measured, so the floor is 1 ms. */
	{ .name = "retransmit_timeout", .type = CONF_DURATION, TFTPD(retransmit_ms), .def = "1s",
	  .min = 1, .max = 255 * 1000 },
	{ .name = "retries", .type = CONF_INT, TFTPD(retries), .def = "6", .min = 1, .max = 100 },
	{ .name = "idle_timeout", .type = CONF_DURATION, TFTPD(idle_timeout_ms), .def = "900s",
	  .min = 0, .max = 7 * 24 * 3600 * 1000LL },
	{ .name = "port_range", .type = CONF_RANGE, TFTPD(port_range), .min = 1, .max = 65535 },
	{ .name = "remap", .type = CONF_PATH, TFTPD(remap) },
	{ .name = "max_transfers", .type = CONF_INT, TFTPD(max_transfers), .def = "1000",
	  .min = 1, .max = 100000 },
	{ .name = "max_per_client", .type = CONF_INT, TFTPD(max_per_client), .def = "16",
	  .min = 1, .max = 100000 },
	{ 0 }
};

static const struct conf_section_def tftpd_def = {
	.name = "tftpd", .size = sizeof(struct conf_tftpd), .keys = tftpd_keys,
};

const struct conf_section_def *const suite_schema[] = {
	&global_def, &suite_dhcpd_def, &suite_subnet_def, &suite_host_def, &suite_class_def,
	&tftpd_def, &suite_nfsd_def, &suite_export_def, NULL,
};

int suite_log_priority(const struct conf_global *g)
{
	return LOG_ERR + g->log_level;
}
