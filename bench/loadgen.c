/*
 * loadgen: a load generator for echo services on loopback.  CONC clients
 * run in one process around epoll(7): over TCP each connects, sends SIZE
 * bytes, half-closes, reads the echo back to EOF and closes; over UDP each
 * sends a datagram from a fresh socket and awaits the reply.  It stops at
 * COUNT attempts or after SECONDS, whichever comes first, and prints one
 * line: rate, latency percentiles and every kind of failure on its own.
 * With -a N, TCP clients connect from 127.0.0.2 to 127.0.0.N+1 in turn, so
 * that a long run at a high rate does not use up the local ports (each
 * lingers in TIME_WAIT, reused only after a second) of one source address.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define MAXCONC		1024
#define MAXSIZE		BENCH_MAXSIZE


enum state { S_IDLE, S_CONNECT, S_RECV };

struct client {
	int		 cl_fd;
	enum state	 cl_state;
	int64_t		 cl_start;	/* ns, CLOCK_MONOTONIC */
	int64_t		 cl_deadline;
	size_t		 cl_got;
	char		 cl_out[MAXSIZE];
	char		 cl_in[MAXSIZE];
};

static struct sockaddr_storage target;
static socklen_t targetlen;
static int uflag;
static size_t size = 16;
static long count = 1000000;
static int64_t timeout_ns = 2000000000LL;
static int64_t end_ns;
static long started;
static uint64_t seq;
static long results[RES_NRESULT];
static uint32_t *lat;		/* microseconds of each success */
static int ep;
static int otherwarned;
static int nsrc;		/* -a: source addresses, 0 none chosen */
static long nextsrc;

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-u] [-a sources] [-c conc] [-n count] "
	    "[-d seconds] [-t timeout_ms] [-s size] host port\n");
	exit(2);
}

/* 1 when sa is 127.0.0.0/8, ::1 or a v4-mapped 127/8 address. */
static int
isloopback(const struct sockaddr *sa)
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	const uint8_t *a;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		a = sin6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) && a[12] == 127;
	}
	return 0;
}

/*
 * Binds fd to the next of the -a source addresses, its port left for
 * connect to pick (IP_BIND_ADDRESS_NO_PORT), unique per address pair.
 */
static int
bindsource(int fd)
{
	struct sockaddr_in sin;
	int on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000002UL + (uint32_t)(nextsrc++ % nsrc));
	if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on,
	    sizeof(on)) == -1)
		return -1;
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* Maps an errno from connect, send or recv to a result. */
static enum result
classify(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return RES_REFUSED;
	case ECONNRESET:
	case EPIPE:
		return RES_RESET;
	case ETIMEDOUT:
		return RES_TIMEOUT;
	default:
		if (!otherwarned) {
			otherwarned = 1;
			warnx("first other error: %s", strerror(e));
		}
		return RES_OTHER;
	}
}

/* A payload no earlier attempt used, so a late reply cannot pass. */
static void
fill(struct client *cl)
{
	size_t i;
	uint64_t s = ++seq;

	for (i = 0; i < size; i++)
		cl->cl_out[i] = (char)(i < 8 ? s >> (8 * i) :
		    'a' + (s + i) % 26);
}

/* Sends the payload on a connected socket; TCP then half-closes. */
static enum result
sendreq(struct client *cl)
{
	ssize_t n;

	n = send(cl->cl_fd, cl->cl_out, size, MSG_NOSIGNAL);
	if (n == -1)
		return classify(errno);
	/* Loopback buffers take SIZE bytes whole; anything less is odd. */
	if ((size_t)n != size)
		return classify(EMSGSIZE);
	if (!uflag && shutdown(cl->cl_fd, SHUT_WR) == -1)
		return classify(errno);
	return RES_PENDING;
}

/* Starts an attempt: RES_PENDING, or how it ended at once. */
static enum result
begin(struct client *cl)
{
	struct epoll_event ev;
	int type = uflag ? SOCK_DGRAM : SOCK_STREAM;
	enum result r;

	fill(cl);
	cl->cl_got = 0;
	cl->cl_start = now();
	cl->cl_deadline = cl->cl_start + timeout_ns;
	cl->cl_fd = socket(target.ss_family, type | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (cl->cl_fd == -1)
		return classify(errno);
	if (nsrc > 0 && !uflag && target.ss_family == AF_INET &&
	    bindsource(cl->cl_fd) == -1)
		return classify(errno);
	memset(&ev, 0, sizeof(ev));
	ev.data.ptr = cl;
	if (connect(cl->cl_fd, (struct sockaddr *)&target, targetlen) == 0) {
		if ((r = sendreq(cl)) != RES_PENDING)
			return r;
		cl->cl_state = S_RECV;
		ev.events = EPOLLIN;
	} else if (errno == EINPROGRESS) {
		cl->cl_state = S_CONNECT;
		ev.events = EPOLLOUT;
	} else
		return classify(errno);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, cl->cl_fd, &ev) == -1)
		err(1, "epoll_ctl");
	return RES_PENDING;
}

/* Ends an attempt: records it and closes its socket. */
static void
record(struct client *cl, enum result r)
{
	int64_t us;

	if (r == RES_OK) {
		us = (now() - cl->cl_start) / 1000;
		lat[results[RES_OK]] = us > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)us;
	}
	results[r]++;
	if (cl->cl_fd != -1 && close(cl->cl_fd) == -1)
		err(1, "close");
	cl->cl_fd = -1;
	cl->cl_state = S_IDLE;
}

/*
 * Starts attempts on an idle client while count and time allow; one that
 * fails at once (refused on connect) is recorded and the next begins.
 * Returns 1 when the client is busy, 0 when it is done.
 */
static int
launch(struct client *cl)
{
	enum result r;

	while (started < count && now() < end_ns) {
		started++;
		if ((r = begin(cl)) == RES_PENDING)
			return 1;
		record(cl, r);
	}
	return 0;
}

/* Reads what is there; RES_PENDING until the reply is complete. */
static enum result
receive(struct client *cl)
{
	static char buf[MAXSIZE + 1];
	ssize_t n;

	for (;;) {
		n = recv(cl->cl_fd, buf, sizeof(buf), 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return RES_PENDING;
			return classify(errno);
		}
		if (uflag) {
			/* One datagram is the whole reply. */
			if ((size_t)n < size)
				return RES_SHORT;
			if ((size_t)n > size ||
			    memcmp(buf, cl->cl_out, size) != 0)
				return RES_WRONG;
			return RES_OK;
		}
		if (n == 0) {
			if (cl->cl_got < size)
				return RES_SHORT;
			return memcmp(cl->cl_in, cl->cl_out, size) == 0 ?
			    RES_OK : RES_WRONG;
		}
		if (cl->cl_got + (size_t)n > size)
			return RES_WRONG;
		memcpy(cl->cl_in + cl->cl_got, buf, (size_t)n);
		cl->cl_got += (size_t)n;
	}
}

/* Advances a client on an epoll event. */
static enum result
step(struct client *cl)
{
	struct epoll_event ev;
	socklen_t len;
	enum result r;
	int e;

	if (cl->cl_state == S_CONNECT) {
		len = sizeof(e);
		if (getsockopt(cl->cl_fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			err(1, "getsockopt");
		if (e != 0)
			return classify(e);
		if ((r = sendreq(cl)) != RES_PENDING)
			return r;
		cl->cl_state = S_RECV;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = cl;
		if (epoll_ctl(ep, EPOLL_CTL_MOD, cl->cl_fd, &ev) == -1)
			err(1, "epoll_ctl");
		return RES_PENDING;
	}
	return receive(cl);
}

static void
resolve(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	const char *errstr;
	int e;

	if (number(port, 1, 65535, &errstr) == -1)
		errx(2, "port %s: %s", port, errstr);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = uflag ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(1, "%s: %s", host, gai_strerror(e));
	if (!isloopback(res->ai_addr)) {
		freeaddrinfo(res);
		errx(1, "%s: not a loopback address (loadgen runs on "
		    "loopback only)", host);
	}
	memcpy(&target, res->ai_addr, res->ai_addrlen);
	targetlen = res->ai_addrlen;
	freeaddrinfo(res);
}

int
main(int argc, char *argv[])
{
	static struct client cls[MAXCONC];
	struct epoll_event evs[MAXCONC];
	struct loadopts o;
	struct client *cl;
	int64_t t0, t, tmo, soonest;
	long secs, conc, busy, i;
	int ch, n, j;
	enum result r;
	double el;

	loadopts_init(&o, MAXCONC);
	while ((ch = getopt(argc, argv, "a:c:d:n:s:t:u")) != -1)
		if (ch == 'a') {
			nsrc = atoi(optarg);
			if (nsrc < 1 || nsrc > 250)
				errx(2, "-a %s: not 1 to 250", optarg);
		} else if (!loadopt(&o, ch, optarg))
			usage();
	conc = o.lo_conc;
	secs = o.lo_secs;
	count = o.lo_count;
	size = o.lo_size;
	timeout_ns = o.lo_tmo;
	uflag = o.lo_udp;
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	resolve(argv[0], argv[1]);
	if ((lat = calloc((size_t)count, sizeof(*lat))) == NULL)
		err(1, "calloc");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");

	t0 = now();
	end_ns = t0 + (int64_t)secs * 1000000000LL;
	busy = 0;
	for (i = 0; i < conc; i++) {
		cls[i].cl_fd = -1;
		busy += launch(&cls[i]);
	}
	while (busy > 0) {
		t = now();
		soonest = INT64_MAX;
		for (i = 0; i < conc; i++)
			if (cls[i].cl_state != S_IDLE &&
			    cls[i].cl_deadline < soonest)
				soonest = cls[i].cl_deadline;
		tmo = soonest <= t ? 0 : (soonest - t + 999999) / 1000000;
		if ((n = epoll_wait(ep, evs, MAXCONC, (int)tmo)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (j = 0; j < n; j++) {
			cl = evs[j].data.ptr;
			if ((r = step(cl)) == RES_PENDING)
				continue;
			record(cl, r);
			if (!launch(cl))
				busy--;
		}
		t = now();
		for (i = 0; i < conc; i++) {
			cl = &cls[i];
			if (cl->cl_state == S_IDLE || cl->cl_deadline > t)
				continue;
			record(cl, RES_TIMEOUT);
			if (!launch(cl))
				busy--;
		}
	}
	el = (double)(now() - t0) / 1e9;

	report(uflag ? "udp" : "tcp", conc, size, el, lat, results[RES_OK],
	    results);
	return 0;
}
