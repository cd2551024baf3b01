/* Unit tests for common/tftp_pkt.c: every packet kind decoded and encoded,
 * real PXE traffic as vectors, and malformed packets refused cleanly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "tftp_pkt.h"

/* ---------------------------------------------------------------- helpers */

/* Hex text to bytes; the vectors below are udp.payload from tshark. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;
	unsigned v;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* opcode, then each field with its NUL: the shape of RRQ/WRQ/OACK. */
static size_t build(uint8_t *buf, size_t cap, uint16_t op, const char *const *fields, size_t n)
{
	struct writer w = writer_init(buf, cap);
	size_t i;

	write_u16(&w, op);
	for (i = 0; i < n; i++)
		write_cstr(&w, fields[i]);
	assert_true(writer_ok(&w));
	return writer_len(&w);
}

#define BUILD(buf, op, ...) \
	build(buf, sizeof buf, op, (const char *const[]){ __VA_ARGS__ }, \
	      sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* Decodes a copy of exactly len bytes, so ASan sees any read past the end. */
static int decode_exact(int (*dec)(const uint8_t *, size_t, void *), const uint8_t *pkt,
			size_t len, void *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, pkt, len);
	rc = dec(copy, len, out);
	free(copy);
	return rc;
}

/* Each decoder behind one signature, for decode_exact() and assert_prefixes(). */
#define DECODER(name, fn) \
	static int name(const uint8_t *p, size_t n, void *out) \
	{ \
		return fn(p, n, out); \
	}
DECODER(dec_request, tftp_request_decode)
DECODER(dec_data, tftp_data_decode)
DECODER(dec_ack, tftp_ack_decode)
DECODER(dec_error, tftp_error_decode)
DECODER(dec_oack, tftp_oack_decode)

static void assert_option(const struct tftp_options *o, enum tftp_opt id, uint64_t value)
{
	assert_true(o->opt[id].present);
	assert_true(o->opt[id].valid);
	assert_false(o->opt[id].repeated);
	assert_true(o->opt[id].value == value);
}

static void assert_option_invalid(const struct tftp_options *o, enum tftp_opt id)
{
	assert_true(o->opt[id].present);
	assert_false(o->opt[id].valid);
}

/* -------------------------------------------- vectors from real PXE boots */

/* /work/shared/captures/bios-e1000.pcapng frame 7: iPXE asks for pxelinux.0. */
static const char ipxe_rrq_pxelinux[] =
	"00017078656c696e75782e30006f6374657400626c6b73697a650031343332007473697a65003000";
/* uefi-virtio.pcapng frame 7: iPXE EFI asks for syslinux.efi. */
static const char ipxe_rrq_syslinux_efi[] =
	"00017379736c696e75782e656669006f6374657400626c6b73697a650031343332007473697a65003000";

/* pxelinux 6.04 / syslinux.efi: "tsize 0, blksize 1408", in that order. */
static const struct {
	const char *hex;
	const char *filename;
} pxelinux_rrqs[] = {
	{ "00016c646c696e75782e633332006f63746574007473697a65003000626c6b73697a65003134303800",
	  "ldlinux.c32" },
	{ "00016c646c696e75782e653634006f63746574007473697a65003000626c6b73697a65003134303800",
	  "ldlinux.e64" },
	{ "00017078656c696e75782e6366672f30312d35322d35342d30302d65322d65302d3031006f6374657400"
	  "7473697a65003000626c6b73697a65003134303800", "pxelinux.cfg/01-52-54-00-e2-e0-01" },
	{ "00017078656c696e75782e6366672f3041344430303844006f63746574007473697a65003000626c6b73"
	  "697a65003134303800", "pxelinux.cfg/0A4D008D" },
	{ "00017078656c696e75782e6366672f30006f63746574007473697a65003000626c6b73697a6500313430"
	  "3800", "pxelinux.cfg/0" },
	{ "00017078656c696e75782e6366672f64656661756c74006f63746574007473697a65003000626c6b7369"
	  "7a65003134303800", "pxelinux.cfg/default" },
	{ "0001766d6c696e757a006f63746574007473697a65003000626c6b73697a65003134303800",
	  "vmlinuz" },
	{ "0001696e697472642e696d67006f63746574007473697a65003000626c6b73697a65003134303800",
	  "initrd.img" },
};

/* dnsmasq 2.90's OACKs to those requests. */
static const struct {
	const char *hex;
	uint64_t blksize, tsize;
} dnsmasq_oacks[] = {
	{ "0006626c6b73697a650031343332007473697a6500343234333000", 1432, 42430 },
	{ "0006626c6b73697a650031343038007473697a650031313935323400", 1408, 119524 },
	{ "0006626c6b73697a650031343038007473697a650033373900", 1408, 379 },
	{ "0006626c6b73697a650031343038007473697a65003832343732333200", 1408, 8247232 },
	{ "0006626c6b73697a650031343038007473697a65003235363934303500", 1408, 2569405 },
};

/* bios-e1000.pcapng frame 18: dnsmasq's "not found" for a pxelinux.cfg miss. */
static const char dnsmasq_error[] =
	"0005000166696c65202f776f726b2f7374656572696e672f6532652f63616368652f72756e732f3230"
	"3236313132352d3030343433322d333730312d62696f732d65313030302f74667470626f6f742f7078"
	"656c696e75782e6366672f30312d35322d35342d30302d65322d65302d3031206e6f7420666f756e64"
	"20666f722031302e37372e302e31343100";

static void test_capture_ipxe_requests_decode(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	n = unhex(ipxe_rrq_pxelinux, pkt, sizeof pkt);
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_int_equal(req.opcode, TFTP_RRQ);
	assert_string_equal(req.filename, "pxelinux.0");
	assert_int_equal(req.mode, TFTP_MODE_OCTET);
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1432);
	assert_option(&req.options, TFTP_OPT_TSIZE, 0);
	assert_false(req.options.opt[TFTP_OPT_TIMEOUT].present);
	assert_false(req.options.opt[TFTP_OPT_WINDOWSIZE].present);
	assert_int_equal(req.options.unknown, 0);

	n = unhex(ipxe_rrq_syslinux_efi, pkt, sizeof pkt);
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_string_equal(req.filename, "syslinux.efi");
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1432);
	assert_option(&req.options, TFTP_OPT_TSIZE, 0);
}

static void test_capture_pxelinux_requests_decode(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof pxelinux_rrqs / sizeof pxelinux_rrqs[0]; i++) {
		n = unhex(pxelinux_rrqs[i].hex, pkt, sizeof pkt);
		assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
		assert_int_equal(req.opcode, TFTP_RRQ);
		assert_string_equal(req.filename, pxelinux_rrqs[i].filename);
		assert_int_equal(req.mode, TFTP_MODE_OCTET);
		assert_string_equal(req.mode_name, "octet");
		assert_option(&req.options, TFTP_OPT_BLKSIZE, 1408);
		assert_option(&req.options, TFTP_OPT_TSIZE, 0);
	}
}

/* Our encoder lists blksize before tsize, as iPXE does, so iPXE's request
 * comes out byte for byte. */
static void test_capture_ipxe_request_reencodes_identically(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128], out[600];
	size_t n;
	int len;

	(void)state;
	n = unhex(ipxe_rrq_pxelinux, pkt, sizeof pkt);
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	len = tftp_request_encode(&req, out, sizeof out);
	assert_int_equal(len, (int)n);
	assert_memory_equal(out, pkt, n);
}

static void test_capture_dnsmasq_oacks_decode_and_reencode_identically(void **state)
{
	struct tftp_options o;
	uint8_t pkt[64], out[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof dnsmasq_oacks / sizeof dnsmasq_oacks[0]; i++) {
		n = unhex(dnsmasq_oacks[i].hex, pkt, sizeof pkt);
		assert_int_equal(tftp_packet_opcode(pkt, n), TFTP_OACK);
		assert_int_equal(tftp_oack_decode(pkt, n, &o), 0);
		assert_option(&o, TFTP_OPT_BLKSIZE, dnsmasq_oacks[i].blksize);
		assert_option(&o, TFTP_OPT_TSIZE, dnsmasq_oacks[i].tsize);
		assert_false(o.opt[TFTP_OPT_TIMEOUT].present);
		assert_false(o.opt[TFTP_OPT_WINDOWSIZE].present);
		assert_int_equal(tftp_oack_encode(&o, out, sizeof out), (int)n);
		assert_memory_equal(out, pkt, n);
	}
}

static void test_capture_dnsmasq_error_decodes(void **state)
{
	struct tftp_error err;
	uint8_t pkt[256], out[600];
	size_t n;

	(void)state;
	n = unhex(dnsmasq_error, pkt, sizeof pkt);
	assert_int_equal(tftp_packet_opcode(pkt, n), TFTP_ERROR);
	assert_int_equal(tftp_error_decode(pkt, n, &err), 0);
	assert_int_equal(err.code, TFTP_ENOTFOUND);
	assert_string_equal(err.message,
			    "file /work/steering/e2e/cache/runs/20261125-004432-3701-bios-e1000/"
			    "tftpboot/pxelinux.cfg/01-52-54-00-e2-e0-01 not found for 10.77.0.141");
	assert_int_equal(tftp_error_encode(err.code, err.message, out, sizeof out), (int)n);
	assert_memory_equal(out, pkt, n);
}

static void test_capture_acks_decode(void **state)
{
	static const char *const acks[] = { "00040000", "00040001", "00040002" };
	uint8_t pkt[4];
	uint16_t block;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(unhex(acks[i], pkt, sizeof pkt), 4);
		assert_int_equal(tftp_ack_decode(pkt, 4, &block), 0);
		assert_int_equal(block, i);
	}
}

/* ------------------------------------------------------------ round trips */

static void request_round_trip(const struct tftp_request *in)
{
	struct tftp_request out;
	uint8_t buf[TFTP_REQUEST_MAX];
	int len, i;

	len = tftp_request_encode(in, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(tftp_request_decode(buf, (size_t)len, &out), 0);
	assert_int_equal(out.opcode, in->opcode);
	assert_string_equal(out.filename, in->filename);
	assert_int_equal(out.mode, in->mode);
	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		assert_int_equal(out.options.opt[i].present, in->options.opt[i].present);
		if (in->options.opt[i].present)
			assert_option(&out.options, (enum tftp_opt)i, in->options.opt[i].value);
	}
}

static void test_request_round_trips(void **state)
{
	struct tftp_request req;

	(void)state;
	memset(&req, 0, sizeof req);
	req.opcode = TFTP_RRQ;
	req.mode = TFTP_MODE_OCTET;
	snprintf(req.filename, sizeof req.filename, "pxelinux.0");
	request_round_trip(&req);

	req.opcode = TFTP_WRQ;
	req.mode = TFTP_MODE_NETASCII;
	snprintf(req.filename, sizeof req.filename, "logs/boot.txt");
	req.options.opt[TFTP_OPT_BLKSIZE] = (struct tftp_option){ true, true, false, 65464 };
	req.options.opt[TFTP_OPT_TIMEOUT] = (struct tftp_option){ true, true, false, 255 };
	req.options.opt[TFTP_OPT_TSIZE] = (struct tftp_option){ true, true, false, UINT64_MAX };
	req.options.opt[TFTP_OPT_WINDOWSIZE] = (struct tftp_option){ true, true, false, 65535 };
	request_round_trip(&req);

	req.opcode = TFTP_RRQ;
	req.options.opt[TFTP_OPT_TSIZE].value = 0;
	req.options.opt[TFTP_OPT_TIMEOUT].present = false;
	request_round_trip(&req);
}

static void test_request_encode_refuses_more_than_512_octets(void **state)
{
	struct tftp_request req;
	uint8_t buf[2048];

	(void)state;
	memset(&req, 0, sizeof req);
	req.opcode = TFTP_RRQ;
	req.mode = TFTP_MODE_OCTET;
	/* 2 + 503 + NUL + "octet" NUL = 512: the most RFC 2347 allows */
	memset(req.filename, 'a', 503);
	assert_int_equal(tftp_request_encode(&req, buf, sizeof buf), 512);
	req.filename[503] = 'a';
	assert_int_equal(tftp_request_encode(&req, buf, sizeof buf), -EMSGSIZE);
	assert_int_equal(tftp_request_encode(&req, buf, 100), -ENOSPC);
}

static void test_request_encode_refuses_what_no_request_carries(void **state)
{
	struct tftp_request req;
	uint8_t buf[600];

	(void)state;
	memset(&req, 0, sizeof req);
	req.opcode = TFTP_DATA;
	req.mode = TFTP_MODE_OCTET;
	assert_int_equal(tftp_request_encode(&req, buf, sizeof buf), -EINVAL);
	req.opcode = TFTP_RRQ;
	req.mode = TFTP_MODE_UNKNOWN;
	assert_int_equal(tftp_request_encode(&req, buf, sizeof buf), -EINVAL);
	req.mode = TFTP_MODE_OCTET;
	memset(req.filename, 'x', sizeof req.filename);	/* no NUL */
	assert_int_equal(tftp_request_encode(&req, buf, sizeof buf), -EINVAL);
}

static void test_data_round_trips(void **state)
{
	static const uint16_t blocks[] = { 0, 1, 2, 65535 };
	static const size_t lens[] = { 0, 1, 511, 512, 1468, TFTP_BLKSIZE_MAX };
	static uint8_t payload[TFTP_BLKSIZE_MAX], buf[TFTP_PKT_MAX];
	struct tftp_data d;
	size_t i, j, k;
	int len;

	(void)state;
	for (k = 0; k < sizeof payload; k++)
		payload[k] = (uint8_t)(k * 7 + 3);
	for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
		for (j = 0; j < sizeof lens / sizeof lens[0]; j++) {
			len = tftp_data_encode(blocks[i], payload, lens[j], buf, sizeof buf);
			assert_int_equal(len, (int)(TFTP_DATA_HDR_LEN + lens[j]));
			assert_int_equal(tftp_packet_opcode(buf, (size_t)len), TFTP_DATA);
			assert_int_equal(decode_exact(dec_data, buf, (size_t)len, &d), 0);
			assert_int_equal(d.block, blocks[i]);
			assert_int_equal(d.len, lens[j]);
			/* payload points into the (freed) copy: check against buf instead */
			assert_int_equal(tftp_data_decode(buf, (size_t)len, &d), 0);
			assert_ptr_equal(d.payload, buf + TFTP_DATA_HDR_LEN);
			if (lens[j])
				assert_memory_equal(d.payload, payload, lens[j]);
		}
	}
}

/* A transfer reads the file straight into the packet after the header. */
static void test_data_encode_in_place_writes_only_the_header(void **state)
{
	uint8_t buf[TFTP_DATA_HDR_LEN + 8];
	struct tftp_data d;

	(void)state;
	memcpy(buf + TFTP_DATA_HDR_LEN, "ABCDEFGH", 8);
	assert_int_equal(tftp_data_encode(7, NULL, 8, buf, sizeof buf), 12);
	assert_int_equal(tftp_data_decode(buf, 12, &d), 0);
	assert_int_equal(d.block, 7);
	assert_int_equal(d.len, 8);
	assert_memory_equal(d.payload, "ABCDEFGH", 8);
	assert_int_equal(tftp_data_encode(7, NULL, 9, buf, sizeof buf), -ENOSPC);
}

static void test_data_beyond_max_blksize_refused(void **state)
{
	static uint8_t buf[TFTP_PKT_MAX + 1];
	struct tftp_data d;

	(void)state;
	assert_int_equal(tftp_data_encode(1, NULL, TFTP_BLKSIZE_MAX + 1, buf, sizeof buf), -EINVAL);
	assert_int_equal(tftp_data_encode(1, NULL, TFTP_BLKSIZE_MAX, buf, sizeof buf),
			 TFTP_PKT_MAX);
	assert_int_equal(tftp_data_decode(buf, TFTP_PKT_MAX, &d), 0);
	assert_int_equal(tftp_data_decode(buf, TFTP_PKT_MAX + 1, &d), -EBADMSG);
}

static void test_ack_round_trips(void **state)
{
	static const uint16_t blocks[] = { 0, 1, 255, 256, 65535 };
	uint8_t buf[4];
	uint16_t block;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
		assert_int_equal(tftp_ack_encode(blocks[i], buf, sizeof buf), 4);
		assert_int_equal(decode_exact(dec_ack, buf, 4, &block), 0);
		assert_int_equal(block, blocks[i]);
	}
	assert_int_equal(tftp_ack_encode(1, buf, 3), -ENOSPC);
}

static void test_ack_ignores_trailing_octets(void **state)
{
	static const uint8_t pkt[] = { 0, 4, 0x12, 0x34, 0, 0, 0, 0 };
	uint16_t block;

	(void)state;
	assert_int_equal(tftp_ack_decode(pkt, sizeof pkt, &block), 0);
	assert_int_equal(block, 0x1234);
}

static void test_error_round_trips(void **state)
{
	static const struct {
		uint16_t code;
		const char *msg;
	} cases[] = {
		{ TFTP_EUNDEF, "" },
		{ TFTP_ENOTFOUND, "File not found" },
		{ TFTP_EACCESS, "pxelinux.cfg/../../etc/shadow: outside the root" },
		{ TFTP_EOPTNEG, "option blksize given more than once" },
		{ 4242, "a code no RFC names" },
	};
	struct tftp_error err;
	uint8_t buf[TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX];
	size_t i;
	int len;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		len = tftp_error_encode(cases[i].code, cases[i].msg, buf, sizeof buf);
		assert_int_equal(len, (int)(5 + strlen(cases[i].msg)));
		assert_int_equal(decode_exact(dec_error, buf, (size_t)len, &err), 0);
		assert_int_equal(err.code, cases[i].code);
		assert_string_equal(err.message, cases[i].msg);
	}
}

static void test_error_without_message_uses_rfc_text(void **state)
{
	struct tftp_error err;
	uint8_t buf[64];
	int len;

	(void)state;
	len = tftp_error_encode(TFTP_ENOTFOUND, NULL, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(tftp_error_decode(buf, (size_t)len, &err), 0);
	assert_string_equal(err.message, "File not found");
	len = tftp_error_encode(TFTP_EOPTNEG, NULL, buf, sizeof buf);
	assert_int_equal(tftp_error_decode(buf, (size_t)len, &err), 0);
	assert_string_equal(err.message, tftp_error_text(TFTP_EOPTNEG));
	assert_string_equal(tftp_error_text(9), "Not defined");
	assert_string_equal(tftp_error_text(0xffff), "Not defined");
}

/* An ERROR never passes 516 octets, the classic client buffer. */
static void test_error_message_truncated_to_bound(void **state)
{
	char longmsg[2000];
	uint8_t buf[4096];
	struct tftp_error err;
	int len;

	(void)state;
	memset(longmsg, 'm', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	len = tftp_error_encode(TFTP_EACCESS, longmsg, buf, sizeof buf);
	assert_int_equal(len, TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX);
	assert_int_equal(buf[len - 1], 0);
	assert_int_equal(tftp_error_decode(buf, (size_t)len, &err), 0);
	assert_int_equal(strlen(err.message), TFTP_ERRMSG_MAX - 1);
	assert_int_equal(tftp_error_encode(TFTP_EACCESS, longmsg, buf, 100), -ENOSPC);
}

/* A peer's longer message is kept up to the bound, not refused. */
static void test_error_decode_truncates_long_message(void **state)
{
	static uint8_t pkt[4 + 1000 + 1];
	struct tftp_error err;

	(void)state;
	pkt[1] = TFTP_ERROR;
	pkt[3] = TFTP_EBADID;
	memset(pkt + 4, 'z', 1000);
	pkt[sizeof pkt - 1] = 0;
	assert_int_equal(decode_exact(dec_error, pkt, sizeof pkt, &err), 0);
	assert_int_equal(err.code, TFTP_EBADID);
	assert_int_equal(strlen(err.message), TFTP_ERRMSG_MAX - 1);
}

static void test_oack_round_trips(void **state)
{
	struct tftp_options in, out;
	uint8_t buf[128];
	int len, i;

	(void)state;
	memset(&in, 0, sizeof in);
	in.opt[TFTP_OPT_BLKSIZE] = (struct tftp_option){ true, true, false, 1468 };
	in.opt[TFTP_OPT_TIMEOUT] = (struct tftp_option){ true, true, false, 1 };
	in.opt[TFTP_OPT_TSIZE] = (struct tftp_option){ true, true, false, 8247232 };
	in.opt[TFTP_OPT_WINDOWSIZE] = (struct tftp_option){ true, true, false, 16 };
	len = tftp_oack_encode(&in, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(decode_exact(dec_oack, buf, (size_t)len, &out), 0);
	for (i = 0; i < TFTP_OPT_COUNT; i++)
		assert_option(&out, (enum tftp_opt)i, in.opt[i].value);
	assert_int_equal(out.unknown, 0);

	memset(&in, 0, sizeof in);
	in.opt[TFTP_OPT_WINDOWSIZE] = (struct tftp_option){ true, true, false, 1 };
	len = tftp_oack_encode(&in, buf, sizeof buf);
	assert_int_equal(len, 2 + 11 + 2);
	assert_memory_equal(buf, "\0\6windowsize\0" "1", 15);
	assert_int_equal(tftp_oack_decode(buf, (size_t)len, &out), 0);
	assert_option(&out, TFTP_OPT_WINDOWSIZE, 1);
	assert_false(out.opt[TFTP_OPT_BLKSIZE].present);
}

/* RFC 2347: an OACK acknowledges options; with none there is nothing to send. */
static void test_oack_encode_without_options_refused(void **state)
{
	struct tftp_options o;
	uint8_t buf[64];

	(void)state;
	memset(&o, 0, sizeof o);
	o.unknown = 3;
	assert_int_equal(tftp_oack_encode(&o, buf, sizeof buf), -EINVAL);
	o.opt[TFTP_OPT_TSIZE] = (struct tftp_option){ true, true, false, 1 };
	assert_int_equal(tftp_oack_encode(&o, buf, 8), -ENOSPC);
	assert_int_equal(tftp_oack_encode(&o, buf, 10), 10);
}

/* --------------------------------------------------- truncation, NULs */

/* Every prefix of a packet either fails with -EBADMSG or, when it ends on a
 * field boundary that leaves a complete packet, decodes. */
static void assert_prefixes(int (*dec)(const uint8_t *, size_t, void *), void *out,
			    const uint8_t *pkt, size_t len, const size_t *ok, size_t nok)
{
	size_t n, i;
	bool expect_ok;
	int rc;

	for (n = 0; n <= len; n++) {
		expect_ok = false;
		for (i = 0; i < nok; i++)
			expect_ok |= ok[i] == n;
		rc = decode_exact(dec, pkt, n, out);
		if (expect_ok)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -EBADMSG);
	}
}

static void test_truncated_packets_fail_at_every_length(void **state)
{
	struct tftp_request req;
	struct tftp_options o;
	struct tftp_error err;
	struct tftp_data d;
	uint16_t block;
	uint8_t pkt[256];
	size_t n;

	(void)state;
	/* RRQ pxelinux.0 octet blksize 1432 tsize 0: complete after "octet\0"
	 * (19), after "1432\0" (32) and after "0\0" (40). */
	n = unhex(ipxe_rrq_pxelinux, pkt, sizeof pkt);
	assert_prefixes(dec_request, &req, pkt, n, (const size_t[]){ 19, 32, 40 }, 3);

	n = unhex(dnsmasq_oacks[0].hex, pkt, sizeof pkt);
	assert_prefixes(dec_oack, &o, pkt, n, (const size_t[]){ 2, 15, 27 }, 3);

	n = unhex(dnsmasq_error, pkt, sizeof pkt);
	assert_prefixes(dec_error, &err, pkt, n, (const size_t[]){ n }, 1);

	assert_int_equal(tftp_ack_encode(9, pkt, sizeof pkt), 4);
	assert_prefixes(dec_ack, &block, pkt, 4, (const size_t[]){ 4 }, 1);

	/* DATA: any length from the header on is a (shorter) block. */
	assert_int_equal(tftp_data_encode(9, "abcdef", 6, pkt, sizeof pkt), 10);
	assert_prefixes(dec_data, &d, pkt, 10, (const size_t[]){ 4, 5, 6, 7, 8, 9, 10 }, 7);

	assert_int_equal(tftp_packet_opcode(pkt, 0), -EBADMSG);
	assert_int_equal(tftp_packet_opcode(pkt, 1), -EBADMSG);
	assert_int_equal(tftp_packet_opcode(NULL, 0), -EBADMSG);
}

static void test_request_filename_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = { 0, 1, 'p', 'x', 'e' };
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt, &req), -EBADMSG);
}

static void test_request_mode_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = "\0\1pxelinux.0\0octet";
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt - 1, &req), -EBADMSG);
	/* and no mode at all */
	assert_int_equal(decode_exact(dec_request, pkt, 13, &req), -EBADMSG);
}

static void test_request_option_name_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = "\0\1pxelinux.0\0octet\0blksize";
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt - 1, &req), -EBADMSG);
}

static void test_request_option_without_value_refused(void **state)
{
	static const uint8_t pkt[] = "\0\1pxelinux.0\0octet\0blksize\0";
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt - 1, &req), -EBADMSG);
}

static void test_request_option_value_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = "\0\1pxelinux.0\0octet\0blksize\0" "1432";
	static const uint8_t unknown[] = "\0\1pxelinux.0\0octet\0multicast\0" "1";
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt - 1, &req), -EBADMSG);
	/* an unknown option still has to be well formed */
	assert_int_equal(decode_exact(dec_request, unknown, sizeof unknown - 1, &req), -EBADMSG);
}

static void test_error_message_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = "\0\5\0\1File not found";
	struct tftp_error err;

	(void)state;
	assert_int_equal(decode_exact(dec_error, pkt, sizeof pkt - 1, &err), -EBADMSG);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.message, "");
}

static void test_oack_value_without_nul_refused(void **state)
{
	static const uint8_t pkt[] = "\0\6tsize\0" "42";
	struct tftp_options o;

	(void)state;
	assert_int_equal(decode_exact(dec_oack, pkt, sizeof pkt - 1, &o), -EBADMSG);
}

/* --------------------------------------------------------------- opcodes */

static void test_unknown_opcode_refused_by_every_decoder(void **state)
{
	static const uint16_t bad[] = { 0, 7, 8, 0x0100, 0xffff };
	struct tftp_request req;
	struct tftp_options o;
	struct tftp_error err;
	struct tftp_data d;
	uint8_t pkt[32];
	uint16_t block;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = BUILD(pkt, bad[i], "pxelinux.0", "octet");
		assert_int_equal(tftp_packet_opcode(pkt, n), -EBADMSG);
		assert_int_equal(tftp_request_decode(pkt, n, &req), -EBADMSG);
		assert_int_equal(tftp_data_decode(pkt, n, &d), -EBADMSG);
		assert_int_equal(tftp_ack_decode(pkt, n, &block), -EBADMSG);
		assert_int_equal(tftp_error_decode(pkt, n, &err), -EBADMSG);
		assert_int_equal(tftp_oack_decode(pkt, n, &o), -EBADMSG);
	}
}

static void test_each_decoder_refuses_other_kinds(void **state)
{
	struct tftp_request req;
	struct tftp_options o;
	struct tftp_error err;
	struct tftp_data d;
	uint8_t pkt[32];
	uint16_t block;
	size_t n;

	(void)state;
	n = BUILD(pkt, TFTP_RRQ, "f", "octet");
	assert_int_equal(tftp_packet_opcode(pkt, n), TFTP_RRQ);
	assert_int_equal(tftp_data_decode(pkt, n, &d), -EBADMSG);
	assert_int_equal(tftp_ack_decode(pkt, n, &block), -EBADMSG);
	assert_int_equal(tftp_error_decode(pkt, n, &err), -EBADMSG);
	assert_int_equal(tftp_oack_decode(pkt, n, &o), -EBADMSG);

	n = (size_t)tftp_ack_encode(3, pkt, sizeof pkt);
	assert_int_equal(tftp_request_decode(pkt, n, &req), -EBADMSG);
	assert_int_equal(tftp_data_decode(pkt, n, &d), -EBADMSG);

	n = (size_t)tftp_data_encode(3, "x", 1, pkt, sizeof pkt);
	assert_int_equal(tftp_ack_decode(pkt, n, &block), -EBADMSG);
	assert_int_equal(tftp_request_decode(pkt, n, &req), -EBADMSG);
}

/* ------------------------------------------------------------------ modes */

static void test_mode_is_case_insensitive(void **state)
{
	static const struct {
		const char *mode;
		enum tftp_mode want;
	} cases[] = {
		{ "octet", TFTP_MODE_OCTET },
		{ "OCTET", TFTP_MODE_OCTET },
		{ "oCtEt", TFTP_MODE_OCTET },
		{ "netascii", TFTP_MODE_NETASCII },
		{ "NetAscii", TFTP_MODE_NETASCII },
		{ "NETASCII", TFTP_MODE_NETASCII },
	};
	struct tftp_request req;
	uint8_t pkt[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = BUILD(pkt, TFTP_RRQ, "pxelinux.0", cases[i].mode);
		assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
		assert_int_equal(req.mode, cases[i].want);
		assert_string_equal(req.mode_name, cases[i].mode);
	}
}

/* RFC 1350 §1: mail is obsolete and should not be implemented. */
static void test_mail_mode_refused(void **state)
{
	struct tftp_request req;
	uint8_t pkt[64];
	size_t n;

	(void)state;
	n = BUILD(pkt, TFTP_WRQ, "root", "MAIL");
	assert_int_equal(tftp_request_decode(pkt, n, &req), -EOPNOTSUPP);
	assert_int_equal(req.mode, TFTP_MODE_MAIL);
	assert_string_equal(req.filename, "root");
	assert_string_equal(req.mode_name, "MAIL");
}

static void test_unknown_mode_refused(void **state)
{
	static const char *const modes[] = {
		"binary", "", "octet ", "octe", "netascii\x01", "octetoctetoctetoctetoctet",
	};
	struct tftp_request req;
	uint8_t pkt[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		n = BUILD(pkt, TFTP_RRQ, "pxelinux.0", modes[i]);
		assert_int_equal(tftp_request_decode(pkt, n, &req), -EOPNOTSUPP);
		assert_int_equal(req.mode, TFTP_MODE_UNKNOWN);
		assert_string_equal(req.filename, "pxelinux.0");
	}
}

/* -------------------------------------------------------------- filenames */

static void test_filename_at_bound_accepted_longer_refused(void **state)
{
	static uint8_t pkt[2 + TFTP_FILENAME_MAX + 1 + 6];
	struct tftp_request req;
	size_t n;

	(void)state;
	memset(pkt, 'a', sizeof pkt);
	pkt[0] = 0;
	pkt[1] = TFTP_RRQ;
	/* TFTP_FILENAME_MAX - 1 octets: fits with its NUL */
	n = 2 + TFTP_FILENAME_MAX - 1;
	pkt[n] = 0;
	memcpy(pkt + n + 1, "octet", 6);
	assert_int_equal(decode_exact(dec_request, pkt, n + 7, &req), 0);
	assert_int_equal(strlen(req.filename), TFTP_FILENAME_MAX - 1);

	pkt[n] = 'a';
	n++;
	pkt[n] = 0;
	memcpy(pkt + n + 1, "octet", 6);
	assert_int_equal(decode_exact(dec_request, pkt, n + 7, &req), -ENAMETOOLONG);
	assert_int_equal(strlen(req.filename), TFTP_FILENAME_MAX - 1);
	assert_int_equal(req.mode, TFTP_MODE_OCTET);
}

/* Path policy is tftpd/path.c's: the codec hands over the bytes as sent. */
static void test_filename_oddities_kept_as_data(void **state)
{
	static const char *const names[] = {
		"../../etc/passwd", "/tftpboot/pxelinux.0", "pxelinux.cfg\\default",
		"a//b/./c", "\x01\x7f\xff\xfe", "name with spaces", "", "%s%n%x",
	};
	struct tftp_request req;
	uint8_t pkt[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = BUILD(pkt, TFTP_RRQ, names[i], "octet");
		assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
		assert_string_equal(req.filename, names[i]);
	}
}

/* ---------------------------------------------------------------- options */

static void test_option_names_case_insensitive(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	n = BUILD(pkt, TFTP_RRQ, "f", "octet", "BLKSIZE", "1468", "TSize", "0", "TIMEOUT", "5",
		  "WindowSize", "16");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1468);
	assert_option(&req.options, TFTP_OPT_TSIZE, 0);
	assert_option(&req.options, TFTP_OPT_TIMEOUT, 5);
	assert_option(&req.options, TFTP_OPT_WINDOWSIZE, 16);
	assert_int_equal(req.options.unknown, 0);
}

/* RFC 2347: unknown options are ignored, never an error. */
static void test_unknown_options_counted_and_skipped(void **state)
{
	static char longname[300], longvalue[300];
	struct tftp_request req;
	uint8_t pkt[1024];
	size_t n;

	(void)state;
	memset(longname, 'n', sizeof longname - 1);
	memset(longvalue, '9', sizeof longvalue - 1);
	n = BUILD(pkt, TFTP_RRQ, "f", "octet", "multicast", "", "rollover", "1", "blksize2",
		  "4096", longname, longvalue, "blksizeX", "1", "blksize", "1432", "utimeout",
		  "100000");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_int_equal(req.options.unknown, 6);
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1432);
	assert_false(req.options.opt[TFTP_OPT_TSIZE].present);
}

static void test_option_values_must_be_plain_decimal(void **state)
{
	static const char *const bad[] = {
		"", " 1432", "1432 ", "+1432", "-1", "0x10", "1432abc", "abc", "14\t32", "1e3",
	};
	struct tftp_request req;
	uint8_t pkt[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = BUILD(pkt, TFTP_RRQ, "f", "octet", "blksize", bad[i]);
		assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
		assert_option_invalid(&req.options, TFTP_OPT_BLKSIZE);
	}
	n = BUILD(pkt, TFTP_RRQ, "f", "octet", "blksize", "0001432");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1432);
}

static void test_option_value_overflow_invalid(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	n = BUILD(pkt, TFTP_WRQ, "f", "octet", "tsize", "18446744073709551615");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_option(&req.options, TFTP_OPT_TSIZE, UINT64_MAX);

	n = BUILD(pkt, TFTP_WRQ, "f", "octet", "tsize", "18446744073709551616");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_option_invalid(&req.options, TFTP_OPT_TSIZE);

	n = BUILD(pkt, TFTP_RRQ, "f", "octet", "blksize", "99999999999999999999999999999999");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_option_invalid(&req.options, TFTP_OPT_BLKSIZE);
}

/* The codec keeps the first value and flags the repeat; negotiate.c decides. */
static void test_repeated_option_flagged_first_value_kept(void **state)
{
	struct tftp_request req;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	n = BUILD(pkt, TFTP_RRQ, "f", "octet", "blksize", "1024", "BlkSize", "512", "tsize", "0");
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	assert_true(req.options.opt[TFTP_OPT_BLKSIZE].repeated);
	assert_true(req.options.opt[TFTP_OPT_BLKSIZE].value == 1024);
	assert_false(req.options.opt[TFTP_OPT_TSIZE].repeated);
}

/* Some clients pad requests with NULs; like tftp-hpa, an empty option name
 * ends the list. */
static void test_trailing_nul_padding_ends_options(void **state)
{
	static const uint8_t pkt[] = "\0\1f\0octet\0blksize\0" "1432\0\0\0\0";
	struct tftp_request req;

	(void)state;
	assert_int_equal(decode_exact(dec_request, pkt, sizeof pkt - 1, &req), 0);
	assert_option(&req.options, TFTP_OPT_BLKSIZE, 1432);
	assert_int_equal(decode_exact(dec_request, pkt, 10, &req), 0); /* "octet\0" */
}

/* ---------------------------------------------------------- block numbers */

static void test_block_next_rolls_over_to_zero(void **state)
{
	(void)state;
	assert_int_equal(tftp_block_next(0), 1);
	assert_int_equal(tftp_block_next(1), 2);
	assert_int_equal(tftp_block_next(65534), 65535);
	assert_int_equal(tftp_block_next(65535), 0);
}

static void test_block_unwrap_follows_rollover(void **state)
{
	(void)state;
	assert_true(tftp_block_unwrap(0, 0) == 0);
	assert_true(tftp_block_unwrap(0, 1) == 1);
	assert_true(tftp_block_unwrap(65535, 0) == 65536);
	assert_true(tftp_block_unwrap(65536, 65535) == 65535);
	assert_true(tftp_block_unwrap(65536, 0) == 65536);
	assert_true(tftp_block_unwrap(65540, 2) == 65538);	/* an ACK behind */
	assert_true(tftp_block_unwrap(131071, 15) == 131087);	/* a window ahead */
	/* nothing comes before block 0: a wire 65535 at the start is 65535 */
	assert_true(tftp_block_unwrap(0, 65535) == 65535);
	assert_true(tftp_block_unwrap(10, 65530) == 65530);
	assert_true(tftp_block_unwrap(40000, 7232) == 7232);
	assert_true(tftp_block_unwrap(40000, 7231) == 72767);
}

static void test_names_of_options_and_modes(void **state)
{
	(void)state;
	assert_string_equal(tftp_option_name(TFTP_OPT_BLKSIZE), "blksize");
	assert_string_equal(tftp_option_name(TFTP_OPT_WINDOWSIZE), "windowsize");
	assert_null(tftp_option_name(TFTP_OPT_COUNT));
	assert_string_equal(tftp_mode_name(TFTP_MODE_OCTET), "octet");
	assert_string_equal(tftp_mode_name(TFTP_MODE_NETASCII), "netascii");
	assert_null(tftp_mode_name(TFTP_MODE_UNKNOWN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_ipxe_requests_decode),
		cmocka_unit_test(test_capture_pxelinux_requests_decode),
		cmocka_unit_test(test_capture_ipxe_request_reencodes_identically),
		cmocka_unit_test(test_capture_dnsmasq_oacks_decode_and_reencode_identically),
		cmocka_unit_test(test_capture_dnsmasq_error_decodes),
		cmocka_unit_test(test_capture_acks_decode),
		cmocka_unit_test(test_request_round_trips),
		cmocka_unit_test(test_request_encode_refuses_more_than_512_octets),
		cmocka_unit_test(test_request_encode_refuses_what_no_request_carries),
		cmocka_unit_test(test_data_round_trips),
		cmocka_unit_test(test_data_encode_in_place_writes_only_the_header),
		cmocka_unit_test(test_data_beyond_max_blksize_refused),
		cmocka_unit_test(test_ack_round_trips),
		cmocka_unit_test(test_ack_ignores_trailing_octets),
		cmocka_unit_test(test_error_round_trips),
		cmocka_unit_test(test_error_without_message_uses_rfc_text),
		cmocka_unit_test(test_error_message_truncated_to_bound),
		cmocka_unit_test(test_error_decode_truncates_long_message),
		cmocka_unit_test(test_oack_round_trips),
		cmocka_unit_test(test_oack_encode_without_options_refused),
		cmocka_unit_test(test_truncated_packets_fail_at_every_length),
		cmocka_unit_test(test_request_filename_without_nul_refused),
		cmocka_unit_test(test_request_mode_without_nul_refused),
		cmocka_unit_test(test_request_option_name_without_nul_refused),
		cmocka_unit_test(test_request_option_without_value_refused),
		cmocka_unit_test(test_request_option_value_without_nul_refused),
		cmocka_unit_test(test_error_message_without_nul_refused),
		cmocka_unit_test(test_oack_value_without_nul_refused),
		cmocka_unit_test(test_unknown_opcode_refused_by_every_decoder),
		cmocka_unit_test(test_each_decoder_refuses_other_kinds),
		cmocka_unit_test(test_mode_is_case_insensitive),
		cmocka_unit_test(test_mail_mode_refused),
		cmocka_unit_test(test_unknown_mode_refused),
		cmocka_unit_test(test_filename_at_bound_accepted_longer_refused),
		cmocka_unit_test(test_filename_oddities_kept_as_data),
		cmocka_unit_test(test_option_names_case_insensitive),
		cmocka_unit_test(test_unknown_options_counted_and_skipped),
		cmocka_unit_test(test_option_values_must_be_plain_decimal),
		cmocka_unit_test(test_option_value_overflow_invalid),
		cmocka_unit_test(test_repeated_option_flagged_first_value_kept),
		cmocka_unit_test(test_trailing_nul_padding_ends_options),
		cmocka_unit_test(test_block_next_rolls_over_to_zero),
		cmocka_unit_test(test_block_unwrap_follows_rollover),
		cmocka_unit_test(test_names_of_options_and_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
