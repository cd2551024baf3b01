/* What the kernel's nftables ruleset (as `nft -j list ruleset` prints it)
 * does to one packet arriving for this host: each base chain on the input
 * path walked rule by rule, following jumps.  Matches pxectl cannot decide
 * (addresses, named sets, marks) make a verdict uncertain rather than
 * wrong.  Pure: the ruleset comes in as a parsed JSON document. */
#ifndef PXECTL_NFT_EVAL_H
#define PXECTL_NFT_EVAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define NFT_JUMP_DEPTH_MAX 16	/* nftables itself refuses deeper jumps */
/* Ruleset items looked at for one base chain; past it the verdict is
 * uncertain.  Rules that jump under conditions pxectl cannot decide are
 * followed both ways, which without a bound grows exponentially. */
#define NFT_STEPS_MAX 200000

struct nft_packet {
	const char *l4proto;	/* "udp", "tcp" */
	uint16_t dport;
	bool established;	/* ct state: established (a reply); else new */
	const char *iifname;	/* the interface it arrives on; NULL: unknown */
};

enum nft_verdict {
	NFT_ACCEPTED,
	NFT_MAY_DROP,		/* a rule that may match drops it, or a drop follows one */
	NFT_DROPPED,
};

struct nft_result {
	int verdict;		/* enum nft_verdict */
	char where[256];	/* "inet filter input handle 7", or "... policy drop" */
	bool by_policy;		/* the chain's policy, not a rule */
};

/* 0 with *out; -EINVAL when doc is not an nftables ruleset. */
int nft_eval(json_t *doc, const struct nft_packet *pkt, struct nft_result *out);

#endif
