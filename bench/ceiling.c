/*
 * ceiling: the two bounds a super-server is measured against.  `spawn`
 * runs a handler in a tight loop with no network and no server between
 * (the fork+exec ceiling); `serve` echoes over TCP and UDP in one process
 * with no fork at all (the in-process ceiling); `port` prints a loopback
 * port free for TCP and UDP, for servers that cannot bind port 0.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define MAXCONC		256
#define MAXSIZE		8192
#define MAXCOUNT	100000000L
#define CONNBUF		4096

/* Same classes and names as loadgen, so one parser reads both. */
enum result {
	RES_OK, RES_REFUSED, RES_RESET, RES_TIMEOUT, RES_SHORT, RES_WRONG,
	RES_OTHER, RES_NRESULT
};

static const char *resname[RES_NRESULT] = {
	[RES_OK] = "conns",
	[RES_REFUSED] = "refused",
	[RES_RESET] = "reset",
	[RES_TIMEOUT] = "timeout",
	[RES_SHORT] = "short",
	[RES_WRONG] = "wrong",
	[RES_OTHER] = "other",
};

/* One spawn worker's share of the shared results. */
struct tally {
	long		 t_results[RES_NRESULT];
	long		 t_nlat;
};

/* An epoll registration in serve: a listener, the UDP socket or a conn. */
enum kind { K_LISTEN, K_UDP, K_CONN };

struct conn {
	enum kind	 c_kind;
	int		 c_fd;
	uint32_t	 c_events;	/* what epoll watches for */
	size_t		 c_len;		/* in c_buf, not yet echoed */
	size_t		 c_off;
	char		 c_buf[CONNBUF];
};

extern char **environ;

static char *const handler_env[] = { "PATH=/usr/bin:/bin", NULL };

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ceiling spawn [-u] [-c conc] [-n count] [-d seconds] "
	    "[-t timeout_ms] [-s size] prog [arg ...]\n"
	    "       ceiling serve portfile\n"
	    "       ceiling port\n");
	exit(2);
}

static int
writeall(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, buf, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Reads fd to EOF into buf (at most size bytes; more is RES_WRONG), waiting
 * no later than deadline.  Returns RES_OK with *got set, or the failure.
 */
static enum result
readall(int fd, char *buf, size_t size, size_t *got, int64_t deadline)
{
	struct pollfd pfd;
	char extra[1];
	int64_t left;
	ssize_t n;
	int r;

	*got = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		left = (deadline - now()) / 1000000;
		if (left <= 0)
			return RES_TIMEOUT;
		if ((r = poll(&pfd, 1, (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (r == 0)
			return RES_TIMEOUT;
		if (*got < size)
			n = read(fd, buf + *got, size - *got);
		else
			n = read(fd, extra, sizeof(extra));
		if (n == -1)
			return errno == ECONNRESET ? RES_RESET : RES_OTHER;
		if (n == 0)
			return RES_OK;
		if (*got == size)
			return RES_WRONG;
		*got += (size_t)n;
	}
}

/* err(3) for the posix_spawn family, which returns its errno. */
static void
spawnerr(int e, const char *what)
{
	errno = e;
	err(1, "%s", what);
}

/* Adds "dup2(fd, to)" to the actions the spawned child runs. */
static void
dupto(posix_spawn_file_actions_t *fa, int fd, int to)
{
	int e;

	if ((e = posix_spawn_file_actions_adddup2(fa, fd, to)) != 0)
		spawnerr(e, "posix_spawn_file_actions_adddup2");
}

/*
 * One handler run over a socketpair (stream, as superd's `stream nowait`
 * gives fd 0, 1 and 2) or two pipes (as its `dgram nowait` relay does).
 * posix_spawn is glibc's clone(CLONE_VM | CLONE_VFORK): vfork's cost.
 */
static enum result
spawnone(char **argv, const char *payload, size_t size, int pipes,
    int64_t tmo)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char buf[MAXSIZE];
	int sv[2], in[2], out[2], st, e, rfd, wfd, wopen;
	enum result r;
	size_t got;
	sigset_t none, dfl;
	pid_t pid;

	if (pipes) {
		if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1)
			err(1, "pipe2");
	} else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv) == -1)
		err(1, "socketpair");
	if ((e = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (e = posix_spawnattr_init(&attr)) != 0)
		spawnerr(e, "posix_spawn init");
	/* Like superd's child: no signal blocked, SIGPIPE (ignored here)
	 * back to its default. */
	if (sigemptyset(&none) == -1 || sigemptyset(&dfl) == -1 ||
	    sigaddset(&dfl, SIGPIPE) == -1)
		err(1, "sigset");
	if ((e = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&attr, &dfl)) != 0 ||
	    (e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) != 0)
		spawnerr(e, "posix_spawnattr");
	if (pipes) {
		dupto(&fa, in[0], 0);
		dupto(&fa, out[1], 1);
	} else {
		dupto(&fa, sv[1], 0);
		dupto(&fa, sv[1], 1);
		dupto(&fa, sv[1], 2);
	}
	e = posix_spawn(&pid, argv[0], &fa, &attr, argv, handler_env);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	if (e != 0)
		spawnerr(e, argv[0]);
	if (pipes) {
		if (close(in[0]) == -1 || close(out[1]) == -1)
			err(1, "close");
		wfd = in[1];
		rfd = out[0];
	} else {
		if (close(sv[1]) == -1)
			err(1, "close");
		wfd = rfd = sv[0];
	}

	r = RES_OK;
	wopen = pipes;
	if (writeall(wfd, payload, size) == -1)
		r = errno == EPIPE || errno == ECONNRESET ? RES_RESET :
		    RES_OTHER;
	else if (pipes) {
		wopen = 0;
		if (close(wfd) == -1)
			err(1, "close");
	} else if (shutdown(wfd, SHUT_WR) == -1)
		r = errno == ENOTCONN ? RES_RESET : RES_OTHER;
	if (r == RES_OK) {
		r = readall(rfd, buf, size, &got, now() + tmo);
		if (r == RES_OK && got < size)
			r = RES_SHORT;
		else if (r == RES_OK && memcmp(buf, payload, size) != 0)
			r = RES_WRONG;
	}
	if (r == RES_TIMEOUT && kill(pid, SIGKILL) == -1)
		err(1, "kill");
	if (close(rfd) == -1 || (wopen && close(wfd) == -1))
		err(1, "close");
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (r == RES_OK && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		r = RES_OTHER;
	return r;
}

/*
 * spawn: conc worker processes each run the handler back to back until
 * the shared count or the time runs out; their tallies and latencies land
 * in shared memory, and the parent prints loadgen's line.
 */
static int
spawnmain(int argc, char *argv[])
{
	const char *errstr;
	struct tally *tl;
	uint32_t *lat, *all;
	char payload[MAXSIZE];
	long conc = 1, count = 1000000, secs = 10, share, i, j, n;
	long res[RES_NRESULT];
	int64_t t0, end, tmo = 2000000000LL, t;
	size_t size = 16, mapsize;
	int ch, pipes = 0, st;
	enum result r;
	double el;
	pid_t pid;

	while ((ch = getopt(argc, argv, "+c:d:n:s:t:u")) != -1) {
		switch (ch) {
		case 'c':
			if ((conc = number(optarg, 1, MAXCONC, &errstr)) == -1)
				errx(2, "-c %s: %s", optarg, errstr);
			break;
		case 'd':
			if ((secs = number(optarg, 1, 86400, &errstr)) == -1)
				errx(2, "-d %s: %s", optarg, errstr);
			break;
		case 'n':
			count = number(optarg, 1, MAXCOUNT, &errstr);
			if (count == -1)
				errx(2, "-n %s: %s", optarg, errstr);
			break;
		case 's':
			if ((i = number(optarg, 1, MAXSIZE, &errstr)) == -1)
				errx(2, "-s %s: %s", optarg, errstr);
			size = (size_t)i;
			break;
		case 't':
			if ((i = number(optarg, 1, 600000, &errstr)) == -1)
				errx(2, "-t %s: %s", optarg, errstr);
			tmo = (int64_t)i * 1000000;
			break;
		case 'u':
			pipes = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (access(argv[0], X_OK) == -1)
		err(1, "%s", argv[0]);
	for (i = 0; i < (long)size; i++)
		payload[i] = (char)('a' + i % 26);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");

	share = (count + conc - 1) / conc;
	mapsize = (size_t)conc * (sizeof(*tl) + (size_t)share * sizeof(*lat));
	tl = mmap(NULL, mapsize, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tl == MAP_FAILED)
		err(1, "mmap");
	lat = (uint32_t *)(tl + conc);

	t0 = now();
	end = t0 + (int64_t)secs * 1000000000LL;
	for (i = 0; i < conc; i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid != 0)
			continue;
		for (j = 0; j < share && now() < end; j++) {
			t = now();
			r = spawnone(argv, payload, size, pipes, tmo);
			tl[i].t_results[r]++;
			if (r == RES_OK)
				lat[i * share + tl[i].t_nlat++] =
				    (uint32_t)((now() - t) / 1000);
		}
		_exit(0);
	}
	for (i = 0; i < conc; i++) {
		if (wait(&st) == -1)
			err(1, "wait");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			errx(1, "a spawn worker failed");
	}
	el = (double)(now() - t0) / 1e9;

	/* Gather the workers' latencies into one sorted array. */
	memset(res, 0, sizeof(res));
	for (i = 0; i < conc; i++)
		for (j = 0; j < RES_NRESULT; j++)
			res[j] += tl[i].t_results[j];
	if ((all = calloc((size_t)res[RES_OK] + 1, sizeof(*all))) == NULL)
		err(1, "calloc");
	for (i = 0, n = 0; i < conc; i++)
		for (j = 0; j < tl[i].t_nlat; j++)
			all[n++] = lat[i * share + j];
	qsort(all, (size_t)n, sizeof(*all), cmp32);
	printf("proto=%s conc=%ld size=%zu secs=%.3f rate=%.1f "
	    "p50_us=%u p90_us=%u p99_us=%u max_us=%u",
	    pipes ? "pipe" : "socketpair", conc, size, el, n / el,
	    pct(all, n, 50), pct(all, n, 90), pct(all, n, 99),
	    pct(all, n, 100));
	for (j = 0; j < RES_NRESULT; j++)
		printf(" %s=%ld", resname[j], res[j]);
	printf("\n");
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	free(all);
	return 0;
}

/* A socket of type bound to 127.0.0.1:port (0: any); -1 on failure. */
static int
bindlo(int type, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof(one)) == -1) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

static int
portof(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	return ntohs(sin.sin_port);
}

/* port: a port bound for TCP by the kernel's choice, and free for UDP. */
static int
portmain(void)
{
	int i, t, u, p;

	for (i = 0; i < 20; i++) {
		if ((t = bindlo(SOCK_STREAM, 0)) == -1)
			err(1, "bind");
		p = portof(t);
		u = bindlo(SOCK_DGRAM, p);
		if (close(t) == -1 || (u != -1 && close(u) == -1))
			err(1, "close");
		if (u != -1) {
			printf("%d\n", p);
			return 0;
		}
	}
	errx(1, "no port free for both TCP and UDP");
}

static void
watch(int ep, struct conn *c, uint32_t events, int op)
{
	struct epoll_event ev;

	if (op == EPOLL_CTL_MOD && c->c_events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(ep, op, c->c_fd, &ev) == -1)
		err(1, "epoll_ctl");
	c->c_events = events;
}

static void
drop(struct conn *c)
{
	if (close(c->c_fd) == -1)
		err(1, "close");
	free(c);
}

/* Echoes what a connection sends until EOF; then closes it. */
static void
serveconn(int ep, struct conn *c)
{
	ssize_t n;

	for (;;) {
		while (c->c_len > 0) {
			n = write(c->c_fd, c->c_buf + c->c_off, c->c_len);
			if (n == -1 && errno == EAGAIN) {
				watch(ep, c, EPOLLOUT, EPOLL_CTL_MOD);
				return;
			}
			if (n == -1) {
				drop(c);
				return;
			}
			c->c_off += (size_t)n;
			c->c_len -= (size_t)n;
		}
		c->c_off = 0;
		n = read(c->c_fd, c->c_buf, sizeof(c->c_buf));
		if (n == -1 && errno == EAGAIN) {
			watch(ep, c, EPOLLIN, EPOLL_CTL_MOD);
			return;
		}
		if (n <= 0) {
			drop(c);
			return;
		}
		c->c_len = (size_t)n;
	}
}

/* Accepts every pending connection and serves what it already sent. */
static void
acceptall(int ep, int lfd)
{
	struct conn *c;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			warn("calloc");
			(void)close(fd);
			continue;
		}
		c->c_kind = K_CONN;
		c->c_fd = fd;
		watch(ep, c, EPOLLIN, EPOLL_CTL_ADD);
		serveconn(ep, c);
	}
	if (errno != EAGAIN && errno != ECONNABORTED)
		warn("accept4");
}

/* Answers every queued datagram with itself (RFC 862). */
static void
udpecho(int fd)
{
	static char dgram[65536];
	struct sockaddr_storage ss;
	socklen_t sslen;
	ssize_t n;

	for (;;) {
		sslen = sizeof(ss);
		n = recvfrom(fd, dgram, sizeof(dgram), 0,
		    (struct sockaddr *)&ss, &sslen);
		if (n == -1)
			break;
		if (sendto(fd, dgram, (size_t)n, 0, (struct sockaddr *)&ss,
		    sslen) == -1)
			warn("sendto");
	}
	if (errno != EAGAIN)
		warn("recvfrom");
}

/* serve: accept-read-echo-close and UDP echo, no fork, until killed. */
static int
servemain(const char *portfile)
{
	static struct epoll_event evs[256];
	struct conn lc, uc, *c;
	char tmp[4096];
	FILE *fp;
	int ep, i, nev;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	memset(&lc, 0, sizeof(lc));
	memset(&uc, 0, sizeof(uc));
	lc.c_kind = K_LISTEN;
	uc.c_kind = K_UDP;
	if ((lc.c_fd = bindlo(SOCK_STREAM, 0)) == -1 ||
	    listen(lc.c_fd, SOMAXCONN) == -1)
		err(1, "tcp 127.0.0.1");
	if ((uc.c_fd = bindlo(SOCK_DGRAM, 0)) == -1)
		err(1, "udp 127.0.0.1");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	watch(ep, &lc, EPOLLIN, EPOLL_CTL_ADD);
	watch(ep, &uc, EPOLLIN, EPOLL_CTL_ADD);

	/* Written whole, then renamed, so a reader never sees half. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", portfile) >= (int)sizeof(tmp))
		errx(1, "%s: name too long", portfile);
	if ((fp = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(fp, "tcp %d\nudp %d\n", portof(lc.c_fd), portof(uc.c_fd));
	if (fclose(fp) == EOF)
		err(1, "%s", tmp);
	if (rename(tmp, portfile) == -1)
		err(1, "rename %s", portfile);

	for (;;) {
		nev = epoll_wait(ep, evs, 256, -1);
		if (nev == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < nev; i++) {
			c = evs[i].data.ptr;
			switch (c->c_kind) {
			case K_LISTEN:
				acceptall(ep, c->c_fd);
				break;
			case K_UDP:
				udpecho(c->c_fd);
				break;
			case K_CONN:
				serveconn(ep, c);
				break;
			}
		}
	}
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "spawn") == 0)
		return spawnmain(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0 && argc == 3)
		return servemain(argv[2]);
	if (strcmp(argv[1], "port") == 0 && argc == 2)
		return portmain();
	usage();
}
