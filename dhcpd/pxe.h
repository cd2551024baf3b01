/* pxe-dhcpd's boot decisions: what kind of network-boot client sent a
 * request, which [class] it falls in, which boot file and next server it
 * gets, and how that is written into the reply.  Pure functions, no I/O. */
#ifndef PXE_DHCPD_PXE_H
#define PXE_DHCPD_PXE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"
#include "dhcpd_config.h"

/* Option 93 values (RFC 4578 §2.1 and IANA's "Processor Architecture
 * Types" registry) that pick a [dhcpd] boot_file_* key. */
enum pxe_arch {
	PXE_ARCH_X86_BIOS = 0,
	PXE_ARCH_EFI_IA32 = 6,
	PXE_ARCH_EFI_BC = 7,		/* x86-64 UEFI in practice (OVMF, iPXE) */
	PXE_ARCH_EFI_X86_64 = 9,
	PXE_ARCH_EFI_ARM64 = 11,
	PXE_ARCH_HTTP_X86_64 = 16,	/* UEFI HTTP boot */
	PXE_ARCH_HTTP_ARM64 = 19,
};

/* iPXE's encapsulated options inside option 175 (iPXE include/ipxe/dhcp.h). */
enum {
	PXE_IPXE_NO_PXEDHCP = 176,	/* 1: no ProxyDHCP is coming, do not wait for one */
};

/* PXE 2.1 table 2-1, PXE_DISCOVERY_CONTROL bit 3: when the offer names a
 * boot file, download it; no menu, no boot-server discovery. */
#define PXE_DISCOVERY_USE_BOOTFILE 0x08

/* What a request says about its sender. */
struct pxe_client {
	bool pxe;		/* option 60 starts "PXEClient" (PXE 2.1) */
	bool http;		/* option 60 starts "HTTPClient" (UEFI HTTP boot) */
	bool ipxe;		/* option 77 is "iPXE", bare or as an RFC 3004 item */
	bool etherboot;		/* it sent option 175: iPXE reads its sub-options */
	bool has_arch;		/* it sent option 93 */
	uint16_t arch;		/* option 93's first value; 0 (BIOS) when absent */
};

/* The boot a client gets and why. */
struct pxe_boot {
	struct pxe_client client;
	const struct dhcpd_subnet *subnet;	/* as passed in; may be NULL */
	const struct dhcpd_host *host;		/* as passed in; may be NULL */
	const struct dhcpd_class *klass;	/* the first matching [class], or NULL */
	const char *file;			/* NULL: no boot file for this client */
	struct in_addr next_server;		/* network order */
};

/* What options 60, 77, 93 and 175 of req say about its sender. */
void pxe_classify(const struct dhcp_msg *req, struct pxe_client *c);

/* Whether every criterion class k sets holds for req: vendor_class a prefix
 * of option 60; user_class equal to option 77, bare or as one of its RFC
 * 3004 items; arch holding option 93's first value; subnet holding the
 * client's [subnet] (subnet may be NULL: then no subnet list matches).  A
 * client that sent no option 93 matches no arch list, not even "0": PXE 2.1
 * ROMs always send it, so its absence means an OS or boot-loader DHCP
 * client (as dnsmasq's and ISC dhcpd's arch matches treat it). */
bool pxe_class_matches(const struct dhcpd_class *k, const struct dhcp_msg *req,
		       const struct dhcpd_subnet *subnet);
/* The first [class] in config order that matches req on subnet, or NULL. */
const struct dhcpd_class *pxe_class_find(const struct dhcpd_config *cfg,
					 const struct dhcp_msg *req,
					 const struct dhcpd_subnet *subnet);

/* Classifies req, finds its class and chooses its boot into *b.  subnet and
 * host may be NULL; server is the address the reply goes out from (network
 * order).
 *
 * The boot file, the first that is set of:
 *   a. [dhcpd] ipxe_script, for an iPXE client (user class "iPXE"): the
 *      boot file iPXE was chainloaded with must not be given again, or it
 *      loads itself forever;
 *   b. the [host]'s boot_file;
 *   c. the matched [class]'s boot_file (a class per architecture and
 *      network is how a relay's subnet gets its own files);
 *   d. [dhcpd]'s key for the client's architecture: HTTP boot (option 60
 *      "HTTPClient", or option 93 = 16 or 19) boot_file_http; 0 boot_file;
 *      6 boot_file_efi32; 7 and 9 boot_file_efi64; 11 boot_file_arm64.
 * An unset or empty key in (d), or an architecture with no key, means no
 * boot file: never another architecture's file, since firmware handed a
 * wrong-architecture binary hangs.  A client without option 93 counts as
 * BIOS here: syslinux.efi's own DHCP sends neither 60 nor 93 and so gets
 * boot_file, which does no harm as it has already booted by then.
 *
 * The next server: the host's, else the class's, else the subnet's, else
 * [dhcpd] next_server, else server. */
void pxe_boot_choose(const struct dhcpd_config *cfg, const struct dhcp_msg *req,
		     const struct dhcpd_subnet *subnet, const struct dhcpd_host *host,
		     struct in_addr server, struct pxe_boot *b);

/* Writes boot b into reply, req being the request it answers.  Only when b
 * has a boot file (else the reply carries no boot data, leaving room for a
 * ProxyDHCP server that has one):
 *   - siaddr = next server and the file field = the boot file, for every
 *     such client (iPXE reads both to decide that no ProxyDHCP is needed);
 *   - option 66 (the next server, dotted quad; never 0.0.0.0) and 67 (the
 *     boot file) when req's option 55 asks for them (RFC 2132 §9.8);
 *   - option 60 "PXEClient" to a PXE client (PXE 2.1: what marks the offer
 *     of a PXE-aware server), "HTTPClient" to an HTTP client (UEFI HTTP boot
 *     ignores offers without it);
 *   - proxy false, a client that sent option 175: option 175 with 176 = 1,
 *     so iPXE skips its ~3 s wait for ProxyDHCP offers;
 *   - proxy true, a PXE client: option 43 with PXE_DISCOVERY_CONTROL =
 *     PXE_DISCOVERY_USE_BOOTFILE, then END.  yiaddr is the caller's (0).
 * 0; -ENAMETOOLONG for a boot file that does not fit the 128-byte file field
 * with its NUL (the config refuses those); an error of dhcp_msg_set()
 * (-ENOSPC when the option store is full).  On error, reply is part-written:
 * drop it. */
int pxe_reply_boot(struct dhcp_msg *reply, const struct dhcp_msg *req, const struct pxe_boot *b,
		   bool proxy);

/* Writes the config's "option N" sets that apply to b's client into reply,
 * in order of increasing precedence, each replacing a code set before it
 * (pxe_reply_boot()'s options too): [dhcpd], b's subnet, b's class, b's
 * host.  0 or an error of dhcp_msg_set(), reply then part-written. */
int pxe_reply_options(struct dhcp_msg *reply, const struct dhcpd_config *cfg,
		      const struct pxe_boot *b);

/* "boot=pxelinux.0 next=10.77.0.1 arch=7 class=uefi ipxe" for the log:
 * boot=none without a boot file, arch=none without option 93, no class=
 * without a class, then the flags "http" and "ipxe".  What does not fit
 * bufsz (at least 1) ends in "..."; returns buf, always NUL-terminated. */
const char *pxe_boot_format(const struct pxe_boot *b, char *buf, size_t bufsz);

#endif
