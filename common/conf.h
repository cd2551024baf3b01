/* The INI config on inih, checked against a typed schema: built-in defaults,
 * then the file, then command-line flags; every error names FILE:LINE. */
#ifndef PXE_CONF_H
#define PXE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum conf_type {
	CONF_STRING,	/* char * */
	CONF_PATH,	/* char *: an absolute path */
	CONF_BOOL,	/* bool: yes/no, true/false, on/off, 1/0 */
	CONF_INT,	/* long long in [min, max] */
	CONF_OCTAL,	/* long long in [min, max], written in octal: 022, 0755 (modes, umasks) */
	CONF_RANGE,	/* struct conf_range: LO:HI, both in [min, max], LO <= HI */
	CONF_DURATION,	/* uint64_t ms in [min, max]: 90s, 15m, 1h, 2d, 250ms, 1h30m; bare number = s */
	CONF_SIZE,	/* uint64_t bytes in [min, max]: 512, 64K, 16M, 1G (powers of 1024) */
	CONF_ENUM,	/* int: index into choices */
	CONF_IP,	/* struct ip_addr, of family */
	CONF_HOSTPORT,	/* struct hostport: ADDR[:PORT], [V6]:PORT, :PORT; port defaults to .port */
	CONF_CIDR,	/* struct cidr, of family */
	CONF_MAC,	/* struct mac_addr */
	CONF_LIST,	/* struct conf_list of elem: items separated by commas and/or blanks */
	/* struct conf_keyed: "NAME ARG = value" lines, one per distinct ARG
	 * ("option 42 = 10.0.0.1"), each value checked by the key's validate. */
	CONF_KEYED,
};

struct conf_range {
	long long lo, hi;
};

struct conf_list {
	size_t count;
	void *items;		/* count items of the element type's C type */
};

struct conf_keyed_item {
	char *arg;			/* "42" of "option 42" */
	char *value;			/* the text after '=' */
	uint32_t origin;		/* a line, or CONF_FROM_CMDLINE */
};

struct conf_keyed {
	size_t count;
	struct conf_keyed_item *items;	/* in file order */
};

/* CONF_KEYED: 0, or -EINVAL with a message in err (FILE:LINE is added). */
typedef int conf_keyed_validate_fn(const char *arg, const char *value, char *err,
				   size_t errlen);

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;			/* of the value in the section's struct */
	const char *def;		/* default, as text; NULL: unset (zeroed) */
	long long min, max;		/* CONF_INT, _OCTAL, _RANGE, _DURATION, _SIZE; 0, 0: any */
	enum conf_type elem;		/* CONF_LIST: element type (not CONF_LIST) */
	int family;			/* CONF_IP, CONF_CIDR, CONF_HOSTPORT: AF_INET, AF_INET6, AF_UNSPEC */
	const char *const *choices;	/* CONF_ENUM: NULL-terminated */
	uint16_t port;			/* CONF_HOSTPORT: default port */
	conf_keyed_validate_fn *validate;	/* CONF_KEYED */
	/* CONF_KEYED: whether two ARGs that validate name one item ("42" and
	 * "ntp-servers"); NULL: only the same text does. */
	bool (*same_arg)(const char *a, const char *b);
};

struct conf;
struct conf_section;

struct conf_section_def {
	const char *name;
	bool named;			/* [name ARG]: repeats, one per distinct ARG */
	size_t size;			/* of the struct the keys point into */
	const struct conf_key *keys;	/* terminated by an entry with name NULL */
	/* Cross-key checks once file and flags are in.  On error: return -1,
	 * write the message to err, and set *key to the key at fault ("option",
	 * or one item as "option 58"; NULL for the section as a whole) so the
	 * message gets its FILE:LINE. */
	int (*check)(const struct conf *conf, const struct conf_section *sec,
		     const char **key, char *err, size_t errlen);
};

/* Where a key's value came from. */
#define CONF_FROM_DEFAULT 0u
#define CONF_FROM_CMDLINE UINT32_MAX

struct conf_section {
	const struct conf_section_def *def;
	char *arg;			/* ARG of [name ARG]; NULL for a plain section */
	unsigned line;			/* of the [header]; 0 for a built-in section */
	uint32_t *key_lines;		/* per key: CONF_FROM_DEFAULT, a line, or CONF_FROM_CMDLINE */
	void *data;
	struct conf_section *next;
};

struct conf {
	const struct conf_section_def *const *schema;	/* NULL-terminated */
	char *path;			/* the file loaded; NULL for built-in defaults only */
	struct conf_section *sections;	/* in file order, plain sections first */
};

struct conf_error {
	char msg[512];			/* "FILE:LINE: what is wrong" */
};

/* Every plain (not named) section of the schema, with its defaults. */
int conf_init(struct conf *conf, const struct conf_section_def *const *schema,
	      struct conf_error *err);
/* -ENOENT when the file does not exist (err says so too); -EINVAL for any
 * other error: unknown section or key, bad value, duplicate key or section,
 * syntax, a line longer than the parser takes. */
int conf_load_file(struct conf *conf, const char *path, struct conf_error *err);
/* The same, from memory; name stands for the file in messages. */
int conf_load_string(struct conf *conf, const char *name, const char *text,
		     struct conf_error *err);
/* A value from the command line; it overrides the file.  origin names the
 * flag in messages ("--root"). */
int conf_set(struct conf *conf, const char *section, const char *key,
	     const char *value, const char *origin, struct conf_error *err);
/* The sections' cross-key checks, once everything is in. */
int conf_check(const struct conf *conf, struct conf_error *err);
void conf_free(struct conf *conf);

/* The data of plain section name, or NULL. */
void *conf_get(const struct conf *conf, const char *name);
/* Named sections in file order: prev NULL for the first; NULL after the last. */
const struct conf_section *conf_next(const struct conf *conf, const char *name,
				     const struct conf_section *prev);
/* Where key of sec came from (CONF_FROM_*, or its line); for a CONF_KEYED
 * key, "NAME ARG" names one item ("option 58"). */
uint32_t conf_key_origin(const struct conf_section *sec, const char *key);

#endif
