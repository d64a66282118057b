/* The child hand-off: from fork to the handler's exec. */
#ifndef SUPERD_SPAWN_H
#define SUPERD_SPAWN_H

#include <sys/types.h>
#include <sys/socket.h>

struct service;

pid_t	spawn_child(const struct service *, const int [3],
	    const struct sockaddr *, const struct sockaddr *, int *);
int	spawn_report(int, char *, size_t, int *);
int	spawn_init(void);

#endif
