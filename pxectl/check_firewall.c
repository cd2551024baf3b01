/* The firewall check: reads the ruleset with `nft -j list ruleset` (the
 * nft command is what admins run themselves, and its JSON is a stable,
 * documented interface; libnftables would hand back the same JSON text) and
 * asks of it what happens to each kind of packet a PXE boot needs. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nft_eval.h"
#include "suite_conf.h"

#define RULESET_MAX (64 * 1024 * 1024)

struct port_need {
	const char *proto;
	uint16_t lo, hi;
	bool established;	/* replies to what the server sent first */
	const char *what;	/* "TFTP requests" */
	const char *client;
};

/* Runs nft and parses what it prints: 0, or -1 with a reason in err. */
static int read_ruleset(json_t **doc, char *err, size_t errlen)
{
	char *const argv[] = { "nft", "-j", "list", "ruleset", NULL };
	int pipefd[2], status;
	json_error_t jerr;
	size_t len = 0;
	char *buf = NULL;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
	pid = fork();
	if (pid < 0)
		return snprintf(err, errlen, "fork: %s", strerror(errno)), -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		/* its complaints would break the report; its exit status says enough */
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		/* nft lives in sbin, which a user's PATH may lack */
		setenv("PATH", "/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin", 0);
		execvp("nft", argv);
		execv("/usr/sbin/nft", argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char *grown = len < RULESET_MAX ? realloc(buf, len + 65536) : NULL;
		ssize_t n;

		if (!grown)
			break;
		buf = grown;
		n = read(pipefd[0], buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(buf);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			snprintf(err, errlen, "nft not found (Debian package nftables)");
		else
			snprintf(err, errlen, "nft -j list ruleset failed%s", geteuid() ? " (it needs "
				 "root)" : "");
		return -1;
	}
	*doc = json_loadb(buf ? buf : "", len, 0, &jerr);
	free(buf);
	if (!*doc) {
		snprintf(err, errlen, "nft -j list ruleset: unreadable JSON: %s", jerr.text);
		return -1;
	}
	return 0;
}

static void ephemeral_range(uint16_t *lo, uint16_t *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned a = 32768, b = 60999;

	if (f) {
		if (fscanf(f, "%u %u", &a, &b) != 2 || a > b || b > 65535) {
			a = 32768;
			b = 60999;
		}
		fclose(f);
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
}

static size_t suite_needs(const struct conf *conf, struct port_need *needs, size_t max)
{
	const struct conf_dhcpd *d = conf_get(conf, "dhcpd");
	const struct conf_tftpd *t = conf_get(conf, "tftpd");
	const struct conf_nfsd *n = conf_get(conf, "nfsd");
	static const char nfs_client[] = "the installer's NFS mount hangs, then \"mount: RPC: "
					 "Timed out\" or \"unable to read package metadata\"";
	uint16_t tftp_port = 69, lo, hi;
	struct ip_addr ip;
	size_t k = 0;

	if (t->address.len)
		addr_from_sockaddr((const struct sockaddr *)&t->address.ss, &ip, &tftp_port);
	if (t->port_range.hi) {
		lo = (uint16_t)t->port_range.lo;
		hi = (uint16_t)t->port_range.hi;
	} else {
		ephemeral_range(&lo, &hi);
	}
#define NEED(...) do { if (k < max) needs[k++] = (struct port_need){ __VA_ARGS__ }; } while (0)
	NEED("udp", 67, 67, false, "DHCP requests",
	     "\"PXE-E51: No DHCP or proxyDHCP offers were received\"");
	if (d->mode == DHCPD_MODE_PROXY)
		NEED("udp", 4011, 4011, false, "proxyDHCP boot requests",
		     "\"PXE-E55: ProxyDHCP service did not reply to request on port 4011\"");
	NEED("udp", tftp_port, tftp_port, false, "TFTP requests", "\"PXE-E32: TFTP open timeout\"");
	NEED("udp", lo, hi, true, "TFTP transfer acknowledgements", "the transfer stops after "
	     "its first block: \"PXE-E32: TFTP open timeout\" or pxelinux hangs loading a file");
	if (n->require_rpcbind) {
		NEED("tcp", 111, 111, false, "portmapper (rpcbind) requests", nfs_client);
		NEED("udp", 111, 111, false, "portmapper (rpcbind) requests", nfs_client);
	}
	NEED("tcp", (uint16_t)n->nfs_port, (uint16_t)n->nfs_port, false, "NFS requests", nfs_client);
	if (n->mount_port) {
		NEED("tcp", (uint16_t)n->mount_port, (uint16_t)n->mount_port, false, "MOUNT requests",
		     nfs_client);
		NEED("udp", (uint16_t)n->mount_port, (uint16_t)n->mount_port, false, "MOUNT requests",
		     nfs_client);
	}
#undef NEED
	return k;
}

/* Every integer in the ruleset: a verdict over a port range can only change
 * at a number some rule names, so those (and their neighbours) and the
 * range's ends are the ports worth asking about. */
static void collect_ints(json_t *v, uint8_t *mark, const struct port_need *need)
{
	json_t *item;
	const char *key;
	size_t i;

	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);

		for (json_int_t p = x - 1; p <= x + 1; p++)
			if (p >= need->lo && p <= need->hi)
				mark[p - need->lo] = 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			collect_ints(item, mark, need);
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, item)
			collect_ints(item, mark, need);
	}
}

static void check_need(struct check_ctx *ctx, json_t *doc, const struct port_need *need,
		       const char *iifname, bool *policy_drops)
{
	struct nft_packet pkt = { .l4proto = need->proto, .established = need->established,
				  .iifname = iifname };
	struct nft_result worst = { .verdict = NFT_ACCEPTED }, r;
	size_t span = (size_t)(need->hi - need->lo) + 1;
	uint8_t *mark = calloc(span, 1);
	unsigned blocked = 0, asked = 0;
	char fix[512], ports[32];

	if (!mark)
		return;
	mark[0] = mark[span - 1] = 1;
	collect_ints(doc, mark, need);
	for (size_t i = 0; i < span; i++) {
		if (!mark[i])
			continue;
		asked++;
		pkt.dport = (uint16_t)(need->lo + i);
		if (nft_eval(doc, &pkt, &r) < 0)
			break;
		if (r.verdict == NFT_ACCEPTED)
			continue;
		blocked++;
		if (r.verdict > worst.verdict)
			worst = r;
	}
	free(mark);
	*policy_drops |= worst.by_policy;
	if (!blocked)
		return;
	if (need->lo == need->hi)
		snprintf(ports, sizeof ports, "%u", need->lo);
	else
		snprintf(ports, sizeof ports, "%u-%u", need->lo, need->hi);
	if (worst.by_policy)
		snprintf(fix, sizeof fix, "accept them before the policy applies, e.g. nft add rule "
			 "%.*s %s dport %s%s accept", (int)(strstr(worst.where, " policy") -
							  worst.where), worst.where,
			 need->proto, ports, need->established ? " ct state established" : "");
	else
		snprintf(fix, sizeof fix, "delete that rule (nft delete rule %s) or insert an "
			 "accept for %s dport %s before it", worst.where, need->proto, ports);
	report_add(ctx->rep, worst.verdict == NFT_DROPPED ? SEV_ERROR : SEV_WARNING, "firewall",
		   need->client, fix, "%s (%s/%s%s) %s by nftables: %s%s", need->what,
		   need->proto, ports, need->established ? ", replies" : "",
		   worst.verdict == NFT_DROPPED ? "are dropped" : "may be dropped", worst.where,
		   blocked < asked ? " (some ports of the range)" : "");
}

void check_firewall(struct check_ctx *ctx)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	const struct conf_nfsd *n = conf_get(&ctx->conf, "nfsd");
	struct port_need needs[16];
	bool policy_drops = false;
	char err[256];
	json_t *doc;
	size_t k;

	if (read_ruleset(&doc, err, sizeof err) < 0) {
		report_add(ctx->rep, SEV_INFO, "firewall", NULL, NULL, "not checked: %s", err);
		return;
	}
	k = suite_needs(&ctx->conf, needs, sizeof needs / sizeof needs[0]);
	for (size_t i = 0; i < k; i++)
		check_need(ctx, doc, &needs[i], d->interfaces.count == 1 ?
			   ((char **)d->interfaces.items)[0] : NULL, &policy_drops);
	if (policy_drops && n->mount_port == 0)
		report_add(ctx->rep, SEV_WARNING, "firewall", "the installer's NFS mount hangs: "
			   "\"mount: RPC: Timed out\"", "set [nfsd] mount_port = 20048 and accept "
			   "tcp and udp to it", "pxe-nfsd's MOUNT service takes a random port, which "
			   "an input chain that drops by policy cannot let in");
	json_decref(doc);
}
