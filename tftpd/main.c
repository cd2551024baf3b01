/* pxe-tftpd: flags, config and the daemon's life; the protocol service joins
 * here as it lands (see the README's status). */
#include <config.h>

#include "service.h"
#include "suite_conf.h"

static const struct cli_flag tftpd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", .section = "tftpd", .key = "pidfile",
	  .help = "write the daemon's pid to FILE" },
	{ 0 }
};

static const struct cli_spec tftpd_cli = {
	.prog = "pxe-tftpd",
	.summary = "TFTP server of pxesuite: boot files for PXE clients.",
	.flags = tftpd_flags,
	.schema = suite_schema,
};

int main(int argc, char **argv)
{
	return service_main(&tftpd_cli, "tftpd", argc, argv);
}
