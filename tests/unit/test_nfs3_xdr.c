/* Unit tests for the rpcgen output of nfsd/proto/nfs3_prot.x and mount3_prot.x:
 * RFC 1813 values round trip through libtirpc's xdrmem, and hostile bytes fed
 * to every decoder the server runs are refused without leaks or overreads. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mount3_prot.h"
#include "nfs3.h"
#include "nfs3_prot.h"

/* ---------------------------------------------------------------- helpers */

/* rpcgen's routines take a typed second argument; libtirpc calls them
 * through xdrproc_t, and so do these helpers. */
#define XDR_FN(fn) ((xdrproc_t)(fn))

/* Encodes obj into buf; returns the bytes written, 0 on failure. */
static u_int encode(xdrproc_t fn, void *obj, char *buf, u_int cap)
{
	XDR x;
	u_int n = 0;

	xdrmem_create(&x, buf, cap, XDR_ENCODE);
	if (fn(&x, obj))
		n = xdr_getpos(&x);
	xdr_destroy(&x);
	return n;
}

/* Decodes a malloc'd copy of exactly len bytes, so ASan sees a read past the
 * end; obj is zeroed first, as the server must do (xdr_bytes and xdr_string
 * write through a non-NULL pointer instead of allocating).  *used gets the
 * bytes consumed.  Success or not, the caller frees obj with xdr_free, as
 * the server frees what a refused call left half-decoded. */
static bool_t decode_exact(xdrproc_t fn, void *obj, size_t objsize, const char *wire, u_int len,
			   u_int *used)
{
	char *copy = malloc(len ? len : 1);
	XDR x;
	bool_t ok;

	assert_non_null(copy);
	if (len)
		memcpy(copy, wire, len);
	memset(obj, 0, objsize);
	xdrmem_create(&x, copy, len, XDR_DECODE);
	ok = fn(&x, obj);
	if (used)
		*used = xdr_getpos(&x);
	xdr_destroy(&x);
	free(copy);
	return ok;
}

/* Big-endian XDR words and opaques into a buffer, for hand-built wire. */
struct wire {
	char buf[4096];
	u_int len;
};

static void put_u32(struct wire *w, uint32_t v)
{
	assert_true(w->len + 4 <= sizeof w->buf);
	w->buf[w->len++] = (char)(v >> 24);
	w->buf[w->len++] = (char)(v >> 16);
	w->buf[w->len++] = (char)(v >> 8);
	w->buf[w->len++] = (char)v;
}

static void put_u64(struct wire *w, uint64_t v)
{
	put_u32(w, (uint32_t)(v >> 32));
	put_u32(w, (uint32_t)v);
}

/* A counted opaque: the length as given, then n bytes of fill, padded. */
static void put_opaque(struct wire *w, uint32_t declared, u_int n, char fill)
{
	put_u32(w, declared);
	assert_true(w->len + n + 3 <= sizeof w->buf);
	memset(w->buf + w->len, fill, n);
	w->len += n;
	while (w->len % 4)
		w->buf[w->len++] = 0;
}

static void set_fh(nfs_fh3 *fh, char *bytes, u_int len, char fill)
{
	memset(bytes, fill, len);
	fh->data.data_len = len;
	fh->data.data_val = bytes;
}

static void fill_fattr3(fattr3 *a, uint64_t fileid)
{
	memset(a, 0, sizeof *a);
	a->type = NF3REG;
	a->mode = 0644;
	a->nlink = 1;
	a->uid = 1000;
	a->gid = 100;
	a->size = 42500;
	a->used = 45056;
	a->rdev.specdata1 = 0;
	a->rdev.specdata2 = 0;
	a->fsid = 0x0102030405060708ULL;
	a->fileid = fileid;
	a->atime.seconds = 1700000000;
	a->atime.nseconds = 1;
	a->mtime.seconds = 1700000001;
	a->mtime.nseconds = 2;
	a->ctime.seconds = 1700000002;
	a->ctime.nseconds = 999999999;
}

static void assert_fattr3_equal(const fattr3 *a, const fattr3 *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->nlink, b->nlink);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->used, b->used);
	assert_int_equal(a->fsid, b->fsid);
	assert_int_equal(a->fileid, b->fileid);
	assert_int_equal(a->atime.seconds, b->atime.seconds);
	assert_int_equal(a->mtime.nseconds, b->mtime.nseconds);
	assert_int_equal(a->ctime.nseconds, b->ctime.nseconds);
}

/* ---------------------------------------------------------------- round trips */

static void test_getattr3res_round_trips_in_88_octets(void **state)
{
	GETATTR3res in = { .status = NFS3_OK }, out;
	char buf[256];
	u_int n, used;

	(void)state;
	fill_fattr3(&in.GETATTR3res_u.resok.obj_attributes, 77);
	n = encode(XDR_FN(xdr_GETATTR3res), &in, buf, sizeof buf);
	/* fattr3 is 84 octets; the status word makes 88. */
	assert_int_equal(n, 88);
	assert_true(decode_exact(XDR_FN(xdr_GETATTR3res), &out, sizeof out, buf, n, &used));
	assert_int_equal(used, n);
	assert_int_equal(out.status, NFS3_OK);
	assert_fattr3_equal(&out.GETATTR3res_u.resok.obj_attributes,
			    &in.GETATTR3res_u.resok.obj_attributes);
	xdr_free(XDR_FN(xdr_GETATTR3res), &out);
}

static void test_getattr3res_error_carries_only_the_status(void **state)
{
	GETATTR3res in = { .status = NFS3ERR_STALE }, out;
	char buf[16];
	u_int n;

	(void)state;
	n = encode(XDR_FN(xdr_GETATTR3res), &in, buf, sizeof buf);
	assert_int_equal(n, 4);
	assert_true(decode_exact(XDR_FN(xdr_GETATTR3res), &out, sizeof out, buf, n, NULL));
	assert_int_equal(out.status, NFS3ERR_STALE);
	xdr_free(XDR_FN(xdr_GETATTR3res), &out);
}

static void test_lookup3args_round_trips_with_padded_name(void **state)
{
	LOOKUP3args in, out;
	char fh[32], buf[128];
	u_int n;

	(void)state;
	set_fh(&in.what.dir, fh, sizeof fh, 'h');
	in.what.name = "ks.cfg";
	n = encode(XDR_FN(xdr_LOOKUP3args), &in, buf, sizeof buf);
	/* fh: 4 + 32; name: 4 + 6 + 2 pad */
	assert_int_equal(n, 48);
	assert_memory_equal(buf + 36, "\0\0\0\6ks.cfg\0\0", 12);
	assert_true(decode_exact(XDR_FN(xdr_LOOKUP3args), &out, sizeof out, buf, n, NULL));
	assert_int_equal(out.what.dir.data.data_len, 32);
	assert_memory_equal(out.what.dir.data.data_val, fh, 32);
	assert_string_equal(out.what.name, "ks.cfg");
	xdr_free(XDR_FN(xdr_LOOKUP3args), &out);
}

static void test_write3args_round_trips_with_data(void **state)
{
	static char data[] = "hello";
	WRITE3args in, out;
	char fh[8], buf[128];
	u_int n;

	(void)state;
	memset(&in, 0, sizeof in);
	set_fh(&in.file, fh, sizeof fh, 'w');
	in.offset = 0x100000000ULL;
	in.count = 5;
	in.stable = FILE_SYNC;
	in.data.data_len = 5;
	in.data.data_val = data;
	n = encode(XDR_FN(xdr_WRITE3args), &in, buf, sizeof buf);
	/* fh 12, offset 8, count 4, stable 4, data 4 + 5 + 3 pad */
	assert_int_equal(n, 40);
	assert_true(decode_exact(XDR_FN(xdr_WRITE3args), &out, sizeof out, buf, n, NULL));
	assert_int_equal(out.offset, 0x100000000ULL);
	assert_int_equal(out.count, 5);
	assert_int_equal(out.stable, FILE_SYNC);
	assert_int_equal(out.data.data_len, 5);
	assert_memory_equal(out.data.data_val, data, 5);
	xdr_free(XDR_FN(xdr_WRITE3args), &out);
}

static void test_readdirplus3res_round_trips_entry_list(void **state)
{
	static char names[][24] = { ".", "..", "vmlinuz-6.1.0-amd64" };
	entryplus3 e[3];
	char fh[3][64];
	READDIRPLUS3res in, out;
	READDIRPLUS3resok *ok;
	entryplus3 *p;
	char buf[2048];
	u_int n, i;

	(void)state;
	memset(&in, 0, sizeof in);
	memset(e, 0, sizeof e);
	in.status = NFS3_OK;
	ok = &in.READDIRPLUS3res_u.resok;
	ok->dir_attributes.attributes_follow = TRUE;
	fill_fattr3(&ok->dir_attributes.post_op_attr_u.attributes, 2);
	memcpy(ok->cookieverf, "verifier", NFS3_COOKIEVERFSIZE);
	for (i = 0; i < 3; i++) {
		e[i].fileid = 100 + i;
		e[i].name = names[i];
		e[i].cookie = i + 1;
		e[i].name_attributes.attributes_follow = i != 1;
		fill_fattr3(&e[i].name_attributes.post_op_attr_u.attributes, 100 + i);
		e[i].name_handle.handle_follows = TRUE;
		set_fh(&e[i].name_handle.post_op_fh3_u.handle, fh[i], (u_int)sizeof fh[i],
		       (char)('a' + i));
		e[i].nextentry = i < 2 ? &e[i + 1] : NULL;
	}
	ok->reply.entries = &e[0];
	ok->reply.eof = TRUE;

	n = encode(XDR_FN(xdr_READDIRPLUS3res), &in, buf, sizeof buf);
	assert_true(n > 0);
	assert_true(decode_exact(XDR_FN(xdr_READDIRPLUS3res), &out, sizeof out, buf, n, NULL));
	assert_int_equal(out.status, NFS3_OK);
	assert_memory_equal(out.READDIRPLUS3res_u.resok.cookieverf, "verifier", 8);
	assert_true(out.READDIRPLUS3res_u.resok.reply.eof);
	for (i = 0, p = out.READDIRPLUS3res_u.resok.reply.entries; p; p = p->nextentry, i++) {
		assert_true(i < 3);
		assert_int_equal(p->fileid, 100 + i);
		assert_string_equal(p->name, names[i]);
		assert_int_equal(p->cookie, i + 1);
		assert_int_equal(p->name_attributes.attributes_follow, i != 1);
		assert_int_equal(p->name_handle.post_op_fh3_u.handle.data.data_len, 64);
		assert_memory_equal(p->name_handle.post_op_fh3_u.handle.data.data_val, fh[i], 64);
	}
	assert_int_equal(i, 3);
	xdr_free(XDR_FN(xdr_READDIRPLUS3res), &out);
}

/* The server may write a directory list with a loop over the per-field
 * routines (no recursion): RFC 4506 §4.19 optional-data is a bool before each
 * entry and a FALSE after the last, which is what rpcgen's xdr_pointer emits. */
static void test_dirlist3_written_by_loop_matches_rpcgen(void **state)
{
	enum { N = 50 };
	entry3 e[N];
	dirlist3 list;
	char names[N][16], a[4096], b[4096];
	bool_t yes = TRUE, no = FALSE;
	u_int na, i;
	XDR x;

	(void)state;
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "file%u", i);
		e[i].fileid = i + 1000;
		e[i].name = names[i];
		e[i].cookie = i + 1;
		e[i].nextentry = i + 1 < N ? &e[i + 1] : NULL;
	}
	list.entries = &e[0];
	list.eof = FALSE;
	na = encode(XDR_FN(xdr_dirlist3), &list, a, sizeof a);
	assert_true(na > 0);

	xdrmem_create(&x, b, sizeof b, XDR_ENCODE);
	for (i = 0; i < N; i++) {
		assert_true(xdr_bool(&x, &yes));
		assert_true(xdr_fileid3(&x, &e[i].fileid));
		assert_true(xdr_filename3(&x, &e[i].name));
		assert_true(xdr_cookie3(&x, &e[i].cookie));
	}
	assert_true(xdr_bool(&x, &no));
	assert_true(xdr_bool(&x, &list.eof));
	assert_int_equal(xdr_getpos(&x), na);
	xdr_destroy(&x);
	assert_memory_equal(a, b, na);
}

static void test_long_entry3_chain_round_trips_and_frees(void **state)
{
	/* Each entry costs one xdr_entry3 -> xdr_pointer -> xdr_reference
	 * recursion on encode, decode and free (~150 octets of stack). */
	enum { N = 4096 };
	entry3 *e = calloc(N, sizeof *e);
	READDIR3res in, out;
	char *buf = malloc(N * 32 + 256);
	entry3 *p;
	u_int n, i;

	(void)state;
	assert_non_null(e);
	assert_non_null(buf);
	memset(&in, 0, sizeof in);
	in.status = NFS3_OK;
	for (i = 0; i < N; i++) {
		e[i].fileid = i;
		e[i].name = "f";
		e[i].cookie = i + 1;
		e[i].nextentry = i + 1 < N ? &e[i + 1] : NULL;
	}
	in.READDIR3res_u.resok.reply.entries = e;
	in.READDIR3res_u.resok.reply.eof = TRUE;
	n = encode(XDR_FN(xdr_READDIR3res), &in, buf, N * 32 + 256);
	/* value_follows, fileid, a one-octet name padded, cookie: 28 octets */
	assert_int_equal(n, 4 + 4 + 8 + N * 28 + 4 + 4);
	assert_true(decode_exact(XDR_FN(xdr_READDIR3res), &out, sizeof out, buf, n, NULL));
	for (i = 0, p = out.READDIR3res_u.resok.reply.entries; p; p = p->nextentry)
		assert_int_equal(p->fileid, i++);
	assert_int_equal(i, N);
	xdr_free(XDR_FN(xdr_READDIR3res), &out);
	free(buf);
	free(e);
}

static void test_nfs_fh3_of_64_octets_round_trips(void **state)
{
	GETATTR3args in, out;
	char fh[NFS3_FHSIZE], buf[128];
	u_int n;

	(void)state;
	set_fh(&in.object, fh, sizeof fh, 'x');
	n = encode(XDR_FN(xdr_GETATTR3args), &in, buf, sizeof buf);
	assert_int_equal(n, 4 + 64);
	assert_true(decode_exact(XDR_FN(xdr_GETATTR3args), &out, sizeof out, buf, n, NULL));
	assert_int_equal(out.object.data.data_len, 64);
	assert_memory_equal(out.object.data.data_val, fh, 64);
	xdr_free(XDR_FN(xdr_GETATTR3args), &out);
}

static void test_nfs_fh3_of_65_octets_refused(void **state)
{
	GETATTR3args in, out;
	char fh[NFS3_FHSIZE + 1], buf[128];
	struct wire w = { .len = 0 };

	(void)state;
	/* opaque data<NFS3_FHSIZE>: neither side lets 65 pass. */
	set_fh(&in.object, fh, sizeof fh, 'x');
	assert_int_equal(encode(XDR_FN(xdr_GETATTR3args), &in, buf, sizeof buf), 0);
	put_opaque(&w, NFS3_FHSIZE + 1, NFS3_FHSIZE + 1, 'x');
	assert_false(decode_exact(XDR_FN(xdr_GETATTR3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_null(out.object.data.data_val); /* refused before allocating */
	xdr_free(XDR_FN(xdr_GETATTR3args), &out);
}

static void test_filename3_at_limit_round_trips(void **state)
{
	LOOKUP3args in, out;
	char fh[8], *name = malloc(NFS3_NAME_LIMIT + 1), *buf = malloc(NFS3_NAME_LIMIT + 64);
	u_int n;

	(void)state;
	assert_non_null(name);
	assert_non_null(buf);
	memset(name, 'n', NFS3_NAME_LIMIT);
	name[NFS3_NAME_LIMIT] = '\0';
	set_fh(&in.what.dir, fh, sizeof fh, 'd');
	in.what.name = name;
	n = encode(XDR_FN(xdr_LOOKUP3args), &in, buf, NFS3_NAME_LIMIT + 64);
	assert_int_equal(n, 12 + 4 + NFS3_NAME_LIMIT);
	assert_true(decode_exact(XDR_FN(xdr_LOOKUP3args), &out, sizeof out, buf, n, NULL));
	/* Longer than NAME_MAX (255) yet decoded: the server answers
	 * NFS3ERR_NAMETOOLONG (RFC 1813 §3.3.3) instead of GARBAGE_ARGS. */
	assert_int_equal(strlen(out.what.name), NFS3_NAME_LIMIT);
	xdr_free(XDR_FN(xdr_LOOKUP3args), &out);
	free(buf);
	free(name);
}

static void test_filename3_over_limit_refused(void **state)
{
	LOOKUP3args in, out;
	char fh[8], *name = malloc(NFS3_NAME_LIMIT + 2), *buf = malloc(NFS3_NAME_LIMIT + 64);
	struct wire w = { .len = 0 };

	(void)state;
	assert_non_null(name);
	assert_non_null(buf);
	memset(name, 'n', NFS3_NAME_LIMIT + 1);
	name[NFS3_NAME_LIMIT + 1] = '\0';
	set_fh(&in.what.dir, fh, sizeof fh, 'd');
	in.what.name = name;
	assert_int_equal(encode(XDR_FN(xdr_LOOKUP3args), &in, buf, NFS3_NAME_LIMIT + 64), 0);

	/* A claimed length of 4 GiB - 1 is refused before anything is allocated. */
	put_opaque(&w, 8, 8, 'd');
	put_opaque(&w, 0xffffffffu, 16, 'n');
	assert_false(decode_exact(XDR_FN(xdr_LOOKUP3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_null(out.what.name);
	xdr_free(XDR_FN(xdr_LOOKUP3args), &out);
	free(buf);
	free(name);
}

static void test_mountres3_round_trips_with_auth_flavors(void **state)
{
	int flavors[] = { AUTH_UNIX, AUTH_NONE };
	char fh[40], buf[128];
	mountres3 in, out;
	mountres3_ok *ok;
	u_int n;

	(void)state;
	memset(&in, 0, sizeof in);
	in.fhs_status = MNT3_OK;
	ok = &in.mountres3_u.mountinfo;
	memset(fh, 'm', sizeof fh);
	ok->fhandle.fhandle3_len = sizeof fh;
	ok->fhandle.fhandle3_val = fh;
	ok->auth_flavors.auth_flavors_len = 2;
	ok->auth_flavors.auth_flavors_val = flavors;
	n = encode(XDR_FN(xdr_mountres3), &in, buf, sizeof buf);
	assert_int_equal(n, 4 + 4 + 40 + 4 + 8);
	assert_true(decode_exact(XDR_FN(xdr_mountres3), &out, sizeof out, buf, n, NULL));
	ok = &out.mountres3_u.mountinfo;
	assert_int_equal(out.fhs_status, MNT3_OK);
	assert_int_equal(ok->fhandle.fhandle3_len, 40);
	assert_memory_equal(ok->fhandle.fhandle3_val, fh, 40);
	assert_int_equal(ok->auth_flavors.auth_flavors_len, 2);
	assert_int_equal(ok->auth_flavors.auth_flavors_val[0], AUTH_UNIX);
	assert_int_equal(ok->auth_flavors.auth_flavors_val[1], AUTH_NONE);
	xdr_free(XDR_FN(xdr_mountres3), &out);
}

static void test_mountres3_refusal_carries_only_the_status(void **state)
{
	mountres3 in = { .fhs_status = MNT3ERR_ACCES }, out;
	char buf[16];

	(void)state;
	assert_int_equal(encode(XDR_FN(xdr_mountres3), &in, buf, sizeof buf), 4);
	assert_memory_equal(buf, "\0\0\0\15", 4);
	assert_true(decode_exact(XDR_FN(xdr_mountres3), &out, sizeof out, buf, 4, NULL));
	assert_int_equal(out.fhs_status, MNT3ERR_ACCES);
	xdr_free(XDR_FN(xdr_mountres3), &out);
}

static void test_exports_round_trip_with_groups(void **state)
{
	struct groupnode g2 = { .gr_name = "10.0.0.0/24", .gr_next = NULL };
	struct groupnode g1 = { .gr_name = "*.lab", .gr_next = &g2 };
	struct exportnode e2 = { .ex_dir = "/srv/root", .ex_groups = NULL, .ex_next = NULL };
	struct exportnode e1 = { .ex_dir = "/tftpboot", .ex_groups = &g1, .ex_next = &e2 };
	exports3 in = &e1, out;
	char buf[256];
	u_int n;

	(void)state;
	n = encode(XDR_FN(xdr_exports3), &in, buf, sizeof buf);
	assert_true(n > 0);
	assert_true(decode_exact(XDR_FN(xdr_exports3), &out, sizeof out, buf, n, NULL));
	assert_non_null(out);
	assert_string_equal(out->ex_dir, "/tftpboot");
	assert_string_equal(out->ex_groups->gr_name, "*.lab");
	assert_string_equal(out->ex_groups->gr_next->gr_name, "10.0.0.0/24");
	assert_null(out->ex_groups->gr_next->gr_next);
	assert_string_equal(out->ex_next->ex_dir, "/srv/root");
	assert_null(out->ex_next->ex_groups);
	assert_null(out->ex_next->ex_next);
	xdr_free(XDR_FN(xdr_exports3), &out);
}

static void test_empty_exports_is_one_false_word(void **state)
{
	exports3 in = NULL, out;
	char buf[8];

	(void)state;
	assert_int_equal(encode(XDR_FN(xdr_exports3), &in, buf, sizeof buf), 4);
	assert_true(decode_exact(XDR_FN(xdr_exports3), &out, sizeof out, buf, 4, NULL));
	assert_null(out);
}

static void test_dirpath3_over_mntpathlen_refused(void **state)
{
	struct wire w = { .len = 0 };
	dirpath3 out;

	(void)state;
	put_opaque(&w, MNTPATHLEN, MNTPATHLEN, 'p');
	assert_true(decode_exact(XDR_FN(xdr_dirpath3), &out, sizeof out, w.buf, w.len, NULL));
	assert_int_equal(strlen(out), MNTPATHLEN);
	xdr_free(XDR_FN(xdr_dirpath3), &out);

	w.len = 0;
	put_opaque(&w, MNTPATHLEN + 1, MNTPATHLEN + 1, 'p');
	assert_false(decode_exact(XDR_FN(xdr_dirpath3), &out, sizeof out, w.buf, w.len, NULL));
	assert_null(out);
	xdr_free(XDR_FN(xdr_dirpath3), &out);
}

/* ---------------------------------------------------------------- hostile */

/* One encoded instance of every argument type a server decodes. */
struct args_case {
	const char *name;
	xdrproc_t fn;
	size_t size;
	char wire[512];
	u_int len;
};

/* Room for any argument this file decodes: the dispatcher's union of the
 * NFS v3 ones, and MOUNT's dirpath3. */
union any_args {
	union nfs3_args nfs;
	dirpath3 mnt;
};

static char fh_a[28], fh_b[64];

static void every_attr_set(sattr3 *s)
{
	s->mode.set_it = TRUE;
	s->mode.set_mode3_u.mode = 0755;
	s->uid.set_it = TRUE;
	s->uid.set_uid3_u.uid = 1;
	s->gid.set_it = TRUE;
	s->gid.set_gid3_u.gid = 2;
	s->size.set_it = TRUE;
	s->size.set_size3_u.size = 3;
	s->atime.set_it = SET_TO_CLIENT_TIME;
	s->atime.set_atime_u.atime.seconds = 4;
	s->mtime.set_it = SET_TO_SERVER_TIME;
}

static void dirop(diropargs3 *d, char *fh, u_int len, char *name)
{
	set_fh(&d->dir, fh, len, 'd');
	d->name = name;
}

static void add_case(struct args_case *c, size_t *n, const char *name, xdrproc_t fn, size_t size,
		     void *obj)
{
	struct args_case *k = &c[(*n)++];

	k->name = name;
	k->fn = fn;
	k->size = size;
	k->len = encode(fn, obj, k->wire, sizeof k->wire);
	assert_true(k->len > 0);
}

#define ADD(type, obj) add_case(cases, &n, #type, XDR_FN(xdr_##type), sizeof(type), &(obj))

/* Builds the 21 NFS v3 argument types (NULL has none) and MNT's dirpath3. */
static size_t build_args_cases(struct args_case *cases)
{
	static char data[100], link_target[] = "../boot/vmlinuz", nm[] = "initrd.img",
			       nm2[] = "initrd.old";
	union any_args a;
	size_t n = 0;

	memset(data, 'D', sizeof data);
	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.getattr.object, fh_a, sizeof fh_a, 'a');
	ADD(GETATTR3args, a.nfs.getattr);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.setattr.object, fh_b, sizeof fh_b, 'b');
	every_attr_set(&a.nfs.setattr.new_attributes);
	a.nfs.setattr.guard.check = TRUE;
	a.nfs.setattr.guard.sattrguard3_u.obj_ctime.seconds = 9;
	ADD(SETATTR3args, a.nfs.setattr);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.lookup.what, fh_a, sizeof fh_a, nm);
	ADD(LOOKUP3args, a.nfs.lookup);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.access.object, fh_a, sizeof fh_a, 'a');
	a.nfs.access.access = ACCESS3_READ | ACCESS3_LOOKUP | ACCESS3_EXECUTE;
	ADD(ACCESS3args, a.nfs.access);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.readlink.symlink, fh_a, sizeof fh_a, 'a');
	ADD(READLINK3args, a.nfs.readlink);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.read.file, fh_b, sizeof fh_b, 'b');
	a.nfs.read.offset = 1 << 20;
	a.nfs.read.count = 1 << 20;
	ADD(READ3args, a.nfs.read);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.write.file, fh_a, sizeof fh_a, 'a');
	a.nfs.write.count = sizeof data;
	a.nfs.write.stable = UNSTABLE;
	a.nfs.write.data.data_len = sizeof data;
	a.nfs.write.data.data_val = data;
	ADD(WRITE3args, a.nfs.write);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.create.where, fh_a, sizeof fh_a, nm);
	a.nfs.create.how.mode = GUARDED;
	every_attr_set(&a.nfs.create.how.createhow3_u.obj_attributes);
	ADD(CREATE3args, a.nfs.create);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.mkdir.where, fh_a, sizeof fh_a, nm);
	every_attr_set(&a.nfs.mkdir.attributes);
	ADD(MKDIR3args, a.nfs.mkdir);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.symlink.where, fh_a, sizeof fh_a, nm);
	a.nfs.symlink.symlink.symlink_data = link_target;
	ADD(SYMLINK3args, a.nfs.symlink);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.mknod.where, fh_a, sizeof fh_a, nm);
	a.nfs.mknod.what.type = NF3CHR;
	every_attr_set(&a.nfs.mknod.what.mknoddata3_u.device.dev_attributes);
	a.nfs.mknod.what.mknoddata3_u.device.spec.specdata1 = 1;
	a.nfs.mknod.what.mknoddata3_u.device.spec.specdata2 = 3;
	ADD(MKNOD3args, a.nfs.mknod);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.remove.object, fh_a, sizeof fh_a, nm);
	ADD(REMOVE3args, a.nfs.remove);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.rmdir.object, fh_a, sizeof fh_a, nm);
	ADD(RMDIR3args, a.nfs.rmdir);

	memset(&a, 0, sizeof a);
	dirop(&a.nfs.rename.from, fh_a, sizeof fh_a, nm);
	dirop(&a.nfs.rename.to, fh_b, sizeof fh_b, nm2);
	ADD(RENAME3args, a.nfs.rename);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.link.file, fh_b, sizeof fh_b, 'b');
	dirop(&a.nfs.link.link, fh_a, sizeof fh_a, nm2);
	ADD(LINK3args, a.nfs.link);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.readdir.dir, fh_a, sizeof fh_a, 'a');
	a.nfs.readdir.cookie = 7;
	memcpy(a.nfs.readdir.cookieverf, "cookieve", NFS3_COOKIEVERFSIZE);
	a.nfs.readdir.count = 4096;
	ADD(READDIR3args, a.nfs.readdir);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.readdirplus.dir, fh_a, sizeof fh_a, 'a');
	a.nfs.readdirplus.dircount = 4096;
	a.nfs.readdirplus.maxcount = 32768;
	ADD(READDIRPLUS3args, a.nfs.readdirplus);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.fsstat.fsroot, fh_a, sizeof fh_a, 'a');
	ADD(FSSTAT3args, a.nfs.fsstat);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.fsinfo.fsroot, fh_a, sizeof fh_a, 'a');
	ADD(FSINFO3args, a.nfs.fsinfo);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.pathconf.object, fh_a, sizeof fh_a, 'a');
	ADD(PATHCONF3args, a.nfs.pathconf);

	memset(&a, 0, sizeof a);
	set_fh(&a.nfs.commit.file, fh_a, sizeof fh_a, 'a');
	a.nfs.commit.count = 0;
	ADD(COMMIT3args, a.nfs.commit);

	a.mnt = "/srv/install/debian";
	ADD(dirpath3, a.mnt);
	return n;
}

static void test_every_args_decoder_round_trips_its_own_encoding(void **state)
{
	struct args_case cases[24];
	size_t n = build_args_cases(cases), i;
	union any_args out;
	u_int used;

	(void)state;
	assert_int_equal(n, 22);
	for (i = 0; i < n; i++) {
		assert_true(decode_exact(cases[i].fn, &out, cases[i].size, cases[i].wire,
					 cases[i].len, &used));
		assert_int_equal(used, cases[i].len);
		xdr_free(cases[i].fn, &out);
	}
}

static void test_truncated_args_fail_at_every_length(void **state)
{
	struct args_case cases[24];
	size_t n = build_args_cases(cases), i;
	union any_args out;
	u_int len;

	(void)state;
	for (i = 0; i < n; i++)
		for (len = 0; len < cases[i].len; len++) {
			if (decode_exact(cases[i].fn, &out, cases[i].size, cases[i].wire, len, NULL)) {
				print_error("%s decoded from %u of %u octets\n", cases[i].name, len,
					    cases[i].len);
				fail();
			}
			xdr_free(cases[i].fn, &out);
		}
}

/* Seeded xorshift32: the same hostile inputs on every run. */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_args_decoders_survive_mutated_and_random_input(void **state)
{
	struct args_case cases[24];
	size_t n = build_args_cases(cases), i;
	union any_args out;
	char wire[512];
	uint32_t seed = 0x6e667333;
	unsigned round, k;

	(void)state;
	for (round = 0; round < 2000; round++) {
		for (i = 0; i < n; i++) {
			u_int len = cases[i].len;

			memcpy(wire, cases[i].wire, len);
			/* Flip a few words, often a length, sometimes to a huge value. */
			for (k = 0; k < 1 + rng_next(&seed) % 3; k++) {
				u_int at = (rng_next(&seed) % ((len + 3) / 4)) * 4;
				uint32_t v = rng_next(&seed);

				if (v & 1)
					v = 0xffffffffu - (v % 8);
				else if (v & 2)
					v %= 2 * NFS3_NAME_LIMIT;
				if (at + 4 <= len) {
					wire[at] = (char)(v >> 24);
					wire[at + 1] = (char)(v >> 16);
					wire[at + 2] = (char)(v >> 8);
					wire[at + 3] = (char)v;
				}
			}
			if (rng_next(&seed) % 4 == 0)
				len = rng_next(&seed) % (len + 1);
			/* Success or failure both fine: no crash, overread or leak. */
			(void)decode_exact(cases[i].fn, &out, cases[i].size, wire, len, NULL);
			xdr_free(cases[i].fn, &out);

			for (k = 0; k < sizeof wire; k++)
				wire[k] = (char)rng_next(&seed);
			len = rng_next(&seed) % sizeof wire;
			(void)decode_exact(cases[i].fn, &out, cases[i].size, wire, len, NULL);
			xdr_free(cases[i].fn, &out);
		}
	}
}

static void test_write_data_over_limit_refused_before_allocation(void **state)
{
	static const uint32_t lengths[] = { NFS3_DATA_LIMIT + 1, 0x7fffffffu, 0xfffffffcu,
					    0xffffffffu };
	WRITE3args out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		struct wire w = { .len = 0 };

		put_opaque(&w, 8, 8, 'f');
		put_u64(&w, 0);
		put_u32(&w, lengths[i]);
		put_u32(&w, UNSTABLE);
		put_opaque(&w, lengths[i], 64, 'D');
		assert_false(decode_exact(XDR_FN(xdr_WRITE3args), &out, sizeof out, w.buf, w.len,
					  NULL));
		assert_null(out.data.data_val);
		xdr_free(XDR_FN(xdr_WRITE3args), &out);
	}
}

static void test_write_data_at_limit_decodes_and_one_more_is_refused(void **state)
{
	/* Every octet present, so only the bound can refuse the longer one. */
	u_int hdr = 4 + 8 + 8 + 4 + 4 + 4, cap = hdr + NFS3_DATA_LIMIT + 4;
	char *wire = calloc(1, cap);
	struct wire w = { .len = 0 };
	WRITE3args out;
	u_int extra;

	(void)state;
	assert_non_null(wire);
	for (extra = 0; extra < 2; extra++) {
		u_int len = NFS3_DATA_LIMIT + extra;

		w.len = 0;
		put_opaque(&w, 8, 8, 'f');
		put_u64(&w, 0);
		put_u32(&w, len);
		put_u32(&w, UNSTABLE);
		put_u32(&w, len);
		assert_int_equal(w.len, hdr);
		memcpy(wire, w.buf, hdr);
		memset(wire + hdr, 'D', len);
		assert_int_equal(decode_exact(XDR_FN(xdr_WRITE3args), &out, sizeof out, wire,
					      hdr + ((len + 3) & ~3u), NULL),
				 extra == 0);
		if (extra == 0)
			assert_int_equal(out.data.data_len, NFS3_DATA_LIMIT);
		xdr_free(XDR_FN(xdr_WRITE3args), &out);
	}
	free(wire);
}

static void test_write_data_longer_than_the_buffer_refused_and_freed(void **state)
{
	/* Within the limit, so xdr_bytes allocates the claimed length before it
	 * finds the bytes missing: the bound caps that at NFS3_DATA_LIMIT.
	 * libtirpc 1.3 frees it on the way out, older ones leave it to xdr_free;
	 * either way ASan reports a leak if it stays. */
	static const uint32_t lengths[] = { 65, 4096, NFS3_DATA_LIMIT };
	WRITE3args out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		struct wire w = { .len = 0 };

		put_opaque(&w, 8, 8, 'f');
		put_u64(&w, 0);
		put_u32(&w, lengths[i]);
		put_u32(&w, FILE_SYNC);
		put_opaque(&w, lengths[i], 60, 'D');
		assert_false(decode_exact(XDR_FN(xdr_WRITE3args), &out, sizeof out, w.buf, w.len,
					  NULL));
		xdr_free(XDR_FN(xdr_WRITE3args), &out);
		assert_null(out.data.data_val);
	}
}

static void test_read_with_huge_count_decodes(void **state)
{
	/* READ3args holds no data, only a count: XDR accepts any count, and the
	 * server clamps it to rtmax (RFC 1813 §3.3.6 lets it return less). */
	struct wire w = { .len = 0 };
	READ3args out;

	(void)state;
	put_opaque(&w, 16, 16, 'f');
	put_u64(&w, UINT64_MAX);
	put_u32(&w, 0xffffffffu);
	assert_true(decode_exact(XDR_FN(xdr_READ3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_int_equal(out.count, 0xffffffffu);
	assert_int_equal(out.offset, UINT64_MAX);
	xdr_free(XDR_FN(xdr_READ3args), &out);
}

static void test_readdir_args_read_fixed_size_whatever_follows(void **state)
{
	/* Arguments hold no lists: a READDIR call followed by what looks like a
	 * million-entry chain is decoded in a fixed number of octets. */
	struct wire w = { .len = 0 };
	READDIR3args rd;
	READDIRPLUS3args rdp;
	u_int used, i;

	(void)state;
	put_opaque(&w, 32, 32, 'f');
	put_u64(&w, 0);
	put_u64(&w, 0);
	put_u32(&w, 1 << 20);
	put_u32(&w, 1 << 20);
	while (w.len + 4 <= sizeof w.buf)
		put_u32(&w, 1); /* value_follows = TRUE, forever */
	assert_true(decode_exact(XDR_FN(xdr_READDIR3args), &rd, sizeof rd, w.buf, w.len, &used));
	assert_int_equal(used, 36 + 8 + 8 + 4);
	xdr_free(XDR_FN(xdr_READDIR3args), &rd);
	assert_true(decode_exact(XDR_FN(xdr_READDIRPLUS3args), &rdp, sizeof rdp, w.buf, w.len,
				 &used));
	assert_int_equal(used, 36 + 8 + 8 + 4 + 4);
	for (i = 0; i < NFS3_COOKIEVERFSIZE; i++)
		assert_int_equal(rdp.cookieverf[i], 0);
	assert_int_equal(rdp.maxcount, 1 << 20);
	xdr_free(XDR_FN(xdr_READDIRPLUS3args), &rdp);
}

static void test_hostile_reply_chain_cut_short_frees_what_was_built(void **state)
{
	/* Replies are the client's side, but the free path is shared: an entry
	 * chain that ends mid-entry leaves a partial list for xdr_free. */
	struct wire w = { .len = 0 };
	READDIR3res out;
	u_int i;

	(void)state;
	put_u32(&w, NFS3_OK);
	put_u32(&w, FALSE);
	put_u64(&w, 0);
	for (i = 0; i < 100; i++) {
		put_u32(&w, TRUE);
		put_u64(&w, i);
		put_opaque(&w, 5, 5, 'e');
		put_u64(&w, i + 1);
	}
	put_u32(&w, TRUE);
	put_u64(&w, 100);
	put_u32(&w, 200); /* a name of 200 octets, 0 of which follow */
	assert_false(decode_exact(XDR_FN(xdr_READDIR3res), &out, sizeof out, w.buf, w.len, NULL));
	assert_non_null(out.READDIR3res_u.resok.reply.entries);
	xdr_free(XDR_FN(xdr_READDIR3res), &out);
	assert_null(out.READDIR3res_u.resok.reply.entries);
}

static void test_union_arm_outside_the_rfc_refused(void **state)
{
	/* createhow3 has no default arm, so an unknown mode fails decoding after
	 * the name was allocated: the free must still reach it. */
	struct wire w = { .len = 0 };
	CREATE3args out;

	(void)state;
	put_opaque(&w, 8, 8, 'f');
	put_opaque(&w, 6, 6, 'n');
	put_u32(&w, 3);
	assert_false(decode_exact(XDR_FN(xdr_CREATE3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_string_equal(out.where.name, "nnnnnn");
	xdr_free(XDR_FN(xdr_CREATE3args), &out);
	assert_null(out.where.name);
}

static void test_enums_are_not_range_checked(void **state)
{
	/* xdr_enum takes any value: the server checks stable_how, time_how and
	 * ftype3 itself (NFS3ERR_INVAL, NFS3ERR_BADTYPE). */
	struct wire w = { .len = 0 };
	WRITE3args out;

	(void)state;
	put_opaque(&w, 8, 8, 'f');
	put_u64(&w, 0);
	put_u32(&w, 0);
	put_u32(&w, 7);
	put_u32(&w, 0);
	assert_true(decode_exact(XDR_FN(xdr_WRITE3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_int_equal(out.stable, 7);
	xdr_free(XDR_FN(xdr_WRITE3args), &out);
}

static void test_name_with_embedded_nul_reads_as_its_prefix(void **state)
{
	/* filename3 is an XDR string: the C string stops at the first NUL, so
	 * "a\0/etc" reaches the server as "a".  Names still need the server's
	 * check for '/' and for "" (RFC 1813 §3.2). */
	struct wire w = { .len = 0 };
	LOOKUP3args out;

	(void)state;
	put_opaque(&w, 8, 8, 'f');
	put_u32(&w, 6);
	memcpy(w.buf + w.len, "a\0/etc\0\0", 8);
	w.len += 8;
	assert_true(decode_exact(XDR_FN(xdr_LOOKUP3args), &out, sizeof out, w.buf, w.len, NULL));
	assert_string_equal(out.what.name, "a");
	xdr_free(XDR_FN(xdr_LOOKUP3args), &out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getattr3res_round_trips_in_88_octets),
		cmocka_unit_test(test_getattr3res_error_carries_only_the_status),
		cmocka_unit_test(test_lookup3args_round_trips_with_padded_name),
		cmocka_unit_test(test_write3args_round_trips_with_data),
		cmocka_unit_test(test_readdirplus3res_round_trips_entry_list),
		cmocka_unit_test(test_dirlist3_written_by_loop_matches_rpcgen),
		cmocka_unit_test(test_long_entry3_chain_round_trips_and_frees),
		cmocka_unit_test(test_nfs_fh3_of_64_octets_round_trips),
		cmocka_unit_test(test_nfs_fh3_of_65_octets_refused),
		cmocka_unit_test(test_filename3_at_limit_round_trips),
		cmocka_unit_test(test_filename3_over_limit_refused),
		cmocka_unit_test(test_mountres3_round_trips_with_auth_flavors),
		cmocka_unit_test(test_mountres3_refusal_carries_only_the_status),
		cmocka_unit_test(test_exports_round_trip_with_groups),
		cmocka_unit_test(test_empty_exports_is_one_false_word),
		cmocka_unit_test(test_dirpath3_over_mntpathlen_refused),
		cmocka_unit_test(test_every_args_decoder_round_trips_its_own_encoding),
		cmocka_unit_test(test_truncated_args_fail_at_every_length),
		cmocka_unit_test(test_args_decoders_survive_mutated_and_random_input),
		cmocka_unit_test(test_write_data_over_limit_refused_before_allocation),
		cmocka_unit_test(test_write_data_at_limit_decodes_and_one_more_is_refused),
		cmocka_unit_test(test_write_data_longer_than_the_buffer_refused_and_freed),
		cmocka_unit_test(test_read_with_huge_count_decodes),
		cmocka_unit_test(test_readdir_args_read_fixed_size_whatever_follows),
		cmocka_unit_test(test_hostile_reply_chain_cut_short_frees_what_was_built),
		cmocka_unit_test(test_union_arm_outside_the_rfc_refused),
		cmocka_unit_test(test_enums_are_not_range_checked),
		cmocka_unit_test(test_name_with_embedded_nul_reads_as_its_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
