/* Helpers for unit tests that run code in a forked child (code that exits,
 * forks, changes ids or chroots) or that need root. */
#ifndef PXE_TEST_CHILD_H
#define PXE_TEST_CHILD_H

#include <stdio.h>

/* Seconds a child may run before its alarm kills it. */
#define CHILD_TIMEOUT 10

/* In a forked child, cmocka's asserts would longjmp into the child's copy of
 * the runner; children check with this and return non-zero instead. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: child check failed: %s\n", \
		    __FILE__, __LINE__, #cond); \
		return 1; \
	} \
} while (0)

/* fn(arg) in a forked child; its return value becomes the exit status, which
 * this returns (128 + signal if it was killed). */
int run_child(int (*fn)(void *), void *arg);
/* Reaps pid within CHILD_TIMEOUT (+2 s, so the child's alarm fires first). */
int wait_bounded(int pid);
/* Skips the test unless root; with CI=true, fails instead of skipping. */
void need_root(void);
/* Skips the test, saying why; with CI=true, where nothing may skip, fails. */
void skip_or_fail(const char *why);

/* Brings up lo, as a child in a new network namespace needs: 0 or -1. */
int lo_up(void);

#endif
