/* Real DHCP packets for the unit tests, as hex (see captures.c for where
 * each comes from), and their bytes. */
#ifndef PXE_TESTS_CAPTURES_H
#define PXE_TESTS_CAPTURES_H

#include <stddef.h>
#include <stdint.h>

extern const char ipxe_bios_discover_hex[];
extern const char dnsmasq_bios_offer_hex[];
extern const char ipxe_bios_request_hex[];
extern const char udhcpc_discover_hex[];
extern const char dnsmasq_udhcpc_ack_hex[];
extern const char ipxe_efi_discover_hex[];
extern const char syslinux_efi_discover_hex[];
extern const char dnsmasq_syslinux_offer_hex[];

/* The bytes of a hex string in a heap block of exactly their size, so ASan
 * catches any read past the end; free() it. */
uint8_t *capture_bytes(const char *hex, size_t *len);

#endif
