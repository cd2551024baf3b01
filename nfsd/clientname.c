/* Client host names for exports(5) name patterns: the cache the loop owns,
 * filled by the resolver threads' answers. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "clientname.h"
#include "log.h"
#include "resolver.h"

#define CACHE_SLOTS 64
#define TTL_FOUND_S 300
#define TTL_MISSING_S 60
/* A lookup not answered by then is asked again: far beyond what glibc's
 * resolver takes with its defaults (5 s x 2 attempts per server). */
#define TTL_PENDING_S 180

struct slot {
	struct ip_addr ip;
	time_t expires;			/* monotonic seconds; 0: empty */
	bool pending;			/* a resolver thread has it */
	bool waited;			/* a MNT waited for it already */
	char name[NI_MAXHOST];		/* "" when it has none */
};

static struct slot cache[CACHE_SLOTS];
static unsigned next_victim;
static struct loop *the_loop;
static int answer_fd = -1;

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1;		/* never 0 */
}

static struct slot *find(const struct ip_addr *ip, time_t now)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].expires > now && addr_ip_equal(&cache[i].ip, ip))
			return &cache[i];
	return NULL;
}

static void take_answers(void)
{
	struct resolver_answer a;
	char host[ADDR_STRLEN];
	time_t now = now_s();
	struct slot *s;

	while (resolver_take(&a)) {
		s = find(&a.ip, now);
		if (!s || !s->pending)
			continue;	/* forgotten meanwhile (SIGHUP) */
		memcpy(s->name, a.name, sizeof s->name);
		s->pending = false;
		log_debug("client names: %s is %s", addr_ip_str(&a.ip, host),
			  s->name[0] ? s->name : "nameless (no name that maps back)");
		s->expires = now + (s->name[0] ? TTL_FOUND_S : TTL_MISSING_S);
	}
}

static void on_answer(struct loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop, (void)fd, (void)events, (void)arg;
	take_answers();
}

void clientname_init(struct loop *loop)
{
	the_loop = loop;
}

void clientname_forget(void)
{
	memset(cache, 0, sizeof cache);
}

/* A slot for a new lookup: an empty or expired one, else the oldest that
 * is not pending; NULL when all are (a flood of slow clients waits). */
static struct slot *victim(time_t now)
{
	for (unsigned n = 0; n < CACHE_SLOTS; n++) {
		struct slot *s = &cache[(next_victim + n) % CACHE_SLOTS];

		if (s->expires <= now || !s->pending) {
			next_victim = (next_victim + n + 1) % CACHE_SLOTS;
			return s;
		}
	}
	return NULL;
}

static int start_resolver(void)
{
	int fd;

	if (answer_fd >= 0)
		return 0;
	fd = resolver_start();
	if (fd < 0)
		return fd;
	if (the_loop && loop_watch(the_loop, fd, EPOLLIN, on_answer, NULL) < 0)
		return -ENOMEM;
	answer_fd = fd;
	return 0;
}

/* A new lookup of ip: its slot, or NULL with *failed set when no lookup
 * can run (the client then has no name) and clear when every slot is
 * pending (it waits for one). */
static struct slot *ask(const struct ip_addr *ip, time_t now, bool *failed)
{
	struct slot *s = victim(now);
	int rc = start_resolver();

	*failed = false;
	if (!s)
		return NULL;
	if (rc == 0)
		rc = resolver_ask(ip);
	if (rc == -EAGAIN)
		return NULL;	/* the threads are behind: asked again later */
	if (rc < 0) {
		log_warn("client names: cannot start a lookup: %s", strerror(-rc));
		*failed = true;
		return NULL;
	}
	*s = (struct slot){ .ip = *ip, .pending = true, .expires = now + TTL_PENDING_S };
	return s;
}

/* The slot of sa's address, a lookup started if it has none; *done when
 * its name is known (in *name). */
static struct slot *slot_of(const struct sockaddr *sa, const char **name, bool *done)
{
	struct ip_addr ip;
	time_t now = now_s();
	struct slot *s;
	bool failed = false;

	*name = NULL;
	*done = true;
	if (!sa || addr_from_sockaddr(sa, &ip, NULL) < 0)
		return NULL;
	s = find(&ip, now);
	if (!s)
		s = ask(&ip, now, &failed);
	if (!s) {
		*done = failed;
		return NULL;
	}
	*done = !s->pending;
	if (*done && s->name[0])
		*name = s->name;
	return s;
}

bool clientname_get(const struct sockaddr *sa, const char **name)
{
	bool done;

	slot_of(sa, name, &done);
	return done;
}

bool clientname_wait(const struct sockaddr *sa, int wait_ms, const char **name)
{
	bool done;
	struct slot *s = slot_of(sa, name, &done);
	struct pollfd p = { .fd = answer_fd, .events = POLLIN };	/* started by now */
	struct timespec t0, t;
	int left = wait_ms;

	if (done || !s || s->waited)
		return done;
	s->waited = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->pending && left > 0 && poll(&p, 1, left) >= 0) {
		take_answers();
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = wait_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
				       (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	if (s->pending)
		return false;
	*name = s->name[0] ? s->name : NULL;
	return true;
}
