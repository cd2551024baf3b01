/* pxe-tftpd's server: request sockets (bound, or inherited from inetd or
 * systemd), admission of requests, and the set of transfers in flight. */
#ifndef PXE_TFTPD_SERVER_H
#define PXE_TFTPD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "loop.h"
#include "path.h"
#include "remap.h"
#include "suite_conf.h"
#include "tftp_pkt.h"

struct xfer;

enum tftpd_mode {
	TFTPD_STANDALONE,	/* binds its address */
	TFTPD_INETD,		/* fd 0 from inetd/xinetd (wait = yes) */
	TFTPD_SYSTEMD,		/* LISTEN_FDS */
};

#define TFTPD_MAX_LISTEN 8

struct tftpd {
	const struct conf_tftpd *conf;
	struct loop *loop;
	enum tftpd_mode mode;
	int listen_fd[TFTPD_MAX_LISTEN];
	size_t nlisten;
	struct path_root root;
	struct remap *remap;
	struct xfer *xfers;		/* every transfer in flight */
	struct xfer *dead;		/* ended this turn, freed at its end */
	size_t nxfers;
	unsigned next_port;		/* round-robin cursor in port_range */
	bool no_segmentation;		/* the kernel refused UDP_SEGMENT once */
	struct loop_timer idle;		/* inetd/systemd: exit when idle */
	struct log_limit refused;	/* log lines for refused requests */
	uint8_t pkt[TFTP_PKT_MAX];	/* one datagram in, request or transfer */
};

/* Request sockets, the root and the remap rules; -1 on error (logged). */
int tftpd_open(struct tftpd *srv, const struct conf_tftpd *conf, struct loop *loop,
	       enum tftpd_mode mode, int nsystemd);
/* Takes a reloaded config: limits, root and remap rules; what needs a
 * restart (the address) is logged.  -1 keeps the old config (logged). */
int tftpd_reload(struct tftpd *srv, const struct conf_tftpd *conf);
void tftpd_close(struct tftpd *srv);

/* For transfers: leave the set; the idle clock restarts when it empties. */
void tftpd_xfer_gone(struct tftpd *srv, struct xfer *x);

#endif
