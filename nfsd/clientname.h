/* The verified host name of a client, for exports(5) name and wildcard
 * patterns: reverse DNS (or /etc/hosts), confirmed by a forward lookup that
 * gives the address back, cached so that a client costs one lookup per
 * few minutes.  Lookups run on resolver threads (resolver.h): the loop
 * never waits on DNS, except MNT's short bounded wait. */
#ifndef PXE_NFSD_CLIENTNAME_H
#define PXE_NFSD_CLIENTNAME_H

#include <stdbool.h>
#include <sys/socket.h>

#include "loop.h"

/* How long a MNT waits for a lookup in progress, once per lookup: enough
 * for /etc/hosts or a nearby DNS, short enough that one client's slow DNS
 * stalls the others no longer than this. */
#define CLIENTNAME_MNT_WAIT_MS 200

/* The loop that reads the resolver's answers; the threads start at the
 * first lookup, which comes after the privilege drop. */
void clientname_init(struct loop *loop);

/* Forgets every name (SIGHUP: /etc/hosts may have changed). */
void clientname_forget(void);

/* True when the client's name is known: *name is it, in lower case, or
 * NULL when the address has none that maps back to it (name patterns then
 * never match).  False while a lookup runs (one is started if none is);
 * ask again later.  The string lives until the loop's next turn. */
bool clientname_get(const struct sockaddr *sa, const char **name);

/* clientname_get, but while a lookup runs, the first caller for it waits
 * up to wait_ms for the answer. */
bool clientname_wait(const struct sockaddr *sa, int wait_ms, const char **name);

#endif
