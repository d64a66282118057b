/* Stream builtins served in-process, on an epoll set. */
#ifndef SUPERD_CONN_H
#define SUPERD_CONN_H

#include <sys/socket.h>
#include <time.h>

struct service;

int		 conn_init(void);
int		 conn_fd(void);
int		 conn_full(void);
int		 conn_add(struct service *, int, const struct sockaddr *, int,
		    int);
void		 conn_run(void);
void		 conn_remap(const struct service *, struct service *);
void		 conn_timeouts(const struct timespec *, int);
long long	 conn_nextdeadline(const struct timespec *);
void		 conn_closeall(void);

#endif
