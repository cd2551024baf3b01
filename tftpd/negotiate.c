/* Option negotiation policy for pxe-tftpd: request options + server limits in,
 * OACK contents and transfer parameters out.
 *
 * RFC 2347: options the server does not support are ignored, never an ERROR;
 * for an invalid value "the specification for that option will indicate"
 * whether to omit it, answer another value or refuse with ERROR 8.  None of
 * RFC 2348, 2349 or 7440 asks a server to refuse, so an unusable value
 * (not a number, below the RFC minimum, tsize other than 0 in an RRQ) is
 * left out of the OACK and the transfer keeps that option's default.
 * (tftp-hpa 5.2 answers ERROR 8 for blksize < 8 or a timeout outside 1..255;
 * dnsmasq 2.90 reads blksize with atoi() and grants 1 for junk.  Leaving the
 * option out lets such a client still boot at 512-octet blocks, and never
 * grants a value the RFC forbids.)  The one refusal is a known option named
 * twice: RFC 2347 says "an option may only be specified once", and picking
 * either value would guess at what the client will use. */
#include "negotiate.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define IPV4_HDR	20
#define IPV6_HDR	40
#define UDP_HDR		8

static const char *const repeat_msgs[TFTP_OPT_COUNT] = {
	[TFTP_OPT_BLKSIZE] = "option blksize given more than once",
	[TFTP_OPT_TIMEOUT] = "option timeout given more than once",
	[TFTP_OPT_TSIZE] = "option tsize given more than once",
	[TFTP_OPT_WINDOWSIZE] = "option windowsize given more than once",
};

unsigned negotiate_blksize_for_mtu(unsigned mtu, int family)
{
	unsigned overhead;

	if (family == AF_INET)
		overhead = IPV4_HDR + UDP_HDR + TFTP_DATA_HDR_LEN;
	else if (family == AF_INET6)
		overhead = IPV6_HDR + UDP_HDR + TFTP_DATA_HDR_LEN;
	else
		return 0;
	if (mtu == 0)
		return 0;
	if (mtu < overhead + TFTP_BLKSIZE_MIN)
		return TFTP_BLKSIZE_MIN;
	if (mtu - overhead > TFTP_BLKSIZE_MAX)
		return TFTP_BLKSIZE_MAX;
	return mtu - overhead;
}

static void grant(struct negotiate_result *res, enum tftp_opt id, uint64_t value)
{
	res->oack.opt[id].present = true;
	res->oack.opt[id].valid = true;
	res->oack.opt[id].value = value;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* RFC 2348: valid values 8..65464; the OACK's value "must be less than or
 * equal to the value specified by the client", so a larger request (even past
 * 65464) is answered with the server's cap, a smaller one is not granted. */
static void negotiate_blksize(const struct tftp_option *o,
			      const struct negotiate_limits *lim,
			      struct negotiate_result *res)
{
	uint64_t cap = min_u64(lim->blksize_max, TFTP_BLKSIZE_MAX);

	if (lim->blksize_mtu)
		cap = min_u64(cap, lim->blksize_mtu);
	if (!o->present || !o->valid || o->value < TFTP_BLKSIZE_MIN ||
	    cap < TFTP_BLKSIZE_MIN)
		return;
	res->blksize = (unsigned)min_u64(o->value, cap);
	grant(res, TFTP_OPT_BLKSIZE, res->blksize);
}

/* RFC 2349: valid values 1..255, and the OACK's value "must match the value
 * specified by the client": the server can only echo or leave it out. */
static void negotiate_timeout(const struct tftp_option *o,
			      const struct negotiate_limits *lim,
			      struct negotiate_result *res)
{
	if (!o->present || !o->valid || o->value < TFTP_TIMEOUT_MIN ||
	    o->value > TFTP_TIMEOUT_MAX || o->value < lim->timeout_min ||
	    o->value > lim->timeout_max)
		return;
	res->timeout = (unsigned)o->value;
	grant(res, TFTP_OPT_TIMEOUT, o->value);
}

/* RFC 2349: an RRQ asks with "0" and the OACK returns the file's size; a WRQ
 * gives the size and the OACK echoes it (whether it fits is the caller's
 * ERROR 3, Disk full).  In netascii the octets sent differ from the size on
 * disk (LF becomes CR LF, CR becomes CR NUL) and knowing the count means
 * reading the whole file first; a wrong size would mislead clients that
 * allocate by it (pxelinux does), so netascii RRQs get no tsize, as in
 * tftp-hpa and dnsmasq.  An empty file's tsize is left out too: curl takes
 * "tsize 0" in an OACK as an error and abandons the transfer, while without
 * it every client simply receives the one empty DATA block. */
static void negotiate_tsize(const struct tftp_request *req,
			    const struct negotiate_limits *lim,
			    struct negotiate_result *res)
{
	const struct tftp_option *o = &req->options.opt[TFTP_OPT_TSIZE];

	if (!o->present || !o->valid)
		return;
	if (req->opcode == TFTP_WRQ) {
		grant(res, TFTP_OPT_TSIZE, o->value);
		return;
	}
	if (o->value != 0 || req->mode != TFTP_MODE_OCTET || !lim->tsize_known ||
	    lim->tsize == 0)
		return;
	grant(res, TFTP_OPT_TSIZE, lim->tsize);
}

/* RFC 7440 §3: valid values 1..65535; the OACK's value "MUST be less than or
 * equal to the value specified by the client". */
static void negotiate_windowsize(const struct tftp_option *o,
				 const struct negotiate_limits *lim,
				 struct negotiate_result *res)
{
	uint64_t cap = min_u64(lim->windowsize_max, TFTP_WINDOWSIZE_MAX);

	if (!o->present || !o->valid || o->value < TFTP_WINDOWSIZE_MIN || cap == 0)
		return;
	res->windowsize = (unsigned)min_u64(o->value, cap);
	grant(res, TFTP_OPT_WINDOWSIZE, res->windowsize);
}

int negotiate_options(const struct tftp_request *req,
		      const struct negotiate_limits *lim,
		      struct negotiate_result *res)
{
	const struct tftp_options *opts = &req->options;
	int i;

	memset(res, 0, sizeof *res);
	res->blksize = TFTP_BLKSIZE_DEFAULT;
	res->windowsize = 1;
	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		if (opts->opt[i].repeated) {
			res->error = repeat_msgs[i];
			return -EPROTO;
		}
	}
	negotiate_blksize(&opts->opt[TFTP_OPT_BLKSIZE], lim, res);
	negotiate_timeout(&opts->opt[TFTP_OPT_TIMEOUT], lim, res);
	negotiate_tsize(req, lim, res);
	negotiate_windowsize(&opts->opt[TFTP_OPT_WINDOWSIZE], lim, res);
	res->send_oack = tftp_options_any(&res->oack);
	return 0;
}
