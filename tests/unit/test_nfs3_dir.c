/* Unit tests of nfsd/nfs3_dir.c's reply encoder: READDIR and READDIRPLUS
 * replies encoded by a loop read back whole through rpcgen's own decoders,
 * for lists far longer than a recursive encoder would want, and failures
 * carrying only their status and attributes. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfs3.h"

#define N_ENTRIES 4096

static struct nfs3_dirent entries[N_ENTRIES];
static char names[N_ENTRIES][16];

static void fill(struct nfs3_dir_reply *r, bool plus, unsigned n)
{
	memset(r, 0, sizeof *r);
	r->plus = plus;
	r->status = NFS3_OK;
	r->dir_attributes.attributes_follow = TRUE;
	r->dir_attributes.post_op_attr_u.attributes.type = NF3DIR;
	memcpy(r->cookieverf, "\1\2\3\4\5\6\7\10", NFS3_COOKIEVERFSIZE);
	for (unsigned i = 0; i < n; i++) {
		struct nfs3_dirent *e = &entries[i];

		memset(e, 0, sizeof *e);
		snprintf(names[i], sizeof names[i], "file-%u", i);
		e->name = names[i];
		e->fileid = 1000 + i;
		e->cookie = (cookie3)(i + 1) << 20;
		if (plus && i % 2) {
			e->attr.attributes_follow = TRUE;
			e->attr.post_op_attr_u.attributes.size = i;
			e->fh.handle_follows = TRUE;
			memset(e->fhbuf, (int)i, 24);
			e->fh.post_op_fh3_u.handle.data.data_len = 24;
			e->fh.post_op_fh3_u.handle.data.data_val = e->fhbuf;
		}
	}
	r->entries = entries;
	r->count = n;
	r->eof = n % 2;
}

static char *encode(struct nfs3_dir_reply *r, u_int *len)
{
	u_int cap = 4u << 20;
	char *buf = malloc(cap);
	XDR x;

	assert_non_null(buf);
	xdrmem_create(&x, buf, cap, XDR_ENCODE);
	assert_true(nfs3_xdr_dir_reply(&x, r));
	*len = xdr_getpos(&x);
	xdr_destroy(&x);
	return buf;
}

static void test_readdirplus_of_4096_entries_reads_back_through_rpcgen(void **state)
{
	struct nfs3_dir_reply r;
	READDIRPLUS3res got;
	entryplus3 *e;
	unsigned i = 0;
	u_int len;
	char *buf;
	XDR x;

	(void)state;
	fill(&r, true, N_ENTRIES);
	buf = encode(&r, &len);
	memset(&got, 0, sizeof got);
	xdrmem_create(&x, buf, len, XDR_DECODE);
	assert_true(xdr_READDIRPLUS3res(&x, &got));
	assert_int_equal(xdr_getpos(&x), len);
	xdr_destroy(&x);
	assert_int_equal(got.status, NFS3_OK);
	assert_memory_equal(got.READDIRPLUS3res_u.resok.cookieverf, r.cookieverf, 8);
	for (e = got.READDIRPLUS3res_u.resok.reply.entries; e; e = e->nextentry, i++) {
		assert_string_equal(e->name, names[i]);
		assert_int_equal(e->fileid, 1000 + i);
		assert_int_equal(e->cookie, (uint64_t)(i + 1) << 20);
		assert_int_equal(e->name_attributes.attributes_follow, i % 2);
		assert_int_equal(e->name_handle.handle_follows, i % 2);
		if (i % 2)
			assert_int_equal(e->name_handle.post_op_fh3_u.handle.data.data_len, 24);
	}
	assert_int_equal(i, N_ENTRIES);
	assert_int_equal(got.READDIRPLUS3res_u.resok.reply.eof, FALSE);
	xdr_free((xdrproc_t)xdr_READDIRPLUS3res, (char *)&got);
	free(buf);
}

static void test_readdir_reply_and_an_empty_list(void **state)
{
	struct nfs3_dir_reply r;
	READDIR3res got;
	u_int len;
	char *buf;
	XDR x;

	(void)state;
	fill(&r, false, 3);
	buf = encode(&r, &len);
	memset(&got, 0, sizeof got);
	xdrmem_create(&x, buf, len, XDR_DECODE);
	assert_true(xdr_READDIR3res(&x, &got));
	assert_int_equal(xdr_getpos(&x), len);
	xdr_destroy(&x);
	assert_string_equal(got.READDIR3res_u.resok.reply.entries->nextentry->name, "file-1");
	assert_true(got.READDIR3res_u.resok.reply.eof);
	xdr_free((xdrproc_t)xdr_READDIR3res, (char *)&got);
	free(buf);
	fill(&r, false, 0);
	r.eof = true;
	buf = encode(&r, &len);
	/* status, attributes (4 + 84), verifier, end of list, eof */
	assert_int_equal(len, 4 + 88 + 8 + 4 + 4);
	free(buf);
}

static void test_a_failure_carries_status_and_attributes_only(void **state)
{
	struct nfs3_dir_reply r;
	u_int len;
	char *buf;

	(void)state;
	fill(&r, true, 10);
	r.status = NFS3ERR_BAD_COOKIE;
	r.dir_attributes.attributes_follow = FALSE;
	buf = encode(&r, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "\0\0\x27\x13\0\0\0\0", 8);
	free(buf);
}

static void test_the_encoder_never_decodes(void **state)
{
	struct nfs3_dir_reply r;
	char buf[64] = { 0 };
	XDR x;

	(void)state;
	memset(&r, 0, sizeof r);
	xdrmem_create(&x, buf, sizeof buf, XDR_DECODE);
	assert_false(nfs3_xdr_dir_reply(&x, &r));
	xdr_destroy(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readdirplus_of_4096_entries_reads_back_through_rpcgen),
		cmocka_unit_test(test_readdir_reply_and_an_empty_list),
		cmocka_unit_test(test_a_failure_carries_status_and_attributes_only),
		cmocka_unit_test(test_the_encoder_never_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
