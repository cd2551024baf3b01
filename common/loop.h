/* The event loop every daemon runs: epoll for file descriptors, a binary heap
 * of timers (O(log n) to arm, re-arm or cancel), and signals turned into
 * callbacks that run between turns, never inside a handler. */
#ifndef PXE_LOOP_H
#define PXE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct loop_timer;

typedef void loop_fd_cb(struct loop *loop, int fd, uint32_t events, void *arg);
typedef void loop_timer_cb(struct loop *loop, struct loop_timer *timer, void *arg);
typedef void loop_signal_cb(struct loop *loop, int signo, void *arg);
typedef void loop_turn_cb(struct loop *loop, void *arg);

/* Embedded in its owner (a transfer, a connection): arming never allocates. */
struct loop_timer {
	uint64_t due_us;	/* monotonic */
	size_t slot;		/* index in the heap; SIZE_MAX when not armed */
	loop_timer_cb *cb;
	void *arg;
};

struct loop *loop_new(void);
/* Closes nothing: the owners of the watched fds close them. */
void loop_free(struct loop *loop);

/* events are EPOLLIN, EPOLLOUT, ...  A callback may watch, unwatch or close
 * any fd, its own included; events already collected for an fd that was
 * unwatched in the same turn are not delivered. */
int loop_watch(struct loop *loop, int fd, uint32_t events, loop_fd_cb *cb, void *arg);
int loop_rewatch(struct loop *loop, int fd, uint32_t events);
void loop_unwatch(struct loop *loop, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_cb *cb, void *arg);
/* Arms or re-arms the timer to fire once, delay_us from the loop's now. */
void loop_timer_arm(struct loop *loop, struct loop_timer *t, uint64_t delay_us);
void loop_timer_cancel(struct loop *loop, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);

/* Monotonic microseconds, read once per turn. */
uint64_t loop_now_us(const struct loop *loop);

/* The signal is blocked and read from a signalfd the loop watches: cb runs
 * from the loop, never from a handler, and a signal costs nothing until it
 * comes.  -EEXIST if some loop of the process took signo already. */
int loop_on_signal(struct loop *loop, int signo, loop_signal_cb *cb, void *arg);

/* cb runs once at the end of every turn, after all fd and timer callbacks:
 * the place to batch work such as one fsync for all the leases of a turn. */
int loop_on_turn_end(struct loop *loop, loop_turn_cb *cb, void *arg);

/* Runs until loop_stop(); returns 0, or a negative errno if epoll fails. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

#endif
