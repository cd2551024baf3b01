/* The verified host name of a client, for exports(5) name and wildcard
 * patterns: reverse DNS (or /etc/hosts), confirmed by a forward lookup that
 * gives the address back, cached so that a client costs one lookup per
 * few minutes. */
#ifndef PXE_NFSD_CLIENTNAME_H
#define PXE_NFSD_CLIENTNAME_H

#include <sys/socket.h>

/* The name in lower case, or NULL when the address has none that maps
 * back to it (name patterns then never match).  The lookup blocks the
 * daemon while the resolver answers: exports that name clients should
 * have them in /etc/hosts or a nearby DNS.  The string lives until the
 * next call. */
const char *clientname_of(const struct sockaddr *sa);

#endif
