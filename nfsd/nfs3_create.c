/* NFS v3 procedures that make a new name: CREATE, MKDIR, SYMLINK and MKNOD
 * (RFC 1813 §3.3.8 - §3.3.11).  The object is made by an *at() call on the
 * directory's descriptor as the caller, so it is the caller's (squashed)
 * uid and gid that own it, then given the attributes asked for; the reply
 * carries its handle, its attributes and the directory's wcc_data. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nfs3.h"

/* Modes of objects made without one in their sattr3. */
#define FILE_MODE_DEFAULT 0644
#define DIR_MODE_DEFAULT 0755
/* An EXCLUSIVE CREATE carries no attributes; the client's SETATTR that
 * follows sets them. */
#define EXCL_MODE 0600

/* ---------------------------------------------------------------- EXCLUSIVE */

static uint32_t verf_word(const createverf3 verf, int i)
{
	const unsigned char *v = (const unsigned char *)verf + 4 * i;

	return ((uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3]) &
	       0x7fffffff;
}

void nfs3_excl_times(const createverf3 verf, struct timespec ts[2])
{
	ts[0] = (struct timespec){ .tv_sec = verf_word(verf, 1) };	/* atime */
	ts[1] = (struct timespec){ .tv_sec = verf_word(verf, 0) };	/* mtime */
}

bool nfs3_excl_matches(const createverf3 verf, const struct statx *st)
{
	struct timespec ts[2];

	nfs3_excl_times(verf, ts);
	return S_ISREG(st->stx_mode) && st->stx_size == 0 &&
	       st->stx_atime.tv_sec == ts[0].tv_sec && st->stx_mtime.tv_sec == ts[1].tv_sec;
}

/* ---------------------------------------------------------------- making */

/* What to make. */
struct newobj {
	mode_t type;			/* S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, ... */
	mode_t mode;
	dev_t rdev;
	const char *target;		/* of a symlink */
	const sattr3 *attrs;		/* applied once it is made; NULL: none */
};

static mode_t mode_of(const sattr3 *s, mode_t def)
{
	return s && s->mode.set_it ? s->mode.set_mode3_u.mode & 07777 : def;
}

/* The new object, as the caller, with exactly the mode asked for: the
 * server's umask is not the client's (the client applied its own). */
static int make(const struct nfs3_call *c, int dir, const char *name, const struct newobj *o)
{
	mode_t old;
	int rc = cred_enter(&c->cred, 0);

	if (rc < 0)
		return rc;
	old = umask(0);
	switch (o->type) {
	case S_IFREG:
		rc = openat(dir, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
			    o->mode);
		if (rc >= 0)
			rc = close(rc);
		break;
	case S_IFDIR:
		rc = mkdirat(dir, name, o->mode);
		break;
	case S_IFLNK:
		rc = symlinkat(o->target, dir, name);
		break;
	default:
		rc = mknodat(dir, name, o->type | o->mode, o->rdev);
		break;
	}
	if (rc < 0)
		rc = -errno;
	umask(old);
	cred_leave();
	return rc;
}

/* The attributes asked for besides the mode, which make() gave.  As kernel
 * nfsd, owner and group only from a caller mapped to root (a client may
 * send its own unsquashed ids; the new object is the caller's already). */
static int apply_rest(const struct nfs3_call *c, int fd, const sattr3 *s)
{
	struct statx st;
	sattr3 rest = *s;
	int rc = nfs3_stat(fd, NULL, &st);

	if (rc < 0)
		return rc;
	rest.mode.set_it = FALSE;
	if (c->cred.uid != 0)
		rest.uid.set_it = rest.gid.set_it = FALSE;
	if (!S_ISREG(st.stx_mode))
		rest.size.set_it = FALSE;
	return nfs3_sattr_apply(c, fd, &st, &rest);
}

static int set_excl_times(const struct nfs3_call *c, int dir, const char *name,
			  const createverf3 verf)
{
	struct timespec ts[2];
	int rc = cred_enter(&c->cred, 0);

	if (rc < 0)
		return rc;
	nfs3_excl_times(verf, ts);
	rc = utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	cred_leave();
	return rc;
}

/* ---------------------------------------------------------------- the reply */

/* Where a creating procedure's result goes: resok's three fields, and
 * resfail's wcc_data (at another place in the union). */
struct made {
	post_op_fh3 *obj;
	post_op_attr *attr;
	wcc_data *ok_wcc, *fail_wcc;
};

#define MADE(res) { &(res).resok.obj, &(res).resok.obj_attributes, \
		    &(res).resok.dir_wcc, &(res).resfail.dir_wcc }

static nfsstat3 begin(struct nfs3_call *c, const diropargs3 *where, int *dir,
		      pre_op_attr *before)
{
	nfsstat3 st = nfs3_resolve_dir(c, &where->dir, dir);

	if (st == NFS3_OK)
		st = nfs3_name_check(where->name, NFS3_NAME_NEW);
	if (st == NFS3_OK)
		nfs3_pre_op(*dir, before);
	return st;
}

/* rc: of making the object (0: made, or there already and to be
 * answered as made).  Gives it the attributes, syncs, fills the reply. */
static nfsstat3 end(struct nfs3_call *c, int dir, const char *name, int rc, const sattr3 *attrs,
		    const pre_op_attr *before, const struct made *m)
{
	static char fhbuf[FH_MAX];
	nfsstat3 status;
	int fd = -1;

	if (rc == 0) {
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		rc = fd < 0 ? -errno : 0;
	}
	if (rc == 0 && attrs)
		rc = apply_rest(c, fd, attrs);
	status = nfs3_status(rc, "create");
	if (rc == 0) {
		nfs3_commit_meta(c, fd);
		nfs3_commit_meta(c, dir);
		m->obj->handle_follows =
			nfs3_handle(c, fd, NULL, &m->obj->post_op_fh3_u.handle, fhbuf) == 0;
		nfs3_post_op(c, fd, NULL, m->attr);
		nfs3_wcc(c, dir, before, m->ok_wcc);
	} else {
		nfs3_wcc(c, dir, before, m->fail_wcc);
	}
	if (fd >= 0)
		close(fd);
	return status;
}

/* ---------------------------------------------------------------- CREATE */

/* An EXCLUSIVE CREATE whose name exists: the same call again (a reply
 * lost) if the file there carries its verifier. */
static int excl_existing(int dir, const char *name, const createverf3 verf)
{
	struct statx st;
	int rc = nfs3_stat(dir, name, &st);

	if (rc < 0)
		return rc;
	return nfs3_excl_matches(verf, &st) ? 0 : -EEXIST;
}

/* UNCHECKED on an existing regular file: only its size changes (RFC 1813
 * §3.3.8 leaves it open; kernel nfsd does this). */
static const sattr3 *unchecked_existing(int dir, const char *name, const sattr3 *s,
					sattr3 *size_only, int *rc)
{
	struct statx st;

	*rc = nfs3_stat(dir, name, &st);
	if (*rc == 0 && !S_ISREG(st.stx_mode))
		*rc = -EEXIST;
	memset(size_only, 0, sizeof *size_only);
	size_only->size = s->size;
	return size_only;
}

/* RFC 1813 §3.3.8 */
void nfs3_create(struct nfs3_call *c, CREATE3args *a, CREATE3res *r)
{
	const struct made m = MADE(r->CREATE3res_u);
	const createhow3 *how = &a->how;
	const sattr3 *attrs = &how->createhow3_u.obj_attributes;
	const char *name = a->where.name;
	struct newobj o = { .type = S_IFREG, .mode = EXCL_MODE };
	pre_op_attr before = { 0 };
	sattr3 size_only;
	int dir, rc;

	r->status = begin(c, &a->where, &dir, &before);
	if (r->status != NFS3_OK) {
		nfs3_wcc(c, dir, &before, m.fail_wcc);
		goto out;
	}
	switch (how->mode) {
	case EXCLUSIVE:
		attrs = NULL;
		rc = make(c, dir, name, &o);
		if (rc == 0)
			rc = set_excl_times(c, dir, name, how->createhow3_u.verf);
		else if (rc == -EEXIST)
			rc = excl_existing(dir, name, how->createhow3_u.verf);
		break;
	case UNCHECKED:
	case GUARDED:
		o.mode = mode_of(attrs, FILE_MODE_DEFAULT);
		rc = make(c, dir, name, &o);
		if (rc == -EEXIST && how->mode == UNCHECKED)
			attrs = unchecked_existing(dir, name, attrs, &size_only, &rc);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	r->status = end(c, dir, name, rc, attrs, &before, &m);
out:
	if (dir >= 0)
		close(dir);
}

/* ---------------------------------------------------------------- MKDIR, SYMLINK, MKNOD */

/* The three other ways to make a name: begin, make, end. */
static nfsstat3 make_named(struct nfs3_call *c, const diropargs3 *where,
			   const struct newobj *o, const struct made *m)
{
	pre_op_attr before = { 0 };
	nfsstat3 status;
	int dir;

	status = begin(c, where, &dir, &before);
	if (status == NFS3_OK)
		status = end(c, dir, where->name, make(c, dir, where->name, o), o->attrs,
			     &before, m);
	else
		nfs3_wcc(c, dir, &before, m->fail_wcc);
	if (dir >= 0)
		close(dir);
	return status;
}

/* RFC 1813 §3.3.9 */
void nfs3_mkdir(struct nfs3_call *c, MKDIR3args *a, MKDIR3res *r)
{
	const struct made m = MADE(r->MKDIR3res_u);
	struct newobj o = { .type = S_IFDIR, .mode = mode_of(&a->attributes, DIR_MODE_DEFAULT),
			    .attrs = &a->attributes };

	r->status = make_named(c, &a->where, &o, &m);
}

/* RFC 1813 §3.3.10: the link's text is stored as sent; the server never
 * follows it (every call opens with O_NOFOLLOW or by handle). */
void nfs3_symlink(struct nfs3_call *c, SYMLINK3args *a, SYMLINK3res *r)
{
	const struct made m = MADE(r->SYMLINK3res_u);
	struct newobj o = { .type = S_IFLNK, .target = a->symlink.symlink_data,
			    .attrs = &a->symlink.symlink_attributes };

	r->status = make_named(c, &a->where, &o, &m);
}

/* RFC 1813 §3.3.11: FIFOs and sockets for anyone who may write the
 * directory; character and block devices only when the kernel lets the
 * caller make them (CAP_MKNOD: a caller mapped to root, NFS3ERR_PERM
 * otherwise); any other type is NFS3ERR_BADTYPE. */
void nfs3_mknod(struct nfs3_call *c, MKNOD3args *a, MKNOD3res *r)
{
	const struct made m = MADE(r->MKNOD3res_u);
	const mknoddata3 *w = &a->what;
	const devicedata3 *dev = &w->mknoddata3_u.device;
	struct newobj o = { 0 };
	int fd;

	switch (w->type) {
	case NF3CHR:
	case NF3BLK:
		o.type = w->type == NF3CHR ? S_IFCHR : S_IFBLK;
		o.rdev = makedev(dev->spec.specdata1, dev->spec.specdata2);
		o.attrs = &dev->dev_attributes;
		break;
	case NF3SOCK:
	case NF3FIFO:
		o.type = w->type == NF3SOCK ? S_IFSOCK : S_IFIFO;
		o.attrs = &w->mknoddata3_u.pipe_attributes;
		break;
	default:
		/* the directory's wcc_data still: it exists, nothing changed */
		r->status = nfs3_resolve_rw(c, &a->where.dir, O_PATH | O_NOFOLLOW, &fd);
		if (r->status == NFS3_OK)
			r->status = NFS3ERR_BADTYPE;
		if (fd >= 0) {
			nfs3_post_op(c, fd, NULL, &m.fail_wcc->after);
			close(fd);
		}
		return;
	}
	o.mode = mode_of(o.attrs, FILE_MODE_DEFAULT);
	r->status = make_named(c, &a->where, &o, &m);
}
