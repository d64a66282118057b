/*
 * netc: the tests' network client.  TCP: connect, send stdin, half-close,
 * print what comes back until EOF.  UDP: send stdin as one datagram, print
 * the one reply.  A HOST that starts with '/' is a UNIX socket's path (PORT
 * is then ignored), stream or, with -u, datagram: the client then binds an
 * address of its own (an autobound abstract one) so that a reply can come.
 * Every wait is bounded by -w; used only against loopback.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_TIMEOUT	3

static int uflag, rflag, nflag;
static long wsecs = 5, maxbytes = -1;
static const char *srcaddr, *srcport;

static void
usage(void)
{
	fprintf(stderr, "usage: netc [-unr] [-w SECS] [-c BYTES] [-s SRCADDR] "
	    "[-p SRCPORT] HOST PORT\n");
	exit(2);
}

static long
num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 0 || v > max)
		errx(2, "%s: bad number", s);
	return v;
}

static long
msleft(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		err(1, "clock_gettime");
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

/* Wait until fd is readable; exits with EXIT_TIMEOUT when the deadline passes. */
static void
waitin(int fd, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	for (;;) {
		n = poll(&pfd, 1, (int)msleft(deadline));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "poll");
		if (n == 0) {
			fflush(stdout);
			errx(EXIT_TIMEOUT, "timed out");
		}
		return;
	}
}

static void
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			err(1, "write");
		p += w;
		n -= (size_t)w;
	}
}

static int
dialunix(const char *path)
{
	struct sockaddr_un sun;
	sa_family_t fam = AF_UNIX;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(1, "%s: path too long", path);
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, uflag ? SOCK_DGRAM : SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	/* Linux autobinds an abstract name when given the family alone. */
	if (uflag && bind(fd, (struct sockaddr *)&fam, sizeof(fam)) == -1)
		err(1, "bind");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	return fd;
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai, *sres = NULL;
	int fd = -1, e, on = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = uflag ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(1, "%s %s: %s", host, port, gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) == -1)
			continue;
		if (srcaddr != NULL || srcport != NULL) {
			hints.ai_family = ai->ai_family;
			hints.ai_flags |= AI_PASSIVE;
			if ((e = getaddrinfo(srcaddr, srcport ? srcport : "0",
			    &hints, &sres)) != 0)
				errx(1, "source: %s", gai_strerror(e));
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			    sizeof(on));
			if (bind(fd, sres->ai_addr, sres->ai_addrlen) == -1)
				err(1, "bind source");
			freeaddrinfo(sres);
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		warn("connect %s %s", host, port);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		exit(1);
	return fd;
}

static void
tcp(int fd, const struct timespec *deadline)
{
	static char buf[65536];
	struct linger lg = { 1, 0 };
	ssize_t n;
	long got = 0;

	if (!nflag) {
		while ((n = read(0, buf, sizeof(buf))) != 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				err(1, "read stdin");
			writeall(fd, buf, (size_t)n);
		}
	}
	if (rflag) {
		/* An abortive close: the peer sees a reset, not a FIN. */
		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1)
			err(1, "SO_LINGER");
		close(fd);
		return;
	}
	if (shutdown(fd, SHUT_WR) == -1 && errno != ENOTCONN)
		err(1, "shutdown");
	for (;;) {
		size_t want = sizeof(buf);

		if (maxbytes >= 0 && (size_t)(maxbytes - got) < want)
			want = (size_t)(maxbytes - got);
		if (want == 0)
			break;
		waitin(fd, deadline);
		n = read(fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "read");
		if (n == 0)
			break;
		writeall(1, buf, (size_t)n);
		got += n;
	}
	close(fd);
}

static void
udp(int fd, const struct timespec *deadline)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;

	if (!nflag) {
		while (len < sizeof(buf) &&
		    (n = read(0, buf + len, sizeof(buf) - len)) != 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				err(1, "read stdin");
			len += (size_t)n;
		}
	}
	if (send(fd, buf, len, 0) == -1)
		err(1, "send");
	for (;;) {
		waitin(fd, deadline);
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "recv");
		break;
	}
	writeall(1, buf, (size_t)n);
	close(fd);
}

int
main(int argc, char *argv[])
{
	struct timespec deadline;
	int ch, fd;

	while ((ch = getopt(argc, argv, "unrw:c:s:p:")) != -1) {
		switch (ch) {
		case 'u': uflag = 1; break;
		case 'n': nflag = 1; break;
		case 'r': rflag = 1; break;
		case 'w': wsecs = num(optarg, 3600); break;
		case 'c': maxbytes = num(optarg, LONG_MAX); break;
		case 's': srcaddr = optarg; break;
		case 'p': srcport = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1)
		err(1, "clock_gettime");
	deadline.tv_sec += wsecs;
	fd = argv[0][0] == '/' ? dialunix(argv[0]) : dial(argv[0], argv[1]);
	if (uflag)
		udp(fd, &deadline);
	else
		tcp(fd, &deadline);
	return 0;
}
