/* Looking at the TFTP root through pxe-tftpd's path rules and user. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "tftpd/remap.h"
#include "tftp_view.h"

int tftp_view_open(struct tftp_view *v, const struct conf_tftpd *conf, char *err,
		   size_t errlen)
{
	int rc;

	*v = (struct tftp_view){ .conf = conf, .root = { .dirfd = -1 } };
	rc = path_root_open(&v->root, conf->root);
	if (rc < 0) {
		snprintf(err, errlen, "TFTP root %s: %s", conf->root, strerror(-rc));
		return rc;
	}
	if (conf->remap) {
		rc = remap_load(conf->remap, &v->remap, err, errlen);
		if (rc < 0) {
			path_root_close(&v->root);
			return rc;
		}
	}
	return 0;
}

void tftp_view_close(struct tftp_view *v)
{
	path_root_close(&v->root);
	if (v->remap)
		remap_free(v->remap);
	v->remap = NULL;
}

int tftp_view_resolve(const struct tftp_view *v, const char *name, char *out, size_t outsz)
{
	char mapped[PATH_NAME_MAX];
	/* Remap rules may test the client's address (\i); no client is known
	 * here, and rules that depend on one are rare in PXE setups. */
	struct ip_addr nobody = { 0 };
	int rc;

	if (v->remap) {
		rc = remap_apply(v->remap, name, false, &nobody, mapped, sizeof mapped);
		if (rc < 0)
			return -EACCES;
		name = mapped;
	}
	return path_normalize(&v->root, name, out, outsz);
}

int tftp_view_exists(const struct tftp_view *v, const char *resolved)
{
	struct stat st;
	int fd = path_open_read(&v->root, resolved, true, &st);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

bool tftp_view_world_readable(const struct tftp_view *v, const char *resolved)
{
	struct stat st;
	int fd = path_open_read(&v->root, resolved, false, &st);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int tftp_view_slurp(const struct tftp_view *v, const char *resolved, size_t max, char **text,
		    size_t *len)
{
	struct stat st;
	int fd = path_open_read(&v->root, resolved, true, &st);
	char *buf;
	ssize_t n;

	if (fd < 0)
		return fd;
	if ((size_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(buf);
		return -EIO;
	}
	buf[n] = '\0';
	*text = buf;
	*len = (size_t)n;
	return 0;
}

static void open_each(const struct tftp_view *v, const char *const *names, size_t n,
		      int *results)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int fd = path_open_read(&v->root, names[i], v->conf->permissive, &st);

		results[i] = fd < 0 ? fd : 0;
		if (fd >= 0)
			close(fd);
	}
}

/* The child: becomes the user, opens each name, writes the results. */
static void child_check(const struct tftp_view *v, const struct daemon_user *u,
			const char *const *names, size_t n, int out)
{
	int *results = calloc(n ? n : 1, sizeof *results);
	size_t len = n * sizeof *results;
	const char *p;

	if (!results || daemon_user_become(u) < 0)
		_exit(2);
	open_each(v, names, n, results);
	p = (const char *)results;
	while (len > 0) {
		ssize_t w = write(out, p, len);

		if (w <= 0)
			_exit(3);
		p += w;
		len -= (size_t)w;
	}
	_exit(0);
}

static int read_results(int fd, int *results, size_t n)
{
	char *p = (char *)results;
	size_t len = n * sizeof *results;

	while (len > 0) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int tftp_view_check_as_user(const struct tftp_view *v, const char *const *names, size_t n,
			    int *results, char *err, size_t errlen)
{
	struct daemon_user u;
	int pipefd[2], status, rc;
	pid_t pid;

	rc = daemon_user_lookup(v->conf->user, &u);
	if (rc == -EPERM) {		/* root: pxe-tftpd stays root */
		open_each(v, names, n, results);
		return 0;
	}
	if (rc < 0) {
		snprintf(err, errlen, "[tftpd] user = %s: %s", v->conf->user,
			 rc == -ENOENT ? "no such user" : strerror(-rc));
		return rc;
	}
	if (geteuid() == u.uid) {	/* already that user */
		open_each(v, names, n, results);
		return 0;
	}
	if (geteuid() != 0) {
		open_each(v, names, n, results);
		snprintf(err, errlen, "not run as root: files were opened as uid %ld, not as "
			 "[tftpd] user = %s", (long)geteuid(), v->conf->user);
		return 1;
	}
	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return rc;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_check(v, &u, names, n, pipefd[1]);
	}
	close(pipefd[1]);
	rc = read_results(pipefd[0], results, n);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		snprintf(err, errlen, "could not become [tftpd] user = %s to open the files",
			 v->conf->user);
		return -EIO;
	}
	return 0;
}
