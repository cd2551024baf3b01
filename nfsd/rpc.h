/* pxe-nfsd's ONC RPC transports: libtirpc's UDP and TCP services driven by
 * the daemon's epoll loop instead of svc_run(), registration with rpcbind,
 * and idle TCP connections closed after a timeout. */
#ifndef PXE_NFSD_RPC_H
#define PXE_NFSD_RPC_H

#include <rpc/rpc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "loop.h"

/* libtirpc's dispatch routines take no argument of their own: rpc.c calls
 * this with the arg given at registration. */
typedef void rpc_dispatch_fn(struct svc_req *rq, SVCXPRT *xprt, void *arg);

struct rpc_prog {
	rpcprog_t prog;
	rpcvers_t vers;
	rpc_dispatch_fn *dispatch;
	void *arg;
};

struct rpc_limits {
	unsigned max_record;		/* bytes of one TCP record (RPC message) */
	unsigned max_conns;		/* TCP connections at once; more are closed */
	unsigned max_file_replies;	/* replies waiting with a file open, at once */
	uint64_t idle_timeout_ms;	/* a TCP connection silent this long is closed */
};

struct rpcsrv;

/* Sets libtirpc's process-wide options (non-blocking records of at most
 * max_record bytes); call once, before any listener.  One per process:
 * libtirpc's transport and program tables are global.  NULL on ENOMEM or
 * when one exists already. */
struct rpcsrv *rpcsrv_new(struct loop *loop, const struct rpc_limits *lim);

/* At most this many addresses for one rpcsrv_listen. */
#define RPC_MAX_ADDRS 4

/* Binds UDP and TCP sockets on each of naddrs addresses, all on one port
 * (port 0: one the kernel picks, free on every address), and serves progs
 * on them.  With rpcbind, first clears what an earlier instance may have
 * left registered, then registers each program and version for each
 * address under its family's netids (udp and tcp, udp6 and tcp6);
 * -ECONNREFUSED, with "rpcbind is not running" in err, when rpcbind does
 * not answer.  The port bound goes to *port.  0 or a negative errno, with
 * a message in err. */
int rpcsrv_listen(struct rpcsrv *s, const struct hostport *addrs, size_t naddrs,
		  const struct rpc_prog *progs, size_t nprogs, bool rpcbind, uint16_t *port,
		  char *err, size_t errlen);

/* Whether the call came over UDP (its reply must fit one datagram). */
bool rpcsrv_is_dgram(const struct rpcsrv *s, const SVCXPRT *xprt);

/* Whether the reply to the call being served on xprt may end with a
 * file's bytes (rpcsrv_reply_file): a TCP connection, and fewer than
 * max_file_replies such replies waiting on all of them. */
bool rpcsrv_can_reply_file(struct rpcsrv *s, const SVCXPRT *xprt);

/* The successful reply to the call being served on xprt ends with len
 * bytes of fd from off and their XDR padding, sent from the page cache
 * (sendfile(2)) in the same record: the reply's XDR routine encodes what
 * comes before them.  Takes fd: it is closed once they are sent, with the
 * connection, or after the call when its reply is not a success. */
void rpcsrv_reply_file(struct rpcsrv *s, const SVCXPRT *xprt, int fd, off_t off, size_t len);

/* TCP connections open now. */
size_t rpcsrv_conns(const struct rpcsrv *s);

/* Takes back every registration made with rpcbind (rpcbind accepts that
 * only from the registering user: call it with the same effective uid). */
void rpcsrv_unregister(struct rpcsrv *s);

/* Closes every transport and connection; unregisters first if that was
 * not done. */
void rpcsrv_free(struct rpcsrv *s);

#endif
