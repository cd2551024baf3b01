/* pxelinux.cfg files as syslinux's readconfig.c reads them: one directive
 * a line, keywords in any case, "#" comments; the directives that name a
 * file or shape a label are kept, the rest (TIMEOUT, MENU TITLE ...) are
 * skipped as pxelinux skips what it does not know.  Parsing does no I/O;
 * pxecfg_walk() follows INCLUDEs through the caller's reader, bounded. */
#ifndef PXECTL_PXELINUX_CFG_H
#define PXECTL_PXELINUX_CFG_H

#include <stdbool.h>
#include <stddef.h>

/* syslinux reads a config line into a 4096-byte buffer: longer lines are cut. */
#define PXECFG_LINE_MAX 4096
/* INCLUDEs nested deeper than this, or more files than PXECFG_FILES_MAX in one
 * walk, are refused: pxelinux would loop or run out of memory. */
#define PXECFG_DEPTH_MAX 16
#define PXECFG_FILES_MAX 128

enum pxecfg_kind {
	PXECFG_DEFAULT,		/* DEFAULT label-or-command-line */
	PXECFG_UI,		/* UI module.c32 [args] */
	PXECFG_LABEL,		/* LABEL name */
	PXECFG_KERNEL,		/* KERNEL LINUX BOOT BSS PXE FDIMAGE COMBOOT COM32 */
	PXECFG_CONFIG,		/* CONFIG file: another config replaces this one */
	PXECFG_APPEND,		/* APPEND kernel arguments */
	PXECFG_INITRD,		/* INITRD file[,file]... */
	PXECFG_INCLUDE,		/* INCLUDE file, MENU INCLUDE file [title] */
	PXECFG_BACKGROUND,	/* MENU BACKGROUND file */
	PXECFG_FONT,		/* FONT file */
	PXECFG_PATH,		/* PATH dir[:dir]...: where modules are looked for */
};

struct pxecfg_directive {
	int kind;		/* enum pxecfg_kind */
	unsigned line;
	char keyword[16];	/* as pxelinux names it, lower case: "linux", "menu include" */
	char *arg;		/* the rest of the line, outer blanks trimmed; "" if none */
};

struct pxecfg_file {
	struct pxecfg_directive *items;
	size_t count;
};

/* text holds len bytes (NULs included).  0, or -EINVAL with "NAME:LINE:
 * message" in err for what pxelinux cannot use: a NUL byte (a binary, not a
 * config), a line longer than PXECFG_LINE_MAX, a directive that needs a
 * file name without one; -ENOMEM. */
int pxecfg_parse(const char *name, const char *text, size_t len, struct pxecfg_file *out,
		 char *err, size_t errlen);
void pxecfg_file_free(struct pxecfg_file *f);

/* The file named by an INCLUDE or CONFIG argument (the first word). */
size_t pxecfg_first_word(const char *arg, char *out, size_t outsz);

/* What a walk asks of its caller. */
struct pxecfg_walker {
	/* The text of a config file, named as written: 0, or -errno (-ENOENT). */
	int (*read)(void *arg, const char *name, char **text, size_t *len);
	/* Each directive, in the order pxelinux reads them (an INCLUDE's file
	 * right after its INCLUDE). */
	void (*visit)(void *arg, const char *file, const struct pxecfg_directive *d);
	/* Something that stops pxelinux, as "FILE:LINE: message". */
	void (*problem)(void *arg, const char *msg);
	void *arg;
};

/* Reads name and what it INCLUDEs.  The number of problems reported. */
unsigned pxecfg_walk(const struct pxecfg_walker *w, const char *name);

#endif
