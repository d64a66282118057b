/*
 * time: the Time Protocol (RFC 868).  Exactly 4 bytes, big-endian: the
 * seconds since 1900-01-01 00:00 UTC, modulo 2^32, then exit (proto.c).  A
 * datagram gets the same 4 bytes.  Input is ignored.
 */
#include "util.h"

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"[-1h] [-t seconds]",
		"The Time Protocol (RFC 868): sends 4 bytes, the seconds since\n"
		"1900-01-01 00:00 UTC, and exits; on a UDP socket, answers each\n"
		"datagram with them.\n"
		HU_HELP_1 HU_HELP_H HU_HELP_T,
		NULL, NULL
	};

	return hu_main(argc, argv, "time", &p);
}
