/* Fuzz target for pxe-nfsd's NFS v3 argument decoders (rpcgen's xdr_*3args
 * from nfsd/proto/nfs3_prot.x, which the dispatcher's svc_getargs runs on
 * every call): the first byte picks the procedure, the rest is its
 * arguments as sent.  What decodes must encode again, and decode from that
 * to the same encoding; xdr_free then frees everything decoding allocated
 * (LeakSanitizer checks).
 * The seeds in corpus/fuzz_nfs3_args/ are calls of nfs-cp, nfs-cat, nfs-ls,
 * libnfs-op and the tests' raw client, recorded on the wire. */
#include <config.h>

#include <rpc/rpc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfs3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int decode(xdrproc_t proc, char *buf, size_t len, union nfs3_args *a)
{
	XDR x;
	int ok;

	/* zeroed, as the dispatcher does: decoding then allocates */
	memset(a, 0, sizeof *a);
	xdrmem_create(&x, buf, (u_int)len, XDR_DECODE);
	ok = proc(&x, a);
	xdr_destroy(&x);
	return ok;
}

static size_t encode(xdrproc_t proc, union nfs3_args *a, char *buf, size_t cap)
{
	size_t len;
	XDR x;

	xdrmem_create(&x, buf, (u_int)cap, XDR_ENCODE);
	check(proc(&x, a));
	len = xdr_getpos(&x);
	xdr_destroy(&x);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union nfs3_args a, b;
	xdrproc_t proc;
	size_t cap, n1, n2;
	char *in, *e1, *e2;
	int ok;

	if (size < 1 || size > (2u << 20) || !(proc = nfs3_args_xdr(data[0])))
		return 0;
	/* a copy of exactly the arguments: a read past them is caught */
	in = malloc(size - 1 ? size - 1 : 1);
	check(in != NULL);
	memcpy(in, data + 1, size - 1);
	ok = decode(proc, in, size - 1, &a);
	free(in);
	if (!ok) {
		xdr_free(proc, (char *)&a);
		return 0;
	}
	/* an encoding is never longer than the bytes it was decoded from
	 * (a string cut at a NUL is shorter, a bool other than 0 or 1 the
	 * same length) */
	cap = size;
	e1 = malloc(cap);
	e2 = malloc(cap);
	check(e1 && e2);
	n1 = encode(proc, &a, e1, cap);
	check(decode(proc, e1, n1, &b));
	n2 = encode(proc, &b, e2, cap);
	check(n1 == n2 && memcmp(e1, e2, n1) == 0);
	xdr_free(proc, (char *)&a);
	xdr_free(proc, (char *)&b);
	free(e1);
	free(e2);
	return 0;
}
