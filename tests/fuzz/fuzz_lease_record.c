/* Fuzz target for dhcpd/lease_record.c and the journal loader of
 * dhcpd/lease_db.c: the input as one record line (one that parses formats
 * back to the same bytes), then as a whole lease file (what loads formats
 * and parses again; after one open and an append, nothing is torn). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lease_db.h"
#include "lease_record.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256];

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_same(const struct lease *a, const struct lease *b)
{
	check(a->addr.s_addr == b->addr.s_addr);
	check(a->client_id_len == b->client_id_len);
	check(memcmp(a->client_id, b->client_id, sizeof a->client_id) == 0);
	check(a->hwaddr_len == b->hwaddr_len);
	check(memcmp(a->hwaddr, b->hwaddr, sizeof a->hwaddr) == 0);
	check(a->state == b->state && a->starts == b->starts && a->ends == b->ends);
	check(strcmp(a->hostname, b->hostname) == 0);
}

/* A line that parses formats back to itself: one way to write a lease. */
static void round_trip(const char *line)
{
	char out[LEASE_RECORD_MAX];
	struct lease l, back;

	if (lease_record_parse(line, &l) != 0)
		return;
	check(lease_record_format(&l, out, sizeof out) == 0);
	check(strcmp(out, line) == 0);
	check(lease_record_parse(out, &back) == 0);
	check_same(&l, &back);
}

/* The line with the crc after its last " crc=" made right, so mutations of
 * the fields reach the parser's checks and not only the checksum's. */
static void round_trip_signed(char *line)
{
	char *crc = strstr(line, " crc=");
	char hex[16];

	while (crc && strstr(crc + 1, " crc="))
		crc = strstr(crc + 1, " crc=");
	if (!crc || strlen(crc) < 13)
		return;
	snprintf(hex, sizeof hex, "%08" PRIx32, lease_record_crc(line, (size_t)(crc - line)));
	memcpy(crc + 5, hex, 8);
	round_trip(line);
}

static void fuzz_line(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);

	check(line != NULL);
	memcpy(line, data, size);
	line[size] = '\0';	/* an embedded NUL ends the line early: fine */
	round_trip(line);
	round_trip_signed(line);
	free(line);
}

static bool check_loaded(const struct lease *l, void *arg)
{
	char out[LEASE_RECORD_MAX];
	struct lease back;

	check(lease_record_format(l, out, sizeof out) == 0);
	check(lease_record_parse(out, &back) == 0);
	check_same(l, &back);
	(*(size_t *)arg)++;
	return true;
}

static void spew(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	check(fd >= 0);
	check(size == 0 || write(fd, data, size) == (ssize_t)size);
	check(close(fd) == 0);
}

/* A lease the second open must find next to what the first one loaded. */
static struct lease marker(void)
{
	struct lease l;

	memset(&l, 0, sizeof l);
	l.addr.s_addr = htonl(0xcb00714d);	/* 203.0.113.77 */
	l.client_id_len = 2;
	l.client_id[0] = 0xfe;
	l.state = LEASE_DECLINED;
	l.ends = 42;
	strcpy(l.hostname, "marker");
	return l;
}

static void fuzz_journal(const uint8_t *data, size_t size)
{
	struct lease m = marker();
	const struct lease *got;
	struct lease_db *db;
	char err[512];
	unsigned skipped;
	size_t count, seen = 0;
	int rc;

	spew(data, size);
	rc = lease_db_open(path, &db, &skipped, err, sizeof err);
	if (rc != 0) {
		check(rc == -EINVAL && db == NULL && strncmp(err, path, strlen(path)) == 0);
		unlink(path);
		return;
	}
	check(skipped <= 1);
	lease_db_each(db, check_loaded, &seen);
	count = lease_db_count(db);
	check(seen == count);
	if (!lease_db_by_addr(db, m.addr))
		count++;
	check(lease_db_put(db, &m) == 0 && lease_db_commit(db) == 0);
	lease_db_close(db);

	/* the torn tail was cut off, so the append follows a whole line */
	check(lease_db_open(path, &db, &skipped, err, sizeof err) == 0);
	check(skipped == 0 && lease_db_count(db) == count);
	got = lease_db_by_addr(db, m.addr);
	check(got != NULL);
	check_same(got, &m);
	lease_db_close(db);
	unlink(path);
}

/* tmpfs where there is one: the loader syncs, and fuzzing should not wait
 * for a disk. */
static void pick_path(void)
{
	struct stat st;
	const char *dir = getenv("TMPDIR");

	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
		dir = "/dev/shm";
	else if (!dir)
		dir = "/tmp";
	snprintf(path, sizeof path, "%s/fuzz_lease_record.%ld", dir, (long)getpid());
	log_set_level(LOG_ERR);		/* torn tails are logged as warnings */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0])
		pick_path();
	fuzz_line(data, size);
	fuzz_journal(data, size);
	return 0;
}
