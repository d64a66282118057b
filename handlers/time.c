/*
 * time: the Time Protocol (RFC 868).  Exactly 4 bytes, big-endian: the
 * seconds since 1900-01-01 00:00 UTC, modulo 2^32, then exit.  A datagram
 * gets the same 4 bytes.  Input is ignored.
 */
#include <sys/types.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Seconds from 1900 to 1970: 70 years of 365 days, 17 of them leap. */
#define FROM1900	2208988800U

/* The 4 bytes of RFC 868 into b: 0, or -1 when the clock cannot be read. */
static int
stamp(unsigned char b[4])
{
	uint32_t t;
	time_t now;

	if (hu_now(&now) == -1)
		return -1;
	/*
	 * 64-bit unsigned arithmetic, then the low 32 bits: the count wraps
	 * to 0 on 2036-02-07 06:28:16 UTC, as RFC 868's 32-bit field must.
	 */
	t = (uint32_t)((uint64_t)now + FROM1900);
	b[0] = (unsigned char)(t >> 24);
	b[1] = (unsigned char)(t >> 16);
	b[2] = (unsigned char)(t >> 8);
	b[3] = (unsigned char)t;
	return 0;
}

/*
 * RFC 868: the 4 bytes, whatever the request; over TCP they are sent once
 * and the connection closed (hu_serve()).
 */
ssize_t
time_reply(const char *req, size_t reqlen, char *reply, size_t size)
{
	unsigned char b[4];
	size_t i;

	(void)req;
	(void)reqlen;
	if (size < sizeof(b) || stamp(b) == -1)
		return -1;
	for (i = 0; i < sizeof(b); i++)
		reply[i] = (char)b[i];
	return (ssize_t)sizeof(b);
}

#ifndef SUPERD_BUILTIN
/* A clock that cannot be read is an error before anything is served. */
static int
ready(void)
{
	unsigned char b[4];

	return stamp(b);
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"time", "[-1h] [-t seconds]",
		"The Time Protocol (RFC 868): sends 4 bytes, the seconds since\n"
		"1900-01-01 00:00 UTC, and exits; on a UDP socket, answers each\n"
		"datagram with them.\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		NULL, NULL, ready, NULL, time_reply
	};

	return hu_main(argc, argv, &p);
}
#endif
