/* Tests of the DHCPv4 message codec (common/dhcp_msg.c): real captures from
 * iPXE, syslinux.efi, udhcpc and dnsmasq, and hand-made edge cases. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "captures.h"
#include "dhcp_msg.h"

/* ---------------------------------------------------------------- helpers */

static int decode_hex(const char *hex, struct dhcp_msg *m)
{
	size_t len;
	uint8_t *p = capture_bytes(hex, &len);
	int rc = dhcp_msg_decode(p, len, m);

	free(p);
	return rc;
}

static struct dhcp_msg *new_msg(void)
{
	struct dhcp_msg *m = malloc(sizeof *m);

	assert_non_null(m);
	dhcp_msg_init(m);
	return m;
}

/* A BOOTREQUEST (xid 0x01020304, chaddr 52:54:00:12:34:56) with the given
 * options field, and sname/file bytes when not NULL.  Returns its length. */
static size_t make_pkt(uint8_t *pkt, const uint8_t *opts, size_t optlen,
		       const uint8_t *sname, size_t snlen, const uint8_t *file, size_t flen)
{
	static const uint8_t mac[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memset(pkt, 0, DHCP_OPTIONS_OFFSET);
	pkt[0] = BOOTREQUEST;
	pkt[1] = 1;
	pkt[2] = 6;
	pkt[4] = 1, pkt[5] = 2, pkt[6] = 3, pkt[7] = 4;
	memcpy(&pkt[28], mac, sizeof mac);
	if (sname)
		memcpy(&pkt[44], sname, snlen);
	if (file)
		memcpy(&pkt[108], file, flen);
	pkt[236] = 99, pkt[237] = 130, pkt[238] = 83, pkt[239] = 99;
	memcpy(&pkt[240], opts, optlen);
	return DHCP_OPTIONS_OFFSET + optlen;
}

/* make_pkt copied to an exact-size heap block and decoded. */
static int decode_made(const uint8_t *opts, size_t optlen, const uint8_t *sname, size_t snlen,
		       const uint8_t *file, size_t flen, struct dhcp_msg *m)
{
	uint8_t buf[DHCP_MSG_MAX_LEN];
	size_t len = make_pkt(buf, opts, optlen, sname, snlen, file, flen);
	uint8_t *p = malloc(len);
	int rc;

	assert_non_null(p);
	memcpy(p, buf, len);
	rc = dhcp_msg_decode(p, len, m);
	free(p);
	return rc;
}

static void assert_opt(const struct dhcp_msg *m, uint8_t code, const void *val, size_t len)
{
	size_t got = 0;
	const uint8_t *v = dhcp_msg_get(m, code, &got);

	assert_non_null(v);
	assert_int_equal(got, len);
	if (len)
		assert_memory_equal(v, val, len);
}

static void assert_opt_str(const struct dhcp_msg *m, uint8_t code, const char *s)
{
	assert_opt(m, code, s, strlen(s));
}

/* The option codes of the options field of an encoded packet, in order, up
 * to END; 52's neighbours included. */
static size_t field_codes(const uint8_t *pkt, size_t start, size_t end, uint8_t *codes)
{
	size_t n = 0;

	for (size_t i = start; i < end && pkt[i] != OPT_END;) {
		if (pkt[i] == OPT_PAD) {
			i++;
			continue;
		}
		codes[n++] = pkt[i];
		i += 2 + (size_t)pkt[i + 1];
	}
	return n;
}

/* ---------------------------------------------------------------- captures */

static void test_ipxe_bios_discover_decodes(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119,
				       128, 129, 130, 131, 132, 133, 134, 135, 175, 203 };
	static const uint8_t mac[] = { 0x52, 0x54, 0x00, 0xe2, 0xe0, 0x01 };
	static const uint8_t cid[] = { 0x01, 0x52, 0x54, 0x00, 0xe2, 0xe0, 0x01 };
	static const uint8_t ndi[] = { 0x01, 0x02, 0x01 };
	struct dhcp_msg *m = new_msg();
	uint16_t v16;
	size_t len;

	(void)state;
	assert_int_equal(decode_hex(ipxe_bios_discover_hex, m), 0);
	assert_null(m->error);
	assert_int_equal(m->op, BOOTREQUEST);
	assert_int_equal(m->htype, 1);
	assert_int_equal(m->hlen, 6);
	assert_int_equal(m->xid, 0x5405a344);
	assert_int_equal(m->secs, 4);
	assert_int_equal(m->flags, 0);
	assert_memory_equal(m->chaddr, mac, sizeof mac);
	assert_int_equal(m->ciaddr.s_addr, 0);
	assert_string_equal(m->file, "");
	assert_int_equal(m->overload, 0);
	assert_int_equal(m->invalid, 0);

	assert_int_equal(dhcp_msg_type(m), DHCPDISCOVER);
	assert_true(dhcp_msg_get_u16(m, OPT_CLIENT_ARCH, &v16));
	assert_int_equal(v16, 0);
	assert_opt_str(m, OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	assert_opt_str(m, OPT_USER_CLASS, "iPXE");
	assert_opt(m, OPT_PARAM_REQUEST, prl, sizeof prl);
	assert_true(dhcp_msg_get_u16(m, OPT_MAX_MSG_SIZE, &v16));
	assert_int_equal(v16, 1472);
	assert_int_equal(dhcp_msg_max_reply_len(m), 1472 - 28);
	assert_opt(m, OPT_CLIENT_ID, cid, sizeof cid);
	assert_opt(m, OPT_CLIENT_NDI, ndi, sizeof ndi);
	assert_non_null(dhcp_msg_get(m, OPT_CLIENT_UUID, &len));
	assert_int_equal(len, 17);
	assert_non_null(dhcp_msg_get(m, OPT_ETHERBOOT, &len));
	assert_int_equal(len, 48);
	assert_int_equal(m->opts.count, 10);
	free(m);
}

static void test_ipxe_efi_discover_decodes(void **state)
{
	static const uint8_t ndi[] = { 0x01, 0x03, 0x0a };
	struct dhcp_msg *m = new_msg();
	uint16_t arch;

	(void)state;
	assert_int_equal(decode_hex(ipxe_efi_discover_hex, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPDISCOVER);
	assert_true(dhcp_msg_get_u16(m, OPT_CLIENT_ARCH, &arch));
	assert_int_equal(arch, 7);
	assert_opt_str(m, OPT_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003010");
	assert_opt_str(m, OPT_USER_CLASS, "iPXE");
	assert_opt(m, OPT_CLIENT_NDI, ndi, sizeof ndi);
	assert_int_equal(m->chaddr[5], 0x04);
	free(m);
}

static void test_ipxe_request_decodes(void **state)
{
	struct dhcp_msg *m = new_msg();
	struct in_addr ip;

	(void)state;
	assert_int_equal(decode_hex(ipxe_bios_request_hex, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPREQUEST);
	assert_true(dhcp_msg_get_ip(m, OPT_SERVER_ID, &ip));
	assert_int_equal(ip.s_addr, inet_addr("10.77.0.1"));
	assert_true(dhcp_msg_get_ip(m, OPT_REQUESTED_IP, &ip));
	assert_int_equal(ip.s_addr, inet_addr("10.77.0.141"));
	assert_int_equal(m->secs, 18);
	free(m);
}

static void test_syslinux_efi_discover_decodes(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6 };
	struct dhcp_msg *m = new_msg();
	uint16_t mms;

	(void)state;
	assert_int_equal(decode_hex(syslinux_efi_discover_hex, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPDISCOVER);
	assert_int_equal(m->flags, DHCP_FLAG_BROADCAST);
	assert_opt(m, OPT_PARAM_REQUEST, prl, sizeof prl);
	assert_true(dhcp_msg_get_u16(m, OPT_MAX_MSG_SIZE, &mms));
	assert_int_equal(mms, 65280);
	assert_int_equal(dhcp_msg_max_reply_len(m), 65280 - 28);
	assert_false(dhcp_msg_has(m, OPT_VENDOR_CLASS));
	assert_false(dhcp_msg_has(m, OPT_CLIENT_ARCH));
	assert_int_equal(m->opts.count, 3);
	free(m);
}

static void test_udhcpc_discover_with_padding_after_end_decodes(void **state)
{
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 28, 42, 66, 67 };
	struct dhcp_msg *m = new_msg();
	uint16_t mms;

	(void)state;
	assert_int_equal(decode_hex(udhcpc_discover_hex, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPDISCOVER);
	assert_opt_str(m, OPT_VENDOR_CLASS, "udhcp 1.35.0");
	assert_opt_str(m, OPT_HOST_NAME, "e2e-guest");
	assert_opt(m, OPT_PARAM_REQUEST, prl, sizeof prl);
	assert_true(dhcp_msg_get_u16(m, OPT_MAX_MSG_SIZE, &mms));
	assert_int_equal(mms, 576);
	assert_int_equal(dhcp_msg_max_reply_len(m), 548);
	assert_false(dhcp_msg_has(m, OPT_CLIENT_ARCH));
	free(m);
}

static void test_dnsmasq_offer_decodes(void **state)
{
	struct dhcp_msg *m = new_msg();
	uint32_t lease;
	struct in_addr ip;

	(void)state;
	assert_int_equal(decode_hex(dnsmasq_bios_offer_hex, m), 0);
	assert_int_equal(m->op, BOOTREPLY);
	assert_int_equal(dhcp_msg_type(m), DHCPOFFER);
	assert_int_equal(m->yiaddr.s_addr, inet_addr("10.77.0.141"));
	assert_int_equal(m->siaddr.s_addr, inet_addr("10.77.0.1"));
	assert_true(dhcp_msg_get_ip(m, OPT_SERVER_ID, &ip));
	assert_int_equal(ip.s_addr, inet_addr("10.77.0.1"));
	assert_true(dhcp_msg_get_u32(m, OPT_LEASE_TIME, &lease));
	assert_int_equal(lease, 3600);
	/* dnsmasq NUL-terminates option 67. */
	assert_opt(m, OPT_BOOTFILE, "pxelinux.0", 11);
	free(m);
}

static void test_dnsmasq_offer_boot_file_in_file_field(void **state)
{
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_hex(dnsmasq_syslinux_offer_hex, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPOFFER);
	assert_string_equal(m->file, "pxelinux.0");
	assert_string_equal(m->sname, "");
	assert_false(dhcp_msg_has(m, OPT_BOOTFILE));
	free(m);
}

static void test_capture_options_print_for_logs(void **state)
{
	struct dhcp_msg *m = new_msg();
	char buf[2048];

	(void)state;
	assert_int_equal(decode_hex(ipxe_bios_discover_hex, m), 0);
	assert_string_equal(dhcp_msg_format_opts(m, buf, sizeof buf),
		"53=DISCOVER 57=1472 93=0 94=01:02:01 60=PXEClient:Arch:00000:UNDI:002001 "
		"77=iPXE 55=1,3,6,7,12,15,17,26,43,60,66,67,119,128,129,130,131,132,133,134,"
		"135,175,203 175={177=01:80:86:10:0e,235=01:00:00,23=01,34=01,19=01,17=01,"
		"39=01,25=01,41=01,16=02,33=01,21=01,24=01,18=01} 61=01:52:54:00:e2:e0:01 "
		"97=00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
	assert_int_equal(decode_hex(dnsmasq_udhcpc_ack_hex, m), 0);
	assert_string_equal(dhcp_msg_format_opts(m, buf, sizeof buf),
		"53=ACK 54=10.77.0.1 51=3600 67=\"pxelinux.0\\x00\" 58=1800 59=3150 "
		"1=255.255.255.0 28=10.77.0.255 3=10.77.0.1 12=e2e-guest");
	free(m);
}

/* ---------------------------------------------------------------- framing */

/* Where a prefix of a packet is still whole: right after an option (a
 * missing END is tolerated) or anywhere after END. */
static bool whole_at(const uint8_t *pkt, size_t len, size_t cut)
{
	size_t i = DHCP_OPTIONS_OFFSET;

	if (cut < DHCP_OPTIONS_OFFSET)
		return false;
	while (i < cut) {
		if (pkt[i] == OPT_END)
			return true;
		if (pkt[i] == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 1 >= cut)
			return false;
		i += 2 + (size_t)pkt[i + 1];
	}
	(void)len;
	return i == cut;
}

static void test_truncated_packets_fail_cleanly_at_every_length(void **state)
{
	const char *vectors[] = { ipxe_bios_discover_hex, udhcpc_discover_hex,
				  syslinux_efi_discover_hex, dnsmasq_bios_offer_hex };
	struct dhcp_msg *m = new_msg();

	(void)state;
	for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
		size_t len;
		uint8_t *full = capture_bytes(vectors[v], &len);

		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *p = malloc(cut ? cut : 1);
			int rc;

			memcpy(p, full, cut);
			rc = dhcp_msg_decode(cut ? p : NULL, cut, m);
			if (whole_at(full, len, cut)) {
				assert_int_equal(rc, 0);
			} else {
				assert_int_equal(rc, -EBADMSG);
				assert_non_null(m->error);
			}
			free(p);
		}
		free(full);
	}
	free(m);
}

static void test_packet_longer_than_max_rejected(void **state)
{
	uint8_t *pkt = calloc(1, DHCP_MSG_MAX_LEN + 1);
	struct dhcp_msg *m = new_msg();
	uint8_t end = OPT_END;

	(void)state;
	make_pkt(pkt, &end, 1, NULL, 0, NULL, 0);
	assert_int_equal(dhcp_msg_decode(pkt, DHCP_MSG_MAX_LEN, m), 0);
	assert_int_equal(dhcp_msg_decode(pkt, DHCP_MSG_MAX_LEN + 1, m), -EMSGSIZE);
	free(pkt);
	free(m);
}

static void test_bad_magic_cookie_rejected(void **state)
{
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_msg *m = new_msg();
	uint8_t end = OPT_END;
	size_t len = make_pkt(pkt, &end, 1, NULL, 0, NULL, 0);

	(void)state;
	assert_int_equal(dhcp_msg_decode(pkt, len, m), 0);
	pkt[239] = 98;
	assert_int_equal(dhcp_msg_decode(pkt, len, m), -EBADMSG);
	assert_string_equal(m->error, "bad magic cookie");
	free(m);
}

static void test_hlen_over_16_rejected(void **state)
{
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_msg *m = new_msg();
	uint8_t end = OPT_END;
	size_t len = make_pkt(pkt, &end, 1, NULL, 0, NULL, 0);

	(void)state;
	pkt[2] = 16;
	assert_int_equal(dhcp_msg_decode(pkt, len, m), 0);
	assert_int_equal(m->hlen, 16);
	pkt[2] = 17;
	assert_int_equal(dhcp_msg_decode(pkt, len, m), -EBADMSG);
	pkt[2] = 255;
	assert_int_equal(dhcp_msg_decode(pkt, len, m), -EBADMSG);
	free(m);
}

static void test_option_running_past_the_end_rejected(void **state)
{
	static const uint8_t past[] = { 53, 1, 1, 12, 5, 'a', 'b' };
	static const uint8_t no_len[] = { 53, 1, 1, 12 };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(past, sizeof past, NULL, 0, NULL, 0, m), -EBADMSG);
	assert_int_equal(decode_made(no_len, sizeof no_len, NULL, 0, NULL, 0, m), -EBADMSG);
	free(m);
}

static void test_pad_options_skipped(void **state)
{
	static const uint8_t opts[] = { 0, 0, 53, 1, 3, 0, 0, 0, 12, 2, 'p', 'c', 0, OPT_END };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), 0);
	assert_int_equal(m->opts.count, 2);
	assert_int_equal(dhcp_msg_type(m), DHCPREQUEST);
	assert_opt_str(m, OPT_HOST_NAME, "pc");
	assert_false(dhcp_msg_has(m, OPT_PAD));
	free(m);
}

/* RFC 2131 §4.1 asks for END, but ISC dhcpd and dnsmasq serve packets that
 * end right after their last option; so do we. */
static void test_missing_end_tolerated(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, 61, 7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t opts_empty[] = { 0 };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), 0);
	assert_int_equal(dhcp_msg_type(m), DHCPDISCOVER);
	assert_true(dhcp_msg_has(m, OPT_CLIENT_ID));
	assert_int_equal(decode_made(opts_empty, 0, NULL, 0, NULL, 0, m), 0);
	assert_int_equal(m->opts.count, 0);
	assert_int_equal(dhcp_msg_type(m), 0);
	free(m);
}

static void test_bytes_after_end_ignored(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, OPT_END, 12, 200, 'x', 52, 1, 9 };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), 0);
	assert_int_equal(m->opts.count, 1);
	assert_int_equal(m->overload, 0);
	free(m);
}

/* ---------------------------------------------------------------- overload */

static void test_overload_into_file(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, 52, 1, 1, OPT_END };
	static const uint8_t file[] = { 12, 4, 'h', 'o', 's', 't', OPT_END };
	static const uint8_t sname[] = { 's', 'r', 'v' };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, file, sizeof file, m),
			 0);
	assert_int_equal(m->overload, DHCP_OVERLOAD_FILE);
	assert_opt_str(m, OPT_HOST_NAME, "host");
	assert_string_equal(m->file, "");
	assert_string_equal(m->sname, "srv");
	free(m);
}

static void test_overload_into_sname(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, 52, 1, 2, OPT_END };
	static const uint8_t sname[] = { 0, 15, 3, 'l', 'a', 'b', OPT_END };
	static const uint8_t file[] = { 'b', 'o', 'o', 't' };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, file, sizeof file, m),
			 0);
	assert_int_equal(m->overload, DHCP_OVERLOAD_SNAME);
	assert_opt_str(m, OPT_DOMAIN_NAME, "lab");
	assert_string_equal(m->sname, "");
	assert_string_equal(m->file, "boot");
	free(m);
}

/* RFC 3396 §5: the aggregate buffer is options, then file, then sname. */
static void test_overload_both_concatenates_options_file_sname_in_order(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, 52, 1, 3, 17, 2, 'a', 'b', OPT_END };
	static const uint8_t file[] = { 17, 2, 'c', 'd', 12, 1, 'h', OPT_END };
	static const uint8_t sname[] = { 17, 2, 'e', 'f', OPT_END };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, file, sizeof file, m),
			 0);
	assert_int_equal(m->overload, DHCP_OVERLOAD_BOTH);
	assert_opt_str(m, OPT_ROOT_PATH, "abcdef");
	assert_opt_str(m, OPT_HOST_NAME, "h");
	assert_string_equal(m->file, "");
	assert_string_equal(m->sname, "");
	free(m);
}

static void test_overload_field_not_named_is_not_read(void **state)
{
	/* Overload says file only: option-like bytes in sname are a name. */
	static const uint8_t opts[] = { 52, 1, 1, OPT_END };
	static const uint8_t sname[] = { 12, 3, 'a', 'b', 'c' };
	static const uint8_t file[] = { OPT_END };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, file, sizeof file, m),
			 0);
	assert_false(dhcp_msg_has(m, OPT_HOST_NAME));
	assert_string_equal(m->sname, "\x0c\x03" "abc");
	free(m);
}

static void test_overload_value_out_of_range_rejected(void **state)
{
	static const uint8_t values[] = { 0, 4, 255 };
	struct dhcp_msg *m = new_msg();

	(void)state;
	for (size_t i = 0; i < sizeof values; i++) {
		uint8_t opts[] = { 53, 1, 1, 52, 1, values[i], OPT_END };

		assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), -EBADMSG);
		assert_string_equal(m->error, "bad option 52 (overload)");
	}
	free(m);
}

static void test_overload_bad_length_or_repeated_rejected(void **state)
{
	static const uint8_t two_bytes[] = { 52, 2, 1, 1, OPT_END };
	static const uint8_t empty[] = { 52, 0, OPT_END };
	static const uint8_t twice[] = { 52, 1, 1, 52, 1, 2, OPT_END };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(two_bytes, sizeof two_bytes, NULL, 0, NULL, 0, m), -EBADMSG);
	assert_int_equal(decode_made(empty, sizeof empty, NULL, 0, NULL, 0, m), -EBADMSG);
	assert_int_equal(decode_made(twice, sizeof twice, NULL, 0, NULL, 0, m), -EBADMSG);
	free(m);
}

static void test_overload_option_inside_overloaded_field_rejected_as_loop(void **state)
{
	static const uint8_t opts[] = { 53, 1, 1, 52, 1, 3, OPT_END };
	static const uint8_t in_file[] = { 52, 1, 2, OPT_END };
	static const uint8_t in_sname[] = { 52, 1, 1, OPT_END };
	static const uint8_t end[] = { OPT_END };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, end, 1, in_file, sizeof in_file, m),
			 -EBADMSG);
	assert_string_equal(m->error, "option 52 inside an overloaded field");
	assert_int_equal(decode_made(opts, sizeof opts, in_sname, sizeof in_sname, end, 1, m),
			 -EBADMSG);
	free(m);
}

static void test_option_cut_by_end_of_overloaded_field_rejected(void **state)
{
	static const uint8_t opts[] = { 52, 1, 2, OPT_END };
	uint8_t sname[DHCP_SNAME_LEN];
	struct dhcp_msg *m = new_msg();

	(void)state;
	/* 60 bytes of PAD, then an option whose value would cross into file. */
	memset(sname, 0, sizeof sname);
	sname[60] = 12, sname[61] = 5, sname[62] = 'a', sname[63] = 'b';
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, NULL, 0, m),
			 -EBADMSG);
	/* Ending exactly at the field's end, without END, is tolerated. */
	sname[61] = 2;
	assert_int_equal(decode_made(opts, sizeof opts, sname, sizeof sname, NULL, 0, m), 0);
	assert_opt_str(m, OPT_HOST_NAME, "ab");
	free(m);
}

/* ---------------------------------------------------------------- RFC 3396 */

static void test_split_options_concatenated_rfc3396(void **state)
{
	static const uint8_t opts[] = {
		60, 4, 'P', 'X', 'E', 'C', 53, 1, 1, 60, 5, 'l', 'i', 'e', 'n', 't',
		55, 2, 1, 3, 60, 0, 55, 1, 67, OPT_END,
	};
	static const uint8_t prl[] = { 1, 3, 67 };
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), 0);
	assert_opt_str(m, OPT_VENDOR_CLASS, "PXEClient");
	assert_opt(m, OPT_PARAM_REQUEST, prl, sizeof prl);
	/* Codes keep the order of their first instance. */
	assert_int_equal(m->opts.count, 3);
	assert_int_equal(m->opts.order[0], OPT_VENDOR_CLASS);
	assert_int_equal(m->opts.order[1], OPT_MSG_TYPE);
	assert_int_equal(m->opts.order[2], OPT_PARAM_REQUEST);
	free(m);
}

static void test_long_option_over_many_instances_concatenated(void **state)
{
	uint8_t opts[3 + 2 * 257 + 1];
	uint8_t want[500];
	size_t n = 0;
	struct dhcp_msg *m = new_msg();

	(void)state;
	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (uint8_t)i;
	opts[n++] = 53, opts[n++] = 1, opts[n++] = 1;
	opts[n++] = 43, opts[n++] = 255;
	memcpy(&opts[n], want, 255);
	n += 255;
	opts[n++] = 43, opts[n++] = 245;
	memcpy(&opts[n], &want[255], 245);
	n += 245;
	opts[n++] = OPT_END;
	assert_int_equal(decode_made(opts, n, NULL, 0, NULL, 0, m), 0);
	assert_opt(m, OPT_VENDOR_OPTS, want, sizeof want);
	free(m);
}

/* Concatenation makes two one-byte message types a two-byte value, which
 * the table refuses: the option is dropped and noted, the packet kept. */
static void test_invalid_option_values_dropped_and_noted(void **state)
{
	static const uint8_t opts[] = {
		53, 1, 1, 54, 3, 10, 0, 0, 12, 1, 'h', 19, 1, 2, 53, 1, 3, OPT_END,
	};
	struct dhcp_msg *m = new_msg();

	(void)state;
	assert_int_equal(decode_made(opts, sizeof opts, NULL, 0, NULL, 0, m), 0);
	assert_int_equal(m->invalid, 3);
	assert_int_equal(m->first_invalid, OPT_MSG_TYPE);
	assert_false(dhcp_msg_has(m, OPT_MSG_TYPE));
	assert_false(dhcp_msg_has(m, OPT_SERVER_ID));
	assert_false(dhcp_msg_has(m, 19));
	assert_opt_str(m, OPT_HOST_NAME, "h");
	assert_int_equal(m->opts.count, 1);
	assert_int_equal(dhcp_msg_type(m), 0);
	free(m);
}

/* ---------------------------------------------------------------- encode */

static struct dhcp_msg *discover_with_prl(const uint8_t *prl, size_t n, int mms)
{
	struct dhcp_msg *req = new_msg();

	req->op = BOOTREQUEST;
	req->htype = 1;
	req->hlen = 6;
	req->xid = 0xdeadbeef;
	req->flags = DHCP_FLAG_BROADCAST;
	memcpy(req->chaddr, "\x52\x54\x00\x12\x34\x56", 6);
	assert_int_equal(dhcp_msg_set_u8(req, OPT_MSG_TYPE, DHCPDISCOVER), 0);
	if (n)
		assert_int_equal(dhcp_msg_set(req, OPT_PARAM_REQUEST, prl, n), 0);
	if (mms)
		assert_int_equal(dhcp_msg_set_u16(req, OPT_MAX_MSG_SIZE, (uint16_t)mms), 0);
	return req;
}

/* An OFFER to req with server id, lease time, mask and router. */
static struct dhcp_msg *offer_to(const struct dhcp_msg *req)
{
	struct dhcp_msg *o = new_msg();

	dhcp_msg_init_reply(o, req, DHCPOFFER);
	o->yiaddr.s_addr = inet_addr("10.0.0.50");
	o->siaddr.s_addr = inet_addr("10.0.0.1");
	assert_int_equal(dhcp_msg_set_ip(o, OPT_SERVER_ID, o->siaddr), 0);
	assert_int_equal(dhcp_msg_set_u32(o, OPT_LEASE_TIME, 3600), 0);
	assert_int_equal(dhcp_msg_set(o, OPT_SUBNET_MASK, "\xff\xff\xff\x00", 4), 0);
	assert_int_equal(dhcp_msg_set(o, OPT_ROUTER, "\x0a\x00\x00\x01", 4), 0);
	return o;
}

static void test_encode_pads_reply_to_bootp_minimum(void **state)
{
	struct dhcp_msg *req = discover_with_prl(NULL, 0, 0);
	struct dhcp_msg *offer = offer_to(req);
	struct dhcp_msg *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];
	size_t end;

	(void)state;
	memset(buf, 0xee, sizeof buf);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.len, DHCP_BOOTP_MIN_LEN);
	assert_int_equal(res.overload, 0);
	/* 53, 54, 51, 1, 3 = 3 + 6 + 6 + 6 + 6 bytes, then END, then zeros. */
	end = DHCP_OPTIONS_OFFSET + 27;
	assert_int_equal(buf[end], OPT_END);
	for (size_t i = end + 1; i < res.len; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[res.len], 0xee);

	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_int_equal(back->op, BOOTREPLY);
	assert_int_equal(back->xid, 0xdeadbeef);
	assert_int_equal(back->flags, DHCP_FLAG_BROADCAST);
	assert_memory_equal(back->chaddr, req->chaddr, DHCP_CHADDR_LEN);
	assert_int_equal(back->yiaddr.s_addr, inet_addr("10.0.0.50"));
	assert_int_equal(dhcp_msg_type(back), DHCPOFFER);
	free(req);
	free(offer);
	free(back);
}

static void test_encode_writes_prl_order_after_message_type(void **state)
{
	static const uint8_t prl[] = { 67, 66, 3, 1, 200 };
	static const uint8_t want[] = { 53, 67, 66, 3, 1, 54, 51, 60 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 0);
	struct dhcp_msg *offer = offer_to(req);
	struct dhcp_encode_result res;
	uint8_t buf[1500], codes[64];

	(void)state;
	assert_int_equal(dhcp_msg_set(offer, OPT_TFTP_SERVER, "10.0.0.1", 8), 0);
	assert_int_equal(dhcp_msg_set(offer, OPT_BOOTFILE, "pxelinux.0", 10), 0);
	assert_int_equal(dhcp_msg_set(offer, OPT_VENDOR_CLASS, "PXEClient", 9), 0);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(field_codes(buf, DHCP_OPTIONS_OFFSET, res.len, codes), sizeof want);
	assert_memory_equal(codes, want, sizeof want);
	free(req);
	free(offer);
}

static void test_prl_of_255_codes_decodes_and_orders_reply(void **state)
{
	uint8_t opts[3 + 2 + 255 + 1], prl[255], buf[1500], codes[64];
	struct dhcp_msg *req = new_msg(), *offer;
	struct dhcp_encode_result res;
	size_t n = 0;

	(void)state;
	/* Every code, highest first. */
	for (size_t i = 0; i < sizeof prl; i++)
		prl[i] = (uint8_t)(255 - i);
	opts[n++] = 53, opts[n++] = 1, opts[n++] = 1;
	opts[n++] = 55, opts[n++] = 255;
	memcpy(&opts[n], prl, sizeof prl);
	n += sizeof prl;
	opts[n++] = OPT_END;
	assert_int_equal(decode_made(opts, n, NULL, 0, NULL, 0, req), 0);
	assert_opt(req, OPT_PARAM_REQUEST, prl, sizeof prl);

	offer = offer_to(req);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	n = field_codes(buf, DHCP_OPTIONS_OFFSET, res.len, codes);
	assert_int_equal(n, 5);
	assert_int_equal(codes[0], 53);
	assert_int_equal(codes[1], 54);
	assert_int_equal(codes[2], 51);
	assert_int_equal(codes[3], 3);
	assert_int_equal(codes[4], 1);
	free(req);
	free(offer);
}

/* Fills an option with n bytes of a repeated letter. */
static void set_filler(struct dhcp_msg *m, uint8_t code, size_t n, char c)
{
	char v[1024];

	memset(v, c, n);
	assert_int_equal(dhcp_msg_set(m, code, v, n), 0);
}

static void test_encode_respects_max_message_size(void **state)
{
	static const uint8_t prl[] = { 1, 3, 17, 15, 12 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 576);
	struct dhcp_msg *offer = offer_to(req), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	/* 27 + 202 + 102 = 331 bytes of options: more than the 307 that 548
	 * leaves, less than the 1203 that 1444 leaves. */
	set_filler(offer, OPT_ROOT_PATH, 200, 'r');
	set_filler(offer, OPT_DOMAIN_NAME, 100, 'd');
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_true(res.len <= 576 - 28);
	assert_int_not_equal(res.overload, 0);
	assert_int_equal(res.dropped, 0);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_int_equal(back->opts.count, 7 + 1);	/* and 52 */

	free(req);
	req = discover_with_prl(prl, sizeof prl, 1472);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.overload, 0);
	assert_int_equal(res.len, DHCP_OPTIONS_OFFSET + 331 + 1);
	/* A buffer smaller than the client allows wins. */
	assert_int_equal(dhcp_msg_encode(offer, req, buf, 560, &res), 0);
	assert_true(res.len <= 560);
	assert_int_not_equal(res.overload, 0);
	free(req);
	free(offer);
	free(back);
}

static void test_encode_overload_fills_file_then_sname(void **state)
{
	static const uint8_t prl[] = { 17, 15, 12, 14 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 0);
	struct dhcp_msg *offer = offer_to(req), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	set_filler(offer, OPT_ROOT_PATH, 250, 'r');	/* options field */
	set_filler(offer, OPT_DOMAIN_NAME, 100, 'd');	/* file */
	set_filler(offer, OPT_HOST_NAME, 50, 'h');	/* sname */
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_true(res.len <= 548);
	assert_int_equal(res.overload, DHCP_OVERLOAD_BOTH);
	assert_int_equal(buf[108], OPT_DOMAIN_NAME);	/* file starts with an option */
	assert_int_equal(buf[44], OPT_HOST_NAME);	/* so does sname */
	assert_int_equal(buf[DHCP_OPTIONS_OFFSET], OPT_MSG_TYPE);
	assert_int_equal(buf[DHCP_OPTIONS_OFFSET + 3], OPT_OVERLOAD);

	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_int_equal(back->overload, DHCP_OVERLOAD_BOTH);
	assert_non_null(dhcp_msg_get(back, OPT_ROOT_PATH, &len));
	assert_int_equal(len, 250);
	assert_non_null(dhcp_msg_get(back, OPT_DOMAIN_NAME, &len));
	assert_int_equal(len, 100);
	assert_non_null(dhcp_msg_get(back, OPT_HOST_NAME, &len));
	assert_int_equal(len, 50);
	free(req);
	free(offer);
	free(back);
}

static void test_encode_does_not_overload_a_used_file_field(void **state)
{
	static const uint8_t prl[] = { 17, 15 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 0);
	struct dhcp_msg *offer = offer_to(req), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	snprintf(offer->file, sizeof offer->file, "%s", "pxelinux.0");
	set_filler(offer, OPT_ROOT_PATH, 250, 'r');
	set_filler(offer, OPT_DOMAIN_NAME, 50, 'd');
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.overload, DHCP_OVERLOAD_SNAME);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_string_equal(back->file, "pxelinux.0");
	assert_true(dhcp_msg_has(back, OPT_DOMAIN_NAME));

	/* Both fields used: what does not fit is left out, not overloaded. */
	snprintf(offer->sname, sizeof offer->sname, "%s", "boot-server");
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.overload, 0);
	assert_int_equal(res.dropped, 1);
	assert_int_equal(res.first_dropped, OPT_DOMAIN_NAME);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_string_equal(back->sname, "boot-server");
	free(req);
	free(offer);
	free(back);
}

static void test_encode_leaves_out_unrequested_before_requested(void **state)
{
	static const uint8_t prl[] = { 15, 17 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 0);
	struct dhcp_msg *offer = offer_to(req), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	snprintf(offer->file, sizeof offer->file, "%s", "pxelinux.0");
	snprintf(offer->sname, sizeof offer->sname, "%s", "srv");
	set_filler(offer, OPT_HOST_NAME, 100, 'h');	/* unrequested, set first */
	set_filler(offer, OPT_DOMAIN_NAME, 100, 'd');
	set_filler(offer, OPT_ROOT_PATH, 100, 'r');
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.dropped, 1);
	assert_int_equal(res.first_dropped, OPT_HOST_NAME);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_true(dhcp_msg_has(back, OPT_DOMAIN_NAME));
	assert_true(dhcp_msg_has(back, OPT_ROOT_PATH));
	assert_true(dhcp_msg_has(back, OPT_SUBNET_MASK));
	assert_false(dhcp_msg_has(back, OPT_HOST_NAME));
	free(req);
	free(offer);
	free(back);
}

static void test_encode_fails_when_essential_options_cannot_fit(void **state)
{
	struct dhcp_msg *req = discover_with_prl(NULL, 0, 0);
	struct dhcp_msg *offer = offer_to(req);
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	set_filler(offer, OPT_RELAY_AGENT, 300, 'x');
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), -EMSGSIZE);
	free(req);
	free(offer);
}

static void test_encode_splits_long_option_into_255_byte_instances(void **state)
{
	struct dhcp_msg *req = discover_with_prl((const uint8_t *)"\x2b", 1, 1472);
	struct dhcp_msg *offer = offer_to(req), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500], want[300];
	size_t i = DHCP_OPTIONS_OFFSET + 3;	/* after 53 */

	(void)state;
	for (size_t k = 0; k < sizeof want; k++)
		want[k] = (uint8_t)(k % 7);
	assert_int_equal(dhcp_msg_set(offer, OPT_VENDOR_OPTS, want, sizeof want), 0);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(buf[i], OPT_VENDOR_OPTS);
	assert_int_equal(buf[i + 1], 255);
	assert_int_equal(buf[i + 2 + 255], OPT_VENDOR_OPTS);
	assert_int_equal(buf[i + 2 + 255 + 1], 45);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_opt(back, OPT_VENDOR_OPTS, want, sizeof want);
	free(req);
	free(offer);
	free(back);
}

static void test_relay_agent_option_echoed_byte_exact(void **state)
{
	/* RFC 3046: circuit id "eth0:12", remote id 6 bytes, and an unknown
	 * sub-option the server must not touch. */
	static const uint8_t rai[] = { 1, 7, 'e', 't', 'h', '0', ':', '1', '2',
				       2, 6, 0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc,
				       151, 3, 0, 0xff, 0 };
	static const uint8_t prl[] = { 1, 3, 82 };
	struct dhcp_msg *req = discover_with_prl(prl, sizeof prl, 0);
	struct dhcp_msg *offer, *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];
	size_t end;

	(void)state;
	req->giaddr.s_addr = inet_addr("192.0.2.1");
	req->hops = 1;
	assert_int_equal(dhcp_msg_set(req, OPT_RELAY_AGENT, rai, sizeof rai), 0);
	offer = offer_to(req);
	assert_int_equal(offer->giaddr.s_addr, inet_addr("192.0.2.1"));
	assert_int_equal(offer->hops, 0);
	assert_opt(offer, OPT_RELAY_AGENT, rai, sizeof rai);
	assert_int_equal(dhcp_msg_set(offer, OPT_DOMAIN_NAME, "lab", 3), 0);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);

	/* Last option before END, its bytes exactly as the relay sent them. */
	for (end = DHCP_OPTIONS_OFFSET; buf[end] != OPT_END; end += 2 + buf[end + 1])
		;
	assert_int_equal(buf[end - sizeof rai - 2], OPT_RELAY_AGENT);
	assert_int_equal(buf[end - sizeof rai - 1], sizeof rai);
	assert_memory_equal(&buf[end - sizeof rai], rai, sizeof rai);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_opt(back, OPT_RELAY_AGENT, rai, sizeof rai);
	assert_int_equal(back->giaddr.s_addr, inet_addr("192.0.2.1"));
	free(req);
	free(offer);
	free(back);
}

static void test_encode_bootp_reply_is_300_bytes(void **state)
{
	struct dhcp_msg *req = new_msg(), *reply = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	req->op = BOOTREQUEST;
	req->hlen = 6;
	dhcp_msg_init_reply(reply, req, 0);
	assert_false(dhcp_msg_has(reply, OPT_MSG_TYPE));
	assert_int_equal(dhcp_msg_max_reply_len(req), 300);
	assert_int_equal(dhcp_msg_set(reply, OPT_SUBNET_MASK, "\xff\xff\xff\x00", 4), 0);
	set_filler(reply, OPT_ROOT_PATH, 100, 'r');	/* cannot fit in 64-byte vend */
	assert_int_equal(dhcp_msg_encode(reply, req, buf, sizeof buf, &res), 0);
	assert_int_equal(res.len, 300);
	assert_int_equal(res.overload, DHCP_OVERLOAD_FILE);
	free(req);
	free(reply);
}

static void test_encode_rejects_buffer_under_300_and_big_hlen(void **state)
{
	struct dhcp_msg *req = discover_with_prl(NULL, 0, 0);
	struct dhcp_msg *offer = offer_to(req);
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	assert_int_equal(dhcp_msg_encode(offer, req, buf, 299, &res), -ENOBUFS);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, 300, &res), 0);
	offer->hlen = 17;
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), -EINVAL);
	free(req);
	free(offer);
}

static void test_max_reply_len_follows_option_57(void **state)
{
	struct dhcp_msg *req = discover_with_prl(NULL, 0, 0);

	(void)state;
	assert_int_equal(dhcp_msg_max_reply_len(NULL), 548);
	assert_int_equal(dhcp_msg_max_reply_len(req), 548);
	assert_int_equal(dhcp_msg_set_u16(req, OPT_MAX_MSG_SIZE, 300), 0);
	assert_int_equal(dhcp_msg_max_reply_len(req), 548);	/* below 576: 576 */
	assert_int_equal(dhcp_msg_set_u16(req, OPT_MAX_MSG_SIZE, 1500), 0);
	assert_int_equal(dhcp_msg_max_reply_len(req), 1472);
	free(req);
}

static void test_set_rejects_values_the_table_refuses(void **state)
{
	struct dhcp_msg *m = new_msg();
	char big[DHCP_OPT_DATA_MAX];

	(void)state;
	memset(big, 'x', sizeof big);
	assert_int_equal(dhcp_msg_set(m, OPT_SERVER_ID, "\x0a\x00\x00", 3), -EINVAL);
	assert_int_equal(dhcp_msg_set_u8(m, OPT_OVERLOAD, 1), -EINVAL);
	assert_int_equal(dhcp_msg_set(m, OPT_PAD, "", 0), -EINVAL);
	assert_int_equal(dhcp_msg_set(m, OPT_END, "", 0), -EINVAL);
	assert_int_equal(dhcp_msg_set(m, OPT_ROOT_PATH, big, sizeof big), 0);
	assert_int_equal(dhcp_msg_set(m, OPT_HOST_NAME, "h", 1), -ENOSPC);
	/* A shorter value reuses the old bytes. */
	assert_int_equal(dhcp_msg_set(m, OPT_ROOT_PATH, "/nfs", 4), 0);
	assert_opt_str(m, OPT_ROOT_PATH, "/nfs");
	dhcp_msg_del(m, OPT_ROOT_PATH);
	assert_false(dhcp_msg_has(m, OPT_ROOT_PATH));
	assert_int_equal(m->opts.count, 0);
	free(m);
}

static void test_capture_offer_round_trips_through_encode(void **state)
{
	struct dhcp_msg *req = new_msg(), *offer = new_msg(), *back = new_msg();
	struct dhcp_encode_result res;
	uint8_t buf[1500];

	(void)state;
	assert_int_equal(decode_hex(ipxe_bios_discover_hex, req), 0);
	assert_int_equal(decode_hex(dnsmasq_bios_offer_hex, offer), 0);
	assert_int_equal(dhcp_msg_encode(offer, req, buf, sizeof buf, &res), 0);
	assert_int_equal(dhcp_msg_decode(buf, res.len, back), 0);
	assert_int_equal(back->xid, offer->xid);
	assert_int_equal(back->yiaddr.s_addr, offer->yiaddr.s_addr);
	assert_int_equal(back->opts.count, offer->opts.count);
	for (uint16_t i = 0; i < offer->opts.count; i++) {
		uint8_t c = offer->opts.order[i];
		size_t len;
		const uint8_t *v = dhcp_msg_get(offer, c, &len);

		assert_opt(back, c, v, len);
	}
	/* iPXE asked for 1, 3, 67 (in that order) before what it did not ask. */
	assert_int_equal(buf[DHCP_OPTIONS_OFFSET + 3], OPT_SUBNET_MASK);
	free(req);
	free(offer);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipxe_bios_discover_decodes),
		cmocka_unit_test(test_ipxe_efi_discover_decodes),
		cmocka_unit_test(test_ipxe_request_decodes),
		cmocka_unit_test(test_syslinux_efi_discover_decodes),
		cmocka_unit_test(test_udhcpc_discover_with_padding_after_end_decodes),
		cmocka_unit_test(test_dnsmasq_offer_decodes),
		cmocka_unit_test(test_dnsmasq_offer_boot_file_in_file_field),
		cmocka_unit_test(test_capture_options_print_for_logs),
		cmocka_unit_test(test_truncated_packets_fail_cleanly_at_every_length),
		cmocka_unit_test(test_packet_longer_than_max_rejected),
		cmocka_unit_test(test_bad_magic_cookie_rejected),
		cmocka_unit_test(test_hlen_over_16_rejected),
		cmocka_unit_test(test_option_running_past_the_end_rejected),
		cmocka_unit_test(test_pad_options_skipped),
		cmocka_unit_test(test_missing_end_tolerated),
		cmocka_unit_test(test_bytes_after_end_ignored),
		cmocka_unit_test(test_overload_into_file),
		cmocka_unit_test(test_overload_into_sname),
		cmocka_unit_test(test_overload_both_concatenates_options_file_sname_in_order),
		cmocka_unit_test(test_overload_field_not_named_is_not_read),
		cmocka_unit_test(test_overload_value_out_of_range_rejected),
		cmocka_unit_test(test_overload_bad_length_or_repeated_rejected),
		cmocka_unit_test(test_overload_option_inside_overloaded_field_rejected_as_loop),
		cmocka_unit_test(test_option_cut_by_end_of_overloaded_field_rejected),
		cmocka_unit_test(test_split_options_concatenated_rfc3396),
		cmocka_unit_test(test_long_option_over_many_instances_concatenated),
		cmocka_unit_test(test_invalid_option_values_dropped_and_noted),
		cmocka_unit_test(test_encode_pads_reply_to_bootp_minimum),
		cmocka_unit_test(test_encode_writes_prl_order_after_message_type),
		cmocka_unit_test(test_prl_of_255_codes_decodes_and_orders_reply),
		cmocka_unit_test(test_encode_respects_max_message_size),
		cmocka_unit_test(test_encode_overload_fills_file_then_sname),
		cmocka_unit_test(test_encode_does_not_overload_a_used_file_field),
		cmocka_unit_test(test_encode_leaves_out_unrequested_before_requested),
		cmocka_unit_test(test_encode_fails_when_essential_options_cannot_fit),
		cmocka_unit_test(test_encode_splits_long_option_into_255_byte_instances),
		cmocka_unit_test(test_relay_agent_option_echoed_byte_exact),
		cmocka_unit_test(test_encode_bootp_reply_is_300_bytes),
		cmocka_unit_test(test_encode_rejects_buffer_under_300_and_big_hlen),
		cmocka_unit_test(test_max_reply_len_follows_option_57),
		cmocka_unit_test(test_set_rejects_values_the_table_refuses),
		cmocka_unit_test(test_capture_offer_round_trips_through_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
