/* Replies on TCP connections.  libtirpc's own writer loops on a full
 * socket for up to 2 s: a client that sends READs and never reads the
 * replies would stall every other client that long, per reply.  So the
 * operations table libtirpc's connections share is patched once:
 * conn_recv notes each call's xid, conn_reply encodes the reply whole and
 * sends what the socket takes, queueing the rest for EPOLLOUT, and a
 * connection with a reply waiting is not read again until it is out.  One
 * that takes none of it for STALL_MS is closed (rpc.c's idle check), and
 * replies waiting on all connections together are bounded by QUEUED_MAX.
 *
 * A READ's reply ends with the file's bytes (rpcsrv_reply_file): they go
 * from the page cache to the socket with sendfile(2), between the encoded
 * head and the XDR padding, in the same record.  Such a reply waits with
 * the file open and its offset; a file that has become shorter than the
 * reply announced, or fails to read, closes the connection: the client
 * sees it end rather than a record with bytes the file never had, and
 * asks again. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "rpc_int.h"

/* Reply bytes waiting for slow readers, all connections together. */
#define QUEUED_MAX (128u << 20)

/* A reply not taken yet: bytes[sent..len), then file_left bytes of fd
 * from file_off, then pad zero bytes. */
struct out_reply {
	struct out_reply *next;
	size_t len, sent;
	int fd;			/* -1: no file part */
	off_t file_off;
	size_t file_left;
	unsigned pad;
	char bytes[];
};

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

static void reply_free(struct rpcsrv *s, struct out_reply *r)
{
	s->queued -= r->len;
	if (r->fd >= 0) {
		close(r->fd);
		s->files--;
	}
	free(r);
}

static void out_drop(struct rpcsrv *s, struct fd_state *f)
{
	struct out_reply *r;

	while ((r = f->out)) {
		f->out = r->next;
		reply_free(s, r);
	}
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

/* One send(2) or sendfile(2) of the oldest reply's next part; 0 when it
 * is all out. */
static ssize_t send_part(int fd, struct out_reply *r)
{
	static const char zeros[4];
	int more = r->file_left || r->pad ? MSG_MORE : 0;

	if (r->sent < r->len)
		return send(fd, r->bytes + r->sent, r->len - r->sent,
			    MSG_NOSIGNAL | MSG_DONTWAIT | more);
	if (r->file_left) {
		ssize_t n = sendfile(fd, r->fd, &r->file_off, r->file_left);

		if (n == 0)
			errno = ENODATA;	/* the file is shorter now */
		return n == 0 ? -1 : n;
	}
	return send(fd, zeros, r->pad, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Sends what the socket takes of the queue: 0 (all out, or some left and
 * waiting for EPOLLOUT) or -1 when the connection is to be closed. */
static int out_flush(struct rpcsrv *s, int fd, struct fd_state *f)
{
	struct out_reply *r;

	while ((r = f->out)) {
		ssize_t n;

		if (r->sent == r->len && !r->file_left && !r->pad) {
			f->out = r->next;
			reply_free(s, r);
			continue;
		}
		n = send_part(fd, r);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && r->sent == r->len && r->file_left && (errno == ENODATA || errno == EIO))
			log_notice("RPC connection fd %d: the file of a READ reply %s: closing it",
				   fd, errno == EIO ? "fails to read" : "is shorter than announced");
		if (n <= 0)
			return -1;
		if (r->sent < r->len)
			r->sent += (size_t)n;
		else if (r->file_left)
			r->file_left -= (size_t)n;
		else
			r->pad -= (unsigned)n;
		f->last_us = loop_now_us(s->loop);
	}
	return 0;
}

/* Queues a reply after whatever is waiting, taking body's fd; -1 past
 * QUEUED_MAX. */
static int out_add(struct rpcsrv *s, struct fd_state *f, const char *p, size_t n,
		   const struct file_part *body)
{
	struct out_reply *r, **tail = &f->out;

	if (s->queued + n > QUEUED_MAX || !(r = malloc(sizeof *r + n))) {
		if (body->fd >= 0)
			close(body->fd);
		return -1;
	}
	*r = (struct out_reply){ .len = n, .fd = body->fd, .file_off = body->off,
				 .file_left = body->len, .pad = -body->len & 3 };
	memcpy(r->bytes, p, n);
	while (*tail)
		tail = &(*tail)->next;
	*tail = r;
	s->queued += n;
	s->files += r->fd >= 0;
	return 0;
}

bool rpcsrv_can_reply_file(struct rpcsrv *s, const SVCXPRT *xprt)
{
	const struct fd_state *f = rpc_conn_of(xprt);

	return f && !f->closing && s->files < s->lim.max_file_replies;
}

void rpcsrv_reply_file(struct rpcsrv *s, const SVCXPRT *xprt, int fd, off_t off, size_t len)
{
	rpc_conn_drop_body(s);
	s->body = (struct file_part){ .xprt = xprt, .fd = fd, .off = off, .len = len };
}

void rpc_conn_drop_body(struct rpcsrv *s)
{
	if (s->body.fd >= 0)
		close(s->body.fd);
	s->body = (struct file_part){ .fd = -1 };
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
 * connection is not read meanwhile.  A successful reply takes the call's
 * file part, if it has one: the record counts its bytes and padding. */
static bool_t conn_reply(SVCXPRT *xprt, struct rpc_msg *msg)
{
	struct rpcsrv *s = rpc_the;
	struct fd_state *f = rpc_conn_of(xprt);
	struct file_part body = { .fd = -1 };
	bool was_idle;
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
	if (s->body.fd >= 0 && s->body.xprt == xprt && msg->rm_reply.rp_stat == MSG_ACCEPTED &&
	    msg->acpted_rply.ar_stat == SUCCESS) {
		body = s->body;
		s->body.fd = -1;
	}
	w = writer_init(s->reply, 4);
	/* the last fragment */
	write_u32(&w, 0x80000000u | (uint32_t)(len + body.len + (-body.len & 3)));
	len += 4;
	was_idle = !f->out;
	if (was_idle && body.fd < 0) {
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
	if (out_add(s, f, s->reply + n, len - (size_t)n, &body) < 0) {
		log_notice("RPC connection fd %d: %zu bytes of replies wait already: closing it",
			   xprt->xp_fd, s->queued);
		rpc_conn_close(s, xprt->xp_fd);
		return FALSE;
	}
	if (was_idle && body.fd >= 0 && out_flush(s, xprt->xp_fd, f) < 0) {
		rpc_conn_close(s, xprt->xp_fd);
		return FALSE;
	}
	if (f->out)
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
	else if (!f->out)
		loop_rewatch(s->loop, fd, EPOLLIN);
	return f->closing;
}
