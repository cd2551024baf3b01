/* Each daemon's record of what its clients did, for `pxectl status`: a ring
 * of fixed-size records in a file the daemon maps shared (progress_dir, on
 * /run's tmpfs by default).  Recording costs no system call, the file never
 * grows, and the records outlive a crash or a restart of the daemon.  One
 * daemon writes a file (an flock says which); any number may read it. */
#ifndef PXE_PROGRESS_H
#define PXE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#define PROGRESS_SLOTS 4096
/* A header slot, then the ring. */
#define PROGRESS_FILE_SIZE ((PROGRESS_SLOTS + 1) * sizeof(struct progress_rec))

/* 512 bytes, the layout of a slot in the file (host byte order: the file
 * never leaves the machine).  Every string is NUL-terminated and has its
 * control bytes escaped. */
struct progress_rec {
	uint64_t seq;		/* 1, 2, ...; 0: empty, or being written */
	int64_t time_ms;	/* CLOCK_REALTIME */
	char client[48];	/* the client's address; "" before it has one */
	char mac[24];		/* "" where the daemon does not see it */
	char event[16];		/* see pxectl(8): "offer", "ack", "tftp-done", "mount" ... */
	char subject[256];	/* the file, path or boot file the event is about */
	char note[152];		/* the outcome: a size and time, a reason, PXE details */
};

/* Opens (creating it and dir if missing) DIR/PROG.progress for this
 * process to record into: call it while still privileged.  0; -EBUSY when
 * another live process records there; another negative errno otherwise.
 * Until it succeeds, progress_note() records nothing. */
int progress_open(const char *dir, const char *prog);
void progress_close(void);

/* Records one event; client, mac and subject may be NULL.  The note is
 * formatted; both are cut to fit. */
void progress_note(const char *event, const char *client, const char *mac, const char *subject,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Every record of the file at path, oldest first, into a malloc'd array
 * (*n of them; *recs NULL when none).  0, or a negative errno: -ENOENT for no
 * file, -EINVAL for a file that is not a progress ring. */
int progress_load(const char *path, struct progress_rec **recs, size_t *n);
/* The same from a file's size bytes in memory; strings are cut at their
 * field's end whatever the bytes hold. */
int progress_parse(const void *file, size_t size, struct progress_rec **recs, size_t *n);
/* Writes a ring's header at the start of file (PROGRESS_FILE_SIZE bytes). */
void progress_header_init(void *file);

#endif
