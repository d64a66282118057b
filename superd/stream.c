/*
 * stream nowait: superd accepts each connection and runs the handler with
 * it as fds 0, 1 and 2.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "pending.h"
#include "serve.h"
#include "service.h"
#include "util.h"

/*
 * Admits the connection on fd from peer and runs its handler with it as
 * fds 0, 1 and 2, local the address it reached (NULL: the socket's), lb
 * the balancer of a PROXY header (or NULL); a refused one is closed at
 * once, without a fork (and without a byte unless refuse_message).  fd is
 * closed either way.
 */
static void
start(struct service *sv, int fd, const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb)
{
	struct sockaddr_storage own;
	struct source *src;
	struct timespec t;
	socklen_t llen = sizeof(own);
	int fds[3];

	tnow(&t);
	if (serve_admit(sv, peer, 0, 1, &t, &src) != ADMIT_OK) {
		serve_refuse(sv, fd);
		(void)close(fd);
		return;
	}
	if (local == NULL) {
		if (getsockname(fd, (struct sockaddr *)&own, &llen) == -1) {
			logfault(sv, "getsockname", strerror(errno));
			limit_release(sv, src);
			(void)close(fd);
			return;
		}
		local = (struct sockaddr *)&own;
	}
	fds[0] = fds[1] = fds[2] = fd;
	(void)serve_start(sv, fds, peer, local, lb, src);
	(void)close(fd);
}

/*
 * A PROXY service's connection, its header read: blocking again, as
 * inetd's handlers get it, then started with the client as its peer.
 */
static void
proxied(struct service *sv, int fd, const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		logfault(sv, "fcntl", strerror(errno));
		(void)close(fd);
		return;
	}
	start(sv, fd, peer, local, lb);
}

/*
 * Accepts until EAGAIN (ACCEPTMAX at most) and starts a handler for each
 * connection admitted.  A PROXY service's connections wait for their
 * header first.
 */
static void
ready(struct service *sv)
{
	struct sockaddr_storage peer;
	struct timespec t;
	int fd, i;

	for (i = 0; i < ACCEPTMAX && !serve_full(sv); i++) {
		tnow(&t);
		if (!limit_spawnok(sv, &t) || (fd = serve_accept(sv, &peer,
		    sv->sv_conf->sc_proxy != 0)) == -1)
			return;
		if (sv->sv_conf->sc_proxy != 0) {
			/* Its header first (pending.c), then proxied(). */
			if (pending_add(sv, fd, &peer, proxied) == -1)
				(void)close(fd);
			continue;
		}
		start(sv, fd, (struct sockaddr *)&peer, NULL, NULL);
		if (sv->sv_pause.tv_sec != 0)
			return;
	}
}

const struct mode mode_stream = { ready, serve_full, NULL };
