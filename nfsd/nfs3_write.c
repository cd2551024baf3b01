/* NFS v3 WRITE and COMMIT (RFC 1813 §3.3.7, §3.3.21) and the write verifier
 * that tells a client whether what it wrote UNSTABLE can still be lost. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfs3.h"

/* ---------------------------------------------------------------- policy */

int nfs3_write_sync(stable_how stable, bool async, stable_how *committed)
{
	switch (stable) {
	case UNSTABLE:
		*committed = UNSTABLE;
		return NFS3_SYNC_NONE;
	case DATA_SYNC:
	case FILE_SYNC:
		/* exports(5) async: the reply says what was asked and nothing is
		 * synced (kernel nfsd's async: data may be lost in a crash) */
		*committed = stable;
		if (async)
			return NFS3_SYNC_NONE;
		return stable == DATA_SYNC ? NFS3_SYNC_DATA : NFS3_SYNC_FILE;
	default:
		return -1;
	}
}

void nfs3_write_verifier(writeverf3 out)
{
	static uint8_t verf[NFS3_WRITEVERFSIZE];
	static bool made;
	struct timespec now;
	uint32_t s;

	if (!made) {
		/* the time of the first WRITE of this run and 32 random bits:
		 * two runs never share one, even with the clock set back */
		clock_gettime(CLOCK_REALTIME, &now);
		s = (uint32_t)now.tv_sec;
		for (int i = 0; i < 4; i++)
			verf[i] = (uint8_t)(s >> (24 - 8 * i));
		randombytes_buf(verf + 4, 4);
		made = true;
	}
	memcpy(out, verf, NFS3_WRITEVERFSIZE);
}

/* ---------------------------------------------------------------- WRITE */

static int write_all(int fd, const char *data, size_t len, uint64_t offset, size_t *done)
{
	ssize_t n;

	*done = 0;
	while (*done < len) {
		n = pwrite(fd, data + *done, len - *done, (off_t)(offset + *done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return *done ? 0 : n < 0 ? -errno : -EIO;	/* short: count says */
		*done += (size_t)n;
	}
	return 0;
}

static int sync_fd(int fd, int how)
{
	if (how == NFS3_SYNC_DATA)
		return fdatasync(fd) < 0 ? -errno : 0;
	if (how == NFS3_SYNC_FILE)
		return fsync(fd) < 0 ? -errno : 0;
	return 0;
}

/* The regular file a WRITE or COMMIT is for, reopened writable as the
 * caller. */
static int open_for_write(struct nfs3_call *c, int fd, struct statx *st, pre_op_attr *before)
{
	int rc = nfs3_stat(fd, NULL, st);

	if (rc < 0)
		return rc;
	before->attributes_follow = TRUE;
	nfs3_wcc_attr(st, &before->pre_op_attr_u.attributes);
	if (S_ISDIR(st->stx_mode))
		return -EISDIR;
	return nfs3_reopen(c, fd, st, O_WRONLY);
}

/* RFC 1813 §3.3.7: count must say how much data there is (NFS3ERR_INVAL
 * otherwise); nothing is written past INT64_MAX (NFS3ERR_FBIG). */
void nfs3_write(struct nfs3_call *c, WRITE3args *a, WRITE3res *r)
{
	WRITE3resok *ok = &r->WRITE3res_u.resok;	/* resfail: file_wcc alone */
	pre_op_attr before = { 0 };
	stable_how committed = UNSTABLE;
	int fd, wfd = -1, how, rc;
	struct statx st;
	size_t done = 0;

	r->status = nfs3_resolve_rw(c, &a->file, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		goto out;
	how = nfs3_write_sync(a->stable, c->opts.async, &committed);
	if (how < 0 || a->count != a->data.data_len)
		rc = -EINVAL;
	else if (a->offset > INT64_MAX || a->count > INT64_MAX - a->offset)
		rc = -EFBIG;
	else
		rc = wfd = open_for_write(c, fd, &st, &before);
	if (rc >= 0)
		rc = write_all(wfd, a->data.data_val, a->count, a->offset, &done);
	if (rc >= 0)
		rc = sync_fd(wfd, how);
	if (wfd >= 0)
		close(wfd);
	r->status = nfs3_status(rc < 0 ? rc : 0, "WRITE");
	if (r->status == NFS3_OK) {
		ok->count = (count3)done;
		ok->committed = committed;
		nfs3_write_verifier(ok->verf);
	}
out:
	nfs3_wcc(c, fd, &before, &ok->file_wcc);
	if (fd >= 0)
		close(fd);
}

/* ---------------------------------------------------------------- COMMIT */

/* RFC 1813 §3.3.21: what was written UNSTABLE reaches the disk, on every
 * export (async too: COMMIT is the client asking for it); the whole
 * file's data, whatever range was asked. */
void nfs3_commit(struct nfs3_call *c, COMMIT3args *a, COMMIT3res *r)
{
	COMMIT3resok *ok = &r->COMMIT3res_u.resok;	/* resfail: file_wcc alone */
	pre_op_attr before = { 0 };
	struct statx st;
	int fd, wfd, rc;

	r->status = nfs3_resolve_rw(c, &a->file, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		goto out;
	rc = wfd = open_for_write(c, fd, &st, &before);
	if (wfd >= 0) {
		rc = sync_fd(wfd, NFS3_SYNC_DATA);
		close(wfd);
	}
	r->status = nfs3_status(rc, "COMMIT");
	if (r->status == NFS3_OK)
		nfs3_write_verifier(ok->verf);
out:
	nfs3_wcc(c, fd, &before, &ok->file_wcc);
	if (fd >= 0)
		close(fd);
}
