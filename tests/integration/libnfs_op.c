/* libnfs-op: a test client that changes files on an NFS v3 export through
 * libnfs's synchronous API, for what libnfs-utils' nfs-cp, nfs-cat and
 * nfs-ls do not do (mkdir, rename, remove, link, chmod, ...).
 *
 *   libnfs-op nfs://SERVER/EXPORT[?uid=N&gid=N] OP ARG... [OP ARG...]...
 *
 * Every operation prints one line, "ok OP ..." or "fail OP: reason", and
 * the next one runs regardless; the exit status is 1 if any failed, 2 for
 * bad usage or no mount.  Paths are relative to the export. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <nfsc/libnfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define TIMEOUT_MS 20000

struct op {
	const char *name;
	int nargs;
	int (*run)(struct nfs_context *nfs, char **args);
	const char *usage;
};

static unsigned long num(const char *s, int base)
{
	return strtoul(s, NULL, base);
}

/* Writes a local file to path in writes of the server's wtmax, UNSTABLE
 * then COMMIT ("unstable") or FILE_SYNC ("sync"). */
static int op_put(struct nfs_context *nfs, char **a)
{
	int sync = strcmp(a[2], "sync") == 0, in, rc = 0;
	uint64_t chunk = nfs_get_writemax(nfs), off = 0;
	struct nfsfh *fh;
	char *buf;
	ssize_t n;

	in = open(a[0], O_RDONLY);
	if (in < 0)
		return -errno;
	buf = malloc(chunk);
	rc = buf ? nfs_create(nfs, a[1], O_WRONLY | O_CREAT | O_TRUNC | (sync ? O_SYNC : 0),
			      0644, &fh) : -ENOMEM;
	while (rc == 0 && (n = read(in, buf, chunk)) > 0) {
		for (ssize_t done = 0; rc == 0 && done < n;) {
			int w = nfs_pwrite(nfs, fh, off, (uint64_t)(n - done), buf + done);

			if (w <= 0)
				rc = w < 0 ? w : -EIO;
			done += w > 0 ? w : 0;
			off += w > 0 ? (uint64_t)w : 0;
		}
	}
	if (rc == 0 && !sync)
		rc = nfs_fsync(nfs, fh);		/* COMMIT */
	if (buf && nfs_close(nfs, fh) < 0 && rc == 0)
		rc = -EIO;
	free(buf);
	close(in);
	return rc;
}

static int op_excl(struct nfs_context *nfs, char **a)
{
	struct nfsfh *fh;
	int rc = nfs_create(nfs, a[0], O_WRONLY | O_CREAT | O_EXCL, (int)num(a[1], 8), &fh);

	return rc < 0 ? rc : nfs_close(nfs, fh);
}

static int op_mkdir(struct nfs_context *nfs, char **a)
{
	return nfs_mkdir2(nfs, a[0], (int)num(a[1], 8));
}

static int op_rmdir(struct nfs_context *nfs, char **a)
{
	return nfs_rmdir(nfs, a[0]);
}

static int op_rm(struct nfs_context *nfs, char **a)
{
	return nfs_unlink(nfs, a[0]);
}

static int op_mv(struct nfs_context *nfs, char **a)
{
	return nfs_rename(nfs, a[0], a[1]);
}

static int op_ln(struct nfs_context *nfs, char **a)
{
	return nfs_link(nfs, a[0], a[1]);
}

static int op_symlink(struct nfs_context *nfs, char **a)
{
	return nfs_symlink(nfs, a[0], a[1]);
}

static int op_mkfifo(struct nfs_context *nfs, char **a)
{
	return nfs_mknod(nfs, a[0], S_IFIFO | (int)num(a[1], 8), 0);
}

static int op_chmod(struct nfs_context *nfs, char **a)
{
	return nfs_chmod(nfs, a[0], (int)num(a[1], 8));
}

static int op_chown(struct nfs_context *nfs, char **a)
{
	return nfs_chown(nfs, a[0], (int)num(a[1], 10), (int)num(a[2], 10));
}

static int op_truncate(struct nfs_context *nfs, char **a)
{
	return nfs_truncate(nfs, a[0], num(a[1], 10));
}

static int op_utimes(struct nfs_context *nfs, char **a)
{
	struct timeval tv[2] = { { .tv_sec = (time_t)num(a[1], 10) },
				 { .tv_sec = (time_t)num(a[2], 10) } };

	return nfs_utimes(nfs, a[0], tv);
}

static int op_stat(struct nfs_context *nfs, char **a)
{
	struct nfs_stat_64 st;
	int rc = nfs_lstat64(nfs, a[0], &st);

	if (rc == 0)
		printf("stat %s mode=%#" PRIo64 " uid=%" PRIu64 " gid=%" PRIu64 " size=%" PRIu64
		       " nlink=%" PRIu64 "\n", a[0], st.nfs_mode, st.nfs_uid, st.nfs_gid,
		       st.nfs_size, st.nfs_nlink);
	return rc;
}

static const struct op ops[] = {
	{ "put", 3, op_put, "LOCAL PATH unstable|sync" },
	{ "excl", 2, op_excl, "PATH MODE" },
	{ "mkdir", 2, op_mkdir, "PATH MODE" },
	{ "rmdir", 1, op_rmdir, "PATH" },
	{ "rm", 1, op_rm, "PATH" },
	{ "mv", 2, op_mv, "FROM TO" },
	{ "ln", 2, op_ln, "FILE NEWNAME" },
	{ "symlink", 2, op_symlink, "TARGET PATH" },
	{ "mkfifo", 2, op_mkfifo, "PATH MODE" },
	{ "chmod", 2, op_chmod, "PATH MODE" },
	{ "chown", 3, op_chown, "PATH UID GID" },
	{ "truncate", 2, op_truncate, "PATH SIZE" },
	{ "utimes", 3, op_utimes, "PATH ATIME MTIME" },
	{ "stat", 1, op_stat, "PATH" },
	{ 0 }
};

static const struct op *op_find(const char *name)
{
	for (const struct op *o = ops; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: libnfs-op nfs://SERVER/EXPORT[?uid=N&gid=N] OP ARG...\n");
	for (const struct op *o = ops; o->name; o++)
		fprintf(stderr, "  %s %s\n", o->name, o->usage);
}

int main(int argc, char **argv)
{
	struct nfs_context *nfs;
	struct nfs_url *url;
	int failed = 0;

	if (argc < 3) {
		usage();
		return 2;
	}
	nfs = nfs_init_context();
	if (!nfs)
		return 2;
	nfs_set_timeout(nfs, TIMEOUT_MS);
	url = nfs_parse_url_dir(nfs, argv[1]);
	if (!url || nfs_mount(nfs, url->server, url->path) < 0) {
		fprintf(stderr, "libnfs-op: %s: %s\n", argv[1], nfs_get_error(nfs));
		return 2;
	}
	for (int i = 2; i < argc;) {
		const struct op *o = op_find(argv[i]);
		int rc;

		if (!o || i + o->nargs >= argc) {
			usage();
			return 2;
		}
		rc = o->run(nfs, argv + i + 1);
		if (rc < 0) {
			printf("fail %s: %s (%s)\n", o->name, strerror(-rc), nfs_get_error(nfs));
			failed = 1;
		} else {
			printf("ok %s\n", o->name);
		}
		i += 1 + o->nargs;
	}
	fflush(stdout);
	nfs_destroy_url(url);
	nfs_destroy_context(nfs);
	return failed;
}
