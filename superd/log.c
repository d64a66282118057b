/*
 * superd's one log.  Lines go to a close-on-exec copy of the stderr superd
 * started with, so that a child which has already put its connection on
 * fd 2 can still report an exec failure to the log, not to the client; under
 * -D they go to syslog(3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int logfd = 2;
static int usesyslog;

/* Takes the close-on-exec copy of stderr; returns 0, or -1 with errno. */
int
log_init(void)
{
	int fd;

	if ((fd = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	logfd = fd;
	return 0;
}

/*
 * From now on, log to syslog with the daemon facility, and let go of the
 * stderr copy: a detached superd must not hold its starter's terminal or
 * pipe open.
 */
void
log_syslog(void)
{
	openlog("superd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	usesyslog = 1;
	if (logfd > 2)
		(void)close(logfd);
	logfd = -1;
}

/*
 * Logs one line "superd: ...".  The line is built whole and written with one
 * write(2), so lines from the parent and its children never interleave.
 */
void
logmsg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n, saved = errno;
	size_t len;

	va_start(ap, fmt);
	if (usesyslog) {
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		syslog(prio, "%s", buf);
	} else {
		n = snprintf(buf, sizeof(buf), "superd: ");
		n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
		len = n < 0 ? 0 : (size_t)n;
		if (len > sizeof(buf) - 2)
			len = sizeof(buf) - 2;
		buf[len++] = '\n';
		(void)!write(logfd, buf, len);
	}
	va_end(ap);
	errno = saved;
}
