/* Config value parsers, one per conf_type: strict about form and range, and
 * every error says what would have been accepted. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_value.h"
#include "str.h"


#define MS_PER_S 1000ull

static const struct {
	const char *name;
	uint64_t ms;
} duration_units[] = {	/* largest first; "ms" before "m" so it matches first */
	{ "w", 7 * 24 * 3600 * MS_PER_S },
	{ "d", 24 * 3600 * MS_PER_S },
	{ "h", 3600 * MS_PER_S },
	{ "ms", 1 },
	{ "m", 60 * MS_PER_S },
	{ "s", MS_PER_S },
};

size_t conf_value_size(enum conf_type type)
{
	switch (type) {
	case CONF_STRING:
	case CONF_PATH:
		return sizeof(char *);
	case CONF_BOOL:
		return sizeof(bool);
	case CONF_INT:
	case CONF_OCTAL:
		return sizeof(long long);
	case CONF_RANGE:
		return sizeof(struct conf_range);
	case CONF_DURATION:
	case CONF_SIZE:
		return sizeof(uint64_t);
	case CONF_ENUM:
		return sizeof(int);
	case CONF_IP:
		return sizeof(struct ip_addr);
	case CONF_HOSTPORT:
		return sizeof(struct hostport);
	case CONF_CIDR:
		return sizeof(struct cidr);
	case CONF_MAC:
		return sizeof(struct mac_addr);
	case CONF_LIST:
		return sizeof(struct conf_list);
	case CONF_KEYED:
		return sizeof(struct conf_keyed);
	}
	return 0;
}

static bool has_range(const struct conf_key *key)
{
	return key->min != 0 || key->max != 0;
}

static bool in_range_u64(const struct conf_key *key, uint64_t v)
{
	if (!has_range(key))
		return true;
	if (key->max < 0 || v > (uint64_t)key->max)
		return false;
	return key->min <= 0 || v >= (uint64_t)key->min;
}

/* "1h30m", "250ms", "0s": the largest units that divide it exactly. */
static const char *duration_str(long long ms, char *buf, size_t size)
{
	uint64_t left;
	size_t i;

	buf[0] = '\0';
	if (ms <= 0) {
		snprintf(buf, size, "%llds", ms / 1000);
		return buf;
	}
	left = (uint64_t)ms;
	for (i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
		/* "ms" sits before "m" in the table for matching; print it last. */
		if (duration_units[i].ms == 1)
			continue;
		if (left >= duration_units[i].ms) {
			str_append(buf, size, "%llu%s",
			       (unsigned long long)(left / duration_units[i].ms),
			       duration_units[i].name);
			left %= duration_units[i].ms;
		}
	}
	if (left)
		str_append(buf, size, "%llums", (unsigned long long)left);
	return buf;
}

/* "64K", "1G", or plain bytes when no power of 1024 divides it. */
static const char *size_str(long long bytes, char *buf, size_t size)
{
	static const char suffix[] = "KMGT";
	unsigned long long v = (unsigned long long)bytes;
	int i = -1;

	if (bytes <= 0) {
		snprintf(buf, size, "%lld", bytes);
		return buf;
	}
	while (i < 3 && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%llu", v);
	else
		snprintf(buf, size, "%llu%c", v, suffix[i]);
	return buf;
}

/* The accepted forms of key's type, for messages: "expected FORMS". */
static const char *forms(const struct conf_key *key, char *buf, size_t size)
{
	const char *const *c;

	buf[0] = '\0';
	switch (key->type) {
	case CONF_STRING:
		return "any text";
	case CONF_PATH:
		return "an absolute path such as /srv/tftp";
	case CONF_BOOL:
		return "yes or no (or true/false, on/off, 1/0)";
	case CONF_INT:
		if (!has_range(key))
			return "a whole number such as 42 or 0x2a";
		snprintf(buf, size, "a whole number from %lld to %lld", key->min, key->max);
		return buf;
	case CONF_OCTAL:
		return "an octal number such as 022 or 0755";
	case CONF_RANGE:
		if (!has_range(key))
			return "a range LO:HI of whole numbers such as 4096:8191";
		snprintf(buf, size, "a range LO:HI within %lld:%lld", key->min, key->max);
		return buf;
	case CONF_DURATION:
		return "a duration such as 250ms, 90s, 15m, 1h or 1h30m (units ms, s, m, h, d, w)";
	case CONF_SIZE:
		return "a size such as 512, 64K, 16M or 1G (K, M, G, T: powers of 1024)";
	case CONF_ENUM:
		str_append(buf, size, "one of:");
		for (c = key->choices; c && *c; c++)
			str_append(buf, size, "%s %s", c == key->choices ? "" : ",", *c);
		return buf;
	case CONF_IP:
		return key->family == AF_INET ? "an IPv4 address such as 192.0.2.1" :
		       key->family == AF_INET6 ? "an IPv6 address such as 2001:db8::1" :
		       "an IP address such as 192.0.2.1 or 2001:db8::1";
	case CONF_HOSTPORT:
		return "ADDR, ADDR:PORT, [IPV6]:PORT or :PORT, such as 192.0.2.1:69";
	case CONF_CIDR:
		return "a network such as 192.0.2.0/24 or 2001:db8::/64";
	case CONF_MAC:
		return "a MAC address such as 00:11:22:33:44:55";
	case CONF_LIST:
		return "a list of items separated by commas or blanks";
	case CONF_KEYED:
		return "'NAME ARG = value' lines";
	}
	return "a value";
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int digit(char c, unsigned base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

/* Decimal or 0x hex, optionally signed: 0, -EINVAL (form) or -ERANGE. */
static int parse_ll(const char *s, long long *out)
{
	unsigned long long v = 0, limit = LLONG_MAX;
	unsigned base = 10;
	bool neg = *s == '-';
	int d;

	if (*s == '-' || *s == '+')
		s++;
	if (neg)
		limit = (unsigned long long)LLONG_MAX + 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit(*s, base);
		if (d < 0)
			return -EINVAL;
		if (v > (limit - (unsigned)d) / base)
			return -ERANGE;
		v = v * base + (unsigned)d;
	}
	if (!neg)
		*out = (long long)v;
	else if (v == (unsigned long long)LLONG_MAX + 1)
		*out = LLONG_MIN;
	else
		*out = -(long long)v;
	return 0;
}

static int parse_octal(const struct conf_key *key, const char *s, long long *out,
		       char *err, size_t errlen)
{
	char buf[128];
	long long v = 0;

	if (!*s)
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	for (; *s; s++) {
		if (*s < '0' || *s > '7' || v > (LLONG_MAX >> 3))
			return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
		v = v << 3 | (*s - '0');
	}
	if (has_range(key) && (v < key->min || v > key->max))
		return str_error(err, errlen, "must be between %llo and %llo",
			    (unsigned long long)key->min, (unsigned long long)key->max);
	*out = v;
	return 0;
}

static int parse_range(const struct conf_key *key, const char *s, struct conf_range *out,
		       char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');
	char buf[128], lo[32];
	size_t n = colon ? (size_t)(colon - s) : 0;

	if (!colon || n == 0 || n >= sizeof lo)
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (parse_ll(lo, &out->lo) || parse_ll(colon + 1, &out->hi))
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	if (has_range(key) && (out->lo < key->min || out->hi > key->max))
		return str_error(err, errlen, "must be within %lld:%lld", key->min, key->max);
	if (out->lo > out->hi)
		return str_error(err, errlen, "%lld is above %lld: write LO:HI", out->lo, out->hi);
	return 0;
}

static int parse_int(const struct conf_key *key, const char *s, long long *out,
		     char *err, size_t errlen)
{
	char buf[128];
	int rc = parse_ll(s, out);

	if (rc == -EINVAL)
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	if (has_range(key) && (rc == -ERANGE || *out < key->min || *out > key->max))
		return str_error(err, errlen, "must be between %lld and %lld", key->min, key->max);
	if (rc == -ERANGE)
		return str_error(err, errlen, "out of range: must be between %lld and %lld",
			    LLONG_MIN, LLONG_MAX);
	return 0;
}

/* Decimal digits into v: the count of digits read, or -ERANGE. */
static int read_decimal(const char *s, uint64_t *v)
{
	int n;

	*v = 0;
	for (n = 0; isdigit((unsigned char)s[n]); n++) {
		if (*v > (UINT64_MAX - (uint64_t)(s[n] - '0')) / 10)
			return -ERANGE;
		*v = *v * 10 + (uint64_t)(s[n] - '0');
	}
	return n;
}

/* The unit at the start of s, or 0 ms when there is none. */
static uint64_t duration_unit(const char *s, size_t *len)
{
	size_t i, n;

	for (i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
		n = strlen(duration_units[i].name);
		if (strncasecmp(s, duration_units[i].name, n) == 0) {
			*len = n;
			return duration_units[i].ms;
		}
	}
	return 0;
}

/* Terms of NUMBER UNIT, largest unit first, each unit once; a lone
 * number is seconds.  0, -EINVAL (form) or -ERANGE. */
static int parse_ms(const char *s, uint64_t *out)
{
	uint64_t total = 0, n, unit, last = UINT64_MAX;
	size_t len;
	int digits;

	do {
		digits = read_decimal(s, &n);
		if (digits < 0)
			return -ERANGE;
		if (digits == 0)
			return -EINVAL;
		s += digits;
		unit = duration_unit(s, &len);
		if (!unit && !*s && last == UINT64_MAX) {
			unit = MS_PER_S;
			len = 0;
		}
		if (!unit || unit >= last)
			return -EINVAL;
		if (n > (UINT64_MAX - total) / unit)
			return -ERANGE;
		total += n * unit;
		last = unit;
		s += len;
	} while (*s);
	*out = total;
	return 0;
}

static int parse_duration(const struct conf_key *key, const char *s, uint64_t *out,
			  char *err, size_t errlen)
{
	char buf[128], lo[64], hi[64];
	int rc = parse_ms(s, out);

	if (rc == -EINVAL)
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	if (has_range(key) && (rc == -ERANGE || !in_range_u64(key, *out)))
		return str_error(err, errlen, "must be between %s and %s",
			    duration_str(key->min, lo, sizeof lo),
			    duration_str(key->max, hi, sizeof hi));
	if (rc == -ERANGE)
		return str_error(err, errlen, "too long; expected %s", forms(key, buf, sizeof buf));
	return 0;
}

/* "", "B", or K/M/G/T with an optional "B" or "iB": the power of 1024. */
static int size_shift(const char *s)
{
	static const char units[] = "kmgt";
	const char *u;

	if (!*s || (tolower((unsigned char)*s) == 'b' && !s[1]))
		return 0;
	u = strchr(units, tolower((unsigned char)*s));
	if (!u)
		return -1;
	s++;
	if (*s && strcasecmp(s, "b") != 0 && strcasecmp(s, "ib") != 0)
		return -1;
	return 10 * (int)(u - units + 1);
}

static int parse_size(const struct conf_key *key, const char *s, uint64_t *out,
		      char *err, size_t errlen)
{
	char buf[128], lo[64], hi[64];
	int digits, shift;
	uint64_t n;
	bool overflow;

	digits = read_decimal(s, &n);
	overflow = digits < 0;
	if (digits == 0)
		return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
	if (!overflow) {
		shift = size_shift(s + digits);
		if (shift < 0)
			return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
		overflow = n > UINT64_MAX >> shift;
		*out = n << shift;
	}
	if (has_range(key) && (overflow || !in_range_u64(key, *out)))
		return str_error(err, errlen, "must be between %s and %s",
			    size_str(key->min, lo, sizeof lo), size_str(key->max, hi, sizeof hi));
	if (overflow)
		return str_error(err, errlen, "too large; expected %s", forms(key, buf, sizeof buf));
	return 0;
}

static int parse_enum(const struct conf_key *key, const char *s, int *out,
		      char *err, size_t errlen)
{
	char buf[256];
	int i;

	for (i = 0; key->choices && key->choices[i]; i++) {
		if (strcasecmp(s, key->choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static int parse_path(const char *s, char **out, char *err, size_t errlen)
{
	if (s[0] != '/')
		return str_error(err, errlen, "expected an absolute path such as /srv/tftp");
	if (has_control(s))
		return str_error(err, errlen, "control character in the path; "
			    "expected an absolute path such as /srv/tftp");
	*out = strdup(s);
	return *out ? 0 : str_error(err, errlen, "out of memory");
}

static int parse_string(const char *s, char **out, char *err, size_t errlen)
{
	*out = strdup(s);
	return *out ? 0 : str_error(err, errlen, "out of memory");
}

static bool is_separator(char c)
{
	return c == ',' || isspace((unsigned char)c);
}

static size_t count_items(const char *s)
{
	size_t n = 0;

	while (*s) {
		while (is_separator(*s))
			s++;
		if (!*s)
			break;
		n++;
		while (*s && !is_separator(*s))
			s++;
	}
	return n;
}

static void list_free(const struct conf_key *elem, struct conf_list *list)
{
	size_t size = conf_value_size(elem->type), i;

	for (i = 0; i < list->count; i++)
		conf_value_free(elem, (char *)list->items + i * size);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static void keyed_free(struct conf_keyed *k)
{
	for (size_t i = 0; i < k->count; i++) {
		free(k->items[i].arg);
		free(k->items[i].value);
	}
	free(k->items);
}

/* Items split on commas and blanks (empty ones skipped), each parsed as
 * key->elem with key's range, family, choices and port. */
static int parse_list(const struct conf_key *key, const char *s, struct conf_list *out,
		      char *err, size_t errlen)
{
	struct conf_key elem = *key;
	struct conf_list list = { 0 };
	size_t size, len;
	char msg[384], *item;
	int rc;

	elem.type = key->elem;
	if (elem.type == CONF_LIST)
		return str_error(err, errlen, "a list of lists is not supported");
	size = conf_value_size(elem.type);
	if (count_items(s) == 0) {
		*out = list;
		return 0;
	}
	list.items = calloc(count_items(s), size);
	if (!list.items)
		return str_error(err, errlen, "out of memory");
	for (;;) {
		while (is_separator(*s))
			s++;
		if (!*s)
			break;
		for (len = 0; s[len] && !is_separator(s[len]); len++)
			;
		item = strndup(s, len);
		if (!item) {
			list_free(&elem, &list);
			return str_error(err, errlen, "out of memory");
		}
		rc = conf_value_parse(&elem, item, (char *)list.items + list.count * size,
				      msg, sizeof msg);
		if (rc) {
			str_error(err, errlen, "item %zu '%s': %s", list.count + 1, item, msg);
			free(item);
			list_free(&elem, &list);
			return rc;
		}
		free(item);
		list.count++;
		s += len;
	}
	*out = list;
	return 0;
}

static int parse_value(const struct conf_key *key, const char *s, union conf_value *v,
		       char *err, size_t errlen)
{
	char buf[256];

	if (!*s && key->type != CONF_STRING && key->type != CONF_LIST)
		return str_error(err, errlen, "a value is required: expected %s",
			    forms(key, buf, sizeof buf));
	switch (key->type) {
	case CONF_STRING:
		return parse_string(s, &v->s, err, errlen);
	case CONF_PATH:
		return parse_path(s, &v->s, err, errlen);
	case CONF_BOOL:
		if (parse_bool(s, &v->b))
			return str_error(err, errlen, "expected %s", forms(key, buf, sizeof buf));
		return 0;
	case CONF_INT:
		return parse_int(key, s, &v->i, err, errlen);
	case CONF_OCTAL:
		return parse_octal(key, s, &v->i, err, errlen);
	case CONF_RANGE:
		return parse_range(key, s, &v->range, err, errlen);
	case CONF_DURATION:
		return parse_duration(key, s, &v->u, err, errlen);
	case CONF_SIZE:
		return parse_size(key, s, &v->u, err, errlen);
	case CONF_ENUM:
		return parse_enum(key, s, &v->e, err, errlen);
	case CONF_IP:
		return addr_parse_ip(s, key->family, &v->ip, err, errlen);
	case CONF_HOSTPORT:
		return addr_parse_hostport(s, key->family, key->port, &v->hp, err, errlen);
	case CONF_CIDR:
		return addr_parse_cidr(s, key->family, &v->net, err, errlen);
	case CONF_MAC:
		return addr_parse_mac(s, &v->mac, err, errlen);
	case CONF_LIST:
		return parse_list(key, s, &v->list, err, errlen);
	case CONF_KEYED:
		break;
	}
	return str_error(err, errlen, "not a single value (type %d)", (int)key->type);
}

/* On error dst keeps its earlier value: a bad override never loses a good one. */
int conf_value_parse(const struct conf_key *key, const char *text, void *dst,
		     char *err, size_t errlen)
{
	union conf_value v;	/* so a parse can fail without touching dst */
	int rc;

	memset(&v, 0, sizeof v);
	rc = parse_value(key, text ? text : "", &v, err, errlen);
	if (rc)
		return rc;
	conf_value_free(key, dst);
	memcpy(dst, &v, conf_value_size(key->type));
	return 0;
}

void conf_value_free(const struct conf_key *key, void *dst)
{
	struct conf_key elem;
	char **s = dst;

	switch (key->type) {
	case CONF_STRING:
	case CONF_PATH:
		free(*s);
		break;
	case CONF_LIST:
		elem = *key;
		elem.type = key->elem;
		if (elem.type != CONF_LIST)
			list_free(&elem, dst);
		break;
	case CONF_KEYED:
		keyed_free(dst);
		break;
	default:
		break;
	}
	memset(dst, 0, conf_value_size(key->type));
}
