/*
 * daytime: the Daytime Protocol (RFC 867).  One human-readable line, CRLF,
 * by default as inetd's builtin writes it ("Sun Nov 22 14:03:01 2026"), in
 * local time; -u for UTC, -f for any strftime(3) format.  Input is ignored.
 */
#include <sys/types.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define LINEMAX	512	/* a line that does not fit is an error */

/* ctime(3) without its newline: what the BSD inetds send. */
static const char *format = "%a %b %e %H:%M:%S %Y";
static int uflag;

/* The daytime line into buf: its length, or -1 (errno set). */
static ssize_t
line(char *buf, size_t size)
{
	struct tm tm;
	time_t now;
	size_t n;

	if (hu_now(&now) == -1)
		return -1;
	if ((uflag ? gmtime_r(&now, &tm) : localtime_r(&now, &tm)) == NULL) {
		errno = EOVERFLOW;
		return -1;
	}
	/* strftime(3) returns 0 for an empty result and for no room. */
	n = strftime(buf, size - 2, format, &tm);
	if (n == 0 && format[0] != '\0') {
		errno = ERANGE;
		return -1;
	}
	memcpy(buf + n, "\r\n", 2);
	return (ssize_t)n + 2;
}

/*
 * RFC 867: the line, whatever the request; over TCP it is sent once and
 * the connection closed (hu_serve()).
 */
ssize_t
daytime_reply(const char *req, size_t reqlen, char *reply, size_t size)
{
	(void)req;
	(void)reqlen;
	return line(reply, size < LINEMAX ? size : LINEMAX);
}

#ifndef SUPERD_BUILTIN
static void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: daytime [-1hu] [-f format] [-t seconds]\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	char buf[LINEMAX];
	const char *errstr;
	long idle = HU_IDLE;
	int ch, once = 0;

	while ((ch = getopt(argc, argv, "1f:ht:u")) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 't':
			if ((idle = hu_number(optarg, INT_MAX, &errstr)) == -1)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		case 'u':
			uflag = 1;
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	/* A bad clock or format fails now, not silently per datagram. */
	if (line(buf, sizeof(buf)) == -1) {
		if (errno == ERANGE)
			errx(2, "-f: line longer than %d bytes", LINEMAX - 3);
		err(1, "%s", errno == EOVERFLOW ? "time" : hu_errop());
	}
	return hu_serve((int)idle, once, NULL, daytime_reply);
}
#endif
