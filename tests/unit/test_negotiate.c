/* Unit tests for tftpd/negotiate.c: what the OACK grants for real PXE
 * requests and for every out-of-range value the RFCs allow a client to send. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "buf.h"
#include "negotiate.h"
#include "tftp_pkt.h"

/* ---------------------------------------------------------------- helpers */

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

/* Decodes opcode + fields (filename, mode, name, value, ...) into req. */
static void request(struct tftp_request *req, uint16_t op, const char *const *fields, size_t n)
{
	uint8_t buf[1024];
	struct writer w = writer_init(buf, sizeof buf);
	size_t i;

	write_u16(&w, op);
	for (i = 0; i < n; i++)
		write_cstr(&w, fields[i]);
	assert_true(writer_ok(&w));
	assert_int_equal(tftp_request_decode(buf, writer_len(&w), req), 0);
}

#define REQUEST(req, op, ...) \
	request(req, op, (const char *const[]){ __VA_ARGS__ }, \
		sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* A server as pxe-tftpd would run it on a 1500-octet IPv4 LAN. */
static struct negotiate_limits lan(void)
{
	struct negotiate_limits lim = {
		.blksize_max = TFTP_BLKSIZE_MAX,
		.blksize_mtu = negotiate_blksize_for_mtu(1500, AF_INET),
		.timeout_min = 1,
		.timeout_max = 255,
		.windowsize_max = 64,
		.tsize_known = true,
		.tsize = 42430,
	};

	return lim;
}

/* Negotiation that must succeed. */
static void negotiate(const struct tftp_request *req, const struct negotiate_limits *lim,
		      struct negotiate_result *res)
{
	assert_int_equal(negotiate_options(req, lim, res), 0);
	assert_null(res->error);
	assert_int_equal(res->send_oack, tftp_options_any(&res->oack));
}

static void assert_granted(const struct negotiate_result *res, enum tftp_opt id, uint64_t v)
{
	assert_true(res->oack.opt[id].present);
	assert_true(res->oack.opt[id].value == v);
}

static void assert_not_granted(const struct negotiate_result *res, enum tftp_opt id)
{
	assert_false(res->oack.opt[id].present);
}

/* What a transfer without an OACK uses: RFC 1350 as written. */
static void assert_plain_rfc1350(const struct negotiate_result *res)
{
	assert_false(res->send_oack);
	assert_false(tftp_options_any(&res->oack));
	assert_int_equal(res->blksize, TFTP_BLKSIZE_DEFAULT);
	assert_int_equal(res->windowsize, 1);
	assert_int_equal(res->timeout, 0);
}

/* ---------------------------------------- real requests from the captures */

/* bios-e1000.pcapng frame 7 (iPXE) and frame 12 (pxelinux), and dnsmasq's
 * OACKs to them in frames 8 and 13: pxesuite's OACK must be the same bytes. */
static void test_capture_requests_get_the_oack_dnsmasq_sent(void **state)
{
	static const struct {
		const char *rrq, *oack;
		uint64_t size;
	} cases[] = {
		{ "00017078656c696e75782e30006f6374657400626c6b73697a650031343332007473697a"
		  "65003000",
		  "0006626c6b73697a650031343332007473697a6500343234333000", 42430 },
		{ "00016c646c696e75782e633332006f63746574007473697a65003000626c6b73697a6500"
		  "3134303800",
		  "0006626c6b73697a650031343038007473697a650031313935323400", 119524 },
		{ "0001766d6c696e757a006f63746574007473697a65003000626c6b73697a650031343038"
		  "00",
		  "0006626c6b73697a650031343038007473697a65003832343732333200", 8247232 },
	};
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	uint8_t pkt[128], want[64], out[64];
	size_t i, n, nwant;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = unhex(cases[i].rrq, pkt, sizeof pkt);
		nwant = unhex(cases[i].oack, want, sizeof want);
		assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
		lim.tsize = cases[i].size;
		negotiate(&req, &lim, &res);
		assert_true(res.send_oack);
		assert_int_equal(tftp_oack_encode(&res.oack, out, sizeof out), (int)nwant);
		assert_memory_equal(out, want, nwant);
		assert_int_equal(res.windowsize, 1);
		assert_int_equal(res.timeout, 0);
	}
}

static void test_capture_pxelinux_request_gets_1408_under_mtu_cap(void **state)
{
	static const char rrq[] =
		"00017078656c696e75782e6366672f64656661756c74006f63746574007473697a65003000"
		"626c6b73697a65003134303800";
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	n = unhex(rrq, pkt, sizeof pkt);
	assert_int_equal(tftp_request_decode(pkt, n, &req), 0);
	lim.tsize = 379;
	negotiate(&req, &lim, &res);
	assert_int_equal(res.blksize, 1408);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1408);
	assert_granted(&res, TFTP_OPT_TSIZE, 379);
	assert_not_granted(&res, TFTP_OPT_TIMEOUT);
	assert_not_granted(&res, TFTP_OPT_WINDOWSIZE);
}

/* ---------------------------------------------------------------- blksize */

static void test_blksize_for_mtu(void **state)
{
	(void)state;
	assert_int_equal(negotiate_blksize_for_mtu(1500, AF_INET), 1468);
	assert_int_equal(negotiate_blksize_for_mtu(1500, AF_INET6), 1448);
	assert_int_equal(negotiate_blksize_for_mtu(9000, AF_INET), 8968);
	assert_int_equal(negotiate_blksize_for_mtu(576, AF_INET), 544);
	assert_int_equal(negotiate_blksize_for_mtu(1280, AF_INET6), 1228);
	/* loopback's 65536 is past what RFC 2348 allows */
	assert_int_equal(negotiate_blksize_for_mtu(65536, AF_INET), TFTP_BLKSIZE_MAX);
	assert_int_equal(negotiate_blksize_for_mtu(20, AF_INET), TFTP_BLKSIZE_MIN);
	assert_int_equal(negotiate_blksize_for_mtu(0, AF_INET), 0);
	assert_int_equal(negotiate_blksize_for_mtu(1500, AF_UNIX), 0);
}

static void test_blksize_capped_by_mtu(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "vmlinuz", "octet", "blksize", "65464");
	negotiate(&req, &lim, &res);
	assert_int_equal(res.blksize, 1468);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1468);

	lim.blksize_mtu = negotiate_blksize_for_mtu(1500, AF_INET6);
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1448);

	/* MTU unknown: only the configured maximum caps */
	lim.blksize_mtu = 0;
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 65464);
}

static void test_blksize_capped_by_configured_max(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.blksize_max = 1024;
	REQUEST(&req, TFTP_RRQ, "vmlinuz", "octet", "blksize", "1432");
	negotiate(&req, &lim, &res);
	assert_int_equal(res.blksize, 1024);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1024);

	/* a configured max past RFC 2348's counts as 65464 */
	lim.blksize_max = 100000;
	lim.blksize_mtu = 0;
	REQUEST(&req, TFTP_RRQ, "vmlinuz", "octet", "blksize", "65535");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_BLKSIZE, TFTP_BLKSIZE_MAX);
}

static void test_blksize_below_caps_echoed(void **state)
{
	static const char *const sizes[] = { "8", "512", "1408", "1432", "1468" };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", sizes[i]);
		negotiate(&req, &lim, &res);
		assert_granted(&res, TFTP_OPT_BLKSIZE, strtoull(sizes[i], NULL, 10));
		assert_int_equal(res.blksize, strtoull(sizes[i], NULL, 10));
	}
}

/* RFC 2348: valid values are 8..65464 and the answer may not exceed the
 * request, so nothing can be answered to 7: the option is left out. */
static void test_blksize_below_8_not_granted(void **state)
{
	static const char *const sizes[] = { "0", "1", "7" };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", sizes[i]);
		negotiate(&req, &lim, &res);
		assert_plain_rfc1350(&res);
	}
}

/* Past 65464 the RFC's range is exceeded, but any answer up to the request
 * is allowed: the client gets the server's largest. */
static void test_blksize_above_65464_capped(void **state)
{
	static const char *const sizes[] = { "65465", "65535", "65536", "4294967296",
					     "18446744073709551615" };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	lim.blksize_mtu = 0;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", sizes[i]);
		negotiate(&req, &lim, &res);
		assert_granted(&res, TFTP_OPT_BLKSIZE, TFTP_BLKSIZE_MAX);
		assert_int_equal(res.blksize, TFTP_BLKSIZE_MAX);
	}
}

static void test_blksize_not_a_number_not_granted(void **state)
{
	static const char *const values[] = {
		"", "abc", " 1432", "+1432", "-1432", "0x5b8", "1432abc", "1432 ",
		"99999999999999999999999",	/* past 64 bits */
	};
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", values[i]);
		negotiate(&req, &lim, &res);
		assert_plain_rfc1350(&res);
	}
}

static void test_blksize_never_granted_when_disabled(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.blksize_max = 0;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", "1432", "tsize", "0");
	negotiate(&req, &lim, &res);
	assert_not_granted(&res, TFTP_OPT_BLKSIZE);
	assert_int_equal(res.blksize, TFTP_BLKSIZE_DEFAULT);
	assert_granted(&res, TFTP_OPT_TSIZE, 42430);
	lim.blksize_max = 7;
	negotiate(&req, &lim, &res);
	assert_not_granted(&res, TFTP_OPT_BLKSIZE);
}

/* ------------------------------------------------------------------ tsize */

static void test_tsize_rrq_answered_with_file_size(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "initrd.img", "octet", "tsize", "0");
	lim.tsize = 2569405;
	negotiate(&req, &lim, &res);
	assert_true(res.send_oack);
	assert_granted(&res, TFTP_OPT_TSIZE, 2569405);
	lim.tsize = UINT64_MAX;
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TSIZE, UINT64_MAX);
}

/* curl abandons a transfer whose OACK says "tsize 0"; an empty file gets
 * no tsize, and with no other option no OACK at all. */
static void test_tsize_of_empty_file_is_left_out(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "empty", "octet", "tsize", "0");
	lim.tsize = 0;
	negotiate(&req, &lim, &res);
	assert_false(res.oack.opt[TFTP_OPT_TSIZE].present);
	assert_false(res.send_oack);
}

/* RFC 2349: an RRQ carries "0"; anything else is not a question we answer. */
static void test_tsize_rrq_must_be_zero(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "tsize", "42430");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
	REQUEST(&req, TFTP_RRQ, "f", "octet", "tsize", "x");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
	REQUEST(&req, TFTP_RRQ, "f", "octet", "tsize", "000");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TSIZE, 42430);
}

static void test_tsize_rrq_unknown_size_not_granted(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.tsize_known = false;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "tsize", "0", "blksize", "1408");
	negotiate(&req, &lim, &res);
	assert_not_granted(&res, TFTP_OPT_TSIZE);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1408);
}

/* The size on disk is not the count netascii sends. */
static void test_tsize_netascii_rrq_not_granted(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "ks.cfg", "netascii", "tsize", "0");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
	REQUEST(&req, TFTP_RRQ, "ks.cfg", "NETASCII", "tsize", "0", "blksize", "1024");
	negotiate(&req, &lim, &res);
	assert_not_granted(&res, TFTP_OPT_TSIZE);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1024);
}

/* RFC 2349: a WRQ gives the size and the OACK echoes it. */
static void test_tsize_wrq_echoed(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.tsize_known = false;
	REQUEST(&req, TFTP_WRQ, "upload.bin", "octet", "tsize", "1048576");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TSIZE, 1048576);
	REQUEST(&req, TFTP_WRQ, "upload.txt", "netascii", "tsize", "0");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TSIZE, 0);
	REQUEST(&req, TFTP_WRQ, "upload.bin", "octet", "tsize", "-1");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
}

/* ---------------------------------------------------------------- timeout */

/* RFC 2349: 1..255, and the OACK must carry the client's own value. */
static void test_timeout_in_range_echoed(void **state)
{
	static const char *const values[] = { "1", "5", "255" };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", values[i]);
		negotiate(&req, &lim, &res);
		assert_granted(&res, TFTP_OPT_TIMEOUT, strtoull(values[i], NULL, 10));
		assert_int_equal(res.timeout, strtoull(values[i], NULL, 10));
	}
}

static void test_timeout_out_of_range_not_granted(void **state)
{
	static const char *const values[] = { "0", "256", "1000", "18446744073709551615", "1s" };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	lim.timeout_max = 100000;	/* a config past the RFC does not widen it */
	lim.timeout_min = 0;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", values[i]);
		negotiate(&req, &lim, &res);
		assert_plain_rfc1350(&res);
	}
}

/* The server cannot offer another timeout, so one it dislikes is left out. */
static void test_timeout_outside_server_range_not_granted(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.timeout_min = 2;
	lim.timeout_max = 10;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", "1");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
	REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", "11");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
	REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", "10");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TIMEOUT, 10);

	lim.timeout_min = lim.timeout_max = 0;
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
}

/* ------------------------------------------------------------- windowsize */

static void test_windowsize_granted_up_to_cap(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "16");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, 16);
	assert_int_equal(res.windowsize, 16);

	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "1");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, 1);

	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "65535");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, 64);
	assert_int_equal(res.windowsize, 64);

	/* past RFC 7440's 65535: still answered with no more than asked */
	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "70000");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, 64);
	lim.windowsize_max = 1000000;
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, TFTP_WINDOWSIZE_MAX);
}

static void test_windowsize_zero_or_junk_not_granted(void **state)
{
	static const char *const values[] = { "0", "", "sixteen", "16 " };
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", values[i]);
		negotiate(&req, &lim, &res);
		assert_plain_rfc1350(&res);
	}
}

static void test_windowsize_never_granted_when_disabled(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	lim.windowsize_max = 0;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "16");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);
}

/* ------------------------------------------------------- the OACK as whole */

/* RFC 2347: unknown options are ignored, never an error. */
static void test_unknown_options_ignored(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "multicast", "", "rollover", "0", "blksize2", "4096",
		"utimeout", "10000");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);

	REQUEST(&req, TFTP_RRQ, "f", "octet", "multicast", "", "blksize", "1432");
	negotiate(&req, &lim, &res);
	assert_true(res.send_oack);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1432);
	assert_int_equal(res.oack.unknown, 0);
}

/* RFC 2347: with no option accepted there is no OACK; the transfer starts
 * as RFC 1350 (DATA 1 for an RRQ, ACK 0 for a WRQ). */
static void test_oack_only_when_an_option_is_accepted(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);

	REQUEST(&req, TFTP_RRQ, "f", "netascii", "blksize", "4", "timeout", "0", "tsize", "0",
		"windowsize", "0");
	negotiate(&req, &lim, &res);
	assert_plain_rfc1350(&res);

	REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", "4", "timeout", "0", "tsize", "0",
		"windowsize", "0");
	negotiate(&req, &lim, &res);
	assert_true(res.send_oack);
	assert_granted(&res, TFTP_OPT_TSIZE, 42430);
	assert_not_granted(&res, TFTP_OPT_BLKSIZE);
}

/* RFC 2347: the OACK never carries an option the client did not ask for. */
static void test_oack_carries_only_requested_options(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", "3");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_TIMEOUT, 3);
	assert_not_granted(&res, TFTP_OPT_BLKSIZE);
	assert_not_granted(&res, TFTP_OPT_TSIZE);
	assert_not_granted(&res, TFTP_OPT_WINDOWSIZE);
	assert_int_equal(res.blksize, TFTP_BLKSIZE_DEFAULT);
	assert_int_equal(res.windowsize, 1);
}

static void test_all_options_granted_together(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	uint8_t buf[128];
	struct tftp_options back;
	int len;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "WINDOWSIZE", "8", "Timeout", "2", "TSIZE", "0",
		"BlkSize", "9000");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 1468);
	assert_granted(&res, TFTP_OPT_TIMEOUT, 2);
	assert_granted(&res, TFTP_OPT_TSIZE, 42430);
	assert_granted(&res, TFTP_OPT_WINDOWSIZE, 8);
	len = tftp_oack_encode(&res.oack, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(tftp_oack_decode(buf, (size_t)len, &back), 0);
	assert_true(back.opt[TFTP_OPT_BLKSIZE].value == 1468);
	assert_true(back.opt[TFTP_OPT_WINDOWSIZE].value == 8);
}

/* RFC 2347: "an option may only be specified once"; a repeat is refused with
 * ERROR 8 rather than guessing which value the client will use. */
static void test_repeated_option_refused_with_error_8(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;
	uint8_t buf[128];
	struct tftp_error err;
	int len;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "blksize", "1432", "BLKSIZE", "1432");
	assert_int_equal(negotiate_options(&req, &lim, &res), -EPROTO);
	assert_string_equal(res.error, "option blksize given more than once");
	assert_false(res.send_oack);
	len = tftp_error_encode(TFTP_EOPTNEG, res.error, buf, sizeof buf);
	assert_int_equal(tftp_error_decode(buf, (size_t)len, &err), 0);
	assert_int_equal(err.code, 8);

	/* even when the first value was unusable */
	REQUEST(&req, TFTP_RRQ, "f", "octet", "tsize", "x", "tsize", "0");
	assert_int_equal(negotiate_options(&req, &lim, &res), -EPROTO);
	assert_string_equal(res.error, "option tsize given more than once");

	REQUEST(&req, TFTP_RRQ, "f", "octet", "windowsize", "4", "WindowSize", "8");
	assert_int_equal(negotiate_options(&req, &lim, &res), -EPROTO);
	REQUEST(&req, TFTP_RRQ, "f", "octet", "timeout", "4", "timeout", "4");
	assert_int_equal(negotiate_options(&req, &lim, &res), -EPROTO);
}

/* Unknown options are ignored whole, repeats included. */
static void test_repeated_unknown_option_ignored(void **state)
{
	struct negotiate_limits lim = lan();
	struct negotiate_result res;
	struct tftp_request req;

	(void)state;
	REQUEST(&req, TFTP_RRQ, "f", "octet", "multicast", "", "multicast", "", "blksize", "512");
	negotiate(&req, &lim, &res);
	assert_granted(&res, TFTP_OPT_BLKSIZE, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_requests_get_the_oack_dnsmasq_sent),
		cmocka_unit_test(test_capture_pxelinux_request_gets_1408_under_mtu_cap),
		cmocka_unit_test(test_blksize_for_mtu),
		cmocka_unit_test(test_blksize_capped_by_mtu),
		cmocka_unit_test(test_blksize_capped_by_configured_max),
		cmocka_unit_test(test_blksize_below_caps_echoed),
		cmocka_unit_test(test_blksize_below_8_not_granted),
		cmocka_unit_test(test_blksize_above_65464_capped),
		cmocka_unit_test(test_blksize_not_a_number_not_granted),
		cmocka_unit_test(test_blksize_never_granted_when_disabled),
		cmocka_unit_test(test_tsize_rrq_answered_with_file_size),
		cmocka_unit_test(test_tsize_of_empty_file_is_left_out),
		cmocka_unit_test(test_tsize_rrq_must_be_zero),
		cmocka_unit_test(test_tsize_rrq_unknown_size_not_granted),
		cmocka_unit_test(test_tsize_netascii_rrq_not_granted),
		cmocka_unit_test(test_tsize_wrq_echoed),
		cmocka_unit_test(test_timeout_in_range_echoed),
		cmocka_unit_test(test_timeout_out_of_range_not_granted),
		cmocka_unit_test(test_timeout_outside_server_range_not_granted),
		cmocka_unit_test(test_windowsize_granted_up_to_cap),
		cmocka_unit_test(test_windowsize_zero_or_junk_not_granted),
		cmocka_unit_test(test_windowsize_never_granted_when_disabled),
		cmocka_unit_test(test_unknown_options_ignored),
		cmocka_unit_test(test_oack_only_when_an_option_is_accepted),
		cmocka_unit_test(test_oack_carries_only_requested_options),
		cmocka_unit_test(test_all_options_granted_together),
		cmocka_unit_test(test_repeated_option_refused_with_error_8),
		cmocka_unit_test(test_repeated_unknown_option_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
