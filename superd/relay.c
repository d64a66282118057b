/*
 * dgram nowait, so that plain stdio handlers serve UDP.  Each datagram is
 * written into a pipe that becomes the handler's stdin (then EOF); its
 * stdout is another pipe, read as the output comes (an fd of ev.c's set),
 * and what it wrote goes back to the sender as one datagram as soon as the
 * handler closes its stdout or exits, cut at the largest datagram.
 *
 * The reply must leave from the address the datagram reached, or a client
 * that sent to 127.0.0.2 (or to one of several addresses of a host) would
 * get an answer from elsewhere and drop it.  On a wildcard socket only the
 * packet info (IP_PKTINFO, IPV6_PKTINFO) says which address that was; the
 * same control message given to sendmsg() picks the source address.  On a
 * dual-stack socket Linux reports IPv4 destinations as v4-mapped IPV6_PKTINFO
 * and accepts them back the same way.
 *
 * Both paths, and the builtins' replies, drop before any handler runs the
 * datagrams that the reflection guard refuses: hu_badsource() (ports that
 * answer anything, privileged ports, addresses that cannot send), a
 * broadcast address of this host, and a local address on a port where
 * superd itself serves UDP, so that no two of its services can be made to
 * answer each other.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../handlers/util.h"
#include "builtin.h"
#include "conf.h"
#include "ev.h"
#include "log.h"
#include "relay.h"
#include "sock.h"

#define MAXDGRAM4	65507	/* the largest UDP payload over IPv4 */
#define MAXDGRAM6	65527	/* ... and over IPv6 */
#define RECVBUF		65536	/* more than either: a larger one is cut */

struct relay {
	struct relay		*r_prev;	/* in flight, or r_next free */
	struct relay		*r_next;
	struct service		*r_sv;		/* NULL once a reload removed it */
	int			 r_fd;		/* the handler's stdout, read end */
	struct sockaddr_storage	 r_peer;
	socklen_t		 r_peerlen;
	struct sockaddr_storage	 r_local;
	int			 r_ifindex;
	char			*r_buf;		/* the reply, MAXDGRAM6 + 1 */
	size_t			 r_len;
	size_t			 r_max;		/* the largest reply to r_peer */
};

union cmsgbuf {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(struct timespec))];
};

static char dgram[RECVBUF];

/*
 * Relays in flight, for a reload; and relays of ended handlers, kept for
 * reuse with their buffer: once as many exist as ever ran at once, a
 * datagram allocates nothing.
 */
static struct relay *inflight, *freerelays;

/* What the guard knows of this host: its addresses and superd's ports. */
static struct in_addr *addr4, *bcast;
static struct in6_addr *addr6;
static int naddr4, nbcast, naddr6;
static uint8_t udpports[65536 / 8];

static struct relay *
newrelay(void)
{
	struct relay *r;
	char *buf;

	if ((r = freerelays) != NULL) {
		freerelays = r->r_next;
		buf = r->r_buf;
		memset(r, 0, sizeof(*r));
		r->r_buf = buf;
	} else if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->r_fd = -1;
	return r;
}

/* Appends a to *list of *n (grown by one): 0, or -1 out of memory. */
static int
addaddr(void **list, int *n, const void *a, size_t size)
{
	char *p;

	if ((p = realloc(*list, (size_t)(*n + 1) * size)) == NULL)
		return -1;
	memcpy(p + (size_t)*n * size, a, size);
	*list = p;
	(*n)++;
	return 0;
}

/*
 * Learns this host's addresses and broadcast addresses, at start and on
 * reload: a datagram "from" a broadcast address is forged, and answering
 * it would reach every host of that network; one from a local address may
 * be another of superd's own services.
 */
void
relay_loadaddrs(void)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	struct ifaddrs *ifs, *ifa;
	int e = 0;

	if (getifaddrs(&ifs) == -1) {
		logmsg(LOG_ERR, "getifaddrs: %s", strerror(errno));
		return;
	}
	naddr4 = nbcast = naddr6 = 0;
	for (ifa = ifs; ifa != NULL && e == 0; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL)
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET) {
			s4 = (const void *)ifa->ifa_addr;
			e = addaddr((void **)&addr4, &naddr4, &s4->sin_addr,
			    sizeof(*addr4));
		} else if (ifa->ifa_addr->sa_family == AF_INET6) {
			s6 = (const void *)ifa->ifa_addr;
			e = addaddr((void **)&addr6, &naddr6, &s6->sin6_addr,
			    sizeof(*addr6));
		}
		if (e == 0 && (ifa->ifa_flags & IFF_BROADCAST) &&
		    ifa->ifa_broadaddr != NULL &&
		    ifa->ifa_broadaddr->sa_family == AF_INET) {
			s4 = (const void *)ifa->ifa_broadaddr;
			e = addaddr((void **)&bcast, &nbcast, &s4->sin_addr,
			    sizeof(*bcast));
		}
	}
	if (e != 0)
		logmsg(LOG_ERR, "local addresses: %s", strerror(errno));
	freeifaddrs(ifs);
}

/* Notes the ports every UDP service of list is bound to. */
void
relay_setports(const struct service *list)
{
	memset(udpports, 0, sizeof(udpports));
	for (; list != NULL; list = list->sv_next)
		if (list->sv_socktype == SOCK_DGRAM && list->sv_port > 0)
			udpports[list->sv_port / 8] |=
			    (uint8_t)(1 << (list->sv_port % 8));
}

/* 1 when a (IPv4, network order) is one of this host's, loopback too. */
static int
local4(const struct in_addr *a, int bcastonly)
{
	const struct in_addr *list = bcastonly ? bcast : addr4;
	int i, n = bcastonly ? nbcast : naddr4;

	if (!bcastonly && (ntohl(a->s_addr) >> 24) == 127)
		return 1;
	for (i = 0; i < n; i++)
		if (a->s_addr == list[i].s_addr)
			return 1;
	return 0;
}

static int
local6(const struct in6_addr *a)
{
	int i;

	if (IN6_IS_ADDR_LOOPBACK(a))
		return 1;
	for (i = 0; i < naddr6; i++)
		if (memcmp(a, &addr6[i], sizeof(*a)) == 0)
			return 1;
	return 0;
}

/* The reflection guard: 1 when a datagram from sa gets no answer. */
static int
badsource(const struct service *sv, const struct sockaddr *sa)
{
	unsigned char a[16];
	struct in_addr a4;
	int port, own;

	if (hu_badsource(sa, sv->sv_privok))
		return 1;
	if (sock_addr16(sa, a, &port) == AF_INET6) {
		own = udpports[port / 8] & (1 << (port % 8));
		return own && local6((const struct in6_addr *)(void *)a);
	}
	memcpy(&a4, a + 12, sizeof(a4));
	own = udpports[port / 8] & (1 << (port % 8));
	return local4(&a4, 1) || (own && local4(&a4, 0));
}

/*
 * Receives one datagram into dgram; fills r's addresses.  Returns its size,
 * or -1 with errno set; a datagram larger than dgram is dropped (EMSGSIZE).
 */
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
	/* MSG_TRUNC: the datagram's real size, so that a cut one shows. */
	if ((n = recvmsg(sv->sv_fd, &msg, MSG_TRUNC)) == -1)
		return -1;
	if ((size_t)n > sizeof(dgram) || (msg.msg_flags & MSG_TRUNC)) {
		errno = EMSGSIZE;
		return -1;
	}
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
	r->r_max = r->r_peer.ss_family == AF_INET6 &&
	    !IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&r->r_peer)->
	    sin6_addr) ? MAXDGRAM6 : MAXDGRAM4;
	return n;
}

/*
 * recvdgram(), and the guard: 1 a datagram to answer, 0 one dropped, -1
 * nothing more to read now.
 */
static int
takedgram(struct service *sv, struct relay *r, ssize_t *n)
{
	if ((*n = recvdgram(sv, r)) == -1) {
		if (errno == EINTR)
			return 0;
		if (errno == EMSGSIZE) {
			logfault(sv, "datagram", "larger than 65536 bytes: "
			    "dropped");
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			logfault(sv, "recvmsg", strerror(errno));
		return -1;
	}
	return !badsource(sv, (struct sockaddr *)&r->r_peer);
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
	int in[2], out[2], k;
	ssize_t n;

	*again = 0;
	if ((r = newrelay()) == NULL) {
		logfault(sv, "relay", strerror(errno));
		*again = 1;
		return NULL;
	}
	if ((k = takedgram(sv, r, &n)) != 1) {
		*again = k == -1;
		relay_drop(r);
		return NULL;
	}
	if (r->r_buf == NULL && (r->r_buf = malloc(MAXDGRAM6 + 1)) == NULL) {
		logfault(sv, "relay", strerror(errno));
		relay_drop(r);
		*again = 1;
		return NULL;
	}
	if (pipe2(in, O_CLOEXEC) == -1) {
		logfault(sv, "pipe", strerror(errno));
		relay_drop(r);
		*again = 1;
		return NULL;
	}
	if (pipe2(out, O_CLOEXEC) == -1) {
		logfault(sv, "pipe", strerror(errno));
		(void)close(in[0]);
		(void)close(in[1]);
		relay_drop(r);
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
		relay_drop(r);
		return NULL;
	}
	(void)close(in[1]);
	r->r_sv = sv;
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

/* Sends the reply (if any, and if the service still has its socket). */
static void
reply(struct relay *r)
{
	struct service *sv = r->r_sv;

	if (r->r_len == 0 || sv == NULL || sv->sv_fd == -1)
		return;
	if (senddgram(sv->sv_fd, r->r_buf, r->r_len, r) == -1)
		logfault(sv, "sendmsg", strerror(errno));
}

/* The output is complete: sends it, and stops reading the pipe. */
static void
done(struct relay *r)
{
	reply(r);
	ev_closefd(r->r_fd);
	r->r_fd = -1;
}

/*
 * Reads what the handler has written so far.  At its EOF, or past the
 * largest datagram (cut there, logged), the reply goes at once.
 */
static void
drain(struct relay *r)
{
	ssize_t n;

	while (r->r_fd != -1) {
		n = read(r->r_fd, r->r_buf + r->r_len, r->r_max + 1 - r->r_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1 && r->r_sv != NULL)
			logfault(r->r_sv, "reply", strerror(errno));
		if (n > 0 && (r->r_len += (size_t)n) <= r->r_max)
			continue;
		if (n > 0) {
			r->r_len = r->r_max;
			if (r->r_sv != NULL)
				logfault(r->r_sv, "reply", "longer than the "
				    "largest datagram: cut");
		}
		done(r);
	}
}

static void
readable(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	drain(arg);
}

/* The handler of r has started: its output is read as it comes. */
void
relay_started(struct relay *r)
{
	r->r_prev = NULL;
	r->r_next = inflight;
	if (inflight != NULL)
		inflight->r_prev = r;
	inflight = r;
	if (ev_add(r->r_fd, EPOLLIN, readable, r) == -1) {
		if (r->r_sv != NULL)
			logfault(r->r_sv, "epoll_ctl", strerror(errno));
	}
}

/*
 * The handler of r has exited: what it wrote and was not yet read is read
 * now and sent, unless it was sent already.  Then r is freed.
 */
void
relay_ended(struct relay *r)
{
	drain(r);
	if (r->r_fd != -1)
		done(r);	/* something still holds its stdout open */
	if (r->r_prev != NULL)
		r->r_prev->r_next = r->r_next;
	else
		inflight = r->r_next;
	if (r->r_next != NULL)
		r->r_next->r_prev = r->r_prev;
	relay_drop(r);
}

/* Frees r, which never started (or has ended), keeping it for reuse. */
void
relay_drop(struct relay *r)
{
	if (r->r_fd != -1) {
		ev_closefd(r->r_fd);
		r->r_fd = -1;
	}
	r->r_next = freerelays;
	freerelays = r;
}

/* On reload: each relay follows its service's replacement, or NULL. */
void
relay_remap(void)
{
	struct relay *r;

	for (r = inflight; r != NULL; r = r->r_next)
		if (r->r_sv != NULL)
			r->r_sv = r->r_sv->sv_movedto;
}

/*
 * A builtin's datagram, answered without a process, if gate (the access
 * rules and limits) lets its sender in.  -1: nothing left to read.
 */
int
relay_builtin(struct service *sv, const struct builtin *b,
    int (*gate)(struct service *, const struct sockaddr *))
{
	static char out[RECVBUF];
	struct relay r;
	ssize_t n, len;
	int k;

	memset(&r, 0, sizeof(r));
	if ((k = takedgram(sv, &r, &n)) != 1)
		return k;
	if (!gate(sv, (struct sockaddr *)&r.r_peer))
		return 0;
	if ((len = b->bi_reply(dgram, (size_t)n, out, r.r_max)) < 0)
		return 0;
	if (senddgram(sv->sv_fd, out, (size_t)len, &r) == -1)
		logfault(sv, "sendmsg", strerror(errno));
	return 0;
}

/*
 * At exit, once the services are gone: frees every relay, sending nothing,
 * and the guard's lists.
 */
void
relay_freeall(void)
{
	struct relay *r;

	while ((r = inflight) != NULL) {
		inflight = r->r_next;
		relay_drop(r);
	}
	while ((r = freerelays) != NULL) {
		freerelays = r->r_next;
		free(r->r_buf);
		free(r);
	}
	free(addr4);
	free(addr6);
	free(bcast);
	addr4 = bcast = NULL;
	addr6 = NULL;
	naddr4 = naddr6 = nbcast = 0;
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
