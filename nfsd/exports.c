/* The export table: exports from pxesuite.ini and from exports(5) files
 * merged under one set of rules, then the lookups MOUNT and NFS make. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exports.h"
#include "suite_conf.h"

static int where_err(char *err, size_t errlen, int rc, const char *file, unsigned line,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "FILE:LINE: message" (FILE alone for line 0); returns rc. */
static int where_err(char *err, size_t errlen, int rc, const char *file, unsigned line,
		     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return rc;
	n = line ? snprintf(err, errlen, "%s:%u: ", file, line) : snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

void export_table_init(struct export_table *t)
{
	t->exports = NULL;
	t->count = 0;
}

void export_init(struct export *e)
{
	memset(e, 0, sizeof *e);
	e->fd = -1;
	e->nocross_fd = -1;
}

void export_dispose(struct export *e)
{
	free(e->path);
	free(e->file);
	free(e->clients);
	free(e->real);
	if (e->fd >= 0)
		close(e->fd);
	if (e->nocross_fd >= 0)
		close(e->nocross_fd);
	for (size_t i = 0; i < e->nsubs; i++) {
		free(e->subs[i].rel);
		if (e->subs[i].fd >= 0)
			close(e->subs[i].fd);
	}
	free(e->subs);
	export_init(e);
}

void export_table_free(struct export_table *t)
{
	for (size_t i = 0; i < t->count; i++)
		export_dispose(&t->exports[i]);
	free(t->exports);
	export_table_init(t);
}

/* An export's fsid, one way: fsid=0 and fsid=root are one value. */
static void fsid_str(const struct export_fsid *f, char *buf, size_t size)
{
	if (f->num == 0)
		snprintf(buf, size, "fsid=root");
	else
		snprintf(buf, size, "fsid=%u", f->num);
}

int export_add_client(struct export *e, const struct export_host *host,
		      const struct export_opts *opts, unsigned line, char *err, size_t errlen)
{
	struct export_client *c;
	char h[EXPORT_HOST_MAX + 1], a[32], b[32];

	for (size_t i = 0; i < e->nclients; i++) {
		if (!export_host_equal(&e->clients[i].host, host))
			continue;
		snprintf(err, errlen, "'%s' is already a client of %s (line %u)",
			 export_host_str(host, h), e->path, e->clients[i].line);
		return -EINVAL;
	}
	if (e->nclients >= EXPORT_CLIENTS_MAX) {
		snprintf(err, errlen, "more than %d clients for %s", EXPORT_CLIENTS_MAX, e->path);
		return -EINVAL;
	}
	/* Handles carry the fsid, so one export has one, whoever asks. */
	if (opts->fsid.has_num && e->fsid.has_num && opts->fsid.num != e->fsid.num) {
		fsid_str(&opts->fsid, a, sizeof a);
		fsid_str(&e->fsid, b, sizeof b);
		snprintf(err, errlen, "%s for '%s' differs from %s for another client of %s; an "
			 "export has one fsid", a, export_host_str(host, h), b, e->path);
		return -EINVAL;
	}
	if (opts->fsid.has_uuid && e->fsid.has_uuid &&
	    memcmp(opts->fsid.uuid, e->fsid.uuid, sizeof e->fsid.uuid)) {
		snprintf(err, errlen, "the fsid UUID for '%s' differs from that of another client "
			 "of %s; an export has one fsid", export_host_str(host, h), e->path);
		return -EINVAL;
	}
	c = realloc(e->clients, (e->nclients + 1) * sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	e->clients = c;
	c = &c[e->nclients++];
	c->host = *host;
	c->opts = *opts;
	c->line = line;
	if (opts->fsid.has_num) {
		e->fsid.has_num = true;
		e->fsid.num = opts->fsid.num;
	}
	if (opts->fsid.has_uuid) {
		e->fsid.has_uuid = true;
		memcpy(e->fsid.uuid, opts->fsid.uuid, sizeof e->fsid.uuid);
	}
	if (host->kind == EXPORT_HOST_NAME || host->kind == EXPORT_HOST_WILDCARD)
		e->names = true;
	return 0;
}

/* What makes e clash with an export of t: one path, or one fsid. */
static int clash(const struct export_table *t, const struct export *e, char *err,
		 size_t errlen)
{
	char f[32];

	for (size_t i = 0; i < t->count; i++) {
		const struct export *o = &t->exports[i];

		if (strcmp(o->path, e->path) == 0)
			return where_err(err, errlen, -EINVAL, e->file, e->line,
					 "%s is already exported at %s:%u", e->path, o->file, o->line);
		if (e->fsid.has_num && o->fsid.has_num && e->fsid.num == o->fsid.num) {
			fsid_str(&e->fsid, f, sizeof f);
			return where_err(err, errlen, -EINVAL, e->file, e->line,
					 "%s of %s is already that of %s at %s:%u", f, e->path,
					 o->path, o->file, o->line);
		}
		if (e->fsid.has_uuid && o->fsid.has_uuid &&
		    memcmp(e->fsid.uuid, o->fsid.uuid, sizeof e->fsid.uuid) == 0)
			return where_err(err, errlen, -EINVAL, e->file, e->line,
					 "the fsid UUID of %s is already that of %s at %s:%u",
					 e->path, o->path, o->file, o->line);
	}
	return 0;
}

int export_table_add(struct export_table *t, struct export *e, char *err, size_t errlen)
{
	struct export *v;
	int rc = clash(t, e, err, errlen);

	if (rc == 0 && t->count >= EXPORTS_MAX)
		rc = where_err(err, errlen, -EINVAL, e->file, e->line, "more than %d exports",
			       EXPORTS_MAX);
	if (rc == 0 && !(v = realloc(t->exports, (t->count + 1) * sizeof *v)))
		rc = where_err(err, errlen, -ENOMEM, e->file, e->line, "out of memory");
	if (rc) {
		export_dispose(e);
		return rc;
	}
	t->exports = v;
	v[t->count++] = *e;
	export_init(e);
	return 0;
}

int export_table_merge(struct export_table *t, struct export_table *from, char *err,
		       size_t errlen)
{
	struct export *v;
	size_t i;
	int rc;

	for (i = 0; i < from->count; i++) {
		rc = clash(t, &from->exports[i], err, errlen);
		if (rc)
			return rc;
	}
	if (t->count + from->count > EXPORTS_MAX) {
		i = EXPORTS_MAX - t->count;
		return where_err(err, errlen, -EINVAL, from->exports[i].file,
				 from->exports[i].line, "more than %d exports", EXPORTS_MAX);
	}
	if (!from->count)
		return 0;
	v = realloc(t->exports, (t->count + from->count) * sizeof *v);
	if (!v)
		return where_err(err, errlen, -ENOMEM, from->exports[0].file, 0, "out of memory");
	memcpy(v + t->count, from->exports, from->count * sizeof *v);
	t->exports = v;
	t->count += from->count;
	free(from->exports);
	export_table_init(from);
	return 0;
}

/* ---------------------------------------------------------------- sources */

/* The file as one string; a NUL byte would cut it short, so it is an error. */
static int read_text(const char *path, char **text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	const char *nul;
	unsigned line = 1;
	char *buf;
	size_t n;
	int rc = 0;

	if (!f)
		return where_err(err, errlen, -errno, path, 0, "%s", strerror(errno));
	buf = malloc(EXPORTS_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return where_err(err, errlen, -ENOMEM, path, 0, "out of memory");
	}
	errno = 0;
	n = fread(buf, 1, EXPORTS_FILE_MAX + 1, f);
	if (ferror(f))
		rc = where_err(err, errlen, errno ? -errno : -EIO, path, 0, "%s",
			       strerror(errno ? errno : EIO));
	else if (n > EXPORTS_FILE_MAX)
		rc = where_err(err, errlen, -EFBIG, path, 0, "larger than %d KiB; is this an "
			       "exports file?", EXPORTS_FILE_MAX / 1024);
	else if ((nul = memchr(buf, '\0', n))) {
		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		rc = where_err(err, errlen, -EINVAL, path, line, "NUL byte in the line; is this a "
			       "text file?");
	}
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}

int export_table_load_file(struct export_table *t, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	int rc = read_text(path, &text, err, errlen);

	if (rc)
		return rc;
	rc = export_table_parse(t, path, text, err, errlen);
	free(text);
	return rc;
}

static unsigned key_line(const struct conf_section *sec, const char *key)
{
	uint32_t origin = conf_key_origin(sec, key);

	return origin == CONF_FROM_DEFAULT || origin == CONF_FROM_CMDLINE ? sec->line : origin;
}

/* One [export PATH] section as an export. */
static int ini_export(const struct conf *conf, const struct conf_section *sec,
		      struct export *e, char *err, size_t errlen)
{
	const struct conf_export *ce = sec->data;
	const char *const *items = ce->clients.items;
	const char *file = conf->path ? conf->path : "(built-in)";
	char path[EXPORT_PATH_MAX + 1], why[384];
	unsigned cline = key_line(sec, "clients"), oline = key_line(sec, "options");
	struct export_host host;
	struct export_opts opts;
	int rc;

	if (export_path_normalize(sec->arg, path, sizeof path, why, sizeof why))
		return where_err(err, errlen, -EINVAL, file, sec->line, "[export %s]: %s", sec->arg,
				 why);
	e->path = strdup(path);
	e->file = strdup(file);
	e->line = sec->line;
	if (!e->path || !e->file)
		return where_err(err, errlen, -ENOMEM, file, sec->line, "out of memory");
	export_opts_init(&opts);
	if (export_opts_parse(ce->options ? ce->options : "", &opts, why, sizeof why))
		return where_err(err, errlen, -EINVAL, file, oline, "[export %s] options: %s",
				 sec->arg, why);
	if (ce->clients.count == 0)
		return where_err(err, errlen, -EINVAL, file, cline, "[export %s] clients: none",
				 sec->arg);
	for (size_t i = 0; i < ce->clients.count; i++) {
		rc = export_host_parse(items[i], &host, why, sizeof why);
		if (rc == 0)
			rc = export_add_client(e, &host, &opts, cline, why, sizeof why);
		if (rc)
			return where_err(err, errlen, rc, file, cline, "[export %s] clients: %s",
					 sec->arg, why);
	}
	return 0;
}

int export_table_load_ini(struct export_table *t, const struct conf *conf, char *err,
			  size_t errlen)
{
	const struct conf_section *sec = NULL;
	struct export_table tmp;
	struct export e;
	int rc = 0;

	export_table_init(&tmp);
	while (rc == 0 && (sec = conf_next(conf, "export", sec))) {
		export_init(&e);
		rc = ini_export(conf, sec, &e, err, errlen);
		if (rc)
			export_dispose(&e);
		else
			rc = export_table_add(&tmp, &e, err, errlen);
	}
	if (rc == 0)
		rc = export_table_merge(t, &tmp, err, errlen);
	export_table_free(&tmp);
	return rc;
}

/* exports_file's errors name FILE:LINE in it (-EINVAL); one it could not
 * read is the config's, at the line (or flag) that names it. */
static int load_exports_file(struct export_table *t, const struct conf *conf,
			     const char *path, char *err, size_t errlen)
{
	const struct conf_section *sec;
	uint32_t origin = CONF_FROM_DEFAULT;
	char why[512];
	int rc = export_table_load_file(t, path, why, sizeof why);

	if (rc == 0)
		return 0;
	if (rc == -EINVAL) {
		snprintf(err, errlen, "%s", why);
		return rc;
	}
	for (sec = conf->sections; sec; sec = sec->next)
		if (sec->def == &suite_nfsd_def)
			origin = conf_key_origin(sec, "exports_file");
	if (origin == CONF_FROM_CMDLINE)
		snprintf(err, errlen, "command line: [nfsd] exports_file: %s", why);
	else
		where_err(err, errlen, rc, conf->path ? conf->path : "(built-in)", origin,
			  "[nfsd] exports_file: %s", why);
	return rc;
}

int export_table_load(struct export_table *t, const struct conf *conf, char *err, size_t errlen)
{
	const struct conf_nfsd *n = conf_get(conf, "nfsd");
	struct export_table tmp;
	int rc;

	export_table_init(&tmp);
	rc = export_table_load_ini(&tmp, conf, err, errlen);
	if (rc == 0 && n && conf_str_set(n->exports_file))
		rc = load_exports_file(&tmp, conf, n->exports_file, err, errlen);
	if (rc == 0)
		rc = export_table_merge(t, &tmp, err, errlen);
	export_table_free(&tmp);
	return rc;
}

/* ---------------------------------------------------------------- export ids */

/* FNV-1a: a fixed function, so an id computed by one build is computed the
 * same by the next (handles outlive upgrades too).  The top bit keeps
 * derived ids apart from the small fsid= numbers admins write. */
uint32_t export_id_hash(const char *tag, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;

	for (; *tag; tag++)
		h = (h ^ (unsigned char)*tag) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return 0x80000000u | h;
}

static uint32_t id_of(const struct export *e)
{
	if (e->fsid.has_num)
		return e->fsid.num;
	if (e->fsid.has_uuid)
		return export_id_hash("uuid:", e->fsid.uuid, sizeof e->fsid.uuid);
	return export_id_hash("path:", e->path, strlen(e->path));
}

int export_table_ids(struct export_table *t, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->count; i++) {
		struct export *e = &t->exports[i];

		e->id = id_of(e);
		for (size_t j = 0; j < i; j++) {
			const struct export *o = &t->exports[j];

			if (o->id == e->id)
				return where_err(err, errlen, -EEXIST, e->file, e->line,
						 "%s gets the handle id %#x of %s at %s:%u: set "
						 "fsid= on one of them", e->path, e->id, o->path,
						 o->file, o->line);
		}
	}
	return 0;
}

const struct export *export_by_id(const struct export_table *t, uint32_t id)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->exports[i].id == id)
			return &t->exports[i];
	return NULL;
}

/* ---------------------------------------------------------------- the filesystem */

int export_table_open(struct export_table *t, char *err, size_t errlen)
{
	struct stat st;

	for (size_t i = 0; i < t->count; i++) {
		struct export *e = &t->exports[i];

		if (e->fd >= 0)
			continue;
		e->fd = open(e->path, O_RDONLY | O_DIRECTORY | O_NOCTTY | O_CLOEXEC);
		if (e->fd < 0 || fstat(e->fd, &st) < 0)
			return where_err(err, errlen, -errno, e->file, e->line, "%s: %s", e->path,
					 strerror(errno));
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		free(e->real);
		e->real = realpath(e->path, NULL);
		if (!e->real)
			return where_err(err, errlen, -errno, e->file, e->line, "%s: %s", e->path,
					 strerror(errno));
		for (size_t j = 0; j < i; j++) {
			const struct export *o = &t->exports[j];

			if (o->fd >= 0 && o->dev == e->dev && o->ino == e->ino)
				return where_err(err, errlen, -EEXIST, e->file, e->line,
						 "%s is the directory %s exports already (%s:%u)",
						 e->path, o->path, o->file, o->line);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- lookups */

const struct export *export_find(const struct export_table *t, const char *path)
{
	char norm[EXPORT_PATH_MAX + 1];

	if (export_path_normalize(path, norm, sizeof norm, NULL, 0))
		return NULL;
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->exports[i].path, norm) == 0)
			return &t->exports[i];
	return NULL;
}

bool export_client_options(const struct export *e, const struct sockaddr *sa,
			   const char *hostname, struct export_opts *out)
{
	const struct export_client *best = NULL;
	struct ip_addr ip;
	bool have_ip = sa && addr_from_sockaddr(sa, &ip, NULL) == 0;
	unsigned rank, best_rank = UINT_MAX;

	for (size_t i = 0; i < e->nclients && best_rank > 0; i++) {
		const struct export_client *c = &e->clients[i];

		rank = export_host_rank(&c->host);
		if (rank < best_rank && export_host_match(&c->host, have_ip ? &ip : NULL, hostname)) {
			best = c;
			best_rank = rank;
		}
	}
	if (best && out)
		*out = best->opts;
	return best != NULL;
}

bool export_name_may_matter(const struct export *e, const struct sockaddr *sa)
{
	struct ip_addr ip;
	bool have_ip = sa && addr_from_sockaddr(sa, &ip, NULL) == 0;
	unsigned by_addr = UINT_MAX, by_name = UINT_MAX;

	if (!e->names)
		return false;
	for (size_t i = 0; i < e->nclients; i++) {
		const struct export_host *h = &e->clients[i].host;
		unsigned rank = export_host_rank(h);

		if (h->kind == EXPORT_HOST_NAME || h->kind == EXPORT_HOST_WILDCARD) {
			if (rank < by_name)
				by_name = rank;
		} else if (rank < by_addr && export_host_match(h, have_ip ? &ip : NULL, NULL)) {
			by_addr = rank;
		}
	}
	return by_name <= by_addr;	/* a tie goes by written order */
}

const struct export *export_for_mount(const struct export_table *t, const char *path,
				      const struct sockaddr *sa, const char *hostname,
				      struct export_opts *out, const char **rest)
{
	size_t len, cut;

	if (!export_path_is_normal(path))
		return NULL;
	len = strlen(path);
	for (cut = len;;) {
		for (size_t i = 0; i < t->count; i++) {
			const struct export *e = &t->exports[i];

			if (strlen(e->path) != cut || strncmp(e->path, path, cut) ||
			    !export_client_options(e, sa, hostname, out))
				continue;
			if (rest)
				*rest = path + cut + (path[cut] == '/');
			return e;
		}
		if (cut == 1)
			return NULL;
		while (cut > 1 && path[cut - 1] != '/')
			cut--;
		if (cut > 1)
			cut--;	/* the '/' before the last component */
	}
}
