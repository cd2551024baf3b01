/* pxe-dhcpd's request path: receive, decode, decide, answer, send.  An ACK
 * for a new or renewed lease waits in the pending list until the end of
 * the loop turn, when one write and one fdatasync make every lease of the
 * turn durable; only then do the ACKs leave (issue: "an ACK leaves only
 * after its lease is on disk"). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "progress.h"
#include "send.h"
#include "server.h"
#include "sock.h"
#include "str.h"

/* Requests taken from a socket per wake-up; the rest wait for the next
 * turn, so a flood still gets its ACKs committed and sent in batches. */
#define REQUESTS_PER_WAKEUP 64
#define SWEEP_INTERVAL_US (30 * 1000000ull)
/* A request on an interface the table does not know makes it re-read the
 * interfaces, at most this often. */
#define IFACE_RESCAN_US (5 * 1000000ull)

/* How a request arrived. */
struct arrival {
	struct sockaddr_in from;
	int ifindex;
	struct in_addr local;		/* the address it was sent to, or the link's */
	bool proxy_port;
	const struct iface *ifc;
};

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

static const char *ip_str(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static const char *hw_str(const struct dhcp_msg *m, char *buf, size_t size)
{
	return m->hlen ? str_hex_colons(buf, size, m->chaddr, m->hlen) : "-";
}

/* ---------------------------------------------------------------- sending */

static void deliver(struct dhcpd *srv, const struct outgoing *o)
{
	struct send_socks socks = { srv->fd, srv->proxy_fd, srv->packet_fd };
	int rc = send_outgoing(&socks, o);

	if (rc < 0) {
		log_limited(&srv->noisy, LOG_WARNING, "%s: not sent: %s", o->log, strerror(-rc));
		return;
	}
	log_info("%s", o->log);
	progress_note(o->event, o->client, o->mac, o->boot_file, "%s", o->note);
}

static struct outgoing *pending_add(struct dhcpd *srv)
{
	struct outgoing *p;
	size_t cap;

	if (srv->npending == srv->cap_pending) {
		cap = srv->cap_pending ? srv->cap_pending * 2 : 16;
		p = realloc(srv->pending, cap * sizeof *p);
		if (!p)
			return NULL;
		srv->pending = p;
		srv->cap_pending = cap;
	}
	return &srv->pending[srv->npending++];
}

/* The end of a turn: the leases put during it go to disk together, then
 * their ACKs leave.  If the disk refuses, the ACKs are dropped: the
 * clients ask again, and nothing acknowledged can be lost. */
static void on_turn_end(struct loop *loop, void *arg)
{
	struct dhcpd *srv = arg;
	int rc;

	(void)loop;
	if (!lease_db_pending(srv->db) && !srv->npending)
		return;
	rc = lease_db_commit(srv->db);
	if (rc < 0) {
		log_limited(&srv->noisy, LOG_ERR,
			    "lease file %s: %s; %zu acknowledgements withheld",
			    srv->conf->lease_file, strerror(-rc), srv->npending);
		srv->npending = 0;
		return;
	}
	for (size_t i = 0; i < srv->npending; i++)
		deliver(srv, &srv->pending[i]);
	srv->npending = 0;
}

/* ---------------------------------------------------------------- answering */

static const char *verdict_name(const struct decision *d)
{
	switch (d->verdict) {
	case VERDICT_OFFER:
		return "DHCPOFFER";
	case VERDICT_NAK:
		return "DHCPNAK";
	default:
		return "DHCPACK";
	}
}

static void describe(const struct dhcpd *srv, const struct arrival *in, const char *type,
		     const char *prep, struct in_addr yiaddr, const struct pxe_boot *boot, const char *why,
		     char *buf, size_t size)
{
	const struct dhcp_msg *req = &srv->req;
	char hw[64], ip[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN + 8], bootdesc[200];
	const char *host = boot && boot->host ? boot->host->name : NULL;

	if (req->giaddr.s_addr)
		snprintf(via, sizeof via, "relay %s", ip_str(req->giaddr, ip));
	else
		snprintf(via, sizeof via, "%s", in->ifc ? in->ifc->name : "?");
	snprintf(buf, size, "%s %s %s %s%s%s%s via %s%s%s%s%s", type,
		 yiaddr.s_addr ? ip_str(yiaddr, ip) : "-", prep, hw_str(req, hw, sizeof hw),
		 host ? " (" : "", host ? host : "", host ? ")" : "", via,
		 boot && boot->file ? " " : "",
		 boot && boot->file ? pxe_boot_format(boot, bootdesc, sizeof bootdesc) : "",
		 why ? ": " : "", why ? why : "");
}

static const char *progress_event(uint8_t type, bool proxy)
{
	switch (type) {
	case DHCPOFFER:
		return proxy ? "proxy-offer" : "offer";
	case DHCPNAK:
		return "nak";
	default:
		return proxy ? "proxy-ack" : "ack";
	}
}

/* What pxectl status learns from the reply: who, and which boot file. */
static void note_step(const struct dhcpd *srv, const struct arrival *in, uint8_t type,
		      const struct pxe_boot *boot, const char *why, struct outgoing *o)
{
	struct in_addr yiaddr = srv->reply.yiaddr;

	o->event = progress_event(type, srv->conf->mode == DHCPD_MODE_PROXY || in->proxy_port);
	if (!yiaddr.s_addr || !inet_ntop(AF_INET, &yiaddr, o->client, sizeof o->client))
		o->client[0] = '\0';
	hw_str(&srv->req, o->mac, sizeof o->mac);
	snprintf(o->boot_file, sizeof o->boot_file, "%s", boot && boot->file ? boot->file : "");
	if (why)
		snprintf(o->note, sizeof o->note, "%s", why);
	else if (boot)
		pxe_boot_format(boot, o->note, sizeof o->note);
	else
		o->note[0] = '\0';
}

/* Encodes srv->reply for its route into o; false when it cannot be (logged). */
static bool prepare(struct dhcpd *srv, const struct arrival *in, uint8_t type, const char *what,
		    const struct pxe_boot *boot, const char *why, struct outgoing *o)
{
	struct reply_origin origin = { .src = in->from, .to_proxy_port = in->proxy_port,
				       .frame_ok = srv->packet_fd >= 0 };
	struct dhcp_encode_result res;
	int rc;

	o->dest = reply_route(&srv->req, type, srv->reply.yiaddr, &origin);
	if (o->dest.set_broadcast_flag)
		srv->reply.flags |= DHCP_FLAG_BROADCAST;
	rc = dhcp_msg_encode(&srv->reply, &srv->req, o->pkt, sizeof o->pkt, &res);
	if (rc < 0) {
		log_limited(&srv->noisy, LOG_WARNING, "%s: cannot encode: %s", what,
			    strerror(-rc));
		return false;
	}
	if (res.dropped)
		log_limited(&srv->noisy, LOG_NOTICE,
			    "%s: %u options left out for the client's size limit (first %u)",
			    what, res.dropped, res.first_dropped);
	o->ifindex = in->ifindex;
	o->src = in->local;
	o->len = res.len;
	snprintf(o->log, sizeof o->log, "%s", what);
	note_step(srv, in, type, boot, why, o);
	return true;
}

/* Sends srv->reply now, or queues it behind the turn's commit. */
static void transmit(struct dhcpd *srv, const struct arrival *in, uint8_t type,
		     bool durable, const char *what, const struct pxe_boot *boot, const char *why)
{
	struct outgoing now, *o = durable ? pending_add(srv) : &now;

	if (!o) {
		log_limited(&srv->noisy, LOG_ERR, "%s: out of memory", what);
		return;
	}
	if (!prepare(srv, in, type, what, boot, why, o)) {
		if (durable)
			srv->npending--;
		return;
	}
	if (!durable)
		deliver(srv, o);
}

/* ---------------------------------------------------------------- ping check */

/* An OFFER of a new address waiting for its echo check (ping_check). */
struct ping_wait {
	struct ping_wait *next, *prev;	/* srv->ping_waits, freed at close */
	struct dhcpd *srv;
	struct arrival in;
	struct dhcp_msg req;
	unsigned attempt;
	struct outgoing offer;
};

/* Addresses tried per DISCOVER before it goes unanswered. */
#define PING_ATTEMPTS 3

static void serve(struct dhcpd *srv, const struct arrival *in, unsigned attempt);

static void wait_unlink(struct dhcpd *srv, struct ping_wait *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->ping_waits = w->next;
	if (w->next)
		w->next->prev = w->prev;
}

static void on_ping(void *arg, struct in_addr addr, bool answered)
{
	struct ping_wait *w = arg;
	struct dhcpd *srv = w->srv;
	char ip[INET_ADDRSTRLEN];

	wait_unlink(srv, w);
	if (!answered) {
		deliver(srv, &w->offer);
		free(w);
		return;
	}
	srv->assign.now = wall_now();
	assign_conflict(&srv->assign, addr);
	log_warn("%s answers ping but has no lease here: held out of the pool for "
		 "decline_hold", ip_str(addr, ip));
	if (w->attempt + 1 < PING_ATTEMPTS) {
		/* The interface table may have been re-read meanwhile. */
		w->in.ifc = iface_find(&srv->ifaces, w->in.ifindex);
		srv->req = w->req;
		serve(srv, &w->in, w->attempt + 1);
	}
	free(w);
}

static bool ping_pending(const struct dhcpd *srv, const struct dhcp_msg *req)
{
	for (const struct ping_wait *w = srv->ping_waits; w; w = w->next)
		if (w->req.hlen == req->hlen && memcmp(w->req.chaddr, req->chaddr, req->hlen) == 0)
			return true;
	return false;
}

/* Starts the check of an OFFER in srv->reply; false when there is no check
 * to wait for (the caller sends at once). */
static bool ping_first(struct dhcpd *srv, const struct arrival *in, unsigned attempt,
		       const char *what, const struct pxe_boot *boot)
{
	struct ping_wait *w;
	int rc;

	if (!srv->pinger || !srv->conf->ping_check)
		return false;
	w = malloc(sizeof *w);
	if (!w)
		return false;
	*w = (struct ping_wait){ .srv = srv, .in = *in, .req = srv->req, .attempt = attempt };
	if (!prepare(srv, in, DHCPOFFER, what, boot, NULL, &w->offer)) {
		free(w);
		return true;	/* nothing to send anyway */
	}
	rc = ping_start(srv->pinger, srv->reply.yiaddr, srv->conf->ping_timeout_ms * 1000,
			on_ping, w);
	if (rc < 0) {
		log_limited(&srv->noisy, LOG_NOTICE, "%s: offered unchecked: ping: %s", what,
			    strerror(-rc));
		deliver(srv, &w->offer);
		free(w);
		return true;
	}
	w->next = srv->ping_waits;
	if (w->next)
		w->next->prev = w;
	srv->ping_waits = w;
	return true;
}

static void serve_proxy(struct dhcpd *srv, const struct arrival *in)
{
	const struct dhcpd_subnet *link = in->ifc ? in->ifc->subnet : NULL;
	unsigned type = dhcp_msg_type(&srv->req);
	struct pxe_boot boot;
	char what[512];
	int rc;

	/* PXE 2.1 §2.2.4: DISCOVER on 67; REQUEST (and INFORM, as some ROMs
	 * send) on 4011. */
	if (!(type == DHCPDISCOVER && !in->proxy_port) &&
	    !((type == DHCPREQUEST || type == DHCPINFORM) && in->proxy_port))
		return;
	rc = answer_proxy(&srv->reply, &srv->req, srv->cfg, link, in->local, &boot);
	if (rc == -ENOENT) {
		describe(srv, in, "proxy ignores", "from", (struct in_addr){ 0 }, NULL,
			 "not a PXE client with a boot file here", what, sizeof what);
		log_debug("%s", what);
		return;
	}
	describe(srv, in, type == DHCPDISCOVER ? "proxy DHCPOFFER" : "proxy DHCPACK", "to",
		 (struct in_addr){ 0 }, &boot, NULL, what, sizeof what);
	if (rc < 0) {
		log_limited(&srv->noisy, LOG_WARNING, "%s: %s", what, strerror(-rc));
		return;
	}
	transmit(srv, in, type == DHCPDISCOVER ? DHCPOFFER : DHCPACK, false, what, &boot, NULL);
}

static void serve(struct dhcpd *srv, const struct arrival *in, unsigned attempt)
{
	const struct dhcpd_subnet *link = in->ifc ? in->ifc->subnet : NULL;
	const char *type_name = dhcp_msg_type_name(dhcp_msg_type(&srv->req));
	struct decision d;
	struct pxe_boot boot;
	char what[512], label[64], ended[64], ip[INET_ADDRSTRLEN];
	int rc;

	if (dhcp_msg_type(&srv->req) == DHCPDISCOVER && ping_pending(srv, &srv->req))
		return;	/* a retransmission: its OFFER leaves when the check ends */
	srv->assign.now = wall_now();
	assign_decide(&srv->assign, &srv->req, link, in->local, &d);
	if (d.verdict == VERDICT_DROP) {
		/* durable: a DECLINE or RELEASE that changed a lease. */
		snprintf(label, sizeof label, "%s%s", type_name ? type_name : "?",
			 d.durable ? "" : " ignored");
		describe(srv, in, label, "from", d.yiaddr, NULL, d.why, what, sizeof what);
		if (d.durable)
			log_info("%s", what);
		else
			log_limited(&srv->noisy, LOG_NOTICE, "%s", what);
		return;
	}
	rc = answer_build(&srv->reply, &srv->req, srv->cfg, &d, in->local, &boot);
	if (d.ended.s_addr)
		snprintf(ended, sizeof ended, "its lease of %s ended", ip_str(d.ended, ip));
	describe(srv, in, verdict_name(&d), "to", d.yiaddr, &boot,
		 d.verdict == VERDICT_NAK ? d.why : d.ended.s_addr ? ended : NULL, what,
		 sizeof what);
	if (rc < 0) {
		log_limited(&srv->noisy, LOG_WARNING, "%s: %s", what, strerror(-rc));
		return;
	}
	if (d.verdict == VERDICT_OFFER && d.fresh && ping_first(srv, in, attempt, what, &boot))
		return;
	transmit(srv, in, d.verdict == VERDICT_OFFER ? DHCPOFFER :
		 d.verdict == VERDICT_NAK ? DHCPNAK : DHCPACK, d.durable, what, &boot,
		 d.verdict == VERDICT_NAK ? d.why : NULL);
}

/* ---------------------------------------------------------------- receiving */

static const struct iface *arrival_iface(struct dhcpd *srv, int ifindex)
{
	const struct iface *ifc = iface_find(&srv->ifaces, ifindex);
	uint64_t now = loop_now_us(srv->loop);
	struct iface_table fresh;
	char err[256];

	if ((ifc && ifc->served) || now - srv->last_iface_scan_us < IFACE_RESCAN_US)
		return ifc;
	/* An interface that came up or got its subnet's address after the start. */
	srv->last_iface_scan_us = now;
	if (iface_table_load(&fresh, srv->cfg, err, sizeof err) == 0) {
		iface_table_free(&srv->ifaces);
		srv->ifaces = fresh;
	}
	return iface_find(&srv->ifaces, ifindex);
}

static void handle(struct dhcpd *srv, struct arrival *in, size_t len)
{
	char from[ADDR_STRLEN];
	int rc = dhcp_msg_decode(srv->pkt, len, &srv->req);

	if (rc < 0) {
		log_limited(&srv->noisy, LOG_INFO, "dropped %zu bytes from %s: %s", len,
			    addr_sa_str((const struct sockaddr *)&in->from, from),
			    srv->req.error ? srv->req.error : strerror(-rc));
		return;
	}
	if (srv->req.op != BOOTREQUEST || dhcp_msg_type(&srv->req) == 0)
		return;	/* replies from other servers, BOOTP: not served here */
	in->ifc = arrival_iface(srv, in->ifindex);
	/* A relayed request may come by any interface; a direct one only by a
	 * served link. */
	if (!srv->req.giaddr.s_addr && !(in->ifc && in->ifc->served))
		return;
	if (srv->conf->server_address.family)
		in->local = srv->conf->server_address.v4;
	else if (!in->local.s_addr && in->ifc)
		in->local = in->ifc->addr;
	if (srv->conf->mode == DHCPD_MODE_PROXY || in->proxy_port)
		serve_proxy(srv, in);
	else
		serve(srv, in, 0);
}

static ssize_t receive(int fd, struct dhcpd *srv, struct arrival *in)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} ctl;
	struct iovec iov = { .iov_base = srv->pkt, .iov_len = sizeof srv->pkt };
	struct msghdr mh = { .msg_name = &in->from, .msg_namelen = sizeof in->from,
			     .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			in->ifindex = pi.ipi_ifindex;
			in->local = pi.ipi_spec_dst;
		}
	}
	/* MSG_TRUNC: larger than any packet decoded; the decoder says so. */
	return (mh.msg_flags & MSG_TRUNC) ? (ssize_t)sizeof srv->pkt : n;
}

static void on_readable(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct dhcpd *srv = arg;

	(void)loop;
	(void)events;
	for (int i = 0; i < REQUESTS_PER_WAKEUP; i++) {
		struct arrival in = { .proxy_port = fd == srv->proxy_fd };
		ssize_t n = receive(fd, srv, &in);

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n < 0) {
			log_limited(&srv->noisy, LOG_WARNING, "receive: %s", strerror((int)-n));
			return;
		}
		handle(srv, &in, (size_t)n);
	}
}

/* ---------------------------------------------------------------- upkeep */

static void on_compacted(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct dhcpd *srv = arg;
	int rc;

	(void)events;
	loop_unwatch(loop, fd);
	srv->compact_fd = -1;
	rc = lease_db_compact_finish(srv->db);
	if (rc < 0)
		log_warn("lease file %s: compaction failed: %s; the journal goes on",
			    srv->conf->lease_file, strerror(-rc));
	else
		log_info("lease file %s compacted: %zu leases", srv->conf->lease_file,
			 lease_db_count(srv->db));
}

static void on_sweep(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct dhcpd *srv = arg;
	int fd;

	loop_timer_arm(loop, t, SWEEP_INTERVAL_US);
	srv->assign.now = wall_now();
	assign_expire(&srv->assign);
	if (srv->compact_fd >= 0 || !lease_db_compact_due(srv->db))
		return;
	fd = lease_db_compact_start(srv->db);
	if (fd < 0) {
		log_warn("lease file %s: cannot compact: %s", srv->conf->lease_file,
			    strerror(-fd));
		return;
	}
	srv->compact_fd = fd;
	if (loop_watch(loop, fd, EPOLLIN, on_compacted, srv) < 0)
		log_warn("cannot watch the compaction: %s", strerror(errno));
}

/* ---------------------------------------------------------------- life */

/* Room for a burst of requests while the loop waits on a lease fsync. */
#define RCVBUF_BYTES (4 << 20)

static int open_socket(uint16_t port)
{
	struct hostport any;
	struct ip_addr zero = { .family = AF_INET };
	int fd, on = 1, rcvbuf = RCVBUF_BYTES;

	addr_to_sockaddr(&zero, port, &any);
	fd = sock_bind(&any, SOCK_DGRAM, SOCK_REUSEADDR);
	if (fd < 0)
		return fd;
	/* Broadcast replies, and the interface and address of each request. */
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	/* FORCE goes past net.core.rmem_max, as root; else the capped size. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	return fd;
}

static int build(struct dhcpd *srv, const struct conf *conf, struct dhcpd_config **cfg,
		 struct iface_table *ifaces)
{
	char err[512];

	*cfg = NULL;
	if (dhcpd_config_build(conf, cfg, err, sizeof err) < 0) {
		log_err("%s", err);
		return -1;
	}
	if (iface_table_load(ifaces, *cfg, err, sizeof err) < 0) {
		log_err("%s", err);
		dhcpd_config_free(*cfg);
		*cfg = NULL;
		return -1;
	}
	if (!iface_served(ifaces))
		log_warn("no interface to serve yet: none has an address inside a [subnet]");
	srv->last_iface_scan_us = loop_now_us(srv->loop);
	return 0;
}

int dhcpd_open(struct dhcpd *srv, const struct conf *conf, struct loop *loop)
{
	srv->loop = loop;
	srv->fd = srv->proxy_fd = srv->packet_fd = srv->compact_fd = -1;
	srv->noisy = (struct log_limit)LOG_LIMIT_INIT(10000, 20);
	srv->conf = conf_get(conf, "dhcpd");
	if (build(srv, conf, &srv->cfg, &srv->ifaces) < 0)
		return -1;
	srv->fd = open_socket(DHCP_SERVER_PORT);
	if (srv->fd < 0) {
		log_err("cannot listen on UDP port %d: %s", DHCP_SERVER_PORT, strerror(-srv->fd));
		return -1;
	}
	srv->proxy_fd = open_socket(PXE_PROXY_PORT);
	if (srv->proxy_fd < 0) {
		log_err("cannot listen on UDP port %d: %s", PXE_PROXY_PORT,
			strerror(-srv->proxy_fd));
		return -1;
	}
	if (srv->conf->ping_check && srv->conf->mode == DHCPD_MODE_SERVER) {
		srv->pinger = ping_open(loop);
		if (!srv->pinger)
			log_warn("ping_check: no ICMP socket (%s): offers go unchecked",
				 strerror(errno));
	}
	srv->packet_fd = reply_packet_socket();
	if (srv->packet_fd < 0)
		log_notice("no packet socket (%s): replies to clients without an address "
			   "are broadcast", strerror(-srv->packet_fd));
	return 0;
}

int dhcpd_start(struct dhcpd *srv)
{
	char err[512];
	unsigned torn = 0;

	if (srv->conf->mode == DHCPD_MODE_SERVER) {
		if (lease_db_open(srv->conf->lease_file, &srv->db, &torn, err, sizeof err) < 0) {
			log_err("%s", err);
			return -1;
		}
		if (torn)
			log_warn("lease file %s: %u torn record(s) at its end skipped "
				    "(a crash while writing)", srv->conf->lease_file, torn);
		srv->offers = lease_table_new();
		if (!srv->offers) {
			log_err("out of memory");
			return -1;
		}
		srv->assign = (struct assign){ .cfg = srv->cfg, .db = srv->db,
					       .offers = srv->offers, .now = wall_now() };
		assign_fill_pools(&srv->assign);
		loop_timer_init(&srv->sweep, on_sweep, srv);
		loop_timer_arm(srv->loop, &srv->sweep, SWEEP_INTERVAL_US);
		if (loop_on_turn_end(srv->loop, on_turn_end, srv) < 0) {
			log_err("cannot set up the event loop");
			return -1;
		}
		log_info("lease file %s: %zu leases", srv->conf->lease_file,
			 lease_db_count(srv->db));
	}
	if (loop_watch(srv->loop, srv->fd, EPOLLIN, on_readable, srv) < 0 ||
	    loop_watch(srv->loop, srv->proxy_fd, EPOLLIN, on_readable, srv) < 0) {
		log_err("cannot watch the sockets: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < srv->ifaces.n; i++)
		if (srv->ifaces.ifs[i].served) {
			char ip[INET_ADDRSTRLEN];
			const struct iface *ifc = &srv->ifaces.ifs[i];

			log_info("serving %s (%s)%s%s", ifc->name, ip_str(ifc->addr, ip),
				 ifc->subnet ? " for subnet " : "",
				 ifc->subnet ? ifc->subnet->name : "");
		}
	return 0;
}

int dhcpd_reload(struct dhcpd *srv, const struct conf *conf)
{
	const struct conf_dhcpd *next = conf_get(conf, "dhcpd");
	struct dhcpd_config *cfg;
	struct iface_table ifaces;

	if (next->mode != srv->conf->mode ||
	    strcmp(next->lease_file, srv->conf->lease_file) != 0) {
		log_err("mode and lease_file change only with a restart");
		return -1;
	}
	if (strcmp(next->user, srv->conf->user) != 0 ||
	    strcmp(next->daemon.pidfile, srv->conf->daemon.pidfile) != 0)
		log_notice("user and pidfile take effect at the next restart");
	if (build(srv, conf, &cfg, &ifaces) < 0)
		return -1;
	dhcpd_config_free(srv->cfg);
	iface_table_free(&srv->ifaces);
	srv->cfg = cfg;
	srv->ifaces = ifaces;
	srv->conf = next;
	if (next->ping_check && !srv->pinger)
		log_notice("ping_check takes effect at the next restart");
	if (srv->db) {
		srv->assign.cfg = cfg;
		srv->assign.now = wall_now();
		assign_fill_pools(&srv->assign);
	}
	return 0;
}

void dhcpd_close(struct dhcpd *srv)
{
	if (srv->npending)
		on_turn_end(srv->loop, srv);
	if (srv->compact_fd >= 0)
		loop_unwatch(srv->loop, srv->compact_fd);
	if (srv->fd >= 0) {
		loop_unwatch(srv->loop, srv->fd);
		close(srv->fd);
	}
	if (srv->proxy_fd >= 0) {
		loop_unwatch(srv->loop, srv->proxy_fd);
		close(srv->proxy_fd);
	}
	if (srv->packet_fd >= 0)
		close(srv->packet_fd);
	if (srv->pinger)
		ping_close(srv->pinger);
	while (srv->ping_waits) {
		struct ping_wait *w = srv->ping_waits;

		srv->ping_waits = w->next;
		free(w);
	}
	if (loop_timer_armed(&srv->sweep))
		loop_timer_cancel(srv->loop, &srv->sweep);
	lease_db_close(srv->db);
	lease_table_free(srv->offers);
	dhcpd_config_free(srv->cfg);
	iface_table_free(&srv->ifaces);
	free(srv->pending);
	memset(srv, 0, sizeof *srv);
	srv->fd = srv->proxy_fd = srv->packet_fd = srv->compact_fd = -1;
}
