/*
 * The service manager's notification protocol (sd_notify(3)), written
 * directly: each message is one datagram of NAME=VALUE lines sent to the
 * AF_UNIX socket that NOTIFY_SOCKET names (a path, or @name in the
 * abstract namespace).  Sends never block: a manager that stalls or went
 * away loses a message, and superd goes on serving.  The variables are
 * taken out of the environment, so no handler (not even one that asks for
 * superd's environment by passenv) can send in superd's name; an upgrade
 * gives them back to the next image (notify_environ()).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "util.h"

#define NOTIFY_MSGMAX	512

static int nfd = -1;
static struct sockaddr_un naddr;
static socklen_t nlen;
static int warned;
static long long wdms;			/* watchdog period, ms; 0 none */
static struct timespec wdnext;
static char envsock[sizeof(naddr.sun_path) + 32];
static char envwd[64], envwdpid[64];

/* The value of name, taken out of the environment, or NULL. */
static const char *
take(const char *name, char *keep, size_t len)
{
	const char *v;

	if ((v = getenv(name)) == NULL)
		return NULL;
	(void)snprintf(keep, len, "%s=%s", name, v);
	(void)unsetenv(name);
	return strchr(keep, '=') + 1;
}

/* WATCHDOG_USEC (and WATCHDOG_PID, when it is set, superd's): the period. */
static void
watchdog(void)
{
	const char *usec, *pid, *errstr;
	long long us;

	usec = take("WATCHDOG_USEC", envwd, sizeof(envwd));
	pid = take("WATCHDOG_PID", envwdpid, sizeof(envwdpid));
	envwdpid[0] = '\0';
	if (usec == NULL)
		return;
	if (pid != NULL && parsenum(pid, 1, 0x7fffffff, &errstr) !=
	    (long long)getpid()) {
		envwd[0] = '\0';
		return;
	}
	us = parsenum(usec, 1, 1000000LL * 86400 * 365, &errstr);
	if (errstr != NULL) {
		logmsg(LOG_ERR, "WATCHDOG_USEC %s: %s; no watchdog", usec,
		    errstr);
		envwd[0] = '\0';
		return;
	}
	if (pid != NULL)
		(void)snprintf(envwdpid, sizeof(envwdpid), "WATCHDOG_PID=%ld",
		    (long)getpid());
	/* Half the period, as sd_watchdog_enabled(3) advises. */
	wdms = us / 2000 > 0 ? us / 2000 : 1;
	tnow(&wdnext);
}

/* At start-up: NOTIFY_SOCKET and the watchdog's variables, if set. */
void
notify_init(void)
{
	const char *path;
	size_t n;

	watchdog();
	if ((path = take("NOTIFY_SOCKET", envsock, sizeof(envsock))) == NULL)
		return;
	n = strlen(path);
	memset(&naddr, 0, sizeof(naddr));
	naddr.sun_family = AF_UNIX;
	if ((path[0] != '/' && path[0] != '@') || n < 2 ||
	    n >= sizeof(naddr.sun_path)) {
		logmsg(LOG_ERR, "NOTIFY_SOCKET %s: not a socket path or @name; "
		    "no notifications", path);
		envsock[0] = '\0';
		return;
	}
	memcpy(naddr.sun_path, path, n);
	nlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (path[0] == '/'));
	if (path[0] == '@')
		naddr.sun_path[0] = '\0';	/* the abstract namespace */
	if ((nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		logmsg(LOG_ERR, "NOTIFY_SOCKET: socket: %s; no notifications",
		    strerror(errno));
}

/*
 * Sends one message (its lines without the last newline).  A failure is
 * logged once, until a send works again.
 */
void
notify_send(const char *fmt, ...)
{
	char msg[NOTIFY_MSGMAX];
	va_list ap;
	int n;

	if (nfd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	if (sendto(nfd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&naddr, nlen) == n) {
		warned = 0;
		return;
	}
	if (!warned)
		logmsg(LOG_ERR, "NOTIFY_SOCKET %s: %s; serving goes on",
		    envsock + sizeof("NOTIFY_SOCKET"), strerror(errno));
	warned = 1;
}

/* A reload or an upgrade begins: with the time, as Type=notify-reload asks. */
void
notify_reloading(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	notify_send("RELOADING=1\nMONOTONIC_USEC=%lld", (long long)t.tv_sec *
	    1000000 + t.tv_nsec / 1000);
}

/* Milliseconds until the next watchdog ping is due, or -1 without one. */
long long
notify_nextwatchdog(const struct timespec *now)
{
	long long d;

	if (wdms == 0 || nfd == -1)
		return -1;
	d = tsdiff(&wdnext, now);
	return d < 0 ? 0 : d;
}

/* Sends WATCHDOG=1 when it is due. */
void
notify_watchdog(const struct timespec *now)
{
	if (wdms == 0 || nfd == -1 || tsdiff(&wdnext, now) > 0)
		return;
	notify_send("WATCHDOG=1");
	wdnext = *now;
	wdnext.tv_sec += wdms / 1000;
	wdnext.tv_nsec += (wdms % 1000) * 1000000;
	if (wdnext.tv_nsec >= 1000000000) {
		wdnext.tv_sec++;
		wdnext.tv_nsec -= 1000000000;
	}
}

/*
 * The variables as superd found them ("NAME=VALUE"), for the environment
 * of the image an upgrade executes; returns how many were put in env.
 */
int
notify_environ(const char *env[NOTIFY_NENV])
{
	int n = 0;

	if (envsock[0] != '\0')
		env[n++] = envsock;
	if (envwd[0] != '\0')
		env[n++] = envwd;
	if (envwdpid[0] != '\0')
		env[n++] = envwdpid;
	return n;
}
