/* The event loop: epoll for fds, a binary min-heap of timers, and signals
 * read from a signalfd, so they cost nothing while none comes and their
 * callbacks run in the loop, never in a handler. */
#include <config.h>

#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_BATCH	64	/* events dispatched per wait */
#define HEAP_MIN	64	/* so that a small daemon's timers never realloc */
#define WAIT_MAX_US	((uint64_t)INT_MAX * 1000)	/* what epoll_pwait's ms can hold */

struct watch {
	loop_fd_cb *cb;
	void *arg;
	uint32_t events;
	uint64_t born;		/* turn in which it was watched */
	bool active;
};

struct heap_entry {
	struct loop_timer *timer;
	uint64_t seq;		/* arming order: breaks ties of due_us */
};

struct sig_watch {
	int signo;
	loop_signal_cb *cb;
	void *arg;
	bool pending;
};

struct turn_watch {
	loop_turn_cb *cb;
	void *arg;
};

struct loop {
	int epfd;
	bool stop;
	bool in_turn;		/* now_us is frozen for the turn */
	bool no_pwait2;		/* kernel without epoll_pwait2 */
	uint64_t now_us;
	uint64_t turn;

	struct watch *watches;	/* indexed by fd */
	size_t nwatches;

	struct heap_entry *heap;
	size_t nheap;
	size_t heap_cap;
	uint64_t next_seq;

	struct sig_watch *sigs;
	size_t nsigs;
	int sigfd;		/* -1 until a signal is taken */
	sigset_t sigset;	/* the signals in sigs */
	sigset_t blocked;	/* those we blocked, to unblock in loop_free */

	struct turn_watch *turn_cbs;
	size_t nturn_cbs;

	struct epoll_event events[LOOP_BATCH];
};

/* Signals some loop of the process has taken: a signal has one owner. */
static sigset_t taken;

static uint64_t clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof *loop);
	int saved;

	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		saved = errno;
		free(loop);
		errno = saved;
		return NULL;
	}
	sigemptyset(&loop->sigset);
	sigemptyset(&loop->blocked);
	loop->sigfd = -1;
	loop->now_us = clock_us();
	return loop;
}

/* Puts back the mask found when the signals were taken. */
static void signals_restore(struct loop *loop)
{
	for (size_t i = 0; i < loop->nsigs; i++)
		sigdelset(&taken, loop->sigs[i].signo);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	sigprocmask(SIG_UNBLOCK, &loop->blocked, NULL);
}

void loop_free(struct loop *loop)
{
	if (loop == NULL)
		return;
	signals_restore(loop);
	/* Armed timers are not touched: their owners may already be gone. */
	close(loop->epfd);
	free(loop->watches);
	free(loop->heap);
	free(loop->sigs);
	free(loop->turn_cbs);
	free(loop);
}

/* ---------------------------------------------------------------- fds */

static struct watch *watch_get(struct loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nwatches || !loop->watches[fd].active)
		return NULL;
	return &loop->watches[fd];
}

static int watches_reserve(struct loop *loop, int fd)
{
	size_t want = (size_t)fd + 1;
	size_t n = loop->nwatches ? loop->nwatches : 16;
	struct watch *w;

	if (want <= loop->nwatches)
		return 0;
	while (n < want)
		n *= 2;
	w = reallocarray(loop->watches, n, sizeof *w);
	if (w == NULL)
		return -ENOMEM;
	memset(w + loop->nwatches, 0, (n - loop->nwatches) * sizeof *w);
	loop->watches = w;
	loop->nwatches = n;
	return 0;
}

int loop_watch(struct loop *loop, int fd, uint32_t events, loop_fd_cb *cb, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int rc;

	if (fd < 0)
		return -EBADF;
	if (watch_get(loop, fd) != NULL)
		return -EEXIST;
	rc = watches_reserve(loop, fd);
	if (rc < 0)
		return rc;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	loop->watches[fd] = (struct watch){
		.cb = cb, .arg = arg, .events = events,
		.born = loop->turn, .active = true,
	};
	return 0;
}

int loop_rewatch(struct loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	struct watch *w = watch_get(loop, fd);

	if (w == NULL)
		return -ENOENT;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

void loop_unwatch(struct loop *loop, int fd)
{
	struct watch *w = watch_get(loop, fd);

	if (w == NULL)
		return;
	/* Fails harmlessly if the owner closed the fd first. */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->active = false;
}

/* Events were collected at the wait; callbacks since then may have unwatched
 * an fd, or unwatched and watched it again with another callback. */
static void dispatch_fds(struct loop *loop, int n)
{
	struct watch *w;
	uint32_t ev;
	int fd, i;

	for (i = 0; i < n; i++) {
		fd = loop->events[i].data.fd;
		w = watch_get(loop, fd);
		if (w == NULL || w->born == loop->turn)
			continue;
		ev = loop->events[i].events & (w->events | EPOLLERR | EPOLLHUP);
		if (ev != 0)
			w->cb(loop, fd, ev, w->arg);
	}
}

/* ---------------------------------------------------------------- timers */

static bool entry_before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->timer->due_us != b->timer->due_us)
		return a->timer->due_us < b->timer->due_us;
	return a->seq < b->seq;
}

static void heap_put(struct loop *loop, size_t i, struct heap_entry e)
{
	loop->heap[i] = e;
	e.timer->slot = i;
}

static void sift_up(struct loop *loop, size_t i)
{
	struct heap_entry e = loop->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!entry_before(&e, &loop->heap[parent]))
			break;
		heap_put(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_put(loop, i, e);
}

static void sift_down(struct loop *loop, size_t i)
{
	struct heap_entry e = loop->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= loop->nheap)
			break;
		if (child + 1 < loop->nheap &&
		    entry_before(&loop->heap[child + 1], &loop->heap[child]))
			child++;
		if (!entry_before(&loop->heap[child], &e))
			break;
		heap_put(loop, i, loop->heap[child]);
		i = child;
	}
	heap_put(loop, i, e);
}

/* Restores the heap order after the entry at i changed. */
static void heap_fix(struct loop *loop, size_t i)
{
	if (i > 0 && entry_before(&loop->heap[i], &loop->heap[(i - 1) / 2]))
		sift_up(loop, i);
	else
		sift_down(loop, i);
}

static void heap_remove(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i].timer;

	loop->nheap--;
	if (i < loop->nheap) {
		heap_put(loop, i, loop->heap[loop->nheap]);
		heap_fix(loop, i);
	}
	t->slot = SIZE_MAX;
}

static void heap_reserve(struct loop *loop)
{
	size_t cap = loop->heap_cap ? loop->heap_cap * 2 : HEAP_MIN;
	struct heap_entry *h;

	if (loop->nheap < loop->heap_cap)
		return;
	h = reallocarray(loop->heap, cap, sizeof *h);
	/* loop_timer_arm() cannot fail by contract, and a timer silently left
	 * unarmed would hang its owner forever. */
	if (h == NULL)
		abort();
	loop->heap = h;
	loop->heap_cap = cap;
}

static bool timer_in_heap(const struct loop *loop, const struct loop_timer *t)
{
	return t->slot < loop->nheap && loop->heap[t->slot].timer == t;
}

void loop_timer_init(struct loop_timer *t, loop_timer_cb *cb, void *arg)
{
	*t = (struct loop_timer){ .slot = SIZE_MAX, .cb = cb, .arg = arg };
}

void loop_timer_arm(struct loop *loop, struct loop_timer *t, uint64_t delay_us)
{
	size_t i;

	/* Outside a turn (start-up, between runs) the cached now may be old:
	 * count from the real now so no timer fires early. */
	if (!loop->in_turn)
		loop->now_us = clock_us();
	t->due_us = delay_us > UINT64_MAX - loop->now_us ?
	    UINT64_MAX : loop->now_us + delay_us;
	if (timer_in_heap(loop, t)) {
		loop->heap[t->slot].seq = loop->next_seq++;
		heap_fix(loop, t->slot);
		return;
	}
	heap_reserve(loop);
	i = loop->nheap++;
	heap_put(loop, i, (struct heap_entry){ t, loop->next_seq++ });
	sift_up(loop, i);
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
	if (timer_in_heap(loop, t))
		heap_remove(loop, t->slot);
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != SIZE_MAX;
}

/* Fires every timer due at the turn's now.  One armed by a callback of this
 * turn waits for the next, even with delay 0: it sorts after every older due
 * timer, so meeting it at the top means the older ones are done. */
static void run_timers(struct loop *loop)
{
	uint64_t first_new = loop->next_seq;
	struct loop_timer *t;

	while (loop->nheap > 0) {
		t = loop->heap[0].timer;
		if (t->due_us > loop->now_us || loop->heap[0].seq >= first_new)
			break;
		heap_remove(loop, 0);
		t->cb(loop, t, t->arg);
	}
}

uint64_t loop_now_us(const struct loop *loop)
{
	return loop->now_us;
}

/* ---------------------------------------------------------------- signals */

static void on_sigfd(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si[8];
	ssize_t n;

	while ((n = read(fd, si, sizeof si)) > 0)
		for (size_t k = 0; k < (size_t)n / sizeof si[0]; k++)
			for (size_t i = 0; i < loop->nsigs; i++)
				if (loop->sigs[i].signo == (int)si[k].ssi_signo)
					loop->sigs[i].pending = true;
}

/* Blocks signo, so it is only ever read from the signalfd. */
static int signal_take(struct loop *loop, int signo)
{
	sigset_t one, prev;
	int fd;

	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, &prev) < 0)
		return -errno;
	if (!sigismember(&prev, signo))
		sigaddset(&loop->blocked, signo);
	sigaddset(&loop->sigset, signo);
	fd = signalfd(loop->sigfd, &loop->sigset, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		return loop_watch(loop, fd, EPOLLIN, on_sigfd, NULL);
	}
	return 0;
}

int loop_on_signal(struct loop *loop, int signo, loop_signal_cb *cb, void *arg)
{
	struct sig_watch *s;
	int rc;

	if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP)
		return -EINVAL;
	if (sigismember(&taken, signo) == 1)
		return -EEXIST;
	s = reallocarray(loop->sigs, loop->nsigs + 1, sizeof *s);
	if (s == NULL)
		return -ENOMEM;
	loop->sigs = s;
	rc = signal_take(loop, signo);
	if (rc < 0)
		return rc;
	loop->sigs[loop->nsigs++] = (struct sig_watch){ .signo = signo, .cb = cb, .arg = arg };
	sigaddset(&taken, signo);
	return 0;
}

static void run_signals(struct loop *loop)
{
	for (size_t i = 0; i < loop->nsigs; i++) {
		if (!loop->sigs[i].pending)
			continue;
		loop->sigs[i].pending = false;
		loop->sigs[i].cb(loop, loop->sigs[i].signo, loop->sigs[i].arg);
	}
}

/* ---------------------------------------------------------------- turns */

int loop_on_turn_end(struct loop *loop, loop_turn_cb *cb, void *arg)
{
	struct turn_watch *t;

	t = reallocarray(loop->turn_cbs, loop->nturn_cbs + 1, sizeof *t);
	if (t == NULL)
		return -ENOMEM;
	loop->turn_cbs = t;
	loop->turn_cbs[loop->nturn_cbs++] = (struct turn_watch){ cb, arg };
	return 0;
}

static void run_turn_end(struct loop *loop)
{
	size_t i;

	for (i = 0; i < loop->nturn_cbs; i++)
		loop->turn_cbs[i].cb(loop, loop->turn_cbs[i].arg);
}

/* Microseconds until the first timer is due, capped; false if none is armed. */
static bool wait_us(const struct loop *loop, uint64_t *us)
{
	uint64_t due, now;

	if (loop->nheap == 0)
		return false;
	due = loop->heap[0].timer->due_us;
	now = clock_us();
	*us = due > now ? due - now : 0;
	if (*us > WAIT_MAX_US)
		*us = WAIT_MAX_US;
	return true;
}

static int wait_ms(const struct loop *loop)
{
	uint64_t us;

	if (!wait_us(loop, &us))
		return -1;
	return (int)((us + 999) / 1000);	/* rounded up: never wake early */
}

/* Returns the number of events, or -errno. */
static int wait_events(struct loop *loop)
{
	int n;
#ifdef HAVE_EPOLL_PWAIT2
	struct timespec ts, *timeout = NULL;
	uint64_t us;

	if (!loop->no_pwait2) {
		if (wait_us(loop, &us)) {
			ts.tv_sec = (time_t)(us / 1000000);
			ts.tv_nsec = (long)(us % 1000000) * 1000;
			timeout = &ts;
		}
		n = epoll_pwait2(loop->epfd, loop->events, LOOP_BATCH, timeout, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n >= 0 ? n : -errno;
		loop->no_pwait2 = true;
	}
#endif
	n = epoll_wait(loop->epfd, loop->events, LOOP_BATCH, wait_ms(loop));
	return n >= 0 ? n : -errno;
}

static int loop_turn(struct loop *loop)
{
	int n = wait_events(loop);

	if (n == -EINTR)
		n = 0;
	else if (n < 0)
		return n;
	loop->turn++;
	loop->now_us = clock_us();
	loop->in_turn = true;
	dispatch_fds(loop, n);
	run_timers(loop);
	run_signals(loop);
	run_turn_end(loop);
	loop->in_turn = false;
	return 0;
}


int loop_run(struct loop *loop)
{
	int rc;

	do {
		rc = loop_turn(loop);
		if (rc < 0)
			return rc;
	} while (!loop->stop);
	loop->stop = false;
	return 0;
}

void loop_stop(struct loop *loop)
{
	loop->stop = true;
}
