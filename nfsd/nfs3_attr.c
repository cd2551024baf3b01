/* NFS v3 attributes (RFC 1813 §2.6 fattr3) from statx(2), and the
 * procedures that only look at a file or its filesystem: GETATTR, FSSTAT,
 * FSINFO, PATHCONF. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nfs3.h"
#include "server.h"

int nfs3_stat(int fd, const char *name, struct statx *st)
{
	int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;

	if (!name) {
		name = "";
		flags |= AT_EMPTY_PATH;
	}
	return statx(fd, name, flags, STATX_BASIC_STATS | STATX_MNT_ID | STATX_BTIME, st) < 0 ?
	       -errno : 0;
}

static ftype3 type_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return NF3DIR;
	case S_IFBLK:
		return NF3BLK;
	case S_IFCHR:
		return NF3CHR;
	case S_IFLNK:
		return NF3LNK;
	case S_IFSOCK:
		return NF3SOCK;
	case S_IFIFO:
		return NF3FIFO;
	default:
		return NF3REG;
	}
}

nfstime3 nfs3_time(const struct statx_timestamp *t)
{
	/* nfstime3 seconds are unsigned 32 bits (RFC 1813 §2.5): times before
	 * 1970 and after 2106 cannot be said, and are clamped */
	uint32_t s = t->tv_sec < 0 ? 0 : t->tv_sec > UINT32_MAX ? UINT32_MAX
								 : (uint32_t)t->tv_sec;

	return (nfstime3){ .seconds = s, .nseconds = t->tv_nsec };
}

void nfs3_fattr(const struct nfs3_call *c, const struct statx *st, fattr3 *out)
{
	out->type = type_of(st->stx_mode);
	out->mode = st->stx_mode & 07777;
	out->nlink = st->stx_nlink;
	out->uid = st->stx_uid;
	out->gid = st->stx_gid;
	out->size = st->stx_size;
	out->used = st->stx_blocks * 512;
	out->rdev.specdata1 = st->stx_rdev_major;
	out->rdev.specdata2 = st->stx_rdev_minor;
	/* each export is a filesystem of its own to the client, and so is
	 * each filesystem below it that a crossmnt client enters: the id
	 * their handles carry */
	out->fsid = nfsd_fsid(c->exp, &c->opts, (st->stx_mask & STATX_MNT_ID) ? st->stx_mnt_id
									   : 0);
	out->fileid = st->stx_ino;
	out->atime = nfs3_time(&st->stx_atime);
	out->mtime = nfs3_time(&st->stx_mtime);
	out->ctime = nfs3_time(&st->stx_ctime);
}

void nfs3_post_op(const struct nfs3_call *c, int fd, const char *name, post_op_attr *out)
{
	struct statx st;

	out->attributes_follow = fd >= 0 && c->exp && nfs3_stat(fd, name, &st) == 0;
	if (out->attributes_follow)
		nfs3_fattr(c, &st, &out->post_op_attr_u.attributes);
}

bool nfs3_is_export_root(const struct nfs3_call *c, const struct statx *st)
{
	return makedev(st->stx_dev_major, st->stx_dev_minor) == c->exp->dev &&
	       st->stx_ino == c->exp->ino;
}

bool nfs3_may_read(const struct nfs3_call *c, int fd, const struct statx *st)
{
	return cred_access(&c->cred, fd, R_OK) == 0 || cred_access(&c->cred, fd, X_OK) == 0 ||
	       c->cred.uid == st->stx_uid;
}

/* ---------------------------------------------------------------- GETATTR */

/* RFC 1813 §3.3.1 */
void nfs3_getattr(struct nfs3_call *c, GETATTR3args *a, GETATTR3res *r)
{
	struct statx st;
	int fd, rc;

	r->status = nfs3_resolve(c, &a->object, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	rc = nfs3_stat(fd, NULL, &st);
	close(fd);
	r->status = nfs3_status(rc, "GETATTR statx");
	if (rc == 0)
		nfs3_fattr(c, &st, &r->GETATTR3res_u.resok.obj_attributes);
}

/* ---------------------------------------------------------------- FSSTAT, FSINFO, PATHCONF */

/* RFC 1813 §3.3.18 */
void nfs3_fsstat(struct nfs3_call *c, FSSTAT3args *a, FSSTAT3res *r)
{
	FSSTAT3resok *ok = &r->FSSTAT3res_u.resok;
	struct statvfs vfs;
	int fd, rc;

	r->status = nfs3_resolve(c, &a->fsroot, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	rc = fstatvfs(fd, &vfs) < 0 ? -errno : 0;
	r->status = nfs3_status(rc, "FSSTAT statvfs");
	if (rc == 0) {
		nfs3_post_op(c, fd, NULL, &ok->obj_attributes);
		ok->tbytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		ok->fbytes = (uint64_t)vfs.f_bfree * vfs.f_frsize;
		ok->abytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		ok->tfiles = vfs.f_files;
		ok->ffiles = vfs.f_ffree;
		ok->afiles = vfs.f_favail;
		ok->invarsec = 0;	/* the numbers change at any time */
	} else {
		nfs3_post_op(c, fd, NULL, &r->FSSTAT3res_u.resfail.obj_attributes);
	}
	close(fd);
}

/* RFC 1813 §3.3.19 */
void nfs3_fsinfo(struct nfs3_call *c, FSINFO3args *a, FSINFO3res *r)
{
	FSINFO3resok *ok = &r->FSINFO3res_u.resok;
	uint32_t io = nfs3_io_max(c);
	int fd;

	r->status = nfs3_resolve(c, &a->fsroot, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	nfs3_post_op(c, fd, NULL, &ok->obj_attributes);
	close(fd);
	ok->rtmax = ok->rtpref = io;
	ok->wtmax = ok->wtpref = io;
	ok->rtmult = ok->wtmult = 4096;
	/* a READDIR reply this large lists a directory of a few hundred
	 * entries in one round trip */
	ok->dtpref = c->dgram ? NFS3_IO_MAX_UDP : 64 * 1024;
	ok->maxfilesize = INT64_MAX;
	ok->time_delta = (nfstime3){ .seconds = 0, .nseconds = 1 };
	ok->properties = FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME;
}

/* RFC 1813 §3.3.20 */
void nfs3_pathconf(struct nfs3_call *c, PATHCONF3args *a, PATHCONF3res *r)
{
	PATHCONF3resok *ok = &r->PATHCONF3res_u.resok;
	struct statvfs vfs;
	long linkmax;
	int fd;

	r->status = nfs3_resolve(c, &a->object, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	nfs3_post_op(c, fd, NULL, &ok->obj_attributes);
	linkmax = fpathconf(fd, _PC_LINK_MAX);
	ok->linkmax = linkmax > 0 && linkmax <= UINT32_MAX ? (uint32_t)linkmax : 1;
	ok->name_max = fstatvfs(fd, &vfs) == 0 && vfs.f_namemax ? (uint32_t)vfs.f_namemax : 255;
	close(fd);
	ok->no_trunc = TRUE;		/* longer names get NFS3ERR_NAMETOOLONG */
	ok->chown_restricted = TRUE;
	ok->case_insensitive = FALSE;
	ok->case_preserving = TRUE;
}
