/* pxectl check --probe-dhcp: one DISCOVER, as a PXE ROM sends it, out of an
 * interface pxe-dhcpd serves, and every server that offers within the
 * wait.  A second DHCP server on the network is the classic cause of
 * machines that boot someone else's loader, or none: a PXE client takes the
 * first offer it gets.  The only packet pxectl sends, and only when asked;
 * no REQUEST follows, so no server keeps a lease for it. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "dhcp_msg.h"
#include "dhcp_opt.h"
#include "probe_dhcp.h"
#include "sock.h"
#include "suite_conf.h"

#define PROBE_WAIT_MS 2000
#define PROBE_SERVERS_MAX 16
#define PXE_CLASS "PXEClient:Arch:00000:UNDI:002001"

struct offer {
	struct in_addr server;		/* option 54, else the sender */
	struct in_addr yiaddr;		/* 0: a proxyDHCP offer */
	char file[DHCP_FILE_LEN + 1];	/* option 67, else the file field */
};

struct probe {
	uint32_t xid;
	uint8_t mac[6];
	struct offer offers[PROBE_SERVERS_MAX];
	size_t count;
};

static int open_probe_socket(const char *ifname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(68) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* A BIOS PXE ROM's DISCOVER from a random, locally administered MAC. */
static int send_discover(int fd, struct probe *p)
{
	static const uint8_t params[] = { 1, 3, 6, 15, 54, 60, 66, 67, 43 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	struct dhcp_encode_result res;
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_msg m;

	if (getrandom(&p->xid, sizeof p->xid, 0) != sizeof p->xid ||
	    getrandom(p->mac, sizeof p->mac, 0) != sizeof p->mac)
		return -EIO;
	p->mac[0] = (uint8_t)((p->mac[0] & 0xfe) | 0x02);
	dhcp_msg_init(&m);
	m.op = 1;
	m.htype = 1;
	m.hlen = sizeof p->mac;
	m.xid = p->xid;
	m.flags = DHCP_FLAG_BROADCAST;
	memcpy(m.chaddr, p->mac, sizeof p->mac);
	if (dhcp_msg_set_u8(&m, 53, 1) < 0 || dhcp_msg_set(&m, 55, params, sizeof params) < 0 ||
	    dhcp_msg_set(&m, 60, PXE_CLASS, strlen(PXE_CLASS)) < 0 ||
	    dhcp_msg_set_u16(&m, 93, 0) < 0 || dhcp_msg_encode(&m, NULL, pkt, sizeof pkt, &res) < 0)
		return -EINVAL;
	if (sendto(fd, pkt, res.len, 0, (struct sockaddr *)&to, sizeof to) < 0)
		return -errno;
	return 0;
}

static void take_offer(struct probe *p, const struct dhcp_msg *m, struct in_addr from)
{
	struct offer o = { .server = from, .yiaddr = m->yiaddr };
	const uint8_t *file;
	size_t len;

	if (m->op != 2 || m->xid != p->xid || m->hlen != sizeof p->mac ||
	    memcmp(m->chaddr, p->mac, sizeof p->mac) != 0 || dhcp_msg_type(m) != 2)
		return;
	dhcp_msg_get_ip(m, 54, &o.server);
	file = dhcp_msg_get(m, 67, &len);
	if (file)
		snprintf(o.file, sizeof o.file, "%.*s", (int)len, (const char *)file);
	else
		snprintf(o.file, sizeof o.file, "%s", m->file);
	for (size_t i = 0; i < p->count; i++)
		if (p->offers[i].server.s_addr == o.server.s_addr)
			return;		/* a second copy (broadcast and unicast) */
	if (p->count < PROBE_SERVERS_MAX)
		p->offers[p->count++] = o;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every OFFER for the probe until the wait is over. */
static void collect(int fd, struct probe *p)
{
	int64_t end = now_ms() + PROBE_WAIT_MS;
	uint8_t pkt[DHCP_MSG_MAX_LEN];
	struct dhcp_msg m;

	for (int64_t left; (left = end - now_ms()) > 0;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t flen = sizeof from;
		ssize_t n;

		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recvfrom(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &flen);
		if (n > 0 && dhcp_msg_decode(pkt, (size_t)n, &m) == 0)
			take_offer(p, &m, from.sin_addr);
	}
}

static bool ours(const struct check_ctx *ctx, struct in_addr server)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	struct ip_addr ip = { .family = AF_INET, .v4 = server };
	char ifname[IFNAMSIZ];

	if (d->server_address.family == AF_INET)
		return d->server_address.v4.s_addr == server.s_addr;
	return sock_iface_of_addr(&ip, ifname) == 0;
}

static void report_offer(struct check_ctx *ctx, const char *ifname, const struct offer *o)
{
	const struct conf_dhcpd *d = conf_get(&ctx->conf, "dhcpd");
	char server[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];
	const char *file = o->file[0] ? o->file : "no boot file";

	inet_ntop(AF_INET, &o->server, server, sizeof server);
	inet_ntop(AF_INET, &o->yiaddr, addr, sizeof addr);
	if (ours(ctx, o->server)) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "--probe-dhcp: pxe-dhcpd (%s) "
			   "answers on %s: offer %s, %s", server, ifname,
			   o->yiaddr.s_addr ? addr : "(proxyDHCP)", file);
	} else if (o->yiaddr.s_addr && d->mode == DHCPD_MODE_PROXY) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "--probe-dhcp: the DHCP server "
			   "%s answers on %s (offer %s, %s): the server pxe-dhcpd runs beside as "
			   "proxyDHCP", server, ifname, addr, file);
	} else {
		report_add(ctx->rep, SEV_WARNING, "host", o->file[0] ?
			   "a client that takes its offer boots that server's loader, not this one's" :
			   "\"PXE-E53: No boot filename received\" for a client that takes its offer",
			   "turn DHCP off on that server for this network, or run pxe-dhcpd beside "
			   "it as proxyDHCP ([dhcpd] mode = proxy)",
			   "--probe-dhcp: another %s server, %s, answers on %s (offer %s, %s): a PXE "
			   "client takes whichever offer comes first", o->yiaddr.s_addr ? "DHCP" :
			   "proxyDHCP", server, ifname, o->yiaddr.s_addr ? addr : "(none)", file);
	}
}

void probe_dhcp(struct check_ctx *ctx, const char *ifname)
{
	struct probe p = { 0 };
	int fd = open_probe_socket(ifname), rc;

	rc = fd < 0 ? fd : send_discover(fd, &p);
	if (rc < 0) {
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "--probe-dhcp: no DISCOVER sent "
			   "on %s: %s", ifname, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return;
	}
	collect(fd, &p);
	close(fd);
	for (size_t i = 0; i < p.count; i++)
		report_offer(ctx, ifname, &p.offers[i]);
	if (!p.count)
		report_add(ctx->rep, SEV_INFO, "host", NULL, NULL, "--probe-dhcp: no DHCP server "
			   "answered a PXE DISCOVER on %s within %d s (is pxe-dhcpd running?)",
			   ifname, PROBE_WAIT_MS / 1000);
}
