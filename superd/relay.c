/*
 * dgram nowait, so that plain stdio handlers serve UDP.  Each datagram is
 * written into a pipe that becomes the handler's stdin (then EOF); its
 * stdout is another pipe, read once the handler has exited, and what it
 * wrote goes back to the sender as one datagram.
 *
 * The reply must leave from the address the datagram reached, or a client
 * that sent to 127.0.0.2 (or to one of several addresses of a host) would
 * get an answer from elsewhere and drop it.  On a wildcard socket only the
 * packet info (IP_PKTINFO, IPV6_PKTINFO) says which address that was; the
 * same control message given to sendmsg() picks the source address.  On a
 * dual-stack socket Linux reports IPv4 destinations as v4-mapped IPV6_PKTINFO
 * and accepts them back the same way.
 *
 * Both paths drop datagrams that fail the handlers' reflection guard,
 * hu_badsource(), or come from a broadcast address of this host, before
 * any handler runs.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../handlers/util.h"
#include "builtin.h"
#include "conf.h"
#include "log.h"
#include "relay.h"

#define MAXREPLY	65507	/* the largest UDP payload over IPv4 */

struct relay {
	struct relay		*r_next;	/* on the free list */
	int			r_fd;	/* the handler's stdout, read end */
	struct sockaddr_storage	r_peer;
	socklen_t		r_peerlen;
	struct sockaddr_storage	r_local;
	int			r_ifindex;
};

union cmsgbuf {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

#define NBCAST		32	/* local broadcast addresses remembered */

static char dgram[65536];

/*
 * Relays of ended handlers, kept for reuse: once as many are allocated as
 * ever ran at once, a datagram allocates nothing.
 */
static struct relay *freerelays;

static struct relay *
newrelay(void)
{
	struct relay *r;

	if ((r = freerelays) != NULL) {
		freerelays = r->r_next;
		memset(r, 0, sizeof(*r));
		return r;
	}
	return calloc(1, sizeof(*r));
}
static struct in_addr bcast[NBCAST];
static int nbcast;

/*
 * Learns the broadcast addresses of this host's interfaces, at start and
 * on reload: a datagram "from" one of them is forged, and answering it
 * would reach every host of that network.
 */
void
relay_loadbcast(void)
{
	struct ifaddrs *ifs, *ifa;
	const struct sockaddr_in *s4;

	if (getifaddrs(&ifs) == -1) {
		logmsg(LOG_ERR, "getifaddrs: %s", strerror(errno));
		return;
	}
	nbcast = 0;
	for (ifa = ifs; ifa != NULL && nbcast < NBCAST; ifa = ifa->ifa_next) {
		if (!(ifa->ifa_flags & IFF_BROADCAST) ||
		    ifa->ifa_broadaddr == NULL ||
		    ifa->ifa_broadaddr->sa_family != AF_INET)
			continue;
		s4 = (const struct sockaddr_in *)(void *)ifa->ifa_broadaddr;
		bcast[nbcast++] = s4->sin_addr;
	}
	freeifaddrs(ifs);
}

/* The reflection guard: 1 when a datagram from sa gets no answer. */
static int
badsource(const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	struct in_addr a;
	int i;

	if (hu_badsource(sa))
		return 1;
	if (sa->sa_family == AF_INET)
		a = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		memcpy(&a, &s6->sin6_addr.s6_addr[12], sizeof(a));
	else
		return 0;
	for (i = 0; i < nbcast; i++)
		if (a.s_addr == bcast[i].s_addr)
			return 1;
	return 0;
}

/* Receives one datagram into dgram; fills r's addresses.  Returns its size. */
static ssize_t
recvdgram(const struct service *sv, struct relay *r)
{
	union cmsgbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = dgram;
	iov.iov_len = sizeof(dgram);
	msg.msg_name = &r->r_peer;
	msg.msg_namelen = sizeof(r->r_peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(sv->sv_fd, &msg, 0)) == -1)
		return -1;
	r->r_peerlen = msg.msg_namelen;
	memcpy(&r->r_local, &sv->sv_addr, sv->sv_addrlen);
	r->r_ifindex = 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		    r->r_local.ss_family == AF_INET) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)&r->r_local)->sin_addr =
			    pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    r->r_local.ss_family == AF_INET6) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			((struct sockaddr_in6 *)&r->r_local)->sin6_addr =
			    pi6.ipi6_addr;
			r->r_ifindex = (int)pi6.ipi6_ifindex;
		}
	}
	if (r->r_local.ss_family == AF_INET)
		((struct sockaddr_in *)&r->r_local)->sin_port =
		    htons((unsigned short)sv->sv_port);
	else
		((struct sockaddr_in6 *)&r->r_local)->sin6_port =
		    htons((unsigned short)sv->sv_port);
	return n;
}

/* Sends buf to r's peer from the address r's datagram reached. */
static int
senddgram(int fd, const char *buf, size_t len, const struct relay *r)
{
	union cmsgbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;

	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_name = (void *)&r->r_peer;
	msg.msg_namelen = r->r_peerlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	cm = (struct cmsghdr *)cbuf.buf;
	if (r->r_local.ss_family == AF_INET) {
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)&r->r_local)->
		    sin_addr;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = ((const struct sockaddr_in6 *)&r->r_local)->
		    sin6_addr;
		pi6.ipi6_ifindex = (unsigned)r->r_ifindex;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(cm), &pi6, sizeof(pi6));
	}
	return sendmsg(fd, &msg, 0) == -1 ? -1 : 0;
}

static int
nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * Receives one datagram for sv and prepares the handler's fds: fds[0] holds
 * the datagram then EOF, fds[1] is where the reply goes, fds[2] superd's
 * stderr.  Returns the relay, or NULL: with *again set when the socket has
 * nothing more to read, else for a datagram dropped (and logged if not by
 * the guard).
 */
struct relay *
relay_recv(struct service *sv, int fds[3], int *again)
{
	struct relay *r;
	int in[2], out[2];
	ssize_t n;

	*again = 0;
	if ((r = newrelay()) == NULL) {
		logfault(sv, "relay", strerror(errno));
		*again = 1;
		return NULL;
	}
	r->r_fd = -1;
	if ((n = recvdgram(sv, r)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			logfault(sv, "recvmsg", strerror(errno));
		*again = errno != EINTR;
		relay_free(r);
		return NULL;
	}
	if (badsource((struct sockaddr *)&r->r_peer)) {
		relay_free(r);
		return NULL;
	}
	if (pipe2(in, O_CLOEXEC) == -1) {
		logfault(sv, "pipe", strerror(errno));
		relay_free(r);
		*again = 1;
		return NULL;
	}
	if (pipe2(out, O_CLOEXEC) == -1) {
		logfault(sv, "pipe", strerror(errno));
		(void)close(in[0]);
		(void)close(in[1]);
		relay_free(r);
		*again = 1;
		return NULL;
	}
	/*
	 * A datagram fits an empty pipe (64 KiB) whole; non-blocking all the
	 * same, for a system whose pipe quota has shrunk pipes to one page.
	 */
	if (nonblock(in[1]) == -1 || nonblock(out[0]) == -1 ||
	    write(in[1], dgram, (size_t)n) != n) {
		logfault(sv, "datagram dropped", strerror(errno));
		(void)close(in[0]);
		(void)close(in[1]);
		(void)close(out[0]);
		(void)close(out[1]);
		relay_free(r);
		return NULL;
	}
	(void)close(in[1]);
	r->r_fd = out[0];
	fds[0] = in[0];
	fds[1] = out[1];
	fds[2] = 2;
	return r;
}

/* Closes the parent's copies of the handler's ends. */
void
relay_closefds(const int fds[3])
{
	(void)close(fds[0]);
	(void)close(fds[1]);
}

/*
 * A builtin's datagram, answered without a process, if gate (the access
 * rules and limits) lets its sender in.  -1: nothing left to read.
 */
int
relay_builtin(struct service *sv, const struct builtin *b,
    int (*gate)(struct service *, const struct sockaddr *))
{
	static char reply[MAXREPLY];
	struct relay r;
	ssize_t n, len;

	if ((n = recvdgram(sv, &r)) == -1) {
		if (errno == EINTR)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			logfault(sv, "recvmsg", strerror(errno));
		return -1;
	}
	if (badsource((struct sockaddr *)&r.r_peer) ||
	    !gate(sv, (struct sockaddr *)&r.r_peer))
		return 0;
	if ((len = b->bi_reply(dgram, (size_t)n, reply, sizeof(reply))) < 0)
		return 0;
	if (senddgram(sv->sv_fd, reply, (size_t)len, &r) == -1)
		logfault(sv, "sendmsg", strerror(errno));
	return 0;
}

/*
 * The handler has exited: sends what it wrote (up to one datagram) back.
 * A service removed by a reload has no socket left to answer from.
 */
void
relay_reply(struct relay *r, struct service *sv)
{
	size_t len = 0;
	ssize_t n;

	while (len < MAXREPLY) {
		n = read(r->r_fd, dgram + len, MAXREPLY - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len == 0 || sv == NULL || sv->sv_fd == -1)
		return;
	if (senddgram(sv->sv_fd, dgram, len, r) == -1)
		logfault(sv, "sendmsg", strerror(errno));
}

/* Closes r's pipe and keeps r for the next datagram. */
void
relay_free(struct relay *r)
{
	if (r->r_fd != -1)
		(void)close(r->r_fd);
	r->r_next = freerelays;
	freerelays = r;
}

/* At exit: frees the relays kept for reuse. */
void
relay_freeall(void)
{
	struct relay *r;

	while ((r = freerelays) != NULL) {
		freerelays = r->r_next;
		free(r);
	}
}

const struct sockaddr *
relay_peer(const struct relay *r)
{
	return (const struct sockaddr *)&r->r_peer;
}

const struct sockaddr *
relay_local(const struct relay *r)
{
	return (const struct sockaddr *)&r->r_local;
}
