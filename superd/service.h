/*
 * The running services: each a socket and its state (counters, pause,
 * limits, faults) under a configuration that a reload may swap.
 */
#ifndef SUPERD_SERVICE_H
#define SUPERD_SERVICE_H

#include <time.h>

struct confdefaults;
struct mode;
struct svconf;

struct service {
	struct service		*sv_next;
	struct svconf		*sv_conf;	/* owned; a reload swaps it */
	const struct mode	*sv_mode;	/* sv_conf's */
	int			 sv_fd;
	int			 sv_port;	/* the port really bound */
	int			 sv_sockmode;	/* sock_setmode(): 1 wait, 0, -1 */
	int			 sv_nchild;	/* handlers, in-process ones too */
	int			 sv_busy;	/* a wait handler has the socket */
	int			 sv_gone;	/* removed: freed at its last one */
	int			 sv_paired;	/* a reload keeps it */
	int			 sv_watched;	/* sv_fd is in ev.c's set */
	int			 sv_parked;	/* on service.c's parked list */
	struct service		*sv_nextpark;
	struct timespec		 sv_pause;	/* not polled before this */
	int			 sv_pausewhy;	/* enum pausewhy, limit.h */
	unsigned long		 sv_served;
	unsigned long		 sv_failed;
	unsigned long		 sv_refused;
	struct limits		*sv_lim;	/* limit.c's */
	struct timespec		 sv_lastfault;	/* log.c's rate limit */
	unsigned long		 sv_faults;
};

struct service	*service_start(struct svconf *, int *);
int		 service_reload(struct service **, const char *const *, int,
		    const struct confdefaults *);
void		 service_done(struct service *);
void		 service_freeall(struct service *);
int		 service_pollable(struct service *, const struct timespec *);
void		 service_holdproxy(int);
void		 service_unpark(const struct timespec *);
long long	 service_nextpause(const struct timespec *);
void		 service_unwatchall(struct service *);
void		 service_watchall(struct service *);
void		 service_status(const struct service *);
int		 service_count(const struct service *, int *);

#endif
