/* Logging for every daemon: one line per event, to stderr or syslog, with
 * levels and a rate limit for what clients can trigger. */
#ifndef PXE_LOG_H
#define PXE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
};

/* Levels are syslog's priorities, LOG_ERR .. LOG_DEBUG; the default is LOG_INFO. */
void log_open(const char *ident, enum log_dest dest);
void log_close(void);
void log_set_level(int level);
int log_get_level(void);
bool log_enabled(int level);
/* The level named "err", "warning", "notice", "info" or "debug", or -1. */
int log_level_from_name(const char *name);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* At most burst messages per interval; the ones held back are counted and
 * the count is reported with the next message that passes. */
struct log_limit {
	uint64_t interval_ms;
	unsigned burst;
	uint64_t window_start_ms;
	unsigned sent;
	unsigned suppressed;
};

#define LOG_LIMIT_INIT(interval_ms_, burst_) \
	{ .interval_ms = (interval_ms_), .burst = (burst_) }

void log_limited(struct log_limit *lim, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
