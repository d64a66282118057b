/*
 * Datagrams that superd reads itself (dgram nowait and the UDP builtins):
 * received with the address they reached, guarded against reflection
 * loops, answered from that same address.
 */
#ifndef SUPERD_UDP_H
#define SUPERD_UDP_H

#include <sys/types.h>
#include <sys/socket.h>

#define UDP_MAX4	65507	/* the largest UDP payload over IPv4 */
#define UDP_MAX6	65527	/* ... and over IPv6 */
#define UDP_BUF		65536	/* more than either: a larger one is cut */

struct service;

/* Where a datagram came from and where it went. */
struct dgaddr {
	struct sockaddr_storage	 d_peer;
	socklen_t		 d_peerlen;
	struct sockaddr_storage	 d_local;
	int			 d_ifindex;
	size_t			 d_max;		/* the largest reply to d_peer */
};

int	udp_take(struct service *, char *, size_t, struct dgaddr *,
	    ssize_t *);
int	udp_send(struct service *, const char *, size_t,
	    const struct dgaddr *);
void	udp_loadaddrs(void);
void	udp_setports(const struct service *);
void	udp_free(void);

#endif
