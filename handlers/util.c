/*
 * Helpers shared by the handlers and reused by superd: full writes, the
 * datagram serve loop of an inetd `dgram wait` handler, the UDP reflection
 * guard of SPEC section 2, the (test-settable) clock and a bounded number
 * parser.  Functions return 0/-1 and leave errno and hu_errop() set.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
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

#include "util.h"

static const char *errop = "i/o";

/* The operation that failed last, for the caller's err(3) context. */
const char *
hu_errop(void)
{
	return errop;
}

/* 1 when fd is a datagram socket; anything else, ENOTSOCK included, is 0. */
int
hu_isdgram(int fd)
{
	socklen_t len;
	int type;

	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return 0;
	return type == SOCK_DGRAM;
}

/* 1 when e only says that the peer went away: a normal end, not an error. */
int
hu_gone(int e)
{
	return e == EPIPE || e == ECONNRESET;
}

static int
badport(in_port_t nport, int privok)
{
	/*
	 * Ports of the services that answer anything: a reply to one of
	 * them starts a loop between two servers (CVE-1999-0103).  Below
	 * 1024 are the servers' ports, not clients' (OpenBSD's rule).
	 */
	static const in_port_t bad[] = { 0, 7, 9, 13, 17, 19, 37 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ntohs(nport) == bad[i])
			return 1;
	return !privok && ntohs(nport) < 1024;
}

static int
badv4(const unsigned char *a)
{
	if (a[0] == 0)				/* 0.0.0.0/8: "this host" */
		return 1;
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return 1;
	return (a[0] & 0xf0) == 224;		/* 224.0.0.0/4: multicast */
}

/*
 * The UDP reflection guard (SPEC section 2): 1 when a datagram from sa must
 * be dropped unanswered, 0 when it may be answered.  Loopback is answered;
 * a privileged source port only with privok.  Local broadcast addresses
 * need no check here: without SO_BROADCAST the kernel refuses to send to
 * them (EACCES).
 */
int
hu_badsource(const struct sockaddr *sa, int privok)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	const unsigned char *a;

	switch (sa->sa_family) {
	case AF_INET:
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return badport(s4->sin_port, privok) ||
		    badv4((const unsigned char *)&s4->sin_addr);
	case AF_INET6:
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		a = s6->sin6_addr.s6_addr;
		if (badport(s6->sin6_port, privok) ||
		    IN6_IS_ADDR_MULTICAST(&s6->sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && badv4(a + 12);
	default:
		return 1;
	}
}

/* Writes all n bytes of buf to fd: 0, or -1 on error. */
int
hu_writeall(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			errop = "write";
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read(2) retried on EINTR: the count, 0 at EOF, -1 on error. */
ssize_t
hu_read(int fd, void *buf, size_t size)
{
	ssize_t n;

	while ((n = read(fd, buf, size)) == -1 && errno == EINTR)
		;
	if (n == -1)
		errop = "read";
	return n;
}

/*
 * Serves datagrams on the bound socket fd, as an inetd `dgram wait` handler
 * does: each datagram from an acceptable source gets fn's reply, sent back
 * to its sender.  Returns 0 once no datagram came for idle_secs (or, with
 * once, as soon as one is answered), -1 on error.  A failed reply concerns
 * one peer only and is not an error.
 */
int
hu_dgram_serve(int fd, int idle_secs, int once, hu_replyfn fn)
{
	static char req[HU_DGRAMMAX], reply[HU_DGRAMMAX];
	struct sockaddr_storage ss;
	struct pollfd pfd;
	socklen_t sslen;
	ssize_t n, r;
	int timeout;

	timeout = idle_secs > INT_MAX / 1000 ? INT_MAX : idle_secs * 1000;
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, timeout);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			errop = "poll";
			return -1;
		}
		if (n == 0)
			return 0;

		/* Non-blocking: another process may share the socket. */
		sslen = sizeof(ss);
		n = recvfrom(fd, req, sizeof(req), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &sslen);
		if (n == -1 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK || errno == ECONNREFUSED))
			continue;
		if (n == -1) {
			errop = "recvfrom";
			return -1;
		}
		if (sslen < sizeof(sa_family_t) ||
		    hu_badsource((struct sockaddr *)&ss, 0))
			continue;
		if ((r = fn(req, (size_t)n, reply, sizeof(reply))) == -1)
			continue;
		(void)sendto(fd, reply, (size_t)r, 0, (struct sockaddr *)&ss,
		    sslen);
		if (once)
			return 0;
	}
}

/*
 * The current time into *t: 0, or -1 when SUPERD_TEST_TIME (seconds since
 * 1970, set by tests only) is malformed.
 */
int
hu_now(time_t *t)
{
	const char *s;
	char *end;
	long long v;

	if ((s = getenv("SUPERD_TEST_TIME")) == NULL) {
		if (time(t) == (time_t)-1) {
			errop = "time";
			return -1;
		}
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' ||
	    (long long)(time_t)v != v) {
		errno = EINVAL;
		errop = "SUPERD_TEST_TIME";
		return -1;
	}
	*t = (time_t)v;
	return 0;
}

/*
 * The decimal number s, 0 to max; on error -1, with *errstr "invalid" or
 * "too large".
 */
long
hu_number(const char *s, long max, const char **errstr)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || (errno != 0 &&
	    errno != ERANGE)) {
		*errstr = "invalid";
		return -1;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return -1;
	}
	return v;
}

/* The usage line; with help, what the handler is and each option. */
static void
usage(FILE *fp, const struct hu_prog *p, int help)
{
	fprintf(fp, "usage: %s %s\n", p->p_name, p->p_usage);
	if (help)
		fputs(p->p_help, fp);
}

/*
 * The main() of every handler: parses argv (-1, -h, -t and p's own
 * options), runs p's check before serving (may be NULL), then serves fd 0
 * as datagrams with p's reply, else as a byte stream.  A peer that went
 * away is a normal end: EPIPE, not SIGPIPE.  Returns the exit status;
 * exits 2 on a usage error.
 */
int
hu_main(int argc, char *argv[], const struct hu_prog *p)
{
	const char *errstr;
	char opts[32];
	long idle = HU_IDLE;
	int ch, once = 0, bad = 0;

	(void)snprintf(opts, sizeof(opts), "1ht:%s", p->p_opts ? p->p_opts :
	    "");
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'h':
			usage(stdout, p, 1);
			return 0;
		case 't':
			if ((idle = hu_number(optarg, INT_MAX, &errstr)) == -1)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		case '?':
			bad = 1;
			break;
		default:
			if (p->p_option == NULL || p->p_option(ch, optarg) == -1)
				bad = 1;
			break;
		}
	}
	if (bad || optind != argc) {
		usage(stderr, p, 0);
		return 2;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (p->p_ready != NULL && p->p_ready() == -1)
		err(1, "%s", hu_errop());
	return hu_serve((int)idle, once, p->p_stream, p->p_reply);
}

/*
 * A byte-stream service that sends reply's answer (to no request) once
 * and ends: daytime, time and qotd.  0, or -1 on error (hu_errop()).
 */
static int
replyonce(int out, hu_replyfn reply)
{
	char buf[512];	/* RFC 865 and 867 stay under 512 bytes */
	ssize_t n;

	if ((n = reply(NULL, 0, buf, sizeof(buf))) == -1)
		return -1;
	if (hu_writeall(out, buf, (size_t)n) == -1)
		return hu_gone(errno) ? 0 : -1;
	return 0;
}

/*
 * Serves fd 0: as datagrams with reply (leaving after idle seconds without
 * one, or after one with once) when it is a datagram socket, else as a
 * byte stream with stream, or with reply's answer sent once when stream
 * is NULL.  Returns the exit status; exits 1 with a message on an error.
 */
int
hu_serve(int idle, int once, int (*stream)(int, int), hu_replyfn reply)
{
	if (hu_isdgram(0)) {
		if (hu_dgram_serve(0, idle, once, reply) == -1)
			err(1, "%s", hu_errop());
	} else if ((stream != NULL ? stream(0, 1) : replyonce(1, reply)) == -1)
		err(1, "%s", hu_errop());
	return 0;
}
