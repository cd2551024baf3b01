/* pxe-nfsd: flags, config and the daemon's life; the protocol service joins
 * here as it lands (see the README's status). */
#include <config.h>

#include "service.h"
#include "suite_conf.h"

static const struct cli_flag nfsd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", .section = "nfsd", .key = "pidfile",
	  .help = "write the daemon's pid to FILE" },
	{ 0 }
};

static const struct cli_spec nfsd_cli = {
	.prog = "pxe-nfsd",
	.summary = "NFS server of pxesuite: install trees for booted installers.",
	.flags = nfsd_flags,
	.schema = suite_schema,
};

int main(int argc, char **argv)
{
	return service_main(&nfsd_cli, "nfsd", argc, argv);
}
