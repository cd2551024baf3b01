/* libFuzzer target for the DHCPv4 codec: decode a packet, print and re-parse
 * every option, then encode a reply (and the request itself) and decode that
 * again.  Any broken invariant aborts. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Static: a dhcp_msg is a few KiB and libFuzzer runs one input at a time. */
static struct dhcp_msg req, reply, back;
static uint8_t out[DHCP_MSG_MAX_LEN];
static char text[8 * DHCP_OPT_DATA_MAX];

static void check(bool ok)
{
	if (!ok)
		abort();
}

static size_t opt_cost(size_t len)
{
	return len + 2 * (len ? (len + 254) / 255 : 1);
}

/* Every stored option obeys the table, prints as text without control
 * bytes, and that text parses back to the same bytes. */
static void check_options(const struct dhcp_msg *m)
{
	unsigned present = 0;

	for (unsigned c = 0; c < 256; c++)
		present += m->opts.present[c];
	check(present == m->opts.count);
	check(!m->opts.present[OPT_PAD] && !m->opts.present[OPT_END]);
	for (uint16_t i = 0; i < m->opts.count; i++) {
		uint8_t c = m->opts.order[i], val[DHCP_OPT_DATA_MAX];
		const struct dhcp_opt_info *oi = dhcp_opt_info(c);
		struct dhcp_text t = dhcp_text_init(text, sizeof text);
		size_t len = 0, back_len = 0;
		const uint8_t *v = dhcp_msg_get(m, c, &len);

		check(v != NULL);
		check((size_t)m->opts.off[c] + len <= m->opts.used);
		check(m->opts.used <= DHCP_OPT_DATA_MAX);
		check(dhcp_opt_validate(c, v, len) == 0);
		dhcp_opt_format_value(&t, c, v, len);
		check(!t.truncated && strlen(text) == t.len);
		for (size_t k = 0; k < t.len; k++)
			check(text[k] >= ' ' && text[k] < 0x7f);
		if (oi && oi->type == DHCP_T_SUBOPTS)
			continue;
		check(dhcp_opt_parse_value(c, text, val, sizeof val, &back_len, NULL, 0) == 0);
		check(back_len == len && memcmp(val, v, len) == 0);
	}
	dhcp_msg_format_opts(m, text, sizeof text);
	check(strlen(text) < sizeof text);
}

static bool same_value(const struct dhcp_msg *a, const struct dhcp_msg *b, uint8_t code)
{
	size_t la = 0, lb = 0;
	const uint8_t *va = dhcp_msg_get(a, code, &la), *vb = dhcp_msg_get(b, code, &lb);

	return va && vb && la == lb && memcmp(va, vb, la) == 0;
}

/* Encodes m for req and decodes the packet: what comes back is m, less the
 * options the encoder says it left out. */
static void round_trip(const struct dhcp_msg *m, const struct dhcp_msg *r)
{
	struct dhcp_encode_result res;
	size_t limit = dhcp_msg_max_reply_len(r), len82 = 0;
	unsigned missing = 0;
	int rc;

	if (limit > sizeof out)
		limit = sizeof out;
	rc = dhcp_msg_encode(m, r, out, sizeof out, &res);
	if (rc == -EMSGSIZE) {
		/* Only a relay option too big for the message can do that. */
		check(dhcp_msg_get(m, OPT_RELAY_AGENT, &len82) != NULL);
		check(opt_cost(len82) + 15 > limit - DHCP_OPTIONS_OFFSET - 1);
		return;
	}
	check(rc == 0);
	check(res.len >= DHCP_BOOTP_MIN_LEN && res.len <= limit);
	check(dhcp_msg_decode(out, res.len, &back) == 0);
	check(back.invalid == 0);
	check(back.op == m->op && back.htype == m->htype && back.hlen == m->hlen);
	check(back.hops == m->hops && back.xid == m->xid && back.secs == m->secs);
	check(back.flags == m->flags);
	check(back.ciaddr.s_addr == m->ciaddr.s_addr && back.yiaddr.s_addr == m->yiaddr.s_addr);
	check(back.siaddr.s_addr == m->siaddr.s_addr && back.giaddr.s_addr == m->giaddr.s_addr);
	check(memcmp(back.chaddr, m->chaddr, DHCP_CHADDR_LEN) == 0);
	/* Overload only ever takes an empty field. */
	check(strcmp(back.file, m->file) == 0 && strcmp(back.sname, m->sname) == 0);
	check(back.overload == res.overload);
	check(!(res.overload & DHCP_OVERLOAD_FILE) || m->file[0] == '\0');
	check(!(res.overload & DHCP_OVERLOAD_SNAME) || m->sname[0] == '\0');
	if (dhcp_msg_has(m, OPT_MSG_TYPE))
		check(out[DHCP_OPTIONS_OFFSET] == OPT_MSG_TYPE);
	for (uint16_t i = 0; i < m->opts.count; i++) {
		uint8_t c = m->opts.order[i];

		if (c == OPT_OVERLOAD)
			continue;
		if (dhcp_msg_has(&back, c))
			check(same_value(m, &back, c));
		else
			missing++;
	}
	check(missing == res.dropped);
	check(dhcp_msg_has(&back, OPT_OVERLOAD) == (res.overload != 0));
	for (uint16_t i = 0; i < back.opts.count; i++)
		check(back.opts.order[i] == OPT_OVERLOAD || dhcp_msg_has(m, back.opts.order[i]));
	/* RFC 2131 table 3 and RFC 3046 §2.2: never left out. */
	check(dhcp_msg_has(&back, OPT_MSG_TYPE) == dhcp_msg_has(m, OPT_MSG_TYPE));
	check(dhcp_msg_has(&back, OPT_SERVER_ID) == dhcp_msg_has(m, OPT_SERVER_ID));
	check(dhcp_msg_has(&back, OPT_LEASE_TIME) == dhcp_msg_has(m, OPT_LEASE_TIME));
	check(dhcp_msg_has(&back, OPT_RELAY_AGENT) == dhcp_msg_has(m, OPT_RELAY_AGENT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mask[] = { 255, 255, 255, 0 };
	struct in_addr server = { .s_addr = htonl(0x0a4d0001) };
	int rc = dhcp_msg_decode(data, size, &req);

	if (rc) {
		check(rc == -EBADMSG || rc == -EMSGSIZE);
		check(req.error != NULL);
		return 0;
	}
	check(req.error == NULL && req.hlen <= DHCP_CHADDR_LEN);
	check(strlen(req.file) <= DHCP_FILE_LEN && strlen(req.sname) <= DHCP_SNAME_LEN);
	check(req.overload <= DHCP_OVERLOAD_BOTH);
	check_options(&req);

	/* What a PXE server answers: its own options, the client's class and
	 * PXE options echoed, and 82 back to the relay. */
	dhcp_msg_init_reply(&reply, &req, DHCPOFFER);
	if (dhcp_msg_has(&req, OPT_RELAY_AGENT))
		check(same_value(&req, &reply, OPT_RELAY_AGENT));
	reply.yiaddr.s_addr = htonl(0x0a4d008d);
	reply.siaddr = server;
	check(dhcp_msg_set_ip(&reply, OPT_SERVER_ID, server) == 0);
	check(dhcp_msg_set_u32(&reply, OPT_LEASE_TIME, 3600) == 0);
	check(dhcp_msg_set(&reply, OPT_SUBNET_MASK, mask, sizeof mask) == 0);
	if (req.xid & 1)
		memcpy(reply.file, "pxelinux.0", sizeof "pxelinux.0");
	else
		check(dhcp_msg_set(&reply, OPT_BOOTFILE, "pxelinux.0", 10) == 0);
	if (req.xid & 2)
		memcpy(reply.sname, "boot", sizeof "boot");
	dhcp_msg_copy_opt(&reply, &req, OPT_VENDOR_CLASS);
	dhcp_msg_copy_opt(&reply, &req, OPT_VENDOR_OPTS);
	dhcp_msg_copy_opt(&reply, &req, OPT_CLIENT_UUID);
	dhcp_msg_copy_opt(&reply, &req, OPT_ROOT_PATH);
	dhcp_msg_copy_opt(&reply, &req, OPT_HOST_NAME);
	check_options(&reply);
	round_trip(&reply, &req);

	/* The request re-encoded as it came. */
	round_trip(&req, &req);
	return 0;
}
