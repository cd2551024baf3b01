/* pxe-dhcpd: flags, config and the daemon's life; the protocol service joins
 * here as it lands (see the README's status). */
#include <config.h>

#include "service.h"
#include "suite_conf.h"

static const struct cli_flag dhcpd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", .section = "dhcpd", .key = "pidfile",
	  .help = "write the daemon's pid to FILE" },
	{ 0 }
};

static const struct cli_spec dhcpd_cli = {
	.prog = "pxe-dhcpd",
	.summary = "DHCPv4 server of pxesuite: addresses and boot files for PXE clients.",
	.flags = dhcpd_flags,
	.schema = suite_schema,
};

int main(int argc, char **argv)
{
	return service_main(&dhcpd_cli, "dhcpd", argc, argv);
}
