/* Fuzz target for nfsd/fh.c: the input as a handle a client sent (it decodes
 * only when sealed by our key, and then packs back to the same bytes), then
 * as the fields of a handle to seal (which decode back, and not under another
 * key, with a bit flipped, or one byte shorter or longer).  The seeds in
 * corpus/fuzz_fh/ are sealed with the key below. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "fh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fh_key key, other;

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_same(const struct fh *a, const struct fh *b)
{
	check(a->export_id == b->export_id && a->type == b->type && a->len == b->len);
	check(memcmp(a->handle, b->handle, a->len) == 0);
}

static void as_wire(const uint8_t *data, size_t size)
{
	static const struct fh zero;
	uint8_t again[FH_MAX];
	struct fh fh;
	size_t len;

	if (fh_decode(&key, data, size, &fh) != 0) {
		check(memcmp(&fh, &zero, sizeof fh) == 0);
		return;
	}
	check(size >= FH_MIN && size <= FH_MAX && fh.len >= 1 && fh.len <= FH_FS_MAX);
	check(size == (size_t)FH_HEAD_LEN + fh.len + FH_MAC_LEN);
	check(fh_pack(&key, &fh, again, &len) == 0);
	check(len == size && memcmp(again, data, size) == 0);
	check(fh_decode(&other, data, size, &fh) == -EBADMSG);
}

static void as_fields(const uint8_t *data, size_t size)
{
	struct reader r = reader_init(data, size);
	uint8_t wire[FH_MAX + 1];
	struct fh fh, back;
	size_t len, bit;
	int rc;

	memset(&fh, 0, sizeof fh);
	fh.export_id = read_u32(&r);
	fh.type = read_u8(&r);
	fh.len = read_u8(&r);
	read_bytes(&r, fh.handle, fh.len <= FH_FS_MAX ? fh.len : 0);
	if (!reader_ok(&r))
		return;
	rc = fh_pack(&key, &fh, wire, &len);
	if (fh.len == 0 || fh.len > FH_FS_MAX) {
		check(rc == -EOVERFLOW && len == 0);
		return;
	}
	if (fh.type == 255) {
		check(rc == -EINVAL && len == 0);
		return;
	}
	check(rc == 0 && len == (size_t)FH_HEAD_LEN + fh.len + FH_MAC_LEN && len <= FH_MAX);
	check(fh_decode(&key, wire, len, &back) == 0);
	check_same(&fh, &back);
	check(fh_decode(&other, wire, len, &back) == -EBADMSG);
	check(fh_decode(&key, wire, len - 1, &back) == -EBADMSG);
	wire[len] = read_u8(&r);
	check(fh_decode(&key, wire, len + 1, &back) == -EBADMSG);
	bit = read_u16(&r) % (len * 8);
	wire[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	check(fh_decode(&key, wire, len, &back) == -EBADMSG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		check(sodium_init() >= 0);
		for (size_t i = 0; i < FH_KEY_LEN; i++) {
			key.bytes[i] = (uint8_t)i;
			other.bytes[i] = (uint8_t)(i + 1);
		}
		ready = true;
	}
	as_wire(data, size);
	as_fields(data, size);
	return 0;
}
