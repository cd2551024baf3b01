/* Client host names for exports(5) name patterns, looked up both ways and
 * cached. */
#include <config.h>

#include <ctype.h>
#include <netdb.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "clientname.h"

#define CACHE_SLOTS 64
#define TTL_FOUND_S 300
#define TTL_MISSING_S 60

struct slot {
	struct ip_addr ip;
	time_t expires;			/* monotonic seconds; 0: empty */
	char name[NI_MAXHOST];		/* "" when it has none */
};

static struct slot cache[CACHE_SLOTS];
static unsigned next_victim;

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1;		/* never 0 */
}

/* Whether name resolves to ip: a PTR record alone is the client's to set. */
static int forward_confirms(const char *name, const struct ip_addr *ip)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct ip_addr got;
	int ok = 0;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai && !ok; ai = ai->ai_next)
		ok = addr_from_sockaddr(ai->ai_addr, &got, NULL) == 0 && addr_ip_equal(&got, ip);
	freeaddrinfo(res);
	return ok;
}

static void lookup(const struct sockaddr *sa, const struct ip_addr *ip, char *name)
{
	socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);

	name[0] = '\0';
	if (getnameinfo(sa, len, name, NI_MAXHOST, NULL, 0, NI_NAMEREQD) != 0 ||
	    !forward_confirms(name, ip)) {
		name[0] = '\0';
		return;
	}
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

const char *clientname_of(const struct sockaddr *sa)
{
	struct ip_addr ip;
	time_t now = now_s();
	struct slot *s = NULL;

	if (!sa || addr_from_sockaddr(sa, &ip, NULL) < 0)
		return NULL;
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].expires > now && addr_ip_equal(&cache[i].ip, &ip)) {
			s = &cache[i];
			break;
		}
	}
	if (!s) {
		s = &cache[next_victim];
		next_victim = (next_victim + 1) % CACHE_SLOTS;
		s->ip = ip;
		lookup(sa, &ip, s->name);
		s->expires = now + (s->name[0] ? TTL_FOUND_S : TTL_MISSING_S);
	}
	return s->name[0] ? s->name : NULL;
}
