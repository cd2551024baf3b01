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
	bool progress;		/* record each client's steps for pxectl status */
	char *progress_dir;
};

/* What every daemon section has. */
struct conf_daemon {
	char *pidfile;
};

enum dhcpd_mode {
	DHCPD_MODE_SERVER,	/* hands out addresses */
	DHCPD_MODE_PROXY,	/* proxyDHCP: boot information only, beside another server */
};

struct conf_dhcpd {
	struct conf_daemon daemon;
	int mode;			/* enum dhcpd_mode */
	struct conf_list interfaces;	/* of char *; empty: those with an address in a subnet */
	struct ip_addr server_address;	/* option 54; unset: the receiving interface's */
	char *lease_file;
	uint64_t lease_time_ms;
	uint64_t max_lease_time_ms;	/* what a client may ask for with option 51 */
	uint64_t offer_hold_ms;		/* an offered address is kept for its client */
	uint64_t decline_hold_ms;	/* a declined address stays out of the pool */
	bool authoritative;		/* NAK what is not ours on a served subnet */
	bool ping_check;
	uint64_t ping_timeout_ms;
	bool deny_unknown;		/* answer [host] machines only */
	char *user;
	struct ip_addr next_server;	/* siaddr; unset: the server address */
	char *boot_file;		/* BIOS (option 93 = 0) */
	char *boot_file_efi32;		/* 6 */
	char *boot_file_efi64;		/* 7, 9 */
	char *boot_file_arm64;		/* 11 */
	char *boot_file_http;		/* 16, 19: a URL */
	char *ipxe_script;		/* for user class "iPXE" (option 77) */
	struct conf_keyed options;	/* "option CODE = value", for every client */
};

/* [subnet CIDR] */
struct conf_subnet {
	struct conf_list range;		/* of struct ip_addr: first, last pairs */
	struct conf_list router;	/* of struct ip_addr */
	struct conf_list dns;
	struct conf_list ntp;
	char *domain;
	long long mtu;			/* 0: not sent */
	uint64_t lease_time_ms;		/* 0: [dhcpd]'s */
	struct ip_addr next_server;
	struct conf_keyed options;
};

/* [host NAME] */
struct conf_host {
	struct mac_addr mac;		/* see suite_host_has_mac() */
	char *client_id;		/* hex bytes of option 61 */
	struct ip_addr address;		/* unset: a pool address */
	char *hostname;
	char *boot_file;
	struct ip_addr next_server;
	char *pxelinux_config;		/* option 209 */
	struct conf_keyed options;
};

/* [class NAME] */
struct conf_class {
	char *vendor_class;		/* prefix of option 60 */
	char *user_class;		/* option 77, whole */
	struct conf_list arch;		/* of long long: option 93 values */
	struct conf_list subnets;	/* of struct cidr: the client's network within one */
	char *boot_file;
	struct ip_addr next_server;
	struct conf_keyed options;
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
	char *exports_file;		/* exports(5) lines, beside the [export] sections; or NULL */
	char *state_dir;		/* the file handle key lives here */
	char *user;			/* to run as once the sockets are bound */
	struct ip_addr address;		/* to listen on; unset: every address */
	long long nfs_port;
	long long mount_port;		/* 0: any free port, told to rpcbind */
	bool require_rpcbind;		/* no: without rpcbind, serve unregistered on fixed ports */
};

/* [export PATH] */
struct conf_export {
	struct conf_list clients;	/* of char *: exports(5) host patterns */
	char *options;			/* an exports(5) option list, for every client */
};

extern const struct conf_section_def *const suite_schema[];
/* pxe-dhcpd's part of it (suite_conf_dhcpd.c). */
extern const struct conf_section_def suite_dhcpd_def, suite_subnet_def, suite_host_def,
	suite_class_def;
/* pxe-nfsd's part of it (suite_conf_nfsd.c). */
extern const struct conf_section_def suite_nfsd_def, suite_export_def;

/* A string key left unset or set empty. */
static inline bool conf_str_set(const char *s)
{
	return s && *s;
}
/* [subnet ARG]'s network: 0, or -EINVAL with a message. */
int suite_subnet_net(const struct conf_section *sec, struct cidr *net, char *err, size_t errlen);
/* Whether a [host] section set its mac. */
bool suite_host_has_mac(const struct conf_section *host);
/* [host] client_id as bytes: their number, or -EINVAL with a message. */
int suite_host_client_id(const char *text, uint8_t *out, size_t outsz, char *err,
			 size_t errlen);

/* Options 1, 28, 58 and 59 of sec given by number, against what pxe-dhcpd
 * derives on each subnet they reach (suite_conf_derived.c).  0, or -1 with
 * a message and *key naming the item. */
int suite_dhcpd_check_derived(const struct conf *conf, const struct conf_section *sec,
			      const struct conf_keyed *options, const char **key, char *err,
			      size_t errlen);

/* What pxe-dhcpd needs of a config beyond the schema, which every daemon
 * reads whole: something to serve.  0, or -1 with a message (cli_spec.check). */
int suite_dhcpd_check_servable(const struct conf *conf, char *err, size_t errlen);

/* The syslog priority of conf_global.log_level. */
int suite_log_priority(const struct conf_global *g);

#endif
