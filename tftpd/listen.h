/* pxe-tftpd's request sockets: inherited from inetd or systemd, or bound. */
#ifndef PXE_TFTPD_LISTEN_H
#define PXE_TFTPD_LISTEN_H

#include "loop.h"
#include "server.h"

/* How the process got (or must make) its request sockets.  Decided before
 * anything touches fd 0 or detaches. */
enum tftpd_mode listen_detect_mode(const struct conf_tftpd *conf, int *nsystemd);

/* Opens srv's request sockets for srv->mode (nsystemd: how many systemd
 * passed) and watches each with on_request.  -1 on error (logged). */
int listen_open(struct tftpd *srv, int nsystemd, loop_fd_cb *on_request);

#endif
