/* DHCPv4 message codec: a packet to a struct dhcp_msg and back, options
 * concatenated (RFC 3396) and overloaded into file/sname (RFC 2131 §4.1). */
#include <config.h>

#include "dhcp_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "buf.h"

/* The option fields of a message, in RFC 3396 §5's aggregate order. */
enum field {
	FIELD_OPTIONS,
	FIELD_FILE,
	FIELD_SNAME,
	FIELD_COUNT,
	FIELD_NONE = 0xff,
};

/* ---------------------------------------------------------------- decode */

/* The next option of a field into code/val/len.  1 with an option; 0 at END
 * or at the field's end; -EBADMSG when an option runs past the field. */
static int next_option(struct reader *r, uint8_t *code, const uint8_t **val, uint8_t *len)
{
	for (;;) {
		uint8_t c;

		if (reader_left(r) == 0)
			return 0;
		c = read_u8(r);
		if (c == OPT_PAD)
			continue;
		if (c == OPT_END) {
			read_skip(r, reader_left(r));
			return 0;
		}
		*code = c;
		*len = read_u8(r);
		*val = read_ptr(r, *len);
		return reader_ok(r) ? 1 : -EBADMSG;
	}
}

/* Pass one over a field: adds each option's length to its code's total and
 * notes new codes in order.  Option 52 is refused outside the options field:
 * an overloaded field naming overload again is a loop (RFC 2131 §4.1 puts it
 * in the options field only). */
static int scan_field(struct dhcp_msg *m, const uint8_t *p, size_t n, enum field f,
		      size_t total[256], uint8_t *overload)
{
	struct reader r = reader_init(p, n);
	struct dhcp_opts *o = &m->opts;
	const uint8_t *val;
	uint8_t code, len;
	int rc;

	while ((rc = next_option(&r, &code, &val, &len)) > 0) {
		if (code == OPT_OVERLOAD && f != FIELD_OPTIONS) {
			m->error = "option 52 inside an overloaded field";
			return -EBADMSG;
		}
		if (code == OPT_OVERLOAD && len == 1) {
			struct reader v = reader_init(val, len);

			*overload = read_u8(&v);
		}
		if (!o->present[code]) {
			o->present[code] = true;
			o->order[o->count++] = code;
		}
		total[code] += len;
	}
	if (rc < 0)
		m->error = f == FIELD_OPTIONS ? "option runs past the end of the packet"
		                              : "option runs past the end of file/sname";
	return rc;
}

/* Pass two: copies each option's bytes after those of its earlier instances. */
static void fill_field(struct dhcp_opts *o, const uint8_t *p, size_t n)
{
	struct reader r = reader_init(p, n);
	const uint8_t *val;
	uint8_t code, len;

	while (next_option(&r, &code, &val, &len) > 0) {
		if (len)
			memcpy(&o->data[o->off[code] + o->len[code]], val, len);
		o->len[code] = (uint16_t)(o->len[code] + len);
	}
}

static void opts_remove(struct dhcp_opts *o, uint8_t code)
{
	uint16_t j = 0;

	if (!o->present[code])
		return;
	o->present[code] = false;
	o->len[code] = 0;
	for (uint16_t i = 0; i < o->count; i++)
		if (o->order[i] != code)
			o->order[j++] = o->order[i];
	o->count = j;
}

/* Drops options whose value breaks the table's rule, noting them. */
static void drop_invalid(struct dhcp_msg *m)
{
	struct dhcp_opts *o = &m->opts;
	uint8_t bad[256];
	uint16_t nbad = 0;

	for (uint16_t i = 0; i < o->count; i++) {
		uint8_t c = o->order[i];

		if (dhcp_opt_validate(c, &o->data[o->off[c]], o->len[c]) != 0)
			bad[nbad++] = c;
	}
	for (uint16_t i = 0; i < nbad; i++)
		opts_remove(o, bad[i]);
	m->invalid = nbad;
	m->first_invalid = nbad ? bad[0] : 0;
}

static void copy_name(char *dst, const uint8_t *src, size_t n)
{
	struct reader r = reader_init(src, n);
	size_t i = 0;

	while (reader_left(&r) > 0) {
		uint8_t c = read_u8(&r);

		if (c == 0)
			break;
		dst[i++] = (char)c;
	}
	dst[i] = '\0';
}

int dhcp_msg_decode(const uint8_t *pkt, size_t len, struct dhcp_msg *m)
{
	struct reader r = reader_init(pkt, len);
	const uint8_t *field[FIELD_COUNT];
	size_t field_len[FIELD_COUNT] = { 0, DHCP_FILE_LEN, DHCP_SNAME_LEN };
	size_t total[256] = { 0 };
	uint8_t overload = 0;
	uint32_t cookie;
	size_t off = 0;
	int rc;

	dhcp_msg_init(m);
	if (len > DHCP_MSG_MAX_LEN) {
		m->error = "packet longer than 1472 bytes";
		return -EMSGSIZE;
	}
	m->op = read_u8(&r);
	m->htype = read_u8(&r);
	m->hlen = read_u8(&r);
	m->hops = read_u8(&r);
	m->xid = read_u32(&r);
	m->secs = read_u16(&r);
	m->flags = read_u16(&r);
	m->ciaddr.s_addr = htonl(read_u32(&r));
	m->yiaddr.s_addr = htonl(read_u32(&r));
	m->siaddr.s_addr = htonl(read_u32(&r));
	m->giaddr.s_addr = htonl(read_u32(&r));
	read_bytes(&r, m->chaddr, DHCP_CHADDR_LEN);
	field[FIELD_SNAME] = read_ptr(&r, DHCP_SNAME_LEN);
	field[FIELD_FILE] = read_ptr(&r, DHCP_FILE_LEN);
	cookie = read_u32(&r);
	field_len[FIELD_OPTIONS] = reader_left(&r);
	field[FIELD_OPTIONS] = read_ptr(&r, field_len[FIELD_OPTIONS]);
	if (!reader_ok(&r)) {
		m->error = "shorter than the fixed header and magic cookie";
		return -EBADMSG;
	}
	if (cookie != DHCP_MAGIC_COOKIE) {
		m->error = "bad magic cookie";
		return -EBADMSG;
	}
	if (m->hlen > DHCP_CHADDR_LEN) {
		m->error = "hlen over 16";
		return -EBADMSG;
	}

	rc = scan_field(m, field[FIELD_OPTIONS], field_len[FIELD_OPTIONS], FIELD_OPTIONS,
			total, &overload);
	if (rc < 0)
		return rc;
	/* RFC 2132 §9.3: one byte, 1 file, 2 sname, 3 both. */
	if (m->opts.present[OPT_OVERLOAD] &&
	    (total[OPT_OVERLOAD] != 1 || overload < DHCP_OVERLOAD_FILE ||
	     overload > DHCP_OVERLOAD_BOTH)) {
		m->error = "bad option 52 (overload)";
		return -EBADMSG;
	}
	if (!m->opts.present[OPT_OVERLOAD])
		overload = 0;
	m->overload = overload;
	if (!(overload & DHCP_OVERLOAD_FILE))
		field_len[FIELD_FILE] = 0;
	if (!(overload & DHCP_OVERLOAD_SNAME))
		field_len[FIELD_SNAME] = 0;
	for (int f = FIELD_FILE; f < FIELD_COUNT; f++) {
		rc = scan_field(m, field[f], field_len[f], (enum field)f, total, &overload);
		if (rc < 0)
			return rc;
	}

	/* Each code's concatenated value gets one run of the store. */
	for (uint16_t i = 0; i < m->opts.count; i++) {
		uint8_t c = m->opts.order[i];

		m->opts.off[c] = (uint16_t)off;
		off += total[c];
	}
	if (off > DHCP_OPT_DATA_MAX) {	/* cannot happen: see DHCP_OPT_DATA_MAX */
		m->error = "options exceed the store";
		return -EMSGSIZE;
	}
	m->opts.used = (uint16_t)off;
	for (int f = FIELD_OPTIONS; f < FIELD_COUNT; f++)
		fill_field(&m->opts, field[f], field_len[f]);
	drop_invalid(m);

	if (!(overload & DHCP_OVERLOAD_SNAME))
		copy_name(m->sname, field[FIELD_SNAME], DHCP_SNAME_LEN);
	if (!(overload & DHCP_OVERLOAD_FILE))
		copy_name(m->file, field[FIELD_FILE], DHCP_FILE_LEN);
	return 0;
}

/* ---------------------------------------------------------------- access */

const uint8_t *dhcp_msg_get(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!m->opts.present[code])
		return NULL;
	*len = m->opts.len[code];
	return &m->opts.data[m->opts.off[code]];
}

bool dhcp_msg_has(const struct dhcp_msg *m, uint8_t code)
{
	return m->opts.present[code];
}

/* A reader over option code's value; a failed one when it is absent. */
static struct reader opt_reader(const struct dhcp_msg *m, uint8_t code)
{
	size_t len = 0;
	const uint8_t *v = dhcp_msg_get(m, code, &len);
	struct reader r = reader_init(v, len);

	if (!v)
		reader_fail(&r);
	return r;
}

bool dhcp_msg_get_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v)
{
	struct reader r = opt_reader(m, code);
	uint8_t x = read_u8(&r);

	if (reader_ok(&r))
		*v = x;
	return reader_ok(&r);
}

bool dhcp_msg_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v)
{
	struct reader r = opt_reader(m, code);
	uint16_t x = read_u16(&r);

	if (reader_ok(&r))
		*v = x;
	return reader_ok(&r);
}

bool dhcp_msg_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	struct reader r = opt_reader(m, code);
	uint32_t x = read_u32(&r);

	if (reader_ok(&r))
		*v = x;
	return reader_ok(&r);
}

bool dhcp_msg_get_ip(const struct dhcp_msg *m, uint8_t code, struct in_addr *v)
{
	uint32_t x = 0;

	if (!dhcp_msg_get_u32(m, code, &x))
		return false;
	v->s_addr = htonl(x);
	return true;
}

unsigned dhcp_msg_type(const struct dhcp_msg *m)
{
	uint8_t t = 0;

	dhcp_msg_get_u8(m, OPT_MSG_TYPE, &t);
	return t;
}

size_t dhcp_msg_max_reply_len(const struct dhcp_msg *req)
{
	uint16_t mms = 0;

	if (!req)
		return DHCP_MIN_MAX_MSG_SIZE - DHCP_IP_UDP_HDR_LEN;
	if (dhcp_msg_get_u16(req, OPT_MAX_MSG_SIZE, &mms))
		return (mms < DHCP_MIN_MAX_MSG_SIZE ? DHCP_MIN_MAX_MSG_SIZE : mms) -
		       DHCP_IP_UDP_HDR_LEN;
	if (!dhcp_msg_has(req, OPT_MSG_TYPE))
		return DHCP_BOOTP_MIN_LEN;
	return DHCP_MIN_MAX_MSG_SIZE - DHCP_IP_UDP_HDR_LEN;
}

/* ---------------------------------------------------------------- build */

void dhcp_msg_init(struct dhcp_msg *m)
{
	memset(m, 0, sizeof *m);
}

void dhcp_msg_init_reply(struct dhcp_msg *reply, const struct dhcp_msg *req, uint8_t type)
{
	dhcp_msg_init(reply);
	reply->op = BOOTREPLY;
	reply->htype = req->htype;
	reply->hlen = req->hlen;
	reply->xid = req->xid;
	reply->flags = req->flags;
	reply->giaddr = req->giaddr;
	memcpy(reply->chaddr, req->chaddr, DHCP_CHADDR_LEN);
	if (type)
		dhcp_msg_set_u8(reply, OPT_MSG_TYPE, type);
	dhcp_msg_copy_opt(reply, req, OPT_RELAY_AGENT);
}

int dhcp_msg_set(struct dhcp_msg *m, uint8_t code, const void *val, size_t len)
{
	struct dhcp_opts *o = &m->opts;
	size_t at;

	if (code == OPT_PAD || code == OPT_END || code == OPT_OVERLOAD ||
	    dhcp_opt_validate(code, val, len) != 0)
		return -EINVAL;
	/* A value no longer than the old one reuses its bytes. */
	if (o->present[code] && len <= o->len[code])
		at = o->off[code];
	else if (len <= (size_t)DHCP_OPT_DATA_MAX - o->used)
		at = o->used;
	else
		return -ENOSPC;
	if (len)
		memcpy(&o->data[at], val, len);
	if (at == o->used)
		o->used = (uint16_t)(o->used + len);
	if (!o->present[code]) {
		o->present[code] = true;
		o->order[o->count++] = code;
	}
	o->off[code] = (uint16_t)at;
	o->len[code] = (uint16_t)len;
	return 0;
}

int dhcp_msg_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v)
{
	return dhcp_msg_set(m, code, &v, 1);
}

int dhcp_msg_set_u16(struct dhcp_msg *m, uint8_t code, uint16_t v)
{
	uint8_t b[2];
	struct writer w = writer_init(b, sizeof b);

	write_u16(&w, v);
	return dhcp_msg_set(m, code, b, sizeof b);
}

int dhcp_msg_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v)
{
	uint8_t b[4];
	struct writer w = writer_init(b, sizeof b);

	write_u32(&w, v);
	return dhcp_msg_set(m, code, b, sizeof b);
}

int dhcp_msg_set_ip(struct dhcp_msg *m, uint8_t code, struct in_addr v)
{
	return dhcp_msg_set_u32(m, code, ntohl(v.s_addr));
}

int dhcp_msg_copy_opt(struct dhcp_msg *dst, const struct dhcp_msg *src, uint8_t code)
{
	size_t len;
	const uint8_t *v = dhcp_msg_get(src, code, &len);

	return v ? dhcp_msg_set(dst, code, v, len) : 0;
}

void dhcp_msg_del(struct dhcp_msg *m, uint8_t code)
{
	opts_remove(&m->opts, code);
}

/* ---------------------------------------------------------------- encode */

/* Which field each option goes in, and what is left of each. */
struct plan {
	uint8_t field[256];		/* FIELD_* or FIELD_NONE */
	size_t room[FIELD_COUNT];
};

/* Wire bytes of a value: 255-byte instances, each with code and length. */
static size_t opt_cost(size_t len)
{
	size_t pieces = len ? (len + 254) / 255 : 1;

	return len + 2 * pieces;
}

/* First fit, in priority order, of whole options into the fields. */
static void plan_fill(struct plan *p, const struct dhcp_msg *m, const uint8_t *prio, size_t n)
{
	memset(p->field, FIELD_NONE, sizeof p->field);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = prio[i];
		size_t cost = opt_cost(m->opts.len[c]);

		for (int f = 0; f < FIELD_COUNT; f++) {
			if (p->room[f] >= cost) {
				p->room[f] -= cost;
				p->field[c] = (uint8_t)f;
				break;
			}
		}
	}
}

static bool plan_complete(const struct plan *p, const uint8_t *prio, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p->field[prio[i]] == FIELD_NONE)
			return false;
	return true;
}

/* Whether plan b serves the priority list better than a: it places the
 * first option in priority order that they place differently. */
static bool plan_better(const struct plan *a, const struct plan *b, const uint8_t *prio, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool in_a = a->field[prio[i]] != FIELD_NONE, in_b = b->field[prio[i]] != FIELD_NONE;

		if (in_a != in_b)
			return in_b;
	}
	return false;
}

static bool is_essential(uint8_t c)
{
	/* RFC 2131 table 3 (53, 54, 51) and RFC 3046 §2.2 (82). */
	return c == OPT_MSG_TYPE || c == OPT_SERVER_ID || c == OPT_LEASE_TIME ||
	       c == OPT_RELAY_AGENT;
}

/* The send order (53, requested, the rest, 82) and the priority order
 * (essentials, requested, the rest).  Both list every option of m but 52
 * once, so they are equally long: that length is returned. */
static size_t order_options(const struct dhcp_msg *m, const struct dhcp_msg *req,
			    uint8_t *send, uint8_t *prio)
{
	static const uint8_t essentials[] = { OPT_MSG_TYPE, OPT_SERVER_ID, OPT_LEASE_TIME,
					      OPT_RELAY_AGENT };
	bool in_send[256] = { false }, in_prio[256] = { false };
	const uint8_t *prl = NULL;
	size_t prl_len = 0, ns = 0, np = 0;

	/* 52 of a decoded message is not carried over: the encoder decides. */
	in_send[OPT_OVERLOAD] = in_prio[OPT_OVERLOAD] = true;
	if (req)
		prl = dhcp_msg_get(req, OPT_PARAM_REQUEST, &prl_len);
#define ADD(list, n, seen, c) do { (seen)[c] = true; (list)[(n)++] = (c); } while (0)
	if (m->opts.present[OPT_MSG_TYPE])
		ADD(send, ns, in_send, OPT_MSG_TYPE);
	for (size_t i = 0; i < sizeof essentials; i++)
		if (m->opts.present[essentials[i]])
			ADD(prio, np, in_prio, essentials[i]);
	for (size_t i = 0; i < prl_len; i++) {
		uint8_t c = prl[i];

		if (!m->opts.present[c] || c == OPT_RELAY_AGENT)
			continue;
		if (!in_send[c])
			ADD(send, ns, in_send, c);
		if (!in_prio[c])
			ADD(prio, np, in_prio, c);
	}
	for (uint16_t i = 0; i < m->opts.count; i++) {
		uint8_t c = m->opts.order[i];

		if (!in_send[c] && c != OPT_RELAY_AGENT)
			ADD(send, ns, in_send, c);
		if (!in_prio[c])
			ADD(prio, np, in_prio, c);
	}
	if (m->opts.present[OPT_RELAY_AGENT])
		ADD(send, ns, in_send, OPT_RELAY_AGENT);
#undef ADD
	return ns;
}

static void put_option(struct writer *w, const struct dhcp_msg *m, uint8_t code)
{
	struct reader r = reader_init(&m->opts.data[m->opts.off[code]], m->opts.len[code]);

	/* RFC 3396: a long value goes out as consecutive instances. */
	do {
		size_t n = reader_left(&r) < 255 ? reader_left(&r) : 255;

		write_u8(w, code);
		write_u8(w, (uint8_t)n);
		write_bytes(w, read_ptr(&r, n), n);
	} while (reader_left(&r) > 0);
}

/* The options planned for field f, in send order, then END.  Overload (52)
 * goes right after 53 in the options field. */
static void put_field(struct writer *w, const struct dhcp_msg *m, const struct plan *p,
		      const uint8_t *send, size_t n, enum field f, uint8_t overload)
{
	bool need52 = f == FIELD_OPTIONS && overload;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = send[i];

		if (p->field[c] != f)
			continue;
		if (need52 && c != OPT_MSG_TYPE) {
			write_u8(w, OPT_OVERLOAD);
			write_u8(w, 1);
			write_u8(w, overload);
			need52 = false;
		}
		put_option(w, m, c);
	}
	if (need52) {
		write_u8(w, OPT_OVERLOAD);
		write_u8(w, 1);
		write_u8(w, overload);
	}
	write_u8(w, OPT_END);
}

/* sname or file: the name, or options when overloaded; zero-filled. */
static void put_name_field(struct writer *w, const struct dhcp_msg *m, const struct plan *p,
			   const uint8_t *send, size_t n, enum field f, bool overloaded)
{
	const char *name = f == FIELD_FILE ? m->file : m->sname;
	size_t size = f == FIELD_FILE ? DHCP_FILE_LEN : DHCP_SNAME_LEN;
	size_t start = writer_len(w), used;

	if (overloaded)
		put_field(w, m, p, send, n, f, 0);
	else
		write_bytes(w, name, strnlen(name, size));
	used = writer_len(w) - start;
	if (used > size) {
		/* A planning bug: fail the writer rather than send a bad field. */
		write_zero(w, writer_left(w) + 1);
		return;
	}
	write_zero(w, size - used);
}

int dhcp_msg_encode(const struct dhcp_msg *m, const struct dhcp_msg *req, uint8_t *buf,
		    size_t cap, struct dhcp_encode_result *res)
{
	uint8_t send[256], prio[256];
	size_t limit = dhcp_msg_max_reply_len(req), n;
	struct plan plain, over, *p;
	uint8_t overload = 0;
	struct writer w;

	memset(res, 0, sizeof *res);
	if (cap < limit)
		limit = cap;
	if (limit < DHCP_BOOTP_MIN_LEN)
		return -ENOBUFS;
	if (m->hlen > DHCP_CHADDR_LEN)
		return -EINVAL;
	n = order_options(m, req, send, prio);

	/* Everything in the options field, or else with file/sname overloaded
	 * when m leaves them free; the overload plan only if it does better. */
	memset(&plain, 0, sizeof plain);
	plain.room[FIELD_OPTIONS] = limit - DHCP_OPTIONS_OFFSET - 1;
	plan_fill(&plain, m, prio, n);
	p = &plain;
	if (!plan_complete(&plain, prio, n) && (m->file[0] == '\0' || m->sname[0] == '\0')) {
		memset(&over, 0, sizeof over);
		over.room[FIELD_OPTIONS] = limit - DHCP_OPTIONS_OFFSET - 1 - 3;
		over.room[FIELD_FILE] = m->file[0] ? 0 : DHCP_FILE_LEN - 1;
		over.room[FIELD_SNAME] = m->sname[0] ? 0 : DHCP_SNAME_LEN - 1;
		plan_fill(&over, m, prio, n);
		if (plan_better(&plain, &over, prio, n))
			p = &over;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = send[i];

		if (p->field[c] == FIELD_NONE) {
			if (is_essential(c))
				return -EMSGSIZE;
			if (res->dropped++ == 0)
				res->first_dropped = c;
		}
		if (p->field[c] == FIELD_FILE)
			overload |= DHCP_OVERLOAD_FILE;
		if (p->field[c] == FIELD_SNAME)
			overload |= DHCP_OVERLOAD_SNAME;
	}

	w = writer_init(buf, limit);
	write_u8(&w, m->op);
	write_u8(&w, m->htype);
	write_u8(&w, m->hlen);
	write_u8(&w, m->hops);
	write_u32(&w, m->xid);
	write_u16(&w, m->secs);
	write_u16(&w, m->flags);
	write_u32(&w, ntohl(m->ciaddr.s_addr));
	write_u32(&w, ntohl(m->yiaddr.s_addr));
	write_u32(&w, ntohl(m->siaddr.s_addr));
	write_u32(&w, ntohl(m->giaddr.s_addr));
	write_bytes(&w, m->chaddr, DHCP_CHADDR_LEN);
	put_name_field(&w, m, p, send, n, FIELD_SNAME, overload & DHCP_OVERLOAD_SNAME);
	put_name_field(&w, m, p, send, n, FIELD_FILE, overload & DHCP_OVERLOAD_FILE);
	write_u32(&w, DHCP_MAGIC_COOKIE);
	put_field(&w, m, p, send, n, FIELD_OPTIONS, overload);
	if (writer_len(&w) < DHCP_BOOTP_MIN_LEN)
		write_zero(&w, DHCP_BOOTP_MIN_LEN - writer_len(&w));
	if (!writer_ok(&w))
		return -EMSGSIZE;
	res->len = writer_len(&w);
	res->overload = overload;
	return 0;
}

/* ---------------------------------------------------------------- print */

const char *dhcp_msg_format_opts(const struct dhcp_msg *m, char *buf, size_t bufsz)
{
	struct dhcp_text t = dhcp_text_init(buf, bufsz);

	for (uint16_t i = 0; i < m->opts.count; i++) {
		uint8_t c = m->opts.order[i];

		if (i)
			dhcp_text_put(&t, " ");
		dhcp_opt_format(&t, c, &m->opts.data[m->opts.off[c]], m->opts.len[c]);
	}
	return buf;
}
