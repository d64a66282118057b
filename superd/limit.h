/* Spawn rate, per-source limits and the back-off of failing services. */
#ifndef SUPERD_LIMIT_H
#define SUPERD_LIMIT_H

#include <sys/socket.h>
#include <time.h>

struct service;

enum pausewhy { PAUSE_NONE, PAUSE_FAULT, PAUSE_RATE, PAUSE_FAILING };

int	limit_spawnok(struct service *, const struct timespec *);
int	limit_spawned(struct service *, const struct timespec *);
int	limit_admit(struct service *, const struct sockaddr *,
	    const struct timespec *);
void	limit_release(struct service *, const struct sockaddr *);
void	limit_exited(struct service *, int, long long, int,
	    const struct timespec *);
void	limit_resumed(struct service *);
void	limit_free(struct service *);
void	limit_move(struct service *, struct service *);

#endif
