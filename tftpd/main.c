/* pxe-tftpd: flags (tftp-hpa's, so an existing xinetd entry works by
 * changing only server =), config and the daemon's life. */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "listen.h"
#include "log.h"
#include "server.h"
#include "service.h"
#include "suite_conf.h"

#define KEY(k) .section = "tftpd", .key = (k)

static const struct cli_flag tftpd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", KEY("pidfile"),
	  .help = "write the daemon's pid to FILE" },
	{ .short_name = 'l', .long_name = "listen", KEY("listen"), .value = "yes",
	  .help = "standalone: bind the address, even if fd 0 is a socket" },
	{ .short_name = 'a', .long_name = "address", .arg = "ADDR[:PORT]", KEY("address"),
	  .help = "standalone: listen on ADDR[:PORT] (default :69)" },
	{ .short_name = '4', .long_name = "ipv4", KEY("family"), .value = "ipv4",
	  .help = "IPv4 only" },
	{ .short_name = '6', .long_name = "ipv6", KEY("family"), .value = "ipv6",
	  .help = "IPv6 only" },
	{ .short_name = 's', .long_name = "secure",
	  .help = "accepted for tftp-hpa: names are always resolved inside the root" },
	{ .short_name = 'c', .long_name = "create", KEY("allow_create"), .value = "yes",
	  .help = "allow write requests to create new files" },
	{ .short_name = 'u', .long_name = "user", .arg = "USER", KEY("user"),
	  .help = "run as USER once the sockets are bound (default nobody)" },
	{ .short_name = 'U', .long_name = "umask", .arg = "UMASK", KEY("umask"),
	  .help = "octal umask for created files (default 022)" },
	{ .short_name = 'p', .long_name = "permissive", KEY("permissive"), .value = "yes",
	  .help = "skip the world-readable/-writable check" },
	{ .short_name = 'B', .long_name = "blocksize", .arg = "N", KEY("blksize_max"),
	  .help = "largest block size granted (8..65464)" },
	{ .short_name = 'm', .long_name = "mapfile", .arg = "FILE", KEY("remap"),
	  .help = "rewrite requested names with the remap rules in FILE" },
	{ .short_name = 't', .long_name = "timeout", .arg = "N", KEY("idle_timeout"),
	  .help = "inetd/systemd: exit after N seconds idle (default 900)" },
	{ .short_name = 'T', .long_name = "retransmit", .arg = "USEC", KEY("retransmit_timeout"),
	  .usec = true, .help = "first retransmission after USEC microseconds (default 1000000)" },
	{ .short_name = 'R', .long_name = "port-range", .arg = "LO:HI", KEY("port_range"),
	  .help = "transfer ports from LO to HI" },
	{ .short_name = 'L', .alias = 'f',
	  .help = "the same as -f" },
	{ 0 }
};

static const struct cli_spec tftpd_cli = {
	.prog = "pxe-tftpd",
	.summary = "TFTP server of pxesuite: boot files for PXE clients.",
	.flags = tftpd_flags,
	.operand = "DIR",
	.operand_section = "tftpd",
	.operand_key = "root",
	.schema = suite_schema,
};

static int reload(struct service *svc, const struct conf *next)
{
	return tftpd_reload(svc->arg, conf_get(next, "tftpd"));
}

/* Files are opened beneath the root with openat2(RESOLVE_BENEATH), so no
 * chroot is needed; what remains is to stop being root. */
static int drop_privileges(const char *user)
{
	int rc;

	if (geteuid() != 0) {
		log_debug("not started as root: running as uid %ld", (long)geteuid());
		return 0;
	}
	rc = daemon_drop_privileges(user);
	if (rc < 0)
		log_err("cannot run as user %s: %s", user, strerror(-rc));
	return rc;
}

int main(int argc, char **argv)
{
	struct service svc = { .reload = reload };
	const struct conf_tftpd *conf;
	struct tftpd srv = { .root = { .dirfd = -1 } };
	enum tftpd_mode mode;
	int nsystemd, rc;

	rc = service_init(&svc, &tftpd_cli, argc, argv);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	conf = conf_get(&svc.conf, "tftpd");
	mode = listen_detect_mode(conf, &nsystemd);
	svc.supervised = mode != TFTPD_STANDALONE;
	svc.inetd = mode == TFTPD_INETD;
	svc.arg = &srv;
	if (service_start(&svc, conf->daemon.pidfile) < 0 ||
	    tftpd_open(&srv, conf, svc.loop, mode, nsystemd) < 0 ||
	    drop_privileges(conf->user) < 0) {
		service_fail(&svc);
		rc = 1;
	} else {
		service_ready(&svc);
		rc = service_run(&svc);
	}
	if (svc.loop)
		tftpd_close(&srv);
	service_end(&svc);
	return rc;
}
