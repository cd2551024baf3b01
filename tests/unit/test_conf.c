/* Unit tests for common/conf.c: precedence, sections, every structural error
 * with its exact FILE:LINE message, inih's traps, checks and memory. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "suite_conf.h"

struct t_main {
	char *name;
	char *root;
	bool verbose;
	long long port;
	uint64_t timeout;
	uint64_t blksize;
	int mode;
	struct ip_addr server;
	struct hostport listen;
	struct cidr subnet;
	struct mac_addr mac;
	struct conf_list dns;
};

struct t_host {
	struct mac_addr mac;
	struct ip_addr address;
	char *boot_file;
};

static const char *const modes[] = { "fast", "safe", NULL };

static const struct conf_key main_keys[] = {
	{ .name = "name", .type = CONF_STRING, .offset = offsetof(struct t_main, name),
	  .def = "pxe" },
	{ .name = "root", .type = CONF_PATH, .offset = offsetof(struct t_main, root),
	  .def = "/srv/tftp" },
	{ .name = "verbose", .type = CONF_BOOL, .offset = offsetof(struct t_main, verbose),
	  .def = "no" },
	{ .name = "port", .type = CONF_INT, .offset = offsetof(struct t_main, port),
	  .def = "69", .min = 1, .max = 65535 },
	{ .name = "timeout", .type = CONF_DURATION, .offset = offsetof(struct t_main, timeout),
	  .def = "5s", .min = 1000, .max = 3600000 },
	{ .name = "blksize", .type = CONF_SIZE, .offset = offsetof(struct t_main, blksize),
	  .def = "512", .min = 8, .max = 65464 },
	{ .name = "mode", .type = CONF_ENUM, .offset = offsetof(struct t_main, mode),
	  .def = "safe", .choices = modes },
	{ .name = "server", .type = CONF_IP, .offset = offsetof(struct t_main, server),
	  .family = AF_INET },
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = offsetof(struct t_main, listen),
	  .def = ":69", .family = AF_UNSPEC, .port = 69 },
	{ .name = "subnet", .type = CONF_CIDR, .offset = offsetof(struct t_main, subnet),
	  .family = AF_INET },
	{ .name = "mac", .type = CONF_MAC, .offset = offsetof(struct t_main, mac) },
	{ .name = "dns", .type = CONF_LIST, .offset = offsetof(struct t_main, dns),
	  .def = "192.0.2.53, 192.0.2.54", .elem = CONF_IP, .family = AF_INET },
	{ 0 }
};

/* Complains as tests ask, through the name key. */
static int main_check(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct t_main *m = sec->data;

	if (m->port == 13) {
		*key = "port";
		snprintf(err, errlen, "13 is unlucky");
		return -1;
	}
	if (strcmp(m->name, "unhappy") == 0) {
		snprintf(err, errlen, "unhappy as a whole");
		return -1;
	}
	if (strcmp(m->name, "badkey") == 0) {
		*key = "no_such_key";
		snprintf(err, errlen, "names a key that is not there");
		return -1;
	}
	if (strcmp(m->name, "blame-mode") == 0) {
		*key = "mode";
		snprintf(err, errlen, "wrong mode");
		return -1;
	}
	return 0;
}

static const struct conf_section_def main_def = {
	.name = "main", .size = sizeof(struct t_main), .keys = main_keys, .check = main_check,
};

static const struct conf_key other_keys[] = {
	{ .name = "flag", .type = CONF_BOOL, .offset = 0, .def = "yes" },
	{ 0 }
};

static const struct conf_section_def other_def = {
	.name = "other", .size = sizeof(bool), .keys = other_keys,
};

static const struct conf_key host_keys[] = {
	{ .name = "mac", .type = CONF_MAC, .offset = offsetof(struct t_host, mac) },
	{ .name = "address", .type = CONF_IP, .offset = offsetof(struct t_host, address),
	  .family = AF_INET },
	{ .name = "boot_file", .type = CONF_STRING, .offset = offsetof(struct t_host, boot_file),
	  .def = "pxelinux.0" },
	{ 0 }
};

static int host_check(const struct conf *conf, const struct conf_section *sec,
		      const char **key, char *err, size_t errlen)
{
	const struct t_host *h = sec->data;

	if (h->address.family == 0) {
		*key = "address";
		snprintf(err, errlen, "a host needs an address");
		return -1;
	}
	return 0;
}

static const struct conf_section_def host_def = {
	.name = "host", .named = true, .size = sizeof(struct t_host), .keys = host_keys,
	.check = host_check,
};

static const struct conf_section_def *const schema[] = {
	&main_def, &other_def, &host_def, NULL,
};

static struct conf conf;
static struct conf_error err;

static int setup(void **state)
{
	memset(&err, 0, sizeof err);
	assert_int_equal(conf_init(&conf, schema, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	conf_free(&conf);
	return 0;
}

static struct t_main *main_data(void)
{
	return conf_get(&conf, "main");
}

static void load_ok(const char *text)
{
	if (conf_load_string(&conf, "t.ini", text, &err) != 0)
		fail_msg("%s", err.msg);
}

static void load_bad(const char *text, const char *msg)
{
	assert_int_equal(conf_load_string(&conf, "t.ini", text, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

static const struct conf_section *main_sec(void)
{
	const struct conf_section *sec;

	for (sec = conf.sections; sec; sec = sec->next)
		if (strcmp(sec->def->name, "main") == 0)
			return sec;
	fail_msg("no [main] section");
	abort();
}

static void test_init_applies_the_defaults(void **state)
{
	struct t_main *m = main_data();
	const struct ip_addr *dns = m->dns.items;
	char buf[ADDR_STRLEN];

	assert_non_null(m);
	assert_string_equal(m->name, "pxe");
	assert_string_equal(m->root, "/srv/tftp");
	assert_false(m->verbose);
	assert_int_equal(m->port, 69);
	assert_int_equal(m->timeout, 5000);
	assert_int_equal(m->blksize, 512);
	assert_int_equal(m->mode, 1);
	assert_int_equal(m->server.family, 0);
	assert_string_equal(addr_sa_str((struct sockaddr *)&m->listen.ss, buf), "[::]:69");
	assert_int_equal(m->dns.count, 2);
	assert_string_equal(addr_ip_str(&dns[1], buf), "192.0.2.54");
	assert_null(conf.path);
	assert_int_equal(conf_key_origin(main_sec(), "port"), CONF_FROM_DEFAULT);
	assert_null(conf_next(&conf, "host", NULL));
	assert_int_equal(conf_check(&conf, &err), 0);
}

static void test_suite_schema_defaults_all_load(void **state)
{
	struct conf suite;
	const struct conf_global *g;
	const struct conf_tftpd *t;

	assert_int_equal(conf_init(&suite, suite_schema, &err), 0);
	g = conf_get(&suite, "global");
	assert_non_null(g);
	assert_int_equal(g->log, SUITE_LOG_AUTO);
	t = conf_get(&suite, "tftpd");
	assert_non_null(t);
	assert_non_null(strstr(t->daemon.pidfile, "pxe-tftpd.pid"));
	assert_non_null(conf_get(&suite, "dhcpd"));
	assert_non_null(conf_get(&suite, "nfsd"));
	assert_int_equal(conf_check(&suite, &err), 0);
	conf_free(&suite);
}

static void test_init_reports_a_bad_default_as_a_bug(void **state)
{
	static const struct conf_key keys[] = {
		{ .name = "n", .type = CONF_INT, .offset = 0, .def = "ten" },
		{ .name = "s", .type = CONF_STRING, .offset = sizeof(long long), .def = "x" },
		{ 0 }
	};
	static const struct conf_section_def def = {
		.name = "bad", .size = sizeof(long long) + sizeof(char *), .keys = keys,
	};
	static const struct conf_section_def *const bad_schema[] = { &main_def, &def, NULL };
	struct conf c;

	assert_int_equal(conf_init(&c, bad_schema, &err), -EINVAL);
	assert_string_equal(err.msg, "built-in defaults: [bad] n: bad default 'ten' (a bug): "
			    "expected a whole number such as 42 or 0x2a");
	assert_null(c.sections);
	conf_free(&c);
}

static void test_init_checks_named_section_defaults_too(void **state)
{
	static const struct conf_key keys[] = {
		{ .name = "ip", .type = CONF_IP, .offset = 0, .def = "10.0.0.300" },
		{ 0 }
	};
	static const struct conf_section_def def = {
		.name = "peer", .named = true, .size = sizeof(struct ip_addr), .keys = keys,
	};
	static const struct conf_section_def *const bad_schema[] = { &def, NULL };
	struct conf c;

	assert_int_equal(conf_init(&c, bad_schema, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "built-in defaults: [peer] ip: bad default '10.0.0.300'"));
}

static void test_file_overrides_defaults_and_records_lines(void **state)
{
	struct t_main *m = main_data();

	load_ok("; pxesuite test\n[main]\nport = 1069\n\nname = tftp\n");
	assert_int_equal(m->port, 1069);
	assert_string_equal(m->name, "tftp");
	assert_string_equal(m->root, "/srv/tftp");
	assert_int_equal(conf_key_origin(main_sec(), "port"), 3);
	assert_int_equal(conf_key_origin(main_sec(), "name"), 5);
	assert_int_equal(conf_key_origin(main_sec(), "root"), CONF_FROM_DEFAULT);
	assert_int_equal(conf_key_origin(main_sec(), "nonesuch"), CONF_FROM_DEFAULT);
	assert_int_equal(main_sec()->line, 2);
	assert_string_equal(conf.path, "t.ini");
}

static void test_every_type_loads_from_a_file(void **state)
{
	struct t_main *m = main_data();
	const struct ip_addr *dns;
	char buf[ADDR_STRLEN];

	load_ok("[main]\n"
		"name = boot server\n"
		"root = /var/lib/tftpboot\n"
		"verbose = Yes\n"
		"port = 0x45\n"
		"timeout = 1m30s\n"
		"blksize = 1K\n"
		"mode = FAST\n"
		"server = 192.0.2.10\n"
		"listen = [2001:db8::1]:1069\n"
		"subnet = 192.0.2.0/24\n"
		"mac = 00-11-22-33-44-55\n"
		"dns = 192.0.2.1 192.0.2.2,192.0.2.3\n"
		"[other]\n"
		"flag = off\n");
	assert_string_equal(m->name, "boot server");
	assert_string_equal(m->root, "/var/lib/tftpboot");
	assert_true(m->verbose);
	assert_int_equal(m->port, 69);
	assert_int_equal(m->timeout, 90000);
	assert_int_equal(m->blksize, 1024);
	assert_int_equal(m->mode, 0);
	assert_string_equal(addr_ip_str(&m->server, buf), "192.0.2.10");
	assert_string_equal(addr_sa_str((struct sockaddr *)&m->listen.ss, buf),
			    "[2001:db8::1]:1069");
	assert_string_equal(addr_cidr_str(&m->subnet, buf), "192.0.2.0/24");
	assert_string_equal(addr_mac_str(&m->mac, buf), "00:11:22:33:44:55");
	assert_int_equal(m->dns.count, 3);
	dns = m->dns.items;
	assert_string_equal(addr_ip_str(&dns[2], buf), "192.0.2.3");
	assert_false(*(bool *)conf_get(&conf, "other"));
}

static void test_indented_key_is_not_a_continuation(void **state)
{
	struct t_main *m = main_data();

	load_ok("[main]\n"
		"    name = indented\n"
		"\tport = 70\n"
		"  [other]\n"
		"      flag = no\n");
	assert_string_equal(m->name, "indented");
	assert_int_equal(m->port, 70);
	assert_false(*(bool *)conf_get(&conf, "other"));
}

static void test_indented_value_line_is_an_error_not_a_continuation(void **state)
{
	load_bad("[main]\nname = one\n    two\n", "t.ini:3: expected 'key = value' or '[section]'");
}

static void test_comments_full_line_and_inline(void **state)
{
	struct t_main *m = main_data();

	load_ok("# hash comment\n"
		"; semicolon comment\n"
		"[main] ; the main section\n"
		"  # indented comment\n"
		"name = a;b   ; only a ';' after a blank starts a comment\n"
		"root = /srv/x#y\n"
		"port = 70 ; seventy\n");
	assert_string_equal(m->name, "a;b");
	assert_string_equal(m->root, "/srv/x#y");
	assert_int_equal(m->port, 70);
}

static void test_utf8_bom_is_skipped(void **state)
{
	load_ok("\xef\xbb\xbf[main]\nport = 71\n");
	assert_int_equal(main_data()->port, 71);
}

static void test_bom_after_the_first_line_is_an_error(void **state)
{
	load_bad("[main]\n\xef\xbb\xbfport = 71\n", "t.ini:2: [main] \xef\xbb\xbfport: unknown key");
}

static void test_crlf_line_endings(void **state)
{
	struct t_main *m = main_data();

	load_ok("[main]\r\nname = dos\r\nroot = /srv/dos\r\nport = 72\r\n");
	assert_string_equal(m->name, "dos");
	assert_string_equal(m->root, "/srv/dos");
	assert_int_equal(m->port, 72);
}

static void test_last_line_without_newline(void **state)
{
	load_ok("[main]\nport = 73");
	assert_int_equal(main_data()->port, 73);
}

static void test_colon_separates_like_configparser(void **state)
{
	load_ok("[main]\nport: 74\n");
	assert_int_equal(main_data()->port, 74);
}

static void test_empty_file_keeps_the_defaults(void **state)
{
	load_ok("");
	assert_int_equal(main_data()->port, 69);
	assert_int_equal(main_sec()->line, 0);
}

static void test_unknown_section_lists_the_known_ones(void **state)
{
	load_bad("[main]\nport = 69\n[tftpd]\n",
		 "t.ini:3: unknown section [tftpd]; known sections: [main], [other], [host NAME]");
}

static void test_unknown_section_suggests_a_close_name(void **state)
{
	load_bad("[mian]\n", "t.ini:1: unknown section [mian]; did you mean [main]?");
}

static void test_unknown_key_suggests_the_closest(void **state)
{
	load_bad("[main]\nblksiz = 1K\n",
		 "t.ini:2: [main] blksiz: unknown key; did you mean 'blksize'?");
}

static void test_unknown_key_without_a_close_match(void **state)
{
	load_bad("[main]\n\ncompletely_different = 1\n",
		 "t.ini:3: [main] completely_different: unknown key");
}

static void test_unknown_key_in_named_section_names_it(void **state)
{
	load_bad("[host pc1]\nadress = 10.0.0.1\n",
		 "t.ini:2: [host pc1] adress: unknown key; did you mean 'address'?");
}

static void test_key_outside_any_section(void **state)
{
	load_bad("# no header yet\nport = 69\n[main]\n",
		 "t.ini:2: 'port' is outside any section; put it under a [section] header");
}

static void test_duplicate_key_names_first_line(void **state)
{
	load_bad("[main]\nport = 69\nname = x\nport = 70\n",
		 "t.ini:4: [main] port: duplicate key; first set at line 2");
}

static void test_duplicate_plain_section_names_first_line(void **state)
{
	load_bad("[main]\nport = 69\n[other]\n[main]\nname = x\n",
		 "t.ini:4: duplicate section [main]; first at line 1");
}

static void test_plain_section_takes_no_name(void **state)
{
	load_bad("[main eth0]\n", "t.ini:1: [main] takes no name (found 'eth0'); write [main]");
}

static void test_named_section_needs_a_name(void **state)
{
	load_bad("[main]\n[host]\nmac = 00:11:22:33:44:55\n",
		 "t.ini:2: [host] needs a name, as in [host NAME]");
}

static void test_named_sections_must_be_distinct(void **state)
{
	load_bad("[host a]\naddress = 10.0.0.1\n[host b]\naddress = 10.0.0.2\n[host a]\n",
		 "t.ini:5: duplicate section [host a]; first at line 1");
}

static void test_named_section_header_is_split_and_trimmed(void **state)
{
	const struct conf_section *sec;

	load_ok("[host  thinkpad-e430 ]\naddress = 10.0.0.5\n[ host\tx200\t]\n");
	sec = conf_next(&conf, "host", NULL);
	assert_non_null(sec);
	assert_string_equal(sec->arg, "thinkpad-e430");
	assert_int_equal(sec->line, 1);
	sec = conf_next(&conf, "host", sec);
	assert_string_equal(sec->arg, "x200");
	assert_int_equal(sec->line, 3);
	assert_null(conf_next(&conf, "host", sec));
}

static void test_named_sections_start_from_defaults_in_file_order(void **state)
{
	const struct conf_section *sec;
	const struct t_host *h;
	char buf[ADDR_STRLEN];

	load_ok("[host b]\naddress = 10.0.0.2\nboot_file = grub.efi\n"
		"[main]\nport = 80\n"
		"[host a]\naddress = 10.0.0.1\n");
	sec = conf_next(&conf, "host", NULL);
	h = sec->data;
	assert_string_equal(sec->arg, "b");
	assert_string_equal(h->boot_file, "grub.efi");
	assert_int_equal(conf_key_origin(sec, "boot_file"), 3);
	sec = conf_next(&conf, "host", sec);
	h = sec->data;
	assert_string_equal(sec->arg, "a");
	assert_string_equal(h->boot_file, "pxelinux.0");
	assert_string_equal(addr_ip_str(&h->address, buf), "10.0.0.1");
	assert_int_equal(conf_key_origin(sec, "boot_file"), CONF_FROM_DEFAULT);
	assert_int_equal(main_data()->port, 80);
	assert_null(conf_get(&conf, "host"));
	assert_int_equal(conf_check(&conf, &err), 0);
}

static void test_long_named_section_arg_is_kept_whole(void **state)
{
	char text[256];
	const char *arg = "/a/very/long/export/path/that/is/longer/than/fifty/bytes/easily";

	snprintf(text, sizeof text, "[host %s]\naddress = 10.0.0.9\n", arg);
	load_ok(text);
	assert_string_equal(conf_next(&conf, "host", NULL)->arg, arg);
}

static void test_bad_value_names_file_line_section_and_key(void **state)
{
	load_bad("[main]\nport = 0\n", "t.ini:2: [main] port: must be between 1 and 65535");
}

static void test_bad_value_in_named_section_names_the_instance(void **state)
{
	load_bad("[host pc1]\n\naddress = 10.0.0\n",
		 "t.ini:3: [host pc1] address: expected an IPv4 address such as 192.0.2.1");
}

static void test_empty_value_requires_a_value(void **state)
{
	load_bad("[main]\nport =\n",
		 "t.ini:2: [main] port: a value is required: expected a whole number from 1 to 65535");
}

static void test_line_without_equals_is_a_syntax_error(void **state)
{
	load_bad("[main]\nport = 69\njust some words\n",
		 "t.ini:3: expected 'key = value' or '[section]'");
}

static void test_bad_headers_are_syntax_errors(void **state)
{
	load_bad("[main\n", "t.ini:1: expected 'key = value' or '[section]'");
}

static void test_header_with_trailing_junk_is_a_syntax_error(void **state)
{
	load_bad("[main] port = 69\n", "t.ini:1: expected 'key = value' or '[section]'");
}

static void test_empty_header_is_a_syntax_error(void **state)
{
	load_bad("[ ]\n", "t.ini:1: expected 'key = value' or '[section]'");
}

static void test_empty_key_name_is_a_syntax_error(void **state)
{
	load_bad("[main]\n= 69\n", "t.ini:2: expected 'key = value' or '[section]'");
}

static void test_first_error_wins_over_later_ones(void **state)
{
	load_bad("[main]\nwords\nport = 0\n", "t.ini:2: expected 'key = value' or '[section]'");
}

static void test_first_error_wins_before_a_syntax_error(void **state)
{
	load_bad("[main]\nport = 0\nwords\n", "t.ini:2: [main] port: must be between 1 and 65535");
}

static void test_loading_stops_at_the_first_error(void **state)
{
	load_bad("[main]\nport = 0\nname = after\n", "t.ini:2: [main] port: must be between 1 and 65535");
	assert_string_equal(main_data()->name, "pxe");
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_long_line_is_an_error_with_the_limit(void **state)
{
	char *name = repeat('x', 190), text[512];

	/* "name = " plus 190 is 197 characters: the longest line inih takes. */
	snprintf(text, sizeof text, "[main]\nname = %s\r\n", name);
	load_ok(text);
	assert_string_equal(main_data()->name, name);
	conf_free(&conf);
	setup(state);
	snprintf(text, sizeof text, "[main]\nname = %sx\n", name);
	load_bad(text, "t.ini:2: line too long (at most 197 characters)");
	free(name);
}

static void test_long_comment_line_is_an_error_too(void **state)
{
	char *comment = repeat(';', 300), text[512];

	snprintf(text, sizeof text, "[main]\n%s\nport = 0\n", comment);
	load_bad(text, "t.ini:2: line too long (at most 197 characters)");
	free(comment);
}

static void test_nul_byte_in_a_file_is_an_error(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[64];
	static const char text[] = "[main]\nport = 69\nna\0me = x\n";
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/nul.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(text, 1, sizeof text - 1, f);
	fclose(f);
	assert_int_equal(conf_load_file(&conf, path, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "nul.ini:3: NUL byte in the line"));
	unlink(path);
	rmdir(dir);
}

static void test_load_file_reads_a_real_file(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[64], msg[128];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pxe.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[main]\nport = 75\nport = 76\n", f);
	fclose(f);
	assert_int_equal(conf_load_file(&conf, path, &err), -EINVAL);
	snprintf(msg, sizeof msg, "%s:3: [main] port: duplicate key; first set at line 2", path);
	assert_string_equal(err.msg, msg);
	assert_string_equal(conf.path, path);
	unlink(path);
	rmdir(dir);
}

static void test_missing_file_is_enoent(void **state)
{
	assert_int_equal(conf_load_file(&conf, "/nonexistent/pxesuite.ini", &err), -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/pxesuite.ini: No such file or directory");
	/* Nothing was loaded: built-in defaults stand, and a load may follow. */
	assert_null(conf.path);
	assert_int_equal(main_data()->port, 69);
	load_ok("[main]\nport = 77\n");
}

static void test_unreadable_file_says_why(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[64], msg[128];
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(conf_load_file(&conf, dir, &err), -EISDIR);
	snprintf(msg, sizeof msg, "%s: Is a directory", dir);
	assert_string_equal(err.msg, msg);
	snprintf(path, sizeof path, "%s/secret.ini", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0);
	assert_true(fd >= 0);
	close(fd);
	if (geteuid() != 0) {
		assert_int_equal(conf_load_file(&conf, path, &err), -EACCES);
		snprintf(msg, sizeof msg, "%s: Permission denied", path);
		assert_string_equal(err.msg, msg);
	}
	unlink(path);
	rmdir(dir);
}

static void test_load_is_once_per_conf(void **state)
{
	load_ok("[main]\n");
	assert_int_equal(conf_load_string(&conf, "u.ini", "[main]\n", &err), -EINVAL);
	assert_string_equal(err.msg, "u.ini: a config was already loaded from t.ini");
}

static void test_conf_set_overrides_the_file(void **state)
{
	load_ok("[main]\nroot = /srv/file\nport = 70\n");
	assert_int_equal(conf_set(&conf, "main", "root", "/srv/flag", "--root", &err), 0);
	assert_string_equal(main_data()->root, "/srv/flag");
	assert_int_equal(conf_key_origin(main_sec(), "root"), CONF_FROM_CMDLINE);
	assert_int_equal(conf_key_origin(main_sec(), "port"), 3);
	/* A second flag for the same key is not a duplicate: the last wins. */
	assert_int_equal(conf_set(&conf, "main", "root", "/srv/flag2", "-s", &err), 0);
	assert_string_equal(main_data()->root, "/srv/flag2");
}

static void test_conf_set_before_load_still_wins(void **state)
{
	assert_int_equal(conf_set(&conf, "main", "port", "1069", "--port", &err), 0);
	load_ok("[main]\nport = 70\n");
	assert_int_equal(main_data()->port, 1069);
	assert_int_equal(conf_key_origin(main_sec(), "port"), CONF_FROM_CMDLINE);
}

static void test_file_value_under_a_flag_is_still_checked(void **state)
{
	assert_int_equal(conf_set(&conf, "main", "port", "1069", "--port", &err), 0);
	load_bad("[main]\nport = zero\n",
		 "t.ini:2: [main] port: expected a whole number from 1 to 65535");
}

static void test_conf_set_error_names_the_flag_and_value(void **state)
{
	assert_int_equal(conf_set(&conf, "main", "root", "srv", "--root", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: --root 'srv': "
			    "expected an absolute path such as /srv/tftp");
	assert_string_equal(main_data()->root, "/srv/tftp");
	assert_int_equal(conf_key_origin(main_sec(), "root"), CONF_FROM_DEFAULT);
}

static void test_conf_set_unknown_section_or_key(void **state)
{
	assert_int_equal(conf_set(&conf, "nope", "x", "1", "--x", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: --x '1': no section [nope]");
	assert_int_equal(conf_set(&conf, "main", "x", "1", "--x", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: --x '1': no key 'x' in [main]");
	assert_int_equal(conf_set(&conf, "host", "mac", "1", "--mac", &err), -EINVAL);
	assert_string_equal(err.msg, "command line: --mac '1': no section [host]");
}

static void test_conf_set_reaches_a_named_section(void **state)
{
	const struct t_host *h;

	load_ok("[host pc1]\naddress = 10.0.0.1\n");
	assert_int_equal(conf_set(&conf, "host pc1", "boot_file", "ipxe.efi", NULL, &err), 0);
	h = conf_next(&conf, "host", NULL)->data;
	assert_string_equal(h->boot_file, "ipxe.efi");
}

static void test_check_points_at_the_key_line(void **state)
{
	load_ok("[main]\nname = x\nport = 13\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:3: [main] port: 13 is unlucky");
}

static void test_check_points_at_the_command_line(void **state)
{
	load_ok("[main]\nport = 70\n");
	assert_int_equal(conf_set(&conf, "main", "port", "13", "--port", &err), 0);
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "command line: [main] port: 13 is unlucky");
}

static void test_check_falls_back_to_the_section_header(void **state)
{
	load_ok("# top\n[main]\nname = blame-mode\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:2: [main] mode: wrong mode");
}

static void test_check_of_a_whole_section(void **state)
{
	load_ok("[main]\nname = unhappy\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:1: [main]: unhappy as a whole");
}

static void test_check_naming_an_unknown_key_blames_the_section(void **state)
{
	load_ok("\n[main]\nname = badkey\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:2: [main]: names a key that is not there");
}

static void test_check_falls_back_to_the_file_then_the_defaults(void **state)
{
	assert_int_equal(conf_set(&conf, "main", "name", "blame-mode", NULL, &err), 0);
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "built-in defaults: [main] mode: wrong mode");
	load_ok("[other]\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini: [main] mode: wrong mode");
}

static void test_check_of_named_sections(void **state)
{
	load_ok("[host ok]\naddress = 10.0.0.1\n[host pc2]\nmac = 00:11:22:33:44:55\n");
	assert_int_equal(conf_check(&conf, &err), -EINVAL);
	assert_string_equal(err.msg, "t.ini:3: [host pc2] address: a host needs an address");
}

static void test_conf_get_of_unknown_section_is_null(void **state)
{
	assert_null(conf_get(&conf, "nope"));
	assert_null(conf_next(&conf, "nope", NULL));
}

static void test_free_twice_is_harmless(void **state)
{
	load_ok("[host a]\naddress = 10.0.0.1\n");
	conf_free(&conf);
	conf_free(&conf);
	assert_null(conf.sections);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_applies_the_defaults),
		T(test_suite_schema_defaults_all_load),
		T(test_init_reports_a_bad_default_as_a_bug),
		T(test_init_checks_named_section_defaults_too),
		T(test_file_overrides_defaults_and_records_lines),
		T(test_every_type_loads_from_a_file),
		T(test_indented_key_is_not_a_continuation),
		T(test_indented_value_line_is_an_error_not_a_continuation),
		T(test_comments_full_line_and_inline),
		T(test_utf8_bom_is_skipped),
		T(test_bom_after_the_first_line_is_an_error),
		T(test_crlf_line_endings),
		T(test_last_line_without_newline),
		T(test_colon_separates_like_configparser),
		T(test_empty_file_keeps_the_defaults),
		T(test_unknown_section_lists_the_known_ones),
		T(test_unknown_section_suggests_a_close_name),
		T(test_unknown_key_suggests_the_closest),
		T(test_unknown_key_without_a_close_match),
		T(test_unknown_key_in_named_section_names_it),
		T(test_key_outside_any_section),
		T(test_duplicate_key_names_first_line),
		T(test_duplicate_plain_section_names_first_line),
		T(test_plain_section_takes_no_name),
		T(test_named_section_needs_a_name),
		T(test_named_sections_must_be_distinct),
		T(test_named_section_header_is_split_and_trimmed),
		T(test_named_sections_start_from_defaults_in_file_order),
		T(test_long_named_section_arg_is_kept_whole),
		T(test_bad_value_names_file_line_section_and_key),
		T(test_bad_value_in_named_section_names_the_instance),
		T(test_empty_value_requires_a_value),
		T(test_line_without_equals_is_a_syntax_error),
		T(test_bad_headers_are_syntax_errors),
		T(test_header_with_trailing_junk_is_a_syntax_error),
		T(test_empty_header_is_a_syntax_error),
		T(test_empty_key_name_is_a_syntax_error),
		T(test_first_error_wins_over_later_ones),
		T(test_first_error_wins_before_a_syntax_error),
		T(test_loading_stops_at_the_first_error),
		T(test_long_line_is_an_error_with_the_limit),
		T(test_long_comment_line_is_an_error_too),
		T(test_nul_byte_in_a_file_is_an_error),
		T(test_load_file_reads_a_real_file),
		T(test_missing_file_is_enoent),
		T(test_unreadable_file_says_why),
		T(test_load_is_once_per_conf),
		T(test_conf_set_overrides_the_file),
		T(test_conf_set_before_load_still_wins),
		T(test_file_value_under_a_flag_is_still_checked),
		T(test_conf_set_error_names_the_flag_and_value),
		T(test_conf_set_unknown_section_or_key),
		T(test_conf_set_reaches_a_named_section),
		T(test_check_points_at_the_key_line),
		T(test_check_points_at_the_command_line),
		T(test_check_falls_back_to_the_section_header),
		T(test_check_of_a_whole_section),
		T(test_check_naming_an_unknown_key_blames_the_section),
		T(test_check_falls_back_to_the_file_then_the_defaults),
		T(test_check_of_named_sections),
		T(test_conf_get_of_unknown_section_is_null),
		T(test_free_twice_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
