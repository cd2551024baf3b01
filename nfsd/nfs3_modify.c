/* NFS v3 procedures that change what exists: SETATTR, REMOVE, RMDIR, RENAME
 * and LINK (RFC 1813 §3.3.2, §3.3.12 - §3.3.15).  Each runs its system call
 * as the caller (cred_enter), on descriptors of resolved handles and one
 * checked name, so the kernel decides as it would for that user and nothing
 * outside the export is ever named. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfs3.h"

/* ---------------------------------------------------------------- SETATTR */

static int set_owner(int fd, const struct statx *st, const sattr3 *s)
{
	/* an id set to what it is already is no change: a client that
	 * copies a file's attributes must not need the right to chown */
	uid_t uid = s->uid.set_it && s->uid.set_uid3_u.uid != st->stx_uid
			    ? (uid_t)s->uid.set_uid3_u.uid : (uid_t)-1;
	gid_t gid = s->gid.set_it && s->gid.set_gid3_u.gid != st->stx_gid
			    ? (gid_t)s->gid.set_gid3_u.gid : (gid_t)-1;

	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
	return fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0 ? -errno : 0;
}

static int set_mode(int fd, const struct statx *st, const sattr3 *s)
{
	char path[32];

	/* a symlink has no mode of its own on Linux */
	if (!s->mode.set_it || S_ISLNK(st->stx_mode))
		return 0;
	return chmod(nfs3_fd_path(fd, path), s->mode.set_mode3_u.mode & 07777) < 0 ? -errno : 0;
}

static struct timespec time_to_set(time_how how, const nfstime3 *t)
{
	if (how == SET_TO_SERVER_TIME)
		return (struct timespec){ .tv_nsec = UTIME_NOW };
	if (how == SET_TO_CLIENT_TIME)
		return (struct timespec){ .tv_sec = t->seconds, .tv_nsec = t->nseconds };
	return (struct timespec){ .tv_nsec = UTIME_OMIT };
}

static int set_times(int fd, const sattr3 *s)
{
	struct timespec ts[2];

	if (s->atime.set_it == DONT_CHANGE && s->mtime.set_it == DONT_CHANGE)
		return 0;
	ts[0] = time_to_set(s->atime.set_it, &s->atime.set_atime_u.atime);
	ts[1] = time_to_set(s->mtime.set_it, &s->mtime.set_mtime_u.mtime);
	return utimensat(fd, "", ts, AT_EMPTY_PATH) < 0 ? -errno : 0;
}

static int set_size(const struct nfs3_call *c, int fd, const struct statx *st, uint64_t size)
{
	int wfd, rc;

	if (size > INT64_MAX)
		return -EFBIG;
	wfd = nfs3_reopen(c, fd, st, O_WRONLY);
	if (wfd < 0)
		return wfd;
	rc = ftruncate(wfd, (off_t)size) < 0 ? -errno : 0;
	close(wfd);
	return rc;
}

int nfs3_sattr_apply(const struct nfs3_call *c, int fd, const struct statx *st,
		     const sattr3 *s)
{
	int rc;

	if (s->atime.set_it > SET_TO_CLIENT_TIME || s->mtime.set_it > SET_TO_CLIENT_TIME)
		return -EINVAL;
	if (s->size.set_it && !S_ISREG(st->stx_mode))
		return S_ISDIR(st->stx_mode) ? -EISDIR : -EINVAL;
	rc = cred_enter(&c->cred, 0);
	if (rc < 0)
		return rc;
	/* the owner first: a chown clears the set-id bits a mode may set */
	rc = set_owner(fd, st, s);
	if (rc == 0)
		rc = set_mode(fd, st, s);
	cred_leave();
	/* the size before the times: a truncate sets mtime */
	if (rc == 0 && s->size.set_it)
		rc = set_size(c, fd, st, s->size.set_size3_u.size);
	if (rc == 0 && (rc = cred_enter(&c->cred, 0)) == 0) {
		rc = set_times(fd, s);
		cred_leave();
	}
	return rc;
}

/* RFC 1813 §3.3.2: with guard.check, the change is made only while the
 * file's ctime is the one the client sent (NFS3ERR_NOT_SYNC otherwise). */
void nfs3_setattr(struct nfs3_call *c, SETATTR3args *a, SETATTR3res *r)
{
	const sattrguard3 *g = &a->guard;
	pre_op_attr before = { 0 };
	struct statx st;
	nfstime3 ctime;
	int fd, rc;

	r->status = nfs3_resolve_rw(c, &a->object, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		goto out;
	rc = nfs3_stat(fd, NULL, &st);
	if (rc == 0) {
		before.attributes_follow = TRUE;
		nfs3_wcc_attr(&st, &before.pre_op_attr_u.attributes);
		ctime = before.pre_op_attr_u.attributes.ctime;
		if (g->check && (g->sattrguard3_u.obj_ctime.seconds != ctime.seconds ||
				 g->sattrguard3_u.obj_ctime.nseconds != ctime.nseconds)) {
			r->status = NFS3ERR_NOT_SYNC;
			goto out;
		}
		rc = nfs3_sattr_apply(c, fd, &st, &a->new_attributes);
	}
	r->status = nfs3_status(rc, "SETATTR");
	if (rc == 0)
		nfs3_commit_meta(c, fd);
out:
	/* resok and resfail: the same wcc_data */
	nfs3_wcc(c, fd, &before, &r->SETATTR3res_u.resok.obj_wcc);
	if (fd >= 0)
		close(fd);
}

/* ---------------------------------------------------------------- REMOVE, RMDIR */

static nfsstat3 unlink_name(struct nfs3_call *c, const diropargs3 *what, int flags,
			    wcc_data *wcc)
{
	pre_op_attr before = { 0 };
	nfsstat3 status;
	int fd, rc;

	status = nfs3_resolve_dir(c, &what->dir, &fd);
	if (status == NFS3_OK)
		status = nfs3_name_check(what->name, NFS3_NAME_OLD);
	if (status != NFS3_OK)
		goto out;
	nfs3_pre_op(fd, &before);
	rc = cred_enter(&c->cred, 0);
	if (rc == 0) {
		rc = unlinkat(fd, what->name, flags) < 0 ? -errno : 0;
		cred_leave();
	}
	/* some filesystems say EEXIST for a directory that is not empty */
	if (rc == -EEXIST && (flags & AT_REMOVEDIR))
		rc = -ENOTEMPTY;
	status = nfs3_status(rc, flags ? "RMDIR" : "REMOVE");
	if (rc == 0)
		nfs3_commit_meta(c, fd);
out:
	nfs3_wcc(c, fd, &before, wcc);
	if (fd >= 0)
		close(fd);
	return status;
}

/* RFC 1813 §3.3.12 */
void nfs3_remove(struct nfs3_call *c, REMOVE3args *a, REMOVE3res *r)
{
	r->status = unlink_name(c, &a->object, 0, &r->REMOVE3res_u.resok.dir_wcc);
}

/* RFC 1813 §3.3.13 */
void nfs3_rmdir(struct nfs3_call *c, RMDIR3args *a, RMDIR3res *r)
{
	r->status = unlink_name(c, &a->object, AT_REMOVEDIR, &r->RMDIR3res_u.resok.dir_wcc);
}

/* ---------------------------------------------------------------- RENAME */

/* RFC 1813 §3.3.14: both directories in one export (NFS3ERR_XDEV from
 * nfs3_resolve otherwise); an existing target is replaced as rename(2)
 * replaces it. */
void nfs3_rename(struct nfs3_call *c, RENAME3args *a, RENAME3res *r)
{
	RENAME3resok *w = &r->RENAME3res_u.resok;	/* resfail: the same */
	pre_op_attr from_before = { 0 }, to_before = { 0 };
	int from = -1, to = -1, rc;

	r->status = nfs3_resolve_dir(c, &a->from.dir, &from);
	if (r->status == NFS3_OK)
		r->status = nfs3_resolve_dir(c, &a->to.dir, &to);
	if (r->status == NFS3_OK)
		r->status = nfs3_name_check(a->from.name, NFS3_NAME_OLD);
	if (r->status == NFS3_OK) {
		r->status = nfs3_name_check(a->to.name, NFS3_NAME_NEW);
		/* "." or ".." as a target is no more valid than as a source */
		if (r->status == NFS3ERR_EXIST)
			r->status = NFS3ERR_INVAL;
	}
	if (r->status != NFS3_OK)
		goto out;
	nfs3_pre_op(from, &from_before);
	nfs3_pre_op(to, &to_before);
	rc = cred_enter(&c->cred, 0);
	if (rc == 0) {
		rc = renameat(from, a->from.name, to, a->to.name) < 0 ? -errno : 0;
		cred_leave();
	}
	r->status = nfs3_status(rc, "RENAME");
	if (rc == 0) {
		nfs3_commit_meta(c, from);
		nfs3_commit_meta(c, to);
	}
out:
	nfs3_wcc(c, from, &from_before, &w->fromdir_wcc);
	nfs3_wcc(c, to, &to_before, &w->todir_wcc);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
}

/* ---------------------------------------------------------------- LINK */

/* RFC 1813 §3.3.15: a new name in the same export for the file.  The file
 * is linked through its descriptor's /proc path (linkat(2)
 * AT_SYMLINK_FOLLOW), which needs no capability and follows no symlink of
 * the client's: a symlink gets a second name of its own.  The kernel
 * refuses a directory (NFS3ERR_PERM) and, with fs.protected_hardlinks,
 * a file the caller could neither read nor write. */
void nfs3_link(struct nfs3_call *c, LINK3args *a, LINK3res *r)
{
	LINK3resok *ok = &r->LINK3res_u.resok;	/* resfail: the same */
	pre_op_attr before = { 0 };
	char path[32];
	int fd, dir = -1, rc;

	r->status = nfs3_resolve_rw(c, &a->file, O_PATH | O_NOFOLLOW, &fd);
	if (r->status == NFS3_OK)
		r->status = nfs3_resolve_dir(c, &a->link.dir, &dir);
	if (r->status == NFS3_OK)
		r->status = nfs3_name_check(a->link.name, NFS3_NAME_NEW);
	if (r->status != NFS3_OK)
		goto out;
	nfs3_pre_op(dir, &before);
	rc = cred_enter(&c->cred, 0);
	if (rc == 0) {
		rc = linkat(AT_FDCWD, nfs3_fd_path(fd, path), dir, a->link.name,
			    AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
		cred_leave();
	}
	r->status = nfs3_status(rc, "LINK");
	if (rc == 0)
		nfs3_commit_meta(c, dir);
out:
	nfs3_post_op(c, fd, NULL, &ok->file_attributes);
	nfs3_wcc(c, dir, &before, &ok->linkdir_wcc);
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}
