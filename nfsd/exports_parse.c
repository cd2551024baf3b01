/* exports(5) text to exports: "/path host(opts) -opts host ...", with
 * quoting, octal escapes, comments and continued lines; every error names
 * the file and the line of the token at fault. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exports.h"

/* Where the parse is, over the whole text. */
struct lexer {
	const char *name;		/* the file, in messages */
	const char *p;			/* next byte */
	unsigned line;			/* of *p */
	char *err;
	size_t errlen;
};

/* One blank-separated token: its text with quotes and escapes decoded. */
struct token {
	char text[EXPORTS_LINE_MAX + 1];
	size_t len;
	unsigned line;			/* where it starts */
	size_t paren;			/* offset of the '(' of "host(opts)", or SIZE_MAX */
};

static int lex_err(const struct lexer *lx, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lex_err(const struct lexer *lx, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!lx->err || !lx->errlen)
		return -EINVAL;
	n = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->name, line);
	if (n < 0 || (size_t)n >= lx->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A backslash that ends its line joins the next one: the length of the
 * backslash and newline at p, or 0. */
static size_t continuation(const char *p)
{
	if (p[0] != '\\')
		return 0;
	if (p[1] == '\n')
		return 2;
	return p[1] == '\r' && p[2] == '\n' ? 3 : 0;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* "\040": three octal digits, 1 to 255; the byte, or -1. */
static int octal_escape(const char *p)
{
	int v;

	if (!is_octal(p[1]) || !is_octal(p[2]) || !is_octal(p[3]))
		return -1;
	v = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
	return v >= 1 && v <= 255 ? v : -1;
}

/* Blanks, continuations and a comment before the next token.  1 when a
 * token follows, 0 at the end of the logical line (its newline eaten). */
static int skip_blanks(struct lexer *lx)
{
	size_t n;

	for (;;) {
		if (is_blank(*lx->p)) {
			lx->p++;
		} else if ((n = continuation(lx->p))) {
			lx->p += n;
			lx->line++;
		} else if (*lx->p == '#') {
			lx->p += strcspn(lx->p, "\n");
		} else if (*lx->p == '\n') {
			lx->p++;
			lx->line++;
			return 0;
		} else {
			return *lx->p != '\0';
		}
	}
}

/* Ends a token: a blank, the end of the line, a continuation. */
static bool token_end(const char *p)
{
	return *p == '\0' || *p == '\n' || is_blank(*p) || continuation(p);
}

static int put(struct lexer *lx, struct token *t, char c)
{
	if (t->len >= EXPORTS_LINE_MAX)
		return lex_err(lx, t->line, "line too long (at most %d bytes, continuations "
			       "included)", EXPORTS_LINE_MAX);
	t->text[t->len++] = c;
	return 0;
}

/* The next token of the line, where one starts at lx->p.  In a path,
 * parentheses are plain characters; in a client they hold its options,
 * with no blank inside and nothing after ')'. */
static int read_token(struct lexer *lx, struct token *t, bool path)
{
	bool quote = false, open = false, closed = false;
	int v, rc;

	t->len = 0;
	t->line = lx->line;
	t->paren = SIZE_MAX;
	while (quote || !token_end(lx->p)) {
		char c = *lx->p;

		if (c == '\0' || c == '\n' || continuation(lx->p))
			return lex_err(lx, t->line, "no closing '\"' on the line");
		if (closed && !quote) {
			if (c == '#')
				break;
			return lex_err(lx, lx->line, "expected a blank after ')'");
		}
		if (c == '"') {
			quote = !quote;
			lx->p++;
			continue;
		}
		if (c == '\\') {
			v = octal_escape(lx->p);
			if (v < 0)
				return lex_err(lx, lx->line, "a backslash starts an octal escape from "
					       "\\001 to \\377, such as \\040 for a blank, or ends "
					       "the line to continue it");
			lx->p += 4;
			rc = put(lx, t, (char)v);
			if (rc)
				return rc;
			continue;
		}
		if (c == '#' && !quote)
			return lex_err(lx, lx->line, "'#' inside a %s: a comment starts after a "
				       "blank%s", path ? "path" : "client",
				       path ? ", and \\043 writes '#' in a path" : "");
		if (!path && !quote && c == '(') {
			if (open)
				return lex_err(lx, lx->line, "a '(' inside an option list");
			open = true;
			t->paren = t->len;
		} else if (!path && !quote && c == ')') {
			if (!open)
				return lex_err(lx, lx->line, "a ')' without its '('");
			open = false;
			closed = true;
		}
		rc = put(lx, t, c);
		if (rc)
			return rc;
		lx->p++;
	}
	if (open)
		return lex_err(lx, t->line, "no ')' closing the option list (no blanks go inside "
			       "'(...)')");
	t->text[t->len] = '\0';
	return 0;
}

/* A path as an exports(5) line writes it, for messages: control
 * characters, blanks, '"', '#' and '\\' as octal escapes; cut to fit,
 * with "..." then. */
static const char *escape(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *in && n + 8 <= outsz; in++) {
		unsigned char c = (unsigned char)*in;

		if (c <= ' ' || c == 0x7f || c == '"' || c == '#' || c == '\\')
			n += (size_t)snprintf(out + n, outsz - n, "\\%03o", c);
		else
			out[n++] = (char)c;
	}
	snprintf(out + n, outsz - n, "%s", *in ? "..." : "");
	return out;
}

/* The state of one line while its clients are read. */
struct line_state {
	struct export e;
	struct export_opts defaults;	/* from "-opts" tokens so far */
	unsigned dangling;		/* line of a "-opts" no client has used yet */
};

static int add_client(struct lexer *lx, struct line_state *ls, struct token *t)
{
	struct export_host host;
	struct export_opts opts = ls->defaults;
	char why[384];
	int rc;

	if (t->paren == 0)
		return lex_err(lx, t->line, "options without a client: write *%s for every host, "
			       "or remove the blank before '('", t->text);
	if (t->paren != SIZE_MAX) {
		t->text[t->len - 1] = '\0';	/* the ')' */
		t->text[t->paren] = '\0';
		if (export_opts_parse(t->text + t->paren + 1, &opts, why, sizeof why))
			return lex_err(lx, t->line, "%s(%s): %s", t->text, t->text + t->paren + 1,
				       why);
	}
	if (export_host_parse(t->text, &host, why, sizeof why))
		return lex_err(lx, t->line, "%s", why);
	rc = export_add_client(&ls->e, &host, &opts, t->line, why, sizeof why);
	if (rc)
		return lex_err(lx, t->line, "%s", why);
	ls->dangling = 0;
	return 0;
}

/* "-ro,async": default options for the clients after it on the line. */
static int line_defaults(struct lexer *lx, struct line_state *ls, const struct token *t)
{
	char why[384];

	if (export_opts_parse(t->text + 1, &ls->defaults, why, sizeof why))
		return lex_err(lx, t->line, "%s: %s", t->text, why);
	ls->dangling = t->line;
	return 0;
}

/* The path and clients of one line, whose first token starts at lx->p. */
static int parse_line(struct lexer *lx, struct export_table *t, struct token *tok)
{
	const char *start = lx->p;
	struct line_state ls;
	char path[EXPORT_PATH_MAX + 1], why[384], shown[256];
	int rc;

	memset(&ls, 0, sizeof ls);
	export_init(&ls.e);
	export_opts_init(&ls.defaults);
	rc = read_token(lx, tok, true);
	if (rc)
		return rc;
	if (tok->text[0] != '/')
		return lex_err(lx, tok->line, "'%s': expected an absolute export path at the start "
			       "of the line", escape(tok->text, shown, sizeof shown));
	if (export_path_normalize(tok->text, path, sizeof path, why, sizeof why))
		return lex_err(lx, tok->line, "%s: %s", escape(tok->text, shown, sizeof shown),
			       why);
	ls.e.path = strdup(path);
	ls.e.file = strdup(lx->name);
	ls.e.line = tok->line;
	if (!ls.e.path || !ls.e.file) {
		export_dispose(&ls.e);
		return lex_err(lx, tok->line, "out of memory");
	}
	while (rc == 0 && skip_blanks(lx)) {
		rc = read_token(lx, tok, false);
		if (rc == 0 && (size_t)(lx->p - start) > EXPORTS_LINE_MAX)
			rc = lex_err(lx, tok->line, "line too long (at most %d bytes, continuations "
				     "included)", EXPORTS_LINE_MAX);
		if (rc == 0)
			rc = tok->text[0] == '-' ? line_defaults(lx, &ls, tok) :
						   add_client(lx, &ls, tok);
	}
	if (rc == 0 && ls.dangling && ls.e.nclients)
		rc = lex_err(lx, ls.dangling, "default options after the last client apply to none");
	if (rc == 0 && ls.e.nclients == 0) {
		/* exportfs takes a path alone as exported to every host */
		struct export_host any = { .kind = EXPORT_HOST_ANY };

		rc = export_add_client(&ls.e, &any, &ls.defaults, ls.e.line, why, sizeof why);
		if (rc)
			rc = lex_err(lx, ls.e.line, "%s", why);
	}
	if (rc) {
		export_dispose(&ls.e);
		return rc;
	}
	return export_table_add(t, &ls.e, lx->err, lx->errlen);
}

int export_table_parse(struct export_table *t, const char *name, const char *text, char *err,
		       size_t errlen)
{
	struct lexer lx = { .name = name, .p = text, .line = 1, .err = err, .errlen = errlen };
	struct export_table tmp;
	struct token *tok = malloc(sizeof *tok);
	int rc = 0;

	if (!tok)
		return lex_err(&lx, 0, "out of memory");
	export_table_init(&tmp);
	while (rc == 0 && *lx.p) {
		if (skip_blanks(&lx))
			rc = parse_line(&lx, &tmp, tok);
	}
	if (rc == 0)
		rc = export_table_merge(t, &tmp, err, errlen);
	export_table_free(&tmp);
	free(tok);
	return rc;
}
