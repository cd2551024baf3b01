/* Sending pxe-dhcpd's replies: sendmsg with IP_PKTINFO, or a frame. */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "send.h"

static int send_udp(int fd, const struct outgoing *o)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(o->dest.port),
				  .sin_addr = o->dest.ip };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)o->pkt, .iov_len = o->len };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in_pktinfo pi = { .ipi_ifindex = o->ifindex, .ipi_spec_dst = o->src };

	memset(ctl.buf, 0, sizeof ctl.buf);
	/* The reply leaves by the interface the request came in on, from the
	 * server identifier's address: a broadcast would otherwise take the
	 * default route's interface. */
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof pi);
	memcpy(CMSG_DATA(c), &pi, sizeof pi);
	if (o->dest.how == REPLY_UNICAST && o->dest.port == 67)
		mh.msg_controllen = 0;	/* to a relay: routed like any unicast */
	return sendmsg(fd, &mh, 0) < 0 ? -errno : 0;
}

static int send_frame(int packet_fd, const struct outgoing *o)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(o->dest.src_port),
				    .sin_addr = o->src };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(o->dest.port),
				  .sin_addr = o->dest.ip };
	uint8_t frame[REPLY_FRAME_MAX];
	int n = reply_frame_build(frame, sizeof frame, &from, &to, o->pkt, o->len);

	if (n < 0)
		return n;
	return reply_frame_send(packet_fd, o->ifindex, o->dest.mac, frame, (size_t)n);
}

int send_outgoing(const struct send_socks *s, const struct outgoing *o)
{
	if (o->dest.how == REPLY_FRAME)
		return send_frame(s->packet_fd, o);
	return send_udp(o->dest.src_port == PXE_PROXY_PORT ? s->proxy_fd : s->fd, o);
}
