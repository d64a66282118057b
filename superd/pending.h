/* Connections to a PROXY service, waiting for their header. */
#ifndef SUPERD_PENDING_H
#define SUPERD_PENDING_H

#include <sys/socket.h>
#include <time.h>

struct service;

#define PENDING_MAX	1024	/* however high RLIMIT_NOFILE is */

/*
 * The header is whole: fd (non-blocking, the header read) from peer (the
 * client, or the real peer when the header names none) reached local (or
 * NULL: ask the socket) through the balancer lb.  The function closes fd
 * or hands it on.
 */
typedef void	(*pending_fn)(struct service *, int, const struct sockaddr *,
		    const struct sockaddr *, const struct sockaddr *);

int		 pending_add(struct service *, int,
		    const struct sockaddr_storage *, pending_fn);
void		 pending_timeouts(const struct timespec *);
long long	 pending_nextdeadline(const struct timespec *);
int		 pending_count(void);
void		 pending_closeall(void);

#endif
