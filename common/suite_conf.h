/* The schema of pxesuite.ini: every section and key of the suite, so that each
 * daemon (and pxectl) checks the whole file, not only its own part. */
#ifndef PXE_SUITE_CONF_H
#define PXE_SUITE_CONF_H

#include "conf.h"

#define SUITE_CONF_DEFAULT SYSCONFDIR "/pxesuite/pxesuite.ini"

enum suite_log_dest {
	SUITE_LOG_AUTO,		/* stderr in the foreground, syslog when detached */
	SUITE_LOG_STDERR,
	SUITE_LOG_SYSLOG,
};

struct conf_global {
	int log;		/* enum suite_log_dest */
	int log_level;		/* index into the level names: err .. debug */
};

/* What every daemon section has. */
struct conf_daemon {
	char *pidfile;
};

struct conf_dhcpd {
	struct conf_daemon daemon;
};

enum suite_family {
	SUITE_FAMILY_ANY,
	SUITE_FAMILY_IPV4,
	SUITE_FAMILY_IPV6,
};

struct conf_tftpd {
	struct conf_daemon daemon;
	char *root;			/* every file is served from under it */
	bool listen;			/* standalone even when fd 0 is a socket */
	struct hostport address;	/* standalone: where requests come in */
	int family;			/* enum suite_family */
	char *user;			/* to run as once the sockets are bound */
	long long umask;		/* for files written by WRQ */
	bool allow_create;		/* WRQ may create new files */
	bool permissive;		/* no world-readable/-writable check */
	long long blksize_max;		/* RFC 2348 option cap */
	long long windowsize_max;	/* RFC 7440 option cap */
	uint64_t retransmit_ms;		/* first retransmission, before RTT samples */
	long long retries;		/* retransmissions before a transfer is dropped */
	uint64_t idle_timeout_ms;	/* inetd/systemd: exit after this long idle */
	struct conf_range port_range;	/* transfer ports; 0:0 = any */
	char *remap;			/* tftp-hpa remap rules file, or NULL */
	long long max_transfers;	/* at once, in total */
	long long max_per_client;	/* at once, from one address */
};

struct conf_nfsd {
	struct conf_daemon daemon;
};

extern const struct conf_section_def *const suite_schema[];

/* The syslog priority of conf_global.log_level. */
int suite_log_priority(const struct conf_global *g);

#endif
