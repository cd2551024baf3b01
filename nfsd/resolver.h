/* Client host names looked up off the event loop: a few threads run the
 * blocking reverse and forward lookups (glibc has getaddrinfo_a, but no
 * asynchronous getnameinfo, and the reverse lookup is the one a client's
 * DNS can make slow), and hand each answer back through a pipe the loop
 * reads. */
#ifndef PXE_NFSD_RESOLVER_H
#define PXE_NFSD_RESOLVER_H

#include <netdb.h>
#include <stdbool.h>

#include "addr.h"

/* Lookups running at once: one client whose DNS never answers holds one
 * thread for the resolver's timeout, not the others. */
#define RESOLVER_THREADS 4

/* Questions waiting for a thread, at most. */
#define RESOLVER_QUEUE 64

struct resolver_answer {
	struct ip_addr ip;
	char name[NI_MAXHOST];		/* lower case; "" when none maps back */
};

/* Starts the threads (with every signal blocked, and the credentials of
 * the caller: call it after the privilege drop).  The fd to watch for
 * answers, or a negative errno. */
int resolver_start(void);

/* Queues a lookup of ip.  0, or a negative errno (-EAGAIN: the queue is
 * full). */
int resolver_ask(const struct ip_addr *ip);

/* One answer waiting on the fd: true and *out filled, or false when none
 * is. */
bool resolver_take(struct resolver_answer *out);

#endif
