/* Applying tftp-hpa's remap rules to a requested name, with bounded work
 * and output. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remap_rule.h"

/* Restarts by s rules, and regexec calls in all, per request: a set of
 * rules that keeps rewriting fails with -ELOOP instead of spinning. */
#define REMAP_MAX_RESTARTS	32
#define REMAP_MAX_STEPS		4096

/* The client as \i and \x write it, and its family for 4 and 6 rules;
 * without a client both are empty and neither kind of rule applies. */
struct client_text {
	int family;
	char ip[ADDR_STRLEN];
	char hex[33];		/* C0A8010A, as pxelinux names its config files */
};

static void client_text_init(struct client_text *ct, const struct ip_addr *client)
{
	const uint8_t *b;
	size_t n, i;

	ct->family = 0;
	ct->ip[0] = ct->hex[0] = '\0';
	if (!client || (client->family != AF_INET && client->family != AF_INET6))
		return;
	ct->family = client->family;
	b = client->family == AF_INET ? (const uint8_t *)&client->v4 : client->v6.s6_addr;
	n = client->family == AF_INET ? 4 : 16;
	addr_ip_str(client, ct->ip);
	for (i = 0; i < n; i++)
		snprintf(ct->hex + 2 * i, 3, "%02X", b[i]);
}

/* A string being built in a buffer of fixed size (the caller's outsz):
 * once something does not fit, full sticks and nothing more is added. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool full;
	char fold;		/* 'L' or 'U' while \L or \U is on */
};

/* ASCII only, the same whatever the locale. */
static char fold_char(char c, char fold)
{
	if (fold == 'L' && c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if (fold == 'U' && c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	return c;
}

static void sb_put(struct sbuf *b, const char *p, size_t n)
{
	size_t i;

	if (b->full || n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	for (i = 0; i < n; i++)
		b->s[b->len++] = fold_char(p[i], b->fold);
	b->s[b->len] = '\0';
}

/* One match's replacement, with tftp-hpa's escapes: \0 to \9 the match
 * and its groups (in s), \i and \x the client, \L \U \E case, \\ a
 * backslash; any other escaped character stands for itself, which is how
 * "\ " and "\#" put a space or a hash mark in. */
static void expand(const char *repl, const char *s, const regmatch_t *m,
		   const struct client_text *ct, struct sbuf *b)
{
	const regmatch_t *g;
	size_t n;
	char c;

	while (*repl) {
		n = strcspn(repl, "\\");
		sb_put(b, repl, n);
		repl += n;
		if (!*repl)
			break;
		c = *++repl;
		if (c == '\0') {
			sb_put(b, "\\", 1);
			break;
		}
		repl++;
		g = c >= '0' && c <= '9' ? &m[c - '0'] : NULL;
		if (g && g->rm_so >= 0)
			sb_put(b, s + g->rm_so, (size_t)(g->rm_eo - g->rm_so));
		else if (c == 'i')
			sb_put(b, ct->ip, strlen(ct->ip));
		else if (c == 'x')
			sb_put(b, ct->hex, strlen(ct->hex));
		else if (c == 'L' || c == 'U')
			b->fold = c;
		else if (c == 'E')
			b->fold = 0;
		else if (!g)
			sb_put(b, &c, 1);
	}
	b->fold = 0;
}

/* One request's rewriting: the current name and a scratch buffer, both of
 * outsz bytes, and the work done so far. */
struct work {
	char *cur, *tmp;
	size_t cap;
	unsigned steps;
	struct client_text ct;
};

static void swap(struct work *w)
{
	char *t = w->cur;

	w->cur = w->tmp;
	w->tmp = t;
}

/* regexec within the step budget: 1 on a match, 0 on none, or -errno. */
static int match(struct work *w, const regex_t *re, const char *s, regmatch_t *m,
		 int eflags)
{
	int rc;

	if (++w->steps > REMAP_MAX_STEPS)
		return -ELOOP;
	rc = regexec(re, s, m ? NMATCH : 0, m, eflags);
	if (rc == 0)
		return 1;
	/* REG_ESPACE is regexec's only other answer. */
	return rc == REG_NOMATCH ? 0 : -ENOMEM;
}

/* r: the first match (m, in cur) replaced. */
static int replace_first(struct work *w, const struct remap_rule *r, const regmatch_t *m)
{
	struct sbuf b = { .s = w->tmp, .cap = w->cap };
	const char *tail = w->cur + m[0].rm_eo;

	b.s[0] = '\0';
	sb_put(&b, w->cur, (size_t)m[0].rm_so);
	expand(r->repl, w->cur, m, &w->ct, &b);
	sb_put(&b, tail, strlen(tail));
	if (b.full)
		return -ENAMETOOLONG;
	swap(w);
	return 0;
}

/* g, as tftp-hpa has it: replace, then search the result again from its
 * start, until nothing matches ("rg \\ /" turns every backslash).  A
 * replacement that leaves the name as it was would repeat forever, so
 * that ends it too; growth ends at outsz, anything else at the budget. */
static int replace_repeat(struct work *w, const struct remap_rule *r, regmatch_t *m)
{
	int rc;

	for (;;) {
		rc = replace_first(w, r, m);
		if (rc < 0)
			return rc;
		if (strcmp(w->cur, w->tmp) == 0)
			return 0;
		rc = match(w, &r->re, w->cur, m, 0);
		if (rc <= 0)
			return rc;
	}
}

/* gg, as sed's s///g: each match replaced once, the search going on after
 * it.  An empty match steps over one character, and one right where the
 * previous match ended is skipped (sed's rule), so every turn moves on. */
static int replace_all(struct work *w, const struct remap_rule *r, regmatch_t *m)
{
	struct sbuf b = { .s = w->tmp, .cap = w->cap };
	const char *s = w->cur;
	size_t off = 0, last_end = SIZE_MAX, so, eo;
	int rc = 1;

	b.s[0] = '\0';
	while (rc == 1) {
		so = off + (size_t)m[0].rm_so;
		eo = off + (size_t)m[0].rm_eo;
		sb_put(&b, s + off, so - off);
		if (so != eo || so != last_end)
			expand(r->repl, s + off, m, &w->ct, &b);
		last_end = eo;
		off = eo;
		if (so == eo) {
			if (!s[off])
				break;
			sb_put(&b, s + off++, 1);
		}
		rc = match(w, &r->re, s + off, m, REG_NOTBOL);
	}
	if (rc < 0)
		return rc;
	sb_put(&b, s + off, strlen(s + off));
	if (b.full)
		return -ENAMETOOLONG;
	swap(w);
	return 0;
}

static bool applies(const struct remap_rule *r, bool is_write, int family)
{
	if ((r->flags & R_GET) && is_write)
		return false;
	if ((r->flags & R_PUT) && !is_write)
		return false;
	if ((r->flags & R_IPV4) && family != AF_INET)
		return false;
	if ((r->flags & R_IPV6) && family != AF_INET6)
		return false;
	return true;
}

enum { GO_ON, STOP, RESTART };

/* One rule on the current name: GO_ON, STOP, RESTART or -errno. */
static int run_rule(struct work *w, const struct remap_rule *r, bool is_write)
{
	regmatch_t m[NMATCH];
	bool invert = r->flags & R_INVERT;
	int rc;

	if (!applies(r, is_write, w->ct.family))
		return GO_ON;
	rc = match(w, &r->re, w->cur, invert ? NULL : m, 0);
	if (rc < 0)
		return rc;
	if ((rc == 1) == invert)
		return GO_ON;
	if (r->flags & R_SEDG)
		rc = replace_all(w, r, m);
	else if (r->flags & R_GLOBAL)
		rc = replace_repeat(w, r, m);
	else if (r->flags & R_REPLACE)
		rc = replace_first(w, r, m);
	if (rc < 0)
		return rc;
	if (r->flags & R_ABORT)
		return -EACCES;
	if (r->flags & R_END)
		return STOP;
	return r->flags & R_RESTART ? RESTART : GO_ON;
}

static int run_rules(const struct remap *rules, struct work *w, bool is_write)
{
	const struct remap_rule *r = rules->head;
	unsigned restarts = 0;
	int rc;

	while (r) {
		rc = run_rule(w, r, is_write);
		if (rc < 0)
			return rc;
		if (rc == STOP)
			break;
		if (rc == RESTART && ++restarts > REMAP_MAX_RESTARTS)
			return -ELOOP;
		r = rc == RESTART ? rules->head : r->next;
	}
	return 0;
}

int remap_apply(const struct remap *rules, const char *name, bool is_write,
		const struct ip_addr *client, char *out, size_t outsz)
{
	struct work w = { .cap = outsz };
	size_t len = strlen(name);
	int rc = 0;

	if (len >= outsz) {
		if (outsz)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	w.cur = malloc(outsz);
	w.tmp = malloc(outsz);
	if (!w.cur || !w.tmp) {
		rc = -ENOMEM;
	} else {
		/* A copy first: out may be name itself. */
		memcpy(w.cur, name, len + 1);
		client_text_init(&w.ct, client);
		if (rules)
			rc = run_rules(rules, &w, is_write);
	}
	if (rc == 0)
		memcpy(out, w.cur, strlen(w.cur) + 1);
	else
		out[0] = '\0';
	free(w.cur);
	free(w.tmp);
	return rc;
}
