/*
 * chargen: the Character Generator Protocol (RFC 864).  Sends the rotating
 * 72-character lines of printable ASCII, CRLF, until the peer goes away; a
 * datagram gets one reply of the pattern, as long as the request up to 512
 * bytes, so that a reply is never larger than what provoked it (proto.c).
 */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * RFC 864, TCP: the pattern until the peer goes away, which is the normal
 * end (EPIPE or ECONNRESET).  What the peer sends is left unread.
 */
static int
pattern(int out)
{
	static char buf[9 * PROTO_CYCLE];	/* whole cycles: writes join */

	proto_chargen(buf, sizeof(buf));
	for (;;)
		if (hu_writeall(out, buf, sizeof(buf)) == -1)
			return hu_gone(errno) ? 0 : -1;
}

/*
 * A UDP datagram on stdin, as the UCSPI variable PROTO=UDP says (superd's
 * dgram nowait, udpsvd): the reply to it, not an endless stream, which
 * would answer one byte with the largest datagram.
 */
static int
onedgram(int in, int out)
{
	static char req[HU_DGRAMMAX], reply[HU_DGRAMMAX];
	const struct proto *p = proto_find("chargen");
	struct proto_opts o;
	size_t len = 0;
	ssize_t n;

	memset(&o, 0, sizeof(o));
	while (len < sizeof(req) &&
	    (n = hu_read(in, req + len, sizeof(req) - len)) != 0) {
		if (n == -1)
			return -1;
		len += (size_t)n;
	}
	n = p->p_reply(&o, req, len, reply, sizeof(reply));
	if (hu_writeall(out, reply, (size_t)n) == -1)
		return hu_gone(errno) ? 0 : -1;
	return 0;
}

static int
stream(int in, int out)
{
	const char *proto = getenv("PROTO");

	if (proto != NULL && strcmp(proto, "UDP") == 0)
		return onedgram(in, out);
	return pattern(out);
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"[-1h] [-t seconds]",
		"The Character Generator Protocol (RFC 864): sends lines of 72\n"
		"characters until the peer leaves; on a UDP socket, answers each\n"
		"datagram with as many characters (512 at most).\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		stream, NULL
	};

	return hu_main(argc, argv, "chargen", &p);
}
