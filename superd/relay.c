/*
 * dgram nowait, so that plain stdio handlers serve UDP: the whole path of
 * a datagram.  Each one is taken (udp.c: guard, addresses), admitted, and
 * written into a pipe that becomes the handler's stdin (then EOF); its
 * stdout is another pipe, read as the output comes (an fd of ev.c's set),
 * and what it wrote goes back to the sender as one datagram as soon as the
 * handler closes its stdout or exits, cut at the largest datagram.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "conf.h"
#include "ev.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "relay.h"
#include "serve.h"
#include "service.h"
#include "udp.h"
#include "util.h"

struct relay {
	struct relay		*r_next;	/* on the free list */
	struct service		*r_sv;
	int			 r_fd;		/* the handler's stdout, read end */
	struct dgaddr		 r_addr;
	char			*r_buf;		/* the reply so far */
	size_t			 r_cap;		/* r_buf's size */
	size_t			 r_len;
};

/*
 * A reply's buffer starts small and doubles as the reply grows, up to one
 * byte past the largest datagram (UDP_MAX6 + 1): a buffer of that size for
 * each handler in flight made 16 of them cost 160 KiB, where a reply of a
 * few bytes touches one page.
 */
#define RELAY_BUF0	1024

static char dgram[UDP_BUF];

/*
 * Relays of ended handlers, kept for reuse with their buffer (cut back to
 * RELAY_BUF0): once as many exist as ever ran at once, a datagram of a
 * short reply allocates nothing.
 */
static struct relay *freerelays;

/* Relays whose handler's output is still being read. */
static int nopen;

static struct relay *
newrelay(struct service *sv)
{
	struct relay *r;

	if ((r = freerelays) != NULL)
		freerelays = r->r_next;
	else if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->r_buf = malloc(RELAY_BUF0)) == NULL) {
		free(r);
		return NULL;
	} else
		r->r_cap = RELAY_BUF0;
	r->r_sv = sv;
	r->r_fd = -1;
	r->r_len = 0;
	return r;
}

/* Frees r, which never started or has ended, keeping it for reuse. */
static void
drop(struct relay *r)
{
	char *p;

	if (r->r_fd != -1) {
		ev_closefd(r->r_fd);
		r->r_fd = -1;
		nopen--;
	}
	if (r->r_cap > RELAY_BUF0 &&
	    (p = realloc(r->r_buf, RELAY_BUF0)) != NULL) {
		r->r_buf = p;
		r->r_cap = RELAY_BUF0;
	}
	r->r_next = freerelays;
	freerelays = r;
}

/*
 * The handler's fds for the datagram of n bytes in dgram: fds[0] holds it
 * then EOF, fds[1] is where the reply goes (r's end the other side),
 * fds[2] superd's stderr.  0, or -1 (logged).
 */
static int
pipes(struct relay *r, ssize_t n, int fds[3])
{
	int in[2], out[2];

	/*
	 * The datagram goes into an empty pipe, whose write end is closed
	 * before the handler starts: it reads the datagram, then EOF, never
	 * EAGAIN, so both ends may be non-blocking from the start.  A
	 * datagram fits an empty pipe (64 KiB) whole; a system whose pipe
	 * quota has shrunk pipes to one page drops a larger one, logged.
	 */
	if (pipe2(in, O_CLOEXEC | O_NONBLOCK) == -1) {
		logfault(r->r_sv, "pipe", strerror(errno));
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) == -1) {
		logfault(r->r_sv, "pipe", strerror(errno));
		(void)close(in[0]);
		(void)close(in[1]);
		return -1;
	}
	/*
	 * The reply's read end, superd's, is non-blocking; the handler's
	 * write end blocks, as stdout does.  A new pipe's end has no status
	 * flag to keep (F_SETFL ignores its access mode).
	 */
	if (fcntl(out[0], F_SETFL, O_NONBLOCK) == -1 ||
	    write(in[1], dgram, (size_t)n) != n) {
		logfault(r->r_sv, "datagram dropped", strerror(errno));
		(void)close(in[0]);
		(void)close(in[1]);
		(void)close(out[0]);
		(void)close(out[1]);
		return -1;
	}
	(void)close(in[1]);
	r->r_fd = out[0];
	nopen++;
	fds[0] = in[0];
	fds[1] = out[1];
	fds[2] = 2;
	return 0;
}

/* The output is complete: sends it (if any), and stops reading the pipe. */
static void
done(struct relay *r)
{
	if (r->r_len > 0)
		(void)udp_send(r->r_sv, r->r_buf, r->r_len, &r->r_addr);
	ev_closefd(r->r_fd);
	r->r_fd = -1;
	nopen--;
}

/* Doubles r's buffer, to lim bytes at most: 0, or -1 with errno. */
static int
grow(struct relay *r, size_t lim)
{
	size_t cap = r->r_cap * 2 > lim ? lim : r->r_cap * 2;
	char *p;

	if ((p = realloc(r->r_buf, cap)) == NULL)
		return -1;
	r->r_buf = p;
	r->r_cap = cap;
	return 0;
}

/*
 * Reads what the handler has written so far.  At its EOF, or past the
 * largest datagram (cut there, logged), the reply goes at once.
 */
static void
drain(struct relay *r)
{
	size_t max = r->r_addr.d_max;
	ssize_t n;

	while (r->r_fd != -1) {
		if (r->r_len == r->r_cap && r->r_cap < max + 1 &&
		    grow(r, max + 1) == -1) {
			/* Not a part of the reply: none. */
			logfault(r->r_sv, "reply", strerror(errno));
			r->r_len = 0;
			done(r);
			return;
		}
		n = read(r->r_fd, r->r_buf + r->r_len, r->r_cap - r->r_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1)
			logfault(r->r_sv, "reply", strerror(errno));
		if (n > 0 && (r->r_len += (size_t)n) <= max)
			continue;
		if (n > 0) {
			r->r_len = max;
			logfault(r->r_sv, "reply", "longer than the largest "
			    "datagram: cut");
		}
		done(r);
	}
}

static void
readable(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	drain(arg);
}

/* One handler per datagram, ACCEPTMAX at most per wake-up. */
static void
ready(struct service *sv)
{
	struct source *src;
	struct timespec t;
	struct relay *r;
	struct child *c;
	int i, k, fds[3];
	ssize_t n;

	for (i = 0; i < ACCEPTMAX && !serve_full(sv); i++) {
		tnow(&t);
		if (!limit_spawnok(sv, &t))
			return;
		if ((r = newrelay(sv)) == NULL) {
			logfault(sv, "relay", strerror(errno));
			return;
		}
		if ((k = udp_take(sv, dgram, sizeof(dgram), &r->r_addr, &n)) !=
		    1 || serve_admit(sv, (struct sockaddr *)&r->r_addr.d_peer,
		    0, 1, &t, &src) != ADMIT_OK) {
			drop(r);
			if (k == -1)
				return;
			continue;
		}
		if (pipes(r, n, fds) == -1) {
			limit_release(sv, src);
			drop(r);
			continue;
		}
		c = serve_start(sv, fds, (struct sockaddr *)&r->r_addr.d_peer,
		    (struct sockaddr *)&r->r_addr.d_local, NULL, src);
		(void)close(fds[0]);
		(void)close(fds[1]);
		if (c == NULL) {
			drop(r);
			return;
		}
		c->ch_relay = r;
		if (ev_add(r->r_fd, EPOLLIN, readable, r) == -1)
			logfault(sv, "epoll_ctl", strerror(errno));
	}
}

/*
 * The handler has exited: what it wrote and was not yet read is read now
 * and sent, unless it was sent already.  Then the relay is freed.
 */
static void
ended(struct service *sv, struct child *c, enum ended *how)
{
	struct relay *r = c->ch_relay;

	(void)sv;
	(void)how;
	drain(r);
	if (r->r_fd != -1)
		done(r);	/* something still holds its stdout open */
	drop(r);
}

const struct mode mode_relay = { ready, serve_full, ended };

/* At exit: frees the relay of a handler still running, sending nothing. */
void
relay_free(struct relay *r)
{
	drop(r);
}

/*
 * The replies still to come: an upgrade's finisher serves them to their
 * end (upgrade.c).
 */
int
relay_open(void)
{
	return nopen;
}

/* At exit: frees the relays kept for reuse. */
void
relay_freeall(void)
{
	struct relay *r;

	while ((r = freerelays) != NULL) {
		freerelays = r->r_next;
		free(r->r_buf);
		free(r);
	}
}
