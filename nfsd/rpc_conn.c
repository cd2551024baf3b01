/* Replies on TCP connections.  libtirpc's own writer loops on a full
 * socket for up to 2 s: a client that sends READs and never reads the
 * replies would stall every other client that long, per reply.  So the
 * operations table libtirpc's connections share is patched once:
 * conn_recv notes each call's xid, conn_reply encodes the reply whole and
 * sends what the socket takes, queueing the rest for EPOLLOUT, and a
 * connection with a reply waiting is not read again until it is out.  One
 * that takes none of it for STALL_MS is closed (rpc.c's idle check), and
 * replies waiting on all connections together are bounded by QUEUED_MAX. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "rpc_int.h"

/* Reply bytes waiting for slow readers, all connections together. */
#define QUEUED_MAX (128u << 20)

/* libtirpc's own operations of a connection, which the patched ones call. */
static bool_t (*vc_recv)(SVCXPRT *, struct rpc_msg *);
static bool_t (*vc_reply)(SVCXPRT *, struct rpc_msg *);
static void (*vc_destroy)(SVCXPRT *);

struct fd_state *rpc_conn_of(const SVCXPRT *xprt)
{
	struct rpcsrv *s = rpc_the;
	int fd = xprt->xp_fd;

	if (!s || fd < 0 || (size_t)fd >= s->nfds || s->fds[fd].kind != FD_CONN)
		return NULL;
	return &s->fds[fd];
}

static void out_drop(struct rpcsrv *s, struct fd_state *f)
{
	s->queued -= f->out_len - f->out_off;
	free(f->out);
	f->out = NULL;
	f->out_off = f->out_len = 0;
}

void rpc_conn_close(struct rpcsrv *s, int fd)
{
	struct fd_state *f = &s->fds[fd];

	out_drop(s, f);
	if (!f->closing)
		shutdown(fd, SHUT_RDWR);
	f->closing = true;
	loop_rewatch(s->loop, fd, EPOLLIN);
}

/* Sends what the socket takes of the queue: 0 (all out, or some left and
 * waiting for EPOLLOUT) or -1 when the connection is gone. */
static int out_flush(struct rpcsrv *s, int fd, struct fd_state *f)
{
	while (f->out_off < f->out_len) {
		ssize_t n = send(fd, f->out + f->out_off, f->out_len - f->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		f->out_off += (size_t)n;
		s->queued -= (size_t)n;
		f->last_us = loop_now_us(s->loop);
	}
	out_drop(s, f);
	return 0;
}

/* Queues bytes after whatever is waiting; -1 past QUEUED_MAX. */
static int out_add(struct rpcsrv *s, struct fd_state *f, const char *p, size_t n)
{
	size_t left = f->out_len - f->out_off;
	char *q;

	if (s->queued + n > QUEUED_MAX)
		return -1;
	q = malloc(left + n);
	if (!q)
		return -1;
	if (left)
		memcpy(q, f->out + f->out_off, left);
	memcpy(q + left, p, n);
	free(f->out);
	f->out = q;
	f->out_off = 0;
	f->out_len = left + n;
	s->queued += n;
	return 0;
}

/* xp_recv: libtirpc's, noting the call's xid for its reply. */
static bool_t conn_recv(SVCXPRT *xprt, struct rpc_msg *msg)
{
	bool_t ok = vc_recv(xprt, msg);
	struct fd_state *f = rpc_conn_of(xprt);

	if (ok && f)
		f->xid = msg->rm_xid;
	return ok;
}

/* xp_reply: the reply as one record (RFC 5531 §11), sent without ever
 * waiting; what the socket does not take waits for EPOLLOUT, and the
 * connection is not read meanwhile. */
static bool_t conn_reply(SVCXPRT *xprt, struct rpc_msg *msg)
{
	struct rpcsrv *s = rpc_the;
	struct fd_state *f = rpc_conn_of(xprt);
	struct writer w;
	ssize_t n = 0;
	size_t len;
	bool_t ok;
	XDR x;

	if (!f || !s->reply)
		return vc_reply(xprt, msg);
	if (f->closing)
		return FALSE;
	msg->rm_xid = f->xid;
	xdrmem_create(&x, s->reply + 4, s->lim.max_record, XDR_ENCODE);
	ok = xdr_replymsg(&x, msg);
	len = xdr_getpos(&x);
	xdr_destroy(&x);
	if (!ok)
		return FALSE;
	w = writer_init(s->reply, 4);
	write_u32(&w, 0x80000000u | (uint32_t)len);	/* the last fragment */
	len += 4;
	if (f->out_len == 0) {
		do
			n = send(xprt->xp_fd, s->reply, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			rpc_conn_close(s, xprt->xp_fd);
			return FALSE;
		}
		n = n < 0 ? 0 : n;
		if ((size_t)n == len)
			return TRUE;
	}
	if (out_add(s, f, s->reply + n, len - (size_t)n) < 0) {
		log_notice("RPC connection fd %d: %zu bytes of replies wait already: closing it",
			   xprt->xp_fd, s->queued);
		rpc_conn_close(s, xprt->xp_fd);
		return FALSE;
	}
	loop_rewatch(s->loop, xprt->xp_fd, EPOLLOUT);
	return TRUE;
}

/* xp_destroy: what was queued goes with the connection. */
static void conn_destroy(SVCXPRT *xprt)
{
	struct fd_state *f = rpc_conn_of(xprt);

	if (f)
		out_drop(rpc_the, f);
	vc_destroy(xprt);
}

/* Every connection libtirpc makes shares one table of operations (the
 * static one its svc_vc_ops() fills in once): a throwaway transport over
 * a socketpair shows where it is. */
int rpc_conn_patch_ops(void)
{
	struct xp_ops *ops;
	SVCXPRT *x;
	int sv[2];

	if (vc_recv)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	x = svc_fd_create(sv[0], TCP_SEND_BUF, TCP_RECV_BUF);
	if (!x) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	ops = (struct xp_ops *)(uintptr_t)x->xp_ops;
	vc_recv = ops->xp_recv;
	vc_reply = ops->xp_reply;
	vc_destroy = ops->xp_destroy;
	ops->xp_recv = conn_recv;
	ops->xp_reply = conn_reply;
	ops->xp_destroy = conn_destroy;
	svc_destroy(x);		/* closes sv[0] */
	close(sv[1]);
	return 0;
}

bool rpc_conn_flush(struct rpcsrv *s, int fd, uint32_t events)
{
	struct fd_state *f = &s->fds[fd];

	if (out_flush(s, fd, f) < 0 || (events & (EPOLLERR | EPOLLHUP)))
		rpc_conn_close(s, fd);
	else if (f->out_len == 0)
		loop_rewatch(s->loop, fd, EPOLLIN);
	return f->closing;
}
