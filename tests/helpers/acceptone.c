/*
 * acceptone: a `stream wait` handler for the tests.  fd 0 is a listening
 * socket; accepts one connection, writes "accepted by PID\n" on it, exits.
 */
#include <sys/socket.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	char msg[64];
	int fd, n;

	if ((fd = accept(0, NULL, NULL)) == -1)
		err(1, "accept");
	n = snprintf(msg, sizeof(msg), "accepted by %ld\n", (long)getpid());
	if (write(fd, msg, (size_t)n) != n)
		err(1, "write");
	return close(fd) == -1;
}
