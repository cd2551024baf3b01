/* libFuzzer target for pxe-dhcpd's serving path: the input decoded as a
 * request, decided by assign.c against a /29 pool, a fixed host and a class
 * with a lease database on disk, answered by answer.c (and answer_proxy()),
 * encoded and decoded again; then the exchange the client would go on with.
 * Invariants on the leases, the offers, the pools and the replies abort.
 *
 * Each input starts from the same state, so a crash replays alone: the
 * database is emptied, the config (and so its pools) rebuilt, and up to
 * three background clients hold a lease, an offer and a declined address;
 * the input's last byte picks how many and which follow-up steps run. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer.h"
#include "assign.h"
#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "lease_db.h"
#include "lease_table.h"
#include "log.h"
#include "suite_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1764000000LL

/* .2 to .6 on the link, .3 being pc1's: four addresses for everyone else. */
static const char ini[] =
	"[dhcpd]\n"
	"lease_time = 10m\n"
	"max_lease_time = 1h\n"
	"offer_hold = 30s\n"
	"decline_hold = 2m\n"
	"boot_file_efi64 = ipxe.efi\n"
	"boot_file_http = http://10.77.0.1/boot.efi\n"
	"option 42 = 10.77.0.1\n"
	"[subnet 10.77.0.0/29]\n"
	"range = 10.77.0.2 10.77.0.6\n"
	"router = 10.77.0.1\n"
	"dns = 10.77.0.1\n"
	"[subnet 10.78.0.0/29]\n"
	"range = 10.78.0.2 10.78.0.3, 10.78.0.5 10.78.0.6\n"
	"next_server = 10.78.0.1\n"
	"[host pc1]\n"
	"mac = 52:54:00:12:34:56\n"
	"address = 10.77.0.3\n"
	"hostname = pc1\n"
	"boot_file = pc1.0\n"
	"[host byid]\n"
	"client_id = 01:52:54:00:aa:bb:cc\n"
	"address = 10.78.0.4\n"
	"[class uefi]\n"
	"vendor_class = PXEClient:Arch:00007\n"
	"arch = 7, 9\n"
	"boot_file = uefi/ipxe.efi\n"
	"option 66 = 10.77.0.9\n";

static struct conf conf;
static struct dhcpd_config *cfg;
static struct lease_db *db;
static struct lease_table *offers;
static struct assign as;
static struct in_addr server;
static char dir[128], path[192], newpath[200];

/* Static: a dhcp_msg is a few KiB. */
static struct dhcp_msg req, rival, step, reply, back;
static uint8_t out[DHCP_MSG_MAX_LEN];

/* ACKed leases, as the client was told: no one else may get the address
 * before it ends, unless the client gave it back. */
struct binding {
	struct in_addr addr;
	struct client_key key;
	int64_t ends;
};
static struct binding bindings[64];
static size_t nbindings;

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* ---------------------------------------------------------------- state */

static void cleanup(void)
{
	lease_db_close(db);
	unlink(path);
	unlink(newpath);
	rmdir(dir);
}

static void init_once(void)
{
	struct conf_error err;
	struct stat st;
	const char *tmp = getenv("TMPDIR");

	/* tmpfs where there is one: every ACK is fdatasync'ed. */
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (!tmp)
		tmp = "/tmp";
	snprintf(dir, sizeof dir, "%s/fuzz_dhcpd_serve.XXXXXX", tmp);
	check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/leases", dir);
	snprintf(newpath, sizeof newpath, "%s.new", path);
	atexit(cleanup);
	log_set_level(LOG_ERR);
	check(conf_init(&conf, suite_schema, &err) == 0);
	check(conf_load_string(&conf, "fuzz.ini", ini, &err) == 0);
	check(conf_check(&conf, &err) == 0);
	inet_pton(AF_INET, "10.77.0.1", &server);
}

/* An empty database, fresh pools and offers, the clock at T0. */
static void reset(void)
{
	char err[256];
	unsigned skipped;

	lease_db_close(db);
	lease_table_free(offers);
	dhcpd_config_free(cfg);
	unlink(path);
	check(lease_db_open(path, &db, &skipped, err, sizeof err) == 0);
	check(dhcpd_config_build(&conf, &cfg, err, sizeof err) == 0);
	offers = lease_table_new();
	check(offers != NULL);
	as = (struct assign){ .cfg = cfg, .db = db, .offers = offers, .now = T0 };
	assign_fill_pools(&as);
	nbindings = 0;
}

static bool same_key(const struct lease *l, const struct client_key *k)
{
	return l->client_id_len == k->len && memcmp(l->client_id, k->id, k->len) == 0;
}

static bool live(const struct lease *l)
{
	return l && (l->state == LEASE_ACTIVE || l->state == LEASE_DECLINED) && l->ends > as.now;
}

static bool offer_live(const struct lease *o)
{
	return o && o->ends > as.now;
}

/* Whether lease l (by its client id or hardware address) is host h's. */
static bool is_host(const struct lease *l, const struct dhcpd_host *h)
{
	if (h->client_id_len && l->client_id_len == h->client_id_len &&
	    memcmp(l->client_id, h->client_id, h->client_id_len) == 0)
		return true;
	return h->has_mac && l->hwaddr_len == 6 && memcmp(l->hwaddr, h->mac, 6) == 0;
}

static bool held(uint32_t addr)
{
	struct in_addr in = { htonl(addr) };

	return live(lease_db_by_addr(db, in)) || offer_live(lease_table_by_addr(offers, in)) ||
	       dhcpd_config_host_by_addr(cfg, addr);
}

/* The invariants over the whole state. */
static void check_state(void)
{
	for (size_t i = 0; i < cfg->nsubnets; i++) {
		const struct dhcpd_subnet *s = &cfg->subnets[i];

		for (size_t r = 0; r < s->nranges; r++) {
			for (uint32_t a = s->ranges[r].first; a <= s->ranges[r].last; a++) {
				struct in_addr in = { htonl(a) };
				const struct lease *l = lease_db_by_addr(db, in);
				const struct lease *o = lease_table_by_addr(offers, in);
				const struct dhcpd_host *h = dhcpd_config_host_by_addr(cfg, a);

				/* A free address in a pool is free indeed: pool_find()
				 * hands it out without asking. */
				if (pool_is_free(s->ranges[r].pool, a))
					check(!held(a));
				/* Never two clients on one address, and nobody on
				 * one that is declined. */
				if (live(l) && offer_live(o)) {
					check(l->state != LEASE_DECLINED);
					check(l->client_id_len == o->client_id_len &&
					      memcmp(l->client_id, o->client_id,
						     l->client_id_len) == 0);
				}
				/* A fixed address is its host's only. */
				if (h && live(l) && l->state == LEASE_ACTIVE)
					check(is_host(l, h));
				if (h && offer_live(o))
					check(is_host(o, h));
			}
		}
	}
	for (size_t i = 0; i < nbindings; i++) {
		const struct binding *b = &bindings[i];
		const struct lease *l = lease_db_by_addr(db, b->addr);

		if (b->ends <= as.now)
			continue;
		check(l != NULL && same_key(l, &b->key));
		check(l->state == LEASE_ACTIVE && l->ends >= b->ends);
	}
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct dhcpd_host *h = &cfg->hosts[i];
		const struct lease *l = h->addr.s_addr ? lease_db_by_addr(db, h->addr) : NULL;

		if (live(l) && l->state == LEASE_ACTIVE)
			check(is_host(l, h));
	}
}

static bool same_client(const struct client_key *a, const struct client_key *b)
{
	return a->len == b->len && memcmp(a->id, b->id, a->len) == 0;
}

/* An ACK of addr to key: nobody else may hold it still. */
static void binding_put(struct in_addr addr, const struct client_key *key, int64_t ends)
{
	size_t i;

	for (i = 0; i < nbindings; i++)
		if (bindings[i].addr.s_addr == addr.s_addr)
			break;
	if (i < nbindings)
		check(bindings[i].ends <= as.now || same_client(&bindings[i].key, key));
	if (i == nbindings) {
		if (nbindings == sizeof bindings / sizeof bindings[0])
			return;
		nbindings++;
	}
	bindings[i] = (struct binding){ .addr = addr, .key = *key, .ends = ends };
}

/* The client let go of addr (DECLINE or RELEASE that changed its lease). */
static void binding_drop(struct in_addr addr, const struct client_key *key)
{
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].addr.s_addr == addr.s_addr) {
			check(same_client(&bindings[i].key, key));
			bindings[i] = bindings[--nbindings];
			return;
		}
}

/* ---------------------------------------------------------------- replies */

/* Encoded within the client's limit, and decoded back to the same reply. */
static void check_encoded(const struct dhcp_msg *m, const struct dhcp_msg *r)
{
	struct dhcp_encode_result res;
	size_t limit = dhcp_msg_max_reply_len(r), len;
	int rc = dhcp_msg_encode(m, r, out, sizeof out, &res);

	if (limit > sizeof out)
		limit = sizeof out;
	if (rc == -EMSGSIZE) {
		/* Only a relay agent option too big for the message does that:
		 * with 53, 54 and 51 it must fit the options field. */
		check(dhcp_msg_get(m, OPT_RELAY_AGENT, &len) != NULL);
		check(len + 2 * ((len + 254) / 255) + 15 > limit - DHCP_OPTIONS_OFFSET - 1);
		return;
	}
	check(rc == 0);
	check(res.len >= DHCP_BOOTP_MIN_LEN && res.len <= limit);
	check(dhcp_msg_decode(out, res.len, &back) == 0);
	check(back.op == BOOTREPLY && back.xid == m->xid);
	check(back.yiaddr.s_addr == m->yiaddr.s_addr && back.ciaddr.s_addr == m->ciaddr.s_addr);
	check(back.siaddr.s_addr == m->siaddr.s_addr && back.giaddr.s_addr == m->giaddr.s_addr);
	check(dhcp_msg_type(&back) == dhcp_msg_type(m));
	check(dhcp_msg_has(&back, OPT_SERVER_ID));
	check(dhcp_msg_has(&back, OPT_LEASE_TIME) == dhcp_msg_has(m, OPT_LEASE_TIME));
	check(strcmp(back.file, m->file) == 0);
}

static bool in_ranges(const struct dhcpd_subnet *s, struct in_addr a)
{
	return s && dhcpd_subnet_range_of(s, ntohl(a.s_addr)) != NULL;
}

static void check_reply(const struct dhcp_msg *r, const struct decision *d)
{
	struct in_addr sid;
	uint32_t secs, t1, t2;
	int rc;
	struct pxe_boot boot;

	rc = answer_build(&reply, r, cfg, d, server, &boot);
	if (rc == -ENOSPC)
		return;		/* a huge option 82 or 61 to echo */
	check(rc == 0);
	check(reply.op == BOOTREPLY && reply.xid == r->xid && reply.hlen == r->hlen);
	check(memcmp(reply.chaddr, r->chaddr, DHCP_CHADDR_LEN) == 0);
	check(reply.giaddr.s_addr == r->giaddr.s_addr);
	check(dhcp_msg_get_ip(&reply, OPT_SERVER_ID, &sid) && sid.s_addr == server.s_addr);
	switch (d->verdict) {
	case VERDICT_NAK:
		check(dhcp_msg_type(&reply) == DHCPNAK);
		check(reply.yiaddr.s_addr == 0 && reply.ciaddr.s_addr == 0 &&
		      reply.siaddr.s_addr == 0 && reply.file[0] == '\0');
		check(!dhcp_msg_has(&reply, OPT_LEASE_TIME));
		check(dhcp_msg_has(&reply, OPT_MESSAGE));
		check(reply.opts.count == 3 + dhcp_msg_has(r, OPT_RELAY_AGENT));
		break;
	case VERDICT_ACK_INFO:
		check(dhcp_msg_type(&reply) == DHCPACK);
		check(reply.yiaddr.s_addr == 0 && reply.ciaddr.s_addr == r->ciaddr.s_addr);
		check(!dhcp_msg_has(&reply, OPT_LEASE_TIME));
		break;
	case VERDICT_OFFER:
	case VERDICT_ACK:
		check(dhcp_msg_type(&reply) == (d->verdict == VERDICT_OFFER ? DHCPOFFER : DHCPACK));
		check(reply.yiaddr.s_addr == d->yiaddr.s_addr);
		check(dhcp_msg_get_u32(&reply, OPT_LEASE_TIME, &secs) && secs == d->lease_secs);
		check(dhcp_msg_get_u32(&reply, OPT_RENEWAL_TIME, &t1));
		check(dhcp_msg_get_u32(&reply, OPT_REBINDING_TIME, &t2));
		check(t1 <= t2 && t2 <= secs);
		break;
	case VERDICT_DROP:
		abort();
	}
	/* RFC 6842: 61 back as it came. */
	if (d->verdict != VERDICT_NAK && dhcp_msg_has(r, OPT_CLIENT_ID)) {
		size_t la, lb;
		const uint8_t *a = dhcp_msg_get(r, OPT_CLIENT_ID, &la);
		const uint8_t *b = dhcp_msg_get(&reply, OPT_CLIENT_ID, &lb);

		check(b != NULL && la == lb && memcmp(a, b, la) == 0);
	}
	check_encoded(&reply, r);
}

/* ---------------------------------------------------------------- serving */

/* One request through the server's path; returns the decision. */
static struct decision serve(const struct dhcp_msg *r)
{
	const struct dhcpd_subnet *link = &cfg->subnets[0];
	struct client_key key;
	struct decision d;
	bool has_key = assign_client_key(r, &key);

	assign_decide(&as, r, link, server, &d);
	if (d.lease_secs)
		check(d.lease_secs >= 60 && d.lease_secs <= cfg->max_lease_secs);
	switch (d.verdict) {
	case VERDICT_OFFER: {
		const struct lease *o = lease_table_by_addr(offers, d.yiaddr);

		check(has_key && d.subnet != NULL);
		/* A range address of the subnet, or the host's own. */
		if (d.host && d.host->addr.s_addr == d.yiaddr.s_addr) {
			check(d.host->subnet == d.subnet);
		} else {
			check(in_ranges(d.subnet, d.yiaddr));
			check(offer_live(o) && same_key(o, &key));
		}
		break;
	}
	case VERDICT_ACK: {
		const struct lease *l = lease_db_by_addr(db, d.yiaddr);

		check(has_key && d.durable && d.subnet != NULL);
		check((ntohl(d.yiaddr.s_addr) & d.subnet->mask) == d.subnet->net);
		check(in_ranges(d.subnet, d.yiaddr) ||
		      (d.host && d.host->addr.s_addr == d.yiaddr.s_addr));
		check(l && same_key(l, &key) && l->state == LEASE_ACTIVE);
		check(l->ends == as.now + d.lease_secs);
		check(lease_db_commit(db) == 0 && lease_db_pending(db) == 0);
		binding_put(d.yiaddr, &key, l->ends);
		break;
	}
	case VERDICT_ACK_INFO:
		check(!d.durable && d.subnet != NULL);
		break;
	case VERDICT_NAK:
		check(!d.durable && d.why != NULL);
		break;
	case VERDICT_DROP:
		check(d.why != NULL);
		if (d.durable) {
			unsigned type = dhcp_msg_type(r);

			check(type == DHCPDECLINE || type == DHCPRELEASE);
			check(lease_db_commit(db) == 0);
			binding_drop(d.yiaddr, &key);
		}
		break;
	}
	if (d.verdict != VERDICT_DROP)
		check_reply(r, &d);
	check_state();
	return d;
}

/* As server.c calls it: for a DISCOVER (port 67), a REQUEST or an INFORM
 * (port 4011). */
static void proxy(const struct dhcp_msg *r)
{
	unsigned type = dhcp_msg_type(r);
	struct pxe_boot boot;
	int rc;

	if (type != DHCPDISCOVER && type != DHCPREQUEST && type != DHCPINFORM)
		return;
	rc = answer_proxy(&reply, r, cfg, &cfg->subnets[0], server, &boot);
	if (rc == -ENOENT || rc == -ENOSPC)
		return;
	check(rc == 0);
	check(boot.file != NULL && (boot.client.pxe || boot.client.http));
	check(reply.yiaddr.s_addr == 0 && reply.ciaddr.s_addr == r->ciaddr.s_addr);
	check(strcmp(reply.file, boot.file) == 0);
	check(dhcp_msg_type(&reply) == DHCPOFFER || dhcp_msg_type(&reply) == DHCPACK);
	check_encoded(&reply, r);
}

/* A background client, MAC 52:54:00:00:00:n. */
static void background(uint8_t n, uint8_t type, struct in_addr addr)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };

	dhcp_msg_init(&step);
	step.op = BOOTREQUEST;
	step.htype = 1;
	step.hlen = 6;
	step.xid = 0xb0000000u | n;
	memcpy(step.chaddr, mac, sizeof mac);
	step.chaddr[5] = n;
	dhcp_msg_set_u8(&step, OPT_MSG_TYPE, type);
	if (type != DHCPDISCOVER) {
		dhcp_msg_set_ip(&step, OPT_SERVER_ID, server);
		dhcp_msg_set_ip(&step, OPT_REQUESTED_IP, addr);
	}
}

static struct in_addr background_dora(uint8_t n, bool request)
{
	struct decision d;

	background(n, DHCPDISCOVER, (struct in_addr){ 0 });
	d = serve(&step);
	if (d.verdict != VERDICT_OFFER || !request)
		return d.yiaddr;
	background(n, DHCPREQUEST, d.yiaddr);
	d = serve(&step);
	check(d.verdict == VERDICT_ACK);
	return d.yiaddr;
}

/* Request base turned into the next one its client sends. */
static void follow_up(const struct dhcp_msg *base, uint8_t type, struct in_addr addr, bool sid,
		      bool asked, bool ci)
{
	step = *base;
	dhcp_msg_set_u8(&step, OPT_MSG_TYPE, type);
	dhcp_msg_del(&step, OPT_SERVER_ID);
	dhcp_msg_del(&step, OPT_REQUESTED_IP);
	if (sid)
		dhcp_msg_set_ip(&step, OPT_SERVER_ID, server);
	if (asked)
		dhcp_msg_set_ip(&step, OPT_REQUESTED_IP, addr);
	step.ciaddr = ci ? addr : (struct in_addr){ 0 };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ctl = size ? data[size - 1] : 0;
	struct decision d;
	struct in_addr x;

	if (!dir[0])
		init_once();
	if (dhcp_msg_decode(data, size, &req) != 0)
		return 0;
	reset();

	/* Background: a lease, an offer, a declined address (ctl bits 0-1). */
	if (ctl & 3)
		background_dora(0xb1, true);
	if ((ctl & 3) >= 2)
		background_dora(0xb2, false);
	if ((ctl & 3) == 3) {
		x = background_dora(0xb3, true);
		background(0xb3, DHCPDECLINE, x);
		check(serve(&step).durable);
	}
	as.now += req.secs % 64;

	d = serve(&req);
	proxy(&req);
	x = d.yiaddr;
	if (d.verdict == VERDICT_OFFER) {
		/* SELECTING: our server id and the offered address. */
		as.now += ctl >> 7;
		follow_up(&req, DHCPREQUEST, x, true, true, false);
		d = serve(&step);
		check(d.verdict == VERDICT_ACK && d.yiaddr.s_addr == x.s_addr);
	}
	if (d.verdict != VERDICT_ACK)
		return 0;
	/* What the bound client does next (ctl bits 2-6). */
	as.now += (ctl & 0x04) ? 400 : 5;
	if (ctl & 0x08) {
		follow_up(&req, DHCPREQUEST, x, false, false, true);	/* RENEWING */
		d = serve(&step);
		check(d.verdict == VERDICT_ACK && d.yiaddr.s_addr == x.s_addr);
	}
	if (ctl & 0x10) {
		follow_up(&req, DHCPREQUEST, x, false, true, false);	/* INIT-REBOOT */
		d = serve(&step);
		/* From the network of x (a RENEWING request's giaddr may say
		 * otherwise, and ciaddr won then). */
		check(d.verdict == VERDICT_ACK ||
		      assign_subnet(&as, &step, &cfg->subnets[0]) !=
		      dhcpd_config_subnet_of(cfg, ntohl(x.s_addr)));
	}
	/* Another machine after the same address: never while it is bound. */
	rival = req;
	rival.chaddr[0] ^= 0x02;
	dhcp_msg_del(&rival, OPT_CLIENT_ID);
	follow_up(&rival, DHCPREQUEST, x, false, true, false);
	serve(&step);
	follow_up(&rival, DHCPDECLINE, x, true, true, false);
	serve(&step);
	follow_up(&rival, DHCPRELEASE, x, true, false, true);
	serve(&step);
	if (ctl & 0x20) {
		follow_up(&req, DHCPDECLINE, x, true, true, false);
		serve(&step);
	} else if (ctl & 0x40) {
		follow_up(&req, DHCPRELEASE, x, true, false, true);
		serve(&step);
	}
	/* Later, the same request again, maybe after the lease ended. */
	as.now += (ctl & 0x04) ? 7200 : 31;
	assign_expire(&as);
	check_state();
	serve(&req);
	return 0;
}
