/*
 * minimal: the smallest fork-per-connection super-server, the like-for-like
 * limit of make bench.  It listens on 127.0.0.1:PORT (0 picks one and
 * prints it), then for each connection: accept, vfork, the connection onto
 * fds 0 and 1, exec of PROG; closes it and reaps what has exited.  Nothing
 * else: no logging, no limits, no access control, no environment.
 *   bench/minimal port prog [arg ...]
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: minimal port prog [arg ...]\n");
	exit(2);
}

/* Returns the port in s (0-65535, decimal, nothing after), or -1. */
static long
portnum(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || n < 0 || n > 65535)
		return -1;
	return n;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t len;
	pid_t pid;
	long port;
	int s, fd, one = 1;

	if (argc < 3)
		usage();
	if ((port = portnum(argv[1])) < 0)
		errx(2, "port %s: not a port number", argv[1]);

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		err(1, "setsockopt SO_REUSEADDR");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((in_port_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind 127.0.0.1 port %ld", port);
	if (listen(s, 4096) == -1)
		err(1, "listen");
	if (port == 0) {
		len = sizeof(sin);
		if (getsockname(s, (struct sockaddr *)&sin, &len) == -1)
			err(1, "getsockname");
		printf("%u\n", ntohs(sin.sin_port));
		if (fflush(stdout) == EOF)
			err(1, "stdout");
	}

	for (;;) {
		/*
		 * Blocking: with one listener there is nothing to poll.  The
		 * connection is close-on-exec; dup2 gives the child copies
		 * without the flag, so the handler holds fds 0 and 1 only.
		 */
		if ((fd = accept4(s, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				warn("accept4");
			continue;
		}
		/* vfork: no page tables copied; the child only execs. */
		if ((pid = vfork()) == -1)
			warn("vfork");
		else if (pid == 0) {
			if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1)
				_exit(126);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		if (close(fd) == -1)
			warn("close");
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}
