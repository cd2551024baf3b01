/* What rpc.c (transports, the loop, rpcbind) and rpc_conn.c (replies on
 * TCP connections) share; nothing else includes this. */
#ifndef PXE_NFSD_RPC_INT_H
#define PXE_NFSD_RPC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rpc.h"

/* A TCP connection's buffers, which libtirpc allocates zeroed for each one,
 * so they are what an idle connection costs.  Replies are encoded by
 * rpc_conn.c, so libtirpc's send buffer goes unused; the receive buffer
 * grows to the largest record the connection has sent. */
#define TCP_SEND_BUF 4096
#define TCP_RECV_BUF (8 * 1024)
/* How long a connection may take none of a reply waiting for it. */
#define STALL_MS (30 * 1000)

enum fd_kind {
	FD_NONE,
	FD_UDP,
	FD_LISTEN,
	FD_CONN,
};

struct fd_state {
	uint8_t kind;		/* enum fd_kind */
	bool closing;		/* shut down; libtirpc will notice */
	int slot;		/* its index in svc_pollfd (FD_CONN) */
	uint64_t last_us;	/* of the last request, or reply bytes taken */
	uint32_t xid;		/* of the call being served (FD_CONN) */
	struct out_reply *out;	/* replies not taken yet, oldest first */
};

/* What a READ's reply ends with (rpcsrv_reply_file), from the call to its
 * reply: calls never overlap in this single-threaded process. */
struct file_part {
	const SVCXPRT *xprt;
	int fd;			/* -1: none */
	off_t off;
	size_t len;
};

struct reg {
	rpcprog_t prog;
	rpcvers_t vers;
	const char *netid;
};

struct rpcsrv {
	struct loop *loop;
	struct rpc_limits lim;
	struct fd_state *fds;
	size_t nfds;
	size_t conns;
	size_t queued;			/* reply bytes waiting, all connections */
	size_t files;			/* replies waiting with a file part */
	struct file_part body;		/* for the reply to the call being served */
	char *reply;			/* where replies are encoded, max_record + 4 */
	SVCXPRT *xprts[16];		/* UDP and listening transports */
	size_t nxprts;
	struct rpc_prog progs[16];	/* what the trampoline dispatches to */
	size_t nprogs;
	struct reg regs[32];		/* rpcbind registrations to undo */
	size_t nregs;
	struct loop_timer idle;
};

/* The one per process (libtirpc's tables are). */
extern struct rpcsrv *rpc_the;

/* Points libtirpc's connection operations at rpc_conn.c's: once per
 * process, before any connection.  0 or a negative errno. */
int rpc_conn_patch_ops(void);
/* The state of a connection transport, or NULL for any other. */
struct fd_state *rpc_conn_of(const SVCXPRT *xprt);
/* Closes a file part no reply took (the call's reply was not a success). */
void rpc_conn_drop_body(struct rpcsrv *s);
/* Shuts a connection down and reads it again, so that libtirpc sees the
 * end and destroys its transport; what was queued is dropped. */
void rpc_conn_close(struct rpcsrv *s, int fd);
/* A connection with a reply waiting is ready (EPOLLOUT, or an error):
 * sends what the socket takes.  True when the connection is to be read
 * now (the reply is out, or the connection is closing). */
bool rpc_conn_flush(struct rpcsrv *s, int fd, uint32_t events);

#endif
