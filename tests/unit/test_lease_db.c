/* Unit tests of dhcpd/lease_db.c, lease_record.c and lease_table.c: the record
 * format, durability and torn tails, the hash tables, compaction, SIGKILL. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lease_db.h"
#include "lease_record.h"
#include "log.h"

#define EXAMPLE_LINE "lease 192.0.2.10 id=01:52:54:00:12:34:56 hw=52:54:00:12:34:56 " \
	"state=active starts=1764000000 ends=1764003600 hostname=pc1 crc=be62f4fa"
#define HEADER "# pxe-dhcpd leases: see pxe-dhcpd(8)\n"
#define FUTURE 4000000000LL

static char dir[] = "/tmp/test_lease_db.XXXXXX";
static char path[256];
static char newpath[300];

/* The lease database's test hook: it counts what reaches the disk. */
void lease_db_test_io(int what);
static unsigned io_writes, io_syncs;

void lease_db_test_io(int what)
{
	if (what == 'w')
		io_writes++;
	else if (what == 's')
		io_syncs++;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_lease_db.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/leases", dir);
	snprintf(newpath, sizeof newpath, "%s.new", path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------------------------------------------------------- helpers */

/* A lease for 10.0.N.N with a client id and chaddr derived from n. */
static struct lease mk(uint32_t n)
{
	struct lease l;

	memset(&l, 0, sizeof l);
	l.addr.s_addr = htonl(0x0a000000 | (n & 0xffffff));
	l.client_id_len = 7;
	l.client_id[0] = 1;
	l.client_id[3] = (uint8_t)(n >> 16);
	l.client_id[4] = (uint8_t)(n >> 8);
	l.client_id[5] = (uint8_t)n;
	l.hwaddr_len = 6;
	memcpy(l.hwaddr, l.client_id + 1, 6);
	l.state = LEASE_ACTIVE;
	l.starts = 1764000000;
	l.ends = FUTURE;
	snprintf(l.hostname, sizeof l.hostname, "pc%" PRIu32, n);
	return l;
}

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void assert_same_lease(const struct lease *a, const struct lease *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->addr.s_addr, b->addr.s_addr);
	assert_int_equal(a->client_id_len, b->client_id_len);
	assert_memory_equal(a->client_id, b->client_id, a->client_id_len);
	assert_int_equal(a->hwaddr_len, b->hwaddr_len);
	assert_memory_equal(a->hwaddr, b->hwaddr, a->hwaddr_len);
	assert_int_equal(a->state, b->state);
	assert_true(a->starts == b->starts);
	assert_true(a->ends == b->ends);
	assert_string_equal(a->hostname, b->hostname);
}

static struct lease_db *open_db(unsigned *skipped)
{
	struct lease_db *db = NULL;
	char err[512];
	unsigned sk;
	int rc = lease_db_open(path, &db, &sk, err, sizeof err);

	if (rc != 0)
		fail_msg("lease_db_open: %d: %s", rc, err);
	if (skipped)
		*skipped = sk;
	else
		assert_int_equal(sk, 0);
	return db;
}

static void put_commit(struct lease_db *db, const struct lease *l)
{
	assert_int_equal(lease_db_put(db, l), 0);
	assert_int_equal(lease_db_commit(db), 0);
}

static off_t file_size(const char *p)
{
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	return st.st_size;
}

/* The whole file, NUL-terminated, to free(). */
static char *slurp(const char *p)
{
	off_t size = file_size(p);
	char *buf = malloc((size_t)size + 1);
	FILE *f = fopen(p, "rb");

	assert_non_null(buf);
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	buf[size] = '\0';
	return buf;
}

static void spew(const char *p, const char *text, const char *mode)
{
	FILE *f = fopen(p, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static unsigned count_lines(const char *text, const char *prefix)
{
	const char *p = text;
	unsigned n = 0;

	while (*p) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return n;
}

/* Where the next record goes: the end of the last line that is not blank. */
static size_t records_end(const char *text)
{
	size_t i, end = 0, len = strlen(text);

	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\n')
			end = i + 1;
	return end < len && text[end] == '\n' ? end + 1 : end;
}

static off_t file_records_end(const char *p)
{
	char *text = slurp(p);
	off_t end = (off_t)records_end(text);

	free(text);
	return end;
}

/* The journal as documented: records, then room to a multiple of the step,
 * spaces and one newline at the very end. */
static void assert_records_then_room(const char *p)
{
	char *text = slurp(p);
	size_t end = records_end(text), size = strlen(text), i;

	assert_int_equal(size % LEASE_DB_ROOM_STEP, 0);
	assert_true(size > end);
	for (i = end; i < size - 1; i++)
		assert_int_equal(text[i], ' ');
	assert_int_equal(text[size - 1], '\n');
	free(text);
}

/* body plus its correct crc, so a refusal is about the syntax alone. */
static void signed_line(char *buf, size_t size, const char *body)
{
	snprintf(buf, size, "%s crc=%08" PRIx32, body, lease_record_crc(body, strlen(body)));
}

/* ---------------------------------------------------------------- the record */

static void test_crc_is_ieee_crc32(void **state)
{
	(void)state;
	assert_int_equal(lease_record_crc("123456789", 9), 0xcbf43926);
	assert_int_equal(lease_record_crc("", 0), 0);
}

static void test_record_format_is_the_documented_line(void **state)
{
	struct lease l, back;
	char line[LEASE_RECORD_MAX];

	(void)state;
	memset(&l, 0, sizeof l);
	l.addr = ip("192.0.2.10");
	l.client_id_len = 7;
	memcpy(l.client_id, "\x01\x52\x54\x00\x12\x34\x56", 7);
	l.hwaddr_len = 6;
	memcpy(l.hwaddr, "\x52\x54\x00\x12\x34\x56", 6);
	l.starts = 1764000000;
	l.ends = 1764003600;
	strcpy(l.hostname, "pc1");
	assert_int_equal(lease_record_format(&l, line, sizeof line), 0);
	assert_string_equal(line, EXAMPLE_LINE);
	assert_int_equal(lease_record_parse(line, &back), 0);
	assert_same_lease(&l, &back);
}

static void test_record_round_trips_every_state_and_extreme(void **state)
{
	static const enum lease_state states[] = {
		LEASE_ACTIVE, LEASE_RELEASED, LEASE_DECLINED, LEASE_EXPIRED,
	};
	struct lease l, back;
	char line[LEASE_RECORD_MAX], again[LEASE_RECORD_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		memset(&l, 0, sizeof l);
		l.addr = ip(i % 2 ? "255.255.255.255" : "0.0.0.0");
		l.client_id_len = i == 0 ? LEASE_CLIENT_ID_MAX : 0;
		memset(l.client_id, 0xff, l.client_id_len);
		l.hwaddr_len = i == 0 ? 16 : (uint8_t)i;
		memset(l.hwaddr, 0xa0, l.hwaddr_len);
		l.state = states[i];
		l.starts = i == 0 ? INT64_MIN : -1;
		l.ends = i == 0 ? INT64_MAX : 0;
		memset(l.hostname, i == 0 ? '~' : 0, LEASE_HOSTNAME_MAX - 1);
		assert_int_equal(lease_record_format(&l, line, sizeof line), 0);
		assert_true(strlen(line) < LEASE_RECORD_MAX);
		assert_int_equal(lease_record_parse(line, &back), 0);
		assert_same_lease(&l, &back);
		assert_int_equal(lease_record_format(&back, again, sizeof again), 0);
		assert_string_equal(line, again);
	}
}

static void test_record_leaves_out_hostname_chars_a_line_cannot_hold(void **state)
{
	struct lease l = mk(1), back;
	char line[LEASE_RECORD_MAX];

	(void)state;
	strcpy(l.hostname, "my pc=\x01\x7f\xe9x");
	assert_int_equal(lease_record_format(&l, line, sizeof line), 0);
	assert_non_null(strstr(line, " hostname=mypcx crc="));
	assert_int_equal(lease_record_parse(line, &back), 0);
	assert_string_equal(back.hostname, "mypcx");
}

static void test_record_format_refuses_bad_lengths_and_small_buffers(void **state)
{
	struct lease l = mk(1);
	char line[LEASE_RECORD_MAX];

	(void)state;
	l.client_id_len = LEASE_CLIENT_ID_MAX + 1;
	assert_int_equal(lease_record_format(&l, line, sizeof line), -EINVAL);
	l = mk(1);
	l.hwaddr_len = 17;
	assert_int_equal(lease_record_format(&l, line, sizeof line), -EINVAL);
	l = mk(1);
	l.state = (enum lease_state)4;
	assert_int_equal(lease_record_format(&l, line, sizeof line), -EINVAL);
	l = mk(1);
	assert_int_equal(lease_record_format(&l, line, 40), -EINVAL);
}

static void test_record_parse_refuses_anything_not_canonical(void **state)
{
	static const char *const bodies[] = {
		"lease 192.0.2.010 id= hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.256 id= hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2 id= hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.1.5 id= hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id=0A hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id=0a: hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id=0a:b hw= state=active starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id=0a0b hw= state=active starts=1 ends=2 hostname=",
		("lease 192.0.2.1 id= hw=00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00 "
		 "state=active starts=1 ends=2 hostname="),
		"lease 192.0.2.1 id= hw= state=Active starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=gone starts=1 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=01 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=+1 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=-0 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts= ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=9223372036854775808 ends=2 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=1 ends=2 hostname=a=b",
		"lease 192.0.2.1 id= hw= state=active starts=1 ends=2",
		"lease 192.0.2.1 id= hw= state=active ends=2 starts=1 hostname=",
		"lease 192.0.2.1 id= hw= state=active starts=1 ends=2 hostname= extra=1",
		"lease 192.0.2.1  id= hw= state=active starts=1 ends=2 hostname=",
		"lease=192.0.2.1 id= hw= state=active starts=1 ends=2 hostname=",
		" lease 192.0.2.1 id= hw= state=active starts=1 ends=2 hostname=",
	};
	char line[1024];
	struct lease l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		signed_line(line, sizeof line, bodies[i]);
		if (lease_record_decode(line, &l) != -EINVAL)
			fail_msg("accepted: %s", line);
	}
	signed_line(line, sizeof line,
		    "lease 192.0.2.1 id= hw= state=active starts=-9223372036854775808 ends=2 hostname=");
	assert_int_equal(lease_record_parse(line, &l), 0);
	assert_true(l.starts == INT64_MIN);
	assert_int_equal(lease_record_parse(EXAMPLE_LINE " ", &l), -EINVAL);
	assert_int_equal(lease_record_parse("", &l), -EINVAL);
	assert_int_equal(lease_record_parse("lease", &l), -EINVAL);
}

static void test_record_with_bad_crc_is_refused_as_such(void **state)
{
	char line[] = EXAMPLE_LINE;
	struct lease l;

	(void)state;
	*strstr(line, "pc1") = 'P';
	assert_int_equal(lease_record_decode(line, &l), -EBADMSG);
	assert_int_equal(lease_record_parse(line, &l), -EINVAL);
	strcpy(line, EXAMPLE_LINE);
	*strstr(line, "crc=be") = 'C';
	assert_int_equal(lease_record_decode(line, &l), -EINVAL);
	strcpy(line, EXAMPLE_LINE);
	*strstr(line, "be62f4fa") = 'B';	/* upper case hex is not canonical */
	assert_int_equal(lease_record_decode(line, &l), -EINVAL);
}

/* ---------------------------------------------------------------- journal */

static void test_new_journal_starts_with_the_header(void **state)
{
	struct lease_db *db;
	char *text;

	(void)state;
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 0);
	lease_db_close(db);
	text = slurp(path);
	assert_int_equal(strncmp(text, HEADER, strlen(HEADER)), 0);
	assert_int_equal(records_end(text), strlen(HEADER));
	free(text);
	assert_records_then_room(path);
}

/* An append fills the room: the file's size stays, so its sync writes no
 * inode.  Each commit is still one write and one sync. */
static void test_appends_fill_the_room_without_changing_the_size(void **state)
{
	struct lease_db *db = open_db(NULL);
	off_t size = file_size(path), end = file_records_end(path);
	char line[LEASE_RECORD_MAX];
	struct lease l;
	uint32_t i;

	(void)state;
	for (i = 1; i <= 3; i++) {
		l = mk(i);
		io_writes = io_syncs = 0;
		put_commit(db, &l);
		assert_int_equal(io_writes, 1);
		assert_int_equal(io_syncs, 1);
		assert_int_equal(lease_record_format(&l, line, sizeof line), 0);
		end += (off_t)strlen(line) + 1;
		assert_int_equal(file_records_end(path), end);
		assert_int_equal(file_size(path), size);
		assert_records_then_room(path);
	}
	lease_db_close(db);
}

/* Records that do not fit make the room grow, in the same single write. */
static void test_room_grows_a_step_when_the_records_do_not_fit(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i = 0;

	(void)state;
	while (file_size(path) == LEASE_DB_ROOM_STEP) {
		l = mk(i++);
		io_writes = io_syncs = 0;
		put_commit(db, &l);
		assert_int_equal(io_writes, 1);
		assert_int_equal(io_syncs, 1);
	}
	assert_int_equal(file_size(path), 2 * LEASE_DB_ROOM_STEP);
	assert_records_then_room(path);
	for (; i < 1000; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	assert_records_then_room(path);
	lease_db_close(db);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 1000);
	lease_db_close(db);
}


static void test_put_commit_reopen_returns_every_lease(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i;

	(void)state;
	for (i = 0; i < 50; i++) {
		l = mk(i);
		l.state = (enum lease_state)(i % 4);
		assert_int_equal(lease_db_put(db, &l), 0);
		if (i % 7 == 0)
			assert_int_equal(lease_db_commit(db), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	lease_db_close(db);

	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 50);
	for (i = 0; i < 50; i++) {
		l = mk(i);
		l.state = (enum lease_state)(i % 4);
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
		assert_same_lease(lease_db_by_client(db, l.client_id, l.client_id_len), &l);
	}
	lease_db_close(db);
}

static void test_last_record_for_an_address_wins(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l = mk(7);

	(void)state;
	put_commit(db, &l);
	l.state = LEASE_RELEASED;
	l.ends = 1764001000;
	put_commit(db, &l);
	assert_int_equal(lease_db_by_addr(db, l.addr)->state, LEASE_RELEASED);
	assert_int_equal(lease_db_count(db), 1);
	lease_db_close(db);

	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 1);
	assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	lease_db_close(db);
}

static void test_memory_holds_what_the_file_will_give_back(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l = mk(3);
	const struct lease *got;

	(void)state;
	strcpy(l.hostname, "bad name\n");
	memset(l.client_id + l.client_id_len, 0x55, 8);	/* past the length */
	put_commit(db, &l);
	got = lease_db_by_addr(db, l.addr);
	assert_string_equal(got->hostname, "badname");
	assert_int_equal(got->client_id[l.client_id_len], 0);
	lease_db_close(db);
	db = open_db(NULL);
	assert_string_equal(lease_db_by_addr(db, l.addr)->hostname, "badname");
	lease_db_close(db);
}

static void test_put_refuses_a_lease_no_record_can_hold(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l = mk(1);

	(void)state;
	l.hwaddr_len = 17;
	assert_int_equal(lease_db_put(db, &l), -EINVAL);
	assert_int_equal(lease_db_pending(db), 0);
	assert_int_equal(lease_db_count(db), 0);
	lease_db_close(db);
}

static void test_comments_and_blank_lines_are_kept_and_ignored(void **state)
{
	struct lease_db *db;
	char text[1024];
	unsigned skipped;
	char *after;

	(void)state;
	snprintf(text, sizeof text, "%s# moved from the old server\n\n   \n"
		 "\t# indented note\n%s\n", HEADER, EXAMPLE_LINE);
	spew(path, text, "w");
	db = open_db(&skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(lease_db_count(db), 1);
	assert_non_null(lease_db_by_addr(db, ip("192.0.2.10")));
	lease_db_close(db);
	after = slurp(path);
	assert_string_equal(after, text);
	free(after);
}

static void test_pending_counts_until_commit(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease a = mk(1), b = mk(2);

	(void)state;
	assert_int_equal(lease_db_put(db, &a), 0);
	assert_int_equal(lease_db_put(db, &b), 0);
	assert_int_equal(lease_db_pending(db), 2);
	assert_non_null(lease_db_by_addr(db, a.addr));	/* memory has it already */
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_pending(db), 0);
	lease_db_close(db);
}

static void test_records_not_committed_are_not_in_the_file(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease a = mk(1), b = mk(2);

	(void)state;
	put_commit(db, &a);
	assert_int_equal(lease_db_put(db, &b), 0);
	lease_db_close(db);
	db = open_db(NULL);
	assert_non_null(lease_db_by_addr(db, a.addr));
	assert_null(lease_db_by_addr(db, b.addr));
	lease_db_close(db);
}

/* ---------------------------------------------------------------- torn and corrupt */

static void write_three(void)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i;

	for (i = 1; i <= 3; i++) {
		l = mk(i);
		put_commit(db, &l);
	}
	lease_db_close(db);
}

/* open_db() with stderr, where the log goes, into a file: returns what was
 * logged, to free(). */
static struct lease_db *open_db_logged(unsigned *skipped, char **logged)
{
	char logpath[300];
	struct lease_db *db;
	int saved, fd;

	snprintf(logpath, sizeof logpath, "%s/log", dir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	db = open_db(skipped);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	*logged = slurp(logpath);
	unlink(logpath);
	return db;
}

/* Reopening after a torn tail: exactly it is skipped and logged with its
 * line, the file ends at the last whole record, and what is committed next
 * is read back. */
static void check_torn_recovery(off_t good_size)
{
	struct lease_db *db;
	struct lease l = mk(9);
	char *logged, where[300];
	unsigned skipped;
	uint32_t i;

	db = open_db_logged(&skipped, &logged);
	assert_int_equal(skipped, 1);
	snprintf(where, sizeof where, "%s:4: skipped a torn last record", path);
	if (!strstr(logged, where))
		fail_msg("logged: %s", logged);
	free(logged);
	assert_int_equal(file_size(path), good_size);	/* the room goes too */
	assert_int_equal(lease_db_count(db), 2);
	put_commit(db, &l);
	lease_db_close(db);

	db = open_db(&skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(lease_db_count(db), 3);
	for (i = 1; i <= 2; i++) {
		l = mk(i);
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	}
	l = mk(9);
	assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	lease_db_close(db);
}

/* After a restart the next record goes where the records end, into the
 * room, not after it. */
static void test_appends_after_a_restart_go_where_the_records_end(void **state)
{
	struct lease_db *db;
	struct lease l = mk(4);
	off_t size;
	char *text;

	(void)state;
	write_three();
	size = file_size(path);
	db = open_db(NULL);
	put_commit(db, &l);
	lease_db_close(db);
	assert_int_equal(file_size(path), size);
	assert_records_then_room(path);
	text = slurp(path);
	assert_int_equal(count_lines(text, "lease "), 4);
	assert_non_null(strstr(text, " hostname=pc3 "));
	assert_int_equal(strncmp(strstr(strstr(text, " hostname=pc3 "), "\n") + 1, "lease 10.0.0.4 ", 15),
			 0);
	free(text);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 4);
	assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	lease_db_close(db);
}

/* A crash while a record was written into the room leaves part of it, at
 * any byte: its start (the rest still room), or its end (a sector written
 * while the one before was not).  Either way it is skipped and logged, the
 * file ends after the last whole record, and the next one goes there. */
static void test_record_torn_at_every_byte_into_the_room_is_skipped(void **state)
{
	char *whole, *text, *logged, where[300];
	size_t start, len, k, from;
	struct lease_db *db;
	struct lease l = mk(9);
	unsigned skipped;
	int tail;

	(void)state;
	write_three();
	whole = slurp(path);
	start = (size_t)(strstr(whole, "lease 10.0.0.3 ") - whole);
	len = records_end(whole) - start;
	snprintf(where, sizeof where, "%s:4: skipped a torn last record", path);
	/* k bytes of the record kept at its start, or lost at its start (so
	 * that its newline alone is not a whole, blank, line) */
	for (tail = 0; tail <= 1; tail++)
		for (k = 1; k < len - (size_t)tail; k++) {
			text = strdup(whole);
			assert_non_null(text);
			from = tail ? start : start + k;
			memset(text + from, ' ', tail ? k : len - k);
			spew(path, text, "w");
			free(text);
			db = open_db_logged(&skipped, &logged);
			assert_int_equal(skipped, 1);
			if (!strstr(logged, where))
				fail_msg("torn at %zu (%s): logged: %s", k, tail ? "end kept" : "start kept",
					 logged);
			free(logged);
			assert_int_equal(lease_db_count(db), 2);
			assert_int_equal(file_size(path), (off_t)start);
			put_commit(db, &l);
			lease_db_close(db);
			db = open_db(NULL);
			assert_int_equal(lease_db_count(db), 3);
			assert_same_lease(lease_db_by_addr(db, l.addr), &l);
			lease_db_close(db);
		}
	free(whole);
}

/* What is after a torn record decides: room, and it is a crash's; another
 * record, and it is not. */
static void test_record_after_a_bad_one_in_the_room_is_refused(void **state)
{
	struct lease_db *db = NULL;
	char *text, *third, err[512];
	size_t end;

	(void)state;
	write_three();
	text = slurp(path);
	third = strstr(text, "lease 10.0.0.3 ");
	end = records_end(text);
	/* record 3 moved 40 bytes into the room, its old place blanked but for
	 * a torn start */
	memmove(third + 40, third, end - (size_t)(third - text));
	memset(third + 10, ' ', 29);
	third[39] = '\n';
	spew(path, text, "w");
	free(text);
	assert_int_equal(lease_db_open(path, &db, NULL, err, sizeof err), -EINVAL);
	assert_null(db);
	assert_non_null(strstr(err, ":4: not a lease record, and not on the last line"));
}

static void test_record_cut_mid_write_is_skipped_and_cut_off(void **state)
{
	char *text, *last;
	off_t good;

	(void)state;
	write_three();
	text = slurp(path);
	last = strstr(text, "lease 10.0.0.3 ");
	assert_non_null(last);
	good = last - text;
	free(text);
	assert_int_equal(truncate(path, good + 40), 0);
	check_torn_recovery(good);
}

static void test_garbage_after_the_last_record_is_skipped(void **state)
{
	struct lease_db *db;
	unsigned skipped;
	char *logged;
	off_t good;

	(void)state;
	write_three();
	good = file_records_end(path);
	spew(path, "\x01\x02garbage lease 10.0.0", "a");
	db = open_db_logged(&skipped, &logged);
	free(logged);
	assert_int_equal(skipped, 1);
	assert_int_equal(file_size(path), good);
	assert_int_equal(lease_db_count(db), 3);
	lease_db_close(db);
}

static void test_bad_crc_on_the_last_line_is_taken_as_torn(void **state)
{
	char *text, *last;
	off_t good;

	(void)state;
	write_three();
	text = slurp(path);
	last = strstr(text, "lease 10.0.0.3 ");
	good = last - text;
	*strstr(last, "pc3") = 'x';
	spew(path, text, "w");
	free(text);
	check_torn_recovery(good);
}

static void check_open_refused(const char *why)
{
	struct lease_db *db = (struct lease_db *)1;
	char err[512], where[300];
	unsigned skipped = 99;
	off_t size = file_size(path);

	assert_int_equal(lease_db_open(path, &db, &skipped, err, sizeof err), -EINVAL);
	assert_null(db);
	snprintf(where, sizeof where, "%s:3: ", path);
	if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, why) || !strstr(err, "by hand"))
		fail_msg("error: %s", err);
	assert_int_equal(file_size(path), size);	/* nothing cut off */
}

static void test_corrupt_record_in_the_middle_names_path_and_line(void **state)
{
	char *text, *mid;

	(void)state;
	write_three();
	text = slurp(path);
	mid = strstr(text, "lease 10.0.0.2 ");
	memcpy(mid, "hello", 5);
	spew(path, text, "w");
	free(text);
	check_open_refused("not a lease record");
}

static void test_bad_crc_in_the_middle_names_path_and_line(void **state)
{
	char *text, *mid;

	(void)state;
	write_three();
	text = slurp(path);
	mid = strstr(text, "lease 10.0.0.2 ");
	*strstr(mid, "pc2") = 'P';
	spew(path, text, "w");
	free(text);
	check_open_refused("bad crc");
}

static void test_second_open_of_the_same_journal_is_busy(void **state)
{
	struct lease_db *db = open_db(NULL), *other = NULL;
	char err[512];

	(void)state;
	assert_int_equal(lease_db_open(path, &other, NULL, err, sizeof err), -EBUSY);
	assert_null(other);
	assert_non_null(strstr(err, path));
	lease_db_close(db);
	db = open_db(NULL);	/* free again once closed */
	lease_db_close(db);
}

static void test_open_of_a_missing_directory_fails_with_its_error(void **state)
{
	struct lease_db *db = NULL;
	char err[512], p[300];

	(void)state;
	snprintf(p, sizeof p, "%s/no/leases", dir);
	assert_int_equal(lease_db_open(p, &db, NULL, err, sizeof err), -ENOENT);
	assert_null(db);
	assert_non_null(strstr(err, p));
}

/* ---------------------------------------------------------------- batching */

static void test_commit_with_nothing_pending_writes_and_syncs_nothing(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l = mk(1);
	off_t size;

	(void)state;
	put_commit(db, &l);
	size = file_size(path);
	io_writes = io_syncs = 0;
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(io_writes, 0);
	assert_int_equal(io_syncs, 0);
	assert_int_equal(file_size(path), size);
	lease_db_close(db);
}

static void test_ten_thousand_puts_commit_in_one_write_and_one_sync(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	io_writes = io_syncs = 0;
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(io_writes, 1);
	assert_int_equal(io_syncs, 1);
	lease_db_close(db);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 10000);
	lease_db_close(db);
}

/* A write cut short by the file size limit (EFBIG after a partial write,
 * as the room grows): the journal goes back to its last whole record and
 * the records stay queued for the next commit. */
static void test_failed_write_cuts_back_and_keeps_records_queued(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct rlimit old, lim;
	struct lease l;
	off_t size;
	uint32_t i;

	(void)state;
	l = mk(0);
	put_commit(db, &l);
	size = file_records_end(path);
	for (i = 1; i <= 300; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)file_size(path) + 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	io_writes = 0;
	assert_int_equal(lease_db_commit(db), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(io_writes, 2);		/* a partial write, then the error */
	assert_int_equal(file_size(path), size);
	assert_int_equal(lease_db_pending(db), 300);

	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_pending(db), 0);
	assert_records_then_room(path);
	lease_db_close(db);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 301);
	lease_db_close(db);
}

/* ---------------------------------------------------------------- tables */

static void test_client_id_leads_to_its_latest_lease(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease a = mk(1), b = mk(2), c = mk(3);
	const struct lease *got;

	(void)state;
	b.client_id_len = a.client_id_len;
	memcpy(b.client_id, a.client_id, a.client_id_len);
	a.state = LEASE_RELEASED;
	put_commit(db, &a);
	put_commit(db, &b);	/* the same client moves to another address */
	got = lease_db_by_client(db, a.client_id, a.client_id_len);
	assert_int_equal(got->addr.s_addr, b.addr.s_addr);

	/* b's address passes to another client; a, released, is not searched */
	c.addr = b.addr;
	put_commit(db, &c);
	assert_null(lease_db_by_client(db, a.client_id, a.client_id_len));
	assert_same_lease(lease_db_by_client(db, c.client_id, c.client_id_len), &c);
	assert_null(lease_db_by_client(db, a.client_id, 0));
	assert_null(lease_db_by_client(db, a.client_id, LEASE_CLIENT_ID_MAX + 1));
	lease_db_close(db);
}

static bool addr_below(const struct lease *l, void *arg)
{
	return ntohl(l->addr.s_addr) < *(const uint32_t *)arg;
}

/* A client with leases on several subnets: each ACTIVE one is still found,
 * the latest stored first, as long as it runs; one that ended is not, once
 * the client has a later lease. */
static void test_every_active_lease_of_a_client_is_found(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l[4], x;
	uint32_t below;

	(void)state;
	for (int i = 0; i < 4; i++) {
		l[i] = mk(0x010000u * (uint32_t)(i + 1) + 5);
		l[i].client_id_len = l[0].client_id_len;
		memcpy(l[i].client_id, l[0].client_id, l[0].client_id_len);
		put_commit(db, &l[i]);
	}
	assert_same_lease(lease_db_by_client(db, l[0].client_id, 7), &l[3]);
	for (int i = 0; i < 4; i++) {
		below = ntohl(l[i].addr.s_addr) + 1;
		assert_same_lease(lease_db_find_client(db, l[0].client_id, 7, addr_below, &below),
				  &l[i]);
	}
	/* l[1] ends: no longer found; l[0] still is. */
	x = l[1];
	x.state = LEASE_RELEASED;
	put_commit(db, &x);
	x = l[3];
	put_commit(db, &x);		/* renewed: the latest again */
	below = ntohl(l[1].addr.s_addr) + 1;
	assert_same_lease(lease_db_find_client(db, l[0].client_id, 7, addr_below, &below), &l[0]);
	/* l[0]'s address goes to another client: l[0] is gone from the client's. */
	x = mk(0x777777);
	x.addr = l[0].addr;
	put_commit(db, &x);
	assert_null(lease_db_find_client(db, l[0].client_id, 7, addr_below, &below));
	/* And after a restart, the same. */
	lease_db_close(db);
	db = open_db(NULL);
	assert_same_lease(lease_db_by_client(db, l[0].client_id, 7), &l[3]);
	below = ntohl(l[2].addr.s_addr) + 1;
	assert_same_lease(lease_db_find_client(db, l[0].client_id, 7, addr_below, &below), &l[2]);
	below = ntohl(l[1].addr.s_addr) + 1;
	assert_null(lease_db_find_client(db, l[0].client_id, 7, addr_below, &below));
	lease_db_close(db);
}

static void test_many_leases_are_all_found_as_the_tables_grow(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		l = mk(i * 7919);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_count(db), 5000);
	for (i = 0; i < 5000; i++) {
		l = mk(i * 7919);
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
		assert_same_lease(lease_db_by_client(db, l.client_id, l.client_id_len), &l);
	}
	l = mk(5000 * 7919);
	assert_null(lease_db_by_addr(db, l.addr));
	assert_null(lease_db_by_client(db, l.client_id, l.client_id_len));
	lease_db_close(db);
}

/* Half the addresses pass to new clients: their old ids leave the client
 * index (entries removed from the middle of probe runs), and every other
 * lookup still works. */
static void test_lookups_survive_many_handovers(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l, old;
	uint32_t i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	for (i = 0; i < 2000; i += 2) {
		l = mk(i + 100000);
		l.addr = mk(i).addr;
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	for (i = 0; i < 2000; i++) {
		old = mk(i);
		l = mk(i % 2 ? i : i + 100000);
		l.addr = old.addr;
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
		assert_same_lease(lease_db_by_client(db, l.client_id, l.client_id_len), &l);
		if (i % 2 == 0)
			assert_null(lease_db_by_client(db, old.client_id, old.client_id_len));
	}
	assert_int_equal(lease_db_count(db), 2000);
	lease_db_close(db);
}

static bool count_each(const struct lease *l, void *arg)
{
	(void)l;
	return ++*(unsigned *)arg < 10;
}

static void test_each_visits_every_lease_and_can_stop(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	unsigned n = 0;
	uint32_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	lease_db_each(db, count_each, &n);
	assert_int_equal(n, 5);
	for (i = 5; i < 20; i++) {
		l = mk(i);
		assert_int_equal(lease_db_put(db, &l), 0);
	}
	n = 0;
	lease_db_each(db, count_each, &n);
	assert_int_equal(n, 10);
	lease_db_close(db);
}

/* ---------------------------------------------------------------- compaction */

static void wait_child(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	assert_true(pidfd >= 0);
	assert_int_equal(poll(&p, 1, 10000), 1);
}

/* 100 leases, each put 15 times: a journal of 1500 records. */
static struct lease_db *superseded_journal(void)
{
	struct lease_db *db = open_db(NULL);
	struct lease l;
	uint32_t i, round;

	for (round = 0; round < 15; round++) {
		for (i = 0; i < 100; i++) {
			l = mk(i);
			l.ends = FUTURE + round;
			assert_int_equal(lease_db_put(db, &l), 0);
		}
		assert_int_equal(lease_db_commit(db), 0);
	}
	return db;
}

static void test_compaction_is_due_when_superseded_records_dominate(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease l = mk(1);
	unsigned i;

	(void)state;
	for (i = 0; i < 1002; i++) {
		assert_false(lease_db_compact_due(db));
		put_commit(db, &l);
	}
	assert_false(lease_db_compact_due(db));	/* 1002 records, 1 lease */
	put_commit(db, &l);
	assert_true(lease_db_compact_due(db));
	lease_db_close(db);
}

static void test_compaction_leaves_one_line_per_lease(void **state)
{
	struct lease_db *db = superseded_journal();
	struct lease l;
	off_t before = file_size(path);
	char *text;
	uint32_t i;

	(void)state;
	assert_true(lease_db_compact_due(db));
	wait_child(lease_db_compact_start(db));
	assert_int_equal(lease_db_compact_finish(db), 0);
	assert_false(lease_db_compact_due(db));
	text = slurp(path);
	assert_int_equal(strncmp(text, HEADER, strlen(HEADER)), 0);
	assert_int_equal(count_lines(text, "lease "), 100);
	free(text);
	assert_true(file_size(path) < before / 10);
	assert_int_equal(access(newpath, F_OK), -1);

	/* the new file is the journal: appends go there, and it reloads */
	l = mk(500);
	put_commit(db, &l);
	lease_db_close(db);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 101);
	for (i = 0; i < 100; i++) {
		l = mk(i);
		l.ends = FUTURE + 14;
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	}
	lease_db_close(db);
}

static void test_records_put_during_compaction_survive_finish_and_reopen(void **state)
{
	struct lease_db *db = superseded_journal();
	struct lease l, late = mk(300);
	int pidfd;
	uint32_t i;

	(void)state;
	pidfd = lease_db_compact_start(db);
	assert_true(pidfd >= 0);
	for (i = 0; i < 20; i++) {
		l = mk(i + 200);	/* new leases */
		put_commit(db, &l);
		l = mk(i);		/* and changed ones */
		l.state = LEASE_RELEASED;
		put_commit(db, &l);
	}
	assert_int_equal(lease_db_put(db, &late), 0);	/* queued across the switch */
	wait_child(pidfd);
	assert_int_equal(lease_db_compact_finish(db), 0);
	assert_int_equal(lease_db_pending(db), 1);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_count(db), 121);
	lease_db_close(db);

	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 121);
	for (i = 0; i < 20; i++) {
		l = mk(i + 200);
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
		l = mk(i);
		l.state = LEASE_RELEASED;
		assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	}
	l = mk(50);
	l.ends = FUTURE + 14;
	assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	assert_same_lease(lease_db_by_addr(db, late.addr), &late);
	lease_db_close(db);
}

static void test_compaction_failure_keeps_the_old_journal_usable(void **state)
{
	struct lease_db *db = superseded_journal();
	struct lease l = mk(400);
	off_t before = file_size(path);
	struct stat st;
	int pidfd;

	(void)state;
	assert_int_equal(mkdir(newpath, 0700), 0);	/* PATH.new cannot be created */
	pidfd = lease_db_compact_start(db);
	wait_child(pidfd);
	assert_true(lease_db_compact_finish(db) < 0);
	assert_int_equal(file_size(path), before);
	assert_int_equal(stat(newpath, &st), 0);	/* not ours to remove */
	assert_true(S_ISDIR(st.st_mode));
	assert_true(lease_db_compact_due(db));		/* may be tried again */

	put_commit(db, &l);
	lease_db_close(db);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 101);
	assert_same_lease(lease_db_by_addr(db, l.addr), &l);
	lease_db_close(db);
}

static void test_compaction_drops_leases_ended_over_a_week_ago(void **state)
{
	struct lease_db *db = open_db(NULL);
	int64_t now = (int64_t)time(NULL);
	struct lease old = mk(1), recent = mk(2), active = mk(3);
	char *text;

	(void)state;
	old.state = LEASE_EXPIRED;
	old.ends = now - 8 * 24 * 3600;
	recent.state = LEASE_RELEASED;
	recent.ends = now - 6 * 24 * 3600;	/* its client may come back for it */
	put_commit(db, &old);
	put_commit(db, &recent);
	put_commit(db, &active);
	wait_child(lease_db_compact_start(db));
	assert_int_equal(lease_db_compact_finish(db), 0);
	assert_null(lease_db_by_addr(db, old.addr));
	assert_null(lease_db_by_client(db, old.client_id, old.client_id_len));
	assert_same_lease(lease_db_by_addr(db, recent.addr), &recent);
	assert_int_equal(lease_db_count(db), 2);
	put_commit(db, &old);	/* its slot is free to take again */
	lease_db_close(db);

	text = slurp(path);
	assert_int_equal(count_lines(text, "lease 10.0.0.1 "), 1);
	free(text);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 3);
	lease_db_close(db);
}

static void test_compaction_keeps_client_lookups_and_file_mode(void **state)
{
	struct lease_db *db = open_db(NULL);
	struct lease a = mk(1), b = mk(2);
	struct stat st;

	(void)state;
	b.client_id_len = a.client_id_len;
	memcpy(b.client_id, a.client_id, a.client_id_len);
	put_commit(db, &a);
	put_commit(db, &b);
	put_commit(db, &a);	/* a is the client's latest lease, b's slot is later */
	assert_int_equal(chmod(path, 0600), 0);
	wait_child(lease_db_compact_start(db));
	assert_int_equal(lease_db_compact_finish(db), 0);
	lease_db_close(db);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	db = open_db(NULL);
	assert_same_lease(lease_db_by_client(db, a.client_id, a.client_id_len), &a);
	lease_db_close(db);
}

static void test_second_compaction_start_is_busy(void **state)
{
	struct lease_db *db = open_db(NULL);
	int pidfd;

	(void)state;
	pidfd = lease_db_compact_start(db);
	assert_true(pidfd >= 0);
	assert_int_equal(lease_db_compact_start(db), -EBUSY);
	wait_child(pidfd);
	assert_int_equal(lease_db_compact_finish(db), 0);
	assert_int_equal(lease_db_compact_finish(db), -EINVAL);
	lease_db_close(db);
}

static void test_close_during_compaction_leaves_no_new_file(void **state)
{
	struct lease_db *db = superseded_journal();

	(void)state;
	assert_true(lease_db_compact_start(db) >= 0);
	lease_db_close(db);
	assert_int_equal(access(newpath, F_OK), -1);
	db = open_db(NULL);
	assert_int_equal(lease_db_count(db), 100);
	lease_db_close(db);
}

/* ---------------------------------------------------------------- crash safety */

#define CRASH_ROUNDS 20

/* What a child reports after each commit. */
struct durable {
	uint64_t leases;	/* mk(0) .. mk(leases - 1) are committed */
	uint64_t size;		/* where its records end then */
};

/* In a child: puts and commits batches of leases from first on, and reports
 * after each commit what is durable.  Never returns unless it fails. */
static int crash_child(uint32_t first, int report, unsigned seed)
{
	struct durable d = { first, 0 };
	char err[512], line[LEASE_RECORD_MAX];
	struct lease_db *db;
	struct lease l;
	uint32_t batch, i;
	uint64_t added;

	srand(seed);
	if (lease_db_open(path, &db, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "child: %s\n", err);
		return 1;
	}
	d.size = (uint64_t)file_records_end(path);
	for (;;) {
		batch = 1 + (uint32_t)rand() % 40;
		added = 0;
		for (i = 0; i < batch; i++) {
			l = mk((uint32_t)d.leases + i);
			if (lease_db_put(db, &l) != 0 ||
			    lease_record_format(&l, line, sizeof line) != 0)
				return 2;
			added += strlen(line) + 1;
		}
		if (lease_db_commit(db) != 0)
			return 3;
		d.leases += batch;
		d.size += added;
		if (write(report, &d, sizeof d) != sizeof d)
			return 4;
	}
}

/* A power cut would have kept only part of what was written and not yet
 * synced: do that to the bytes past the last commit reported.  Into the
 * room, the rest of the room is left; where the room grew, the file may end
 * anywhere in it, maybe followed by zeros. */
static void tear_unsynced_tail(uint64_t synced)
{
	uint64_t size = (uint64_t)file_size(path), end = (uint64_t)file_records_end(path), cut;
	char *text;

	if (size <= synced || rand() % 2)
		return;
	cut = synced + (uint64_t)rand() % (size - synced);
	if (rand() % 2 && cut < end) {
		text = slurp(path);
		memset(text + cut, ' ', end - cut);
		spew(path, text, "w");
		free(text);
		return;
	}
	assert_int_equal(truncate(path, (off_t)cut), 0);
	if (rand() % 2)
		spew(path, "\0\0\0\0\0\0\0\0", "a");
}

/* Kills a child committing leases at a random moment; returns how many
 * leases it reported durable. */
static uint32_t crash_round(uint32_t first, unsigned round)
{
	struct durable d, got;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(crash_child(first, fds[1], round));
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &d, sizeof d), sizeof d);
	usleep((useconds_t)(rand() % 20000));
	kill(pid, SIGKILL);
	while (read(fds[0], &got, sizeof got) == sizeof got)
		d = got;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	tear_unsynced_tail(d.size);
	return (uint32_t)d.leases;
}

static void test_sigkill_at_any_moment_loses_no_committed_lease(void **state)
{
	struct lease_db *db;
	struct lease l;
	uint32_t durable = 0, i;
	unsigned round, skipped, torn = 0;

	(void)state;
	srand(20240601);
	log_set_level(LOG_ERR);		/* the torn records are expected */
	for (round = 0; round < CRASH_ROUNDS; round++) {
		durable = crash_round(durable, round);
		db = open_db(&skipped);
		torn += skipped;
		assert_true(skipped <= 1);
		for (i = 0; i < durable; i++) {
			l = mk(i);
			assert_same_lease(lease_db_by_addr(db, l.addr), &l);
		}
		lease_db_close(db);
	}
	log_set_level(LOG_INFO);
	print_message("%" PRIu32 " leases committed over %u kills, %u torn tails cut off\n",
		      durable, CRASH_ROUNDS, torn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_crc_is_ieee_crc32),
		T(test_record_format_is_the_documented_line),
		T(test_record_round_trips_every_state_and_extreme),
		T(test_record_leaves_out_hostname_chars_a_line_cannot_hold),
		T(test_record_format_refuses_bad_lengths_and_small_buffers),
		T(test_record_parse_refuses_anything_not_canonical),
		T(test_record_with_bad_crc_is_refused_as_such),
		T(test_new_journal_starts_with_the_header),
		T(test_appends_fill_the_room_without_changing_the_size),
		T(test_room_grows_a_step_when_the_records_do_not_fit),
		T(test_put_commit_reopen_returns_every_lease),
		T(test_last_record_for_an_address_wins),
		T(test_memory_holds_what_the_file_will_give_back),
		T(test_put_refuses_a_lease_no_record_can_hold),
		T(test_comments_and_blank_lines_are_kept_and_ignored),
		T(test_pending_counts_until_commit),
		T(test_records_not_committed_are_not_in_the_file),
		T(test_appends_after_a_restart_go_where_the_records_end),
		T(test_record_torn_at_every_byte_into_the_room_is_skipped),
		T(test_record_after_a_bad_one_in_the_room_is_refused),
		T(test_record_cut_mid_write_is_skipped_and_cut_off),
		T(test_garbage_after_the_last_record_is_skipped),
		T(test_bad_crc_on_the_last_line_is_taken_as_torn),
		T(test_corrupt_record_in_the_middle_names_path_and_line),
		T(test_bad_crc_in_the_middle_names_path_and_line),
		T(test_second_open_of_the_same_journal_is_busy),
		T(test_open_of_a_missing_directory_fails_with_its_error),
		T(test_commit_with_nothing_pending_writes_and_syncs_nothing),
		T(test_ten_thousand_puts_commit_in_one_write_and_one_sync),
		T(test_failed_write_cuts_back_and_keeps_records_queued),
		T(test_client_id_leads_to_its_latest_lease),
		T(test_every_active_lease_of_a_client_is_found),
		T(test_many_leases_are_all_found_as_the_tables_grow),
		T(test_lookups_survive_many_handovers),
		T(test_each_visits_every_lease_and_can_stop),
		T(test_compaction_is_due_when_superseded_records_dominate),
		T(test_compaction_leaves_one_line_per_lease),
		T(test_records_put_during_compaction_survive_finish_and_reopen),
		T(test_compaction_failure_keeps_the_old_journal_usable),
		T(test_compaction_drops_leases_ended_over_a_week_ago),
		T(test_compaction_keeps_client_lookups_and_file_mode),
		T(test_second_compaction_start_is_busy),
		T(test_close_during_compaction_leaves_no_new_file),
		T(test_sigkill_at_any_moment_loses_no_committed_lease),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
