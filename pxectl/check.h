/* pxectl check: what one run knows — the config as the daemons load it, the
 * report — and the checks, one file each, that read it and add findings.
 * None sends a packet anywhere, but --probe-dhcp's DISCOVER (probe_dhcp.h). */
#ifndef PXECTL_CHECK_H
#define PXECTL_CHECK_H

#include <stdbool.h>

#include "conf.h"
#include "report.h"

/* What the boot tree check learns that the install check needs. */
struct kernel_args {
	char *file;		/* the pxelinux.cfg file, for messages */
	unsigned line;
	char *args;		/* an APPEND line, as written */
};

struct check_ctx {
	const char *config_path;
	bool config_given;	/* as the daemons: a missing default file means defaults */
	struct conf conf;	/* loaded: valid when config_ok */
	bool config_ok;
	struct report *rep;
	struct kernel_args *appends;	/* every APPEND the boot tree has, in order */
	size_t nappends;
	bool probe_dhcp;	/* --probe-dhcp: the one check that sends a packet */
};

/* Each daemon's --check-config, on the one file.  Loads ctx->conf. */
void check_config(struct check_ctx *ctx);
/* Boot files, pxelinux.cfg and every file they name, as pxe-tftpd's user. */
void check_boot_tree(struct check_ctx *ctx);
/* ks=, inst.repo=, nfsroot= ... of the APPEND lines against pxe-nfsd's exports. */
void check_install(struct check_ctx *ctx);
/* Interface, addresses, rp_filter, bridge netfilter, SELinux, AppArmor. */
void check_host(struct check_ctx *ctx);
/* The kernel's nftables ruleset against the suite's ports. */
void check_firewall(struct check_ctx *ctx);

void check_ctx_free(struct check_ctx *ctx);

#endif
