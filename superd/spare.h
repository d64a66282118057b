/* -S spare: handler processes forked ahead of demand, one per service. */
#ifndef SUPERD_SPARE_H
#define SUPERD_SPARE_H

#include <sys/types.h>
#include <sys/socket.h>

struct service;
struct spawnfail;

void	spare_make(struct service *);
pid_t	spare_take(struct service *, const int [3], const struct sockaddr *,
	    const struct sockaddr *, const struct sockaddr *, int *);
int	spare_report(int, struct spawnfail *);
int	spare_reaped(pid_t, int);
void	spare_dropall(void);
void	spare_freeall(void);

#endif
