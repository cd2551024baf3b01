/* Unit tests for common/loop.c: fd readiness, timer order and timing, signals
 * turned into loop callbacks, stop and turn-end callbacks. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/loop.h"

#define GUARD_US	2000000	/* no test waits longer than this */

/* Every test gets a loop and a guard timer that stops a run gone astray. */
struct fixture {
	struct loop *loop;
	struct loop_timer guard;
	bool guard_fired;
	int turns;		/* ended so far, when a test counts them */
};

static void guard_fired(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct fixture *f = arg;

	(void)t;
	f->guard_fired = true;
	loop_stop(loop);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	f->loop = loop_new();
	if (f->loop == NULL) {
		free(f);
		return -1;
	}
	loop_timer_init(&f->guard, guard_fired, f);
	loop_timer_arm(f->loop, &f->guard, GUARD_US);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	loop_free(f->loop);
	free(f);
	return 0;
}

static void run(struct fixture *f)
{
	assert_int_equal(loop_run(f->loop), 0);
	assert_false(f->guard_fired);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* A pipe with one byte waiting in it, so its read end stays readable. */
static void readable_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
}

static void close_pair(int p[2])
{
	close(p[0]);
	close(p[1]);
}

static void stop_at_turn_end(struct loop *loop, void *arg)
{
	struct fixture *f = arg;

	f->turns++;
	loop_stop(loop);
}

static void count_turn(struct loop *loop, void *arg)
{
	struct fixture *f = arg;

	(void)loop;
	f->turns++;
}

/* ---------------------------------------------------------------- fds */

struct fd_seen {
	int calls;
	int fd;
	uint32_t events;
};

static void record_fd_and_stop(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct fd_seen *seen = arg;

	seen->calls++;
	seen->fd = fd;
	seen->events = events;
	loop_stop(loop);
}

static void test_pipe_readable_runs_callback_with_fd_and_events(void **state)
{
	struct fixture *f = *state;
	struct fd_seen seen = { 0 };
	int p[2];

	readable_pipe(p);
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLIN, record_fd_and_stop, &seen), 0);
	run(f);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.fd, p[0]);
	assert_int_equal(seen.events, EPOLLIN);
	close_pair(p);
}

struct pair_ctx {
	int sv[2];
	bool wrote;
	char got;
};

static void pair_write(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct pair_ctx *c = arg;

	assert_true(events & EPOLLOUT);
	assert_int_equal(write(fd, "y", 1), 1);
	c->wrote = true;
	loop_unwatch(loop, fd);
}

static void pair_read(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct pair_ctx *c = arg;

	assert_true(events & EPOLLIN);
	assert_int_equal(read(fd, &c->got, 1), 1);
	loop_stop(loop);
}

static void test_socketpair_writable_end_then_readable_end(void **state)
{
	struct fixture *f = *state;
	struct pair_ctx c = { .got = 0 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, c.sv), 0);
	assert_int_equal(loop_watch(f->loop, c.sv[0], EPOLLOUT, pair_write, &c), 0);
	assert_int_equal(loop_watch(f->loop, c.sv[1], EPOLLIN, pair_read, &c), 0);
	run(f);
	assert_true(c.wrote);
	assert_int_equal(c.got, 'y');
	close_pair(c.sv);
}

/* Two fds ready in the same wait; whichever callback runs first acts on the
 * other one. */
struct rival_ctx {
	int a, b;
	int calls;
	int new_calls;
	int new_calls_turn1;
	struct fixture *f;
};

static void unwatch_rival(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rival_ctx *c = arg;

	(void)events;
	c->calls++;
	loop_unwatch(loop, fd == c->a ? c->b : c->a);
}

static void test_unwatch_by_earlier_callback_drops_collected_event(void **state)
{
	struct fixture *f = *state;
	struct rival_ctx c = { 0 };
	int p[2], q[2];

	readable_pipe(p);
	readable_pipe(q);
	c.a = p[0];
	c.b = q[0];
	assert_int_equal(loop_watch(f->loop, c.a, EPOLLIN, unwatch_rival, &c), 0);
	assert_int_equal(loop_watch(f->loop, c.b, EPOLLIN, unwatch_rival, &c), 0);
	assert_int_equal(loop_on_turn_end(f->loop, stop_at_turn_end, f), 0);
	run(f);
	assert_int_equal(f->turns, 1);
	assert_int_equal(c.calls, 1);
	close_pair(p);
	close_pair(q);
}

static void new_watch_cb(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rival_ctx *c = arg;

	(void)loop;
	(void)fd;
	(void)events;
	c->new_calls++;
	if (c->f->turns == 0)
		c->new_calls_turn1++;
}

/* The rival fd number is closed and reused for a new, readable pipe watched
 * with another callback: the event collected for the old file must not reach
 * the new watch. */
static void replace_rival(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rival_ctx *c = arg;
	int rival = fd == c->a ? c->b : c->a;
	int n[2];

	(void)events;
	if (c->calls++ > 0)
		return;
	loop_unwatch(loop, rival);
	readable_pipe(n);
	assert_int_equal(dup3(n[0], rival, O_CLOEXEC), rival);
	close(n[0]);
	close(n[1]);
	assert_int_equal(loop_watch(loop, rival, EPOLLIN, new_watch_cb, c), 0);
}

static void stop_after_two_turns(struct loop *loop, void *arg)
{
	struct fixture *f = arg;

	if (++f->turns == 2)
		loop_stop(loop);
}

static void test_fd_replaced_in_same_turn_gets_no_stale_event(void **state)
{
	struct fixture *f = *state;
	struct rival_ctx c = { .f = f };
	int p[2], q[2];

	readable_pipe(p);
	readable_pipe(q);
	c.a = p[0];
	c.b = q[0];
	assert_int_equal(loop_watch(f->loop, c.a, EPOLLIN, replace_rival, &c), 0);
	assert_int_equal(loop_watch(f->loop, c.b, EPOLLIN, replace_rival, &c), 0);
	assert_int_equal(loop_on_turn_end(f->loop, stop_after_two_turns, f), 0);
	run(f);
	assert_int_equal(c.new_calls_turn1, 0);
	assert_int_equal(c.new_calls, 1);	/* the new watch works from turn 2 */
	close_pair(p);
	close_pair(q);
}

static void stop_loop(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(loop);
}

static void test_rewatch_changes_events(void **state)
{
	struct fixture *f = *state;
	struct fd_seen seen = { 0 };
	struct loop_timer stop;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(loop_watch(f->loop, sv[0], EPOLLIN, record_fd_and_stop, &seen), 0);
	loop_timer_init(&stop, stop_loop, NULL);
	loop_timer_arm(f->loop, &stop, 20000);
	run(f);
	assert_int_equal(seen.calls, 0);	/* writable, but nothing to read */

	assert_int_equal(loop_rewatch(f->loop, sv[0], EPOLLOUT), 0);
	loop_timer_arm(f->loop, &stop, 20000);
	run(f);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.events, EPOLLOUT);
	assert_int_equal(loop_rewatch(f->loop, sv[1], EPOLLOUT), -ENOENT);
	loop_timer_cancel(f->loop, &stop);
	close_pair(sv);
}

/* Both ends are writable; whichever callback runs first narrows the other
 * to EPOLLIN, so the EPOLLOUT already collected for it is stale. */
static void narrow_rival(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct rival_ctx *c = arg;

	(void)events;
	c->calls++;
	assert_int_equal(loop_rewatch(loop, fd == c->a ? c->b : c->a, EPOLLIN), 0);
}

static void test_rewatch_in_same_turn_drops_collected_events_no_longer_wanted(void **state)
{
	struct fixture *f = *state;
	struct rival_ctx c = { 0 };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	c.a = sv[0];
	c.b = sv[1];
	assert_int_equal(loop_watch(f->loop, c.a, EPOLLOUT, narrow_rival, &c), 0);
	assert_int_equal(loop_watch(f->loop, c.b, EPOLLOUT, narrow_rival, &c), 0);
	assert_int_equal(loop_on_turn_end(f->loop, stop_at_turn_end, f), 0);
	run(f);
	assert_int_equal(c.calls, 1);
	close_pair(sv);
}

static void never_called(struct loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	(void)arg;
	fail();
}

static void test_watch_same_fd_twice_fails_eexist(void **state)
{
	struct fixture *f = *state;
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLIN, never_called, NULL), 0);
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLOUT, never_called, NULL), -EEXIST);
	assert_int_equal(loop_watch(f->loop, -1, EPOLLIN, never_called, NULL), -EBADF);
	close_pair(p);
}

static void test_unwatch_unknown_fd_is_harmless(void **state)
{
	struct fixture *f = *state;
	struct fd_seen seen = { 0 };
	int p[2];

	readable_pipe(p);
	loop_unwatch(f->loop, -1);
	loop_unwatch(f->loop, p[0]);		/* inside the table's reach */
	loop_unwatch(f->loop, 1 << 20);		/* far beyond it */
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLIN, record_fd_and_stop, &seen), 0);
	loop_unwatch(f->loop, p[0]);
	loop_unwatch(f->loop, p[0]);
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLIN, record_fd_and_stop, &seen), 0);
	run(f);
	assert_int_equal(seen.calls, 1);
	close_pair(p);
}

static void drain_and_unwatch(struct loop *loop, int fd, uint32_t events, void *arg)
{
	int *left = arg;
	char c;

	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	loop_unwatch(loop, fd);
	if (--*left == 0)
		loop_stop(loop);
}

static void test_more_ready_fds_than_one_batch_are_all_served(void **state)
{
	enum { N = 150 };
	struct fixture *f = *state;
	int p[N][2];
	int left = N;
	int i;

	for (i = 0; i < N; i++) {
		readable_pipe(p[i]);
		assert_int_equal(loop_watch(f->loop, p[i][0], EPOLLIN, drain_and_unwatch, &left), 0);
	}
	assert_int_equal(loop_on_turn_end(f->loop, count_turn, f), 0);
	run(f);
	assert_int_equal(left, 0);
	assert_true(f->turns >= 2);		/* more than a batch per wait */
	for (i = 0; i < N; i++)
		close_pair(p[i]);
}

/* ---------------------------------------------------------------- timers */

struct order_log {
	int ids[16];
	int n;
	int stop_after;
};

struct tagged {
	struct loop_timer timer;
	int id;
	struct order_log *log;
	bool armed_in_cb;	/* seen by the timer's own callback */
};

static void log_id(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct tagged *tg = arg;
	struct order_log *log = tg->log;

	tg->armed_in_cb = loop_timer_armed(t);
	if (log->n < 16)
		log->ids[log->n] = tg->id;
	if (++log->n == log->stop_after)
		loop_stop(loop);
}

struct order_ctx {
	struct tagged tg[6];
	struct order_log log;
};

/* Armed from a callback, so all six count from the same now and equal delays
 * are true ties. */
static void arm_six(struct loop *loop, struct loop_timer *t, void *arg)
{
	static const uint64_t delay[6] = { 3000, 1000, 2000, 1000, 0, 2000 };
	struct order_ctx *c = arg;
	int i;

	(void)t;
	for (i = 0; i < 6; i++) {
		c->tg[i] = (struct tagged){ .id = i, .log = &c->log };
		loop_timer_init(&c->tg[i].timer, log_id, &c->tg[i]);
		loop_timer_arm(loop, &c->tg[i].timer, delay[i]);
	}
}

static void test_timers_fire_in_due_order_ties_in_arming_order(void **state)
{
	static const int want[6] = { 4, 1, 3, 2, 5, 0 };
	struct fixture *f = *state;
	struct order_ctx c = { .log = { .stop_after = 6 } };
	struct loop_timer start;
	int i;

	loop_timer_init(&start, arm_six, &c);
	loop_timer_arm(f->loop, &start, 0);
	run(f);
	assert_int_equal(c.log.n, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(c.log.ids[i], want[i]);
}

struct rearm_ctx {
	struct tagged tg[4];	/* A B C D */
	struct order_log log;
	bool c_rearmed;
};

static void log_and_rearm_once(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct rearm_ctx *c = arg;

	log_id(loop, t, &c->tg[2]);
	if (c->c_rearmed)
		return;
	c->c_rearmed = true;
	loop_timer_arm(loop, t, 5000);
}

static void test_cancel_and_rearm_earlier_and_later(void **state)
{
	static const int want[4] = { 2, 2, 3, 0 };
	struct fixture *f = *state;
	struct rearm_ctx c = { .log = { .stop_after = 4 } };
	struct loop_timer never;
	int i;

	for (i = 0; i < 4; i++) {
		c.tg[i] = (struct tagged){ .id = i, .log = &c.log };
		loop_timer_init(&c.tg[i].timer, log_id, &c.tg[i]);
		loop_timer_arm(f->loop, &c.tg[i].timer, 10000 * (uint64_t)(i + 1));
		assert_true(loop_timer_armed(&c.tg[i].timer));
	}
	c.tg[2].timer.cb = log_and_rearm_once;
	c.tg[2].timer.arg = &c;

	loop_timer_cancel(f->loop, &c.tg[1].timer);		/* B never fires */
	assert_false(loop_timer_armed(&c.tg[1].timer));
	loop_timer_cancel(f->loop, &c.tg[1].timer);		/* twice is harmless */
	loop_timer_init(&never, stop_loop, NULL);
	loop_timer_cancel(f->loop, &never);			/* so is never armed */
	loop_timer_arm(f->loop, &c.tg[2].timer, 1000);		/* C earlier: 1 ms */
	loop_timer_arm(f->loop, &c.tg[0].timer, 50000);		/* A later: 50 ms */

	run(f);
	assert_int_equal(c.log.n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(c.log.ids[i], want[i]);
	assert_false(c.tg[3].armed_in_cb);	/* popped before its callback */
	assert_false(loop_timer_armed(&c.tg[0].timer));
}

#define MANY 100000

struct many_timer {
	struct loop_timer timer;
	uint64_t order;		/* when it was last armed */
	bool cancelled;
	int fired;
};

struct many_ctx {
	struct many_timer *m;
	uint64_t rng;
	uint64_t next_order;
	size_t want;
	size_t fired;
	uint64_t last_due;
	uint64_t last_order;
	size_t out_of_order;
	size_t early;
};

static uint32_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

static void many_fired(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct many_ctx *c = arg;
	struct many_timer *m = (struct many_timer *)t;

	m->fired++;
	if (t->due_us < c->last_due ||
	    (t->due_us == c->last_due && m->order < c->last_order))
		c->out_of_order++;
	if (t->due_us > loop_now_us(loop))
		c->early++;
	c->last_due = t->due_us;
	c->last_order = m->order;
	if (++c->fired == c->want)
		loop_stop(loop);
}

static void many_arm(struct loop *loop, struct many_ctx *c, struct many_timer *m)
{
	m->order = c->next_order++;
	loop_timer_arm(loop, &m->timer, rng_next(&c->rng) % 3000);
}

/* From a callback, so the delays (3000 values for 100,000 timers) make many
 * true ties. */
static void many_setup(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct many_ctx *c = arg;
	size_t *perm, i, j, tmp;

	(void)t;
	perm = malloc(MANY * sizeof *perm);
	assert_non_null(perm);
	for (i = 0; i < MANY; i++) {
		loop_timer_init(&c->m[i].timer, many_fired, c);
		many_arm(loop, c, &c->m[i]);
		perm[i] = i;
	}
	for (i = MANY - 1; i > 0; i--) {
		j = rng_next(&c->rng) % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (i = 0; i < MANY / 2; i++) {
		loop_timer_cancel(loop, &c->m[perm[i]].timer);
		c->m[perm[i]].cancelled = true;
	}
	/* Re-arm a quarter of the survivors, moving them up or down the heap. */
	for (; i < MANY / 2 + MANY / 4; i++)
		many_arm(loop, c, &c->m[perm[i]]);
	free(perm);
}

static void test_many_random_timers_half_cancelled_fire_remaining_in_order(void **state)
{
	struct fixture *f = *state;
	struct many_ctx c = { .rng = 0x9e3779b97f4a7c15u, .want = MANY - MANY / 2 };
	struct loop_timer start;
	size_t i, wrong = 0;

	c.m = calloc(MANY, sizeof *c.m);
	assert_non_null(c.m);
	loop_timer_init(&start, many_setup, &c);
	loop_timer_arm(f->loop, &start, 0);
	run(f);
	for (i = 0; i < MANY; i++)
		if (c.m[i].fired != (c.m[i].cancelled ? 0 : 1))
			wrong++;
	free(c.m);
	assert_int_equal(c.fired, c.want);
	assert_int_equal(wrong, 0);
	assert_int_equal(c.out_of_order, 0);
	assert_int_equal(c.early, 0);
}

struct spin_ctx {
	struct loop_timer spin;
	struct loop_timer writer;
	struct fixture *f;
	int p[2];
	int spins;
	int spins_this_turn;
	int max_per_turn;
	bool fd_called;
};

static void spin_again(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct spin_ctx *c = arg;

	c->spins++;
	/* Bounded, so a broken loop fails the test instead of hanging it. */
	if (++c->spins_this_turn < 1000)
		loop_timer_arm(loop, t, 0);
}

static void write_later(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct spin_ctx *c = arg;

	(void)loop;
	(void)t;
	assert_int_equal(write(c->p[1], "x", 1), 1);
}

static void spin_fd_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct spin_ctx *c = arg;

	(void)fd;
	(void)events;
	c->fd_called = true;
	loop_stop(loop);
}

static void spin_turn_end(struct loop *loop, void *arg)
{
	struct spin_ctx *c = arg;

	(void)loop;
	c->f->turns++;
	if (c->spins_this_turn > c->max_per_turn)
		c->max_per_turn = c->spins_this_turn;
	c->spins_this_turn = 0;
}

static void test_zero_delay_rearm_fires_once_per_turn_and_fds_still_run(void **state)
{
	struct fixture *f = *state;
	struct spin_ctx c = { .f = f };

	assert_int_equal(pipe2(c.p, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(loop_watch(f->loop, c.p[0], EPOLLIN, spin_fd_ready, &c), 0);
	assert_int_equal(loop_on_turn_end(f->loop, spin_turn_end, &c), 0);
	loop_timer_init(&c.spin, spin_again, &c);
	loop_timer_init(&c.writer, write_later, &c);
	loop_timer_arm(f->loop, &c.spin, 0);
	loop_timer_arm(f->loop, &c.writer, 5000);
	run(f);
	assert_true(c.fd_called);
	assert_int_equal(c.max_per_turn, 1);
	assert_int_equal(c.spins, f->turns);
	assert_true(f->turns > 2);
	loop_timer_cancel(f->loop, &c.spin);
	close_pair(c.p);
}

struct late_ctx {
	struct loop_timer t[4];
	uint64_t start_us[4];
	uint64_t delay_us[4];
	uint64_t elapsed_us[4];
	bool now_before_due;
	int left;
};

static void record_elapsed(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct late_ctx *c = arg;
	int i = (int)(t - c->t);

	c->elapsed_us[i] = mono_us() - c->start_us[i];
	if (loop_now_us(loop) < t->due_us)
		c->now_before_due = true;
	if (--c->left == 0)
		loop_stop(loop);
}

/* Arms the last one from inside the loop, where the delay counts from the
 * turn's cached now. */
static void arm_from_turn(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct late_ctx *c = arg;

	record_elapsed(loop, t, arg);
	c->start_us[3] = loop_now_us(loop);
	loop_timer_init(&c->t[3], record_elapsed, c);
	loop_timer_arm(loop, &c->t[3], c->delay_us[3]);
}

static void test_timers_fire_no_earlier_than_their_delay(void **state)
{
	struct fixture *f = *state;
	struct late_ctx c = { .delay_us = { 1000, 3000, 10000, 2500 }, .left = 4 };
	int i;

	/* Time passes between loop_new and arming, as a daemon's start-up does. */
	c.start_us[0] = mono_us();
	while (mono_us() - c.start_us[0] < 15000)
		;
	for (i = 0; i < 3; i++) {
		loop_timer_init(&c.t[i], i == 0 ? arm_from_turn : record_elapsed, &c);
		c.start_us[i] = mono_us();
		loop_timer_arm(f->loop, &c.t[i], c.delay_us[i]);
	}
	run(f);
	for (i = 0; i < 4; i++)
		assert_true(c.elapsed_us[i] >= c.delay_us[i]);
	assert_false(c.now_before_due);
}

/* ---------------------------------------------------------------- signals */

struct sig_ctx {
	struct fixture *f;
	int calls;
	int signo;
	int turns_before;
};

static void record_signal_and_stop(struct loop *loop, int signo, void *arg)
{
	struct sig_ctx *c = arg;

	c->calls++;
	c->signo = signo;
	c->turns_before = c->f->turns;
	loop_stop(loop);
}

static bool signal_pending(int signo)
{
	sigset_t set;

	assert_int_equal(sigpending(&set), 0);
	return sigismember(&set, signo) == 1;
}

static void test_signal_sent_before_run_is_handled_in_first_turn(void **state)
{
	struct fixture *f = *state;
	struct sig_ctx c = { .f = f };

	assert_int_equal(loop_on_signal(f->loop, SIGUSR1, record_signal_and_stop, &c), 0);
	assert_int_equal(loop_on_turn_end(f->loop, count_turn, f), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	/* Blocked outside the wait: still pending, and no callback yet. */
	assert_true(signal_pending(SIGUSR1));
	assert_int_equal(c.calls, 0);
	run(f);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.signo, SIGUSR1);
	assert_int_equal(c.turns_before, 0);
	assert_false(signal_pending(SIGUSR1));
}

struct busy_sig_ctx {
	struct loop_timer spin;
	struct loop_timer sender;
	struct sig_ctx sig;
};

static void spin_forever(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)arg;
	loop_timer_arm(loop, t, 0);
}

static void send_usr1(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	(void)arg;
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
}

/* With a zero-delay timer every wait returns at once and never with EINTR,
 * so the kernel alone would leave the signal pending for ever. */
static void test_signal_reaches_a_loop_that_never_sleeps(void **state)
{
	struct fixture *f = *state;
	struct busy_sig_ctx c = { .sig = { .f = f } };

	assert_int_equal(loop_on_signal(f->loop, SIGUSR1, record_signal_and_stop, &c.sig), 0);
	loop_timer_init(&c.spin, spin_forever, NULL);
	loop_timer_init(&c.sender, send_usr1, NULL);
	loop_timer_arm(f->loop, &c.spin, 0);
	loop_timer_arm(f->loop, &c.sender, 2000);
	run(f);
	loop_timer_cancel(f->loop, &c.spin);
	assert_int_equal(c.sig.calls, 1);
}

static void ignore_signal(struct loop *loop, int signo, void *arg)
{
	(void)loop;
	(void)signo;
	(void)arg;
}

static void test_signal_taken_twice_or_invalid_fails(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(loop_on_signal(f->loop, SIGUSR2, ignore_signal, NULL), 0);
	assert_int_equal(loop_on_signal(f->loop, SIGUSR2, ignore_signal, NULL), -EEXIST);
	assert_int_equal(loop_on_signal(f->loop, 0, ignore_signal, NULL), -EINVAL);
	assert_int_equal(loop_on_signal(f->loop, NSIG, ignore_signal, NULL), -EINVAL);
	assert_int_equal(loop_on_signal(f->loop, SIGKILL, ignore_signal, NULL), -EINVAL);
}

static int test_handler_calls;

static void test_handler(int signo)
{
	(void)signo;
	test_handler_calls++;
}

static void test_loop_free_restores_signal_mask_and_handlers(void **state)
{
	struct sigaction sa = { .sa_handler = test_handler }, cur;
	struct loop *loop;
	sigset_t before, during, after, winch, usr2;
	int signo;

	(void)state;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &usr2, NULL), 0);
	assert_int_equal(sigaction(SIGUSR2, &sa, NULL), 0);
	/* Blocked by the program itself: must stay blocked. */
	assert_int_equal(sigprocmask(SIG_BLOCK, &winch, NULL), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &before), 0);

	loop = loop_new();
	assert_non_null(loop);
	assert_int_equal(loop_on_signal(loop, SIGUSR2, ignore_signal, NULL), 0);
	assert_int_equal(loop_on_signal(loop, SIGWINCH, ignore_signal, NULL), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &during), 0);
	assert_true(sigismember(&during, SIGUSR2));
	loop_free(loop);

	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &after), 0);
	for (signo = 1; signo < NSIG; signo++)
		assert_int_equal(sigismember(&after, signo), sigismember(&before, signo));
	assert_int_equal(sigaction(SIGUSR2, NULL, &cur), 0);
	assert_ptr_equal(cur.sa_handler, test_handler);
	assert_int_equal(sigaction(SIGWINCH, NULL, &cur), 0);
	assert_ptr_equal(cur.sa_handler, SIG_DFL);

	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR2, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &winch, NULL);
	assert_int_equal(test_handler_calls, 0);
}

/* ---------------------------------------------------------------- turns */

struct stop_ctx {
	struct loop_timer a, b, c, d;
	bool b_fired;
	bool c_fired;
	bool d_fired;
};

static void stop_here(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(loop);
}

static void mark_b(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct stop_ctx *c = arg;

	(void)loop;
	(void)t;
	c->b_fired = true;
}

static void mark_d(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct stop_ctx *c = arg;

	(void)loop;
	(void)t;
	c->d_fired = true;
}

static void mark_c_and_stop(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct stop_ctx *c = arg;

	(void)t;
	c->c_fired = true;
	loop_stop(loop);
}

static void test_loop_stop_from_callback_returns_after_that_turn(void **state)
{
	struct fixture *f = *state;
	struct stop_ctx c = { .b_fired = false };

	loop_timer_init(&c.a, stop_here, &c);
	loop_timer_init(&c.b, mark_b, &c);
	loop_timer_init(&c.c, mark_c_and_stop, &c);
	loop_timer_init(&c.d, mark_d, &c);
	loop_timer_arm(f->loop, &c.a, 0);
	loop_timer_arm(f->loop, &c.b, 0);
	loop_timer_arm(f->loop, &c.d, 20000);
	loop_timer_arm(f->loop, &c.c, 40000);
	assert_int_equal(loop_on_turn_end(f->loop, count_turn, f), 0);
	run(f);
	assert_int_equal(f->turns, 1);
	assert_true(c.b_fired);			/* the turn is finished */
	assert_false(c.d_fired);
	assert_true(loop_timer_armed(&c.c));

	/* The loop runs again, and the old stop does not end it early. */
	run(f);
	assert_true(c.d_fired);
	assert_true(c.c_fired);
	assert_int_equal(f->turns, 3);
}

struct turn_log {
	char s[32];
	size_t n;
	struct loop_timer timer;
};

static void log_char(struct turn_log *log, char ch)
{
	if (log->n < sizeof log->s - 1)
		log->s[log->n++] = ch;
}

static void log_fd(struct loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	log_char(arg, 'F');
}

static void log_timer(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	log_char(arg, 'T');
}

static void log_signal(struct loop *loop, int signo, void *arg)
{
	(void)loop;
	(void)signo;
	log_char(arg, 'S');
}

static void log_turn_end(struct loop *loop, void *arg)
{
	struct turn_log *log = arg;
	size_t i, ends = 0;

	log_char(log, 'E');
	for (i = 0; i < log->n; i++)
		ends += log->s[i] == 'E';
	if (ends == 3)
		loop_stop(loop);
}

/* Each turn's letters come in the order fd, timer, signal, then one E. */
static void assert_turn_shape(const char *turn, size_t len)
{
	static const char order[] = "FTS";
	const char *last = order;
	size_t i;

	for (i = 0; i < len; i++) {
		const char *pos = strchr(order, turn[i]);

		assert_non_null(pos);
		assert_true(pos >= last);
		last = pos + 1;
	}
}

static void test_turn_end_runs_once_per_turn_after_the_others(void **state)
{
	struct fixture *f = *state;
	struct turn_log log = { .n = 0 };
	const char *turn, *end;
	int p[2], turns = 0;

	readable_pipe(p);				/* ready every turn */
	assert_int_equal(loop_watch(f->loop, p[0], EPOLLIN, log_fd, &log), 0);
	loop_timer_init(&log.timer, log_timer, &log);
	loop_timer_arm(f->loop, &log.timer, 0);
	assert_int_equal(loop_on_signal(f->loop, SIGUSR1, log_signal, &log), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(loop_on_turn_end(f->loop, log_turn_end, &log), 0);
	run(f);

	print_message("turn log: %s\n", log.s);
	assert_int_equal(log.s[log.n - 1], 'E');
	for (turn = log.s; (end = strchr(turn, 'E')) != NULL; turn = end + 1) {
		assert_turn_shape(turn, (size_t)(end - turn));
		if (turns++ > 0)
			assert_memory_equal(turn, "FE", 2);
	}
	assert_int_equal(turns, 3);
	assert_non_null(memchr(log.s, 'T', (size_t)(strchr(log.s, 'E') - log.s)));
	assert_non_null(memchr(log.s, 'S', (size_t)(strchr(log.s, 'E') - log.s)));
	close_pair(p);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pipe_readable_runs_callback_with_fd_and_events),
		T(test_socketpair_writable_end_then_readable_end),
		T(test_unwatch_by_earlier_callback_drops_collected_event),
		T(test_fd_replaced_in_same_turn_gets_no_stale_event),
		T(test_rewatch_changes_events),
		T(test_rewatch_in_same_turn_drops_collected_events_no_longer_wanted),
		T(test_watch_same_fd_twice_fails_eexist),
		T(test_unwatch_unknown_fd_is_harmless),
		T(test_more_ready_fds_than_one_batch_are_all_served),
		T(test_timers_fire_in_due_order_ties_in_arming_order),
		T(test_cancel_and_rearm_earlier_and_later),
		T(test_many_random_timers_half_cancelled_fire_remaining_in_order),
		T(test_zero_delay_rearm_fires_once_per_turn_and_fds_still_run),
		T(test_timers_fire_no_earlier_than_their_delay),
		T(test_signal_sent_before_run_is_handled_in_first_turn),
		T(test_signal_reaches_a_loop_that_never_sleeps),
		T(test_signal_taken_twice_or_invalid_fails),
		T(test_loop_free_restores_signal_mask_and_handlers),
		T(test_loop_stop_from_callback_returns_after_that_turn),
		T(test_turn_end_runs_once_per_turn_after_the_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
