/*
 * discard: the Discard Protocol (RFC 863).  Reads a byte stream and drops
 * it until EOF; datagrams are dropped unanswered.  Writes nothing, ever.
 */
#include <sys/types.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

/* RFC 863, UDP: no reply. */
ssize_t
discard_reply(const char *req, size_t reqlen, char *reply, size_t size)
{
	(void)req;
	(void)reqlen;
	(void)reply;
	(void)size;
	return -1;
}

#ifndef SUPERD_BUILTIN
/* RFC 863: throw away whatever is received, until the peer closes. */
static int
discard_stream(int in, int out)
{
	static char buf[64 * 1024];
	ssize_t n;

	(void)out;
	while ((n = hu_read(in, buf, sizeof(buf))) != 0)
		if (n == -1)
			return hu_gone(errno) ? 0 : -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"discard", "[-1h] [-t seconds]",
		"The Discard Protocol (RFC 863): reads and drops what it gets,\n"
		"until EOF; on a UDP socket, answers no datagram.\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		NULL, NULL, NULL, discard_stream, discard_reply
	};

	return hu_main(argc, argv, &p);
}
#endif
