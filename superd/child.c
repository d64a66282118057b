/*
 * The table of running handlers: one entry per child, so that the reaper
 * knows its service, its dgram nowait reply and its per-source count, and
 * time limits can be enforced.  The array grows by doubling and never
 * shrinks, so a steady load allocates nothing.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "conf.h"
#include "service.h"
#include "log.h"
#include "relay.h"
#include "util.h"

#define KILLGRACE	2	/* seconds between SIGTERM and SIGKILL */

static struct child *children;
static size_t nchildren, capchildren;

/*
 * Records child pid of sv, started at start, with a time limit of secs
 * seconds (none when not positive).  Returns the entry, or NULL when out
 * of memory.
 */
struct child *
child_add(struct service *sv, pid_t pid, const struct timespec *start,
    int secs)
{
	struct child *c;
	size_t cap;

	if (nchildren == capchildren) {
		cap = capchildren ? capchildren * 2 : 64;
		if ((c = reallocarray(children, cap, sizeof(*c))) == NULL)
			return NULL;
		children = c;
		capchildren = cap;
	}
	c = &children[nchildren++];
	memset(c, 0, sizeof(*c));
	c->ch_pid = pid;
	c->ch_report = -1;
	c->ch_sv = sv;
	c->ch_start = *start;
	if (secs > 0) {
		c->ch_deadline = c->ch_start;
		c->ch_deadline.tv_sec += secs;
	}
	return c;
}

/* The entry of pid, or NULL. */
struct child *
child_find(pid_t pid)
{
	size_t i;

	for (i = 0; i < nchildren; i++)
		if (children[i].ch_pid == pid)
			return &children[i];
	return NULL;
}

/* Removes c, which child_find() or child_add() returned. */
void
child_del(struct child *c)
{
	*c = children[--nchildren];
}

/* Handlers past their time limit get SIGTERM, then SIGKILL. */
void
child_timeouts(const struct timespec *now, int verbose)
{
	struct child *c;
	size_t i;

	for (i = 0; i < nchildren; i++) {
		c = &children[i];
		if (c->ch_deadline.tv_sec == 0 ||
		    tsdiff(&c->ch_deadline, now) > 0)
			continue;
		if (verbose)
			logmsg(LOG_INFO, "%s/%s: pid %ld: time limit, %s",
			    c->ch_sv->sv_conf->sc_name,
			    c->ch_sv->sv_conf->sc_proto, (long)c->ch_pid,
			    c->ch_termed ? "SIGKILL" : "SIGTERM");
		(void)kill(c->ch_pid, c->ch_termed ? SIGKILL : SIGTERM);
		c->ch_deadline = *now;
		c->ch_deadline.tv_sec += KILLGRACE;
		c->ch_termed = 1;
	}
}

/* Milliseconds until the next time limit, or -1 when none is set. */
long long
child_nextdeadline(const struct timespec *now)
{
	long long ms = -1, d;
	size_t i;

	for (i = 0; i < nchildren; i++) {
		if (children[i].ch_deadline.tv_sec == 0)
			continue;
		d = tsdiff(&children[i].ch_deadline, now);
		if (d < 0)
			d = 0;
		if (ms == -1 || d < ms)
			ms = d;
	}
	return ms;
}

/*
 * An upgrade's hand-over, so that the next image reaps and logs every
 * handler: one line per child, "child PID INDEX START DEADLINE TERMED
 * HOLDER" (times as seconds and nanoseconds of CLOCK_MONOTONIC, which an
 * exec keeps), INDEX the place of its service's socket in socks, or -1 for
 * a service that has been removed.  Returns 0, or -1 with errno set.
 */
int
child_save(int fd, const int *socks, int nsocks)
{
	const struct child *c;
	size_t i;
	int k;

	for (i = 0; i < nchildren; i++) {
		c = &children[i];
		for (k = nsocks - 1; k >= 0; k--)
			if (c->ch_sv->sv_fd != -1 && socks[k] == c->ch_sv->sv_fd)
				break;
		if (dprintf(fd, "child %ld %d %lld %ld %lld %ld %d %d\n",
		    (long)c->ch_pid, k, (long long)c->ch_start.tv_sec,
		    c->ch_start.tv_nsec, (long long)c->ch_deadline.tv_sec,
		    c->ch_deadline.tv_nsec, c->ch_termed, c->ch_holder) < 0)
			return -1;
	}
	return 0;
}

/*
 * The next image: pid, started by the previous one, is sv's handler again,
 * with its start, its time limit (tv_sec 0: none) and whether it has had
 * its SIGTERM.  Returns the entry, or NULL out of memory.
 */
struct child *
child_adopt(struct service *sv, pid_t pid, const struct timespec *start,
    const struct timespec *deadline, int termed)
{
	struct child *c;

	if ((c = child_add(sv, pid, start, 0)) == NULL)
		return NULL;
	c->ch_deadline = *deadline;
	c->ch_termed = termed;
	return c;
}

/*
 * At exit: the table, and the relays and spares' ends of handlers still
 * running.
 */
void
child_freeall(void)
{
	size_t i;

	for (i = 0; i < nchildren; i++) {
		if (children[i].ch_relay != NULL)
			relay_free(children[i].ch_relay);
		if (children[i].ch_report != -1)
			(void)close(children[i].ch_report);
	}
	free(children);
	children = NULL;
	nchildren = capchildren = 0;
}
