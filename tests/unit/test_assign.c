/* Unit tests of dhcpd/assign.c and dhcpd/answer.c: RFC 2131 §4.3's address
 * decisions for DISCOVER, REQUEST in each client state, DECLINE, RELEASE and
 * INFORM, with a real lease database in a temporary directory, a config
 * from INI text and a clock the tests move; then the replies, field by field
 * and option by option as RFC 2131 table 3 has them. */
#include <config.h>

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "answer.h"
#include "assign.h"
#include "dhcp_msg.h"
#include "dhcpd_config.h"
#include "lease_db.h"
#include "lease_table.h"
#include "log.h"
#include "suite_conf.h"

#define T0 1764000000LL
#define SERVER "10.77.0.1"

/* One small pool on the link (.100 .. .103, of which .101 is a host's
 * fixed address: three for everyone else), a second subnet behind a
 * relay, a host by MAC with a fixed address and one by client id without. */
#define DHCPD_KEYS \
	"lease_time = 1h\n" \
	"max_lease_time = 2h\n" \
	"offer_hold = 60s\n" \
	"decline_hold = 10m\n"
#define NETWORKS \
	"[subnet 10.77.0.0/24]\n" \
	"range = 10.77.0.100 10.77.0.103\n" \
	"router = 10.77.0.1\n" \
	"dns = 10.77.0.1\n" \
	"domain = lab.example\n" \
	"\n" \
	"[subnet 10.78.0.0/24]\n" \
	"range = 10.78.0.10 10.78.0.19\n" \
	"router = 10.78.0.1\n" \
	"lease_time = 30m\n" \
	"\n" \
	"[host fixed]\n" \
	"mac = 52:54:00:00:00:f0\n" \
	"address = 10.77.0.101\n" \
	"hostname = fixed\n" \
	"\n" \
	"[host known]\n" \
	"client_id = ff:00:00:00:2a:00:01\n"

static const char base_ini[] = "[dhcpd]\n" DHCPD_KEYS NETWORKS;

#define FIXED 0xf0		/* the MAC's last byte of [host fixed] */
static const uint8_t known_id[] = { 0xff, 0, 0, 0, 0x2a, 0, 1 };

static char dir[] = "/tmp/test_assign.XXXXXX";
static char path[300];
static struct conf conf;
static bool conf_loaded;
static struct dhcpd_config *cfg;
static struct lease_db *db;
static struct lease_table *offers;
static struct assign as;

/* ---------------------------------------------------------------- fixture */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void open_db(void)
{
	char err[512];
	unsigned skipped;

	if (lease_db_open(path, &db, &skipped, err, sizeof err) != 0)
		fail_msg("lease_db_open: %s", err);
	assert_int_equal(skipped, 0);
}

/* The server's start-up: the config, the lease file, the offers, the pools. */
static void start(const char *ini)
{
	struct conf_error cerr;
	char msg[512];

	assert_int_equal(conf_init(&conf, suite_schema, &cerr), 0);
	conf_loaded = true;
	if (conf_load_string(&conf, "pxe.ini", ini, &cerr) != 0 || conf_check(&conf, &cerr) != 0)
		fail_msg("%s", cerr.msg);
	if (dhcpd_config_build(&conf, &cfg, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
	open_db();
	offers = lease_table_new();
	assert_non_null(offers);
	as = (struct assign){ .cfg = cfg, .db = db, .offers = offers, .now = T0 };
	assign_fill_pools(&as);
}

static void stop(void)
{
	lease_db_close(db);
	db = NULL;
	lease_table_free(offers);
	offers = NULL;
	dhcpd_config_free(cfg);
	cfg = NULL;
	if (conf_loaded)
		conf_free(&conf);
	conf_loaded = false;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_assign.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/dhcpd.leases", dir);
	log_set_level(LOG_ERR);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop();
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------------------------------------------------------- requests */

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *str(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[n], sizeof buf[n]);
}

static const struct dhcpd_subnet *link0(void)
{
	return &cfg->subnets[0];
}

/* A message from client n: Ethernet, MAC 52:54:00:00:00:n. */
static void msg(struct dhcp_msg *m, uint8_t type, uint8_t n)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x00 };

	dhcp_msg_init(m);
	m->op = BOOTREQUEST;
	m->htype = 1;
	m->hlen = 6;
	m->xid = 0x5eed0000u + n;
	memcpy(m->chaddr, mac, sizeof mac);
	m->chaddr[5] = n;
	if (type)
		assert_int_equal(dhcp_msg_set_u8(m, OPT_MSG_TYPE, type), 0);
}

static void set_ip(struct dhcp_msg *m, uint8_t code, struct in_addr a)
{
	assert_int_equal(dhcp_msg_set_ip(m, code, a), 0);
}

static struct decision decide(const struct dhcp_msg *m)
{
	struct decision d;

	assign_decide(&as, m, link0(), ip(SERVER), &d);
	return d;
}

static const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "DROP", "OFFER", "ACK", "ACK_INFO", "NAK" };

	return v <= VERDICT_NAK ? names[v] : "?";
}

#define expect(d, v) do { \
		if ((d).verdict != (v)) \
			fail_msg("verdict %s, expected %s (why: %s)", verdict_name((d).verdict), \
				 verdict_name(v), (d).why ? (d).why : "-"); \
	} while (0)

static struct decision discover_asking(uint8_t n, const char *asked)
{
	struct dhcp_msg m;

	msg(&m, DHCPDISCOVER, n);
	if (asked)
		set_ip(&m, OPT_REQUESTED_IP, ip(asked));
	return decide(&m);
}

/* A DISCOVER that must be answered: the address offered. */
static struct in_addr offered(uint8_t n)
{
	struct decision d = discover_asking(n, NULL);

	expect(d, VERDICT_OFFER);
	return d.yiaddr;
}

/* RFC 2131 §4.3.2 SELECTING: option 54 and option 50, no ciaddr. */
static struct decision selecting(uint8_t n, struct in_addr addr, const char *server)
{
	struct dhcp_msg m;

	msg(&m, DHCPREQUEST, n);
	set_ip(&m, OPT_SERVER_ID, ip(server));
	set_ip(&m, OPT_REQUESTED_IP, addr);
	return decide(&m);
}

/* INIT-REBOOT: option 50, no option 54, no ciaddr. */
static struct decision init_reboot(uint8_t n, const char *addr)
{
	struct dhcp_msg m;

	msg(&m, DHCPREQUEST, n);
	set_ip(&m, OPT_REQUESTED_IP, ip(addr));
	return decide(&m);
}

/* RENEWING: ciaddr, neither 50 nor 54. */
static struct decision renewing(uint8_t n, struct in_addr addr)
{
	struct dhcp_msg m;

	msg(&m, DHCPREQUEST, n);
	m.ciaddr = addr;
	return decide(&m);
}

static struct decision declining(uint8_t n, struct in_addr addr)
{
	struct dhcp_msg m;

	msg(&m, DHCPDECLINE, n);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, addr);
	return decide(&m);
}

static struct decision releasing(uint8_t n, struct in_addr addr)
{
	struct dhcp_msg m;

	msg(&m, DHCPRELEASE, n);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	m.ciaddr = addr;
	return decide(&m);
}

/* DISCOVER, OFFER, REQUEST, ACK, and the lease made durable. */
static struct in_addr dora(uint8_t n)
{
	struct in_addr a = offered(n);
	struct decision d = selecting(n, a, SERVER);

	expect(d, VERDICT_ACK);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
	assert_int_equal(lease_db_commit(db), 0);
	return a;
}

static void key_of(uint8_t n, uint8_t key[7])
{
	static const uint8_t k[7] = { 1, 0x52, 0x54, 0x00, 0x00, 0x00, 0x00 };

	memcpy(key, k, sizeof k);
	key[6] = n;
}

static bool held_by(const struct lease *l, uint8_t n)
{
	uint8_t key[7];

	key_of(n, key);
	return l && l->client_id_len == 7 && memcmp(l->client_id, key, 7) == 0;
}

static bool in_pool(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return h >= 0x0a4d0064 && h <= 0x0a4d0067 && h != 0x0a4d0065;
}

static bool pool_free_at(struct in_addr a)
{
	const struct dhcpd_subnet *s = dhcpd_config_subnet_of(cfg, ntohl(a.s_addr));
	struct dhcpd_range *r = s ? dhcpd_subnet_range_of(s, ntohl(a.s_addr)) : NULL;

	if (!r)
		fail_msg("%s is in no range", str(a));
	return r && pool_is_free(r->pool, ntohl(a.s_addr));
}

/* ---------------------------------------------------------------- DISCOVER */

static void test_discover_offers_a_free_address_and_holds_it(void **state)
{
	struct decision d;
	struct in_addr a, b;
	const struct lease *o;

	(void)state;
	start(base_ini);
	d = discover_asking(1, NULL);
	expect(d, VERDICT_OFFER);
	a = d.yiaddr;
	assert_true(in_pool(a));
	assert_ptr_equal(d.subnet, link0());
	assert_null(d.host);
	assert_int_equal(d.lease_secs, 3600);
	assert_true(d.fresh);
	assert_false(d.durable);
	/* On hold for client 1 for offer_hold, and out of the pool. */
	o = lease_table_by_addr(offers, a);
	assert_true(held_by(o, 1));
	assert_true(o->ends == T0 + 60);
	assert_false(pool_free_at(a));
	/* Nothing is written for an offer. */
	assert_int_equal(lease_db_count(db), 0);

	b = offered(2);
	assert_true(in_pool(b));
	assert_int_not_equal(a.s_addr, b.s_addr);
}

static void test_discover_twice_offers_the_same_address(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = offered(1);
	as.now += 5;
	assert_int_equal(offered(1).s_addr, a.s_addr);
	as.now += 50;
	assert_int_equal(offered(1).s_addr, a.s_addr);
	/* The second offer holds it from its own time. */
	assert_true(lease_table_by_addr(offers, a)->ends == T0 + 55 + 60);
	assert_int_equal(lease_table_count(offers), 1);
}

static void test_requested_address_honoured_when_free(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	d = discover_asking(1, "10.77.0.103");
	expect(d, VERDICT_OFFER);
	assert_string_equal(str(d.yiaddr), "10.77.0.103");
}

static void test_requested_address_not_honoured_when_held(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	d = discover_asking(1, "10.77.0.103");
	assert_string_equal(str(d.yiaddr), "10.77.0.103");
	d = discover_asking(2, "10.77.0.103");
	expect(d, VERDICT_OFFER);
	assert_true(in_pool(d.yiaddr));
	assert_string_not_equal(str(d.yiaddr), "10.77.0.103");
}

static void test_requested_address_outside_the_ranges_ignored(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	d = discover_asking(1, "10.77.0.50");
	expect(d, VERDICT_OFFER);
	assert_true(in_pool(d.yiaddr));
	d = discover_asking(2, "10.78.0.12");
	expect(d, VERDICT_OFFER);
	assert_true(in_pool(d.yiaddr));
}

static void test_returning_client_gets_its_old_address(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	offered(2);
	as.now += 1000;
	assert_int_equal(offered(1).s_addr, a.s_addr);
}

static void test_returning_client_gets_its_old_address_after_expiry(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 3 * 3600;		/* the lease ended two hours ago */
	assign_expire(&as);
	assert_true(pool_free_at(a));
	assert_int_equal(offered(1).s_addr, a.s_addr);
}

static void test_expired_address_taken_by_another_is_not_given_back(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 3 * 3600;
	assign_expire(&as);
	d = discover_asking(2, str(a));
	expect(d, VERDICT_OFFER);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
	assert_int_not_equal(offered(1).s_addr, a.s_addr);
}

static void test_fixed_host_gets_its_address(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	d = discover_asking(FIXED, NULL);
	expect(d, VERDICT_OFFER);
	assert_string_equal(str(d.yiaddr), "10.77.0.101");
	assert_ptr_equal(d.host, &cfg->hosts[0]);
	/* Asking for another address changes nothing. */
	d = discover_asking(FIXED, "10.77.0.103");
	assert_string_equal(str(d.yiaddr), "10.77.0.101");
	d = selecting(FIXED, ip("10.77.0.101"), SERVER);
	expect(d, VERDICT_ACK);
	assert_true(held_by(lease_db_by_addr(db, ip("10.77.0.101")), FIXED));
}

static void test_fixed_address_never_offered_to_others(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	/* Asked for by name, then the whole pool handed out. */
	d = discover_asking(1, "10.77.0.101");
	expect(d, VERDICT_OFFER);
	assert_string_not_equal(str(d.yiaddr), "10.77.0.101");
	for (uint8_t n = 2; n <= 3; n++)
		assert_string_not_equal(str(offered(n)), "10.77.0.101");
	expect(discover_asking(4, NULL), VERDICT_DROP);
	expect(discover_asking(5, "10.77.0.101"), VERDICT_DROP);
	/* Nor acknowledged to them. */
	expect(init_reboot(6, "10.77.0.101"), VERDICT_NAK);
	expect(selecting(6, ip("10.77.0.101"), SERVER), VERDICT_NAK);
}

static void test_pool_exhaustion_drops_then_offers_expire(void **state)
{
	struct decision d;
	struct in_addr got[3];

	(void)state;
	start(base_ini);
	for (uint8_t n = 1; n <= 3; n++)
		got[n - 1] = offered(n);
	d = discover_asking(4, NULL);
	expect(d, VERDICT_DROP);
	assert_string_equal(d.why, "no free address in the subnet's ranges");
	as.now += 30;
	expect(discover_asking(4, NULL), VERDICT_DROP);
	/* Past offer_hold: the three unanswered offers are free again. */
	as.now += 31;
	d = discover_asking(4, NULL);
	expect(d, VERDICT_OFFER);
	assert_true(d.yiaddr.s_addr == got[0].s_addr || d.yiaddr.s_addr == got[1].s_addr ||
		    d.yiaddr.s_addr == got[2].s_addr);
	assert_true(held_by(lease_table_by_addr(offers, d.yiaddr), 4));
	offered(5);
	offered(6);
	expect(discover_asking(7, NULL), VERDICT_DROP);
}

static void test_acked_leases_do_not_come_back_with_offers(void **state)
{
	(void)state;
	start(base_ini);
	dora(1);
	dora(2);
	dora(3);
	as.now += 120;
	expect(discover_asking(4, NULL), VERDICT_DROP);
	as.now += 3600;			/* now the leases have ended */
	expect(discover_asking(4, NULL), VERDICT_OFFER);
}

/* ---------------------------------------------------------------- REQUEST */

static void test_selecting_our_server_acks_durably(void **state)
{
	struct decision d;
	struct in_addr a;
	const struct lease *l;

	(void)state;
	start(base_ini);
	a = offered(1);
	as.now += 2;
	d = selecting(1, a, SERVER);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
	assert_int_equal(d.lease_secs, 3600);
	assert_true(d.durable);
	assert_ptr_equal(d.subnet, link0());
	l = lease_db_by_addr(db, a);
	assert_true(held_by(l, 1));
	assert_int_equal(l->state, LEASE_ACTIVE);
	assert_true(l->starts == T0 + 2);
	assert_true(l->ends == T0 + 2 + 3600);
	assert_int_equal(l->hwaddr_len, 6);
	assert_memory_equal(l->hwaddr, "\x52\x54\x00\x00\x00\x01", 6);
	/* Not durable until committed: the server sends the ACK after this. */
	assert_int_equal(lease_db_pending(db), 1);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_pending(db), 0);
	assert_false(pool_free_at(a));

	/* It survives a restart. */
	lease_db_close(db);
	db = NULL;
	open_db();
	assert_true(held_by(lease_db_by_addr(db, a), 1));
}

static void test_leases_survive_a_restart(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	stop();
	start(base_ini);
	assert_false(pool_free_at(a));
	expect(discover_asking(2, str(a)), VERDICT_OFFER);
	assert_int_not_equal(discover_asking(2, str(a)).yiaddr.s_addr, a.s_addr);
	assert_int_equal(offered(1).s_addr, a.s_addr);
}

static void test_selecting_another_server_drops_and_releases_our_offer(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = offered(1);
	d = selecting(1, a, "10.77.0.2");
	expect(d, VERDICT_DROP);
	assert_string_equal(d.why, "the client chose another server");
	assert_false(d.durable);
	assert_null(lease_db_by_addr(db, a));
	assert_true(lease_table_by_addr(offers, a)->ends <= as.now);
	assert_true(pool_free_at(a));
	d = discover_asking(2, str(a));
	expect(d, VERDICT_OFFER);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
}

static void test_selecting_without_requested_address_dropped(void **state)
{
	struct dhcp_msg m;

	(void)state;
	start(base_ini);
	offered(1);
	msg(&m, DHCPREQUEST, 1);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	expect(decide(&m), VERDICT_DROP);
}

/* The offer lapsed and another client took the address meanwhile. */
static void test_selecting_a_lapsed_offer_taken_by_another_naked(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = offered(1);
	as.now += 61;
	assign_expire(&as);
	expect(discover_asking(2, str(a)), VERDICT_OFFER);
	expect(selecting(1, a, SERVER), VERDICT_NAK);
}

static void test_init_reboot_own_address_acked(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 1000;			/* past the first quarter: a new lease */
	d = init_reboot(1, str(a));
	expect(d, VERDICT_ACK);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
	assert_true(lease_db_by_addr(db, a)->ends == as.now + 3600);
}

static void test_init_reboot_other_clients_address_naked(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	d = init_reboot(2, str(a));
	expect(d, VERDICT_NAK);
	assert_string_equal(d.why, "the address belongs to another client");
	assert_true(held_by(lease_db_by_addr(db, a), 1));
	/* An address on hold for another client's offer, too. */
	a = offered(3);
	expect(init_reboot(2, str(a)), VERDICT_NAK);
}

static void test_init_reboot_wrong_subnet_naked(void **state)
{
	struct decision d;

	(void)state;
	start(base_ini);
	d = init_reboot(1, "192.168.1.20");
	expect(d, VERDICT_NAK);
	assert_string_equal(d.why, "the address is not on the client's network");
	/* On a subnet we serve, but not this link's. */
	expect(init_reboot(1, "10.78.0.12"), VERDICT_NAK);
	/* Ours and on the link, but in no range. */
	d = init_reboot(1, "10.77.0.7");
	expect(d, VERDICT_NAK);
	assert_string_equal(d.why, "the address is in no range of the subnet");
	assert_int_equal(lease_db_count(db), 0);
}

static void test_init_reboot_not_authoritative_stays_silent(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start("[dhcpd]\n" DHCPD_KEYS "authoritative = no\n" NETWORKS);
	a = dora(1);
	d = init_reboot(1, "192.168.1.20");
	expect(d, VERDICT_DROP);
	assert_string_equal(d.why, "the address is not on the client's network");
	expect(init_reboot(2, str(a)), VERDICT_DROP);
	/* What is right is still acknowledged. */
	expect(init_reboot(1, str(a)), VERDICT_ACK);
}

static void test_renew_extends_the_lease(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	assert_true(lease_db_by_addr(db, a)->ends == T0 + 3600);
	as.now += 1800;			/* T1 */
	d = renewing(1, a);
	expect(d, VERDICT_ACK);
	assert_true(d.durable);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
	assert_true(lease_db_by_addr(db, a)->ends == T0 + 1800 + 3600);
	assert_int_equal(lease_db_commit(db), 0);
}

/* A client asking again within the first quarter of its lease (a reboot,
 * an early renewal) gets the lease already on disk, for the time it has
 * left: nothing to write, so no sync before the ACK. */
static void test_early_request_gets_the_lease_on_disk(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 100;
	d = renewing(1, a);
	expect(d, VERDICT_ACK);
	assert_true(d.durable);
	assert_int_equal(d.lease_secs, 3500);
	assert_int_equal(lease_db_pending(db), 0);
	assert_true(lease_db_by_addr(db, a)->ends == T0 + 3600);
	as.now += 500;
	d = init_reboot(1, str(a));
	expect(d, VERDICT_ACK);
	assert_int_equal(d.lease_secs, 3000);
	assert_int_equal(lease_db_pending(db), 0);
	/* a quarter gone: a new lease, written before its ACK */
	as.now = T0 + 900;
	d = renewing(1, a);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.lease_secs, 3600);
	assert_int_equal(lease_db_pending(db), 1);
	assert_true(lease_db_by_addr(db, a)->ends == T0 + 900 + 3600);
	assert_int_equal(lease_db_commit(db), 0);
}

/* Other terms than the lease has (another lease time asked, another host
 * name) make a new lease; so does a lease whose record is still queued,
 * whose ACK waits for it either way. */
static void test_early_request_with_other_terms_gets_a_new_lease(void **state)
{
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 10;
	msg(&m, DHCPREQUEST, 1);
	m.ciaddr = a;
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 600), 0);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.lease_secs, 600);
	assert_int_equal(lease_db_pending(db), 1);
	assert_int_equal(lease_db_commit(db), 0);

	msg(&m, DHCPREQUEST, 1);
	m.ciaddr = a;
	assert_int_equal(dhcp_msg_set(&m, OPT_HOST_NAME, "node7", 5), 0);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_int_equal(lease_db_pending(db), 1);
	assert_string_equal(lease_db_by_addr(db, a)->hostname, "node7");

	/* queued, not yet on disk: the same lease again, and the ACK waits */
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_true(d.durable);
	assert_int_equal(lease_db_pending(db), 1);
	assert_int_equal(lease_db_commit(db), 0);
}

static void test_renew_of_another_clients_address_naked(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	expect(renewing(2, a), VERDICT_NAK);
	assert_true(lease_db_by_addr(db, a)->ends == T0 + 3600);
}

/* authoritative: "NAK requests for addresses not ours on a subnet we
 * serve".  A client whose network has no [subnet] (relayed from elsewhere,
 * renewing an address of another network, or on a link we do not serve)
 * may be another server's: RFC 2131 §4.3.2 has the server stay silent. */
static void test_request_from_a_network_we_do_not_serve_not_naked(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPREQUEST, 1);
	m.giaddr = ip("10.99.0.1");
	set_ip(&m, OPT_REQUESTED_IP, ip("10.99.0.20"));
	d = decide(&m);
	expect(d, VERDICT_DROP);
	expect(renewing(1, ip("192.168.7.7")), VERDICT_DROP);
	msg(&m, DHCPREQUEST, 1);
	set_ip(&m, OPT_REQUESTED_IP, ip("10.77.0.100"));
	assign_decide(&as, &m, NULL, ip(SERVER), &d);
	expect(d, VERDICT_DROP);
	assert_int_equal(lease_db_count(db), 0);
}

static void test_request_with_neither_address_dropped(void **state)
{
	struct dhcp_msg m;

	(void)state;
	start(base_ini);
	msg(&m, DHCPREQUEST, 1);
	expect(decide(&m), VERDICT_DROP);
}

/* ---------------------------------------------------------------- one lease per client and subnet */

/* The client's earlier lease a ended when it was acknowledged another address
 * of the same subnet: released as a RELEASE would be, journalled, and free
 * for the pool. */
static void assert_ended(struct in_addr a, uint8_t n)
{
	const struct lease *l = lease_db_by_addr(db, a);

	assert_true(held_by(l, n));
	assert_int_equal(l->state, LEASE_RELEASED);
	assert_true(l->ends == as.now);
	assert_true(pool_free_at(a));
}

/* The record of the ended lease is on disk: after a restart it is still
 * released and its address free. */
static void assert_ended_after_restart(struct in_addr a, uint8_t n, const char *ini)
{
	assert_int_equal(lease_db_commit(db), 0);
	stop();
	start(ini);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_RELEASED);
	assert_true(held_by(lease_db_by_addr(db, a), n));
	assert_true(pool_free_at(a));
}

/* INIT-REBOOT into a free address with no record is acknowledged (as
 * dnsmasq does), and the client's old lease must not stay behind: else one
 * machine moving from address to address drains the pool. */
static void test_init_reboot_into_another_free_address_ends_the_old_lease(void **state)
{
	struct decision d;
	struct in_addr a, b;

	(void)state;
	start(base_ini);
	a = dora(1);
	b = ip(ntohl(a.s_addr) == 0x0a4d0064 ? "10.77.0.102" : "10.77.0.100");
	as.now += 60;
	d = init_reboot(1, str(b));
	expect(d, VERDICT_ACK);
	assert_int_equal(d.yiaddr.s_addr, b.s_addr);
	assert_int_equal(d.ended.s_addr, a.s_addr);
	assert_true(held_by(lease_db_by_addr(db, b), 1));
	assert_ended(a, 1);
	assert_int_equal(lease_db_pending(db), 2);
	/* Moving on and on costs the pool nothing. */
	for (int i = 0; i < 5; i++) {
		struct in_addr next = i % 2 ? b : a, prev = i % 2 ? a : b;

		as.now += 60;
		d = init_reboot(1, str(next));
		expect(d, VERDICT_ACK);
		assert_int_equal(d.ended.s_addr, prev.s_addr);
		assert_ended(prev, 1);
	}
	assert_ended_after_restart(b, 1, base_ini);
	dora(2);
	dora(3);
}

static void test_selecting_another_address_ends_the_old_lease(void **state)
{
	struct decision d;
	struct in_addr a, b;

	(void)state;
	start(base_ini);
	a = dora(1);
	b = offered(2);
	as.now += 61;			/* client 2's offer lapses unanswered */
	d = selecting(1, b, SERVER);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, a.s_addr);
	assert_ended(a, 1);
	assert_ended_after_restart(a, 1, base_ini);
}

/* A machine with a pool lease that the admin then lists with a fixed
 * address: the ACK of the fixed address ends the pool lease. */
static void test_fixed_address_ends_the_hosts_pool_lease(void **state)
{
	static const char before_ini[] = "[dhcpd]\n" DHCPD_KEYS
		"[subnet 10.77.0.0/24]\n"
		"range = 10.77.0.100 10.77.0.103\n";
	struct decision d;
	struct in_addr a;

	(void)state;
	start(before_ini);
	a = dora(FIXED);
	assert_string_not_equal(str(a), "10.77.0.101");
	stop();
	start(base_ini);
	as.now += 600;
	/* Its old address refused, then the fixed one acknowledged. */
	expect(init_reboot(FIXED, str(a)), VERDICT_NAK);
	expect(discover_asking(FIXED, str(a)), VERDICT_OFFER);
	d = selecting(FIXED, ip("10.77.0.101"), SERVER);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, a.s_addr);
	assert_ended(a, FIXED);
	assert_ended_after_restart(a, FIXED, base_ini);
}

/* A REQUEST from client n through the relay of the second subnet. */
static struct decision relayed_init_reboot(uint8_t n, const char *addr)
{
	struct dhcp_msg m;

	msg(&m, DHCPREQUEST, n);
	m.giaddr = ip("10.78.0.1");
	m.hops = 1;
	set_ip(&m, OPT_REQUESTED_IP, ip(addr));
	return decide(&m);
}

/* What is not another lease of the client on the same subnet stays. */
static void test_renewal_and_other_subnets_end_nothing(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 1800;
	d = renewing(1, a);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, 0);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
	/* The same client behind the relay, on the second subnet. */
	d = relayed_init_reboot(1, "10.78.0.15");
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, 0);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
	assert_false(pool_free_at(a));
	/* Another client's lease is never ended by this one's ACK. */
	a = dora(2);
	expect(init_reboot(3, "10.77.0.103"), VERDICT_ACK);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
	/* A lease that has run out is closed too, but the client held nothing. */
	as.now += 7200;
	d = init_reboot(2, ntohl(a.s_addr) == 0x0a4d0064 ? "10.77.0.102" : "10.77.0.100");
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, 0);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_RELEASED);
}

/* A machine that moves between two subnets holds one lease on each, however
 * often it moves: its lease here is found though it had one elsewhere since. */
static void test_moving_between_subnets_keeps_one_lease_on_each(void **state)
{
	struct decision d;
	struct in_addr a, b;

	(void)state;
	start(base_ini);
	a = dora(1);
	expect(relayed_init_reboot(1, "10.78.0.15"), VERDICT_ACK);
	as.now += 60;
	b = ip(ntohl(a.s_addr) == 0x0a4d0064 ? "10.77.0.102" : "10.77.0.100");
	d = init_reboot(1, str(b));
	expect(d, VERDICT_ACK);
	assert_int_equal(d.ended.s_addr, a.s_addr);
	assert_ended(a, 1);
	d = relayed_init_reboot(1, "10.78.0.16");
	expect(d, VERDICT_ACK);
	assert_string_equal(str(d.ended), "10.78.0.15");
	assert_int_equal(lease_db_by_addr(db, b)->state, LEASE_ACTIVE);
	assert_ended_after_restart(a, 1, base_ini);
	assert_int_equal(lease_db_by_addr(db, ip("10.78.0.15"))->state, LEASE_RELEASED);
	assert_int_equal(lease_db_by_addr(db, ip("10.78.0.16"))->state, LEASE_ACTIVE);
}

/* RFC 2131 §4.3.1: the client's binding on the DISCOVER's subnet comes
 * first, though its latest lease is on another. */
static void test_discover_offers_the_clients_lease_on_this_subnet(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	expect(relayed_init_reboot(1, "10.78.0.15"), VERDICT_ACK);
	assert_int_equal(offered(1).s_addr, a.s_addr);
}

/* ---------------------------------------------------------------- DECLINE */

static void test_decline_holds_the_address_for_decline_hold(void **state)
{
	struct decision d;
	struct in_addr x, y;
	const struct lease *l;

	(void)state;
	start(base_ini);
	x = dora(1);
	as.now += 2;
	d = declining(1, x);
	expect(d, VERDICT_DROP);
	assert_true(d.durable);
	assert_int_equal(d.yiaddr.s_addr, x.s_addr);
	l = lease_db_by_addr(db, x);
	assert_non_null(l);
	assert_int_equal(l->state, LEASE_DECLINED);
	assert_true(l->ends == T0 + 2 + 600);
	assert_int_equal(lease_db_commit(db), 0);

	/* Meanwhile the client gets another address, asked for or not... */
	as.now += 30;
	d = discover_asking(1, str(x));
	expect(d, VERDICT_OFFER);
	assert_int_not_equal(d.yiaddr.s_addr, x.s_addr);
	y = dora(1);
	assert_int_not_equal(y.s_addr, x.s_addr);
	/* ...and nobody else gets it, even with the pool exhausted. */
	expect(discover_asking(2, str(x)), VERDICT_OFFER);
	assert_int_not_equal(discover_asking(2, str(x)).yiaddr.s_addr, x.s_addr);
	dora(2);
	expect(discover_asking(3, NULL), VERDICT_DROP);
	expect(init_reboot(3, str(x)), VERDICT_NAK);
	expect(init_reboot(1, str(x)), VERDICT_NAK);
	assert_int_equal(lease_db_by_addr(db, x)->state, LEASE_DECLINED);

	/* Once decline_hold has passed it is back in the pool. */
	as.now = T0 + 2 + 600;
	d = discover_asking(3, NULL);
	expect(d, VERDICT_OFFER);
	assert_int_equal(d.yiaddr.s_addr, x.s_addr);
}

static void test_decline_of_an_offered_address(void **state)
{
	struct in_addr x;

	(void)state;
	start(base_ini);
	x = offered(1);
	expect(declining(1, x), VERDICT_DROP);
	assert_int_equal(lease_db_by_addr(db, x)->state, LEASE_DECLINED);
	assert_int_not_equal(offered(1).s_addr, x.s_addr);
}

static void test_decline_by_a_client_without_the_address_ignored(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	d = declining(2, a);
	expect(d, VERDICT_DROP);
	assert_false(d.durable);
	assert_string_equal(d.why, "DECLINE of an address the client does not hold");
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
	assert_true(held_by(lease_db_by_addr(db, a), 1));
	assert_int_equal(lease_db_pending(db), 0);
	/* Nor of an address nobody holds. */
	d = declining(2, ip("10.77.0.103"));
	assert_false(d.durable);
	assert_null(lease_db_by_addr(db, ip("10.77.0.103")));
}

/* Client 1's offer of X lapsed, and client 2 got X (INIT-REBOOT needs no
 * offer).  Client 1's DECLINE of X must not turn client 2's lease into a
 * declined one: client 2 would lose X while still using it, and X would go
 * to a third client once decline_hold is over. */
static void test_decline_with_a_lapsed_offer_leaves_anothers_lease(void **state)
{
	struct decision d;
	struct in_addr x;

	(void)state;
	start(base_ini);
	x = offered(1);
	as.now += 61;
	d = init_reboot(2, str(x));
	expect(d, VERDICT_ACK);
	assert_int_equal(lease_db_commit(db), 0);
	as.now += 1;
	d = declining(1, x);
	expect(d, VERDICT_DROP);
	assert_false(d.durable);
	assert_int_equal(lease_db_by_addr(db, x)->state, LEASE_ACTIVE);
	assert_true(held_by(lease_db_by_addr(db, x), 2));
}

static void test_decline_to_another_server_ignored(void **state)
{
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	msg(&m, DHCPDECLINE, 1);
	set_ip(&m, OPT_SERVER_ID, ip("10.77.0.2"));
	set_ip(&m, OPT_REQUESTED_IP, a);
	d = decide(&m);
	expect(d, VERDICT_DROP);
	assert_false(d.durable);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
}

/* ---------------------------------------------------------------- RELEASE */

static void test_release_frees_the_address(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 10;
	d = releasing(1, a);
	expect(d, VERDICT_DROP);
	assert_true(d.durable);
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_RELEASED);
	assert_int_equal(lease_db_commit(db), 0);
	assert_true(pool_free_at(a));
	d = discover_asking(2, str(a));
	expect(d, VERDICT_OFFER);
	assert_int_equal(d.yiaddr.s_addr, a.s_addr);
}

static void test_release_frees_the_address_for_the_pool(void **state)
{
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	dora(2);
	dora(3);
	as.now += 10;
	expect(releasing(1, a), VERDICT_DROP);
	assert_int_equal(offered(4).s_addr, a.s_addr);
}

static void test_forged_release_ignored(void **state)
{
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	as.now += 120;
	d = releasing(2, a);
	expect(d, VERDICT_DROP);
	assert_false(d.durable);
	assert_string_equal(d.why, "RELEASE of an address not leased to this client");
	assert_int_equal(lease_db_by_addr(db, a)->state, LEASE_ACTIVE);
	assert_int_equal(lease_db_pending(db), 0);
	assert_false(pool_free_at(a));
	assert_int_not_equal(discover_asking(3, str(a)).yiaddr.s_addr, a.s_addr);
	expect(renewing(1, a), VERDICT_ACK);
}

/* ---------------------------------------------------------------- INFORM */

static void test_inform_acks_without_a_lease(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPINFORM, 9);
	m.ciaddr = ip("10.77.0.55");
	d = decide(&m);
	expect(d, VERDICT_ACK_INFO);
	assert_ptr_equal(d.subnet, link0());
	assert_int_equal(d.yiaddr.s_addr, 0);
	assert_false(d.durable);
	assert_int_equal(lease_db_count(db), 0);
	assert_int_equal(lease_db_pending(db), 0);
	assert_int_equal(lease_table_count(offers), 0);
	/* ciaddr names the subnet, wherever the message came in. */
	m.ciaddr = ip("10.78.0.77");
	d = decide(&m);
	expect(d, VERDICT_ACK_INFO);
	assert_ptr_equal(d.subnet, &cfg->subnets[1]);
}

/* ---------------------------------------------------------------- policy */

static void test_deny_unknown_answers_only_hosts(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start("[dhcpd]\n" DHCPD_KEYS "unknown_clients = deny\n" NETWORKS);
	d = discover_asking(1, NULL);
	expect(d, VERDICT_DROP);
	assert_string_equal(d.why, "unknown client (unknown_clients = deny)");
	expect(selecting(1, ip("10.77.0.100"), SERVER), VERDICT_DROP);
	expect(init_reboot(1, "10.77.0.100"), VERDICT_DROP);
	assert_int_equal(lease_db_count(db), 0);
	/* The host with a fixed address. */
	assert_string_equal(str(dora(FIXED)), "10.77.0.101");
	/* The host known by client id, from the pool. */
	msg(&m, DHCPDISCOVER, 2);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, known_id, sizeof known_id), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	assert_true(in_pool(d.yiaddr));
	assert_ptr_equal(d.host, &cfg->hosts[1]);
}

/* "deny answers only machines listed in [host] sections": no NAK and no
 * INFORM ACK to the others either. */
static void test_deny_unknown_is_silent_to_every_unknown_message(void **state)
{
	struct dhcp_msg m;

	(void)state;
	start("[dhcpd]\n" DHCPD_KEYS "unknown_clients = deny\n" NETWORKS);
	expect(init_reboot(1, "192.168.1.20"), VERDICT_DROP);
	expect(init_reboot(1, "10.77.0.101"), VERDICT_DROP);
	expect(renewing(1, ip("10.77.0.7")), VERDICT_DROP);
	msg(&m, DHCPINFORM, 1);
	m.ciaddr = ip("10.77.0.55");
	expect(decide(&m), VERDICT_DROP);
}

static void test_requested_lease_time_clipped_to_max(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 86400), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	assert_int_equal(d.lease_secs, 7200);
	/* Infinite (RFC 2131 §3.3) is clipped too. */
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 0xffffffffu), 0);
	assert_int_equal(decide(&m).lease_secs, 7200);
	/* Less than max is granted, and what the ACK puts in the lease. */
	msg(&m, DHCPREQUEST, 1);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, d.yiaddr);
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 5400), 0);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_int_equal(d.lease_secs, 5400);
	assert_true(lease_db_by_addr(db, d.yiaddr)->ends == T0 + 5400);
}

static void test_requested_lease_time_under_a_minute_ignored(void **state)
{
	struct dhcp_msg m;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 10), 0);
	assert_int_equal(decide(&m).lease_secs, 3600);
}

static void test_relayed_request_uses_giaddr_subnet(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	m.giaddr = ip("10.78.0.1");
	m.hops = 1;
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	assert_ptr_equal(d.subnet, &cfg->subnets[1]);
	assert_string_equal(str(d.yiaddr), "10.78.0.10");
	assert_int_equal(d.lease_secs, 1800);

	/* The REQUEST through the relay: its subnet's address is acked... */
	msg(&m, DHCPREQUEST, 1);
	m.giaddr = ip("10.78.0.1");
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, d.yiaddr);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_ptr_equal(d.subnet, &cfg->subnets[1]);
	/* ...and one of the server's own link is not. */
	msg(&m, DHCPREQUEST, 2);
	m.giaddr = ip("10.78.0.1");
	set_ip(&m, OPT_REQUESTED_IP, ip("10.77.0.100"));
	expect(decide(&m), VERDICT_NAK);
}

static void test_relayed_from_an_unknown_network_dropped(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	m.giaddr = ip("10.99.0.1");
	d = decide(&m);
	expect(d, VERDICT_DROP);
	assert_string_equal(d.why, "no [subnet] for the client's network");
	assert_int_equal(lease_table_count(offers), 0);
}

static void test_no_link_subnet_dropped(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	assign_decide(&as, &m, NULL, ip(SERVER), &d);
	expect(d, VERDICT_DROP);
}

/* RFC 2132 §9.14: option 61 of 01 + MAC names the same client as a bare
 * chaddr, whichever messages carry it. */
static void test_client_id_01_mac_is_the_chaddr_client(void **state)
{
	static const uint8_t id[] = { 1, 0x52, 0x54, 0, 0, 0, 7 };
	struct client_key key;
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 7);
	assert_true(assign_client_key(&m, &key));
	assert_int_equal(key.len, sizeof id);
	assert_memory_equal(key.id, id, sizeof id);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, id, sizeof id), 0);
	assert_true(assign_client_key(&m, &key));
	assert_memory_equal(key.id, id, sizeof id);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	a = d.yiaddr;
	/* The REQUEST leaves option 61 out: the same client all the same. */
	d = selecting(7, a, SERVER);
	expect(d, VERDICT_ACK);
	assert_true(held_by(lease_db_by_addr(db, a), 7));
	assert_int_equal(offered(7).s_addr, a.s_addr);
}

static void test_other_client_id_is_another_client(void **state)
{
	static const uint8_t id[] = { 0xff, 0xaa, 0xbb, 0xcc };
	struct client_key key;
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;
	const struct lease *l;

	(void)state;
	start(base_ini);
	a = dora(7);
	msg(&m, DHCPDISCOVER, 7);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, id, sizeof id), 0);
	assert_true(assign_client_key(&m, &key));
	assert_int_equal(key.len, sizeof id);
	assert_memory_equal(key.id, id, sizeof id);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	assert_int_not_equal(d.yiaddr.s_addr, a.s_addr);
	l = lease_table_by_addr(offers, d.yiaddr);
	assert_int_equal(l->client_id_len, sizeof id);
	assert_memory_equal(l->client_id, id, sizeof id);
}

static void test_no_client_key_dropped(void **state)
{
	struct client_key key;
	struct dhcp_msg m;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	m.hlen = 0;
	assert_false(assign_client_key(&m, &key));
	expect(decide(&m), VERDICT_DROP);
}

static void test_messages_for_clients_dropped(void **state)
{
	struct dhcp_msg m;

	(void)state;
	start(base_ini);
	msg(&m, 0, 1);				/* BOOTP */
	expect(decide(&m), VERDICT_DROP);
	msg(&m, DHCPOFFER, 1);
	expect(decide(&m), VERDICT_DROP);
	msg(&m, DHCPACK, 1);
	expect(decide(&m), VERDICT_DROP);
	assert_int_equal(lease_table_count(offers), 0);
}

/* A host listed by MAC whose firmware sends an RFC 4361 client id (ff,
 * IAID, DUID), as systemd-networkd and some UEFI builds do: it is found by
 * its chaddr, offered its fixed address, and must get the ACK for it. */
static void test_fixed_host_by_mac_with_duid_client_id_acked(void **state)
{
	static const uint8_t duid[] = { 0xff, 0, 0, 0, 1, 0, 4, 0x12, 0x34, 0x56, 0x78,
					0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7 };
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, FIXED);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, duid, sizeof duid), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	assert_string_equal(str(d.yiaddr), "10.77.0.101");
	msg(&m, DHCPREQUEST, FIXED);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, duid, sizeof duid), 0);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, ip("10.77.0.101"));
	d = decide(&m);
	expect(d, VERDICT_ACK);
	assert_string_equal(str(d.yiaddr), "10.77.0.101");
}

/* ---------------------------------------------------------------- replies */

static struct dhcp_msg reply;

static struct in_addr opt_ip(const struct dhcp_msg *m, uint8_t code)
{
	struct in_addr a = { 0 };

	if (!dhcp_msg_get_ip(m, code, &a))
		fail_msg("option %u missing", code);
	return a;
}

static uint32_t opt_u32(const struct dhcp_msg *m, uint8_t code)
{
	uint32_t v = 0;

	if (!dhcp_msg_get_u32(m, code, &v))
		fail_msg("option %u missing", code);
	return v;
}

static void assert_codes(const struct dhcp_msg *m, const uint8_t *codes, size_t n)
{
	char got[256] = "", want[256] = "";

	for (uint16_t i = 0; i < m->opts.count; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), " %u", m->opts.order[i]);
	for (size_t i = 0; i < n; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), " %u", codes[i]);
	if (strcmp(got, want) != 0)
		fail_msg("options%s, expected%s", got, want);
}

static void build_reply(const struct dhcp_msg *req, const struct decision *d)
{
	struct pxe_boot boot;

	assert_int_equal(answer_build(&reply, req, cfg, d, ip(SERVER), &boot), 0);
}

/* What every reply copies from the request (table 3). */
static void assert_copied(const struct dhcp_msg *req)
{
	assert_int_equal(reply.op, BOOTREPLY);
	assert_int_equal(reply.htype, req->htype);
	assert_int_equal(reply.hlen, req->hlen);
	assert_int_equal(reply.hops, 0);
	assert_int_equal(reply.xid, req->xid);
	assert_int_equal(reply.secs, 0);
	assert_int_equal(reply.flags, req->flags);
	assert_int_equal(reply.giaddr.s_addr, req->giaddr.s_addr);
	assert_memory_equal(reply.chaddr, req->chaddr, DHCP_CHADDR_LEN);
}

static void param_request(struct dhcp_msg *m)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 28, 66, 67 };

	assert_int_equal(dhcp_msg_set(m, OPT_PARAM_REQUEST, prl, sizeof prl), 0);
}

static void test_answer_offer(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 1);
	m.flags = DHCP_FLAG_BROADCAST;
	m.secs = 4;
	param_request(&m);
	assert_int_equal(dhcp_msg_set_u16(&m, OPT_MAX_MSG_SIZE, 1500), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	build_reply(&m, &d);
	assert_copied(&m);
	assert_int_equal(dhcp_msg_type(&reply), DHCPOFFER);
	assert_int_equal(reply.yiaddr.s_addr, d.yiaddr.s_addr);
	assert_int_equal(reply.ciaddr.s_addr, 0);
	/* A BIOS client (no option 93): [dhcpd] boot_file from this server. */
	assert_string_equal(reply.file, "pxelinux.0");
	assert_string_equal(str(reply.siaddr), SERVER);
	assert_string_equal(str(opt_ip(&reply, OPT_SERVER_ID)), SERVER);
	assert_int_equal(opt_u32(&reply, OPT_LEASE_TIME), 3600);
	assert_int_equal(opt_u32(&reply, OPT_RENEWAL_TIME), 1800);
	assert_int_equal(opt_u32(&reply, OPT_REBINDING_TIME), 3150);
	assert_string_equal(str(opt_ip(&reply, OPT_SUBNET_MASK)), "255.255.255.0");
	assert_string_equal(str(opt_ip(&reply, OPT_ROUTER)), "10.77.0.1");
	assert_string_equal(str(opt_ip(&reply, OPT_BROADCAST)), "10.77.0.255");
	assert_string_equal(str(opt_ip(&reply, OPT_DNS_SERVERS)), "10.77.0.1");
	/* Table 3: MUST NOT in an OFFER. */
	assert_false(dhcp_msg_has(&reply, OPT_REQUESTED_IP));
	assert_false(dhcp_msg_has(&reply, OPT_PARAM_REQUEST));
	assert_false(dhcp_msg_has(&reply, OPT_MAX_MSG_SIZE));
	assert_false(dhcp_msg_has(&reply, OPT_MESSAGE));
	assert_false(dhcp_msg_has(&reply, OPT_CLIENT_ID));
}

static void test_answer_ack_lease_times(void **state)
{
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = offered(1);
	msg(&m, DHCPREQUEST, 1);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, a);
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 1001), 0);
	param_request(&m);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	build_reply(&m, &d);
	assert_copied(&m);
	assert_int_equal(dhcp_msg_type(&reply), DHCPACK);
	assert_int_equal(reply.yiaddr.s_addr, a.s_addr);
	assert_int_equal(reply.ciaddr.s_addr, 0);
	assert_int_equal(opt_u32(&reply, OPT_LEASE_TIME), 1001);
	/* RFC 2131 §4.4.5: T1 half the lease, T2 7/8 of it, rounded down. */
	assert_int_equal(opt_u32(&reply, OPT_RENEWAL_TIME), 500);
	assert_int_equal(opt_u32(&reply, OPT_REBINDING_TIME), 875);
	assert_string_equal(str(opt_ip(&reply, OPT_SERVER_ID)), SERVER);
	assert_false(dhcp_msg_has(&reply, OPT_REQUESTED_IP));
	assert_false(dhcp_msg_has(&reply, OPT_MESSAGE));
}

/* Table 3: an ACK's ciaddr is the REQUEST's, and yiaddr the address. */
static void test_answer_ack_to_renewing_keeps_ciaddr(void **state)
{
	struct dhcp_msg m;
	struct decision d;
	struct in_addr a;

	(void)state;
	start(base_ini);
	a = dora(1);
	msg(&m, DHCPREQUEST, 1);
	m.ciaddr = a;
	d = decide(&m);
	expect(d, VERDICT_ACK);
	build_reply(&m, &d);
	assert_int_equal(reply.ciaddr.s_addr, a.s_addr);
	assert_int_equal(reply.yiaddr.s_addr, a.s_addr);
	assert_int_equal(opt_u32(&reply, OPT_LEASE_TIME), 3600);
}

static void test_answer_nak_has_only_53_54_56(void **state)
{
	static const uint8_t codes[] = { OPT_MSG_TYPE, OPT_SERVER_ID, OPT_MESSAGE };
	struct dhcp_msg m;
	struct decision d;
	size_t len;
	const uint8_t *text;

	(void)state;
	start(base_ini);
	msg(&m, DHCPREQUEST, 1);
	set_ip(&m, OPT_REQUESTED_IP, ip("192.168.1.20"));
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 1001), 0);
	param_request(&m);
	d = decide(&m);
	expect(d, VERDICT_NAK);
	build_reply(&m, &d);
	assert_copied(&m);
	assert_int_equal(dhcp_msg_type(&reply), DHCPNAK);
	assert_codes(&reply, codes, sizeof codes);
	assert_string_equal(str(opt_ip(&reply, OPT_SERVER_ID)), SERVER);
	text = dhcp_msg_get(&reply, OPT_MESSAGE, &len);
	assert_int_equal(len, strlen(d.why));
	assert_memory_equal(text, d.why, len);
	/* Table 3: every address field 0, no boot file, no server name. */
	assert_int_equal(reply.ciaddr.s_addr, 0);
	assert_int_equal(reply.yiaddr.s_addr, 0);
	assert_int_equal(reply.siaddr.s_addr, 0);
	assert_string_equal(reply.file, "");
	assert_string_equal(reply.sname, "");
}

static void test_answer_inform_ack(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(base_ini);
	msg(&m, DHCPINFORM, 9);
	m.ciaddr = ip("10.77.0.55");
	param_request(&m);
	d = decide(&m);
	expect(d, VERDICT_ACK_INFO);
	build_reply(&m, &d);
	assert_copied(&m);
	assert_int_equal(dhcp_msg_type(&reply), DHCPACK);
	/* §4.3.5: ciaddr kept, no yiaddr, no lease times. */
	assert_string_equal(str(reply.ciaddr), "10.77.0.55");
	assert_int_equal(reply.yiaddr.s_addr, 0);
	assert_false(dhcp_msg_has(&reply, OPT_LEASE_TIME));
	assert_false(dhcp_msg_has(&reply, OPT_RENEWAL_TIME));
	assert_false(dhcp_msg_has(&reply, OPT_REBINDING_TIME));
	assert_string_equal(str(opt_ip(&reply, OPT_SERVER_ID)), SERVER);
	assert_string_equal(str(opt_ip(&reply, OPT_SUBNET_MASK)), "255.255.255.0");
	assert_string_equal(str(opt_ip(&reply, OPT_ROUTER)), "10.77.0.1");
}

static const char timers_ini[] = "[dhcpd]\n" DHCPD_KEYS "option 58 = 600\noption 59 = 1200\n"
	NETWORKS;

/* Configured T1 and T2 go out as written when they keep RFC 2131 §4.4.5's
 * T1 < T2 < lease time for the lease the client gets. */
static void test_answer_sends_configured_t1_t2(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(timers_ini);
	msg(&m, DHCPDISCOVER, 1);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	build_reply(&m, &d);
	assert_int_equal(opt_u32(&reply, OPT_LEASE_TIME), 3600);
	assert_int_equal(opt_u32(&reply, OPT_RENEWAL_TIME), 600);
	assert_int_equal(opt_u32(&reply, OPT_REBINDING_TIME), 1200);
}

/* A client may ask for a lease shorter than the config was checked
 * against (option 51, down to 60 s): the defaults then, not a T1 past the
 * lease's end. */
static void test_answer_shorter_lease_than_configured_t1_t2_gets_defaults(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(timers_ini);
	msg(&m, DHCPDISCOVER, 1);
	assert_int_equal(dhcp_msg_set_u32(&m, OPT_LEASE_TIME, 1000), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	build_reply(&m, &d);
	assert_int_equal(opt_u32(&reply, OPT_LEASE_TIME), 1000);
	assert_int_equal(opt_u32(&reply, OPT_RENEWAL_TIME), 500);
	assert_int_equal(opt_u32(&reply, OPT_REBINDING_TIME), 875);
}

/* §4.3.5: an INFORM's ACK has no lease, so no T1 or T2 either. */
static void test_answer_inform_ack_drops_configured_t1_t2(void **state)
{
	struct dhcp_msg m;
	struct decision d;

	(void)state;
	start(timers_ini);
	msg(&m, DHCPINFORM, 9);
	m.ciaddr = ip("10.77.0.55");
	d = decide(&m);
	expect(d, VERDICT_ACK_INFO);
	build_reply(&m, &d);
	assert_false(dhcp_msg_has(&reply, OPT_LEASE_TIME));
	assert_false(dhcp_msg_has(&reply, OPT_RENEWAL_TIME));
	assert_false(dhcp_msg_has(&reply, OPT_REBINDING_TIME));
}

/* A proxyDHCP reply hands out no lease (PXE 2.1 §2.2.4), so no T1 or T2. */
static void test_answer_proxy_drops_configured_t1_t2(void **state)
{
	static const char pxe[] = "PXEClient:Arch:00000:UNDI:002001";
	struct pxe_boot boot;
	struct dhcp_msg m;

	(void)state;
	start("[dhcpd]\nmode = proxy\ninterface = eth0\noption 58 = 600\noption 59 = 1200\n"
	      "option 66 = 10.77.0.1\n");
	msg(&m, DHCPDISCOVER, 1);
	assert_int_equal(dhcp_msg_set(&m, OPT_VENDOR_CLASS, pxe, strlen(pxe)), 0);
	assert_int_equal(answer_proxy(&reply, &m, cfg, NULL, ip(SERVER), &boot), 0);
	assert_string_equal(str(opt_ip(&reply, OPT_SERVER_ID)), SERVER);
	assert_true(dhcp_msg_has(&reply, 66));
	assert_false(dhcp_msg_has(&reply, OPT_RENEWAL_TIME));
	assert_false(dhcp_msg_has(&reply, OPT_REBINDING_TIME));
}

/* RFC 6842: option 61 goes back as it came, in an OFFER and an ACK. */
static void test_answer_echoes_client_id(void **state)
{
	struct dhcp_msg m;
	struct decision d;
	size_t len;
	const uint8_t *v;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 2);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, known_id, sizeof known_id), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	build_reply(&m, &d);
	v = dhcp_msg_get(&reply, OPT_CLIENT_ID, &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof known_id);
	assert_memory_equal(v, known_id, len);

	msg(&m, DHCPREQUEST, 2);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, known_id, sizeof known_id), 0);
	set_ip(&m, OPT_SERVER_ID, ip(SERVER));
	set_ip(&m, OPT_REQUESTED_IP, d.yiaddr);
	d = decide(&m);
	expect(d, VERDICT_ACK);
	build_reply(&m, &d);
	v = dhcp_msg_get(&reply, OPT_CLIENT_ID, &len);
	assert_non_null(v);
	assert_memory_equal(v, known_id, sizeof known_id);
}

/* RFC 3046 §2.2: option 82 back to the relay, in a NAK too. */
static void test_answer_relay_agent_option_copied(void **state)
{
	static const uint8_t agent[] = { 1, 4, 'p', 'o', 'r', 't' };
	struct dhcp_msg m;
	struct decision d;
	size_t len;
	const uint8_t *v;

	(void)state;
	start(base_ini);
	msg(&m, DHCPREQUEST, 1);
	m.giaddr = ip("10.78.0.1");
	set_ip(&m, OPT_REQUESTED_IP, ip("10.77.0.100"));
	assert_int_equal(dhcp_msg_set(&m, OPT_RELAY_AGENT, agent, sizeof agent), 0);
	d = decide(&m);
	expect(d, VERDICT_NAK);
	build_reply(&m, &d);
	assert_string_equal(str(reply.giaddr), "10.78.0.1");
	v = dhcp_msg_get(&reply, OPT_RELAY_AGENT, &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof agent);
	assert_memory_equal(v, agent, len);
}

static void test_answer_round_trips_through_the_codec(void **state)
{
	uint8_t buf[DHCP_MSG_MAX_LEN];
	struct dhcp_encode_result res;
	struct dhcp_msg m, back;
	struct decision d;
	size_t len;
	const uint8_t *v;

	(void)state;
	start(base_ini);
	msg(&m, DHCPDISCOVER, 2);
	param_request(&m);
	assert_int_equal(dhcp_msg_set(&m, OPT_CLIENT_ID, known_id, sizeof known_id), 0);
	d = decide(&m);
	expect(d, VERDICT_OFFER);
	build_reply(&m, &d);
	assert_int_equal(dhcp_msg_encode(&reply, &m, buf, sizeof buf, &res), 0);
	assert_true(res.len >= DHCP_BOOTP_MIN_LEN && res.len <= 548);
	assert_int_equal(res.dropped, 0);
	assert_int_equal(dhcp_msg_decode(buf, res.len, &back), 0);
	assert_int_equal(back.invalid, 0);
	assert_int_equal(back.op, BOOTREPLY);
	assert_int_equal(back.xid, m.xid);
	assert_int_equal(back.yiaddr.s_addr, d.yiaddr.s_addr);
	assert_int_equal(back.siaddr.s_addr, reply.siaddr.s_addr);
	assert_string_equal(back.file, reply.file);
	assert_memory_equal(back.chaddr, m.chaddr, DHCP_CHADDR_LEN);
	assert_int_equal(dhcp_msg_type(&back), DHCPOFFER);
	/* RFC 2132 §9.6: 53 comes first on the wire. */
	assert_int_equal(buf[DHCP_OPTIONS_OFFSET], OPT_MSG_TYPE);
	assert_int_equal(back.opts.count, reply.opts.count);
	for (uint16_t i = 0; i < reply.opts.count; i++) {
		uint8_t c = reply.opts.order[i];
		size_t la;
		const uint8_t *va = dhcp_msg_get(&reply, c, &la);

		v = dhcp_msg_get(&back, c, &len);
		if (!v)
			fail_msg("option %u lost", c);
		assert_int_equal(len, la);
		assert_memory_equal(v, va, len);
	}
	/* Requested options in the order of option 55, after 53. */
	assert_int_equal(back.opts.order[0], OPT_MSG_TYPE);
	assert_int_equal(back.opts.order[1], OPT_SUBNET_MASK);
	assert_int_equal(back.opts.order[2], OPT_ROUTER);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_discover_offers_a_free_address_and_holds_it),
		T(test_discover_twice_offers_the_same_address),
		T(test_requested_address_honoured_when_free),
		T(test_requested_address_not_honoured_when_held),
		T(test_requested_address_outside_the_ranges_ignored),
		T(test_returning_client_gets_its_old_address),
		T(test_returning_client_gets_its_old_address_after_expiry),
		T(test_expired_address_taken_by_another_is_not_given_back),
		T(test_fixed_host_gets_its_address),
		T(test_fixed_address_never_offered_to_others),
		T(test_pool_exhaustion_drops_then_offers_expire),
		T(test_acked_leases_do_not_come_back_with_offers),
		T(test_selecting_our_server_acks_durably),
		T(test_leases_survive_a_restart),
		T(test_selecting_another_server_drops_and_releases_our_offer),
		T(test_selecting_without_requested_address_dropped),
		T(test_selecting_a_lapsed_offer_taken_by_another_naked),
		T(test_init_reboot_own_address_acked),
		T(test_init_reboot_other_clients_address_naked),
		T(test_init_reboot_wrong_subnet_naked),
		T(test_init_reboot_not_authoritative_stays_silent),
		T(test_renew_extends_the_lease),
		T(test_early_request_gets_the_lease_on_disk),
		T(test_early_request_with_other_terms_gets_a_new_lease),
		T(test_renew_of_another_clients_address_naked),
		T(test_request_from_a_network_we_do_not_serve_not_naked),
		T(test_request_with_neither_address_dropped),
		T(test_init_reboot_into_another_free_address_ends_the_old_lease),
		T(test_selecting_another_address_ends_the_old_lease),
		T(test_fixed_address_ends_the_hosts_pool_lease),
		T(test_renewal_and_other_subnets_end_nothing),
		T(test_moving_between_subnets_keeps_one_lease_on_each),
		T(test_discover_offers_the_clients_lease_on_this_subnet),
		T(test_decline_holds_the_address_for_decline_hold),
		T(test_decline_of_an_offered_address),
		T(test_decline_by_a_client_without_the_address_ignored),
		T(test_decline_with_a_lapsed_offer_leaves_anothers_lease),
		T(test_decline_to_another_server_ignored),
		T(test_release_frees_the_address),
		T(test_release_frees_the_address_for_the_pool),
		T(test_forged_release_ignored),
		T(test_inform_acks_without_a_lease),
		T(test_deny_unknown_answers_only_hosts),
		T(test_deny_unknown_is_silent_to_every_unknown_message),
		T(test_requested_lease_time_clipped_to_max),
		T(test_requested_lease_time_under_a_minute_ignored),
		T(test_relayed_request_uses_giaddr_subnet),
		T(test_relayed_from_an_unknown_network_dropped),
		T(test_no_link_subnet_dropped),
		T(test_client_id_01_mac_is_the_chaddr_client),
		T(test_other_client_id_is_another_client),
		T(test_no_client_key_dropped),
		T(test_messages_for_clients_dropped),
		T(test_fixed_host_by_mac_with_duid_client_id_acked),
		T(test_answer_offer),
		T(test_answer_ack_lease_times),
		T(test_answer_ack_to_renewing_keeps_ciaddr),
		T(test_answer_nak_has_only_53_54_56),
		T(test_answer_inform_ack),
		T(test_answer_sends_configured_t1_t2),
		T(test_answer_shorter_lease_than_configured_t1_t2_gets_defaults),
		T(test_answer_inform_ack_drops_configured_t1_t2),
		T(test_answer_proxy_drops_configured_t1_t2),
		T(test_answer_echoes_client_id),
		T(test_answer_relay_agent_option_copied),
		T(test_answer_round_trips_through_the_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
