/*
 * One epoll set for every descriptor superd serves: the self-pipe and
 * SIGCHLD's signalfd, the listeners (each added once, taken out only
 * while its service cannot take more: service.c), the in-process
 * connections of the builtins and the output pipes of dgram nowait
 * handlers.  A wake-up costs what is ready, not what is open.  Each fd
 * has a function and an argument; the table is indexed by fd and grows
 * by doubling, so a steady load allocates nothing.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"

#define NEVENTS		64	/* events taken per wake-up */

struct watch {
	ev_fn	 w_fn;		/* NULL: not watched */
	void	*w_arg;
};

static struct watch *watches;
static size_t capwatch;
static int ep = -1, nwatch;

int
ev_init(void)
{
	return (ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ? -1 : 0;
}

/* The set's fd, for the main poll set, or -1 while nothing is in it. */
int
ev_fd(void)
{
	return nwatch > 0 ? ep : -1;
}

/* Watches fd for events, calling fn(fd, events, arg): 0, or -1. */
int
ev_add(int fd, uint32_t events, ev_fn fn, void *arg)
{
	struct epoll_event e;
	struct watch *p;
	size_t cap;

	if ((size_t)fd >= capwatch) {
		cap = capwatch ? capwatch : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		if ((p = reallocarray(watches, cap, sizeof(*p))) == NULL)
			return -1;
		memset(p + capwatch, 0, (cap - capwatch) * sizeof(*p));
		watches = p;
		capwatch = cap;
	}
	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == -1)
		return -1;
	watches[fd].w_fn = fn;
	watches[fd].w_arg = arg;
	nwatch++;
	return 0;
}

/* Changes the events fd is watched for: 0, or -1. */
int
ev_mod(int fd, uint32_t events)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.fd = fd;
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* Stops watching fd, which stays open (handed on to another watcher). */
int
ev_del(int fd)
{
	if (fd < 0 || (size_t)fd >= capwatch || watches[fd].w_fn == NULL)
		return 0;
	watches[fd].w_fn = NULL;
	watches[fd].w_arg = NULL;
	nwatch--;
	return epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
}

/*
 * Stops watching fd and closes it.  The kernel drops a closed fd from the
 * set itself, as no other process holds a copy: every fd of superd's is
 * close-on-exec, and its one fork, the group look-up, closes them first.
 */
void
ev_closefd(int fd)
{
	if (fd >= 0 && (size_t)fd < capwatch && watches[fd].w_fn != NULL) {
		watches[fd].w_fn = NULL;
		watches[fd].w_arg = NULL;
		nwatch--;
	}
	(void)close(fd);
}

/*
 * Waits up to timeout milliseconds (-1: no limit) and calls the functions
 * of the fds that are ready: how many there were, or -1 with errno.
 */
int
ev_wait(int timeout)
{
	static struct epoll_event evs[NEVENTS];
	struct watch *w;
	int i, n, fd;

	if ((n = epoll_wait(ep, evs, NEVENTS, timeout)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		fd = evs[i].data.fd;
		/* An earlier function of this round may have let fd go. */
		if (fd < 0 || (size_t)fd >= capwatch)
			continue;
		w = &watches[fd];
		if (w->w_fn != NULL)
			w->w_fn(fd, evs[i].events, w->w_arg);
	}
	return n;
}

/* Calls the functions of the fds that are ready now, without waiting. */
void
ev_run(void)
{
	if (ev_wait(0) == -1 && errno != EINTR)
		logmsg(LOG_ERR, "epoll_wait: %s", strerror(errno));
}

/* At exit. */
void
ev_end(void)
{
	free(watches);
	watches = NULL;
	capwatch = 0;
	nwatch = 0;
	if (ep != -1)
		(void)close(ep);
	ep = -1;
}
