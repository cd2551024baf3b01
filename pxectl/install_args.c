/* Finding NFS install sources in kernel arguments. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "install_args.h"

struct prefix {
	const char *name;	/* with its '=' */
	int kind;
	bool nfs_scheme;	/* value is nfs:[OPTS:]HOST:/PATH; else nfsroot's form */
};

static const struct prefix prefixes[] = {
	{ "ks=", INSTALL_KICKSTART, true },
	{ "inst.ks=", INSTALL_KICKSTART, true },
	{ "inst.repo=", INSTALL_REPO, true },
	{ "repo=", INSTALL_REPO, true },
	{ "method=", INSTALL_REPO, true },
	{ "inst.stage2=", INSTALL_REPO, true },
	{ "root=", INSTALL_ROOT, true },
	{ "nfsroot=", INSTALL_ROOT, false },
	{ NULL, 0, false }
};

static void copy_span(char *out, size_t outsz, const char *s, size_t n)
{
	if (n >= outsz) {
		out[0] = '\0';
		return;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* "[OPTS:]HOST:/PATH" (anaconda), "HOST:/PATH[:OPTS]" (dracut), or for
 * nfsroot "[HOST:]/PATH[,OPTS]". */
static void split_host_path(const char *v, size_t n, bool nfsroot, struct install_source *src)
{
	const char *sep = NULL, *path, *end = v + n;

	for (const char *p = v; p + 1 < end; p++)
		if (p[0] == ':' && p[1] == '/') {
			sep = p;
			break;
		}
	if (sep) {
		const char *host = sep;

		while (host > v && host[-1] != ':')
			host--;
		copy_span(src->host, sizeof src->host, host, (size_t)(sep - host));
		path = sep + 1;
	} else {
		path = v;
	}
	if (*path != '/' || path >= end)
		return;
	/* nfsroot's options follow a comma, dracut's a colon */
	const char *stop = memchr(path, nfsroot ? ',' : ':', (size_t)(end - path));

	copy_span(src->path, sizeof src->path, path, (size_t)((stop ? stop : end) - path));
}

static void scan_one(const char *tok, size_t n,
		     void (*found)(void *arg, const struct install_source *src), void *arg)
{
	for (const struct prefix *p = prefixes; p->name; p++) {
		size_t plen = strlen(p->name);
		struct install_source src = { .kind = p->kind, .arg = tok, .arglen = n };
		const char *v = tok + plen;
		size_t vn = n - plen;

		if (n < plen || strncmp(tok, p->name, plen) != 0)
			continue;
		if (p->nfs_scheme) {
			if (vn < 4 || strncmp(v, "nfs:", 4) != 0)
				return;		/* http:, cdrom, hd:, LABEL=...: not ours */
			v += 4;
			vn -= 4;
		}
		split_host_path(v, vn, !p->nfs_scheme, &src);
		found(arg, &src);
		return;
	}
}

void install_args_scan(const char *args,
		       void (*found)(void *arg, const struct install_source *src), void *arg)
{
	const char *p = args;

	while (*p) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n)
			scan_one(p, n, found, arg);
		p += n;
	}
}
