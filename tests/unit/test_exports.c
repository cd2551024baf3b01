/* Unit tests of nfsd/exports.c and exports_parse.c, and of common/export_spec.c,
 * export_opts.c and suite_conf_nfsd.c: every exports(5) form and option, each
 * error with its FILE:LINE, host matching and precedence, [export] sections
 * through the real config loader, and the merge of both sources. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "exports.h"
#include "suite_conf.h"

static struct export_table table;
static char err[1024];
static struct conf conf;
static bool conf_loaded;
static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	export_table_init(&table);
	memset(err, 0, sizeof err);
	return 0;
}

static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int teardown(void **state)
{
	(void)state;
	export_table_free(&table);
	if (conf_loaded)
		conf_free(&conf);
	conf_loaded = false;
	if (tmpdir[0])
		remove_tree(tmpdir);
	tmpdir[0] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static int parse(const char *text)
{
	return export_table_parse(&table, "exports", text, err, sizeof err);
}

static void parse_ok(const char *text)
{
	if (parse(text) != 0)
		fail_msg("%s", err);
}

/* The text is refused with exactly msg, and the table is as it was. */
static void parse_bad(const char *text, const char *msg)
{
	size_t before = table.count;

	assert_int_equal(parse(text), -EINVAL);
	assert_string_equal(err, msg);
	assert_int_equal(table.count, before);
}

static const struct export *only(void)
{
	assert_int_equal(table.count, 1);
	return &table.exports[0];
}

static const struct export *find(const char *path)
{
	const struct export *e = export_find(&table, path);

	if (!e)
		fail_msg("%s is not exported", path);
	return e;
}

/* A client address as the RPC layer hands it over. */
static const struct sockaddr *sa(const char *ip)
{
	static struct sockaddr_storage ss[4];
	static unsigned next;
	struct sockaddr_storage *s = &ss[next++ % 4];
	struct sockaddr_in *sin = (struct sockaddr_in *)s;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)s;

	memset(s, 0, sizeof *s);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(800);
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(800);
	}
	return (const struct sockaddr *)s;
}

static bool allowed(const struct export *e, const char *ip, const char *host)
{
	return export_client_options(e, ip ? sa(ip) : NULL, host, NULL);
}

static struct export_opts opts_for(const struct export *e, const char *ip, const char *host)
{
	struct export_opts o;

	if (!export_client_options(e, ip ? sa(ip) : NULL, host, &o))
		fail_msg("%s (%s) is not a client of %s", ip ? ip : "-", host ? host : "-",
			 e->path);
	return o;
}

static const char *opts_str(const struct export_opts *o)
{
	static char buf[EXPORT_OPTS_STRLEN];

	return export_opts_str(o, buf);
}

static const char *client_str(const struct export *e, size_t i)
{
	static char buf[EXPORT_HOST_MAX + 1];

	assert_true(i < e->nclients);
	return export_host_str(&e->clients[i].host, buf);
}

#define DEFAULTS "ro,sync,root_squash,no_all_squash,secure,nocrossmnt,anonuid=65534," \
	"anongid=65534,sec=sys"

/* ---------------------------------------------------------------- syntax */

static void test_tftpboot_star_ro_sync_works_as_written(void **state)
{
	const struct export *e;

	(void)state;
	parse_ok("/tftpboot *(ro,sync)\n");
	e = only();
	assert_string_equal(e->path, "/tftpboot");
	assert_string_equal(e->file, "exports");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->nclients, 1);
	assert_int_equal(e->clients[0].host.kind, EXPORT_HOST_ANY);
	assert_string_equal(client_str(e, 0), "*");
	assert_false(e->names);
	assert_int_equal(e->fd, -1);
	assert_string_equal(opts_str(&e->clients[0].opts), DEFAULTS);
	assert_true(allowed(e, "192.0.2.9", NULL));
	assert_true(allowed(e, "2001:db8::9", NULL));
	assert_true(allowed(e, NULL, NULL));
}

static void test_several_clients_each_with_options(void **state)
{
	const struct export *e;

	(void)state;
	parse_ok("/srv/install pc1.lab.example(rw) 10.77.0.0/24(ro,async) *(ro,sync)\n");
	e = only();
	assert_int_equal(e->nclients, 3);
	assert_string_equal(client_str(e, 0), "pc1.lab.example");
	assert_string_equal(client_str(e, 1), "10.77.0.0/24");
	assert_string_equal(client_str(e, 2), "*");
	assert_true(e->names);
	assert_true(e->clients[0].opts.rw);
	assert_false(e->clients[1].opts.rw);
	assert_true(e->clients[1].opts.async);
	assert_false(e->clients[2].opts.async);
}

static void test_client_without_options_gets_defaults(void **state)
{
	(void)state;
	parse_ok("/srv host1 10.0.0.1\n");
	assert_int_equal(only()->nclients, 2);
	assert_string_equal(opts_str(&only()->clients[0].opts), DEFAULTS);
	assert_string_equal(opts_str(&only()->clients[1].opts), DEFAULTS);
}

static void test_dash_options_are_defaults_for_later_clients(void **state)
{
	const struct export *e;

	(void)state;
	/* exports(5)'s example: rw for server, and ro over it for @external */
	parse_ok("/srv/www -sync,rw server 10.0.0.0/8(ro) -no_root_squash,anonuid=150 admin\n");
	e = only();
	assert_int_equal(e->nclients, 3);
	assert_true(e->clients[0].opts.rw);
	assert_true(e->clients[0].opts.root_squash);
	assert_false(e->clients[1].opts.rw);
	assert_true(e->clients[2].opts.rw);
	assert_false(e->clients[2].opts.root_squash);
	assert_int_equal(e->clients[2].opts.anonuid, 150);
}

static void test_dash_options_alone_export_to_everyone(void **state)
{
	const struct export *e;

	(void)state;
	parse_ok("/pub -ro,insecure,all_squash\n");
	e = only();
	assert_int_equal(e->nclients, 1);
	assert_int_equal(e->clients[0].host.kind, EXPORT_HOST_ANY);
	assert_false(e->clients[0].opts.secure);
	assert_true(e->clients[0].opts.all_squash);
}

static void test_path_alone_exports_to_everyone_with_defaults(void **state)
{
	(void)state;
	parse_ok("/srv\n");
	assert_int_equal(only()->nclients, 1);
	assert_int_equal(only()->clients[0].host.kind, EXPORT_HOST_ANY);
	assert_string_equal(opts_str(&only()->clients[0].opts), DEFAULTS);
}

static void test_quoted_path_with_blanks(void **state)
{
	(void)state;
	parse_ok("\"/srv/install trees/centos 9\" *(ro)\n");
	assert_string_equal(only()->path, "/srv/install trees/centos 9");
	assert_int_equal(only()->nclients, 1);
}

static void test_octal_escapes_in_path(void **state)
{
	(void)state;
	parse_ok("/srv/install\\040trees/a\\043b\\134c *\n");
	assert_string_equal(only()->path, "/srv/install trees/a#b\\c");
}

static void test_quotes_and_escapes_mix(void **state)
{
	(void)state;
	parse_ok("/srv/\"my tree\"\\040x\"/sub\" *\n");
	assert_string_equal(only()->path, "/srv/my tree x/sub");
}

static void test_parentheses_are_plain_in_a_path(void **state)
{
	(void)state;
	parse_ok("/srv/disk(1) *(rw)\n");
	assert_string_equal(only()->path, "/srv/disk(1)");
	assert_true(only()->clients[0].opts.rw);
}

static void test_comments_and_blank_lines(void **state)
{
	(void)state;
	parse_ok("# /etc/exports: the access control list\n"
		 "\n"
		 "   \t\n"
		 "/a *(ro)   # read-only for all\n"
		 "    # indented comment\n"
		 "/b 10.0.0.1(rw)# right after ')'\n");
	assert_int_equal(table.count, 2);
	assert_int_equal(table.exports[0].line, 4);
	assert_int_equal(table.exports[1].line, 6);
	assert_true(table.exports[1].clients[0].opts.rw);
}

static void test_comment_at_token_start_after_path(void **state)
{
	(void)state;
	parse_ok("/a #*(rw)\n");
	assert_int_equal(only()->clients[0].host.kind, EXPORT_HOST_ANY);
	assert_false(only()->clients[0].opts.rw);
}

static void test_continued_lines(void **state)
{
	const struct export *e;

	(void)state;
	parse_ok("/srv/install \\\n"
		 "\t10.77.0.0/24(rw) \\\n"
		 "\t*.lab.example(ro)\n"
		 "/next *\n");
	assert_int_equal(table.count, 2);
	e = &table.exports[0];
	assert_int_equal(e->line, 1);
	assert_int_equal(e->nclients, 2);
	assert_int_equal(e->clients[0].line, 2);
	assert_int_equal(e->clients[1].line, 3);
	assert_int_equal(table.exports[1].line, 4);
}

static void test_continuation_right_after_path(void **state)
{
	(void)state;
	parse_ok("/srv\\\n*(rw)\n");
	assert_true(only()->clients[0].opts.rw);
}

static void test_crlf_lines(void **state)
{
	(void)state;
	parse_ok("/a *(ro)\r\n/b \\\r\n 10.0.0.1(rw)\r\n");
	assert_int_equal(table.count, 2);
	assert_int_equal(table.exports[1].nclients, 1);
	assert_true(table.exports[1].clients[0].opts.rw);
}

static void test_no_newline_at_end(void **state)
{
	(void)state;
	parse_ok("/a *(rw)");
	assert_true(only()->clients[0].opts.rw);
}

static void test_empty_text(void **state)
{
	(void)state;
	parse_ok("");
	parse_ok("\n\n# nothing\n");
	assert_int_equal(table.count, 0);
}

static void test_path_is_normalized(void **state)
{
	(void)state;
	parse_ok("//srv//install/./centos/ *\n/ *\n");
	assert_string_equal(table.exports[0].path, "/srv/install/centos");
	assert_string_equal(table.exports[1].path, "/");
}

static void test_empty_option_list_and_trailing_comma(void **state)
{
	(void)state;
	parse_ok("/a host()\n/b host(rw,)\n");
	assert_string_equal(opts_str(&table.exports[0].clients[0].opts), DEFAULTS);
	assert_true(table.exports[1].clients[0].opts.rw);
}

/* ---------------------------------------------------------------- options */

static struct export_opts opts_of(const char *list)
{
	struct export_opts o;
	char why[256];

	export_opts_init(&o);
	if (export_opts_parse(list, &o, why, sizeof why))
		fail_msg("%s: %s", list, why);
	return o;
}

static void opts_bad(const char *list, const char *msg)
{
	struct export_opts o, before;
	char why[256];

	export_opts_init(&o);
	before = o;
	assert_int_equal(export_opts_parse(list, &o, why, sizeof why), -EINVAL);
	assert_string_equal(why, msg);
	assert_memory_equal(&o, &before, sizeof o);
}

static void test_defaults_are_those_of_exports5(void **state)
{
	struct export_opts o;

	(void)state;
	export_opts_init(&o);
	assert_false(o.rw);
	assert_false(o.async);
	assert_true(o.root_squash);
	assert_false(o.all_squash);
	assert_true(o.secure);
	assert_false(o.crossmnt);
	assert_int_equal(o.anonuid, 65534);
	assert_int_equal(o.anongid, 65534);
	assert_int_equal(o.sec, EXPORT_SEC_SYS);
	assert_false(o.fsid.has_num);
	assert_false(o.fsid.has_uuid);
}

static void test_every_flag_option(void **state)
{
	(void)state;
	assert_false(opts_of("ro").rw);
	assert_true(opts_of("rw").rw);
	assert_false(opts_of("sync").async);
	assert_true(opts_of("async").async);
	assert_true(opts_of("root_squash").root_squash);
	assert_false(opts_of("no_root_squash").root_squash);
	assert_true(opts_of("all_squash").all_squash);
	assert_false(opts_of("no_all_squash").all_squash);
	assert_true(opts_of("secure").secure);
	assert_false(opts_of("insecure").secure);
	assert_true(opts_of("crossmnt").crossmnt);
	assert_false(opts_of("nocrossmnt").crossmnt);
}

static void test_anonuid_and_anongid(void **state)
{
	struct export_opts o;

	(void)state;
	o = opts_of("anonuid=150,anongid=100");
	assert_int_equal(o.anonuid, 150);
	assert_int_equal(o.anongid, 100);
	o = opts_of("anonuid=0,anongid=4294967294");
	assert_int_equal(o.anonuid, 0);
	assert_int_equal(o.anongid, 4294967294u);
	opts_bad("anonuid=4294967295", "anonuid=4294967295: expected a number from 0 to 4294967294");
	opts_bad("anonuid=-2", "anonuid=-2: expected a number from 0 to 4294967294");
	opts_bad("anongid=", "anongid=: expected a number from 0 to 4294967294");
	opts_bad("anongid=1k", "anongid=1k: expected a number from 0 to 4294967294");
	opts_bad("anonuid", "'anonuid' needs a value, as in anonuid=1000");
}

static void test_fsid_forms(void **state)
{
	struct export_opts o;
	static const uint8_t uuid[16] = { 0x6f, 0x1d, 0x2e, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
					  0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0 };

	(void)state;
	o = opts_of("fsid=7");
	assert_true(o.fsid.has_num);
	assert_int_equal(o.fsid.num, 7);
	assert_false(o.fsid.has_uuid);
	assert_int_equal(opts_of("fsid=root").fsid.num, 0);
	assert_true(opts_of("fsid=root").fsid.has_num);
	assert_int_equal(opts_of("fsid=0").fsid.num, 0);
	assert_int_equal(opts_of("fsid=0x1F").fsid.num, 31);
	assert_int_equal(opts_of("fsid=4294967295").fsid.num, 4294967295u);
	o = opts_of("fsid=6f1d2e3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_true(o.fsid.has_uuid);
	assert_false(o.fsid.has_num);
	assert_memory_equal(o.fsid.uuid, uuid, 16);
	o = opts_of("fsid=6F1D2E3C:4B5A6978:8796A5B4:C3D2E1F0");
	assert_memory_equal(o.fsid.uuid, uuid, 16);
	/* a number and a UUID together, for old and new kernels alike */
	o = opts_of("fsid=3,fsid=6f1d2e3c4b5a69788796a5b4c3d2e1f0");
	assert_true(o.fsid.has_num && o.fsid.has_uuid);
	opts_bad("fsid=4294967296", "fsid=4294967296: the number is above 4294967295");
	opts_bad("fsid=0x100000000", "fsid=0x100000000: the number is above 4294967295");
	opts_bad("fsid=010", "fsid=010: write the number without leading zeros");
	opts_bad("fsid=6f1d2e3c-4b5a", "fsid=6f1d2e3c-4b5a: expected fsid=root, a number, or a "
		 "UUID of 32 hex digits");
	opts_bad("fsid=", "fsid=: expected fsid=root, a number, or a UUID of 32 hex digits");
	opts_bad("fsid=1,fsid=2", "'fsid=2' contradicts 'fsid=1' earlier in the list");
}

static void test_sec_flavours(void **state)
{
	(void)state;
	assert_int_equal(opts_of("sec=sys").sec, EXPORT_SEC_SYS);
	assert_int_equal(opts_of("sec=none").sec, EXPORT_SEC_NONE);
	assert_int_equal(opts_of("sec=sys:none").sec, EXPORT_SEC_SYS | EXPORT_SEC_NONE);
	opts_bad("sec=krb5p", "sec=krb5p: Kerberos (RPCSEC_GSS) is not supported; use sec=sys");
	opts_bad("sec=sys:krb5", "sec=sys:krb5: Kerberos (RPCSEC_GSS) is not supported; use "
		 "sec=sys");
	opts_bad("sec=", "sec=: expected the flavours sys and none, separated by ':'");
	opts_bad("sec=sys:", "sec=sys:: expected the flavours sys and none, separated by ':'");
	opts_bad("sec=unix", "sec=unix: expected the flavours sys and none, separated by ':'");
}

static void test_ignored_options_are_accepted(void **state)
{
	struct export_opts o;

	(void)state;
	o = opts_of("no_subtree_check,subtree_check,wdelay,no_wdelay,hide,nohide,"
		    "secure_locks,insecure_locks,auth_nlm,no_auth_nlm");
	assert_string_equal(opts_str(&o), DEFAULTS);
}

/* pxe-nfsd(8) is checked against this list: it must name only options the
 * parser takes, alone or with a value. */
static void test_every_option_named_is_taken(void **state)
{
	const char *ends[4] = { 0 };	/* the first and last of each table */
	char msg[128];
	size_t i;

	(void)state;
	for (i = 0; export_opts_name(i); i++) {
		const char *name = export_opts_name(i);
		struct export_opts o;
		char why[256];

		export_opts_init(&o);
		if (export_opts_parse(name, &o, why, sizeof why) == 0) {
			ends[0] = ends[0] ? ends[0] : name;
			ends[1] = name;
			continue;
		}
		snprintf(msg, sizeof msg, "'%s' needs a value, as in %s=%s", name, name,
			 name[0] == 's' ? "sys" : "1000");
		assert_string_equal(why, msg);
		ends[2] = ends[2] ? ends[2] : name;
		ends[3] = name;
	}
	assert_string_equal(ends[0], "ro");
	assert_string_equal(ends[1], "no_auth_nlm");
	assert_string_equal(ends[2], "anonuid");
	assert_string_equal(ends[3], "sec");
}

static void test_contradictions_in_one_list(void **state)
{
	(void)state;
	opts_bad("ro,rw", "'rw' contradicts 'ro' earlier in the list");
	opts_bad("rw,sync,ro", "'ro' contradicts 'rw' earlier in the list");
	opts_bad("async,sync", "'sync' contradicts 'async' earlier in the list");
	opts_bad("root_squash,no_root_squash",
		 "'no_root_squash' contradicts 'root_squash' earlier in the list");
	opts_bad("all_squash,no_all_squash",
		 "'no_all_squash' contradicts 'all_squash' earlier in the list");
	opts_bad("secure,insecure", "'insecure' contradicts 'secure' earlier in the list");
	opts_bad("crossmnt,nocrossmnt", "'nocrossmnt' contradicts 'crossmnt' earlier in the list");
	opts_bad("anonuid=1,anonuid=2", "'anonuid=2' contradicts 'anonuid=1' earlier in the list");
	opts_bad("sec=sys,sec=none", "'sec=none' contradicts 'sec=sys' earlier in the list");
	/* saying the same thing twice is no contradiction */
	assert_true(opts_of("rw,rw,anonuid=5,anonuid=5").rw);
}

static void test_option_list_slips(void **state)
{
	(void)state;
	opts_bad("bogus", "unknown option 'bogus'");
	opts_bad("rw,no_root_sqash", "unknown option 'no_root_sqash'");
	opts_bad("ro=1", "unknown option 'ro=1'");
	opts_bad("mp", "unknown option 'mp'");
	opts_bad(",rw", "an empty option: a ',' too many");
	opts_bad("rw,,sync", "an empty option: a ',' too many");
	opts_bad("RW", "unknown option 'RW'");
	/* [export] options may have blanks around the commas */
	assert_true(opts_of(" rw , no_root_squash ").rw);
}

static void test_options_print_and_parse_back(void **state)
{
	static const char *const lists[] = {
		"", "rw,async,no_root_squash,all_squash,insecure,crossmnt,anonuid=0,anongid=7",
		"fsid=root,sec=none", "fsid=12,fsid=00112233-4455-6677-8899-aabbccddeeff",
		"sec=sys:none,anonuid=4294967294",
	};
	struct export_opts o, back;
	char buf[EXPORT_OPTS_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		o = opts_of(lists[i]);
		back = opts_of(export_opts_str(&o, buf));
		assert_string_equal(export_opts_str(&back, buf), export_opts_str(&o, buf));
		assert_int_equal(back.rw, o.rw);
		assert_int_equal(back.fsid.num, o.fsid.num);
		assert_memory_equal(back.fsid.uuid, o.fsid.uuid, 16);
	}
	o = opts_of("fsid=12,fsid=00112233-4455-6677-8899-aabbccddeeff");
	assert_string_equal(export_opts_str(&o, buf), DEFAULTS ",fsid=12,"
			    "fsid=00112233-4455-6677-8899-aabbccddeeff");
}

/* ---------------------------------------------------------------- hosts */

static struct export_host host_of(const char *s)
{
	struct export_host h;
	char why[256];

	if (export_host_parse(s, &h, why, sizeof why))
		fail_msg("%s: %s", s, why);
	return h;
}

static void host_bad(const char *s, const char *msg)
{
	struct export_host h;
	char why[256];

	assert_int_equal(export_host_parse(s, &h, why, sizeof why), -EINVAL);
	assert_string_equal(why, msg);
}

static const char *host_str(const char *s)
{
	static char buf[EXPORT_HOST_MAX + 1];
	struct export_host h = host_of(s);

	return export_host_str(&h, buf);
}

static bool match(const char *pattern, const char *ip, const char *name)
{
	struct export_host h = host_of(pattern);
	struct ip_addr a;

	if (ip)
		assert_int_equal(addr_parse_ip(ip, AF_UNSPEC, &a, NULL, 0), 0);
	return export_host_match(&h, ip ? &a : NULL, name);
}

static void test_host_kinds(void **state)
{
	(void)state;
	assert_int_equal(host_of("*").kind, EXPORT_HOST_ANY);
	assert_int_equal(host_of("pc1").kind, EXPORT_HOST_NAME);
	assert_int_equal(host_of("pc1.lab.example").kind, EXPORT_HOST_NAME);
	assert_int_equal(host_of("192.0.2.7").kind, EXPORT_HOST_ADDR);
	assert_int_equal(host_of("2001:db8::7").kind, EXPORT_HOST_ADDR);
	assert_int_equal(host_of("10.0.0.0/8").kind, EXPORT_HOST_NET);
	assert_int_equal(host_of("10.0.0.0/255.0.0.0").kind, EXPORT_HOST_NET);
	assert_int_equal(host_of("2001:db8::/32").kind, EXPORT_HOST_NET);
	assert_int_equal(host_of("*.lab.example").kind, EXPORT_HOST_WILDCARD);
	assert_int_equal(host_of("pc?.lab").kind, EXPORT_HOST_WILDCARD);
	assert_int_equal(host_of("buildhost[0-9].lab").kind, EXPORT_HOST_WILDCARD);
}

static void test_host_printed_back(void **state)
{
	(void)state;
	assert_string_equal(host_str("*"), "*");
	assert_string_equal(host_str("PC1.Lab.Example."), "pc1.lab.example");
	assert_string_equal(host_str("2001:DB8:0::7"), "2001:db8::7");
	assert_string_equal(host_str("10.0.0.0/255.0.0.0"), "10.0.0.0/8");
	assert_string_equal(host_str("192.168.4.0/255.255.252.0"), "192.168.4.0/22");
	/* host bits are cleared, as mountd compares under the mask */
	assert_string_equal(host_str("10.1.2.3/8"), "10.0.0.0/8");
	assert_string_equal(host_str("2001:db8:1:2::9/32"), "2001:db8::/32");
	assert_string_equal(host_str("0.0.0.0/0"), "0.0.0.0/0");
	assert_string_equal(host_str("*.Lab.Example"), "*.lab.example");
}

static void test_host_errors(void **state)
{
	char longname[300];

	(void)state;
	host_bad("@trusted", "'@trusted': netgroups are not supported; list the hosts, or a "
		 "network such as 192.0.2.0/24");
	host_bad("", "an empty host pattern; write * for every host");
	host_bad("192.168.1.*", "'192.168.1.*': wildcards match host names, not addresses; "
		 "write a network such as 192.168.1.0/24");
	host_bad("10.0.0.0/33", "'10.0.0.0/33': the prefix length after '/' must be a number "
		 "from 0 to 32, or a netmask such as 255.255.255.0");
	host_bad("2001:db8::/129", "'2001:db8::/129': the prefix length after '/' must be a "
		 "number from 0 to 128");
	host_bad("10.0.0.0/", "'10.0.0.0/': the prefix length after '/' must be a number "
		 "from 0 to 32, or a netmask such as 255.255.255.0");
	host_bad("10.0.0.0/255.0.255.0", "'10.0.0.0/255.0.255.0': 255.0.255.0 is not a "
		 "contiguous netmask");
	host_bad("10.0.0.0/255.0.0", "'10.0.0.0/255.0.0': expected a netmask such as "
		 "255.255.255.0 after '/'");
	host_bad("lab/24", "'lab/24': host names are not looked up; expected an IPv4 or IPv6 "
		 "address such as 192.0.2.1 or 2001:db8::1");
	host_bad("10.0.0.256", "'10.0.0.256': expected an IPv4 or IPv6 address such as "
		 "192.0.2.1 or 2001:db8::1");
	host_bad("2001:db8::g", "'2001:db8::g': expected an IPv4 or IPv6 address such as "
		 "192.0.2.1 or 2001:db8::1");
	host_bad("[2001:db8::1]", "'[2001:db8::1]': write IPv6 addresses without brackets");
	host_bad("pc[0-9.lab", "'pc[0-9.lab': a '[' without its ']', or a bad character class "
		 "such as [0-9]");
	host_bad("pc[].lab", "'pc[].lab': a '[' without its ']', or a bad character class such "
		 "as [0-9]");
	host_bad("pc[9-0].lab", "'pc[9-0].lab': a '[' without its ']', or a bad character class "
		 "such as [0-9]");
	host_bad("pc_1!", "'pc_1!': '!' cannot be in a host name or pattern");
	host_bad("a..b", "'a..b' is not a host name");
	host_bad(".lab", "'.lab' is not a host name");
	host_bad("-pc", "'-pc' is not a host name");
	/* found by fuzz_exports: it printed back as "*", which means more */
	host_bad("*.", "'*.' is not a host pattern; write * for every host");
	host_bad("pc1.lab..", "'pc1.lab..' is not a host name");
	host_bad("pc1(rw)", "'pc1(rw)': options do not go in a host pattern");
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	host_bad(longname, "a host pattern longer than 255 characters");
}

static void test_match_ipv4(void **state)
{
	(void)state;
	assert_true(match("192.0.2.7", "192.0.2.7", NULL));
	assert_false(match("192.0.2.7", "192.0.2.8", NULL));
	assert_false(match("192.0.2.7", NULL, "192.0.2.7"));	/* a name is not an address */
	assert_true(match("10.0.0.0/8", "10.255.0.1", NULL));
	assert_false(match("10.0.0.0/8", "11.0.0.1", NULL));
	assert_true(match("10.77.0.0/255.255.255.0", "10.77.0.200", NULL));
	assert_false(match("10.77.0.0/255.255.255.0", "10.77.1.200", NULL));
	assert_true(match("0.0.0.0/0", "203.0.113.1", NULL));
	assert_false(match("0.0.0.0/0", "2001:db8::1", NULL));
	assert_false(match("10.0.0.0/8", "::ffff:11.0.0.1", NULL));
}

static void test_match_ipv6(void **state)
{
	(void)state;
	assert_true(match("2001:db8::7", "2001:db8::7", NULL));
	assert_false(match("2001:db8::7", "2001:db8::8", NULL));
	assert_true(match("2001:db8:9:e54::/64", "2001:db8:9:e54::abcd", NULL));
	assert_false(match("2001:db8:9:e54::/64", "2001:db8:9:e55::1", NULL));
	assert_false(match("2001:db8::/32", "10.0.0.1", NULL));
	assert_true(match("::/0", "fe80::1", NULL));
}

static void test_match_v4_mapped_client_against_v4_patterns(void **state)
{
	(void)state;
	/* a dual-stack socket's IPv4 client */
	parse_ok("/srv 10.77.0.0/24(rw) 2001:db8::/32(ro)\n");
	assert_true(allowed(only(), "::ffff:10.77.0.9", NULL));
	assert_true(opts_for(only(), "::ffff:10.77.0.9", NULL).rw);
	assert_false(allowed(only(), "::ffff:10.78.0.9", NULL));
	assert_false(opts_for(only(), "2001:db8::5", NULL).rw);
}

/* pxe-nfsd sees an IPv4 client as IPv4 (its IPv6 sockets are IPV6_V6ONLY,
 * and a dual-stack socket's mapped address is unmapped on arrival), so a
 * pattern in the mapped form means, and becomes, its IPv4 form. */
static void test_v4_mapped_pattern_is_its_ipv4_form(void **state)
{
	(void)state;
	assert_int_equal(host_of("::ffff:10.0.0.1").kind, EXPORT_HOST_ADDR);
	assert_string_equal(host_str("::ffff:10.0.0.1"), "10.0.0.1");
	assert_string_equal(host_str("::FFFF:10.0.0.0/104"), "10.0.0.0/8");
	assert_string_equal(host_str("::ffff:10.1.2.3/120"), "10.1.2.0/24");
	assert_string_equal(host_str("::ffff:0:0/96"), "0.0.0.0/0");
	assert_true(match("::ffff:10.0.0.1", "10.0.0.1", NULL));
	assert_false(match("::ffff:10.0.0.1", "10.0.0.2", NULL));
	assert_true(match("::ffff:10.0.0.0/104", "10.9.9.9", NULL));
	assert_false(match("::ffff:10.0.0.0/104", "11.0.0.1", NULL));
	parse_ok("/srv ::ffff:10.77.0.0/120(rw)\n");
	assert_true(allowed(only(), "10.77.0.9", NULL));
	assert_true(opts_for(only(), "10.77.0.9", NULL).rw);
	assert_string_equal(client_str(only(), 0), "10.77.0.0/24");
}

static void test_v4_mapped_pattern_is_the_same_client_as_ipv4(void **state)
{
	(void)state;
	parse_bad("/srv 10.0.0.1(rw) ::ffff:10.0.0.1(ro)\n",
		  "exports:1: '10.0.0.1' is already a client of /srv (line 1)");
}

static void test_v4_mapped_network_wider_than_ipv4_is_refused(void **state)
{
	(void)state;
	host_bad("::ffff:10.0.0.0/64", "'::ffff:10.0.0.0/64': an IPv4-mapped network needs a "
		 "prefix of 96 or more; write it as IPv4, such as 10.0.0.0/8");
}

static void test_match_names(void **state)
{
	(void)state;
	assert_true(match("pc1.lab.example", "10.0.0.1", "pc1.lab.example"));
	assert_true(match("pc1.lab.example", NULL, "PC1.Lab.Example."));
	assert_false(match("pc1.lab.example", NULL, "pc1.lab.example.evil"));
	assert_false(match("pc1.lab.example", NULL, "pc1"));
	assert_false(match("pc1", NULL, "pc1.lab.example"));
	/* no name: the caller could not resolve, or did not verify, one */
	assert_false(match("pc1.lab.example", "10.0.0.1", NULL));
}

static void test_match_wildcards(void **state)
{
	(void)state;
	assert_true(match("*.lab.example", NULL, "pc1.lab.example"));
	/* exports(5): the wildcards match the dots too, so subdomains are in */
	assert_true(match("*.lab.example", NULL, "a.b.lab.example"));
	assert_true(match("*.lab.example", NULL, "PC1.LAB.EXAMPLE."));
	assert_false(match("*.lab.example", NULL, "lab.example"));
	assert_false(match("*.lab.example", NULL, "pc1.lab.example.org"));
	assert_false(match("*.lab.example", NULL, "pc1.otherlab.example"));
	assert_true(match("pc?.lab", NULL, "pc7.lab"));
	assert_false(match("pc?.lab", NULL, "pc10.lab"));
	assert_false(match("pc?.lab", NULL, "pc.lab"));
	assert_true(match("pc[0-9].lab", NULL, "pc3.lab"));
	assert_false(match("pc[0-9].lab", NULL, "pcx.lab"));
	assert_true(match("pc[!0-4].lab", NULL, "pc7.lab"));
	assert_false(match("pc[!0-4].lab", NULL, "pc3.lab"));
	assert_true(match("pc[^0-4].lab", NULL, "pcz.lab"));
	assert_true(match("pc[a-cx].lab", NULL, "pcX.lab"));
	assert_true(match("*pc*", NULL, "mypc1"));
	assert_true(match("a*b*c", NULL, "aXXbYYbZZc"));
	assert_false(match("a*b*c", NULL, "aXXbYYbZZ"));
	assert_false(match("*.lab.example", "10.0.0.1", NULL));
}

static void test_wildcard_match_stays_linear(void **state)
{
	char name[256];

	(void)state;
	/* a pattern that backtracks exponentially in a naive matcher */
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_false(match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", NULL, name));
}

/* ---------------------------------------------------------------- precedence */

static void test_single_host_beats_anonymous_whatever_the_order(void **state)
{
	(void)state;
	parse_ok("/srv *(ro) 10.0.0.5(rw)\n");
	assert_true(opts_for(only(), "10.0.0.5", NULL).rw);
	assert_false(opts_for(only(), "10.0.0.6", NULL).rw);
}

static void test_network_beats_wildcard_beats_anonymous(void **state)
{
	(void)state;
	parse_ok("/srv *(ro,anonuid=1) *.lab(ro,anonuid=2) 10.0.0.0/8(ro,anonuid=3)\n");
	assert_int_equal(opts_for(only(), "10.1.1.1", "pc.lab").anonuid, 3);
	assert_int_equal(opts_for(only(), "192.0.2.1", "pc.lab").anonuid, 2);
	assert_int_equal(opts_for(only(), "192.0.2.1", "pc.elsewhere").anonuid, 1);
	assert_int_equal(opts_for(only(), "192.0.2.1", NULL).anonuid, 1);
}

static void test_name_is_a_single_host(void **state)
{
	(void)state;
	parse_ok("/srv 10.0.0.0/8(ro) pc.lab(rw)\n");
	assert_true(opts_for(only(), "10.0.0.1", "pc.lab").rw);
	assert_false(opts_for(only(), "10.0.0.1", NULL).rw);
}

static void test_first_written_wins_within_a_kind(void **state)
{
	(void)state;
	parse_ok("/a 10.0.0.0/8(ro) 10.0.0.0/16(rw)\n"
		 "/b 10.0.0.0/16(rw) 10.0.0.0/8(ro)\n"
		 "/c pc*.lab(ro) *.lab(rw)\n"
		 "/d pc1.lab(rw) 10.0.0.1(ro)\n");
	assert_false(opts_for(find("/a"), "10.0.1.1", NULL).rw);
	assert_true(opts_for(find("/b"), "10.0.1.1", NULL).rw);
	assert_false(opts_for(find("/b"), "10.1.1.1", NULL).rw);
	assert_false(opts_for(find("/c"), NULL, "pc1.lab").rw);
	assert_true(opts_for(find("/c"), NULL, "mac1.lab").rw);
	assert_true(opts_for(find("/d"), "10.0.0.1", "pc1.lab").rw);
	assert_false(opts_for(find("/d"), "10.0.0.1", NULL).rw);
}

/* A name is looked up only when it could outrank what the address matches. */
static void test_name_matters_only_when_it_could_outrank_the_address(void **state)
{
	(void)state;
	parse_ok("/none 10.0.0.0/8(rw)\n"
		 "/net 10.0.0.0/8(ro) *.lab(rw)\n"
		 "/host 10.0.0.0/8(ro) pc.lab(rw)\n"
		 "/tie 10.0.0.1(ro) pc.lab(rw)\n"
		 "/star *(ro) *.lab(rw)\n");
	assert_false(export_name_may_matter(find("/none"), sa("10.0.0.1")));
	/* a network outranks a wildcard: no name changes what 10/8 gets */
	assert_false(export_name_may_matter(find("/net"), sa("10.0.0.1")));
	assert_true(export_name_may_matter(find("/net"), sa("192.0.2.1")));
	assert_true(export_name_may_matter(find("/host"), sa("10.0.0.1")));
	/* single hosts tie: the order written decides, so the name is needed */
	assert_true(export_name_may_matter(find("/tie"), sa("10.0.0.1")));
	assert_true(export_name_may_matter(find("/star"), sa("2001:db8::1")));
	assert_true(export_name_may_matter(find("/star"), NULL));
}

static void test_client_not_listed_is_refused(void **state)
{
	(void)state;
	parse_ok("/srv 10.77.0.0/24(rw) pc.lab(ro)\n");
	assert_false(allowed(only(), "10.78.0.1", NULL));
	assert_false(allowed(only(), "10.78.0.1", "other.lab"));
	assert_false(allowed(only(), NULL, NULL));
	assert_true(allowed(only(), NULL, "pc.lab"));
}

/* ---------------------------------------------------------------- errors */

static void test_error_unknown_option(void **state)
{
	(void)state;
	parse_bad("/a *(ro)\n/srv pc1(rw,bogus)\n", "exports:2: pc1(rw,bogus): unknown option 'bogus'");
	parse_bad("/srv -rw,bogus pc1\n", "exports:1: -rw,bogus: unknown option 'bogus'");
	parse_bad("/srv *(mountpoint=/srv)\n", "exports:1: *(mountpoint=/srv): unknown option "
		  "'mountpoint=/srv'");
}

static void test_error_contradiction(void **state)
{
	(void)state;
	parse_bad("\n\n/srv *(ro,rw)\n", "exports:3: *(ro,rw): 'rw' contradicts 'ro' earlier in "
		  "the list");
}

static void test_host_options_override_line_defaults(void **state)
{
	(void)state;
	/* not a contradiction: the client's list is over the line's */
	parse_ok("/srv -ro pc(rw)\n");
	assert_true(only()->clients[0].opts.rw);
}

static void test_error_netgroup(void **state)
{
	(void)state;
	parse_bad("/usr *.local.domain(ro) @trusted(rw)\n", "exports:1: '@trusted': netgroups "
		  "are not supported; list the hosts, or a network such as 192.0.2.0/24");
}

static void test_error_options_without_host(void **state)
{
	(void)state;
	/* the classic slip: "/pub (rw)" would give the world rw */
	parse_bad("/pub (rw)\n", "exports:1: options without a client: write *(rw) for every "
		  "host, or remove the blank before '('");
	parse_bad("/pub host (rw)\n", "exports:1: options without a client: write *(rw) for "
		  "every host, or remove the blank before '('");
}

static void test_error_path(void **state)
{
	(void)state;
	parse_bad("srv *(ro)\n", "exports:1: 'srv': expected an absolute export path at the start "
		  "of the line");
	parse_bad("-ro /srv\n", "exports:1: '-ro': expected an absolute export path at the "
		  "start of the line");
	parse_bad("/srv/../etc *\n", "exports:1: /srv/../etc: '..' in the path; write the "
		  "directory it leads to");
	parse_bad("/srv/a\\012b *\n", "exports:1: /srv/a\\012b: control character in the path");
	parse_bad("\"/srv/a b/..\" *\n", "exports:1: /srv/a\\040b/..: '..' in the path; write "
		  "the directory it leads to");
	parse_bad("/srv/\"a b *\n", "exports:1: no closing '\"' on the line");
	parse_bad("/srv/\"a \\\nb\" *\n", "exports:1: no closing '\"' on the line");
}

static void test_error_path_too_long(void **state)
{
	char *text = malloc(EXPORT_PATH_MAX + 16);
	static const char tail[] = "...: a path longer than 1024 bytes (MOUNT's MNTPATHLEN)";

	(void)state;
	assert_non_null(text);
	text[0] = '/';
	memset(text + 1, 'a', EXPORT_PATH_MAX);
	strcpy(text + 1 + EXPORT_PATH_MAX, " *\n");
	assert_int_equal(parse(text), -EINVAL);
	assert_memory_equal(err, "exports:1: /aaaa", 16);
	assert_string_equal(err + strlen(err) - strlen(tail), tail);
	/* exactly 1024 bytes is fine */
	strcpy(text + EXPORT_PATH_MAX, " *\n");
	parse_ok(text);
	assert_int_equal(strlen(only()->path), EXPORT_PATH_MAX);
	free(text);
}

static void test_error_escapes(void **state)
{
	(void)state;
	parse_bad("/srv/a\\x *\n", "exports:1: a backslash starts an octal escape from \\001 to "
		  "\\377, such as \\040 for a blank, or ends the line to continue it");
	parse_bad("/srv/a\\000 *\n", "exports:1: a backslash starts an octal escape from \\001 "
		  "to \\377, such as \\040 for a blank, or ends the line to continue it");
	parse_bad("/srv/a\\04 *\n", "exports:1: a backslash starts an octal escape from \\001 to "
		  "\\377, such as \\040 for a blank, or ends the line to continue it");
	parse_bad("/srv/a\\", "exports:1: a backslash starts an octal escape from \\001 to "
		  "\\377, such as \\040 for a blank, or ends the line to continue it");
}

static void test_error_hash_inside_token(void **state)
{
	(void)state;
	parse_bad("/srv/a#b *\n", "exports:1: '#' inside a path: a comment starts after a blank, "
		  "and \\043 writes '#' in a path");
	parse_bad("/srv pc#1(rw)\n", "exports:1: '#' inside a client: a comment starts after a "
		  "blank");
	parse_bad("/srv pc(rw#)\n", "exports:1: '#' inside a client: a comment starts after a "
		  "blank");
}

static void test_error_parentheses(void **state)
{
	(void)state;
	parse_bad("/srv pc(rw, sync)\n", "exports:1: no ')' closing the option list (no blanks "
		  "go inside '(...)')");
	parse_bad("/srv pc(rw\n", "exports:1: no ')' closing the option list (no blanks go "
		  "inside '(...)')");
	parse_bad("/srv pc(rw)x\n", "exports:1: expected a blank after ')'");
	parse_bad("/srv pc(rw)(ro)\n", "exports:1: expected a blank after ')'");
	parse_bad("/srv pc(r(w))\n", "exports:1: a '(' inside an option list");
	parse_bad("/srv pc)\n", "exports:1: a ')' without its '('");
}

static void test_error_dangling_defaults(void **state)
{
	(void)state;
	parse_bad("/srv pc1 \\\n -rw\n", "exports:2: default options after the last client apply "
		  "to none");
}

static void test_error_duplicate_client(void **state)
{
	(void)state;
	parse_bad("/srv pc1(ro) \\\n PC1.(rw)\n", "exports:2: 'pc1' is already a client of /srv "
		  "(line 1)");
	parse_bad("/srv 10.0.0.0/8 10.1.0.0/255.0.0.0\n", "exports:1: '10.0.0.0/8' is already a "
		  "client of /srv (line 1)");
}

static void test_error_duplicate_export(void **state)
{
	(void)state;
	parse_bad("/srv/install *(ro)\n# again\n/srv/install/ 10.0.0.1(rw)\n",
		  "exports:3: /srv/install is already exported at exports:1");
	parse_ok("/a *\n");
	parse_bad("/b *\n/a *\n", "exports:2: /a is already exported at exports:1");
	assert_int_equal(table.count, 1);	/* /b is not half-added */
}

static void test_error_fsid_clash(void **state)
{
	(void)state;
	parse_bad("/a *(fsid=1)\n/b *(fsid=1)\n", "exports:2: fsid=1 of /b is already that of /a "
		  "at exports:1");
	parse_bad("/a *(fsid=root)\n/b *(fsid=0)\n", "exports:2: fsid=root of /b is already that "
		  "of /a at exports:1");
	parse_bad("/a *(fsid=00112233-4455-6677-8899-aabbccddeeff)\n"
		  "/b *(fsid=00112233445566778899AABBCCDDEEFF)\n",
		  "exports:2: the fsid UUID of /b is already that of /a at exports:1");
	parse_bad("/a 10.0.0.1(fsid=1) \\\n 10.0.0.2(fsid=2)\n",
		  "exports:2: fsid=2 for '10.0.0.2' differs from fsid=1 for another client of /a; "
		  "an export has one fsid");
	parse_bad("/a 10.0.0.1(fsid=00112233-4455-6677-8899-aabbccddeeff) 10.0.0.2(fsid="
		  "ffeeddcc-4455-6677-8899-aabbccddeeff)\n",
		  "exports:1: the fsid UUID for '10.0.0.2' differs from that of another client of "
		  "/a; an export has one fsid");
}

static void test_fsid_given_once_holds_for_the_export(void **state)
{
	(void)state;
	parse_ok("/a 10.0.0.1(fsid=5) 10.0.0.2 10.0.0.3(fsid=5)\n/b *(fsid=6)\n");
	assert_true(find("/a")->fsid.has_num);
	assert_int_equal(find("/a")->fsid.num, 5);
	assert_int_equal(find("/b")->fsid.num, 6);
}

static void test_error_line_of_a_continued_token(void **state)
{
	(void)state;
	parse_bad("/ok *\n/srv \\\n  10.0.0.1(rw) \\\n  10.0.0.2(rw,nope)\n",
		  "exports:4: 10.0.0.2(rw,nope): unknown option 'nope'");
}

static void test_error_line_too_long(void **state)
{
	char *text = malloc(EXPORTS_LINE_MAX + 256);
	size_t n = 0;
	unsigned line = 1;

	(void)state;
	assert_non_null(text);
	/* clients of 60 bytes, each on a continued line */
	n += (size_t)sprintf(text, "/srv");
	while (n <= EXPORTS_LINE_MAX) {
		n += (size_t)sprintf(text + n, " \\\n host-%05zu-%s", n,
				     "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklm");
		line++;
	}
	strcpy(text + n, "\n");
	assert_int_equal(parse(text), -EINVAL);
	snprintf(text, EXPORTS_LINE_MAX, "exports:%u: line too long (at most 8192 bytes, "
		 "continuations included)", line);
	assert_string_equal(err, text);
	assert_int_equal(table.count, 0);
	/* one token past the limit */
	text[0] = '/';
	memset(text + 1, 'a', EXPORTS_LINE_MAX + 10);
	strcpy(text + EXPORTS_LINE_MAX + 11, " *\n");
	parse_bad(text, "exports:1: line too long (at most 8192 bytes, continuations included)");
	free(text);
}

static void test_error_too_many_clients(void **state)
{
	char *text = malloc(32 * (EXPORT_CLIENTS_MAX + 2));
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "/srv");
	for (int i = 0; i <= EXPORT_CLIENTS_MAX; i++)
		n += (size_t)sprintf(text + n, " 10.0.%d.%d", i / 200, i % 200);
	strcpy(text + n, "\n");
	parse_bad(text, "exports:1: more than 256 clients for /srv");
	free(text);
}

static void test_error_too_many_exports(void **state)
{
	char *text = malloc(16 * (EXPORTS_MAX + 2));
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < EXPORTS_MAX; i++)
		n += (size_t)sprintf(text + n, "/e%d\n", i);
	parse_ok(text);
	assert_int_equal(table.count, EXPORTS_MAX);
	parse_bad("/one-more\n", "exports:1: more than 1024 exports");
	export_table_free(&table);
	n += (size_t)sprintf(text + n, "/e%d\n", EXPORTS_MAX);
	parse_bad(text, "exports:1025: more than 1024 exports");
	free(text);
}

static void test_failed_parse_leaves_table_alone(void **state)
{
	(void)state;
	parse_ok("/a *\n");
	parse_bad("/b *\n/c *(bogus)\n", "exports:2: *(bogus): unknown option 'bogus'");
	assert_int_equal(table.count, 1);
	assert_string_equal(table.exports[0].path, "/a");
	assert_null(export_find(&table, "/b"));
}

/* ---------------------------------------------------------------- files */

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_exports.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
}

static char *tmp_path(const char *name)
{
	static char bufs[4][256];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, 256, "%s/%s", tmpdir, name);
	return buf;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_load_file(void **state)
{
	static const char text[] = "/tftpboot *(ro,sync)\n/srv/ks 10.0.0.0/8(rw)\n";
	char *path;

	(void)state;
	make_tmpdir();
	path = tmp_path("exports");
	write_file(path, text, sizeof text - 1);
	assert_int_equal(export_table_load_file(&table, path, err, sizeof err), 0);
	assert_int_equal(table.count, 2);
	assert_string_equal(table.exports[1].file, path);
	assert_int_equal(table.exports[1].line, 2);
}

static void test_load_file_errors(void **state)
{
	static const char nul[] = "/a *\n/b *\0(rw)\n";
	char msg[600], *path;

	(void)state;
	make_tmpdir();
	path = tmp_path("missing");
	assert_int_equal(export_table_load_file(&table, path, err, sizeof err), -ENOENT);
	snprintf(msg, sizeof msg, "%s: No such file or directory", path);
	assert_string_equal(err, msg);
	path = tmp_path("nul");
	write_file(path, nul, sizeof nul - 1);
	assert_int_equal(export_table_load_file(&table, path, err, sizeof err), -EINVAL);
	snprintf(msg, sizeof msg, "%s:2: NUL byte in the line; is this a text file?", path);
	assert_string_equal(err, msg);
	path = tmp_path("bad");
	write_file(path, "/a *(bogus)\n", 12);
	assert_int_equal(export_table_load_file(&table, path, err, sizeof err), -EINVAL);
	snprintf(msg, sizeof msg, "%s:1: *(bogus): unknown option 'bogus'", path);
	assert_string_equal(err, msg);
	assert_int_equal(table.count, 0);
}

/* ---------------------------------------------------------------- pxesuite.ini */

static int ini_init(const char *ini, struct conf_error *cerr)
{
	memset(cerr, 0, sizeof *cerr);
	assert_int_equal(conf_init(&conf, suite_schema, cerr), 0);
	conf_loaded = true;
	return conf_load_string(&conf, "pxe.ini", ini, cerr);
}

/* Loads and checks, as every daemon does, then builds the table. */
static void ini_ok(const char *ini)
{
	struct conf_error cerr;

	if (ini_init(ini, &cerr) != 0 || conf_check(&conf, &cerr) != 0)
		fail_msg("%s", cerr.msg);
	if (export_table_load_ini(&table, &conf, err, sizeof err) != 0)
		fail_msg("%s", err);
}

/* The file loads, and conf_check refuses it with exactly msg. */
static void ini_check_bad(const char *ini, const char *msg)
{
	struct conf_error cerr;

	if (ini_init(ini, &cerr) != 0)
		fail_msg("load failed: %s", cerr.msg);
	assert_int_equal(conf_check(&conf, &cerr), -EINVAL);
	assert_string_equal(cerr.msg, msg);
	conf_free(&conf);
	conf_loaded = false;
}

static void test_ini_nfsd_defaults(void **state)
{
	const struct conf_nfsd *n;

	(void)state;
	ini_ok("");
	n = conf_get(&conf, "nfsd");
	assert_non_null(n);
	assert_null(n->exports_file);
	assert_string_equal(n->state_dir, LOCALSTATEDIR "/lib/pxesuite");
	assert_string_equal(n->user, "nobody");
	assert_int_equal(n->address.family, 0);
	assert_int_equal(n->nfs_port, 2049);
	assert_int_equal(n->mount_port, 0);
	assert_true(n->require_rpcbind);
	assert_string_equal(n->daemon.pidfile, RUNSTATEDIR "/pxe-nfsd.pid");
	assert_int_equal(table.count, 0);
}

static void test_ini_nfsd_keys(void **state)
{
	const struct conf_nfsd *n;

	(void)state;
	ini_ok("[nfsd]\nexports_file = /etc/exports\nstate_dir = /var/lib/pxe\nuser = pxe\n"
	       "address = 10.77.0.1\nnfs_port = 2050\nmount_port = 20048\nrequire_rpcbind = no\n");
	n = conf_get(&conf, "nfsd");
	assert_string_equal(n->exports_file, "/etc/exports");
	assert_string_equal(n->state_dir, "/var/lib/pxe");
	assert_string_equal(n->user, "pxe");
	assert_int_equal(n->address.family, AF_INET);
	assert_int_equal(n->nfs_port, 2050);
	assert_int_equal(n->mount_port, 20048);
	assert_false(n->require_rpcbind);
}

static void test_ini_nfsd_errors(void **state)
{
	struct conf_error cerr;

	(void)state;
	ini_check_bad("[nfsd]\nrequire_rpcbind = no\n", "pxe.ini:2: [nfsd] require_rpcbind: "
		      "serving without rpcbind needs a fixed mount_port");
	assert_int_equal(ini_init("[nfsd]\nexports_file = exports\n", &cerr), -EINVAL);
	assert_string_equal(cerr.msg, "pxe.ini:2: [nfsd] exports_file: expected an absolute path "
			    "such as /srv/tftp");
	conf_free(&conf);
	assert_int_equal(ini_init("[nfsd]\nnfs_port = 0\n", &cerr), -EINVAL);
	assert_non_null(strstr(cerr.msg, "pxe.ini:2: [nfsd] nfs_port: "));
}

static void test_ini_export_with_defaults(void **state)
{
	const struct export *e;

	(void)state;
	ini_ok("[export /tftpboot]\n");
	e = only();
	assert_string_equal(e->path, "/tftpboot");
	assert_string_equal(e->file, "pxe.ini");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->nclients, 1);
	assert_int_equal(e->clients[0].host.kind, EXPORT_HOST_ANY);
	assert_string_equal(opts_str(&e->clients[0].opts), DEFAULTS);
}

static void test_ini_export_clients_and_options(void **state)
{
	const struct export *e;

	(void)state;
	ini_ok("[global]\nlog = stderr\n\n"
	       "[export /srv/install]\n"
	       "clients = 10.77.0.0/24, *.lab.example 2001:db8::/64\n"
	       "options = rw,no_root_squash,fsid=7\n"
	       "\n[export /tftpboot]\nclients = *\noptions = ro,sync\n");
	assert_int_equal(table.count, 2);
	e = find("/srv/install");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->nclients, 3);
	assert_int_equal(e->clients[0].line, 5);
	assert_string_equal(client_str(e, 0), "10.77.0.0/24");
	assert_string_equal(client_str(e, 1), "*.lab.example");
	assert_string_equal(client_str(e, 2), "2001:db8::/64");
	assert_true(e->names);
	assert_true(e->fsid.has_num);
	assert_int_equal(e->fsid.num, 7);
	assert_true(opts_for(e, "10.77.0.5", NULL).rw);
	assert_false(opts_for(e, "10.77.0.5", NULL).root_squash);
	assert_true(allowed(e, "192.0.2.1", "pc.lab.example"));
	assert_false(allowed(e, "192.0.2.1", NULL));
	assert_false(opts_for(find("/tftpboot"), "192.0.2.1", NULL).rw);
}

static void test_ini_export_errors(void **state)
{
	(void)state;
	ini_check_bad("[export srv]\n", "pxe.ini:1: [export srv]: expected an absolute path such "
		      "as /srv/install");
	ini_check_bad("[export /srv/../etc]\n", "pxe.ini:1: [export /srv/../etc]: '..' in the "
		      "path; write the directory it leads to");
	ini_check_bad("[export /srv]\nclients = *\noptions = rw,bogus\n",
		      "pxe.ini:3: [export /srv] options: unknown option 'bogus'");
	ini_check_bad("[export /srv]\noptions = ro,rw\n",
		      "pxe.ini:2: [export /srv] options: 'rw' contradicts 'ro' earlier in the list");
	ini_check_bad("[export /srv]\nclients = 10.0.0.0/8 @staff\n",
		      "pxe.ini:2: [export /srv] clients: '@staff': netgroups are not supported; "
		      "list the hosts, or a network such as 192.0.2.0/24");
	ini_check_bad("[export /srv]\nclients =\n",
		      "pxe.ini:2: [export /srv] clients: no clients; write clients = * for every "
		      "host");
	ini_check_bad("[export /srv]\nclients = 10.0.0.1(rw)\n",
		      "pxe.ini:2: [export /srv] clients: '10.0.0.1(rw)': options do not go in a "
		      "host pattern");
	ini_check_bad("[export /srv]\nclients = pc1 PC1\n",
		      "pxe.ini:2: [export /srv] clients: 'PC1' is listed twice");
	ini_check_bad("[export /srv]\n\n[export /srv/]\n",
		      "pxe.ini:3: [export /srv/]: the same path as [export /srv] of line 1");
	ini_check_bad("[export /a]\noptions = fsid=3\n[export /b]\noptions = ro,fsid=3\n",
		      "pxe.ini:4: [export /b] options: fsid=3 is already that of [export /a] of "
		      "line 1");
	ini_check_bad("[export /a]\noptions = fsid=00112233-4455-6677-8899-aabbccddeeff\n"
		      "[export /b]\noptions = fsid=00112233445566778899aabbccddeeff\n",
		      "pxe.ini:4: [export /b] options: the fsid UUID is already that of "
		      "[export /a] of line 1");
}

static void test_ini_duplicate_section_is_the_loaders(void **state)
{
	struct conf_error cerr;

	(void)state;
	assert_int_equal(ini_init("[export /srv]\n[export /srv]\n", &cerr), -EINVAL);
	assert_string_equal(cerr.msg, "pxe.ini:2: duplicate section [export /srv]; first at "
			    "line 1");
}

static void test_ini_and_file_merge(void **state)
{
	static const char text[] = "# classic\n/srv/install *(ro)\n/srv/ks 10.77.0.0/24(rw)\n";
	char ini[512], *path;

	(void)state;
	make_tmpdir();
	path = tmp_path("exports");
	write_file(path, text, sizeof text - 1);
	snprintf(ini, sizeof ini, "[nfsd]\nexports_file = %s\n\n[export /tftpboot]\n"
		 "options = ro,sync\n", path);
	ini_ok(ini);
	export_table_free(&table);
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), 0);
	assert_int_equal(table.count, 3);
	assert_string_equal(table.exports[0].path, "/tftpboot");
	assert_string_equal(table.exports[0].file, "pxe.ini");
	assert_string_equal(table.exports[1].path, "/srv/install");
	assert_string_equal(table.exports[1].file, path);
	assert_int_equal(table.exports[2].line, 3);
	assert_true(opts_for(find("/srv/ks"), "10.77.0.9", NULL).rw);
}

static void test_ini_and_file_duplicate_path(void **state)
{
	static const char text[] = "/a *\n/tftpboot/ 10.0.0.0/8(rw)\n";
	char ini[512], msg[600], *path;

	(void)state;
	make_tmpdir();
	path = tmp_path("exports");
	write_file(path, text, sizeof text - 1);
	snprintf(ini, sizeof ini, "[nfsd]\nexports_file = %s\n[export /tftpboot]\n", path);
	ini_ok(ini);
	export_table_free(&table);
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), -EINVAL);
	snprintf(msg, sizeof msg, "%s:2: /tftpboot is already exported at pxe.ini:3", path);
	assert_string_equal(err, msg);
	assert_int_equal(table.count, 0);
}

static void test_ini_and_file_duplicate_fsid(void **state)
{
	static const char text[] = "/a *(fsid=root)\n";
	char ini[512], msg[600], *path;

	(void)state;
	make_tmpdir();
	path = tmp_path("exports");
	write_file(path, text, sizeof text - 1);
	snprintf(ini, sizeof ini, "[nfsd]\nexports_file = %s\n[export /b]\noptions=fsid=0\n", path);
	ini_ok(ini);
	export_table_free(&table);
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), -EINVAL);
	snprintf(msg, sizeof msg, "%s:1: fsid=root of /a is already that of /b at pxe.ini:3",
		 path);
	assert_string_equal(err, msg);
}

static void test_ini_missing_exports_file(void **state)
{
	(void)state;
	ini_ok("[nfsd]\nexports_file = /nonexistent/pxesuite-test/exports\n[export /a]\n");
	export_table_free(&table);
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), -ENOENT);
	/* found by fuzz_suite_conf: the config's FILE:LINE, which names the file */
	assert_string_equal(err, "pxe.ini:2: [nfsd] exports_file: /nonexistent/pxesuite-test/"
			    "exports: No such file or directory");
	assert_int_equal(table.count, 0);
}

static void test_unreadable_exports_file_named_by_a_flag(void **state)
{
	struct conf_error cerr;

	(void)state;
	ini_ok("");
	assert_int_equal(conf_set(&conf, "nfsd", "exports_file", "/nonexistent/e", "--exports",
				  &cerr), 0);
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), -ENOENT);
	assert_string_equal(err, "command line: [nfsd] exports_file: /nonexistent/e: No such "
			    "file or directory");
}

static void test_exports_file_too_large(void **state)
{
	(void)state;
	ini_ok("[nfsd]\nexports_file = /dev/zero\n");
	assert_int_equal(export_table_load(&table, &conf, err, sizeof err), -EFBIG);
	assert_non_null(strstr(err, "pxe.ini:2: [nfsd] exports_file: /dev/zero: larger than "));
}

/* ---------------------------------------------------------------- lookups */

static void test_find_exact_and_normalized(void **state)
{
	(void)state;
	parse_ok("/srv/install *\n/srv *\n");
	assert_string_equal(find("/srv/install")->path, "/srv/install");
	assert_string_equal(find("/srv//install/")->path, "/srv/install");
	assert_string_equal(find("/srv/./install")->path, "/srv/install");
	assert_string_equal(find("/srv")->path, "/srv");
	assert_null(export_find(&table, "/srv/install/centos"));
	assert_null(export_find(&table, "/srv/install/.."));
	assert_null(export_find(&table, "srv"));
	assert_null(export_find(&table, "/"));
}

static void test_mount_walks_up_to_the_nearest_export(void **state)
{
	const struct export *e;
	struct export_opts o;
	const char *rest;

	(void)state;
	parse_ok("/srv *(ro)\n/srv/install 10.77.0.0/24(rw)\n");
	e = export_for_mount(&table, "/srv/install/centos/9", sa("10.77.0.5"), NULL, &o, &rest);
	assert_non_null(e);
	assert_string_equal(e->path, "/srv/install");
	assert_string_equal(rest, "centos/9");
	assert_true(o.rw);
	e = export_for_mount(&table, "/srv/install", sa("10.77.0.5"), NULL, &o, &rest);
	assert_string_equal(e->path, "/srv/install");
	assert_string_equal(rest, "");
	/* not a client of /srv/install: mountd goes on to /srv */
	e = export_for_mount(&table, "/srv/install/centos", sa("192.0.2.1"), NULL, &o, &rest);
	assert_string_equal(e->path, "/srv");
	assert_string_equal(rest, "install/centos");
	assert_false(o.rw);
	/* a component prefix only: /srvx is not under /srv */
	assert_null(export_for_mount(&table, "/srvx", sa("10.77.0.5"), NULL, &o, &rest));
	assert_null(export_for_mount(&table, "/", sa("10.77.0.5"), NULL, &o, &rest));
	/* only normalized paths */
	assert_null(export_for_mount(&table, "/srv/install/", sa("10.77.0.5"), NULL, &o, &rest));
	assert_null(export_for_mount(&table, "/srv/install/../x", sa("10.77.0.5"), NULL, &o,
				     &rest));
}

static void test_mount_under_the_root_export(void **state)
{
	const struct export *e;
	const char *rest;

	(void)state;
	parse_ok("/ 10.0.0.0/8(ro)\n");
	e = export_for_mount(&table, "/srv/x", sa("10.0.0.1"), NULL, NULL, &rest);
	assert_non_null(e);
	assert_string_equal(rest, "srv/x");
	e = export_for_mount(&table, "/", sa("10.0.0.1"), NULL, NULL, &rest);
	assert_non_null(e);
	assert_string_equal(rest, "");
	assert_null(export_for_mount(&table, "/srv", sa("192.0.2.1"), NULL, NULL, &rest));
}

static void test_path_normalize(void **state)
{
	char out[EXPORT_PATH_MAX + 1], why[128];

	(void)state;
	assert_int_equal(export_path_normalize("/", out, sizeof out, why, sizeof why), 0);
	assert_string_equal(out, "/");
	assert_int_equal(export_path_normalize("///", out, sizeof out, why, sizeof why), 0);
	assert_string_equal(out, "/");
	assert_int_equal(export_path_normalize("/./a/./b/.", out, sizeof out, why, sizeof why), 0);
	assert_string_equal(out, "/a/b");
	assert_int_equal(export_path_normalize("/a/..b/c..", out, sizeof out, why, sizeof why), 0);
	assert_string_equal(out, "/a/..b/c..");
	assert_int_equal(export_path_normalize("/a/..", out, sizeof out, why, sizeof why),
			 -EINVAL);
	assert_int_equal(export_path_normalize("", out, sizeof out, why, sizeof why), -EINVAL);
	assert_int_equal(export_path_normalize("/a\x7f", out, sizeof out, why, sizeof why),
			 -EINVAL);
	assert_int_equal(export_path_normalize("/abc", out, 4, why, sizeof why), -EINVAL);
	assert_true(export_path_is_normal("/a/b"));
	assert_true(export_path_is_normal("/"));
	assert_false(export_path_is_normal("/a/"));
	assert_false(export_path_is_normal("//a"));
	assert_false(export_path_is_normal("a"));
}

/* ---------------------------------------------------------------- the filesystem */

static void test_open_resolves_each_export(void **state)
{
	char text[1024], real[300], *in, *link;
	struct stat st;

	(void)state;
	make_tmpdir();
	in = tmp_path("install");
	assert_int_equal(mkdir(in, 0755), 0);
	link = tmp_path("link");
	assert_int_equal(symlink(in, link), 0);
	snprintf(text, sizeof text, "%s *\n%s/ks *\n", link, in);
	assert_int_equal(mkdir(tmp_path("install/ks"), 0755), 0);
	parse_ok(text);
	assert_int_equal(export_table_open(&table, err, sizeof err), 0);
	assert_true(table.exports[0].fd >= 0);
	assert_non_null(realpath(in, real));
	assert_string_equal(table.exports[0].real, real);
	assert_int_equal(stat(in, &st), 0);
	assert_int_equal(table.exports[0].dev, st.st_dev);
	assert_int_equal(table.exports[0].ino, st.st_ino);
	/* the fd is the directory, readable (fh.h: not O_PATH) */
	assert_int_equal(fcntl(table.exports[0].fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(fstat(table.exports[1].fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

static void test_open_errors(void **state)
{
	char text[1024], msg[1200], in[256], link[256], file[256], missing[256];

	(void)state;
	make_tmpdir();
	snprintf(in, sizeof in, "%s", tmp_path("install"));
	snprintf(link, sizeof link, "%s", tmp_path("link"));
	snprintf(file, sizeof file, "%s", tmp_path("file"));
	snprintf(missing, sizeof missing, "%s", tmp_path("missing"));
	assert_int_equal(mkdir(in, 0755), 0);
	assert_int_equal(symlink(in, link), 0);
	write_file(file, "x", 1);

	snprintf(text, sizeof text, "%s *\n%s *\n", in, link);
	parse_ok(text);
	assert_int_equal(export_table_open(&table, err, sizeof err), -EEXIST);
	snprintf(msg, sizeof msg, "exports:2: %s is the directory %s exports already "
		 "(exports:1)", link, in);
	assert_string_equal(err, msg);
	export_table_free(&table);

	snprintf(text, sizeof text, "%s *\n", missing);
	parse_ok(text);
	assert_int_equal(export_table_open(&table, err, sizeof err), -ENOENT);
	snprintf(msg, sizeof msg, "exports:1: %s: No such file or directory", missing);
	assert_string_equal(err, msg);
	export_table_free(&table);

	snprintf(text, sizeof text, "\n%s *\n", file);
	parse_ok(text);
	assert_int_equal(export_table_open(&table, err, sizeof err), -ENOTDIR);
	snprintf(msg, sizeof msg, "exports:2: %s: Not a directory", file);
	assert_string_equal(err, msg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)


/* ---------------------------------------------------------------- export ids */

static void test_ids_come_from_fsid_or_else_from_the_path(void **state)
{
	uint32_t a, b;

	(void)state;
	parse_ok("/srv/a *(ro)\n/srv/b *(ro,fsid=7)\n/srv/c *(ro,fsid=root)\n");
	assert_int_equal(export_table_ids(&table, err, sizeof err), 0);
	a = find("/srv/a")->id;
	assert_true(a & 0x80000000u);
	assert_int_equal(find("/srv/b")->id, 7);
	assert_int_equal(find("/srv/c")->id, 0);
	assert_ptr_equal(export_by_id(&table, 7), find("/srv/b"));
	assert_null(export_by_id(&table, 8));
	/* the same path gives the same id in another table, and in another run */
	export_table_free(&table);
	parse_ok("/srv/other *\n/srv/a *\n");
	assert_int_equal(export_table_ids(&table, err, sizeof err), 0);
	b = find("/srv/a")->id;
	assert_int_equal(a, b);
	assert_int_not_equal(find("/srv/other")->id, b);
	assert_int_equal(export_id_hash("path:", "/srv/a", 6), a);
}

static void test_two_exports_with_one_id_are_refused(void **state)
{
	char text[128];

	(void)state;
	snprintf(text, sizeof text, "/srv/a *\n/srv/b *(fsid=%u)\n",
		 export_id_hash("path:", "/srv/a", 6));
	parse_ok(text);
	assert_int_equal(export_table_ids(&table, err, sizeof err), -EEXIST);
	assert_non_null(strstr(err, "exports:2: /srv/b gets the handle id"));
	assert_non_null(strstr(err, "set fsid= on one of them"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tftpboot_star_ro_sync_works_as_written),
		T(test_ids_come_from_fsid_or_else_from_the_path),
		T(test_two_exports_with_one_id_are_refused),
		T(test_several_clients_each_with_options),
		T(test_client_without_options_gets_defaults),
		T(test_dash_options_are_defaults_for_later_clients),
		T(test_dash_options_alone_export_to_everyone),
		T(test_path_alone_exports_to_everyone_with_defaults),
		T(test_quoted_path_with_blanks),
		T(test_octal_escapes_in_path),
		T(test_quotes_and_escapes_mix),
		T(test_parentheses_are_plain_in_a_path),
		T(test_comments_and_blank_lines),
		T(test_comment_at_token_start_after_path),
		T(test_continued_lines),
		T(test_continuation_right_after_path),
		T(test_crlf_lines),
		T(test_no_newline_at_end),
		T(test_empty_text),
		T(test_path_is_normalized),
		T(test_empty_option_list_and_trailing_comma),
		T(test_defaults_are_those_of_exports5),
		T(test_every_flag_option),
		T(test_anonuid_and_anongid),
		T(test_fsid_forms),
		T(test_sec_flavours),
		T(test_ignored_options_are_accepted),
		T(test_every_option_named_is_taken),
		T(test_contradictions_in_one_list),
		T(test_option_list_slips),
		T(test_options_print_and_parse_back),
		T(test_host_kinds),
		T(test_host_printed_back),
		T(test_host_errors),
		T(test_v4_mapped_pattern_is_its_ipv4_form),
		T(test_v4_mapped_pattern_is_the_same_client_as_ipv4),
		T(test_v4_mapped_network_wider_than_ipv4_is_refused),
		T(test_match_ipv4),
		T(test_match_ipv6),
		T(test_match_v4_mapped_client_against_v4_patterns),
		T(test_match_names),
		T(test_match_wildcards),
		T(test_wildcard_match_stays_linear),
		T(test_single_host_beats_anonymous_whatever_the_order),
		T(test_network_beats_wildcard_beats_anonymous),
		T(test_name_is_a_single_host),
		T(test_first_written_wins_within_a_kind),
		T(test_name_matters_only_when_it_could_outrank_the_address),
		T(test_client_not_listed_is_refused),
		T(test_error_unknown_option),
		T(test_error_contradiction),
		T(test_host_options_override_line_defaults),
		T(test_error_netgroup),
		T(test_error_options_without_host),
		T(test_error_path),
		T(test_error_path_too_long),
		T(test_error_escapes),
		T(test_error_hash_inside_token),
		T(test_error_parentheses),
		T(test_error_dangling_defaults),
		T(test_error_duplicate_client),
		T(test_error_duplicate_export),
		T(test_error_fsid_clash),
		T(test_fsid_given_once_holds_for_the_export),
		T(test_error_line_of_a_continued_token),
		T(test_error_line_too_long),
		T(test_error_too_many_clients),
		T(test_error_too_many_exports),
		T(test_failed_parse_leaves_table_alone),
		T(test_load_file),
		T(test_load_file_errors),
		T(test_ini_nfsd_defaults),
		T(test_ini_nfsd_keys),
		T(test_ini_nfsd_errors),
		T(test_ini_export_with_defaults),
		T(test_ini_export_clients_and_options),
		T(test_ini_export_errors),
		T(test_ini_duplicate_section_is_the_loaders),
		T(test_ini_and_file_merge),
		T(test_ini_and_file_duplicate_path),
		T(test_ini_and_file_duplicate_fsid),
		T(test_ini_missing_exports_file),
		T(test_unreadable_exports_file_named_by_a_flag),
		T(test_exports_file_too_large),
		T(test_find_exact_and_normalized),
		T(test_mount_walks_up_to_the_nearest_export),
		T(test_mount_under_the_root_export),
		T(test_path_normalize),
		T(test_open_resolves_each_export),
		T(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
