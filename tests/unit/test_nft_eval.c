/* Unit tests of pxectl/nft_eval.c, on rulesets as `nft -j list ruleset`
 * (nftables 1.0.6) prints them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nft_eval.h"

/* table inet filter: input policy drop; iif lo accept; ct state
 * established,related accept; udp dport {67, 69} accept; tcp dport 2049
 * counter accept; udp dport 30000-30100 drop; ip saddr 10.0.0.0/8 jump lab.
 * lab: udp dport 111 reject. */
static const char stateful[] =
	"{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
	"{\"table\": {\"family\": \"inet\", \"name\": \"filter\", \"handle\": 1}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"filter\", \"name\": \"input\", "
	"\"handle\": 1, \"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, "
	"\"policy\": \"drop\"}},"
	"{\"chain\": {\"family\": \"inet\", \"table\": \"filter\", \"name\": \"lab\", \"handle\": 2}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 3, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iif\"}}, "
	"\"right\": \"lo\"}}, {\"accept\": null}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 4, "
	"\"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, "
	"\"right\": [\"established\", \"related\"]}}, {\"accept\": null}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 6, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": {\"set\": [67, 69]}}}, {\"accept\": null}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 7, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", "
	"\"field\": \"dport\"}}, \"right\": 2049}}, {\"counter\": {\"packets\": 0, \"bytes\": 0}}, "
	"{\"accept\": null}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 8, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": {\"range\": [30000, 30100]}}}, {\"drop\": null}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": 9, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
	"\"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}}}, "
	"{\"jump\": {\"target\": \"lab\"}}]}},"
	"{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"lab\", \"handle\": 10, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": 111}}, {\"reject\": {\"type\": \"icmpx\", "
	"\"expr\": \"port-unreachable\"}}]}}]}";

/* table ip f: input policy accept; ip saddr 192.0.2.0/24 udp dport 69 drop;
 * udp dport != 2000 udp dport 4011 drop. */
static const char stateless[] =
	"{\"nftables\": ["
	"{\"chain\": {\"family\": \"ip\", \"table\": \"f\", \"name\": \"in\", \"handle\": 1, "
	"\"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"accept\"}},"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"f\", \"chain\": \"in\", \"handle\": 2, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
	"\"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"192.0.2.0\", \"len\": 24}}}}, "
	"{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": 69}}, {\"drop\": null}]}},"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"f\", \"chain\": \"in\", \"handle\": 3, "
	"\"expr\": [{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": 2000}}, {\"match\": {\"op\": \"==\", \"left\": "
	"{\"payload\": {\"protocol\": \"udp\", \"field\": \"dport\"}}, \"right\": 4011}}, "
	"{\"drop\": null}]}}]}";

/* table ip g: input policy accept; ip saddr 10.0.0.0/8 jump lab.
 * lab: udp dport 111 drop. */
static const char jumping[] =
	"{\"nftables\": ["
	"{\"chain\": {\"family\": \"ip\", \"table\": \"g\", \"name\": \"in\", \"handle\": 1, "
	"\"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"accept\"}},"
	"{\"chain\": {\"family\": \"ip\", \"table\": \"g\", \"name\": \"lab\", \"handle\": 2}},"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"g\", \"chain\": \"in\", \"handle\": 3, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
	"\"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}}}, "
	"{\"jump\": {\"target\": \"lab\"}}]}},"
	"{\"rule\": {\"family\": \"ip\", \"table\": \"g\", \"chain\": \"lab\", \"handle\": 4, "
	"\"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", "
	"\"field\": \"dport\"}}, \"right\": 111}}, {\"drop\": null}]}}]}";

static struct nft_result eval(const char *ruleset, const char *proto, uint16_t port,
			      bool established)
{
	json_error_t jerr;
	json_t *doc = json_loads(ruleset, 0, &jerr);
	struct nft_packet pkt = { .l4proto = proto, .dport = port, .established = established };
	struct nft_result r;

	assert_non_null(doc);
	assert_int_equal(nft_eval(doc, &pkt, &r), 0);
	json_decref(doc);
	return r;
}

static void test_set_member_is_accepted(void **state)
{
	assert_int_equal(eval(stateful, "udp", 69, false).verdict, NFT_ACCEPTED);
	assert_int_equal(eval(stateful, "udp", 67, false).verdict, NFT_ACCEPTED);
	assert_int_equal(eval(stateful, "tcp", 2049, false).verdict, NFT_ACCEPTED);
}

static void test_unlisted_port_falls_to_drop_policy(void **state)
{
	struct nft_result r = eval(stateful, "udp", 4011, false);

	assert_int_equal(r.verdict, NFT_DROPPED);
	assert_true(r.by_policy);
	assert_string_equal(r.where, "inet filter input policy drop");
}

static void test_other_protocol_does_not_match_port_rule(void **state)
{
	assert_int_equal(eval(stateful, "tcp", 69, false).verdict, NFT_DROPPED);
}

static void test_range_drop_names_its_rule_unless_established(void **state)
{
	struct nft_result r = eval(stateful, "udp", 30050, false);

	assert_int_equal(r.verdict, NFT_DROPPED);
	assert_false(r.by_policy);
	assert_string_equal(r.where, "inet filter input handle 8");
	assert_int_equal(eval(stateful, "udp", 30050, true).verdict, NFT_ACCEPTED);
}

static void test_drop_behind_undecidable_match_is_uncertain(void **state)
{
	struct nft_result r = eval(stateless, "udp", 69, false);

	assert_int_equal(r.verdict, NFT_MAY_DROP);
	assert_string_equal(r.where, "ip f in handle 2");
	assert_int_equal(eval(stateless, "udp", 67, false).verdict, NFT_ACCEPTED);
}

static void test_not_equal_and_equal_combine(void **state)
{
	assert_int_equal(eval(stateless, "udp", 4011, false).verdict, NFT_DROPPED);
}

static void test_drop_policy_decides_after_conditional_jump(void **state)
{
	assert_int_equal(eval(stateful, "udp", 111, false).verdict, NFT_DROPPED);
}

static void test_drop_in_chain_jumped_to_under_condition_is_possible(void **state)
{
	struct nft_result r = eval(jumping, "udp", 111, false);

	assert_int_equal(r.verdict, NFT_MAY_DROP);
	assert_string_equal(r.where, "ip g lab handle 4");
	assert_int_equal(eval(jumping, "tcp", 111, false).verdict, NFT_ACCEPTED);
}

static void test_not_a_ruleset_is_refused(void **state)
{
	json_t *doc = json_loads("{\"x\": 1}", 0, NULL);
	struct nft_packet pkt = { .l4proto = "udp", .dport = 69 };
	struct nft_result r;

	assert_int_equal(nft_eval(doc, &pkt, &r), -EINVAL);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_member_is_accepted),
		cmocka_unit_test(test_unlisted_port_falls_to_drop_policy),
		cmocka_unit_test(test_other_protocol_does_not_match_port_rule),
		cmocka_unit_test(test_range_drop_names_its_rule_unless_established),
		cmocka_unit_test(test_drop_behind_undecidable_match_is_uncertain),
		cmocka_unit_test(test_not_equal_and_equal_combine),
		cmocka_unit_test(test_drop_policy_decides_after_conditional_jump),
		cmocka_unit_test(test_drop_in_chain_jumped_to_under_condition_is_possible),
		cmocka_unit_test(test_not_a_ruleset_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
