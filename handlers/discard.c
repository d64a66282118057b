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

/* RFC 863: throw away whatever is received, until the peer closes. */
int
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
static void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: discard [-h] [-t seconds]\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	const char *errstr;
	long idle = HU_IDLE;
	int ch;

	while ((ch = getopt(argc, argv, "ht:")) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
			break;
		case 't':
			if ((idle = hu_number(optarg, INT_MAX, &errstr)) == -1)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");

	if (hu_isdgram(0)) {
		if (hu_dgram_serve(0, (int)idle, discard_reply) == -1)
			err(1, "%s", hu_errop());
	} else if (discard_stream(0, 1) == -1)
		err(1, "%s", hu_errop());
	return 0;
}
#endif
