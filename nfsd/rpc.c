/* pxe-nfsd's RPC transports.  libtirpc owns the sockets' protocol work
 * (record marking, XDR, authentication flavours, replies); this file owns
 * when it runs: each ready fd is handed to svc_getreq_common(), and the
 * fds libtirpc opens (accepted connections) or closes are found in its
 * svc_pollfd table right after, so the epoll loop follows them.  A TCP
 * connection is closed by shutting it down: libtirpc then reads EOF and
 * destroys its transport itself.
 *
 * libtirpc's tables (transports, programs) are process-wide, and its
 * dispatch routines get no argument: one rpcsrv per process, found by the
 * trampoline that hands each call to its program's routine and arg.
 * Replies on TCP connections leave through rpc_conn.c, never waiting on a
 * slow reader, a READ's data straight from the file. */
#include <config.h>

#include <errno.h>
#include <netconfig.h>
#include <poll.h>
#include <rpc/rpc.h>
#include <rpc/rpc_com.h>	/* rpc_control(): needs rpc.h's types first */
#include <rpc/rpcb_clnt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "rpc_int.h"
#include "sock.h"

/* The largest UDP datagram: NFS over UDP carries up to 32 KiB of data. */
#define UDP_BUF 65536
/* Connections accepted in one turn of the loop, and the queue behind them. */
#define ACCEPT_BURST 64
#define LISTEN_BACKLOG 1024

struct rpcsrv *rpc_the;

/* The TCP and UDP sockets of one address, and their transports. */
struct listener {
	int family;
	int tcp, udp;
	SVCXPRT *ux, *tx;
};

static struct fd_state *fd_state(struct rpcsrv *s, int fd)
{
	struct fd_state *f;
	size_t n;

	if (fd < 0)
		return NULL;
	if ((size_t)fd >= s->nfds) {
		n = s->nfds ? s->nfds : 64;
		while (n <= (size_t)fd)
			n *= 2;
		f = realloc(s->fds, n * sizeof *f);
		if (!f)
			return NULL;
		memset(f + s->nfds, 0, (n - s->nfds) * sizeof *f);
		s->fds = f;
		s->nfds = n;
	}
	return &s->fds[fd];
}

/* libtirpc sets a transport's svc_pollfd slot to -1 when it destroys it;
 * slots keep their index when the table grows. */
static bool svc_has_fd(int fd, int slot)
{
	return slot >= 0 && slot < svc_max_pollfd && svc_pollfd[slot].fd == fd;
}

static void on_ready(struct loop *loop, int fd, uint32_t events, void *arg);

/* Connections libtirpc accepted: watched, or shut down past max_conns.
 * Returns how many were new. */
static unsigned adopt_connections(struct rpcsrv *s)
{
	uint64_t now = loop_now_us(s->loop);
	unsigned n = 0;

	for (int i = 0; i < svc_max_pollfd; i++) {
		int fd = svc_pollfd[i].fd;
		struct fd_state *f;

		if (fd < 0 || ((size_t)fd < s->nfds && s->fds[fd].kind != FD_NONE))
			continue;
		f = fd_state(s, fd);
		if (!f || loop_watch(s->loop, fd, EPOLLIN, on_ready, s) < 0) {
			/* unwatched, it would never be read again: let libtirpc
			 * see the end of it now */
			log_warn("cannot follow RPC connection fd %d: closing it", fd);
			shutdown(fd, SHUT_RDWR);
			svc_getreq_common(fd);
			continue;
		}
		*f = (struct fd_state){ .kind = FD_CONN, .slot = i, .last_us = now };
		n++;
		if (++s->conns > s->lim.max_conns) {
			log_notice("%zu RPC connections: over max_connections, closing the newest",
				   s->conns);
			shutdown(fd, SHUT_RDWR);
			f->closing = true;
		}
	}
	return n;
}

/* ---------------------------------------------------------------- the loop */

static void on_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rpcsrv *s = arg;
	enum fd_kind kind = s->fds[fd].kind;
	struct fd_state *f = &s->fds[fd];

	/* a reply is waiting: the connection is not read until it is out,
	 * or gone */
	if (kind == FD_CONN && f->out && !rpc_conn_flush(s, fd, events))
		return;
	if (kind == FD_CONN && !f->closing)
		f->last_us = loop_now_us(loop);
	svc_getreq_common(fd);
	if (kind == FD_LISTEN) {
		/* libtirpc accepts one connection per call: take a burst of
		 * them in one turn, so the backlog does not overflow (a dropped
		 * SYN costs its client a second) */
		for (int i = 0; adopt_connections(s) > 0 && i < ACCEPT_BURST; i++)
			svc_getreq_common(fd);	/* adopt_connections may move s->fds */
		return;
	}
	f = &s->fds[fd];
	if (kind == FD_CONN && !svc_has_fd(fd, f->slot)) {
		/* libtirpc destroyed the transport and closed its fd. */
		loop_unwatch(loop, fd);
		*f = (struct fd_state){ .kind = FD_NONE };
		s->conns--;
	}
}

static void on_idle_check(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct rpcsrv *s = arg;
	uint64_t now = loop_now_us(loop), limit = s->lim.idle_timeout_ms * 1000;

	loop_timer_arm(loop, t, STALL_MS * 1000 / 4 + 1);
	for (size_t fd = 0; fd < s->nfds; fd++) {
		struct fd_state *f = &s->fds[fd];
		uint64_t quiet = now - f->last_us;

		if (f->kind != FD_CONN || f->closing)
			continue;
		if (f->out && quiet >= (uint64_t)STALL_MS * 1000)
			log_notice("RPC connection fd %zu took no reply bytes for %llu s: closing",
				   fd, (unsigned long long)(quiet / 1000000));
		else if (limit && quiet >= limit)
			log_debug("RPC connection fd %zu idle for %llu s: closing", fd,
				  (unsigned long long)(quiet / 1000000));
		else
			continue;
		rpc_conn_close(s, (int)fd);
	}
}

struct rpcsrv *rpcsrv_new(struct loop *loop, const struct rpc_limits *lim)
{
	struct rpcsrv *s;
	int maxrec = (int)lim->max_record;

	if (rpc_the)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->loop = loop;
	s->lim = *lim;
	s->body.fd = -1;
	/* svc.h: "set max rec size, enable nonblock": a connection's record
	 * is gathered across reads, so a slow client never blocks the loop,
	 * and a record (all its fragments) longer than this kills the
	 * connection instead of growing a buffer. */
	rpc_control(RPC_SVC_CONNMAXREC_SET, &maxrec);
	s->reply = malloc(lim->max_record + 4);
	if (!s->reply || rpc_conn_patch_ops() < 0) {
		free(s->reply);
		free(s);
		return NULL;
	}
	/* sendfile(2) has no MSG_NOSIGNAL: a client gone while a READ's data
	 * is sent must end its connection (EPIPE), not the server */
	signal(SIGPIPE, SIG_IGN);
	loop_timer_init(&s->idle, on_idle_check, s);
	loop_timer_arm(loop, &s->idle, STALL_MS * 1000 / 4 + 1);
	rpc_the = s;
	return s;
}

/* What libtirpc calls for every program registered here. */
static void trampoline(struct svc_req *rq, SVCXPRT *xprt)
{
	struct rpcsrv *s = rpc_the;
	const struct fd_state *f = rpc_conn_of(xprt);

	if (f && f->closing)
		return;		/* calls still in the socket of a closed connection */

	for (size_t i = 0; s && i < s->nprogs; i++) {
		if (s->progs[i].prog == rq->rq_prog && s->progs[i].vers == rq->rq_vers) {
			s->progs[i].dispatch(rq, xprt, s->progs[i].arg);
			rpc_conn_drop_body(s);
			return;
		}
	}
	svcerr_noprog(xprt);
}

static uint16_t port_of(const struct hostport *hp)
{
	const struct sockaddr *sa = (const struct sockaddr *)&hp->ss;

	return ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *)&hp->ss)->sin6_port
					       : ((const struct sockaddr_in *)&hp->ss)->sin_port);
}

static void set_port(struct hostport *hp, uint16_t port)
{
	if (hp->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&hp->ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&hp->ss)->sin_port = htons(port);
}

/* TCP first (port 0 lets the kernel pick), then UDP on the same port. */
static int bind_pair(const struct hostport *addr, struct listener *l, uint16_t *port)
{
	struct hostport hp = *addr;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	for (int tries = 0; tries < 16; tries++) {
		l->tcp = sock_bind(&hp, SOCK_STREAM, SOCK_REUSEADDR | SOCK_BLOCKING);
		if (l->tcp < 0)
			return l->tcp;
		if (getsockname(l->tcp, (struct sockaddr *)&ss, &len) < 0) {
			close(l->tcp);
			return -errno;
		}
		memcpy(&hp.ss, &ss, len);
		*port = port_of(&hp);
		l->udp = sock_bind(&hp, SOCK_DGRAM, SOCK_BLOCKING);
		if (l->udp >= 0)
			return 0;
		close(l->tcp);
		if (l->udp != -EADDRINUSE || port_of(addr) != 0)
			return l->udp;
		hp = *addr;		/* the kernel's TCP pick was taken for UDP: again */
	}
	return -EADDRINUSE;
}

static void close_listeners(struct listener *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		close(l[i].tcp);
		close(l[i].udp);
	}
}

/* A pair on each address, all on one port: the first address's (the
 * kernel's pick for port 0), then the others on it; when that pick is
 * taken on another address, all again.  On failure, *failed is the index
 * of the address that failed. */
static int bind_all(const struct hostport *addrs, size_t n, struct listener *l, uint16_t *port,
		    size_t *failed)
{
	for (int tries = 0; tries < 16; tries++) {
		size_t i;
		int rc = bind_pair(&addrs[0], &l[0], port);

		*failed = 0;
		l[0].family = addrs[0].ss.ss_family;
		if (rc < 0)
			return rc;
		for (i = 1; i < n; i++) {
			struct hostport hp = addrs[i];

			set_port(&hp, *port);
			l[i].family = hp.ss.ss_family;
			rc = bind_pair(&hp, &l[i], port);
			if (rc < 0)
				break;
		}
		if (i == n)
			return 0;
		close_listeners(l, i);
		*failed = i;
		if (rc != -EADDRINUSE || port_of(&addrs[0]) != 0)
			return rc;
	}
	return -EADDRINUSE;
}

static int watch_xprt(struct rpcsrv *s, SVCXPRT *x, int fd, enum fd_kind kind)
{
	struct fd_state *f = fd_state(s, fd);

	if (!f || s->nxprts == sizeof s->xprts / sizeof s->xprts[0])
		return -ENOMEM;
	s->xprts[s->nxprts++] = x;
	*f = (struct fd_state){ .kind = (uint8_t)kind };
	return loop_watch(s->loop, fd, EPOLLIN, on_ready, s);
}

static int register_rpcbind(struct rpcsrv *s, SVCXPRT *x, const struct rpc_prog *p,
			    const char *netid, char *err, size_t errlen)
{
	struct netconfig *nc = getnetconfigent(netid);
	bool ok;

	if (!nc) {
		snprintf(err, errlen, "no netconfig entry for %s", netid);
		return -ENOENT;
	}
	rpc_createerr.cf_stat = RPC_SUCCESS;
	ok = rpcb_set(p->prog, p->vers, nc, &x->xp_ltaddr);
	freenetconfigent(nc);
	if (!ok && rpc_createerr.cf_stat != RPC_SUCCESS) {
		/* no client to rpcbind could be made: nothing listens */
		snprintf(err, errlen, "rpcbind is not running (registering program %lu "
			 "version %lu on %s: %s); start rpcbind, or set require_rpcbind = no "
			 "to serve unregistered on fixed ports",
			 (unsigned long)p->prog, (unsigned long)p->vers, netid,
			 clnt_sperrno(rpc_createerr.cf_stat));
		return -ECONNREFUSED;
	}
	if (!ok) {
		snprintf(err, errlen, "rpcbind refused the registration of program %lu "
			 "version %lu on %s", (unsigned long)p->prog, (unsigned long)p->vers,
			 netid);
		return -EACCES;
	}
	if (s->nregs < sizeof s->regs / sizeof s->regs[0])
		s->regs[s->nregs++] = (struct reg){ p->prog, p->vers, netid };
	return 0;
}

/* libtirpc's transports on a bound pair, watched by the loop. */
static int serve_pair(struct rpcsrv *s, struct listener *l, char *err, size_t errlen)
{
	l->ux = svc_dg_create(l->udp, UDP_BUF, UDP_BUF);
	l->tx = svc_vc_create(l->tcp, TCP_SEND_BUF, TCP_RECV_BUF);
	if (!l->ux || !l->tx) {
		snprintf(err, errlen, "libtirpc cannot create the transports");
		return -ENOMEM;
	}
	sock_set_nonblock(l->udp, true);
	sock_set_nonblock(l->tcp, true);
	listen(l->tcp, LISTEN_BACKLOG);	/* a longer queue than sock_bind's */
	if (watch_xprt(s, l->ux, l->udp, FD_UDP) < 0 ||
	    watch_xprt(s, l->tx, l->tcp, FD_LISTEN) < 0) {
		snprintf(err, errlen, "cannot watch the RPC sockets");
		return -ENOMEM;
	}
	return 0;
}

/* One program on every pair; each pair under its family's netids. */
static int register_prog(struct rpcsrv *s, const struct rpc_prog *p, const struct listener *l,
			 size_t n, bool rpcbind, char *err, size_t errlen)
{
	int rc = 0;

	if (s->nprogs == sizeof s->progs / sizeof s->progs[0]) {
		snprintf(err, errlen, "too many RPC programs");
		return -ENOMEM;
	}
	s->progs[s->nprogs++] = *p;
	for (size_t i = 0; i < n; i++) {
		if (!svc_reg(l[i].ux, p->prog, p->vers, trampoline, NULL) ||
		    !svc_reg(l[i].tx, p->prog, p->vers, trampoline, NULL)) {
			snprintf(err, errlen, "libtirpc refused program %lu version %lu",
				 (unsigned long)p->prog, (unsigned long)p->vers);
			return -EINVAL;
		}
	}
	if (!rpcbind)
		return 0;
	/* What a killed instance left would make rpcbind refuse ours
	 * (rpc.nfsd and rpc.mountd clear it the same way): once, before any
	 * family's registration. */
	rpcb_unset(p->prog, p->vers, NULL);
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool v6 = l[i].family == AF_INET6;

		rc = register_rpcbind(s, l[i].ux, p, v6 ? "udp6" : "udp", err, errlen);
		if (rc == 0)
			rc = register_rpcbind(s, l[i].tx, p, v6 ? "tcp6" : "tcp", err, errlen);
	}
	return rc;
}

int rpcsrv_listen(struct rpcsrv *s, const struct hostport *addrs, size_t naddrs,
		  const struct rpc_prog *progs, size_t nprogs, bool rpcbind, uint16_t *port,
		  char *err, size_t errlen)
{
	struct listener l[RPC_MAX_ADDRS];
	char where[ADDR_STRLEN];
	size_t failed;
	int rc;

	if (naddrs == 0 || naddrs > RPC_MAX_ADDRS) {
		snprintf(err, errlen, "%zu addresses: 1 to %d", naddrs, RPC_MAX_ADDRS);
		return -EINVAL;
	}
	rc = bind_all(addrs, naddrs, l, port, &failed);
	if (rc < 0) {
		snprintf(err, errlen, "cannot bind the RPC sockets on %s: %s",
			 addr_sa_str((const struct sockaddr *)&addrs[failed].ss, where),
			 strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < naddrs; i++) {
		rc = serve_pair(s, &l[i], err, errlen);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < nprogs; i++) {
		rc = register_prog(s, &progs[i], l, naddrs, rpcbind, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

bool rpcsrv_is_dgram(const struct rpcsrv *s, const SVCXPRT *xprt)
{
	int fd = xprt->xp_fd;

	return fd >= 0 && (size_t)fd < s->nfds && s->fds[fd].kind == FD_UDP;
}

size_t rpcsrv_conns(const struct rpcsrv *s)
{
	return s->conns;
}

void rpcsrv_unregister(struct rpcsrv *s)
{
	for (size_t i = 0; i < s->nregs; i++) {
		struct netconfig *nc = getnetconfigent(s->regs[i].netid);

		if (nc) {
			rpcb_unset(s->regs[i].prog, s->regs[i].vers, nc);
			freenetconfigent(nc);
		}
	}
	s->nregs = 0;
}

void rpcsrv_free(struct rpcsrv *s)
{
	if (!s)
		return;
	rpcsrv_unregister(s);
	for (size_t fd = 0; fd < s->nfds; fd++) {
		if (s->fds[fd].kind == FD_NONE)
			continue;
		loop_unwatch(s->loop, (int)fd);
		/* A connection's transport is libtirpc's to destroy: once shut
		 * down, the next read sees EOF and it does. */
		if (s->fds[fd].kind == FD_CONN) {
			shutdown((int)fd, SHUT_RDWR);
			svc_getreq_common((int)fd);
		}
	}
	/* No svc_unreg(): it would also take from rpcbind what another server
	 * registered for the same program.  libtirpc's callout list stays. */
	for (size_t i = 0; i < s->nxprts; i++)
		svc_destroy(s->xprts[i]);
	if (loop_timer_armed(&s->idle))
		loop_timer_cancel(s->loop, &s->idle);
	free(s->reply);
	free(s->fds);
	free(s);
	rpc_the = NULL;
}
