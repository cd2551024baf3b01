/* Parsing pxelinux.cfg files and following their INCLUDEs. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pxelinux_cfg.h"
#include "str.h"

struct keyword {
	const char *name;
	int kind;
	bool needs_arg;
};

static const struct keyword keywords[] = {
	{ "default", PXECFG_DEFAULT, false },
	{ "ui", PXECFG_UI, true },
	{ "label", PXECFG_LABEL, true },
	{ "kernel", PXECFG_KERNEL, true },
	{ "linux", PXECFG_KERNEL, true },
	{ "boot", PXECFG_KERNEL, true },
	{ "bss", PXECFG_KERNEL, true },
	{ "pxe", PXECFG_KERNEL, true },
	{ "fdimage", PXECFG_KERNEL, true },
	{ "comboot", PXECFG_KERNEL, true },
	{ "com32", PXECFG_KERNEL, true },
	{ "config", PXECFG_CONFIG, true },
	{ "append", PXECFG_APPEND, false },
	{ "initrd", PXECFG_INITRD, true },
	{ "include", PXECFG_INCLUDE, true },
	{ "font", PXECFG_FONT, true },
	{ "path", PXECFG_PATH, true },
	{ NULL, 0, false }
};

/* After "MENU". */
static const struct keyword menu_keywords[] = {
	{ "include", PXECFG_INCLUDE, true },
	{ "background", PXECFG_BACKGROUND, true },
	{ NULL, 0, false }
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *end)
{
	while (p < end && !is_blank(*p))
		p++;
	return p;
}

static const struct keyword *find_keyword(const struct keyword *table, const char *w, size_t n)
{
	for (const struct keyword *k = table; k->name; k++)
		if (strlen(k->name) == n && strncasecmp(k->name, w, n) == 0)
			return k;
	return NULL;
}

static int add_directive(struct pxecfg_file *f, const struct keyword *k, const char *keyword,
			 unsigned line, const char *arg, const char *end)
{
	struct pxecfg_directive *grown, *d;

	while (end > arg && is_blank(end[-1]))
		end--;
	grown = realloc(f->items, (f->count + 1) * sizeof *grown);
	if (!grown)
		return -ENOMEM;
	f->items = grown;
	d = &f->items[f->count];
	*d = (struct pxecfg_directive){ .kind = k->kind, .line = line };
	snprintf(d->keyword, sizeof d->keyword, "%s", keyword);
	d->arg = strndup(arg, (size_t)(end - arg));
	if (!d->arg)
		return -ENOMEM;
	f->count++;
	return 0;
}

/* One line, without its newline.  0, -EINVAL with err, or -ENOMEM. */
static int parse_line(const char *name, unsigned line, const char *p, const char *end,
		      struct pxecfg_file *f, char *err, size_t errlen)
{
	const struct keyword *k;
	const char *w, *we;
	char keyword[16];

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return 0;
	w = p;
	we = word_end(w, end);
	if ((size_t)(we - w) == 4 && strncasecmp(w, "menu", 4) == 0) {
		w = skip_blanks(we, end);
		we = word_end(w, end);
		k = find_keyword(menu_keywords, w, (size_t)(we - w));
		if (k)
			snprintf(keyword, sizeof keyword, "menu %s", k->name);
	} else {
		k = find_keyword(keywords, w, (size_t)(we - w));
		if (k)
			snprintf(keyword, sizeof keyword, "%s", k->name);
	}
	if (!k)
		return 0;	/* pxelinux skips what it does not know */
	p = skip_blanks(we, end);
	if (k->needs_arg && p == end)
		return str_error(err, errlen, "%s:%u: %s without a file name", name, line,
				 keyword);
	return add_directive(f, k, keyword, line, p, end);
}

int pxecfg_parse(const char *name, const char *text, size_t len, struct pxecfg_file *out,
		 char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int rc = 0;

	*out = (struct pxecfg_file){ 0 };
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(le - p)))
			rc = str_error(err, errlen, "%s:%u: a NUL byte: this is not a text file "
				       "(a boot loader copied over the config?)", name, line);
		else if ((size_t)(le - p) >= PXECFG_LINE_MAX)
			rc = str_error(err, errlen, "%s:%u: line longer than %d bytes: pxelinux "
				       "cuts it there", name, line, PXECFG_LINE_MAX - 1);
		else
			rc = parse_line(name, line, p, le, out, err, errlen);
		if (rc == -ENOMEM)
			str_error(err, errlen, "%s: out of memory", name);
		p = nl ? nl + 1 : end;
	}
	if (rc < 0)
		pxecfg_file_free(out);
	return rc;
}

void pxecfg_file_free(struct pxecfg_file *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->items[i].arg);
	free(f->items);
	*f = (struct pxecfg_file){ 0 };
}

size_t pxecfg_first_word(const char *arg, char *out, size_t outsz)
{
	size_t n = 0;

	while (*arg && is_blank(*arg))
		arg++;
	while (arg[n] && !is_blank(arg[n]))
		n++;
	if (outsz)
		snprintf(out, outsz, "%.*s", (int)n, arg);
	return n;
}

struct walk {
	const struct pxecfg_walker *w;
	const char *stack[PXECFG_DEPTH_MAX];
	unsigned depth;
	unsigned files;
	unsigned problems;
};

static void problem(struct walk *wk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct walk *wk, const char *fmt, ...)
{
	char msg[PXECFG_LINE_MAX + 512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wk->problems++;
	wk->w->problem(wk->w->arg, msg);
}

static void walk_file(struct walk *wk, const char *name, const char *from, unsigned line);

static void walk_directives(struct walk *wk, const char *name, const struct pxecfg_file *f)
{
	char next[PXECFG_LINE_MAX];

	for (size_t i = 0; i < f->count; i++) {
		const struct pxecfg_directive *d = &f->items[i];

		wk->w->visit(wk->w->arg, name, d);
		if (d->kind != PXECFG_INCLUDE && d->kind != PXECFG_CONFIG)
			continue;
		pxecfg_first_word(d->arg, next, sizeof next);
		walk_file(wk, next, name, d->line);
	}
}

static void walk_file(struct walk *wk, const char *name, const char *from, unsigned line)
{
	struct pxecfg_file f;
	char err[PXECFG_LINE_MAX + 512];
	char *text = NULL;
	size_t len = 0;
	int rc;

	for (unsigned i = 0; i < wk->depth; i++)
		if (strcmp(wk->stack[i], name) == 0) {
			problem(wk, "%s:%u: INCLUDE %s: a loop: %s includes itself again", from,
				line, name, name);
			return;
		}
	if (wk->depth == PXECFG_DEPTH_MAX) {
		problem(wk, "%s:%u: INCLUDE %s: nested more than %d deep", from, line, name,
			PXECFG_DEPTH_MAX);
		return;
	}
	if (wk->files == PXECFG_FILES_MAX) {
		problem(wk, "%s:%u: INCLUDE %s: more than %d config files in all", from, line,
			name, PXECFG_FILES_MAX);
		return;
	}
	wk->files++;
	rc = wk->w->read(wk->w->arg, name, &text, &len);
	if (rc < 0) {
		if (from)
			problem(wk, "%s:%u: INCLUDE %s: %s", from, line, name,
				rc == -ENOENT ? "no such file" : strerror(-rc));
		else
			problem(wk, "%s: %s", name, strerror(-rc));
		return;
	}
	rc = pxecfg_parse(name, text, len, &f, err, sizeof err);
	free(text);
	if (rc < 0) {
		problem(wk, "%s", err);
		return;
	}
	wk->stack[wk->depth++] = name;
	walk_directives(wk, name, &f);
	wk->depth--;
	pxecfg_file_free(&f);
}

unsigned pxecfg_walk(const struct pxecfg_walker *w, const char *name)
{
	struct walk wk = { .w = w };

	walk_file(&wk, name, NULL, 0);
	return wk.problems;
}
