/* pxe-dhcpd: flags, config and the daemon's life: bind the sockets as root,
 * hand the lease directory to the daemon's user, become that user, then
 * open the lease file and serve. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "server.h"
#include "service.h"
#include "suite_conf.h"

#define KEY(k) .section = "dhcpd", .key = (k)

static const struct cli_flag dhcpd_flags[] = {
	{ .short_name = 'P', .long_name = "pidfile", .arg = "FILE", KEY("pidfile"),
	  .help = "write the daemon's pid to FILE" },
	{ .short_name = 'l', .long_name = "lease-file", .arg = "FILE", KEY("lease_file"),
	  .help = "keep the leases in FILE" },
	{ .short_name = 'i', .long_name = "interface", .arg = "IFACES", KEY("interface"),
	  .help = "serve only these interfaces (comma-separated)" },
	{ .short_name = 'u', .long_name = "user", .arg = "USER", KEY("user"),
	  .help = "run as USER once the sockets are bound (default nobody)" },
	{ .long_name = "proxy", KEY("mode"), .value = "proxy",
	  .help = "proxyDHCP: boot information only, beside another DHCP server" },
	{ 0 }
};

static const struct cli_spec dhcpd_cli = {
	.prog = "pxe-dhcpd",
	.summary = "DHCPv4 server of pxesuite: addresses and boot files for PXE clients.",
	.flags = dhcpd_flags,
	.schema = suite_schema,
	.check = suite_dhcpd_check_servable,
};

static bool is_root_name(const char *user)
{
	return strcmp(user, "root") == 0 || strcmp(user, "0") == 0;
}

/* The missing directories above the lease directory, made root's (0755, as
 * /var/lib is): /var/lib/pxesuite holds pxe-nfsd's handle key too, which
 * must not sit in a directory the daemons' user could write. */
static int make_parents(const char *dir)
{
	char *copy = strdup(dir);
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = strchr(copy + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

/* The lease file's directory must be the user's to write (compaction
 * renames a new file over the journal).  A missing one is created for it
 * (in its own directory: the parent is shared); an existing one is never handed over, only the lease file itself, which
 * an earlier run as root may have left. */
static int prepare_lease_dir(const char *path, const struct daemon_user *u)
{
	char *copy = strdup(path), *dir;
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	rc = make_parents(dir);
	if (rc == 0 && mkdir(dir, 0750) == 0)
		rc = chown(dir, u->uid, u->gid) < 0 ? -errno : 0;
	else if (rc == 0 && errno != EEXIST)
		rc = -errno;
	free(copy);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fchown(fd, u->uid, u->gid) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int drop_privileges(const struct conf_dhcpd *conf)
{
	struct daemon_user u;
	int rc;

	if (geteuid() != 0) {
		log_debug("not started as root: running as uid %ld", (long)geteuid());
		return 0;
	}
	if (is_root_name(conf->user)) {
		log_notice("user = %s: staying root", conf->user);
		return 0;
	}
	rc = daemon_user_lookup(conf->user, &u);
	if (rc == 0 && conf->mode == DHCPD_MODE_SERVER) {
		rc = prepare_lease_dir(conf->lease_file, &u);
		if (rc < 0) {
			log_err("lease file %s: cannot prepare it for user %s: %s",
				conf->lease_file, conf->user, strerror(-rc));
			return rc;
		}
	}
	if (rc == 0)
		rc = daemon_user_become(&u);
	if (rc < 0)
		log_err("cannot run as user %s: %s", conf->user, strerror(-rc));
	return rc;
}

/* After the drop: the journal's directory must take the compacted file. */
static int check_lease_dir(const struct conf_dhcpd *conf)
{
	char *copy = strdup(conf->lease_file);
	int rc = 0;

	if (!copy)
		return -1;
	if (access(dirname(copy), W_OK | X_OK) < 0) {
		log_err("lease file %s: its directory is not writable by uid %ld: %s",
			conf->lease_file, (long)geteuid(), strerror(errno));
		rc = -1;
	}
	free(copy);
	return rc;
}

static int reload(struct service *svc, const struct conf *next)
{
	return dhcpd_reload(svc->arg, next);
}

int main(int argc, char **argv)
{
	struct service svc = { .reload = reload };
	const struct conf_dhcpd *conf;
	struct dhcpd srv = { .fd = -1, .proxy_fd = -1, .packet_fd = -1, .compact_fd = -1 };
	int rc;

	rc = service_init(&svc, &dhcpd_cli, argc, argv);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	conf = conf_get(&svc.conf, "dhcpd");
	svc.arg = &srv;
	if (service_start(&svc, conf->daemon.pidfile) < 0 ||
	    dhcpd_open(&srv, &svc.conf, svc.loop) < 0 ||
	    drop_privileges(conf) < 0 ||
	    (conf->mode == DHCPD_MODE_SERVER && check_lease_dir(conf) < 0) ||
	    dhcpd_start(&srv) < 0) {
		service_fail(&svc);
		rc = 1;
	} else {
		service_ready(&svc);
		rc = service_run(&svc);
	}
	if (svc.loop)
		dhcpd_close(&srv);
	service_end(&svc);
	return rc;
}
