/*
 * chargen: the Character Generator Protocol (RFC 864).  Sends the rotating
 * 72-character lines of printable ASCII, CRLF, until the peer goes away; a
 * datagram gets one reply of the pattern, as long as the request up to 512
 * bytes, so that a reply is never larger than what provoked it.
 */
#include <sys/types.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define LINELEN		72	/* RFC 864's "popular pattern" */
#define NCHARS		95	/* printable ASCII, ' ' (32) to '~' (126) */
/* The pattern repeats after 95 lines of 72 characters and CRLF. */
#define CYCLE		(NCHARS * (LINELEN + 2))
#define DGRAMMAX	512	/* RFC 864: a reply of 0 to 512 characters */

/*
 * The first n bytes of the pattern: line i starts with character i mod 95.
 * superd's in-process chargen sends the same bytes.
 */
void
chargen_pattern(char *p, size_t n)
{
	size_t i, line, col;

	for (i = 0; i < n; i++) {
		line = i / (LINELEN + 2);
		col = i % (LINELEN + 2);
		if (col < LINELEN)
			p[i] = (char)(' ' + (line + col) % NCHARS);
		else
			p[i] = col == LINELEN ? '\r' : '\n';
	}
}

/* RFC 864, UDP: the pattern's first min(reqlen, 512) bytes. */
ssize_t
chargen_reply(const char *req, size_t reqlen, char *reply, size_t size)
{
	(void)req;
	if (reqlen > DGRAMMAX)
		reqlen = DGRAMMAX;
	if (reqlen > size)
		reqlen = size;
	chargen_pattern(reply, reqlen);
	return (ssize_t)reqlen;
}

#ifndef SUPERD_BUILTIN
/*
 * RFC 864, TCP: the pattern until the peer goes away, which is the normal
 * end (EPIPE or ECONNRESET).  What the peer sends is left unread.
 */
static int
chargen_stream(int in, int out)
{
	static char buf[9 * CYCLE];	/* whole cycles: writes join up */

	(void)in;
	chargen_pattern(buf, sizeof(buf));
	for (;;)
		if (hu_writeall(out, buf, sizeof(buf)) == -1)
			return hu_gone(errno) ? 0 : -1;
}

/*
 * superd's `dgram nowait` relay (PROTO=UDP, stdin not a socket): the
 * datagram is on stdin and stdout becomes the reply, so send one reply
 * instead of an endless stream.
 */
static int
relay(void)
{
	static char req[HU_DGRAMMAX], reply[DGRAMMAX];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(req) &&
	    (n = hu_read(0, req + len, sizeof(req) - len)) != 0) {
		if (n == -1)
			return -1;
		len += (size_t)n;
	}
	n = chargen_reply(req, len, reply, sizeof(reply));
	if (hu_writeall(1, reply, (size_t)n) == -1)
		return hu_gone(errno) ? 0 : -1;
	return 0;
}

/*
 * Under superd's dgram nowait (PROTO=UDP, stdin not a socket) the input is
 * one datagram: one reply, not an endless stream.
 */
static int
stream(int in, int out)
{
	const char *proto = getenv("PROTO");

	if (proto != NULL && strcmp(proto, "UDP") == 0)
		return relay();
	return chargen_stream(in, out);
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"chargen", "[-1h] [-t seconds]",
		"The Character Generator Protocol (RFC 864): sends lines of 72\n"
		"characters until the peer leaves; on a UDP socket, answers each\n"
		"datagram with as many characters (512 at most).\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		NULL, NULL, NULL, stream, chargen_reply
	};

	return hu_main(argc, argv, &p);
}
#endif
