/* The table of running handlers. */
#ifndef SUPERD_CHILD_H
#define SUPERD_CHILD_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

struct relay;
struct service;

struct child {
	pid_t			 ch_pid;
	struct service		*ch_sv;	/* NULL once its service is removed */
	struct timespec		 ch_start;
	struct timespec		 ch_deadline;	/* tv_sec 0: no time limit */
	int			 ch_termed;
	struct relay		*ch_relay;	/* dgram nowait: the reply */
	int			 ch_counted;	/* held by a per-source limit */
	struct sockaddr_storage	 ch_peer;
};

struct child	*child_add(struct service *, pid_t, int);
struct child	*child_find(pid_t);
void		 child_del(struct child *);
void		 child_remap(const struct service *, struct service *);
void		 child_timeouts(const struct timespec *, int);
long long	 child_nextdeadline(const struct timespec *);
void		 child_freeall(void);

#endif
