/* The table of running handlers. */
#ifndef SUPERD_CHILD_H
#define SUPERD_CHILD_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

struct mode;
struct relay;
struct service;
struct source;

/* The datagram at the head of a dgram wait socket's queue. */
struct dghead {
	int			 dh_have;
	ssize_t			 dh_len;
	struct timespec		 dh_stamp;	/* when it arrived */
	struct sockaddr_storage	 dh_peer;
};

struct child {
	pid_t			 ch_pid;
	struct service		*ch_sv;
	const struct mode	*ch_mode;	/* the one it started in */
	struct timespec		 ch_start;
	struct timespec		 ch_deadline;	/* tv_sec 0: no time limit */
	int			 ch_termed;
	int			 ch_holder;	/* a wait handler: has the socket */
	int			 ch_prefailed;	/* failed before its exec */
	int			 ch_report;	/* a spare's end, for its failure */
	unsigned long long	 ch_conn;	/* the log's connection number */
	struct relay		*ch_relay;	/* dgram nowait: the reply */
	struct source		*ch_src;	/* holds a per-source place */
	struct dghead		 ch_head;	/* dgram wait: what woke it */
};

struct child	*child_add(struct service *, pid_t, const struct timespec *,
		    int);
struct child	*child_find(pid_t);
void		 child_del(struct child *);
void		 child_timeouts(const struct timespec *, int);
long long	 child_nextdeadline(const struct timespec *);
int		 child_save(int, const int *, int);
struct child	*child_adopt(struct service *, pid_t, const struct timespec *,
		    const struct timespec *, int);
void		 child_freeall(void);

#endif
