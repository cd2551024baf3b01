/* The lease journal's record: one text line per lease, with fixed keys in a
 * fixed order and a CRC-32 that tells a torn or edited line from a good one. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "lease_db.h"
#include "lease_record.h"
#include "str.h"

static const char *const state_names[] = {
	[LEASE_ACTIVE] = "active",
	[LEASE_RELEASED] = "released",
	[LEASE_DECLINED] = "declined",
	[LEASE_EXPIRED] = "expired",
};
#define STATE_COUNT (sizeof state_names / sizeof state_names[0])

/* Reflected polynomial 0xedb88320, four bits per table step: a 16-entry
 * table is small and fast enough for lines of a few hundred bytes. */
uint32_t lease_record_crc(const void *data, size_t len)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	struct reader r = reader_init(data, len);
	uint32_t crc = 0xffffffff;

	while (reader_left(&r) > 0) {
		crc ^= read_u8(&r);
		crc = nibble[crc & 0xf] ^ crc >> 4;
		crc = nibble[crc & 0xf] ^ crc >> 4;
	}
	return ~crc;
}

/* Host names are stored as printable ASCII without space or '=', so a
 * record splits on spaces and each field on its first '='. */
static bool hostname_char(int c)
{
	return c > ' ' && c < 0x7f && c != '=';
}

/* ---------------------------------------------------------------- format */

static void put_str(struct writer *w, const char *s)
{
	write_bytes(w, s, strlen(s));
}

static void put_hex(struct writer *w, const uint8_t *b, size_t n)
{
	char text[3 * LEASE_CLIENT_ID_MAX];

	put_str(w, str_hex_colons(text, sizeof text, b, n));
}

static void put_i64(struct writer *w, int64_t v)
{
	char num[24];

	snprintf(num, sizeof num, "%" PRId64, v);
	put_str(w, num);
}

/* Characters a record cannot hold are left out, not escaped: a host name is
 * a label for people, and the stored lease keeps only what the file holds. */
static void put_hostname(struct writer *w, const char *name)
{
	size_t i;

	for (i = 0; i < LEASE_HOSTNAME_MAX - 1 && name[i]; i++)
		if (hostname_char((unsigned char)name[i]))
			write_u8(w, (uint8_t)name[i]);
}

int lease_record_format(const struct lease *l, char *buf, size_t size)
{
	struct writer w = writer_init(buf, size);
	char addr[INET_ADDRSTRLEN];
	char crc[16];

	if (l->client_id_len > LEASE_CLIENT_ID_MAX || l->hwaddr_len > sizeof l->hwaddr ||
	    (unsigned)l->state >= STATE_COUNT || size == 0)
		return -EINVAL;
	inet_ntop(AF_INET, &l->addr, addr, sizeof addr);
	put_str(&w, "lease ");
	put_str(&w, addr);
	put_str(&w, " id=");
	put_hex(&w, l->client_id, l->client_id_len);
	put_str(&w, " hw=");
	put_hex(&w, l->hwaddr, l->hwaddr_len);
	put_str(&w, " state=");
	put_str(&w, state_names[l->state]);
	put_str(&w, " starts=");
	put_i64(&w, l->starts);
	put_str(&w, " ends=");
	put_i64(&w, l->ends);
	put_str(&w, " hostname=");
	put_hostname(&w, l->hostname);
	if (!writer_ok(&w))
		return -EINVAL;
	snprintf(crc, sizeof crc, " crc=%08" PRIx32, lease_record_crc(buf, writer_len(&w)));
	put_str(&w, crc);
	write_u8(&w, '\0');
	if (!writer_ok(&w)) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------- parse */

/* The next space-separated field, and the space after it.  Fields are never
 * empty, so two spaces in a row, or one at either end, fail. */
static struct reader next_field(struct reader *r)
{
	struct reader peek = *r;
	struct reader f;
	size_t n = 0;

	while (reader_left(&peek) > 0 && read_u8(&peek) != ' ')
		n++;
	if (n == 0)
		reader_fail(r);
	f = read_sub(r, n);
	if (reader_left(r) > 0 && read_u8(r) == ' ' && reader_left(r) == 0)
		reader_fail(r);		/* a trailing space */
	return f;
}

/* Field f is exactly word; fails f otherwise. */
static void expect_word(struct reader *f, const char *word)
{
	size_t n = strlen(word);
	const uint8_t *p = read_ptr(f, n);

	if (!p || memcmp(p, word, n) != 0)
		reader_fail(f);
}

/* "key=" at the start of field f; fails f otherwise. */
static void expect_key(struct reader *f, const char *key)
{
	size_t n = strlen(key);
	const uint8_t *p = read_ptr(f, n + 1);

	if (!p || memcmp(p, key, n) != 0 || p[n] != '=')
		reader_fail(f);
}

/* A field read to its end with no error; fails r otherwise. */
static void field_done(struct reader *r, const struct reader *f)
{
	if (!reader_ok(f) || reader_left(f) != 0)
		reader_fail(r);
}

/* The rest of field f as a view; n is its length. */
static const uint8_t *rest(struct reader *f, size_t *n)
{
	*n = reader_left(f);
	return read_ptr(f, *n);
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;		/* upper case is not what the writer makes */
}

/* Dotted quad as inet_ntop writes it: no leading zeros, each part <= 255. */
static struct in_addr read_ipv4(struct reader *f)
{
	struct in_addr a = { 0 };
	uint32_t v = 0, part = 0;
	size_t n, i, digits = 0, parts = 0;
	const uint8_t *p = rest(f, &n);

	for (i = 0; p && i <= n; i++) {
		if ((i == n || p[i] == '.') && digits > 0 && part <= 255 && parts < 4) {
			v = v << 8 | part;
			part = 0;
			digits = 0;
			parts++;
		} else if (i < n && is_digit(p[i]) && digits < 3 && !(digits == 1 && part == 0)) {
			part = part * 10 + (uint32_t)(p[i] - '0');
			digits++;
		} else {
			break;
		}
	}
	if (!p || i <= n || parts != 4)
		reader_fail(f);
	a.s_addr = htonl(v);
	return a;
}

/* "01:52:54" into b (at most max bytes); the empty string is no bytes. */
static uint8_t read_hex_bytes(struct reader *f, uint8_t *b, size_t max)
{
	size_t n, i, len = 0;
	const uint8_t *p = rest(f, &n);
	int hi, lo;

	for (i = 0; p && i < n; i += 3) {
		hi = n - i >= 2 ? hex_value(p[i]) : -1;
		lo = n - i >= 2 ? hex_value(p[i + 1]) : -1;
		if (hi < 0 || lo < 0 || len == max || (n - i > 2 && p[i + 2] != ':') ||
		    n - i == 3) {
			reader_fail(f);
			return 0;
		}
		b[len++] = (uint8_t)(hi << 4 | lo);
	}
	if (!p)
		reader_fail(f);
	return (uint8_t)len;
}

/* A decimal int64 as printf writes it: no '+', no leading zeros, no "-0". */
static int64_t read_i64(struct reader *f)
{
	size_t n, i = 0;
	const uint8_t *p = rest(f, &n);
	bool neg = p && n > 0 && p[0] == '-';
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	unsigned d;

	if (neg)
		i++;
	if (!p || i == n || (p[i] == '0' && (n - i > 1 || neg))) {
		reader_fail(f);
		return 0;
	}
	for (; i < n; i++) {
		d = (unsigned)(p[i] - '0');
		if (!is_digit(p[i]) || v > (limit - d) / 10) {
			reader_fail(f);
			return 0;
		}
		v = v * 10 + d;
	}
	if (neg)
		return v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return (int64_t)v;
}

static enum lease_state read_state(struct reader *f)
{
	size_t n, i;
	const uint8_t *p = rest(f, &n);

	for (i = 0; p && i < STATE_COUNT; i++)
		if (strlen(state_names[i]) == n && memcmp(p, state_names[i], n) == 0)
			return (enum lease_state)i;
	reader_fail(f);
	return LEASE_ACTIVE;
}

static void read_hostname(struct reader *f, char *name)
{
	size_t n, i;
	const uint8_t *p = rest(f, &n);

	if (!p || n >= LEASE_HOSTNAME_MAX) {
		reader_fail(f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!hostname_char(p[i])) {
			reader_fail(f);
			return;
		}
		name[i] = (char)p[i];
	}
	name[n] = '\0';
}

static uint32_t read_crc(struct reader *f)
{
	size_t n, i;
	const uint8_t *p = rest(f, &n);
	uint32_t v = 0;
	int d;

	if (!p || n != 8) {
		reader_fail(f);
		return 0;
	}
	for (i = 0; i < n; i++) {
		d = hex_value(p[i]);
		if (d < 0) {
			reader_fail(f);
			return 0;
		}
		v = v << 4 | (uint32_t)d;
	}
	return v;
}

static void parse_fields(struct reader *r, struct lease *l)
{
	struct reader f;

	f = next_field(r);
	expect_word(&f, "lease");
	field_done(r, &f);
	f = next_field(r);
	l->addr = read_ipv4(&f);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "id");
	l->client_id_len = read_hex_bytes(&f, l->client_id, sizeof l->client_id);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "hw");
	l->hwaddr_len = read_hex_bytes(&f, l->hwaddr, sizeof l->hwaddr);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "state");
	l->state = read_state(&f);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "starts");
	l->starts = read_i64(&f);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "ends");
	l->ends = read_i64(&f);
	field_done(r, &f);
	f = next_field(r);
	expect_key(&f, "hostname");
	read_hostname(&f, l->hostname);
	field_done(r, &f);
}

int lease_record_decode(const char *line, struct lease *l)
{
	size_t len = strlen(line);
	struct reader r = reader_init(line, len);
	struct reader f;
	size_t signed_len;
	uint32_t crc;

	memset(l, 0, sizeof *l);
	parse_fields(&r, l);
	signed_len = reader_offset(&r) - 1;	/* up to the space before crc= */
	f = next_field(&r);
	expect_key(&f, "crc");
	crc = read_crc(&f);
	field_done(&r, &f);
	if (!reader_ok(&r) || reader_left(&r) != 0) {
		memset(l, 0, sizeof *l);
		return -EINVAL;
	}
	if (crc != lease_record_crc(line, signed_len)) {
		memset(l, 0, sizeof *l);
		return -EBADMSG;
	}
	return 0;
}

int lease_record_parse(const char *line, struct lease *l)
{
	return lease_record_decode(line, l) == 0 ? 0 : -EINVAL;
}
