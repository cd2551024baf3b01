/* TFTP packet codec: every packet kind decoded through the bounded reader into
 * plain structs and encoded through the writer; no I/O and no policy. */
#include "tftp_pkt.h"

#include <errno.h>
#include <string.h>

#include "buf.h"

/* Longest known option name is "windowsize" (10); a longer name is unknown. */
#define OPT_NAME_MAX	16
/* UINT64_MAX has 20 digits; a longer value is not a number we take. */
#define OPT_VALUE_MAX	24

static const char *const option_names[TFTP_OPT_COUNT] = {
	[TFTP_OPT_BLKSIZE] = "blksize",
	[TFTP_OPT_TIMEOUT] = "timeout",
	[TFTP_OPT_TSIZE] = "tsize",
	[TFTP_OPT_WINDOWSIZE] = "windowsize",
};

static const char *const error_texts[] = {
	[TFTP_EUNDEF] = "Not defined",
	[TFTP_ENOTFOUND] = "File not found",
	[TFTP_EACCESS] = "Access violation",
	[TFTP_ENOSPACE] = "Disk full or allocation exceeded",
	[TFTP_EBADOP] = "Illegal TFTP operation",
	[TFTP_EBADID] = "Unknown transfer ID",
	[TFTP_EEXISTS] = "File already exists",
	[TFTP_ENOUSER] = "No such user",
	[TFTP_EOPTNEG] = "Option negotiation failed",
};

/* ASCII only: RFC 2347 names are ASCII, and the C library's tolower() follows
 * the locale (in tr_TR, 'I' does not fold to 'i': "BLKSIZE" would not match). */
static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] && b[i]; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return a[i] == b[i];
}

/* A NUL-terminated field into dst, keeping what fits (dstsz - 1 octets) and
 * skipping the rest.  Fails the reader when the packet ends before the NUL.
 * Returns whether the whole field fitted. */
static bool read_field(struct reader *r, char *dst, size_t dstsz)
{
	size_t n = 0;
	bool fits = true;
	uint8_t c;

	for (;;) {
		c = read_u8(r);
		if (!reader_ok(r)) {
			fits = false;
			break;
		}
		if (c == '\0')
			break;
		if (n + 1 < dstsz)
			dst[n++] = (char)c;
		else
			fits = false;
	}
	dst[n] = '\0';
	return fits;
}

/* RFC 2347 values are "ASCII" numbers for every option we know: one or more
 * decimal digits, nothing else (no sign, no space, no 0x), no overflow. */
static bool parse_decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;
	size_t i;

	if (s[0] == '\0')
		return false;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static int option_lookup(const char *name)
{
	int i;

	for (i = 0; i < TFTP_OPT_COUNT; i++)
		if (ascii_caseeq(name, option_names[i]))
			return i;
	return -1;
}

/* Name/value pairs to the end of the packet (RFC 2347).  The first value of a
 * known option is kept and a repeat only flagged: what to do with a repeat is
 * the negotiation's call. */
static void options_decode(struct reader *r, struct tftp_options *opts)
{
	char name[OPT_NAME_MAX], value[OPT_VALUE_MAX];
	struct tftp_option *o;
	bool name_fits, value_fits;
	int id;

	while (reader_ok(r) && reader_left(r) > 0) {
		name_fits = read_field(r, name, sizeof name);
		if (reader_ok(r) && name[0] == '\0')
			break;		/* NUL padding ends the list */
		value_fits = read_field(r, value, sizeof value);
		if (!reader_ok(r))
			break;
		id = name_fits ? option_lookup(name) : -1;
		if (id < 0) {
			opts->unknown++;
			continue;
		}
		o = &opts->opt[id];
		if (o->present) {
			o->repeated = true;
			continue;
		}
		o->present = true;
		o->valid = value_fits && parse_decimal(value, &o->value);
		if (!o->valid)
			o->value = 0;
	}
}

/* RFC 1350 §5: the mode is "netascii", "octet" or "mail", in any case. */
static enum tftp_mode mode_lookup(const char *name)
{
	if (ascii_caseeq(name, "netascii"))
		return TFTP_MODE_NETASCII;
	if (ascii_caseeq(name, "octet"))
		return TFTP_MODE_OCTET;
	if (ascii_caseeq(name, "mail"))
		return TFTP_MODE_MAIL;
	return TFTP_MODE_UNKNOWN;
}

int tftp_packet_opcode(const uint8_t *pkt, size_t len)
{
	struct reader r = reader_init(pkt, len);
	uint16_t op = read_u16(&r);

	if (!reader_ok(&r) || op < TFTP_RRQ || op > TFTP_OACK)
		return -EBADMSG;
	return op;
}

int tftp_request_decode(const uint8_t *pkt, size_t len, struct tftp_request *req)
{
	struct reader r = reader_init(pkt, len);
	bool name_fits, mode_fits;
	uint16_t op;

	memset(req, 0, sizeof *req);
	op = read_u16(&r);
	if (!reader_ok(&r) || (op != TFTP_RRQ && op != TFTP_WRQ))
		return -EBADMSG;
	req->opcode = op;
	name_fits = read_field(&r, req->filename, sizeof req->filename);
	mode_fits = read_field(&r, req->mode_name, sizeof req->mode_name);
	options_decode(&r, &req->options);
	if (!reader_ok(&r))
		return -EBADMSG;
	req->mode = mode_fits ? mode_lookup(req->mode_name) : TFTP_MODE_UNKNOWN;
	if (!name_fits)
		return -ENAMETOOLONG;
	/* RFC 1350 §1: "The mail mode is obsolete and should not be implemented
	 * or used." */
	if (req->mode != TFTP_MODE_NETASCII && req->mode != TFTP_MODE_OCTET)
		return -EOPNOTSUPP;
	return 0;
}

int tftp_data_decode(const uint8_t *pkt, size_t len, struct tftp_data *data)
{
	struct reader r = reader_init(pkt, len);
	uint16_t op;
	size_t n;

	memset(data, 0, sizeof *data);
	op = read_u16(&r);
	data->block = read_u16(&r);
	n = reader_left(&r);
	if (n > TFTP_BLKSIZE_MAX)
		reader_fail(&r);
	data->payload = read_ptr(&r, n);
	if (!reader_ok(&r) || op != TFTP_DATA) {
		memset(data, 0, sizeof *data);
		return -EBADMSG;
	}
	data->len = n;
	return 0;
}

int tftp_ack_decode(const uint8_t *pkt, size_t len, uint16_t *block)
{
	struct reader r = reader_init(pkt, len);
	uint16_t op = read_u16(&r);
	uint16_t b = read_u16(&r);

	*block = 0;
	if (!reader_ok(&r) || op != TFTP_ACK)
		return -EBADMSG;
	*block = b;
	return 0;
}

int tftp_error_decode(const uint8_t *pkt, size_t len, struct tftp_error *err)
{
	struct reader r = reader_init(pkt, len);
	uint16_t op;

	memset(err, 0, sizeof *err);
	op = read_u16(&r);
	err->code = read_u16(&r);
	if (!reader_ok(&r) || op != TFTP_ERROR) {
		err->code = 0;
		return -EBADMSG;
	}
	read_field(&r, err->message, sizeof err->message);
	if (!reader_ok(&r)) {
		memset(err, 0, sizeof *err);
		return -EBADMSG;
	}
	return 0;
}

int tftp_oack_decode(const uint8_t *pkt, size_t len, struct tftp_options *opts)
{
	struct reader r = reader_init(pkt, len);
	uint16_t op;

	memset(opts, 0, sizeof *opts);
	op = read_u16(&r);
	if (!reader_ok(&r) || op != TFTP_OACK)
		return -EBADMSG;
	options_decode(&r, opts);
	return reader_ok(&r) ? 0 : -EBADMSG;
}

/* Decimal digits and a NUL, as RFC 2347 values are written. */
static void write_decimal(struct writer *w, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		write_u8(w, (uint8_t)digits[--n]);
	write_u8(w, 0);
}

static void options_encode(struct writer *w, const struct tftp_options *opts)
{
	int i;

	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		if (!opts->opt[i].present)
			continue;
		write_cstr(w, option_names[i]);
		write_decimal(w, opts->opt[i].value);
	}
}

static int finish(const struct writer *w)
{
	return writer_ok(w) ? (int)writer_len(w) : -ENOSPC;
}

int tftp_request_encode(const struct tftp_request *req, uint8_t *buf, size_t cap)
{
	struct writer w;
	const char *mode = tftp_mode_name(req->mode);

	if ((req->opcode != TFTP_RRQ && req->opcode != TFTP_WRQ) || !mode ||
	    !memchr(req->filename, '\0', sizeof req->filename))
		return -EINVAL;
	w = writer_init(buf, cap < TFTP_REQUEST_MAX ? cap : TFTP_REQUEST_MAX);
	write_u16(&w, (uint16_t)req->opcode);
	write_cstr(&w, req->filename);
	write_cstr(&w, mode);
	options_encode(&w, &req->options);
	if (!writer_ok(&w) && cap >= TFTP_REQUEST_MAX)
		return -EMSGSIZE;
	return finish(&w);
}

int tftp_data_encode(uint16_t block, const void *payload, size_t len,
		     uint8_t *buf, size_t cap)
{
	struct writer w = writer_init(buf, cap);

	if (len > TFTP_BLKSIZE_MAX)
		return -EINVAL;
	write_u16(&w, TFTP_DATA);
	write_u16(&w, block);
	if (payload) {
		write_bytes(&w, payload, len);
		return finish(&w);
	}
	if (!writer_ok(&w) || writer_left(&w) < len)
		return -ENOSPC;
	return (int)(writer_len(&w) + len);
}

int tftp_ack_encode(uint16_t block, uint8_t *buf, size_t cap)
{
	struct writer w = writer_init(buf, cap);

	write_u16(&w, TFTP_ACK);
	write_u16(&w, block);
	return finish(&w);
}

int tftp_error_encode(uint16_t code, const char *message, uint8_t *buf, size_t cap)
{
	struct writer w = writer_init(buf, cap);
	const char *msg = message ? message : tftp_error_text(code);

	write_u16(&w, TFTP_ERROR);
	write_u16(&w, code);
	write_bytes(&w, msg, strnlen(msg, TFTP_ERRMSG_MAX - 1));
	write_u8(&w, 0);
	return finish(&w);
}

int tftp_oack_encode(const struct tftp_options *opts, uint8_t *buf, size_t cap)
{
	struct writer w = writer_init(buf, cap);

	if (!tftp_options_any(opts))
		return -EINVAL;
	write_u16(&w, TFTP_OACK);
	options_encode(&w, opts);
	return finish(&w);
}

bool tftp_options_any(const struct tftp_options *opts)
{
	int i;

	for (i = 0; i < TFTP_OPT_COUNT; i++)
		if (opts->opt[i].present)
			return true;
	return false;
}

const char *tftp_option_name(enum tftp_opt id)
{
	return id >= 0 && id < TFTP_OPT_COUNT ? option_names[id] : NULL;
}

const char *tftp_mode_name(enum tftp_mode mode)
{
	switch (mode) {
	case TFTP_MODE_NETASCII:
		return "netascii";
	case TFTP_MODE_OCTET:
		return "octet";
	case TFTP_MODE_MAIL:
		return "mail";
	case TFTP_MODE_UNKNOWN:
		break;
	}
	return NULL;
}

const char *tftp_error_text(uint16_t code)
{
	return code <= TFTP_EOPTNEG ? error_texts[code] : error_texts[TFTP_EUNDEF];
}

uint16_t tftp_block_next(uint16_t block)
{
	return (uint16_t)(block + 1);
}

uint64_t tftp_block_unwrap(uint64_t ref, uint16_t wire)
{
	uint16_t ahead = (uint16_t)(wire - (uint16_t)ref);
	uint64_t back = 65536u - ahead;

	if (ahead < 32768 || back > ref)
		return ref + ahead;
	return ref - back;
}
