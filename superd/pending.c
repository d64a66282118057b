/*
 * The pending stage of a PROXY service (proxy=v1|v2|any): an accepted
 * connection waits, non-blocking in ev.c's epoll set, until its header is
 * whole, for proxy_timeout seconds at most.  The header is peeked at, and
 * only once it is whole is it read, to its last byte and not one more, so
 * whatever the client sent after it reaches the handler or the builtin.
 * A missing, malformed or late header closes the connection without a
 * byte, logged as a refusal (cause proxy, rate-limited); no handler runs.
 * At most PENDING_MAX connections (or an eighth of RLIMIT_NOFILE) wait: a
 * flood of silent clients closes its own oldest, not the honest ones.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ev.h"
#include "log.h"
#include "pending.h"
#include "proxy.h"
#include "service.h"
#include "util.h"

struct pend {
	int			 p_fd;		/* -1: a free slot */
	struct service		*p_sv;
	pending_fn		 p_fn;
	struct sockaddr_storage	 p_peer;	/* the balancer */
	struct timespec		 p_start;
	struct timespec		 p_deadline;
};

static struct pend *pends;
static int cappend, npend;

/* The table, at its first use: 0, or -1 with errno. */
static int
table(void)
{
	struct rlimit rl;
	int i;

	if (pends != NULL)
		return 0;
	cappend = PENDING_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY && rl.rlim_cur / 8 < (rlim_t)cappend)
		cappend = rl.rlim_cur / 8 > 0 ? (int)(rl.rlim_cur / 8) : 1;
	if ((pends = calloc((size_t)cappend, sizeof(*pends))) == NULL)
		return -1;
	for (i = 0; i < cappend; i++)
		pends[i].p_fd = -1;
	return 0;
}

/* A refusal for why, with cause proxy, rate-limited with sv's faults. */
static void
refused(struct service *sv, const struct sockaddr *peer, const char *why)
{
	static char text[128];
	struct logev e;

	sv->sv_refused++;
	logev_init(&e, LOGEV_REFUSED, sv);
	if (!log_ratelimit(sv, &e.le_more))
		return;
	e.le_peer = peer;
	(void)snprintf(text, sizeof(text), "PROXY header: %s", why);
	e.le_cause = "proxy";
	e.le_why = text;
	log_event(LOG_ERR, &e);
}

/* Takes p out of the table; its fd stays open.  0, or -1: sv is gone. */
static int
release(struct pend *p)
{
	struct service *sv = p->p_sv;
	int gone = sv->sv_gone;

	(void)ev_del(p->p_fd);
	p->p_fd = -1;
	npend--;
	service_done(sv);	/* a removed service may go with it */
	return gone ? -1 : 0;
}

/* Closes p's connection without a byte, logged. */
static void
drop(struct pend *p, const char *why)
{
	struct service *sv = p->p_sv;
	struct sockaddr_storage peer = p->p_peer;
	int fd = p->p_fd;

	if (release(p) == 0)
		refused(sv, (struct sockaddr *)&peer, why);
	(void)close(fd);
}

/* The header is whole: read it, then hand the connection on. */
static void
handon(struct pend *p, const struct proxyhdr *h)
{
	static unsigned char junk[PROXY_MAX];
	static int told;
	struct sockaddr_storage lb = p->p_peer;
	struct service *sv = p->p_sv;
	pending_fn fn = p->p_fn;
	const struct sockaddr *peer, *local;
	ssize_t n;
	int fd = p->p_fd;

	/* What was peeked is in the socket: the read takes it all. */
	if ((n = recv(fd, junk, h->ph_len, 0)) != (ssize_t)h->ph_len) {
		drop(p, n == -1 ? strerror(errno) : "header read short");
		return;
	}
	if (release(p) == -1) {
		(void)close(fd);
		return;
	}
	if (h->ph_version == 2 && !h->ph_local && !h->ph_addrs && !told) {
		told = 1;
		logsv(LOG_WARNING, sv, "PROXY v2 header for a UNIX or "
		    "unspecified family: the real peer is kept (logged once)");
	}
	peer = h->ph_addrs ? (const struct sockaddr *)&h->ph_src :
	    (const struct sockaddr *)&lb;
	local = h->ph_addrs ? (const struct sockaddr *)&h->ph_dst : NULL;
	fn(sv, fd, peer, local, (const struct sockaddr *)&lb);
}

/* Data (or an end) came: peek at all of it and parse it again. */
static void
readable(int fd, uint32_t events, void *arg)
{
	static unsigned char buf[PROXY_MAX];
	struct pend *p = arg;
	struct proxyhdr h;
	enum proxyres r;
	ssize_t n;
	int want = p->p_sv->sv_conf->sc_proxy;

	if ((n = recv(fd, buf, sizeof(buf), MSG_PEEK)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		drop(p, strerror(errno));
		return;
	}
	if (n == 0) {
		drop(p, "closed before a PROXY header");
		return;
	}
	if (want == 0)
		want = PROXY_ANY;	/* a reload took proxy away: finish */
	r = proxy_parse(buf, (size_t)n, want, &h);
	if (r == PROXY_DONE)
		handon(p, &h);
	else if (r == PROXY_BAD)
		drop(p, h.ph_why);
	else if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		drop(p, "closed before the PROXY header was whole");
}

/* The oldest waiting connection, when the table is full. */
static struct pend *
oldest(void)
{
	struct pend *o = NULL;
	int i;

	for (i = 0; i < cappend; i++)
		if (pends[i].p_fd != -1 && (o == NULL ||
		    tsdiff(&pends[i].p_start, &o->p_start) < 0))
			o = &pends[i];
	return o;
}

/*
 * Makes fd, a non-blocking connection from peer to sv, wait for its
 * header; fn takes it when it is whole.  0, or -1 (logged): fd is then the
 * caller's to close.
 */
int
pending_add(struct service *sv, int fd, const struct sockaddr_storage *peer,
    pending_fn fn)
{
	struct pend *p;
	int i;

	if (table() == -1) {
		logfault(sv, "PROXY table", strerror(errno));
		return -1;
	}
	if (npend >= cappend && (p = oldest()) != NULL)
		drop(p, "too many connections waiting for a PROXY header; "
		    "the oldest closed");
	for (i = 0; i < cappend && pends[i].p_fd != -1; i++)
		;
	if (i == cappend)
		return -1;
	p = &pends[i];
	p->p_sv = sv;
	p->p_fn = fn;
	p->p_peer = *peer;
	tnow(&p->p_start);
	p->p_deadline = p->p_start;
	p->p_deadline.tv_sec += sv->sv_conf->sc_proxytimeout;
	/* Edge-triggered: a peeked, unfinished header waits for more. */
	if (ev_add(fd, EPOLLIN | EPOLLRDHUP | EPOLLET, readable, p) == -1) {
		logfault(sv, "epoll", strerror(errno));
		return -1;
	}
	p->p_fd = fd;
	npend++;
	sv->sv_nchild++;
	/* It may have come with the connection. */
	readable(fd, EPOLLIN, p);
	return 0;
}

/* Connections whose header is late are closed. */
void
pending_timeouts(const struct timespec *now)
{
	int i;

	for (i = 0; i < cappend && npend > 0; i++)
		if (pends[i].p_fd != -1 &&
		    tsdiff(&pends[i].p_deadline, now) <= 0)
			drop(&pends[i], "no whole PROXY header in time");
}

/* Milliseconds until the next header is late, or -1 when none waits. */
long long
pending_nextdeadline(const struct timespec *now)
{
	long long d, ms = -1;
	int i;

	for (i = 0; i < cappend && npend > 0; i++) {
		if (pends[i].p_fd == -1)
			continue;
		d = tsdiff(&pends[i].p_deadline, now);
		if (ms == -1 || d < ms)
			ms = d < 0 ? 0 : d;
	}
	return ms;
}

/* The connections waiting for their header. */
int
pending_count(void)
{
	return npend;
}

/* At exit: closes every waiting connection. */
void
pending_closeall(void)
{
	int i, fd;

	for (i = 0; i < cappend; i++)
		if ((fd = pends[i].p_fd) != -1) {
			(void)release(&pends[i]);
			(void)close(fd);
		}
	free(pends);
	pends = NULL;
	cappend = npend = 0;
}
