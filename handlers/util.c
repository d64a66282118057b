/*
 * The handlers' I/O: full writes, the datagram serve loop of an inetd
 * `dgram wait` handler, a bounded number parser and the main() all six
 * share.  Functions return 0/-1 and leave errno and hu_errop() set.
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
static int
isdgram(int fd)
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
 * does: each datagram from an acceptable source gets p's reply, sent back
 * to its sender.  Returns 0 once no datagram came for idle_secs (or, with
 * once, as soon as one is answered), -1 on error.  A failed reply concerns
 * one peer only and is not an error.
 */
static int
dgramserve(int fd, int idle_secs, int once, const struct proto *p,
    const struct proto_opts *o)
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
		    proto_badsource((struct sockaddr *)&ss, 0))
			continue;
		if ((r = p->p_reply(o, req, (size_t)n, reply, sizeof(reply))) ==
		    -1)
			continue;
		(void)sendto(fd, reply, (size_t)r, 0, (struct sockaddr *)&ss,
		    sslen);
		if (once)
			return 0;
	}
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
usage(FILE *fp, const char *name, const struct hu_prog *p, int help)
{
	fprintf(fp, "usage: %s %s\n", name, p->p_usage);
	if (help)
		fputs(p->p_help, fp);
}

/*
 * A protocol that answers no request (daytime, time, qotd) is asked once
 * before serving, so a bad clock or format fails now, not per datagram.
 */
static void
check(const struct proto *pr, const struct proto_opts *o)
{
	char buf[PROTO_LINEMAX];

	if (pr->p_kind != PROTO_ONCE || pr->p_reply(o, NULL, 0, buf,
	    sizeof(buf)) != -1)
		return;
	if (errno == ERANGE)
		errx(2, "-f: line longer than %d bytes", PROTO_LINEMAX - 3);
	err(1, "%s", errno == EINVAL ? "SUPERD_TEST_TIME" : "time");
}

/*
 * Sends pr's answer to no request once (daytime, time and qotd over a byte
 * stream): 0, or -1 on error (hu_errop()).
 */
static int
replyonce(int out, const struct proto *pr, const struct proto_opts *o)
{
	char buf[PROTO_LINEMAX];
	ssize_t n;

	if ((n = pr->p_reply(o, NULL, 0, buf, sizeof(buf))) == -1) {
		errop = "reply";
		return -1;
	}
	if (hu_writeall(out, buf, (size_t)n) == -1)
		return hu_gone(errno) ? 0 : -1;
	return 0;
}

/*
 * Closes fds 1 and 0 once the work is done, so that whoever waits for the
 * end of the output has it now, not after the kernel has torn the process
 * down at exit: a TCP client reading to EOF gets its FIN (the socket's
 * last fd is closed), superd's dgram nowait relay sends its reply.  A fd
 * that was never open is no error.  Returns the exit status: 0, or 1 with
 * a message when the close reports a write that failed.
 */
static int
endoutput(void)
{
	int fd;

	for (fd = 1; fd >= 0; fd--)
		if (close(fd) == -1 && errno != EBADF && errno != EINTR &&
		    !hu_gone(errno)) {
			warn("%s", fd == 1 ? "stdout" : "stdin");
			return 1;
		}
	return 0;
}

/*
 * The main() of every handler: parses argv (-1, -h, -t and the options of
 * the protocol called name), runs p's preparation, then serves fd 0: as
 * datagrams with the protocol's reply when it is a datagram socket, else as
 * a byte stream with p's stream function (or the reply once).  A peer that
 * went away is a normal end: EPIPE, not SIGPIPE.  Returns the exit status;
 * exits 2 on a usage error, 1 with a message on an error.
 */
int
hu_main(int argc, char *argv[], const char *name, const struct hu_prog *p)
{
	const struct proto *pr = proto_find(name);
	struct proto_opts o;
	const char *errstr;
	char opts[32];
	long idle = HU_IDLE;
	int ch, once = 0, bad = 0, r;

	memset(&o, 0, sizeof(o));
	(void)snprintf(opts, sizeof(opts), "1ht:%s", pr->p_optstring);
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'h':
			usage(stdout, name, p, 1);
			return 0;
		case 't':
			if ((idle = hu_number(optarg, INT_MAX, &errstr)) == -1)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		default:
			if (ch == '?' || proto_option(pr, &o, ch, optarg) == -1)
				bad = 1;
			break;
		}
	}
	if (bad || optind != argc) {
		usage(stderr, name, p, 0);
		return 2;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (p->p_ready != NULL && p->p_ready(&o) == -1)
		err(1, "%s", hu_errop());
	check(pr, &o);
	if (isdgram(0))
		r = dgramserve(0, (int)idle, once, pr, &o);
	else if (p->p_stream != NULL)
		r = p->p_stream(0, 1);
	else
		r = replyonce(1, pr, &o);
	if (r == -1)
		err(1, "%s", hu_errop());
	return endoutput();
}
