/* pxe-tftpd's request side: the request sockets, turning a request into a
 * transfer (remap, resolve, open, negotiate, admit), and the set of
 * transfers in flight. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "negotiate.h"
#include "server.h"
#include "sock.h"
#include "progress.h"
#include "transfer.h"

/* Requests taken from one socket per wake-up, so one busy socket cannot
 * starve the transfers. */
#define REQUESTS_PER_WAKEUP 32

/* A request as it arrived: who sent it, and to which of our addresses. */
struct request {
	struct hostport client;
	struct hostport local;
	struct ip_addr client_ip;
	char client_str[ADDR_STRLEN];
};

static int family_of(const struct hostport *hp)
{
	return hp->ss.ss_family;
}

/* A socket for one transfer (or one error reply): bound to the address the
 * request came to, so the reply leaves from it, on a port of port_range if
 * one is set; connected to the client, so the kernel drops datagrams from
 * anyone else (RFC 1350 §4: the transfer ID). */
static int transfer_socket(struct tftpd *srv, const struct request *rq)
{
	const struct conf_range *pr = &srv->conf->port_range;
	unsigned span = pr->hi ? (unsigned)(pr->hi - pr->lo + 1) : 1;
	struct hostport local = rq->local;
	int fd = -EADDRINUSE;

	for (unsigned i = 0; i < span && fd == -EADDRINUSE; i++) {
		uint16_t port = 0;

		if (pr->hi) {
			port = (uint16_t)(pr->lo + (srv->next_port++ % span));
		}
		if (family_of(&local) == AF_INET)
			((struct sockaddr_in *)&local.ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&local.ss)->sin6_port = htons(port);
		fd = sock_bind(&local, SOCK_DGRAM, 0);
	}
	if (fd < 0)
		return fd;
	if (connect(fd, (const struct sockaddr *)&rq->client.ss, rq->client.len) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* An ERROR for a request that gets no transfer: sent from a fresh port, as
 * the transfer would have been. */
static void reply_error(struct tftpd *srv, const struct request *rq, uint16_t code,
			const char *msg)
{
	uint8_t pkt[TFTP_DATA_HDR_LEN + TFTP_ERRMSG_MAX];
	int n = tftp_error_encode(code, msg, pkt, sizeof pkt);
	int fd = transfer_socket(srv, rq);

	if (fd < 0 || n < 0) {
		log_debug("tftp: %s: no socket for an error reply: %s", rq->client_str,
			  strerror(fd < 0 ? -fd : EINVAL));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (send(fd, pkt, (size_t)n, MSG_DONTWAIT) < 0)
		log_debug("tftp: %s: error reply: %s", rq->client_str, strerror(errno));
	close(fd);
}

static uint16_t error_code(int rc)
{
	switch (rc) {
	case -ENOENT:
		return TFTP_ENOTFOUND;
	case -EACCES:
	case -ENAMETOOLONG:
	case -ELOOP:
		return TFTP_EACCESS;
	case -ENOSPC:
	case -EDQUOT:
		return TFTP_ENOSPACE;
	case -EEXIST:
		return TFTP_EEXISTS;
	default:
		return TFTP_EUNDEF;
	}
}

static const char *error_text(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "File not found";
	case -EACCES:
		return "Access violation";
	case -ENAMETOOLONG:
		return "File name too long";
	case -ELOOP:
		return "Remap rules loop";
	default:
		return strerror(-rc);
	}
}

/* One line for a request that got no transfer. */
static void log_refused(const struct request *rq,
			const struct tftp_request *req, const char *why)
{
	char ip[ADDR_STRLEN];

	log_info("tftp: %s %s %s %s", rq->client_str, req->opcode == TFTP_WRQ ? "WRQ" : "RRQ",
		 req->filename, why);
	progress_note("tftp-fail", addr_ip_str(&rq->client_ip, ip), NULL, req->filename, "%s",
		      why);
}

/* The running transfer a request may repeat: same client port, same file,
 * and nothing of it acknowledged yet (a client repeats its request only
 * until the first DATA, ACK or OACK reaches it, RFC 1350 §4). */
static struct xfer *running_twin(const struct tftpd *srv, const struct request *rq,
				 const struct tftp_request *req)
{
	for (struct xfer *x = srv->xfers; x; x = x->next)
		if (x->client.len == rq->client.len &&
		    memcmp(&x->client.ss, &rq->client.ss, rq->client.len) == 0 &&
		    x->write == (req->opcode == TFTP_WRQ) && x->acked == 0 &&
		    x->received == 0 && strcmp(x->name, req->filename) == 0)
			return x;
	return NULL;
}

/* A repeated request and a new one for the same file look alike.  A client
 * asks again only after its final ACK of the earlier transfer, which may
 * still wait unread in that transfer's socket: read it first, and the
 * request is a repeat only if the transfer still has nothing acknowledged. */
static bool is_repeat(struct tftpd *srv, const struct request *rq,
		      const struct tftp_request *req)
{
	struct xfer *x = running_twin(srv, rq, req);

	if (!x)
		return false;
	xfer_drain(x);
	return running_twin(srv, rq, req) != NULL;
}

static size_t transfers_from(const struct tftpd *srv, const struct ip_addr *ip)
{
	size_t n = 0;

	for (const struct xfer *x = srv->xfers; x; x = x->next)
		n += addr_ip_equal(&x->client_ip, ip);
	return n;
}

/* Admission: a flood from one address cannot take every slot. */
static const char *over_limit(const struct tftpd *srv, const struct request *rq)
{
	if (srv->nxfers >= (size_t)srv->conf->max_transfers)
		return "too many transfers; try again later";
	if (transfers_from(srv, &rq->client_ip) >= (size_t)srv->conf->max_per_client)
		return "too many transfers from this address; try again later";
	return NULL;
}

/* Remap, then the name inside the root. */
static int resolve_name(struct tftpd *srv, const struct request *rq,
			const struct tftp_request *req, char *out, size_t outsz)
{
	char mapped[PATH_NAME_MAX];
	const char *name = req->filename;
	int rc;

	if (srv->remap) {
		rc = remap_apply(srv->remap, name, req->opcode == TFTP_WRQ, &rq->client_ip,
				 mapped, sizeof mapped);
		if (rc < 0)
			return rc;
		name = mapped;
	}
	return path_normalize(&srv->root, name, out, outsz);
}

static int open_file(struct tftpd *srv, struct xfer *x, const char *name, uint64_t *size)
{
	const struct conf_tftpd *c = srv->conf;
	struct stat st;
	int fd;

	if (x->write)
		return path_open_write(&srv->root, name, c->allow_create, c->permissive,
				       (mode_t)c->umask, &x->pw);
	fd = path_open_read(&srv->root, name, c->permissive, &st);
	if (fd < 0)
		return fd;
	x->fd = fd;
	*size = (uint64_t)st.st_size;
	if (x->netascii)
		netascii_reader_init(&x->nr, fd);
	return 0;
}

/* The route's MTU to the client caps blksize, so DATA is never fragmented. */
static unsigned path_mtu(int sock, int family)
{
	int mtu = 0;
	socklen_t len = sizeof mtu;

	if (family == AF_INET)
		getsockopt(sock, IPPROTO_IP, IP_MTU, &mtu, &len);
	else
		getsockopt(sock, IPPROTO_IPV6, IPV6_MTU, &mtu, &len);
	return mtu > 0 ? (unsigned)mtu : 0;
}

static void describe_options(struct xfer *x, const struct negotiate_result *res)
{
	int n = snprintf(x->options, sizeof x->options, "blksize=%u windowsize=%u",
			 x->blksize, x->windowsize);

	if (n > 0 && res->oack.opt[TFTP_OPT_TSIZE].present)
		snprintf(x->options + n, sizeof x->options - (size_t)n, " tsize=%llu",
			 (unsigned long long)res->oack.opt[TFTP_OPT_TSIZE].value);
}

/* Negotiation and the buffers it sizes.  0, or an ERROR code to refuse. */
static int negotiate(struct tftpd *srv, struct xfer *x, const struct tftp_request *req,
		     uint64_t size, struct negotiate_result *res)
{
	const struct conf_tftpd *c = srv->conf;
	struct negotiate_limits lim = {
		.blksize_max = (unsigned)c->blksize_max,
		.blksize_mtu = negotiate_blksize_for_mtu(path_mtu(x->sock, family_of(&x->client)),
							 family_of(&x->client)),
		.timeout_min = TFTP_TIMEOUT_MIN,
		.timeout_max = TFTP_TIMEOUT_MAX,
		.windowsize_max = (unsigned)c->windowsize_max,
		.tsize_known = !x->write && !x->netascii,
		.tsize = size,
	};

	if (negotiate_options(req, &lim, res) < 0)
		return TFTP_EOPTNEG;
	x->blksize = res->blksize;
	x->windowsize = res->windowsize;
	if (res->timeout) {
		x->fixed_timeout = true;
		x->rto_us = (uint64_t)res->timeout * 1000000;
	}
	describe_options(x, res);
	if (x->write)
		return 0;
	/* The window, and one block read ahead (transfer.c). */
	x->ring = malloc(((size_t)x->windowsize + 1) * (TFTP_DATA_HDR_LEN + x->blksize));
	x->ring_len = calloc((size_t)x->windowsize + 1, sizeof *x->ring_len);
	return x->ring && x->ring_len ? 0 : TFTP_EUNDEF;
}

static void admit(struct tftpd *srv, struct xfer *x)
{
	x->next = srv->xfers;
	if (srv->xfers)
		srv->xfers->prev = x;
	srv->xfers = x;
	srv->nxfers++;
	loop_timer_cancel(srv->loop, &srv->idle);
}

static struct xfer *xfer_new(struct tftpd *srv, const struct request *rq,
			     const struct tftp_request *req)
{
	struct xfer *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	x->srv = srv;
	x->sock = -1;
	x->fd = -1;
	x->pw.fd = -1;
	x->client = rq->client;
	x->client_ip = rq->client_ip;
	x->write = req->opcode == TFTP_WRQ;
	x->netascii = req->mode == TFTP_MODE_NETASCII;
	snprintf(x->name, sizeof x->name, "%s", req->filename);
	return x;
}

/* A decoded request becomes a transfer, or gets its ERROR. */
static void start_transfer(struct tftpd *srv, const struct request *rq,
			   const struct tftp_request *req)
{
	struct negotiate_result res;
	char name[PATH_NAME_MAX], ip[ADDR_STRLEN];
	uint64_t size = 0;
	const char *why;
	struct xfer *x;
	int rc, code;

	if (is_repeat(srv, rq, req)) {
		log_debug("tftp: %s %s repeated while its transfer runs", rq->client_str,
			  req->filename);
		return;
	}
	why = over_limit(srv, rq);
	if (why) {
		log_limited(&srv->refused, LOG_WARNING, "tftp: %s %s %s refused: %s",
			    rq->client_str, req->opcode == TFTP_WRQ ? "WRQ" : "RRQ",
			    req->filename, why);
		reply_error(srv, rq, TFTP_EUNDEF, why);
		return;
	}
	rc = resolve_name(srv, rq, req, name, sizeof name);
	x = rc < 0 ? NULL : xfer_new(srv, rq, req);
	if (rc == 0 && !x)
		rc = -ENOMEM;
	if (rc == 0 && (x->sock = transfer_socket(srv, rq)) < 0)
		rc = x->sock;
	if (rc == 0)
		rc = open_file(srv, x, name, &size);
	if (rc < 0) {
		log_refused(rq, req, error_text(rc));
		reply_error(srv, rq, error_code(rc), error_text(rc));
		if (x)
			xfer_free(x);
		return;
	}
	code = negotiate(srv, x, req, size, &res);
	if (code) {
		const char *msg = code == TFTP_EOPTNEG ? res.error : "out of memory";

		log_refused(rq, req, msg);
		reply_error(srv, rq, (uint16_t)code, msg);
		xfer_free(x);
		return;
	}
	admit(srv, x);
	progress_note(x->write ? "tftp-put" : "tftp-get", addr_ip_str(&x->client_ip, ip), NULL,
		      x->name, "%s", x->options);
	xfer_start(x, res.send_oack, &res.oack);
}

static void handle_packet(struct tftpd *srv, const struct request *rq, size_t len)
{
	struct tftp_request req;
	int op = tftp_packet_opcode(srv->pkt, len);
	int rc;

	switch (op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		break;
	case TFTP_ERROR:
		return;		/* RFC 1350 §7: never answer an ERROR */
	case TFTP_DATA:
	case TFTP_ACK:
	case TFTP_OACK:
		reply_error(srv, rq, TFTP_EBADID, "Unknown transfer ID");
		return;
	default:
		log_limited(&srv->refused, LOG_NOTICE, "tftp: %s: not a TFTP packet (%zu bytes)",
			    rq->client_str, len);
		reply_error(srv, rq, TFTP_EBADOP, "Illegal TFTP operation");
		return;
	}
	rc = tftp_request_decode(srv->pkt, len, &req);
	if (rc == -EOPNOTSUPP) {
		log_refused(rq, &req, "unsupported mode");
		reply_error(srv, rq, TFTP_EBADOP, "Unsupported mode");
	} else if (rc == -ENAMETOOLONG) {
		log_refused(rq, &req, "file name too long");
		reply_error(srv, rq, TFTP_EACCESS, "File name too long");
	} else if (rc < 0) {
		log_limited(&srv->refused, LOG_NOTICE, "tftp: %s: malformed request",
			    rq->client_str);
		reply_error(srv, rq, TFTP_EBADOP, "Malformed request");
	} else {
		start_transfer(srv, rq, &req);
	}
}

/* The address a request came to, from IP_PKTINFO / IPV6_PKTINFO, so the
 * transfer answers from it on a multi-homed server. */
static bool local_address(struct msghdr *mh, int family, struct hostport *local)
{
	*local = (struct hostport){ 0 };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (family == AF_INET && c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *sin = (struct sockaddr_in *)&local->ss;

			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			sin->sin_family = AF_INET;
			sin->sin_addr = pi.ipi_addr;
			local->len = sizeof *sin;
			return true;
		}
		if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&local->ss;

			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = pi.ipi6_addr;
			/* A link-local client is reached through the interface
			 * the request came in on. */
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				sin6->sin6_scope_id = pi.ipi6_ifindex;
			local->len = sizeof *sin6;
			return true;
		}
	}
	return false;
}

/* A dual-stack request socket (systemd's BindIPv6Only=both, the default of
 * pxe-tftpd.socket) gives an IPv4 client and the address it asked as
 * ::ffff:a.b.c.d; the transfer's own socket is IPv4, so both become plain
 * IPv4 (an IPv6 socket cannot bind a mapped address). */
static void unmap_v4(struct hostport *hp)
{
	struct ip_addr ip;
	uint16_t port;

	if (hp->ss.ss_family == AF_INET6 &&
	    addr_from_sockaddr((const struct sockaddr *)&hp->ss, &ip, &port) == 0 &&
	    ip.family == AF_INET)
		addr_to_sockaddr(&ip, port, hp);
}

static void on_request(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct tftpd *srv = arg;

	for (int i = 0; i < REQUESTS_PER_WAKEUP; i++) {
		union {
			struct cmsghdr align;
			uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		} control;
		struct request rq = { 0 };
		struct iovec iov = { srv->pkt, sizeof srv->pkt };
		struct msghdr mh = {
			.msg_name = &rq.client.ss, .msg_namelen = sizeof rq.client.ss,
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control.buf, .msg_controllen = sizeof control.buf,
		};
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			return;
		rq.client.len = mh.msg_namelen;
		if ((mh.msg_flags & MSG_TRUNC) ||
		    addr_from_sockaddr((struct sockaddr *)&rq.client.ss, &rq.client_ip, NULL) < 0 ||
		    !local_address(&mh, rq.client.ss.ss_family, &rq.local))
			continue;
		unmap_v4(&rq.client);
		unmap_v4(&rq.local);
		addr_sa_str((struct sockaddr *)&rq.client.ss, rq.client_str);
		handle_packet(srv, &rq, (size_t)n);
	}
}

static void on_idle(struct loop *loop, struct loop_timer *t, void *arg)
{
	log_notice("idle for %llus: exiting so inetd/systemd takes the socket back",
		   (unsigned long long)(((struct tftpd *)arg)->conf->idle_timeout_ms / 1000));
	loop_stop(loop);
}

static void arm_idle(struct tftpd *srv)
{
	if (srv->mode != TFTPD_STANDALONE && srv->nxfers == 0)
		loop_timer_arm(srv->loop, &srv->idle, srv->conf->idle_timeout_ms * 1000);
}

void tftpd_xfer_gone(struct tftpd *srv, struct xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		srv->xfers = x->next;
	if (x->next)
		x->next->prev = x->prev;
	srv->nxfers--;
	x->next = srv->dead;
	srv->dead = x;
	arm_idle(srv);
}

static void free_dead(struct loop *loop, void *arg)
{
	struct tftpd *srv = arg;

	while (srv->dead) {
		struct xfer *x = srv->dead;

		srv->dead = x->next;
		xfer_free(x);
	}
}

static int load_remap(const struct conf_tftpd *conf, struct remap **out)
{
	char err[512];

	*out = NULL;
	if (!conf->remap)
		return 0;
	if (remap_load(conf->remap, out, err, sizeof err) < 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static int open_root(const char *path, struct path_root *root)
{
	int rc = path_root_open(root, path);

	if (rc < 0)
		log_err("tftp: root %s: %s", path, strerror(-rc));
	return rc;
}

/* 1,000 transfers hold a socket and a file each: raise the soft limit on
 * open files as far as the hard limit lets it go. */
static void raise_fd_limit(const struct conf_tftpd *conf)
{
	rlim_t want = (rlim_t)conf->max_transfers * 2 + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		log_warn("tftp: open files limited to %llu; max_transfers = %lld needs %llu",
			 (unsigned long long)rl.rlim_cur, conf->max_transfers,
			 (unsigned long long)want);
}

int tftpd_open(struct tftpd *srv, const struct conf_tftpd *conf, struct loop *loop,
	       enum tftpd_mode mode, int nsystemd)
{
	*srv = (struct tftpd){ .conf = conf, .loop = loop, .mode = mode,
			       .root = { .dirfd = -1 },
			       .refused = LOG_LIMIT_INIT(10 * 1000, 20) };
	loop_timer_init(&srv->idle, on_idle, srv);
	raise_fd_limit(conf);
	if (open_root(conf->root, &srv->root) < 0 || load_remap(conf, &srv->remap) < 0 ||
	    loop_on_turn_end(loop, free_dead, srv) < 0 ||
	    listen_open(srv, nsystemd, on_request) < 0)
		return -1;
	arm_idle(srv);
	return 0;
}

int tftpd_reload(struct tftpd *srv, const struct conf_tftpd *conf)
{
	struct path_root root = { .dirfd = -1 };
	struct remap *remap;

	if (load_remap(conf, &remap) < 0)
		return -1;
	if (strcmp(conf->root, srv->conf->root) != 0 && open_root(conf->root, &root) < 0) {
		remap_free(remap);
		return -1;
	}
	if (root.dirfd >= 0) {
		path_root_close(&srv->root);
		srv->root = root;
	}
	remap_free(srv->remap);
	srv->remap = remap;
	if (srv->mode == TFTPD_STANDALONE &&
	    (conf->address.len != srv->conf->address.len ||
	     memcmp(&conf->address.ss, &srv->conf->address.ss, conf->address.len) != 0 ||
	     conf->family != srv->conf->family))
		log_warn("tftp: a new address or family takes effect at the next start");
	srv->conf = conf;
	return 0;
}

void tftpd_close(struct tftpd *srv)
{
	while (srv->xfers) {
		struct xfer *x = srv->xfers;

		xfer_end(x, "server stopping");
	}
	free_dead(srv->loop, srv);
	for (size_t i = 0; i < srv->nlisten; i++) {
		loop_unwatch(srv->loop, srv->listen_fd[i]);
		close(srv->listen_fd[i]);
	}
	loop_timer_cancel(srv->loop, &srv->idle);
	path_root_close(&srv->root);
	remap_free(srv->remap);
}
