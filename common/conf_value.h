/* Text to typed config values, one parser per conf_type; pure functions. */
#ifndef PXE_CONF_VALUE_H
#define PXE_CONF_VALUE_H

#include <stddef.h>

#include "conf.h"

/* Room for a value of any type. */
union conf_value {
	char *s;
	bool b;
	long long i;
	struct conf_range range;
	uint64_t u;
	int e;
	struct ip_addr ip;
	struct hostport hp;
	struct cidr net;
	struct mac_addr mac;
	struct conf_list list;
};

/* Size of the C object that holds a value of type. */
size_t conf_value_size(enum conf_type type);

/* Parses text as key says into dst (conf_value_size(key->type) bytes, which
 * may hold an earlier value: it is freed first).  0, or -EINVAL with a message
 * in err that names the accepted forms, e.g. "expected a duration such as 90s,
 * 15m or 1h". */
int conf_value_parse(const struct conf_key *key, const char *text, void *dst,
		     char *err, size_t errlen);

/* Frees what a value owns (strings, list items) and zeroes it. */
void conf_value_free(const struct conf_key *key, void *dst);

#endif
