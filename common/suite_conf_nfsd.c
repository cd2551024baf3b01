/* pxe-nfsd's sections of pxesuite.ini: [nfsd] and [export PATH], with the
 * checks that span keys and sections. */
#include <config.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "export_spec.h"
#include "suite_conf.h"

#define N(field) .offset = offsetof(struct conf_nfsd, field)

static const struct conf_key nfsd_keys[] = {
	{ .name = "pidfile", .type = CONF_PATH, N(daemon.pidfile),
	  .def = RUNSTATEDIR "/pxe-nfsd.pid" },
	{ .name = "exports_file", .type = CONF_PATH, N(exports_file) },
	{ .name = "state_dir", .type = CONF_PATH, N(state_dir), .def = LOCALSTATEDIR "/lib/pxesuite" },
	{ .name = "user", .type = CONF_STRING, N(user), .def = "nobody" },
	{ .name = "address", .type = CONF_IP, N(address), .family = AF_UNSPEC },
	{ .name = "nfs_port", .type = CONF_INT, N(nfs_port), .def = "2049", .min = 1, .max = 65535 },
	{ .name = "mount_port", .type = CONF_INT, N(mount_port), .def = "0", .min = 0,
	  .max = 65535 },
	{ .name = "require_rpcbind", .type = CONF_BOOL, N(require_rpcbind), .def = "yes" },
	{ 0 }
};

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static int check_nfsd(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct conf_nfsd *n = sec->data;
	(void)conf;

	/* Without rpcbind a client learns the MOUNT port only from its admin
	 * (mount -o mountport=N), so a port picked at random is no use. */
	if (!n->require_rpcbind && n->mount_port == 0) {
		*key = "require_rpcbind";
		return fail(err, errlen, "serving without rpcbind needs a fixed mount_port");
	}
	return 0;
}

const struct conf_section_def suite_nfsd_def = {
	.name = "nfsd", .size = sizeof(struct conf_nfsd), .keys = nfsd_keys, .check = check_nfsd,
};

#define E(field) .offset = offsetof(struct conf_export, field)

static const struct conf_key export_keys[] = {
	{ .name = "clients", .type = CONF_LIST, E(clients), .elem = CONF_STRING, .def = "*" },
	{ .name = "options", .type = CONF_STRING, E(options), .def = "ro,sync,root_squash,secure" },
	{ 0 }
};

/* The options of an [export], on top of exports(5)'s defaults. */
static int export_opts(const struct conf_section *sec, struct export_opts *o, char *err,
		       size_t errlen)
{
	const struct conf_export *e = sec->data;

	export_opts_init(o);
	return export_opts_parse(e->options ? e->options : "", o, err, errlen);
}

static int check_clients(const struct conf_list *clients, char *err, size_t errlen)
{
	const char *const *items = clients->items;
	struct export_host *hosts;
	char why[256];
	size_t i, j;
	int rc = 0;

	if (clients->count == 0)
		return fail(err, errlen, "no clients; write clients = * for every host");
	hosts = calloc(clients->count, sizeof *hosts);
	if (!hosts)
		return fail(err, errlen, "out of memory");
	for (i = 0; i < clients->count && rc == 0; i++) {
		if (export_host_parse(items[i], &hosts[i], why, sizeof why)) {
			rc = fail(err, errlen, why);
			break;
		}
		for (j = 0; j < i; j++) {
			if (export_host_equal(&hosts[i], &hosts[j])) {
				snprintf(err, errlen, "'%s' is listed twice", items[i]);
				rc = -1;
				break;
			}
		}
	}
	free(hosts);
	return rc;
}

static bool same_uuid(const struct export_fsid *a, const struct export_fsid *b)
{
	return a->has_uuid && b->has_uuid && memcmp(a->uuid, b->uuid, sizeof a->uuid) == 0;
}

static int check_export(const struct conf *conf, const struct conf_section *sec,
			const char **key, char *err, size_t errlen)
{
	const struct conf_export *e = sec->data;
	const struct conf_section *other;
	char path[EXPORT_PATH_MAX + 1], opath[EXPORT_PATH_MAX + 1], why[256];
	struct export_opts opts, oopts;

	if (export_path_normalize(sec->arg, path, sizeof path, err, errlen))
		return -1;
	*key = "options";
	if (export_opts(sec, &opts, err, errlen))
		return -1;
	*key = "clients";
	if (check_clients(&e->clients, err, errlen))
		return -1;
	for (other = conf_next(conf, "export", NULL); other != sec;
	     other = conf_next(conf, "export", other)) {
		if (export_path_normalize(other->arg, opath, sizeof opath, why, sizeof why) ||
		    export_opts(other, &oopts, why, sizeof why))
			continue;	/* its own check reported it */
		*key = NULL;
		if (strcmp(path, opath) == 0) {
			snprintf(err, errlen, "the same path as [export %s] of line %u", other->arg,
				 other->line);
			return -1;
		}
		*key = "options";
		if (opts.fsid.has_num && oopts.fsid.has_num && opts.fsid.num == oopts.fsid.num) {
			snprintf(err, errlen, "fsid=%u is already that of [export %s] of line %u",
				 opts.fsid.num, other->arg, other->line);
			return -1;
		}
		if (same_uuid(&opts.fsid, &oopts.fsid)) {
			snprintf(err, errlen, "the fsid UUID is already that of [export %s] of line %u",
				 other->arg, other->line);
			return -1;
		}
	}
	return 0;
}

const struct conf_section_def suite_export_def = {
	.name = "export", .named = true, .size = sizeof(struct conf_export), .keys = export_keys,
	.check = check_export,
};
