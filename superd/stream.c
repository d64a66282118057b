/*
 * stream nowait: superd accepts each connection and runs the handler with
 * it as fds 0, 1 and 2.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "serve.h"
#include "service.h"
#include "util.h"

/* At A children the socket waits, and the kernel's backlog queues. */
static int
full(const struct service *sv)
{
	return sv->sv_conf->sc_maxchild &&
	    sv->sv_nchild >= sv->sv_conf->sc_maxchild;
}

/*
 * Accepts until EAGAIN (ACCEPTMAX at most) and starts a handler for each
 * connection admitted; a refused one is closed at once, without a byte
 * and without a fork.
 */
static void
ready(struct service *sv)
{
	struct sockaddr_storage peer, local;
	struct source *src;
	struct timespec t;
	socklen_t plen, llen;
	int fd, i, fds[3];

	for (i = 0; i < ACCEPTMAX && !full(sv); i++) {
		tnow(&t);
		if (!limit_spawnok(sv, &t))
			return;
		plen = sizeof(peer);
		fd = accept4(sv->sv_fd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: wait, don't spin. */
			logfault(sv, "accept", strerror(errno));
			serve_pause(sv, 1);
			return;
		}
		llen = sizeof(local);
		if (!serve_admit(sv, (struct sockaddr *)&peer, 0, 1, &t,
		    &src)) {
			(void)close(fd);
			continue;
		}
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == -1) {
			logfault(sv, "getsockname", strerror(errno));
			limit_release(sv, src);
			(void)close(fd);
			continue;
		}
		fds[0] = fds[1] = fds[2] = fd;
		(void)serve_start(sv, fds, (struct sockaddr *)&peer,
		    (struct sockaddr *)&local, src);
		(void)close(fd);
		if (sv->sv_pause.tv_sec != 0)
			return;
	}
}

const struct mode mode_stream = { ready, full, NULL };
