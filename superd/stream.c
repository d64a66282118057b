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
	socklen_t llen;
	int fd, i, fds[3];

	for (i = 0; i < ACCEPTMAX && !serve_full(sv); i++) {
		tnow(&t);
		if (!limit_spawnok(sv, &t) || (fd = serve_accept(sv, &peer, 0)) ==
		    -1)
			return;
		llen = sizeof(local);
		if (serve_admit(sv, (struct sockaddr *)&peer, 0, 1, &t,
		    &src) != ADMIT_OK) {
			serve_refuse(sv, fd);
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

const struct mode mode_stream = { ready, serve_full, NULL };
