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
static int
option(int ch, const char *arg)
{
	if (ch == 'f')
		format = arg;
	else
		uflag = 1;
	return 0;
}

/* A bad clock or format fails now, not silently per datagram. */
static int
ready(void)
{
	char buf[LINEMAX];

	if (line(buf, sizeof(buf)) != -1)
		return 0;
	if (errno == ERANGE)
		errx(2, "-f: line longer than %d bytes", LINEMAX - 3);
	if (errno == EOVERFLOW)
		err(1, "time");
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"daytime", "[-1hu] [-f format] [-t seconds]",
		"The Daytime Protocol (RFC 867): sends the date and time as one\n"
		"line and exits; on a UDP socket, answers each datagram with it.\n"
		HU_HELP_1
		"  -f FORMAT   the line as strftime(3) writes FORMAT\n"
		"              (default \"%a %b %e %H:%M:%S %Y\", as ctime(3))\n"
		HU_HELP_H HU_HELP_T
		"  -u          the time in UTC, not local time\n",
		"f:u", option, ready, NULL, daytime_reply
	};

	return hu_main(argc, argv, &p);
}
#endif
