/*
 * echo: the Echo Protocol (RFC 862).  A byte stream is copied back byte for
 * byte until EOF; a datagram is answered with the same payload (proto.c).
 * Runs from a shell pipe, under any inetd, or under superd.
 */
#include <sys/types.h>
#include <errno.h>

#include "util.h"

/* 128 KiB, like cat: large copies cost few system calls. */
#define BUFSIZE	(128 * 1024)

/* RFC 862: send back whatever is received, until the peer closes. */
static int
stream(int in, int out)
{
	static char buf[BUFSIZE];
	ssize_t n;

	while ((n = hu_read(in, buf, sizeof(buf))) != 0) {
		if (n == -1)
			return hu_gone(errno) ? 0 : -1;
		if (hu_writeall(out, buf, (size_t)n) == -1)
			return hu_gone(errno) ? 0 : -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"[-1h] [-t seconds]",
		"The Echo Protocol (RFC 862): sends back what it gets, until EOF;\n"
		"on a UDP socket, answers each datagram with its payload.\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		stream, NULL
	};

	return hu_main(argc, argv, "echo", &p);
}
