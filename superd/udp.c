/*
 * Datagrams superd reads itself, for dgram nowait and the UDP builtins.
 *
 * A reply must leave from the address the datagram reached, or a client
 * that sent to 127.0.0.2 (or to one of several addresses of a host) would
 * get an answer from elsewhere and drop it.  On a wildcard socket only the
 * packet info (IP_PKTINFO, IPV6_PKTINFO) says which address that was; the
 * same control message given to sendmsg() picks the source address.  On a
 * dual-stack socket Linux reports IPv4 destinations as v4-mapped IPV6_PKTINFO
 * and accepts them back the same way.
 *
 * Every datagram passes the reflection guard before anything answers it:
 * proto_badsource() (ports that answer anything, privileged ports,
 * addresses that cannot send), a broadcast address of this host, and an
 * address of this host on a port where superd itself serves UDP, so that no
 * two of its services can be made to answer each other.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../handlers/proto.h"
#include "conf.h"
#include "log.h"
#include "service.h"
#include "sock.h"
#include "udp.h"

union cmsgbuf {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(struct timespec))];
};

/* What the guard knows of this host: its addresses and superd's ports. */
static struct in_addr *addr4, *bcast;
static struct in6_addr *addr6;
static int naddr4, nbcast, naddr6;
static uint8_t udpports[65536 / 8];

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
udp_loadaddrs(void)
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
udp_setports(const struct service *list)
{
	memset(udpports, 0, sizeof(udpports));
	for (; list != NULL; list = list->sv_next)
		if (list->sv_conf->sc_socktype == SOCK_DGRAM &&
		    list->sv_port > 0)
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

	/* A UNIX socket reaches this host only: the file's mode guards it. */
	if (sv->sv_conf->sc_family == AF_UNIX)
		return 0;
	if (proto_badsource(sa, sv->sv_conf->sc_privok))
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
 * Receives one datagram of sv into buf (size at least UDP_BUF); fills d.
 * Returns its size, or -1 with errno set; a datagram larger than the
 * buffer is dropped (EMSGSIZE).
 */
static ssize_t
recvdgram(const struct service *sv, char *buf, size_t size, struct dgaddr *d)
{
	const struct svconf *sc = sv->sv_conf;
	union cmsgbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;
	struct sock_unpeer *up = (void *)&d->d_peer;
	struct ucred uc;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	memset(&d->d_peer, 0, sizeof(d->d_peer));
	iov.iov_base = buf;
	iov.iov_len = size;
	msg.msg_name = &d->d_peer;
	msg.msg_namelen = sizeof(d->d_peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	/* MSG_TRUNC: the datagram's real size, so that a cut one shows. */
	if ((n = recvmsg(sv->sv_fd, &msg, MSG_TRUNC)) == -1)
		return -1;
	if ((size_t)n > size || (msg.msg_flags & MSG_TRUNC)) {
		errno = EMSGSIZE;
		return -1;
	}
	d->d_peerlen = msg.msg_namelen;
	memcpy(&d->d_local, &sc->sc_addr, sc->sc_addrlen);
	d->d_ifindex = 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS && sc->sc_family ==
		    AF_UNIX) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			up->up_sun.sun_family = AF_UNIX;
			up->up_magic = SOCK_UNPEER_MAGIC;
			up->up_uid = uc.uid;
			up->up_gid = uc.gid;
			up->up_pid = uc.pid;
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		    d->d_local.ss_family == AF_INET) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)&d->d_local)->sin_addr =
			    pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    d->d_local.ss_family == AF_INET6) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			((struct sockaddr_in6 *)&d->d_local)->sin6_addr =
			    pi6.ipi6_addr;
			d->d_ifindex = (int)pi6.ipi6_ifindex;
		}
	}
	if (sc->sc_family == AF_UNIX) {
		d->d_max = UDP_MAX6;
		return n;
	}
	if (d->d_local.ss_family == AF_INET)
		((struct sockaddr_in *)&d->d_local)->sin_port =
		    htons((unsigned short)sv->sv_port);
	else
		((struct sockaddr_in6 *)&d->d_local)->sin6_port =
		    htons((unsigned short)sv->sv_port);
	d->d_max = d->d_peer.ss_family == AF_INET6 &&
	    !IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&d->d_peer)->
	    sin6_addr) ? UDP_MAX6 : UDP_MAX4;
	return n;
}

/*
 * Takes one datagram of sv into buf and checks it: 1 a datagram to answer
 * (its size in *n), 0 one dropped (too large, or by the guard), -1 nothing
 * more to read now.
 */
int
udp_take(struct service *sv, char *buf, size_t size, struct dgaddr *d,
    ssize_t *n)
{
	if ((*n = recvdgram(sv, buf, size, d)) == -1) {
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
	return !badsource(sv, (struct sockaddr *)&d->d_peer);
}

/*
 * Sends buf to d's peer from the address d's datagram reached, on sv's
 * socket (none once a reload removed sv): 0, or -1 (logged).
 */
int
udp_send(struct service *sv, const char *buf, size_t len,
    const struct dgaddr *d)
{
	union cmsgbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;

	if (sv->sv_fd == -1)
		return -1;
	/* A UNIX sender that bound no address cannot be answered. */
	if (d->d_local.ss_family == AF_UNIX &&
	    d->d_peerlen <= offsetof(struct sockaddr_un, sun_path))
		return 0;
	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_name = (void *)&d->d_peer;
	msg.msg_namelen = d->d_peerlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	cm = (struct cmsghdr *)cbuf.buf;
	if (d->d_local.ss_family == AF_UNIX)
		msg.msg_control = NULL;
	else if (d->d_local.ss_family == AF_INET) {
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)&d->d_local)->
		    sin_addr;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = ((const struct sockaddr_in6 *)&d->d_local)->
		    sin6_addr;
		pi6.ipi6_ifindex = (unsigned)d->d_ifindex;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(cm), &pi6, sizeof(pi6));
	}
	if (sendmsg(sv->sv_fd, &msg, 0) == -1) {
		logfault(sv, "sendmsg", strerror(errno));
		return -1;
	}
	return 0;
}

/* At exit. */
void
udp_free(void)
{
	free(addr4);
	free(addr6);
	free(bcast);
	addr4 = bcast = NULL;
	addr6 = NULL;
	naddr4 = naddr6 = nbcast = 0;
}
