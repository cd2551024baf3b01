/* Caller identities and the daemon's privileges.  The daemon runs as its
 * user with a few capabilities; a call that touches files switches the file
 * system ids and groups to the caller's, lets the kernel decide, and
 * switches back.  Only the file system ids change, so nothing else the
 * process does (sockets, rpcbind) sees the caller. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cred.h"
#include "daemon.h"
#include "log.h"

#define CAP(c) (1u << (c))
/* Always effective: open_by_handle_at(2), and switching ids per call. */
#define BASE_CAPS (CAP(CAP_DAC_READ_SEARCH) | CAP(CAP_SETUID) | CAP(CAP_SETGID))
/* Effective only while serving a caller mapped to uid 0 (no_root_squash):
 * what root may do to files on a kernel NFS server. */
#define ROOT_CAPS (CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | \
		   CAP(CAP_FSETID) | CAP(CAP_MKNOD))
#define KEPT_CAPS (BASE_CAPS | ROOT_CAPS)
/* While serving anyone else: only the way back. */
#define CALLER_CAPS (CAP(CAP_SETUID) | CAP(CAP_SETGID))

/* Set once the daemon runs as its user: the capabilities it holds, which
 * cred_enter and cred_leave make effective by turns.  0: still root (user
 * root), where the kernel's own fixup on file system uid changes does. */
static uint32_t permitted_caps;

/* ---------------------------------------------------------------- identities */

void cred_from_request(const struct svc_req *rq, struct cred *c, unsigned *flavor)
{
	const struct authunix_parms *au;

	memset(c, 0, sizeof *c);
	c->uid = EXPORT_ANON_ID;
	c->gid = EXPORT_ANON_ID;
	switch (rq->rq_cred.oa_flavor) {
	case AUTH_NONE:
		*flavor = EXPORT_SEC_NONE;
		return;
	case AUTH_SYS:
		/* libtirpc decoded it (svcauth_unix) and refused more than
		 * NGRPS gids with AUTH_BADCRED; the bound is checked again
		 * rather than trusted. */
		au = (const struct authunix_parms *)rq->rq_clntcred;
		if (!au || au->aup_len > CRED_GIDS_MAX) {
			*flavor = 0;
			return;
		}
		c->uid = au->aup_uid;
		c->gid = au->aup_gid;
		c->ngids = au->aup_len;
		for (unsigned i = 0; i < c->ngids; i++)
			c->gids[i] = au->aup_gids[i];
		*flavor = EXPORT_SEC_SYS;
		return;
	default:
		*flavor = 0;
		return;
	}
}

void cred_squash(struct cred *c, unsigned flavor, const struct export_opts *o)
{
	if (o->all_squash || flavor == EXPORT_SEC_NONE) {
		c->uid = o->anonuid;
		c->gid = o->anongid;
		c->ngids = 0;
		return;
	}
	if (!o->root_squash)
		return;
	if (c->uid == 0)
		c->uid = o->anonuid;
	if (c->gid == 0)
		c->gid = o->anongid;
	for (unsigned i = 0; i < c->ngids; i++)
		if (c->gids[i] == 0)
			c->gids[i] = o->anongid;
}

/* ---------------------------------------------------------------- capabilities */

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

static int caps_set(uint32_t permitted, uint32_t effective)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof d);
	d[0].permitted = permitted;
	d[0].effective = effective;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Every capability outside KEPT_CAPS leaves the bounding set: nothing the
 * process execs, nor the process itself, can get one back. */
static int bounding_drop(void)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (cap < 32 && (KEPT_CAPS & (1u << cap)))
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;		/* past the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	}
	return 0;
}

static int say(char *err, size_t errlen, int rc, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(-rc));
	return rc;
}

/* The state every start ends in: permitted the capabilities kept (those of
 * ROOT_CAPS that were there to keep), effective BASE_CAPS, the file system
 * uid 0 (see cred.h), no way back to full root. */
static int settle(uint32_t permitted, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	int rc;

	rc = caps_set(permitted, BASE_CAPS);
	if (rc < 0)
		return say(err, errlen, rc, "capset");
	setfsuid(0);
	if ((int)setfsuid((uid_t)-1) != 0)
		return say(err, errlen, -EPERM, "setfsuid(0)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return say(err, errlen, -errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	rc = caps_get(d);
	if (rc < 0)
		return say(err, errlen, rc, "capget");
	if ((d[0].effective & BASE_CAPS) != BASE_CAPS)
		return say(err, errlen, -EPERM, "capabilities kept");
	permitted_caps = permitted;
	return 0;
}

int cred_drop_privileges(const char *user, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	struct daemon_user u;
	int rc;

	if (strcmp(user, "root") == 0 || strcmp(user, "0") == 0) {
		log_notice("user = %s: staying root", user);
		return 0;
	}
	if (geteuid() != 0) {
		rc = caps_get(d);
		if (rc < 0 || (d[0].permitted & BASE_CAPS) != BASE_CAPS) {
			snprintf(err, errlen, "started as uid %ld without CAP_DAC_READ_SEARCH, "
				 "CAP_SETUID and CAP_SETGID: start as root, or grant them "
				 "(systemd: AmbientCapabilities=)", (long)geteuid());
			return -EPERM;
		}
		if ((d[0].permitted & ROOT_CAPS) != ROOT_CAPS)
			log_notice("not started as root, without some of CAP_CHOWN, "
				   "CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID and CAP_MKNOD: "
				   "no_root_squash clients get less than root's rights");
		log_debug("not started as root: running as uid %ld with the capabilities "
			  "it needs", (long)geteuid());
		return settle(d[0].permitted & KEPT_CAPS, err, errlen);
	}
	rc = daemon_user_lookup(user, &u);
	if (rc < 0) {
		snprintf(err, errlen, "user %s: %s", user,
			 rc == -ENOENT ? "no such user" : strerror(-rc));
		return rc;
	}
	/* SECBIT_KEEP_CAPS carries the permitted set through setresuid;
	 * NOROOT stops an exec as root from regaining the full set; the
	 * fixup of capabilities on file system uid changes stays on: cred_access
	 * depends on it. */
	if (prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		  SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
		return say(err, errlen, -errno, "prctl(PR_SET_SECUREBITS)");
	rc = bounding_drop();
	if (rc < 0)
		return say(err, errlen, rc, "prctl(PR_CAPBSET_DROP)");
	if (setgroups((size_t)u.ngroups, u.groups) < 0 ||
	    setresgid(u.gid, u.gid, u.gid) < 0 || setresuid(u.uid, u.uid, u.uid) < 0)
		return say(err, errlen, -errno, "becoming the user");
	return settle(KEPT_CAPS, err, errlen);
}

uid_t cred_become_registrant(void)
{
	uid_t euid = geteuid();

	if (euid != 0 && seteuid(0) < 0)
		log_debug("seteuid(0) for rpcbind: %s", strerror(errno));
	return euid;
}

void cred_leave_registrant(uid_t euid)
{
	if (euid != 0 && seteuid(euid) < 0)
		log_debug("seteuid(%ld): %s", (long)euid, strerror(errno));
}

/* ---------------------------------------------------------------- switching */

/* The groups last given to setgroups, so that a run of calls from one
 * caller costs no setgroups each.  The file system gid and the groups stay
 * the last caller's between calls: only the file system uid (0) matters
 * to the capabilities, and the daemon creates files only as a caller. */
static struct {
	bool valid;
	uint32_t gid;
	unsigned ngids;
	gid_t gids[CRED_GIDS_MAX];
} cur_groups;

static int use_groups(const struct cred *c)
{
	gid_t gids[CRED_GIDS_MAX];

	for (unsigned i = 0; i < c->ngids; i++)
		gids[i] = c->gids[i];
	if (cur_groups.valid && cur_groups.gid == c->gid && cur_groups.ngids == c->ngids &&
	    memcmp(cur_groups.gids, gids, c->ngids * sizeof gids[0]) == 0)
		return 0;
	cur_groups.valid = false;
	setfsgid(c->gid);
	if ((uint32_t)setfsgid((gid_t)-1) != c->gid)
		return -EPERM;
	/* the raw system call changes this thread's groups only: glibc's
	 * setgroups would signal every thread (the resolver's, nfsd/resolver.c,
	 * which never touch a file) on each change */
	if (syscall(SYS_setgroups, (size_t)c->ngids, gids) < 0)
		return -errno;
	cur_groups.valid = true;
	cur_groups.gid = c->gid;
	cur_groups.ngids = c->ngids;
	memcpy(cur_groups.gids, gids, c->ngids * sizeof gids[0]);
	return 0;
}

/* The capabilities effective while serving c. */
static uint32_t caller_caps(const struct cred *c, unsigned how)
{
	uint32_t eff = c->uid == 0 ? BASE_CAPS | ROOT_CAPS : CALLER_CAPS;

	if (how & CRED_OWNER_OVERRIDE)
		eff |= CAP(CAP_DAC_OVERRIDE);
	return eff & permitted_caps;
}

int cred_enter(const struct cred *c, unsigned how)
{
	struct __user_cap_data_struct d[2];
	int rc;

	rc = use_groups(c);
	if (rc < 0)
		return rc;
	setfsuid(c->uid);
	/* setfsuid cannot report failure: read the id back, or the call
	 * would run with the server's capabilities and let everything in */
	if ((uint32_t)setfsuid((uid_t)-1) != c->uid) {
		setfsuid(0);
		return -EPERM;
	}
	if (permitted_caps)
		rc = caps_set(permitted_caps, caller_caps(c, how));
	else if ((how & CRED_OWNER_OVERRIDE) && (rc = caps_get(d)) == 0)
		/* still root: the kernel dropped the file capabilities for a
		 * caller other than 0; this one comes back for the open */
		rc = caps_set(d[0].permitted, d[0].effective | CAP(CAP_DAC_OVERRIDE));
	if (rc < 0)
		cred_leave();
	return rc;
}

void cred_leave(void)
{
	setfsuid(0);
	/* going back to file system uid 0 raised every permitted file
	 * capability: keep only the daemon's own */
	if (permitted_caps && caps_set(permitted_caps, BASE_CAPS) < 0)
		log_err("capset: %s", strerror(errno));
}

/* ---------------------------------------------------------------- checks */

int cred_access(const struct cred *c, int fd, int mode)
{
	int rc;

	rc = cred_enter(c, 0);
	if (rc < 0)
		return rc;
	rc = faccessat(fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno : 0;
	cred_leave();
	return rc;
}
