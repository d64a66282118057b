/*
 * stream wait and dgram wait: the handler gets the socket itself (fds 0
 * and 1; fd 2 is superd's stderr) and superd leaves it alone until the
 * handler exits, so datagrams queued meanwhile stay for the next one.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "child.h"
#include "conf.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "serve.h"
#include "service.h"
#include "sock.h"
#include "util.h"

/*
 * The datagram at the head of fd's queue, without taking it: its source,
 * its size and when it arrived (SO_TIMESTAMPNS, which dgram wait sockets
 * have), which together tell one datagram from the next.
 */
static void
peekhead(int fd, struct dghead *h)
{
	union {
		struct cmsghdr	hdr;
		char		buf[512];
	} cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char b;

	memset(h, 0, sizeof(*h));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &b;
	iov.iov_len = 1;
	msg.msg_name = &h->dh_peer;
	msg.msg_namelen = sizeof(h->dh_peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((h->dh_len = recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT |
	    MSG_TRUNC)) == -1)
		return;
	h->dh_have = 1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&h->dh_stamp, CMSG_DATA(cm), sizeof(h->dh_stamp));
}

static int
samehead(const struct dghead *a, const struct dghead *b)
{
	return a->dh_have && b->dh_have && a->dh_len == b->dh_len &&
	    a->dh_stamp.tv_sec == b->dh_stamp.tv_sec &&
	    a->dh_stamp.tv_nsec == b->dh_stamp.tv_nsec &&
	    memcmp(&a->dh_peer, &b->dh_peer, sizeof(a->dh_peer)) == 0;
}

/*
 * dgram wait: the datagram that would start the handler, admitted by the
 * per-source limits first, and dropped when its source is over one (the
 * access rules are the handler's: it sees its peers).  Returns 1 with *h
 * the head admitted (*src its source), 0 when the queue held nothing to
 * start a handler for.
 */
static int
dgramhead(struct service *sv, struct dghead *h, struct source **src,
    const struct timespec *t)
{
	const struct svconf *sc = sv->sv_conf;
	socklen_t elen = sizeof(int);
	char b;
	int i, e;

	*src = NULL;
	for (i = 0; i < ACCEPTMAX; i++) {
		peekhead(sv->sv_fd, h);
		if (!h->dh_have && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			/* A pending error keeps the socket readable: take it. */
			(void)getsockopt(sv->sv_fd, SOL_SOCKET, SO_ERROR, &e,
			    &elen);
			continue;
		}
		if (!h->dh_have)
			return 0;
		if (sc->sc_maxcpm <= 0 && sc->sc_maxperip <= 0)
			return 1;
		if (serve_admit(sv, (struct sockaddr *)&h->dh_peer, 0, 0, t,
		    src) == ADMIT_OK)
			return 1;
		(void)recv(sv->sv_fd, &b, 1, MSG_DONTWAIT);
	}
	return 0;
}

/* The socket is readable (or, for stream wait, a connection waits). */
static void
ready(struct service *sv)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	struct source *src = NULL;
	struct dghead h;
	struct timespec t;
	struct child *c;
	int fds[3];

	tnow(&t);
	if (!limit_spawnok(sv, &t))
		return;
	memset(&h, 0, sizeof(h));
	if (sv->sv_conf->sc_socktype == SOCK_DGRAM &&
	    !dgramhead(sv, &h, &src, &t))
		return;
	fds[0] = fds[1] = sv->sv_fd;
	fds[2] = 2;
	if (getsockname(sv->sv_fd, (struct sockaddr *)&local, &llen) == -1)
		llen = 0;
	if ((c = serve_start(sv, fds, NULL, llen ?
	    (struct sockaddr *)&local : NULL, NULL, src)) != NULL) {
		c->ch_holder = 1;
		c->ch_head = h;
		sv->sv_busy = 1;
	}
}

/*
 * The handler has exited: only the one that holds the socket gives it
 * back, in the mode the service now has (a reload may have changed it).
 * A dgram wait handler failed when it left the datagram that woke it.
 */
static void
ended(struct service *sv, struct child *c, enum ended *how)
{
	struct dghead h;

	if (!c->ch_holder)
		return;
	if (sv->sv_conf->sc_socktype == SOCK_DGRAM && sv->sv_fd != -1 &&
	    *how != END_PREFAILED) {
		peekhead(sv->sv_fd, &h);
		*how = samehead(&c->ch_head, &h) ? END_UNCONSUMED : END_OK;
	}
	sv->sv_busy = 0;
	if (sv->sv_fd != -1 && sock_setmode(sv) == -1)
		logfault(sv, "fcntl", strerror(errno));
}

const struct mode mode_wait = { ready, serve_full, ended };
