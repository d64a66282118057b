/*
 * conn.c: httpget's side of the network: the clock, waiting on a socket,
 * connecting to every address a name resolves to in turn [nc
 * remote_connect], and sending.  The times and addresses -w prints are
 * taken here, where they happen.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hg.h"
#include "url.h"

static char remote_ip[INET6_ADDRSTRLEN], local_ip[INET6_ADDRSTRLEN];

long long
now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
now_ms(void)
{
	return now_us() / 1000;
}

const char *
cause(int e)
{
	static char buf[128];

	(void)snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

int
waitfd(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int r;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		left = -1;
		if (deadline > 0 && (left = deadline - now_ms()) < 0)
			left = 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 && left > INT_MAX)
			continue;
		if (r == -1)
			return POLLERR;
		return r == 0 ? 0 : pfd.revents;
	}
}

/* Notes the two ends of the connected FD for -w. */
static void
addresses(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char sv[8];

	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, remote_ip,
	    sizeof(remote_ip), sv, sizeof(sv), NI_NUMERICHOST |
	    NI_NUMERICSERV) == 0) {
		xf.x_remote_ip = remote_ip;
		xf.x_remote_port = atoi(sv);
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, local_ip,
	    sizeof(local_ip), sv, sizeof(sv), NI_NUMERICHOST |
	    NI_NUMERICSERV) == 0) {
		xf.x_local_ip = local_ip;
		xf.x_local_port = atoi(sv);
	}
}

/* The scope of an IPv6 zone ("fe80::1%eth0"): glibc's getaddrinfo takes
 * one on link-local addresses only, curl on any, so it is set here. */
static unsigned long
zone_scope(char *name, const char *host)
{
	unsigned long scope;
	char *zone, *end;

	if ((zone = strchr(name, '%')) == NULL)
		return 0;
	*zone++ = '\0';
	if ((scope = if_nametoindex(zone)) == 0) {
		scope = strtoul(zone, &end, 10);
		if (!isdigit((unsigned char)*zone) || *end != '\0' ||
		    scope == 0 || (uint32_t)scope != scope)
			die(HG_RESOLVE, host, "no network interface '%s'",
			    zone);
	}
	return scope;
}

int
connect_to(const char *host, unsigned port, const char *label)
{
	struct addrinfo hints, *res, *ai;
	char name[URL_HOSTMAX], portstr[8], addr[INET6_ADDRSTRLEN], sv[8];
	long long deadline = 0, share;
	unsigned long scope;
	int fd, gai, e = ECONNREFUSED, left, timedout = 0;
	socklen_t len;

	if (cfg.ctimeout_ms > 0)
		deadline = now_ms() + cfg.ctimeout_ms;
	if (deadline_ms > 0 && (deadline == 0 || deadline_ms < deadline))
		deadline = deadline_ms;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = cfg.family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(portstr, sizeof(portstr), "%u", port);
	(void)snprintf(name, sizeof(name), "%s", host);
	if ((scope = zone_scope(name, host)) != 0)
		hints.ai_flags |= AI_NUMERICHOST;
	alarm_at(deadline, host, "timed out looking up the name");
	gai = getaddrinfo(name, portstr, &hints, &res);
	if (deadline > 0)
		alarm_off(label);
	xf.x_t_namelookup = now_us() - start_us;
	if (gai == EAI_NONAME
#ifdef EAI_NODATA
	    || gai == EAI_NODATA
#endif
	    )
		die(HG_RESOLVE, host, NULL);
	if (gai != 0)
		die(HG_RESOLVE, host, "unknown host (%s)", gai_strerror(gai));

	for (left = 0, ai = res; ai != NULL; ai = ai->ai_next)
		left++;
	for (ai = res; ai != NULL; ai = ai->ai_next, left--) {
		if (scope != 0 && ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)(void *)ai->ai_addr)->
			    sin6_scope_id = (uint32_t)scope;
		if (cfg.verbose && getnameinfo(ai->ai_addr, ai->ai_addrlen,
		    addr, sizeof(addr), sv, sizeof(sv), NI_NUMERICHOST |
		    NI_NUMERICSERV) == 0)
			fprintf(stderr, "*   Trying %s%s%s:%s...\n",
			    ai->ai_family == AF_INET6 ? "[" : "", addr,
			    ai->ai_family == AF_INET6 ? "]" : "", sv);
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			goto out;
		if (errno != EINPROGRESS) {
			e = errno;
			(void)close(fd);
			continue;
		}
		share = 0;
		if (deadline > 0)
			share = now_ms() + (deadline - now_ms()) / left;
		if (waitfd(fd, POLLOUT, share) == 0) {
			timedout = 1;
			(void)close(fd);
			continue;
		}
		len = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e == 0)
			goto out;
		(void)close(fd);
	}
	freeaddrinfo(res);
	if (timedout && deadline > 0 && now_ms() >= deadline) {
		if (deadline == deadline_ms)
			timeout(label);
		die(HG_TIMEOUT, label, "connect timed out after %s s",
		    cfg.ctimeout_str);
	}
	die(HG_CONNECT, label, "%s", cause(e));
out:
	freeaddrinfo(res);
	xf.x_t_connect = now_us() - start_us;
	xf.x_num_connects++;
	addresses(fd);
	if (cfg.verbose)
		fprintf(stderr, "* Connected to %s port %u\n", host, port);
	return fd;
}

int
send_all(int fd, const char *p, size_t n, const char *label)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN) {
			if (waitfd(fd, POLLOUT, deadline_ms) == 0)
				timeout(label);
		} else if (w == -1 && (errno == EPIPE || errno == ECONNRESET))
			return -1;
		else if (w == -1 && errno != EINTR)
			die(HG_SEND, label, "send: %s", cause(errno));
	}
	return 0;
}
