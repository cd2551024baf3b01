/* TFTP packets (RFC 1350, options per RFC 2347/2348/2349/7440) decoded into
 * plain structs and encoded from them: pure functions, no I/O, no policy. */
#ifndef PXE_TFTP_PKT_H
#define PXE_TFTP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1350 §5 opcodes; OACK is RFC 2347.  Prefixed: <arpa/tftp.h> has the
 * bare BSD names. */
enum tftp_opcode {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,
};

/* RFC 1350 appendix "Error Codes"; 8 is RFC 2347.  BSD <arpa/tftp.h> names. */
enum tftp_error_code {
	TFTP_EUNDEF = 0,	/* Not defined, see error message */
	TFTP_ENOTFOUND = 1,	/* File not found */
	TFTP_EACCESS = 2,	/* Access violation */
	TFTP_ENOSPACE = 3,	/* Disk full or allocation exceeded */
	TFTP_EBADOP = 4,	/* Illegal TFTP operation */
	TFTP_EBADID = 5,	/* Unknown transfer ID */
	TFTP_EEXISTS = 6,	/* File already exists */
	TFTP_ENOUSER = 7,	/* No such user */
	TFTP_EOPTNEG = 8,	/* Option negotiation failed (RFC 2347) */
};

enum tftp_mode {
	TFTP_MODE_UNKNOWN = 0,
	TFTP_MODE_NETASCII,
	TFTP_MODE_OCTET,
	TFTP_MODE_MAIL,		/* recognized only to be refused: RFC 1350 §1 */
};

/* The options pxesuite knows, in the order an OACK lists them. */
enum tftp_opt {
	TFTP_OPT_BLKSIZE,	/* RFC 2348 */
	TFTP_OPT_TIMEOUT,	/* RFC 2349 */
	TFTP_OPT_TSIZE,		/* RFC 2349 */
	TFTP_OPT_WINDOWSIZE,	/* RFC 7440 */
	TFTP_OPT_COUNT
};

#define TFTP_BLKSIZE_DEFAULT	512	/* RFC 1350 §2 */
#define TFTP_BLKSIZE_MIN	8	/* RFC 2348 */
#define TFTP_BLKSIZE_MAX	65464	/* RFC 2348 */
#define TFTP_TIMEOUT_MIN	1	/* RFC 2349 */
#define TFTP_TIMEOUT_MAX	255	/* RFC 2349 */
#define TFTP_WINDOWSIZE_MIN	1	/* RFC 7440 §3 */
#define TFTP_WINDOWSIZE_MAX	65535	/* RFC 7440 §3 */

#define TFTP_DATA_HDR_LEN	4	/* opcode + block number */
#define TFTP_PKT_MAX		(TFTP_DATA_HDR_LEN + TFTP_BLKSIZE_MAX)
/* RFC 2347: "The maximum size of a request packet is 512 octets."  The
 * encoder keeps to it; the decoder accepts longer requests, as tftp-hpa does
 * (it reads requests into a 65468-octet buffer). */
#define TFTP_REQUEST_MAX	512
/* Room for a filename, NUL included.  Within RFC 2347's 512 octets, the
 * opcode and "octet" NUL leave 504 for the name and its NUL, so no conforming
 * client sends a longer name than this holds; BSD tftpd read requests into
 * SEGSIZE + 4 = 516 octets too.  Longer names are refused, not truncated. */
#define TFTP_FILENAME_MAX	512
/* Room for an ERROR message, NUL included: an ERROR of at most 4 + 512 = 516
 * octets fits the receive buffer of every RFC 1350 client (SEGSIZE + 4).
 * Longer messages are truncated on encode and on decode. */
#define TFTP_ERRMSG_MAX		512
/* Room for a mode as the client wrote it, for logs ("netascii" is 8). */
#define TFTP_MODE_NAME_MAX	16

/* One known option as a request or an OACK carried it. */
struct tftp_option {
	bool present;		/* named at least once */
	bool valid;		/* its (first) value is a decimal number that fits 64 bits */
	bool repeated;		/* named more than once: RFC 2347 allows once */
	uint64_t value;		/* the first value, when valid */
};

struct tftp_options {
	struct tftp_option opt[TFTP_OPT_COUNT];	/* indexed by enum tftp_opt */
	unsigned unknown;	/* options skipped as unknown (for logs) */
};

struct tftp_request {
	enum tftp_opcode opcode;	/* TFTP_RRQ or TFTP_WRQ */
	char filename[TFTP_FILENAME_MAX];	/* bytes as sent: path policy is not ours */
	enum tftp_mode mode;
	char mode_name[TFTP_MODE_NAME_MAX];	/* as sent, truncated: for logs */
	struct tftp_options options;
};

struct tftp_data {
	uint16_t block;
	const uint8_t *payload;	/* points into the decoded packet */
	size_t len;		/* 0..TFTP_BLKSIZE_MAX */
};

struct tftp_error {
	uint16_t code;		/* enum tftp_error_code, or any value a peer sent */
	char message[TFTP_ERRMSG_MAX];
};

/* The opcode of a packet: TFTP_RRQ..TFTP_OACK, or -EBADMSG when the packet is
 * shorter than an opcode or the opcode is none of those. */
int tftp_packet_opcode(const uint8_t *pkt, size_t len);

/* RFC 1350 §5 + RFC 2347: opcode, filename NUL, mode NUL, then name NUL value
 * NUL pairs.  Option names are matched case-insensitively (RFC 2347); unknown
 * ones are counted and skipped; an empty option name ends the list (trailing
 * NUL padding, which tftp-hpa also stops at).  Returns 0, or:
 *   -EBADMSG       not an RRQ/WRQ, truncated, or a field without its NUL;
 *   -ENAMETOOLONG  the filename does not fit TFTP_FILENAME_MAX;
 *   -EOPNOTSUPP    the mode is not netascii or octet (any case; "mail" too).
 * On -ENAMETOOLONG and -EOPNOTSUPP req is filled (filename truncated) so the
 * caller can log it and answer with an ERROR. */
int tftp_request_decode(const uint8_t *pkt, size_t len, struct tftp_request *req);

/* DATA: opcode, block, 0..TFTP_BLKSIZE_MAX octets.  0 or -EBADMSG. */
int tftp_data_decode(const uint8_t *pkt, size_t len, struct tftp_data *data);

/* ACK: opcode, block.  Octets after the block number are ignored, as
 * tftp-hpa ignores them.  0 or -EBADMSG. */
int tftp_ack_decode(const uint8_t *pkt, size_t len, uint16_t *block);

/* ERROR: opcode, code, message NUL.  A message longer than TFTP_ERRMSG_MAX is
 * truncated; one without its NUL is -EBADMSG. */
int tftp_error_decode(const uint8_t *pkt, size_t len, struct tftp_error *err);

/* OACK (RFC 2347): opcode, then name NUL value NUL pairs, parsed as in a
 * request.  An OACK with no option decodes (to an empty set).  0 or -EBADMSG. */
int tftp_oack_decode(const uint8_t *pkt, size_t len, struct tftp_options *opts);

/* Encoders write into buf (cap octets) and return the packet's length, or
 * -EINVAL for a value the packet cannot carry, or -ENOSPC when cap is short.
 * Options are written for each present entry, in enum tftp_opt order, with
 * lower-case names and decimal values; their valid/repeated flags are not
 * looked at. */

/* RRQ/WRQ.  -EMSGSIZE when the request would pass TFTP_REQUEST_MAX. */
int tftp_request_encode(const struct tftp_request *req, uint8_t *buf, size_t cap);
/* len is at most TFTP_BLKSIZE_MAX.  With payload NULL only the header is
 * written and the len octets after it are taken as already in place, so a
 * transfer can read a file straight into buf at TFTP_DATA_HDR_LEN. */
int tftp_data_encode(uint16_t block, const void *payload, size_t len,
		     uint8_t *buf, size_t cap);
int tftp_ack_encode(uint16_t block, uint8_t *buf, size_t cap);
/* message NULL: the RFC's text for code.  Truncated to TFTP_ERRMSG_MAX - 1. */
int tftp_error_encode(uint16_t code, const char *message, uint8_t *buf, size_t cap);
/* -EINVAL when no option is present: RFC 2347 sends an OACK only to
 * acknowledge at least one option. */
int tftp_oack_encode(const struct tftp_options *opts, uint8_t *buf, size_t cap);

/* True when at least one known option is present. */
bool tftp_options_any(const struct tftp_options *opts);
/* "blksize", "timeout", "tsize", "windowsize"; NULL for an unknown id. */
const char *tftp_option_name(enum tftp_opt id);
/* "netascii", "octet", "mail"; NULL for TFTP_MODE_UNKNOWN. */
const char *tftp_mode_name(enum tftp_mode mode);
/* RFC 1350's text for an error code ("File not found"); "Not defined" for
 * codes no RFC names. */
const char *tftp_error_text(uint16_t code);

/* Block numbers are 16 bits on the wire.  RFC 1350 does not say what comes
 * after 65535; tftp-hpa, dnsmasq, iPXE, pxelinux, U-Boot and GRUB all
 * roll over to 0 (what a 16-bit counter does), so pxesuite does too.
 * (A few old clients expected 1; tftp-hpa's non-standard "rollover" option
 * asks for that and is not supported here: it is ignored as unknown.) */
uint16_t tftp_block_next(uint16_t block);
/* A transfer counts blocks in 64 bits (block 0 = the OACK's ACK, first DATA is
 * 1) and puts the low 16 bits on the wire.  Maps a wire block number back to
 * the count nearest ref (within -32768..+32767 of it, never below 0). */
uint64_t tftp_block_unwrap(uint64_t ref, uint16_t wire);

#endif
