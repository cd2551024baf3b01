/* libFuzzer target for pxe-nfsd's exports(5) parser (nfsd/exports_parse.c)
 * and the host patterns, option lists and paths it is made of
 * (common/export_spec.c, export_opts.c).  Input: exports text, then
 * optionally a NUL and a client host name.  What parses must print back to
 * the same table, and every lookup must agree with the exports(5) rule. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Clients the lookups are asked about: none, IPv4, IPv6, IPv4-mapped. */
static const struct sockaddr *client(unsigned i)
{
	static struct sockaddr_in sin;
	static struct sockaddr_in6 sin6;

	switch (i % 4) {
	case 1:
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(0x0a4d0005);	/* 10.77.0.5 */
		return (const struct sockaddr *)&sin;
	case 2:
		sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr);
		return (const struct sockaddr *)&sin6;
	case 3:
		sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, "::ffff:192.0.2.1", &sin6.sin6_addr);
		return (const struct sockaddr *)&sin6;
	}
	return NULL;
}

static unsigned count_lines(const char *text)
{
	unsigned n = 1;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* "fuzz:LINE: message" with LINE in the text. */
static void check_error(const char *err, unsigned lines)
{
	char *end;
	unsigned long line;

	check(memchr(err, '\0', 1024) != NULL);
	check(strncmp(err, "fuzz:", 5) == 0);
	line = strtoul(err + 5, &end, 10);
	check(end > err + 5 && strncmp(end, ": ", 2) == 0);
	check(line >= 1 && line <= lines);
}

/* The exports(5) rule, written the slow way. */
static const struct export_client *reference(const struct export *e, const struct sockaddr *sa,
					     const char *hostname)
{
	struct ip_addr ip;
	bool have = sa && addr_from_sockaddr(sa, &ip, NULL) == 0;

	for (unsigned rank = 0; rank <= 4; rank++)
		for (size_t i = 0; i < e->nclients; i++)
			if (export_host_rank(&e->clients[i].host) == rank &&
			    export_host_match(&e->clients[i].host, have ? &ip : NULL, hostname))
				return &e->clients[i];
	return NULL;
}

static bool same_opts(const struct export_opts *a, const struct export_opts *b)
{
	char x[EXPORT_OPTS_STRLEN], y[EXPORT_OPTS_STRLEN];

	return strcmp(export_opts_str(a, x), export_opts_str(b, y)) == 0;
}

static void check_lookups(const struct export_table *t, const char *hostname)
{
	struct export_opts o;
	char path[EXPORT_PATH_MAX + 8];
	const char *rest;

	for (size_t i = 0; i < t->count; i++) {
		const struct export *e = &t->exports[i];

		check(export_find(t, e->path) == e);
		for (unsigned c = 0; c < 4; c++) {
			const struct export_client *want = reference(e, client(c), hostname);
			bool got = export_client_options(e, client(c), hostname, &o);

			check(got == (want != NULL));
			check(!got || same_opts(&o, &want->opts));
			check(export_client_options(e, client(c), NULL, NULL) ==
			      (reference(e, client(c), NULL) != NULL));
		}
		snprintf(path, sizeof path, "%s%sx", e->path, strcmp(e->path, "/") ? "/" : "");
		if (!export_path_is_normal(path))
			continue;
		const struct export *m = export_for_mount(t, path, client(1), hostname, &o, &rest);
		if (m) {
			size_t n = strlen(m->path);

			check(strncmp(m->path, path, n) == 0);
			check(rest == path + n + (path[n] == '/'));
			check(export_client_options(m, client(1), hostname, NULL));
		}
	}
}

/* One export as an exports(5) line: path escaped, every client with every
 * option written out.  false when it would not fit a line. */
static bool format_line(const struct export *e, char *out, size_t outsz)
{
	char host[EXPORT_HOST_MAX + 1], opts[EXPORT_OPTS_STRLEN];
	size_t n = 0;

	for (const char *p = e->path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (n + 5 >= outsz)
			return false;
		if (c <= ' ' || c == 0x7f || c == '"' || c == '#' || c == '\\')
			n += (size_t)snprintf(out + n, outsz - n, "\\%03o", c);
		else
			out[n++] = (char)c;
	}
	for (size_t i = 0; i < e->nclients; i++) {
		int w = snprintf(out + n, outsz - n, " %s(%s)", export_host_str(&e->clients[i].host,
				 host), export_opts_str(&e->clients[i].opts, opts));

		if (w < 0 || (size_t)w >= outsz - n)
			return false;
		n += (size_t)w;
	}
	if (n + 1 >= outsz)
		return false;
	out[n++] = '\n';
	out[n] = '\0';
	return true;
}

static void check_same(const struct export *a, const struct export *b)
{
	check(strcmp(a->path, b->path) == 0);
	check(a->nclients == b->nclients && a->names == b->names);
	check(a->fsid.has_num == b->fsid.has_num && a->fsid.num == b->fsid.num);
	check(a->fsid.has_uuid == b->fsid.has_uuid);
	check(memcmp(a->fsid.uuid, b->fsid.uuid, sizeof a->fsid.uuid) == 0);
	for (size_t i = 0; i < a->nclients; i++) {
		check(export_host_equal(&a->clients[i].host, &b->clients[i].host));
		check(same_opts(&a->clients[i].opts, &b->clients[i].opts));
	}
}

/* Each export printed and parsed again is the same export. */
static void round_trip(const struct export_table *t)
{
	char *line = malloc(EXPORTS_LINE_MAX + 1), err[1024];
	struct export_table back;

	check(line != NULL);
	for (size_t i = 0; i < t->count; i++) {
		if (!format_line(&t->exports[i], line, EXPORTS_LINE_MAX + 1))
			continue;
		export_table_init(&back);
		if (export_table_parse(&back, "fuzz", line, err, sizeof err) != 0) {
			fprintf(stderr, "round trip of \"%s\" fails: %s\n", line, err);
			abort();
		}
		check(back.count == 1);
		check_same(&t->exports[i], &back.exports[0]);
		export_table_free(&back);
	}
	free(line);
}

static void check_table(const struct export_table *t, unsigned lines)
{
	check(t->count <= EXPORTS_MAX);
	for (size_t i = 0; i < t->count; i++) {
		const struct export *e = &t->exports[i];
		bool names = false;

		check(export_path_is_normal(e->path));
		check(e->line >= 1 && e->line <= lines && e->fd == -1);
		check(e->nclients >= 1 && e->nclients <= EXPORT_CLIENTS_MAX);
		for (size_t j = 0; j < e->nclients; j++) {
			const struct export_client *c = &e->clients[j];

			check(c->line >= e->line && c->line <= lines);
			check(!c->opts.fsid.has_num || (e->fsid.has_num &&
							c->opts.fsid.num == e->fsid.num));
			names |= c->host.kind == EXPORT_HOST_NAME ||
				 c->host.kind == EXPORT_HOST_WILDCARD;
			for (size_t k = 0; k < j; k++)
				check(!export_host_equal(&c->host, &e->clients[k].host));
		}
		check(names == e->names);
		for (size_t k = 0; k < i; k++) {
			check(strcmp(e->path, t->exports[k].path) != 0);
			check(!e->fsid.has_num || !t->exports[k].fsid.has_num ||
			      e->fsid.num != t->exports[k].fsid.num);
		}
	}
}

static void fuzz_table(const char *text, const char *hostname)
{
	struct export_table t;
	char err[1024];
	unsigned lines = count_lines(text);
	int rc;

	export_table_init(&t);
	memset(err, 0, sizeof err);
	rc = export_table_parse(&t, "fuzz", text, err, sizeof err);
	if (rc != 0) {
		check(rc == -EINVAL || rc == -ENOMEM);
		check(t.count == 0 && t.exports == NULL);
		check_error(err, lines);
		return;
	}
	check_table(&t, lines);
	check_lookups(&t, hostname);
	round_trip(&t);
	export_table_free(&t);
}

/* The text as one host pattern, one option list and one path. */
static void fuzz_parts(const char *text, const char *hostname)
{
	char buf[EXPORT_HOST_MAX + 1], out[EXPORT_PATH_MAX + 1], again[EXPORT_PATH_MAX + 1];
	char why[256], s[EXPORT_OPTS_STRLEN], s2[EXPORT_OPTS_STRLEN];
	struct export_host h, h2;
	struct export_opts o, o2;
	struct ip_addr ip;

	if (export_host_parse(text, &h, why, sizeof why) == 0) {
		check(export_host_parse(export_host_str(&h, buf), &h2, why, sizeof why) == 0);
		check(export_host_equal(&h, &h2));
		check(export_host_rank(&h) <= 4);
		if (addr_parse_ip(hostname, AF_UNSPEC, &ip, NULL, 0) == 0)
			export_host_match(&h, &ip, NULL);
		check(export_host_match(&h, NULL, hostname) == export_host_match(&h2, NULL, hostname));
	}
	export_opts_init(&o);
	if (export_opts_parse(text, &o, why, sizeof why) == 0) {
		export_opts_init(&o2);
		check(export_opts_parse(export_opts_str(&o, s), &o2, why, sizeof why) == 0);
		check(strcmp(export_opts_str(&o2, s2), s) == 0);
	}
	if (export_path_normalize(text, out, sizeof out, why, sizeof why) == 0) {
		check(export_path_is_normal(out));
		check(export_path_normalize(out, again, sizeof again, why, sizeof why) == 0);
		check(strcmp(out, again) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	const char *hostname;
	size_t len;

	/* A NUL-terminated copy: the exports text runs to its first NUL, the
	 * client's name from there to the next. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	len = strlen(text);
	hostname = text + len + (len < size);
	fuzz_table(text, *hostname ? hostname : NULL);
	fuzz_parts(text, hostname);
	free(text);
	return 0;
}
