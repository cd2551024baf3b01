/* Unit tests for common/daemon.c: the pidfile lock, detaching with a start-up
 * status, dropping to another user, chroot.  Anything that changes the
 * process for good runs in a forked child. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "daemon.h"

/* Room for the supplementary groups a test compares. */
#define MAX_GROUPS 256

/* Scratch directory for pidfiles and the chroot, made by the group setup. */
static char tmpdir[] = "/tmp/test_daemon.XXXXXX";

static void path_in_tmp(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void assert_file_holds_pid(const char *path, pid_t pid)
{
	char got[64], want[64];

	read_file(path, got, sizeof got);
	snprintf(want, sizeof want, "%ld\n", (long)pid);
	assert_string_equal(got, want);
}

/* A pid no process has: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(0);
	assert_int_equal(wait_bounded(pid), 0);
	return pid;
}

static int group_setup(void **state)
{
	/* Detached grandchildren are reparented here, so they can be reaped
	 * and their end observed. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return -1;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
	static const char *names[] = {
		"a.pid", "b.pid", "c.pid", "stale.pid", "detach0.pid",
		"detach3.pid", "detach_die.pid", "detach_lock.pid", "marker",
	};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

struct holder_check {
	const char *path;
	pid_t want;
};

static int second_open_child(void *arg)
{
	struct holder_check *hc = arg;
	struct pidfile pf;
	pid_t holder = -1;

	CHECK(pidfile_open(&pf, hc->path, &holder) == -EEXIST);
	CHECK(holder == hc->want);
	CHECK(pf.fd == -1 && pf.path == NULL);
	return 0;
}

static void test_pidfile_second_open_fails_and_names_holder(void **state)
{
	struct pidfile pf;
	struct holder_check hc;
	char path[PATH_MAX];

	path_in_tmp(path, sizeof path, "a.pid");
	assert_int_equal(pidfile_open(&pf, path, NULL), 0);
	assert_int_equal(pidfile_write(&pf), 0);
	hc.path = path;
	hc.want = getpid();
	assert_int_equal(run_child(second_open_child, &hc), 0);
	pidfile_close(&pf);
}

static void test_pidfile_opens_again_after_close(void **state)
{
	struct pidfile pf;
	char path[PATH_MAX];

	path_in_tmp(path, sizeof path, "b.pid");
	assert_int_equal(pidfile_open(&pf, path, NULL), 0);
	assert_int_equal(pidfile_write(&pf), 0);
	assert_file_holds_pid(path, getpid());
	pidfile_close(&pf);
	assert_int_equal(pf.fd, -1);
	assert_null(pf.path);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(pidfile_open(&pf, path, NULL), 0);
	pidfile_close(&pf);
}

/* A daemon killed with SIGKILL leaves its pidfile but not its lock. */
static void test_pidfile_stale_one_is_taken_over(void **state)
{
	struct pidfile pf;
	char path[PATH_MAX], stale[64];
	pid_t holder = -1;

	path_in_tmp(path, sizeof path, "stale.pid");
	/* Longer than our pid, so a write that does not truncate shows. */
	snprintf(stale, sizeof stale, "%ld\n\n\n\n\n\n\n\n", (long)dead_pid());
	write_file(path, stale);
	assert_int_equal(pidfile_open(&pf, path, &holder), 0);
	assert_int_equal(holder, 0);
	assert_int_equal(pidfile_write(&pf), 0);
	assert_file_holds_pid(path, getpid());
	pidfile_close(&pf);
}

static void test_pidfile_in_missing_dir_is_enoent(void **state)
{
	struct pidfile pf;
	char path[PATH_MAX];

	path_in_tmp(path, sizeof path, "no/such/dir.pid");
	assert_int_equal(pidfile_open(&pf, path, NULL), -ENOENT);
	assert_int_equal(pf.fd, -1);
	pidfile_close(&pf);
}

/* A zeroed struct has fd 0 and path NULL: path must decide, so that an fd
 * the pidfile never opened is not closed. */
static void test_pidfile_close_never_opened_is_harmless(void **state)
{
	struct pidfile unset = { .fd = -1, .path = NULL };
	struct pidfile stray = { .path = NULL };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	stray.fd = fd;
	pidfile_close(&stray);
	pidfile_close(&unset);
	assert_true(fcntl(fd, F_GETFD) != -1);
	close(fd);
	assert_int_equal(pidfile_write(&unset), -EBADF);
}

struct detach_case {
	const char *pidfile;
	int ready;		/* daemon_ready() status, or -1: exit without */
	bool keep_stderr;
	int report;		/* the daemon writes a detach_report here */
	int go;			/* if >= 0, the daemon waits for EOF here */
	int go_w;		/* the write end of go, for the daemon to close */
};

struct detach_report {
	pid_t pid;
	int pidfile_ret;
	bool session_leader;
	bool cwd_is_root;
	bool stdio_ok;
};

static bool is_dev_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
	    S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

/* Runs in the process that calls daemon_detach(); past the call, only in
 * the detached daemon, since the caller exits inside it. */
static int detach_child(void *arg)
{
	struct detach_case *c = arg;
	struct detach_report rep;
	struct pidfile pf;
	char cwd[PATH_MAX], b;

	CHECK(pidfile_open(&pf, c->pidfile, NULL) == 0);
	CHECK(daemon_detach(c->keep_stderr) == 0);
	alarm(CHILD_TIMEOUT);
	if (c->go_w >= 0)
		close(c->go_w);
	memset(&rep, 0, sizeof rep);
	rep.pid = getpid();
	rep.pidfile_ret = pidfile_write(&pf);
	rep.session_leader = getsid(0) == getpid();
	rep.cwd_is_root = getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") == 0;
	rep.stdio_ok = is_dev_null(STDIN_FILENO) && is_dev_null(STDOUT_FILENO) &&
	    is_dev_null(STDERR_FILENO) == !c->keep_stderr;
	CHECK(write(c->report, &rep, sizeof rep) == sizeof rep);
	if (c->ready >= 0)
		daemon_ready(c->ready);
	if (c->go >= 0)
		while (read(c->go, &b, 1) > 0)
			;
	return 0;
}

static void read_report(int fd, struct detach_report *rep)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, CHILD_TIMEOUT * 1000), 1);
	assert_int_equal(read(fd, rep, sizeof *rep), sizeof *rep);
}

/* Detaches with c in a child; returns the exit status of that child (the
 * parent side of daemon_detach()) and the detached daemon's report. */
static int detach_and_report(struct detach_case *c, struct detach_report *rep)
{
	int p[2], status;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	c->report = p[1];
	status = run_child(detach_child, c);
	close(p[1]);
	read_report(p[0], rep);
	close(p[0]);
	return status;
}

static void assert_detached_ok(const struct detach_case *c,
    const struct detach_report *rep)
{
	assert_int_equal(rep->pidfile_ret, 0);
	assert_true(rep->session_leader);
	assert_true(rep->cwd_is_root);
	assert_true(rep->stdio_ok);
	assert_file_holds_pid(c->pidfile, rep->pid);
}

static void detach_with_status(const char *name, int ready, int want,
    bool keep_stderr)
{
	struct detach_case c = { .ready = ready, .keep_stderr = keep_stderr,
	    .go = -1, .go_w = -1 };
	struct detach_report rep;
	char path[PATH_MAX];

	path_in_tmp(path, sizeof path, name);
	c.pidfile = path;
	assert_int_equal(detach_and_report(&c, &rep), want);
	assert_int_equal(wait_bounded(rep.pid), 0);
	assert_detached_ok(&c, &rep);
}

static void test_detach_parent_exits_0_on_ready_0(void **state)
{
	detach_with_status("detach0.pid", 0, 0, false);
}

static void test_detach_parent_exits_3_on_ready_3(void **state)
{
	detach_with_status("detach3.pid", 3, 3, true);
}

static void test_detach_parent_exits_1_when_daemon_dies_unready(void **state)
{
	detach_with_status("detach_die.pid", -1, 1, false);
}

/* The lock taken before detaching must still keep a second daemon out. */
static void test_detach_keeps_pidfile_lock_in_daemon(void **state)
{
	struct detach_case c = { .ready = 0 };
	struct detach_report rep;
	struct pidfile pf;
	char path[PATH_MAX];
	pid_t holder = -1;
	int go[2];

	path_in_tmp(path, sizeof path, "detach_lock.pid");
	c.pidfile = path;
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	c.go = go[0];
	c.go_w = go[1];
	assert_int_equal(detach_and_report(&c, &rep), 0);
	assert_int_equal(pidfile_open(&pf, path, &holder), -EEXIST);
	assert_int_equal(holder, rep.pid);
	close(go[1]);
	close(go[0]);
	assert_int_equal(wait_bounded(rep.pid), 0);
	assert_int_equal(pidfile_open(&pf, path, &holder), 0);
	pidfile_close(&pf);
}

static int ready_undetached_child(void *arg)
{
	daemon_ready(0);
	CHECK(fcntl(STDIN_FILENO, F_GETFD) != -1);
	CHECK(fcntl(STDOUT_FILENO, F_GETFD) != -1);
	CHECK(fcntl(STDERR_FILENO, F_GETFD) != -1);
	return 7;
}

static void test_ready_without_detach_does_nothing(void **state)
{
	assert_int_equal(run_child(ready_undetached_child, NULL), 7);
}

static bool same_groups(const gid_t *a, int na, const gid_t *b, int nb)
{
	int i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return false;
	}
	for (j = 0; j < nb; j++) {
		for (i = 0; i < na && a[i] != b[j]; i++)
			;
		if (i == na)
			return false;
	}
	return true;
}

static int drop_child(void *arg)
{
	const char *user = arg;
	struct passwd *pw = getpwnam("nobody");
	gid_t want[MAX_GROUPS], got[MAX_GROUPS], root = 0;
	int nwant = MAX_GROUPS, ngot;
	uid_t uid, ru, eu, su;
	gid_t gid, rg, eg, sg;

	CHECK(pw != NULL);
	/* Copied: the next getpw*() call may reuse *pw. */
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	CHECK(getgrouplist(pw->pw_name, gid, want, &nwant) != -1);
	/* Something for the drop to replace. */
	CHECK(setgroups(1, &root) == 0);
	CHECK(daemon_drop_privileges(user) == 0);
	CHECK(getresuid(&ru, &eu, &su) == 0);
	CHECK(ru == uid && eu == uid && su == uid);
	CHECK(getresgid(&rg, &eg, &sg) == 0);
	CHECK(rg == gid && eg == gid && sg == gid);
	ngot = getgroups(MAX_GROUPS, got);
	CHECK(ngot >= 0);
	CHECK(same_groups(want, nwant, got, ngot));
	CHECK(setuid(0) == -1 && errno == EPERM);
	CHECK(seteuid(0) == -1);
	return 0;
}

static struct passwd *need_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");

	if (pw == NULL) {
		skip_or_fail("no user nobody");
	}
	return pw;
}

static void test_drop_privileges_to_nobody_by_name(void **state)
{
	need_root();
	need_nobody();
	assert_int_equal(run_child(drop_child, (void *)"nobody"), 0);
}

static void test_drop_privileges_to_nobody_by_uid(void **state)
{
	char uid[32];

	need_root();
	snprintf(uid, sizeof uid, "%lu", (unsigned long)need_nobody()->pw_uid);
	assert_int_equal(run_child(drop_child, uid), 0);
}

/* Another user than nobody and root, or NULL. */
static char *other_user(uid_t nobody)
{
	struct passwd *pw;
	char *name = NULL;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (pw->pw_uid != 0 && pw->pw_uid != nobody) {
			name = strdup(pw->pw_name);
			break;
		}
	}
	endpwent();
	return name;
}

static int drop_again_child(void *arg)
{
	const char *other = arg;

	CHECK(daemon_drop_privileges("nobody") == 0);
	/* Already that user, so nothing to do and no root needed. */
	CHECK(daemon_drop_privileges("nobody") == 0);
	CHECK(daemon_drop_privileges(other) == -EPERM);
	return 0;
}

static void test_drop_privileges_without_root_only_to_self(void **state)
{
	char *other;

	need_root();
	other = other_user(need_nobody()->pw_uid);
	if (other == NULL) {
		skip_or_fail("no user besides root and nobody");
	}
	assert_int_equal(run_child(drop_again_child, other), 0);
	free(other);
}

/* A uid in the passwd database's gaps, or 0 if none found. */
static uid_t unused_uid(void)
{
	uid_t uid;

	for (uid = 4000000000u; uid < 4000000100u; uid++)
		if (getpwuid(uid) == NULL)
			return uid;
	return 0;
}

static int unknown_user_child(void *arg)
{
	char uid[32];
	uid_t u = unused_uid();

	CHECK(u != 0);
	snprintf(uid, sizeof uid, "%lu", (unsigned long)u);
	CHECK(daemon_drop_privileges("pxesuite-no-such-user") == -ENOENT);
	CHECK(daemon_drop_privileges(uid) == -ENOENT);
	CHECK(daemon_drop_privileges("12abc") == -ENOENT);
	CHECK(daemon_drop_privileges("") == -ENOENT);
	CHECK(daemon_drop_privileges("99999999999999999999") == -ENOENT);
	return 0;
}

/* In a child all the same: should one be found after all, we drop for good. */
static void test_drop_privileges_unknown_user_is_enoent(void **state)
{
	assert_int_equal(run_child(unknown_user_child, NULL), 0);
}

static int to_root_child(void *arg)
{
	CHECK(daemon_drop_privileges("root") == -EPERM);
	CHECK(daemon_drop_privileges("0") == -EPERM);
	return 0;
}

static void test_drop_privileges_to_root_is_refused(void **state)
{
	assert_int_equal(run_child(to_root_child, NULL), 0);
}

static int chroot_child(void *arg)
{
	char marker[PATH_MAX], cwd[PATH_MAX];

	snprintf(marker, sizeof marker, "%s/marker", tmpdir);
	CHECK(daemon_chroot(tmpdir) == 0);
	CHECK(access("/marker", F_OK) == 0);
	/* The old absolute path is gone: we are inside. */
	CHECK(access(marker, F_OK) == -1);
	CHECK(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") == 0);
	return 0;
}

static void test_chroot_makes_dir_the_root(void **state)
{
	char marker[PATH_MAX];

	need_root();
	path_in_tmp(marker, sizeof marker, "marker");
	write_file(marker, "here\n");
	assert_int_equal(run_child(chroot_child, NULL), 0);
}

/* After dropping root the daemon may not unlink in a root-owned directory:
 * it empties the pidfile it still holds open instead. */
static int pidfile_after_drop_child(void *arg)
{
	struct pidfile pf;
	char path[PATH_MAX];
	pid_t holder;

	snprintf(path, sizeof path, "%s/dropped.pid", tmpdir);
	CHECK(pidfile_open(&pf, path, &holder) == 0);
	CHECK(pidfile_write(&pf) == 0);
	CHECK(daemon_drop_privileges("nobody") == 0);
	CHECK(pidfile_close(&pf) == 0);
	return 0;
}

static void test_pidfile_close_after_drop_empties_it(void **state)
{
	char path[PATH_MAX];

	struct stat st;

	need_root();
	need_nobody();
	assert_int_equal(run_child(pidfile_after_drop_child, NULL), 0);
	path_in_tmp(path, sizeof path, "dropped.pid");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	unlink(path);
}

/* The order a confined daemon uses: look the user up, chroot (where there is
 * no /etc/passwd), then become the user. */
static int chroot_then_drop_child(void *arg)
{
	struct passwd *pw = getpwnam("nobody");
	struct daemon_user u;
	uid_t uid;

	CHECK(pw != NULL);
	uid = pw->pw_uid;
	CHECK(daemon_user_lookup("nobody", &u) == 0);
	CHECK(daemon_chroot(tmpdir) == 0);
	CHECK(access("/etc/passwd", F_OK) == -1);
	CHECK(daemon_user_become(&u) == 0);
	CHECK(getuid() == uid && geteuid() == uid);
	CHECK(setuid(0) == -1);
	return 0;
}

static void test_user_looked_up_before_chroot_is_become_after(void **state)
{
	need_root();
	need_nobody();
	assert_int_equal(run_child(chroot_then_drop_child, NULL), 0);
}

static int chroot_missing_child(void *arg)
{
	CHECK(daemon_chroot("/nonexistent/pxesuite") == -ENOENT);
	return 0;
}

static void test_chroot_missing_dir_is_enoent(void **state)
{
	assert_int_equal(run_child(chroot_missing_child, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pidfile_second_open_fails_and_names_holder),
		cmocka_unit_test(test_pidfile_opens_again_after_close),
		cmocka_unit_test(test_pidfile_stale_one_is_taken_over),
		cmocka_unit_test(test_pidfile_in_missing_dir_is_enoent),
		cmocka_unit_test(test_pidfile_close_never_opened_is_harmless),
		cmocka_unit_test(test_detach_parent_exits_0_on_ready_0),
		cmocka_unit_test(test_detach_parent_exits_3_on_ready_3),
		cmocka_unit_test(test_detach_parent_exits_1_when_daemon_dies_unready),
		cmocka_unit_test(test_detach_keeps_pidfile_lock_in_daemon),
		cmocka_unit_test(test_ready_without_detach_does_nothing),
		cmocka_unit_test(test_drop_privileges_to_nobody_by_name),
		cmocka_unit_test(test_drop_privileges_to_nobody_by_uid),
		cmocka_unit_test(test_drop_privileges_without_root_only_to_self),
		cmocka_unit_test(test_drop_privileges_unknown_user_is_enoent),
		cmocka_unit_test(test_drop_privileges_to_root_is_refused),
		cmocka_unit_test(test_user_looked_up_before_chroot_is_become_after),
		cmocka_unit_test(test_pidfile_close_after_drop_empties_it),
		cmocka_unit_test(test_chroot_makes_dir_the_root),
		cmocka_unit_test(test_chroot_missing_dir_is_enoent),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
