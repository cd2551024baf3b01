/* Whose rights an NFS call runs with: the caller's AUTH_SYS or AUTH_NONE
 * identity squashed by its export's options, the kernel's permission checks
 * and file creation made as that identity, and the daemon's own privileges
 * (a user with a few capabilities kept). */
#ifndef PXE_NFSD_CRED_H
#define PXE_NFSD_CRED_H

#include <rpc/rpc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "export_spec.h"

/* RFC 5531 §14 (AUTH_SYS): at most 16 supplementary gids; libtirpc refuses
 * more with AUTH_BADCRED before a call reaches the server. */
#define CRED_GIDS_MAX 16

struct cred {
	uint32_t uid;
	uint32_t gid;
	unsigned ngids;
	uint32_t gids[CRED_GIDS_MAX];
};

/* The caller's identity as sent: AUTH_SYS's uid, gid and gids, or for
 * AUTH_NONE the anonymous ids (EXPORT_ANON_ID, replaced by the export's
 * anonuid/anongid in cred_squash).  The flavour goes to *flavor as an
 * EXPORT_SEC_* bit, 0 for any other (the caller refuses the call). */
void cred_from_request(const struct svc_req *rq, struct cred *c, unsigned *flavor);

/* exports(5): all_squash maps every id to anonuid/anongid and drops the
 * supplementary groups; root_squash maps uid 0 and gid 0 (primary or
 * supplementary) to them.  AUTH_NONE (flavor EXPORT_SEC_NONE) is always
 * anonymous.  Pure. */
void cred_squash(struct cred *c, unsigned flavor, const struct export_opts *o);

/* Start-up.  As root: keeps CAP_DAC_READ_SEARCH (open_by_handle_at(2)),
 * CAP_SETUID and CAP_SETGID (setfsuid, setfsgid, setgroups per call)
 * effective, and CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID and
 * CAP_MKNOD permitted only, for callers mapped to uid 0 (cred_enter); drops
 * every other capability from the bounding set, becomes user, and sets
 * no_new_privs and SECBIT_NOROOT.  Started as another user, it needs the
 * first three permitted (systemd AmbientCapabilities=) and keeps what it
 * has of the other five.  The file system uid is then 0, so that
 * CAP_DAC_READ_SEARCH stays effective between calls.  user "root" or "0"
 * keeps root.  0, or a negative errno with the reason in err. */
int cred_drop_privileges(const char *user, char *err, size_t errlen);

/* cred_enter's how: the owner of a file may open it for writing whatever
 * its mode says, as kernel nfsd lets it (a file created read-only is
 * written next); the caller checks the ownership. */
#define CRED_OWNER_OVERRIDE 1u

/* The file system calls that follow run as c: its file system uid and
 * gid and its groups, so that the kernel checks permissions as c and new
 * files are c's.  For a caller mapped to uid 0 root's file capabilities
 * (cred_drop_privileges) are effective; for anyone else none but the way
 * back.  0, or a negative errno with nothing switched. */
int cred_enter(const struct cred *c, unsigned how);
/* Back to the daemon's own file system uid and capabilities. */
void cred_leave(void);

/* Whether c may access the file of fd (O_PATH is enough) for mode, a mask
 * of R_OK, W_OK and X_OK, as the kernel decides for that caller — mode bits,
 * POSIX ACLs, and root's capabilities for uid 0 — through faccessat(2) with
 * AT_EACCESS run with c's fsuid, fsgid and groups.  0, -EACCES, or another
 * negative errno (-EPERM: the switch itself failed). */
int cred_access(const struct cred *c, int fd, int mode);

/* Before the exit: back to effective uid 0 (CAP_SETUID allows it) when
 * started as root, so that rpcbind accepts the unregistration from the user
 * that registered, and the pidfile goes.  Returns the effective uid to give
 * back to cred_leave_registrant() once that is done: a process whose ids
 * differ is one LeakSanitizer's tracer may not look into at the exit. */
uid_t cred_become_registrant(void);
void cred_leave_registrant(uid_t euid);

#endif
