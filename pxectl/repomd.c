/* Scanning repomd.xml for its <location href=...> elements. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "repomd.h"
#include "str.h"

static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* XML's five predefined entities; anything else stays as written. */
static size_t decode(const char *s, size_t n, char *out, size_t outsz)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outsz;) {
		size_t k;

		for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
			size_t el = strlen(ents[k].ent);

			if (n - i >= el && memcmp(s + i, ents[k].ent, el) == 0) {
				out[o++] = ents[k].c;
				i += el;
				break;
			}
		}
		if (k == sizeof ents / sizeof ents[0])
			out[o++] = s[i++];
	}
	out[o] = '\0';
	return o;
}

/* The href of one <location ...> tag, between tag and its '>'. */
static int location_href(const char *tag, const char *end, char *out, size_t outsz)
{
	const char *p = tag;

	while ((p = find(p, end, "href")) != NULL) {
		const char *q = p + 4;
		char quote;
		const char *close;

		/* an attribute name stands after a blank: not "xhref" */
		if (p > tag && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r') {
			p = q;
			continue;
		}
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || *q != '=')
			return -EINVAL;
		q++;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || (*q != '"' && *q != '\''))
			return -EINVAL;
		quote = *q++;
		close = memchr(q, quote, (size_t)(end - q));
		if (!close || close == q)
			return -EINVAL;
		decode(q, (size_t)(close - q), out, outsz);
		return 0;
	}
	return -EINVAL;
}

int repomd_locations(const char *text, size_t len,
		     void (*found)(void *arg, const char *href), void *arg,
		     char *err, size_t errlen)
{
	const char *end = text + len, *p;
	char href[REPOMD_HREF_MAX];

	if (memchr(text, '\0', len))
		return str_error(err, errlen, "a NUL byte: not an XML text file");
	p = find(text, end, "<repomd");
	if (!p)
		return str_error(err, errlen, "no <repomd> element");
	if (!find(p, end, "</repomd>"))
		return str_error(err, errlen, "<repomd> is never closed (a truncated file?)");
	while ((p = find(p, end, "<location")) != NULL) {
		const char *close = memchr(p, '>', (size_t)(end - p));

		if (!close)
			return str_error(err, errlen, "a <location> tag is never closed");
		if (location_href(p + 9, close, href, sizeof href) < 0)
			return str_error(err, errlen, "a <location> without a usable href");
		found(arg, href);
		p = close;
	}
	return 0;
}
