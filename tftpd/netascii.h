/* netascii (RFC 764, used by RFC 1350's "netascii" mode): LF goes out as
 * CR LF and CR as CR NUL; coming in, the reverse.  Stateful, because a pair
 * may straddle two blocks. */
#ifndef PXE_TFTPD_NETASCII_H
#define PXE_TFTPD_NETASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads a file as netascii, block by block. */
struct netascii_reader {
	int fd;
	off_t offset;		/* next byte of the file to read */
	int pending;		/* second byte of a pair that did not fit, or -1 */
	bool eof;
};

void netascii_reader_init(struct netascii_reader *nr, int fd);
/* Fills dst with up to len encoded bytes, short only at the end of the file.
 * The byte count, or a negative errno. */
ssize_t netascii_read(struct netascii_reader *nr, uint8_t *dst, size_t len);
/* The encoded size of the file (for tsize): its size plus one per LF and CR.
 * Negative errno on a read error. */
int64_t netascii_encoded_size(int fd);

/* Decodes incoming netascii for a write request.  Starts zeroed. */
struct netascii_writer {
	bool cr;		/* the last byte seen was a CR */
	bool held;		/* held_byte, after a lone CR, is not yet out */
	uint8_t held_byte;
};

/* Decodes len bytes of src into dst (room for len bytes: decoding never
 * grows); returns the decoded length.  A CR followed by anything but LF or
 * NUL is kept as it is. */
size_t netascii_decode(struct netascii_writer *nw, const uint8_t *src, size_t len,
		       uint8_t *dst);
/* At the end of the transfer: 1 if a CR (or a held byte) was left pending
 * (to be written as is), else 0; *out receives it. */
size_t netascii_decode_end(struct netascii_writer *nw, uint8_t *out);

#endif
