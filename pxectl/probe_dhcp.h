/* pxectl check --probe-dhcp: the DHCP servers that answer on an interface. */
#ifndef PXECTL_PROBE_DHCP_H
#define PXECTL_PROBE_DHCP_H

#include "check.h"

/* Sends one PXE DISCOVER out of ifname and reports each server that offers
 * within two seconds: pxe-dhcpd itself as information, any other as a
 * warning (in proxy mode, the DHCP server beside it as information). */
void probe_dhcp(struct check_ctx *ctx, const char *ifname);

#endif
