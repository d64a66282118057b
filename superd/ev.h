/* One epoll set for everything superd serves. */
#ifndef SUPERD_EV_H
#define SUPERD_EV_H

#include <stdint.h>

/* Called with the fd, the events that came and the argument given. */
typedef void	(*ev_fn)(int, uint32_t, void *);

int	ev_init(void);
int	ev_fd(void);
int	ev_add(int, uint32_t, ev_fn, void *);
int	ev_mod(int, uint32_t);
int	ev_del(int);
void	ev_closefd(int);
int	ev_wait(int);
void	ev_run(void);
void	ev_end(void);

#endif
