/* One client of an NFS export as exports(5) lines and [export] sections write
 * it — a host pattern and an option list — and the rules for export paths:
 * pure functions, shared by the config check and pxe-nfsd. */
#ifndef PXE_EXPORT_SPEC_H
#define PXE_EXPORT_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* RFC 1813 §5.0: MOUNT's dirpath is at most MNTPATHLEN bytes. */
#define EXPORT_PATH_MAX 1024
/* A host pattern: a DNS name is at most 253 characters (RFC 1035 §2.3.4). */
#define EXPORT_HOST_MAX 255
/* Room for what export_opts_str() writes, NUL included. */
#define EXPORT_OPTS_STRLEN 256
/* exports(5): squashed requests run as 65534 unless anonuid/anongid say. */
#define EXPORT_ANON_ID 65534u

/* exports(5) "Machine Name Formats".  A client that several specs of one
 * export match gets the first in the order of export_host_rank(): single
 * host, then network, then wildcard, then anonymous; within one rank, the
 * first written. */
enum export_host_kind {
	EXPORT_HOST_ADDR,	/* one address: 192.0.2.7, 2001:db8::7 */
	EXPORT_HOST_NAME,	/* one host name, compared with the client's name */
	EXPORT_HOST_NET,	/* 10.0.0.0/8, 10.0.0.0/255.0.0.0, 2001:db8::/32 */
	EXPORT_HOST_WILDCARD,	/* *.lab.example, pc?.lab, pc[0-9].lab */
	EXPORT_HOST_ANY,	/* "*" */
};

struct export_host {
	int kind;			/* enum export_host_kind */
	struct cidr net;		/* ADDR (a full-length prefix) and NET */
	char name[EXPORT_HOST_MAX + 1];	/* NAME and WILDCARD, in lower case */
};

/* The flavours an export takes, from sec=. */
enum {
	EXPORT_SEC_SYS = 1,		/* AUTH_SYS, the default */
	EXPORT_SEC_NONE = 2,		/* AUTH_NONE */
};

/* fsid=: a number (0 is the NFSv4 root, also written fsid=root), a UUID, or
 * both, as exports(5) allows for old and new kernels alike. */
struct export_fsid {
	bool has_num;
	uint32_t num;
	bool has_uuid;
	uint8_t uuid[16];
};

struct export_opts {
	bool rw;			/* false: ro */
	bool async;			/* false: sync */
	bool root_squash;		/* uid/gid 0 become anonuid/anongid */
	bool all_squash;		/* every uid/gid does */
	bool secure;			/* requests from ports below 1024 only */
	bool crossmnt;			/* clients may cross into filesystems mounted below */
	uint32_t anonuid, anongid;
	unsigned sec;			/* EXPORT_SEC_* */
	struct export_fsid fsid;
};

/* "*", a host name, an address, ADDR/PREFIX, IPV4/NETMASK (host bits are
 * cleared, as mountd does) or a name with wildcards * ? [...].  0, or
 * -EINVAL with a reason in err; "@netgroup" is refused: not supported. */
int export_host_parse(const char *s, struct export_host *out, char *err, size_t errlen);
/* Whether the client at ip (NULL: none known) named hostname (NULL: no
 * name known) is one the pattern means.  Names and wildcards match only a
 * hostname, which the caller has resolved and verified (its address maps
 * back to ip); nothing here looks anything up. */
bool export_host_match(const struct export_host *h, const struct ip_addr *ip,
		       const char *hostname);
/* Precedence: lower wins (exports(5)). */
unsigned export_host_rank(const struct export_host *h);
bool export_host_equal(const struct export_host *a, const struct export_host *b);
/* The pattern as exports(5) writes it; buf has EXPORT_HOST_MAX + 1 bytes. */
const char *export_host_str(const struct export_host *h, char *buf);

/* exports(5) defaults: ro, sync, root_squash, no_all_squash, secure,
 * nocrossmnt, anonuid=anongid=65534, sec=sys, no fsid. */
void export_opts_init(struct export_opts *o);
/* A comma-separated option list ("rw,no_root_squash") applied on top of *o.
 * An option that contradicts one before it in the same list (ro,rw) is an
 * error.  0, or -EINVAL with a reason in err and *o unchanged. */
int export_opts_parse(const char *list, struct export_opts *o, char *err, size_t errlen);
/* The name of the i-th option export_opts_parse() takes ("ro", "anonuid"),
 * or NULL past the last: what pxe-nfsd(8) must document. */
const char *export_opts_name(size_t i);
/* Every setting of o as an option list that parses back to o; buf has
 * EXPORT_OPTS_STRLEN bytes. */
const char *export_opts_str(const struct export_opts *o, char *buf);

/* An absolute path in its one written form: "//" and "/./" collapsed, no
 * trailing '/', no control character, at most EXPORT_PATH_MAX bytes; ".."
 * is refused (only the filesystem knows where it leads).  0, or -EINVAL
 * with a reason in err. */
int export_path_normalize(const char *in, char *out, size_t outsz, char *err, size_t errlen);
/* Whether path is already in that form. */
bool export_path_is_normal(const char *path);

#endif
