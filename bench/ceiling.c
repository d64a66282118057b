/*
 * ceiling: the two bounds a super-server is measured against.  `spawn`
 * runs a handler in a tight loop with no network and no server between
 * (the fork+exec ceiling); `serve` (serve.c) echoes over TCP and UDP in
 * one process with no fork at all (the in-process ceiling); `port` prints
 * a loopback port free for TCP and UDP, for servers that cannot bind port 0.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

#include "serve.h"
#include "util.h"

#define MAXCONC		256
#define MAXSIZE		BENCH_MAXSIZE


/* One spawn worker's share of the shared results. */
struct tally {
	long		 t_results[RES_NRESULT];
	long		 t_nlat;
};

extern char **environ;

static char *const handler_env[] = { "PATH=/usr/bin:/bin", NULL };

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ceiling spawn [-Pu] [-c conc] [-n count] [-d seconds] "
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

/* A handler in flight: its pid, the end its reply comes on, and when. */
struct flight {
	pid_t		 f_pid;		/* 0: the slot is free */
	int		 f_fd;
	int64_t		 f_t0;
	size_t		 f_got;
	char		 f_buf[MAXSIZE];
};

/*
 * Ends f, whose reading came to r: closes its end, reaps it (a timed-out
 * one is killed first) and returns the outcome.
 */
static enum result
spawnend(struct flight *f, enum result r)
{
	int st;

	if (r == RES_TIMEOUT && kill(f->f_pid, SIGKILL) == -1)
		err(1, "kill");
	if (close(f->f_fd) == -1)
		err(1, "close");
	while (waitpid(f->f_pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	f->f_pid = 0;
	if (r == RES_OK && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		r = RES_OTHER;
	return r;
}

/*
 * Starts one handler over a socketpair (stream, as superd's `stream
 * nowait` gives fd 0, 1 and 2) or two pipes (as its `dgram nowait` relay
 * does) and sends it the payload; posix_spawn is glibc's clone(CLONE_VM |
 * CLONE_VFORK): vfork's cost.  Returns RES_OK with f filled in, or the
 * failure (the handler already reaped).
 */
static enum result
spawnstart(char **argv, const char *payload, size_t size, int pipes,
    struct flight *f)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int sv[2], in[2], out[2], e, wfd;
	enum result r = RES_OK;
	sigset_t none, dfl;

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
	f->f_t0 = now();
	f->f_got = 0;
	e = posix_spawn(&f->f_pid, argv[0], &fa, &attr, argv, handler_env);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	if (e != 0)
		spawnerr(e, argv[0]);
	if (pipes) {
		if (close(in[0]) == -1 || close(out[1]) == -1)
			err(1, "close");
		wfd = in[1];
		f->f_fd = out[0];
	} else {
		if (close(sv[1]) == -1)
			err(1, "close");
		wfd = f->f_fd = sv[0];
	}

	if (writeall(wfd, payload, size) == -1)
		r = errno == EPIPE || errno == ECONNRESET ? RES_RESET :
		    RES_OTHER;
	else if (!pipes && shutdown(wfd, SHUT_WR) == -1)
		r = errno == ENOTCONN ? RES_RESET : RES_OTHER;
	if (pipes && close(wfd) == -1)
		err(1, "close");
	return r == RES_OK ? r : spawnend(f, r);
}

/* What the reply in f comes to, compared with the payload. */
static enum result
judge(const struct flight *f, const char *payload, size_t size)
{
	if (f->f_got < size)
		return RES_SHORT;
	return memcmp(f->f_buf, payload, size) == 0 ? RES_OK : RES_WRONG;
}

/* One handler run start to end, its reply read with a bounded wait. */
static enum result
spawnone(char **argv, const char *payload, size_t size, int pipes,
    int64_t tmo)
{
	struct flight f;
	enum result r;

	if ((r = spawnstart(argv, payload, size, pipes, &f)) != RES_OK)
		return r;
	r = readall(f.f_fd, f.f_buf, size, &f.f_got, now() + tmo);
	if (r == RES_OK)
		r = judge(&f, payload, size);
	return spawnend(&f, r);
}

/*
 * Reads what f's handler sent: RES_NRESULT while more is to come, else how
 * it ended.
 */
static enum result
spawnread(struct flight *f, size_t size)
{
	char extra[1];
	ssize_t n;

	if (f->f_got < size)
		n = read(f->f_fd, f->f_buf + f->f_got, size - f->f_got);
	else
		n = read(f->f_fd, extra, sizeof(extra));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return RES_NRESULT;
	if (n == -1)
		return errno == ECONNRESET ? RES_RESET : RES_OTHER;
	if (n == 0)
		return RES_OK;
	if (f->f_got == size)
		return RES_WRONG;
	f->f_got += (size_t)n;
	return RES_NRESULT;
}

/*
 * The default spawn: one process keeps conc handlers in flight, as a
 * super-server does, starting the next as each one's reply ends.  Tallies
 * into res and appends latencies (microseconds) to *lat.
 */
static void
spawnloop(char **argv, const char *payload, size_t size, int pipes,
    long conc, long count, int64_t end, int64_t tmo, long res[],
    uint32_t **lat, long *nlat)
{
	struct flight *fl;
	struct pollfd *pfd;
	long started = 0, busy = 0, cap = 0, i, n, k;
	enum result r;
	uint32_t *p;
	int64_t t;

	if ((fl = calloc((size_t)conc, sizeof(*fl))) == NULL ||
	    (pfd = calloc((size_t)conc, sizeof(*pfd))) == NULL)
		err(1, "calloc");
	for (;;) {
		for (i = 0; i < conc; i++) {
			if (fl[i].f_pid != 0 || started >= count ||
			    now() >= end)
				continue;
			started++;
			if ((r = spawnstart(argv, payload, size, pipes,
			    &fl[i])) != RES_OK)
				res[r]++;
			else
				busy++;
		}
		if (busy == 0)
			break;
		for (i = 0, n = 0; i < conc; i++) {
			if (fl[i].f_pid == 0)
				continue;
			pfd[n].fd = fl[i].f_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
		if (poll(pfd, (nfds_t)n, 100) == -1 && errno != EINTR)
			err(1, "poll");
		t = now();
		for (i = 0, k = 0; i < conc; i++) {
			if (fl[i].f_pid == 0)
				continue;
			r = RES_NRESULT;
			if (pfd[k++].revents != 0)
				r = spawnread(&fl[i], size);
			if (r == RES_NRESULT && t - fl[i].f_t0 > tmo)
				r = RES_TIMEOUT;
			if (r == RES_NRESULT)
				continue;
			if (r == RES_OK)
				r = judge(&fl[i], payload, size);
			t = now();
			if ((r = spawnend(&fl[i], r)) == RES_OK) {
				if (*nlat == cap) {
					cap = cap ? cap * 2 : 65536;
					if ((p = reallocarray(*lat, (size_t)cap,
					    sizeof(*p))) == NULL)
						err(1, "reallocarray");
					*lat = p;
				}
				(*lat)[(*nlat)++] =
				    (uint32_t)((t - fl[i].f_t0) / 1000);
			}
			res[r]++;
			busy--;
		}
	}
	free(fl);
	free(pfd);
}

/*
 * spawn: one process keeps conc handlers in flight (spawnloop), or with
 * -P conc worker processes each run the handler back to back until the
 * shared count or the time runs out, their tallies and latencies landing
 * in shared memory.  Prints loadgen's line.
 */
static int
spawnmain(int argc, char *argv[])
{
	struct loadopts o;
	struct tally *tl;
	uint32_t *lat, *all = NULL;
	char payload[MAXSIZE];
	long conc, count, secs, share, i, j, n;
	long res[RES_NRESULT];
	int64_t t0, end, tmo, t;
	size_t size, mapsize;
	int ch, pipes, parallel = 0, st;
	enum result r;
	double el;
	pid_t pid;

	loadopts_init(&o, MAXCONC);
	while ((ch = getopt(argc, argv, "+c:d:n:Ps:t:u")) != -1) {
		if (ch == 'P')
			parallel = 1;
		else if (!loadopt(&o, ch, optarg))
			usage();
	}
	conc = o.lo_conc;
	count = o.lo_count;
	secs = o.lo_secs;
	size = o.lo_size;
	tmo = o.lo_tmo;
	pipes = o.lo_udp;
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

	memset(res, 0, sizeof(res));
	if (!parallel) {
		t0 = now();
		n = 0;
		spawnloop(argv, payload, size, pipes, conc, count,
		    t0 + (int64_t)secs * 1000000000LL, tmo, res, &all, &n);
		goto report;
	}
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
	/* Gather the workers' latencies into one array. */
	for (i = 0; i < conc; i++)
		for (j = 0; j < RES_NRESULT; j++)
			res[j] += tl[i].t_results[j];
	if ((all = calloc((size_t)res[RES_OK] + 1, sizeof(*all))) == NULL)
		err(1, "calloc");
	for (i = 0, n = 0; i < conc; i++)
		for (j = 0; j < tl[i].t_nlat; j++)
			all[n++] = lat[i * share + j];
report:
	el = (double)(now() - t0) / 1e9;
	report(pipes ? "pipe" : "socketpair", conc, size, el, all, n, res);
	free(all);
	return 0;
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
