/* pxelinux's configs under a boot file's directory: the files of
 * pxelinux.cfg/ it asks for, what they INCLUDE, and every file they name,
 * each resolved by pxelinux's path rules and handed to the boot tree's
 * reference list. */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"
#include "pxelinux_cfg.h"

#define CONFIG_SIZE_MAX (1024 * 1024)

/* One walk of the configs under a pxelinux's directory. */
struct cfg_walk {
	struct boot_check *bc;
	const char *prefix;		/* the boot file's directory: "" or "bios/" */
	struct { int kind; char *name; char *origin; } *pending;
	size_t npending;
	char **paths;			/* PATH directories, as written */
	size_t npaths;
	char **labels;
	size_t nlabels;
	char *default_name, *default_origin;
};

static int push_str(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof *grown);

	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*n] = strdup(s);
	if (!grown[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void free_strs(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}



/* pxelinux's rule: "::name" and "/name" are from the TFTP root, anything
 * else from the directory pxelinux itself was loaded from. */
static void pxelinux_name(const char *prefix, const char *name, char *out, size_t outsz)
{
	if (strncmp(name, "::", 2) == 0)
		snprintf(out, outsz, "/%s", name + 2);
	else if (name[0] == '/')
		snprintf(out, outsz, "%s", name);
	else
		snprintf(out, outsz, "%s%s", prefix, name);
}




static void pend_at(struct cfg_walk *w, int kind, const char *name, const char *origin)
{
	void *grown;

	if (!*name || boot_is_url(name))
		return;		/* lpxelinux fetches URLs over HTTP, not from here */
	grown = realloc(w->pending, (w->npending + 1) * sizeof *w->pending);
	if (!grown) {
		boot_check_oom(w->bc);
		return;
	}
	w->pending = grown;
	w->pending[w->npending].kind = kind;
	w->pending[w->npending].name = strdup(name);
	w->pending[w->npending].origin = strdup(origin);
	w->npending++;
}

static void pend(struct cfg_walk *w, int kind, const char *name, const char *file,
		 unsigned line)
{
	char origin[PATH_NAME_MAX + 32];

	snprintf(origin, sizeof origin, "%s%s:%u", w->prefix, file, line);
	pend_at(w, kind, name, origin);
}

/* "a,b,c" as pxelinux splits initrd lists. */
static void pend_list(struct cfg_walk *w, int kind, const char *list, size_t len,
		      const char *file, unsigned line)
{
	char item[PXECFG_LINE_MAX];

	while (len > 0) {
		const char *comma = memchr(list, ',', len);
		size_t n = comma ? (size_t)(comma - list) : len;

		snprintf(item, sizeof item, "%.*s", (int)n, list);
		pend(w, kind, item, file, line);
		if (!comma)
			break;
		len -= n + 1;
		list = comma + 1;
	}
}

static void remember_append(struct cfg_walk *w, const char *file, unsigned line,
			    const char *args)
{
	struct check_ctx *ctx = w->bc->ctx;
	struct kernel_args *grown = realloc(ctx->appends, (ctx->nappends + 1) * sizeof *grown);
	char origin[PATH_NAME_MAX];

	if (!grown) {
		boot_check_oom(w->bc);
		return;
	}
	ctx->appends = grown;
	snprintf(origin, sizeof origin, "%s%s", w->prefix, file);
	/* a file INCLUDEd by several configs is read once per config */
	for (size_t i = 0; i < ctx->nappends; i++)
		if (grown[i].line == line && strcmp(grown[i].file, origin) == 0)
			return;
	grown[ctx->nappends] = (struct kernel_args){ .file = strdup(origin), .line = line,
						     .args = strdup(args) };
	if (!grown[ctx->nappends].file || !grown[ctx->nappends].args) {
		free(grown[ctx->nappends].file);
		free(grown[ctx->nappends].args);
		boot_check_oom(w->bc);
		return;
	}
	ctx->nappends++;
}

/* Kernel arguments: initrd= is pxelinux's, the rest goes to install checks. */
static void scan_args(struct cfg_walk *w, const char *file, unsigned line, const char *args)
{
	const char *p = args;

	if (strcmp(args, "-") == 0)
		return;		/* APPEND -: no arguments at all */
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, " \t");
		if (n > 7 && strncmp(p, "initrd=", 7) == 0)
			pend_list(w, REF_INITRD, p + 7, n - 7, file, line);
		p += n;
	}
	remember_append(w, file, line, args);
}

/* PATH dir:dir... (syslinux 5 and later). */
static void add_paths(struct cfg_walk *w, const char *list)
{
	char dir[PXECFG_LINE_MAX];

	while (*list) {
		size_t n = strcspn(list, ": \t");

		snprintf(dir, sizeof dir, "%.*s", (int)n, list);
		if (n && push_str(&w->paths, &w->npaths, dir) < 0)
			boot_check_oom(w->bc);
		list += n + (list[n] != '\0');
	}
}

static void visit(void *arg, const char *file, const struct pxecfg_directive *d)
{
	struct cfg_walk *w = arg;
	char word[PXECFG_LINE_MAX], origin[PATH_NAME_MAX + 32];
	size_t n = pxecfg_first_word(d->arg, word, sizeof word);
	const char *rest = d->arg + strspn(d->arg, " \t") + n;

	switch (d->kind) {
	case PXECFG_LABEL:
		if (push_str(&w->labels, &w->nlabels, word) < 0)
			boot_check_oom(w->bc);
		break;
	case PXECFG_KERNEL:
		pend(w, boot_ends_with(word, ".c32") || strcmp(d->keyword, "com32") == 0 ?
		     REF_MODULE : REF_KERNEL, word, file, d->line);
		if (*rest)
			scan_args(w, file, d->line, rest + strspn(rest, " \t"));
		break;
	case PXECFG_DEFAULT:
		if (!n)
			break;
		/* as in syslinux's readconfig, the last DEFAULT wins */
		snprintf(origin, sizeof origin, "%s%s:%u", w->prefix, file, d->line);
		free(w->default_name);
		free(w->default_origin);
		w->default_name = strdup(word);
		w->default_origin = strdup(origin);
		break;
	case PXECFG_UI:
		pend(w, REF_MODULE, word, file, d->line);
		break;
	case PXECFG_INITRD:
		pend_list(w, REF_INITRD, word, n, file, d->line);
		break;
	case PXECFG_APPEND:
		scan_args(w, file, d->line, d->arg);
		break;
	case PXECFG_INCLUDE:
	case PXECFG_CONFIG:
		pend(w, REF_CONFIG, word, file, d->line);
		break;
	case PXECFG_BACKGROUND:
		if (word[0] != '#')	/* "#aarrggbb": a colour, not a file */
			pend(w, REF_DECOR, word, file, d->line);
		break;
	case PXECFG_FONT:
		pend(w, REF_DECOR, word, file, d->line);
		break;
	case PXECFG_PATH:
		add_paths(w, d->arg);
		break;
	}
}

static int read_config(void *arg, const char *name, char **text, size_t *len)
{
	struct cfg_walk *w = arg;
	char full[PATH_NAME_MAX], resolved[PATH_NAME_MAX];

	pxelinux_name(w->prefix, name, full, sizeof full);
	if (tftp_view_resolve(&w->bc->view, full, resolved, sizeof resolved) < 0)
		return -EACCES;
	return tftp_view_slurp(&w->bc->view, resolved, CONFIG_SIZE_MAX, text, len);
}

static void problem(void *arg, const char *msg)
{
	struct cfg_walk *w = arg;

	report_add(w->bc->ctx->rep, SEV_ERROR, "boot", "pxelinux cannot use this config: the "
		   "labels and menu it should set up are missing (\"Boot failed: press a key to "
		   "retry\"), or it loops", "correct that line", "%s%s", w->prefix, msg);
}

/* A module's name: pxelinux looks in its own directory, then along PATH. */
static void module_name(struct cfg_walk *w, const char *name, char *out, size_t outsz)
{
	char cand[PATH_NAME_MAX + PXECFG_LINE_MAX], dir[PATH_NAME_MAX], resolved[PATH_NAME_MAX];

	pxelinux_name(w->prefix, name, out, outsz);
	if (strchr(name, '/') || strncmp(name, "::", 2) == 0)
		return;
	for (size_t i = 0; i <= w->npaths; i++) {
		if (i == 0) {
			snprintf(cand, sizeof cand, "%s", out);
		} else {
			pxelinux_name(w->prefix, w->paths[i - 1], dir, sizeof dir);
			snprintf(cand, sizeof cand, "%s/%s", dir, name);
		}
		if (strlen(cand) < outsz &&
		    tftp_view_resolve(&w->bc->view, cand, resolved, sizeof resolved) == 0 &&
		    tftp_view_exists(&w->bc->view, resolved) == 0) {
			memcpy(out, cand, strlen(cand) + 1);
			return;
		}
	}
}

static bool has_label(const struct cfg_walk *w, const char *name)
{
	for (size_t i = 0; i < w->nlabels; i++)
		if (strcmp(w->labels[i], name) == 0)
			return true;
	return false;
}

/* What the walk found, as references: DEFAULT names a label, or else a
 * kernel (or module) to boot as a command line. */
static void settle(struct cfg_walk *w)
{
	char full[PATH_NAME_MAX];

	if (w->default_name && w->default_origin && !has_label(w, w->default_name))
		pend_at(w, boot_ends_with(w->default_name, ".c32") ? REF_MODULE : REF_KERNEL,
			w->default_name, w->default_origin);
	for (size_t i = 0; i < w->npending; i++) {
		int kind = w->pending[i].kind;
		const char *origin = w->pending[i].origin;

		if (!w->pending[i].name || !origin)
			continue;	/* out of memory, told already */
		if (kind == REF_MODULE)
			module_name(w, w->pending[i].name, full, sizeof full);
		else
			pxelinux_name(w->prefix, w->pending[i].name, full, sizeof full);
		/* a missing INCLUDE is the walk's problem, told with its line */
		boot_check_add_ref(w->bc, kind, kind == REF_DECOR ? SEV_WARNING : SEV_ERROR, full,
				   origin, kind == REF_CONFIG);
	}
}

static void cfg_walk_free(struct cfg_walk *w)
{
	for (size_t i = 0; i < w->npending; i++) {
		free(w->pending[i].name);
		free(w->pending[i].origin);
	}
	free(w->pending);
	free_strs(w->paths, w->npaths);
	free_strs(w->labels, w->nlabels);
	free(w->default_name);
	free(w->default_origin);
}

void boot_configs_file(struct boot_check *bc, const char *prefix, const char *name,
		       const char *origin)
{
	struct cfg_walk w = { .bc = bc, .prefix = prefix };
	struct pxecfg_walker walker = { .read = read_config, .visit = visit,
					.problem = problem, .arg = &w };
	char full[PATH_NAME_MAX], resolved[PATH_NAME_MAX];

	pxelinux_name(prefix, name, full, sizeof full);
	boot_check_add_ref(bc, REF_CONFIG, SEV_ERROR, full, origin, false);
	/* a missing one is told by the reference, with what the client sees */
	if (tftp_view_resolve(&bc->view, full, resolved, sizeof resolved) < 0 ||
	    tftp_view_exists(&bc->view, resolved) < 0)
		return;
	pxecfg_walk(&walker, name);
	settle(&w);
	cfg_walk_free(&w);
}

static bool all_hex(const char *s, size_t n, bool *has_lower, bool *has_upper)
{
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		*has_lower |= islower((unsigned char)s[i]) != 0;
		*has_upper |= isupper((unsigned char)s[i]) != 0;
	}
	return n > 0;
}

/* Whether pxelinux ever asks for this name in pxelinux.cfg/: 01-MAC in lower
 * case, an IP address prefix in upper-case hex, or default.  A name in the
 * other case is never found on a case-sensitive server: told here. */
static bool asked_for(struct boot_check *bc, const char *dir, const char *name)
{
	bool lower = false, upper = false;

	if (strcmp(name, "default") == 0)
		return true;
	if (strlen(name) == 20 && strncmp(name, "01-", 3) == 0) {
		for (int i = 0; i < 6; i++)
			if (!all_hex(name + 3 + 3 * i, 2, &lower, &upper) ||
			    (i < 5 && name[5 + 3 * i] != '-'))
				return false;
		if (upper)
			report_add(bc->ctx->rep, SEV_WARNING, "boot", "that machine gets "
				   "pxelinux.cfg/default instead of its own config",
				   "rename it in lower case",
				   "%s/%s: pxelinux asks for 01-MAC in lower case", dir, name);
		return true;
	}
	if (strlen(name) <= 8 && all_hex(name, strlen(name), &lower, &upper)) {
		if (lower)
			report_add(bc->ctx->rep, SEV_WARNING, "boot", "those machines get "
				   "pxelinux.cfg/default instead", "rename it in upper case",
				   "%s/%s: pxelinux asks for IP address names in upper-case hex",
				   dir, name);
		return true;
	}
	return false;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every config in PREFIX/pxelinux.cfg/ that pxelinux asks for by name. */
void boot_configs_dir(struct boot_check *bc, const char *prefix, const char *boot_origin)
{
	char dir[PATH_NAME_MAX * 2], name[PATH_NAME_MAX];
	char **names = NULL;
	size_t nnames = 0, walked = 0;
	bool have_default = false;
	struct dirent *de;
	DIR *d;

	for (size_t i = 0; i < bc->nprefixes; i++)
		if (strcmp(bc->prefixes[i], prefix) == 0)
			return;
	if (push_str(&bc->prefixes, &bc->nprefixes, prefix) < 0) {
		boot_check_oom(bc);
		return;
	}
	snprintf(dir, sizeof dir, "%s/%spxelinux.cfg", bc->view.conf->root, prefix);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && push_str(&names, &nnames, de->d_name) < 0)
			boot_check_oom(bc);
	if (d)
		closedir(d);
	qsort(names, nnames, sizeof *names, compare_names);
	for (size_t i = 0; i < nnames; i++) {
		if (!asked_for(bc, dir, names[i]))
			continue;
		have_default |= strcmp(names[i], "default") == 0;
		snprintf(name, sizeof name, "pxelinux.cfg/%s", names[i]);
		boot_configs_file(bc, prefix, name, "pxelinux.cfg");
		walked++;
	}
	free_strs(names, nnames);
	if (!have_default)
		report_add(bc->ctx->rep, walked ? SEV_WARNING : SEV_ERROR, "boot",
			   "\"Unable to locate configuration file\", then \"Boot failed: press a "
			   "key to retry\"", "write a pxelinux.cfg/default there",
			   "%s: no pxelinux.cfg/default beside the boot file of %s%s", dir,
			   boot_origin, walked ? " (machines without a config of their own fail)" :
			   "");
}
