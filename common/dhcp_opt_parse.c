/* Typed DHCP option values from config text, e.g. `option 42 = 10.0.0.1,
 * 10.0.0.2`: the option table says how each code's text reads. */
#include <config.h>

#include "dhcp_opt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"

/* A piece of config text: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_eq(struct span s, const char *word)
{
	return strlen(word) == s.n && strncasecmp(s.p, word, s.n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal, or hex after 0x; no sign, no blanks; at most max. */
static bool parse_uint(struct span s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s.n > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		base = 16;
		s.p += 2;
		s.n -= 2;
	}
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		int d = hexval(s.p[i]);

		if (d < 0 || (unsigned)d >= base || v > (max - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return true;
}

struct parse_ctx {
	uint8_t code;
	const struct dhcp_opt_info *oi;
	char *err;
	size_t errlen;
};

static int fail(const struct parse_ctx *pc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets err to "option CODE (NAME): " and the message; returns -EINVAL. */
static int fail(const struct parse_ctx *pc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!pc->err || pc->errlen == 0)
		return -EINVAL;
	if (pc->oi)
		n = snprintf(pc->err, pc->errlen, "option %u (%s): ", pc->code, pc->oi->name);
	else
		n = snprintf(pc->err, pc->errlen, "option %u: ", pc->code);
	if (n >= 0 && (size_t)n < pc->errlen) {
		va_start(ap, fmt);
		vsnprintf(pc->err + n, pc->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int parse_quoted(const struct parse_ctx *pc, struct span s, struct writer *w)
{
	size_t i = 1;

	if (s.n < 2 || s.p[s.n - 1] != '"')
		return fail(pc, "unterminated quoted string");
	for (; i < s.n - 1; i++) {
		char c = s.p[i];

		if (c == '"')
			return fail(pc, "text after the closing quote");
		if (c != '\\') {
			write_u8(w, (uint8_t)c);
			continue;
		}
		if (i + 1 >= s.n - 1)
			return fail(pc, "a backslash ends the string");
		c = s.p[++i];
		if (c == '"' || c == '\\') {
			write_u8(w, (uint8_t)c);
		} else if (c == 'x' && i + 2 < s.n - 1 && hexval(s.p[i + 1]) >= 0 &&
			   hexval(s.p[i + 2]) >= 0) {
			write_u8(w, (uint8_t)(hexval(s.p[i + 1]) << 4 | hexval(s.p[i + 2])));
			i += 2;
		} else {
			return fail(pc, "bad escape \\%c (use \\\", \\\\ or \\xHH)", c);
		}
	}
	return 0;
}

static int parse_string(const struct parse_ctx *pc, struct span s, struct writer *w)
{
	if (s.n && s.p[0] == '"')
		return parse_quoted(pc, s, w);
	write_bytes(w, s.p, s.n);
	return 0;
}

/* 01:52:54 (one or two digits between colons) or 015254. */
static int parse_hex(const struct parse_ctx *pc, struct span s, struct writer *w)
{
	bool colons = memchr(s.p, ':', s.n) != NULL;
	size_t i = 0;

	while (i < s.n) {
		int hi = hexval(s.p[i]), lo = i + 1 < s.n ? hexval(s.p[i + 1]) : -1;

		if (hi < 0)
			return fail(pc, "\"%.*s\" is not hex bytes such as 01:52:54",
				    (int)s.n, s.p);
		if (lo < 0 && !colons)
			return fail(pc, "\"%.*s\" has an odd number of hex digits",
				    (int)s.n, s.p);
		if (lo < 0) {
			write_u8(w, (uint8_t)hi);
			i += 1;
		} else {
			write_u8(w, (uint8_t)(hi << 4 | lo));
			i += 2;
		}
		if (colons && i < s.n) {
			if (s.p[i] != ':' || i + 1 == s.n)
				return fail(pc, "\"%.*s\" is not hex bytes such as 01:52:54",
					    (int)s.n, s.p);
			i++;
		}
	}
	return 0;
}

/* The next list item: items are separated by a comma and/or blanks.  Returns
 * 1 with an item, 0 at the end, -1 on an empty item (",," or a trailing ","). */
static int next_item(struct span *rest, struct span *item)
{
	struct span s = trim(*rest);
	size_t n = 0;

	if (s.n == 0)
		return 0;
	if (s.p[0] == ',')
		return -1;
	while (n < s.n && s.p[n] != ',' && !is_blank(s.p[n]))
		n++;
	item->p = s.p;
	item->n = n;
	s.p += n;
	s.n -= n;
	s = trim(s);
	if (s.n && s.p[0] == ',') {
		s.p++;
		s.n--;
		if (trim(s).n == 0)
			return -1;
	}
	*rest = s;
	return 1;
}

static int parse_item(const struct parse_ctx *pc, enum dhcp_opt_type type, struct span it,
		      struct writer *w)
{
	char tmp[ADDR_STRLEN], aerr[96];
	struct ip_addr ip;
	uint64_t v;

	switch (type) {
	case DHCP_T_IP:
	case DHCP_T_IP_LIST:
	case DHCP_T_IP_PAIRS:
		if (it.n >= sizeof tmp)
			return fail(pc, "\"%.*s\": %s", (int)it.n, it.p,
				    "expected an IPv4 address such as 192.0.2.1");
		memcpy(tmp, it.p, it.n);
		tmp[it.n] = '\0';
		if (addr_parse_ip(tmp, AF_INET, &ip, aerr, sizeof aerr))
			return fail(pc, "\"%s\": %s", tmp, aerr);
		write_bytes(w, &ip.v4, 4);
		return 0;
	case DHCP_T_U8:
	case DHCP_T_U8_LIST:
		if (!parse_uint(it, UINT8_MAX, &v))
			return fail(pc, "\"%.*s\" is not a number from 0 to 255", (int)it.n, it.p);
		write_u8(w, (uint8_t)v);
		return 0;
	case DHCP_T_U16:
	case DHCP_T_U16_LIST:
		if (!parse_uint(it, UINT16_MAX, &v))
			return fail(pc, "\"%.*s\" is not a number from 0 to 65535",
				    (int)it.n, it.p);
		write_u16(w, (uint16_t)v);
		return 0;
	case DHCP_T_U32:
		if (!parse_uint(it, UINT32_MAX, &v))
			return fail(pc, "\"%.*s\" is not a number from 0 to 4294967295",
				    (int)it.n, it.p);
		write_u32(w, (uint32_t)v);
		return 0;
	case DHCP_T_S32: {
		bool neg = it.n && it.p[0] == '-';
		struct span digits = { it.p + neg, it.n - neg };

		if (!parse_uint(digits, neg ? (uint64_t)INT32_MAX + 1 : INT32_MAX, &v))
			return fail(pc, "\"%.*s\" is not a number from -2147483648 to 2147483647",
				    (int)it.n, it.p);
		write_u32(w, neg ? (uint32_t)(0 - v) : (uint32_t)v);
		return 0;
	}
	case DHCP_T_BOOL:
		if (span_eq(it, "true") || span_eq(it, "yes") || span_eq(it, "on") ||
		    span_eq(it, "1"))
			write_u8(w, 1);
		else if (span_eq(it, "false") || span_eq(it, "no") || span_eq(it, "off") ||
			 span_eq(it, "0"))
			write_u8(w, 0);
		else
			return fail(pc, "\"%.*s\" is not true or false", (int)it.n, it.p);
		return 0;
	case DHCP_T_MSG_TYPE:
		for (unsigned t = 1; dhcp_msg_type_name(t); t++) {
			struct span bare = it;

			if (bare.n > 4 && strncasecmp(bare.p, "DHCP", 4) == 0) {
				bare.p += 4;
				bare.n -= 4;
			}
			if (span_eq(bare, dhcp_msg_type_name(t))) {
				write_u8(w, (uint8_t)t);
				return 0;
			}
		}
		if (!parse_uint(it, UINT8_MAX, &v))
			return fail(pc, "\"%.*s\" is not a message type such as DISCOVER or 1",
				    (int)it.n, it.p);
		write_u8(w, (uint8_t)v);
		return 0;
	default:
		return fail(pc, "internal error: no item parser");
	}
}

static bool type_is_scalar(enum dhcp_opt_type type)
{
	return type == DHCP_T_IP || type == DHCP_T_U8 || type == DHCP_T_U16 ||
	       type == DHCP_T_U32 || type == DHCP_T_S32 || type == DHCP_T_BOOL ||
	       type == DHCP_T_MSG_TYPE;
}

static int parse_list(const struct parse_ctx *pc, enum dhcp_opt_type type, struct span s,
		      struct writer *w)
{
	struct span item;
	size_t count = 0;
	int rc;

	while ((rc = next_item(&s, &item)) > 0) {
		rc = parse_item(pc, type, item, w);
		if (rc)
			return rc;
		count++;
	}
	if (rc < 0)
		return fail(pc, "empty item in the list");
	if (count == 0 && (!pc->oi || pc->oi->min_len > 0))
		return fail(pc, "no value given");
	if (type_is_scalar(type) && count > 1)
		return fail(pc, "takes one value, not %zu", count);
	if (type == DHCP_T_IP_PAIRS && count % 2)
		return fail(pc, "takes pairs of addresses, not %zu addresses", count);
	return 0;
}

int dhcp_opt_parse_value(uint8_t code, const char *text, uint8_t *out, size_t outsz,
			 size_t *outlen, char *err, size_t errlen)
{
	struct parse_ctx pc = { .code = code, .oi = dhcp_opt_info(code), .err = err,
				.errlen = errlen };
	struct span s = trim((struct span){ text, strlen(text) });
	struct writer w = writer_init(out, outsz);
	enum dhcp_opt_type type;
	int rc;

	if (pc.oi)
		type = pc.oi->type;
	else if (s.n && s.p[0] == '"')
		type = DHCP_T_STRING;
	else if (memchr(s.p, '.', s.n))
		type = DHCP_T_IP_LIST;
	else
		type = DHCP_T_BYTES;

	if (type == DHCP_T_STRING)
		rc = parse_string(&pc, s, &w);
	else if (type == DHCP_T_BYTES || type == DHCP_T_SUBOPTS)
		rc = parse_hex(&pc, s, &w);
	else
		rc = parse_list(&pc, type, s, &w);
	if (rc)
		return rc;
	if (!writer_ok(&w))
		return fail(&pc, "value is longer than %zu bytes", outsz);
	if (pc.oi && (writer_len(&w) < pc.oi->min_len || writer_len(&w) > pc.oi->max_len)) {
		if (pc.oi->min_len == pc.oi->max_len)
			return fail(&pc, "value must be %u bytes, not %zu", pc.oi->min_len,
				    writer_len(&w));
		return fail(&pc, "value must be at least %u bytes, not %zu", pc.oi->min_len,
			    writer_len(&w));
	}
	if (dhcp_opt_validate(code, out, writer_len(&w)) != 0)
		return fail(&pc, "value is not valid for this option");
	*outlen = writer_len(&w);
	return 0;
}

int dhcp_opt_parse_code(const char *text, uint8_t *code, char *err, size_t errlen)
{
	struct span s = trim((struct span){ text, strlen(text) });
	const struct dhcp_opt_info *oi;
	char name[64];
	uint64_t v;

	if (parse_uint(s, UINT8_MAX, &v)) {
		if (v == OPT_PAD || v == OPT_END || v == OPT_OVERLOAD) {
			if (err && errlen)
				snprintf(err, errlen, "option %u cannot be set: %s", (unsigned)v,
					 v == OPT_OVERLOAD ? "the server writes overload itself"
							   : "it is PAD or END");
			return -EINVAL;
		}
		*code = (uint8_t)v;
		return 0;
	}
	if (s.n < sizeof name) {
		memcpy(name, s.p, s.n);
		name[s.n] = '\0';
		oi = dhcp_opt_by_name(name);
		if (oi && oi->code != OPT_OVERLOAD) {
			*code = oi->code;
			return 0;
		}
	}
	if (err && errlen)
		snprintf(err, errlen, "\"%.*s\" is not an option number (1-254) or name",
			 (int)(s.n < 64 ? s.n : 64), s.p);
	return -EINVAL;
}

int dhcp_opt_parse(const char *text, uint8_t *code, uint8_t *out, size_t outsz,
		   size_t *outlen, char *err, size_t errlen)
{
	const char *eq = strchr(text, '=');
	struct span key;
	char keybuf[80];

	if (!eq) {
		if (err && errlen)
			snprintf(err, errlen, "expected \"option CODE = VALUE\"");
		return -EINVAL;
	}
	key = trim((struct span){ text, (size_t)(eq - text) });
	if (key.n > 6 && strncasecmp(key.p, "option", 6) == 0 && is_blank(key.p[6])) {
		key.p += 6;
		key.n -= 6;
		key = trim(key);
	}
	if (key.n == 0 || key.n >= sizeof keybuf || span_eq(key, "option")) {
		if (err && errlen)
			snprintf(err, errlen, "expected \"option CODE = VALUE\"");
		return -EINVAL;
	}
	memcpy(keybuf, key.p, key.n);
	keybuf[key.n] = '\0';
	if (dhcp_opt_parse_code(keybuf, code, err, errlen))
		return -EINVAL;
	return dhcp_opt_parse_value(*code, eq + 1, out, outsz, outlen, err, errlen);
}
