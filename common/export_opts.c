/* exports(5) option lists: parsed strictly — an unknown option or one that
 * contradicts another is an error — and printed back. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "export_spec.h"
#include "str.h"

/* An option list longer than this is a mistake, not a config. */
#define OPTS_LIST_MAX 1024

/* Options that set the same thing: a second one must agree with the first. */
enum opt_group {
	G_RW, G_SYNC, G_ROOT_SQUASH, G_ALL_SQUASH, G_SECURE, G_CROSSMNT,
	G_ANONUID, G_ANONGID, G_FSID_NUM, G_FSID_UUID, G_SEC, G_IGNORED, G_COUNT
};

static const struct {
	const char *name;
	int group;
	bool value;
} flag_opts[] = {
	{ "ro", G_RW, false }, { "rw", G_RW, true },
	{ "sync", G_SYNC, false }, { "async", G_SYNC, true },
	{ "root_squash", G_ROOT_SQUASH, true }, { "no_root_squash", G_ROOT_SQUASH, false },
	{ "all_squash", G_ALL_SQUASH, true }, { "no_all_squash", G_ALL_SQUASH, false },
	{ "secure", G_SECURE, true }, { "insecure", G_SECURE, false },
	{ "crossmnt", G_CROSSMNT, true }, { "nocrossmnt", G_CROSSMNT, false },
	/* Common in existing files, meaningless here: handles carry the
	 * export and are checked against it on every call (subtree_check);
	 * writes follow the stability the client asks (wdelay); crossing into
	 * another filesystem is crossmnt's (hide); no NLM is served (locks). */
	{ "subtree_check", G_IGNORED, false }, { "no_subtree_check", G_IGNORED, false },
	{ "wdelay", G_IGNORED, false }, { "no_wdelay", G_IGNORED, false },
	{ "hide", G_IGNORED, false }, { "nohide", G_IGNORED, false },
	{ "secure_locks", G_IGNORED, false }, { "insecure_locks", G_IGNORED, false },
	{ "auth_nlm", G_IGNORED, false }, { "no_auth_nlm", G_IGNORED, false },
};

/* Options written NAME=VALUE. */
static const char *const valued_opts[] = { "anonuid", "anongid", "fsid", "sec" };

const char *export_opts_name(size_t i)
{
	if (i < sizeof flag_opts / sizeof flag_opts[0])
		return flag_opts[i].name;
	i -= sizeof flag_opts / sizeof flag_opts[0];
	return i < sizeof valued_opts / sizeof valued_opts[0] ? valued_opts[i] : NULL;
}

static bool is_valued_opt(const char *name)
{
	for (size_t i = 0; i < sizeof valued_opts / sizeof valued_opts[0]; i++)
		if (strcmp(name, valued_opts[i]) == 0)
			return true;
	return false;
}

void export_opts_init(struct export_opts *o)
{
	memset(o, 0, sizeof *o);
	o->root_squash = true;
	o->secure = true;
	o->anonuid = EXPORT_ANON_ID;
	o->anongid = EXPORT_ANON_ID;
	o->sec = EXPORT_SEC_SYS;
}

static bool *flag_field(struct export_opts *o, int group)
{
	switch (group) {
	case G_RW:
		return &o->rw;
	case G_SYNC:
		return &o->async;
	case G_ROOT_SQUASH:
		return &o->root_squash;
	case G_ALL_SQUASH:
		return &o->all_squash;
	case G_SECURE:
		return &o->secure;
	}
	return &o->crossmnt;
}

/* Whether a and b agree on what group sets. */
static bool same_group(const struct export_opts *a, const struct export_opts *b, int group)
{
	switch (group) {
	case G_ANONUID:
		return a->anonuid == b->anonuid;
	case G_ANONGID:
		return a->anongid == b->anongid;
	case G_FSID_NUM:
		return a->fsid.num == b->fsid.num;
	case G_FSID_UUID:
		return memcmp(a->fsid.uuid, b->fsid.uuid, sizeof a->fsid.uuid) == 0;
	case G_SEC:
		return a->sec == b->sec;
	case G_IGNORED:
		return true;
	}
	return a->rw == b->rw && a->async == b->async && a->root_squash == b->root_squash &&
	       a->all_squash == b->all_squash && a->secure == b->secure &&
	       a->crossmnt == b->crossmnt;
}

static int hexval(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* exports(5): "32 hex digits and arbitrary punctuation"; here - : . only. */
static bool parse_uuid(const char *s, uint8_t uuid[16])
{
	unsigned n = 0;
	int v;

	memset(uuid, 0, 16);
	for (; *s; s++) {
		if (*s == '-' || *s == ':' || *s == '.')
			continue;
		v = hexval(*s);
		if (v < 0 || n >= 32)
			return false;
		uuid[n / 2] = (uint8_t)(uuid[n / 2] | v << (n % 2 ? 0 : 4));
		n++;
	}
	return n == 32;
}

static int parse_fsid(const char *opt, const char *v, struct export_opts *o, int *group,
		      char *err, size_t errlen)
{
	unsigned long long num = 0;
	size_t i;

	if (strcmp(v, "root") == 0 || strcmp(v, "0") == 0) {
		num = 0;
	} else if ((v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) && v[2] &&
		   strspn(v + 2, "0123456789abcdefABCDEF") == strlen(v + 2)) {
		for (i = 2; v[i] && num <= UINT32_MAX; i++)
			num = num * 16 + (unsigned)hexval(v[i]);
		if (num > UINT32_MAX)
			return str_error(err, errlen, "%s: the number is above 4294967295", opt);
	} else if (v[0] && v[strspn(v, "0123456789")] == '\0') {
		if (v[0] == '0')
			return str_error(err, errlen, "%s: write the number without leading zeros", opt);
		if (!str_to_uint(v, UINT32_MAX, &num))
			return str_error(err, errlen, "%s: the number is above 4294967295", opt);
	} else {
		*group = G_FSID_UUID;
		if (!parse_uuid(v, o->fsid.uuid))
			return str_error(err, errlen, "%s: expected fsid=root, a number, or a UUID of 32 "
				    "hex digits", opt);
		o->fsid.has_uuid = true;
		return 0;
	}
	*group = G_FSID_NUM;
	o->fsid.has_num = true;
	o->fsid.num = (uint32_t)num;
	return 0;
}

/* sec=sys:none: the flavours, in preference order (kept only as a set). */
static int parse_sec(const char *opt, const char *v, struct export_opts *o, char *err,
		     size_t errlen)
{
	unsigned mask = 0;
	size_t n;

	do {
		n = strcspn(v, ":");
		if (n == 3 && strncmp(v, "sys", 3) == 0)
			mask |= EXPORT_SEC_SYS;
		else if (n == 4 && strncmp(v, "none", 4) == 0)
			mask |= EXPORT_SEC_NONE;
		else if (n >= 3 && (strncmp(v, "krb", 3) == 0 || strncmp(v, "gss", 3) == 0))
			return str_error(err, errlen, "%s: Kerberos (RPCSEC_GSS) is not supported; use "
				    "sec=sys", opt);
		else
			return str_error(err, errlen, "%s: expected the flavours sys and none, separated "
				    "by ':'", opt);
		v += n;
	} while (*v++ == ':');
	o->sec = mask;
	return 0;
}

/* One option into o; *group says what it set. */
static int apply_opt(const char *opt, struct export_opts *o, int *group, char *err,
		     size_t errlen)
{
	const char *eq = strchr(opt, '=');
	unsigned long long id;
	size_t i, klen = eq ? (size_t)(eq - opt) : strlen(opt);

	for (i = 0; !eq && i < sizeof flag_opts / sizeof flag_opts[0]; i++) {
		if (strcmp(opt, flag_opts[i].name))
			continue;
		*group = flag_opts[i].group;
		if (*group != G_IGNORED)
			*flag_field(o, *group) = flag_opts[i].value;
		return 0;
	}
	if (eq && ((klen == 7 && strncmp(opt, "anonuid", 7) == 0) ||
		   (klen == 7 && strncmp(opt, "anongid", 7) == 0))) {
		/* (uid_t)-1 means "no change" to chown(2): never an identity. */
		if (!str_to_uint(eq + 1, UINT32_MAX - 1, &id))
			return str_error(err, errlen, "%s: expected a number from 0 to 4294967294", opt);
		*group = opt[4] == 'u' ? G_ANONUID : G_ANONGID;
		*(opt[4] == 'u' ? &o->anonuid : &o->anongid) = (uint32_t)id;
		return 0;
	}
	if (eq && klen == 4 && strncmp(opt, "fsid", 4) == 0)
		return parse_fsid(opt, eq + 1, o, group, err, errlen);
	if (eq && klen == 3 && strncmp(opt, "sec", 3) == 0) {
		*group = G_SEC;
		return parse_sec(opt, eq + 1, o, err, errlen);
	}
	if (!eq && is_valued_opt(opt))
		return str_error(err, errlen, "'%s' needs a value, as in %s=%s", opt, opt,
			    opt[0] == 's' ? "sys" : "1000");
	return str_error(err, errlen, "unknown option '%s'", opt);
}

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

int export_opts_parse(const char *list, struct export_opts *o, char *err, size_t errlen)
{
	char buf[OPTS_LIST_MAX + 1], *p, *opt, *comma;
	const char *seen[G_COUNT] = { 0 };
	struct export_opts n = *o, t;
	int group, rc;

	if (strlen(list) > OPTS_LIST_MAX)
		return str_error(err, errlen, "an option list longer than %d characters", OPTS_LIST_MAX);
	memcpy(buf, list, strlen(list) + 1);
	p = trim(buf);
	for (; *p; p = comma ? comma + 1 : p + strlen(p)) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		opt = trim(p);
		/* "rw," as exportfs takes it; ",rw" and "rw,,ro" are typing slips */
		if (!*opt)
			return str_error(err, errlen, "an empty option: a ',' too many");
		if (comma && !*trim(comma + 1))
			comma = NULL;
		t = n;
		group = G_IGNORED;
		rc = apply_opt(opt, &t, &group, err, errlen);
		if (rc)
			return rc;
		if (seen[group] && !same_group(&n, &t, group))
			return str_error(err, errlen, "'%s' contradicts '%s' earlier in the list", opt,
				    seen[group]);
		seen[group] = opt;
		n = t;
		if (!comma)
			break;
	}
	*o = n;
	return 0;
}

const char *export_opts_str(const struct export_opts *o, char *buf)
{
	static const char *const secs[] = { "sys", "sys", "none", "sys:none" };
	const uint8_t *u = o->fsid.uuid;
	size_t n;

	n = (size_t)snprintf(buf, EXPORT_OPTS_STRLEN,
			     "%s,%s,%s,%s,%s,%s,anonuid=%u,anongid=%u,sec=%s",
			     o->rw ? "rw" : "ro", o->async ? "async" : "sync",
			     o->root_squash ? "root_squash" : "no_root_squash",
			     o->all_squash ? "all_squash" : "no_all_squash",
			     o->secure ? "secure" : "insecure", o->crossmnt ? "crossmnt" : "nocrossmnt",
			     o->anonuid, o->anongid, secs[o->sec & 3]);
	if (o->fsid.has_num && n < EXPORT_OPTS_STRLEN)
		n += (size_t)snprintf(buf + n, EXPORT_OPTS_STRLEN - n, ",fsid=%u", o->fsid.num);
	if (o->fsid.has_uuid && n < EXPORT_OPTS_STRLEN)
		snprintf(buf + n, EXPORT_OPTS_STRLEN - n,
			 ",fsid=%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return buf;
}
