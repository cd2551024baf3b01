/* Filesystems mounted below an export, for its crossmnt clients: found in
 * /proc/self/mountinfo when the export is opened, each with its own id
 * derived from the export's id and the mount point, so that its handles
 * stay valid across restarts as long as it is mounted at the same place. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "submount.h"

/* Mounts followed below one export. */
#define SUBMOUNTS_MAX 64

static bool wants_crossmnt(const struct export *e)
{
	for (size_t i = 0; i < e->nclients; i++)
		if (e->clients[i].opts.crossmnt)
			return true;
	return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)). */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The mount id and mount point of one mountinfo line: 0, or -1 for a
 * line not in that form. */
static int parse_line(char *line, int *mount_id, char **point)
{
	char *save = NULL, *f;

	f = strtok_r(line, " ", &save);
	if (!f)
		return -1;
	*mount_id = atoi(f);
	for (int i = 0; i < 3; i++)	/* parent id, major:minor, root */
		if (!strtok_r(NULL, " ", &save))
			return -1;
	*point = strtok_r(NULL, " ", &save);
	if (!*point)
		return -1;
	unescape(*point);
	return 0;
}

static bool id_taken(const struct export_table *t, const struct export *e, uint32_t id)
{
	if (export_by_id(t, id))
		return true;
	for (size_t i = 0; i < e->nsubs; i++)
		if (e->subs[i].id == id)
			return true;
	return false;
}

static void add(struct export *e, const struct export_table *t, int want_id, const char *rel)
{
	struct export_sub sub = { .fd = -1 };
	char why[256], key[EXPORT_PATH_MAX + 16];
	int n;

	if (e->nsubs == SUBMOUNTS_MAX) {
		log_notice("%s: more than %d mounts below it: crossmnt stops at %s", e->path,
			   SUBMOUNTS_MAX, rel);
		return;
	}
	/* the mount point as the kernel lists it has no symlink in it; the
	 * mount id read back proves the open reached that very mount */
	sub.fd = openat(e->fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub.fd < 0)
		return;
	if (fh_probe(sub.fd, &sub.mount_id, why, sizeof why) < 0) {
		log_notice("%s/%s: not served to crossmnt clients: %s", e->path, rel, why);
		close(sub.fd);
		return;
	}
	if (sub.mount_id != want_id) {
		close(sub.fd);		/* covered by a later mount, listed after it */
		return;
	}
	n = snprintf(key, sizeof key, "%08x/%s", e->id, rel);
	sub.id = export_id_hash("sub:", key, (size_t)n < sizeof key ? (size_t)n : sizeof key);
	sub.rel = strdup(rel);
	if (!sub.rel || id_taken(t, e, sub.id)) {
		if (sub.rel)
			log_warn("%s/%s: its derived id %#x is taken: not served to crossmnt "
				 "clients", e->path, rel, sub.id);
		free(sub.rel);
		close(sub.fd);
		return;
	}
	e->subs[e->nsubs++] = sub;
}

int submount_scan(struct export *e, const struct export_table *t)
{
	size_t rlen = strlen(e->real);
	char *line = NULL, *point;
	size_t cap = 0;
	int mount_id;
	FILE *f;

	if (!wants_crossmnt(e) || e->subs)
		return 0;
	e->subs = calloc(SUBMOUNTS_MAX, sizeof *e->subs);
	if (!e->subs)
		return -ENOMEM;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		log_warn("%s: crossmnt: /proc/self/mountinfo: %s", e->path, strerror(errno));
		return 0;
	}
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_line(line, &mount_id, &point) < 0)
			continue;
		if (strcmp(e->real, "/") == 0 && strcmp(point, "/") != 0)
			add(e, t, mount_id, point + 1);
		else if (strncmp(point, e->real, rlen) == 0 && point[rlen] == '/' && point[rlen + 1])
			add(e, t, mount_id, point + rlen + 1);
	}
	free(line);
	fclose(f);
	return 0;
}

const struct export_sub *submount_by_id(const struct export_table *t, uint32_t id,
					const struct export **parent)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct export *e = &t->exports[i];

		for (size_t j = 0; j < e->nsubs; j++) {
			if (e->subs[j].id == id) {
				*parent = e;
				return &e->subs[j];
			}
		}
	}
	return NULL;
}

const struct export_sub *submount_by_mount(const struct export *e, int mount_id)
{
	for (size_t i = 0; i < e->nsubs; i++)
		if (e->subs[i].mount_id == mount_id)
			return &e->subs[i];
	return NULL;
}
