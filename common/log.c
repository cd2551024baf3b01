/* Logging: one event per line, to stderr with a UTC timestamp or to syslog;
 * control characters that a client could smuggle in (a filename with a
 * newline) are escaped so one event always stays one line. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "str.h"

#define LOG_LINE_MAX 1024

static const char *log_ident = "pxesuite";
static enum log_dest log_dest = LOG_DEST_STDERR;
static int log_level = LOG_INFO;

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_open(const char *ident, enum log_dest dest)
{
	log_close();
	log_ident = ident;
	log_dest = dest;
	if (dest == LOG_DEST_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_close(void)
{
	if (log_dest == LOG_DEST_SYSLOG)
		closelog();
	log_dest = LOG_DEST_STDERR;
}

void log_set_level(int level)
{
	if (level < LOG_ERR)
		level = LOG_ERR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

bool log_enabled(int level)
{
	return level <= log_level;
}

int log_level_from_name(const char *name)
{
	for (int i = LOG_ERR; i <= LOG_DEBUG; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

static void emit_stderr(int level, const char *msg)
{
	char line[LOG_LINE_MAX + 128];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line,
		     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%ld]: %s: %s\n",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, log_ident,
		     (long)getpid(), level_names[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	/* One write per line, so lines from several processes never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

static void log_vmsg(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void log_vmsg(int level, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], msg[LOG_LINE_MAX];

	vsnprintf(raw, sizeof raw, fmt, ap);
	str_escape_controls(msg, sizeof msg, raw);
	if (log_dest == LOG_DEST_SYSLOG)
		syslog(level, "%s: %s", level_names[level], msg);
	else
		emit_stderr(level, msg);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_EMERG || level > LOG_DEBUG || !log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void log_limited(struct log_limit *lim, int level, const char *fmt, ...)
{
	uint64_t now = monotonic_ms();
	char msg[LOG_LINE_MAX];
	va_list ap;

	if (!log_enabled(level))
		return;
	if (lim->window_start_ms == 0 || now - lim->window_start_ms >= lim->interval_ms) {
		lim->window_start_ms = now ? now : 1;
		lim->sent = 0;
	}
	if (lim->sent >= lim->burst) {
		lim->suppressed++;
		return;
	}
	lim->sent++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (lim->suppressed) {
		log_msg(level, "%s (%u similar messages suppressed)", msg, lim->suppressed);
		lim->suppressed = 0;
		return;
	}
	log_msg(level, "%s", msg);
}
