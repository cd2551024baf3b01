/* NFS v3 READDIR and READDIRPLUS (RFC 1813 §3.3.16, §3.3.17).
 *
 * Cookies are the directory stream's own positions: the d_off getdents64(2)
 * gives each entry, which lseek(2) takes back.  ext4, xfs, btrfs and tmpfs
 * keep those stable while entries come and go (hash or index positions,
 * not byte offsets), so a client listing a changing directory resumes where
 * it was, and nothing is held in memory between calls.
 *
 * The cookie verifier is derived from the directory's handle, which names
 * its inode number and generation: it stays the same while the directory
 * changes and across restarts, and differs for another directory (or the
 * same inode number reused).  A non-zero verifier that is not this
 * directory's, or a cookie the filesystem refuses, is NFS3ERR_BAD_COOKIE. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fh_cache.h"
#include "nfs3.h"

/* Entries in one reply: the client's count bounds it first; this bounds
 * the memory a reply takes whatever count says. */
#define DIR_ENTRIES_MAX 4096
#define GETDENTS_BUF (32 * 1024)

/* RFC 1813 §2.5/§2.6 sizes on the wire, for the count and maxcount budget. */
#define XDR_PAD(n) (((n) + 3u) & ~3u)
#define FATTR3_SIZE 84u
#define POST_OP_ATTR_SIZE (4u + FATTR3_SIZE)
/* resok without entries: dir_attributes, cookieverf, the list's end, eof */
#define RESOK_FIXED (POST_OP_ATTR_SIZE + NFS3_COOKIEVERFSIZE + 4u + 4u)

/* ---------------------------------------------------------------- encoding */

static bool_t encode_entry(XDR *x, struct nfs3_dirent *e, bool plus)
{
	bool_t more = TRUE;

	if (!xdr_bool(x, &more) || !xdr_fileid3(x, &e->fileid) ||
	    !xdr_filename3(x, &e->name) || !xdr_cookie3(x, &e->cookie))
		return FALSE;
	return !plus || (xdr_post_op_attr(x, &e->attr) && xdr_post_op_fh3(x, &e->fh));
}

/* READDIR3res or READDIRPLUS3res, with the entry list as a loop: rpcgen's
 * xdr_entry3 would recurse once per entry. */
bool_t nfs3_xdr_dir_reply(XDR *x, struct nfs3_dir_reply *r)
{
	bool_t more = FALSE, eof = r->eof;

	if (x->x_op != XDR_ENCODE)
		return FALSE;		/* replies only: the server never decodes one */
	if (!xdr_nfsstat3(x, &r->status) || !xdr_post_op_attr(x, &r->dir_attributes))
		return FALSE;
	if (r->status != NFS3_OK)
		return TRUE;
	if (!xdr_opaque(x, r->cookieverf, NFS3_COOKIEVERFSIZE))
		return FALSE;
	for (unsigned i = 0; i < r->count; i++)
		if (!encode_entry(x, &r->entries[i], r->plus))
			return FALSE;
	return xdr_bool(x, &more) && xdr_bool(x, &eof);
}

/* ---------------------------------------------------------------- the listing */

struct listing {
	struct nfs3_call *c;
	struct nfs3_dir_reply *r;
	int fd;
	struct statx dir;
	bool at_root;			/* the directory is the export's root */
	uint32_t dirbudget;		/* what dircount allows (READDIR: count) */
	uint32_t budget;		/* what count/maxcount allows */
};

/* Memory reused by every call: entries and the names they point to. */
static struct nfs3_dirent *entries;
static char *names;
static size_t names_cap;

static int reserve(uint32_t budget)
{
	size_t want = budget + (size_t)DIR_ENTRIES_MAX * 4;	/* NULs and padding */
	char *n;

	if (!entries) {
		entries = calloc(DIR_ENTRIES_MAX, sizeof *entries);
		if (!entries)
			return -ENOMEM;
	}
	if (names_cap < want) {
		n = realloc(names, want);
		if (!n)
			return -ENOMEM;
		names = n;
		names_cap = want;
	}
	return 0;
}

static void verifier(const nfs_fh3 *fh, char out[NFS3_COOKIEVERFSIZE])
{
	/* FNV-1a 64: a fixed function, so the verifier survives a restart */
	uint64_t h = 14695981039346656037ull;

	for (u_int i = 0; i < fh->data.data_len; i++)
		h = (h ^ (unsigned char)fh->data.data_val[i]) * 1099511628211ull;
	h |= 1;				/* never the "no verifier yet" 0 */
	for (int i = 0; i < NFS3_COOKIEVERFSIZE; i++)
		out[i] = (char)(h >> (56 - 8 * i));
}

static bool verifier_ok(const char *sent, const char *ours, cookie3 cookie)
{
	static const char zero[NFS3_COOKIEVERFSIZE];

	/* RFC 1813 §3.3.16: the first call has cookie 0 and verifier 0 */
	return cookie == 0 || memcmp(sent, zero, sizeof zero) == 0 ||
	       memcmp(sent, ours, NFS3_COOKIEVERFSIZE) == 0;
}

/* The attributes of "..": at the export's root, the root's own (LOOKUP ".."
 * stays there); none from a directory moved out of the export, whose parent
 * the client must not see. */
static void dotdot_attr(struct listing *l, post_op_attr *out)
{
	if (l->at_root) {
		out->attributes_follow = TRUE;
		nfs3_fattr(l->c, &l->dir, &out->post_op_attr_u.attributes);
	} else if (nfs3_parent_inside_export(l->c, l->fd)) {
		nfs3_post_op(l->c, l->fd, "..", out);
	}
}

/* Whether name in the directory is still the file st describes: a file
 * put in its place between statx and name_to_handle_at must not have its
 * handle remembered as this one's. */
static bool still_there(struct listing *l, const char *name, const struct statx *st)
{
	struct statx now;

	return nfs3_stat(l->fd, name, &now) == 0 && now.stx_ino == st->stx_ino &&
	       now.stx_dev_major == st->stx_dev_major && now.stx_dev_minor == st->stx_dev_minor &&
	       now.stx_btime.tv_sec == st->stx_btime.tv_sec &&
	       now.stx_btime.tv_nsec == st->stx_btime.tv_nsec;
}

/* The handle of the entry st describes: remembered from an earlier
 * listing, or made (and remembered).  0 or a negative errno. */
static int entry_handle(struct listing *l, const char *name, const struct statx *st,
			struct nfs3_dirent *e)
{
	nfs_fh3 *fh = &e->fh.post_op_fh3_u.handle;
	struct fh_cache_key key;
	bool keyed = fh_cache_key(st, l->c->fs.id, l->c->fs.mount_id, &key);
	size_t len = keyed ? fh_cache_get(&key, (uint8_t *)e->fhbuf) : 0;
	int rc;

	if (len > 0) {
		fh->data.data_len = (u_int)len;
		fh->data.data_val = e->fhbuf;
		return 0;
	}
	rc = nfs3_handle(l->c, l->fd, name, fh, e->fhbuf);
	if (rc == 0 && keyed && still_there(l, name, st))
		fh_cache_put(&key, (const uint8_t *)e->fhbuf, fh->data.data_len);
	return rc;
}

/* READDIRPLUS's attributes and handle of one entry; an entry gone since
 * getdents gets neither.  ".." gets its attributes but no handle: the
 * client looks it up when it wants one, and LOOKUP's rules keep it inside
 * the export.  Without the attributes libnfs would LOOKUP ".." of every
 * directory it lists, one more round trip each. */
static void entry_plus(struct listing *l, struct nfs3_dirent *e)
{
	const char *name = e->name;
	struct statx st;

	if (strcmp(name, "..") == 0) {
		dotdot_attr(l, &e->attr);
		return;
	}
	if (strcmp(name, ".") == 0)
		name = NULL;
	if (!l->c->exp || nfs3_stat(l->fd, name, &st) < 0)
		return;
	e->attr.attributes_follow = TRUE;
	nfs3_fattr(l->c, &st, &e->attr.post_op_attr_u.attributes);
	if (entry_handle(l, name, &st, e) == 0)
		e->fh.handle_follows = TRUE;
}

/* Adds the entry if it fits what is left; false when it does not. */
static bool add_entry(struct listing *l, const struct dirent64 *d, size_t *names_used)
{
	struct nfs3_dirent *e = &l->r->entries[l->r->count];
	size_t len = strnlen(d->d_name, d->d_reclen - offsetof(struct dirent64, d_name));
	uint32_t dirsize = 8 + 4 + XDR_PAD((uint32_t)len) + 8;	/* fileid, name, cookie */
	uint32_t size = 4 + dirsize;				/* and "value follows" */

	if (l->r->count == DIR_ENTRIES_MAX || dirsize > l->dirbudget)
		return false;
	memset(e, 0, sizeof *e);
	e->name = names + *names_used;
	memcpy(e->name, d->d_name, len + 1);
	e->fileid = d->d_ino;
	e->cookie = (cookie3)d->d_off;
	/* ".." of the export's root leads nowhere the client may go */
	if (l->at_root && strcmp(e->name, "..") == 0)
		e->fileid = l->dir.stx_ino;
	if (l->r->plus) {
		entry_plus(l, e);
		size += 4 + (e->attr.attributes_follow ? FATTR3_SIZE : 0) + 4 +
			(e->fh.handle_follows ? 4 + XDR_PAD(e->fh.post_op_fh3_u.handle.data.data_len)
					      : 0);
	}
	if (size > l->budget)
		return false;
	l->dirbudget -= dirsize;
	l->budget -= size;
	*names_used += len + 1;
	l->r->count++;
	return true;
}

/* Fills the reply from cookie on: 0, or a negative errno. */
static int list(struct listing *l, cookie3 cookie)
{
	static char buf[GETDENTS_BUF] __attribute__((aligned(8)));
	size_t names_used = 0;
	ssize_t n;

	if (cookie > INT64_MAX || lseek(l->fd, (off_t)cookie, SEEK_SET) < 0)
		return -EBADSLT;		/* a cookie this directory never gave */
	for (;;) {
		n = getdents64(l->fd, buf, sizeof buf);
		if (n < 0)
			return errno == EINVAL || errno == ENOENT ? -EBADSLT : -errno;
		if (n == 0) {
			l->r->eof = true;
			return 0;
		}
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + off);

			if (d->d_reclen <= offsetof(struct dirent64, d_name) ||
			    off + d->d_reclen > n)
				return -EIO;
			if (!add_entry(l, d, &names_used))
				return 0;	/* full: the client asks again from the last cookie */
			off += d->d_reclen;
		}
	}
}

static void readdir_common(struct nfs3_call *c, const nfs_fh3 *fh, cookie3 cookie,
			   const char *verf, uint32_t dircount, uint32_t maxcount,
			   struct nfs3_dir_reply *r)
{
	struct listing l = { .c = c, .r = r };
	uint32_t io = nfs3_io_max(c);
	int rc;

	/* O_DIRECTORY: anything else fails before it is opened (a FIFO would
	 * block), a symlink too (ELOOP, NFS3ERR_INVAL: not a directory) */
	r->status = nfs3_resolve(c, fh, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &l.fd);
	if (r->status == NFS3ERR_INVAL)
		r->status = NFS3ERR_NOTDIR;
	if (r->status != NFS3_OK)
		return;
	rc = nfs3_stat(l.fd, NULL, &l.dir);
	if (rc == 0 && cred_access(&c->cred, l.fd, R_OK) < 0)
		rc = -EACCES;
	if (rc == 0)
		rc = reserve(io);
	verifier(fh, r->cookieverf);
	if (rc == 0 && !verifier_ok(verf, r->cookieverf, cookie))
		rc = -EBADSLT;
	nfs3_post_op(c, l.fd, NULL, &r->dir_attributes);
	if (rc == 0) {
		l.at_root = nfs3_is_export_root(c, &l.dir);
		maxcount = maxcount < io ? maxcount : io;
		l.budget = maxcount > RESOK_FIXED ? maxcount - RESOK_FIXED : 0;
		l.dirbudget = dircount < l.budget ? dircount : l.budget;
		r->entries = entries;
		rc = list(&l, cookie);
	}
	if (rc == -EBADSLT)
		r->status = NFS3ERR_BAD_COOKIE;
	else if (rc == 0 && r->count == 0 && !r->eof)
		r->status = NFS3ERR_TOOSMALL;	/* not even one entry fits */
	else
		r->status = nfs3_status(rc, "READDIR");
	if (r->status != NFS3_OK)
		r->count = 0;
	close(l.fd);
}

void nfs3_readdir(struct nfs3_call *c, READDIR3args *a, struct nfs3_dir_reply *r)
{
	r->plus = false;
	/* RFC 1813 §3.3.16: count bounds the whole READDIR3resok */
	readdir_common(c, &a->dir, a->cookie, a->cookieverf, a->count, a->count, r);
}

void nfs3_readdirplus(struct nfs3_call *c, READDIRPLUS3args *a, struct nfs3_dir_reply *r)
{
	r->plus = true;
	/* §3.3.17: dircount bounds the names, cookies and fileids, maxcount
	 * the whole READDIRPLUS3resok */
	readdir_common(c, &a->dir, a->cookie, a->cookieverf, a->dircount, a->maxcount, r);
}
