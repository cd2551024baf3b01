/* Fuzz target for common/tftp_pkt.c and tftpd/negotiate.c: decode the input as
 * every packet kind, negotiate decoded requests under several server setups,
 * re-encode what decoded and check the round trip; abort() on any mismatch. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "negotiate.h"
#include "tftp_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[TFTP_PKT_MAX + 16];
static uint8_t out2[TFTP_PKT_MAX + 16];

static void check(int ok)
{
	if (!ok)
		abort();
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Options that survive an encode/decode: present ones, with their values. */
static void check_same_options(const struct tftp_options *a, const struct tftp_options *b)
{
	int i;

	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		check(a->opt[i].present == b->opt[i].present);
		if (!a->opt[i].present)
			continue;
		check(b->opt[i].valid && !b->opt[i].repeated);
		if (a->opt[i].valid)
			check(a->opt[i].value == b->opt[i].value);
	}
	check(b->unknown == 0);
}

static void check_oack_round_trip(const struct tftp_options *o)
{
	struct tftp_options back;
	int len = tftp_oack_encode(o, out, sizeof out);

	if (!tftp_options_any(o)) {
		check(len == -EINVAL);
		return;
	}
	check(len > 2);
	check(tftp_packet_opcode(out, (size_t)len) == TFTP_OACK);
	check(tftp_oack_decode(out, (size_t)len, &back) == 0);
	check_same_options(o, &back);
}

static void check_negotiation(const struct tftp_request *req, const struct negotiate_limits *lim)
{
	const struct tftp_options *asked = &req->options;
	struct negotiate_result res;
	const struct tftp_option *a, *g;
	uint64_t cap;
	int rc, i;

	rc = negotiate_options(req, lim, &res);
	if (rc != 0) {
		check(rc == -EPROTO && res.error && !res.send_oack);
		for (i = 0; i < TFTP_OPT_COUNT && !asked->opt[i].repeated; i++)
			;
		check(i < TFTP_OPT_COUNT);	/* only a repeat is refused */
		return;
	}
	check(res.error == NULL);
	check(res.send_oack == tftp_options_any(&res.oack));
	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		a = &asked->opt[i];
		g = &res.oack.opt[i];
		check(!a->repeated);
		/* RFC 2347: nothing the client did not ask for */
		if (g->present)
			check(a->present && a->valid);
	}

	a = &asked->opt[TFTP_OPT_BLKSIZE];
	g = &res.oack.opt[TFTP_OPT_BLKSIZE];
	if (g->present) {
		cap = min_u64(lim->blksize_max, TFTP_BLKSIZE_MAX);
		if (lim->blksize_mtu)
			cap = min_u64(cap, lim->blksize_mtu);
		check(g->value >= TFTP_BLKSIZE_MIN && g->value <= cap && g->value <= a->value);
		check(g->value == res.blksize);
	} else {
		check(res.blksize == TFTP_BLKSIZE_DEFAULT);
	}

	a = &asked->opt[TFTP_OPT_TIMEOUT];
	g = &res.oack.opt[TFTP_OPT_TIMEOUT];
	if (g->present) {
		check(g->value == a->value && g->value == res.timeout);
		check(g->value >= TFTP_TIMEOUT_MIN && g->value <= TFTP_TIMEOUT_MAX);
		check(g->value >= lim->timeout_min && g->value <= lim->timeout_max);
	} else {
		check(res.timeout == 0);
	}

	a = &asked->opt[TFTP_OPT_TSIZE];
	g = &res.oack.opt[TFTP_OPT_TSIZE];
	if (g->present && req->opcode == TFTP_RRQ)
		check(a->value == 0 && req->mode == TFTP_MODE_OCTET && lim->tsize_known &&
		      g->value == lim->tsize);
	if (g->present && req->opcode == TFTP_WRQ)
		check(g->value == a->value);

	a = &asked->opt[TFTP_OPT_WINDOWSIZE];
	g = &res.oack.opt[TFTP_OPT_WINDOWSIZE];
	if (g->present) {
		check(g->value >= TFTP_WINDOWSIZE_MIN && g->value <= TFTP_WINDOWSIZE_MAX);
		check(g->value <= a->value && g->value <= lim->windowsize_max);
		check(g->value == res.windowsize);
	} else {
		check(res.windowsize == 1);
	}

	check_oack_round_trip(&res.oack);
}

static void fuzz_request(const uint8_t *data, size_t size)
{
	static const struct negotiate_limits setups[] = {
		{ TFTP_BLKSIZE_MAX, 1468, 1, 255, 64, true, 42430 },
		{ 1024, 1228, 2, 10, 1, false, 0 },
		{ 0, 0, 0, 0, 0, true, UINT64_MAX },
		{ 100000, 0, 0, 1000, 1000000, true, 0 },
	};
	struct tftp_request req, back;
	int rc, len, len2;
	size_t i;

	rc = tftp_request_decode(data, size, &req);
	if (rc != 0) {
		check(rc == -EBADMSG || rc == -ENAMETOOLONG || rc == -EOPNOTSUPP);
		if (rc != -EBADMSG)
			check(tftp_packet_opcode(data, size) == (int)req.opcode);
		return;
	}
	check(tftp_packet_opcode(data, size) == (int)req.opcode);
	check(req.mode == TFTP_MODE_OCTET || req.mode == TFTP_MODE_NETASCII);
	check(memchr(req.filename, '\0', sizeof req.filename) != NULL);

	for (i = 0; i < sizeof setups / sizeof setups[0]; i++)
		check_negotiation(&req, &setups[i]);

	len = tftp_request_encode(&req, out, sizeof out);
	if (len == -EMSGSIZE)
		return;		/* legal on the way in, too long to send (RFC 2347) */
	check(len > 0 && len <= TFTP_REQUEST_MAX);
	check(tftp_request_decode(out, (size_t)len, &back) == 0);
	check(back.opcode == req.opcode && back.mode == req.mode);
	check(strcmp(back.filename, req.filename) == 0);
	check_same_options(&req.options, &back.options);
	/* encoding is canonical: a second pass gives the same bytes */
	len2 = tftp_request_encode(&back, out2, sizeof out2);
	check(len2 == len && memcmp(out, out2, (size_t)len) == 0);
}

static void fuzz_data(const uint8_t *data, size_t size)
{
	struct tftp_data d;
	int len;

	if (tftp_data_decode(data, size, &d) != 0)
		return;
	check(d.len + TFTP_DATA_HDR_LEN == size && d.len <= TFTP_BLKSIZE_MAX);
	len = tftp_data_encode(d.block, d.payload, d.len, out, sizeof out);
	check(len >= 0 && (size_t)len == size && memcmp(out, data, size) == 0);
	/* in place: the header alone, over the payload already there */
	memcpy(out2 + TFTP_DATA_HDR_LEN, d.payload, d.len);
	len = tftp_data_encode(d.block, NULL, d.len, out2, sizeof out2);
	check(len >= 0 && (size_t)len == size && memcmp(out2, data, size) == 0);
}

static void fuzz_ack(const uint8_t *data, size_t size)
{
	uint16_t block, back;

	if (tftp_ack_decode(data, size, &block) != 0)
		return;
	check(tftp_ack_encode(block, out, sizeof out) == 4);
	check(memcmp(out, data, 4) == 0);
	check(tftp_ack_decode(out, 4, &back) == 0 && back == block);
}

static void fuzz_error(const uint8_t *data, size_t size)
{
	struct tftp_error err, back;
	int len;

	if (tftp_error_decode(data, size, &err) != 0)
		return;
	check(strlen(err.message) < TFTP_ERRMSG_MAX);
	len = tftp_error_encode(err.code, err.message, out, sizeof out);
	check(len >= 5 && len <= TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX);
	check(tftp_error_decode(out, (size_t)len, &back) == 0);
	check(back.code == err.code && strcmp(back.message, err.message) == 0);
	/* the encoder's bytes are a prefix of the input's when nothing was cut */
	if ((size_t)len < TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX)
		check((size_t)len <= size && memcmp(out, data, (size_t)len) == 0);
}

static void fuzz_oack(const uint8_t *data, size_t size)
{
	struct tftp_options o;

	if (tftp_oack_decode(data, size, &o) != 0)
		return;
	check(tftp_packet_opcode(data, size) == TFTP_OACK);
	check_oack_round_trip(&o);
}

/* The wire block number maps back to a count within half the 16-bit space. */
static void fuzz_block(const uint8_t *data, size_t size)
{
	uint64_t ref = 0, got;
	uint16_t wire;
	size_t i;

	if (size < 10)
		return;
	for (i = 0; i < 8; i++)
		ref = ref << 8 | data[i];
	ref >>= 16;	/* keep ref + 65536 from wrapping */
	wire = (uint16_t)(data[8] << 8 | data[9]);
	got = tftp_block_unwrap(ref, wire);
	check((uint16_t)got == wire);
	if (got >= ref)
		check(got - ref < 65536 && (got - ref <= 32767 || ref < 65536 - (got - ref)));
	else
		check(ref - got <= 32768);
	check(tftp_block_next(wire) == (uint16_t)(wire + 1));
}

/* The MTU cap is 0 (unknown) or a blksize RFC 2348 allows, and never more
 * than the MTU leaves after the headers. */
static void fuzz_mtu(const uint8_t *data, size_t size)
{
	unsigned mtu, cap;
	int family;

	if (size < 5)
		return;
	mtu = (unsigned)data[0] << 24 | (unsigned)data[1] << 16 | (unsigned)data[2] << 8 | data[3];
	family = data[4] & 1 ? AF_INET6 : AF_INET;
	cap = negotiate_blksize_for_mtu(mtu, family);
	if (mtu == 0) {
		check(cap == 0);
		return;
	}
	check(cap >= TFTP_BLKSIZE_MIN && cap <= TFTP_BLKSIZE_MAX);
	check(cap == TFTP_BLKSIZE_MIN || cap + (family == AF_INET ? 32u : 52u) <= mtu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int op = tftp_packet_opcode(data, size);

	check(op == -EBADMSG || (op >= TFTP_RRQ && op <= TFTP_OACK));
	fuzz_request(data, size);
	fuzz_data(data, size);
	fuzz_ack(data, size);
	fuzz_error(data, size);
	fuzz_oack(data, size);
	fuzz_block(data, size);
	fuzz_mtu(data, size);
	return 0;
}
