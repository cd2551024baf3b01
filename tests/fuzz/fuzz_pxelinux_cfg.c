/* libFuzzer target for pxectl's pxelinux.cfg parser and INCLUDE walk
 * (pxectl/pxelinux_cfg.c).  Input: the whole input is parsed as one file;
 * then, split at each 0x01 byte, as files f0, f1, f2 ... that a walk from
 * f0 reads by those names.  Directives must be well formed, and every walk
 * must end within the bounds, whatever the files include. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxelinux_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILES 8

struct files {
	const char *text[FILES];
	size_t len[FILES];
	unsigned nfiles;
	unsigned reads;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void check_file(const struct pxecfg_file *f, size_t size)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct pxecfg_directive *d = &f->items[i];
		size_t n = strlen(d->arg);

		check(d->line >= 1 && d->line <= size + 1);
		check(i == 0 || d->line > f->items[i - 1].line);
		check(d->kind >= PXECFG_DEFAULT && d->kind <= PXECFG_PATH);
		check(n < PXECFG_LINE_MAX && !strchr(d->arg, '\n'));
		check(n == 0 || (!blank(d->arg[0]) && !blank(d->arg[n - 1])));
	}
}

static int read_file(void *arg, const char *name, char **text, size_t *len)
{
	struct files *fs = arg;
	char *end;
	unsigned long i;

	fs->reads++;
	check(fs->reads <= PXECFG_FILES_MAX);
	if (name[0] != 'f' || !name[1])
		return -ENOENT;
	i = strtoul(name + 1, &end, 10);
	if (*end || i >= fs->nfiles)
		return -ENOENT;
	*text = malloc(fs->len[i] + 1);
	if (!*text)
		return -ENOMEM;
	memcpy(*text, fs->text[i], fs->len[i]);
	(*text)[fs->len[i]] = '\0';
	*len = fs->len[i];
	return 0;
}

static void visit(void *arg, const char *file, const struct pxecfg_directive *d)
{
	check(file && d && d->arg);
}

static void problem(void *arg, const char *msg)
{
	check(msg && strlen(msg) > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *p = text, *end = text + size;
	struct files fs = { .nfiles = 0 };
	struct pxecfg_walker w = { .read = read_file, .visit = visit, .problem = problem,
				   .arg = &fs };
	struct pxecfg_file f;
	char err[PXECFG_LINE_MAX + 512];

	if (pxecfg_parse("fuzz", text, size, &f, err, sizeof err) == 0) {
		check_file(&f, size);
		pxecfg_file_free(&f);
	} else {
		check(strncmp(err, "fuzz", 4) == 0 && f.items == NULL && f.count == 0);
	}
	while (fs.nfiles < FILES) {
		const char *sep = memchr(p, 0x01, (size_t)(end - p));

		fs.text[fs.nfiles] = p;
		fs.len[fs.nfiles++] = (size_t)((sep ? sep : end) - p);
		if (!sep)
			break;
		p = sep + 1;
	}
	pxecfg_walk(&w, "f0");
	return 0;
}
