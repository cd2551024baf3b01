/* The DHCPv4 option table: one row per known code with its name, value type
 * and length rules.  It drives validation of decoded options, parsing of
 * typed values from config text, and printing options for logs. */
#ifndef PXE_DHCP_OPT_H
#define PXE_DHCP_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Option codes the daemons name in code (RFC 2132 unless noted). */
enum dhcp_opt_code {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS_SERVERS = 6,
	OPT_HOST_NAME = 12,
	OPT_DOMAIN_NAME = 15,
	OPT_ROOT_PATH = 17,
	OPT_BROADCAST = 28,
	OPT_VENDOR_OPTS = 43,		/* PXE sub-options for PXEClient (PXE 2.1 §2.4) */
	OPT_REQUESTED_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAM_REQUEST = 55,
	OPT_MESSAGE = 56,
	OPT_MAX_MSG_SIZE = 57,
	OPT_RENEWAL_TIME = 58,
	OPT_REBINDING_TIME = 59,
	OPT_VENDOR_CLASS = 60,
	OPT_CLIENT_ID = 61,
	OPT_TFTP_SERVER = 66,
	OPT_BOOTFILE = 67,
	OPT_USER_CLASS = 77,		/* RFC 3004; iPXE sends bare "iPXE" */
	OPT_RAPID_COMMIT = 80,		/* RFC 4039 */
	OPT_RELAY_AGENT = 82,		/* RFC 3046 */
	OPT_CLIENT_ARCH = 93,		/* RFC 4578 §2.1 */
	OPT_CLIENT_NDI = 94,		/* RFC 4578 §2.2 */
	OPT_CLIENT_UUID = 97,		/* RFC 4578 §2.3 */
	OPT_ETHERBOOT = 175,		/* iPXE's encapsulated options */
	OPT_END = 255,
};

/* Option 52's values (RFC 2132 §9.3). */
enum {
	DHCP_OVERLOAD_FILE = 1,
	DHCP_OVERLOAD_SNAME = 2,
	DHCP_OVERLOAD_BOTH = 3,
};

/* Option 53's values (RFC 2132 §9.6, RFC 4388 §6.1). */
enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
	DHCPFORCERENEW = 9,
	DHCPLEASEQUERY = 10,
	DHCPLEASEUNASSIGNED = 11,
	DHCPLEASEUNKNOWN = 12,
	DHCPLEASEACTIVE = 13,
};

/* PXE sub-options inside option 43 (PXE 2.1 table 2-1). */
enum {
	PXE_DISCOVERY_CONTROL = 6,
	PXE_BOOT_SERVERS = 8,
	PXE_BOOT_MENU = 9,
	PXE_MENU_PROMPT = 10,
	PXE_BOOT_ITEM = 71,
};

/* How a value is read, checked and printed.  The element size (4 for
 * DHCP_T_IP_LIST, 2 for DHCP_T_U16_LIST...) must divide the length. */
enum dhcp_opt_type {
	DHCP_T_BYTES,		/* 01:52:54:00:12:34 */
	DHCP_T_STRING,		/* PXEClient, or "quoted \x00 text" */
	DHCP_T_IP,		/* 10.0.0.1 */
	DHCP_T_IP_LIST,		/* 10.0.0.1,10.0.0.2 */
	DHCP_T_IP_PAIRS,	/* address,mask pairs (RFC 2132 §5.7, §5.8) */
	DHCP_T_U8,
	DHCP_T_U16,
	DHCP_T_U32,
	DHCP_T_S32,
	DHCP_T_BOOL,		/* 0 or 1 on the wire; false/true in text */
	DHCP_T_U8_LIST,		/* 1,3,6 */
	DHCP_T_U16_LIST,	/* 0,7 */
	DHCP_T_MSG_TYPE,	/* DISCOVER */
	DHCP_T_SUBOPTS,		/* code/length/value inside (43, 82, 175) */
};

/* The longest value the table allows: RFC 3396 lets one option run over
 * many instances, so variable-length options are bounded only by the
 * message that carries them. */
#define DHCP_OPT_LEN_ANY 0xffff

struct dhcp_opt_info {
	uint8_t code;
	const char *name;	/* ISC dhcpd's name, e.g. "domain-name-servers" */
	enum dhcp_opt_type type;
	uint16_t min_len;	/* of the value after RFC 3396 concatenation */
	uint16_t max_len;
};

/* The row for code, or NULL for a code the table does not know (such an
 * option is any bytes, printed in hex). */
const struct dhcp_opt_info *dhcp_opt_info(uint8_t code);
/* The row named name ("ntp-servers"), or NULL. */
const struct dhcp_opt_info *dhcp_opt_by_name(const char *name);
/* "DISCOVER" for 1 ...; NULL for a type without a name. */
const char *dhcp_msg_type_name(unsigned type);

/* Whether a value obeys the table's row for code: length within min..max,
 * a whole number of elements, booleans 0 or 1, option 52 in 1..3.  Unknown
 * codes take anything.  0 or -EINVAL. */
int dhcp_opt_validate(uint8_t code, const uint8_t *val, size_t len);

/* A sub-option inside an encapsulating option's value (43, 82, 175): a view
 * of its value and its length, or NULL when absent or when the value is not
 * a well-formed code/length/value list.  PAD (0) is skipped and END (255)
 * ends the list, as the PXE spec uses them inside option 43. */
const uint8_t *dhcp_subopt_find(const uint8_t *val, size_t len, uint8_t sub, size_t *sublen);

/* Config text (dhcp_opt_parse.c).  Each parser returns 0 or -EINVAL, with
 * a message in err (errlen bytes, may be NULL) that names the option and
 * what is wrong: `option 42 (ntp-servers): "10.0.0.300": expected an IPv4
 * address such as 192.0.2.1`.  The caller adds FILE:LINE. */

/* "42" or a table name ("ntp-servers") to a code in 1..254; 52 is refused
 * (the encoder writes overload itself). */
int dhcp_opt_parse_code(const char *text, uint8_t *code, char *err, size_t errlen);
/* A typed value for code, written as its wire bytes into out (outsz bytes);
 * *outlen receives their number.  Lists take commas and/or blanks between
 * items.  Strings may be bare or "quoted" with \" \\ \xHH escapes.  Byte and
 * sub-option values (61, 43, 82) are hex bytes: 01:52:54 or 015254.  Codes
 * the table does not know take "a string", hex bytes or IPv4 addresses. */
int dhcp_opt_parse_value(uint8_t code, const char *text, uint8_t *out, size_t outsz,
			 size_t *outlen, char *err, size_t errlen);
/* A whole "option CODE = VALUE" line (the word "option" may be left out):
 * `option 42 = 10.0.0.1, 10.0.0.2`, `option 252 = "http://wpad/wpad.dat"`. */
int dhcp_opt_parse(const char *text, uint8_t *code, uint8_t *out, size_t outsz,
		   size_t *outlen, char *err, size_t errlen);

/* Text output that never overruns: what does not fit is cut, the text ends
 * in "..." and truncated is set; buf is always NUL-terminated. */
struct dhcp_text {
	char *buf;
	size_t cap;
	size_t len;
	bool truncated;
};

struct dhcp_text dhcp_text_init(char *buf, size_t cap);
void dhcp_text_put(struct dhcp_text *t, const char *s);

/* Appends the value as config text would write it, so that
 * dhcp_opt_parse_value() reads it back to the same bytes (except for
 * DHCP_T_SUBOPTS, printed as {6=08,71=80:00:00:00}). */
void dhcp_opt_format_value(struct dhcp_text *t, uint8_t code, const uint8_t *val, size_t len);
/* Appends "CODE=VALUE", e.g. "53=DISCOVER" or "93=0". */
void dhcp_opt_format(struct dhcp_text *t, uint8_t code, const uint8_t *val, size_t len);

#endif
