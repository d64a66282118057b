/*
 * An upgrade's descriptors.  Socket activation wants the listening sockets
 * on fds 3, 4, ... in order; superd's sit wherever they were opened, among
 * its other descriptors.  fdmove_place() moves them there without copying
 * them (so 2,000 sockets move under a limit of 2,100 descriptors), and
 * fdmove_undo() gives every other descriptor its number back when the
 * exec fails.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate.h"
#include "fdmove.h"
#include "log.h"
#include "service.h"

#define SPARE	(-2)	/* owner[]: the spare sits there */

/*
 * A spare descriptor, so that a cycle of sockets can always be broken:
 * above the range if there is room, else anywhere, marked in owner[].
 */
static int
getspare(int statefd, int top, int *owner)
{
	int fd;

	if ((fd = fcntl(statefd, F_DUPFD_CLOEXEC, top)) == -1 &&
	    (fd = fcntl(statefd, F_DUPFD_CLOEXEC, ACTIVATE_FIRST)) != -1 &&
	    fd < top)
		owner[fd] = SPARE;
	return fd;
}

/*
 * Moves the n sockets of svs onto fds 3 to 3 + n - 1, inheritable, each
 * service's sv_fd following its socket, with hardly a descriptor more than
 * superd holds already (2,000 sockets upgrade under a limit of 2,100): a
 * socket is moved, never copied, and only the other descriptors in that
 * range (the epoll set, the self-pipe, ...) are copied aside, into as[],
 * *nas of them, for fdmove_undo(), which must be called whatever this returns.
 *
 * Each socket goes to its place along a chain: if the place is held by a
 * socket not yet placed, that one goes to its own place first, and so on,
 * until a place that is free or set aside; a chain that comes back to its
 * start is a cycle, broken through one free descriptor (*spare, held for
 * it).  The state's fd then goes above, inheritable: it is returned, or
 * -1 with errno set.
 */
int
fdmove_place(struct service **svs, int n, int statefd, struct fdaside *as, int *nas,
    int *spare)
{
	int top = ACTIVATE_FIRST + n, size = top, i, k, m, f, t, tmp;
	int *owner = NULL, *chain = NULL, r = -1;

	*nas = 0;
	*spare = -1;
	for (i = 0; i < n; i++)
		if (svs[i]->sv_fd >= size)
			size = svs[i]->sv_fd + 1;
	if ((owner = malloc((size_t)size * sizeof(*owner))) == NULL ||
	    (chain = malloc((size_t)n * sizeof(*chain))) == NULL)
		goto out;
	for (f = 0; f < size; f++)
		owner[f] = -1;
	for (i = 0; i < n; i++)
		owner[svs[i]->sv_fd] = i;
	/* What else is open where the sockets go is copied aside. */
	for (f = ACTIVATE_FIRST; f < top; f++) {
		if (owner[f] != -1 || (as[*nas].as_flags = fcntl(f, F_GETFD)) ==
		    -1)
			continue;
		if ((as[*nas].as_copy = fcntl(f, F_DUPFD_CLOEXEC, top)) == -1)
			goto out;
		as[(*nas)++].as_fd = f;
	}
	if ((*spare = getspare(statefd, top, owner)) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (svs[i]->sv_fd == ACTIVATE_FIRST + i)
			continue;
		/* The chain: chain[m + 1] sits on chain[m]'s place. */
		chain[0] = i;
		for (m = 0; ; m++) {
			t = ACTIVATE_FIRST + chain[m];
			if ((k = owner[t]) == SPARE) {
				/* the spare is in the way: it moves later */
				(void)close(*spare);
				*spare = -1;
				owner[t] = k = -1;
			}
			if (k == -1 || k == i)
				break;
			chain[m + 1] = k;
		}
		tmp = -1;
		if (k == i) {
			/* A cycle: i steps out of the way, onto the spare's. */
			if (*spare != -1) {
				if (*spare < top)
					owner[*spare] = -1;
				(void)close(*spare);
				*spare = -1;
			}
			if ((tmp = fcntl(svs[i]->sv_fd, F_DUPFD_CLOEXEC,
			    ACTIVATE_FIRST)) == -1)
				goto out;
			/* its place is chain[m]'s: the dup2 below closes it */
			svs[i]->sv_fd = tmp;
		}
		/* From the end: each place is free, aside, or just left. */
		for (k = m; k >= 0; k--) {
			f = svs[chain[k]]->sv_fd;
			t = ACTIVATE_FIRST + chain[k];
			if (dup2(f, t) == -1)
				goto out;
			owner[t] = chain[k];
			svs[chain[k]]->sv_fd = t;
			/* Its old place is the next one's, which the next
			   dup2 closes; the first one's is closed here. */
			if (k == 0) {
				if (f < size)
					owner[f] = -1;
				(void)close(f);
			}
		}
		if (*spare == -1 && (*spare = getspare(statefd, top, owner)) ==
		    -1)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (fcntl(ACTIVATE_FIRST + i, F_SETFD, 0) == -1)
			goto out;
	r = fcntl(statefd, F_DUPFD, top);
out:
	free(owner);
	free(chain);
	return r;
}

/*
 * After a failed exec, or an fdmove_place() that failed on the way: the sockets
 * close-on-exec again, where they are (their sv_fd says where), and every
 * descriptor set aside given back its number and flags, a socket on that
 * number moved above first.  (An fd that an epoll set watches keeps its
 * registration: its file stays open meanwhile, and comes back to the same
 * number.)
 */
void
fdmove_undo(struct service **svs, int n, struct fdaside *as, int nas, int spare)
{
	int i, j, fd;

	if (spare != -1)
		(void)close(spare);	/* one fd free for the moves below */
	for (i = 0; i < n; i++)
		(void)fcntl(svs[i]->sv_fd, F_SETFD, FD_CLOEXEC);
	for (j = 0; j < nas; j++) {
		i = as[j].as_fd - ACTIVATE_FIRST;
		if (i >= 0 && i < n && svs[i]->sv_fd == as[j].as_fd) {
			if ((fd = fcntl(as[j].as_fd, F_DUPFD_CLOEXEC,
			    ACTIVATE_FIRST)) == -1) {
				logmsg(LOG_ERR, "upgrade: fd %d: %s",
				    as[j].as_fd, strerror(errno));
				continue;
			}
			svs[i]->sv_fd = fd;
		}
		if (dup2(as[j].as_copy, as[j].as_fd) == -1)
			logmsg(LOG_ERR, "upgrade: fd %d: %s", as[j].as_fd,
			    strerror(errno));
		(void)fcntl(as[j].as_fd, F_SETFD, as[j].as_flags);
		(void)close(as[j].as_copy);
	}
}

