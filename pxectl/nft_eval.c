/* Walking an nftables ruleset, in its JSON form (libnftables-json(5)), for
 * one packet. */
#include <config.h>

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "nft_eval.h"

enum match { M_NO, M_YES, M_MAYBE };
enum flow { F_CONTINUE, F_ACCEPT, F_DROP };

struct eval {
	json_t *items;			/* the "nftables" array */
	const struct nft_packet *pkt;
	unsigned *steps;		/* rules looked at, shared by every chain walked */
	bool uncertain;			/* a rule that may have matched was passed over */
	bool may_drop;
	char where[256];		/* of the drop, or of the first possible one */
};

static const char *str_of(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* A port as a ruleset may write it: a number, or a service name. */
static long long port_of(json_t *v, const char *proto)
{
	struct servent *se;

	if (json_is_integer(v))
		return json_integer_value(v);
	if (!json_is_string(v))
		return -1;
	se = getservbyname(json_string_value(v), proto);
	return se ? ntohs((uint16_t)se->s_port) : -1;
}

/* Whether right holds the value: 1, 0, or -1 when it cannot be told. */
static int holds(json_t *right, const char *str, long long num, const char *proto)
{
	json_t *item;
	size_t i;

	if (json_is_string(right) && json_string_value(right)[0] == '@')
		return -1;	/* a named set: its elements are elsewhere */
	if (str)
		return json_is_string(right) ? strcmp(json_string_value(right), str) == 0 :
		       json_is_array(right) ? 0 : -1;
	if (json_is_integer(right) || json_is_string(right))
		return port_of(right, proto) == num;
	if (json_is_object(right) && json_object_get(right, "range")) {
		json_t *r = json_object_get(right, "range");

		return port_of(json_array_get(r, 0), proto) <= num &&
		       num <= port_of(json_array_get(r, 1), proto);
	}
	if (json_is_object(right) && json_object_get(right, "set"))
		right = json_object_get(right, "set");
	if (!json_is_array(right))
		return -1;
	json_array_foreach(right, i, item) {
		int h = holds(item, str, num, proto);

		if (h != 0)
			return h;
	}
	return 0;
}

/* The flags of "ct state": the array holds any of them. */
static int holds_flag(json_t *right, const char *flag)
{
	json_t *item;
	size_t i;

	if (json_is_string(right))
		return streq(json_string_value(right), flag);
	if (json_is_object(right) && json_object_get(right, "set"))
		right = json_object_get(right, "set");
	if (!json_is_array(right))
		return -1;
	json_array_foreach(right, i, item)
		if (streq(json_string_value(item), flag))
			return 1;
	return 0;
}

static int apply_op(const char *op, int held)
{
	if (held < 0)
		return M_MAYBE;
	if (streq(op, "!="))
		return held ? M_NO : M_YES;
	return held ? M_YES : M_NO;
}

static int compare(const char *op, long long a, json_t *right, const char *proto)
{
	long long b;

	if (streq(op, "==") || streq(op, "!=") || streq(op, "in"))
		return apply_op(op, holds(right, NULL, a, proto));
	b = port_of(right, proto);
	if (b < 0)
		return M_MAYBE;
	if (streq(op, "<"))
		return a < b ? M_YES : M_NO;
	if (streq(op, ">"))
		return a > b ? M_YES : M_NO;
	if (streq(op, "<="))
		return a <= b ? M_YES : M_NO;
	if (streq(op, ">="))
		return a >= b ? M_YES : M_NO;
	return M_MAYBE;
}

static int match_payload(const struct eval *ev, json_t *pl, const char *op, json_t *right)
{
	const char *proto = str_of(pl, "protocol"), *field = str_of(pl, "field");
	const struct nft_packet *p = ev->pkt;

	if (streq(proto, "ip6"))
		return M_NO;		/* the suite's clients come over IPv4 */
	if ((streq(proto, "udp") || streq(proto, "tcp") || streq(proto, "th"))) {
		if (!streq(proto, "th") && !streq(proto, p->l4proto))
			return M_NO;	/* no such header: the match fails */
		if (streq(field, "dport"))
			return compare(op, p->dport, right, p->l4proto);
		return M_MAYBE;
	}
	if (streq(proto, "ip") && streq(field, "protocol"))
		return apply_op(op, holds(right, p->l4proto, 0, NULL));
	return M_MAYBE;
}

static int match_meta(const struct eval *ev, json_t *meta, const char *op, json_t *right)
{
	const char *key = str_of(meta, "key");
	const struct nft_packet *p = ev->pkt;

	if (streq(key, "l4proto"))
		return apply_op(op, holds(right, p->l4proto, 0, NULL));
	if (streq(key, "nfproto"))
		return apply_op(op, holds(right, "ipv4", 0, NULL));
	if (streq(key, "iifname") || streq(key, "iif")) {
		if (p->iifname)
			return apply_op(op, holds(right, p->iifname, 0, NULL));
		/* PXE clients never arrive on loopback */
		return json_is_string(right) && streq(json_string_value(right), "lo") ?
		       apply_op(op, 0) : M_MAYBE;
	}
	return M_MAYBE;
}

static int match_one(const struct eval *ev, json_t *m)
{
	const char *op = str_of(m, "op");
	json_t *left = json_object_get(m, "left"), *right = json_object_get(m, "right"), *x;

	if ((x = json_object_get(left, "payload")))
		return match_payload(ev, x, op, right);
	if ((x = json_object_get(left, "meta")))
		return match_meta(ev, x, op, right);
	if ((x = json_object_get(left, "ct")) && streq(str_of(x, "key"), "state"))
		return apply_op(op, holds_flag(right, ev->pkt->established ? "established" :
						  "new"));
	return M_MAYBE;
}

/* Whether every match of the rule holds, and its verdict statement. */
static int rule_match(const struct eval *ev, json_t *exprs, json_t **verdict,
		      const char **vname)
{
	int result = M_YES;
	json_t *e;
	size_t i;

	*verdict = NULL;
	*vname = NULL;
	json_array_foreach(exprs, i, e) {
		static const char *const verdicts[] = { "accept", "drop", "reject", "jump", "goto",
							"return", "queue", NULL };
		json_t *m = json_object_get(e, "match");

		if (m) {
			int r = match_one(ev, m);

			if (r == M_NO)
				return M_NO;
			if (r == M_MAYBE)
				result = M_MAYBE;
			continue;
		}
		if (json_object_get(e, "xt"))
			result = M_MAYBE;	/* an iptables match nft cannot show */
		for (int v = 0; verdicts[v]; v++)
			if (json_object_get(e, verdicts[v])) {
				*verdict = json_object_get(e, verdicts[v]);
				*vname = verdicts[v];
				return result;
			}
	}
	return result;
}

static void note(struct eval *ev, json_t *rule, bool maybe)
{
	if (maybe && ev->may_drop)
		return;		/* the first possible drop is the one to name */
	snprintf(ev->where, sizeof ev->where, "%s %s %s handle %lld", str_of(rule, "family"),
		 str_of(rule, "table"), str_of(rule, "chain"),
		 json_integer_value(json_object_get(rule, "handle")));
}

static int eval_chain(struct eval *ev, const char *family, const char *table,
		      const char *chain, unsigned depth);

/* A rule that may or may not match: what it would do counts as possible. */
static void maybe(struct eval *ev, json_t *rule, const char *vname, json_t *verdict,
		  const char *family, const char *table, unsigned depth)
{
	int flow = F_CONTINUE;

	if (streq(vname, "drop") || streq(vname, "reject")) {
		flow = F_DROP;
	} else if (streq(vname, "jump") || streq(vname, "goto")) {
		struct eval inner = *ev;

		inner.where[0] = '\0';
		inner.may_drop = false;
		flow = eval_chain(&inner, family, table, str_of(verdict, "target"), depth + 1);
		ev->uncertain |= inner.uncertain;
		if (inner.may_drop || flow == F_DROP) {
			if (!ev->may_drop)
				snprintf(ev->where, sizeof ev->where, "%s", inner.where);
			ev->may_drop = true;
		}
		if (flow == F_DROP)
			return;
	} else if (!streq(vname, "return")) {
		ev->uncertain = true;	/* an accept that may let the packet through */
		return;
	}
	if (flow == F_DROP) {
		note(ev, rule, true);
		ev->may_drop = true;
	} else if (flow == F_ACCEPT) {
		ev->uncertain = true;
	}
}

static int eval_chain(struct eval *ev, const char *family, const char *table,
		      const char *chain, unsigned depth)
{
	json_t *item;
	size_t i;

	if (depth > NFT_JUMP_DEPTH_MAX) {
		ev->uncertain = true;
		return F_CONTINUE;
	}
	json_array_foreach(ev->items, i, item) {
		/* jumps under conditions branch: bound the whole walk */
		if (++*ev->steps > NFT_STEPS_MAX) {
			ev->uncertain = true;
			return F_CONTINUE;
		}
		json_t *rule = json_object_get(item, "rule"), *verdict;
		const char *vname;
		int m, flow;

		if (!rule || !streq(str_of(rule, "family"), family) ||
		    !streq(str_of(rule, "table"), table) || !streq(str_of(rule, "chain"), chain))
			continue;
		m = rule_match(ev, json_object_get(rule, "expr"), &verdict, &vname);
		if (m == M_NO || !vname)
			continue;
		if (m == M_MAYBE) {
			maybe(ev, rule, vname, verdict, family, table, depth);
			continue;
		}
		if (streq(vname, "accept") || streq(vname, "queue"))
			return F_ACCEPT;
		if (streq(vname, "drop") || streq(vname, "reject")) {
			note(ev, rule, false);
			return F_DROP;
		}
		if (streq(vname, "return"))
			return F_CONTINUE;
		flow = eval_chain(ev, family, table, str_of(verdict, "target"), depth + 1);
		if (flow != F_CONTINUE || streq(vname, "goto"))
			return flow;
	}
	return F_CONTINUE;
}

/* Base chains a packet for this host passes: ingress, prerouting, input. */
static bool on_input_path(json_t *chain)
{
	const char *hook = str_of(chain, "hook"), *family = str_of(chain, "family");

	if (streq(hook, "ingress"))
		return streq(family, "netdev") || streq(family, "inet");
	return (streq(hook, "prerouting") || streq(hook, "input")) &&
	       (streq(family, "ip") || streq(family, "inet"));
}

int nft_eval(json_t *doc, const struct nft_packet *pkt, struct nft_result *out)
{
	json_t *items = json_object_get(doc, "nftables"), *item;
	size_t i;

	if (!json_is_array(items))
		return -EINVAL;
	*out = (struct nft_result){ .verdict = NFT_ACCEPTED };
	json_array_foreach(items, i, item) {
		json_t *chain = json_object_get(item, "chain");
		unsigned steps = 0;
		struct eval ev = { .items = items, .pkt = pkt, .steps = &steps };
		int flow, verdict;

		if (!chain || !on_input_path(chain))
			continue;
		flow = eval_chain(&ev, str_of(chain, "family"), str_of(chain, "table"),
				  str_of(chain, "name"), 0);
		if (flow == F_CONTINUE && streq(str_of(chain, "policy"), "drop")) {
			flow = F_DROP;
			snprintf(ev.where, sizeof ev.where, "%s %s %s policy drop",
				 str_of(chain, "family"), str_of(chain, "table"),
				 str_of(chain, "name"));
		}
		if (flow == F_DROP)
			verdict = ev.uncertain ? NFT_MAY_DROP : NFT_DROPPED;
		else
			verdict = ev.may_drop ? NFT_MAY_DROP : NFT_ACCEPTED;
		if (verdict > out->verdict) {
			out->verdict = verdict;
			out->by_policy = flow == F_DROP && strstr(ev.where, " policy drop");
			snprintf(out->where, sizeof out->where, "%s", ev.where);
		}
	}
	return 0;
}
