/*
 * discard: the Discard Protocol (RFC 863).  Reads a byte stream to EOF and
 * writes nothing; a datagram gets no reply.
 */
#include <sys/types.h>
#include <errno.h>

#include "util.h"

/* RFC 863: throw away whatever is received, until the peer closes. */
static int
stream(int in, int out)
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
		"[-1h] [-t seconds]",
		"The Discard Protocol (RFC 863): reads and drops what it gets,\n"
		"until EOF; on a UDP socket, answers no datagram.\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		stream, NULL
	};

	return hu_main(argc, argv, "discard", &p);
}
