/*
 * daytime: the Daytime Protocol (RFC 867).  One human-readable line, CRLF,
 * by default as inetd's builtin writes it ("Sun Nov 22 14:03:01 2026"), in
 * local time; -u for UTC, -f for any strftime(3) format (proto.c).  Input
 * is ignored.
 */
#include "util.h"

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"[-1hu] [-f format] [-t seconds]",
		"The Daytime Protocol (RFC 867): sends the date and time as one\n"
		"line and exits; on a UDP socket, answers each datagram with it.\n"
		HU_HELP_1
		"  -f FORMAT   the line as strftime(3) writes FORMAT\n"
		"              (default \"%a %b %e %H:%M:%S %Y\", as ctime(3))\n"
		HU_HELP_H HU_HELP_T
		"  -u          the time in UTC, not local time\n",
		NULL, NULL
	};

	return hu_main(argc, argv, "daytime", &p);
}
