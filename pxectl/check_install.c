/* The install sources check: each NFS source an APPEND line gives an
 * installer (kickstart, install tree, root filesystem) must be on this
 * suite's NFS server, inside an export that the DHCP pool's clients may
 * mount (pxe-nfsd's own export table and lookup), and there. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "install_args.h"
#include "nfsd/exports.h"
#include "repomd.h"
#include "sock.h"
#include "suite_conf.h"

#define REPOMD_SIZE_MAX (16 * 1024 * 1024)

struct install_check {
	struct check_ctx *ctx;
	struct export_table exports;
	const struct kernel_args *at;		/* the APPEND being read */
	struct ip_addr servers[64];		/* what the config calls the server */
	size_t nservers;
	struct sockaddr_in clients[32];		/* one address of each pool */
	size_t nclients;
	unsigned repo_missing;
	char repo_first_missing[REPOMD_HREF_MAX];
	const char *repo_dir;
};

static const char *const kind_names[] = {
	[INSTALL_KICKSTART] = "kickstart", [INSTALL_REPO] = "install tree",
	[INSTALL_ROOT] = "NFS root",
};

static const char *const client_sees[] = {
	/* parenthesized: one string each, not two elements missing a comma */
	[INSTALL_KICKSTART] = ("anaconda cannot fetch the kickstart (\"Unable to download the "
			       "kickstart file\"; dracut: \"failed to fetch kickstart\") and the "
			       "install stops"),
	[INSTALL_REPO] = ("\"Unable to read package metadata. This may be due to a missing "
			  "repodata directory\" (anaconda: \"Error setting up base repository\")"),
	[INSTALL_ROOT] = "\"VFS: Unable to mount root fs via NFS\", then a kernel panic",
};

static void add_server(struct install_check *ic, const struct ip_addr *ip)
{
	if (ip->family && ic->nservers < sizeof ic->servers / sizeof ic->servers[0])
		ic->servers[ic->nservers++] = *ip;
}

/* The NFS server's addresses as the config has them: pxe-nfsd's address,
 * the next-server DHCP hands out, the DHCP server's own address. */
static void collect_servers(struct install_check *ic)
{
	const struct conf *conf = &ic->ctx->conf;
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	const struct conf_nfsd *n = conf_get(conf, "nfsd");

	add_server(ic, &n->address);
	add_server(ic, &d->next_server);
	add_server(ic, &d->server_address);
	for (const struct conf_section *s = conf_next(conf, "subnet", NULL); s;
	     s = conf_next(conf, "subnet", s))
		add_server(ic, &((const struct conf_subnet *)s->data)->next_server);
	for (const struct conf_section *s = conf_next(conf, "host", NULL); s;
	     s = conf_next(conf, "host", s))
		add_server(ic, &((const struct conf_host *)s->data)->next_server);
	for (const struct conf_section *s = conf_next(conf, "class", NULL); s;
	     s = conf_next(conf, "class", s))
		add_server(ic, &((const struct conf_class *)s->data)->next_server);
}

/* A client of each pool: the first address of each range. */
static void collect_clients(struct install_check *ic)
{
	const struct conf *conf = &ic->ctx->conf;

	for (const struct conf_section *s = conf_next(conf, "subnet", NULL); s;
	     s = conf_next(conf, "subnet", s)) {
		const struct conf_subnet *sub = s->data;
		const struct ip_addr *range = sub->range.items;

		for (size_t i = 0; i + 1 < sub->range.count; i += 2) {
			struct sockaddr_in *sin = &ic->clients[ic->nclients];

			if (ic->nclients == sizeof ic->clients / sizeof ic->clients[0] ||
			    range[i].family != AF_INET)
				continue;
			*sin = (struct sockaddr_in){ .sin_family = AF_INET,
						     .sin_addr = range[i].v4 };
			ic->nclients++;
		}
	}
}

static void finding(struct install_check *ic, int severity, int kind, const char *fix,
		    const struct install_source *src, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void finding(struct install_check *ic, int severity, int kind, const char *fix,
		    const struct install_source *src, const char *fmt, ...)
{
	char *what = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&what, fmt, ap);
	va_end(ap);
	report_add(ic->ctx->rep, severity, "install", client_sees[kind], fix, "%s:%u: %.*s: %s",
		   ic->at->file, ic->at->line, (int)src->arglen, src->arg,
		   n < 0 ? "(out of memory)" : what);
	if (n >= 0)
		free(what);
}

/* The argument's server is this suite's NFS server. */
static bool check_server(struct install_check *ic, const struct install_source *src)
{
	char list[512] = "", buf[ADDR_STRLEN], fix[768], ifname[IFNAMSIZ];
	struct ip_addr ip;

	if (!src->host[0])
		return true;	/* the DHCP server's, which is ours */
	if (addr_parse_ip(src->host, AF_INET, &ip, NULL, 0) < 0) {
		finding(ic, SEV_WARNING, src->kind, "write the NFS server's address rather than "
			"a name, so that the installer needs no DNS", src, "%s", "names its server "
			"by name: pxectl cannot tell whether that is this suite's NFS server");
		return true;
	}
	for (size_t i = 0; i < ic->nservers; i++) {
		if (addr_ip_equal(&ip, &ic->servers[i]))
			return true;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? ", " : "",
			 addr_ip_str(&ic->servers[i], buf));
	}
	if (!ic->nservers && sock_iface_of_addr(&ip, ifname) == 0)
		return true;	/* nothing configured: pxe-nfsd listens on every address */
	snprintf(fix, sizeof fix, "point it at %s", *list ? list : "this machine's address on "
		 "the boot network");
	finding(ic, SEV_ERROR, src->kind, fix, src, "%s is not this suite's NFS server (%s)",
		src->host, *list ? list : "an address of this machine");
	return false;
}

/* Some export lets every pool's clients mount the path. */
static bool check_export(struct install_check *ic, const struct install_source *src,
			 char *norm, size_t normsz, struct export_opts *opts)
{
	char why[256], fix[EXPORT_PATH_MAX + 256], buf[ADDR_STRLEN];
	const char *rest;

	if (export_path_normalize(src->path, norm, normsz, why, sizeof why) < 0) {
		finding(ic, SEV_ERROR, src->kind, "write an absolute path without \"..\"", src,
			"%s", why);
		return false;
	}
	for (size_t i = 0; i < (ic->nclients ? ic->nclients : 1); i++) {
		const struct sockaddr *sa = ic->nclients ? (const struct sockaddr *)&ic->clients[i]
							 : NULL;

		if (export_for_mount(&ic->exports, norm, sa, NULL, opts, &rest))
			continue;
		/* a kickstart is a file: its directory is what gets exported */
		snprintf(fix, sizeof fix, "export it: add [export %.*s] with clients = the pool's "
			 "network (or a line to the exports file), or move it into an existing "
			 "export", src->kind == INSTALL_KICKSTART && strrchr(norm, '/') > norm ?
			 (int)(strrchr(norm, '/') - norm) : (int)strlen(norm), norm);
		if (sa) {
			struct ip_addr ip = { .family = AF_INET, .v4 = ic->clients[i].sin_addr };

			finding(ic, SEV_ERROR, src->kind, fix, src, "%s is in no export that the "
				"pool's clients (%s) may mount: the server answers \"access "
				"denied\"", norm, addr_ip_str(&ip, buf));
		} else {
			finding(ic, SEV_ERROR, src->kind, fix, src, "%s is in no export", norm);
		}
		return false;
	}
	return true;
}

static void repo_file(void *arg, const char *href)
{
	struct install_check *ic = arg;
	char path[2 * REPOMD_HREF_MAX];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", ic->repo_dir, href);
	if (strstr(href, "..") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (!ic->repo_missing++)
			snprintf(ic->repo_first_missing, sizeof ic->repo_first_missing, "%s", href);
	}
}

static void check_repodata(struct install_check *ic, const struct install_source *src,
			   const char *dir)
{
	char path[2048], err[256];
	const char *fix = "recreate the metadata (createrepo_c DIR) or copy the whole tree "
			  "again from the install media";
	struct stat st;
	char *text;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/repodata/repomd.xml", dir);
	f = fopen(path, "r");
	if (!f) {
		finding(ic, SEV_ERROR, src->kind, fix, src, "%s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fileno(f), &st) < 0 || st.st_size > REPOMD_SIZE_MAX ||
	    !(text = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		finding(ic, SEV_ERROR, src->kind, fix, src, "%s: unreadable or too large", path);
		return;
	}
	n = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	ic->repo_dir = dir;
	ic->repo_missing = 0;
	if (repomd_locations(text, n, repo_file, ic, err, sizeof err) < 0) {
		finding(ic, SEV_ERROR, src->kind, fix, src, "%s: %s", path, err);
	} else if (ic->repo_missing) {
		finding(ic, SEV_ERROR, src->kind, fix, src, "%s names %u file%s that %s not there, "
			"such as %s", path, ic->repo_missing, ic->repo_missing == 1 ? "" : "s",
			ic->repo_missing == 1 ? "is" : "are", ic->repo_first_missing);
	}
	free(text);
}

/* The file or tree itself, as the squashed installer reads it. */
static void check_target(struct install_check *ic, const struct install_source *src,
			 const char *path, const struct export_opts *opts)
{
	const char *kind = kind_names[src->kind];
	struct stat st;

	if (stat(path, &st) < 0) {
		finding(ic, SEV_ERROR, src->kind, "put it there, or correct the path", src,
			"%s %s: %s", kind, path, strerror(errno));
		return;
	}
	if (src->kind == INSTALL_KICKSTART && S_ISDIR(st.st_mode)) {
		/* anaconda then reads DIR/<its IP address>-kickstart */
		finding(ic, SEV_WARNING, src->kind, "name the kickstart file itself, or make sure "
			"there is an ADDRESS-kickstart file for every machine", src, "%s %s is a "
			"directory: each installer looks for its own IP-ADDRESS-kickstart in it",
			kind, path);
		return;
	}
	if (src->kind == INSTALL_KICKSTART && !S_ISREG(st.st_mode)) {
		finding(ic, SEV_ERROR, src->kind, "name the kickstart file itself", src,
			"%s %s is not a file", kind, path);
		return;
	}
	if (src->kind == INSTALL_ROOT && !S_ISDIR(st.st_mode)) {
		finding(ic, SEV_ERROR, src->kind, "name the root directory", src,
			"%s %s is not a directory", kind, path);
		return;
	}
	/* The installer is root, which the export squashes to anonuid. */
	if ((opts->root_squash || opts->all_squash) && !(st.st_mode & S_IROTH) &&
	    st.st_uid != opts->anonuid) {
		finding(ic, SEV_ERROR, src->kind, "chmod o+r it (o+rx for directories)", src,
			"%s %s is not world-readable, and the export squashes root to uid %u",
			kind, path, opts->anonuid);
		return;
	}
	if (src->kind == INSTALL_REPO && S_ISDIR(st.st_mode))
		check_repodata(ic, src, path);
}

static void found(void *arg, const struct install_source *src)
{
	struct install_check *ic = arg;
	char norm[EXPORT_PATH_MAX + 1];
	struct export_opts opts;

	if (!src->path[0]) {
		finding(ic, SEV_ERROR, src->kind, "write nfs:SERVER:/path", src, "%s",
			"no usable NFS path in it");
		return;
	}
	if (check_server(ic, src) && check_export(ic, src, norm, sizeof norm, &opts))
		check_target(ic, src, norm, &opts);
}

void check_install(struct check_ctx *ctx)
{
	struct install_check ic = { .ctx = ctx };
	char err[512];

	export_table_init(&ic.exports);
	if (export_table_load(&ic.exports, &ctx->conf, err, sizeof err) < 0) {
		/* the config check has said so already, as pxe-nfsd would */
		export_table_free(&ic.exports);
		return;
	}
	collect_servers(&ic);
	collect_clients(&ic);
	for (size_t i = 0; i < ctx->nappends; i++) {
		ic.at = &ctx->appends[i];
		install_args_scan(ctx->appends[i].args, found, &ic);
	}
	export_table_free(&ic.exports);
}
