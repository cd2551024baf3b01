/* pxe-dhcpd's address decisions, RFC 2131 §4.3 section by section.  An
 * address is free when no live lease, no offer on hold and no [host] has it;
 * the pools mirror that so finding a free address never scans. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "assign.h"

static uint32_t host_order(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static struct in_addr net_order(uint32_t a)
{
	return (struct in_addr){ htonl(a) };
}

bool assign_client_key(const struct dhcp_msg *req, struct client_key *key)
{
	size_t len;
	const uint8_t *id = dhcp_msg_get(req, OPT_CLIENT_ID, &len);

	/* RFC 2132 §9.14: at least two bytes.  Longer ids than a lease holds
	 * fall back to the hardware address, which still names the machine. */
	if (id && len >= 2 && len <= sizeof key->id) {
		memcpy(key->id, id, len);
		key->len = len;
		return true;
	}
	if (req->hlen == 0)
		return false;
	/* The form RFC 2132 §9.14 gives for Ethernet (01 + MAC), so a client
	 * that sends it and one that does not are the same machine. */
	key->id[0] = req->htype;
	memcpy(key->id + 1, req->chaddr, req->hlen);
	key->len = 1u + req->hlen;
	return true;
}

static bool is_client(const struct lease *l, const struct client_key *key)
{
	return l->client_id_len == key->len && memcmp(l->client_id, key->id, key->len) == 0;
}

static bool live(const struct lease *l, int64_t now)
{
	return l && (l->state == LEASE_ACTIVE || l->state == LEASE_DECLINED) && l->ends > now;
}

static const struct dhcpd_host *host_of(const struct assign *a, const struct dhcp_msg *req)
{
	size_t len;
	const uint8_t *id = dhcp_msg_get(req, OPT_CLIENT_ID, &len);

	return dhcpd_config_host(a->cfg, id, id ? len : 0, req->chaddr, req->hlen);
}

static bool fixed(const struct dhcpd_host *h)
{
	return h && h->addr.s_addr;
}

/* Held: a live lease or offer, or a fixed host address. */
static bool held(const struct assign *a, uint32_t addr)
{
	struct in_addr in = net_order(addr);

	return live(lease_db_by_addr(a->db, in), a->now) ||
	       live(lease_table_by_addr(a->offers, in), a->now) ||
	       dhcpd_config_host_by_addr(a->cfg, addr);
}

/* Whether the client may have addr: nobody else holds it, and the client
 * did not decline it. */
static bool usable(const struct assign *a, uint32_t addr, const struct client_key *key,
		   const struct dhcpd_host *host)
{
	struct in_addr in = net_order(addr);
	const struct lease *l = lease_db_by_addr(a->db, in);
	const struct lease *o = lease_table_by_addr(a->offers, in);
	const struct dhcpd_host *h = dhcpd_config_host_by_addr(a->cfg, addr);

	if (live(l, a->now) && (l->state == LEASE_DECLINED || !is_client(l, key)))
		return false;
	if (live(o, a->now) && !is_client(o, key))
		return false;
	/* The host, not the key: one listed by mac may send a client id that
	 * is not 01 + MAC (RFC 4361: ff, IAID, DUID). */
	return !h || h == host;
}

/* The client's offer of addr, if any, has served its purpose (a lease now
 * holds the address, or the client gave it back): it holds nothing more.
 * The entry exists, so storing over it allocates nothing. */
static void end_offer(struct assign *a, uint32_t addr, const struct client_key *key)
{
	const struct lease *o = lease_table_by_addr(a->offers, net_order(addr));
	struct lease ended;

	if (!o || !is_client(o, key) || o->ends <= a->now)
		return;
	ended = *o;
	ended.ends = a->now;
	lease_table_store(a->offers, &ended);
}

static void pool_mark(const struct assign *a, uint32_t addr, bool taken)
{
	const struct dhcpd_subnet *s = dhcpd_config_subnet_of(a->cfg, addr);
	struct dhcpd_range *r = s ? dhcpd_subnet_range_of(s, addr) : NULL;

	if (!r)
		return;
	if (taken)
		pool_take(r->pool, addr);
	else
		pool_release(r->pool, addr);
}

static struct dhcpd_range *range_of(const struct dhcpd_subnet *s, uint32_t addr)
{
	return s ? dhcpd_subnet_range_of(s, addr) : NULL;
}

/* A client's leases as seen from one subnet: for the searches of the lease
 * database, which finds a client's last lease and its other ACTIVE ones. */
struct on_subnet {
	const struct assign *a;
	const struct dhcpd_subnet *s;
	uint32_t except;	/* the address being acknowledged */
};

static bool in_ranges(const struct lease *l, void *arg)
{
	const struct on_subnet *o = arg;

	return range_of(o->s, host_order(l->addr)) != NULL;
}

/* One the client still holds, or held until it ran out, on the subnet. */
static bool other_on_subnet(const struct lease *l, void *arg)
{
	const struct on_subnet *o = arg;
	uint32_t addr = host_order(l->addr);

	return l->state == LEASE_ACTIVE && addr != o->except &&
	       dhcpd_config_subnet_of(o->a->cfg, addr) == o->s;
}

const struct dhcpd_subnet *assign_subnet(const struct assign *a, const struct dhcp_msg *req,
					 const struct dhcpd_subnet *link)
{
	if (req->giaddr.s_addr)
		return dhcpd_config_subnet_of(a->cfg, host_order(req->giaddr));
	return link;
}

/* RFC 2131 §4.3.1: the lease time the client asks for (option 51), within
 * max_lease_time, else the subnet's. */
static uint32_t lease_secs(const struct assign *a, const struct dhcp_msg *req,
			   const struct dhcpd_subnet *s)
{
	uint32_t asked;

	if (dhcp_msg_get_u32(req, OPT_LEASE_TIME, &asked) && asked >= 60)
		return asked < a->cfg->max_lease_secs ? asked : a->cfg->max_lease_secs;
	return s->lease_secs;
}

static void lease_from(struct lease *l, const struct dhcp_msg *req, const struct client_key *key,
		       uint32_t addr)
{
	size_t len, n = 0;
	const uint8_t *name = dhcp_msg_get(req, OPT_HOST_NAME, &len);

	memset(l, 0, sizeof *l);
	l->addr = net_order(addr);
	memcpy(l->client_id, key->id, key->len);
	l->client_id_len = (uint8_t)key->len;
	l->hwaddr_len = req->hlen;
	memcpy(l->hwaddr, req->chaddr, req->hlen);
	for (size_t i = 0; name && i < len && n + 1 < sizeof l->hostname; i++)
		if (name[i] > ' ' && name[i] < 0x7f)
			l->hostname[n++] = (char)name[i];
}

static void drop(struct decision *d, const char *why)
{
	d->verdict = VERDICT_DROP;
	d->why = why;
}

static void nak(const struct assign *a, struct decision *d, const char *why)
{
	d->verdict = a->cfg->d->authoritative ? VERDICT_NAK : VERDICT_DROP;
	d->why = why;
}

/* A free address of the subnet: the first range with one.  When every range
 * is full, ended leases and offers are given back and it tries again; at
 * most once a second, so a flood of new clients cannot make every request
 * walk every lease. */
static bool find_free(struct assign *a, const struct dhcpd_subnet *s, uint32_t *addr)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->nranges; i++)
			if (pool_find(s->ranges[i].pool, 0, addr) == 0)
				return true;
		if (pass > 0 || a->last_expire == a->now)
			break;
		assign_expire(a);
	}
	return false;
}

/* RFC 2131 §4.3.1, in its order of preference: the client's fixed address;
 * its current or previous binding; the address it asks for; a free one. */
static void discover(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		     const struct dhcpd_subnet *s, const struct dhcpd_host *host,
		     struct decision *d)
{
	struct on_subnet here = { .a = a, .s = s };
	const struct lease *l = lease_db_find_client(a->db, key->id, key->len, in_ranges, &here);
	const struct lease *o = lease_table_by_client(a->offers, key->id, key->len);
	struct in_addr asked;
	struct lease offer;
	uint32_t addr = 0;

	if (fixed(host) && host->subnet == s) {
		const struct lease *h = lease_db_by_addr(a->db, host->addr);

		if (live(h, a->now) && h->state == LEASE_DECLINED)
			return drop(d, "the host declined its fixed address: held for decline_hold");
		d->verdict = VERDICT_OFFER;
		d->yiaddr = host->addr;
		d->lease_secs = lease_secs(a, req, s);
		return;
	}
	/* fresh: not the client's before, so worth an echo check. */
	if (l && usable(a, host_order(l->addr), key, host)) {
		addr = host_order(l->addr);
	} else if (o && o->ends > a->now && range_of(s, host_order(o->addr)) &&
		   usable(a, host_order(o->addr), key, host)) {
		addr = host_order(o->addr);
	} else if (dhcp_msg_get_ip(req, OPT_REQUESTED_IP, &asked) &&
		   range_of(s, host_order(asked)) && !held(a, host_order(asked))) {
		addr = host_order(asked);
		d->fresh = true;
	} else if (find_free(a, s, &addr)) {
		d->fresh = true;
	} else {
		return drop(d, "no free address in the subnet's ranges");
	}
	if (lease_table_reserve(a->offers) < 0)
		return drop(d, "out of memory for the offer");
	lease_from(&offer, req, key, addr);
	offer.state = LEASE_ACTIVE;
	offer.starts = a->now;
	offer.ends = a->now + (int64_t)(a->cfg->d->offer_hold_ms / 1000);
	lease_table_store(a->offers, &offer);
	pool_mark(a, addr, true);
	d->verdict = VERDICT_OFFER;
	d->yiaddr = net_order(addr);
	d->lease_secs = lease_secs(a, req, s);
}

/* l ends now, as a RELEASE ends it: journalled, and its address back in the
 * pool unless something else holds it.  l may point into the database. */
static int end_lease(struct assign *a, const struct lease *l, const struct client_key *key)
{
	struct lease x = *l;
	uint32_t addr = host_order(x.addr);

	x.state = LEASE_RELEASED;
	x.ends = a->now;
	if (lease_db_put(a->db, &x) < 0)
		return -ENOMEM;
	end_offer(a, addr, key);
	if (!held(a, addr))
		pool_mark(a, addr, false);
	return 0;
}

/* Whether the client's lease l, asked for again, can be given as it is:
 * the same terms as the lease fresh would have, and within the first
 * quarter of its time (as ISC dhcpd's dhcp-cache-threshold).  A client
 * that reboots or renews early then costs no write and no sync, and still
 * gets nothing the journal does not hold. */
static bool reusable(const struct assign *a, const struct lease *l, const struct lease *fresh)
{
	int64_t length = l->ends - l->starts;

	return l->state == LEASE_ACTIVE && l->ends > a->now &&
	       (a->now - l->starts) * 4 < length && length == fresh->ends - fresh->starts &&
	       l->client_id_len == fresh->client_id_len &&
	       memcmp(l->client_id, fresh->client_id, l->client_id_len) == 0 &&
	       l->hwaddr_len == fresh->hwaddr_len &&
	       memcmp(l->hwaddr, fresh->hwaddr, l->hwaddr_len) == 0 &&
	       strcmp(l->hostname, fresh->hostname) == 0;
}

static void ack(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		const struct dhcpd_subnet *s, uint32_t addr, struct decision *d)
{
	struct on_subnet here = { .a = a, .s = s, .except = addr };
	const struct lease *old;
	struct lease l;

	/* One lease per client and subnet: the client's others here end, so
	 * that one moving from address to address (INIT-REBOOT into a free one,
	 * SELECTING another, a [host] given a fixed address) cannot drain the
	 * pool.  Those that ran out end too, so that the client index keeps
	 * few entries per client.  First, so that the client id leads to the
	 * new lease, not to an ended one. */
	while ((old = lease_db_find_client(a->db, key->id, key->len, other_on_subnet, &here))) {
		struct in_addr at = old->addr;
		bool running = old->ends > a->now;

		if (end_lease(a, old, key) < 0)
			return drop(d, "out of memory for the lease");
		if (running)
			d->ended = at;
	}
	d->yiaddr = net_order(addr);
	d->lease_secs = lease_secs(a, req, s);
	lease_from(&l, req, key, addr);
	l.state = LEASE_ACTIVE;
	l.starts = a->now;
	l.ends = a->now + d->lease_secs;
	old = lease_db_by_addr(a->db, d->yiaddr);
	if (old && reusable(a, old, &l)) {
		d->lease_secs = (uint32_t)(old->ends - a->now);
	} else if (lease_db_put(a->db, &l) < 0) {
		return drop(d, "out of memory for the lease");
	}
	end_offer(a, addr, key);
	pool_mark(a, addr, true);
	d->verdict = VERDICT_ACK;
	/* a lease given again may still be queued: its ACK waits the same */
	d->durable = true;
}

/* Whether the client may have addr on subnet s (INIT-REBOOT, RENEWING,
 * REBINDING and SELECTING alike): ACK, NAK or silence. */
static void confirm(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		    const struct dhcpd_subnet *s, const struct dhcpd_host *host, uint32_t addr,
		    struct decision *d)
{
	const struct dhcpd_host *owner = dhcpd_config_host_by_addr(a->cfg, addr);

	d->subnet = s;
	d->yiaddr = net_order(addr);	/* for the log; a NAK's own yiaddr stays 0 */
	/* RFC 2131 §4.3.2: a network we know nothing of may be another
	 * server's; authoritative speaks for the subnets we serve only. */
	if (!s)
		return drop(d, "no [subnet] for the client's network");
	if ((addr & s->mask) != s->net)
		return nak(a, d, "the address is not on the client's network");
	if (fixed(host) && host->subnet == s && host->addr.s_addr != net_order(addr).s_addr)
		return nak(a, d, "the client has another fixed address");
	if (owner && owner != host)
		return nak(a, d, "the fixed address of another host");
	if (!owner && !range_of(s, addr))
		return nak(a, d, "the address is in no range of the subnet");
	if (!usable(a, addr, key, host))
		return nak(a, d, "the address belongs to another client");
	ack(a, req, key, s, addr, d);
}

/* RFC 2131 §4.3.2: SELECTING (option 54 present), INIT-REBOOT (option 50,
 * no ciaddr), RENEWING/REBINDING (ciaddr). */
static void request(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		    const struct dhcpd_subnet *link, struct in_addr server_id,
		    const struct dhcpd_host *host, struct decision *d)
{
	struct in_addr sid, asked;
	bool has_asked = dhcp_msg_get_ip(req, OPT_REQUESTED_IP, &asked);

	if (dhcp_msg_get_ip(req, OPT_SERVER_ID, &sid)) {
		if (sid.s_addr != server_id.s_addr) {
			const struct lease *o = lease_table_by_client(a->offers, key->id, key->len);

			/* The client took another server's offer: ours goes back. */
			if (o) {
				uint32_t addr = host_order(o->addr);

				end_offer(a, addr, key);
				if (!held(a, addr))
					pool_mark(a, addr, false);
			}
			return drop(d, "the client chose another server");
		}
		if (!has_asked)
			return drop(d, "SELECTING without a requested address (option 50)");
		return confirm(a, req, key, assign_subnet(a, req, link), host,
			       host_order(asked), d);
	}
	if (has_asked && !req->ciaddr.s_addr)
		return confirm(a, req, key, assign_subnet(a, req, link), host,
			       host_order(asked), d);
	if (req->ciaddr.s_addr)
		return confirm(a, req, key,
			       dhcpd_config_subnet_of(a->cfg, host_order(req->ciaddr)), host,
			       host_order(req->ciaddr), d);
	drop(d, "REQUEST with neither a requested address nor ciaddr");
}

/* RFC 2131 §4.3.3: the address is out of use until decline_hold has passed.
 * Only the client that holds it may decline it. */
static void decline(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		    struct decision *d)
{
	struct in_addr asked;
	const struct lease *l, *o;
	struct lease x;

	if (!dhcp_msg_get_ip(req, OPT_REQUESTED_IP, &asked))
		return drop(d, "DECLINE without the address (option 50)");
	l = lease_db_by_addr(a->db, asked);
	o = lease_table_by_addr(a->offers, asked);
	/* A lapsed offer holds nothing: the address may be another's lease now. */
	if ((live(l, a->now) && !is_client(l, key)) ||
	    (!(live(l, a->now) && is_client(l, key)) && !(live(o, a->now) && is_client(o, key))))
		return drop(d, "DECLINE of an address the client does not hold");
	lease_from(&x, req, key, host_order(asked));
	x.state = LEASE_DECLINED;
	x.starts = a->now;
	x.ends = a->now + (int64_t)(a->cfg->d->decline_hold_ms / 1000);
	if (lease_db_put(a->db, &x) < 0)
		return drop(d, "out of memory for the lease");
	end_offer(a, host_order(asked), key);
	pool_mark(a, host_order(asked), true);
	d->yiaddr = asked;
	d->durable = true;
	drop(d, "the address is held out of the pool");
}

/* RFC 2131 §4.3.4: only the lease's own client can release it, so a forged
 * RELEASE cannot free another machine's address. */
static void release(struct assign *a, const struct dhcp_msg *req, const struct client_key *key,
		    struct decision *d)
{
	const struct lease *l = lease_db_by_addr(a->db, req->ciaddr);

	d->yiaddr = req->ciaddr;
	if (!l || !is_client(l, key) || l->state != LEASE_ACTIVE)
		return drop(d, "RELEASE of an address not leased to this client");
	if (end_lease(a, l, key) < 0)
		return drop(d, "out of memory for the lease");
	d->durable = true;
	drop(d, "the address is free again");
}

void assign_decide(struct assign *a, const struct dhcp_msg *req,
		   const struct dhcpd_subnet *link, struct in_addr server_id,
		   struct decision *d)
{
	const struct dhcpd_host *host = host_of(a, req);
	struct client_key key;
	struct in_addr sid;
	unsigned type = dhcp_msg_type(req);

	memset(d, 0, sizeof *d);
	d->host = host;
	d->subnet = assign_subnet(a, req, link);
	if (!assign_client_key(req, &key))
		return drop(d, "no client identifier and no hardware address");
	/* Only [host] machines get an answer: not even a NAK for the others. */
	if (a->cfg->d->deny_unknown && !host)
		return drop(d, "unknown client (unknown_clients = deny)");
	/* RFC 2131 §4.3.3, §4.3.4: DECLINE and RELEASE name their server. */
	if ((type == DHCPDECLINE || type == DHCPRELEASE) &&
	    (!dhcp_msg_get_ip(req, OPT_SERVER_ID, &sid) || sid.s_addr != server_id.s_addr))
		return drop(d, "addressed to another server");
	switch (type) {
	case DHCPDISCOVER:
		if (!d->subnet)
			return drop(d, "no [subnet] for the client's network");
		return discover(a, req, &key, d->subnet, host, d);
	case DHCPREQUEST:
		return request(a, req, &key, link, server_id, host, d);
	case DHCPDECLINE:
		return decline(a, req, &key, d);
	case DHCPRELEASE:
		return release(a, req, &key, d);
	case DHCPINFORM:
		/* RFC 2131 §4.3.5: configuration for the address it has. */
		d->subnet = dhcpd_config_subnet_of(a->cfg, host_order(req->ciaddr));
		if (!d->subnet)
			d->subnet = assign_subnet(a, req, link);
		if (!d->subnet)
			return drop(d, "INFORM from a network with no [subnet]");
		d->verdict = VERDICT_ACK_INFO;
		return;
	default:
		return drop(d, "not a message a server answers");
	}
}

void assign_conflict(struct assign *a, struct in_addr addr)
{
	/* No client id: the hold is nobody's, and the client index never
	 * holds it (holds would all share one id). */
	struct lease hold = { .addr = addr, .state = LEASE_ACTIVE, .starts = a->now };

	hold.ends = a->now + (int64_t)(a->cfg->d->decline_hold_ms / 1000);
	if (lease_table_reserve(a->offers) < 0)
		return;
	lease_table_store(a->offers, &hold);
	pool_mark(a, ntohl(addr.s_addr), true);
}

struct fill {
	struct assign *a;
	bool taken;		/* mark live ones taken, or ended ones free */
	size_t count;
};

static bool fill_one(const struct lease *l, void *arg)
{
	struct fill *f = arg;
	uint32_t addr = host_order(l->addr);

	if (f->taken && live(l, f->a->now)) {
		pool_mark(f->a, addr, true);
		f->count++;
	} else if (!f->taken && !held(f->a, addr)) {
		pool_mark(f->a, addr, false);
		f->count++;
	}
	return true;
}

void assign_fill_pools(struct assign *a)
{
	struct fill f = { .a = a, .taken = true };

	lease_db_each(a->db, fill_one, &f);
	lease_table_each(a->offers, fill_one, &f);
	for (size_t i = 0; i < a->cfg->nhosts; i++)
		if (fixed(&a->cfg->hosts[i]))
			pool_mark(a, host_order(a->cfg->hosts[i].addr), true);
}

size_t assign_expire(struct assign *a)
{
	struct fill f = { .a = a, .taken = false };

	a->last_expire = a->now;
	lease_table_each(a->offers, fill_one, &f);
	lease_table_drop_ended(a->offers, lease_table_seq(a->offers), a->now + 1);
	lease_db_each(a->db, fill_one, &f);
	return f.count;
}
