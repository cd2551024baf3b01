/* libFuzzer target for pxectl's nftables ruleset walk (pxectl/nft_eval.c):
 * any JSON document, as a ruleset, for the packets a PXE boot sends.  The
 * walk must end (jump loops included) and name where a drop comes from. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft_eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nft_packet pkts[] = {
		{ .l4proto = "udp", .dport = 67 },
		{ .l4proto = "udp", .dport = 69, .iifname = "eth0" },
		{ .l4proto = "udp", .dport = 40000, .established = true },
		{ .l4proto = "tcp", .dport = 2049 },
	};
	json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	struct nft_result r;

	if (!doc)
		return 0;
	for (size_t i = 0; i < sizeof pkts / sizeof pkts[0]; i++) {
		if (nft_eval(doc, &pkts[i], &r) < 0)
			break;
		if (r.verdict < NFT_ACCEPTED || r.verdict > NFT_DROPPED ||
		    !memchr(r.where, '\0', sizeof r.where))
			abort();
	}
	json_decref(doc);
	return 0;
}
