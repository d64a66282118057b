/* Stream builtins served in-process, on an epoll set. */
#ifndef SUPERD_CONN_H
#define SUPERD_CONN_H

#include <sys/socket.h>
#include <time.h>

struct service;

#define CONN_MAX	65536	/* however high RLIMIT_NOFILE is */
#define CONN_SNDBUF	65536	/* SO_SNDBUF asked (Linux doubles it) */

struct source;

int		 conn_init(void);
void		 conn_setservices(int, int);
int		 conn_share(void);
int		 conn_srcshare(void);
int		 conn_full(void);
int		 conn_add(struct service *, int, struct source *,
		    const struct sockaddr *);
void		 conn_timeouts(const struct timespec *, int);
long long	 conn_nextdeadline(const struct timespec *);
int		 conn_count(void);
void		 conn_closeall(void);

#endif
