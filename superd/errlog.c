/*
 * stderr=log: a handler's stderr is a pipe whose other end superd reads,
 * through ev.c's epoll set, as the handler writes.  Each line goes to
 * superd's log as "SERVICE[PID]: line", bytes that are not printable
 * shown as '?', a line longer than ERRLOG_LINEMAX cut there; past
 * ERRLOG_RATE lines in a second the rest of that second is dropped and
 * counted, and the count is logged with the next line or at the end, so a
 * chatty handler can neither flood the log nor lose a line silently.  The
 * pipe is closed when every writer has closed it (the handler and whatever
 * it started), not when the handler is reaped.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errlog.h"
#include "ev.h"
#include "log.h"
#include "util.h"

struct errlog {
	struct errlog	*e_next;
	int		 e_fd;
	pid_t		 e_pid;
	char		 e_name[64];	/* the service, as written */
	char		 e_line[ERRLOG_LINEMAX + 1];
	size_t		 e_len;
	int		 e_cut;		/* the line went past the limit */
	struct timespec	 e_second;	/* the start of the rate's second */
	int		 e_nsec;	/* lines logged in it */
	unsigned long	 e_dropped;
};

static struct errlog *logs;

/* Logs e's line as it stands, unless its second's share is spent. */
static void
flush(struct errlog *e)
{
	struct timespec t;
	size_t i;

	e->e_line[e->e_len] = '\0';
	for (i = 0; i < e->e_len; i++)
		if ((unsigned char)e->e_line[i] < 0x20 ||
		    (unsigned char)e->e_line[i] >= 0x7f)
			e->e_line[i] = '?';
	tnow(&t);
	if (e->e_second.tv_sec == 0 || tsdiff(&t, &e->e_second) >= 1000) {
		e->e_second = t;
		e->e_nsec = 0;
	}
	if (e->e_nsec >= ERRLOG_RATE)
		e->e_dropped++;
	else {
		if (e->e_dropped > 0) {
			logmsg(LOG_WARNING, "%s[%ld]: %lu stderr lines dropped "
			    "(over %d a second)", e->e_name, (long)e->e_pid,
			    e->e_dropped, ERRLOG_RATE);
			e->e_dropped = 0;
		}
		logmsg(LOG_WARNING, "%s[%ld]: %s%s", e->e_name,
		    (long)e->e_pid, e->e_line, e->e_cut ? " [cut]" : "");
		e->e_nsec++;
	}
	e->e_len = 0;
	e->e_cut = 0;
}

/* Closes e's pipe and frees it, after its last line and count. */
static void
finish(struct errlog *e)
{
	struct errlog **pp;

	if (e->e_len > 0)
		flush(e);
	if (e->e_dropped > 0)
		logmsg(LOG_WARNING, "%s[%ld]: %lu stderr lines dropped (over "
		    "%d a second)", e->e_name, (long)e->e_pid, e->e_dropped,
		    ERRLOG_RATE);
	ev_closefd(e->e_fd);
	for (pp = &logs; *pp != e; pp = &(*pp)->e_next)
		;
	*pp = e->e_next;
	free(e);
}

/* The pipe is readable: one read's worth, a bounded amount per wake-up. */
static void
readable(int fd, uint32_t events, void *arg)
{
	struct errlog *e = arg;
	char buf[4096];
	ssize_t n, i;

	(void)fd;
	(void)events;
	if ((n = read(e->e_fd, buf, sizeof(buf))) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		logmsg(LOG_ERR, "%s[%ld]: stderr: %s", e->e_name,
		    (long)e->e_pid, strerror(errno));
		finish(e);
		return;
	}
	if (n == 0) {
		finish(e);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			flush(e);
			continue;
		}
		if (e->e_len < ERRLOG_LINEMAX)
			e->e_line[e->e_len++] = buf[i];
		else
			e->e_cut = 1;
	}
}

/*
 * Reads the pipe fd (its read end, superd's) for the handler pid of the
 * service name.  On failure the pipe is closed and the reason logged: the
 * handler then writes to a pipe nobody reads, and gets EPIPE.
 */
void
errlog_add(int fd, const char *name, pid_t pid)
{
	struct errlog *e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		logmsg(LOG_ERR, "%s[%ld]: stderr: %s", name, (long)pid,
		    strerror(errno));
		(void)close(fd);
		return;
	}
	e->e_fd = fd;
	e->e_pid = pid;
	(void)snprintf(e->e_name, sizeof(e->e_name), "%s", name);
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 ||
	    ev_add(fd, EPOLLIN, readable, e) == -1) {
		logmsg(LOG_ERR, "%s[%ld]: stderr: %s", name, (long)pid,
		    strerror(errno));
		(void)close(fd);
		free(e);
		return;
	}
	e->e_next = logs;
	logs = e;
}

/* The pipes still read: an upgrade's finisher serves them to their end. */
int
errlog_count(void)
{
	const struct errlog *e;
	int n = 0;

	for (e = logs; e != NULL; e = e->e_next)
		n++;
	return n;
}

/* At exit: what is still buffered goes to the log. */
void
errlog_freeall(void)
{
	while (logs != NULL)
		finish(logs);
}
