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

struct conf_tftpd {
	struct conf_daemon daemon;
};

struct conf_nfsd {
	struct conf_daemon daemon;
};

extern const struct conf_section_def *const suite_schema[];

/* The syslog priority of conf_global.log_level. */
int suite_log_priority(const struct conf_global *g);

#endif
