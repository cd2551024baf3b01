/* The progress ring: a header, then PROGRESS_SLOTS records written in turn.
 * A slot is rewritten seqlock-style (seq 0, the fields, then the new seq),
 * so a reader copying it while the daemon writes sees the change and skips
 * that slot instead of mixing two events. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "str.h"

#define PROGRESS_MAGIC "PXEPROG1"

struct progress_header {
	char magic[8];
	uint32_t slot_size;
	uint32_t slots;
	char pad[sizeof(struct progress_rec) - 16];
};

_Static_assert(sizeof(struct progress_rec) == 512, "a slot is 512 bytes");
_Static_assert(sizeof(struct progress_header) == sizeof(struct progress_rec),
	       "the header takes one slot");

_Static_assert(PROGRESS_FILE_SIZE == sizeof(struct progress_header) +
	       PROGRESS_SLOTS * sizeof(struct progress_rec), "the file is a header and slots");

static struct {
	int fd;
	void *map;
	struct progress_rec *slots;
	uint64_t next;
} ring = { .fd = -1 };

static bool header_ok(const struct progress_header *h)
{
	return memcmp(h->magic, PROGRESS_MAGIC, sizeof h->magic) == 0 &&
	       h->slot_size == sizeof(struct progress_rec) && h->slots == PROGRESS_SLOTS;
}

void progress_header_init(void *file)
{
	struct progress_header *h = file;

	memset(h, 0, sizeof *h);
	memcpy(h->magic, PROGRESS_MAGIC, sizeof h->magic);
	h->slot_size = sizeof(struct progress_rec);
	h->slots = PROGRESS_SLOTS;
}

/* A file of another size or layout (an older version, a stray file) is
 * started afresh. */
static int shape(int fd)
{
	struct progress_header h;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((size_t)st.st_size == PROGRESS_FILE_SIZE &&
	    pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && header_ok(&h))
		return 0;
	progress_header_init(&h);
	if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)PROGRESS_FILE_SIZE) < 0)
		return -errno;
	if (pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
		return -EIO;
	return 0;
}

static uint64_t last_seq(const struct progress_rec *slots)
{
	uint64_t max = 0;

	for (size_t i = 0; i < PROGRESS_SLOTS; i++)
		if (slots[i].seq > max)
			max = slots[i].seq;
	return max;
}

int progress_open(const char *dir, const char *prog)
{
	char path[PATH_MAX];
	void *map;
	int fd, rc;

	progress_close();
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(path, sizeof path, "%s/%s.progress", dir, prog) >= sizeof path)
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return rc;
	}
	rc = shape(fd);
	if (rc == 0) {
		map = mmap(NULL, PROGRESS_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			rc = -errno;
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	ring.fd = fd;
	ring.map = map;
	ring.slots = (struct progress_rec *)((char *)map + sizeof(struct progress_header));
	ring.next = last_seq(ring.slots) + 1;
	return 0;
}

void progress_close(void)
{
	if (ring.map)
		munmap(ring.map, PROGRESS_FILE_SIZE);
	if (ring.fd >= 0)
		close(ring.fd);
	ring.map = NULL;
	ring.slots = NULL;
	ring.fd = -1;
}

void progress_note(const char *event, const char *client, const char *mac, const char *subject,
		   const char *fmt, ...)
{
	struct progress_rec *r;
	char raw[sizeof r->note];
	struct timespec ts;
	va_list ap;

	if (!ring.slots)
		return;
	r = &ring.slots[ring.next % PROGRESS_SLOTS];
	__atomic_store_n(&r->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	clock_gettime(CLOCK_REALTIME, &ts);
	r->time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	str_escape_controls(r->client, sizeof r->client, client ? client : "");
	str_escape_controls(r->mac, sizeof r->mac, mac ? mac : "");
	str_escape_controls(r->event, sizeof r->event, event);
	str_escape_controls(r->subject, sizeof r->subject, subject ? subject : "");
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	str_escape_controls(r->note, sizeof r->note, raw);
	__atomic_store_n(&r->seq, ring.next++, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------- reading */

static void terminate(char *s, size_t size)
{
	s[size - 1] = '\0';
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct progress_rec *)a)->seq;
	uint64_t y = ((const struct progress_rec *)b)->seq;

	return x < y ? -1 : x > y;
}

/* Copies the settled slots of a mapped ring; a slot rewritten meanwhile
 * changes its seq and is left out. */
static size_t copy_settled(const struct progress_rec *slots, struct progress_rec *out)
{
	size_t n = 0;

	for (size_t i = 0; i < PROGRESS_SLOTS; i++) {
		uint64_t seq = __atomic_load_n(&slots[i].seq, __ATOMIC_ACQUIRE);

		if (!seq)
			continue;
		out[n] = slots[i];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&slots[i].seq, __ATOMIC_RELAXED) != seq)
			continue;
		out[n].seq = seq;
		terminate(out[n].client, sizeof out[n].client);
		terminate(out[n].mac, sizeof out[n].mac);
		terminate(out[n].event, sizeof out[n].event);
		terminate(out[n].subject, sizeof out[n].subject);
		terminate(out[n].note, sizeof out[n].note);
		n++;
	}
	return n;
}

int progress_parse(const void *file, size_t size, struct progress_rec **recs, size_t *n)
{
	struct progress_rec *out;

	*recs = NULL;
	*n = 0;
	if (size != PROGRESS_FILE_SIZE || !header_ok(file))
		return -EINVAL;
	out = malloc(PROGRESS_SLOTS * sizeof *out);
	if (!out)
		return -ENOMEM;
	*n = copy_settled((const struct progress_rec *)((const char *)file +
							sizeof(struct progress_header)), out);
	if (*n == 0) {
		free(out);
		return 0;
	}
	qsort(out, *n, sizeof *out, by_seq);
	*recs = out;
	return 0;
}

int progress_load(const char *path, struct progress_rec **recs, size_t *n)
{
	struct stat st;
	void *map;
	int fd, rc;

	*recs = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != PROGRESS_FILE_SIZE) {
		close(fd);
		return -EINVAL;
	}
	map = mmap(NULL, PROGRESS_FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	rc = progress_parse(map, PROGRESS_FILE_SIZE, recs, n);
	munmap(map, PROGRESS_FILE_SIZE);
	return rc;
}
