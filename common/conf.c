/* The INI config: inih splits lines into keys and values, this file applies
 * the schema — sections, defaults, file, flags — and reports FILE:LINE errors. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_value.h"
#include "str.h"

/* Config files are small; this stops --config /dev/zero. */
#define CONF_MAX_FILE (4u << 20)

#define SYNTAX "expected 'key = value' or '[section]'"

/* One pass over a file's text, fed to inih a line at a time. */
struct load {
	struct conf *conf;
	const char *name;		/* the file, in messages */
	const char *text;
	size_t len, off;
	unsigned line;			/* of the line inih has now */
	struct conf_section *sec;	/* current; NULL before the first header */
	struct conf_error *err;
	unsigned err_line;		/* of the first error; 0 while none */
};

static void set_err(struct conf_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int load_err(struct load *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct conf_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

/* Records the first error only, as "FILE:LINE: ..."; returns 0, inih's "error". */
static int load_err(struct load *ld, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->err_line)
		return 0;
	ld->err_line = ld->line;
	n = snprintf(ld->err->msg, sizeof ld->err->msg, "%s:%u: ", ld->name, ld->line);
	if (n < 0 || (size_t)n >= sizeof ld->err->msg)
		return 0;
	va_start(ap, fmt);
	vsnprintf(ld->err->msg + n, sizeof ld->err->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return 0;
}

/* "global", "host thinkpad": how messages name a section. */
static const char *sec_label(const struct conf_section *sec, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", sec->def->name, sec->arg ? " " : "",
		 sec->arg ? sec->arg : "");
	return buf;
}

static size_t key_count(const struct conf_section_def *def)
{
	size_t n = 0;

	while (def->keys && def->keys[n].name)
		n++;
	return n;
}

static int key_index(const struct conf_section_def *def, const char *name)
{
	size_t i, n = key_count(def);

	for (i = 0; i < n; i++)
		if (strcmp(def->keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void *key_ptr(const struct conf_section *sec, size_t k)
{
	return (char *)sec->data + sec->def->keys[k].offset;
}

/* Levenshtein distance ignoring case, for "did you mean"; large for long names. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[32], diag, up, best;
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la >= 32 || lb >= 32)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The key of def within 2 edits of name, or NULL. */
static const char *closest_key(const struct conf_section_def *def, const char *name)
{
	const char *best = NULL;
	unsigned d, bestd = 3;
	size_t i, n = key_count(def);

	for (i = 0; i < n; i++) {
		d = distance(name, def->keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = def->keys[i].name;
		}
	}
	return best;
}

static void sec_free(struct conf_section *sec)
{
	size_t i, n;

	if (!sec)
		return;
	n = key_count(sec->def);
	for (i = 0; sec->data && i < n; i++)
		conf_value_free(&sec->def->keys[i], key_ptr(sec, i));
	free(sec->data);
	free(sec->key_lines);
	free(sec->arg);
	free(sec);
}

/* A section holding its defaults.  A default that does not parse is a bug in
 * the schema, reported as such. */
static struct conf_section *sec_new(const struct conf_section_def *def, const char *arg,
				    unsigned line, struct conf_error *err)
{
	struct conf_section *sec = calloc(1, sizeof *sec);
	size_t i, n = key_count(def);
	char label[256], msg[384];

	if (!sec) {
		set_err(err, "out of memory");
		return NULL;
	}
	sec->def = def;
	sec->line = line;
	sec->arg = arg ? strdup(arg) : NULL;
	sec->key_lines = calloc(n ? n : 1, sizeof *sec->key_lines);
	sec->data = calloc(1, def->size ? def->size : 1);
	if ((arg && !sec->arg) || !sec->key_lines || !sec->data) {
		sec_free(sec);
		set_err(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const struct conf_key *key = &def->keys[i];

		if (!key->def || conf_value_parse(key, key->def, key_ptr(sec, i), msg, sizeof msg) == 0)
			continue;
		set_err(err, "built-in defaults: [%s] %s: bad default '%s' (a bug): %s",
			sec_label(sec, label, sizeof label), key->name, key->def, msg);
		sec_free(sec);
		return NULL;
	}
	return sec;
}

static void sec_append(struct conf *conf, struct conf_section *sec)
{
	struct conf_section **tail = &conf->sections;

	while (*tail)
		tail = &(*tail)->next;
	*tail = sec;
}

/* A value from origin (a line or CONF_FROM_CMDLINE).  A file value for a key
 * that a flag already set is checked, then dropped: flags win in any order. */
static int set_value(struct conf_section *sec, size_t k, const char *text, uint32_t origin,
		     char *msg, size_t msglen)
{
	const struct conf_key *key = &sec->def->keys[k];
	void *scratch;
	int rc;

	if (origin == CONF_FROM_CMDLINE || sec->key_lines[k] != CONF_FROM_CMDLINE) {
		rc = conf_value_parse(key, text, key_ptr(sec, k), msg, msglen);
		if (rc == 0)
			sec->key_lines[k] = origin;
		return rc;
	}
	scratch = calloc(1, conf_value_size(key->type));
	if (!scratch) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	rc = conf_value_parse(key, text, scratch, msg, msglen);
	conf_value_free(key, scratch);
	free(scratch);
	return rc;
}

static struct conf_keyed_item *keyed_find(const struct conf_key *key, struct conf_keyed *k,
				       const char *arg)
{
	for (size_t i = 0; i < k->count; i++)
		if (strcmp(k->items[i].arg, arg) == 0 ||
		    (key->same_arg && key->same_arg(k->items[i].arg, arg)))
			return &k->items[i];
	return NULL;
}

/* "NAME ARG = value" of a CONF_KEYED key: one item per ARG; a flag's value
 * replaces the file's, whichever comes first. */
static int keyed_put(struct conf_section *sec, size_t k, const char *arg, const char *text,
		     uint32_t origin, char *msg, size_t msglen)
{
	const struct conf_key *key = &sec->def->keys[k];
	struct conf_keyed *keyed = key_ptr(sec, k);
	struct conf_keyed_item *item, *items;
	char *a, *v;

	if (key->validate && key->validate(arg, text, msg, msglen))
		return -EINVAL;
	item = keyed_find(key, keyed, arg);
	if (item && item->origin == CONF_FROM_CMDLINE && origin != CONF_FROM_CMDLINE)
		return 0;
	if (item && origin != CONF_FROM_CMDLINE && strcmp(item->arg, arg) == 0) {
		snprintf(msg, msglen, "duplicate; first set at line %u", item->origin);
		return -EINVAL;
	}
	if (item && origin != CONF_FROM_CMDLINE) {
		snprintf(msg, msglen, "duplicate of '%s %s'; first set at line %u", key->name,
			 item->arg, item->origin);
		return -EINVAL;
	}
	v = strdup(text);
	a = item ? NULL : strdup(arg);
	items = item ? NULL : realloc(keyed->items, (keyed->count + 1) * sizeof *items);
	if (!v || (!item && (!a || !items))) {
		free(v);
		free(a);
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	if (!item) {
		keyed->items = items;
		item = &items[keyed->count++];
		item->arg = a;
	} else {
		free(item->value);
	}
	item->value = v;
	item->origin = origin;
	if (sec->key_lines[k] == CONF_FROM_DEFAULT)
		sec->key_lines[k] = origin;
	return 0;
}

/* The CONF_KEYED key that "NAME ARG" names: its index and *arg, or -1. */
static int keyed_index(const struct conf_section_def *def, const char *name, const char **arg)
{
	size_t len = strcspn(name, " \t");
	char base[64];
	int k;

	if (!name[len] || len >= sizeof base)
		return -1;
	memcpy(base, name, len);
	base[len] = '\0';
	k = key_index(def, base);
	if (k < 0 || def->keys[k].type != CONF_KEYED)
		return -1;
	*arg = name + len + strspn(name + len, " \t");
	return *arg[0] ? k : -1;
}

/* A value for "name" (plain or keyed) from origin, or -ENOENT for no such key. */
static int put_value(struct conf_section *sec, const char *name, const char *text,
		     uint32_t origin, char *msg, size_t msglen)
{
	const char *arg;
	int k = key_index(sec->def, name);

	if (k >= 0 && sec->def->keys[k].type == CONF_KEYED) {
		snprintf(msg, msglen, "expected '%s ARG = value'", name);
		return -EINVAL;
	}
	if (k >= 0)
		return set_value(sec, (size_t)k, text, origin, msg, msglen);
	k = keyed_index(sec->def, name, &arg);
	if (k < 0)
		return -ENOENT;
	return keyed_put(sec, (size_t)k, arg, text, origin, msg, msglen);
}

int conf_init(struct conf *conf, const struct conf_section_def *const *schema,
	      struct conf_error *err)
{
	const struct conf_section_def *const *d;
	struct conf_section *sec;

	memset(conf, 0, sizeof *conf);
	conf->schema = schema;
	for (d = schema; *d; d++) {
		sec = sec_new(*d, NULL, 0, err);
		if (!sec) {
			conf_free(conf);
			return -EINVAL;
		}
		/* Named sections come from the file; here their defaults are only checked. */
		if ((*d)->named)
			sec_free(sec);
		else
			sec_append(conf, sec);
	}
	return 0;
}

static const struct conf_section_def *find_def(const struct conf *conf, const char *name)
{
	const struct conf_section_def *const *d;

	for (d = conf->schema; *d; d++)
		if (strcmp((*d)->name, name) == 0)
			return *d;
	return NULL;
}

static struct conf_section *find_section(const struct conf *conf,
					 const struct conf_section_def *def, const char *arg)
{
	struct conf_section *sec;

	for (sec = conf->sections; sec; sec = sec->next) {
		if (sec->def != def)
			continue;
		if (!def->named || (arg && sec->arg && strcmp(sec->arg, arg) == 0))
			return sec;
	}
	return NULL;
}

static char *trim(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Splits "host  thinkpad" at its first run of blanks: returns the ARG or NULL. */
static char *split_arg(char *name)
{
	char *arg = name + strcspn(name, " \t");

	if (!*arg)
		return NULL;
	*arg++ = '\0';
	arg = trim(arg);
	return *arg ? arg : NULL;
}

static void unknown_section(struct load *ld, const char *name)
{
	const struct conf_section_def *const *d;
	const char *near = NULL;
	unsigned dist, best = 3;
	char known[256] = "";

	for (d = ld->conf->schema; *d; d++) {
		str_append(known, sizeof known, "%s[%s%s]", d == ld->conf->schema ? "" : ", ",
		       (*d)->name, (*d)->named ? " NAME" : "");
		dist = distance(name, (*d)->name);
		if (dist < best) {
			best = dist;
			near = (*d)->name;
		}
	}
	if (near)
		load_err(ld, "unknown section [%s]; did you mean [%s]?", name, near);
	else
		load_err(ld, "unknown section [%s]; known sections: %s", name, known);
}

static void plain_header(struct load *ld, const struct conf_section_def *def, const char *arg)
{
	struct conf_section *sec = find_section(ld->conf, def, NULL);

	if (arg) {
		load_err(ld, "[%s] takes no name (found '%s'); write [%s]", def->name, arg, def->name);
		return;
	}
	if (sec->line) {
		load_err(ld, "duplicate section [%s]; first at line %u", def->name, sec->line);
		return;
	}
	sec->line = ld->line;
	ld->sec = sec;
}

static void named_header(struct load *ld, const struct conf_section_def *def, const char *arg)
{
	struct conf_section *sec;

	if (!arg) {
		load_err(ld, "[%s] needs a name, as in [%s NAME]", def->name, def->name);
		return;
	}
	sec = find_section(ld->conf, def, arg);
	if (sec) {
		load_err(ld, "duplicate section [%s %s]; first at line %u", def->name, arg, sec->line);
		return;
	}
	sec = sec_new(def, arg, ld->line, ld->err);
	if (!sec) {
		ld->err_line = ld->line;
		return;
	}
	sec_append(ld->conf, sec);
	ld->sec = sec;
}

/* "[name]" or "[name ARG]", then nothing but blanks or a comment. */
static void on_header(struct load *ld, char *line)
{
	char *close = strchr(line, ']'), *name, *arg, *rest;
	const struct conf_section_def *def;

	if (!close) {
		load_err(ld, SYNTAX);
		return;
	}
	rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		load_err(ld, SYNTAX);
		return;
	}
	*close = '\0';
	name = trim(line + 1);
	arg = split_arg(name);
	if (!*name) {
		load_err(ld, SYNTAX);
		return;
	}
	def = find_def(ld->conf, name);
	if (!def)
		unknown_section(ld, name);
	else if (def->named)
		named_header(ld, def, arg);
	else
		plain_header(ld, def, arg);
}

/* inih's reader.  Every line reaches inih without its leading blanks, so an
 * indented key is a key and never a continuation of the one above; section
 * headers are taken here, so inih's 50-byte section name limit never bites. */
static char *read_line(char *buf, int num, void *stream)
{
	struct load *ld = stream;
	const char *s, *eol;
	size_t len, max;

	if (ld->err_line || ld->off >= ld->len || num < 3)
		return NULL;
	s = ld->text + ld->off;
	eol = memchr(s, '\n', ld->len - ld->off);
	len = eol ? (size_t)(eol - s) : ld->len - ld->off;
	ld->off += len + (eol ? 1 : 0);
	ld->line++;
	if (len && s[len - 1] == '\r')
		len--;
	if (ld->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	/* inih's buffer holds the line, its "\r\n" and a NUL. */
	max = (size_t)num - 3;
	if (memchr(s, '\0', len)) {
		load_err(ld, "NUL byte in the line; is this a text file?");
		return NULL;
	}
	if (len > max) {
		load_err(ld, "line too long (at most %zu characters)", max);
		return NULL;
	}
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	memcpy(buf, s, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	if (buf[0] != '[')
		return buf;
	on_header(ld, buf);
	buf[0] = '\n';
	buf[1] = '\0';
	return ld->err_line ? NULL : buf;
}

static int unknown_key(struct load *ld, const struct conf_section *sec, const char *name)
{
	const char *near = closest_key(sec->def, name);
	char label[256];

	sec_label(sec, label, sizeof label);
	if (near)
		return load_err(ld, "[%s] %s: unknown key; did you mean '%s'?", label, name, near);
	return load_err(ld, "[%s] %s: unknown key", label, name);
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	struct conf_section *sec = ld->sec;
	char label[256], msg[384];
	int k, rc;

	(void)section;	/* inih's copy is cut at 50 bytes; ld->sec is the real one */
	if (ld->err_line)
		return 0;
	if (!*name)
		return load_err(ld, SYNTAX);
	if (!sec)
		return load_err(ld, "'%s' is outside any section; put it under a [section] header",
				name);
	k = key_index(sec->def, name);
	sec_label(sec, label, sizeof label);
	if (k >= 0 && sec->def->keys[k].type != CONF_KEYED &&
	    sec->key_lines[k] != CONF_FROM_DEFAULT && sec->key_lines[k] != CONF_FROM_CMDLINE)
		return load_err(ld, "[%s] %s: duplicate key; first set at line %u", label, name,
				sec->key_lines[k]);
	rc = put_value(sec, name, value, ld->line, msg, sizeof msg);
	if (rc == -ENOENT)
		return unknown_key(ld, sec, name);
	if (rc)
		return load_err(ld, "[%s] %s: %s", label, name, msg);
	return 1;
}

static int load(struct conf *conf, const char *name, const char *text, size_t len,
		struct conf_error *err)
{
	struct load ld = { .conf = conf, .name = name, .text = text, .len = len, .err = err };
	int rc;

	if (conf->path) {
		set_err(err, "%s: a config was already loaded from %s", name, conf->path);
		return -EINVAL;
	}
	conf->path = strdup(name);
	if (!conf->path) {
		set_err(err, "%s: out of memory", name);
		return -ENOMEM;
	}
	rc = ini_parse_stream(read_line, &ld, on_key, &ld);
	/* inih reports its own syntax errors only at the end; an earlier line wins. */
	if (rc > 0 && (!ld.err_line || (unsigned)rc < ld.err_line)) {
		set_err(err, "%s:%d: " SYNTAX, name, rc);
		return -EINVAL;
	}
	if (rc < 0 && !ld.err_line) {
		set_err(err, "%s: out of memory", name);
		return -ENOMEM;
	}
	return ld.err_line ? -EINVAL : 0;
}

/* Reads f to its end into *text (malloc'd, len bytes). */
static int read_all(FILE *f, char **text, size_t *len)
{
	size_t cap = 0, n;
	char *buf = NULL, *p;

	*len = 0;
	do {
		if (*len == cap) {
			if (cap >= CONF_MAX_FILE) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? 2 * cap : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		return -(errno ? errno : EIO);
	}
	*text = buf;
	return 0;
}

static int read_file(const char *path, char **text, size_t *len, struct conf_error *err)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		rc = -errno;
		set_err(err, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_all(f, text, len);
	fclose(f);
	if (rc == -EFBIG)
		set_err(err, "%s: larger than %u MiB; is this a config file?", path,
			CONF_MAX_FILE >> 20);
	else if (rc)
		set_err(err, "%s: %s", path, strerror(-rc));
	return rc;
}

int conf_load_file(struct conf *conf, const char *path, struct conf_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(path, &text, &len, err);
	if (rc)
		return rc;
	rc = load(conf, path, text, len, err);
	free(text);
	return rc;
}

int conf_load_string(struct conf *conf, const char *name, const char *text,
		     struct conf_error *err)
{
	if (!name)
		name = "(string)";
	return load(conf, name, text ? text : "", text ? strlen(text) : 0, err);
}

/* A section by "name" or "name ARG", as headers write it. */
static struct conf_section *section_by_text(const struct conf *conf, const char *text)
{
	const struct conf_section_def *def;
	struct conf_section *sec = NULL;
	char *copy = strdup(text), *name, *arg;

	if (!copy)
		return NULL;
	name = trim(copy);
	arg = split_arg(name);
	def = find_def(conf, name);
	if (def && !def->named == !arg)
		sec = find_section(conf, def, arg);
	free(copy);
	return sec;
}

int conf_set(struct conf *conf, const char *section, const char *key,
	     const char *value, const char *origin, struct conf_error *err)
{
	struct conf_section *sec = section_by_text(conf, section);
	char msg[384];
	int rc;

	if (!value)
		value = "";
	if (!origin)
		origin = key;
	if (!sec) {
		set_err(err, "command line: %s '%s': no section [%s]", origin, value, section);
		return -EINVAL;
	}
	rc = put_value(sec, key, value, CONF_FROM_CMDLINE, msg, sizeof msg);
	if (rc == -ENOENT) {
		set_err(err, "command line: %s '%s': no key '%s' in [%s]", origin, value, key,
			section);
		return -EINVAL;
	}
	if (rc) {
		set_err(err, "command line: %s '%s': %s", origin, value, msg);
		return -EINVAL;
	}
	return 0;
}

/* Where a check's complaint points: the key's line, the flag, the section
 * header, the file, or the built-in defaults. */
static void check_err(const struct conf *conf, const struct conf_section *sec,
		      const char *key, const char *msg, struct conf_error *err)
{
	uint32_t origin = key ? conf_key_origin(sec, key) : CONF_FROM_DEFAULT;
	char where[300], label[256];
	const char *arg;

	if (key && key_index(sec->def, key) < 0 && keyed_index(sec->def, key, &arg) < 0)
		key = NULL;
	if (origin == CONF_FROM_CMDLINE)
		snprintf(where, sizeof where, "command line");
	else if (origin != CONF_FROM_DEFAULT)
		snprintf(where, sizeof where, "%s:%u", conf->path, origin);
	else if (sec->line && conf->path)
		snprintf(where, sizeof where, "%s:%u", conf->path, sec->line);
	else if (conf->path)
		snprintf(where, sizeof where, "%s", conf->path);
	else
		snprintf(where, sizeof where, "built-in defaults");
	sec_label(sec, label, sizeof label);
	if (key)
		set_err(err, "%s: [%s] %s: %s", where, label, key, msg);
	else
		set_err(err, "%s: [%s]: %s", where, label, msg);
}

int conf_check(const struct conf *conf, struct conf_error *err)
{
	const struct conf_section *sec;
	const char *key;
	char msg[384];

	for (sec = conf->sections; sec; sec = sec->next) {
		if (!sec->def->check)
			continue;
		key = NULL;
		snprintf(msg, sizeof msg, "check failed");
		if (sec->def->check(conf, sec, &key, msg, sizeof msg) == 0)
			continue;
		check_err(conf, sec, key, msg, err);
		return -EINVAL;
	}
	return 0;
}

void conf_free(struct conf *conf)
{
	struct conf_section *sec, *next;

	if (!conf)
		return;
	for (sec = conf->sections; sec; sec = next) {
		next = sec->next;
		sec_free(sec);
	}
	free(conf->path);
	memset(conf, 0, sizeof *conf);
}

void *conf_get(const struct conf *conf, const char *name)
{
	const struct conf_section *sec;

	for (sec = conf->sections; sec; sec = sec->next)
		if (!sec->def->named && strcmp(sec->def->name, name) == 0)
			return sec->data;
	return NULL;
}

const struct conf_section *conf_next(const struct conf *conf, const char *name,
				     const struct conf_section *prev)
{
	const struct conf_section *sec = prev ? prev->next : conf->sections;

	for (; sec; sec = sec->next)
		if (sec->def->named && strcmp(sec->def->name, name) == 0)
			return sec;
	return NULL;
}

uint32_t conf_key_origin(const struct conf_section *sec, const char *key)
{
	const struct conf_keyed_item *item;
	const char *arg;
	int k = key_index(sec->def, key);

	if (k >= 0)
		return sec->key_lines[k];
	k = keyed_index(sec->def, key, &arg);
	if (k < 0)
		return CONF_FROM_DEFAULT;
	item = keyed_find(&sec->def->keys[k], key_ptr(sec, (size_t)k), arg);
	return item ? item->origin : CONF_FROM_DEFAULT;
}
