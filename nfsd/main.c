/* pxe-nfsd: flags, config and the daemon's life: the handle key, the
 * exports and the RPC listeners are set up as root (rpcbind takes
 * registrations from root), then the daemon becomes its user with the three
 * capabilities it needs (cred.h) and serves. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cred.h"
#include "log.h"
#include "server.h"
#include "service.h"
#include "suite_conf.h"

#define KEY(k) .section = "nfsd", .key = (k)

static const struct cli_flag nfsd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", KEY("pidfile"),
	  .help = "write the daemon's pid to FILE" },
	{ .short_name = 'e', .long_name = "exports", .arg = "FILE", KEY("exports_file"),
	  .help = "also serve the exports(5) lines of FILE" },
	{ .short_name = 'a', .long_name = "address", .arg = "ADDR", KEY("address"),
	  .help = "listen on ADDR only (default: every IPv4 and IPv6 address)" },
	{ .short_name = 'p', .long_name = "port", .arg = "PORT", KEY("nfs_port"),
	  .help = "NFS on PORT (default 2049)" },
	{ .short_name = 'm', .long_name = "mount-port", .arg = "PORT", KEY("mount_port"),
	  .help = "MOUNT on PORT (default: any free port, told to rpcbind)" },
	{ .short_name = 'N', .long_name = "no-rpcbind", KEY("require_rpcbind"), .value = "no",
	  .help = "serve unregistered on fixed ports, without rpcbind" },
	{ .short_name = 's', .long_name = "state-dir", .arg = "DIR", KEY("state_dir"),
	  .help = "keep the file handle key in DIR" },
	{ .short_name = 'u', .long_name = "user", .arg = "USER", KEY("user"),
	  .help = "run as USER once the sockets are bound (default nobody)" },
	{ 0 }
};

static int check_exports(const struct conf *conf, char *err, size_t errlen)
{
	return nfsd_check_exports(conf, err, errlen);
}

static const struct cli_spec nfsd_cli = {
	.prog = "pxe-nfsd",
	.summary = "NFS server of pxesuite: install trees for booted installers.",
	.flags = nfsd_flags,
	.schema = suite_schema,
	.check = check_exports,
	.check_says_where = true,
};

static int reload(struct service *svc, const struct conf *next)
{
	return nfsd_reload(svc->arg, next);
}

static int drop_privileges(const struct conf_nfsd *conf)
{
	char err[512];

	if (cred_drop_privileges(conf->user, err, sizeof err) < 0) {
		log_err("cannot run as user %s: %s", conf->user, err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct service svc = { .reload = reload };
	const struct conf_nfsd *conf;
	struct nfsd srv = { 0 };
	uid_t euid;
	int rc;

	rc = service_init(&svc, &nfsd_cli, argc, argv);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	conf = conf_get(&svc.conf, "nfsd");
	svc.arg = &srv;
	if (service_start(&svc, conf->daemon.pidfile) < 0 ||
	    nfsd_open(&srv, &svc.conf, svc.loop) < 0 ||
	    drop_privileges(conf) < 0) {
		service_fail(&svc);
		rc = 1;
	} else {
		service_ready(&svc);
		rc = service_run(&svc);
	}
	/* the goodbyes to rpcbind and the pidfile's removal as the user
	 * that made them, root */
	euid = cred_become_registrant();
	if (svc.loop)
		nfsd_close(&srv);
	service_end(&svc);
	cred_leave_registrant(euid);
	return rc;
}
