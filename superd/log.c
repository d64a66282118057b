/*
 * superd's one log.  Lines go to a close-on-exec copy of the stderr superd
 * started with, so that a line never goes to a client; under -D they go to
 * syslog(3).  Faults of a service are rate-limited: one line a second.
 *
 * Logging never blocks serving: a pipe or a terminal is opened anew
 * (/proc/self/fd/2) non-blocking, without touching the flags of the
 * stderr superd shares with whoever started it, and a socket is written
 * with MSG_DONTWAIT.  A line the reader has no room for is dropped, and the
 * next line that gets through is preceded by how many were.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "service.h"
#include "log.h"
#include "util.h"

static int logfd = 2;
static int usesyslog, logsock;
static unsigned long dropped;

/* Takes the close-on-exec copy of stderr; returns 0, or -1 with errno. */
int
log_init(void)
{
	struct stat st;
	int fd;

	if (fstat(2, &st) == -1)
		return -1;
	if ((S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) &&
	    (fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) != -1) {
		logfd = fd;
		return 0;
	}
	if ((fd = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	logfd = fd;
	logsock = S_ISSOCK(st.st_mode);
	return 0;
}

/* One whole line out, or -1 when the reader has no room for it now. */
static int
put(const char *buf, size_t len)
{
	ssize_t w;

	do {
		if (logsock)
			w = send(logfd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(logfd, buf, len);
	} while (w == -1 && errno == EINTR);
	return w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : 0;
}

/*
 * Logs nowhere unless FUZZ_LOG is set: for the fuzz harnesses, whose
 * inputs are mostly errors.  Exits on failure.
 */
void
log_quiet(void)
{
	int fd;

	if (getenv("FUZZ_LOG") != NULL)
		return;
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		abort();
	logfd = fd;
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
	char buf[1024], note[96];
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
		if (dropped > 0) {
			(void)snprintf(note, sizeof(note), "superd: %lu log "
			    "lines dropped: the log's reader did not keep up\n",
			    dropped);
			if (put(note, strlen(note)) == 0)
				dropped = 0;
		}
		if (dropped > 0 || put(buf, len) == -1)
			dropped++;
	}
	va_end(ap);
	errno = saved;
}

/* Logs "FILE:LINE: message", an error in a file; returns -1. */
int
logat(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logmsg(LOG_ERR, "%s:%d: %s", file, line, msg);
	return -1;
}

/* Logs one line about sv: "FILE:LINE: SERVICE/PROTO: message". */
void
logsv(int prio, const struct service *sv, const char *fmt, ...)
{
	const struct svconf *sc = sv->sv_conf;
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logmsg(prio, "%s:%d: %s/%s: %s", sc->sc_file, sc->sc_line,
	    sc->sc_name, sc->sc_proto, msg);
}

/*
 * Logs a fault of sv (what failed, and why) at most once a second; the
 * next line that gets through says how many were left out meanwhile.
 */
void
logfault(struct service *sv, const char *what, const char *why)
{
	struct timespec t;

	tnow(&t);
	if (sv->sv_lastfault.tv_sec != 0 &&
	    tsdiff(&t, &sv->sv_lastfault) < 1000) {
		sv->sv_faults++;
		return;
	}
	if (sv->sv_faults > 0)
		logsv(LOG_ERR, sv, "%s: %s (%lu more in the last second)",
		    what, why, sv->sv_faults);
	else
		logsv(LOG_ERR, sv, "%s: %s", what, why);
	sv->sv_faults = 0;
	sv->sv_lastfault = t;
}
