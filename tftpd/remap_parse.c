/* Parsing tftp-hpa's remap rules (-m FILE) into compiled rules, refusing
 * at start-up whatever would misbehave at run time. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remap_rule.h"

#define REMAP_MAX_RULES		1024
#define REMAP_MAX_LINE		4096
#define REMAP_MAX_FILE		(1024 * 1024)
#define REGEX_MAX_NODES		512
#define REGEX_MAX_DEPTH		32

/* Flag letters that together make no sense, so a rule that says them is
 * a mistake to report at start-up rather than a rule that never fires. */
static const struct {
	unsigned flags;
	const char *msg;
} bad_combos[] = {
	{ R_REPLACE | R_INVERT, "r and ~ cannot be combined: there is no match to replace" },
	{ R_REPLACE | R_ABORT, "r and a cannot be combined" },
	{ R_ABORT | R_END, "a and e cannot be combined" },
	{ R_ABORT | R_RESTART, "a and s cannot be combined" },
	{ R_END | R_RESTART, "e and s cannot be combined" },
	{ R_GET | R_PUT, "G and P cannot be combined: the rule would never apply" },
	{ R_IPV4 | R_IPV6, "4 and 6 cannot be combined: the rule would never apply" },
};

__attribute__((format(printf, 5, 6)))
static int parse_error(char *err, size_t errlen, const char *name, unsigned line,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return -EINVAL;
	n = snprintf(err, errlen, "%s:%u: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int out_of_memory(char *err, size_t errlen, const char *name, unsigned line)
{
	parse_error(err, errlen, name, line, "out of memory");
	return -ENOMEM;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next field of a line into buf (at least as long as the line): runs
 * to unescaped whitespace; an unescaped '#' ends the line.  Backslash
 * pairs are kept as written, for regcomp and the replacement to read.
 * The field's length, 0 when the line has no more. */
static size_t next_field(const char **pp, char *buf)
{
	const char *p = *pp;
	size_t n = 0;

	while (is_blank(*p))
		p++;
	while (*p && *p != '#' && !is_blank(*p)) {
		if (*p == '\\' && p[1])
			buf[n++] = *p++;
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	*pp = *p == '#' ? p + strlen(p) : p;
	return n;
}

static const struct {
	char letter;
	unsigned flag;
} letters[] = {
	{ 'r', R_REPLACE }, { 'g', R_GLOBAL }, { 'e', R_END }, { 's', R_RESTART },
	{ 'a', R_ABORT }, { '~', R_INVERT }, { 'G', R_GET }, { 'P', R_PUT },
	{ '4', R_IPV4 }, { '6', R_IPV6 },
};

static unsigned letter_flag(char c)
{
	size_t i;

	for (i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (letters[i].letter == c)
			return letters[i].flag;
	return 0;
}

/* The operation letters; a second g makes it sed's. */
static int parse_flags(const char *ops, unsigned *flags, int *cflags, const char **bad)
{
	unsigned f;

	*flags = 0;
	*cflags = REG_EXTENDED;
	for (; *ops; ops++) {
		if (*ops == 'i') {
			*cflags |= REG_ICASE;
			continue;
		}
		f = letter_flag(*ops);
		if (!f) {
			*bad = ops;
			return -EINVAL;
		}
		if (f == R_GLOBAL && (*flags & R_GLOBAL))
			f = R_SEDG;
		*flags |= f;
	}
	return 0;
}

/* glibc compiles x+ as x x*, and x{n,m} as m copies of x, so stacked or
 * nested repetitions multiply: "a++++..." or "((a{99}){99}){99}" would take
 * gigabytes and minutes in regcomp, and matching time grows with the
 * square of the copies.  The copies are counted the same way, per group,
 * and a regex past REGEX_MAX_NODES is refused: rules are trusted config,
 * but one typo should not stall every request.  Real rules are far below. */
struct cost {
	size_t sum;		/* the group so far */
	size_t last;		/* its last element, which a repetition copies */
};

static size_t cap_nodes(size_t n)
{
	return n > REGEX_MAX_NODES ? REGEX_MAX_NODES + 1 : n;
}

static void add_elem(struct cost *c, size_t n)
{
	c->sum = cap_nodes(c->sum + n);
	c->last = n;
}

/* k copies of the last element in all. */
static void repeat_last(struct cost *c, size_t k)
{
	c->sum = cap_nodes(c->sum + c->last * (k - 1));
	c->last = cap_nodes(c->last * k);
}

static size_t read_count(const char **pp)
{
	size_t n = 0;

	for (; isdigit((unsigned char)**pp); (*pp)++)
		n = cap_nodes(n * 10 + (size_t)(**pp - '0'));
	return n;
}

/* The copies an interval "{n}", "{n,}" or "{n,m}" at p makes, with its
 * length in *len; 0 when p starts no interval. */
static size_t interval(const char *p, size_t *len)
{
	const char *q = p + 1, *m_start;
	size_t n, m;

	if (!isdigit((unsigned char)*q))
		return 0;
	n = m = read_count(&q);
	if (*q == ',') {
		m_start = ++q;
		m = read_count(&q);
		if (q == m_start)
			m = n + 1;
	}
	if (*q != '}')
		return 0;
	*len = (size_t)(q + 1 - p);
	return m > n ? m : n ? n : 1;
}

/* Where the bracket expression at p ('[') ends: a ']' first in it is a
 * member, and so is a "[:alpha:]", "[.-.]" or "[=a=]" inside.  NULL when
 * it does not end; regcomp reports that. */
static const char *bracket_end(const char *p)
{
	char close[3] = { 0, ']', 0 };

	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			close[0] = p[1];
			p = strstr(p + 2, close);
			if (!p)
				return NULL;
			p += 2;
		} else {
			p++;
		}
	}
	return *p ? p : NULL;
}

static bool is_dup(const char *re, size_t *len)
{
	*len = 1;
	return *re == '*' || *re == '+' || *re == '?' || (*re == '{' && interval(re, len));
}

/* The message when the regex is too costly to compile, or NULL. */
static const char *check_regex(const char *re)
{
	struct cost stack[REGEX_MAX_DEPTH + 1] = { { 0, 0 } };
	struct cost *c = stack;
	size_t k, len;
	bool dup, after_dup = false;

	for (; *re; re++) {
		dup = is_dup(re, &len);
		if (dup && after_dup)
			return "a repetition of a repetition (\"+*\", \"*?\", ...) is undefined "
			       "in POSIX regexes";
		after_dup = dup;
		if (*re == '\\' && re[1] >= '1' && re[1] <= '9')
			return "back-references are not supported: POSIX extended regexes have none, "
			       "and they can take exponential time";
		if (*re == '\\' && re[1]) {
			re++;
			add_elem(c, 1);
		} else if (*re == '[') {
			re = bracket_end(re);
			if (!re)
				return NULL;
			add_elem(c, 1);
		} else if (*re == '(') {
			if (c == &stack[REGEX_MAX_DEPTH])
				return "groups nested too deep";
			*++c = (struct cost){ 0, 0 };
		} else if (*re == ')' && c > stack) {
			c--;
			add_elem(c, c[1].sum ? c[1].sum : 1);
		} else if (*re == '+') {
			repeat_last(c, 2);
		} else if (*re == '{' && (k = interval(re, &len)) != 0) {
			repeat_last(c, k);
			re += len - 1;
		} else if (*re == '|') {
			c->last = 0;
		} else if (*re != '*' && *re != '?') {
			add_elem(c, 1);
		}
		if (c->sum > REGEX_MAX_NODES)
			return "regex too big: over 512 parts once its repetitions are "
			       "expanded; split it into several rules";
	}
	return NULL;
}

/* "\N" in a replacement must name a group the regex has. */
static int check_groups(const char *repl, size_t nsub)
{
	for (; *repl; repl++) {
		if (*repl != '\\' || !repl[1])
			continue;
		repl++;
		if (isdigit((unsigned char)*repl) && (size_t)(*repl - '0') > nsub)
			return *repl - '0';
	}
	return 0;
}

/* The operation letters and their combinations; the message, or NULL. */
static const char *check_ops(const char *ops, unsigned *flags, int *cflags, char *msg,
			     size_t msgsz)
{
	const char *bad = NULL;
	size_t i;

	if (ops[0] == ':') {
		snprintf(msg, msgsz, "labels (and j) are not supported");
		return msg;
	}
	if (parse_flags(ops, flags, cflags, &bad) < 0) {
		if (isprint((unsigned char)*bad))
			snprintf(msg, msgsz, "unknown operation '%c'%s", *bad,
				 *bad == 'j' || *bad == 'E' ? " (not supported)" : "");
		else
			snprintf(msg, msgsz, "unknown operation byte 0x%02x", (unsigned char)*bad);
		return msg;
	}
	for (i = 0; i < sizeof bad_combos / sizeof bad_combos[0]; i++)
		if ((*flags & bad_combos[i].flags) == bad_combos[i].flags)
			return bad_combos[i].msg;
	if ((*flags & R_GLOBAL) && !(*flags & R_REPLACE))
		return "g needs r";
	return NULL;
}

/* Fills r from one line's fields; 0, or -EINVAL with the message in err. */
static int parse_rule(const char *name, unsigned line, const char *text, char *buf,
		      struct remap_rule *r, char *err, size_t errlen)
{
	char msg[128];
	const char *m;
	int cflags, rc, g;

	next_field(&text, buf);
	m = check_ops(buf, &r->flags, &cflags, msg, sizeof msg);
	if (m)
		return parse_error(err, errlen, name, line, "%s", m);
	if (r->flags & R_INVERT)
		cflags |= REG_NOSUB;
	if (!next_field(&text, buf))
		return parse_error(err, errlen, name, line, "regex missing");
	m = check_regex(buf);
	if (m)
		return parse_error(err, errlen, name, line, "%s", m);
	rc = regcomp(&r->re, buf, cflags);
	if (rc != 0) {
		regerror(rc, NULL, msg, sizeof msg);
		return parse_error(err, errlen, name, line, "bad regex: %s", msg);
	}
	r->line = line;
	next_field(&text, buf);
	/* An a rule's replacement is tftp-hpa's message to the client; the
	 * server sends its standard one, so it is accepted and ignored. */
	if (buf[0] && !(r->flags & (R_REPLACE | R_ABORT)))
		rc = parse_error(err, errlen, name, line, "a replacement needs r");
	else if ((r->flags & R_REPLACE) && (g = check_groups(buf, r->re.re_nsub)) != 0)
		rc = parse_error(err, errlen, name, line, "\\%d but the regex has %zu groups",
				 g, r->re.re_nsub);
	else if (!(r->repl = strdup(r->flags & R_REPLACE ? buf : "")))
		rc = out_of_memory(err, errlen, name, line);
	else if (next_field(&text, buf))
		rc = parse_error(err, errlen, name, line,
				 "unexpected \"%.32s\" after the replacement (escape spaces as \"\\ \")",
				 buf);
	if (rc != 0) {
		free(r->repl);
		r->repl = NULL;
		regfree(&r->re);
	}
	return rc;
}

/* One line: a blank or comment line adds nothing, any other one rule at
 * **tail. */
static int parse_line(const char *name, unsigned line, const char *text, char *buf,
		      struct remap_rule ***tail, size_t *count, char *err, size_t errlen)
{
	const char *p = text;
	struct remap_rule *r;
	int rc;

	if (!next_field(&p, buf))
		return 0;
	if (++*count > REMAP_MAX_RULES)
		return parse_error(err, errlen, name, line, "more than %d rules",
				   REMAP_MAX_RULES);
	r = calloc(1, sizeof *r);
	if (!r)
		return out_of_memory(err, errlen, name, line);
	rc = parse_rule(name, line, text, buf, r, err, errlen);
	if (rc < 0) {
		free(r);
		return rc;
	}
	**tail = r;
	*tail = &r->next;
	return 0;
}

int remap_parse(const char *name, const char *text, struct remap **out,
		char *err, size_t errlen)
{
	char line[REMAP_MAX_LINE + 1], buf[REMAP_MAX_LINE + 1];
	const char *p = text, *eol;
	struct remap *rules;
	struct remap_rule **tail;
	unsigned lineno = 0;
	size_t len, count = 0;
	int rc = 0;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	rules = calloc(1, sizeof *rules);
	if (!rules)
		return out_of_memory(err, errlen, name, 0);
	tail = &rules->head;
	while (*p && rc == 0) {
		eol = strchrnul(p, '\n');
		len = (size_t)(eol - p);
		lineno++;
		if (len > REMAP_MAX_LINE) {
			rc = parse_error(err, errlen, name, lineno, "line longer than %d bytes",
					 REMAP_MAX_LINE);
		} else {
			memcpy(line, p, len);
			line[len] = '\0';
			rc = parse_line(name, lineno, line, buf, &tail, &count, err, errlen);
		}
		p = *eol ? eol + 1 : eol;
	}
	if (rc < 0) {
		remap_free(rules);
		return rc;
	}
	*out = rules;
	return 0;
}

static int load_error(char *err, size_t errlen, const char *path, int rc, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, why ? why : strerror(-rc));
	return rc;
}

/* The whole file as one string; a NUL in it would silently cut the rules
 * short, so it is an error. */
static int read_text(const char *path, char **text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;
	int rc = 0;

	if (!f)
		return load_error(err, errlen, path, -errno, NULL);
	buf = malloc(REMAP_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		return load_error(err, errlen, path, -ENOMEM, NULL);
	}
	errno = 0;
	n = fread(buf, 1, REMAP_MAX_FILE + 1, f);
	if (ferror(f))
		rc = load_error(err, errlen, path, errno ? -errno : -EIO, NULL);
	else if (n > REMAP_MAX_FILE)
		rc = load_error(err, errlen, path, -EFBIG, "larger than 1 MiB");
	else if (memchr(buf, '\0', n))
		rc = load_error(err, errlen, path, -EINVAL, "contains a NUL byte");
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}

int remap_load(const char *path, struct remap **out, char *err, size_t errlen)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	rc = read_text(path, &text, err, errlen);
	if (rc < 0)
		return rc;
	rc = remap_parse(path, text, out, err, errlen);
	free(text);
	return rc;
}

void remap_free(struct remap *rules)
{
	struct remap_rule *r, *next;

	if (!rules)
		return;
	for (r = rules->head; r; r = next) {
		next = r->next;
		regfree(&r->re);
		free(r->repl);
		free(r);
	}
	free(rules);
}
