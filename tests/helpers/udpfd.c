/*
 * udpfd: runs a handler as an inetd `dgram wait` line would.  Binds a UDP
 * socket to 127.0.0.1 (or ::1 with -6) port 0, prints "port N", then execs
 * PROG with the socket as fd 0 and 1.  `udpfd -g ADDR PORT` instead asks
 * the handlers' reflection guard about a source: exit 0 answered, 1 dropped.
 * `udpfd -f` prints a 127.0.0.1 port that is free for both TCP and UDP.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../handlers/util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: udpfd [-6] PROG [ARGS...]\n"
	    "       udpfd -g ADDR PORT\n"
	    "       udpfd -f\n");
	exit(2);
}

static int
guard(const char *addr, const char *port)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	const char *errstr;
	long p;

	if ((p = hu_number(port, 65535, &errstr)) == -1)
		errx(2, "port %s: %s", port, errstr);
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	s4.sin_family = AF_INET;
	s4.sin_port = htons((in_port_t)p);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((in_port_t)p);
	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1)
		return proto_badsource((struct sockaddr *)&s4, 0);
	if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1)
		return proto_badsource((struct sockaddr *)&s6, 0);
	errx(2, "%s: not an address", addr);
}

/* Binds 127.0.0.1:port of type; returns the port bound, or -1. */
static int
tryport(int type, int port, int *fd)
{
	struct sockaddr_in s4;
	socklen_t len = sizeof(s4);

	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4.sin_port = htons((in_port_t)port);
	if ((*fd = socket(AF_INET, type, 0)) == -1)
		err(1, "socket");
	if (bind(*fd, (struct sockaddr *)&s4, len) == -1)
		return -1;
	if (getsockname(*fd, (struct sockaddr *)&s4, &len) == -1)
		err(1, "getsockname");
	return ntohs(s4.sin_port);
}

/* A port free for TCP and UDP a moment ago, for peers that need a number. */
static int
freeport(void)
{
	int i, port, tfd, ufd;

	for (i = 0; i < 50; i++) {
		if ((port = tryport(SOCK_STREAM, 0, &tfd)) == -1)
			err(1, "bind");
		if (tryport(SOCK_DGRAM, port, &ufd) != -1) {
			printf("%d\n", port);
			return 0;
		}
		(void)close(tfd);
		(void)close(ufd);
	}
	errx(1, "no port free for both TCP and UDP");
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, v6 = 0;

	if (argc == 4 && strcmp(argv[1], "-g") == 0)
		return guard(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "-f") == 0)
		return freeport();
	if (argc > 1 && strcmp(argv[1], "-6") == 0) {
		v6 = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		usage();
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		err(1, "bind");
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	printf("port %u\n", ntohs(v6 ? s6->sin6_port : s4->sin_port));
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1)
		err(1, "dup2");
	if (fd > 1)
		(void)close(fd);
	execv(argv[1], argv + 1);
	err(127, "%s", argv[1]);
}
