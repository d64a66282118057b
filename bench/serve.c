/*
 * ceiling serve and ceiling port: the in-process ceiling, one epoll process
 * that accepts, echoes and closes over TCP and echoes datagrams, with no
 * fork at all; and a loopback port free for both TCP and UDP.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve.h"

#define CONNBUF		4096

/* An epoll registration in serve: a listener, the UDP socket or a conn. */
enum kind { K_LISTEN, K_UDP, K_CONN };

struct conn {
	enum kind	 c_kind;
	int		 c_fd;
	uint32_t	 c_events;	/* what epoll watches for */
	size_t		 c_len;		/* in c_buf, not yet echoed */
	size_t		 c_off;
	char		 c_buf[CONNBUF];
};

/* A socket of type bound to 127.0.0.1:port (0: any); -1 on failure. */
static int
bindlo(int type, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof(one)) == -1) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

static int
portof(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	return ntohs(sin.sin_port);
}

/* port: a port bound for TCP by the kernel's choice, and free for UDP. */
int
portmain(void)
{
	int i, t, u, p;

	for (i = 0; i < 20; i++) {
		if ((t = bindlo(SOCK_STREAM, 0)) == -1)
			err(1, "bind");
		p = portof(t);
		u = bindlo(SOCK_DGRAM, p);
		if (close(t) == -1 || (u != -1 && close(u) == -1))
			err(1, "close");
		if (u != -1) {
			printf("%d\n", p);
			return 0;
		}
	}
	errx(1, "no port free for both TCP and UDP");
}

static void
watch(int ep, struct conn *c, uint32_t events, int op)
{
	struct epoll_event ev;

	if (op == EPOLL_CTL_MOD && c->c_events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(ep, op, c->c_fd, &ev) == -1)
		err(1, "epoll_ctl");
	c->c_events = events;
}

static void
drop(struct conn *c)
{
	if (close(c->c_fd) == -1)
		err(1, "close");
	free(c);
}

/* Echoes what a connection sends until EOF; then closes it. */
static void
serveconn(int ep, struct conn *c)
{
	ssize_t n;

	for (;;) {
		while (c->c_len > 0) {
			n = write(c->c_fd, c->c_buf + c->c_off, c->c_len);
			if (n == -1 && errno == EAGAIN) {
				watch(ep, c, EPOLLOUT, EPOLL_CTL_MOD);
				return;
			}
			if (n == -1) {
				drop(c);
				return;
			}
			c->c_off += (size_t)n;
			c->c_len -= (size_t)n;
		}
		c->c_off = 0;
		n = read(c->c_fd, c->c_buf, sizeof(c->c_buf));
		if (n == -1 && errno == EAGAIN) {
			watch(ep, c, EPOLLIN, EPOLL_CTL_MOD);
			return;
		}
		if (n <= 0) {
			drop(c);
			return;
		}
		c->c_len = (size_t)n;
	}
}

/* Accepts every pending connection and serves what it already sent. */
static void
acceptall(int ep, int lfd)
{
	struct conn *c;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			warn("calloc");
			(void)close(fd);
			continue;
		}
		c->c_kind = K_CONN;
		c->c_fd = fd;
		watch(ep, c, EPOLLIN, EPOLL_CTL_ADD);
		serveconn(ep, c);
	}
	if (errno != EAGAIN && errno != ECONNABORTED)
		warn("accept4");
}

/* Answers every queued datagram with itself (RFC 862). */
static void
udpecho(int fd)
{
	static char dgram[65536];
	struct sockaddr_storage ss;
	socklen_t sslen;
	ssize_t n;

	for (;;) {
		sslen = sizeof(ss);
		n = recvfrom(fd, dgram, sizeof(dgram), 0,
		    (struct sockaddr *)&ss, &sslen);
		if (n == -1)
			break;
		if (sendto(fd, dgram, (size_t)n, 0, (struct sockaddr *)&ss,
		    sslen) == -1)
			warn("sendto");
	}
	if (errno != EAGAIN)
		warn("recvfrom");
}

/* serve: accept-read-echo-close and UDP echo, no fork, until killed. */
int
servemain(const char *portfile)
{
	static struct epoll_event evs[256];
	struct conn lc, uc, *c;
	char tmp[4096];
	FILE *fp;
	int ep, i, nev;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	memset(&lc, 0, sizeof(lc));
	memset(&uc, 0, sizeof(uc));
	lc.c_kind = K_LISTEN;
	uc.c_kind = K_UDP;
	if ((lc.c_fd = bindlo(SOCK_STREAM, 0)) == -1 ||
	    listen(lc.c_fd, SOMAXCONN) == -1)
		err(1, "tcp 127.0.0.1");
	if ((uc.c_fd = bindlo(SOCK_DGRAM, 0)) == -1)
		err(1, "udp 127.0.0.1");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	watch(ep, &lc, EPOLLIN, EPOLL_CTL_ADD);
	watch(ep, &uc, EPOLLIN, EPOLL_CTL_ADD);

	/* Written whole, then renamed, so a reader never sees half. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", portfile) >= (int)sizeof(tmp))
		errx(1, "%s: name too long", portfile);
	if ((fp = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(fp, "tcp %d\nudp %d\n", portof(lc.c_fd), portof(uc.c_fd));
	if (fclose(fp) == EOF)
		err(1, "%s", tmp);
	if (rename(tmp, portfile) == -1)
		err(1, "rename %s", portfile);

	for (;;) {
		nev = epoll_wait(ep, evs, 256, -1);
		if (nev == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < nev; i++) {
			c = evs[i].data.ptr;
			switch (c->c_kind) {
			case K_LISTEN:
				acceptall(ep, c->c_fd);
				break;
			case K_UDP:
				udpecho(c->c_fd);
				break;
			case K_CONN:
				serveconn(ep, c);
				break;
			}
		}
	}
}

