/*
 * idle: holds COUNT TCP connections to HOST:PORT open and idle, for the
 * idle-connection figures of bench/scale.sh.  The connects go out
 * non-blocking, BATCH at a time; client i binds to source ADDR + i / PER
 * (127.0.0.2 up, 1,000 each), since superd admits from one source at most
 * half of a service's share.  Prints "open COUNT", or how many opened and
 * the first error, then holds them until standard input closes or a
 * signal ends it.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define MAXBATCH	4096
#define BATCHMS		5000	/* a batch's connects must end by then */
#define SPAREFDS	16	/* stdio and what libc may open */

static struct sockaddr_in target;
static uint32_t firstsrc;	/* host order */
static long persrc = 1000;
static char why[256];		/* the first error, empty while none */

static void
usage(void)
{
	fprintf(stderr, "usage: idle [-a addr] [-b batch] [-p per_source] "
	    "host port count\n");
	exit(2);
}

/* Keeps the first error as "what ADDR: reason". */
static void
fail(const char *what, uint32_t src, int e)
{
	struct in_addr a;
	char s[INET_ADDRSTRLEN];

	if (why[0] != '\0')
		return;
	a.s_addr = htonl(src);
	if (inet_ntop(AF_INET, &a, s, sizeof(s)) == NULL)
		(void)strcpy(s, "?");
	(void)snprintf(why, sizeof(why), "%s %s: %s", what, s, strerror(e));
}

/*
 * Starts the non-blocking connect of client i into *fd: 1 when it is
 * under way or done, 0 on failure (noted in why, *fd -1).
 */
static int
start(long i, int *fd)
{
	struct sockaddr_in sin;
	uint32_t src = firstsrc + (uint32_t)(i / persrc);
	int one = 1;

	*fd = -1;
	if ((*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		fail("socket", src, errno);
		return 0;
	}
	/*
	 * The port is then chosen at connect(2), unique per 4-tuple, not
	 * per source address: 1,000 clients of one source cost no more of
	 * the ephemeral range than one does.
	 */
	if (setsockopt(*fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one)) == -1) {
		fail("IP_BIND_ADDRESS_NO_PORT", src, errno);
		goto bad;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(src);
	if (bind(*fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		fail("bind", src, errno);
		goto bad;
	}
	if (connect(*fd, (struct sockaddr *)&target, sizeof(target)) == -1 &&
	    errno != EINPROGRESS) {
		fail("connect from", src, errno);
		goto bad;
	}
	return 1;
bad:
	(void)close(*fd);
	*fd = -1;
	return 0;
}

/*
 * Connects clients from..from+n-1 into fds and waits for their connects
 * to end: how many are open.  A failure closes its fd (-1).
 */
static long
batch(int *fds, long from, long n)
{
	static struct pollfd pfd[MAXBATCH];
	int64_t end;
	long i, left, ok;
	int e, ms;
	socklen_t len;

	ok = left = 0;
	for (i = 0; i < n; i++) {
		pfd[i].fd = -1;
		pfd[i].events = POLLOUT;
		if (!start(from + i, &fds[from + i]))
			continue;
		pfd[i].fd = fds[from + i];
		left++;
	}
	end = now() + (int64_t)BATCHMS * 1000000;
	while (left > 0) {
		ms = (int)((end - now()) / 1000000);
		if (ms <= 0)
			break;
		if (poll(pfd, (nfds_t)n, ms) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			len = sizeof(e);
			if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &e,
			    &len) == -1)
				e = errno;
			if (e != 0) {
				fail("connect from", firstsrc +
				    (uint32_t)((from + i) / persrc), e);
				(void)close(pfd[i].fd);
				fds[from + i] = -1;
			} else
				ok++;
			pfd[i].fd = -1;
			left--;
		}
	}
	if (left > 0) {
		fail("connect from", firstsrc + (uint32_t)(from / persrc),
		    ETIMEDOUT);
		for (i = 0; i < n; i++)
			if (pfd[i].fd != -1) {
				(void)close(pfd[i].fd);
				fds[from + i] = -1;
			}
	}
	return ok;
}

/* The soft fd limit raised to the hard one: how many fds we may hold. */
static rlim_t
fdlimit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit RLIMIT_NOFILE");
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			err(1, "setrlimit RLIMIT_NOFILE");
	}
	return rl.rlim_cur;
}

int
main(int argc, char *argv[])
{
	struct in_addr a;
	const char *errstr;
	char buf[512];
	long count, nbatch = 256, i, n, opened;
	int *fds, ch, port;
	ssize_t r;
	rlim_t lim;

	if (inet_pton(AF_INET, "127.0.0.2", &a) != 1)
		errx(1, "inet_pton");
	while ((ch = getopt(argc, argv, "a:b:p:")) != -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				errx(2, "-a %s: not an IPv4 address", optarg);
			break;
		case 'b':
			if ((nbatch = number(optarg, 1, MAXBATCH, &errstr)) ==
			    -1)
				errx(2, "-b %s: %s", optarg, errstr);
			break;
		case 'p':
			if ((persrc = number(optarg, 1, 65535, &errstr)) == -1)
				errx(2, "-p %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	firstsrc = ntohl(a.s_addr);
	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[0], &target.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", argv[0]);
	if ((port = (int)number(argv[1], 1, 65535, &errstr)) == -1)
		errx(2, "port %s: %s", argv[1], errstr);
	target.sin_port = htons((uint16_t)port);
	if ((count = number(argv[2], 1, BENCH_MAXCOUNT, &errstr)) == -1)
		errx(2, "count %s: %s", argv[2], errstr);
	/* Thousands of connections are a flood anywhere but here. */
	if (ntohl(target.sin_addr.s_addr) >> 24 != 127 || firstsrc >> 24 !=
	    127 || (firstsrc + (uint32_t)((count - 1) / persrc)) >> 24 != 127)
		errx(2, "%s from %s: host and sources must be in 127/8",
		    argv[0], inet_ntoa(a));
	lim = fdlimit();
	if (lim != RLIM_INFINITY && (rlim_t)count + SPAREFDS > lim)
		errx(1, "count %ld: over RLIMIT_NOFILE %llu: run more than "
		    "one idle", count, (unsigned long long)lim);
	if ((fds = calloc((size_t)count, sizeof(*fds))) == NULL)
		err(1, "calloc");

	opened = 0;
	for (i = 0; i < count && why[0] == '\0'; i += n) {
		n = count - i < nbatch ? count - i : nbatch;
		opened += batch(fds, i, n);
	}
	if (why[0] == '\0')
		printf("open %ld\n", opened);
	else
		printf("open %ld of %ld: %s\n", opened, count, why);
	if (fflush(stdout) == EOF)
		err(1, "stdout");

	/* Held until whoever started us closes our input. */
	for (;;) {
		if ((r = read(STDIN_FILENO, buf, sizeof(buf))) == 0)
			break;
		if (r == -1 && errno != EINTR)
			err(1, "stdin");
	}
	return 0;
}
