/*
 * Stream builtins served inside superd, without a fork: each connection is
 * a non-blocking socket, served at once when it is accepted and from then
 * on whenever the epoll set of ev.c says it is ready.  A wake-up serves a
 * bounded amount, so a greedy client cannot hold up another, and a slow one
 * only waits in its own socket buffer, which is kept small (CONN_SNDBUF).
 *
 * Connections are capped at three quarters of the descriptors that the
 * listening sockets leave of RLIMIT_NOFILE (CONN_MAX at most), so the
 * relays, children's pipes and PROXY connections always find an fd in the
 * quarter kept; of that budget each in-process service may hold its equal
 * share, and one source half of its service's share, so that no service
 * and no client can take the others' (the listener of a service at its
 * share waits, the kernel's backlog queueing; a source over its half is
 * refused).  Half of the limit, as before, left a 20,000-fd superd with
 * 10,000 idle connections at most, and with 10,000 services none to spare.
 *
 * The table is indexed by fd and grows by doubling; a connection allocates
 * only when the peer reads slower than it sends (the echo it owes).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../handlers/proto.h"
#include "conf.h"
#include "service.h"
#include "conn.h"
#include "ev.h"
#include "limit.h"
#include "log.h"
#include "serve.h"
#include "util.h"

#define ROUNDS		8	/* reads or writes per connection per wake-up */
#define IOBUF		65536	/* one read's worth */

struct conn {
	const struct proto	*c_bi;	/* NULL: the slot is free */
	struct service		*c_sv;
	uint32_t		 c_events;	/* what epoll watches, 0 none */
	struct source		*c_src;		/* holds a per-source place */
	int			 c_done;	/* close once c_pend is out */
	size_t			 c_pos;		/* chargen: offset in the cycle */
	char			*c_pend;	/* owed to the peer, unsent */
	size_t			 c_plen;
	size_t			 c_poff;
	struct timespec		 c_deadline;	/* tv_sec 0: no time limit */
	struct timespec		 c_start;	/* for the log: */
	unsigned long long	 c_conn;	/* its number, */
	long long		 c_in;		/* the bytes read */
	long long		 c_out;		/* and written */
};

#define NOLOG	-1	/* finish(): no line, superd is exiting */

static struct conn *conns;
static size_t capconns;
static int nconns, maxconns, share, nlimited;
static struct timespec earliest;	/* no deadline comes sooner */

static long long nofile;	/* RLIMIT_NOFILE, CONN_MAX * 2 if higher */

/* Reads RLIMIT_NOFILE for the connection budget: 0, or -1 with errno. */
int
conn_init(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	nofile = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 2 * CONN_MAX ?
	    2 * CONN_MAX : (long long)rl.rlim_cur;
	conn_setservices(0, 0);
	return 0;
}

/*
 * From now on nsock listening sockets are open, and n in-process stream
 * services share the budget.
 */
void
conn_setservices(int n, int nsock)
{
	long long m = (nofile - nsock) / 4 * 3;

	maxconns = m > CONN_MAX ? CONN_MAX : m < 1 ? 1 : (int)m;
	share = n > 1 ? maxconns / n : maxconns;
	if (share < 1)
		share = 1;
}

/* The connections one in-process service may hold. */
int
conn_share(void)
{
	return share;
}

/* The connections one source may hold in one in-process service. */
int
conn_srcshare(void)
{
	return share > 1 ? share / 2 : 1;
}

/* 1 when no more connections may be taken in for now. */
int
conn_full(void)
{
	return nconns >= maxconns;
}

/* Grows the table so that fd has a slot: 0, or -1 out of memory. */
static int
room(int fd)
{
	struct conn *p;
	size_t cap;

	if ((size_t)fd < capconns)
		return 0;
	cap = capconns ? capconns : 64;
	while (cap <= (size_t)fd)
		cap *= 2;
	if ((p = reallocarray(conns, cap, sizeof(*p))) == NULL)
		return -1;
	memset(p + capconns, 0, (cap - capconns) * sizeof(*p));
	conns = p;
	capconns = cap;
	return 0;
}

/*
 * Closes fd and gives back what its connection held; under -l logs its
 * end as how says (an enum logevent, or NOLOG).
 */
static void
finish(int fd, struct conn *c, int how)
{
	struct service *sv = c->c_sv;
	struct timespec t;
	struct logev e;

	if (how != NOLOG && log_conns()) {
		tnow(&t);
		logev_init(&e, (enum logevent)how, sv);
		e.le_conn = c->c_conn;
		e.le_ms = tsdiff(&t, &c->c_start);
		e.le_in = c->c_in;
		e.le_out = c->c_out;
		log_event(LOG_INFO, &e);
	}
	ev_closefd(fd);
	free(c->c_pend);
	if (c->c_deadline.tv_sec != 0)
		nlimited--;
	limit_release(sv, c->c_src);
	memset(c, 0, sizeof(*c));
	nconns--;
	service_done(sv);	/* last: a removed service may go with it */
}

/* An error that ends a connection: logged unless the peer simply left. */
static void
failed(struct conn *c, const char *what)
{
	if (errno != EPIPE && errno != ECONNRESET && errno != ETIMEDOUT)
		logfault(c->c_sv, what, strerror(errno));
}

/* Keeps the n bytes at p that the peer is still owed: 0, or -1. */
static int
owe(struct conn *c, const char *p, size_t n)
{
	if ((c->c_pend = malloc(n)) == NULL) {
		failed(c, "echo");
		return -1;
	}
	memcpy(c->c_pend, p, n);
	c->c_plen = n;
	c->c_poff = 0;
	return 0;
}

/*
 * Writes n bytes at p, keeping what the socket would not take.  1 all
 * written, 0 some owed, -1 the connection is over.
 */
static int
put(int fd, struct conn *c, const char *p, size_t n)
{
	ssize_t w;

	while ((w = write(fd, p, n)) == -1 && errno == EINTR)
		;
	if (w == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
		failed(c, "write");
		return -1;
	}
	if (w == -1)
		w = 0;
	c->c_out += w;
	if ((size_t)w == n)
		return 1;
	return owe(c, p + w, n - (size_t)w) == -1 ? -1 : 0;
}

/* Sends what is owed: 1 all out, 0 still owed, -1 over. */
static int
flush(int fd, struct conn *c)
{
	ssize_t w;

	while (c->c_plen > 0) {
		w = write(fd, c->c_pend + c->c_poff, c->c_plen);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w == -1) {
			failed(c, "write");
			return -1;
		}
		c->c_out += w;
		c->c_poff += (size_t)w;
		c->c_plen -= (size_t)w;
	}
	free(c->c_pend);
	c->c_pend = NULL;
	return 1;
}

/*
 * echo and discard: reads until the socket is empty, a bounded number of
 * times, sending back (echo) what came.  1 keep, 0 over.
 */
static int
sink(int fd, struct conn *c, int echo)
{
	static char buf[IOBUF];
	ssize_t n;
	int i, k;

	for (i = 0; i < ROUNDS; i++) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n == -1) {
			failed(c, "read");
			return 0;
		}
		if (n == 0)
			return 0;
		c->c_in += n;
		if (echo && (k = put(fd, c, buf, (size_t)n)) != 1)
			return k == 0;	/* owed: wait for room first */
	}
	return 1;
}

/* chargen: the pattern, a bounded number of writes.  1 keep, 0 over. */
static int
chargen(int fd, struct conn *c)
{
	/* Whole cycles and one more, so any offset has 8 cycles after it. */
	static char pat[9 * PROTO_CYCLE];
	static int filled;
	ssize_t w;
	int i;

	if (!filled) {
		proto_chargen(pat, sizeof(pat));
		filled = 1;
	}
	for (i = 0; i < ROUNDS; i++) {
		w = write(fd, pat + c->c_pos, 8 * PROTO_CYCLE);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (w == -1) {
			failed(c, "write");
			return 0;
		}
		c->c_out += w;
		c->c_pos = (c->c_pos + (size_t)w) % PROTO_CYCLE;
	}
	return 1;
}

/* daytime and time: the reply, then close.  1 keep (owed), 0 over. */
static int
once(int fd, struct conn *c)
{
	char buf[512];
	ssize_t n;

	c->c_done = 1;
	if ((n = c->c_bi->p_reply(&c->c_sv->sv_conf->sc_biopts, NULL, 0, buf,
	    sizeof(buf))) < 0) {
		failed(c, c->c_bi->p_name);
		return 0;
	}
	return put(fd, c, buf, (size_t)n) == 0;
}

static void	ready(int, uint32_t, void *);

/* Serves fd as far as it goes now; closes it when it is over. */
static void
step(int fd, struct conn *c)
{
	uint32_t want;
	int k;

	if (c->c_pend != NULL && (k = flush(fd, c)) != 1) {
		k = k == 0;	/* still owed: keep; -1: over */
		goto out;
	}
	if (c->c_done) {
		k = 0;
		goto out;
	}
	switch (c->c_bi->p_kind) {
	case PROTO_ECHO:	k = sink(fd, c, 1); break;
	case PROTO_DISCARD:	k = sink(fd, c, 0); break;
	case PROTO_CHARGEN:	k = chargen(fd, c); break;
	default:		k = once(fd, c); break;
	}
out:
	if (k <= 0) {
		finish(fd, c, LOGEV_EXIT);
		return;
	}
	want = c->c_pend != NULL || c->c_bi->p_kind == PROTO_CHARGEN ?
	    EPOLLOUT : EPOLLIN;
	if (want == c->c_events)
		return;
	if ((c->c_events ? ev_mod(fd, want) : ev_add(fd, want, ready, NULL)) ==
	    -1) {
		failed(c, "epoll_ctl");
		finish(fd, c, LOGEV_EXIT);
		return;
	}
	c->c_events = want;
}

/* ev.c: the connection on fd is ready (the table may have moved since). */
static void
ready(int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	if ((size_t)fd < capconns && conns[fd].c_bi != NULL)
		step(fd, &conns[fd]);
}

/*
 * Takes in fd, a non-blocking connection from peer to sv's builtin (src:
 * the source holding a place for it, or NULL), under the service's time
 * limit, and serves what it already sent.  Returns 0, or -1 (logged) when
 * it cannot be taken in; fd is then the caller's to close.
 */
int
conn_add(struct service *sv, int fd, struct source *src,
    const struct sockaddr *peer)
{
	int sndbuf = CONN_SNDBUF, secs = sv->sv_conf->sc_deadline;
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	struct conn *c;

	if (room(fd) == -1) {
		logfault(sv, "connection table", strerror(errno));
		return -1;
	}
	/*
	 * What a client does not read waits in a small buffer of its own: set
	 * here, not on the listener, which a reload may hand to a handler.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) ==
	    -1)
		logfault(sv, "SO_SNDBUF", strerror(errno));
	c = &conns[fd];
	c->c_bi = sv->sv_conf->sc_bi;
	c->c_sv = sv;
	c->c_src = src;
	if (secs > 0) {
		tnow(&c->c_deadline);
		c->c_deadline.tv_sec += secs;
		if (nlimited++ == 0 || tsdiff(&c->c_deadline, &earliest) < 0)
			earliest = c->c_deadline;
	}
	nconns++;
	sv->sv_nchild++;
	tnow(&c->c_start);
	/* The address it reached costs a call: only when it is logged. */
	if (log_conns() && getsockname(fd, (struct sockaddr *)&local, &llen) ==
	    -1)
		llen = 0;
	c->c_conn = serve_logconn(sv, peer, log_conns() && llen > 0 ?
	    (struct sockaddr *)&local : NULL, 0);
	step(fd, c);
	return 0;
}

/* Connections past their time limit are closed. */
void
conn_timeouts(const struct timespec *now, int verbose)
{
	struct conn *c;
	size_t i;

	if (nlimited == 0 || tsdiff(&earliest, now) > 0)
		return;
	earliest.tv_sec = 0;
	for (i = 0; i < capconns; i++) {
		c = &conns[i];
		if (c->c_bi == NULL || c->c_deadline.tv_sec == 0)
			continue;
		if (tsdiff(&c->c_deadline, now) > 0) {
			if (earliest.tv_sec == 0 ||
			    tsdiff(&c->c_deadline, &earliest) < 0)
				earliest = c->c_deadline;
			continue;
		}
		if (verbose)
			logmsg(LOG_INFO, "%s/%s: fd %zu: time limit, closed",
			    c->c_sv->sv_conf->sc_name,
			    c->c_sv->sv_conf->sc_proto, i);
		finish((int)i, c, LOGEV_KILLED);
	}
}

/* Milliseconds until the next time limit, or -1 when none is set. */
long long
conn_nextdeadline(const struct timespec *now)
{
	long long d;

	if (nlimited == 0)
		return -1;
	d = tsdiff(&earliest, now);
	return d < 0 ? 0 : d;
}

/* The connections being served. */
int
conn_count(void)
{
	return nconns;
}

/* At exit: closes every connection. */
void
conn_closeall(void)
{
	size_t i;

	for (i = 0; i < capconns; i++)
		if (conns[i].c_bi != NULL)
			finish((int)i, &conns[i], NOLOG);
	free(conns);
	conns = NULL;
	capconns = 0;
}
